package vr

import (
	"slices"

	"github.com/vrcheck/vrcheck/traces"
)

// Reconfiguration (the paper's §7). A replica has an epoch-number (0 at first), the epoch's
// configuration and the one before it; the primary of (epoch, view) is config[view mod
// len(config)], and views restart at 0 in each epoch. Every message carries the sender's
// epoch-number; no replica accepts a message of an earlier epoch (it answers with STARTEPOCH,
// or NEWEPOCH to a client, so the sender learns of the new epoch), and one of a later epoch is
// ignored until STARTEPOCH tells the replica of it.
//
// An administrator (a client) sends ⟨RECONFIGURATION e, c, s, new-config⟩. The primary of
// epoch e appends it as a log entry (op reconfiguration, value the new configuration) and
// runs it through PREPARE/PREPAREOK; from then on it accepts no request (it checks the top
// of its log, as does a new primary after a view change). Executing that entry makes no
// up-call: the replica records the new configuration, increments its epoch-number, sets view
// 0 and the epoch's start to the entry's op-number n, and:
//   - the primary that commits it sends COMMIT ⟨e, v, n⟩ to the old group and ⟨STARTEPOCH
//     e+1, n, old-config, new-config⟩ to the replicas being added;
//   - a replica of the new group is up to date (it has executed 1..n): it is normal in view
//     0 of the new epoch and sends ⟨EPOCHSTARTED e+1, i⟩ to the replicas being replaced;
//   - a replica being replaced is transitioning: it answers state transfer (GETSTATE of the
//     new epoch) and shuts down after f'+1 EPOCHSTARTEDs (f' the new group's threshold),
//     resending STARTEPOCH to the new replicas that have not answered every T+i ticks
//     (TimeoutStartEpoch).
//
// A replica of the old group that learns of the epoch by STARTEPOCH, not by the COMMIT of its
// view, cannot take STARTEPOCH as a commit of the RECONFIGURATION it may hold at op n: that
// entry may be from an earlier view whose other entries a view change replaced (the
// administrator's resent request put the same RECONFIGURATION at n again; explore --reconfig
// --policy alt, seed 431, lost committed operations that way). Nor does it leave its epoch:
// if the primary that committed the RECONFIGURATION failed before anyone else executed it,
// the old group's view change is what commits it again (seed 376 deadlocked otherwise). It
// asks STARTEPOCH's sender for the epoch's initial state (GETSTATE of the new epoch, view 0,
// from its commit-number); the NEWSTATE (receiveEpochState) keeps its committed prefix, and
// executing the RECONFIGURATION starts the epoch as above. Any other replica of the new group
// that learns of the epoch by STARTEPOCH (an idle replica being added) records both
// configurations, the epoch and n, sets view 0, is transitioning and fetches what it lacks by
// the usual state transfer: GETSTATE ⟨e+1, view, commit-number⟩ (keeping its committed
// prefix), answered by a normal replica of the epoch or a replaced one that has executed
// 1..n; NEWSTATE with entries up to at least n makes it normal, it executes what it had not
// and sends EPOCHSTARTED. A duplicate STARTEPOCH to a normal replica of the epoch is answered
// with EPOCHSTARTED. The new primary resends STARTEPOCH, as ResendStartView does STARTVIEW, to
// members not known to have joined (ResendStartEpoch), and so does a replica in a view change
// of the epoch. A recovering replica that learns of a later epoch by STARTEPOCH shuts down if
// it is not in the new group, and otherwise recovers from it.

// firstConfig is epoch 0's configuration, replicas 0..n-1.
func firstConfig(n int) []int {
	c := make([]int, n)
	for i := range c {
		c[i] = i
	}
	return c
}

// member says whether the replica is in the current configuration.
func (r *Replica) member() bool { return slices.Contains(r.config, r.id) }

