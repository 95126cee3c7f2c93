package checker

import (
	"fmt"

	"github.com/vrcheck/vrcheck/traces"
)

// effect is what the spec's action does to a replica: the post-state and the log change
// (the log after it is log[:logKeep] followed by logAdd). The messages go to Checker.exp.
type effect struct {
	s       scalars
	logKeep int
	logAdd  []traces.Entry
	// fill > logKeep: the entries after logKeep up to fill are the committed log's (a
	// checkpoint adopted), and logAdd follows them.
	fill int
	ckpt *traces.Checkpoint // the replica's new checkpoint, if it changes
}

// stepReplica validates and replays one replica action.
func (c *Checker) stepReplica(e *traces.Event) {
	r := c.replicas[e.Replica]
	c.exp = c.exp[:0]
	eff := effect{s: r.scalars, logKeep: r.log.len()}
	c.preCommit = r.commit
	if e.Msg != nil {
		c.consume(e.Msg, r.id)
	}
	m := e.Msg
	s := &eff.s
	c.setContext(r.epoch, r.config)
	action := e.Action
	if c.epochStep(r, e, &eff) { // reconfiguration (epoch.go): its actions and the epoch check
		action = ""
	}
	switch action {
	case traces.ReceiveRequest:
		c.receiveRequest(r, m, &eff)
	case traces.ReceivePrepare:
		c.receivePrepare(r, m, &eff)
	case traces.ReceivePrepareOk:
		c.receivePrepareOk(r, m, &eff)
	case traces.ReceiveCommit:
		c.receiveCommit(r, m, &eff)
	case traces.ReceiveStartViewChange:
		c.receiveStartViewChange(r, m, &eff)
	case traces.ReceiveDoViewChange:
		c.receiveDoViewChange(r, m, &eff)
	case traces.ReceiveStartView:
		if s.status != traces.StatusRecovering && (m.View > s.view || m.View == s.view && s.status == traces.StatusViewChange) {
			r.clearViewBookkeeping()
			c.adopt(r, &eff, m.Checkpoint, m.LogStart(), m.Log)
			s.opNumber, s.view, s.status, s.lastNormalView = m.OpNumber, m.View, traces.StatusNormal, m.View
			s.commit = max(s.commit, m.CommitNumber)
			if s.opNumber > s.commit {
				c.send(r, c.primary(s.view), traces.Message{Type: traces.PrepareOk, View: s.view, OpNumber: s.opNumber, Replica: r.id})
			}
		}
	case traces.ReceiveRecovery:
		if s.status == traces.StatusNormal {
			resp := traces.Message{Type: traces.RecoveryResponse, View: s.view, Nonce: m.Nonce, Log: []traces.Entry{}, Replica: r.id}
			if c.primary(s.view) == r.id {
				resp.Log, resp.OpNumber, resp.CommitNumber, resp.Checkpoint = r.heldLog(), s.opNumber, s.commit, r.sentCheckpoint()
			}
			c.send(r, m.Replica, resp)
		}
	case traces.ReceiveRecoveryResponse:
		c.receiveRecoveryResponse(r, m, &eff)
	case traces.ReceiveGetState:
		if s.status == traces.StatusNormal && m.View == s.view && m.OpNumber <= s.opNumber {
			from := min(m.OpNumber, r.log.len())
			ns := traces.Message{Type: traces.NewState, View: s.view, FromOpNumber: m.OpNumber, Log: r.log.slice(from, r.log.len()),
				OpNumber: s.opNumber, CommitNumber: s.commit, Replica: r.id}
			if m.OpNumber < s.checkpoint { // the entries asked for are gone: the checkpoint, then the rest
				ns.Log, ns.Checkpoint = r.heldLog(), r.ckpt
			}
			c.send(r, m.Replica, ns)
		}
	case traces.ReceiveNewState:
		if s.status != traces.StatusRecovering && m.FromOpNumber <= s.opNumber &&
			(m.View == s.view && s.status == traces.StatusNormal && m.OpNumber > s.opNumber ||
				m.View > s.view && m.FromOpNumber <= s.commit) {
			if m.View > s.view {
				r.clearViewBookkeeping()
			}
			c.adopt(r, &eff, m.Checkpoint, m.LogStart(), m.Log)
			s.opNumber, s.view, s.status, s.lastNormalView = m.OpNumber, m.View, traces.StatusNormal, m.View
			s.commit = max(s.commit, m.CommitNumber)
		}

	case traces.SendCommit:
		if c.isNormalPrimary(r, s) {
			c.sendOthers(r, traces.Message{Type: traces.Commit, View: s.view, CommitNumber: s.commit})
		} else {
			c.diff("enabled", "replica is the normal primary of its view", c.describe(r))
		}
	case traces.ResendPrepare:
		c.resendPrepare(r, e, s)
	case traces.ResendStartViewChange:
		if s.status == traces.StatusViewChange {
			c.sendOthers(r, traces.Message{Type: traces.StartViewChange, View: s.view, Replica: r.id})
		} else {
			c.diff("enabled", "replica is in view-change", c.describe(r))
		}
	case traces.ResendDoViewChange:
		c.resendDoViewChange(r, s)
	case traces.ResendStartView:
		c.resendStartView(r, e, s)
	case traces.SendPrepare:
		c.sendPrepare(r, s)
	case traces.TakeCheckpoint:
		c.takeCheckpoint(r, &eff)
	case traces.ReceiveRead:
		c.receiveRead(r, m, &eff)
	case traces.ReplyRead:
		c.replyRead(r, s)
	case traces.TimeoutStartViewChange:
		if c.promised(r) {
			c.diff("enabled", fmt.Sprintf("the replica's clock at or past %d, the lease it promised (granted at tick %d)", r.promise, r.leaseTick), fmt.Sprintf("clock %d", c.clock()))
		}
		if s.status == traces.StatusNormal && c.primary(s.view) != r.id || s.status == traces.StatusViewChange {
			c.enterView(r, s, s.view+1)
		} else {
			c.diff("enabled", "replica is a normal backup or in view-change", c.describe(r))
		}
	case traces.Crash:
		eff.s = scalars{status: traces.StatusRecovering, nonce: e.State.Nonce}
		eff.logKeep = 0
		r.ckpt = nil
		if n := e.State.Nonce; n <= 0 || r.nonces[n] {
			c.diff("nonce", fmt.Sprintf("a fresh nonce (> 0, not used by replica %d before)", r.id), fmt.Sprint(n))
		}
	case traces.StartRecovery:
		if s.status == traces.StatusRecovering {
			c.sendOthers(r, traces.Message{Type: traces.Recovery, Replica: r.id, Nonce: s.nonce})
		} else {
			c.diff("enabled", "replica is recovering", c.describe(r))
		}
	}
	c.afterAction(r, e, &eff)
	c.compareReplica(r, &eff, e.State)
	c.compareSent(e)
	c.explain(r, nil)
	if eff.ckpt != nil {
		r.ckpt = eff.ckpt
	}
	c.applyReplica(r, e)
	c.checkCheckpoint(r)
	r.recent.add(c.curLine, e.Action)
}

