package tla

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options control a model-checking run.
type Options struct {
	Workers int
	// NoDeadlock disables deadlock checking (TLC's -deadlock flag).
	NoDeadlock bool
	// Out receives TLC-style messages (results, counterexamples); may be nil.
	Out io.Writer
	// Progress receives periodic progress lines; nil keeps quiet.
	Progress      io.Writer
	ProgressEvery time.Duration
	// Coverage collects per-action counts (TLC's -coverage) into
	// Result.Coverage.
	Coverage bool
	// Dump receives every distinct state in BFS order (TLC's -dump), in
	// DumpFormat: DumpStates (the default) or DumpDot.
	Dump       io.Writer
	DumpFormat string
	// NoIncremental checks every invariant in full on every state, rather
	// than only the conjuncts that read a variable the step changed
	// (incr.go).
	NoIncremental bool
	// InvariantStats collects, per invariant, how its conjuncts were
	// checked and the time spent, into Result.Invariants.
	InvariantStats bool
	// QueueMemory bounds the bytes of each BFS level's queue of encoded
	// states kept in memory (0: DefaultQueueMemory / 2); the rest goes to
	// a segment file in QueueDir (default: os.TempDir()), removed at once.
	QueueMemory int
	QueueDir    string
}

// Result holds TLC's figures for a run.
type Result struct {
	Generated int64
	Distinct  int64
	Left      int64
	Depth     int
	Violation *Violation
	Elapsed   time.Duration
	Coverage  []ActionCoverage // with Options.Coverage
	// Invariants: with Options.InvariantStats, one entry per invariant
	Invariants []InvariantStat
}

// TraceStep is one state of a counterexample.
type TraceStep struct {
	Action string // "<Initial predicate>" or "<Name line ... of module M>"
	Vars   []string
	Vals   []Value
}

// Violation describes why checking stopped.
type Violation struct {
	Kind  string // invariant, deadlock, action property, property, error
	Name  string
	Err   error
	Trace []TraceStep
	// a liveness counterexample is a lasso: after the last state the
	// behaviour goes back to state LoopTo (1-based) by LoopAction, or
	// stutters for ever (Stuttering)
	LoopTo     int
	LoopAction string
	Stuttering bool
}

func (v *Violation) Error() string {
	switch v.Kind {
	case "invariant":
		return fmt.Sprintf("Invariant %s is violated.", v.Name)
	case "deadlock":
		return "Deadlock reached."
	case "action property":
		return fmt.Sprintf("Action property %s is violated.", v.Name)
	case "property":
		return fmt.Sprintf("Property %s is violated by the initial state.", v.Name)
	case "temporal":
		return fmt.Sprintf("Temporal property %s was violated.", v.Name)
	case "postcondition":
		return fmt.Sprintf("The postcondition %s is violated.", v.Name)
	}
	return v.Err.Error()
}

type named struct {
	name string
	n    node
}

type checker struct {
	m           *Model
	memo        memoPlans // what the memoised expressions read (memo.go)
	opts        Options
	init, next  node
	initDef     *opDef // the initial predicate's definition, when it is one (-coverage)
	nextName    string
	invs        []named
	initProps   []named
	actProps    []named
	constraints []node
	actCons     []node
	perms       []perm
	sym         *symmetry // ck.perms compiled, symmetry.go
	view        node
	deadlock    bool
	post        []named
	fairness    []node  // WF/SF conjuncts of the specification
	liveProps   []named // temporal properties, checked by liveness.go
	liveInits   []int32
	seen        *fpSet
	tlog        traceLog  // every kept state in BFS order, for counterexamples
	levelStart  int64     // index in tlog of the level being expanded
	plans       []invPlan // the invariants, prepared for incremental checking
	boxVars     [][]int   // per action property [A]_v: v's variables when v is a tuple of them
	outCache    *lossySet // states outside the constraints whose invariants held
	codec       *codec
	cov         *coverage // -coverage, -dump; nil when off
	// counters for progress reports
	generated, expanded, levelSize, levelBase, depth atomic.Int64
	nvars                                            int
	tmps                                             sync.Pool // *[2]tmpStack, see step
	memos                                            sync.Pool // *[2]*memoTable, see step
}

type cand struct {
	enc  []byte // the state, encoded by codec; or
	live *liveState
	fp   uint64
	i, j int32 // the earliest discovery: successor j of state i of the level before
}

// liveState is a queued state kept as values.
type liveState struct {
	vals []Value
	vh   []uint64 // per-variable hashes (plain fingerprints only)
}

// smallLevel is the frontier size up to which successors are queued as
// values rather than encoded: a trace spec has one state per level, and
// keeping its values keeps their shared structure and cached hashes.
const smallLevel = 256

