// Package checker replays a vrcheck trace (traces/README.md) against the actions of
// spec/VR.tla: it validates every step, checks VR.tla's invariants after every event, and
// checks the client history for linearizability (package lin). A failed step explains itself
// (explain.go: per action, the paper's rule and the inputs it weighed). It imports traces/
// only, so it checks traces from any implementation.
package checker

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/vrcheck/vrcheck/checker/lin"
	"github.com/vrcheck/vrcheck/traces"
)

// Options tune a check. The zero value is usable.
type Options struct {
	// LinTimeout bounds the linearizability check (0: DefaultLinTimeout). A timeout makes the
	// verdict Unknown, which is not a pass.
	LinTimeout time.Duration
	// SkipLinearizability leaves the history unchecked (the verdict is "skipped").
	SkipLinearizability bool
	// SkipStepValidation judges the trace by the invariants and linearizability alone: replay
	// follows the logged states as always, but mismatches are not reported (the verdict is
	// "skipped").
	SkipStepValidation bool
	// Visualize keeps what Report.WriteHTML needs for porcupine's visualization.
	Visualize bool
	// MaxMismatches caps the step mismatches listed in the report (0: DefaultMaxMismatches);
	// all are counted.
	MaxMismatches int
}

// Defaults for Options.
const (
	DefaultLinTimeout    = 10 * time.Second
	DefaultMaxMismatches = 10
	excerptLen           = 12
)

// Check reads a whole trace from r and checks it. An error means the input is not a readable
// trace (it names the file and line); every protocol problem is in the Report instead.
func Check(r io.Reader, name string, opts Options) (*Report, error) {
	// The checker never changes an event, so received messages may be the sent ones.
	rd, err := traces.NewParallelReader(r, name, runtime.GOMAXPROCS(0), traces.ShareMessages)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	c, err := New(rd.Header(), name, opts)
	if err != nil {
		return nil, err
	}
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		if err := c.Step(rd.Line(), e); err != nil {
			return nil, err
		}
	}
	return c.Finish(), nil
}

// Checker holds the spec's state while a trace is replayed into it one event at a time.
type Checker struct {
	h    *traces.Header
	name string
	opts Options
	// n, f and conf are the configuration of the step being replayed: of the replica's epoch
	// (its pre-state, or the new one once the step starts an epoch), or the client's; epoch
	// is the epoch-number the step's messages carry. primary(v) is conf[v mod n].
	n, f  int
	conf  []int
	epoch int
	u     int   // the replica universe: ids 0..u-1
	first []int // the first configuration, 0..replicas-1
	// epochs records each epoch's start (op-number) and configurations as the trace shows
	// them (OneConfigurationPerEpoch), epoch 0 from the initial state.
	epochs map[int]*epochInfo

	replicas []*replica
	clients  map[int]*client // created on first use: a header may declare 2^31-1 clients
	net      *network
	ghost    ghost
	// started records, per view, the line at which its primary started it (OnePrimaryPerView);
	// 0 for view 0, which Init starts, as in VR.tla.
	started     map[int]int
	hist        *lin.History
	events      int
	ops         int // client operations invoked
	lastTick    int
	lastLine    int
	exp         []traces.Message // scratch: the messages the current action must send
	scratch     [1]traces.Entry  // scratch: the entry the current action appends
	results     []string         // scratch for replica.preview
	whole       []traces.Entry   // the current replica event's log change, checkpoint filled in (compareReplica)
	verdicts    map[string]*Verdict
	mismatches  []Mismatch
	ring        [excerptLen]*traces.Event
	ringLine    [excerptLen]int
	excerpt     []ExcerptLine
	cur         *traces.Event
	curLine     int
	curMismatch *Mismatch
	weighed     weighed           // the DOVIEWCHANGEs the current step started a view with
	gated       string            // why the epoch check (epoch.go) decided the current step, if it did
	preCommit   int               // the current replica event's commit-number before it (checkpoint.go)
	answered    []*traces.Message // the READs the current ReplyRead answered (reads.go)
	// leaseReplies holds the ids of the REPLYs to lease reads (lease.go), which a client's
	// taking does not acknowledge a request in the log.
	leaseReplies map[int]bool
}

