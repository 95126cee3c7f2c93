package checker

import (
	"fmt"

	"github.com/vrcheck/vrcheck/traces"
)

// Reads at the primary under leases (§6.2; the header's reads "lease", trace format version
// 7). Every replica event carries the replica's clock reading (thousandths of a tick). The
// primary stamps PREPARE and COMMIT with it; a normal backup of the message's view echoes the
// stamp in a PREPAREOK (for a COMMIT too) and so promises not to start or join a view change
// until its clock passes its reading + L; StartRecovery promises afresh (a restarted replica
// does not know what it promised). The primary holds a lease until the f-th largest stamp
// echoed by distinct backups in its view + L·(1000−ρ)/(1000+ρ) on its clock, and while it
// does, and has committed the log it started its view with, it may answer a get in
// ReceiveRequest from its service state without appending it: a lease read, which enters
// neither the log nor the client-table. The promises, grants and view starts are the spec's
// per-replica state, rebuilt by replay.

// The invariants of reads under leases, reported only for traces with them.
const (
	// ClockDriftBounded: between two events of a replica, its clock advances by between
	// (1000−ρ) and (1000+ρ) thousandths of a tick per tick of real time (the trace's tick).
	ClockDriftBounded = "ClockDriftBounded"
	// LeasePromiseKept: no replica starts or joins a view change (enters view-change status,
	// or a later view in it) while its clock is below a promise it made.
	LeasePromiseKept = "LeasePromiseKept"
	// LeaseReadCovered: when a primary answers a lease read at tick t, at least f backups
	// granted it a lease in its view at a tick t' with (1000+ρ)(t−t') < 1000·L: whatever
	// their clocks' drift within ρ, their promises still run.
	LeaseReadCovered = "LeaseReadCovered"
	// LeaseReadNotStale: a lease read returns the key's value in the whole committed log
	// (every write committed anywhere before it), so it is linearizable with the writes.
	LeaseReadNotStale = "LeaseReadNotStale"
)

// LeaseInvariants lists them in report order.
var LeaseInvariants = []string{ClockDriftBounded, LeasePromiseKept, LeaseReadCovered, LeaseReadNotStale}

func (c *Checker) leaseOn() bool { return c.h.Reads == traces.ReadsLease }

// leaseMargin is L·(1000−ρ)/(1000+ρ) in clock units, rounded down.
func (c *Checker) leaseMargin() int {
	return c.h.Lease * 1000 * (1000 - c.h.Drift) / (1000 + c.h.Drift)
}

// leaseEnd is the clock reading until which primary r holds a lease (0: none).
func (c *Checker) leaseEnd(r *replica) int {
	var top [8]int
	buf := topBuf(&top, c.f)
	for _, j := range c.conf {
		if v := r.grant[j]; j != r.id && v != 0 {
			buf = topInsert(buf, c.f, v)
		}
	}
	if len(buf) < c.f {
		return 0
	}
	return buf[c.f-1] + c.leaseMargin()
}

// clock is the current replica event's clock reading.
func (c *Checker) clock() int {
	if c.cur.State == nil {
		return 0
	}
	return c.cur.State.Clock
}

// promised says whether r's promise still runs at the current event.
func (c *Checker) promised(r *replica) bool { return c.leaseOn() && c.clock() < r.promise }

// isLeaseRead says whether the trace's ReceiveRequest answers the get m from r's service
// state instead of appending it: a REPLY to it sent, the log unchanged.
func (c *Checker) isLeaseRead(r *replica, m *traces.Message) bool {
	e := c.cur
	if !c.leaseOn() || m.Op != traces.OpGet || e.State == nil || e.State.OpNumber != r.opNumber {
		return false
	}
	for i := range e.Sent {
		if s := &e.Sent[i]; s.Type == traces.Reply && s.RequestNumber == m.RequestNumber {
			return true
		}
	}
	return false
}