// resendPrepare: the normal primary resends the PREPARE of an uncommitted op, the one the
// trace names (the paper leaves the choice open).
func (c *Checker) resendPrepare(r *replica, e *traces.Event, s *scalars) {
	n, batch := s.opNumber, 0
	if len(e.Sent) > 0 {
		n, batch = e.Sent[0].OpNumber, len(e.Sent[0].Log)
	}
	switch {
	case !c.isNormalPrimary(r, s) || s.opNumber <= s.commit:
		c.diff("enabled", "replica is the normal primary of its view with op-number > commit-number", c.describe(r))
	case n <= s.commit || n > s.opNumber:
		c.diff("sent[0].opNumber", fmt.Sprintf("an uncommitted op-number, %d..%d", s.commit+1, s.opNumber), fmt.Sprint(n))
	case n > r.log.len():
		c.diff("enabled", fmt.Sprintf("an entry at op-number %d", n), fmt.Sprintf("the log has %d entries", r.log.len()))
	case batch > 0 && !c.batching() || n-batch < 1:
		c.diff("sent[0].log", fmt.Sprintf("a batch of entries before op-number %d (with batching on)", n), fmt.Sprintf("%d entries, batch %d", batch, c.h.Batch))
	default:
		// Under batching the PREPARE may carry entries before n (traces/README.md).
		ent := *r.log.at(n - 1)
		c.sendOthers(r, traces.Message{Type: traces.Prepare, View: s.view, OpNumber: n, CommitNumber: s.commit, Entry: &ent, Log: c.batchLog(r, n-1-batch, n)})
	}
}

