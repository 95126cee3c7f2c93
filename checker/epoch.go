package checker

import (
	"fmt"
	"slices"

	"github.com/vrcheck/vrcheck/traces"
)

// Reconfiguration (the paper's §7, trace format version 4; traces/README.md): epochs, each
// with a configuration; the primary of (epoch, view) is config[view mod len(config)] and views
// restart at 0 in each epoch. The checker keeps each replica's epoch and configurations in its
// scalars, and each epoch's start (the op-number of the RECONFIGURATION that began it) in
// Checker.epochs, learned from the steps that start an epoch.

// The invariants of reconfiguration (VR.tla's, by the same names). OnePrimaryPerView, keyed by
// (epoch, view), is the fifth: at most one normal primary per (epoch, view).
const (
	OneConfigurationPerEpoch      = "OneConfigurationPerEpoch"
	NoCommitAfterReconfiguration  = "NoCommitAfterReconfiguration"
	LaterEpochHoldsCommitted      = "LaterEpochHoldsCommitted"
	ShutDownAfterNewGroupUpToDate = "ShutDownAfterNewGroupUpToDate"
)

// EpochInvariants are reported for traces of version 4 and later.
var EpochInvariants = []string{OneConfigurationPerEpoch, NoCommitAfterReconfiguration, LaterEpochHoldsCommitted, ShutDownAfterNewGroupUpToDate}

// epochInfo is what the trace showed of one epoch.
type epochInfo struct {
	start         int // the op-number of its RECONFIGURATION (0 for epoch 0); -1: not yet known
	config, old   []int
	line          int // where it was first seen
	known, hasOld bool
}

// ev orders (epoch, view) pairs as one key: views of a later epoch come after every view of
// an earlier one.
func ev(epoch, view int) int { return epoch<<32 | view }

// validConfig says whether c is a configuration of increasing ids in 0..u-1 (empty allowed
// if mayBeEmpty).
func validConfig(c []int, u int, mayBeEmpty bool) bool {
	if len(c) == 0 {
		return mayBeEmpty
	}
	for i, id := range c {
		if id < 0 || id >= u || i > 0 && id <= c[i-1] {
			return false
		}
	}
	return true
}

// epochStart is the start of epoch e (0 if unknown).
func (c *Checker) epochStart(e int) int {
	if x := c.epochs[e]; x != nil && x.start > 0 {
		return x.start
	}
	return 0
}

// configOf is epoch e's configuration (the first if unknown).
func (c *Checker) configOf(e int) []int {
	if x := c.epochs[e]; x != nil && len(x.config) > 0 {
		return x.config
	}
	return c.first
}

// noteEpoch records what a step shows of epoch e (start < 0: not shown; old nil: not shown)
// and checks OneConfigurationPerEpoch against what earlier steps showed.
func (c *Checker) noteEpoch(e, start int, old, config []int, who int) {
	x := c.epochs[e]
	if x == nil {
		x = &epochInfo{start: -1, line: c.curLine}
		c.epochs[e] = x
	}
	at := func() string {
		if x.line == 0 {
			return "the initial state"
		}
		return fmt.Sprintf("line %d", x.line)
	}
	switch {
	case len(x.config) == 0:
		x.config = config
	case !slices.Equal(x.config, config):
		c.violate(OneConfigurationPerEpoch, []int{who}, "epoch %d has configuration %v here but %v at %s", e, config, x.config, at())
	}
	if old != nil || e == 0 {
		switch {
		case !x.hasOld:
			x.old, x.hasOld = old, true
		case !slices.Equal(x.old, old):
			c.violate(OneConfigurationPerEpoch, []int{who}, "epoch %d follows configuration %v here but %v at %s", e, old, x.old, at())
		}
	}
	if start >= 0 {
		switch {
		case x.start < 0:
			x.start = start
		case x.start != start:
			c.violate(OneConfigurationPerEpoch, []int{who}, "epoch %d starts at op-number %d here but at %d at %s", e, start, x.start, at())
		}
	}
}

// effLog is the log after the step's effect: r's log up to logKeep, then logAdd.
type effLog struct {
	r   *replica
	eff *effect
}

func (l effLog) len() int { return l.eff.logKeep + len(l.eff.logAdd) }
func (l effLog) at(i int) *traces.Entry {
	if i < l.eff.logKeep {
		return l.r.log.at(i)
	}
	return &l.eff.logAdd[i-l.eff.logKeep]
}