// leaseRead: the normal primary answers get m from its service state; enabled while it
// holds a lease and has committed the log it started its view with.
func (c *Checker) leaseRead(r *replica, m *traces.Message, s *scalars) {
	clock, end := c.clock(), c.leaseEnd(r)
	if s.commit < r.viewStart || clock >= end {
		held := "no lease (fewer than f backups echoed a stamp in this view)"
		if end > 0 {
			held = fmt.Sprintf("a lease until clock %d (the f-th largest echoed stamp %d + margin %d)", end, end-c.leaseMargin(), c.leaseMargin())
		}
		c.diff("enabled", fmt.Sprintf("a lease read: the primary's clock below its lease's end, and commit-number >= %d (its op-number when it started view %d)", r.viewStart, s.view),
			fmt.Sprintf("clock %d, %s, commit-number %d", clock, held, s.commit))
	}
	c.send(r, m.Client, traces.Message{Type: traces.Reply, View: s.view, Client: m.Client, RequestNumber: m.RequestNumber, Result: r.kv[m.Key]})
}

// stampLease puts the lease fields on an expected message: a PREPARE's or COMMIT's stamp (the
// sender's clock), a PREPAREOK's echo of the PREPARE or COMMIT being received.
func (c *Checker) stampLease(m *traces.Message) {
	switch m.Type {
	case traces.Prepare, traces.Commit:
		m.Clock = c.clock()
	case traces.PrepareOk:
		if a := c.cur.Action; c.cur.Msg != nil && (a == traces.ReceivePrepare || a == traces.ReceiveCommit) {
			m.Clock = c.cur.Msg.Clock
		}
	}
}

// applyLease replays replica r's event for leases (pre: its state before): checks
// ClockDriftBounded and LeasePromiseKept, and updates promises, grants and the view start.
func (c *Checker) applyLease(r *replica, e *traces.Event, pre scalars) {
	clock := e.State.Clock
	rho := c.h.Drift
	if r.clock > 0 {
		dt := e.Tick - r.clockTick
		if d := clock - r.clock; d < (1000-rho)*dt || d > (1000+rho)*dt {
			c.violate(ClockDriftBounded, []int{r.id}, "replica %d's clock reads %d at tick %d after %d at tick %d: %d in %d ticks, outside %d..%d (drift %d per mille)",
				r.id, clock, e.Tick, r.clock, r.clockTick, d, dt, (1000-rho)*dt, (1000+rho)*dt, rho)
		}
	} else if clock < 1 {
		c.violate(ClockDriftBounded, []int{r.id}, "replica %d's clock reads %d, want at least 1", r.id, clock)
	}
	r.clock, r.clockTick = clock, e.Tick
	vc := r.status == traces.StatusViewChange && (pre.status != traces.StatusViewChange || r.view > pre.view)
	if vc && clock < r.promise {
		c.violate(LeasePromiseKept, []int{r.id}, "replica %d moves to view-change in view %d at clock %d, below the %d it promised (a lease granted at tick %d)",
			r.id, r.view, clock, r.promise, r.leaseTick)
	}
	m := e.Msg
	switch e.Action {
	case traces.ReceivePrepare, traces.ReceiveCommit:
		if pre.status == traces.StatusNormal && pre.view == m.View && c.primary(pre.view) != r.id {
			r.promise = max(r.promise, clock+c.h.Lease*1000)
			r.leaseView, r.leaseTick = pre.view, e.Tick
		}
	case traces.ReceivePrepareOk:
		if pre.status == traces.StatusNormal && c.primary(pre.view) == r.id && m.View == pre.view && m.Replica >= 0 && m.Replica < c.u {
			r.grant[m.Replica] = max(r.grant[m.Replica], m.Clock)
		}
	case traces.StartRecovery:
		r.promise = max(r.promise, clock+c.h.Lease*1000)
	}
	if r.status == traces.StatusNormal && (pre.status != traces.StatusNormal || r.view != pre.view) {
		r.viewStart = r.opNumber
	}
}

