package vr

import (
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestBugCatalog(t *testing.T) {
	names := make([]string, len(BugCatalog))
	for i, b := range BugCatalog {
		names[i] = b.Name
		assert.NotEmpty(t, b.Description, b.Name)
		assert.NotEmpty(t, b.Source, b.Name)
	}
	assert.True(t, sort.StringsAreSorted(names), "catalog sorted by name")
	assert.Len(t, names, 23)
	seen := map[string]bool{}
	for _, name := range names {
		b, err := ParseBugs([]string{name})
		require.NoError(t, err)
		assert.Equal(t, []string{name}, b.Names(), "each name switches on exactly its own field")
		assert.NotEqual(t, Bugs{}, b)
		assert.False(t, seen[name])
		seen[name] = true
	}
	all, err := ParseBugs(names)
	require.NoError(t, err)
	assert.Equal(t, names, all.Names())
	assert.Equal(t, []string{}, Bugs{}.Names(), "never nil: a trace header needs []")

	_, err = ParseBugs([]string{"view-wrap", "no-such-bug"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"no-such-bug"`)
	assert.Contains(t, err.Error(), "statetransfer-truncate", "the error lists the valid names")
}

// bugCase runs a scenario with and without one bug switch; check sees the outcome.
type bugCase struct {
	bug      string
	scenario func(t *testing.T, bugs Bugs) any
	off, on  any
}

func TestBugSwitches(t *testing.T) {
	a := entry(0, 1, traces.OpPut, "x", "a")
	b := entry(0, 2, traces.OpAppend, "x", "b")
	c := entry(1, 1, traces.OpPut, "y", "c")
	cfgWith := func(f int, bugs Bugs) Config {
		cfg := testConfig(f)
		cfg.Bugs = bugs
		return cfg
	}
	// backupIn makes replica id of 3 a normal backup of view v with log and commit-number.
	backupIn := func(id, v int, bugs Bugs, commit int, log ...traces.Entry) *Replica {
		r := NewReplica(id, cfgWith(1, bugs))
		var out Output
		r.Receive(&traces.Message{Type: traces.StartView, From: v % 3, To: id, View: v, Log: log, OpNumber: len(log), CommitNumber: commit}, &out)
		require.Equal(t, traces.StatusNormal, r.Status())
		require.Equal(t, v, r.ViewNumber())
		require.Equal(t, len(log), r.OpNumber())
		return r
	}
	type msgs = []traces.Message
	cases := []bugCase{
		{"backup-read-stale", func(t *testing.T, bugs Bugs) any {
			r := backupIn(2, 1, bugs, 0, a) // commit-number 0; the client has seen 1
			var out Output
			r.Receive(&traces.Message{Type: traces.Read, From: 0, To: 2, Client: 0, RequestNumber: 2, Key: "x", CommitNumber: 1}, &out)
			return []any{out.Sent, r.Parked()}
		}, []any{msgs(nil), 1}, []any{msgs{{Type: traces.Reply, From: 2, To: 0, View: 1, Client: 0, RequestNumber: 2, Result: ""}}, 0}},
		{"view-wrap", func(t *testing.T, bugs Bugs) any {
			r := backupIn(2, 1, bugs, 0)
			var out Output
			r.TimeoutStartViewChange(&out)
			return r.ViewNumber()
		}, 2, 0},
		{"commit-without-quorum", func(t *testing.T, bugs Bugs) any {
			r := NewReplica(0, cfgWith(2, bugs)) // f = 2: two PREPAREOKs needed
			var out Output
			for i := 1; i <= 2; i++ {
				r.Receive(&traces.Message{Type: traces.Request, Client: 0, RequestNumber: i, Op: traces.OpPut, Key: "x", Value: "v"}, &out)
			}
			r.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 1, Replica: 1}, &out)
			return r.CommitNumber()
		}, 0, 2},
		{"dvc-largest-n-only", func(t *testing.T, bugs Bugs) any {
			r := NewReplica(1, cfgWith(1, bugs))
			var out Output
			r.Receive(dvcTo(1, 4, 0, 1, 1, a, b, c), &out)
			r.Receive(dvcTo(1, 4, 2, 3, 1, a), &out)
			return r.OpNumber()
		}, 1, 3},
		{"dvc-mixed-views", func(t *testing.T, bugs Bugs) any {
			// Replica 1 is primary of views 1 and 4 (of 3). In view 4's change it has only its
			// own DOVIEWCHANGE when a stale one for view 1 arrives.
			r := NewReplica(1, cfgWith(1, bugs))
			var out Output
			r.Receive(&traces.Message{Type: traces.StartViewChange, From: 2, To: 1, View: 4, Replica: 2}, &out)
			require.Equal(t, traces.StatusViewChange, r.Status())
			r.Receive(dvcTo(1, 1, 0, 0, 0, a), &out)
			return r.Status()
		}, traces.StatusViewChange, traces.StatusNormal},
		{"late-startview", func(t *testing.T, bugs Bugs) any {
			r := backupIn(2, 1, bugs, 0, a, b)
			var out Output
			r.Receive(&traces.Message{Type: traces.StartView, From: 1, To: 2, View: 1, Log: []traces.Entry{a, c}, OpNumber: 2, CommitNumber: 0}, &out)
			return r.Log()
		}, []traces.Entry{a, b}, []traces.Entry{a, c}},
		{"statetransfer-truncate", func(t *testing.T, bugs Bugs) any {
			r := backupIn(0, 1, bugs, 1, a, b)
			var out Output
			r.Receive(&traces.Message{Type: traces.Prepare, From: 2, To: 0, View: 2, OpNumber: 3, CommitNumber: 2, Entry: &c}, &out)
			require.Equal(t, msgs{{Type: traces.GetState, From: 0, To: 2, View: 2, OpNumber: 1, Replica: 0}}, out.Sent)
			return []int{r.ViewNumber(), r.OpNumber(), r.LastNormalView()}
		}, []int{1, 2, 1}, []int{2, 1, 2}},
		{"commit-regress", func(t *testing.T, bugs Bugs) any {
			r := backupIn(2, 1, bugs, 2, a, b)
			var out Output
			r.Receive(&traces.Message{Type: traces.StartView, From: 2, To: 2, View: 2, Log: []traces.Entry{a, b}, OpNumber: 2, CommitNumber: 1}, &out)
			return []any{r.CommitNumber(), r.ServiceValue("x")}
		}, []any{2, "ab"}, []any{1, "a"}},
		{"recovering-participates", func(t *testing.T, bugs Bugs) any {
			r := NewReplica(0, cfgWith(1, bugs))
			var out Output
			r.Crash(3, &out)
			r.Receive(&traces.Message{Type: traces.Recovery, From: 1, To: 0, Replica: 1, Nonce: 8}, &out)
			answered := len(out.Sent)
			r.Receive(&traces.Message{Type: traces.StartViewChange, From: 1, To: 0, View: 3, Replica: 1}, &out)
			return []any{answered, r.Status()}
		}, []any{0, traces.StatusRecovering}, []any{1, traces.StatusViewChange}},
		{"recovery-without-primary", func(t *testing.T, bugs Bugs) any {
			r := NewReplica(0, cfgWith(1, bugs))
			var out Output
			r.Crash(3, &out)
			// Replica 1 (primary of view 4) is silent; replica 2 answers for view 4, and a
			// stale response from replica 1 for view 1 completes f+1.
			r.Receive(&traces.Message{Type: traces.RecoveryResponse, From: 2, To: 0, View: 4, Nonce: 3, Log: []traces.Entry{}, Replica: 2}, &out)
			r.Receive(&traces.Message{Type: traces.RecoveryResponse, From: 1, To: 0, View: 1, Nonce: 3, Log: []traces.Entry{a}, OpNumber: 1, Replica: 1}, &out)
			return []any{r.Status(), r.ViewNumber()}
		}, []any{traces.StatusRecovering, 0}, []any{traces.StatusNormal, 4}},
		{"no-client-table", func(t *testing.T, bugs Bugs) any {
			cl := newCluster(t, 1, 1, bugs)
			cl.allowFaults = true
			cl.do(0, traces.OpAppend, "x", "1")
			cl.queue(traces.Message{Type: traces.Request, From: 0, To: 0, Client: 0, RequestNumber: 1, Op: traces.OpAppend, Key: "x", Value: "1"})
			cl.run()
			cl.tick()
			cl.tick()
			cl.run()
			return []any{cl.reps[0].OpNumber(), cl.reps[0].ServiceValue("x")}
		}, []any{1, "1"}, []any{2, "11"}},
		{"prepare-gap", func(t *testing.T, bugs Bugs) any {
			r := NewReplica(1, cfgWith(1, bugs))
			var out Output
			r.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, View: 0, OpNumber: 2, CommitNumber: 0, Entry: &b}, &out)
			return out.Sent
		}, msgs{{Type: traces.GetState, From: 1, To: 0, View: 0, OpNumber: 0, Replica: 1}},
			msgs{{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 2, Replica: 1}}},
		{"reply-before-commit", func(t *testing.T, bugs Bugs) any {
			r := NewReplica(0, cfgWith(1, bugs))
			var out Output
			r.Receive(&traces.Message{Type: traces.Request, Client: 5, RequestNumber: 1, Op: traces.OpPut, Key: "x", Value: "a"}, &out)
			r.Receive(&traces.Message{Type: traces.Request, Client: 6, RequestNumber: 1, Op: traces.OpAppend, Key: "x", Value: "b"}, &out)
			var replies msgs
			for _, m := range out.Sent {
				if m.Type == traces.Reply {
					replies = append(replies, m)
				}
			}
			return []any{r.CommitNumber(), replies}
		}, []any{0, msgs(nil)}, []any{0, msgs{{Type: traces.Reply, From: 0, To: 6, View: 0, Client: 6, RequestNumber: 1, Result: "a"}}}},
		{"batch-commit-gathered", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Batch = 2
			r := NewReplica(0, cfg)
			var out Output
			for i, e := range []traces.Entry{a, c, b} { // a and c go out as one batch; b gathers
				r.Receive(&traces.Message{Type: traces.Request, From: e.Client, Client: e.Client, RequestNumber: e.RequestNumber, Op: e.Op, Key: e.Key, Value: e.Value}, &out)
				require.Equal(t, map[bool]int{true: 2, false: 0}[i == 1], len(out.Sent), "request %d", i)
			}
			r.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 2, Replica: 1}, &out)
			return r.CommitNumber()
		}, 2, 3},
		{"batch-gap", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Batch = 2
			r := NewReplica(1, cfg)
			var out Output
			// Ops 1..2 were lost; this batch is ops 3..4.
			r.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, View: 0, OpNumber: 4, CommitNumber: 0, Entry: &b, Log: []traces.Entry{c}}, &out)
			return out.Sent
		}, msgs{{Type: traces.GetState, From: 1, To: 0, View: 0, OpNumber: 0, Replica: 1}},
			msgs{{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 4, Replica: 1}}},
		{"epoch-accept-after-reconfiguration", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Universe = 4
			r := NewReplica(0, cfg)
			var out Output
			r.Receive(&traces.Message{Type: traces.Reconfiguration, From: 5, Client: 5, RequestNumber: 1, Config: []int{1, 2, 3}}, &out)
			r.Receive(&traces.Message{Type: traces.Request, From: a.Client, Client: a.Client, RequestNumber: a.RequestNumber, Op: a.Op, Key: a.Key, Value: a.Value}, &out)
			return r.OpNumber()
		}, 1, 2},
		{"epoch-old-prepare", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Universe = 4
			r := NewReplica(1, cfg)
			var out Output
			rc := traces.Entry{Client: 5, RequestNumber: 1, Op: traces.OpReconfiguration, Value: "0,1,3"}
			r.Receive(&traces.Message{Type: traces.StartEpoch, From: 0, To: 1, Epoch: 1, OpNumber: 1, OldConfig: []int{0, 1, 2}, Config: []int{0, 1, 3}}, &out)
			// An old-group replica stays in its epoch and asks for the new epoch's state.
			require.Equal(t, 0, r.EpochNumber())
			require.Equal(t, traces.Message{Type: traces.GetState, From: 1, To: 0, Epoch: 1, View: 0, OpNumber: 0, Replica: 1}, out.Sent[0])
			r.Receive(&traces.Message{Type: traces.NewState, From: 0, To: 1, Epoch: 1, Log: []traces.Entry{rc}, OpNumber: 1, CommitNumber: 1, Replica: 0}, &out)
			require.Equal(t, traces.StatusNormal, r.Status())
			require.Equal(t, 1, r.EpochNumber())
			r.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, View: 0, OpNumber: 2, CommitNumber: 1, Entry: &a}, &out)
			return out.Sent[0].Type
		}, traces.StartEpoch, traces.PrepareOk},
		{"epoch-shutdown-early", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Universe = 4
			r := NewReplica(0, cfg)
			var out Output
			r.Receive(&traces.Message{Type: traces.StartEpoch, From: 1, To: 0, Epoch: 1, OpNumber: 1, OldConfig: []int{0, 1, 2}, Config: []int{1, 2, 3}}, &out)
			rc := traces.Entry{Client: 5, RequestNumber: 1, Op: traces.OpReconfiguration, Value: "1,2,3"}
			r.Receive(&traces.Message{Type: traces.NewState, From: 1, To: 0, Epoch: 1, Log: []traces.Entry{rc}, OpNumber: 1, CommitNumber: 1, Replica: 1}, &out)
			require.Equal(t, traces.StatusTransitioning, r.Status())
			r.Receive(&traces.Message{Type: traces.EpochStarted, From: 1, To: 0, Epoch: 1, Replica: 1}, &out)
			return r.Status()
		}, traces.StatusTransitioning, traces.StatusShutDown},
		{"epoch-startepoch-commit", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Universe = 4
			r := NewReplica(1, cfg)
			var out Output
			rc := traces.Entry{Client: 5, RequestNumber: 1, Op: traces.OpReconfiguration, Value: "0,1,3"}
			r.Receive(&traces.Message{Type: traces.Prepare, From: 0, To: 1, View: 0, OpNumber: 1, CommitNumber: 0, Entry: &rc}, &out)
			require.Equal(t, 1, r.OpNumber())
			r.Receive(&traces.Message{Type: traces.StartEpoch, From: 3, To: 1, Epoch: 1, OpNumber: 1, OldConfig: []int{0, 1, 2}, Config: []int{0, 1, 3}}, &out)
			return r.EpochNumber()
		}, 0, 1},
		{"checkpoint-uncommitted", func(t *testing.T, bugs Bugs) any {
			r := checkpointedPrimary(t, cfgWith(1, bugs), a, c)
			return r.CheckpointNumber()
		}, 1, 2},
		{"gc-no-checkpoint", func(t *testing.T, bugs Bugs) any {
			r := checkpointedPrimary(t, cfgWith(1, bugs), a, c)
			var out Output
			r.Receive(&traces.Message{Type: traces.GetState, From: 1, To: 0, View: 0, OpNumber: 0, Replica: 1}, &out)
			require.Len(t, out.Sent, 1)
			ns := out.Sent[0]
			return []any{ns.Checkpoint != nil, ns.OpNumber, ns.Log}
		}, []any{true, 2, []traces.Entry{c}}, []any{false, 1, []traces.Entry{c}}},
		{"lease-no-drift", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Reads, cfg.Lease, cfg.Drift = ReadsLease, 5, 100
			r := NewReplica(0, cfg)
			var out Output
			r.SetClock(1_000)
			r.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, Replica: 1, Clock: 1_000}, &out)
			r.SetClock(5_500) // past 1,000 + 4,090, before 1,000 + 5,000
			r.Receive(&traces.Message{Type: traces.Request, From: 0, Client: 0, RequestNumber: 1, Op: traces.OpGet, Key: "x"}, &out)
			return out.Sent[0].Type
		}, traces.Prepare, traces.Reply},
		{"lease-ignore-promise", func(t *testing.T, bugs Bugs) any {
			cfg := cfgWith(1, bugs)
			cfg.Reads, cfg.Lease, cfg.Drift = ReadsLease, 5, 100
			r := NewReplica(1, cfg)
			var out Output
			r.SetClock(1_000)
			r.Receive(&traces.Message{Type: traces.Commit, From: 0, To: 1, View: 0, Clock: 900}, &out)
			r.Receive(&traces.Message{Type: traces.StartViewChange, From: 2, To: 1, View: 1, Replica: 2}, &out)
			return r.ViewNumber()
		}, 0, 1},
	}
	require.Len(t, cases, len(BugCatalog), "one case per bug switch")
	for _, tc := range cases {
		t.Run(tc.bug, func(t *testing.T) {
			on, err := ParseBugs([]string{tc.bug})
			require.NoError(t, err)
			assert.Equal(t, tc.off, tc.scenario(t, Bugs{}), "switch off: the correct protocol")
			assert.Equal(t, tc.on, tc.scenario(t, on), "switch on: the defect")
		})
	}
}

// checkpointedPrimary is primary 0 of 3 with checkpoints every op: committed has committed
// and been checkpointed (one tick), then pending is appended, uncommitted.
func checkpointedPrimary(t *testing.T, cfg Config, committed, pending traces.Entry) *Replica {
	cfg.CheckpointEvery = 1
	r := NewReplica(0, cfg)
	var out Output
	req := func(e traces.Entry) {
		r.Receive(&traces.Message{Type: traces.Request, From: e.Client, Client: e.Client, RequestNumber: e.RequestNumber, Op: e.Op, Key: e.Key, Value: e.Value}, &out)
	}
	req(committed)
	r.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 1, Replica: 1}, &out)
	require.Equal(t, 1, r.CommitNumber())
	req(pending)
	r.Tick(&out)
	require.Equal(t, traces.TakeCheckpoint, out.Action)
	return r
}
