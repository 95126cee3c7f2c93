package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestPrimaryCrashViewChange(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	require.Equal(t, "", c.do(0, traces.OpPut, "x", "a"))
	require.Equal(t, "a", c.do(0, traces.OpAppend, "x", "b"))
	// Op 3 commits at the primary, but the backups never hear of the commit.
	c.request(0, traces.OpAppend, "x", "c")
	c.deliver(isType(traces.Request, 0))
	c.deliver(isType(traces.Prepare, 1))
	c.drop(isType(traces.Prepare, 2))
	c.deliver(isType(traces.PrepareOk, 0))
	require.Equal(t, 3, c.reps[0].CommitNumber())
	c.crash(0, 7)
	c.run() // the REPLY is delivered: op 3 has returned "ab"
	require.Equal(t, []string{"", "a", "ab"}, c.returned[0])

	c.settle(func() bool {
		return c.reps[1].Status() == traces.StatusNormal && c.reps[1].ViewNumber() >= 1
	})
	r1 := c.reps[1]
	assert.Equal(t, 1, r1.ViewNumber())
	assert.True(t, r1.IsPrimary())
	assert.Equal(t, 1, r1.LastNormalView())
	assert.Contains(t, c.events, "1 ReceiveDoViewChange")
	require.GreaterOrEqual(t, r1.OpNumber(), 3, "the committed op 3 survives the view change")
	assert.Equal(t, entry(0, 3, traces.OpAppend, "x", "c"), r1.Log()[2])

	// The client finds the new primary after its timeout and the cluster makes progress.
	assert.Equal(t, "abc", c.do(0, traces.OpGet, "x", ""))
	c.run()
	for _, i := range []int{1, 2} {
		r := c.reps[i]
		assert.Equal(t, 1, r.ViewNumber())
		assert.Equal(t, traces.StatusNormal, r.Status())
		assert.Equal(t, 4, r.OpNumber())
	}
	assert.Equal(t, 1, c.clients[0].View(), "the client learned the view from the REPLY")
}

func TestViewChangeMessages(t *testing.T) {
	// Step by step on 3 replicas: backup 2 times out, replica 1 becomes primary of view 1.
	c := newCluster(t, 1, 1, Bugs{})
	require.Equal(t, "", c.do(0, traces.OpPut, "x", "1"))
	c.tick() // heartbeat: the backups learn commit-number 1
	c.tick()
	c.run()
	require.Equal(t, 1, c.reps[2].CommitNumber())
	c.crash(0, 1)
	r1, r2 := c.reps[1], c.reps[2]

	r2.TimeoutStartViewChange(&c.out)
	require.Equal(t, traces.TimeoutStartViewChange, c.out.Action)
	c.record(r2)
	assert.Equal(t, traces.StatusViewChange, r2.Status())
	assert.Equal(t, 1, r2.ViewNumber())
	require.Len(t, c.out.Sent, 2)
	for _, m := range c.out.Sent {
		assert.Equal(t, traces.StartViewChange, m.Type)
		assert.Equal(t, 1, m.View)
		assert.Equal(t, 2, m.Replica)
	}

	// Replica 1 joins view 1, and with f = 1 STARTVIEWCHANGE it records its own DOVIEWCHANGE.
	c.deliver(isType(traces.StartViewChange, 1))
	assert.Equal(t, traces.StatusViewChange, r1.Status())
	assert.Equal(t, 1, r1.ViewNumber())
	require.Len(t, c.out.Sent, 2, "replica 1 announces view 1")
	c.drop(isType(traces.StartViewChange, 0))

	// Replica 2 reaches f STARTVIEWCHANGEs and sends DOVIEWCHANGE to primary(1) = 1.
	c.deliver(isType(traces.StartViewChange, 2))
	require.Len(t, c.out.Sent, 1)
	dvc := c.out.Sent[0]
	assert.Equal(t, traces.DoViewChange, dvc.Type)
	assert.Equal(t, 1, dvc.To)
	assert.Equal(t, 1, dvc.View)
	assert.Equal(t, 0, dvc.LastNormalView)
	assert.Equal(t, 1, dvc.OpNumber)
	assert.Equal(t, 1, dvc.CommitNumber)
	assert.Len(t, dvc.Log, 1)

	// Its DOVIEWCHANGE and replica 1's own make f+1: view 1 starts.
	c.deliver(isType(traces.DoViewChange, 1))
	assert.Equal(t, traces.StatusNormal, r1.Status())
	require.Len(t, c.out.Sent, 2)
	for _, m := range c.out.Sent {
		assert.Equal(t, traces.StartView, m.Type)
		assert.Equal(t, 1, m.View)
		assert.Equal(t, 1, m.OpNumber)
		assert.Equal(t, 1, m.CommitNumber)
	}
	c.drop(isType(traces.StartView, 0))
	c.deliver(isType(traces.StartView, 2))
	assert.Equal(t, traces.StatusNormal, r2.Status())
	assert.Equal(t, 1, r2.LastNormalView())
	assert.Empty(t, c.out.Sent, "nothing uncommitted to acknowledge")
}

