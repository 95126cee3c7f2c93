package checker

import (
	"fmt"

	"github.com/vrcheck/vrcheck/checker/lin"
	"github.com/vrcheck/vrcheck/traces"
)

// applyReplica adopts the logged post-state of a replica action (the same as the spec's when
// the step validated; after a mismatch, replay follows the trace so that later steps and the
// invariants are still checked), maintains the derived state incrementally, and checks the
// invariants that the change can affect.
func (c *Checker) applyReplica(r *replica, e *traces.Event) {
	st := e.State
	pre := r.scalars
	crash := e.Action == traces.Crash

	// The log change: positions fc.. changed (1-based), where fc is the first position whose
	// entry differs, so a logKeep of 0 that rewrites an equal prefix costs nothing more.
	oldLen := r.log.len()
	k := min(st.LogKeep, oldLen)
	add := c.whole // the log change without a checkpoint (compareReplica's wholeAdd)
	c.whole = nil
	newLen := k + len(add)
	fc := min(oldLen, newLen) + 1
	for p := k + 1; p <= min(oldLen, newLen); p++ {
		if *r.log.at(p - 1) != add[p-k-1] {
			fc = p
			break
		}
	}
	changed := fc <= max(oldLen, newLen)
	matchBefore := r.match
	if changed {
		for p := oldLen; p >= fc; p-- {
			if prev := int(r.ctPrev[p-1]); prev == 0 {
				delete(r.ctLast, r.log.at(p-1).Client)
			} else {
				r.ctLast[r.log.at(p-1).Client] = prev
			}
		}
		if fc <= r.exec {
			r.rollback()
		}
		r.log.truncate(fc - 1)
		for i := fc - k - 1; i < len(add); i++ {
			r.log.push(&add[i])
		}
		r.ctPrev = r.ctPrev[:fc-1]
		for p := fc; p <= newLen; p++ {
			cl := r.log.at(p - 1).Client
			r.ctPrev = append(room(r.ctPrev, 1), int32(r.ctLast[cl]))
			r.ctLast[cl] = p
		}
		r.verified = min(r.verified, fc-1)
		if r.diverged >= fc {
			r.diverged = 0
		}
		r.match = min(r.match, fc-1)
	}
	if crash {
		r.crash()
		r.nonces[st.Nonce] = true
	}
	r.scalars = scalars{view: st.ViewNumber, status: st.Status, opNumber: st.OpNumber, commit: st.CommitNumber,
		lastNormalView: st.LastNormalView, nonce: st.Nonce, checkpoint: st.Checkpoint}
	r.epoch, r.config, r.oldConfig = c.stateEpoch(st)
	c.setContext(r.epoch, r.config)
	r.notePrepared(pre)

	// Execute up to the commit-number.
	target := min(r.commit, r.log.len())
	if target < r.exec {
		r.rollback()
	}
	for r.exec < target {
		ent := r.log.at(r.exec)
		r.results = append(room(r.results[:r.exec], 1), apply(r.kv, ent))
		r.exec++
	}
	// As VR.tla: a commit-number rising from old to new executes entries old+1..new; one that
	// falls (a defect) rolls the executions back to those of entries 1..new.
	from := pre.commit + 1
	if crash || r.commit < pre.commit {
		clear(r.execd)
		from = 1
	}
	for p := from; p <= target; p++ {
		r.executeOnce(c, p)
	}
	// NoLogDivergence: every newly committed position must agree with the ghost. As VR.tla's
	// ExtendCommitted, a rising commit-number extends the ghost only with a committed prefix
	// that agrees with it.
	ghostLen := c.ghost.log.len()
	extend := r.commit > pre.commit
	for p := r.verified + 1; p <= target; p++ {
		if !c.ghost.commit(c, r, p, extend && r.diverged == 0) && r.diverged == 0 {
			r.diverged = p
		}
	}
	r.verified = target

	if c.leaseOn() {
		c.applyLease(r, e, pre)
	}
	c.checkReplicaInvariants(r, pre, crash)
	if c.epochsOn() {
		c.checkEpochInvariants(r, pre)
	}
	c.checkBackupPrefix(r, pre, fc, changed)
	if changed || r.view != pre.view || r.status != pre.status {
		c.checkPromises(r)
	}

	c.advanceMatch(r)
	wasRec, isRec := pre.status == traces.StatusRecovering, r.status == traces.StatusRecovering
	if c.ghost.log.len() > ghostLen {
		for _, q := range c.replicas {
			c.advanceMatch(q)
			c.checkNotLost(q)
		}
		c.checkMajority()
	} else {
		c.checkNotLost(r)
		// Recovering replicas count as holders (their loss is one of the f failures), so a
		// recovery ending, or a log losing entries, can break the majorities.
		if r.match < matchBefore || wasRec != isRec {
			c.checkMajority()
		}
	}

	c.sendAll(e, r.id)
}

