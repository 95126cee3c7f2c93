package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestNormalCommit(t *testing.T) {
	for _, f := range []int{1, 2} {
		t.Run(map[int]string{1: "f=1", 2: "f=2"}[f], func(t *testing.T) {
			c := newCluster(t, f, 1, Bugs{})
			c.request(0, traces.OpPut, "x", "1")
			req := c.deliver(isType(traces.Request, 0))
			assert.Equal(t, 0, req.To, "a new client sends to primary(0)")
			p := c.reps[0]
			require.Equal(t, 1, p.OpNumber())
			require.Len(t, c.net, 2*f, "PREPARE to every backup")
			for _, m := range c.net {
				assert.Equal(t, traces.Prepare, m.Type)
				assert.Equal(t, 1, m.OpNumber)
				assert.Equal(t, 0, m.CommitNumber)
				assert.Equal(t, entry(0, 1, traces.OpPut, "x", "1"), *m.Entry)
			}
			// Each backup acknowledges; the primary commits on the f-th PREPAREOK, not before.
			for b := 1; b <= 2*f; b++ {
				c.deliver(isType(traces.Prepare, b))
			}
			for i := 1; i <= f; i++ {
				assert.Equal(t, 0, p.CommitNumber(), "committed after %d PREPAREOKs", i-1)
				c.deliver(isType(traces.PrepareOk, 0))
			}
			assert.Equal(t, 1, p.CommitNumber())
			require.Len(t, c.out.Sent, 1)
			reply := c.out.Sent[0]
			assert.Equal(t, traces.Message{Type: traces.Reply, From: 0, To: 0, View: 0, Client: 0, RequestNumber: 1, Result: ""}, reply)
			c.run()
			assert.Equal(t, []string{""}, c.returned[0])
			assert.Equal(t, "1", p.ServiceValue("x"))

			// The next ops return the value before them, and backups learn the commit-number.
			assert.Equal(t, "1", c.do(0, traces.OpAppend, "x", "2"))
			assert.Equal(t, "12", c.do(0, traces.OpGet, "x", ""))
			for b := 1; b <= 2*f; b++ {
				assert.Equal(t, 3, c.reps[b].OpNumber())
			}
			c.tick() // SendCommit from the idle primary
			c.tick()
			c.run()
			for b := 0; b <= 2*f; b++ {
				assert.Equal(t, 3, c.reps[b].CommitNumber(), "replica %d", b)
				assert.Equal(t, "12", c.reps[b].ServiceValue("x"), "replica %d", b)
			}
		})
	}
}

func TestDuplicateRequest(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	require.Equal(t, "", c.do(0, traces.OpPut, "x", "1"))
	require.Equal(t, "1", c.do(0, traces.OpAppend, "x", "2"))
	p := c.reps[0]
	resend := func(req int) {
		m := traces.Message{Type: traces.Request, From: 0, To: 0, Client: 0, RequestNumber: req, Op: traces.OpAppend, Key: "x", Value: "2"}
		p.Receive(&m, &c.out)
		c.record(p)
	}

	// The latest executed request is answered from the client-table, not executed again.
	resend(2)
	require.Len(t, c.out.Sent, 1)
	assert.Equal(t, traces.Message{Type: traces.Reply, From: 0, To: 0, View: 0, Client: 0, RequestNumber: 2, Result: "1"}, c.out.Sent[0])
	assert.Equal(t, 2, p.OpNumber())
	assert.Equal(t, "12", p.ServiceValue("x"))

	// An older request is dropped.
	resend(1)
	assert.Empty(t, c.out.Sent)
	assert.Equal(t, 2, p.OpNumber())

	// A request in the log but not yet executed is neither appended again nor answered.
	c.request(0, traces.OpAppend, "x", "3")
	c.deliver(isType(traces.Request, 0))
	require.Equal(t, 3, p.OpNumber())
	resend(3)
	assert.Empty(t, c.out.Sent)
	assert.Equal(t, 3, p.OpNumber())
	n, executed, _, ok := p.ClientTable(0)
	assert.True(t, ok)
	assert.Equal(t, 3, n)
	assert.False(t, executed)

	// Backups do not serve requests.
	b := c.reps[1]
	m := traces.Message{Type: traces.Request, From: 0, To: 1, Client: 0, RequestNumber: 9, Op: traces.OpGet, Key: "x"}
	b.Receive(&m, &c.out)
	assert.Equal(t, traces.ReceiveRequest, c.out.Action)
	assert.Empty(t, c.out.Sent)
}