func (ck *checker) stateOf(cd *cand) []Value {
	if cd.live != nil {
		return cd.live.vals
	}
	return ck.codec.decode(cd.enc, ck.nvars)
}

type violCand struct {
	i, j int32
	init bool // of an initial state (fp), not of a successor of state i
	kind string
	name string
	err  error
	from []Value // state whose transition failed (action property, deadlock, error)
	to   []Value
	fp   uint64 // violating state already in seen (invariant)
}

func less(a, b *violCand) bool {
	if b == nil {
		return true
	}
	return a.i < b.i || a.i == b.i && a.j < b.j
}

// Check model-checks the model under cfg.
func Check(m *Model, cfg *Config, opts Options) (res *Result, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*EvalError); ok {
				err = e
				return
			}
			err = fmt.Errorf("internal error: %v", r)
		}
	}()
	ck, err := newChecker(m, cfg, opts)
	if err != nil {
		return nil, err
	}
	alias, err := ck.aliasOf(cfg)
	if err != nil {
		return nil, err
	}
	if opts.Coverage || opts.Dump != nil {
		ck.cov = newCoverage(ck)
	}
	res, err = ck.run()
	if err == nil && opts.InvariantStats {
		res.Invariants = ck.invariantStats()
	}
	if err == nil && ck.cov != nil {
		res.Coverage, err = ck.cov.finish()
	}
	if err == nil && res.Violation != nil {
		if err := ck.applyAlias(alias, res.Violation); err != nil {
			return nil, err
		}
	}
	return res, err
}

func newChecker(m *Model, cfg *Config, opts Options) (*checker, error) {
	if opts.Workers <= 0 {
		opts.Workers = runtime.NumCPU()
	}
	if opts.ProgressEvery == 0 {
		opts.ProgressEvery = time.Minute
	}
	if opts.QueueMemory <= 0 {
		opts.QueueMemory = DefaultQueueMemory / 2
	}
	if m.Out != nil {
		if _, ok := m.Out.(*syncWriter); !ok {
			m.Out = &syncWriter{w: m.Out}
		}
	}
	ck := &checker{m: m, opts: opts, seen: newFPSet(), codec: newCodec(), nvars: len(m.vars), outCache: newLossySet(1 << 20)}
	m.stats = ck
	if err := m.bind(cfg); err != nil {
		return nil, err
	}
	ck.deadlock = !opts.NoDeadlock // before the assumptions: TLCGet("config").deadlock
	if cfg.CheckDeadlock != nil && !*cfg.CheckDeadlock {
		ck.deadlock = false
	}
	if err := m.checkAssumes(); err != nil {
		return nil, err
	}
	if err := ck.behaviour(cfg); err != nil {
		return nil, err
	}
	for _, name := range cfg.Invariants {
		d, err := m.lookupDef(name)
		if err != nil {
			return nil, cfg.Errorf(name, "invariant %s: %w", name, err)
		}
		if d.level > lvlState {
			return nil, cfg.Errorf(name, "The invariant %s is not a state predicate (one with no primes or temporal operators).", name)
		}
		ck.invs = append(ck.invs, named{name, d.body})
	}
	for _, name := range cfg.Properties {
		d, err := m.lookupDef(name)
		if err != nil {
			return nil, cfg.Errorf(name, "property %s: %w", name, err)
		}
		if err := ck.property(name, d.body, nil); err != nil {
			return nil, err
		}
	}
	for _, name := range cfg.Constraints {
		d, err := m.lookupDef(name)
		if err != nil {
			return nil, cfg.Errorf(name, "constraint %s: %w", name, err)
		}
		ck.constraints = append(ck.constraints, d.body)
	}
	for _, name := range cfg.ActionConstraints {
		d, err := m.lookupDef(name)
		if err != nil {
			return nil, cfg.Errorf(name, "action constraint %s: %w", name, err)
		}
		ck.actCons = append(ck.actCons, d.body)
	}
	if cfg.Symmetry != "" {
		v, err := m.Eval(cfg.Symmetry)
		if err != nil {
			return nil, cfg.Errorf(cfg.Symmetry, "symmetry %s: %w", cfg.Symmetry, err)
		}
		var perr error
		forEach(v, loc{}, func(f Value) bool {
			f = norm(f)
			p := perm{}
			for i := 0; i < fnLen(f); i++ {
				mv, ok := fnDom(f, i).(*ModelVal)
				if !ok {
					perr = fmt.Errorf("symmetry %s: permutations must map model values, got %s", cfg.Symmetry, Format(f))
					return true
				}
				p[mv.Name] = fnRng(f, i)
			}
			ck.perms = append(ck.perms, p)
			return false
		})
		if perr != nil {
			return nil, perr
		}
		ck.perms = symmetryGroup(ck.perms) // symmetry.go
		ck.sym = newSymmetry(ck.perms)
	}
	for _, name := range cfg.Postconditions {
		d, err := m.lookupDef(name)
		if err != nil {
			return nil, cfg.Errorf(name, "postcondition %s: %w", name, err)
		}
		ck.post = append(ck.post, named{name, d.body})
	}
	if cfg.View != "" {
		d, err := m.lookupDef(cfg.View)
		if err != nil {
			return nil, cfg.Errorf(cfg.View, "view %s: %w", cfg.View, err)
		}
		ck.view = d.body
	}
	ck.planInvariants()
	for _, p := range ck.actProps {
		var vars []int
		if s, ok := p.n.(*sub); ok && s.box {
			vars = tupleVars(s.v)
		}
		ck.boxVars = append(ck.boxVars, vars)
	}
	return ck, nil
}