// epochsOn says whether the trace may reconfigure (format version 5 and later).
func (c *Checker) epochsOn() bool { return c.h.Version >= traces.ReconfigurationVersion }

// member says whether replica id is in the step's configuration.
func (c *Checker) member(id int) bool { return slices.Contains(c.conf, id) }

// stateEpoch is a logged state's epoch and configurations (before version 5: epoch 0).
func (c *Checker) stateEpoch(st *traces.ReplicaState) (int, []int, []int) {
	if !c.epochsOn() {
		return 0, c.first, nil
	}
	return st.EpochNumber, st.Config, st.OldConfig
}

// epochSuffix names an epoch after a view in messages: "" for epoch 0.
func epochSuffix(e int) string {
	if e == 0 {
		return ""
	}
	return fmt.Sprintf(" of epoch %d", e)
}

// compareEpoch compares the logged state's epoch and configurations with the spec's.
func (c *Checker) compareEpoch(s *scalars, st *traces.ReplicaState) {
	if !c.epochsOn() {
		return
	}
	if s.epoch != st.EpochNumber {
		c.diff("state.epochNumber", fmt.Sprint(s.epoch), fmt.Sprint(st.EpochNumber))
	}
	if !slices.Equal(s.config, st.Config) {
		c.diff("state.config", fmt.Sprint(s.config), fmt.Sprint(st.Config))
	}
	if !slices.Equal(s.oldConfig, st.OldConfig) {
		c.diff("state.oldConfig", fmt.Sprint(s.oldConfig), fmt.Sprint(st.OldConfig))
	}
}

// epochStep takes the replica steps reconfiguration decides: its own actions, and for every
// other receive the epoch check and the statuses idle, transitioning and shut-down (§7). It
// reports whether it took the step (the caller then takes none of its own).
func (c *Checker) epochStep(r *replica, e *traces.Event, eff *effect) bool {
	s := &eff.s
	m := e.Msg
	switch e.Action {
	case traces.ReceiveReconfiguration:
		if !c.epochGate(r, m, s) {
			c.receiveReconfiguration(r, m, eff)
		}
		return true
	case traces.ReceiveStartEpoch:
		c.receiveStartEpoch(r, m, eff)
		return true
	case traces.ReceiveEpochStarted:
		c.receiveEpochStarted(r, m, eff)
		return true
	case traces.TimeoutStartEpoch:
		c.timeoutStartEpoch(r, s)
		return true
	case traces.ResendStartEpoch:
		c.resendStartEpoch(r, e, s)
		return true
	}
	if m == nil || !c.epochsOn() {
		return false
	}
	if m.Type == traces.NewState && m.Epoch == s.epoch+1 && (s.status == traces.StatusNormal || s.status == traces.StatusViewChange) {
		c.receiveEpochState(r, m, eff)
		return true
	}
	if c.epochGate(r, m, s) {
		return true
	}
	switch m.Type {
	case traces.Request:
		if rn, _ := r.clientTable(m.Client); c.isNormalPrimary(r, s) && m.RequestNumber > rn && c.reconfiguring(r, s) {
			c.gated = fmt.Sprintf("the top of the primary's log is its epoch's RECONFIGURATION (op-number %d): the spec accepts no new request (§7.1)", r.log.len())
			return true
		}
	case traces.Prepare, traces.Commit:
		if s.status == traces.StatusTransitioning {
			if c.member(r.id) && m.View >= s.view {
				c.askState(r, m.View, s.commit)
			}
			c.gated = "the replica is transitioning to its epoch: it takes no PREPARE or COMMIT; a new replica of the epoch asks for the state it lacks (GETSTATE)"
			return true
		}
	case traces.StartViewChange, traces.DoViewChange, traces.StartView:
		if s.status == traces.StatusTransitioning {
			c.gated = "the replica is transitioning to its epoch: it takes no part in view changes"
			return true
		}
	case traces.GetState:
		if s.status != traces.StatusNormal || m.View != s.view {
			c.receiveGetStateOfEpoch(r, m, s)
			return true
		}
	case traces.NewState:
		if s.status == traces.StatusTransitioning {
			if m.FromOpNumber <= s.opNumber {
				c.catchUp(r, m, eff)
			}
			return true
		}
		if s.status != traces.StatusNormal && s.status != traces.StatusViewChange && s.status != traces.StatusRecovering {
			return true
		}
	}
	return false
}

