package tla

import (
	"fmt"
	"io"
	"reflect"
	"sort"
	"sync/atomic"
	"time"
)

// Incremental invariant checking. A successor is checked knowing that its
// parent satisfied every invariant. Each invariant is split into its
// conjuncts (through definitions without arguments), and for each conjunct
// the state variables it can read are computed statically, following
// operator definitions, LET, operator arguments and INSTANCE substitutions.
// Then, for a successor:
//
//   - a conjunct whose variables all have the parent's values has the
//     parent's value, TRUE, and is not evaluated;
//   - a conjunct \A x \in S : P whose P reads no changed variable holds for
//     every x it held for in the parent: only the elements of S that are
//     not in the parent's S are checked, in S's order (so the first failing
//     element, and the error if any, is the one a full evaluation finds).
//
// Whatever the analysis cannot follow (ENABLED, primes, TLCGet, TLCSet,
// RandomElement, Print, I/O, an operator the configuration replaced with
// one it cannot see through, a node kind it does not know) makes the
// conjunct evaluated in full, as does any failure of the incremental path
// itself (the full evaluation then gives the error, if there is one).

// varSet is a set of state variables, by index.
type varSet []uint64

func newVarSet(n int) varSet { return make(varSet, (n+63)/64) }

func (s varSet) add(i int)      { s[i/64] |= 1 << (i % 64) }
func (s varSet) has(i int) bool { return s[i/64]&(1<<(i%64)) != 0 }

func (s varSet) meets(t varSet) bool {
	for i := range s {
		if s[i]&t[i] != 0 {
			return true
		}
	}
	return false
}

func (s varSet) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

// invPart is one conjunct of an invariant.
type invPart struct {
	n     node
	at    loc    // the conjunction it came from, for evalBool's message
	reads varSet // nil: unknown, always evaluated
	// \A x \in S : P with one bound: what S and P read (nil: unknown)
	q                   *quant
	setReads, bodyReads varSet
	// the last set evaluated for q, with the values of setReads it was
	// evaluated on: the child of one step is the parent of the next
	last atomic.Pointer[setMemo]
}

type setMemo struct {
	inputs []Value
	set    Value
}

// invPlan is an invariant prepared for incremental checking.
type invPlan struct {
	name  string
	parts []*invPart
	stat  invStat
}

// invStat counts, per invariant, how its conjuncts were checked.
type invStat struct {
	full, skipped, incremental, elements atomic.Int64
	nanos                                atomic.Int64
}

// InvariantStat reports how often an invariant's conjuncts were evaluated
// in full, skipped (no variable they read changed) or checked only on the
// new elements of a quantifier's set, and the time spent checking it.
type InvariantStat struct {
	Name                       string
	Conjuncts                  int
	Full, Skipped, Incremental int64
	Elements                   int64 // new elements checked by the incremental path
	Time                       time.Duration
}

// planInvariants prepares ck.invs for incremental checking.
func (ck *checker) planInvariants() {
	a := newReadAnalysis(ck)
	ck.plans = make([]invPlan, len(ck.invs))
	for k, inv := range ck.invs {
		p := &ck.plans[k]
		p.name = inv.name
		for _, pt := range flattenConj(inv.n, loc{}) {
			part := &invPart{n: pt.n, at: pt.at}
			part.reads = a.of(pt.n)
			if q, ok := pt.n.(*quant); ok && q.all && len(q.bounds) == 1 && q.bounds[0].set != nil {
				s, b := a.of(q.bounds[0].set), a.of(q.body)
				if s != nil && b != nil {
					part.q, part.setReads, part.bodyReads = q, s, b
				}
			}
			p.parts = append(p.parts, part)
		}
	}
}

type conjPart struct {
	n  node
	at loc
}

// flattenConj splits a conjunction through definitions without arguments
// (not recursive ones, and not of instances with parameters), recording
// the conjunction each conjunct came from.
func flattenConj(n node, at loc) []conjPart {
	switch x := n.(type) {
	case *and:
		var out []conjPart
		for _, y := range x.xs {
			out = append(out, flattenConj(y, x.loc)...)
		}
		return out
	case *call:
		if len(x.args) == 0 && x.base < 0 && !x.def.recursive && !x.def.cached && x.def.body != nil {
			return flattenConj(x.def.body, at)
		}
	}
	return []conjPart{{n, at}}
}