// checkLeaseReply checks a REPLY r sends to a lease read of key: LeaseReadNotStale and
// LeaseReadCovered. It is remembered, so that the client's taking it is not an
// acknowledgement of a request in the log.
func (c *Checker) checkLeaseReply(r *replica, m *traces.Message, key string) {
	c.leaseReplies[m.ID] = true
	if want := c.ghost.valueAt(key, c.ghost.log.len()); want != m.Result {
		c.violate(LeaseReadNotStale, []int{r.id}, "replica %d answers client %d's get %d of %q under a lease with %q, but the committed log (%d entries) gives %q",
			r.id, m.Client, m.RequestNumber, key, m.Result, c.ghost.log.len(), want)
	}
	t, covered := c.cur.Tick, 0
	for _, j := range c.conf {
		b := c.replicas[j]
		if j != r.id && b.leaseView == r.view && (1000+c.h.Drift)*(t-b.leaseTick) < 1000*c.h.Lease {
			covered++
		}
	}
	if covered < c.f {
		c.violate(LeaseReadCovered, []int{r.id}, "replica %d answers client %d's get %d under a lease at tick %d, but only %d backups granted it one in view %d within the last %d·1000/(1000+%d) ticks (f = %d)",
			r.id, m.Client, m.RequestNumber, t, covered, r.view, c.h.Lease, c.h.Drift, c.f)
	}
}

// leaseReplier says whether REPLY m, sent by the current event, answers a lease read, and by
// which replica: a ReceiveRequest of a get that left the request out of the replica's log.
func (c *Checker) leaseReplier(m *traces.Message) (*replica, bool) {
	e := c.cur
	if !c.leaseOn() || e.Action != traces.ReceiveRequest || e.Msg == nil || e.Msg.Op != traces.OpGet ||
		m.RequestNumber != e.Msg.RequestNumber || e.Replica < 0 || e.Replica >= len(c.replicas) {
		return nil, false
	}
	r := c.replicas[e.Replica]
	if rn, _ := r.clientTable(m.Client); rn >= m.RequestNumber {
		return nil, false
	}
	return r, true
}

// explainLeaseRead says why the spec does or does not allow the trace's lease read.
func (c *Checker) explainLeaseRead(r *replica, m *traces.Message) string {
	clock, end := c.clock(), c.leaseEnd(r)
	lease := fmt.Sprintf("fewer than f = %d backups echoed a stamp in view %d: no lease", c.f, r.view)
	if end > 0 {
		lease = fmt.Sprintf("the f-th largest stamp echoed in view %d is %d, so the lease runs until clock %d (+ L·(1000−ρ)/(1000+ρ) = %d)", r.view, end-c.leaseMargin(), end, c.leaseMargin())
	}
	ok := clock < end && r.commit >= r.viewStart
	verdict := "so the spec answers the get from the service state, outside the log (§6.2)"
	if !ok {
		verdict = "so the spec must append the get and run the protocol; the trace answers it at once from the service state"
	}
	return fmt.Sprintf("a get with request-number %d above the client-table's, answered under a lease in the trace: the primary's clock is %d; %s; its commit-number %d against %d, its op-number when it started view %d: %s",
		m.RequestNumber, clock, lease, r.commit, r.viewStart, r.view, verdict)
}

// explainPromise says that r's promise forbids it to start or join a view change (on a
// message of type what, or its timer).
func (c *Checker) explainPromise(r *replica, what string) string {
	act := "its view-change timer is not enabled"
	if what != "" {
		act = "the spec ignores the " + what + " of a later view"
	}
	return fmt.Sprintf("the replica granted a lease (at tick %d) and promised not to start or join a view change until its clock reaches %d; its clock is %d: %s (§6.2)",
		r.leaseTick, r.promise, c.clock(), act)
}
