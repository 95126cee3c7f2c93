package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func request(e traces.Entry) *traces.Message {
	return &traces.Message{Type: traces.Request, From: e.Client, Client: e.Client, RequestNumber: e.RequestNumber, Op: e.Op, Key: e.Key, Value: e.Value}
}

// The primary gathers B requests and sends one PREPARE per backup for them; a partial batch
// goes out BatchWait ticks after its first request (SendPrepare).
func TestBatchGathersThenPrepares(t *testing.T) {
	cfg := testConfig(1)
	cfg.Batch, cfg.BatchWait = 3, 2
	p := NewReplica(0, cfg)
	var out Output
	es := []traces.Entry{entry(0, 1, traces.OpPut, "x", "a"), entry(1, 1, traces.OpAppend, "x", "b"), entry(2, 1, traces.OpGet, "x", "")}
	for i, e := range es {
		p.Receive(request(e), &out)
		require.Equal(t, traces.ReceiveRequest, out.Action)
		assert.Equal(t, i+1, p.OpNumber(), "appended at once")
		if i < 2 {
			assert.Empty(t, out.Sent, "request %d gathers", i)
		}
	}
	require.Len(t, out.Sent, 2, "one PREPARE per backup for the batch")
	for _, m := range out.Sent {
		assert.Equal(t, traces.Prepare, m.Type)
		assert.Equal(t, 3, m.OpNumber)
		assert.Equal(t, es[2], *m.Entry)
		assert.Equal(t, es[:2], m.Log, "the batch's entries before its last")
	}

	// A backup takes the batch in one step and acknowledges its last op.
	b := NewReplica(1, cfg)
	prep := out.Sent[0]
	b.Receive(&prep, &out)
	assert.Equal(t, es, b.Log())
	require.Len(t, out.Sent, 1)
	assert.Equal(t, traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 3, Replica: 1}, out.Sent[0])

	// A fourth request waits; the second tick after it sends its PREPARE alone.
	d := entry(0, 2, traces.OpAppend, "x", "c")
	p.Receive(request(d), &out)
	assert.Empty(t, out.Sent)
	p.Tick(&out)
	assert.NotEqual(t, traces.SendPrepare, out.Action)
	p.Tick(&out)
	require.Equal(t, traces.SendPrepare, out.Action)
	require.Len(t, out.Sent, 2)
	assert.Equal(t, 4, out.Sent[0].OpNumber)
	assert.Empty(t, out.Sent[0].Log)
	assert.Equal(t, d, *out.Sent[0].Entry)
}

// A backup that already has part of a batch appends the rest; one that lacks entries before
// the batch asks for them.
func TestBatchOverlapAndGap(t *testing.T) {
	cfg := testConfig(1)
	cfg.Batch = 2
	es := []traces.Entry{entry(0, 1, traces.OpPut, "x", "a"), entry(1, 1, traces.OpPut, "y", "b"), entry(2, 1, traces.OpPut, "z", "c")}
	b := NewReplica(1, cfg)
	var out Output
	b.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, OpNumber: 1, Entry: &es[0]}, &out)
	b.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, OpNumber: 3, Entry: &es[2], Log: es[:2]}, &out)
	assert.Equal(t, es, b.Log())
	assert.Equal(t, 1, out.State.LogKeep)
	assert.Equal(t, es[1:], out.State.LogAdd)

	g := NewReplica(2, cfg)
	g.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 2, OpNumber: 3, Entry: &es[2], Log: es[1:2]}, &out)
	assert.Zero(t, g.OpNumber())
	assert.Equal(t, []traces.Message{{Type: traces.GetState, From: 2, To: 0, OpNumber: 0, Replica: 2}}, out.Sent)
}

// With batching on, a cluster completes requests and every replica ends with the same log.
func TestBatchClusterCompletes(t *testing.T) {
	c := newCluster(t, 1, 3, Bugs{})
	for i := range c.reps {
		cfg := c.cfg
		cfg.Batch, cfg.BatchWait = 2, 1
		c.reps[i] = NewReplica(i, cfg)
	}
	for round := 0; round < 3; round++ {
		for cl := 0; cl < 3; cl++ {
			c.request(cl, traces.OpAppend, "x", "v")
		}
		c.settle(func() bool {
			for cl := 0; cl < 3; cl++ {
				if len(c.returned[cl]) <= round {
					return false
				}
			}
			return true
		})
	}
	for i := 0; i < 5; i++ {
		c.tick()
		c.run()
	}
	for _, r := range c.reps {
		assert.Equal(t, 9, r.CommitNumber(), "replica %d", r.ID())
		assert.Equal(t, c.reps[0].Log(), r.Log())
	}
}