// resendDoViewChange: a backup in view-change with f STARTVIEWCHANGEs of its view sends its
// DOVIEWCHANGE to the new primary again.
func (c *Checker) resendDoViewChange(r *replica, s *scalars) {
	count := 0
	for _, b := range r.svcFrom {
		if b {
			count++
		}
	}
	if s.status != traces.StatusViewChange || c.primary(s.view) == r.id || count < c.f {
		c.diff("enabled", fmt.Sprintf("replica is a backup in view-change with at least f = %d STARTVIEWCHANGEs of its view", c.f),
			fmt.Sprintf("%s, %d STARTVIEWCHANGEs", c.describe(r), count))
		return
	}
	c.send(r, c.primary(s.view), traces.Message{Type: traces.DoViewChange, View: s.view, Log: r.heldLog(),
		LastNormalView: s.lastNormalView, OpNumber: s.opNumber, CommitNumber: s.commit, Replica: r.id, Checkpoint: r.sentCheckpoint()})
}

// resendStartView: the normal primary of a view after 0 sends STARTVIEW, with its current
// log, to the one other replica the trace names.
func (c *Checker) resendStartView(r *replica, e *traces.Event, s *scalars) {
	if !c.isNormalPrimary(r, s) || s.view == 0 {
		c.diff("enabled", "replica is the normal primary of a view after 0", c.describe(r))
		return
	}
	to := c.otherReplica(r, e, traces.StartView)
	c.send(r, to, traces.Message{Type: traces.StartView, View: s.view, Log: r.heldLog(), OpNumber: s.opNumber, CommitNumber: s.commit, Checkpoint: r.sentCheckpoint()})
}

// otherReplica is the destination of the event's first sent message of type t, if that is
// another replica; else the next replica after r (so the comparison names what differs).
// For the actions whose destination the paper leaves open: any other replica.
func (c *Checker) otherReplica(r *replica, e *traces.Event, t traces.MsgType) int {
	for i := range e.Sent {
		if m := &e.Sent[i]; m.Type == t {
			if m.To != r.id && m.To >= 0 && m.To < c.u {
				return m.To
			}
			break
		}
	}
	for _, j := range c.conf {
		if j > r.id {
			return j
		}
	}
	return c.conf[0]
}

// askState expects GETSTATE ⟨v, n, r⟩ to any other replica (the one the trace names).
func (c *Checker) askState(r *replica, v, n int) {
	c.send(r, c.otherReplica(r, c.cur, traces.GetState), traces.Message{Type: traces.GetState, View: v, OpNumber: n, Replica: r.id})
}

func (c *Checker) describe(r *replica) string {
	role := "backup"
	if c.primary(r.view) == r.id {
		role = "primary"
	}
	return fmt.Sprintf("status %s in view %d (%s), op-number %d, commit-number %d", r.status, r.view, role, r.opNumber, r.commit)
}

