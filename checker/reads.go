package checker

import (
	"fmt"

	"github.com/vrcheck/vrcheck/traces"
)

// Reads outside the log (§6.2; the header's reads, trace format version 6). With reads
// "backup" a client sends a get as ⟨READ c, s, key, k⟩ (ClientRead), k the largest
// commit-number of any REPLY it received (every REPLY carries its sender's commit-number:
// for a write, the op-number at which it executed). A normal replica answers it from its
// committed service state if its commit-number is at least k (ReceiveRead), else parks it
// (the latest per client) and answers once it is (ReplyRead). Such a read is not
// linearizable by design, so it is not in the history porcupine checks: BackupReadNotStale
// judges it by what the paper promises instead. The parked READs are the spec's per-replica
// state, rebuilt by replay like the per-view bookkeeping.

// BackupReadNotStale is the invariant of reads at backups, reported only for traces with
// them: a backup read returns the key's value in the committed log as of a commit-number
// at least the latest the client had seen when it read (the commit-number of every REPLY it
// had received, and the op-number of each of its writes): the client sees its own writes,
// and nothing older than what it saw.
const BackupReadNotStale = "BackupReadNotStale"

// ReadInvariants lists the invariants of reads outside the log in report order.
var ReadInvariants = []string{BackupReadNotStale}

func (c *Checker) readsOn() bool { return c.h.Reads == "backup" }

// replyCommit is the commit-number a REPLY carries: k with reads outside the log, else none.
func (c *Checker) replyCommit(k int) int {
	if c.readsOn() {
		return k
	}
	return 0
}

// receiveRead: a normal replica answers READ m at once if its commit-number has reached m's,
// else parks it (replacing its client's earlier parked READ, ignoring an older one).
func (c *Checker) receiveRead(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if !c.readsOn() {
		c.diff("enabled", "reads outside the log (the header's reads)", "a trace without them")
		return
	}
	if s.status != traces.StatusNormal {
		return
	}
	if s.commit >= m.CommitNumber {
		c.answerRead(r, s, m)
		return
	}
	for i, p := range r.parked {
		if p.Client == m.Client {
			if m.RequestNumber > p.RequestNumber {
				r.parked[i] = m
			}
			return
		}
	}
	r.parked = append(r.parked, m)
}

// answerRead expects the REPLY to READ m: the key's value in r's service state, with r's
// commit-number.
func (c *Checker) answerRead(r *replica, s *scalars, m *traces.Message) {
	c.send(r, m.Client, traces.Message{Type: traces.Reply, View: s.view, Client: m.Client, RequestNumber: m.RequestNumber,
		Result: r.kv[m.Key], CommitNumber: s.commit})
}

// replyRead: a normal replica answers, in the order it parked them, the READs its
// commit-number has reached.
func (c *Checker) replyRead(r *replica, s *scalars) {
	c.answered = c.answered[:0]
	n := 0
	for _, p := range r.parked {
		if p.CommitNumber <= s.commit {
			n++
		}
	}
	if !c.readsOn() || s.status != traces.StatusNormal || n == 0 {
		c.diff("enabled", "a normal replica with a parked READ whose commit-number it has reached",
			fmt.Sprintf("%s, %d READs parked, %d of them reached", c.describe(r), len(r.parked), n))
		return
	}
	keep := r.parked[:0]
	for _, p := range r.parked {
		if p.CommitNumber <= s.commit {
			c.answerRead(r, s, p)
			c.answered = append(c.answered, p)
		} else {
			keep = append(keep, p)
		}
	}
	clear(r.parked[len(keep):])
	r.parked = keep
}

