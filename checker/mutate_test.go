package checker

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// mutation alters a good trace in one way and says which checks must fail at which line
// (0: anywhere), and what the first step mismatch must mention.
type mutation struct {
	name   string // also the corpus file name under bad/
	file   string
	mutate func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string)
	// alone: with step validation off, exactly the invariants listed (besides StepValidation)
	// fail: the mutation is one that only they catch.
	alone bool
}

// committing finds a primary's ReceivePrepareOk that commits (sends a REPLY).
func committing(e *traces.Event) bool {
	return e.Action == traces.ReceivePrepareOk && len(e.Sent) > 0 && e.Sent[0].Type == traces.Reply
}

func appending(e *traces.Event) bool {
	return e.Action == traces.ReceiveRequest && len(e.State.LogAdd) == 1
}

var mutations = []mutation{
	{"post-state-commit-number", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, committing)
		evs[i].State.CommitNumber = evs[i].State.OpNumber + 1
		return evs, map[string]int{StepValidation: lineOf(i), CommitNumberAtMostOpNumber: lineOf(i)}, "state.commitNumber"
	}, false},
	{"deleted-client-request", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, is(traces.ClientRequest))
		id := evs[i].Sent[0].ID
		j := find(t, evs, i+1, func(e *traces.Event) bool { return e.Msg != nil && e.Msg.ID == id })
		evs = append(evs[:i:i], evs[i+1:]...)
		return evs, map[string]int{StepValidation: lineOf(j - 1)}, "never sent"
	}, false},
	{"receive-before-send", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, is(traces.ClientRequest))
		id := evs[i].Sent[0].ID
		j := find(t, evs, i+1, func(e *traces.Event) bool { return e.Msg != nil && e.Msg.ID == id })
		evs[i], evs[j] = evs[j], evs[i]
		evs[i].Tick = evs[j].Tick // keep ticks ordered: only the order of the two events is wrong
		return evs, map[string]int{StepValidation: lineOf(i)}, "never sent"
	}, false},
	{"duplicated-commit", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, committing)
		dup := clone(evs[i : i+1])[0]
		evs = append(evs[:i+1:i+1], append([]*traces.Event{dup}, evs[i+1:]...)...)
		return evs, map[string]int{StepValidation: lineOf(i + 1)}, "already received"
	}, false},
	{"reply-altered-in-flight", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, is(traces.ClientReceiveReply))
		evs[i].Msg.Result = "never-written"
		return evs, map[string]int{StepValidation: lineOf(i), Linearizability: lineOf(i)}, "altered in flight"
	}, false},
	{"non-linearizable-reply", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, committing)
		id := evs[i].Sent[0].ID
		evs[i].Sent[0].Result = "never-written"
		j := find(t, evs, i+1, func(e *traces.Event) bool { return e.Msg != nil && e.Msg.ID == id })
		evs[j].Msg.Result = "never-written"
		return evs, map[string]int{StepValidation: lineOf(i), RepliesMatchService: lineOf(i), Linearizability: lineOf(j)}, "result"
	}, false},
	{"fabricated-message", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, is(traces.ReceivePrepare))
		evs[i].Msg.ID = 999999
		return evs, map[string]int{StepValidation: lineOf(i)}, "never sent (a fabricated message)"
	}, false},
	{"skipped-op-number", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, appending)
		evs[i].State.OpNumber++
		for k := range evs[i].Sent {
			evs[i].Sent[k].OpNumber++
		}
		return evs, map[string]int{StepValidation: lineOf(i), OpNumberIsLogLength: lineOf(i)}, "state.opNumber"
	}, false},
	{"commit-without-quorum", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, appending)
		evs[i].State.CommitNumber = evs[i].State.OpNumber
		return evs, map[string]int{StepValidation: lineOf(i)}, "state.commitNumber"
	}, false},
	{"lost-acknowledged-write", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, is(traces.ClientReceiveReply))
		acked := evs[i].Msg
		// The primary's next event replaces the acknowledged entry in its log by another.
		j := find(t, evs, i+1, func(e *traces.Event) bool { return e.Replica == 0 && e.State != nil })
		var log []traces.Entry
		for k := 0; k < j; k++ {
			if e := evs[k]; e.Replica == 0 && e.State != nil {
				log = append(log[:e.State.LogKeep:e.State.LogKeep], e.State.LogAdd...)
			}
		}
		log = append(append([]traces.Entry{}, log[:evs[j].State.LogKeep]...), evs[j].State.LogAdd...)
		for k := range log {
			if log[k].Client == acked.Client && log[k].RequestNumber == acked.RequestNumber {
				log[k].Value = "lost"
			}
		}
		evs[j].State.LogKeep, evs[j].State.LogAdd = 0, log
		return evs, map[string]int{StepValidation: lineOf(j), AcknowledgedWriteNotLost: lineOf(j)}, "state.log"
	}, false},
	{"divergent-backup-entry", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, func(e *traces.Event) bool {
			return e.Action == traces.ReceivePrepare && len(e.State.LogAdd) == 1 && e.State.CommitNumber < e.State.OpNumber
		})
		r, p := evs[i].Replica, evs[i].State.OpNumber
		evs[i].State.LogAdd[0].Value = "diverged"
		j := find(t, evs, i+1, func(e *traces.Event) bool { return e.Replica == r && e.State != nil && e.State.CommitNumber >= p })
		return evs, map[string]int{StepValidation: lineOf(i), NoLogDivergence: lineOf(j)}, "state.log"
	}, false},
	{"backup-acts-as-primary", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// A backup, on a PREPARE, also sends PREPAREs of its own for the same view. Only step
		// validation sees it: that PREPARE, COMMIT and STARTVIEW of view v come from primary(v)
		// is true by construction in VR.tla, so OnePrimaryPerView no longer states it.
		i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ReceivePrepare && e.Replica == 1 })
		m := cloneMsg(*evs[i].Msg)
		m.ID, m.From, m.To = 999999, 1, 2
		evs[i].Sent = append(evs[i].Sent, m)
		return evs, map[string]int{StepValidation: lineOf(i)}, "sent[1]"
	}, false},
	{"view-number-falls", "good/sim-faults.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, func(e *traces.Event) bool {
			return e.State != nil && e.State.ViewNumber > 0 && e.Action != traces.Crash && e.State.Status == traces.StatusNormal
		})
		j := find(t, evs, i+1, func(e *traces.Event) bool { return e.Replica == evs[i].Replica && e.State != nil })
		evs[j].State.ViewNumber = 0
		evs[j].State.LastNormalView = 0
		return evs, map[string]int{StepValidation: lineOf(j), ViewNumberMonotonic: lineOf(j)}, "state.viewNumber"
	}, false},
	{"crash-keeps-log", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// Replica 1 crashes at the end, but logs that it kept its log.
		n := 0
		for _, e := range evs {
			if e.Replica == 1 && e.State != nil {
				n = e.State.LogKeep + len(e.State.LogAdd)
			}
		}
		require.Positive(t, n)
		last := evs[len(evs)-1]
		evs = append(evs, &traces.Event{Tick: last.Tick, Action: traces.Crash, Replica: 1, Client: -1, Sent: []traces.Message{},
			State: &traces.ReplicaState{Status: traces.StatusRecovering, Nonce: 1, LogKeep: n, LogAdd: []traces.Entry{}}})
		return evs, map[string]int{StepValidation: lineOf(len(evs) - 1), OpNumberIsLogLength: lineOf(len(evs) - 1)}, "state.log"
	}, false},
	{"tick-goes-back", "good/sim-faults.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 1, func(e *traces.Event) bool { return e.Tick > 0 })
		evs[i].Tick = 0
		evs[i-1].Tick = max(evs[i-1].Tick, 1)
		return evs, map[string]int{StepValidation: lineOf(i)}, "tick"
	}, false},
	{"timer-not-enabled", "good/sim-faults.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// A backup claims to send COMMITs: SendCommit is enabled only at the normal primary.
		i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.SendCommit })
		evs[i].Replica = (evs[i].Replica + 1) % 3
		return evs, map[string]int{StepValidation: lineOf(i)}, "enabled"
	}, false},
	{"view-change-wrong-log", "good/sim-faults.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// The new primary starts the view with an entry no DOVIEWCHANGE holds.
		i := find(t, evs, 0, func(e *traces.Event) bool {
			return e.Action == traces.ReceiveDoViewChange && e.State.Status == traces.StatusNormal
		})
		s := evs[i].State
		s.LogAdd = append(s.LogAdd, traces.Entry{Client: 0, RequestNumber: 99, Op: traces.OpPut, Key: "k0", Value: "invented"})
		return evs, map[string]int{StepValidation: lineOf(i), OpNumberIsLogLength: lineOf(i)}, "state.log"
	}, false},
	// Version 2's freedoms, bounded as VR.tla bounds them.
	{"resend-committed-prepare", "good/sim-alt.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// ResendPrepare may resend any uncommitted op, not a committed one.
		i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ResendPrepare && e.State.CommitNumber > 0 })
		for k := range evs[i].Sent {
			evs[i].Sent[k].OpNumber = evs[i].State.CommitNumber
		}
		return evs, map[string]int{StepValidation: lineOf(i)}, "sent[0].opNumber"
	}, false},
	{"resend-doviewchange-when-normal", "good/sim-alt.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// A normal replica (the primary, heartbeating) claims to resend a DOVIEWCHANGE.
		i := find(t, evs, 0, is(traces.SendCommit))
		e := clone(evs[i : i+1])[0]
		e.Action = traces.ResendDoViewChange
		m := traces.Message{ID: 999999, Type: traces.DoViewChange, From: e.Replica, To: (e.Replica + 1) % 3, View: e.State.ViewNumber,
			Log: []traces.Entry{}, LastNormalView: e.State.LastNormalView, Replica: e.Replica}
		e.Sent = []traces.Message{m}
		e.State.LogKeep, e.State.LogAdd = e.State.OpNumber, []traces.Entry{}
		evs = append(evs[:i+1:i+1], append([]*traces.Event{e}, evs[i+1:]...)...)
		return evs, map[string]int{StepValidation: lineOf(i + 1)}, "enabled"
	}, false},
	{"getstate-to-itself", "good/sim-alt.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// GETSTATE may go to any replica but the asker.
		i := find(t, evs, 0, func(e *traces.Event) bool { return len(e.Sent) > 0 && e.Sent[0].Type == traces.GetState })
		evs[i].Sent[0].To = evs[i].Replica
		return evs, map[string]int{StepValidation: lineOf(i)}, "sent[0]"
	}, false},
	// The invariants of issue 10, each with a mutation that, without step validation, only it
	// catches (where one can be made).
	{"normal-with-old-last-normal-view", "good/sim-faults.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ReceiveStartView && e.State.ViewNumber > 0 })
		evs[i].State.LastNormalView = evs[i].State.ViewNumber - 1
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), NormalStatusLastNormalView: lineOf(i)}, "state.lastNormalView"
	}, true},
	{"backup-log-not-prefix", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// A backup appends another entry than the PREPARE's, and the trace ends before it is
		// committed: its log is no prefix of its primary's.
		i := find(t, evs, 0, func(e *traces.Event) bool {
			return e.Action == traces.ReceivePrepare && len(e.State.LogAdd) == 1 && e.State.CommitNumber < e.State.OpNumber
		})
		evs[i].State.LogAdd[0].Value = "other"
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), BackupLogPrefixOfPrimary: lineOf(i)}, "state.log"
	}, true},
	{"startview-resent-with-other-log", "good/sim-alt.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ResendStartView && len(e.Sent[0].Log) > 0 })
		evs[i].Sent[0].Log[0].Value = "other"
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), StartViewExtendsFirst: lineOf(i)}, "sent[0]"
	}, true},
	{"prepare-resent-with-other-entry", "good/sim-alt.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, is(traces.ResendPrepare))
		for k := range evs[i].Sent {
			evs[i].Sent[k].Entry.Value = "other"
		}
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), OneEntryPerViewOpNumber: lineOf(i)}, "sent[0]"
	}, true},
	{"doviewchange-last-normal-view-not-below", "good/sim-faults.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		i := find(t, evs, 0, func(e *traces.Event) bool { return len(e.Sent) > 0 && e.Sent[0].Type == traces.DoViewChange })
		evs[i].Sent[0].LastNormalView = evs[i].Sent[0].View
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), MessagePromises: lineOf(i)}, "sent[0]"
	}, true},
	{"prepareok-beyond-log", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// A backup acknowledges an op-number it does not hold.
		i := find(t, evs, 0, func(e *traces.Event) bool { return len(e.Sent) > 0 && e.Sent[0].Type == traces.PrepareOk })
		evs[i].Sent[0].OpNumber = evs[i].State.OpNumber + 1
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), MessagePromises: lineOf(i)}, "sent[0]"
	}, true},
	{"committed-write-lost-by-backup", "good/sim-alt.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// A backup joins a later view by STARTVIEW but logs that it dropped the last committed
		// entry (and lowered its commit-number, which CommitNumberMonotonic sees too).
		i := find(t, evs, 0, func(e *traces.Event) bool {
			return e.Action == traces.ReceiveStartView && e.State.ViewNumber > 0 && e.Msg.CommitNumber > 0
		})
		s, k := evs[i].State, evs[i].Msg.CommitNumber
		s.LogKeep, s.LogAdd = 0, append([]traces.Entry{}, evs[i].Msg.Log[:k-1]...)
		s.OpNumber, s.CommitNumber = k-1, k-1
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), CommittedWriteNotLost: lineOf(i)}, "state"
	}, false},
	{"committed-on-one-replica", "good/sim-normal.ndjson", func(t *testing.T, evs []*traces.Event) ([]*traces.Event, map[string]int, string) {
		// The primary commits a request as it appends it: only its log holds it.
		i := find(t, evs, 0, func(e *traces.Event) bool { return e.Action == traces.ReceiveRequest && len(e.State.LogAdd) == 1 })
		evs[i].State.CommitNumber = evs[i].State.OpNumber
		return evs[:i+1], map[string]int{StepValidation: lineOf(i), CommittedWritesExistOnMajority: lineOf(i)}, "state.commitNumber"
	}, true},
}

