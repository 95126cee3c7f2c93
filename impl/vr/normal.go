package vr

import "github.com/vrcheck/vrcheck/traces"

// ReceiveRequest: a normal primary appends a new request and sends PREPARE to the backups;
// the latest executed request of its client is answered again from the client-table.
func (r *Replica) ReceiveRequest(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveRequest)
	r.receiveRequest(m)
	r.end()
}

func (r *Replica) receiveRequest(m *traces.Message) {
	if m.Epoch < r.epoch && r.status != traces.StatusRecovering {
		r.newEpochToClient(m.Client) // the client locates the new group (§7)
		return
	}
	if m.Epoch != r.epoch || r.status != traces.StatusNormal || !r.IsPrimary() {
		return
	}
	ce, known := r.table[m.Client]
	s := ce.requestNumber
	if !known {
		s = r.done[m.Client].requestNumber
	}
	// With its epoch's RECONFIGURATION at the top of the log the primary takes no new request.
	accepts := !r.reconfiguring() || r.cfg.Bugs.EpochAcceptAfterReconfiguration
	switch {
	case m.Op == traces.OpGet && m.RequestNumber > s && r.leaseRead():
		// Under a lease: the get is answered from the service state, outside the log.
		r.send(traces.Message{Type: traces.Reply, To: m.Client, View: r.view, Client: m.Client, RequestNumber: m.RequestNumber, Result: r.store.Get(m.Key)})
		r.leaseReads++
	case accepts && (m.RequestNumber > s || r.cfg.Bugs.NoClientTable):
		r.appendEntry(traces.Entry{Client: m.Client, RequestNumber: m.RequestNumber, Op: m.Op, Key: m.Key, Value: m.Value})
		op := r.OpNumber()
		if r.batching() {
			r.gather()
			break
		}
		r.broadcast(traces.Message{Type: traces.Prepare, View: r.view, OpNumber: op, CommitNumber: r.commit, Entry: r.entry(op)})
		r.timer = 0
		if r.cfg.Bugs.ReplyBeforeCommit {
			r.sendReply(r.entry(op), r.speculate(op))
		}
	case known && m.RequestNumber == s && ce.op <= r.commit:
		r.send(traces.Message{Type: traces.Reply, To: m.Client, View: r.view, Client: m.Client, RequestNumber: s, Result: r.done[m.Client].result, CommitNumber: r.replyCommit(r.commit)})
	case !known:
		// The client's latest request is only in the checkpoint: executed, with its result.
		if d, ok := r.done[m.Client]; ok && m.RequestNumber == d.requestNumber {
			r.send(traces.Message{Type: traces.Reply, To: m.Client, View: r.view, Client: m.Client, RequestNumber: d.requestNumber, Result: d.result, CommitNumber: r.replyCommit(r.commit)})
		}
	}
}

// ReceivePrepare: a backup appends the next op and acknowledges it, acknowledges a repeat
// again, or asks for the missing entries; a PREPARE of a later view triggers state transfer.
func (r *Replica) ReceivePrepare(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceivePrepare)
	r.receivePrepare(m)
	r.end()
}

func (r *Replica) receivePrepare(m *traces.Message) {
	if !r.asBackup(m) {
		return
	}
	if m.Entry == nil {
		r.faultf("PREPARE from %d has no entry", m.From)
		return
	}
	r.timer = 0
	op := r.OpNumber()
	ack := traces.Message{Type: traces.PrepareOk, To: r.primary(r.view), View: r.view, Replica: r.id}
	r.grantLease(m, &ack)
	if first := m.OpNumber - len(m.Log); len(m.Log) > 0 && first < 1 {
		r.faultf("PREPARE from %d covers op-numbers from %d", m.From, first)
		return
	}
	switch {
	case len(m.Log) > 0 && m.OpNumber > op && (m.OpNumber-len(m.Log) <= op+1 || r.cfg.Bugs.BatchGap):
		r.receiveBatch(m)
		ack.OpNumber = r.OpNumber()
		if r.cfg.Bugs.BatchGap {
			ack.OpNumber = m.OpNumber
		}
		r.send(ack)
	case m.OpNumber == op+1 || (m.OpNumber > op+1 && r.cfg.Bugs.PrepareGap):
		r.appendEntry(*m.Entry)
		ack.OpNumber = r.OpNumber()
		if r.cfg.Bugs.PrepareGap {
			ack.OpNumber = m.OpNumber
		}
		r.send(ack)
	case m.OpNumber <= op:
		ack.OpNumber = op
		r.send(ack)
	default: // a gap: fetch what is missing
		r.askState(r.view, op)
		if r.leaseOn() { // the lease is granted all the same
			ack.OpNumber = op
			r.send(ack)
		}
	}
	r.commitTo(min(m.CommitNumber, r.OpNumber()), false)
}

// learnLaterView is a PREPARE's or COMMIT's response to a later view: ask that view's primary
// for the entries after the commit-number, changing nothing until NEWSTATE arrives.
func (r *Replica) learnLaterView(v int) {
	if r.cfg.Bugs.StateTransferTruncate {
		// The paper's §5.2: drop the uncommitted suffix and join the view at once.
		r.log = r.log[: r.commit-r.base : r.commit-r.base]
		r.replaced = true
		r.rebuildClientTable()
		r.becomeNormal(v)
	}
	r.askState(v, r.commit)
}

