package vr

import "github.com/vrcheck/vrcheck/traces"

// Reads at the primary under leases (the paper's §6.2, Config.Reads = ReadsLease). Every
// replica has a clock (SetClock: a reading in thousandths of a tick, drifting from real time
// by at most Config.Drift per mille). The primary stamps each PREPARE and COMMIT with its
// reading; a normal backup of the message's view that takes one echoes the stamp in a
// PREPAREOK (for a COMMIT too) and so grants a lease: it promises not to start or join a
// view change (no TimeoutStartViewChange, no STARTVIEWCHANGE or DOVIEWCHANGE of a later view
// acted on) until its own clock passes its reading at receipt + L (Config.Lease ticks). A
// restarted replica does not know what it promised, so StartRecovery promises afresh.
//
// The primary holds a lease until the f-th largest stamp echoed by distinct backups in its
// view, plus L·(1000−ρ)/(1000+ρ) on its own clock: its clock runs at least 1−ρ/1000 as fast
// as real time and the backups' at most 1+ρ/1000 as fast, so every promise it counts still
// runs then. While it holds a lease and has committed the log it started the view with (so
// it has executed every operation committed before), ReceiveRequest answers a get from the
// service state without a PREPARE: no later view can have committed anything, since any
// view change needs one of the f backups that promised. Otherwise the get goes through the
// log. A lease read enters neither the log nor the client-table.

// ReadsLease is Config.Reads for reads at the primary under leases.
const ReadsLease = traces.ReadsLease

// Lease and drift defaults (Config.Lease, Config.Drift) when reads are under leases.
const (
	DefaultLease = 5  // ticks: the replica timeout, so a lease does not delay a view change much
	DefaultDrift = 10 // per mille
)

func (r *Replica) leaseOn() bool { return r.cfg.Reads == ReadsLease }

// SetClock sets the replica's clock reading, in thousandths of a tick (at least 1), for the
// calls that follow. The caller owns time; the replica only reads it.
func (r *Replica) SetClock(reading int) { r.clock = reading }

// Clock returns the replica's clock reading.
func (r *Replica) Clock() int { return r.clock }

// leaseLen is L in clock units.
func (r *Replica) leaseLen() int { return r.cfg.Lease * 1000 }

// LeaseMargin is how long, on its own clock, a primary may count on a lease after the stamp
// a backup echoed: L·(1000−ρ)/(1000+ρ) thousandths of a tick, rounded down (L·1000 with the
// bug lease-no-drift).
func LeaseMargin(lease, drift int, noDrift bool) int {
	if noDrift {
		return lease * 1000
	}
	return lease * 1000 * (1000 - drift) / (1000 + drift)
}

// grantLease is a normal backup's side of a PREPARE or COMMIT of its view with stamp m.Clock:
// it promises until its clock passes its reading + L, and echoes the stamp to the primary.
func (r *Replica) grantLease(m *traces.Message, ack *traces.Message) {
	if !r.leaseOn() {
		return
	}
	r.promise = max(r.promise, r.clock+r.leaseLen())
	ack.Clock = m.Clock
}

// promised says whether the replica's promise still runs: it may not start or join a view
// change (the bug lease-ignore-promise forgets it).
func (r *Replica) promised() bool {
	return r.leaseOn() && r.clock < r.promise && !r.cfg.Bugs.LeaseIgnorePromise
}

// recordGrant is the primary's side of a PREPAREOK: the largest stamp each backup echoed in
// the view.
func (r *Replica) recordGrant(m *traces.Message) {
	if r.leaseOn() && m.Clock > r.grant[m.Replica] {
		r.grant[m.Replica] = m.Clock
	}
}

// LeaseEnd is the clock reading until which the primary holds a lease (0: none): the f-th
// largest stamp echoed by distinct backups in its view, plus LeaseMargin.
func (r *Replica) LeaseEnd() int {
	s := r.scratch[:0]
	for _, i := range r.config {
		if i != r.id {
			s = append(s, r.grant[i])
		}
	}
	r.scratch = s
	v := fthLargest(s, r.f)
	if v == 0 {
		return 0
	}
	return v + LeaseMargin(r.cfg.Lease, r.cfg.Drift, r.cfg.Bugs.LeaseNoDrift)
}

// LeaseReads counts the gets the replica answered under a lease (over all its lives).
func (r *Replica) LeaseReads() int { return r.leaseReads }

// leaseRead says whether the primary answers a get locally: it holds a lease, and it has
// committed the log it started its view with.
func (r *Replica) leaseRead() bool {
	return r.leaseOn() && r.status == traces.StatusNormal && r.IsPrimary() &&
		r.commit >= r.viewStart && r.clock < r.LeaseEnd()
}