// conjuncts flattens a conjunction through zero-arity definitions.
func conjuncts(n node) []node {
	switch x := n.(type) {
	case *and:
		var out []node
		for _, y := range x.xs {
			out = append(out, conjuncts(y)...)
		}
		return out
	case *call:
		if len(x.args) == 0 && x.base < 0 {
			return conjuncts(x.def.body)
		}
	}
	return []node{n}
}

// behaviour sets Init and Next from INIT/NEXT or SPECIFICATION.
func (ck *checker) behaviour(cfg *Config) error {
	if cfg.Spec != "" {
		d, err := ck.m.lookupDef(cfg.Spec)
		if err != nil {
			return cfg.Errorf(cfg.Spec, "specification %s: %w", cfg.Spec, err)
		}
		var inits []node
		for _, c := range conjuncts(d.body) {
			if t, ok := c.(*temporal); ok {
				switch t.op {
				case "[]":
					s, ok := t.xs[0].(*sub)
					if !ok || !s.box {
						return fmt.Errorf("%s:%d:%d: not supported: temporal formula in the specification other than [][Next]_v and fairness", t.file, t.pos.Line, t.pos.Col)
					}
					if ck.next != nil {
						return fmt.Errorf("%s:%d:%d: specification has two next-state relations", t.file, t.pos.Line, t.pos.Col)
					}
					ck.next = s.a
					ck.nextName = actionName(s.a)
				default:
					if isFairness(t) {
						ck.fairness = append(ck.fairness, t)
						continue
					}
					return fmt.Errorf("%s:%d:%d: not supported: %s in the specification", t.file, t.pos.Line, t.pos.Col, t.op)
				}
				continue
			}
			if isFairness(c) {
				ck.fairness = append(ck.fairness, c)
				continue
			}
			inits = append(inits, c)
		}
		if ck.next == nil {
			return cfg.Errorf(cfg.Spec, "specification %s has no [][Next]_vars conjunct", cfg.Spec)
		}
		ck.init = &and{xs: inits}
		if len(inits) == 1 {
			if cl, ok := inits[0].(*call); ok {
				ck.initDef = cl.def
			}
		}
		return nil
	}
	if cfg.Init == "" && cfg.Next == "" {
		// as TLC: no behaviour, only the assumptions are checked; no states
		ck.init, ck.next, ck.nextName = &lit{v: false}, &lit{v: false}, "Next"
		return nil
	}
	if cfg.Init == "" || cfg.Next == "" {
		return fmt.Errorf("%s: the configuration needs INIT and NEXT, or SPECIFICATION", cfg.File)
	}
	i, err := ck.m.lookupDef(cfg.Init)
	if err != nil {
		return cfg.Errorf(cfg.Init, "init %s: %w", cfg.Init, err)
	}
	n, err := ck.m.lookupDef(cfg.Next)
	if err != nil {
		return cfg.Errorf(cfg.Next, "next %s: %w", cfg.Next, err)
	}
	ck.init, ck.initDef = i.body, i
	ck.next = &call{def: n, base: -1}
	ck.nextName = n.name
	return nil
}

// isFairness recognises WF/SF conditions, possibly quantified or conjoined.
func isFairness(n node) bool {
	switch x := n.(type) {
	case *temporal:
		return x.op == "WF_" || x.op == "SF_"
	case *quant:
		return isFairness(x.body)
	case *and:
		for _, y := range x.xs {
			if !isFairness(y) {
				return false
			}
		}
		return true
	case *call:
		return len(x.args) == 0 && isFairness(x.def.body)
	}
	return false
}

func actionName(n node) string {
	if c, ok := n.(*call); ok {
		return c.def.name
	}
	return "Next"
}

