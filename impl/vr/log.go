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
	r.table[e.Client] = clientEntry{requestNumber: e.RequestNumber, op: n + 1}
}

// commitTo is the contract's "commit to k": execute entries commit-number+1..k in order and
// raise commit-number to k. The primary (reply) sends each executed entry's REPLY.
func (r *Replica) commitTo(k int, reply bool) {
	if k > len(r.log) {
		r.faultf("asked to commit to %d beyond op-number %d", k, len(r.log))
		k = len(r.log)
	}
	for r.commit < k {
		e := &r.log[r.commit]
		var res string
		if e.Op != traces.OpReconfiguration { // a RECONFIGURATION makes no up-call
			var err error
			if res, err = r.store.Exec(e.Op, e.Key, e.Value); err != nil {
				r.faultf("executing op %d: %v", r.commit+1, err)
			}
		}
		if len(r.results) == cap(r.results) {
			l := make([]string, len(r.results), max(64, 2*len(r.results)))
			copy(l, r.results)
			r.results = l
		}
		r.results = append(r.results, res)
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
		View: r.view, Client: e.Client, RequestNumber: e.RequestNumber, Result: result,
	})
}

// replaceLog makes l the log. l must be owned by the replica or capped (see the package doc).
// The service state and client-table follow: if l changes a committed entry (only possible
// with a bug switch on) the fault is reported and the service state is rebuilt from l, since
// by the contract it is a function of the log and commit-number.
func (r *Replica) replaceLog(l []traces.Entry) {
	p := commonPrefix(r.log, l)
	r.log = l
	r.replaced = true
	if p < r.commit {
		r.faultf("new log differs from the old at committed op %d (commit-number %d)", p+1, r.commit)
		r.reexecute(min(r.commit, len(l)))
	}
	r.rebuildClientTable()
}

// reexecute rebuilds the service state as the execution of entries 1..k.
func (r *Replica) reexecute(k int) {
	r.store.Reset()
	r.results = r.results[:0]
	r.commit = 0
	r.commitTo(k, false)
}

func (r *Replica) rebuildClientTable() {
	clear(r.table)
	for i, e := range r.log {
		r.table[e.Client] = clientEntry{requestNumber: e.RequestNumber, op: i + 1}
	}
}

// speculate returns what entry op will return once executed, assuming it is: the service
// state plus the effect of the unexecuted entries before it (bug reply-before-commit).
func (r *Replica) speculate(op int) string {
	key := r.log[op-1].Key
	v := r.store.Get(key)
	for _, e := range r.log[r.commit : op-1] {
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
