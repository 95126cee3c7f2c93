package tla

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// EvalError is a run-time error with the position of the failing expression.
type EvalError struct {
	File string
	Pos  syntax.Pos
	Msg  string
}

func (e *EvalError) Error() string {
	if e.File == "" && e.Pos.Line == 0 {
		return e.Msg
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// loc is a source location carried by nodes that can fail.
type loc struct {
	file string
	pos  syntax.Pos
}

func (l loc) failf(format string, args ...any) {
	panic(&EvalError{File: l.file, Pos: l.pos, Msg: fmt.Sprintf(format, args...)})
}

func failf(format string, args ...any) {
	panic(&EvalError{Msg: fmt.Sprintf(format, args...)})
}

// catch converts an evaluation panic into an error.
func catch(err *error) {
	if r := recover(); r != nil {
		if e, ok := r.(*EvalError); ok {
			*err = e
			return
		}
		if os.Getenv("TLA_DEBUG") != "" {
			debug.PrintStack()
		}
		*err = fmt.Errorf("internal error: %v", r)
	}
}

// env is a linked list of bound values, indexed by de Bruijn depth.
type env struct {
	v  Value
	up *env
}

func (e *env) get(c *ctx, depth int) Value {
	for ; depth > 0; depth-- {
		e = e.up
	}
	if t, ok := e.v.(*thunk); ok {
		return t.force(c)
	}
	return e.v
}

func push(e *env, v Value) *env { return &env{v: v, up: e} }

// raw is the value at depth without forcing a thunk.
func (e *env) raw(depth int) Value {
	for ; depth > 0; depth-- {
		e = e.up
	}
	return e.v
}

// thunk is a lazily evaluated value (LET definitions, action-level
// arguments). Only thunks without primes are memoised: an action's
// branches assign primed variables differently.
type thunk struct {
	n      node
	e      *env
	primed bool
	memo   bool
	done   bool
	v      Value
}

func (t *thunk) force(c *ctx) Value {
	if c.primed && !t.primed {
		return t.n.eval(c, t.e) // v' for v == e means e'
	}
	if t.done {
		return t.v
	}
	saved := c.primed
	c.primed = t.primed
	v := t.n.eval(c, t.e)
	c.primed = saved
	if t.memo {
		t.v, t.done = v, true
	}
	return v
}

// Closure is an operator value: a definition with its environment, or a builtin.
type Closure struct {
	def *opDef
	env *env
	b   *builtin
}

func (cl *Closure) name() string {
	if cl.b != nil {
		return cl.b.name
	}
	return cl.def.name
}

func (cl *Closure) arity() int {
	if cl.b != nil {
		return cl.b.arity
	}
	return len(cl.def.params)
}

// ctx is per-worker evaluation state.
type ctx struct {
	m      *Model
	cur    []Value
	next   []Value
	primed bool
	out    io.Writer
	level  int    // TLCGet("level")
	init   bool   // evaluating Init: unprimed variables are being assigned
	action *opDef // action being expanded, for trace labels
	stack  []Value
	// subNext holds, inside ENABLED written in an instantiated module, the
	// primed values of that module's substituted variables (nil: unassigned)
	subNext map[*subst]Value
	// symCache: this worker's images of values under SYMMETRY (symmetry.go)
	symCache *symCache
	// tmp: links and thunks of bindings nothing keeps once their scope
	// ends (retainsEnv), reused in stack order instead of allocated
	tmp tmpStack
	// assigned: the variables UNCHANGED assigned, for the enumerations
	// in progress (enum)
	assigned []int
	// memo: this worker's memoised state functions (memo.go); nil: none
	memo *memoTable
}

// tmpStack hands out env links and thunks in chunks, released in stack
// order (mark, then release to the mark). A panic that skips a release
// only leaves the slots in use until an enclosing scope releases. The
// first chunks are small: contexts made for lazy values live briefly.
type tmpStack struct {
	links  tmpChunks[env]
	thunks tmpChunks[thunk]
}

type tmpChunks[T any] struct {
	chunks [][]T
	ci     int // chunk in use
	off    int // slots used in it
}

type tmpMark struct{ lc, lo, tc, to int }

func (s *tmpStack) mark() tmpMark {
	return tmpMark{s.links.ci, s.links.off, s.thunks.ci, s.thunks.off}
}

// release clears the slots taken since m (they must not keep values
// alive) and frees them.
func (s *tmpStack) release(m tmpMark) {
	s.links.release(m.lc, m.lo)
	s.thunks.release(m.tc, m.to)
}

func (t *tmpChunks[T]) release(ci, off int) {
	if len(t.chunks) == 0 {
		return
	}
	for t.ci > ci {
		clear(t.chunks[t.ci][:t.off])
		t.ci--
		t.off = len(t.chunks[t.ci])
	}
	if t.off > off {
		clear(t.chunks[ci][off:t.off])
	}
	t.off = off
}

// take returns n zeroed slots in one chunk.
func (t *tmpChunks[T]) take(n int) []T {
	if len(t.chunks) == 0 {
		t.chunks = append(t.chunks, make([]T, max(8, n)))
	}
	for t.off+n > len(t.chunks[t.ci]) {
		if t.ci+1 == len(t.chunks) {
			t.chunks = append(t.chunks, make([]T, max(min(4*len(t.chunks[t.ci]), 1024), n)))
		}
		t.ci++
		t.off = 0
	}
	t.off += n
	return t.chunks[t.ci][t.off-n : t.off : t.off]
}

// reset frees every slot (what a panic left taken too), keeping the chunks.
func (s *tmpStack) reset() {
	s.links.release(0, 0)
	s.thunks.release(0, 0)
}

// envs returns n zeroed links.
func (s *tmpStack) envs(n int) []env { return s.links.take(n) }

func (s *tmpStack) thunk() *thunk { return &s.thunks.take(1)[0] }

// snapshot returns a factory of fresh contexts seeing the same states: lazy
// values may be forced later, by any worker.
func (c *ctx) snapshot() func() *ctx {
	m, out, cur, next, primed, level, init := c.m, c.out, c.cur, c.next, c.primed, c.level, c.init
	if next != nil {
		next = append([]Value(nil), next...)
	}
	// init: a lazy value made in Init reads the variables Init assigned so far
	return func() *ctx {
		return &ctx{m: m, out: out, cur: cur, next: next, primed: primed, level: level, init: init}
	}
}

func (c *ctx) apply(cl *Closure, args []Value, at loc) Value {
	if cl.b != nil {
		if cl.b.arity >= 0 && len(args) != cl.b.arity {
			at.failf("operator %s expects %d arguments, got %d", cl.b.name, cl.b.arity, len(args))
		}
		return cl.b.fn(c, args, at)
	}
	if len(args) != len(cl.def.params) {
		at.failf("operator %s expects %d arguments, got %d", cl.def.name, len(cl.def.params), len(args))
	}
	e := cl.env
	links := make([]env, len(args))
	for i, a := range args {
		links[i] = env{v: a, up: e}
		e = &links[i]
	}
	if cl.def.recursive {
		enterRec(at, cl.def.name)
		defer leaveRec()
	}
	return cl.def.body.eval(c, e)
}

// node is a compiled expression.
type node interface {
	eval(c *ctx, e *env) Value
}

// opDef is a compiled operator definition.
type opDef struct {
	name   string
	params []syntax.Param
	body   node
	level  int
	loc
	isFunc bool
	// recursive: declared RECURSIVE (calls count towards maxRecDepth)
	recursive bool
	cached    bool      // constant level, zero arity, no instance parameters
	memoID    int32     // zero arity, no instance parameters: its memo slot (memo.go)
	saved     *savedDef // the compiled body while the configuration overrides it
	mu        sync.Mutex
	hasVal    bool
	val       Value
	fast      atomic.Pointer[Value]
	busy      bool
	mod       string
	defAST    *syntax.OpDef
	compile   func() // compiles body on demand (set while pending)
	// keeps: whether body may keep its environment (retainsEnv), for the
	// body it was computed on (the configuration may replace the body)
	keeps atomic.Pointer[keepsFor]
}

type keepsFor struct {
	body  node
	keeps bool
}

// persist copies an environment, and the thunks in it, to the heap: a
// lazy value made in a scope whose links are on the context's stack
// (tmpStack) keeps the copy. A copied thunk forced later computes what the
// original would have (its environment is copied too).
func persist(e *env, seen map[*env]*env) *env {
	if e == nil {
		return nil
	}
	if p, ok := seen[e]; ok {
		return p
	}
	p := &env{}
	seen[e] = p
	p.up = persist(e.up, seen)
	if t, ok := e.v.(*thunk); ok {
		pt := *t
		pt.e = persist(t.e, seen)
		p.v = &pt
	} else {
		p.v = e.v
	}
	return p
}

// bodyKeepsEnv is retainsEnv(d.body), cached.
func (d *opDef) bodyKeepsEnv() bool {
	if k := d.keeps.Load(); k != nil && k.body == d.body {
		return k.keeps
	}
	k := &keepsFor{body: d.body, keeps: retainsEnv(d.body)}
	d.keeps.Store(k)
	return k.keeps
}

// keepsEnv caches retainsEnv of some nodes in f (0 not yet known, 1 they
// keep nothing, 2 they may keep their environment).
func keepsEnv(f *atomic.Int32, ns ...node) bool {
	r := f.Load()
	if r == 0 {
		r = 1
		for _, n := range ns {
			if n != nil && retainsEnv(n) {
				r = 2
				break
			}
		}
		f.Store(r)
	}
	return r == 2
}

func (d *opDef) value(c *ctx, e *env) Value {
	if !d.cached {
		return d.body.eval(c, e)
	}
	if p := d.fast.Load(); p != nil {
		return *p
	}
	d.mu.Lock()
	if d.hasVal {
		v := d.val
		d.mu.Unlock()
		return v
	}
	if d.busy {
		d.mu.Unlock()
		// recursive reference while computing (a recursive function); no caching
		return d.body.eval(c, e)
	}
	d.busy = true
	d.mu.Unlock()
	// a private context: lazy values built here may be used by any worker
	v := d.body.eval(&ctx{m: c.m, out: c.out}, e)
	d.mu.Lock()
	d.busy = false
	d.hasVal, d.val = true, v
	d.fast.Store(&v)
	d.mu.Unlock()
	return v
}

// ---- nodes ----

type lit struct{ v Value }

func (n *lit) eval(*ctx, *env) Value { return n.v }

type varRef struct {
	idx  int
	name string
	loc
}

func (n *varRef) eval(c *ctx, _ *env) Value {
	if c.primed || c.init {
		if c.next == nil {
			n.failf("primed variable %s' used in a state predicate", n.name)
		}
		v := c.next[n.idx]
		if v == nil {
			if c.init {
				n.failf("variable %s is used before it is assigned a value", n.name)
			}
			n.failf("variable %s' is used before it is assigned a value", n.name)
		}
		return v
	}
	if c.cur == nil {
		n.failf("variable %s used in a constant expression", n.name)
	}
	return c.cur[n.idx]
}

type prime struct {
	x node
	loc
}

func (n *prime) eval(c *ctx, e *env) Value {
	if c.primed {
		n.failf("double prime")
	}
	if r, ok := n.x.(*substRef); ok && c.subNext != nil {
		if v, ok := c.subNext[r.sub]; ok && v == nil {
			n.failf("in ENABLED: a variable of the instantiated module is used primed before it is assigned a value")
		}
	}
	c.primed = true
	v := n.x.eval(c, e)
	c.primed = false
	return v
}

type envRef struct {
	depth int
	name  string
}

func (n *envRef) eval(c *ctx, e *env) Value { return e.get(c, n.depth) }

// constRef reads a CONSTANT's value from the model.
type constRef struct {
	k *constDecl
	loc
}

func (n *constRef) eval(c *ctx, e *env) Value {
	return n.k.get(c, n.loc)
}

// substRef evaluates an INSTANCE substitution in the instantiating scope.
type substRef struct {
	skip int
	x    node
	sub  *subst
}

func (n *substRef) eval(c *ctx, e *env) Value {
	if c.primed && c.subNext != nil {
		if v := c.subNext[n.sub]; v != nil {
			return v
		}
	}
	for i := 0; i < n.skip; i++ {
		e = e.up
	}
	return n.x.eval(c, e)
}

// recDepth counts the frames of recursive operators and functions being
// evaluated, over all workers: unbounded recursion must end in an error at
// the call, not in a fatal Go stack overflow.
var recDepth atomic.Int64

const maxRecDepth = 1 << 15

func enterRec(at loc, name string) {
	if recDepth.Add(1) > maxRecDepth {
		recDepth.Add(-1)
		at.failf("recursion of %s is deeper than %d calls (infinite recursion?)", name, maxRecDepth)
	}
}

func leaveRec() { recDepth.Add(-1) }

type call struct {
	def  *opDef
	base int // env links to keep (instance parameters)
	args []node
	lazy []bool
	loc
}

func (n *call) eval(c *ctx, e *env) Value {
	ne := n.baseEnv(e)
	if len(n.args) == 0 {
		if n.def.recursive {
			enterRec(n.loc, n.def.name)
			defer leaveRec()
		} else if c.memo != nil && n.base < 0 && n.def.memoizable() {
			return c.memoized(n.def.memoID, n, n.def.body)
		}
		return n.def.value(c, ne)
	}
	// the arguments' links in one allocation; on the context's stack when
	// the body keeps nothing of its environment
	var links []env
	tmp := !n.def.bodyKeepsEnv()
	var m tmpMark
	if tmp {
		m = c.tmp.mark()
		links = c.tmp.envs(len(n.args))
	} else {
		links = make([]env, len(n.args))
	}
	ne = n.bindArgs(c, links, e, ne)
	if n.def.recursive {
		enterRec(n.loc, n.def.name)
		defer leaveRec()
	}
	if tmp {
		v := n.def.body.eval(c, ne)
		c.tmp.release(m)
		return v
	}
	return n.def.body.eval(c, ne)
}

// bindArgs links the arguments (thunks where lazy), evaluated in e, into links above ne.
func (n *call) bindArgs(c *ctx, links []env, e, ne *env) *env {
	for i, a := range n.args {
		l := &links[i]
		if n.lazy[i] {
			l.v = &thunk{n: a, e: e, primed: c.primed}
		} else {
			l.v = a.eval(c, e)
		}
		l.up = ne
		ne = l
	}
	return ne
}

func (n *call) baseEnv(e *env) *env {
	if n.base < 0 {
		return nil
	}
	for i := 0; i < n.base; i++ {
		e = e.up
	}
	return e
}

// callValue applies an operator value found in the environment or a constant.
type callValue struct {
	fn   node
	args []node
	// lazy: the argument is of action level (x'), passed unevaluated when
	// the operator is expanded in an action, as for a definition's call
	lazy []bool
	loc
}

func (n *callValue) eval(c *ctx, e *env) Value {
	f := n.fn.eval(c, e)
	cl, ok := f.(*Closure)
	if !ok {
		n.failf("%s is not an operator", Format(f))
	}
	args := make([]Value, len(n.args))
	for i, a := range n.args {
		args[i] = a.eval(c, e)
	}
	return c.apply(cl, args, n.loc)
}

type builtinCall struct {
	b    *builtin
	args []node
	loc
}

func (n *builtinCall) eval(c *ctx, e *env) Value {
	// arguments live on a per-context stack: builtins never retain them
	base := len(c.stack)
	for _, a := range n.args {
		v := a.eval(c, e)
		c.stack = append(c.stack, v)
	}
	args := c.stack[base:len(c.stack):len(c.stack)]
	v := n.b.fn(c, args, n.loc)
	clear(c.stack[base:])
	c.stack = c.stack[:base]
	return v
}

// opValue makes a Closure for an operator passed as an argument.
type opValue struct {
	def  *opDef
	base int
	b    *builtin
}

func (n *opValue) eval(c *ctx, e *env) Value {
	if n.b != nil {
		return &Closure{b: n.b}
	}
	var ce *env
	if n.base >= 0 {
		ce = e
		for i := 0; i < n.base; i++ {
			ce = ce.up
		}
	}
	return &Closure{def: n.def, env: ce}
}

type lambda struct{ def *opDef }

func (n *lambda) eval(c *ctx, e *env) Value { return &Closure{def: n.def, env: e} }

type letDef struct {
	def  *opDef
	zero bool
}

type letIn struct {
	defs []letDef
	body node
	// keeps: 0 not yet known, 1 nothing the LET evaluates keeps its
	// environment (its links and thunks go on the context's stack), 2 it may
	keeps atomic.Int32
}

func (n *letIn) bind(c *ctx, e *env) *env {
	for _, d := range n.defs {
		ne := &env{up: e}
		if d.zero {
			ne.v = &thunk{n: d.def.body, e: ne, primed: c.primed, memo: d.def.level < lvlAction}
		} else {
			ne.v = &Closure{def: d.def, env: ne}
		}
		e = ne
	}
	return e
}

// onStack reports whether the LET's links and thunks can go on the context's stack: nothing
// evaluated in its scope keeps its environment (decided once, then remembered in keeps).
func (n *letIn) onStack() bool {
	if n.keeps.Load() == 1 || n.keeps.Load() == 0 && !retainsEnv(n) {
		n.keeps.Store(1)
		return true
	}
	n.keeps.Store(2)
	return false
}

// bindTmp is bind with the links and thunks on the context's stack (see onStack).
func (n *letIn) bindTmp(c *ctx, e *env) *env {
	links := c.tmp.envs(len(n.defs))
	for i, d := range n.defs {
		ne := &links[i]
		ne.up = e
		t := c.tmp.thunk()
		*t = thunk{n: d.def.body, e: ne, primed: c.primed, memo: d.def.level < lvlAction}
		ne.v = t
		e = ne
	}
	return e
}

func (n *letIn) eval(c *ctx, e *env) Value {
	if n.onStack() {
		m := c.tmp.mark()
		v := n.body.eval(c, n.bindTmp(c, e))
		c.tmp.release(m)
		return v
	}
	return n.body.eval(c, n.bind(c, e))
}

func evalBool(c *ctx, n node, e *env, at loc) bool {
	v := n.eval(c, e)
	b, ok := v.(bool)
	if !ok {
		at.failf("expected a boolean but got %s", Format(v))
	}
	return b
}

type and struct {
	xs []node
	loc
}

func (n *and) eval(c *ctx, e *env) Value {
	for _, x := range n.xs {
		if !evalBool(c, x, e, n.loc) {
			return false
		}
	}
	return true
}

type or struct {
	xs []node
	loc
}

func (n *or) eval(c *ctx, e *env) Value {
	for _, x := range n.xs {
		if evalBool(c, x, e, n.loc) {
			return true
		}
	}
	return false
}

type not struct {
	x node
	loc
}

func (n *not) eval(c *ctx, e *env) Value { return !evalBool(c, n.x, e, n.loc) }

type implies struct {
	x, y node
	loc
}

func (n *implies) eval(c *ctx, e *env) Value {
	return !evalBool(c, n.x, e, n.loc) || evalBool(c, n.y, e, n.loc)
}

type equiv struct {
	x, y node
	loc
}

func (n *equiv) eval(c *ctx, e *env) Value {
	return evalBool(c, n.x, e, n.loc) == evalBool(c, n.y, e, n.loc)
}

type eq struct {
	x, y node
	neg  bool
	loc
}

func (n *eq) eval(c *ctx, e *env) Value {
	return valEq(n.x.eval(c, e), n.y.eval(c, e), n.loc) != n.neg
}

type in struct {
	x, s node
	neg  bool
	loc
}

func (n *in) eval(c *ctx, e *env) Value {
	if d, ok := n.s.(*domainOf); ok {
		v := n.x.eval(c, e)
		return inDomain(v, d.x.eval(c, e), d.loc) != n.neg
	}
	return member(n.x.eval(c, e), n.s.eval(c, e), n.loc) != n.neg
}

type ifte struct {
	cond, t, f node
	loc
}

func (n *ifte) eval(c *ctx, e *env) Value {
	if evalBool(c, n.cond, e, n.loc) {
		return n.t.eval(c, e)
	}
	return n.f.eval(c, e)
}

type caseArm struct{ cond, val node }

type caseOf struct {
	arms  []caseArm
	other node
	loc
}

func (n *caseOf) eval(c *ctx, e *env) Value {
	for _, a := range n.arms {
		if evalBool(c, a.cond, e, n.loc) {
			return a.val.eval(c, e)
		}
	}
	if n.other == nil {
		n.failf("no CASE arm applies")
	}
	return n.other.eval(c, e)
}

// cbound is a compiled quantifier bound: one name, or a tuple of names.
type cbound struct {
	n     int // names bound
	tuple bool
	set   node // nil when unbounded
}

// bind extends e with v for this bound: v itself, or the elements of the tuple v.
func (b cbound) bind(e *env, v Value, at loc) *env {
	if !b.tuple {
		return push(e, v)
	}
	t, ok := v.(*Tuple)
	if !ok || len(t.elems) != b.n {
		at.failf("cannot bind %s to a tuple of %d names", Format(v), b.n)
	}
	for _, x := range t.elems {
		e = push(e, x)
	}
	return e
}

// eachBinding calls fn with the environment extended for every combination
// of bound values; fn returns true to stop. It reports whether it stopped.
func eachBinding(c *ctx, e *env, bs []cbound, at loc, fn func(*env) bool) bool {
	return eachBindingReuse(c, e, bs, at, false, fn)
}

// eachBindingReuse is eachBinding; with reuse (nothing fn evaluates keeps
// its environment: see retainsEnv) one set of links serves every binding.
func eachBindingReuse(c *ctx, e *env, bs []cbound, at loc, reuse bool, fn func(*env) bool) bool {
	if len(bs) == 0 {
		return fn(e)
	}
	b := bs[0]
	if b.set == nil {
		at.failf("not supported: unbounded quantifier")
	}
	s := b.set.eval(c, e)
	stop := false
	var links []env
	if reuse {
		m := c.tmp.mark()
		defer c.tmp.release(m)
		links = c.tmp.envs(b.n)
	}
	forEach(s, at, func(v Value) bool {
		var ne *env
		if reuse {
			ne = b.rebind(links, e, v, at)
		} else {
			ne = b.bind(e, v, at)
		}
		if len(bs) > 1 {
			stop = eachBindingReuse(c, ne, bs[1:], at, reuse, fn)
		} else {
			stop = fn(ne)
		}
		return stop
	})
	return stop
}

// rebind is bind into the given links (len b.n), overwriting them.
func (b cbound) rebind(links []env, e *env, v Value, at loc) *env {
	if !b.tuple {
		links[0] = env{v: v, up: e}
		return &links[0]
	}
	t, ok := v.(*Tuple)
	if !ok || len(t.elems) != b.n {
		at.failf("cannot bind %s to a tuple of %d names", Format(v), b.n)
	}
	for i, x := range t.elems {
		links[i] = env{v: x, up: e}
		e = &links[i]
	}
	return e
}

// retainsEnv reports whether evaluating n may keep a reference to its
// environment once it returns (a thunk, closure or lazy value made from
// it). Conservative: only node kinds known to evaluate their operands and
// drop the environment answer false.
func retainsEnv(n node) bool {
	some := func(xs ...node) bool {
		for _, x := range xs {
			if x != nil && retainsEnv(x) {
				return true
			}
		}
		return false
	}
	switch x := n.(type) {
	case *lit, *varRef, *envRef, *constRef, *konstRef, *memo:
		return false // a memo is evaluated in no environment
	case *and:
		return some(x.xs...)
	case *or:
		return some(x.xs...)
	case *not:
		return some(x.x)
	case *implies:
		return some(x.x, x.y)
	case *equiv:
		return some(x.x, x.y)
	case *eq:
		return some(x.x, x.y)
	case *in:
		return some(x.x, x.s)
	case *ifte:
		return some(x.cond, x.t, x.f)
	case *caseOf:
		for _, a := range x.arms {
			if some(a.cond, a.val) {
				return true
			}
		}
		return some(x.other)
	case *tuple:
		return some(x.xs...)
	case *record:
		return some(x.vals...)
	case *app:
		return some(x.f) || some(x.args...)
	case *dot:
		return some(x.x)
	case *prime:
		return some(x.x)
	case *builtinCall:
		return some(x.args...)
	case *quant:
		for _, b := range x.bounds {
			if b.set == nil || retainsEnv(b.set) {
				return true
			}
		}
		return some(x.body)
	case *setFilter:
		// lazy for an infinite set, on a copy of the environment (persist)
		return some(x.bound.set, x.pred)
	case *funcCons:
		for _, b := range x.bounds {
			if retainsEnv(b.set) {
				return true
			}
		}
		return some(x.body)
	case *choose:
		return some(x.bound.set, x.body)
	case *callValue:
		return some(x.fn) || some(x.args...)
	case *unchanged:
		return some(x.x)
	case *sub:
		return some(x.a, x.v)
	case *letIn:
		// LET's thunks live in its environment and are forced, not
		// returned; an operator with parameters is a closure
		for _, d := range x.defs {
			if !d.zero || retainsEnv(d.def.body) {
				return true
			}
		}
		return some(x.body)
	case *unaryFn:
		return some(x.x)
	case *binaryFn:
		return some(x.x, x.y)
	case *domainOf:
		return some(x.x)
	case *setEnum:
		return some(x.xs...)
	case *unionEnum:
		return some(x.xs...)
	case *setMap:
		for _, b := range x.bounds {
			if b.set == nil || retainsEnv(b.set) {
				return true
			}
		}
		return some(x.elem)
	case *except:
		if some(x.f) {
			return true
		}
		for _, u := range x.upds {
			for _, step := range u.path {
				if some(step...) {
					return true
				}
			}
			if some(u.val) {
				return true
			}
		}
		return false
	case *call:
		// the callee's environment does not contain ours (base < 0), and
		// the arguments are values, not thunks
		if x.base >= 0 {
			return true
		}
		for i, a := range x.args {
			if x.lazy[i] || retainsEnv(a) {
				return true
			}
		}
		return false
	}
	return true
}

type quant struct {
	all    bool
	bounds []cbound
	body   node
	// reuse: 0 not yet known, 1 the bindings can share links (nothing
	// keeps them: retainsEnv), 2 they cannot
	reuse atomic.Int32
	loc
}

func (n *quant) eval(c *ctx, e *env) Value {
	r := n.reuse.Load()
	if r == 0 {
		r = 2
		if !retainsEnv(n) {
			r = 1
		}
		n.reuse.Store(r)
	}
	found := eachBindingReuse(c, e, n.bounds, n.loc, r == 1, func(ne *env) bool {
		return evalBool(c, n.body, ne, n.loc) != n.all
	})
	return found != n.all
}

type choose struct {
	bound cbound
	body  node
	keeps atomic.Int32 // see keepsEnv
	loc
}

func (n *choose) eval(c *ctx, e *env) Value {
	var res Value
	if n.bound.set == nil {
		n.failf("not supported: unbounded CHOOSE")
	}
	s := n.bound.set.eval(c, e)
	found := false
	var links []env
	if !keepsEnv(&n.keeps, n.body) {
		m := c.tmp.mark()
		defer c.tmp.release(m)
		links = c.tmp.envs(n.bound.n)
	}
	forEach(s, n.loc, func(v Value) bool {
		var ne *env
		if links != nil {
			ne = n.bound.rebind(links, e, v, n.loc)
		} else {
			ne = n.bound.bind(e, v, n.loc)
		}
		if evalBool(c, n.body, ne, n.loc) {
			res, found = v, true
			return true
		}
		return false
	})
	if !found {
		n.failf("Attempted to compute the value of an expression of form CHOOSE x \\in S: P, but no element of S satisfied P.")
	}
	return res
}

type setEnum struct {
	xs    []node
	konst atomic.Pointer[Set] // the set, when every element is a literal
}

func (n *setEnum) eval(c *ctx, e *env) Value {
	if k := n.konst.Load(); k != nil {
		return k
	}
	vs := make([]Value, len(n.xs))
	allLit := true
	for i, x := range n.xs {
		if _, ok := x.(*lit); !ok {
			allLit = false
		}
		vs[i] = norm(x.eval(c, e))
	}
	s := mkSet(vs)
	if allLit {
		n.konst.Store(s)
	}
	return s
}

type setFilter struct {
	bound cbound
	pred  node
	keeps atomic.Int32 // see keepsEnv
	loc
}

func (n *setFilter) eval(c *ctx, e *env) Value {
	var out []Value
	s := n.bound.set.eval(c, e)
	if !isFinite(s) && !n.bound.tuple {
		// lazy, as TLC: only membership can be tested
		snap := c.snapshot()
		pe := persist(e, map[*env]*env{})
		return &FilterSet{base: s, pred: func(v Value) bool { return evalBool(snap(), n.pred, push(pe, v), n.loc) }}
	}
	var links []env
	if !keepsEnv(&n.keeps, n.pred) {
		m := c.tmp.mark()
		defer c.tmp.release(m)
		links = c.tmp.envs(n.bound.n)
	}
	forEach(s, n.loc, func(v Value) bool {
		var ne *env
		if links != nil {
			ne = n.bound.rebind(links, e, v, n.loc)
		} else {
			ne = n.bound.bind(e, v, n.loc)
		}
		if evalBool(c, n.pred, ne, n.loc) {
			out = append(out, v)
		}
		return false
	})
	return &Set{elems: out} // subset of a sorted enumeration stays sorted
}

type setMap struct {
	elem   node
	bounds []cbound
	keeps  atomic.Int32 // see keepsEnv (the element only: the bounds are evaluated first)
	loc
}

func (n *setMap) eval(c *ctx, e *env) Value {
	var out []Value
	eachBindingReuse(c, e, n.bounds, n.loc, !keepsEnv(&n.keeps, n.elem), func(ne *env) bool {
		out = append(out, norm(n.elem.eval(c, ne)))
		return false
	})
	return mkSet(out)
}

type funcCons struct {
	bounds []cbound
	body   node
	loc
}

func (n *funcCons) eval(c *ctx, e *env) Value {
	// domain: single bound -> its set; several -> product of tuples
	var dom Value
	if len(n.bounds) == 1 && !n.bounds[0].tuple {
		dom = n.bounds[0].set.eval(c, e)
	} else {
		var sets []Value
		for _, b := range n.bounds {
			s := b.set.eval(c, e) // later bounds may not depend on earlier ones
			for i := 0; i < b.n; i++ {
				if b.tuple {
					sets = nil
					break
				}
				sets = append(sets, s)
			}
			if b.tuple {
				if len(n.bounds) != 1 {
					n.failf("not supported: tuple bound mixed with other bounds in a function constructor")
				}
				dom = s
			}
		}
		if dom == nil {
			dom = &ProductSet{sets: sets}
		}
	}
	// the body is evaluated now, on this context, for a finite domain;
	// later, on a fresh context per application, for a lazy function
	var snap func() *ctx
	now := c
	apply := func(x Value) Value {
		c := now
		if c == nil {
			c = snap()
		}
		ne := e
		if len(n.bounds) == 1 && !n.bounds[0].tuple {
			ne = push(ne, x)
		} else {
			t, ok := x.(*Tuple)
			if !ok {
				n.failf("function argument %s is not a tuple", Format(x))
			}
			for _, el := range t.elems {
				ne = push(ne, el)
			}
		}
		return n.body.eval(c, ne)
	}
	if !isFinite(dom) {
		snap, now = c.snapshot(), nil
		e = persist(e, map[*env]*env{})
		return &LazyFcn{dom: dom, f: apply}
	}
	ds := elems(dom, n.loc)
	rng := make([]Value, len(ds))
	for i, d := range ds {
		rng[i] = norm(apply(d))
	}
	return mkFcn(ds, rng)
}

// recFunc is the body of a recursive function definition f[x \in S] == e:
// its value is computed lazily and memoised.
type recFunc struct {
	fc   *funcCons
	name string
}

func (n *recFunc) eval(c *ctx, e *env) Value {
	var dom Value
	if len(n.fc.bounds) == 1 && !n.fc.bounds[0].tuple {
		dom = n.fc.bounds[0].set.eval(c, e)
	} else {
		var sets []Value
		for _, b := range n.fc.bounds {
			s := b.set.eval(c, e)
			for i := 0; i < b.n; i++ {
				sets = append(sets, s)
			}
		}
		dom = &ProductSet{sets: sets}
	}
	var mu sync.Mutex
	memo := map[string]Value{}
	snap := c.snapshot()
	return &LazyFcn{dom: dom, f: func(x Value) Value {
		c := snap()
		k := Format(x)
		mu.Lock()
		v, ok := memo[k]
		mu.Unlock()
		if ok {
			return v
		}
		enterRec(n.fc.loc, n.name)
		defer leaveRec()
		ne := e
		if t, ok := x.(*Tuple); ok && (len(n.fc.bounds) > 1 || n.fc.bounds[0].tuple) {
			for _, el := range t.elems {
				ne = push(ne, el)
			}
		} else {
			ne = push(ne, x)
		}
		v = n.fc.body.eval(c, ne)
		mu.Lock()
		memo[k] = v
		mu.Unlock()
		return v
	}}
}

type funcSet struct{ dom, rng node }

func (n *funcSet) eval(c *ctx, e *env) Value {
	return &FuncSetV{dom: n.dom.eval(c, e), rng: n.rng.eval(c, e)}
}

type record struct {
	names []string
	vals  []node
	shape atomic.Pointer[recShape] // names sorted, computed on first use
}

func (n *record) eval(c *ctx, e *env) Value {
	sh := n.shape.Load()
	if sh == nil {
		sh = recordShape(n.names)
		n.shape.Store(sh)
	}
	if sh.dup || len(n.names) == 0 {
		vs := make([]Value, len(n.vals))
		for i, x := range n.vals {
			vs[i] = norm(x.eval(c, e))
		}
		return mkRec(n.names, vs)
	}
	vs := make([]Value, len(n.vals))
	for i, x := range n.vals {
		vs[sh.to[i]] = norm(x.eval(c, e))
	}
	return &Rec{names: sh.names, vals: vs}
}

// recordShape sorts a record constructor's field names once.
func recordShape(names []string) *recShape {
	from := make([]int, len(names))
	for i := range from {
		from[i] = i
	}
	sort.SliceStable(from, func(a, b int) bool { return names[from[a]] < names[from[b]] })
	sh := &recShape{names: make([]string, len(names)), from: from, to: make([]int, len(names))}
	for k, i := range from {
		sh.names[k] = names[i]
		sh.to[i] = k
	}
	for k := 1; k < len(sh.names); k++ {
		if sh.names[k] == sh.names[k-1] {
			sh.dup = true
		}
	}
	return sh
}

type recordSet struct {
	names []string
	sets  []node
}

func (n *recordSet) eval(c *ctx, e *env) Value {
	// names are sorted at compile time, sets in the same order
	vs := make([]Value, len(n.sets))
	for i, x := range n.sets {
		vs[i] = x.eval(c, e)
	}
	return &RecSetV{names: n.names, sets: vs}
}

type tuple struct{ xs []node }

func (n *tuple) eval(c *ctx, e *env) Value {
	if len(n.xs) == 0 {
		return emptyTup
	}
	vs := make([]Value, len(n.xs))
	for i, x := range n.xs {
		vs[i] = norm(x.eval(c, e))
	}
	return &Tuple{elems: vs}
}

type product struct{ sets []node }

func (n *product) eval(c *ctx, e *env) Value {
	vs := make([]Value, len(n.sets))
	for i, x := range n.sets {
		vs[i] = x.eval(c, e)
	}
	return &ProductSet{sets: vs}
}

type app struct {
	f    node
	args []node
	loc
}

func (n *app) eval(c *ctx, e *env) Value {
	f := n.f.eval(c, e)
	var arg Value
	if len(n.args) == 1 {
		arg = n.args[0].eval(c, e)
	} else {
		vs := make([]Value, len(n.args))
		for i, a := range n.args {
			vs[i] = norm(a.eval(c, e))
		}
		arg = &Tuple{elems: vs}
	}
	return apply(f, arg, n.loc)
}

type dot struct {
	x     node
	field string
	// hint: where the field was in the last record read here (records
	// that one expression reads mostly have the same fields), tried first
	hint atomic.Int32
	loc
}

func (n *dot) eval(c *ctx, e *env) Value {
	v := n.x.eval(c, e)
	if r, ok := v.(*Rec); ok {
		if h := int(n.hint.Load()); h < len(r.names) && r.names[h] == n.field {
			return r.vals[h]
		}
		for i, name := range r.names {
			if name == n.field {
				n.hint.Store(int32(i))
				return r.vals[i]
			}
		}
		n.failf("Attempted to access nonexistent field '%s' of record\n%s", n.field, Format(v))
	}
	return apply(v, Str(n.field), n.loc)
}

type exceptUpd struct {
	path [][]node // each step: one key (field as lit) or several (tuple)
	val  node     // compiled with @ bound at depth 0
}

type except struct {
	f    node
	upds []exceptUpd
	// keeps: see keepsEnv, of the updates' values
	keeps atomic.Int32
	loc
}

func (n *except) eval(c *ctx, e *env) Value {
	f := norm(n.f.eval(c, e))
	for _, u := range n.upds {
		keys := make([]Value, len(u.path))
		for i, step := range u.path {
			if len(step) == 1 {
				keys[i] = norm(step[0].eval(c, e))
			} else {
				vs := make([]Value, len(step))
				for j, s := range step {
					vs[j] = norm(s.eval(c, e))
				}
				keys[i] = &Tuple{elems: vs}
			}
		}
		f = exceptAt(c, f, keys, u.val, !n.valsKeepEnv(), e, n.loc)
	}
	return f
}

// tmp: val keeps nothing of its environment (@'s link goes on the stack).
func (n *except) valsKeepEnv() bool {
	r := n.keeps.Load()
	if r == 0 {
		r = 1
		for i := range n.upds {
			if retainsEnv(n.upds[i].val) {
				r = 2
			}
		}
		n.keeps.Store(r)
	}
	return r == 2
}

func exceptAt(c *ctx, f Value, keys []Value, val node, tmp bool, e *env, at loc) Value {
	old, ok := tryApply(f, keys[0])
	if !ok {
		return f // TLC: EXCEPT on a key outside the domain leaves the function unchanged
	}
	var nv Value
	if len(keys) == 1 {
		if tmp {
			m := c.tmp.mark()
			l := &c.tmp.envs(1)[0]
			*l = env{v: old, up: e}
			nv = norm(val.eval(c, l))
			c.tmp.release(m)
		} else {
			nv = norm(val.eval(c, push(e, old)))
		}
	} else {
		nv = exceptAt(c, norm(old), keys[1:], val, tmp, e, at)
	}
	return updateFcn(f, keys[0], nv)
}

type unchanged struct {
	x node
	loc
}

func (n *unchanged) eval(c *ctx, e *env) Value {
	if c.next == nil {
		n.failf("UNCHANGED used in a state predicate")
	}
	cur := n.x.eval(c, e)
	c.primed = true
	nxt := n.x.eval(c, e)
	c.primed = false
	return valEq(cur, nxt, n.loc)
}

// sub is [A]_v or <<A>>_v evaluated as a predicate on a pair of states.
type sub struct {
	box  bool
	a, v node
	loc
}

func (n *sub) eval(c *ctx, e *env) Value {
	u := (&unchanged{x: n.v, loc: n.loc}).eval(c, e).(bool)
	if n.box {
		return u || evalBool(c, n.a, e, n.loc)
	}
	return !u && evalBool(c, n.a, e, n.loc)
}

type enabled struct {
	x     node
	outer []*subst // see modScope.varSubsts
	loc
}

func (n *enabled) eval(c *ctx, e *env) Value {
	c2 := &ctx{m: c.m, cur: c.cur, next: make([]Value, len(c.cur)), out: c.out}
	if len(n.outer) > 0 {
		c2.subNext = make(map[*subst]Value, len(n.outer))
		for _, s := range n.outer {
			c2.subNext[s] = nil
		}
	}
	found := false
	enum(c2, n.x, e, &enumState{}, func() bool {
		found = true
		return true
	})
	return found
}

// unionEnum is UNION {A, B, ...}, evaluated as A \cup B \cup ...
type unionEnum struct {
	xs []node
	loc
}

func (n *unionEnum) eval(c *ctx, e *env) Value {
	parts := make([]Value, len(n.xs))
	for i, x := range n.xs {
		parts[i] = x.eval(c, e)
	}
	return unionOf(parts, n.loc)
}

// unionOf is the union of sets; as \cup, lazy when one is infinite (its
// membership is then checked set by set, as TLC's UnionValue does).
func unionOf(parts []Value, at loc) Value {
	finite, symbolic := true, false
	for _, s := range parts {
		checkSet(s, at)
		finite = finite && isFinite(s)
		symbolic = symbolic || isSymbolicSet(s)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	// lazy too when a part is a set TLC keeps symbolic ([S -> T], SUBSET S,
	// record sets, ...): `x \in UNION {[D -> SUBSET R]}` is then a
	// membership test, not an enumeration of every function
	if !finite || symbolic {
		out := parts[0]
		for _, p := range parts[1:] {
			out = &CupSet{a: out, b: p}
		}
		return out
	}
	out := emptySet
	for _, s := range parts {
		out = union(out, toSet(s, at))
	}
	return out
}

// isSymbolicSet tells a set kept as a formula (whose elements may be many)
// from an enumerated one.
func isSymbolicSet(v Value) bool {
	switch v.(type) {
	case *SubsetSet, *FuncSetV, *RecSetV, *ProductSet, *SeqSet, *InfSet, *FilterSet, *CupSet, *CapSet, *DiffSet:
		return true
	}
	return false
}

// temporal marks operators the evaluator cannot compute.
type temporal struct {
	op    string
	xs    []node
	outer []*subst // WF_/SF_: for their ENABLED, see modScope.varSubsts
	loc
}

func (n *temporal) eval(c *ctx, e *env) Value {
	n.failf("not supported: evaluating temporal operator %s", n.op)
	return nil
}

// atRef is @ inside EXCEPT, bound at depth 0 of the update value.
// domainOf is DOMAIN f; `x \in DOMAIN f` tests membership without
// building the domain (see in.eval).
type domainOf struct {
	x node
	loc
}

func (n *domainOf) eval(c *ctx, e *env) Value { return domain(n.x.eval(c, e), n.loc) }

// inDomain is member(v, domain(f)) without building a record's domain.
func inDomain(v, f Value, at loc) bool {
	switch g := f.(type) {
	case *Rec:
		if s, ok := v.(Str); ok {
			_, found := slices.BinarySearch(g.names, string(s))
			return found
		}
	case *Tuple:
		if n, ok := v.(Int); ok {
			return n >= 1 && int(n) <= len(g.elems)
		}
	}
	return member(v, domain(f, at), at)
}

type unaryFn struct {
	x  node
	fn func(Value, loc) Value
	loc
}

func (n *unaryFn) eval(c *ctx, e *env) Value { return n.fn(n.x.eval(c, e), n.loc) }

type binaryFn struct {
	x, y node
	fn   func(Value, Value, loc) Value
	loc
}

func (n *binaryFn) eval(c *ctx, e *env) Value {
	return n.fn(n.x.eval(c, e), n.y.eval(c, e), n.loc)
}