// property classifies a PROPERTY: [][A]_v is checked on every transition,
// state predicates on initial states, []P like an invariant.
func (ck *checker) property(name string, n node, _ *env) error {
	for _, c := range conjuncts(n) {
		if t, ok := c.(*temporal); ok && t.op == "[]" {
			if s, ok := t.xs[0].(*sub); ok && s.box {
				ck.actProps = append(ck.actProps, named{name, s})
				continue
			}
			if lv := ck.levelOf(t.xs[0]); lv <= lvlState {
				ck.invs = append(ck.invs, named{name, t.xs[0]})
				continue
			}
		}
		if _, ok := c.(*temporal); !ok && ck.levelOf(c) <= lvlState {
			ck.initProps = append(ck.initProps, named{name, c})
			continue
		}
		ck.liveProps = append(ck.liveProps, named{name, c})
	}
	return nil
}

// levelOf is the level the compiler computed for a node.
func (ck *checker) levelOf(n node) int {
	if l, ok := ck.m.cp.levels[n]; ok {
		return l
	}
	if c, ok := n.(*call); ok {
		return c.def.level
	}
	return lvlTemporal // unknown: refuse rather than guess
}

func (ck *checker) newCtx() *ctx { return &ctx{m: ck.m, out: ck.m.Out, memo: &memoTable{ck: ck}} }

func (ck *checker) plainFP() bool { return ck.view == nil && len(ck.perms) == 0 }

// fp fingerprints a state, canonicalised under VIEW and SYMMETRY.
func (ck *checker) fp(c *ctx, vals []Value) uint64 {
	if ck.view != nil {
		savedCur, savedNext := c.cur, c.next
		c.cur, c.next = vals, nil
		v := norm(ck.view.eval(c, nil))
		c.cur, c.next = savedCur, savedNext
		vals = []Value{v}
	}
	if len(ck.perms) == 0 {
		return fingerprint(vals)
	}
	return fingerprint(ck.symmetryRep(c, vals)) // symmetry.go
}

func (ck *checker) inModel(c *ctx, vals []Value) bool {
	if len(ck.constraints) == 0 {
		return true
	}
	c.cur, c.next = vals, nil
	for _, n := range ck.constraints {
		if !evalBool(c, n, nil, loc{}) {
			return false
		}
	}
	return true
}

func (ck *checker) actionOK(c *ctx, s, t []Value) bool {
	if len(ck.actCons) == 0 {
		return true
	}
	c.cur, c.next = s, t
	for _, n := range ck.actCons {
		if !evalBool(c, n, nil, loc{}) {
			return false
		}
	}
	return true
}

// initStates enumerates the initial states.
func (ck *checker) initStates(c *ctx, fn func(vals []Value) bool) {
	c.init, c.cur, c.next = true, nil, make([]Value, ck.nvars)
	defer func() { c.init = false }()
	enum(c, ck.init, nil, &enumState{}, func() bool {
		for i, v := range c.next {
			if v == nil {
				failf("The initial predicate does not assign the variable %s.", ck.m.vars[i].name)
			}
		}
		return fn(append([]Value(nil), c.next...))
	})
}

// successors enumerates the successors of s with their action.
func (ck *checker) successors(c *ctx, s []Value, fn func(t []Value, act *opDef) bool) {
	c.cur, c.next, c.primed, c.action = s, make([]Value, ck.nvars), false, nil
	enum(c, ck.next, nil, &enumState{split: true}, func() bool {
		for i, v := range c.next {
			if v == nil {
				name := ck.nextName
				if c.action != nil {
					name = c.action.name
				}
				failf("Successor state is not completely specified by action %s: variable %s is not assigned.", name, ck.m.vars[i].name)
			}
		}
		t := append([]Value(nil), c.next...)
		act := c.action
		stop := fn(t, act)
		c.cur = s
		return stop
	})
	c.next = nil
}

func (ck *checker) checkInvs(c *ctx, vals []Value, list []named) (string, error) {
	c.cur, c.next = vals, nil
	for _, inv := range list {
		b, err := evalCatch(c, inv.n)
		if err != nil {
			return inv.name, err
		}
		if !b {
			return inv.name, nil
		}
	}
	return "", nil
}

func evalCatch(c *ctx, n node) (b bool, err error) {
	defer catch(&err)
	return evalBool(c, n, nil, loc{}), nil
}

