package checker

import (
	"fmt"
	"strings"

	"github.com/vrcheck/vrcheck/traces"
)

// A failed step explains itself: the rule of the paper (Liskov & Cowling, "Viewstamped
// Replication Revisited", MIT-CSAIL-TR-2012-021) that decides the action, the inputs the action
// weighed (the state before, the message, the quorum recorded), and, where the rule makes a
// choice, what the spec chose and what the trace did. The table below is the one place that
// says, per action, which rule and which inputs; traces/README.md states each action exactly.

// Rule is the paper's rule that decides an action.
type Rule struct {
	Section string `json:"section"` // where the paper states it, e.g. "§4.2 step 3"
	Text    string `json:"text"`    // the rule, in the paper's words (abridged)
}

// Input is one input of a failed step, as the report lists it.
type Input struct {
	What  string   `json:"what"`
	Items []string `json:"items"`
}

// actionRule is an action's row of the table.
type actionRule struct {
	Rule
	inputs []inputFn
	// decide, if set, says what the spec's step does with the inputs and where the trace
	// departs from it ("" when it has nothing to add to the field differences).
	decide func(x *explainCtx) string
}

// inputFn renders one kind of input; ok is false when it does not apply.
type inputFn func(x *explainCtx) (in Input, ok bool)

// explainCtx is a failed step, seen before the checker adopts the trace's post-state: r's
// state (scalars, log, client-table, bookkeeping) is still the state before the action.
type explainCtx struct {
	c  *Checker
	e  *traces.Event
	r  *replica // replica actions
	cl *client  // client actions
}

// weighed is the DOVIEWCHANGE quorum a new primary started its view with in the current step:
// starting the view clears the bookkeeping before the step is compared, so it is kept here.
type weighed struct {
	valid bool
	dvc   []*traces.Message
	line  []int
	best  int // the sender of the chosen log
}

func (c *Checker) keepWeighed(r *replica, best *traces.Message) {
	w := &c.weighed
	w.valid, w.best = true, best.Replica
	w.dvc = append(w.dvc[:0], r.dvc...)
	w.line = append(w.line[:0], r.dvcLine...)
}

const (
	viewChangeSec = "§4.2"
	recoverySec   = "§4.3"
	stateXferSec  = "§5.2"
	reconfigSec   = "§7"
)