func TestMutationsAreRejected(t *testing.T) {
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			h, evs := load(t, m.file)
			evs, want, mention := m.mutate(t, clone(evs))
			b := encode(t, h, evs)
			rep, err := Check(bytes.NewReader(b), m.name, Options{})
			require.NoError(t, err)
			var txt strings.Builder
			require.NoError(t, rep.WriteText(&txt))
			assert.False(t, rep.OK(), txt.String())
			for check, line := range want {
				v, ok := rep.Verdict(check)
				require.True(t, ok, check)
				assert.NotEqual(t, Pass, v.Status, "%s should fail\n%s", check, txt.String())
				if line > 0 {
					assert.Equal(t, line, v.Line, "%s: line\n%s", check, txt.String())
				}
			}
			if sv, _ := rep.Verdict(StepValidation); sv.Status == Fail {
				require.NotEmpty(t, rep.Mismatches)
				first := rep.Mismatches[0]
				all := fmt.Sprint(first.Diffs)
				assert.Contains(t, all, mention, txt.String())
				assert.Equal(t, evs[first.Line-2].Action, first.Action)
			}
			if m.alone {
				rep, err := Check(bytes.NewReader(b), m.name, Options{SkipStepValidation: true})
				require.NoError(t, err)
				var txt strings.Builder
				require.NoError(t, rep.WriteText(&txt))
				for _, v := range rep.Verdicts {
					if line, listed := want[v.Check]; listed && v.Check != StepValidation {
						assert.Equal(t, Fail, v.Status, "without step validation, %s must fail\n%s", v.Check, txt.String())
						assert.Equal(t, line, v.Line, "%s: line\n%s", v.Check, txt.String())
					} else if v.Status != Skipped {
						assert.Equal(t, Pass, v.Status, "without step validation, only %v may fail\n%s", want, txt.String())
					}
				}
			}
			if os.Getenv("VRCHECK_WRITE_CORPUS") != "" {
				require.NoError(t, os.WriteFile(filepath.Join(corpus, "bad", m.name+".ndjson"), b, 0o644))
			}
		})
	}
}

// TestUnmutatedTracesPass guards the mutation tests: the traces they start from are good.
func TestUnmutatedTracesPass(t *testing.T) {
	for _, f := range []string{"good/sim-normal.ndjson", "good/sim-faults.ndjson", "good/hand-two-ops.ndjson", "good/sim-alt.ndjson"} {
		h, evs := load(t, f)
		rep, err := Check(bytes.NewReader(encode(t, h, evs)), f, Options{})
		require.NoError(t, err)
		var txt strings.Builder
		require.NoError(t, rep.WriteText(&txt))
		assert.True(t, rep.OK(), txt.String())
	}
}