// client is a client's state in the spec.
type client struct {
	view, requestNumber int
	pending             bool
	epoch               int            // reconfiguration: the latest epoch it knows of
	config              []int          // and that epoch's configuration
	req                 traces.Message // the outstanding REQUEST or READ (for ClientTimeout)
	recent              recent
	// Reads outside the log (reads.go): the client's commit-number (its state: the largest
	// of any REPLY's), and what it has seen (that, and the op-number of each of its
	// writes), now and when it sent its outstanding READ.
	commitNumber, seen, readSeen int
}

// New returns a Checker for a trace with header h.
func New(h *traces.Header, name string, opts Options) (*Checker, error) {
	if h == nil {
		return nil, fmt.Errorf("%s:1: no header", name)
	}
	if h.F < 1 || h.Replicas != 2*h.F+1 || h.Clients < 0 {
		return nil, &traces.Error{File: name, Line: 1, Msg: fmt.Sprintf("header: replicas = %d, f = %d, clients = %d: want f >= 1, replicas = 2f+1, clients >= 0", h.Replicas, h.F, h.Clients)}
	}
	if h.Nodes() > MaxReplicas {
		return nil, &traces.Error{File: name, Line: 1, Msg: fmt.Sprintf("header: %d replicas; the checker supports at most %d", h.Nodes(), MaxReplicas)}
	}
	if opts.LinTimeout == 0 {
		opts.LinTimeout = DefaultLinTimeout
	}
	if opts.MaxMismatches == 0 {
		opts.MaxMismatches = DefaultMaxMismatches
	}
	c := &Checker{h: h, name: name, opts: opts, n: h.Replicas, f: h.F, u: h.Nodes(), net: newNetwork(),
		clients: map[int]*client{}, started: map[int]int{0: 0}, hist: lin.NewHistory(), verdicts: map[string]*Verdict{}, lastLine: 1}
	c.first = make([]int, h.Replicas)
	for i := range c.first {
		c.first[i] = i
	}
	c.conf = c.first
	c.epochs = map[int]*epochInfo{0: {config: c.first}}
	for i := 0; i < c.u; i++ {
		c.replicas = append(c.replicas, newReplica(i, c.first, c.u))
	}
	c.ghost.init()
	if c.leaseOn() {
		c.leaseReplies = map[int]bool{}
	}
	return c, nil
}

// MaxReplicas bounds N: per-replica bookkeeping is N x N.
const MaxReplicas = 1001

func (c *Checker) client(id int) *client {
	cl, ok := c.clients[id]
	if !ok {
		cl = &client{config: c.first}
		c.clients[id] = cl
	}
	return cl
}

// primary is the primary of view v in the step's configuration.
func (c *Checker) primary(v int) int { return c.conf[v%len(c.conf)] }

// primaryOf is the primary of view v in configuration conf.
func primaryOf(conf []int, v int) int { return conf[v%len(conf)] }

// setContext makes conf (of epoch e) the step's configuration.
func (c *Checker) setContext(e int, conf []int) {
	c.epoch, c.conf = e, conf
	c.n, c.f = len(conf), (len(conf)-1)/2
}

// Step replays one event, read from the given line. An error means the event cannot be
// replayed at all (bad input); a protocol violation is recorded for the report instead.
// The checker keeps pointers into e (messages in flight, recorded messages): e must not be
// changed afterwards, as traces.Reader never does.
func (c *Checker) Step(line int, e *traces.Event) error {
	kind, err := c.validShape(line, e)
	if err != nil {
		return err
	}
	c.events++
	c.cur, c.curLine, c.curMismatch = e, line, nil
	c.weighed.valid = false
	c.gated = ""
	c.ring[c.events%excerptLen], c.ringLine[c.events%excerptLen] = e, line
	if e.Tick < c.lastTick {
		c.diff("tick", fmt.Sprintf(">= %d (ticks never decrease)", c.lastTick), fmt.Sprint(e.Tick))
	}
	c.lastTick = e.Tick
	c.lastLine = line

	switch kind {
	case traces.ReplicaReceive, traces.ReplicaTimer:
		c.stepReplica(e)
	case traces.ClientAction:
		c.stepClient(e)
	case traces.NetworkAction:
		c.stepNetwork(e)
		c.explain(nil, nil)
	}
	c.finishMismatch()
	return nil
}