var rules = map[string]actionRule{
	traces.ClientRequest: {Rule{"§4 (clients), §4.1 step 1",
		"A client has at most one outstanding request; it sends ⟨REQUEST op, c, s⟩ to the primary of the latest view it knows, with the next request-number s."},
		[]inputFn{clientBefore}, decideClientRequest},
	traces.ClientTimeout: {Rule{"§4 (clients)",
		"If a client does not receive a timely response to its request, it re-sends the request to all replicas."},
		[]inputFn{clientBefore}, decideClientTimeout},
	traces.ClientReceiveReply: {Rule{"§4 (clients), §4.1 step 5",
		"The reply to the outstanding request (its request-number) returns it; the client learns the view-number from the REPLY to track the primary."},
		[]inputFn{received, clientBefore}, decideClientReply},

	traces.ReceiveRequest: {Rule{"§4.1 steps 2-3",
		"The primary compares the request-number s with the client-table: if s is not bigger it drops the request, but re-sends the reply if the request is the client's most recent and already executed; otherwise it advances op-number, appends the request to its log and sends ⟨PREPARE v, m, n, k⟩ to the other replicas."},
		[]inputFn{stateBefore, received, clientTableOf}, decideRequest},
	traces.ReceivePrepare: {Rule{"§4.1 step 4 (a view ahead: §4.1, §5.2)",
		"A backup processes PREPAREs in order: it accepts op-number n only once its log holds every earlier entry (doing state transfer to get them); then it increments op-number, appends the entry and sends ⟨PREPAREOK v, n, i⟩ to the primary. A PREPARE of a later view starts state transfer."},
		[]inputFn{stateBefore, received}, decidePrepare},
	traces.ReceivePrepareOk: {Rule{"§4.1 step 5",
		"The primary waits for f PREPAREOKs from different backups; then the operation and all earlier ones are committed: it executes them in order, advances commit-number and sends ⟨REPLY v, s, x⟩ to each client."},
		[]inputFn{stateBefore, received, prepareOks}, decidePrepareOk},
	traces.ReceiveCommit: {Rule{"§4.1 step 7 (a view ahead: §4.1, §5.2)",
		"A backup that learns of a commit waits until it has the entry in its log (state transfer if needed), executes up to it and advances commit-number; it sends no reply."},
		[]inputFn{stateBefore, received}, decideCommit},
	traces.SendCommit: {Rule{"§4.1 step 6",
		"If the primary has no new request to send in a timely way, it informs the backups of the latest commit with ⟨COMMIT v, k⟩."},
		[]inputFn{stateBefore}, nil},
	traces.ResendPrepare: {Rule{"§4.1 (messages can be lost; traces/README.md: ResendPrepare)",
		"The normal primary re-sends the PREPARE of an uncommitted op-number, with the entry its log holds there, to the other replicas."},
		[]inputFn{stateBefore, resentEntry}, nil},
	traces.SendPrepare: {Rule{"§6.1 (batching)",
		"With batching the primary appends each new request but runs the protocol for a batch: when B requests are gathered (ReceiveRequest) or they have waited long enough, it sends one ⟨PREPARE v, m, n, k⟩ whose log carries the batch's entries before op-number n."},
		[]inputFn{stateBefore}, nil},

	traces.ReceiveRead: {Rule{"§6.2 (reads at backups)",
		"A replica answers a read from its committed state once it has executed up to the op-number the client last saw (the READ's commit-number): a normal replica that has reached it sends ⟨REPLY v, s, x⟩ with its commit-number at once; one behind parks the READ (its client's latest) until it has."},
		[]inputFn{stateBefore, received, parkedReads}, decideRead},
	traces.ReplyRead: {Rule{"§6.2 (reads at backups)",
		"A normal replica whose commit-number has reached that of READs it parked answers them, in the order it parked them, from its committed state."},
		[]inputFn{stateBefore, parkedReads}, nil},
	traces.ClientRead: {Rule{"§6.2 (reads at backups), §4 (clients)",
		"A client with no outstanding request may send a get as ⟨READ c, s, key, k⟩ to a replica (a backup), k the largest commit-number of any REPLY it received, with the next request-number s."},
		[]inputFn{clientBefore}, decideClientRead},
	traces.TakeCheckpoint: {Rule{"§5.1 (checkpoints)",
		"Every K committed operations a replica checkpoints its service state and client-table at its commit-number, and may discard the log entries up to the checkpoint."},
		[]inputFn{stateBefore}, nil},

	traces.TimeoutStartViewChange: {Rule{viewChangeSec + " step 1",
		"A replica that notices the need for a view change (a backup whose primary is silent, or a replica whose view change stalls) advances its view-number, sets its status to view-change, and sends ⟨STARTVIEWCHANGE v, i⟩ to all other replicas."},
		[]inputFn{stateBefore}, decideTimeoutStartViewChange},
	traces.ReceiveStartViewChange: {Rule{viewChangeSec + " steps 1-2 (and 3 at the new primary)",
		"A STARTVIEWCHANGE for a later view starts that view change. When a replica has STARTVIEWCHANGEs for its view-number from f other replicas, it sends ⟨DOVIEWCHANGE v, l, v', n, k, i⟩ (v' its last-normal-view) to the view's primary."},
		[]inputFn{stateBefore, received, startViewChanges, doViewChanges}, decideStartViewChange},
	traces.ReceiveDoViewChange: {Rule{viewChangeSec + " step 3",
		"When the new primary has f+1 DOVIEWCHANGEs from different replicas (its own included), it selects as the new log the one in the message with the largest v' (last-normal-view); if several have the same v', the one among them with the largest n (op-number). op-number := the new log's length, commit-number := the largest k received, status normal; it sends ⟨STARTVIEW v, l, n, k⟩ to the other replicas."},
		[]inputFn{stateBefore, received, doViewChanges}, decideDoViewChange},
	traces.ReceiveStartView: {Rule{viewChangeSec + " step 5",
		"A replica that receives the STARTVIEW of a later view, or of its view while in view-change, replaces its log with the message's, sets op-number, view-number and status normal; if the log has uncommitted operations it sends ⟨PREPAREOK v, n, i⟩ to the primary, then executes what is committed."},
		[]inputFn{stateBefore, received}, decideStartView},
	traces.ResendStartViewChange: {Rule{viewChangeSec + " (messages can be lost; traces/README.md: ResendStartViewChange)",
		"A replica in view-change re-sends its STARTVIEWCHANGE to all other replicas."},
		[]inputFn{stateBefore, startViewChanges}, nil},
	traces.ResendDoViewChange: {Rule{viewChangeSec + " step 2 (messages can be lost; traces/README.md: ResendDoViewChange)",
		"A backup in view-change with STARTVIEWCHANGEs from f others re-sends its DOVIEWCHANGE (its current log, last-normal-view, op-number and commit-number) to the view's primary."},
		[]inputFn{stateBefore, startViewChanges}, nil},
	traces.ResendStartView: {Rule{viewChangeSec + " step 5 (messages can be lost; traces/README.md: ResendStartView)",
		"The normal primary of a view after 0 re-sends STARTVIEW with its current log, op-number and commit-number to another replica."},
		[]inputFn{stateBefore}, nil},

	traces.Crash: {Rule{recoverySec,
		"A replica that crashes loses its state: it restarts with an empty log, status recovering and a fresh nonce."},
		[]inputFn{stateBefore}, nil},
	traces.StartRecovery: {Rule{recoverySec + " step 1",
		"The recovering replica i sends ⟨RECOVERY i, x⟩ to all other replicas, x its nonce."},
		[]inputFn{stateBefore}, nil},
	traces.ReceiveRecovery: {Rule{recoverySec + " step 2",
		"A replica answers a RECOVERY only when its status is normal: ⟨RECOVERYRESPONSE v, x, l, n, k, j⟩, with its log, op-number and commit-number only if it is the primary of its view."},
		[]inputFn{stateBefore, received}, decideRecovery},
	traces.ReceiveRecoveryResponse: {Rule{recoverySec + " step 3",
		"The recovering replica waits for f+1 RECOVERYRESPONSEs from different replicas with its nonce, including one from the primary of the latest view they name; then it takes its state from that primary's response and becomes normal."},
		[]inputFn{stateBefore, received, recoveryResponses}, decideRecoveryResponse},
	traces.ReceiveGetState: {Rule{stateXferSec,
		"A replica answers ⟨GETSTATE v, n', i⟩ only if its status is normal and it is in view v: ⟨NEWSTATE v, l, n, k⟩ with its log after n', its op-number and commit-number."},
		[]inputFn{stateBefore, received}, decideGetState},
	traces.ReceiveNewState: {Rule{stateXferSec + " (the safe variant: traces/README.md)",
		"The replica appends the NEWSTATE's entries to its log after n' and takes the message's op-number, view-number and commit-number; it never drops an entry that may be committed (n' is at most its commit-number when the view is later)."},
		[]inputFn{stateBefore, received}, decideNewState},

	traces.ClientReconfiguration: {Rule{reconfigSec + ".1",
		"An administrator (a client) asks for a new configuration with ⟨RECONFIGURATION e, c, s, new-config⟩, e the epoch it knows, s its next request-number, sent to the primary of the latest view it knows."},
		[]inputFn{clientBefore}, nil},
	traces.ClientReceiveNewEpoch: {Rule{reconfigSec + ".2 (clients)",
		"A replica of a later epoch answers a client with ⟨NEWEPOCH e, v, new-config⟩: the client moves to that epoch, view and configuration and sends its outstanding request to the new primary; an outstanding RECONFIGURATION is over."},
		[]inputFn{received, clientBefore}, nil},
	traces.ReceiveReconfiguration: {Rule{reconfigSec + ".1",
		"The primary of epoch e accepts ⟨RECONFIGURATION e, c, s, new-config⟩ if s is newer than the client-table's, new-config has at least 3 replicas and no RECONFIGURATION is at the top of its log; it appends it (no up-call on execution) and sends PREPARE; afterwards it accepts no other request."},
		[]inputFn{stateBefore, received, clientTableOf}, nil},
	traces.ReceiveStartEpoch: {Rule{reconfigSec + ".2",
		"A replica of the new group that learns of epoch e+1 by ⟨STARTEPOCH e+1, n, old-config, new-config⟩ records the epoch and both configurations, sets view 0 and status transitioning, and fetches what it lacks up to n by state transfer; one of the old group holding the RECONFIGURATION at n takes it as committed; a normal replica of the epoch answers a duplicate with EPOCHSTARTED."},
		[]inputFn{stateBefore, received}, nil},
	traces.ReceiveEpochStarted: {Rule{reconfigSec + ".2",
		"A replica being replaced records ⟨EPOCHSTARTED e+1, i⟩ from new replicas and shuts down once f'+1 of them (f' the new group's threshold) have said they are up to date."},
		[]inputFn{stateBefore, received}, nil},
	traces.TimeoutStartEpoch: {Rule{reconfigSec + ".2",
		"A transitioning replica that waited too long: one being replaced re-sends STARTEPOCH to the new replicas it has no EPOCHSTARTED from; a new one asks again for the state it lacks."},
		[]inputFn{stateBefore}, nil},
	traces.ResendStartEpoch: {Rule{reconfigSec + ".2 (messages can be lost; traces/README.md: ResendStartEpoch)",
		"The normal primary of an epoch after 0 re-sends STARTEPOCH to another replica of its configuration, so that a new replica whose STARTEPOCH was lost joins."},
		[]inputFn{stateBefore}, nil},

	traces.DropMessage: {Rule{"§2 (the network)",
		"The network may lose, delay, duplicate and reorder messages: only a message in flight, exactly as sent, can be lost."},
		[]inputFn{received}, nil},
	traces.DuplicateMessage: {Rule{"§2 (the network)",
		"The network may lose, delay, duplicate and reorder messages: only a message in flight, exactly as sent, can be duplicated."},
		[]inputFn{received}, nil},
}

