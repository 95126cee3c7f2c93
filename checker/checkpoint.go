package checker

import (
	"fmt"
	"sort"

	"github.com/vrcheck/vrcheck/traces"
)

// Checkpoints and log compaction (§5.1-5.2; the header's checkpointEvery K > 0, trace format
// version 4). A replica's state.checkpoint is the op-number of its latest checkpoint: it holds
// only the entries after it. The checker keeps every replica's whole log nonetheless: entries
// up to a checkpoint are committed, so where a replica's log is given only as a checkpoint
// (a state whose checkpoint lies past its logKeep), the checker takes those entries from the
// committed ghost log. The checkpoint's content (service state and client-table) is the
// spec's variable: computed at TakeCheckpoint, and taken from the message that carries it
// when a replica adopts one.

// CheckpointIsCommitted and CompactionBound are the invariants of checkpoints, reported only
// for traces with checkpoints.
const (
	CheckpointIsCommitted = "CheckpointIsCommitted"
	CompactionBound       = "CompactionBound"
)

// CheckpointInvariants lists them in report order.
var CheckpointInvariants = []string{CheckpointIsCommitted, CompactionBound}

func (c *Checker) checkpointing() bool { return c.h.CheckpointEvery > 0 }

// compactionBound is the most committed log entries a replica may hold past its checkpoint,
// or a message carry: 2K + B × clients (B = 1 without batching). Two things are left out of
// the count because neither the paper nor any discard rule bounds them:
//
//   - The uncommitted suffix. A primary whose view was superseded without its knowing keeps
//     appending every request whose request-number is above its client-table's (§4.1 step 2),
//     and clients that completed requests in the new view send it new ones (explore
//     --checkpoint-every 5, seed 115: replica 0, primary of view 6 while view 7 runs, holds
//     op-numbers 6..21 with commit-number 8). Those entries never commit; a state transfer or
//     the next view discards them.
//   - The entries the current step committed. A replica can checkpoint only what it has
//     committed, and one step can commit many entries: a new primary's commit-number is the
//     largest in its DOVIEWCHANGE quorum, which may lag what the old view committed, so it
//     can hold more than B × clients uncommitted entries, and a COMMIT then commits all of
//     them at a backup at once (explore --checkpoint-every 1, seed 200: a backup's
//     commit-number goes from 0 to 6 with 3 clients). The paper takes the checkpoint as the
//     K-th operation is executed (§5.1, "every O operations"); here TakeCheckpoint is its own
//     action, taken by the simulator right after the step that makes it enabled, so the
//     bound counts the entries committed before the current step.
func (c *Checker) compactionBound() int {
	return 2*c.h.CheckpointEvery + max(1, c.h.Batch)*c.h.Clients
}

// takeCheckpoint: a replica that is not recovering, K committed ops past its checkpoint,
// checkpoints its service state at its commit-number.
func (c *Checker) takeCheckpoint(r *replica, eff *effect) {
	s := &eff.s
	if !c.checkpointing() || s.status == traces.StatusRecovering || s.commit-s.checkpoint < c.h.CheckpointEvery {
		c.diff("enabled", fmt.Sprintf("checkpoints (K = %d), a replica not recovering with commit-number at least K past its checkpoint", c.h.CheckpointEvery),
			fmt.Sprintf("%s, checkpoint %d", c.describe(r), s.checkpoint))
		return
	}
	s.checkpoint = s.commit
	eff.ckpt = r.snapshot(s.commit)
}

// snapshot is r's checkpoint at op-number k ≤ its executed prefix: its service state and,
// for each client, its latest request among entries 1..k with its result.
func (r *replica) snapshot(k int) *traces.Checkpoint {
	ck := &traces.Checkpoint{OpNumber: k, Store: make([]traces.KeyValue, 0, len(r.kv)), Table: []traces.TableRow{}}
	if k != r.exec {
		return ck // a mismatch already reported: the content cannot be known
	}
	for key, v := range r.kv {
		ck.Store = append(ck.Store, traces.KeyValue{Key: key, Value: v})
	}
	sort.Slice(ck.Store, func(i, j int) bool { return ck.Store[i].Key < ck.Store[j].Key })
	seen := map[int]bool{}
	for p := k; p >= 1 && len(seen) < len(r.ctLast); p-- {
		e := r.log.at(p - 1)
		if !seen[e.Client] {
			seen[e.Client] = true
			ck.Table = append(ck.Table, traces.TableRow{Client: e.Client, RequestNumber: e.RequestNumber, Result: r.results[p-1]})
		}
	}
	sort.Slice(ck.Table, func(i, j int) bool { return ck.Table[i].Client < ck.Table[j].Client })
	return ck
}