// changedVars sets in out the variables of t that differ from parent's.
// vh and ph are the states' per-variable hashes, or nil. A variable is
// unchanged when it is the same value, or its hash is the parent's and the
// values are equal; anything else counts as changed.
func changedVars(out varSet, t, parent []Value, vh, ph []uint64) {
	clear(out)
	for i, v := range t {
		p := parent[i]
		if v == p {
			continue
		}
		if vh == nil || ph == nil || vh[i] != ph[i] || !sameValue(v, p) {
			out.add(i)
		}
	}
}

func sameValue(a, b Value) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return valEq(a, b, loc{})
}

// checkInvsFrom checks the invariants on t, a successor of parent, which
// satisfies them all; changed holds the variables that differ.
func (ck *checker) checkInvsFrom(c *ctx, t, parent []Value, changed varSet) (string, error) {
	for k := range ck.plans {
		p := &ck.plans[k]
		var start time.Time
		if ck.opts.InvariantStats {
			start = time.Now()
		}
		ok, err := ck.evalPlan(c, p, t, parent, changed)
		if ck.opts.InvariantStats {
			p.stat.nanos.Add(int64(time.Since(start)))
		}
		if err != nil || !ok {
			return p.name, err
		}
	}
	return "", nil
}

// checkPlans checks the invariants on vals in full (no parent).
func (ck *checker) checkPlans(c *ctx, vals []Value) (string, error) {
	return ck.checkInvsFrom(c, vals, nil, nil)
}

func (ck *checker) evalPlan(c *ctx, p *invPlan, t, parent []Value, changed varSet) (ok bool, err error) {
	defer catch(&err)
	st := ck.opts.InvariantStats
	for i := range p.parts {
		part := p.parts[i]
		c.cur, c.next = t, nil
		if parent != nil && part.reads != nil && !part.reads.meets(changed) {
			if st {
				p.stat.skipped.Add(1)
			}
			continue
		}
		if parent != nil && part.q != nil && !part.bodyReads.meets(changed) {
			if elems, ok := part.newElements(c, t, parent); ok {
				if st {
					p.stat.incremental.Add(1)
					p.stat.elements.Add(int64(len(elems)))
				}
				b := part.q.bounds[0]
				for _, v := range elems {
					if !evalBool(c, part.q.body, b.bind(nil, v, part.q.loc), part.q.loc) {
						return false, nil
					}
				}
				continue
			}
		}
		if st {
			p.stat.full.Add(1)
		}
		if !evalBool(c, part.n, nil, part.at) {
			return false, nil
		}
	}
	return true, nil
}

// newElements evaluates the quantifier's set on t and on parent and
// returns the elements of the first that are not in the second, in
// enumeration order; false if either is not a finite set or anything fails.
func (part *invPart) newElements(c *ctx, t, parent []Value) (out []Value, ok bool) {
	defer func() {
		if recover() != nil {
			out, ok = nil, false
		}
		c.cur, c.next = t, nil
	}()
	q := part.q
	set := q.bounds[0].set
	c.cur, c.next = t, nil
	sc := set.eval(c, nil)
	var sp Value
	if m := part.last.Load(); m != nil && part.sameInputs(m.inputs, parent) {
		sp = m.set
	} else {
		c.cur = parent
		sp = set.eval(c, nil)
		c.cur = t
	}
	part.last.Store(&setMemo{inputs: part.inputsOf(t), set: sc})
	if !isFinite(sc) || !isFinite(sp) {
		return nil, false
	}
	if a, ok := sc.(*Set); ok {
		if b, ok := sp.(*Set); ok {
			return setMinus(a.elems, b.elems), true
		}
	}
	forEach(sc, q.loc, func(v Value) bool {
		if !member(v, sp, q.loc) {
			out = append(out, v)
		}
		return false
	})
	return out, true
}

// setMinus is the elements of a not in b, both sorted by cmp, in a's order.
func setMinus(a, b []Value) []Value {
	var out []Value
	j := 0
	for _, v := range a {
		for j < len(b) && b[j] != v && cmp(b[j], v) < 0 {
			j++
		}
		if j < len(b) && (b[j] == v || cmp(b[j], v) == 0) {
			j++
			continue
		}
		out = append(out, v)
	}
	return out
}

// inputsOf is the values of the variables the set reads, in state vals.
func (part *invPart) inputsOf(vals []Value) []Value {
	var in []Value
	for i, v := range vals {
		if part.setReads.has(i) {
			in = append(in, v)
		}
	}
	return in
}

