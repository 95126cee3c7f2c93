package vr

import (
	"fmt"
	"slices"

	"github.com/vrcheck/vrcheck/impl/kv"
	"github.com/vrcheck/vrcheck/traces"
)

// Output is what one replica call did. The caller may reuse one Output across calls: every
// method resets it first.
type Output struct {
	Action string // the VR.tla action taken; "" if the call took none
	Sent   []traces.Message
	// State is the replica's post-state; LogKeep/LogAdd describe the log relative to the log
	// before the call. LogAdd may share the replica's log (which is never written in place).
	State traces.ReplicaState
	// Fault is set when this call found a broken VR invariant or a malformed message (see the
	// package doc); the action still happened as reported.
	Fault error
}

// Reset clears o for the next call, keeping Sent's allocation.
func (o *Output) Reset() {
	o.Action = ""
	clear(o.Sent) // drop references to old logs
	o.Sent = o.Sent[:0]
	o.State = traces.ReplicaState{}
	o.Fault = nil
}

// emptyLog is the non-nil empty log put in messages and states (JSON [] rather than null).
var emptyLog = []traces.Entry{}

// Replica is one VR replica.
type Replica struct {
	id, n, f int // n and f: the current configuration's
	u        int // the universe: replica ids are 0..u-1
	cfg      Config

	// Reconfiguration (reconfig.go): epoch-number, the epoch's configuration and the one
	// before it (sorted ids; never written in place), and the op-number at which the epoch
	// started (that of the RECONFIGURATION that started it).
	epoch             int
	config, oldConfig []int
	epochStart        int
	es                []bool // a replaced replica: the new replicas that sent EPOCHSTARTED
	esCount           int
	esAsk             int // a new replica catching up: the GETSTATEs it sent in the epoch

	view       int
	status     string
	log        []traces.Entry // entries base+1..op-number: op-number is base+len(log)
	commit     int
	lastNormal int
	nonce      int
	// Checkpoints (checkpoint.go): base is the op-number of the latest checkpoint, ckpt the
	// checkpoint itself (nil while base is 0). Entries 1..base are discarded.
	base int
	ckpt *traces.Checkpoint

	store kv.Store
	execd int                 // entries executed: commit-number, checked at each call's end
	table map[int]clientEntry // client-table: each client's latest request in the held log
	done  map[int]doneEntry   // each client's latest executed request, with its result

	// Per-view bookkeeping.
	svc      []bool // STARTVIEWCHANGE senders
	svcCount int
	dvc      []dvcRecord // DOVIEWCHANGEs recorded by the new primary, by sender
	dvcCount int
	prepOK   []int // highest op-number each replica acknowledged in this view (primary)
	rec      []recoveryRecord
	recCount int
	// ResendStartView: the backups known to have joined the view (a PREPAREOK or GETSTATE
	// of it arrived), and how many resends the primary has left in the view.
	svOK   []bool
	svLeft int
	svAge  int // ticks since the primary started its view
	// Batching (batch.go): the highest op-number sent in a PREPARE, and the ticks the
	// gathered requests have waited.
	prepared, batchAge int
	// Reads at backups (reads.go): the READs parked until the commit-number reaches theirs.
	parked []traces.Message
	// Reads under leases (lease.go): the clock reading; the reading until which the replica
	// promised not to start or join a view change; the largest stamp each backup echoed in
	// the view (the primary); the op-number at which it last became normal.
	clock, promise int
	grant          []int
	viewStart      int
	leaseReads     int
	// Rotations of the alternative policy (resend targets, GETSTATE destinations, ops).
	svNext, gsNext, rpNext int

	timer int // ticks since the current role's timer was reset
	// vcTries counts view changes started since the replica was last normal: each doubles the
	// view-change timeout (up to 4x), so a view change slower than the timeout still completes.
	vcTries int
	fault   error // first fault ever
	scratch []int

	// Per call.
	out       *Output
	oldLog    []traces.Entry // the log at the start of the call
	oldBase   int
	oldView   int
	oldEpoch  int
	oldCommit int
	oldStatus string
	replaced  bool // the log was replaced (not only appended to) in this call
}

