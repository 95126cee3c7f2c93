package checker

import (
	"fmt"

	"github.com/vrcheck/vrcheck/traces"
)

// Batching (§6.1; the header's batch B > 1): the primary appends each new request but sends
// the PREPARE only when B requests are gathered (ReceiveRequest) or later on its timer
// (SendPrepare). One PREPARE of op-number n with a log of L entries covers n-L..n.
// replica.prepared is the highest op-number the primary has sent in a PREPARE; a replica
// that becomes normal has sent everything it holds (STARTVIEW carries it).

func (c *Checker) batching() bool { return c.h.Batch > 1 }

// gather is ReceiveRequest's send under batching, after the append of op-number n.
func (c *Checker) gather(r *replica, s *scalars, ent *traces.Entry) {
	n := s.opNumber
	if n-r.prepared < c.h.Batch {
		return
	}
	c.sendOthers(r, traces.Message{Type: traces.Prepare, View: s.view, OpNumber: n, CommitNumber: s.commit,
		Entry: ent, Log: c.batchLog(r, r.prepared, n)})
	r.prepared = n
}

// batchLog is a PREPARE's log covering from+1..n: r's entries from+1..n-1 (nil when none).
// Entries past r's log (the new op) are not in it: n-1 is at most the log's length.
func (c *Checker) batchLog(r *replica, from, n int) []traces.Entry {
	if from >= n-1 {
		return nil
	}
	return r.log.slice(from, n-1)
}

// sendPrepare: the normal primary sends the PREPARE of the requests gathered after prepared.
func (c *Checker) sendPrepare(r *replica, s *scalars) {
	if !c.batching() || !c.isNormalPrimary(r, s) || s.opNumber <= r.prepared || s.opNumber > r.log.len() {
		c.diff("enabled", fmt.Sprintf("batching, and the normal primary has requests after the last it prepared (%d)", r.prepared),
			fmt.Sprintf("batch %d, %s", c.h.Batch, c.describe(r)))
		return
	}
	n := s.opNumber
	ent := *r.log.at(n - 1)
	c.sendOthers(r, traces.Message{Type: traces.Prepare, View: s.view, OpNumber: n, CommitNumber: s.commit,
		Entry: &ent, Log: c.batchLog(r, r.prepared, n)})
	r.prepared = n
}

// receiveBatch is a normal backup's ReceivePrepare of a batch that covers its next
// op-number: it appends the entries it lacks through the PREPARE's op-number.
func (c *Checker) receiveBatch(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	first := m.OpNumber - len(m.Log)
	add := make([]traces.Entry, 0, m.OpNumber-s.opNumber)
	for p := s.opNumber + 1; p <= m.OpNumber; p++ {
		if p < m.OpNumber {
			add = append(add, m.Log[p-first])
		} else {
			add = append(add, *m.Entry)
		}
	}
	eff.logKeep, eff.logAdd = s.opNumber, add
	s.opNumber = m.OpNumber
	c.send(r, c.primary(s.view), traces.Message{Type: traces.PrepareOk, View: s.view, OpNumber: s.opNumber, Replica: r.id})
	s.commit = max(s.commit, min(m.CommitNumber, s.opNumber))
}

// coversNext reports whether m is a batched PREPARE a backup at op-number op takes.
func coversNext(m *traces.Message, op int) bool {
	return len(m.Log) > 0 && m.OpNumber > op && m.OpNumber-len(m.Log) >= 1 && m.OpNumber-len(m.Log) <= op+1
}

// notePrepared keeps replica.prepared after an action: a replica that becomes normal (or
// enters another view normal) has prepared all it holds.
func (r *replica) notePrepared(pre scalars) {
	if r.status == traces.StatusNormal && (pre.status != traces.StatusNormal || pre.view != r.view) {
		r.prepared = r.opNumber
	}
}