func (ck *checker) run() (*Result, error) {
	start := time.Now()
	res := &Result{}
	c, ec := ck.newCtx(), ck.newCtx() // checks, enumeration
	// TLCGet("level") of an initial state (0 in Init itself, as TLC)
	c.level = 1
	level := ck.newQueue()
	level.cd = ck.codec // many initial states are encoded, as successors are
	defer func() { level.close() }()
	var viol *violCand
	var initErr error
	func() {
		defer catch(&initErr)
		ck.initStates(ec, func(vals []Value) bool {
			res.Generated++
			if !ck.inModel(c, vals) {
				return false
			}
			fp := ck.fp(c, vals)
			isNew := ck.seen.offer(fp, uint64(res.Generated))
			if ck.cov != nil {
				ck.cov.initial(vals, fp, isNew)
			}
			if !isNew {
				return false
			}
			if name, err := ck.checkPlans(c, vals); name != "" || err != nil {
				viol = &violCand{kind: "invariant", name: name, err: err, fp: fp, init: true}
				if err != nil {
					viol.kind = "error"
				}
				return true
			}
			if name, err := ck.checkInvs(c, vals, ck.initProps); name != "" || err != nil {
				viol = &violCand{kind: "property", name: name, err: err, fp: fp, init: true}
				if err != nil {
					viol.kind = "error"
				}
				return true
			}
			level.add(cand{live: &liveState{vals: vals}, fp: fp})
			ck.tlog.add(fp, -1)
			return false
		})
	}()
	if initErr != nil {
		return nil, fmt.Errorf("evaluating the initial predicate: %w", initErr)
	}
	if err := level.finish(); err != nil {
		return nil, err
	}
	res.Distinct = int64(ck.seen.len())
	ck.generated.Store(res.Generated)
	ck.printf("Finished computing initial states: %d distinct state%s generated.\n", res.Distinct, plural(res.Distinct))
	if level.len() > 0 || viol != nil {
		res.Depth = 1
	}
	var done chan struct{}
	if ck.opts.Progress != nil {
		done = make(chan struct{})
		defer close(done)
		go func() {
			t := time.NewTicker(ck.opts.ProgressEvery)
			defer t.Stop()
			for {
				select {
				case <-done:
					return
				case <-t.C:
					ck.progress(start)
				}
			}
		}()
	}
	ck.seen.endLevel()
	for viol == nil && level.len() > 0 {
		ck.levelStart = ck.tlog.len() - int64(level.len())
		next, v, err := ck.step(level, res)
		if err != nil {
			next.close()
			return nil, err
		}
		viol = v
		res.Distinct = int64(ck.seen.len())
		if viol != nil {
			res.Left = int64(level.len()-int(viol.i)-1) + int64(next.len())
			if res.Left < 0 {
				res.Left = 0
			}
		}
		if next.len() > 0 {
			res.Depth++
		}
		level.close()
		level = next
	}
	res.Elapsed = time.Since(start)
	ck.depth.Store(int64(res.Depth))
	ck.levelSize.Store(0)
	ck.expanded.Store(0)
	ck.levelBase.Store(res.Distinct)
	ck.generated.Store(res.Generated)
	if viol == nil {
		for _, p := range ck.post {
			ok, err := evalCatch(ck.newCtx(), p.n)
			if err != nil {
				return nil, fmt.Errorf("postcondition %s: %w", p.name, err)
			}
			if !ok {
				res.Violation = &Violation{Kind: "postcondition", Name: p.name}
				return res, nil
			}
		}
	}
	if viol == nil && len(ck.liveProps) > 0 {
		ck.printf("Checking temporal properties for the complete state space with %d total distinct states\n", res.Distinct)
		v, err := ck.checkLiveness()
		if err != nil {
			return nil, fmt.Errorf("checking temporal properties: %w", err)
		}
		res.Violation = v
	}
	if viol != nil {
		v, err := ck.violation(viol)
		if err != nil {
			return nil, err
		}
		res.Violation = v
	}
	return res, nil
}

func plural(n int64) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (ck *checker) printf(format string, args ...any) {
	if ck.opts.Out != nil {
		fmt.Fprintf(ck.opts.Out, format, args...)
	}
}

func (ck *checker) distinct() int64 { return int64(ck.seen.len()) }

func (ck *checker) queue() int64 {
	return max(ck.levelSize.Load()-ck.expanded.Load()+(ck.distinct()-ck.levelBase.Load()), 0)
}

// progress prints TLC's periodic line from counters the workers update.
func (ck *checker) progress(start time.Time) {
	mins := time.Since(start).Minutes()
	gen, dist, left := ck.generated.Load(), ck.distinct(), ck.queue()
	fmt.Fprintf(ck.opts.Progress, "Progress(%d) at %s: %s states generated (%s s/min), %s distinct states found (%s ds/min), %s states left on queue.\n",
		ck.depth.Load(), time.Now().Format("2006-01-02 15:04:05"), group(gen), group(int64(float64(gen)/mins)),
		group(dist), group(int64(float64(dist)/mins)), group(left))
}