func (c *Checker) isNormalPrimary(r *replica, s *scalars) bool {
	return s.status == traces.StatusNormal && c.primary(s.view) == r.id
}

// send appends a message from r to the expected sends.
func (c *Checker) send(r *replica, to int, m traces.Message) {
	m.From, m.To, m.Epoch = r.id, to, c.epoch
	if c.leaseOn() {
		c.stampLease(&m)
	}
	c.exp = append(c.exp, m)
}

// sendOthers sends m to every other replica of the configuration, in id order.
func (c *Checker) sendOthers(r *replica, m traces.Message) {
	for _, j := range c.conf {
		if j != r.id {
			c.send(r, j, m)
		}
	}
}

// enterView: view-number := v, status := view-change, bookkeeping cleared, and
// STARTVIEWCHANGE sent to every other replica.
func (c *Checker) enterView(r *replica, s *scalars, v int) {
	s.view, s.status = v, traces.StatusViewChange
	r.clearViewBookkeeping()
	c.sendOthers(r, traces.Message{Type: traces.StartViewChange, View: v, Replica: r.id})
}

func (c *Checker) receiveRequest(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if !c.isNormalPrimary(r, s) {
		return
	}
	rn, pos := r.clientTable(m.Client)
	switch {
	case m.RequestNumber > rn && c.isLeaseRead(r, m):
		c.leaseRead(r, m, s)
	case m.RequestNumber > rn:
		s.opNumber++
		// Scratch, not allocated: the expected effect lives only until the event is compared.
		c.scratch[0] = traces.Entry{Client: m.Client, RequestNumber: m.RequestNumber, Op: m.Op, Key: m.Key, Value: m.Value}
		eff.logAdd = c.scratch[:1]
		if c.batching() {
			c.gather(r, s, &c.scratch[0])
			return
		}
		c.sendOthers(r, traces.Message{Type: traces.Prepare, View: s.view, OpNumber: s.opNumber, CommitNumber: s.commit, Entry: &c.scratch[0]})
	case m.RequestNumber == rn && pos <= s.commit:
		if res, ok := r.result(pos); ok {
			c.send(r, m.Client, traces.Message{Type: traces.Reply, View: s.view, Client: m.Client, RequestNumber: rn, Result: res, CommitNumber: c.replyCommit(s.commit)})
		}
	}
}

func (c *Checker) receivePrepare(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	switch {
	case m.View > s.view && (s.status == traces.StatusNormal || s.status == traces.StatusViewChange):
		c.askState(r, m.View, s.commit)
	case s.status != traces.StatusNormal || c.primary(s.view) == r.id || m.View != s.view:
	case coversNext(m, s.opNumber):
		c.receiveBatch(r, m, eff)
	case m.OpNumber == s.opNumber+1:
		c.scratch[0] = *m.Entry
		eff.logAdd = c.scratch[:1]
		s.opNumber++
		c.send(r, c.primary(s.view), traces.Message{Type: traces.PrepareOk, View: s.view, OpNumber: s.opNumber, Replica: r.id})
		s.commit = max(s.commit, min(m.CommitNumber, s.opNumber))
	case m.OpNumber <= s.opNumber:
		c.send(r, c.primary(s.view), traces.Message{Type: traces.PrepareOk, View: s.view, OpNumber: s.opNumber, Replica: r.id})
		s.commit = max(s.commit, min(m.CommitNumber, s.opNumber))
	default: // a gap
		c.askState(r, s.view, s.opNumber)
		if c.leaseOn() { // the lease is granted all the same
			c.send(r, c.primary(s.view), traces.Message{Type: traces.PrepareOk, View: s.view, OpNumber: s.opNumber, Replica: r.id})
		}
		s.commit = max(s.commit, min(m.CommitNumber, s.opNumber))
	}
}