// validShape rejects events the reader would not produce, so replay never panics on an
// Event built by hand, and returns the event's kind of action.
func (c *Checker) validShape(line int, e *traces.Event) (traces.ActionKind, error) {
	bad := func(format string, a ...any) error {
		return &traces.Error{File: c.name, Line: line, Msg: fmt.Sprintf(format, a...)}
	}
	if e == nil {
		return 0, bad("no event")
	}
	kind := actionKind(e.Action)
	if kind == 0 {
		return 0, bad("unknown action %q", e.Action)
	}
	if e.Seq < 0 || e.Tick < 0 {
		return 0, bad("negative seq or tick")
	}
	checkMsg := func(m *traces.Message) error {
		known, hasEntry := msgShape(m.Type)
		if !known {
			return bad("%s: unknown message type %q", e.Action, m.Type)
		}
		fromClient, toClient := traces.FromClient(m.Type), traces.ToClient(m.Type)
		if m.From < 0 || (fromClient && m.From >= c.h.Clients) || (!fromClient && m.From >= c.u) {
			return bad("%s: message %d: from %d out of range", e.Action, m.ID, m.From)
		}
		if m.To < 0 || (toClient && m.To >= c.h.Clients) || (!toClient && m.To >= c.u) {
			return bad("%s: message %d: to %d out of range", e.Action, m.ID, m.To)
		}
		if m.ID <= 0 {
			return bad("%s: message id %d, want > 0", e.Action, m.ID)
		}
		if hasEntry && m.Entry == nil {
			return bad("%s: %s message %d has no entry", e.Action, m.Type, m.ID)
		}
		if m.View < 0 || m.OpNumber < 0 || m.CommitNumber < 0 || m.LastNormalView < 0 || m.FromOpNumber < 0 ||
			m.Replica < 0 || m.Nonce < 0 || m.Client < 0 || m.RequestNumber < 0 || m.Epoch < 0 {
			return bad("%s: message %d has a negative number", e.Action, m.ID)
		}
		for _, cf := range [][]int{m.Config, m.OldConfig} {
			if !validConfig(cf, c.u, true) {
				return bad("%s: message %d: configuration %v is not of increasing replica ids in 0..%d", e.Action, m.ID, cf, c.u-1)
			}
		}
		if (m.Type == traces.StartEpoch || m.Type == traces.NewEpoch || m.Type == traces.Reconfiguration) && len(m.Config) == 0 {
			return bad("%s: %s message %d has an empty configuration", e.Action, m.Type, m.ID)
		}
		return nil
	}
	switch kind {
	case traces.ReplicaReceive, traces.ReplicaTimer:
		if e.Replica < 0 || e.Replica >= c.u {
			return 0, bad("%s: replica %d out of range 0..%d", e.Action, e.Replica, c.u-1)
		}
		if e.State == nil {
			return 0, bad("%s: missing state", e.Action)
		}
		if st := e.State; st.EpochNumber < 0 || !validConfig(st.Config, c.u, true) || !validConfig(st.OldConfig, c.u, true) ||
			c.h.Version >= traces.ReconfigurationVersion && len(st.Config) == 0 {
			return 0, bad("%s: state: epochNumber %d, config %v, oldConfig %v: want a configuration of increasing replica ids in 0..%d", e.Action, st.EpochNumber, st.Config, st.OldConfig, c.u-1)
		}
		if st := e.State; st.LogKeep < 0 || st.OpNumber < 0 || st.CommitNumber < 0 || st.ViewNumber < 0 || st.LastNormalView < 0 || st.Nonce < 0 {
			return 0, bad("%s: negative number in state", e.Action)
		}
	case traces.ClientAction:
		if e.Client < 0 || e.Client >= c.h.Clients {
			return 0, bad("%s: client %d out of range 0..%d", e.Action, e.Client, c.h.Clients-1)
		}
		if e.ClientState == nil {
			return 0, bad("%s: missing clientState", e.Action)
		}
	}
	needMsg := kind == traces.ReplicaReceive || kind == traces.NetworkAction || e.Action == traces.ClientReceiveReply || e.Action == traces.ClientReceiveNewEpoch
	if needMsg {
		if e.Msg == nil {
			return 0, bad("%s: missing msg", e.Action)
		}
		if err := checkMsg(e.Msg); err != nil {
			return 0, err
		}
		if kind == traces.ReplicaReceive && traces.ReceiveAction(e.Msg.Type) != e.Action {
			return 0, bad("%s: msg is a %s", e.Action, e.Msg.Type)
		}
		if kind == traces.ClientAction && traces.ClientReceiveAction(e.Msg.Type) != e.Action {
			return 0, bad("%s: msg is a %s", e.Action, e.Msg.Type)
		}
	}
	for i := range e.Sent {
		if err := checkMsg(&e.Sent[i]); err != nil {
			return 0, err
		}
	}
	return kind, nil
}