type clientEntry struct {
	requestNumber int
	op            int // its op-number: executed iff op ≤ commit-number
}

type doneEntry struct {
	requestNumber int
	result        string
}

type dvcRecord struct {
	ok                                     bool
	view                                   int
	ckpt                                   *traces.Checkpoint
	log                                    []traces.Entry // after ckpt's op-number (or 0)
	lastNormalView, opNumber, commitNumber int
}

type recoveryRecord struct {
	ok                     bool
	view                   int
	ckpt                   *traces.Checkpoint
	log                    []traces.Entry // after ckpt's op-number (or 0)
	opNumber, commitNumber int
}

// NewReplica returns replica id of a cluster with configuration cfg: normal in view 0 with an
// empty log if id is in the first configuration (0..Replicas-1), else idle.
func NewReplica(id int, cfg Config) *Replica {
	n, u := cfg.Replicas, cfg.universe()
	r := &Replica{
		id: id, n: n, f: cfg.F, u: u, cfg: cfg,
		status:  traces.StatusNormal,
		config:  firstConfig(n),
		log:     emptyLog,
		table:   make(map[int]clientEntry),
		done:    make(map[int]doneEntry),
		svc:     make([]bool, u),
		dvc:     make([]dvcRecord, u),
		prepOK:  make([]int, u),
		rec:     make([]recoveryRecord, u),
		svOK:    make([]bool, u),
		es:      make([]bool, u),
		grant:   make([]int, u),
		scratch: make([]int, 0, u),
	}
	if id >= n {
		r.status = traces.StatusIdle
	}
	return r
}

// Accessors (read-only).

func (r *Replica) ID() int             { return r.id }
func (r *Replica) ViewNumber() int     { return r.view }
func (r *Replica) Status() string      { return r.status }
func (r *Replica) OpNumber() int       { return r.base + len(r.log) }
func (r *Replica) CommitNumber() int   { return r.commit }
func (r *Replica) LastNormalView() int { return r.lastNormal }
func (r *Replica) Nonce() int          { return r.nonce }
func (r *Replica) EpochNumber() int    { return r.epoch }

// Configuration returns the current epoch's configuration (a copy).
func (r *Replica) Configuration() []int { return append([]int{}, r.config...) }

// IsPrimary reports whether the replica is the primary of its current view (whatever its status).
func (r *Replica) IsPrimary() bool { return r.primary(r.view) == r.id }

// Fault returns the first fault the replica ever found, or nil.
func (r *Replica) Fault() error { return r.fault }

// Log returns a copy of the log the replica holds: entries CheckpointNumber()+1..op-number.
func (r *Replica) Log() []traces.Entry { return append([]traces.Entry{}, r.log...) }

// CheckpointNumber is the op-number of the replica's latest checkpoint (0: none).
func (r *Replica) CheckpointNumber() int { return r.base }

// ServiceValue returns key's value in the service state (entries 1..commit-number executed).
func (r *Replica) ServiceValue(key string) string { return r.store.Get(key) }

// ClientTable returns the client-table's row for client: the request-number of its latest
// request in the log, whether that request is executed, and if so its result.
func (r *Replica) ClientTable(client int) (requestNumber int, executed bool, result string, ok bool) {
	e, ok := r.table[client]
	if !ok {
		d, ok := r.done[client] // only in the checkpoint
		return d.requestNumber, ok, d.result, ok
	}
	if e.op <= r.commit {
		return e.requestNumber, true, r.done[client].result, true
	}
	return e.requestNumber, false, "", true
}

// primary is the primary of view v of the current epoch: a function of the epoch's
// configuration and v.
func (r *Replica) primary(v int) int { return r.config[v%len(r.config)] }