func (c *Checker) receiveCommit(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	switch {
	case m.View > s.view && (s.status == traces.StatusNormal || s.status == traces.StatusViewChange):
		c.askState(r, m.View, s.commit)
	case s.status != traces.StatusNormal || c.primary(s.view) == r.id || m.View != s.view:
	default:
		s.commit = max(s.commit, min(m.CommitNumber, s.opNumber))
		if m.CommitNumber > s.opNumber {
			c.askState(r, s.view, s.opNumber)
		}
		if c.leaseOn() { // a COMMIT grants a lease too, echoed in a PREPAREOK
			c.send(r, c.primary(s.view), traces.Message{Type: traces.PrepareOk, View: s.view, OpNumber: s.opNumber, Replica: r.id})
		}
	}
}

func (c *Checker) receivePrepareOk(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if !c.isNormalPrimary(r, s) || m.View != s.view {
		return
	}
	if m.Replica >= 0 && m.Replica < c.u && m.OpNumber > r.prepOK[m.Replica] {
		r.prepOK[m.Replica] = m.OpNumber
	}
	// The largest n such that at least f other replicas recorded >= n: the f-th largest.
	n := c.fthLargestPrepareOk(r)
	n = min(n, s.opNumber)
	if n <= s.commit {
		return
	}
	old := s.commit
	s.commit = n
	c.replies(r, s.view, &r.log, old, n)
}

func (c *Checker) fthLargestPrepareOk(r *replica) int {
	var top [8]int
	buf := topBuf(&top, c.f)
	for j, v := range r.prepOK {
		if j != r.id && v >= 0 {
			buf = topInsert(buf, c.f, v)
		}
	}
	if len(buf) < c.f {
		return 0
	}
	return buf[c.f-1]
}

// topBuf is an empty buffer for the f largest values: top when it is big enough (f is
// small, so the f-th-largest selections allocate nothing).
func topBuf(top *[8]int, f int) []int {
	if f <= len(top) {
		return top[:0]
	}
	return make([]int, 0, f)
}

// topInsert adds v to buf, the at most f largest values so far in descending order.
func topInsert(buf []int, f, v int) []int {
	i := len(buf)
	if i < f {
		buf = append(buf, v)
	} else if v <= buf[i-1] {
		return buf
	} else {
		i--
		buf[i] = v
	}
	for ; i > 0 && buf[i] > buf[i-1]; i-- {
		buf[i], buf[i-1] = buf[i-1], buf[i]
	}
	return buf
}

// replies sends the REPLYs of entries from+1..to of log, executed on top of r's service.
func (c *Checker) replies(r *replica, view int, log entrySeq, from, to int) {
	// r's service has executed r.log[:r.exec]; in a correct run log agrees with it there.
	res := r.preview(log, r.exec, to, c.results)
	c.results = res
	for i, x := range res {
		if r.exec+i < from {
			continue
		}
		ent := log.at(r.exec + i)
		c.send(r, ent.Client, traces.Message{Type: traces.Reply, View: view, Client: ent.Client, RequestNumber: ent.RequestNumber, Result: x,
			CommitNumber: c.replyCommit(r.exec + i + 1)})
	}
}

func (c *Checker) receiveStartViewChange(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if s.status == traces.StatusRecovering || m.View > s.view && c.promised(r) {
		return
	}
	if m.View > s.view {
		c.enterView(r, s, m.View)
	}
	if m.View != s.view || s.status != traces.StatusViewChange || m.Replica < 0 || m.Replica >= c.u || r.svcFrom[m.Replica] {
		return
	}
	r.svcFrom[m.Replica] = true
	count := 0
	for _, b := range r.svcFrom {
		if b {
			count++
		}
	}
	if count != c.f {
		return
	}
	dvc := traces.Message{Type: traces.DoViewChange, View: s.view, Log: r.heldLog(), LastNormalView: s.lastNormalView,
		OpNumber: s.opNumber, CommitNumber: s.commit, Replica: r.id, Checkpoint: r.sentCheckpoint()}
	if c.primary(s.view) != r.id {
		c.send(r, c.primary(s.view), dvc)
		return
	}
	// The primary records its own DOVIEWCHANGE, as if received (see ReceiveDoViewChange).
	dvc.From, dvc.To = r.id, r.id
	r.dvc[r.id], r.dvcLine[r.id] = &dvc, c.curLine
	c.tryStartView(r, eff)
}