func group(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

const chunk = 64

func (ck *checker) newQueue() *stateQueue {
	return newStateQueue(ck.opts.QueueMemory, ck.opts.QueueDir)
}

type chunkRes struct {
	cands     []cand
	newViols  []*violCand // invariant violations of new states
	generated int64
	viol      *violCand
	cov       *covChunk // -coverage, -dump
	arena     *encArena // the worker's, for the encoded states of cands
}

// step expands one BFS level in parallel and returns the next level. Each
// chunk's new states join the next level as soon as every chunk before it
// is done (a later chunk cannot discover a state earlier), so the next
// level is built in order, deterministically, while the workers run.
func (ck *checker) step(level *stateQueue, res *Result) (*stateQueue, *violCand, error) {
	nchunks := level.chunks()
	results := make([]chunkRes, nchunks)
	for k := range results {
		results[k].cov = ck.cov.chunk()
	}
	next := ck.newQueue()
	var viol *violCand
	var mu sync.Mutex
	done := make([]bool, nchunks)
	merged := 0
	var readErr error
	finished := func(k int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil && readErr == nil {
			readErr = err
		}
		done[k] = true
		for merged < nchunks && done[merged] {
			ck.mergeChunk(&results[merged], next, &viol, res)
			results[merged] = chunkRes{}
			merged++
		}
	}
	ck.levelSize.Store(int64(level.len()))
	ck.expanded.Store(0)
	ck.levelBase.Store(int64(ck.seen.len()))
	ck.depth.Store(int64(res.Depth))
	var nextChunk atomic.Int64
	var wg sync.WaitGroup
	workers := ck.opts.Workers
	if workers > nchunks {
		workers = nchunks
	}
	work := func() {
		c, ec := ck.newCtx(), ck.newCtx()
		c.level, ec.level = res.Depth, res.Depth
		// the evaluator's stacks of one level serve the next (a trace
		// spec has a level per state)
		if t, ok := ck.tmps.Get().(*[2]tmpStack); ok {
			c.tmp, ec.tmp = t[0], t[1]
		}
		if t, ok := ck.memos.Get().(*[2]*memoTable); ok {
			c.memo, ec.memo = t[0], t[1] // and the memos (keyed by values, not by level)
		}
		defer func() {
			c.tmp.reset()
			ec.tmp.reset()
			ck.tmps.Put(&[2]tmpStack{c.tmp, ec.tmp})
			ck.memos.Put(&[2]*memoTable{c.memo, ec.memo})
		}()
		arena := &encArena{}
		var buf []byte
		var states []cand
		for {
			k := int(nextChunk.Add(1) - 1)
			if k >= nchunks {
				return
			}
			var err error
			states, err = level.read(k, &buf, states)
			if err == nil {
				results[k].arena = arena
				ck.expand(c, ec, states, k*chunk, level.len(), &results[k])
				ck.expanded.Add(int64(len(states)))
				ck.generated.Add(results[k].generated)
			}
			finished(k, err)
		}
	}
	if workers <= 1 {
		// on this goroutine, whose stack has already grown to the evaluator's
		// depth: a fresh goroutine per level (a trace has one state per level)
		// would spend its time copying stacks
		work()
	} else {
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				work()
			}()
		}
		wg.Wait()
	}
	if readErr == nil {
		readErr = next.finish()
	}
	if readErr != nil {
		return next, nil, readErr
	}
	if ck.view != nil && len(ck.invs) > 0 && next.len() > 0 {
		v, err := ck.checkLevel(next, res.Depth+1)
		if err != nil {
			return next, nil, err
		}
		if v != nil && less(v, viol) {
			viol = v
		}
	}
	ck.seen.endLevel()
	return next, viol, nil
}

// mergeChunk adds a chunk's new states to the next level, in order:
// deterministic parents and next-level order.
func (ck *checker) mergeChunk(r *chunkRes, next *stateQueue, viol **violCand, res *Result) {
	res.Generated += r.generated
	if r.viol != nil && less(r.viol, *viol) {
		*viol = r.viol
	}
	var kept []bool
	if r.cov != nil {
		kept = make([]bool, len(r.cands))
	}
	for x, cd := range r.cands {
		// keep only the earliest discovery of each state
		if k, _ := ck.seen.levelKey(cd.fp); k == orderKey(cd.i, cd.j) {
			next.add(cd)
			ck.tlog.add(cd.fp, ck.levelStart+int64(cd.i))
			if kept != nil {
				kept[x] = true
			}
		}
	}
	if r.cov != nil {
		ck.cov.merge(r.cov, r.cands, kept)
	}
	for _, v := range r.newViols {
		k, _ := ck.seen.levelKey(v.fp)
		v.i, v.j = int32(k>>32), int32(uint32(k))
		if less(v, *viol) {
			*viol = v
		}
	}
}

func orderKey(i, j int32) uint64 { return uint64(i)<<32 | uint64(uint32(j)) }

