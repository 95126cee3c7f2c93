package checker

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func header() *traces.Header {
	return &traces.Header{Format: traces.Format, Version: traces.ReconfigurationVersion - 1 /* no epochs: the states carry no configuration */, Replicas: 3, F: 1, Clients: 1, Bugs: []string{}}
}

// Events built in Go (not read by traces.Reader) can hold what the reader rejects: a bad
// status is a TypeOK violation, an impossible shape is an error, never a panic.
func TestStepOnHandBuiltEvents(t *testing.T) {
	c, err := New(header(), "x", Options{SkipLinearizability: true})
	require.NoError(t, err)
	st := &traces.ReplicaState{ViewNumber: 0, Status: "sleeping", LogAdd: []traces.Entry{}}
	require.NoError(t, c.Step(2, &traces.Event{Seq: 1, Action: traces.SendCommit, Replica: 0, Client: -1, State: st,
		Sent: []traces.Message{{ID: 1, Type: traces.Commit, From: 0, To: 1}, {ID: 2, Type: traces.Commit, From: 0, To: 2}}}))
	rep := c.Finish()
	v, _ := rep.Verdict(TypeOK)
	assert.Equal(t, Fail, v.Status)
	assert.Equal(t, 2, v.Line)

	bad := []*traces.Event{
		nil,
		{Action: "Nope"},
		{Action: traces.SendCommit, Replica: 3, State: st},
		{Action: traces.SendCommit, Replica: 0},
		{Action: traces.ClientRequest, Client: 1, ClientState: &traces.ClientState{}},
		{Action: traces.ReceivePrepare, Replica: 1, State: st},
		{Action: traces.ReceivePrepare, Replica: 1, State: st, Msg: &traces.Message{ID: 1, Type: traces.Prepare, From: 0, To: 1}},
		{Action: traces.ReceivePrepare, Replica: 1, State: st, Msg: &traces.Message{ID: 1, Type: traces.Commit, From: 0, To: 1}},
		{Action: traces.DropMessage, Msg: &traces.Message{ID: 0, Type: traces.Commit}},
		{Action: traces.DropMessage, Msg: &traces.Message{ID: 1, Type: traces.Commit, From: 9}},
		{Action: traces.DropMessage, Msg: &traces.Message{ID: 1, Type: traces.Commit, View: -1}},
	}
	for i, e := range bad {
		c, err := New(header(), "x", Options{})
		require.NoError(t, err)
		err = c.Step(2, e)
		assert.Error(t, err, "event %d", i)
		if err != nil {
			assert.Contains(t, err.Error(), "x:2:")
		}
	}
}

func TestNewRejectsBadHeaders(t *testing.T) {
	for _, h := range []*traces.Header{
		nil,
		{Replicas: 4, F: 1},
		{Replicas: 1, F: 0},
		{Replicas: 2003, F: 1001},
		{Replicas: 3, F: 1, Clients: -1},
	} {
		_, err := New(h, "x", Options{})
		assert.Error(t, err, "%+v", h)
	}
}