func (c *Checker) receiveDoViewChange(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if s.status == traces.StatusRecovering || m.View > s.view && c.promised(r) {
		return
	}
	if m.View > s.view {
		c.enterView(r, s, m.View)
	}
	if m.View != s.view || s.status != traces.StatusViewChange || c.primary(s.view) != r.id || m.Replica < 0 || m.Replica >= c.u {
		return
	}
	r.dvc[m.Replica], r.dvcLine[m.Replica] = m, c.curLine
	c.tryStartView(r, eff)
}

// tryStartView starts the view once DOVIEWCHANGEs from f+1 replicas are recorded.
func (c *Checker) tryStartView(r *replica, eff *effect) {
	s := &eff.s
	var best *traces.Message
	count, commit := 0, s.commit
	for _, d := range r.dvc {
		if d == nil {
			continue
		}
		count++
		commit = max(commit, d.CommitNumber)
		if best == nil || d.LastNormalView > best.LastNormalView ||
			d.LastNormalView == best.LastNormalView && d.OpNumber > best.OpNumber {
			best = d // ties beyond that keep the lowest replica id: r.dvc is in id order
		}
	}
	if count < c.f+1 {
		return
	}
	c.keepWeighed(r, best)
	old := s.commit
	var newLog entrySeq = entrySlice(best.Log)
	sv := traces.Message{Type: traces.StartView, View: s.view, Log: best.Log, OpNumber: len(best.Log), CommitNumber: commit}
	if c.checkpointing() {
		c.adopt(r, eff, best.Checkpoint, best.LogStart(), best.Log)
		old = s.commit // a checkpoint adopted past the commit-number is executed without replies
		start := best.LogStart()
		newLog = offsetSeq{&c.ghost.log, start, best.Log}
		sv.OpNumber = start + len(best.Log)
		// The new primary sends its held log: after its checkpoint, the later of its own and
		// the chosen log's.
		if s.checkpoint > 0 {
			sv.Checkpoint = r.ckpt
			if eff.ckpt != nil {
				sv.Checkpoint = eff.ckpt
			}
		}
		sv.Log = make([]traces.Entry, 0, max(0, sv.OpNumber-s.checkpoint))
		for p := s.checkpoint; p < sv.OpNumber; p++ {
			sv.Log = append(sv.Log, *newLog.at(p))
		}
	} else {
		eff.logKeep, eff.logAdd = 0, best.Log
	}
	s.opNumber, s.commit, s.status, s.lastNormalView = sv.OpNumber, commit, traces.StatusNormal, s.view
	r.clearViewBookkeeping()
	c.sendOthers(r, sv)
	c.replies(r, s.view, newLog, old, s.commit)
}

func (c *Checker) receiveRecoveryResponse(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if s.status != traces.StatusRecovering || m.Nonce != s.nonce || m.Replica < 0 || m.Replica >= c.u {
		return
	}
	r.recResp[m.Replica], r.recLine[m.Replica] = m, c.curLine
	if !c.member(r.id) { // reconfiguration: a replica outside the configuration waits to learn of its epoch
		return
	}
	count, v := 0, -1
	for _, x := range r.recResp {
		if x != nil {
			count++
			v = max(v, x.View)
		}
	}
	if count < c.f+1 {
		return
	}
	p := r.recResp[c.primary(v)]
	if p == nil || p.View != v {
		return
	}
	c.adopt(r, eff, p.Checkpoint, p.LogStart(), p.Log)
	s.opNumber, s.view, s.status, s.lastNormalView = p.OpNumber, v, traces.StatusNormal, v
	s.commit = max(s.commit, p.CommitNumber)
}