// fieldRules decide a difference in a field every action shares, whatever the action.
var fieldRules = []struct {
	prefix string
	Rule
}{
	{"tick", Rule{"traces/README.md (events)", "Ticks never decrease from one line to the next."}},
	{"msg", Rule{"§2 (the network)", "A message is received only while it is in flight, exactly as it was sent, by the node it was sent to."}},
	{"nonce", Rule{recoverySec, "A crashed replica recovers with a fresh nonce, not one it used before."}},
}

// ruleFor returns the rule that decides mismatch m: a shared field's when the first
// difference is in one, else the action's.
func ruleFor(m *Mismatch) (actionRule, bool) {
	ar, ok := rules[m.Action]
	if len(m.Diffs) > 0 {
		f := m.Diffs[0].Field
		for _, fr := range fieldRules {
			if f == fr.prefix || strings.HasPrefix(f, fr.prefix+".") {
				if fr.prefix == "nonce" && m.Action != traces.Crash {
					continue
				}
				return actionRule{Rule: fr.Rule, inputs: ar.inputs}, true
			}
		}
	}
	return ar, ok
}

// explain fills in the current mismatch's rule, inputs and decision. It runs before the
// checker adopts the trace's post-state.
func (c *Checker) explain(r *replica, cl *client) {
	m := c.curMismatch
	if m == nil || c.opts.SkipStepValidation || len(c.mismatches) >= c.opts.MaxMismatches {
		return
	}
	x := &explainCtx{c: c, e: c.cur, r: r, cl: cl}
	ar, ok := ruleFor(m)
	if ok {
		m.Rule = ar.Rule
	}
	for _, f := range ar.inputs {
		if in, ok := f(x); ok {
			m.Inputs = append(m.Inputs, in)
		}
	}
	if ar.decide != nil && m.Rule.Text == rules[m.Action].Text {
		m.Decision = ar.decide(x)
	}
	if c.gated != "" && m.Rule.Text == rules[m.Action].Text { // the epoch check decided the step (epoch.go)
		m.Decision = c.gated
	}
	name := c.name
	if name == "" || name == "-" {
		name = "TRACE"
	}
	m.Timeline = fmt.Sprintf("vrcheck timeline %s --mark %d --out %s", ShellQuote(name), m.Line, ShellQuote(strings.TrimSuffix(name, ".ndjson")+".html"))
}

