package checker

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func isLeaseRead(e *traces.Event) bool {
	return e.Action == traces.ReceiveRequest && e.Msg.Op == traces.OpGet && len(e.Sent) == 1 && e.Sent[0].Type == traces.Reply
}

// A lease read is an operation of the linearizability history, judged by LeaseReadNotStale
// instead of RepliesMatchService: one whose value is altered fails both it (at the send) and
// linearizability, even with step validation off.
func TestLeaseReadNotStale(t *testing.T) {
	h, evs := load(t, "good/sim-lease.ndjson")
	rep := checkEvents(t, h, clone(evs))
	require.True(t, rep.OK())
	for _, name := range LeaseInvariants {
		v, ok := rep.Verdict(name)
		require.True(t, ok, "%s reported for a trace with leases", name)
		assert.Equal(t, Pass, v.Status)
	}

	i := find(t, evs, 0, func(e *traces.Event) bool { return isLeaseRead(e) && e.Sent[0].Result != "" })
	bad := clone(evs)
	bad[i].Sent[0].Result += "x"
	j := find(t, bad, i, func(e *traces.Event) bool {
		return e.Action == traces.ClientReceiveReply && e.Msg.ID == bad[i].Sent[0].ID
	})
	bad[j].Msg.Result += "x"
	rep, err := Check(bytes.NewReader(encode(t, h, bad)), "t.ndjson", Options{SkipStepValidation: true})
	require.NoError(t, err)
	v, _ := rep.Verdict(LeaseReadNotStale)
	assert.Equal(t, Fail, v.Status)
	assert.Equal(t, lineOf(i), v.Line)
	assert.Contains(t, v.Message, "under a lease")
	rv, _ := rep.Verdict(RepliesMatchService)
	assert.Equal(t, Pass, rv.Status, "a lease read is not a request of the log")
	lv, _ := rep.Verdict(Linearizability)
	assert.Equal(t, Fail, lv.Status)
}

// A clock that runs faster than ρ allows fails ClockDriftBounded; a primary's PREPARE or COMMIT
// must carry its clock reading, and a PREPAREOK echo the stamp it answers.
func TestClockDriftBoundedAndStamps(t *testing.T) {
	h, evs := load(t, "good/sim-lease.ndjson")
	i := find(t, evs, 10, func(e *traces.Event) bool { return e.State != nil && e.Replica == 1 })
	bad := clone(evs)
	bad[i].State.Clock += 100_000
	rep, err := Check(bytes.NewReader(encode(t, h, bad)), "t.ndjson", Options{SkipStepValidation: true})
	require.NoError(t, err)
	v, _ := rep.Verdict(ClockDriftBounded)
	assert.Equal(t, Fail, v.Status)
	assert.Equal(t, lineOf(i), v.Line)

	k := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.SendCommit })
	bad = clone(evs)
	bad[k].Sent[0].Clock++
	sv, _ := checkEvents(t, h, bad).Verdict(StepValidation)
	assert.Equal(t, lineOf(k), sv.Line, "a COMMIT's stamp is its sender's clock")

	k = find(t, evs, 0, func(e *traces.Event) bool {
		return e.Action == traces.ReceiveCommit && len(e.Sent) > 0 && e.Sent[len(e.Sent)-1].Type == traces.PrepareOk
	})
	bad = clone(evs)
	bad[k].Sent[len(bad[k].Sent)-1].Clock++
	sv, _ = checkEvents(t, h, bad).Verdict(StepValidation)
	assert.Equal(t, lineOf(k), sv.Line, "a PREPAREOK echoes the COMMIT's stamp")
}

// A lease read after the lease ran out is a step the spec does not take, and fails
// LeaseReadCovered when no f backups granted a lease recently enough for any drift within ρ.
func TestLeaseReadOutsideTheLease(t *testing.T) {
	h, evs := load(t, "good/sim-lease.ndjson")
	i := find(t, evs, 0, isLeaseRead)
	bad := clone(evs)
	// The same read, much later on the primary's clock (and in real time).
	for j := i; j < len(bad); j++ {
		bad[j].Tick += 1000
		if bad[j].State != nil {
			bad[j].State.Clock += 1000 * (1000 + h.Drift)
		}
	}
	rep, err := Check(bytes.NewReader(encode(t, h, bad)), "t.ndjson", Options{SkipStepValidation: true, SkipLinearizability: true})
	require.NoError(t, err)
	v, _ := rep.Verdict(LeaseReadCovered)
	assert.Equal(t, Fail, v.Status)
	assert.Equal(t, lineOf(i), v.Line)
	sv, _ := checkEvents(t, h, bad).Verdict(StepValidation)
	assert.Equal(t, lineOf(i), sv.Line)
	assert.Contains(t, sv.Message, "a lease read")
}
