package vr

import (
	"slices"

	"github.com/vrcheck/vrcheck/traces"
)

// enterView is the contract's "enter view v": view-change status with fresh bookkeeping.
func (r *Replica) enterView(v int) {
	r.setView(v)
	r.status = traces.StatusViewChange
	clear(r.svc)
	r.svcCount = 0
	if !r.cfg.Bugs.DVCMixedViews { // the bug keeps DOVIEWCHANGEs of earlier views
		clear(r.dvc)
		r.dvcCount = 0
	}
	clear(r.prepOK)
	r.timer = 0
}

func (r *Replica) participates() bool {
	return r.status == traces.StatusNormal || r.status == traces.StatusViewChange ||
		r.status == traces.StatusRecovering && r.cfg.Bugs.RecoveringParticipates
}

// TimeoutStartViewChange (timer): a backup that stopped hearing from its primary, or a replica
// whose view change stalled, moves to the next view.
func (r *Replica) TimeoutStartViewChange(out *Output) {
	r.begin(out, "")
	r.timeoutStartViewChange()
	r.end()
}

func (r *Replica) timeoutStartViewChange() {
	normalBackup := r.status == traces.StatusNormal && !r.IsPrimary()
	if !normalBackup && r.status != traces.StatusViewChange || r.promised() {
		return
	}
	r.out.Action = traces.TimeoutStartViewChange
	if r.status == traces.StatusViewChange {
		r.vcTries++
	}
	next := r.view + 1
	if r.cfg.Bugs.ViewWrap {
		next = (r.view + 1) % (r.n - 1)
	}
	r.enterView(next)
	r.broadcast(traces.Message{Type: traces.StartViewChange, View: next, Replica: r.id})
}

// ReceiveStartViewChange: join a later view change; on f STARTVIEWCHANGEs for the view, send
// DOVIEWCHANGE to its primary.
func (r *Replica) ReceiveStartViewChange(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveStartViewChange)
	r.receiveStartViewChange(m)
	r.end()
}

func (r *Replica) receiveStartViewChange(m *traces.Message) {
	if !r.sameEpoch(m) || !r.participates() || !r.validReplica(m.Replica, "STARTVIEWCHANGE") || m.View > r.view && r.promised() {
		return
	}
	r.joinLaterView(m.View)
	if m.View != r.view || r.status != traces.StatusViewChange || r.svc[m.Replica] {
		return
	}
	r.svc[m.Replica] = true
	r.svcCount++
	if r.svcCount == r.f {
		r.doViewChange()
	}
}

// joinLaterView enters view v and announces it, if v is later than the replica's view.
func (r *Replica) joinLaterView(v int) {
	if v > r.view {
		r.enterView(v)
		r.broadcast(traces.Message{Type: traces.StartViewChange, View: v, Replica: r.id})
	}
}

// doViewChange sends the replica's DOVIEWCHANGE to the new primary, or records it if the
// replica is that primary (which may complete the quorum).
func (r *Replica) doViewChange() {
	n := r.OpNumber()
	p := r.primary(r.view)
	if p == r.id {
		r.recordDVC(r.id, r.view, r.sentCheckpoint(), r.logSlice(r.base, n), r.lastNormal, n, r.commit)
		return
	}
	r.send(traces.Message{Type: traces.DoViewChange, To: p, View: r.view, Log: r.logSlice(r.base, n),
		LastNormalView: r.lastNormal, OpNumber: n, CommitNumber: r.commit, Replica: r.id, Checkpoint: r.sentCheckpoint()})
}

// ReceiveDoViewChange: the new primary collects f+1 DOVIEWCHANGEs (its own included) and then
// starts the view.
func (r *Replica) ReceiveDoViewChange(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveDoViewChange)
	r.receiveDoViewChange(m)
	r.end()
}

func (r *Replica) receiveDoViewChange(m *traces.Message) {
	if !r.sameEpoch(m) || !r.participates() || !r.validReplica(m.Replica, "DOVIEWCHANGE") || !r.validLog(m) || m.View > r.view && r.promised() {
		return
	}
	r.joinLaterView(m.View)
	sameView := m.View == r.view || (r.cfg.Bugs.DVCMixedViews && m.View < r.view)
	if !sameView || r.status != traces.StatusViewChange || !r.IsPrimary() {
		return
	}
	// Copied: the caller owns the message and may reuse it once Receive returns.
	r.recordDVC(m.Replica, m.View, copyCheckpoint(m.Checkpoint), append([]traces.Entry{}, m.Log...), m.LastNormalView, m.OpNumber, m.CommitNumber)
}

func (r *Replica) recordDVC(from, view int, ckpt *traces.Checkpoint, log []traces.Entry, lastNormal, op, commit int) {
	if !r.dvc[from].ok {
		r.dvcCount++
	}
	r.dvc[from] = dvcRecord{ok: true, view: view, ckpt: ckpt, log: log, lastNormalView: lastNormal, opNumber: op, commitNumber: commit}
	if r.dvcCount >= r.f+1 {
		r.startView()
	}
}