// afterAction completes a replica step: a crash forgets the epoch (the replica asks the first
// configuration, which tells it of later epochs), and a commit-number that rises past a
// RECONFIGURATION of the replica's epoch executes it (no up-call), which starts the next
// epoch (startEpochAt).
func (c *Checker) afterAction(r *replica, e *traces.Event, eff *effect) {
	s := &eff.s
	if e.Action == traces.Crash {
		s.epoch, s.config, s.oldConfig = 0, c.first, nil
		c.setContext(0, c.first)
		return
	}
	if !c.epochsOn() || s.commit <= r.commit || s.epoch != r.epoch {
		return
	}
	// The primary that commits the RECONFIGURATION (after its PREPAREOKs, or starting a view
	// with it committed) tells the groups; other replicas only execute it.
	reply := c.isNormalPrimary(r, s) && (e.Action == traces.ReceivePrepareOk || e.Action == traces.ReceiveStartViewChange || e.Action == traces.ReceiveDoViewChange)
	log := effLog{r, eff}
	for p := r.commit + 1; p <= min(s.commit, log.len()); p++ {
		if ent := log.at(p - 1); ent.Op == traces.OpReconfiguration && p > c.epochStart(s.epoch) {
			c.startEpochAt(r, s, ent, p, reply)
		}
	}
}

// startEpochAt: executing the RECONFIGURATION at op-number p (no up-call) starts the next
// epoch: the primary (reply) sends COMMIT of p to the old group, then STARTEPOCH to the
// replicas being added; a replica of the new group is up to date and normal in view 0 of the
// epoch (epochStarted), one being replaced is transitioning.
func (c *Checker) startEpochAt(r *replica, s *scalars, e *traces.Entry, p int, reply bool) {
	cfg, err := traces.ParseConfig(e.Value)
	if err != nil || !validConfig(cfg, c.u, false) {
		return // the implementation reports a fault and stays in its epoch
	}
	old := s.config
	if reply {
		c.sendOthers(r, traces.Message{Type: traces.Commit, View: s.view, CommitNumber: p})
	}
	c.noteEpoch(s.epoch+1, p, old, cfg, r.id)
	c.enterEpoch(r, s, s.epoch+1, old, cfg)
	if reply {
		for _, j := range cfg {
			if !slices.Contains(old, j) {
				c.sendStartEpoch(r, s, j)
			}
		}
	}
	if slices.Contains(cfg, r.id) {
		c.epochStarted(r, s)
	} else {
		s.status = traces.StatusTransitioning
	}
}

// enterEpoch: epoch-number e with its configurations, view 0; the step's messages from here
// on are of epoch e. The per-view and per-epoch bookkeeping is cleared once the step is
// adopted (checkEpochInvariants), so that a failed step's explanation still shows what it
// weighed.
func (c *Checker) enterEpoch(r *replica, s *scalars, e int, old, cfg []int) {
	s.epoch, s.oldConfig, s.config = e, old, cfg
	s.view, s.lastNormalView = 0, 0
	c.setContext(e, cfg)
}

// epochStarted: an up-to-date replica of the new group is normal in its view and sends
// EPOCHSTARTED to the replicas being replaced.
func (c *Checker) epochStarted(r *replica, s *scalars) {
	s.status, s.lastNormalView = traces.StatusNormal, s.view
	for _, j := range s.oldConfig {
		if !slices.Contains(s.config, j) {
			c.send(r, j, traces.Message{Type: traces.EpochStarted, Replica: r.id})
		}
	}
}

func (c *Checker) sendStartEpoch(r *replica, s *scalars, to int) {
	c.send(r, to, traces.Message{Type: traces.StartEpoch, OpNumber: c.epochStart(s.epoch), OldConfig: s.oldConfig, Config: s.config})
}