func TestOwnDoViewChangeCanCompleteQuorum(t *testing.T) {
	// The other replica's DOVIEWCHANGE arrives before the new primary has f STARTVIEWCHANGEs;
	// its own DOVIEWCHANGE, recorded on the f-th STARTVIEWCHANGE, then starts the view.
	c := newCluster(t, 1, 0, Bugs{})
	c.crash(0, 1)
	r1, r2 := c.reps[1], c.reps[2]
	r2.TimeoutStartViewChange(&c.out)
	c.record(r2)
	svcTo1 := c.net[len(c.net)-1]
	require.Equal(t, 1, svcTo1.To)
	c.drop(func(m *traces.Message) bool { return m.ID == svcTo1.ID })
	r1.TimeoutStartViewChange(&c.out) // replica 1 times out too, into view 1
	c.record(r1)
	c.deliver(isType(traces.StartViewChange, 2)) // replica 2 reaches f: DOVIEWCHANGE to 1
	c.deliver(isType(traces.DoViewChange, 1))
	assert.Equal(t, traces.StatusViewChange, r1.Status(), "one DOVIEWCHANGE is not f+1")
	c.queue(svcTo1)
	c.deliver(isType(traces.StartViewChange, 1))
	assert.Equal(t, traces.StatusNormal, r1.Status())
	assert.Equal(t, traces.ReceiveStartViewChange, c.out.Action)
	assert.Equal(t, traces.StartView, c.out.Sent[len(c.out.Sent)-1].Type)
}

// dvcTo builds a DOVIEWCHANGE for view v sent by replica from.
func dvcTo(to, v, from, lastNormal, commit int, log ...traces.Entry) *traces.Message {
	if log == nil {
		log = []traces.Entry{}
	}
	return &traces.Message{Type: traces.DoViewChange, From: from, To: to, View: v, Log: log,
		LastNormalView: lastNormal, OpNumber: len(log), CommitNumber: commit, Replica: from}
}

func TestDoViewChangeLogSelection(t *testing.T) {
	a := entry(0, 1, traces.OpPut, "x", "a")
	b := entry(0, 2, traces.OpPut, "x", "b")
	c2 := entry(1, 1, traces.OpPut, "y", "c")
	d := entry(1, 2, traces.OpPut, "y", "d")
	tests := []struct {
		name     string
		bugs     Bugs
		dvcs     []*traces.Message // to replica 1 (primary of view 4 of 3), in order
		wantLog  []traces.Entry
		wantComm int
	}{
		{"largest last-normal-view wins over a longer log", Bugs{},
			[]*traces.Message{dvcTo(1, 4, 0, 1, 1, a, b, c2), dvcTo(1, 4, 2, 3, 1, a, d)},
			[]traces.Entry{a, d}, 1},
		{"same last-normal-view: largest op-number", Bugs{},
			[]*traces.Message{dvcTo(1, 4, 0, 3, 0, a), dvcTo(1, 4, 2, 3, 1, a, b)},
			[]traces.Entry{a, b}, 1},
		{"full tie: lowest replica id", Bugs{},
			[]*traces.Message{dvcTo(1, 4, 2, 3, 0, a, d), dvcTo(1, 4, 0, 3, 0, a, b)},
			[]traces.Entry{a, b}, 0},
		{"commit-number is the largest recorded", Bugs{},
			[]*traces.Message{dvcTo(1, 4, 0, 3, 2, a, b), dvcTo(1, 4, 2, 2, 0, a)},
			[]traces.Entry{a, b}, 2},
		{"bug dvc-largest-n-only ignores last-normal-view", Bugs{DVCLargestNOnly: true},
			[]*traces.Message{dvcTo(1, 4, 0, 1, 1, a, b, c2), dvcTo(1, 4, 2, 3, 1, a, d)},
			[]traces.Entry{a, b, c2}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(1)
			cfg.Bugs = tt.bugs
			r := NewReplica(1, cfg)
			var out Output
			for i, m := range tt.dvcs {
				r.Receive(m, &out)
				require.NoError(t, out.Fault)
				if i == 0 {
					require.Equal(t, traces.StatusViewChange, r.Status())
					require.Equal(t, 4, r.ViewNumber())
				}
			}
			require.Equal(t, traces.StatusNormal, r.Status(), "f+1 DOVIEWCHANGEs start the view")
			assert.Equal(t, tt.wantLog, r.Log())
			assert.Equal(t, tt.wantComm, r.CommitNumber())
			assert.Equal(t, 4, r.LastNormalView())
			var sv []traces.Message
			for _, m := range out.Sent {
				if m.Type == traces.StartView {
					sv = append(sv, m)
				}
			}
			require.Len(t, sv, 2)
			assert.Equal(t, tt.wantLog, sv[0].Log)
			assert.Equal(t, tt.wantComm, sv[0].CommitNumber)
		})
	}
}

