package checker

import "github.com/vrcheck/vrcheck/traces"

// recentLen is how many of a node's latest events a mismatch report shows.
const recentLen = 6

// recent is a ring of a node's latest events (line and action), for mismatch reports.
type recent struct {
	line   [recentLen]int
	action [recentLen]string
	n      int
}

func (r *recent) add(line int, action string) {
	r.line[r.n%recentLen] = line
	r.action[r.n%recentLen] = action
	r.n++
}

func (r *recent) list() []RecentEvent {
	var out []RecentEvent
	start := r.n - recentLen
	if start < 0 {
		start = 0
	}
	for i := start; i < r.n; i++ {
		out = append(out, RecentEvent{Line: r.line[i%recentLen], Action: r.action[i%recentLen]})
	}
	return out
}

// scalars are a replica's logged state variables other than the log.
type scalars struct {
	view, opNumber, commit, lastNormalView, nonce int
	status                                        string
	checkpoint                                    int // version 4: the latest checkpoint's op-number
	// Reconfiguration (version 5): epoch-number and the configurations (never written in
	// place, so a copy of scalars may share them).
	epoch             int
	config, oldConfig []int
}

// replica is the spec's state of one replica, plus what is derived from it by replay: the
// service state and client-table (functions of the log and commit-number) and the per-view
// bookkeeping.
type replica struct {
	id int
	scalars
	log entryLog

	// Service: kv is the result of executing log[:exec]; results[i] is log[i]'s result.
	// After every event exec = min(commit, len(log)).
	exec    int
	kv      map[string]string
	results []string
	// execd[c] is the highest request number of client c this replica executed in its
	// current life (VR.tla's ghostLastExecuted[r], for ExactlyOnceExecution; a Crash or a
	// falling commit-number starts it again).
	execd map[int]int32
	// The client-table: ctLast[c] is the op-number of client c's latest entry in the log, and
	// ctPrev[p-1] that of the client's entry before op-number p (0: none), so truncating the
	// log restores the table in O(removed entries).
	ctLast map[int]int
	ctPrev []int32

	// Per-view bookkeeping, rebuilt by replay.
	svcFrom  []bool             // STARTVIEWCHANGE senders for the current view
	dvc      []*traces.Message  // recorded DOVIEWCHANGEs, one per sender
	dvcLine  []int              // the line at which each was recorded, for reports
	prepOK   []int              // highest PREPAREOK op-number per replica, -1 for none
	recResp  []*traces.Message  // recorded RECOVERYRESPONSEs, one per sender
	recLine  []int              // the line at which each was recorded, for reports
	nonces   map[int]bool       // nonces this replica has used, so a Crash's must be fresh
	verified int                // log[:verified] has been compared with the committed ghost
	diverged int                // the first op-number in log[:verified] that differs from it (0: none)
	match    int                // the length of the common prefix of log and the committed ghost
	okSent   []int              // ids of the PREPAREOKs it sent that may be in flight (MessagePromises)
	prepared int                // batching: the highest op-number it sent in a PREPARE as primary (batch.go)
	ckpt     *traces.Checkpoint // its latest checkpoint (checkpoint.go); nil while scalars.checkpoint is 0
	// Reconfiguration: the new replicas a replaced one heard EPOCHSTARTED from in its epoch,
	// and the epochs in which the replica was (at some point) up to date: normal with the
	// epoch's start executed (ShutDownAfterNewGroupUpToDate).
	es       []bool
	upToDate map[int]bool
	// Reads at backups (reads.go): the READs it parked until its commit-number reaches theirs.
	parked []*traces.Message
	// Reads under leases (lease.go): the latest clock reading and its tick; the reading until
	// which it promised not to start or join a view change; the view and tick of the latest
	// lease it granted (leaseView -1: none); the largest stamp each backup echoed to it in
	// its view (a primary); its op-number when it last became normal in its view.
	clock, clockTick, promise int
	leaseView, leaseTick      int
	grant                     []int
	viewStart                 int
	recent                    recent
}

// newReplica returns replica id of a universe of u replica ids, first the initial state: a
// member of the first configuration first (normal in view 0), else idle.
func newReplica(id int, first []int, u int) *replica {
	r := &replica{id: id, scalars: scalars{status: traces.StatusNormal, config: first}, nonces: map[int]bool{}}
	if id >= len(first) {
		r.status = traces.StatusIdle
	}
	n := u
	r.es = make([]bool, u)
	r.upToDate = map[int]bool{}
	r.kv = map[string]string{}
	r.execd = map[int]int32{}
	r.ctLast = map[int]int{}
	r.svcFrom = make([]bool, n)
	r.dvc = make([]*traces.Message, n)
	r.dvcLine = make([]int, n)
	r.prepOK = make([]int, n)
	r.recResp = make([]*traces.Message, n)
	r.recLine = make([]int, n)
	r.grant = make([]int, n)
	r.leaseView = -1
	r.clearViewBookkeeping()
	return r
}