// actionKind is traces.Actions[a] (0 if a is no action) without hashing: the replay loop
// asks it several times per event.
func actionKind(a string) traces.ActionKind {
	switch a {
	case traces.ReceiveRequest, traces.ReceivePrepare, traces.ReceivePrepareOk, traces.ReceiveCommit,
		traces.ReceiveStartViewChange, traces.ReceiveDoViewChange, traces.ReceiveStartView, traces.ReceiveRecovery,
		traces.ReceiveRecoveryResponse, traces.ReceiveGetState, traces.ReceiveNewState,
		traces.ReceiveReconfiguration, traces.ReceiveStartEpoch, traces.ReceiveEpochStarted, traces.ReceiveRead:
		return traces.ReplicaReceive
	case traces.SendCommit, traces.ResendPrepare, traces.TimeoutStartViewChange, traces.Crash, traces.StartRecovery,
		traces.ResendStartViewChange, traces.ResendDoViewChange, traces.ResendStartView, traces.SendPrepare,
		traces.TakeCheckpoint, traces.TimeoutStartEpoch, traces.ResendStartEpoch, traces.ReplyRead:
		return traces.ReplicaTimer
	case traces.ClientRequest, traces.ClientReceiveReply, traces.ClientTimeout, traces.ClientReconfiguration, traces.ClientReceiveNewEpoch,
		traces.ClientRead:
		return traces.ClientAction
	case traces.DropMessage, traces.DuplicateMessage:
		return traces.NetworkAction
	}
	return 0
}

// msgShape reports whether t is a message type (a key of traces.Fields) and whether its
// fields include an entry, without hashing.
func msgShape(t traces.MsgType) (known, hasEntry bool) {
	switch t {
	case traces.Prepare:
		return true, true
	case traces.Request, traces.PrepareOk, traces.Reply, traces.Commit, traces.StartViewChange, traces.DoViewChange,
		traces.StartView, traces.Recovery, traces.RecoveryResponse, traces.GetState, traces.NewState,
		traces.Reconfiguration, traces.StartEpoch, traces.EpochStarted, traces.NewEpoch, traces.Read:
		return true, false
	}
	return false, false
}

// diff records that the current event's field differs from what its action produces.
func (c *Checker) diff(field, expected, actual string) {
	if c.curMismatch == nil {
		e := c.cur
		c.curMismatch = &Mismatch{Line: c.curLine, Seq: e.Seq, Action: e.Action}
		switch actionKind(e.Action) {
		case traces.ReplicaReceive, traces.ReplicaTimer:
			r := e.Replica
			c.curMismatch.Replica = &r
		case traces.ClientAction:
			cl := e.Client
			c.curMismatch.Client = &cl
		}
	}
	c.curMismatch.Diffs = append(c.curMismatch.Diffs, Diff{Field: field, Expected: expected, Actual: actual})
}

func (c *Checker) finishMismatch() {
	m := c.curMismatch
	if m == nil {
		return
	}
	if c.opts.SkipStepValidation {
		c.curMismatch = nil
		return
	}
	switch {
	case m.Replica != nil:
		m.Recent = c.replicas[*m.Replica].recent.list()
	case m.Client != nil:
		m.Recent = c.client(*m.Client).recent.list()
	}
	v := c.verdict(StepValidation)
	if v.Violations == 0 {
		v.Line, v.Action = m.Line, m.Action
		if m.Replica != nil {
			v.Replicas = []int{*m.Replica}
		}
		if m.Client != nil {
			v.Clients = []int{*m.Client}
		}
		d := m.Diffs[0]
		v.Message = fmt.Sprintf("%s: expected %s, actual %s", d.Field, d.Expected, d.Actual)
		if m.Rule.Section != "" {
			v.Message += " (rule: " + m.Rule.Section + ")"
		}
		c.captureExcerpt()
	}
	v.Violations++
	if len(c.mismatches) < c.opts.MaxMismatches {
		c.mismatches = append(c.mismatches, *m)
	}
	c.curMismatch = nil
}