// sentCheckpoint is the checkpoint a message carrying r's held log carries (nil: none).
func (r *replica) sentCheckpoint() *traces.Checkpoint {
	if r.checkpoint == 0 {
		return nil
	}
	return r.ckpt
}

// heldLog is r's held log (after its checkpoint), as a message carries it.
func (r *replica) heldLog() []traces.Entry {
	return r.log.slice(min(r.checkpoint, r.log.len()), r.log.len())
}

// adopt is the effect of taking a log a message carries: checkpoint ck (nil: none) and
// entries, the ops after start; without ck, r keeps its entries up to start. The replica's
// checkpoint becomes the later of its own and ck; a ck past its commit-number also raises
// the commit-number to it. The log is given whole: up to ck from the committed log.
func (c *Checker) adopt(r *replica, eff *effect, ck *traces.Checkpoint, start int, entries []traces.Entry) {
	s := &eff.s
	eff.logKeep, eff.logAdd = min(start, r.log.len()), entries
	if ck == nil {
		return
	}
	eff.logKeep, eff.fill = 0, ck.OpNumber
	if ck.OpNumber > s.checkpoint {
		s.checkpoint = ck.OpNumber
		eff.ckpt = ck
	}
	s.commit = max(s.commit, ck.OpNumber)
}

// wholeAdd is a log change (keep, checkpoint, add) as one without a checkpoint: the entries
// after keep up to the checkpoint come from the committed ghost log, then add. It reports
// CheckpointIsCommitted if the ghost does not reach the checkpoint.
func (c *Checker) wholeAdd(r *replica, keep, checkpoint int, add []traces.Entry) []traces.Entry {
	if checkpoint <= keep {
		return add
	}
	out := make([]traces.Entry, 0, checkpoint-keep+len(add))
	for p := keep + 1; p <= checkpoint; p++ {
		if p > c.ghost.log.len() {
			c.violate(CheckpointIsCommitted, []int{r.id}, "replica %d's log is given up to op-number %d by a checkpoint, but the committed log has only %d entries",
				r.id, checkpoint, c.ghost.log.len())
			out = append(out, traces.Entry{})
			continue
		}
		out = append(out, *c.ghost.log.at(p - 1))
	}
	return append(out, add...)
}

// checkCheckpoint checks the invariants of checkpoints after r's step: its checkpoint is of
// committed state, and it holds no more committed entries past it than the compaction bound.
func (c *Checker) checkCheckpoint(r *replica) {
	if !c.checkpointing() {
		return
	}
	if r.checkpoint > r.commit {
		c.violate(CheckpointIsCommitted, []int{r.id}, "replica %d has a checkpoint at op-number %d past its commit-number %d", r.id, r.checkpoint, r.commit)
	}
	if held, b := min(c.preCommit, r.commit, r.opNumber)-r.checkpoint, c.compactionBound(); held > b {
		c.violate(CompactionBound, []int{r.id}, "replica %d holds %d committed log entries (op-numbers %d..%d, committed before this step, past its checkpoint), more than 2K + B × clients = %d",
			r.id, held, r.checkpoint+1, r.checkpoint+held, b)
	}
}

// checkSentBound checks that a message sent carries no more committed entries (those up to
// its commit-number that the sender had committed before the step) than the bound.
func (c *Checker) checkSentBound(m *traces.Message) {
	if !c.checkpointing() || len(m.Log) == 0 {
		return
	}
	if n, b := min(len(m.Log), min(m.CommitNumber, c.preCommit)-m.LogStart()), c.compactionBound(); n > b {
		c.violate(CompactionBound, []int{m.From}, "%s carries %d committed log entries (op-numbers %d..%d), more than 2K + B × clients = %d",
			msgStr(m), n, m.LogStart()+1, m.LogStart()+n, b)
	}
}

// offsetSeq is a log whose first entries are another's: base's up to n, then s.
type offsetSeq struct {
	base entrySeq
	n    int
	s    []traces.Entry
}

func (o offsetSeq) len() int { return o.n + len(o.s) }
func (o offsetSeq) at(i int) *traces.Entry {
	switch {
	case i >= o.n:
		return &o.s[i-o.n]
	case i < o.base.len():
		return o.base.at(i)
	}
	return &traces.Entry{} // beyond the committed log: CheckpointIsCommitted reports it
}