func TestStartViewMakesBackupAcknowledgeUncommitted(t *testing.T) {
	a := entry(0, 1, traces.OpPut, "x", "a")
	b := entry(0, 2, traces.OpAppend, "x", "b")
	r := NewReplica(2, testConfig(1))
	var out Output
	sv := &traces.Message{Type: traces.StartView, From: 1, To: 2, View: 1, Log: []traces.Entry{a, b}, OpNumber: 2, CommitNumber: 1}
	r.Receive(sv, &out)
	require.Equal(t, traces.ReceiveStartView, out.Action)
	require.Len(t, out.Sent, 1)
	assert.Equal(t, traces.Message{Type: traces.PrepareOk, From: 2, To: 1, View: 1, OpNumber: 2, Replica: 2}, out.Sent[0])
	assert.Equal(t, 1, r.CommitNumber())
	assert.Equal(t, "a", r.ServiceValue("x"))
	assert.Equal(t, traces.ReplicaState{ViewNumber: 1, Status: traces.StatusNormal, OpNumber: 2, CommitNumber: 1,
		LastNormalView: 1, LogKeep: 0, LogAdd: []traces.Entry{a, b}, Config: []int{0, 1, 2}}, out.State)

	// A STARTVIEW for the view it is already normal in is ignored.
	r.Receive(sv, &out)
	assert.Equal(t, traces.ReceiveStartView, out.Action)
	assert.Empty(t, out.Sent)
	assert.Equal(t, 2, out.State.LogKeep)
	assert.Empty(t, out.State.LogAdd)
}

func TestCommitNumberNeverDecreases(t *testing.T) {
	a := entry(0, 1, traces.OpPut, "x", "a")
	b := entry(0, 2, traces.OpAppend, "x", "b")
	log := []traces.Entry{a, b}
	tests := []struct {
		name string
		msg  *traces.Message
	}{
		{"STARTVIEW with a lower commit-number", &traces.Message{Type: traces.StartView, From: 2, To: 1, View: 5, Log: log, OpNumber: 2, CommitNumber: 0}},
		{"NEWSTATE with a lower commit-number", &traces.Message{Type: traces.NewState, From: 2, To: 1, View: 5, FromOpNumber: 2, Log: []traces.Entry{}, OpNumber: 2, CommitNumber: 1}},
		{"COMMIT with a lower commit-number", &traces.Message{Type: traces.Commit, From: 0, To: 1, View: 3, CommitNumber: 0}},
		{"PREPARE with a lower commit-number", &traces.Message{Type: traces.Prepare, From: 0, To: 1, View: 3, OpNumber: 3, CommitNumber: 0, Entry: &a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReplica(1, testConfig(1))
			var out Output
			// Normal backup in view 3 with both entries committed.
			r.Receive(&traces.Message{Type: traces.StartView, From: 0, To: 1, View: 3, Log: log, OpNumber: 2, CommitNumber: 2}, &out)
			require.Equal(t, 2, r.CommitNumber())
			r.Receive(tt.msg, &out)
			require.NoError(t, out.Fault)
			assert.Equal(t, 2, r.CommitNumber())
			assert.Equal(t, "ab", r.ServiceValue("x"))
		})
	}
}

func TestLogChangeOnReplacement(t *testing.T) {
	a := entry(0, 1, traces.OpPut, "x", "a")
	b := entry(0, 2, traces.OpPut, "x", "b")
	c := entry(1, 1, traces.OpPut, "y", "c")
	d := entry(1, 2, traces.OpPut, "y", "d")
	r := NewReplica(2, testConfig(1))
	var out Output
	r.Receive(&traces.Message{Type: traces.StartView, From: 1, To: 2, View: 1, Log: []traces.Entry{a, b, c}, OpNumber: 3, CommitNumber: 1}, &out)
	assert.Equal(t, 0, out.State.LogKeep)
	assert.Equal(t, []traces.Entry{a, b, c}, out.State.LogAdd)
	// Append: keep the whole old log.
	r.Receive(&traces.Message{Type: traces.Prepare, From: 1, To: 2, View: 1, OpNumber: 4, CommitNumber: 1, Entry: &d}, &out)
	assert.Equal(t, 3, out.State.LogKeep)
	assert.Equal(t, []traces.Entry{d}, out.State.LogAdd)
	// Replacement: keep the common prefix [a], add the rest of the new log.
	r.Receive(&traces.Message{Type: traces.StartView, From: 2, To: 2, View: 2, Log: []traces.Entry{a, c, d}, OpNumber: 3, CommitNumber: 1}, &out)
	assert.Equal(t, 1, out.State.LogKeep)
	assert.Equal(t, []traces.Entry{c, d}, out.State.LogAdd)
	assert.Equal(t, []traces.Entry{a, c, d}, r.Log())
	rn, executed, _, ok := r.ClientTable(0)
	assert.True(t, ok)
	assert.Equal(t, 1, rn, "client-table rebuilt from the new log")
	assert.True(t, executed)
	rn, _, _, _ = r.ClientTable(1)
	assert.Equal(t, 2, rn)
}

func TestLogReturnedIsACopy(t *testing.T) {
	c := newCluster(t, 1, 1, Bugs{})
	c.do(0, traces.OpPut, "x", "1")
	l := c.reps[0].Log()
	l[0].Value = "mutated"
	assert.Equal(t, "1", c.reps[0].Log()[0].Value)
}