// Receive delivers m to the replica: it takes the receive action for m's type.
func (r *Replica) Receive(m *traces.Message, out *Output) {
	switch m.Type {
	case traces.Request:
		r.ReceiveRequest(m, out)
	case traces.Prepare:
		r.ReceivePrepare(m, out)
	case traces.PrepareOk:
		r.ReceivePrepareOk(m, out)
	case traces.Commit:
		r.ReceiveCommit(m, out)
	case traces.StartViewChange:
		r.ReceiveStartViewChange(m, out)
	case traces.DoViewChange:
		r.ReceiveDoViewChange(m, out)
	case traces.StartView:
		r.ReceiveStartView(m, out)
	case traces.Recovery:
		r.ReceiveRecovery(m, out)
	case traces.RecoveryResponse:
		r.ReceiveRecoveryResponse(m, out)
	case traces.GetState:
		r.ReceiveGetState(m, out)
	case traces.NewState:
		r.ReceiveNewState(m, out)
	case traces.Reconfiguration:
		r.ReceiveReconfiguration(m, out)
	case traces.StartEpoch:
		r.ReceiveStartEpoch(m, out)
	case traces.EpochStarted:
		r.ReceiveEpochStarted(m, out)
	case traces.Read:
		r.ReceiveRead(m, out)
	default:
		r.begin(out, "")
		r.faultf("cannot receive a message of type %q", m.Type)
		r.end()
	}
}

// begin starts a call that takes action (or none, for "").
func (r *Replica) begin(out *Output, action string) {
	out.Reset()
	out.Action = action
	r.out = out
	r.oldLog = r.log
	r.oldBase = r.base
	r.oldView = r.view
	r.oldEpoch = r.epoch
	r.oldCommit = r.commit
	r.oldStatus = r.status
	r.replaced = false
}

// end checks the invariants of the transition and fills out.State.
func (r *Replica) end() {
	out := r.out
	n := r.OpNumber()
	keep := r.oldBase + len(r.oldLog)
	if r.replaced {
		keep = r.keepOf()
	}
	if out.Action != traces.Crash && out.Action != "" {
		if r.commit > n {
			r.faultf("commit-number %d > op-number %d", r.commit, n)
		}
		if r.epoch < r.oldEpoch || r.epoch == r.oldEpoch && r.view < r.oldView {
			r.faultf("(epoch, view) decreased from (%d, %d) to (%d, %d)", r.oldEpoch, r.oldView, r.epoch, r.view)
		}
		if r.commit < r.oldCommit {
			r.faultf("commit-number decreased from %d to %d", r.oldCommit, r.commit)
		}
		if keep < r.oldCommit {
			r.faultf("committed entry %d changed (commit-number was %d)", keep+1, r.oldCommit)
		}
		if r.execd != r.commit {
			r.faultf("executed %d entries but commit-number is %d", r.execd, r.commit)
		}
		if r.base > r.commit {
			r.faultf("checkpoint at op %d beyond commit-number %d", r.base, r.commit)
		}
	}
	from := max(keep, r.base) - r.base
	add := r.log[from:len(r.log):len(r.log)]
	if len(add) == 0 {
		add = emptyLog
	}
	out.State = traces.ReplicaState{
		ViewNumber:     r.view,
		Status:         r.status,
		OpNumber:       n,
		CommitNumber:   r.commit,
		LastNormalView: r.lastNormal,
		Nonce:          r.nonce,
		LogKeep:        keep,
		LogAdd:         add,
		EpochNumber:    r.epoch,
		Config:         r.config,
		OldConfig:      r.oldConfig,
		Checkpoint:     r.base,
	}
	if r.leaseOn() {
		out.State.Clock = r.clock
		if r.status == traces.StatusNormal && (r.oldStatus != traces.StatusNormal || r.view != r.oldView) {
			r.viewStart = n // the log it starts the view with (lease.go)
		}
	}
	r.out = nil
	r.oldLog = nil
}

func (r *Replica) faultf(format string, args ...any) {
	err := fmt.Errorf("replica %d (view %d, %s): %s", r.id, r.view, r.status, fmt.Sprintf(format, args...))
	if r.fault == nil {
		r.fault = err
	}
	if r.out != nil && r.out.Fault == nil {
		r.out.Fault = err
	}
}

// validReplica checks a replica id carried in a message from another replica.
func (r *Replica) validReplica(i int, what string) bool {
	if i < 0 || i >= r.u || i == r.id {
		r.faultf("%s carries replica id %d (want another replica in 0..%d)", what, i, r.u-1)
		return false
	}
	return true
}