// ShellQuote quotes s for a POSIX shell when it needs it, so a printed command runs as printed.
func ShellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:+,@%", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// Inputs.

func stateBefore(x *explainCtx) (Input, bool) {
	if x.r == nil {
		return Input{}, false
	}
	r := x.r
	return Input{What: fmt.Sprintf("replica %d before the step", r.id), Items: []string{x.c.describeFull(r)}}, true
}

func (c *Checker) describeFull(r *replica) string {
	role := "backup"
	if c.primary(r.view) == r.id {
		role = "primary"
	}
	return fmt.Sprintf("status %s, view-number %d (%s of it), op-number %d, commit-number %d, last-normal-view %d, log of %s",
		r.status, r.view, role, r.opNumber, r.commit, r.lastNormalView, entries(r.log.len()))
}

func received(x *explainCtx) (Input, bool) {
	m := x.e.Msg
	if m == nil {
		return Input{}, false
	}
	what := "the message received"
	if traces.Actions[x.e.Action] == traces.NetworkAction {
		what = "the message"
	}
	return Input{What: what, Items: []string{msgStr(m)}}, true
}

func clientBefore(x *explainCtx) (Input, bool) {
	if x.cl == nil {
		return Input{}, false
	}
	cl := x.cl
	s := fmt.Sprintf("view %d (sends to replica %d), request-number %d, ", cl.view, x.c.primary(cl.view), cl.requestNumber)
	if cl.pending {
		s += fmt.Sprintf("request %d outstanding", cl.requestNumber)
	} else {
		s += "no request outstanding"
	}
	return Input{What: fmt.Sprintf("client %d before the step", x.e.Client), Items: []string{s}}, true
}

func clientTableOf(x *explainCtx) (Input, bool) {
	m := x.e.Msg
	if x.r == nil || m == nil {
		return Input{}, false
	}
	rn, pos := x.r.clientTable(m.Client)
	s := fmt.Sprintf("client %d: no request in the log", m.Client)
	if pos > 0 {
		s = fmt.Sprintf("client %d: request-number %d at op-number %d, %s", m.Client, rn, pos, executedStr(x.r, pos))
	}
	return Input{What: fmt.Sprintf("replica %d's client-table", x.r.id), Items: []string{s}}, true
}

func executedStr(r *replica, pos int) string {
	if res, ok := r.result(pos); ok {
		return fmt.Sprintf("executed (result %q)", res)
	}
	return "not yet executed"
}

func prepareOks(x *explainCtx) (Input, bool) {
	r := x.r
	if r == nil {
		return Input{}, false
	}
	var items []string
	for j, n := range r.prepOK {
		if j != r.id && n >= 0 {
			items = append(items, fmt.Sprintf("replica %d: log up to op-number %d", j, n))
		}
	}
	if len(items) == 0 {
		items = []string{"none"}
	}
	return Input{What: fmt.Sprintf("PREPAREOKs recorded for view %d (this one included; f = %d needed)", r.view, x.c.f), Items: items}, true
}

func startViewChanges(x *explainCtx) (Input, bool) {
	r := x.r
	if r == nil || r.status == traces.StatusRecovering {
		return Input{}, false
	}
	var from []string
	for j, b := range r.svcFrom {
		if b {
			from = append(from, fmt.Sprint(j))
		}
	}
	s := "none"
	if len(from) > 0 {
		s = "from replicas " + strings.Join(from, ", ")
	}
	return Input{What: fmt.Sprintf("STARTVIEWCHANGEs recorded for view %d after the step (f = %d needed)", x.weighedViewOr(), x.c.f), Items: []string{s}}, true
}

// doViewChanges lists the DOVIEWCHANGEs the replica weighed: the quorum it started the view
// with, or those recorded so far.
func doViewChanges(x *explainCtx) (Input, bool) {
	r := x.r
	if r == nil {
		return Input{}, false
	}
	dvc, line, best := r.dvc, r.dvcLine, -1
	if w := &x.c.weighed; w.valid {
		dvc, line, best = w.dvc, w.line, w.best
	}
	traceLog := x.traceLog()
	var items []string
	for j, d := range dvc {
		if d == nil {
			continue
		}
		s := fmt.Sprintf("replica %d: last-normal-view %d, op-number %d, commit-number %d, log of %s", j, d.LastNormalView, d.OpNumber, d.CommitNumber, entries(len(d.Log)))
		switch {
		case j == r.id:
			s += fmt.Sprintf(" (its own, line %d)", line[j])
		case line[j] == x.c.curLine:
			s += " (this message)"
		default:
			s += fmt.Sprintf(" (received at line %d)", line[j])
		}
		var marks []string
		if j == best {
			marks = append(marks, "the spec's choice")
		}
		if best >= 0 && sameLog(d.Log, traceLog) && (j != best || !sameLog(dvc[best].Log, traceLog)) {
			marks = append(marks, "the trace's log")
		}
		if len(marks) > 0 {
			s += "  <- " + strings.Join(marks, ", ")
		}
		items = append(items, s)
	}
	if len(items) == 0 {
		if x.e.Action == traces.ReceiveStartViewChange {
			return Input{}, false
		}
		items = []string{"none"}
	}
	what := fmt.Sprintf("DOVIEWCHANGEs recorded for view %d (f+1 = %d needed)", x.weighedViewOr(), x.c.f+1)
	if best >= 0 {
		what = fmt.Sprintf("DOVIEWCHANGEs weighed for view %d (f+1 = %d needed, this one included)", x.c.weighedView(x), x.c.f+1)
	}
	return Input{What: what, Items: items}, true
}