// askState sends GETSTATE ⟨v, n, i⟩. The paper lets any replica of view v answer: the default
// policy asks its primary, which has every entry; the alternative one takes each other
// replica in turn (one that is not normal in v, or lacks the entries, ignores it, and the
// next PREPARE or COMMIT asks again).
func (r *Replica) askState(v, n int) {
	to := r.primary(v)
	if r.cfg.Policy == PolicyAlt {
		r.gsNext = (r.gsNext + 1) % (r.n - 1)
		to = r.otherMember(1 + r.gsNext)
	}
	if to == r.id { // a transitioning new replica that is the view's primary
		to = r.otherMember(1)
	}
	r.send(traces.Message{Type: traces.GetState, To: to, View: v, OpNumber: n, Replica: r.id})
}

// ReceivePrepareOk: the primary records the acknowledgement, commits what f backups have and
// replies to the clients of the newly executed requests.
func (r *Replica) ReceivePrepareOk(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceivePrepareOk)
	r.receivePrepareOk(m)
	r.end()
}

func (r *Replica) receivePrepareOk(m *traces.Message) {
	if !r.sameEpoch(m) || r.status != traces.StatusNormal || !r.IsPrimary() || m.View != r.view {
		return
	}
	if !r.validReplica(m.Replica, "PREPAREOK") {
		return
	}
	r.svOK[m.Replica] = true
	r.recordGrant(m)
	if m.OpNumber > r.prepOK[m.Replica] {
		r.prepOK[m.Replica] = m.OpNumber
	}
	k := r.quorumOp()
	if r.cfg.Bugs.CommitWithoutQuorum || r.cfg.Bugs.BatchCommitGathered && r.batching() && m.OpNumber >= r.prepared {
		k = r.OpNumber()
	}
	r.commitTo(k, true)
}

// quorumOp is the largest n ≤ op-number that at least f other replicas acknowledged.
func (r *Replica) quorumOp() int {
	s := r.scratch[:0]
	for i, v := range r.prepOK {
		if i != r.id {
			s = append(s, v)
		}
	}
	r.scratch = s
	return min(fthLargest(s, r.f), r.OpNumber())
}

// fthLargest is the f-th largest of s (f ≤ len(s)), by a partial selection sort in place.
func fthLargest(s []int, f int) int {
	for i := 0; i < f; i++ {
		m := i
		for j := i + 1; j < len(s); j++ {
			if s[j] > s[m] {
				m = j
			}
		}
		s[i], s[m] = s[m], s[i]
	}
	return s[f-1]
}

// SendCommit (timer): an idle normal primary tells the backups its commit-number.
func (r *Replica) SendCommit(out *Output) {
	r.begin(out, "")
	r.sendCommit()
	r.end()
}

func (r *Replica) sendCommit() {
	if r.status != traces.StatusNormal || !r.IsPrimary() {
		return
	}
	r.out.Action = traces.SendCommit
	r.broadcast(traces.Message{Type: traces.Commit, View: r.view, CommitNumber: r.commit})
	r.timer = 0
}

// ResendPrepare (timer): a normal primary with uncommitted ops resends the PREPARE of one of
// them: the latest (default policy: a backup missing earlier ones asks for them by GETSTATE),
// or each in turn from the oldest (alternative policy).
func (r *Replica) ResendPrepare(out *Output) {
	r.begin(out, "")
	r.resendPrepare()
	r.end()
}

func (r *Replica) resendPrepare() {
	op := r.OpNumber()
	if r.status != traces.StatusNormal || !r.IsPrimary() || op <= r.commit || r.batching() && r.prepared <= r.commit {
		return
	}
	if r.commit < r.base { // bug checkpoint-uncommitted: the uncommitted entries are gone
		return
	}
	r.out.Action = traces.ResendPrepare
	n := op
	if r.cfg.Policy == PolicyAlt {
		n = r.commit + 1 + r.rpNext%(op-r.commit)
		r.rpNext++
	}
	var batch []traces.Entry
	if r.batching() {
		// The latest op sent, with every uncommitted op before it: one message brings a
		// backup that missed part of a batch up to date.
		n = min(n, r.prepared)
		batch = r.batchLog(r.commit, n)
	}
	r.broadcast(traces.Message{Type: traces.Prepare, View: r.view, OpNumber: n, CommitNumber: r.commit, Entry: r.entry(n), Log: batch})
	r.timer = 0
}

// ReceiveCommit: a backup commits up to what it has, asking for the rest; a COMMIT of a later
// view triggers state transfer.
func (r *Replica) ReceiveCommit(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveCommit)
	r.receiveCommit(m)
	r.end()
}

func (r *Replica) receiveCommit(m *traces.Message) {
	if !r.asBackup(m) {
		return
	}
	r.timer = 0
	op := r.OpNumber()
	e := r.epoch
	r.commitTo(min(m.CommitNumber, op), false)
	if m.CommitNumber > op && r.epoch == e {
		r.askState(r.view, op)
	}
	if r.leaseOn() { // a COMMIT grants a lease too, echoed in a PREPAREOK of what it has
		ack := traces.Message{Type: traces.PrepareOk, To: r.primary(r.view), View: r.view, OpNumber: op, Replica: r.id}
		r.grantLease(m, &ack)
		r.send(ack)
	}
}

// asBackup applies what PREPARE and COMMIT share: a recovering replica ignores them, one of a
// later view starts state transfer, and only a normal backup of the message's view goes on.
func (r *Replica) asBackup(m *traces.Message) bool {
	if !r.sameEpoch(m) || r.status == traces.StatusRecovering {
		return false
	}
	if r.status == traces.StatusTransitioning {
		// A new replica catching up: news from the epoch's group, ask again.
		if r.member() && m.View >= r.view {
			r.askState(m.View, r.commit)
		}
		return false
	}
	if m.View > r.view {
		r.learnLaterView(m.View)
		return false
	}
	return m.View == r.view && r.status == traces.StatusNormal && !r.IsPrimary()
}