// sameInputs: vals has the very values (not only equal ones) in.
func (part *invPart) sameInputs(in, vals []Value) bool {
	k := 0
	for i, v := range vals {
		if part.setReads.has(i) {
			if k >= len(in) || in[k] != v {
				return false
			}
			k++
		}
	}
	return k == len(in)
}

// invariantStats reports the counters of the plans.
func (ck *checker) invariantStats() []InvariantStat {
	out := make([]InvariantStat, len(ck.plans))
	for k := range ck.plans {
		p := &ck.plans[k]
		out[k] = InvariantStat{Name: p.name, Conjuncts: len(p.parts), Full: p.stat.full.Load(),
			Skipped: p.stat.skipped.Load(), Incremental: p.stat.incremental.Load(),
			Elements: p.stat.elements.Load(), Time: time.Duration(p.stat.nanos.Load())}
	}
	return out
}

// ---- the static analysis of what an expression reads ----

type readAnalysis struct {
	ck      *checker
	orig    map[*builtin]*builtin // the model's copy of a native operator -> the original
	visited map[*opDef]bool
	reads   varSet
	ok      bool
}

func newReadAnalysis(ck *checker) *readAnalysis {
	a := &readAnalysis{ck: ck, orig: map[*builtin]*builtin{}}
	for orig, s := range ck.m.cp.builtins {
		if s.b != nil {
			a.orig[s.b] = orig
		}
	}
	return a
}

// of is the set of variables n can read, or nil when that is not known.
func (a *readAnalysis) of(n node) varSet {
	a.visited = map[*opDef]bool{}
	a.reads = newVarSet(a.ck.nvars)
	a.ok = true
	a.walk(n)
	if !a.ok {
		return nil
	}
	return a.reads
}

// impure are native operators whose value is not a function of their
// arguments and the state, or that act on the world.
var impure = map[string]bool{
	"Print": true, "PrintT": true, "TLCGet": true, "TLCSet": true, "JavaTime": true,
	"RandomElement": true, "RandomSubset": true, "RandomSetOfSubsets": true,
	"Serialize": true, "Deserialize": true, "JsonSerialize": true, "ndJsonSerialize": true,
	"JsonDeserialize": true, "ndJsonDeserialize": true, "IOExec": true, "IOExecTemplate": true,
	"IOEnv": true, "IOEnvExec": true, "IOEnvExecTemplate": true, "TLCEval": true,
}

func (a *readAnalysis) builtin(b *builtin) {
	if b.konst != nil {
		return // a constant (possibly the configuration's value)
	}
	o := a.orig[b]
	if o == nil || reflect.ValueOf(b.fn).Pointer() != reflect.ValueOf(o.fn).Pointer() ||
		o.level >= lvlState || impure[o.name] {
		a.ok = false
	}
}

func (a *readAnalysis) def(d *opDef) {
	if d == nil {
		a.ok = false
		return
	}
	if d.cached || a.visited[d] {
		return // a constant definition's value is computed once
	}
	a.visited[d] = true
	if d.body == nil {
		a.ok = false
		return
	}
	a.walk(d.body)
}