// expand computes the successors of states, the chunk of the level (of
// levelLen states) that starts at index lo.
func (ck *checker) expand(c, ec *ctx, states []cand, lo, levelLen int, r *chunkRes) {
	// TLCGet("level"), as TLC: the expanded state's depth in the action and
	// its properties and constraints, the successor's in the state
	// constraints and invariants
	depth := ec.level
	defer func() { c.level = depth }()
	for x := range states {
		i := lo + x
		s := states[x]
		sv := ck.stateOf(&s)
		var svh []uint64
		if ck.plainFP() {
			if s.live != nil {
				svh = s.live.vh
			}
			if svh == nil {
				svh = varHashes(sv, nil, nil)
			}
		}
		states[x].live = nil // let the level's values go as it is expanded
		// the variables each successor changes, for incremental invariant
		// checking (sv satisfies the invariants: it was checked when found)
		var changed varSet
		incr := !ck.opts.NoIncremental && len(ck.plans) > 0
		if incr {
			changed = newVarSet(ck.nvars)
		}
		checkInvs := func(t []Value, vh []uint64) (string, error) {
			if !incr {
				return ck.checkPlans(c, t)
			}
			changedVars(changed, t, sv, vh, svh)
			return ck.checkInvsFrom(c, t, sv, changed)
		}
		if r.viol != nil && r.viol.i < int32(i) {
			return
		}
		j := int32(0)
		err := func() (err error) {
			defer catch(&err)
			ck.successors(ec, sv, func(t []Value, act *opDef) bool {
				r.generated++
				j++
				if r.cov != nil {
					r.cov.generated[act]++
				}
				// Like TLC, action properties are checked on every transition, and
				// invariants also on successors outside the model (constraints).
				c.level = depth
				for k, p := range ck.actProps {
					c.cur, c.next = sv, t
					var ok bool
					var err error
					if vars := ck.boxVars[k]; vars != nil && !ck.opts.NoIncremental {
						ok, err = boxHolds(c, p.n.(*sub), vars, sv, t)
					} else {
						ok, err = evalCatch(c, p.n)
					}
					if err != nil || !ok {
						v := &violCand{i: int32(i), j: j, kind: "action property", name: p.name, err: err, from: sv, to: t}
						if err != nil {
							v.kind = "error"
						}
						if less(v, r.viol) {
							r.viol = v
						}
						return true
					}
				}
				c.level = depth + 1 // a VIEW is the successor's
				var fp uint64
				var vh []uint64
				if svh != nil {
					vh = varHashes(t, sv, svh)
					fp = combine(vh)
				} else {
					fp = ck.fp(c, t)
				}
				if r.cov != nil && ck.opts.DumpFormat == DumpDot {
					r.cov.edges = append(r.cov.edges, dumpEdge{from: s.fp, to: fp, act: act})
				}
				c.level = depth
				actOK := ck.actionOK(c, sv, t)
				c.level = depth + 1
				if !actOK || !ck.inModel(c, t) {
					if len(ck.invs) == 0 || ck.view == nil && ck.outCache.seen(fp) {
						return false // already checked: invariants are deterministic
					}
					if name, err := checkInvs(t, vh); name != "" || err != nil {
						v := &violCand{i: int32(i), j: j, kind: "invariant", name: name, err: err, from: sv, to: t}
						if err != nil {
							v.kind = "error"
						}
						if less(v, r.viol) {
							r.viol = v
						}
						return true
					}
					ck.outCache.add(fp)
					return false
				}
				if !ck.seen.offer(fp, orderKey(int32(i), j)) {
					return false
				}
				if r.cov != nil {
					r.cov.candAct = append(r.cov.candAct, act)
				}
				if levelLen <= smallLevel {
					r.cands = append(r.cands, cand{live: &liveState{vals: t, vh: vh}, fp: fp, i: int32(i), j: j})
				} else {
					r.cands = append(r.cands, cand{enc: r.arena.encode(ck.codec, t), fp: fp, i: int32(i), j: j})
				}
				if ck.view == nil && len(ck.invs) > 0 {
					// checked here, while the state is at hand; the violation's
					// order is fixed after the merge (an earlier discovery may win)
					if name, err := checkInvs(t, vh); name != "" || err != nil {
						v := &violCand{i: int32(i), j: j, kind: "invariant", name: name, err: err, fp: fp}
						if err != nil {
							v.kind = "error"
						}
						r.newViols = append(r.newViols, v)
					}
				}
				return false
			})
			return nil
		}()
		if err != nil {
			v := &violCand{i: int32(i), j: j + 1, kind: "error", err: err, from: sv}
			if less(v, r.viol) {
				r.viol = v
			}
			return
		}
		if j == 0 && ck.deadlock {
			v := &violCand{i: int32(i), j: 0, kind: "deadlock", from: sv}
			if less(v, r.viol) {
				r.viol = v
			}
			return
		}
	}
}