// checkBackupPrefix checks BackupLogPrefixOfPrimary where replica r's step can break it:
// between r and its primary, or, if r is a primary, between it and its backups. A log that
// changed from op-number fc on is compared from there; a replica that just became normal
// in its view, in full.
func (c *Checker) checkBackupPrefix(r *replica, pre scalars, fc int, changed bool) {
	if r.status != traces.StatusNormal {
		return
	}
	from := 1
	if r.view == pre.view && r.status == pre.status {
		if !changed {
			return
		}
		from = fc
	}
	p := c.replicas[c.primary(r.view)]
	if p != r {
		if p.status == traces.StatusNormal && p.view == r.view && p.epoch == r.epoch {
			c.prefixOfPrimary(r, p, from)
		}
		return
	}
	for _, b := range c.replicas {
		if b != r && b.status == traces.StatusNormal && b.view == r.view && b.epoch == r.epoch {
			c.prefixOfPrimary(b, r, from)
		}
	}
}

func (c *Checker) prefixOfPrimary(b, p *replica, from int) {
	if b.log.len() > p.log.len() {
		c.violate(BackupLogPrefixOfPrimary, pair(b.id, p.id), "backup %d has %d log entries, more than its primary %d's %d (both normal in view %d)",
			b.id, b.log.len(), p.id, p.log.len(), b.view)
		return
	}
	for q := max(from, 1); q <= b.log.len(); q++ {
		if *b.log.at(q - 1) != *p.log.at(q - 1) {
			c.violate(BackupLogPrefixOfPrimary, pair(b.id, p.id), "backup %d has %s at op-number %d, its primary %d has %s (both normal in view %d)",
				b.id, entryStr(b.log.at(q-1)), q, p.id, entryStr(p.log.at(q-1)), b.view)
			return
		}
	}
}

// executeOnce records that r executes its entry at op-number p, checking
// ExactlyOnceExecution: in one life, each client's requests are executed in increasing
// request-number order, so none twice.
func (r *replica) executeOnce(c *Checker, p int) {
	e := r.log.at(p - 1)
	rn := int32(e.RequestNumber)
	last, ok := r.execd[e.Client]
	if ok && rn <= last {
		c.violate(ExactlyOnceExecution, []int{r.id}, "replica %d executes request %d of client %d (op-number %d) after its request %d: a second time or out of order",
			r.id, e.RequestNumber, e.Client, p, last)
		return
	}
	r.execd[e.Client] = rn
}

// rollback forgets the service state, to be rebuilt by executing the log from the start:
// only needed when an executed entry changes or the commit-number falls (a buggy trace).
func (r *replica) rollback() {
	r.exec = 0
	r.results = r.results[:0]
	clear(r.kv)
}

// sendAll puts the event's sends into the network and checks what sending can violate.
func (c *Checker) sendAll(e *traces.Event, from int) {
	for i := range e.Sent {
		m := &e.Sent[i]
		c.net.send(m)
		c.checkSentBound(m)
		switch m.Type {
		case traces.Reply:
			if key, ok := c.readKey(m); c.readsOn() && ok {
				c.ghost.checkReadReply(c, m, key) // a REPLY to a READ (reads.go)
			} else if r, ok := c.leaseReplier(m); ok {
				c.checkLeaseReply(r, m, c.cur.Msg.Key) // a REPLY to a lease read (lease.go)
			} else {
				c.ghost.checkReply(c, m)
			}
		case traces.PrepareOk:
			r := c.replicas[m.From]
			r.okSent = append(r.okSent, m.ID)
			c.checkPromises(r)
		default:
			c.ghost.checkSent(c, m)
		}
	}
}