// reconfiguring reports whether the top of the log is the current epoch's RECONFIGURATION:
// then the primary accepts no more requests.
func (r *Replica) reconfiguring() bool {
	n := r.OpNumber()
	// An entry up to a checkpoint is executed: a RECONFIGURATION there started an epoch.
	return n > r.epochStart && n > r.base && r.entry(n).Op == traces.OpReconfiguration
}

// sameEpoch is what every receive of a replica's message checks first: an idle replica takes
// none (but STARTEPOCH), and one of another epoch is ignored, a normal or transitioning
// replica (but a recovering one) telling the sender of an earlier epoch of its own by
// STARTEPOCH.
func (r *Replica) sameEpoch(m *traces.Message) bool {
	if r.status == traces.StatusIdle || r.status == traces.StatusShutDown {
		return false
	}
	if m.Epoch == r.epoch {
		return true
	}
	if m.Epoch < r.epoch && r.status != traces.StatusRecovering {
		if m.Type == traces.Prepare && r.cfg.Bugs.EpochOldPrepare {
			return true
		}
		r.sendStartEpoch(m.From)
	}
	return false
}

func (r *Replica) sendStartEpoch(to int) {
	r.send(traces.Message{Type: traces.StartEpoch, To: to, OpNumber: r.epochStart, OldConfig: r.oldConfig, Config: r.config})
}

// newEpochToClient answers a client of an earlier epoch.
func (r *Replica) newEpochToClient(client int) {
	r.send(traces.Message{Type: traces.NewEpoch, To: client, View: r.view, Config: r.config})
}

// validConfig checks a requested configuration: at least 3 replicas of the universe, an odd
// number (2f'+1), sorted, and not the current one.
func (r *Replica) validConfig(c []int) bool {
	if len(c) < 3 || len(c)%2 == 0 || slices.Equal(c, r.config) {
		return false
	}
	for i, id := range c {
		if id < 0 || id >= r.u || i > 0 && id <= c[i-1] {
			return false
		}
	}
	return true
}

// ReceiveReconfiguration: the normal primary of the request's epoch appends a new
// RECONFIGURATION (with a valid configuration) and sends its PREPARE; the latest executed
// one of its client is answered again; a replica of a later epoch answers NEWEPOCH.
func (r *Replica) ReceiveReconfiguration(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveReconfiguration)
	r.receiveReconfiguration(m)
	r.end()
}

func (r *Replica) receiveReconfiguration(m *traces.Message) {
	if m.Epoch < r.epoch && r.status != traces.StatusRecovering {
		r.newEpochToClient(m.Client)
		return
	}
	if m.Epoch != r.epoch || r.status != traces.StatusNormal || !r.IsPrimary() {
		return
	}
	s, executed, res, _ := r.ClientTable(m.Client)
	switch {
	case m.RequestNumber > s && !r.reconfiguring() && r.validConfig(m.Config):
		r.appendEntry(traces.Entry{Client: m.Client, RequestNumber: m.RequestNumber, Op: traces.OpReconfiguration, Value: traces.FormatConfig(m.Config)})
		op := r.OpNumber()
		r.broadcast(traces.Message{Type: traces.Prepare, View: r.view, OpNumber: op, CommitNumber: r.commit, Entry: r.entry(op)})
		r.prepared = op
		r.timer = 0
	case executed && m.RequestNumber == s:
		r.send(traces.Message{Type: traces.Reply, To: m.Client, View: r.view, Client: m.Client, RequestNumber: s, Result: res})
	}
}

