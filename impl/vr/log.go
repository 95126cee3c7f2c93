package vr

import "github.com/vrcheck/vrcheck/traces"

// appendEntry appends e as the next op and records it in the client-table.
func (r *Replica) appendEntry(e traces.Entry) {
	n := len(r.log)
	if n == cap(r.log) { // grow by doubling: fewer and cheaper copies than append's 1.25x
		l := make([]traces.Entry, n, max(64, 2*n))
		copy(l, r.log)
		r.log = l
	}
	r.log = r.log[:n+1] // slot n was never exposed (see the package doc)
	r.log[n] = e
	r.table[e.Client] = clientEntry{requestNumber: e.RequestNumber, op: r.base + n + 1}
}

// commitTo is the contract's "commit to k": execute entries commit-number+1..k in order and
// raise commit-number to k. The primary (reply) sends each executed entry's REPLY.
func (r *Replica) commitTo(k int, reply bool) {
	if k > r.OpNumber() {
		r.faultf("asked to commit to %d beyond op-number %d", k, r.OpNumber())
		k = r.OpNumber()
	}
	if r.commit < k && r.commit < r.base { // only with bug checkpoint-uncommitted
		r.restore(r.ckpt)
	}
	for r.commit < k {
		e := r.entry(r.commit + 1)
		var res string
		if e.Op != traces.OpReconfiguration { // a RECONFIGURATION makes no up-call
			var err error
			if res, err = r.store.Exec(e.Op, e.Key, e.Value); err != nil {
				r.faultf("executing op %d: %v", r.commit+1, err)
			}
		}
		r.done[e.Client] = doneEntry{requestNumber: e.RequestNumber, result: res}
		r.execd++
		r.commit++
		if reply {
			r.sendReply(e, res)
		}
		if e.Op == traces.OpReconfiguration {
			r.executeReconfiguration(e, r.commit, reply)
		}
	}
}

func (r *Replica) sendReply(e *traces.Entry, result string) {
	r.out.Sent = append(r.out.Sent, traces.Message{
		Type: traces.Reply, From: r.id, To: e.Client, Epoch: r.epoch,
		View: r.view, Client: e.Client, RequestNumber: e.RequestNumber, Result: result, CommitNumber: r.replyCommit(r.commit),
	})
}

// replaceLog makes l the log: the entries after base (the checkpoint's op-number, which the
// caller has set r.ckpt for). l must be owned by the replica or capped (see the package doc).
// The service state and client-table follow: if l changes a committed entry (only possible
// with a bug switch on) the fault is reported and the service state is rebuilt from l, since
// by the contract it is a function of the log and commit-number.
func (r *Replica) replaceLog(base int, l []traces.Entry) {
	p := divergence(r.base, r.log, base, l)
	r.base, r.log = base, l
	r.replaced = true
	if n := r.OpNumber(); p < r.commit || n < r.commit {
		r.faultf("new log differs from the old at committed op %d (commit-number %d)", min(p, n)+1, r.commit)
		r.reexecute(min(r.commit, n))
	}
	r.rebuildClientTable()
}

// divergence is the op-number before the first entry two logs both hold and disagree on:
// a log from base a holding la, one from base b holding lb; the entries up to either base are
// taken as agreeing (they are committed). Without checkpoints it is the common prefix.
func divergence(a int, la []traces.Entry, b int, lb []traces.Entry) int {
	lo := max(a, b)
	hi := min(a+len(la), b+len(lb))
	for p := lo + 1; p <= hi; p++ {
		if la[p-a-1] != lb[p-b-1] {
			return p - 1
		}
	}
	return max(hi, lo)
}

// reexecute rebuilds the service state as the execution of entries 1..k: from the checkpoint,
// when there is one (a k below it cannot be rebuilt; it is a fault).
func (r *Replica) reexecute(k int) {
	r.store.Reset()
	clear(r.done)
	r.commit, r.execd = 0, 0
	if r.ckpt != nil {
		r.restore(r.ckpt)
	}
	if k < r.commit {
		r.faultf("cannot roll the service back to op %d, before the checkpoint at %d", k, r.commit)
	}
	r.commitTo(k, false)
}

// restore makes the service state and executed client-table those of checkpoint c, and the
// commit-number c's op-number.
func (r *Replica) restore(c *traces.Checkpoint) {
	r.store.Restore(c.Store)
	clear(r.done)
	for _, t := range c.Table {
		r.done[t.Client] = doneEntry{requestNumber: t.RequestNumber, result: t.Result}
	}
	r.commit, r.execd = c.OpNumber, c.OpNumber
}

func (r *Replica) rebuildClientTable() {
	clear(r.table)
	for i, e := range r.log {
		r.table[e.Client] = clientEntry{requestNumber: e.RequestNumber, op: r.base + i + 1}
	}
}

// speculate returns what entry op will return once executed, assuming it is: the service
// state plus the effect of the unexecuted entries before it (bug reply-before-commit).
func (r *Replica) speculate(op int) string {
	key := r.entry(op).Key
	v := r.store.Get(key)
	for _, e := range r.log[r.commit-r.base : op-1-r.base] {
		if e.Key != key {
			continue
		}
		switch e.Op {
		case traces.OpPut:
			v = e.Value
		case traces.OpAppend:
			v += e.Value
		}
	}
	return v
}