// epochGate applies what every receive checks first (§7): a message of another epoch is not
// taken, and the sender of an earlier one is told of the replica's epoch (STARTEPOCH; a
// client, NEWEPOCH); an idle or shut-down replica takes none. It reports whether the message
// was stopped here.
func (c *Checker) epochGate(r *replica, m *traces.Message, s *scalars) bool {
	switch m.Type {
	case traces.StartEpoch, traces.EpochStarted:
		return false
	case traces.Request, traces.Reconfiguration:
		if m.Epoch < s.epoch && s.status != traces.StatusRecovering {
			c.send(r, m.Client, traces.Message{Type: traces.NewEpoch, View: s.view, Config: s.config})
			c.gated = fmt.Sprintf("the %s is of epoch %d, before the replica's %d: the spec answers NEWEPOCH with its view and configuration (§7)", m.Type, m.Epoch, s.epoch)
			return true
		}
		if m.Epoch != s.epoch {
			c.gated = fmt.Sprintf("the %s is of epoch %d, not the replica's %d: the spec ignores it", m.Type, m.Epoch, s.epoch)
			return true
		}
		return false
	}
	if s.status == traces.StatusIdle || s.status == traces.StatusShutDown {
		c.gated = fmt.Sprintf("the replica is %s: the spec takes no %s", s.status, m.Type)
		return true
	}
	if m.Epoch == s.epoch {
		return false
	}
	if m.Epoch < s.epoch && s.status != traces.StatusRecovering {
		c.sendStartEpoch(r, s, m.From)
		c.gated = fmt.Sprintf("the %s is of epoch %d, before the replica's %d: the spec does not accept it and tells the sender of its epoch (STARTEPOCH, §7.2)", m.Type, m.Epoch, s.epoch)
		return true
	}
	c.gated = fmt.Sprintf("the %s is of epoch %d, not the replica's %d: the spec ignores it", m.Type, m.Epoch, s.epoch)
	return true
}

// reconfiguring says whether the top of r's log is its epoch's RECONFIGURATION: the primary
// then accepts no request.
func (c *Checker) reconfiguring(r *replica, s *scalars) bool {
	n := r.log.len()
	return n > c.epochStart(s.epoch) && r.log.at(n-1).Op == traces.OpReconfiguration
}

// receiveReconfiguration: the normal primary of the epoch appends a new RECONFIGURATION with
// a valid configuration (at least 3, an odd number, of the universe, not the current one) and
// sends its PREPARE, unless one is at the top of its log; a repeat of the latest executed one
// is answered again.
func (c *Checker) receiveReconfiguration(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if !c.isNormalPrimary(r, s) {
		return
	}
	rn, pos := r.clientTable(m.Client)
	cf := m.Config
	valid := len(cf) >= 3 && len(cf)%2 == 1 && validConfig(cf, c.u, false) && !slices.Equal(cf, s.config)
	switch {
	case m.RequestNumber > rn && !c.reconfiguring(r, s) && valid:
		s.opNumber++
		c.scratch[0] = traces.Entry{Client: m.Client, RequestNumber: m.RequestNumber, Op: traces.OpReconfiguration, Value: traces.FormatConfig(cf)}
		eff.logAdd = c.scratch[:1]
		c.sendOthers(r, traces.Message{Type: traces.Prepare, View: s.view, OpNumber: s.opNumber, CommitNumber: s.commit, Entry: &c.scratch[0]})
	case m.RequestNumber == rn && pos <= s.commit:
		if res, ok := r.result(pos); ok {
			c.send(r, m.Client, traces.Message{Type: traces.Reply, View: s.view, Client: m.Client, RequestNumber: rn, Result: res})
		}
	}
}

// receiveStartEpoch: see impl/vr's ReceiveStartEpoch and traces/README.md.
func (c *Checker) receiveStartEpoch(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	isMember := slices.Contains(m.Config, r.id)
	member := slices.Contains(s.config, r.id)
	switch {
	case s.status == traces.StatusShutDown:
	case m.Epoch < s.epoch:
		if s.status != traces.StatusRecovering {
			c.sendStartEpoch(r, s, m.From)
		}
	case m.Epoch == s.epoch:
		switch {
		case s.status == traces.StatusNormal && member:
			c.send(r, m.From, traces.Message{Type: traces.EpochStarted, Replica: r.id})
		case s.status == traces.StatusTransitioning && member:
			c.askState(r, s.view, s.commit)
		}
	case s.status == traces.StatusRecovering:
		if !isMember {
			s.status = traces.StatusShutDown
			return
		}
		c.enterEpoch(r, s, m.Epoch, m.OldConfig, m.Config)
		c.sendOthers(r, traces.Message{Type: traces.Recovery, Replica: r.id, Nonce: s.nonce})
	case m.Epoch == s.epoch+1 && (s.status == traces.StatusNormal || s.status == traces.StatusViewChange):
		// A replica of the old group stays in its epoch (its view change may be what commits
		// the RECONFIGURATION) and asks the sender for the epoch's initial state.
		c.exp = append(c.exp, traces.Message{Type: traces.GetState, From: r.id, To: m.From, Epoch: m.Epoch, View: 0, OpNumber: s.commit, Replica: r.id})
	default:
		c.enterEpoch(r, s, m.Epoch, m.OldConfig, m.Config)
		s.status = traces.StatusTransitioning
		if isMember {
			c.askState(r, 0, s.commit)
		}
	}
}

