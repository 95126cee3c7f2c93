package vr

import (
	"sort"

	"github.com/vrcheck/vrcheck/traces"
)

// Checkpoints and log compaction (the paper's §5.1 and §5.2): with Config.CheckpointEvery =
// K > 0, a replica whose commit-number is K or more past its latest checkpoint takes one on
// its timer (TakeCheckpoint): the service state and the client-table at its commit-number,
// all of it committed and executed. It then discards the log entries up to the checkpoint:
// it holds entries base+1..op-number. That is safe at once, because every message that
// carries a log carries only held entries and, when the entries before them are gone, the
// checkpoint: DOVIEWCHANGE, STARTVIEW and RECOVERYRESPONSE carry the sender's checkpoint
// (when it has one) and the entries after it; NEWSTATE carries the entries after the
// GETSTATE's op-number when the sender still holds them, else its checkpoint and the entries
// after that. A receiver that adopts such a log (adopt) keeps the later of its checkpoint
// and the message's, and installs the message's service state if its commit-number is below
// the checkpoint's. The simulator calls TakeCheckpoint right after the receive that enables
// it (the paper checkpoints as the K-th operation executes), so a replica holds fewer than K
// committed entries past its checkpoint between steps; its uncommitted suffix is not bounded
// (checker/checkpoint.go, compactionBound, says why).

func (r *Replica) checkpointing() bool { return r.cfg.CheckpointEvery > 0 }

// checkpointDue reports whether TakeCheckpoint is enabled.
func (r *Replica) checkpointDue() bool {
	return r.checkpointing() && r.status != traces.StatusRecovering && r.commit-r.base >= r.cfg.CheckpointEvery
}

// TakeCheckpoint (timer): a replica K committed ops past its latest checkpoint checkpoints
// its service state at its commit-number and discards the log up to it.
func (r *Replica) TakeCheckpoint(out *Output) {
	r.begin(out, "")
	r.takeCheckpoint()
	r.end()
}

func (r *Replica) takeCheckpoint() {
	if !r.checkpointDue() {
		return
	}
	r.out.Action = traces.TakeCheckpoint
	c := r.commit
	ck := &traces.Checkpoint{OpNumber: c, Store: r.store.Snapshot(), Table: tableRows(r.done)}
	if r.cfg.Bugs.CheckpointUncommitted && r.OpNumber() > c {
		// The state of the whole log, its uncommitted entries executed (on a copy).
		c = r.OpNumber()
		ck = r.speculativeCheckpoint()
	}
	r.log = r.log[c-r.base:]
	r.base, r.ckpt = c, ck
}

// speculativeCheckpoint is the checkpoint of executing the whole log (bug
// checkpoint-uncommitted).
func (r *Replica) speculativeCheckpoint() *traces.Checkpoint {
	var s storeCopy
	s.from(r.store.Snapshot())
	done := make(map[int]doneEntry, len(r.done))
	for c, d := range r.done {
		done[c] = d
	}
	for p := r.commit + 1; p <= r.OpNumber(); p++ {
		e := r.entry(p)
		done[e.Client] = doneEntry{requestNumber: e.RequestNumber, result: s.exec(e)}
	}
	return &traces.Checkpoint{OpNumber: r.OpNumber(), Store: s.rows(), Table: tableRows(done)}
}

// storeCopy is a scratch key-value state (bug checkpoint-uncommitted).
type storeCopy map[string]string

func (s *storeCopy) from(kvs []traces.KeyValue) {
	*s = make(map[string]string, len(kvs))
	for _, kv := range kvs {
		(*s)[kv.Key] = kv.Value
	}
}

func (s storeCopy) exec(e *traces.Entry) string {
	old := s[e.Key]
	switch e.Op {
	case traces.OpPut:
		s[e.Key] = e.Value
	case traces.OpAppend:
		s[e.Key] = old + e.Value
	}
	return old
}

func (s storeCopy) rows() []traces.KeyValue {
	out := make([]traces.KeyValue, 0, len(s))
	for k, v := range s {
		out = append(out, traces.KeyValue{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// tableRows is a checkpoint's client-table: done, sorted by client (never nil).
func tableRows(done map[int]doneEntry) []traces.TableRow {
	out := make([]traces.TableRow, 0, len(done))
	for c, d := range done {
		out = append(out, traces.TableRow{Client: c, RequestNumber: d.requestNumber, Result: d.result})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Client < out[j].Client })
	return out
}

// copyCheckpoint copies a received checkpoint: the replica keeps nothing of a message.
func copyCheckpoint(c *traces.Checkpoint) *traces.Checkpoint {
	if c == nil {
		return nil
	}
	return &traces.Checkpoint{OpNumber: c.OpNumber, Store: append([]traces.KeyValue{}, c.Store...), Table: append([]traces.TableRow{}, c.Table...)}
}

// ckptOp is c's op-number, 0 for no checkpoint.
func ckptOp(c *traces.Checkpoint) int {
	if c == nil {
		return 0
	}
	return c.OpNumber
}

// adopt makes the replica's log one that a message carries: checkpoint ck (nil: none) and
// entries, the ops start+1.. after it. Without ck, start is the op-number up to which the
// replica keeps its own entries (0: the message has the whole log). The replica keeps the
// later of its checkpoint and ck, and with a ck past its commit-number, installs ck's service
// state and commit-number.
func (r *Replica) adopt(ck *traces.Checkpoint, start int, entries []traces.Entry) {
	base := r.base
	if ck != nil && ck.OpNumber > r.base {
		base = ck.OpNumber
		ck = copyCheckpoint(ck)
		r.ckpt = ck
		if ck.OpNumber > r.commit {
			r.restore(ck)
		}
	}
	// A checkpoint past the carried log's end exists only under a bug switch
	// (checkpoint-uncommitted): keep no entry after it rather than panic.
	from := min(max(start, base), start+len(entries))
	l := make([]traces.Entry, 0, len(entries)-(from-start)+max(0, start-base)+16)
	if start > base {
		l = append(l, r.log[:start-r.base]...)
	}
	l = append(l, entries[from-start:]...)
	r.replaceLog(base, l)
}

// sentCheckpoint is what a message carrying the held log says of the entries before it: the
// checkpoint, if the replica has one.
func (r *Replica) sentCheckpoint() *traces.Checkpoint {
	if r.base == 0 {
		return nil
	}
	return r.ckpt
}