// executeReconfiguration is the execution of the RECONFIGURATION at op-number p (no
// up-call): a new epoch if p is after the current epoch's start (else the replica learned of
// that epoch already). The primary (reply) sends STARTEPOCH to the replicas being added.
func (r *Replica) executeReconfiguration(e *traces.Entry, p int, reply bool) {
	if p <= r.epochStart {
		return
	}
	c, err := traces.ParseConfig(e.Value)
	if err != nil {
		r.faultf("executing op %d: %v", p, err)
		return
	}
	old := r.config
	if reply {
		// The old group learns of the commit as of any other (§7.2): COMMIT of the old epoch.
		r.broadcast(traces.Message{Type: traces.Commit, View: r.view, CommitNumber: p})
	}
	r.enterEpoch(r.epoch+1, p, old, c)
	if reply {
		for _, j := range c {
			if !slices.Contains(old, j) {
				r.sendStartEpoch(j)
			}
		}
	}
	// The primary that commits it accepted nothing after it. (Another replica may hold the
	// next epoch's entries after it: receiveEpochState.)
	if reply && r.OpNumber() > p && !r.cfg.Bugs.EpochAcceptAfterReconfiguration {
		r.faultf("the log has %d entries after the RECONFIGURATION at op %d", r.OpNumber()-p, p)
	}
	switch {
	case r.member():
		r.epochStarted()
	default:
		r.status = traces.StatusTransitioning
	}
}

// enterEpoch: epoch-number e starting at op-number n, with its configurations; view 0 and
// every per-view and per-epoch record cleared.
func (r *Replica) enterEpoch(e, n int, old, c []int) {
	r.epoch, r.epochStart, r.oldConfig, r.config = e, n, old, c
	r.n, r.f = len(c), (len(c)-1)/2
	r.view, r.lastNormal = 0, 0
	clear(r.svc)
	r.svcCount = 0
	clear(r.dvc)
	r.dvcCount = 0
	clear(r.prepOK)
	clear(r.rec)
	r.recCount = 0
	clear(r.svOK)
	r.svLeft = 0
	clear(r.es)
	r.esCount, r.esAsk = 0, 0
	r.timer = 0
	r.vcTries = 0
}

// epochStarted: a replica of the new group that is up to date becomes normal in view 0 of
// the epoch (the primary starts accepting requests, and resends STARTEPOCH to members not
// known to have joined) and sends EPOCHSTARTED to the replicas being replaced.
func (r *Replica) epochStarted() {
	r.becomeNormal(r.view)
	for _, j := range r.oldConfig {
		if !slices.Contains(r.config, j) {
			r.send(traces.Message{Type: traces.EpochStarted, To: j, Replica: r.id})
		}
	}
	if r.IsPrimary() {
		clear(r.svOK)
		r.svOK[r.id] = true
		for _, j := range r.oldConfig { // the old group's members committed the RECONFIGURATION
			r.svOK[j] = true
		}
		r.svLeft = 2 * (r.n - 1)
		r.svAge = 0
	}
}

// ReceiveStartEpoch: a replica learns of a later epoch (see above); a normal replica of the
// epoch answers a duplicate with EPOCHSTARTED, a transitioning one asks again for the state
// it lacks; one of a later epoch tells the sender.
func (r *Replica) ReceiveStartEpoch(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveStartEpoch)
	r.receiveStartEpoch(m)
	r.end()
}