func (a *readAnalysis) walk(n node) {
	if !a.ok || n == nil {
		return
	}
	all := func(xs []node) {
		for _, x := range xs {
			a.walk(x)
		}
	}
	bounds := func(bs []cbound) {
		for _, b := range bs {
			if b.set == nil {
				a.ok = false
				return
			}
			a.walk(b.set)
		}
	}
	switch x := n.(type) {
	case *lit, *envRef:
		// a bound name's value is accounted for where it is bound
	case *varRef:
		a.reads.add(x.idx)
	case *constRef:
		if x.k.def != nil {
			a.def(x.k.def)
		}
		if cl, ok := x.k.val.(*Closure); ok {
			if cl.b != nil {
				a.builtin(cl.b)
			} else {
				a.def(cl.def)
			}
		}
	case *konstRef:
		a.builtin(x.b)
	case *substRef:
		a.walk(x.x)
	case *memo:
		a.walk(x.x)
	case *call:
		a.def(x.def)
		all(x.args)
	case *instCall:
		a.def(x.def)
		all(x.instArgs)
		all(x.args)
	case *callValue:
		a.walk(x.fn)
		all(x.args)
	case *builtinCall:
		a.builtin(x.b)
		all(x.args)
	case *opValue:
		if x.b != nil {
			a.builtin(x.b)
		} else {
			a.def(x.def)
		}
	case *lambda:
		a.def(x.def)
	case *letIn:
		for _, d := range x.defs {
			a.def(d.def)
		}
		a.walk(x.body)
	case *and:
		all(x.xs)
	case *or:
		all(x.xs)
	case *not:
		a.walk(x.x)
	case *implies:
		a.walk(x.x)
		a.walk(x.y)
	case *equiv:
		a.walk(x.x)
		a.walk(x.y)
	case *eq:
		a.walk(x.x)
		a.walk(x.y)
	case *in:
		a.walk(x.x)
		a.walk(x.s)
	case *ifte:
		a.walk(x.cond)
		a.walk(x.t)
		a.walk(x.f)
	case *caseOf:
		for _, arm := range x.arms {
			a.walk(arm.cond)
			a.walk(arm.val)
		}
		a.walk(x.other)
	case *quant:
		bounds(x.bounds)
		a.walk(x.body)
	case *choose:
		bounds([]cbound{x.bound})
		a.walk(x.body)
	case *setEnum:
		all(x.xs)
	case *setFilter:
		bounds([]cbound{x.bound})
		a.walk(x.pred)
	case *setMap:
		bounds(x.bounds)
		a.walk(x.elem)
	case *funcCons:
		bounds(x.bounds)
		a.walk(x.body)
	case *recFunc:
		a.walk(x.fc)
	case *funcSet:
		a.walk(x.dom)
		a.walk(x.rng)
	case *record:
		all(x.vals)
	case *recordSet:
		all(x.sets)
	case *tuple:
		all(x.xs)
	case *product:
		all(x.sets)
	case *app:
		a.walk(x.f)
		all(x.args)
	case *dot:
		a.walk(x.x)
	case *except:
		a.walk(x.f)
		for _, u := range x.upds {
			for _, step := range u.path {
				all(step)
			}
			a.walk(u.val)
		}
	case *unionEnum:
		all(x.xs)
	case *unaryFn:
		a.walk(x.x)
	case *domainOf:
		a.walk(x.x)
	case *binaryFn:
		a.walk(x.x)
		a.walk(x.y)
	default:
		// primes, UNCHANGED, [A]_v, ENABLED, temporal operators, and any
		// node kind this analysis does not know
		a.ok = false
	}
}

// FormatInvariantStats prints the invariants' counters, costliest first.
func FormatInvariantStats(w io.Writer, stats []InvariantStat) {
	s := append([]InvariantStat(nil), stats...)
	sort.SliceStable(s, func(i, j int) bool { return s[i].Time > s[j].Time })
	fmt.Fprintf(w, "%-36s %9s %10s %10s %10s %10s %10s\n", "invariant", "conjuncts", "time ms", "full", "skipped", "increment.", "elements")
	for _, x := range s {
		fmt.Fprintf(w, "%-36s %9d %10.1f %10d %10d %10d %10d\n", x.Name, x.Conjuncts, float64(x.Time)/1e6, x.Full, x.Skipped, x.Incremental, x.Elements)
	}
}

// ---- [A]_v with v a tuple of variables ----

// tupleVars is the variables of v when v is a tuple (through definitions
// without arguments) of variables and such tuples; nil otherwise.
func tupleVars(v node) []int {
	for {
		c, ok := v.(*call)
		if !ok || len(c.args) > 0 || c.base >= 0 || c.def.cached || c.def.body == nil {
			break
		}
		v = c.def.body
	}
	t, ok := v.(*tuple)
	if !ok {
		return nil
	}
	var out []int
	for _, x := range t.xs {
		switch y := x.(type) {
		case *varRef:
			out = append(out, y.idx)
		default:
			sub := tupleVars(x)
			if sub == nil {
				return nil
			}
			out = append(out, sub...)
		}
	}
	if out == nil {
		return nil // <<>>: nothing to gain
	}
	return out
}

// boxHolds evaluates [A]_v, v a tuple of the variables vars, on the step
// from s to t: TRUE when every variable of v is equal in s and t (compared
// as the tuples' elements are), else A. The tuples are not built.
func boxHolds(c *ctx, p *sub, vars []int, s, t []Value) (ok bool, err error) {
	defer catch(&err)
	unchanged := true
	for _, i := range vars {
		a, b := s[i], t[i]
		if a == b {
			continue
		}
		if ha, hb := cachedHash(a), cachedHash(b); ha != 0 && hb != 0 && ha != hb || cmp(norm(a), norm(b)) != 0 {
			unchanged = false
			break
		}
	}
	if unchanged {
		return true, nil
	}
	c.cur, c.next = s, t
	return evalBool(c, p.a, nil, p.loc), nil
}