// receiveEpochStarted: a replaced replica records a new replica's EPOCHSTARTED and shuts down
// with f'+1 of them.
func (c *Checker) receiveEpochStarted(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	if s.status != traces.StatusTransitioning || slices.Contains(s.config, r.id) || m.Epoch != s.epoch ||
		m.Replica < 0 || m.Replica >= c.u || m.Replica == r.id || !slices.Contains(s.config, m.Replica) || r.es[m.Replica] {
		return
	}
	r.es[m.Replica] = true
	count := 0
	for _, b := range r.es {
		if b {
			count++
		}
	}
	if count >= c.f+1 {
		s.status = traces.StatusShutDown
	}
}

// timeoutStartEpoch: a transitioning replica: a replaced one resends STARTEPOCH to the new
// replicas it has no EPOCHSTARTED from; a new one asks again for the state it lacks.
func (c *Checker) timeoutStartEpoch(r *replica, s *scalars) {
	if s.status != traces.StatusTransitioning {
		c.diff("enabled", "replica is transitioning", c.describe(r))
		return
	}
	if slices.Contains(s.config, r.id) {
		c.askState(r, s.view, s.commit)
		return
	}
	for _, j := range s.config {
		if !r.es[j] {
			c.sendStartEpoch(r, s, j)
		}
	}
}

// resendStartEpoch: the normal primary, or a replica in a view change, of an epoch after 0
// sends STARTEPOCH to one other replica, the writer's choice.

func (c *Checker) resendStartEpoch(r *replica, e *traces.Event, s *scalars) {
	if !c.isNormalPrimary(r, s) && s.status != traces.StatusViewChange || s.epoch == 0 {
		c.diff("enabled", "replica is the normal primary, or in a view change, of an epoch after 0", c.describe(r))
		return
	}
	c.sendStartEpoch(r, s, c.otherReplica(r, e, traces.StartEpoch))
}

// receiveGetStateOfEpoch answers a GETSTATE of view 0 from a replica catching up on the
// epoch when r is not normal in view 0: any replica of the epoch (but a recovering one) that
// has executed the epoch's start sends the entries up to it as a NEWSTATE of view 0.
func (c *Checker) receiveGetStateOfEpoch(r *replica, m *traces.Message, s *scalars) {
	k := c.epochStart(s.epoch)
	if m.View != 0 || s.epoch == 0 || s.commit < k || m.OpNumber > k || s.status == traces.StatusRecovering ||
		m.Replica < 0 || m.Replica >= c.u || m.Replica == r.id || k > r.log.len() {
		return
	}
	c.send(r, m.Replica, traces.Message{Type: traces.NewState, View: 0, FromOpNumber: m.OpNumber, Log: r.log.slice(m.OpNumber, k),
		OpNumber: k, CommitNumber: k, Replica: r.id})
}

// receiveEpochState: a replica of the old group takes a NEWSTATE of the next epoch from its
// commit-number or before, committed up to a RECONFIGURATION after its epoch's start: its log
// keeps the first fromOpNumber entries, then the message's; the commit-number rises to the
// message's, which executes the RECONFIGURATION and starts the epoch (afterAction).
func (c *Checker) receiveEpochState(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	from := m.FromOpNumber
	if from > s.commit || m.CommitNumber <= s.commit || m.CommitNumber > m.OpNumber || m.Checkpoint != nil || len(m.Log) != m.OpNumber-from {
		c.gated = "the NEWSTATE of the next epoch does not bring the replica's committed prefix up to a RECONFIGURATION: the spec ignores it"
		return
	}
	ok := false
	for q := max(from, c.epochStart(s.epoch)) + 1; q <= m.CommitNumber && !ok; q++ {
		ok = m.Log[q-from-1].Op == traces.OpReconfiguration
	}
	if !ok {
		c.gated = "the NEWSTATE of the next epoch holds no RECONFIGURATION after the replica's commit-number: the spec ignores it"
		return
	}
	eff.logKeep, eff.logAdd = from, m.Log
	s.opNumber, s.commit = m.OpNumber, m.CommitNumber
}