func (r *Replica) receiveStartEpoch(m *traces.Message) {
	if m.OpNumber < 0 || len(m.Config) == 0 {
		r.faultf("STARTEPOCH from %d has op-number %d and configuration %v", m.From, m.OpNumber, m.Config)
		return
	}
	isMember := slices.Contains(m.Config, r.id)
	switch {
	case r.status == traces.StatusShutDown:
	case m.Epoch < r.epoch:
		if r.status != traces.StatusRecovering {
			r.sendStartEpoch(m.From)
		}
	case m.Epoch == r.epoch:
		switch {
		case r.status == traces.StatusNormal && r.member():
			r.send(traces.Message{Type: traces.EpochStarted, To: m.From, Replica: r.id})
		case r.status == traces.StatusTransitioning && r.member():
			r.askEpochState()
		}
	case r.status == traces.StatusRecovering:
		if !isMember {
			r.status = traces.StatusShutDown
			return
		}
		nonce := r.nonce
		r.enterEpoch(m.Epoch, m.OpNumber, m.OldConfig, m.Config)
		r.nonce = nonce
		r.startRecovery()
		r.out.Action = traces.ReceiveStartEpoch
	case m.Epoch == r.epoch+1 && r.cfg.Bugs.EpochStartEpochCommit && r.holdsReconfiguration(m):
		r.commitTo(m.OpNumber, false) // the defect: as a COMMIT of n, whatever its log up to n is
	case m.Epoch == r.epoch+1 && (r.status == traces.StatusNormal || r.status == traces.StatusViewChange):
		// A replica of the old group that has not executed the RECONFIGURATION stays in its
		// epoch: if the primary that committed it failed before anyone else executed it, the
		// old group's view change is what commits it again. It asks the sender for the epoch's
		// initial state (receiveEpochState), which makes it execute the RECONFIGURATION.
		r.out.Sent = append(r.out.Sent, traces.Message{Type: traces.GetState, From: r.id, To: m.From, Epoch: m.Epoch, View: 0, OpNumber: r.commit, Replica: r.id})
	default:
		r.enterEpoch(m.Epoch, m.OpNumber, m.OldConfig, m.Config)
		r.status = traces.StatusTransitioning
		if isMember {
			r.askEpochState()
		}
	}
}

// holdsReconfiguration says whether a normal or view-change replica of the epoch before
// STARTEPOCH m's has m's RECONFIGURATION at op-number n, after its epoch's start (bug
// epoch-startepoch-commit only).
func (r *Replica) holdsReconfiguration(m *traces.Message) bool {
	n := m.OpNumber
	if r.status != traces.StatusNormal && r.status != traces.StatusViewChange || n <= r.epochStart || n <= r.base || n > r.OpNumber() {
		return false
	}
	e := r.entry(n)
	return e.Op == traces.OpReconfiguration && e.Value == traces.FormatConfig(m.Config)
}

// receiveEpochState: a replica of the old group (normal or in view-change) takes a NEWSTATE of
// the next epoch that answers its GETSTATE (ReceiveStartEpoch): entries after its
// commit-number, committed (a replica that executed the RECONFIGURATION sent them) up to a
// RECONFIGURATION after its epoch's start. It keeps its committed prefix, takes the rest and
// commits to the message's commit-number, which executes the RECONFIGURATION and starts the
// epoch.
func (r *Replica) receiveEpochState(m *traces.Message) {
	from := m.FromOpNumber
	if from > r.commit || m.CommitNumber <= r.commit || m.CommitNumber > m.OpNumber || m.Checkpoint != nil || !r.validLog(m) {
		return
	}
	ok := false
	for q := max(from, r.epochStart) + 1; q <= m.CommitNumber && !ok; q++ {
		ok = m.Log[q-from-1].Op == traces.OpReconfiguration
	}
	if !ok {
		return
	}
	if r.checkpointing() {
		r.adopt(nil, from, m.Log)
	} else {
		l := make([]traces.Entry, m.OpNumber, m.OpNumber+16)
		copy(l, r.log[:from])
		copy(l[from:], m.Log)
		r.replaceLog(0, l)
	}
	r.commitTo(m.CommitNumber, false)
}

// askEpochState is a transitioning new replica's GETSTATE ⟨e, view, commit-number⟩: first to
// the epoch's primary of its view (unless that is itself), then, each time it asks again, to
// the next replica of the old or new group in turn (a replaced replica answers once it has
// executed the old epoch; new replicas once they are up to date).
func (r *Replica) askEpochState() {
	to := r.primary(r.view)
	if r.esAsk > 0 || to == r.id {
		var cands []int
		for _, j := range r.config {
			if j != r.id {
				cands = append(cands, j)
			}
		}
		for _, j := range r.oldConfig {
			if j != r.id && !slices.Contains(r.config, j) {
				cands = append(cands, j)
			}
		}
		to = cands[r.esAsk%len(cands)]
	}
	r.esAsk++
	r.send(traces.Message{Type: traces.GetState, To: to, View: r.view, OpNumber: r.commit, Replica: r.id})
}

