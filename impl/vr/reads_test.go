package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// A backup answers a READ only from committed state that includes what the client has seen:
// behind, it parks the READ and answers once a COMMIT brings it there (§6.2).
func TestReadAtBackupWaitsForClientsCommitNumber(t *testing.T) {
	cfg := testConfig(1)
	cfg.Reads = ReadsBackup
	r := NewReplica(1, cfg)
	var out Output
	a := entry(0, 1, traces.OpPut, "x", "a")
	r.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, View: 0, OpNumber: 1, Entry: &a}, &out)
	require.Equal(t, 1, r.OpNumber())
	require.Zero(t, r.CommitNumber())

	// The client saw its write commit at op-number 1: the backup, at 0, waits.
	r.Receive(&traces.Message{Type: traces.Read, From: 0, To: 1, Client: 0, RequestNumber: 2, Key: "x", CommitNumber: 1}, &out)
	assert.Equal(t, traces.ReceiveRead, out.Action)
	assert.Empty(t, out.Sent)
	assert.Equal(t, 1, r.Parked())
	r.ReplyRead(&out)
	assert.Empty(t, out.Action, "not enabled before the commit-number reaches the READ's")

	// A READ that asks for nothing newer than the backup has is answered at once.
	r.Receive(&traces.Message{Type: traces.Read, From: 1, To: 1, Client: 1, RequestNumber: 1, Key: "x"}, &out)
	assert.Equal(t, []traces.Message{{Type: traces.Reply, From: 1, To: 1, Client: 1, RequestNumber: 1, Result: ""}}, out.Sent)

	r.Receive(&traces.Message{Type: traces.Commit, From: 0, To: 1, View: 0, CommitNumber: 1}, &out)
	require.Equal(t, 1, r.CommitNumber())
	r.ReplyRead(&out)
	assert.Equal(t, traces.ReplyRead, out.Action)
	assert.Equal(t, []traces.Message{{Type: traces.Reply, From: 1, To: 0, Client: 0, RequestNumber: 2, Result: "a", CommitNumber: 1}}, out.Sent,
		"the client's own write is visible")
	assert.Zero(t, r.Parked())

	// A crash forgets parked READs.
	r.Receive(&traces.Message{Type: traces.Read, From: 0, To: 1, Client: 0, RequestNumber: 3, Key: "x", CommitNumber: 5}, &out)
	require.Equal(t, 1, r.Parked())
	r.Crash(7, &out)
	assert.Zero(t, r.Parked())
}

// A client parked twice keeps only its latest READ; an older one does not replace it.
func TestParkedReadIsTheClientsLatest(t *testing.T) {
	cfg := testConfig(1)
	cfg.Reads = ReadsBackup
	r := NewReplica(2, cfg)
	var out Output
	for _, rn := range []int{3, 4, 2} {
		r.Receive(&traces.Message{Type: traces.Read, From: 0, To: 2, Client: 0, RequestNumber: rn, Key: "x", CommitNumber: 1}, &out)
	}
	require.Equal(t, 1, r.Parked())
	a := entry(0, 1, traces.OpPut, "x", "a")
	r.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 2, View: 0, OpNumber: 1, CommitNumber: 1, Entry: &a}, &out)
	r.ReplyRead(&out)
	require.Len(t, out.Sent, 1)
	assert.Equal(t, 4, out.Sent[0].RequestNumber)
}

// With reads at backups every REPLY carries the commit-number, the client keeps the largest,
// and sends its gets as READs to a backup with it.
func TestClientReadCarriesLatestCommitNumber(t *testing.T) {
	cfg := testConfig(1)
	cfg.Reads = ReadsBackup
	p := NewReplica(0, cfg)
	var out Output
	p.Receive(&traces.Message{Type: traces.Request, From: 0, To: 0, Client: 0, RequestNumber: 1, Op: traces.OpPut, Key: "x", Value: "a"}, &out)
	p.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 1, Replica: 1}, &out)
	require.Len(t, out.Sent, 1)
	reply := out.Sent[0]
	assert.Equal(t, 1, reply.CommitNumber)

	c := NewClient(0, cfg)
	var co ClientOutput
	c.ClientRequest(traces.OpPut, "x", "a", &co)
	c.ClientReceiveReply(&reply, &co)
	assert.Equal(t, 1, co.State.CommitNumber)
	for i := 0; i < 4; i++ {
		c.ClientRead("x", &co)
		require.Equal(t, traces.ClientRead, co.Action)
		require.Len(t, co.Sent, 1)
		m := co.Sent[0]
		assert.Equal(t, traces.Read, m.Type)
		assert.Equal(t, 1, m.CommitNumber)
		assert.NotEqual(t, 0, m.To, "a backup of view 0, not its primary")
		c.ClientReceiveReply(&traces.Message{Type: traces.Reply, Client: 0, RequestNumber: c.RequestNumber(), Result: "a", CommitNumber: 1}, &co)
		require.True(t, co.Returned)
	}
	c.ClientRead("x", &co)
	c.ClientRead("x", &co)
	assert.Error(t, co.Fault, "one outstanding request at a time")

	// Without reads outside the log a REPLY carries no commit-number.
	q := NewReplica(0, testConfig(1))
	q.Receive(&traces.Message{Type: traces.Request, From: 0, To: 0, Client: 0, RequestNumber: 1, Op: traces.OpPut, Key: "x", Value: "a"}, &out)
	q.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 1, Replica: 1}, &out)
	require.Len(t, out.Sent, 1)
	assert.Zero(t, out.Sent[0].CommitNumber)
}

func TestParseReads(t *testing.T) {
	for in, want := range map[string]string{"": "", "none": "", "log": "", "backup": "backup", "lease": "lease"} {
		got, err := ParseReads(in)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
	_, err := ParseReads("primary")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "none, backup, lease")
	assert.Error(t, Config{Replicas: 3, F: 1, ReplicaTimeout: 5, ClientTimeout: 10, Reads: "fast"}.Validate())
}
