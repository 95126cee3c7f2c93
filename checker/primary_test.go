package checker

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// The primary of view 0 crashes and, recovering without its own (the primary's) response,
// comes back as primary of view 0: view 0 is then started twice, once by Init.
func TestViewZeroRestartedIsOnePrimaryPerViewViolation(t *testing.T) {
	h := &traces.Header{Seed: 0, Replicas: 3, F: 1, Clients: 1, Bugs: []string{}}
	st := func(status string, nonce int) *traces.ReplicaState {
		return &traces.ReplicaState{Status: status, Nonce: nonce, LogAdd: []traces.Entry{}}
	}
	rec := func(id, to int) traces.Message {
		return traces.Message{ID: id, Type: traces.Recovery, From: 0, To: to, Replica: 0, Nonce: 7}
	}
	resp := func(id, from int) traces.Message {
		return traces.Message{ID: id, Type: traces.RecoveryResponse, From: from, To: 0, Nonce: 7, Log: []traces.Entry{}, Replica: from}
	}
	r1, r2, a1, a2 := rec(1, 1), rec(2, 2), resp(3, 1), resp(4, 2)
	evs := []*traces.Event{
		{Action: traces.Crash, Replica: 0, Client: -1, Sent: []traces.Message{}, State: st(traces.StatusRecovering, 7)},
		{Action: traces.StartRecovery, Replica: 0, Client: -1, Sent: []traces.Message{r1, r2}, State: st(traces.StatusRecovering, 7)},
		{Action: traces.ReceiveRecovery, Replica: 1, Client: -1, Msg: &r1, Sent: []traces.Message{a1}, State: st(traces.StatusNormal, 0)},
		{Action: traces.ReceiveRecovery, Replica: 2, Client: -1, Msg: &r2, Sent: []traces.Message{a2}, State: st(traces.StatusNormal, 0)},
		{Action: traces.ReceiveRecoveryResponse, Replica: 0, Client: -1, Msg: &a1, Sent: []traces.Message{}, State: st(traces.StatusRecovering, 7)},
		// Without the primary's response the correct protocol stays recovering.
		{Action: traces.ReceiveRecoveryResponse, Replica: 0, Client: -1, Msg: &a2, Sent: []traces.Message{}, State: st(traces.StatusNormal, 7)},
	}
	rep, err := Check(bytes.NewReader(encode(t, h, evs)), "t", Options{})
	require.NoError(t, err)
	v, ok := rep.Verdict(OnePrimaryPerView)
	require.True(t, ok)
	assert.Equal(t, Fail, v.Status)
	assert.Equal(t, 7, v.Line)
	assert.Contains(t, v.Message, "initial state")
	step, _ := rep.Verdict(StepValidation)
	assert.Equal(t, Fail, step.Status)
	assert.Equal(t, 7, step.Line)
}