// ReceiveEpochStarted: a replaced replica records that a new replica is up to date, and
// shuts down once f'+1 have said so.
func (r *Replica) ReceiveEpochStarted(m *traces.Message, out *Output) {
	r.begin(out, traces.ReceiveEpochStarted)
	r.receiveEpochStarted(m)
	r.end()
}

func (r *Replica) receiveEpochStarted(m *traces.Message) {
	if r.status != traces.StatusTransitioning || r.member() || m.Epoch != r.epoch || !r.validReplica(m.Replica, "EPOCHSTARTED") {
		return
	}
	if !slices.Contains(r.config, m.Replica) || r.es[m.Replica] {
		return
	}
	r.es[m.Replica] = true
	r.esCount++
	need := r.f + 1
	if r.cfg.Bugs.EpochShutdownEarly {
		need = r.f
	}
	if r.esCount >= need {
		r.status = traces.StatusShutDown
	}
}

// TimeoutStartEpoch (timer): a transitioning replica that has waited T+i ticks: a replaced one
// resends STARTEPOCH to the new replicas that have not answered with EPOCHSTARTED; a new one
// asks again for the state it lacks (askEpochState, to the next replica in turn).
func (r *Replica) TimeoutStartEpoch(out *Output) {
	r.begin(out, "")
	r.timeoutStartEpoch()
	r.end()
}

func (r *Replica) timeoutStartEpoch() {
	if r.status != traces.StatusTransitioning {
		return
	}
	r.out.Action = traces.TimeoutStartEpoch
	r.timer = 0
	if r.member() {
		r.askEpochState()
		return
	}
	for _, j := range r.config {
		if !r.es[j] {
			r.sendStartEpoch(j)
		}
	}
	r.timer = 0
}

// resendStartEpochInViewChange is ResendStartEpoch by a replica in a view change of an epoch
// after 0: once per view, STARTEPOCH to the next member it has no STARTVIEWCHANGE from (with
// no normal primary, nobody else would tell a new replica that missed its STARTEPOCH, and the
// view change may need it). It reports whether it sent one.
func (r *Replica) resendStartEpochInViewChange() bool {
	start := max(slices.Index(r.config, r.svNext), 0)
	for i := 0; i < len(r.config); i++ {
		if j := r.config[(start+1+i)%len(r.config)]; j != r.id && !r.svc[j] {
			r.svNext = j
			r.out.Action = traces.ResendStartEpoch
			r.sendStartEpoch(j)
			return true
		}
	}
	return false
}

// ResendStartEpoch (timer): the normal primary of an epoch after 0 sends STARTEPOCH to one
// member not known to have joined its view (a PREPAREOK or GETSTATE of it arrived), sharing
// ResendStartView's 2(N'-1) resends per view: it lets a new replica whose STARTEPOCH was lost
// join.
func (r *Replica) ResendStartEpoch(out *Output) {
	r.begin(out, "")
	r.resendStartEpoch()
	r.end()
}

func (r *Replica) resendStartEpoch() {
	if r.status != traces.StatusNormal || !r.IsPrimary() || r.epoch == 0 || r.svLeft == 0 {
		return
	}
	to := -1
	start := max(slices.Index(r.config, r.svNext), 0)
	for i := 0; i < len(r.config) && to < 0; i++ {
		if j := r.config[(start+1+i)%len(r.config)]; j != r.id && !r.svOK[j] {
			to = j
		}
	}
	if to < 0 {
		return
	}
	r.svNext = to
	r.svLeft--
	r.out.Action = traces.ResendStartEpoch
	r.sendStartEpoch(to)
}
