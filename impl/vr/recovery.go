package vr

import "github.com/vrcheck/vrcheck/traces"

// Crash loses all of the replica's state: it is recovering, with the caller's fresh nonce.
func (r *Replica) Crash(nonce int, out *Output) {
	r.begin(out, traces.Crash)
	r.view, r.commit, r.lastNormal = 0, 0, 0
	r.status = traces.StatusRecovering
	r.nonce = nonce
	r.log = emptyLog
	r.base, r.ckpt = 0, nil
	r.replaced = true
	r.store.Reset()
	r.execd = 0
	clear(r.done)
	clear(r.table)
	clear(r.svc)
	r.svcCount = 0
	clear(r.dvc)
	r.dvcCount = 0
	clear(r.prepOK)
	clear(r.grant)
	r.promise = 0 // forgotten: StartRecovery promises afresh
	clear(r.rec)
	r.recCount = 0
	clear(r.svOK)
	r.svLeft = 0
	r.timer = 0
	r.vcTries = 0
	// The epoch is lost too: the replica asks the first configuration, which tells it of
	// later epochs (ReceiveStartEpoch).
	r.epoch, r.epochStart, r.config, r.oldConfig = 0, 0, firstConfig(r.cfg.Replicas), nil
	r.n, r.f = r.cfg.Replicas, r.cfg.F
	clear(r.es)
	r.esCount = 0
	clear(r.parked)
	r.parked = r.parked[:0]
	r.end()
}

// StartRecovery (timer, and right after restart): a recovering replica asks every other
// replica for its state.
func (r *Replica) StartRecovery(out *Output) {
	r.begin(out, "")
	r.startRecovery()
	r.end()
}

func (r *Replica) startRecovery() {
	if r.status != traces.StatusRecovering {
		return
	}
	r.out.Action = traces.StartRecovery
	if r.leaseOn() {
		// A restarted replica may have promised a lease it no longer knows of.
		r.promise = max(r.promise, r.clock+r.leaseLen())
	}
	r.broadcast(traces.Message{Type: traces.Recovery, Replica: r.id, Nonce: r.nonce})
	r.timer = 0
}

// ReceiveRecovery: a normal replica answers; only the primary includes its log.
func (r *Replica) ReceiveRecovery(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveRecovery)
	r.receiveRecovery(m)
	r.end()
}

func (r *Replica) receiveRecovery(m *traces.Message) {
	answers := r.status == traces.StatusNormal ||
		(r.status == traces.StatusRecovering && r.cfg.Bugs.RecoveringParticipates)
	if !r.sameEpoch(m) || !answers || !r.validReplica(m.Replica, "RECOVERY") {
		return
	}
	resp := traces.Message{Type: traces.RecoveryResponse, To: m.Replica, View: r.view, Nonce: m.Nonce, Log: emptyLog, Replica: r.id}
	if r.IsPrimary() {
		n := r.OpNumber()
		resp.Log, resp.OpNumber, resp.CommitNumber, resp.Checkpoint = r.logSlice(r.base, n), n, r.commit, r.sentCheckpoint()
	}
	r.send(resp)
}

// ReceiveRecoveryResponse: with f+1 responses including the latest view's primary's, the
// recovering replica adopts that primary's state.
func (r *Replica) ReceiveRecoveryResponse(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveRecoveryResponse)
	r.receiveRecoveryResponse(m)
	r.end()
}

func (r *Replica) receiveRecoveryResponse(m *traces.Message) {
	if !r.sameEpoch(m) || r.status != traces.StatusRecovering || m.Nonce != r.nonce ||
		!r.validReplica(m.Replica, "RECOVERYRESPONSE") || !r.validLog(m) {
		return
	}
	if m.View < 0 {
		r.faultf("RECOVERYRESPONSE from %d for view %d", m.From, m.View)
		return
	}
	if !r.rec[m.Replica].ok {
		r.recCount++
	}
	// The log is copied: the caller owns the message and may reuse it once Receive returns.
	r.rec[m.Replica] = recoveryRecord{ok: true, view: m.View, ckpt: copyCheckpoint(m.Checkpoint), log: append([]traces.Entry{}, m.Log...), opNumber: m.OpNumber, commitNumber: m.CommitNumber}
	if r.recCount < r.f+1 || !r.member() { // a non-member waits to learn of its epoch
		return
	}
	v := -1
	for i := range r.rec {
		if r.rec[i].ok {
			v = max(v, r.rec[i].view)
		}
	}
	var src *recoveryRecord
	if p := &r.rec[r.primary(v)]; p.ok && p.view == v {
		src = p
	} else if r.cfg.Bugs.RecoveryWithoutPrimary {
		for i := range r.rec { // the lowest id among the latest view's responses
			if r.rec[i].ok && r.rec[i].view == v {
				src = &r.rec[i]
				break
			}
		}
	}
	if src == nil {
		return
	}
	if r.checkpointing() {
		r.adopt(src.ckpt, ckptOp(src.ckpt), src.log)
	} else {
		r.replaceLog(0, copyLog(src.log))
	}
	r.becomeNormal(v)
	r.commitTo(src.commitNumber, false)
}