// validLog checks that a message's log holds the entries it claims: those after
// m.LogStart().
func (r *Replica) validLog(m *traces.Message) bool {
	from := m.LogStart()
	if m.Checkpoint != nil && (m.Checkpoint.OpNumber > m.OpNumber || m.Checkpoint.OpNumber > m.CommitNumber) {
		r.faultf("%s from %d has a checkpoint at op %d beyond its op-number %d or commit-number %d", m.Type, m.From, m.Checkpoint.OpNumber, m.OpNumber, m.CommitNumber)
		return false
	}
	if from < 0 || len(m.Log) != m.OpNumber-from {
		r.faultf("%s from %d has %d log entries after op %d but op-number %d", m.Type, m.From, len(m.Log), from, m.OpNumber)
		return false
	}
	return true
}

// send sends m, stamped with the replica's epoch-number (and a PREPARE or COMMIT, under
// leases, with its clock reading).
func (r *Replica) send(m traces.Message) {
	m.From = r.id
	m.Epoch = r.epoch
	if r.leaseOn() && (m.Type == traces.Prepare || m.Type == traces.Commit) {
		m.Clock = r.clock
	}
	r.out.Sent = append(r.out.Sent, m)
}

// broadcast sends m to every other replica of the configuration, in id order.
func (r *Replica) broadcast(m traces.Message) {
	for _, i := range r.config {
		if i != r.id {
			m.To = i
			r.send(m)
		}
	}
}

// logSlice is entries from+1..to as a message may carry them (shared, capped, never nil);
// from is at least the checkpoint's op-number.
func (r *Replica) logSlice(from, to int) []traces.Entry {
	if from == to {
		return emptyLog
	}
	from, to = from-r.base, to-r.base
	return r.log[from:to:to]
}

// otherMember is the k-th replica after r in the configuration (cyclically; k in 1..n-1). A
// replica outside the configuration counts from the position it would have.
func (r *Replica) otherMember(k int) int {
	i, _ := slices.BinarySearch(r.config, r.id)
	if i < len(r.config) && r.config[i] == r.id {
		return r.config[(i+k)%len(r.config)]
	}
	return r.config[(i+k-1)%len(r.config)]
}

// entry is the held entry at op-number p (base < p ≤ op-number).
func (r *Replica) entry(p int) *traces.Entry { return &r.log[p-r.base-1] }

// setView moves to view v; PREPAREOK records (and the leases they granted) belong to a
// view, so they go with it.
func (r *Replica) setView(v int) {
	if v != r.view {
		clear(r.prepOK)
		clear(r.grant)
	}
	r.view = v
}

// becomeNormal makes the replica normal in view v (after STARTVIEW, NEWSTATE or recovery).
func (r *Replica) becomeNormal(v int) {
	r.setView(v)
	r.status = traces.StatusNormal
	r.lastNormal = v
	r.timer = 0
	r.vcTries = 0
	r.prepared = r.OpNumber()
}

// keepOf is the state's logKeep after a call that replaced the log: the longest prefix the
// old and new logs share. Entries up to a checkpoint are committed, so they agree as far as
// the old log's commit-number reaches; beyond that the held entries are compared. Without
// checkpoints it is the logs' common prefix.
func (r *Replica) keepOf() int {
	oldN, n := r.oldBase+len(r.oldLog), r.OpNumber()
	lo := max(r.oldBase, r.base)
	k := min(lo, oldN, n, r.oldCommit)
	if k < lo {
		return k
	}
	for p := k + 1; p <= min(oldN, n); p++ {
		if r.oldLog[p-r.oldBase-1] != r.log[p-r.base-1] {
			return p - 1
		}
	}
	return min(oldN, n)
}

func commonPrefix(a, b []traces.Entry) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// copyLog returns a fresh copy of l that the replica may own, with room to grow.
func copyLog(l []traces.Entry) []traces.Entry {
	out := make([]traces.Entry, len(l), len(l)+16)
	copy(out, l)
	return out
}