// startView: the new primary adopts the best recorded log (largest last-normal-view, then
// largest op-number, then lowest replica id), becomes normal and sends STARTVIEW.
func (r *Replica) startView() {
	best := -1
	k := r.commit
	for i := range r.dvc {
		d := &r.dvc[i]
		if !d.ok {
			continue
		}
		k = max(k, d.commitNumber)
		if best < 0 || r.betterDVC(d, &r.dvc[best]) {
			best = i
		}
	}
	b := &r.dvc[best]
	if r.checkpointing() {
		r.adopt(b.ckpt, ckptOp(b.ckpt), b.log)
	} else {
		r.replaceLog(0, copyLog(b.log))
	}
	n := r.OpNumber()
	if k > n {
		r.faultf("recorded commit-number %d exceeds the chosen log's op-number %d", k, n)
		k = n
	}
	r.becomeNormal(r.view)
	r.broadcast(traces.Message{Type: traces.StartView, View: r.view, Log: r.logSlice(r.base, n), OpNumber: n, CommitNumber: k, Checkpoint: r.sentCheckpoint()})
	clear(r.svOK)
	r.svOK[r.id] = true
	r.svLeft = 2 * (r.n - 1)
	r.svAge = 0
	// If the RECONFIGURATION at the top of the log is committed, executing it starts the
	// new epoch and sends the STARTEPOCHs (§7.3).
	r.commitTo(k, true)
}

// betterDVC orders DOVIEWCHANGEs for log selection; ties on both keys keep the lower id,
// which the caller scans first.
func (r *Replica) betterDVC(a, b *dvcRecord) bool {
	if !r.cfg.Bugs.DVCLargestNOnly && a.lastNormalView != b.lastNormalView {
		return a.lastNormalView > b.lastNormalView
	}
	return a.opNumber > b.opNumber
}

// ReceiveStartView: a replica in the view change (or behind it) adopts the new primary's log,
// becomes normal and acknowledges the uncommitted ops.
func (r *Replica) ReceiveStartView(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveStartView)
	r.receiveStartView(m)
	r.end()
}

func (r *Replica) receiveStartView(m *traces.Message) {
	if !r.sameEpoch(m) || !r.participates() || r.status == traces.StatusRecovering || !r.validLog(m) {
		return
	}
	if m.View == r.view && r.status == traces.StatusNormal && m.From == r.primary(m.View) {
		r.timer = 0 // a resent STARTVIEW is news from the primary, as a COMMIT is
	}
	accept := m.View > r.view ||
		(m.View == r.view && r.status == traces.StatusViewChange) ||
		(m.View == r.view && r.cfg.Bugs.LateStartView)
	if !accept {
		return
	}
	if r.checkpointing() {
		r.adopt(m.Checkpoint, m.LogStart(), m.Log)
	} else {
		r.replaceLog(0, copyLog(m.Log))
	}
	r.becomeNormal(m.View)
	if r.cfg.Bugs.CommitRegress && m.CommitNumber < r.commit {
		r.reexecute(m.CommitNumber)
	}
	e := r.epoch
	r.commitTo(m.CommitNumber, false)
	if n := r.OpNumber(); n > r.commit && r.epoch == e {
		r.send(traces.Message{Type: traces.PrepareOk, To: r.primary(r.view), View: r.view, OpNumber: n, Replica: r.id})
	}
}

// ResendStartViewChange (timer, alternative policy): a replica in view-change sends its
// STARTVIEWCHANGE again.
func (r *Replica) ResendStartViewChange(out *Output) {
	r.begin(out, "")
	r.resendStartViewChange()
	r.end()
}

func (r *Replica) resendStartViewChange() {
	if r.status != traces.StatusViewChange {
		return
	}
	r.out.Action = traces.ResendStartViewChange
	r.broadcast(traces.Message{Type: traces.StartViewChange, View: r.view, Replica: r.id})
}

// ResendDoViewChange (timer, alternative policy): a backup in view-change that has f
// STARTVIEWCHANGEs sends its DOVIEWCHANGE to the new primary again.
func (r *Replica) ResendDoViewChange(out *Output) {
	r.begin(out, "")
	r.resendDoViewChange()
	r.end()
}

func (r *Replica) resendDoViewChange() {
	if r.status != traces.StatusViewChange || r.IsPrimary() || r.svcCount < r.f {
		return
	}
	r.out.Action = traces.ResendDoViewChange
	r.doViewChange()
}

// ResendStartView (timer): the primary of a view it started sends STARTVIEW again, with its
// current log and commit-number, to one backup: one not yet known to have joined the view
// (default policy), or every backup in turn (alternative policy); 2(N-1) times per view.
// It lets a replica that missed STARTVIEW, and so ignores the view's PREPAREs and COMMITs,
// join without another view change.
func (r *Replica) ResendStartView(out *Output) {
	r.begin(out, "")
	r.resendStartView()
	r.end()
}

func (r *Replica) resendStartView() {
	if r.status != traces.StatusNormal || !r.IsPrimary() || r.view == 0 || r.svLeft == 0 {
		return
	}
	to := -1
	start, lo := slices.Index(r.config, r.svNext), 1
	if start < 0 { // svNext is not a member (a new epoch): from the first
		start, lo = 0, 0
	}
	for i := lo; i < r.n && to < 0; i++ {
		j := r.config[(start+i)%r.n]
		if j != r.id && (r.cfg.Policy == PolicyAlt || !r.svOK[j]) {
			to = j
		}
	}
	if to < 0 {
		return
	}
	r.svNext = to
	r.svLeft--
	r.out.Action = traces.ResendStartView
	n := r.OpNumber()
	r.send(traces.Message{Type: traces.StartView, To: to, View: r.view, Log: r.logSlice(r.base, n), OpNumber: n, CommitNumber: r.commit, Checkpoint: r.sentCheckpoint()})
}
