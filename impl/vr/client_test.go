package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestClient(t *testing.T) {
	cfg := testConfig(1)
	c := NewClient(4, cfg)
	var out ClientOutput
	c.ClientRequest(traces.OpAppend, "k", "v", &out)
	require.NoError(t, out.Fault)
	assert.Equal(t, traces.ClientRequest, out.Action)
	assert.Equal(t, []traces.Message{{Type: traces.Request, From: 4, To: 0, Client: 4, RequestNumber: 1, Op: traces.OpAppend, Key: "k", Value: "v"}}, out.Sent)
	assert.Equal(t, traces.ClientState{View: 0, RequestNumber: 1, Pending: true}, out.State)

	c.ClientRequest(traces.OpGet, "k", "", &out)
	assert.Error(t, out.Fault, "one outstanding request at a time")
	assert.Equal(t, "", out.Action)
	assert.Empty(t, out.Sent)

	// ClientTimeout ticks later the request goes to every replica; the timer restarts.
	for i := 1; i < cfg.ClientTimeout; i++ {
		c.Tick(&out)
		require.Equal(t, "", out.Action, "tick %d", i)
	}
	c.Tick(&out)
	assert.Equal(t, traces.ClientTimeout, out.Action)
	require.Len(t, out.Sent, 3)
	for i, m := range out.Sent {
		assert.Equal(t, i, m.To)
		assert.Equal(t, 1, m.RequestNumber)
	}
	c.Tick(&out)
	assert.Equal(t, "", out.Action)

	// A reply for another request is consumed without effect.
	c.ClientReceiveReply(&traces.Message{Type: traces.Reply, From: 2, To: 4, View: 2, Client: 4, RequestNumber: 0, Result: "x"}, &out)
	assert.Equal(t, traces.ClientReceiveReply, out.Action)
	assert.False(t, out.Returned)
	assert.Equal(t, traces.ClientState{View: 0, RequestNumber: 1, Pending: true}, out.State)

	c.ClientReceiveReply(&traces.Message{Type: traces.Reply, From: 2, To: 4, View: 2, Client: 4, RequestNumber: 1, Result: "old"}, &out)
	assert.True(t, out.Returned)
	assert.Equal(t, "old", out.Result)
	assert.Equal(t, traces.ClientState{View: 2, RequestNumber: 1, Pending: false}, out.State)
	assert.False(t, c.Pending())

	// A duplicate reply after the return changes nothing; an idle client never times out.
	c.ClientReceiveReply(&traces.Message{Type: traces.Reply, From: 0, To: 4, View: 1, Client: 4, RequestNumber: 1, Result: "old"}, &out)
	assert.False(t, out.Returned)
	assert.Equal(t, 2, c.View(), "view never goes back")
	for i := 0; i < 2*cfg.ClientTimeout; i++ {
		c.Tick(&out)
		require.Equal(t, "", out.Action)
	}

	c.ClientRequest(traces.OpGet, "k", "", &out)
	assert.Equal(t, 2, out.Sent[0].To, "to primary(view 2)")
	assert.Equal(t, 2, out.Sent[0].RequestNumber)

	c2 := NewClient(0, cfg)
	c2.ClientRequest("delete", "k", "", &out)
	assert.Error(t, out.Fault)
	assert.False(t, c2.Pending())
}

func TestReplicaTimers(t *testing.T) {
	cfg := testConfig(1) // T = 5: heartbeat every 2 ticks, backup i times out after 5+i
	type fire struct {
		tick   int
		action string
	}
	tests := []struct {
		name  string
		setup func(r *Replica, out *Output)
		id    int
		ticks int
		want  []fire
	}{
		{"idle primary sends COMMIT", nil, 0, 6, []fire{{2, traces.SendCommit}, {4, traces.SendCommit}, {6, traces.SendCommit}}},
		{"busy primary resends PREPARE", func(r *Replica, out *Output) {
			r.Receive(&traces.Message{Type: traces.Request, Client: 0, RequestNumber: 1, Op: traces.OpGet, Key: "k"}, out)
		}, 0, 4, []fire{{2, traces.ResendPrepare}, {4, traces.ResendPrepare}}},
		{"backup 1 times out after T+1", nil, 1, 6, []fire{{6, traces.TimeoutStartViewChange}}},
		{"backup 2 times out after T+2, then after 2T+2 in view-change", nil, 2, 7 + 12, []fire{{7, traces.TimeoutStartViewChange}, {19, traces.TimeoutStartViewChange}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReplica(tt.id, cfg)
			var out Output
			if tt.setup != nil {
				tt.setup(r, &out)
			}
			var got []fire
			for i := 1; i <= tt.ticks; i++ {
				r.Tick(&out)
				require.NoError(t, out.Fault)
				if out.Action != "" {
					got = append(got, fire{i, out.Action})
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestBackupTimerResetByPrimary(t *testing.T) {
	r := NewReplica(1, testConfig(1))
	var out Output
	for i := 0; i < 20; i++ {
		r.Tick(&out)
		require.Equal(t, "", out.Action)
		if i%3 == 0 {
			r.Receive(&traces.Message{Type: traces.Commit, From: 0, To: 1, View: 0, CommitNumber: 0}, &out)
		}
	}
	assert.Equal(t, traces.StatusNormal, r.Status())
}

func TestTimerActionsCalledDirectly(t *testing.T) {
	var out Output
	b := NewReplica(1, testConfig(1))
	b.SendCommit(&out)
	assert.Equal(t, "", out.Action, "a backup does not send COMMIT")
	b.ResendPrepare(&out)
	assert.Equal(t, "", out.Action)
	b.StartRecovery(&out)
	assert.Equal(t, "", out.Action, "only a recovering replica starts recovery")
	p := NewReplica(0, testConfig(1))
	p.TimeoutStartViewChange(&out)
	assert.Equal(t, "", out.Action, "a normal primary does not time out")
	p.ResendPrepare(&out)
	assert.Equal(t, "", out.Action, "nothing uncommitted")
}

func TestReceiveRejectsReply(t *testing.T) {
	r := NewReplica(0, testConfig(1))
	var out Output
	r.Receive(&traces.Message{Type: traces.Reply, To: 0}, &out)
	assert.Error(t, out.Fault)
	assert.Equal(t, "", out.Action)
	assert.Error(t, r.Fault())
	assert.NotNil(t, out.State.LogAdd)
}

func TestMalformedMessagesAreFaultsNotPanics(t *testing.T) {
	msgs := []*traces.Message{
		{Type: traces.Prepare, From: 0, To: 1, View: 0, OpNumber: 1},                                           // no entry
		{Type: traces.StartView, From: 0, To: 1, View: 1, Log: []traces.Entry{}, OpNumber: 3},                  // short log
		{Type: traces.StartViewChange, From: 0, To: 1, View: 1, Replica: 9},                                    // bad id
		{Type: traces.NewState, From: 0, To: 1, View: 1, FromOpNumber: -1, Log: []traces.Entry{}, OpNumber: 0}, // bad from
	}
	for _, m := range msgs {
		r := NewReplica(1, testConfig(1))
		var out Output
		assert.NotPanics(t, func() { r.Receive(m, &out) })
		assert.Error(t, out.Fault, "%s", m.Type)
		assert.Equal(t, traces.StatusNormal, r.Status())
	}
}

func TestConfigValidate(t *testing.T) {
	assert.NoError(t, testConfig(1).Validate())
	bad := Config{Replicas: 4, F: 1, ReplicaTimeout: 0, ClientTimeout: 1}
	err := bad.Validate()
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2f+1")
	assert.Contains(t, err.Error(), "replica timeout")
}