// weighedView is the view the current step started: the message's view.
func (c *Checker) weighedView(x *explainCtx) int {
	if x.e.Msg != nil {
		return x.e.Msg.View
	}
	return x.r.view
}

func recoveryResponses(x *explainCtx) (Input, bool) {
	r := x.r
	if r == nil || r.status != traces.StatusRecovering {
		return Input{}, false
	}
	var items []string
	for j, m := range r.recResp {
		if m != nil {
			items = append(items, fmt.Sprintf("replica %d: view %d (its primary: replica %d), op-number %d, commit-number %d, log of %s (line %d)",
				j, m.View, x.c.primary(m.View), m.OpNumber, m.CommitNumber, entries(len(m.Log)), r.recLine[j]))
		}
	}
	if len(items) == 0 {
		items = []string{"none"}
	}
	return Input{What: fmt.Sprintf("RECOVERYRESPONSEs recorded with nonce %d (f+1 = %d needed)", r.nonce, x.c.f+1), Items: items}, true
}

// traceLog is the replica's log after the step, as the trace has it.
func (x *explainCtx) traceLog() []traces.Entry {
	st := x.e.State
	if x.r == nil || st == nil {
		return nil
	}
	k := min(st.LogKeep, x.r.log.len())
	return append(x.r.log.slice(0, k), st.LogAdd...)
}

