package vr

import "github.com/vrcheck/vrcheck/traces"

// Tick advances the replica's timer by one tick and fires at most one timer action (see the
// package doc). Out.Action is "" if none fired. The caller should not tick a replica that is
// down (crashed and not yet restarted).
func (r *Replica) Tick(out *Output) {
	r.begin(out, "")
	r.timer++
	t := max(1, r.cfg.ReplicaTimeout)
	if r.checkpointDue() {
		r.takeCheckpoint()
		r.end()
		return
	}
	switch r.status {
	case traces.StatusNormal:
		if r.IsPrimary() {
			// One tick after each heartbeat, once a backup that missed STARTVIEW would have
			// started to wait for its view change (T ticks), a resend of STARTVIEW if one is due.
			r.svAge++
			if r.batchDue() {
				r.sendPrepare()
			}
			if r.out.Action == "" && r.timer == 1 && r.svLeft > 0 && r.svAge > t {
				// In an epoch after 0 the primary resends STARTEPOCH (a new replica may have
				// missed it, and takes no STARTVIEW) and, after view 0, STARTVIEW, in turn.
				if r.epoch > 0 && (r.view == 0 || r.svLeft%2 == 0) {
					r.resendStartEpoch()
				} else {
					r.resendStartView()
				}
			}
			if r.out.Action == "" && r.timer >= max(1, t/2) {
				if r.OpNumber() > r.commit && (!r.batching() || r.prepared > r.commit) {
					r.resendPrepare()
				} else {
					r.sendCommit()
				}
			}
		} else if r.timer >= t+r.id {
			r.timeoutStartViewChange()
		}
	case traces.StatusViewChange:
		if r.timer >= (2*t+r.id)<<min(r.vcTries, 2) {
			r.timeoutStartViewChange()
		} else if r.epoch > 0 && r.timer == t && r.resendStartEpochInViewChange() {
			// A new replica that missed STARTEPOCH may be what the view change waits for.
		} else if r.cfg.Policy == PolicyAlt && r.timer == t {
			r.resendStartViewChange()
		} else if r.cfg.Policy == PolicyAlt && r.timer == t+1 {
			r.resendDoViewChange()
		}
	case traces.StatusRecovering:
		if r.timer >= t+r.id {
			r.startRecovery()
		}
	case traces.StatusTransitioning:
		if r.timer >= t+r.id {
			r.timeoutStartEpoch()
		}
	}
	r.end()
}