func TestStateTransferOnGap(t *testing.T) {
	c := newCluster(t, 1, 2, Bugs{})
	// Op 1 reaches only replica 1, so replica 2 misses it.
	c.request(0, traces.OpPut, "x", "1")
	c.deliver(isType(traces.Request, 0))
	require.Equal(t, 1, c.drop(isType(traces.Prepare, 2)))
	c.deliver(isType(traces.Prepare, 1))
	c.deliver(isType(traces.PrepareOk, 0))
	require.Equal(t, 1, c.reps[0].CommitNumber())

	// Op 2's PREPARE shows replica 2 the gap.
	c.request(1, traces.OpPut, "y", "2")
	c.deliver(isType(traces.Request, 0))
	c.deliver(isType(traces.Prepare, 2))
	require.Len(t, c.out.Sent, 1)
	gs := c.out.Sent[0]
	assert.Equal(t, traces.Message{Type: traces.GetState, From: 2, To: 0, View: 0, OpNumber: 0, Replica: 2}, gs)
	assert.Equal(t, 0, c.reps[2].OpNumber(), "a PREPARE after a gap is not appended")
	assert.Equal(t, 0, c.reps[2].CommitNumber(), "commit only up to what it has")

	c.deliver(isType(traces.GetState, 0))
	require.Len(t, c.out.Sent, 1)
	ns := c.out.Sent[0]
	assert.Equal(t, traces.NewState, ns.Type)
	assert.Equal(t, 0, ns.FromOpNumber)
	assert.Equal(t, 2, ns.OpNumber)
	assert.Equal(t, 1, ns.CommitNumber)
	assert.Equal(t, []traces.Entry{entry(0, 1, traces.OpPut, "x", "1"), entry(1, 1, traces.OpPut, "y", "2")}, ns.Log)

	c.deliver(isType(traces.NewState, 2))
	r2 := c.reps[2]
	assert.Equal(t, 2, r2.OpNumber())
	assert.Equal(t, 1, r2.CommitNumber())
	assert.Equal(t, "1", r2.ServiceValue("x"))
	assert.Equal(t, 0, c.out.State.LogKeep)
	assert.Len(t, c.out.State.LogAdd, 2)
	assert.Equal(t, c.reps[0].Log(), r2.Log())

	// Caught up: the next PREPARE is appended and acknowledged normally.
	c.run()
	assert.Equal(t, "", c.do(0, traces.OpGet, "z", ""))
	assert.Equal(t, 3, r2.OpNumber())
}

func TestCommitFillsGapThroughGetState(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	c.request(0, traces.OpPut, "x", "1")
	c.deliver(isType(traces.Request, 0))
	c.drop(isType(traces.Prepare, 2))
	c.deliver(isType(traces.Prepare, 1))
	c.deliver(isType(traces.PrepareOk, 0))
	c.run()
	c.reps[0].SendCommit(&c.out)
	require.Equal(t, traces.SendCommit, c.out.Action)
	c.record(c.reps[0])
	c.deliver(isType(traces.Commit, 2))
	require.Len(t, c.out.Sent, 1)
	assert.Equal(t, traces.GetState, c.out.Sent[0].Type)
	c.run()
	assert.Equal(t, 1, c.reps[2].CommitNumber())
	assert.Equal(t, "1", c.reps[2].ServiceValue("x"))
}

func TestRepeatedPrepareIsAcknowledgedAgain(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	c.request(0, traces.OpPut, "x", "1")
	c.deliver(isType(traces.Request, 0))
	dup := c.net[0]
	c.deliver(isType(traces.Prepare, 1))
	c.queue(dup) // the network duplicates the PREPARE
	c.deliver(isType(traces.Prepare, 1))
	require.Len(t, c.out.Sent, 1)
	assert.Equal(t, traces.PrepareOk, c.out.Sent[0].Type)
	assert.Equal(t, 1, c.out.Sent[0].OpNumber)
	assert.Equal(t, 1, c.reps[1].OpNumber())
}