func (c *Checker) verdict(check string) *Verdict {
	v, ok := c.verdicts[check]
	if !ok {
		v = &Verdict{Check: check, Status: Pass}
		c.verdicts[check] = v
	}
	return v
}

// violate records a violation of invariant inv at the current event.
func (c *Checker) violate(inv string, replicas []int, format string, a ...any) {
	v := c.verdict(inv)
	if v.Violations == 0 {
		v.Status = Fail
		v.Line, v.Action, v.Replicas = c.curLine, c.cur.Action, replicas
		if actionKind(c.cur.Action) == traces.ClientAction {
			v.Clients = []int{c.cur.Client}
		}
		v.Message = fmt.Sprintf(format, a...)
		c.captureExcerpt()
	}
	v.Violations++
}

// captureExcerpt keeps the trace lines up to the current one, once: at the first failure.
func (c *Checker) captureExcerpt() {
	if c.excerpt != nil {
		return
	}
	c.excerpt = []ExcerptLine{}
	start := c.events - excerptLen + 1
	if start < 1 {
		start = 1
	}
	var buf bytes.Buffer
	for i := start; i <= c.events; i++ {
		buf.Reset()
		w := traces.NewWriter(&buf)
		if err := w.WriteEvent(c.ring[i%excerptLen]); err != nil {
			continue
		}
		_ = w.Flush()
		c.excerpt = append(c.excerpt, ExcerptLine{Line: c.ringLine[i%excerptLen], Text: string(bytes.TrimRight(buf.Bytes(), "\n"))})
	}
}

// Finish checks the client history and returns the report.
func (c *Checker) Finish() *Report {
	r := &Report{File: c.name, Seed: c.h.Seed, Replicas: c.h.Replicas, F: c.h.F, Clients: c.h.Clients, Bugs: c.h.Bugs,
		Events: c.events, Operations: c.ops, Mismatches: c.mismatches, Excerpt: c.excerpt}
	sv := c.verdict(StepValidation)
	switch {
	case c.opts.SkipStepValidation:
		sv.Status = Skipped
	case sv.Violations > 0:
		sv.Status = Fail
	}
	r.Verdicts = append(r.Verdicts, *sv)
	for _, name := range Invariants {
		r.Verdicts = append(r.Verdicts, *c.verdict(name))
	}
	if c.checkpointing() {
		for _, name := range CheckpointInvariants {
			r.Verdicts = append(r.Verdicts, *c.verdict(name))
		}
	}
	if c.epochsOn() {
		for _, name := range EpochInvariants {
			r.Verdicts = append(r.Verdicts, *c.verdict(name))
		}
	}
	if c.readsOn() {
		for _, name := range ReadInvariants {
			r.Verdicts = append(r.Verdicts, *c.verdict(name))
		}
	}
	if c.leaseOn() {
		for _, name := range LeaseInvariants {
			r.Verdicts = append(r.Verdicts, *c.verdict(name))
		}
	}
	lv := Verdict{Check: Linearizability, Status: Skipped}
	if !c.opts.SkipLinearizability {
		res := lin.Check(c.hist.Ops(), c.opts.LinTimeout, c.opts.Visualize)
		r.lin = res
		switch res.Verdict {
		case lin.Ok:
			lv.Status = Pass
		case lin.Illegal:
			lv.Status, lv.Violations = Fail, 1
			lv.Message = fmt.Sprintf("the history of %d operations (%d pending) is not linearizable; keys %q", res.Ops, res.Pending, res.Keys)
			if o := res.First; o != nil {
				lv.Line, lv.Action, lv.Clients = o.ReturnLine, "ClientReceiveReply", []int{o.Client}
				lv.Message += fmt.Sprintf("; first at the return of client %d's request %d, %s (called at line %d)",
					o.Client, o.RequestNumber, lin.Model.DescribeOperation(o.Input, o.Output), o.CallLine)
			}
		default:
			lv.Status = Unknown
			lv.Message = fmt.Sprintf("porcupine did not decide within %v (%d operations): not a pass", c.opts.LinTimeout, res.Ops)
		}
	}
	r.Linearizable = lv.Status
	r.Verdicts = append(r.Verdicts, lv)
	return r
}