// catchUp: a transitioning new replica takes a NEWSTATE of its epoch that brings it up to
// date and becomes normal in its view (epochStarted).
func (c *Checker) catchUp(r *replica, m *traces.Message, eff *effect) {
	s := &eff.s
	k := c.epochStart(s.epoch)
	if !slices.Contains(s.config, r.id) || m.FromOpNumber > s.commit || m.View < s.view || m.OpNumber < k || m.CommitNumber < k ||
		m.FromOpNumber > s.opNumber || len(m.Log) != m.OpNumber-m.FromOpNumber {
		return
	}
	if m.View != s.view {
		r.clearViewBookkeeping()
	}
	eff.logKeep, eff.logAdd = m.FromOpNumber, m.Log
	s.opNumber, s.view = m.OpNumber, m.View
	s.commit = max(s.commit, m.CommitNumber)
	c.epochStarted(r, s)
}

// checkEpochInvariants checks, after replica r's step, the reconfiguration invariants it can
// break: OneConfigurationPerEpoch (its state), NoCommitAfterReconfiguration,
// ShutDownAfterNewGroupUpToDate, and records whether it is up to date in its epoch.
func (c *Checker) checkEpochInvariants(r *replica, pre scalars) {
	if r.epoch != pre.epoch { // a new epoch: the bookkeeping of the old one goes
		r.clearViewBookkeeping()
		clear(r.recResp)
		clear(r.es)
	}
	if len(r.config) > 0 {
		var old []int
		if r.epoch > 0 {
			old = r.oldConfig
		}
		if r.epoch > 0 || r.status != traces.StatusRecovering { // a crash leaves the first configuration
			c.noteEpoch(r.epoch, -1, old, r.config, r.id)
		}
	}
	// What follows epoch e's RECONFIGURATION (at the start of epoch e+1) is committed in a
	// later epoch: no replica that began the step in epoch e is the first to commit it.
	if x := c.epochs[pre.epoch+1]; x != nil && x.start > 0 {
		for q := max(pre.commit, x.start) + 1; q <= min(r.commit, c.ghost.log.len()); q++ {
			if int(c.ghost.by[q-1]) == r.id {
				c.violate(NoCommitAfterReconfiguration, []int{r.id}, "replica %d, in epoch %d, commits op-number %d %s, after its epoch's RECONFIGURATION at op-number %d",
					r.id, pre.epoch, q, entryStr(c.ghost.log.at(q-1)), x.start)
				break
			}
		}
	}
	if r.status == traces.StatusNormal && r.commit >= c.epochStart(r.epoch) && slices.Contains(r.config, r.id) {
		r.upToDate[r.epoch] = true
	}
	if r.status == traces.StatusShutDown && pre.status != traces.StatusShutDown {
		need := (len(r.config)-1)/2 + 1
		var up []int
		for _, j := range r.config {
			if c.replicas[j].upToDate[r.epoch] {
				up = append(up, j)
			}
		}
		if len(up) < need {
			c.violate(ShutDownAfterNewGroupUpToDate, []int{r.id}, "replica %d, replaced in epoch %d, shuts down when %d replicas of the new group %v have been up to date (%v); want f'+1 = %d",
				r.id, r.epoch, len(up), r.config, up, need)
		}
	}
}

// checkLaterEpochHolds checks LaterEpochHoldsCommitted for normal replica r: every operation
// committed in an earlier epoch is in its log.
func (c *Checker) checkLaterEpochHolds(r *replica) {
	if r.status != traces.StatusNormal || r.epoch == 0 {
		return
	}
	if k := c.ghost.committedIn.at(ev(r.epoch, 0), true); r.match < k {
		c.violate(LaterEpochHoldsCommitted, []int{r.id}, "replica %d, normal in epoch %d, must hold the operations committed in earlier epochs, up to op-number %d, but agrees with the committed log only up to %d",
			r.id, r.epoch, k, r.match)
	}
}

