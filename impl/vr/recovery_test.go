package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestCrashLosesState(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	c.do(0, traces.OpPut, "x", "1")
	c.crash(2, 42)
	assert.Equal(t, traces.ReplicaState{ViewNumber: 0, Status: traces.StatusRecovering, OpNumber: 0, CommitNumber: 0,
		LastNormalView: 0, Nonce: 42, LogKeep: 0, LogAdd: []traces.Entry{}, Config: []int{0, 1, 2}}, c.out.State)
	_, _, _, ok := c.reps[2].ClientTable(0)
	assert.False(t, ok)
}

func TestRecovery(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	c.do(0, traces.OpPut, "x", "1")
	c.do(0, traces.OpAppend, "x", "2")
	c.tick()
	c.tick()
	c.run()
	c.crash(2, 42)
	c.restart(2)
	require.Len(t, c.out.Sent, 2)
	for _, m := range c.out.Sent {
		assert.Equal(t, traces.Recovery, m.Type)
		assert.Equal(t, 2, m.Replica)
		assert.Equal(t, 42, m.Nonce)
	}

	// The backup's response alone (f+1 = 2 needed, and no primary's) does not recover it.
	c.deliver(isType(traces.Recovery, 1))
	resp := c.out.Sent[0]
	assert.Equal(t, traces.Message{Type: traces.RecoveryResponse, From: 1, To: 2, View: 0, Nonce: 42, Log: []traces.Entry{}, Replica: 1}, resp)
	c.deliver(isType(traces.RecoveryResponse, 2))
	assert.Equal(t, traces.StatusRecovering, c.reps[2].Status())

	// A response with another nonce is ignored.
	stale := resp
	stale.Nonce = 41
	stale.Replica, stale.From = 0, 0
	c.reps[2].Receive(&stale, &c.out)
	c.record(c.reps[2])
	assert.Equal(t, traces.StatusRecovering, c.reps[2].Status())

	// The primary's response completes recovery.
	c.deliver(isType(traces.Recovery, 0))
	pr := c.out.Sent[0]
	assert.Equal(t, 2, pr.OpNumber)
	assert.Equal(t, 2, pr.CommitNumber)
	assert.Len(t, pr.Log, 2)
	c.deliver(isType(traces.RecoveryResponse, 2))
	r2 := c.reps[2]
	assert.Equal(t, traces.StatusNormal, r2.Status())
	assert.Equal(t, 0, r2.ViewNumber())
	assert.Equal(t, 2, r2.OpNumber())
	assert.Equal(t, 2, r2.CommitNumber())
	assert.Equal(t, "12", r2.ServiceValue("x"))
	assert.Equal(t, c.reps[0].Log(), r2.Log())
	assert.Equal(t, "12", c.do(0, traces.OpGet, "x", ""))
}

func TestRecoveryNeedsLatestViewPrimary(t *testing.T) {
	// Responses from f+1 replicas where the latest view's primary is not among them.
	r := NewReplica(0, testConfig(2)) // N = 5
	var out Output
	r.Crash(9, &out)
	resp := func(from, view int, log ...traces.Entry) *traces.Message {
		if log == nil {
			log = []traces.Entry{}
		}
		return &traces.Message{Type: traces.RecoveryResponse, From: from, To: 0, View: view, Nonce: 9, Log: log, OpNumber: len(log), Replica: from}
	}
	a := entry(0, 1, traces.OpPut, "x", "a")
	r.Receive(resp(1, 1, a), &out) // primary of view 1, but view 2 is later
	r.Receive(resp(3, 2), &out)
	r.Receive(resp(4, 2), &out)
	assert.Equal(t, traces.StatusRecovering, r.Status(), "no response from primary(2) yet")
	r.Receive(resp(2, 2, a, a), &out)
	assert.Equal(t, traces.StatusNormal, r.Status())
	assert.Equal(t, 2, r.ViewNumber())
	assert.Equal(t, 2, r.LastNormalView())
	assert.Equal(t, 2, r.OpNumber())
}

func TestRecoveringReplicaIgnoresProtocolMessages(t *testing.T) {
	a := entry(0, 1, traces.OpPut, "x", "a")
	msgs := []*traces.Message{
		{Type: traces.Request, From: 0, To: 0, Client: 0, RequestNumber: 1, Op: traces.OpGet, Key: "x"},
		{Type: traces.Prepare, From: 1, To: 0, View: 1, OpNumber: 1, CommitNumber: 0, Entry: &a},
		{Type: traces.Prepare, From: 1, To: 0, View: 0, OpNumber: 1, CommitNumber: 0, Entry: &a},
		{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 1, Replica: 1},
		{Type: traces.Commit, From: 1, To: 0, View: 4, CommitNumber: 1},
		{Type: traces.StartViewChange, From: 1, To: 0, View: 3, Replica: 1},
		dvcTo(0, 3, 1, 0, 0, a),
		{Type: traces.StartView, From: 1, To: 0, View: 4, Log: []traces.Entry{a}, OpNumber: 1, CommitNumber: 1},
		{Type: traces.Recovery, From: 1, To: 0, Replica: 1, Nonce: 3},
		{Type: traces.GetState, From: 1, To: 0, View: 0, OpNumber: 0, Replica: 1},
		{Type: traces.NewState, From: 1, To: 0, View: 4, FromOpNumber: 0, Log: []traces.Entry{a}, OpNumber: 1, CommitNumber: 1, Replica: 1},
	}
	for _, m := range msgs {
		t.Run(string(m.Type), func(t *testing.T) {
			r := NewReplica(0, testConfig(1))
			var out Output
			r.Crash(5, &out)
			before := out.State
			r.Receive(m, &out)
			assert.Equal(t, traces.ReceiveAction(m.Type), out.Action, "the action happens")
			assert.Empty(t, out.Sent)
			assert.NoError(t, out.Fault)
			assert.Equal(t, before, out.State)
		})
	}
}

func TestRecoveringReplicaResendsRecovery(t *testing.T) {
	cfg := testConfig(1)
	r := NewReplica(1, cfg)
	var out Output
	r.Crash(5, &out)
	fired := 0
	for i := 0; i < 3*(cfg.ReplicaTimeout+1); i++ {
		r.Tick(&out)
		if out.Action != "" {
			require.Equal(t, traces.StartRecovery, out.Action)
			require.Len(t, out.Sent, 2)
			assert.Equal(t, 5, out.Sent[0].Nonce, "same nonce")
			fired++
		}
	}
	assert.Equal(t, 3, fired, "every T+id = 6 ticks")
}

func TestRecoveryResponseWithNegativeViewIsAFault(t *testing.T) {
	r := NewReplica(0, testConfig(1))
	var out Output
	r.Crash(7, &out)
	for _, from := range []int{1, 2} {
		m := &traces.Message{Type: traces.RecoveryResponse, From: from, To: 0, View: -4, Nonce: 7, Log: []traces.Entry{}, Replica: from}
		require.NotPanics(t, func() { r.Receive(m, &out) })
		assert.Error(t, out.Fault)
	}
	assert.Equal(t, traces.StatusRecovering, r.Status())
}