// checkLevel checks invariants on new states in parallel; the violation
// with the smallest (parent, successor) order wins.
func (ck *checker) checkLevel(next *stateQueue, depth int) (*violCand, error) {
	nchunks := next.chunks()
	found := make([]*violCand, nchunks)
	errs := make([]error, nchunks)
	var nextChunk atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(ck.opts.Workers, nchunks); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ck.newCtx()
			c.level = depth // the new states' depth (TLCGet("level"))
			var buf []byte
			var states []cand
			for {
				k := int(nextChunk.Add(1) - 1)
				if k >= nchunks {
					return
				}
				var err error
				if states, err = next.read(k, &buf, states); err != nil {
					errs[k] = err
					continue
				}
				for _, cd := range states {
					name, err := ck.checkPlans(c, ck.stateOf(&cd))
					if name != "" || err != nil {
						v := &violCand{i: cd.i, j: cd.j, kind: "invariant", name: name, err: err, fp: cd.fp}
						if err != nil {
							v.kind = "error"
						}
						found[k] = v
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	var best *violCand
	for _, v := range found {
		if v != nil && less(v, best) {
			best = v
		}
	}
	return best, nil
}

// violation rebuilds the counterexample for a violation candidate.
func (ck *checker) violation(v *violCand) (*Violation, error) {
	out := &Violation{Kind: v.kind, Name: v.name, Err: v.err}
	var chain []uint64
	switch {
	case v.init:
		chain = []uint64{v.fp}
	case v.from == nil:
		// a new state, found from state i of the level
		chain = append(ck.tlog.path(ck.levelStart+int64(v.i)), v.fp)
	default:
		chain = ck.tlog.path(ck.levelStart + int64(v.i))
	}
	trace, err := ck.trace(chain)
	if err != nil {
		return nil, err
	}
	if v.to != nil {
		trace = append(trace, ck.stepTo(len(trace), trace[len(trace)-1].Vals, v.to))
	}
	out.Trace = trace
	return out, nil
}

func (ck *checker) stepTo(depth int, s, t []Value) TraceStep {
	label := "<" + ck.nextName + ">"
	c := ck.newCtx()
	c.level = depth // of s, for TLCGet("level") in Next
	ck.successors(c, s, func(u []Value, act *opDef) bool {
		if fingerprint(u) == fingerprint(t) {
			label = actionLabel(act, ck.nextName)
			return true
		}
		return false
	})
	return TraceStep{Action: label, Vars: ck.m.Variables(), Vals: t}
}

func actionLabel(d *opDef, fallback string) string {
	if d == nil {
		return "<" + fallback + ">"
	}
	start, end := d.pos, d.pos
	if d.defAST != nil {
		start, end = d.defAST.BodyPos, d.defAST.End
		end.Col-- // inclusive, as TLC prints it
	}
	return fmt.Sprintf("<%s line %d, col %d to line %d, col %d of module %s>", d.name, start.Line, start.Col, end.Line, end.Col, d.mod)
}

// trace replays the path through the states with fingerprints chain,
// from an initial state.
func (ck *checker) trace(chain []uint64) (steps []TraceStep, err error) {
	defer catch(&err)
	c, ec := ck.newCtx(), ck.newCtx()
	c.level = 1 // the depth a VIEW is evaluated at, as in the search
	var cur []Value
	ck.initStates(ec, func(vals []Value) bool {
		if ck.fp(c, vals) == chain[0] {
			cur = vals
			return true
		}
		return false
	})
	if cur == nil {
		return nil, errors.New("internal error: initial state of the trace not found")
	}
	vars := ck.m.Variables()
	steps = append(steps, TraceStep{Action: "<Initial predicate>", Vars: vars, Vals: cur})
	for i, want := range chain[1:] {
		var found []Value
		var act *opDef
		ec.level, c.level = i+1, i+2 // TLCGet("level"): cur's depth in Next, the successor's in a VIEW
		ck.successors(ec, cur, func(t []Value, a *opDef) bool {
			if ck.fp(c, t) == want {
				found, act = t, a
				return true
			}
			return false
		})
		if found == nil {
			return nil, errors.New("internal error: trace step not reproducible")
		}
		steps = append(steps, TraceStep{Action: actionLabel(act, ck.nextName), Vars: vars, Vals: found})
		cur = found
	}
	return steps, nil
}

// FormatTrace prints a counterexample as TLC does.
func FormatTrace(w io.Writer, steps []TraceStep) {
	for i, s := range steps {
		fmt.Fprintf(w, "State %d: %s\n", i+1, s.Action)
		for k, name := range s.Vars {
			if len(s.Vars) == 1 {
				fmt.Fprintf(w, "%s = %s\n", name, Format(s.Vals[k]))
			} else {
				fmt.Fprintf(w, "/\\ %s = %s\n", name, Format(s.Vals[k]))
			}
		}
		fmt.Fprintln(w)
	}
}

// syncWriter serialises Print output from parallel workers.
type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}
