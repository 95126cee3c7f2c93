package checker

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func checkEvents(t *testing.T, h *traces.Header, evs []*traces.Event) *Report {
	t.Helper()
	rep, err := Check(bytes.NewReader(encode(t, h, evs)), "t.ndjson", Options{})
	require.NoError(t, err)
	return rep
}

// A backup read's REPLY must give the key's value in the committed log as of its
// commit-number: one altered at its send fails BackupReadNotStale there (and step
// validation), whatever the client then does with it.
func TestBackupReadNotStaleChecksTheValue(t *testing.T) {
	h, evs := load(t, "good/sim-reads.ndjson")
	rep := checkEvents(t, h, clone(evs))
	require.True(t, rep.OK())
	v, ok := rep.Verdict(BackupReadNotStale)
	require.True(t, ok, "reported for a trace with reads at backups")
	assert.Equal(t, Pass, v.Status)

	i := find(t, evs, 0, func(e *traces.Event) bool {
		return (e.Action == traces.ReceiveRead || e.Action == traces.ReplyRead) && len(e.Sent) > 0
	})
	bad := clone(evs)
	bad[i].Sent[0].Result += "x"
	rep = checkEvents(t, h, bad)
	v, _ = rep.Verdict(BackupReadNotStale)
	assert.Equal(t, Fail, v.Status)
	assert.Equal(t, lineOf(i), v.Line)
	assert.Contains(t, v.Message, "the committed log gives")
	sv, _ := rep.Verdict(StepValidation)
	assert.Equal(t, lineOf(i), sv.Line)
}

// A REPLY below what the client had seen fails BackupReadNotStale where the client takes it,
// even when step validation is off; a READ that asks for less than the client has seen is a
// step the spec does not take.
func TestBackupReadNotStaleChecksTheCommitNumber(t *testing.T) {
	h, evs := load(t, "good/sim-reads.ndjson")
	// A parked read, answered by ReplyRead: the client had seen a commit-number above 0.
	i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ReplyRead })
	bad := clone(evs)
	bad[i].Sent[0].CommitNumber = 0
	j := find(t, bad, i, func(e *traces.Event) bool {
		return e.Action == traces.ClientReceiveReply && e.Msg.ID == bad[i].Sent[0].ID
	})
	bad[j].Msg.CommitNumber = 0
	bad[j].ClientState.CommitNumber = evs[j].ClientState.CommitNumber
	rep, err := Check(bytes.NewReader(encode(t, h, bad)), "t.ndjson", Options{SkipStepValidation: true})
	require.NoError(t, err)
	v, _ := rep.Verdict(BackupReadNotStale)
	require.Equal(t, Fail, v.Status, "a read as of commit-number 0 after the client saw more")
	// At the send the value is not the committed log's as of 0; at the return the
	// commit-number is below what the client had seen: two violations.
	assert.Equal(t, lineOf(i), v.Line)
	assert.Equal(t, 2, v.Violations)

	// The client's READ must carry its commit-number.
	k := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ClientRead && e.Sent[0].CommitNumber > 0 })
	bad = clone(evs)
	bad[k].Sent[0].CommitNumber--
	rep = checkEvents(t, h, bad)
	sv, _ := rep.Verdict(StepValidation)
	assert.Equal(t, lineOf(k), sv.Line)
}

// Reads are not operations of the linearizability history: a trace whose only operations
// are backup reads has none.
func TestBackupReadsAreNotInTheHistory(t *testing.T) {
	h, evs := load(t, "good/sim-reads.ndjson")
	c, err := New(h, "t.ndjson", Options{})
	require.NoError(t, err)
	reads, ops := 0, 0
	for i, e := range evs {
		require.NoError(t, c.Step(lineOf(i), e))
		switch e.Action {
		case traces.ClientRead:
			reads++
		case traces.ClientRequest:
			ops++
		}
	}
	require.Positive(t, reads)
	assert.Equal(t, ops, c.hist.Len(), "only the operations through the log")
	assert.Equal(t, ops+reads, c.Finish().Operations)
}
