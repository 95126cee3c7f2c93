package vr

import (
	"fmt"
	"slices"
	"strings"

	"github.com/vrcheck/vrcheck/traces"
)

// Reads outside the log (the paper's §6.2). With Config.Reads = ReadsBackup a client sends a
// get as ⟨READ c, s, key, k⟩ (ClientRead) to a backup of its view, where k is the largest
// commit-number of any REPLY it received: every REPLY carries its sender's commit-number
// then (for a write, the op-number at which it executed). A normal replica whose
// commit-number is at least k answers at once from its committed service state
// (ReceiveRead) with a REPLY carrying its commit-number; one that is behind parks the READ
// (the latest per client) and answers it once its commit-number reaches k (ReplyRead, which
// the simulator takes right after any receive, as commits happen only on receives). A replica
// that is not normal ignores READs; a client that hears nothing resends to every replica
// (ClientTimeout). The read is not linearizable, by design: it may miss writes committed
// after k that the backup has not yet learnt of; what it promises is causality: the client
// sees its own writes and nothing older than what it saw.

// Read modes (Config.Reads), as the --reads flag and the scenario key take them; "" (or
// ReadsNone) sends every get through the log.
const (
	ReadsNone   = "none"
	ReadsBackup = "backup"
)

// ReadModes lists the values of --reads.
var ReadModes = []string{ReadsNone, ReadsBackup, ReadsLease}

// ParseReads checks a read mode and returns it as the configuration keeps it ("" for none;
// "log", issue 14's name for it, is taken too).
func ParseReads(mode string) (string, error) {
	switch mode {
	case "", ReadsNone, "log":
		return "", nil
	case ReadsBackup, ReadsLease:
		return mode, nil
	}
	return "", fmt.Errorf("unknown read mode %q (valid: %s)", mode, strings.Join(ReadModes, ", "))
}

func (r *Replica) readsOn() bool { return r.cfg.Reads == ReadsBackup }

// replyCommit is the commit-number a REPLY carries: with reads at backups, k (the
// sender's commit-number when it executed the request or answered the READ), else none.
func (r *Replica) replyCommit(k int) int {
	if r.readsOn() {
		return k
	}
	return 0
}

// ReceiveRead: a normal replica answers ⟨READ c, s, key, k⟩ from its committed state if its
// commit-number is at least k, else parks it until it is.
func (r *Replica) ReceiveRead(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveRead)
	r.receiveRead(m)
	r.end()
}

func (r *Replica) receiveRead(m *traces.Message) {
	if r.status != traces.StatusNormal || m.Epoch != r.epoch {
		return
	}
	if r.commit >= m.CommitNumber || r.cfg.Bugs.BackupReadStale {
		r.answerRead(m)
		return
	}
	for i := range r.parked {
		if p := &r.parked[i]; p.Client == m.Client {
			if m.RequestNumber > p.RequestNumber {
				*p = *m // the client's later read replaces its earlier one
			}
			return
		}
	}
	r.parked = append(r.parked, *m)
}

// answerRead sends the REPLY of READ m: the key's value in the service state, as of the
// commit-number.
func (r *Replica) answerRead(m *traces.Message) {
	r.send(traces.Message{Type: traces.Reply, To: m.Client, View: r.view, Client: m.Client, RequestNumber: m.RequestNumber,
		Result: r.store.Get(m.Key), CommitNumber: r.commit})
}

// ReplyRead (after a receive): a normal replica answers, in the order it parked them, the
// READs whose commit-number its own has reached.
func (r *Replica) ReplyRead(out *Output) {
	r.begin(out, "")
	if r.status == traces.StatusNormal && slices.ContainsFunc(r.parked, r.readable) {
		r.out.Action = traces.ReplyRead
		keep := r.parked[:0]
		for i := range r.parked {
			if m := &r.parked[i]; r.readable(*m) {
				r.answerRead(m)
			} else {
				keep = append(keep, *m)
			}
		}
		clear(r.parked[len(keep):])
		r.parked = keep
	}
	r.end()
}

func (r *Replica) readable(m traces.Message) bool { return m.CommitNumber <= r.commit }

// Parked returns how many READs the replica holds until its commit-number reaches theirs.
func (r *Replica) Parked() int { return len(r.parked) }

// ClientRead issues a get of key as ⟨READ c, s, key, k⟩ to a backup of the client's view
// (spread over the backups by client and request-number), k its latest commit-number seen;
// only when !Pending().
func (c *Client) ClientRead(key string, out *ClientOutput) {
	c.begin(out, "")
	defer c.end(out)
	if !c.idle("read", out) {
		return
	}
	n := len(c.config)
	c.issue(traces.ClientRead, traces.Message{Type: traces.Read, Key: key, CommitNumber: c.commit},
		func() int { return c.config[(c.view+1+(c.id+c.reqNum)%(n-1))%n] }, out)
}

// CommitNumber returns the largest commit-number of any REPLY the client received.
func (c *Client) CommitNumber() int { return c.commit }