func sameLog(a, b []traces.Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// resentEntry is the log's entry at the op-number a ResendPrepare names.
func resentEntry(x *explainCtx) (Input, bool) {
	if x.r == nil || len(x.e.Sent) == 0 {
		return Input{}, false
	}
	n := x.e.Sent[0].OpNumber
	s := fmt.Sprintf("op-number %d: beyond the log", n)
	if n >= 1 && n <= x.r.log.len() {
		s = fmt.Sprintf("op-number %d: %s", n, entryStr(x.r.log.at(n-1)))
	}
	return Input{What: fmt.Sprintf("replica %d's log at the op-number resent", x.r.id), Items: []string{s}}, true
}

// Decisions. Each restates the spec's case for the inputs above, from the state before.

func decideRequest(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	if !x.c.isNormalPrimary(r, &r.scalars) {
		return fmt.Sprintf("replica %d is not the normal primary of its view (%s), so the spec drops the REQUEST: no entry, nothing sent", r.id, r.status)
	}
	rn, pos := r.clientTable(m.Client)
	switch {
	case m.RequestNumber > rn && x.c.isLeaseRead(r, m):
		return x.c.explainLeaseRead(r, m)
	case m.RequestNumber > rn:
		s := fmt.Sprintf("request-number %d is bigger than the client-table's %d: a new request, so the spec appends it at op-number %d and sends PREPARE to the %d other replicas",
			m.RequestNumber, rn, r.opNumber+1, x.c.n-1)
		for i := range x.e.Sent {
			if rp := &x.e.Sent[i]; rp.Type == traces.Reply && rp.Client == m.Client && rp.RequestNumber == m.RequestNumber {
				s += "; the trace also sends the REPLY at once, before the request is committed (§4.1 step 5: only after f PREPAREOKs)"
				break
			}
		}
		return s
	case m.RequestNumber == rn && pos <= r.commit:
		return fmt.Sprintf("request %d of client %d is the client's most recent, already at op-number %d and executed: the spec appends nothing and re-sends its REPLY",
			m.RequestNumber, m.Client, pos) + x.appendedAgain(pos)
	case m.RequestNumber == rn:
		return fmt.Sprintf("request %d of client %d is already in the log at op-number %d, not yet executed: the spec drops it (no new entry, no reply yet)",
			m.RequestNumber, m.Client, pos) + x.appendedAgain(pos)
	}
	return fmt.Sprintf("request-number %d is below the client-table's %d: an old request, which the spec drops", m.RequestNumber, rn) + x.appendedAgain(pos)
}

// appendedAgain says that the trace appended the request the spec drops, if it did: the
// request, already at op-number pos, would then be executed twice.
func (x *explainCtx) appendedAgain(pos int) string {
	st, m := x.e.State, x.e.Msg
	if st.OpNumber <= x.r.opNumber {
		return ""
	}
	return fmt.Sprintf("; the trace appends it again at op-number %d, so request %d of client %d (op-number %d) would be executed a second time",
		st.OpNumber, m.RequestNumber, m.Client, pos)
}

// traceAppends says what the trace did where the spec appends nothing.
func (x *explainCtx) traceAppends() string {
	if st := x.e.State; st.OpNumber > x.r.opNumber {
		return fmt.Sprintf("; the trace appends up to op-number %d", st.OpNumber)
	}
	return ""
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

func decidePrepare(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	s := &r.scalars
	switch {
	case m.View > s.view && (s.status == traces.StatusNormal || s.status == traces.StatusViewChange):
		return fmt.Sprintf("the PREPARE is of view %d, later than the replica's %d: the spec starts state transfer (GETSTATE for view %d from its commit-number %d) and changes nothing else",
			m.View, s.view, m.View, s.commit)
	case s.status != traces.StatusNormal:
		return fmt.Sprintf("the replica is %s: the spec ignores a PREPARE of view %d", s.status, m.View)
	case x.c.primary(s.view) == r.id:
		return "the replica is the primary of its view: the spec ignores a PREPARE"
	case m.View != s.view:
		return fmt.Sprintf("the PREPARE is of an earlier view (%d < %d): the spec ignores it", m.View, s.view)
	case m.OpNumber == s.opNumber+1:
		return fmt.Sprintf("op-number %d is the next one (the backup's is %d): the spec appends the entry, sends PREPAREOK for %d and commits to min(%d, %d)",
			m.OpNumber, s.opNumber, m.OpNumber, m.CommitNumber, m.OpNumber)
	case m.OpNumber <= s.opNumber:
		return fmt.Sprintf("op-number %d is already in the backup's log (op-number %d): a repeat, so the spec appends nothing and sends PREPAREOK for %d again",
			m.OpNumber, s.opNumber, s.opNumber)
	}
	return fmt.Sprintf("op-number %d leaves a gap after the backup's op-number %d: the spec appends nothing and asks for the missing entries (GETSTATE from op-number %d)",
		m.OpNumber, s.opNumber, s.opNumber) + x.traceAppends()
}

func decideCommit(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	s := &r.scalars
	switch {
	case m.View > s.view && (s.status == traces.StatusNormal || s.status == traces.StatusViewChange):
		return fmt.Sprintf("the COMMIT is of view %d, later than the replica's %d: the spec starts state transfer and changes nothing else", m.View, s.view)
	case s.status != traces.StatusNormal || x.c.primary(s.view) == r.id || m.View != s.view:
		return "the replica is not a normal backup of the COMMIT's view: the spec ignores it"
	case m.CommitNumber > s.opNumber:
		return fmt.Sprintf("commit-number %d is beyond the backup's log (op-number %d): the spec commits to %d and asks for the rest (GETSTATE)", m.CommitNumber, s.opNumber, s.opNumber)
	}
	return fmt.Sprintf("the spec commits to max(%d, %d) = %d", s.commit, m.CommitNumber, max(s.commit, m.CommitNumber))
}

func decidePrepareOk(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	s := &r.scalars
	if !x.c.isNormalPrimary(r, s) || m.View != s.view {
		return "the replica is not the normal primary of the PREPAREOK's view: the spec ignores it"
	}
	n := min(x.c.fthLargestPrepareOk(r), s.opNumber)
	if n <= s.commit {
		return fmt.Sprintf("no op-number above commit-number %d has PREPAREOKs from f = %d backups: the spec commits nothing and sends no REPLY", s.commit, x.c.f)
	}
	return fmt.Sprintf("op-numbers up to %d have PREPAREOKs from f = %d backups: the spec commits %d..%d and sends their REPLYs", n, x.c.f, s.commit+1, n)
}

func decideStartViewChange(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	s := &r.scalars
	if s.status == traces.StatusRecovering {
		return "the replica is recovering: it takes no part in view changes, so the spec ignores the STARTVIEWCHANGE"
	}
	if x.c.weighed.valid {
		return decideDoViewChange(x)
	}
	if m.View < s.view {
		return fmt.Sprintf("the STARTVIEWCHANGE is of an earlier view (%d < %d): the spec ignores it", m.View, s.view)
	}
	if m.View == s.view && s.status != traces.StatusViewChange {
		return fmt.Sprintf("the replica is already %s in view %d: the spec ignores the STARTVIEWCHANGE", s.status, s.view)
	}
	if m.View > s.view && x.c.promised(r) {
		return x.c.explainPromise(r, "STARTVIEWCHANGE")
	}
	// r.svcFrom is the bookkeeping after the action: this sender included.
	count := 0
	for _, b := range r.svcFrom {
		if b {
			count++
		}
	}
	v := m.View
	enter := ""
	if m.View > s.view {
		enter = fmt.Sprintf("view %d is later than the replica's %d, so the spec enters it (status view-change, STARTVIEWCHANGE to all); ", v, s.view)
	}
	switch {
	case count == x.c.f && x.c.primary(v) == r.id:
		return enter + fmt.Sprintf("with this one it has STARTVIEWCHANGEs from f = %d other replicas for view %d, whose primary it is: the spec records its own DOVIEWCHANGE (last-normal-view %d, op-number %d) and starts the view once f+1 = %d are recorded",
			x.c.f, v, s.lastNormalView, s.opNumber, x.c.f+1)
	case count == x.c.f:
		return enter + fmt.Sprintf("with this one it has STARTVIEWCHANGEs from f = %d other replicas for view %d: the spec sends DOVIEWCHANGE (last-normal-view %d, op-number %d) to replica %d, the view's primary",
			x.c.f, v, s.lastNormalView, s.opNumber, x.c.primary(v))
	case count < x.c.f:
		return enter + fmt.Sprintf("it has STARTVIEWCHANGEs from %d other replicas for view %d, fewer than f = %d: the spec sends no DOVIEWCHANGE yet", count, v, x.c.f)
	}
	return enter + fmt.Sprintf("it had STARTVIEWCHANGEs from f = %d other replicas for view %d already: its DOVIEWCHANGE is sent, the spec sends nothing more", x.c.f, v)
}

func decideDoViewChange(x *explainCtx) string {
	w := &x.c.weighed
	r := x.r
	if m := x.e.Msg; m != nil && x.e.Action == traces.ReceiveDoViewChange && m.View > r.view && x.c.promised(r) {
		return x.c.explainPromise(r, "DOVIEWCHANGE")
	}
	if !w.valid {
		n := 0
		for _, d := range r.dvc {
			if d != nil {
				n++
			}
		}
		if r.status == traces.StatusRecovering {
			return "the replica is recovering: the spec ignores the DOVIEWCHANGE"
		}
		if x.c.primary(x.weighedViewOr()) != r.id {
			return fmt.Sprintf("replica %d is not the primary of view %d: the spec records nothing and does not start the view", r.id, x.weighedViewOr())
		}
		return fmt.Sprintf("%d DOVIEWCHANGEs are recorded, fewer than f+1 = %d: the spec waits and does not start the view", n, x.c.f+1)
	}
	best := w.dvc[w.best]
	maxLNV, ties := -1, 0
	for _, d := range w.dvc {
		if d != nil && d.LastNormalView > maxLNV {
			maxLNV = d.LastNormalView
		}
	}
	for _, d := range w.dvc {
		if d != nil && d.LastNormalView == maxLNV {
			ties++
		}
	}
	why := fmt.Sprintf("the largest last-normal-view, %d", maxLNV)
	if ties > 1 {
		why = fmt.Sprintf("among the %d with the largest last-normal-view %d, the largest op-number", ties, maxLNV)
		same := 0
		for _, d := range w.dvc {
			if d != nil && d.LastNormalView == maxLNV && d.OpNumber == best.OpNumber {
				same++
			}
		}
		if same > 1 {
			why += fmt.Sprintf(" (%d), then the lowest replica id", best.OpNumber)
		}
	}
	s := fmt.Sprintf("the spec starts view %d with the log of replica %d's DOVIEWCHANGE (%s): last-normal-view %d, op-number %d",
		x.c.weighedView(x), w.best, why, best.LastNormalView, best.OpNumber)
	tl := x.traceLog()
	if sameLog(best.Log, tl) {
		return s
	}
	for j, d := range w.dvc {
		if d != nil && j != w.best && sameLog(d.Log, tl) {
			how := "another DOVIEWCHANGE's log"
			switch {
			case d.LastNormalView < maxLNV && isLargestOp(w.dvc, d):
				how = "the largest op-number, though its last-normal-view is not the largest"
			case d.LastNormalView < maxLNV:
				how = fmt.Sprintf("a last-normal-view below the largest (%d)", maxLNV)
			}
			return s + fmt.Sprintf("; the trace took replica %d's log instead (last-normal-view %d, op-number %d: %s)", j, d.LastNormalView, d.OpNumber, how)
		}
	}
	return s + fmt.Sprintf("; the trace's log (%s) is none of the DOVIEWCHANGEs' logs", entries(len(tl)))
}

func (x *explainCtx) weighedViewOr() int {
	if x.e.Msg != nil && x.e.Msg.View > x.r.view {
		return x.e.Msg.View
	}
	return x.r.view
}

func isLargestOp(dvc []*traces.Message, d *traces.Message) bool {
	for _, o := range dvc {
		if o != nil && o.OpNumber > d.OpNumber {
			return false
		}
	}
	return true
}

func decideStartView(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	s := &r.scalars
	switch {
	case s.status == traces.StatusRecovering:
		return "the replica is recovering: the spec ignores the STARTVIEW"
	case m.View > s.view || m.View == s.view && s.status == traces.StatusViewChange:
		st := fmt.Sprintf("the spec adopts the STARTVIEW of view %d: log of %s, op-number %d, commit-number max(%d, %d) = %d",
			m.View, entries(len(m.Log)), m.OpNumber, s.commit, m.CommitNumber, max(s.commit, m.CommitNumber))
		if m.OpNumber > max(s.commit, m.CommitNumber) {
			return st + fmt.Sprintf(", and sends PREPAREOK for op-number %d to replica %d (the log has uncommitted entries)", m.OpNumber, x.c.primary(m.View))
		}
		return st + ", and sends nothing (every entry is committed)"
	}
	return fmt.Sprintf("the replica is %s in view %d: the spec ignores a STARTVIEW of view %d", s.status, s.view, m.View)
}

func decideRecovery(x *explainCtx) string {
	r := x.r
	if r.status != traces.StatusNormal {
		return fmt.Sprintf("the replica's status is %s, not normal: the spec sends no RECOVERYRESPONSE", r.status)
	}
	if x.c.primary(r.view) == r.id {
		return fmt.Sprintf("the replica is the normal primary of view %d: the spec answers with its log (%s), op-number %d and commit-number %d", r.view, entries(r.log.len()), r.opNumber, r.commit)
	}
	return fmt.Sprintf("the replica is a normal backup of view %d: the spec answers with its view-number only (log [], op-number 0, commit-number 0)", r.view)
}

func decideRecoveryResponse(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	if r.status != traces.StatusRecovering || m.Nonce != r.nonce {
		return fmt.Sprintf("the replica is %s with nonce %d; the response has nonce %d: the spec ignores it", r.status, r.nonce, m.Nonce)
	}
	count, v := 0, -1
	for j, o := range r.recResp {
		if j == m.Replica {
			o = m
		}
		if o != nil {
			count++
			v = max(v, o.View)
		}
	}
	if count < x.c.f+1 {
		return fmt.Sprintf("with this one %d responses are recorded, fewer than f+1 = %d: the spec keeps recovering", count, x.c.f+1)
	}
	p := r.recResp[x.c.primary(v)]
	if x.c.primary(v) == m.Replica {
		p = m
	}
	if p == nil || p.View != v {
		return fmt.Sprintf("%d responses are recorded, but none from replica %d, the primary of the latest view %d, for that view: the spec keeps recovering", count, x.c.primary(v), v)
	}
	return fmt.Sprintf("%d responses are recorded, among them replica %d's, the primary of the latest view %d: the spec takes its log (%s), op-number %d and commit-number %d, status normal",
		count, x.c.primary(v), v, entries(len(p.Log)), p.OpNumber, p.CommitNumber)
}

func decideGetState(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	if r.status == traces.StatusNormal && m.View == r.view && m.OpNumber <= r.opNumber {
		return fmt.Sprintf("the replica is normal in view %d with op-number %d >= %d: the spec sends NEWSTATE with its entries %d..%d", r.view, r.opNumber, m.OpNumber, m.OpNumber+1, r.opNumber)
	}
	return fmt.Sprintf("the replica is %s in view %d with op-number %d; the GETSTATE asks for view %d after op-number %d: the spec does not answer", r.status, r.view, r.opNumber, m.View, m.OpNumber)
}

func decideNewState(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	s := &r.scalars
	ok := s.status != traces.StatusRecovering && m.FromOpNumber <= s.opNumber &&
		(m.View == s.view && s.status == traces.StatusNormal && m.OpNumber > s.opNumber ||
			m.View > s.view && m.FromOpNumber <= s.commit)
	if ok {
		return fmt.Sprintf("the spec keeps the first %d entries, appends the message's %d, and takes op-number %d, view %d, commit-number max(%d, %d)",
			m.FromOpNumber, len(m.Log), m.OpNumber, m.View, s.commit, m.CommitNumber)
	}
	return fmt.Sprintf("the replica is %s in view %d with op-number %d and commit-number %d; the NEWSTATE is of view %d from op-number %d: the spec ignores it (it would drop entries or go back)",
		s.status, s.view, s.opNumber, s.commit, m.View, m.FromOpNumber)
}

func decideClientRequest(x *explainCtx) string {
	cl := x.cl
	if cl.pending {
		return fmt.Sprintf("request %d is still outstanding: the spec lets the client send no new request", cl.requestNumber)
	}
	return fmt.Sprintf("no request is outstanding: the spec's client sends request %d to replica %d, the primary of view %d, and waits for it",
		cl.requestNumber+1, x.c.primary(cl.view), cl.view)
}

func decideClientRead(x *explainCtx) string {
	cl := x.cl
	if cl.pending {
		return fmt.Sprintf("request %d is still outstanding: the spec lets the client send no new request", cl.requestNumber)
	}
	return fmt.Sprintf("no request is outstanding: the spec's client sends READ %d with its commit-number %d to a replica of its configuration, and waits for it",
		cl.requestNumber+1, cl.commitNumber)
}

func decideRead(x *explainCtx) string {
	r, m := x.r, x.e.Msg
	switch {
	case r.status != traces.StatusNormal:
		return fmt.Sprintf("the replica is %s: the spec ignores the READ", r.status)
	case r.commit >= m.CommitNumber:
		return fmt.Sprintf("the replica's commit-number %d has reached the READ's %d: the spec answers at once with the value of %q as of %d", r.commit, m.CommitNumber, m.Key, r.commit)
	}
	return fmt.Sprintf("the replica's commit-number %d is below the READ's %d: the spec parks the READ and sends nothing", r.commit, m.CommitNumber)
}

// parkedReads lists the READs a replica has parked (reads at backups).
func parkedReads(x *explainCtx) (Input, bool) {
	if x.r == nil || !x.c.readsOn() {
		return Input{}, false
	}
	items := []string{}
	for _, p := range x.r.parked {
		items = append(items, fmt.Sprintf("client %d's read %d of %q, commit-number %d", p.Client, p.RequestNumber, p.Key, p.CommitNumber))
	}
	if len(items) == 0 {
		items = append(items, "none")
	}
	return Input{What: "READs parked after the spec's step", Items: items}, true
}

func decideClientTimeout(x *explainCtx) string {
	cl := x.cl
	if !cl.pending {
		return "no request is outstanding: the spec's client has nothing to re-send"
	}
	return fmt.Sprintf("request %d is outstanding: the spec's client re-sends the same REQUEST to all %d replicas", cl.requestNumber, x.c.n)
}

func decideClientReply(x *explainCtx) string {
	cl, m := x.cl, x.e.Msg
	if cl.pending && m.RequestNumber == cl.requestNumber {
		return fmt.Sprintf("the REPLY answers the outstanding request %d: the spec returns it (result %q) and the client's view becomes max(%d, %d) = %d",
			cl.requestNumber, m.Result, cl.view, m.View, max(cl.view, m.View))
	}
	return fmt.Sprintf("the REPLY is for request %d, but the outstanding one is %s: the spec's client ignores it", m.RequestNumber, outstanding(cl))
}

func outstanding(cl *client) string {
	if !cl.pending {
		return "none"
	}
	return fmt.Sprint(cl.requestNumber)
}

func decideTimeoutStartViewChange(x *explainCtx) string {
	r := x.r
	if x.c.promised(r) {
		return x.c.explainPromise(r, "")
	}
	if r.status == traces.StatusNormal && x.c.primary(r.view) != r.id || r.status == traces.StatusViewChange {
		return fmt.Sprintf("the replica is %s in view %d: the spec's timer moves it to view-number %d + 1 = %d, status view-change, and sends STARTVIEWCHANGE for view %d to the %d other replicas",
			r.status, r.view, r.view, r.view+1, r.view+1, x.c.n-1)
	}
	role := "the primary"
	if r.status == traces.StatusRecovering {
		role = "recovering"
	}
	return fmt.Sprintf("the replica is %s (status %s in view %d): the spec's view-change timer is not enabled", role, r.status, r.view)
}
