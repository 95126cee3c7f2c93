package vr

import "github.com/vrcheck/vrcheck/traces"

// ReceiveGetState: a normal replica of the view sends the entries after the requested op.
func (r *Replica) ReceiveGetState(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveGetState)
	r.receiveGetState(m)
	r.end()
}

func (r *Replica) receiveGetState(m *traces.Message) {
	n := r.OpNumber()
	if !r.sameEpoch(m) {
		return
	}
	if r.status != traces.StatusNormal || m.View != r.view {
		r.sendEpochState(m)
		return
	}
	if m.OpNumber > n {
		return
	}
	if m.OpNumber < 0 {
		r.faultf("GETSTATE from %d asks from op %d", m.From, m.OpNumber)
		return
	}
	if !r.validReplica(m.Replica, "GETSTATE") {
		return
	}
	r.svOK[m.Replica] = true
	ns := traces.Message{Type: traces.NewState, To: m.Replica, View: r.view, FromOpNumber: m.OpNumber,
		OpNumber: n, CommitNumber: r.commit, Replica: r.id}
	switch {
	case m.OpNumber >= r.base:
		ns.Log = r.logSlice(m.OpNumber, n)
	case r.cfg.Bugs.GCNoCheckpoint:
		// The entries asked for are gone: send what is held, as if it followed them.
		ns.Log = r.logSlice(r.base, n)
		ns.OpNumber = m.OpNumber + len(ns.Log)
	default: // the entries asked for are gone: the checkpoint, then the entries after it
		ns.Log, ns.Checkpoint = r.logSlice(r.base, n), r.ckpt
	}
	r.send(ns)
}

// ReceiveNewState: keep the first fromOpNumber entries, take the rest from the message and
// become normal in its view. Entries up to the commit-number are never replaced.
func (r *Replica) ReceiveNewState(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveNewState)
	r.receiveNewState(m)
	r.end()
}

func (r *Replica) receiveNewState(m *traces.Message) {
	from := m.FromOpNumber
	if m.Epoch == r.epoch+1 && (r.status == traces.StatusNormal || r.status == traces.StatusViewChange) {
		r.receiveEpochState(m) // the next epoch's initial state (reconfig.go)
		return
	}
	if !r.sameEpoch(m) || r.status == traces.StatusRecovering || from > r.OpNumber() || !r.validLog(m) {
		return
	}
	if r.status == traces.StatusTransitioning {
		r.catchUp(m)
		return
	}
	if r.status != traces.StatusNormal && r.status != traces.StatusViewChange {
		return
	}
	sameView := m.View == r.view && r.status == traces.StatusNormal && m.OpNumber > r.OpNumber()
	laterView := m.View > r.view && from <= r.commit
	if !sameView && !laterView {
		return
	}
	if n := r.OpNumber(); sameView && m.Checkpoint == nil && from >= r.base && commonPrefix(r.log[from-r.base:], m.Log) == n-from {
		// The usual case, a backup filling a gap in its view: its log is a prefix of the
		// message's, so append the rest rather than copy the whole log.
		for _, e := range m.Log[n-from:] {
			r.appendEntry(e)
		}
		r.becomeNormal(m.View)
		r.commitTo(m.CommitNumber, false)
		return
	}
	// Keep the entries up to fromOpNumber, or take the checkpoint the message carries.
	r.adopt(m.Checkpoint, m.LogStart(), m.Log)
	r.becomeNormal(m.View)
	r.commitTo(m.CommitNumber, false)
}

// catchUp: a transitioning new replica takes a NEWSTATE of its epoch that brings it up to
// date (entries and commit-number at least the epoch's start, after its committed prefix),
// becomes normal in the message's view and sends EPOCHSTARTED (reconfig.go).
func (r *Replica) catchUp(m *traces.Message) {
	from := m.FromOpNumber
	if !r.member() || from > r.commit || m.View < r.view || m.OpNumber < r.epochStart || m.CommitNumber < r.epochStart {
		return
	}
	r.adopt(m.Checkpoint, m.LogStart(), m.Log)
	r.setView(m.View)
	r.commitTo(m.CommitNumber, false)
	r.epochStarted()
}

// sendEpochState answers a GETSTATE of view 0 from a replica catching up on a new epoch
// (§7.2) when the replica is not normal in view 0 itself: any replica of the epoch that has
// executed the old epoch (a new one in any view or status but recovering, or one being
// replaced) sends the epoch's initial state, entries up to the epoch's start, as a NEWSTATE
// of view 0. Those entries are committed and never change.
func (r *Replica) sendEpochState(m *traces.Message) {
	k := r.epochStart
	// (With checkpoints, the entries up to k must still be held: the scenario checks reject
	// reconfiguration with checkpoints for now.)
	if m.View != 0 || r.epoch == 0 || r.commit < k || m.OpNumber > k || m.OpNumber < r.base || r.status == traces.StatusRecovering {
		return
	}
	if !r.validReplica(m.Replica, "GETSTATE") {
		return
	}
	r.send(traces.Message{Type: traces.NewState, To: m.Replica, View: 0, FromOpNumber: m.OpNumber,
		Log: r.logSlice(m.OpNumber, k), OpNumber: k, CommitNumber: k, Replica: r.id})
}