// crash forgets what a Crash loses besides the log (which the event's log change empties):
// the service, the executions of this life and all bookkeeping.
func (r *replica) crash() {
	r.rollback()
	clear(r.execd)
	r.clearViewBookkeeping()
	clear(r.recResp)
	clear(r.es)
	clear(r.parked)
	r.parked = r.parked[:0]
	r.promise = 0 // forgotten: StartRecovery promises afresh
	r.verified, r.diverged = 0, 0
}

// clearViewBookkeeping clears the per-view bookkeeping (the scalars are the caller's).
func (r *replica) clearViewBookkeeping() {
	for i := range r.svcFrom {
		r.svcFrom[i] = false
		r.dvc[i] = nil
		r.prepOK[i] = -1
	}
	clear(r.grant)
}

// clientTable returns the client-table entry of client c: its latest request number in the
// log, the op-number of that entry (0 if none).
func (r *replica) clientTable(c int) (requestNumber, pos int) {
	pos = r.ctLast[c]
	if pos == 0 {
		return 0, 0
	}
	return r.log.at(pos - 1).RequestNumber, pos
}

// entryLog is a replica's log in fixed-size chunks, so appending never copies what is
// there: re-copying long logs of pointerful entries as they grew dominated the profile.
type entryLog struct {
	chunks [][]traces.Entry
	n      int
}

const chunkLen = 1024

// entrySeq is a log to read: an entryLog, or a message's log (entrySlice).
type entrySeq interface {
	len() int
	at(i int) *traces.Entry // 0-based
}

func (l *entryLog) len() int               { return l.n }
func (l *entryLog) at(i int) *traces.Entry { return &l.chunks[i/chunkLen][i%chunkLen] }
func (l *entryLog) truncate(k int)         { l.n = k; l.chunks = l.chunks[:(k+chunkLen-1)/chunkLen] }
func (l *entryLog) push(e *traces.Entry) {
	if l.n == len(l.chunks)*chunkLen {
		l.chunks = append(l.chunks, make([]traces.Entry, chunkLen))
	}
	*l.at(l.n) = *e
	l.n++
}

// slice copies entries from..to-1 out, for a message that carries them.
func (l *entryLog) slice(from, to int) []traces.Entry {
	out := make([]traces.Entry, 0, max(to-from, 0))
	for i := from; i < to; i++ {
		out = append(out, *l.at(i))
	}
	return out
}

type entrySlice []traces.Entry

func (s entrySlice) len() int               { return len(s) }
func (s entrySlice) at(i int) *traces.Entry { return &s[i] }

// room returns s with capacity for extra more elements, doubling when it must grow: append
// grows large slices by 1.25x, and copying the long logs dominated the profile.
func room[T any](s []T, extra int) []T {
	if len(s)+extra <= cap(s) {
		return s
	}
	t := make([]T, len(s), max(2*cap(s), len(s)+extra, 64))
	copy(t, s)
	return t
}

// apply executes op on kv and returns its result: the key's value before the operation.
func apply(kv map[string]string, e *traces.Entry) string {
	old := kv[e.Key]
	switch e.Op {
	case traces.OpPut:
		kv[e.Key] = e.Value
	case traces.OpAppend:
		kv[e.Key] = old + e.Value
	}
	return old
}

// preview returns the results of entries from+1..to of log (1-based op-numbers), executed on
// top of r's service, which must have executed log[:from] (the caller's duty; in a correct
// run the new log agrees with r's committed prefix). r is not changed.
func (r *replica) preview(log entrySeq, from, to int, out []string) []string {
	out = out[:0]
	if to > log.len() {
		to = log.len()
	}
	if to <= from {
		return out
	}
	if to == from+1 { // the usual case: one entry, no overlay needed
		return append(out, r.kv[log.at(from).Key])
	}
	overlay := map[string]string{}
	for p := from + 1; p <= to; p++ {
		e := log.at(p - 1)
		old, ok := overlay[e.Key]
		if !ok {
			old = r.kv[e.Key]
		}
		switch e.Op {
		case traces.OpPut:
			overlay[e.Key] = e.Value
		case traces.OpAppend:
			overlay[e.Key] = old + e.Value
		}
		out = append(out, old)
	}
	return out
}

// executed reports whether op-number pos is executed by the spec's commit-number, and its
// result.
func (r *replica) result(pos int) (string, bool) {
	if pos < 1 || pos > r.commit || pos > r.exec {
		return "", false
	}
	return r.results[pos-1], true
}
