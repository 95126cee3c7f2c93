package vr

import "github.com/vrcheck/vrcheck/traces"

// Batching (the paper's §6.1): with Config.Batch = B > 1 the primary appends each new request
// to its log at once (so the client-table sees it) but sends no PREPARE until B requests are
// gathered, or until Config.BatchWait ticks after the first of them (SendPrepare); then one
// PREPARE covers the whole batch: entry is the batch's last entry and log carries the ones
// before it. prepared is the highest op-number the primary has sent in a PREPARE; every
// replica sets it to its op-number when it becomes normal, so a new primary starts with
// nothing gathered.

func (r *Replica) batching() bool { return r.cfg.Batch > 1 }

// gather is ReceiveRequest's send under batching: the PREPARE of the batch once it is full.
func (r *Replica) gather() {
	if r.OpNumber()-r.prepared == 1 {
		r.batchAge = 0
	}
	if r.OpNumber()-r.prepared >= r.cfg.Batch {
		r.sendBatch()
	}
}

// sendBatch broadcasts the PREPARE of entries prepared+1..op-number.
func (r *Replica) sendBatch() {
	n := r.OpNumber()
	r.broadcast(traces.Message{Type: traces.Prepare, View: r.view, OpNumber: n, CommitNumber: r.commit,
		Entry: r.entry(n), Log: r.batchLog(r.prepared, n)})
	r.prepared = n
	r.timer = 0
}

// batchLog is the log field of a PREPARE of op n covering from+1..n: entries from+1..n-1,
// nil (not written) when there are none.
func (r *Replica) batchLog(from, n int) []traces.Entry {
	if from >= n-1 {
		return nil
	}
	return r.logSlice(from, n-1)
}

// SendPrepare (timer, batching): the normal primary sends the PREPARE of the requests it has
// gathered, BatchWait ticks after the first of them arrived.
func (r *Replica) SendPrepare(out *Output) {
	r.begin(out, "")
	r.sendPrepare()
	r.end()
}

func (r *Replica) sendPrepare() {
	if r.status != traces.StatusNormal || !r.IsPrimary() || r.OpNumber() <= r.prepared {
		return
	}
	r.out.Action = traces.SendPrepare
	r.sendBatch()
}

// batchDue reports, once per tick of a normal primary, whether a gathered batch has waited
// long enough.
func (r *Replica) batchDue() bool {
	if !r.batching() || r.OpNumber() <= r.prepared {
		return false
	}
	r.batchAge++
	return r.batchAge >= max(1, r.cfg.BatchWait)
}

// receiveBatch is a backup's ReceivePrepare of a PREPARE that covers its next op-number: it
// appends the entries it lacks, through the PREPARE's op-number.
func (r *Replica) receiveBatch(m *traces.Message) {
	first := m.OpNumber - len(m.Log)
	if first > r.OpNumber()+1 { // bug batch-gap: the batch's entries become the next ones
		for i := range m.Log {
			r.appendEntry(m.Log[i])
		}
		r.appendEntry(*m.Entry)
		return
	}
	for p := r.OpNumber() + 1; p <= m.OpNumber; p++ {
		if p < m.OpNumber {
			r.appendEntry(m.Log[p-first])
		} else {
			r.appendEntry(*m.Entry)
		}
	}
}