// checkReadReply checks BackupReadNotStale for a REPLY to a READ being sent: its result is
// the key's value in the committed log after op-number m.commitNumber. (That the
// commit-number is at least the client's latest seen is checked where the client takes it:
// checkReadReturn.)
func (g *ghost) checkReadReply(c *Checker, m *traces.Message, key string) {
	if m.CommitNumber > g.log.len() {
		c.violate(BackupReadNotStale, []int{m.From}, "replica %d answers client %d's read %d of %q as of commit-number %d, but the committed log has %d entries",
			m.From, m.Client, m.RequestNumber, key, m.CommitNumber, g.log.len())
		return
	}
	if want := g.valueAt(key, m.CommitNumber); want != m.Result {
		c.violate(BackupReadNotStale, []int{m.From}, "replica %d answers client %d's read %d of %q with %q as of commit-number %d, but the committed log gives %q there",
			m.From, m.Client, m.RequestNumber, key, m.Result, m.CommitNumber, want)
	}
}

// valueAt is key's value after executing entries 1..k of the committed log.
func (g *ghost) valueAt(key string, k int) string {
	for p := k; p >= 1; p-- {
		e := g.log.at(p - 1)
		if e.Key != key || e.Op == traces.OpReconfiguration {
			continue
		}
		switch e.Op {
		case traces.OpPut:
			return e.Value
		case traces.OpAppend:
			return g.results[p-1] + e.Value
		}
		return g.results[p-1] // a get: the value before it, unchanged
	}
	return ""
}

// readKey is the key of the READ a REPLY being sent by the current replica step answers.
func (c *Checker) readKey(m *traces.Message) (string, bool) {
	if !c.readsOn() {
		return "", false
	}
	switch c.cur.Action {
	case traces.ReceiveRead:
		return c.cur.Msg.Key, true
	case traces.ReplyRead:
		// The READs answered were parked: replyRead kept them for this step.
		for _, p := range c.answered {
			if p.Client == m.Client && p.RequestNumber == m.RequestNumber {
				return p.Key, true
			}
		}
	}
	return "", false
}

// clientRead: a client with no outstanding request sends ⟨READ c, s, key, k⟩ to a replica
// of its view's configuration (the key and the replica are the client's choice), k its
// commit-number.
func (c *Checker) clientRead(e *traces.Event, cl *client, want *traces.ClientState) {
	if !c.readsOn() {
		c.diff("enabled", "reads outside the log (the header's reads)", "a trace without them")
	}
	if cl.pending {
		c.diff("enabled", "client has no outstanding request", fmt.Sprintf("request %d is outstanding", cl.requestNumber))
	}
	want.RequestNumber++
	want.Pending = true
	to := c.primary(cl.view)
	read := traces.Message{Type: traces.Read, From: e.Client, Client: e.Client, RequestNumber: want.RequestNumber, CommitNumber: cl.commitNumber}
	if len(e.Sent) > 0 && e.Sent[0].Type == traces.Read {
		read.Key = e.Sent[0].Key
		if t := e.Sent[0].To; c.member(t) {
			to = t
		}
	}
	read.To = to
	c.exp = append(c.exp, read)
}

// checkReadReturn checks BackupReadNotStale where client cl takes REPLY m to its READ: m's
// commit-number is at least the latest the client had seen when it read.
func (c *Checker) checkReadReturn(cl *client, m *traces.Message) {
	if m.CommitNumber < cl.readSeen {
		c.violate(BackupReadNotStale, []int{m.From}, "client %d's read %d of %q returns %q as of commit-number %d from replica %d, older than what the client had seen when it read: commit-number %d",
			m.Client, m.RequestNumber, cl.req.Key, m.Result, m.CommitNumber, m.From, cl.readSeen)
	}
}

// see records what REPLY m tells client cl it has seen: m's commit-number and, for a write,
// the op-number at which it is in the committed log.
func (c *Checker) see(cl *client, m *traces.Message) {
	cl.seen = max(cl.seen, m.CommitNumber)
	if p, ok := c.ghost.pos[reqKey(m.Client, m.RequestNumber)]; ok { // a write (a READ is never in the log)
		cl.seen = max(cl.seen, p)
	}
}