// clientEpochAction validates the client actions of reconfiguration: ClientReconfiguration
// (as ClientRequest, a RECONFIGURATION with the configuration the administrator chose) and
// ClientReceiveNewEpoch. It reports whether the step returns the outstanding request.
func (c *Checker) clientEpochAction(e *traces.Event, cl *client, want *traces.ClientState) bool {
	switch e.Action {
	case traces.ClientReconfiguration:
		if cl.pending {
			c.diff("enabled", "client has no outstanding request", fmt.Sprintf("request %d is outstanding", cl.requestNumber))
		}
		want.RequestNumber++
		want.Pending = true
		m := traces.Message{Type: traces.Reconfiguration, From: e.Client, To: c.primary(cl.view), Client: e.Client, RequestNumber: want.RequestNumber, Epoch: cl.epoch}
		if len(e.Sent) > 0 && e.Sent[0].Type == traces.Reconfiguration { // the configuration is the administrator's choice
			m.Config = e.Sent[0].Config
		}
		c.exp = append(c.exp, m)
	case traces.ClientReceiveNewEpoch:
		m := e.Msg
		c.consume(m, e.Client)
		if m.Epoch <= cl.epoch || len(m.Config) == 0 {
			return false
		}
		want.Epoch, want.View = m.Epoch, m.View
		if !cl.pending {
			return false
		}
		if cl.req.Type == traces.Reconfiguration { // the group has moved on: the reconfiguration is over
			want.Pending = false
			return true
		}
		req := cl.req
		req.Epoch, req.To = m.Epoch, primaryOf(m.Config, m.View)
		c.exp = append(c.exp, req)
	}
	return false
}

// adoptClientEpoch adopts the client's logged epoch; a NEWEPOCH that moved it (or the REPLY to
// the administrator's RECONFIGURATION) also gives the epoch's configuration, and its
// outstanding request goes on in that epoch.
func (c *Checker) adoptClientEpoch(e *traces.Event, cl *client) {
	st := e.ClientState
	switch {
	case st.Epoch == cl.epoch:
	case e.Action == traces.ClientReceiveNewEpoch && e.Msg.Epoch == st.Epoch && len(e.Msg.Config) > 0:
		cl.config = e.Msg.Config
	case e.Action == traces.ClientReceiveReply && cl.req.Type == traces.Reconfiguration && len(cl.req.Config) > 0:
		cl.config = cl.req.Config // the configuration the administrator asked for
	}
	cl.epoch = st.Epoch
	cl.req.Epoch = st.Epoch
}

// checkMajorityEpochs is checkMajority with reconfiguration: the committed log (and up to the
// last acknowledged op) is held by f+1 replicas of the latest epoch's configuration, or, while
// the new group catches up, by f+1 of the configuration before it; recovering replicas count
// as holders, shut-down and idle ones do not.
func (c *Checker) checkMajorityEpochs() {
	latest := 0
	for _, r := range c.replicas {
		latest = max(latest, r.epoch)
	}
	for _, k := range []struct {
		inv string
		n   int
	}{{CommittedWritesExistOnMajority, c.ghost.log.len()}, {AcknowledgedWritesExistOnMajority, c.ghost.ackedMax}} {
		if k.n == 0 {
			continue
		}
		conf := c.configOf(latest)
		ids := c.holdersIn(conf, k.n)
		if len(ids) >= (len(conf)-1)/2+1 {
			continue
		}
		if latest > 0 {
			if prev := c.configOf(latest - 1); len(c.holdersIn(prev, k.n)) >= (len(prev)-1)/2+1 {
				continue
			}
		}
		c.violate(k.inv, ids, "the committed log up to op-number %d is held by %d replicas %v of epoch %d's configuration %v (recovering ones counted); want at least f+1 = %d",
			k.n, len(ids), ids, latest, conf, (len(conf)-1)/2+1)
	}
}

// holdersIn lists the replicas of conf that hold the committed log up to op-number k.
func (c *Checker) holdersIn(conf []int, k int) []int {
	ids := []int{}
	for _, j := range conf {
		r := c.replicas[j]
		if r.status == traces.StatusRecovering || r.status != traces.StatusShutDown && r.status != traces.StatusIdle && r.match >= k {
			ids = append(ids, j)
		}
	}
	return ids
}