// consume checks that m, received by replica or client `to`, is in flight exactly as sent,
// and takes one copy of it out of the network.
func (c *Checker) consume(m *traces.Message, to int) {
	if why := c.net.find(m); why != "" {
		c.diff("msg", "a message in flight, exactly as sent", why)
	}
	if m.To != to {
		c.diff("msg.to", fmt.Sprint(to), fmt.Sprint(m.To))
	}
	c.net.remove(m.ID)
}

// compareReplica compares the logged post-state with the action's.
func (c *Checker) compareReplica(r *replica, eff *effect, st *traces.ReplicaState) {
	cmp := func(field string, want, got int) {
		if want != got {
			c.diff("state."+field, fmt.Sprint(want), fmt.Sprint(got))
		}
	}
	s := &eff.s
	cmp("viewNumber", s.view, st.ViewNumber)
	if s.status != st.Status {
		c.diff("state.status", s.status, st.Status)
	}
	cmp("opNumber", s.opNumber, st.OpNumber)
	cmp("commitNumber", s.commit, st.CommitNumber)
	cmp("lastNormalView", s.lastNormalView, st.LastNormalView)
	cmp("checkpoint", s.checkpoint, st.Checkpoint)
	c.compareEpoch(s, st)
	if c.cur.Action != traces.Crash {
		cmp("nonce", s.nonce, st.Nonce)
	}
	if st.LogKeep > r.log.len() {
		c.diff("state.logKeep", fmt.Sprintf("at most the log's length %d", r.log.len()), fmt.Sprint(st.LogKeep))
	}
	// Compare the resulting logs, not their encodings as keep+add (and checkpoint).
	kl := min(st.LogKeep, r.log.len())
	effAdd, logAdd := c.wholeAdd(r, eff.logKeep, eff.fill, eff.logAdd), c.wholeAdd(r, kl, st.Checkpoint, st.LogAdd)
	c.whole = logAdd
	lenE, lenL := eff.logKeep+len(effAdd), kl+len(logAdd)
	at := func(keep int, add []traces.Entry, p int) *traces.Entry {
		if p < keep {
			return r.log.at(p)
		}
		return &add[p-keep]
	}
	for p := min(eff.logKeep, kl); p < min(lenE, lenL); p++ {
		if a, b := at(eff.logKeep, effAdd, p), at(kl, logAdd, p); *a != *b {
			c.diff("state.log", fmt.Sprintf("entry %d = %s", p+1, entryStr(a)), fmt.Sprintf("entry %d = %s", p+1, entryStr(b)))
			break
		}
	}
	if lenE != lenL {
		c.diff("state.log", fmt.Sprintf("%d entries", lenE), fmt.Sprintf("%d entries", lenL))
	}
}

// compareSent compares the logged sends with the action's, in order, and checks that their
// ids are fresh.
func (c *Checker) compareSent(e *traces.Event) {
	for i := 0; i < len(c.exp) || i < len(e.Sent); i++ {
		field := func() string { return fmt.Sprintf("sent[%d]", i) }
		switch {
		case i >= len(e.Sent):
			c.diff(field(), msgStr(&c.exp[i]), "not sent")
		case i >= len(c.exp):
			c.diff(field(), "nothing", msgStr(&e.Sent[i]))
		default:
			if !sameMsg(&c.exp[i], &e.Sent[i]) {
				c.diff(field(), msgStr(&c.exp[i]), msgDiff(&c.exp[i], &e.Sent[i], false))
			}
		}
	}
	for i := range e.Sent {
		id := e.Sent[i].ID
		fresh := !c.net.ids.has(id)
		for j := 0; j < i && fresh; j++ {
			fresh = e.Sent[j].ID != id
		}
		if !fresh {
			c.diff(fmt.Sprintf("sent[%d].id", i), "a fresh message id", fmt.Sprintf("%d, already used", id))
		}
	}
}