func (c *Checker) checkReplicaInvariants(r *replica, pre scalars, crash bool) {
	id := r.id
	switch r.status {
	case traces.StatusNormal, traces.StatusViewChange, traces.StatusRecovering:
	case traces.StatusIdle, traces.StatusTransitioning, traces.StatusShutDown:
		if !c.epochsOn() {
			c.violate(TypeOK, []int{id}, "replica %d has status %q, which needs trace format version %d", r.id, r.status, traces.ReconfigurationVersion)
		}
	default:
		c.violate(TypeOK, []int{id}, "replica %d has status %q", r.id, r.status)
	}
	if r.opNumber != r.log.len() {
		c.violate(OpNumberIsLogLength, []int{id}, "replica %d has op-number %d but %d log entries", r.id, r.opNumber, r.log.len())
	}
	if r.status == traces.StatusNormal && r.lastNormalView != r.view {
		c.violate(NormalStatusLastNormalView, []int{id}, "replica %d is normal in view %d with last-normal-view %d", r.id, r.view, r.lastNormalView)
	}
	if r.commit > r.opNumber {
		c.violate(CommitNumberAtMostOpNumber, []int{id}, "replica %d has commit-number %d > op-number %d", r.id, r.commit, r.opNumber)
	}
	if !crash {
		switch {
		case r.epoch < pre.epoch:
			c.violate(ViewNumberMonotonic, []int{id}, "replica %d's epoch-number falls from %d to %d without a crash", r.id, pre.epoch, r.epoch)
		case r.epoch == pre.epoch && r.view < pre.view: // a new epoch starts at view 0
			c.violate(ViewNumberMonotonic, []int{id}, "replica %d's view-number falls from %d to %d without a crash", r.id, pre.view, r.view)
		}
		if r.commit < pre.commit {
			c.violate(CommitNumberMonotonic, []int{id}, "replica %d's commit-number falls from %d to %d without a crash", r.id, pre.commit, r.commit)
		}
	}
	// A replica that becomes normal as the primary of a view starts that view; a view is
	// started at most once.
	if r.status == traces.StatusNormal && c.primary(r.view) == r.id && (pre.status != traces.StatusNormal || pre.view != r.view || pre.epoch != r.epoch) {
		if l, ok := c.started[ev(r.epoch, r.view)]; ok {
			first := fmt.Sprintf("line %d", l)
			if l == 0 {
				first = "the initial state (view 0 is normal from the start)"
			}
			c.violate(OnePrimaryPerView, []int{id}, "view %d%s is started again by replica %d; it was started at %s", r.view, epochSuffix(r.epoch), r.id, first)
		} else {
			c.started[ev(r.epoch, r.view)] = c.curLine
		}
	}
}

// stepClient validates and replays one client action.
func (c *Checker) stepClient(e *traces.Event) {
	cl := c.client(e.Client)
	c.exp = c.exp[:0]
	want := traces.ClientState{View: cl.view, RequestNumber: cl.requestNumber, Pending: cl.pending, Epoch: cl.epoch, CommitNumber: cl.commitNumber}
	returns := false
	c.setContext(cl.epoch, cl.config)
	reconf := cl.req.Type == traces.Reconfiguration // its outstanding request is a RECONFIGURATION (epoch.go)
	read := cl.req.Type == traces.Read              // or a READ (reads.go)
	switch e.Action {
	case traces.ClientRead:
		c.clientRead(e, cl, &want)
	case traces.ClientReconfiguration, traces.ClientReceiveNewEpoch:
		returns = c.clientEpochAction(e, cl, &want)
	case traces.ClientRequest:
		if cl.pending {
			c.diff("enabled", "client has no outstanding request", fmt.Sprintf("request %d is outstanding", cl.requestNumber))
		}
		want.RequestNumber++
		want.Pending = true
		req := traces.Message{Type: traces.Request, From: e.Client, To: c.primary(cl.view), Client: e.Client, RequestNumber: want.RequestNumber, Epoch: cl.epoch}
		if len(e.Sent) > 0 && e.Sent[0].Type == traces.Request { // the operation is the client's choice
			req.Op, req.Key, req.Value = e.Sent[0].Op, e.Sent[0].Key, e.Sent[0].Value
			if req.Op == traces.OpGet && req.Value != "" {
				c.diff("sent[0].value", `"" for a get`, q(req.Value))
			}
		}
		c.exp = append(c.exp, req)
	case traces.ClientTimeout:
		if !cl.pending {
			c.diff("enabled", "client has an outstanding request", "none")
		} else {
			for _, j := range c.conf {
				m := cl.req
				m.To = j
				c.exp = append(c.exp, m)
			}
		}
	case traces.ClientReceiveReply:
		m := e.Msg
		c.consume(m, e.Client)
		want.CommitNumber = max(cl.commitNumber, m.CommitNumber)
		if cl.pending && m.RequestNumber == cl.requestNumber {
			want.Pending = false
			switch {
			case reconf && m.Epoch == cl.epoch: // the administrator moves to the epoch it asked for
				want.Epoch, want.View = cl.epoch+1, 0
			case m.Epoch == cl.epoch: // a REPLY of an earlier epoch says nothing of the view
				want.View = max(cl.view, m.View)
			}
			returns = true
		}
	}
	st := e.ClientState
	if want.View != st.View {
		c.diff("clientState.view", fmt.Sprint(want.View), fmt.Sprint(st.View))
	}
	if want.RequestNumber != st.RequestNumber {
		c.diff("clientState.requestNumber", fmt.Sprint(want.RequestNumber), fmt.Sprint(st.RequestNumber))
	}
	if want.Pending != st.Pending {
		c.diff("clientState.pending", fmt.Sprint(want.Pending), fmt.Sprint(st.Pending))
	}
	if want.Epoch != st.Epoch {
		c.diff("clientState.epoch", fmt.Sprint(want.Epoch), fmt.Sprint(st.Epoch))
	}
	if want.CommitNumber != st.CommitNumber {
		c.diff("clientState.commitNumber", fmt.Sprint(want.CommitNumber), fmt.Sprint(st.CommitNumber))
	}
	c.compareSent(e)
	c.explain(nil, cl)

	// Adopt the logged state; the history is the one the trace tells.
	if e.Action == traces.ClientReconfiguration && len(e.Sent) > 0 {
		cl.req = e.Sent[0]
		cl.req.ID = 0
	}
	if e.Action == traces.ClientRequest && len(e.Sent) > 0 && e.Sent[0].Type == traces.Request {
		cl.req = e.Sent[0]
		cl.req.ID, cl.req.Log, cl.req.Entry = 0, nil, nil
		m := &e.Sent[0]
		c.ops++
		if !c.opts.SkipLinearizability {
			c.hist.Invoke(e.Client, m.RequestNumber, lin.Input{Op: m.Op, Key: m.Key, Value: m.Value}, int64(e.Seq), c.curLine)
		}
	}
	if e.Action == traces.ClientRead && len(e.Sent) > 0 && e.Sent[0].Type == traces.Read {
		// Not in the history porcupine checks: BackupReadNotStale judges it (reads.go).
		cl.req = e.Sent[0]
		cl.req.ID = 0
		cl.readSeen = cl.seen
		c.ops++
	}
	if e.Action == traces.ClientReceiveReply && c.readsOn() {
		if returns && read {
			c.checkReadReturn(cl, e.Msg)
		}
		c.see(cl, e.Msg)
	}
	if returns && !reconf && !read && !c.opts.SkipLinearizability {
		c.hist.Return(e.Client, e.Msg.RequestNumber, e.Msg.Result, int64(e.Seq), c.curLine)
	}
	if returns && !read && e.Msg.Type == traces.Reply && !c.leaseReplies[e.Msg.ID] {
		c.ghost.ack(c, e.Msg)
		for _, r := range c.replicas {
			c.checkNotLost(r)
		}
		c.checkMajority()
	}
	cl.view, cl.requestNumber, cl.pending, cl.commitNumber = st.View, st.RequestNumber, st.Pending, st.CommitNumber
	c.adoptClientEpoch(e, cl)
	cl.recent.add(c.curLine, e.Action)
	c.sendAll(e, e.Client)
}

// stepNetwork validates and replays DropMessage and DuplicateMessage.
func (c *Checker) stepNetwork(e *traces.Event) {
	if why := c.net.find(e.Msg); why != "" {
		c.diff("msg", "a message in flight, exactly as sent", why)
	}
	if e.Action == traces.DropMessage {
		c.net.remove(e.Msg.ID)
	} else {
		c.net.duplicate(e.Msg.ID)
	}
}
