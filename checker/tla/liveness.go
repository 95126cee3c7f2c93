package tla

// Liveness as TLC checks it: each temporal PROPERTY is negated, turned into
// a tableau (tableau.go), and searched for in the product of that tableau
// with the behaviour graph (every reachable state, each with its stuttering
// step). A violation is a reachable cycle of the product that is accepting
// for the tableau and fair for the specification's WF/SF conditions; it is
// found among strongly connected components (Emerson-Lei: an SCC that fails
// a strong-fairness condition is split by removing the states where the
// action is enabled).

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"
)

// lkind is the operator of a liveness formula in negation normal form.
type lkind uint8

const (
	lAtom lkind = iota
	lTrue
	lFalse
	lAnd
	lOr
	lG // []
	lF // <>
)

// lf is an interned formula: equal formulas are the same pointer.
type lf struct {
	k   lkind
	xs  []*lf
	a   int // atom index (lAtom)
	neg bool
	id  int
}

// latom is a state or action predicate with its environment, evaluated on
// states (state level) or on edges of the behaviour graph (action level).
type latom struct {
	n      node
	e      *env
	action bool
}

// fairness is WF_v(A) or SF_v(A) of the specification, as atoms.
type fairness struct {
	strong  bool
	en, act int // ENABLED <<A>>_v (state), <<A>>_v (action)
}

// lbuilder expands compiled temporal formulas into lf, interning as it goes.
type lbuilder struct {
	ck     *checker
	c      *ctx
	atoms  []latom
	atomID map[[2]any]int
	forms  map[string]*lf
	all    []*lf
}

func newLBuilder(ck *checker) *lbuilder {
	return &lbuilder{ck: ck, c: ck.newCtx(), atomID: map[[2]any]int{}, forms: map[string]*lf{}}
}

func (b *lbuilder) mk(k lkind, a int, neg bool, xs ...*lf) *lf {
	key := fmt.Sprintf("%d/%d/%v", k, a, neg)
	for _, x := range xs {
		key += fmt.Sprintf(",%d", x.id)
	}
	if f, ok := b.forms[key]; ok {
		return f
	}
	f := &lf{k: k, xs: xs, a: a, neg: neg, id: len(b.all)}
	b.forms[key] = f
	b.all = append(b.all, f)
	return f
}

func (b *lbuilder) atom(n node, e *env, action, neg bool) *lf {
	key := [2]any{n, e}
	id, ok := b.atomID[key]
	if !ok {
		id = len(b.atoms)
		b.atoms = append(b.atoms, latom{n: n, e: e, action: action})
		b.atomID[key] = id
	} else if action {
		b.atoms[id].action = true
	}
	return b.mk(lAtom, id, neg)
}

func (b *lbuilder) and(xs ...*lf) *lf { return b.junction(lAnd, lTrue, lFalse, xs) }

func (b *lbuilder) or(xs ...*lf) *lf { return b.junction(lOr, lFalse, lTrue, xs) }

// junction builds op(xs) with its unit dropped and its zero absorbing, so
// the tableau sees no trivial conjuncts or disjuncts.
func (b *lbuilder) junction(op, unit, zero lkind, xs []*lf) *lf {
	var out []*lf
	for _, x := range xs {
		switch x.k {
		case unit:
			continue
		case zero:
			return b.mk(zero, 0, false)
		}
		out = append(out, x)
	}
	switch len(out) {
	case 0:
		return b.mk(unit, 0, false)
	case 1:
		return out[0]
	}
	return b.mk(op, 0, false, out...)
}

func (b *lbuilder) junct(conj bool, xs ...*lf) *lf {
	if conj {
		return b.and(xs...)
	}
	return b.or(xs...)
}

// level of a compiled node in its environment: operator arguments bound to
// thunks are followed, so that P in Leadsto(P, Q) has P's level.
func (b *lbuilder) level(n node, e *env) int {
	switch x := n.(type) {
	case *envRef:
		if t, ok := e.raw(x.depth).(*thunk); ok {
			return b.level(t.n, t.e)
		}
		return lvlConst
	case *substRef:
		ne := e
		for i := 0; i < x.skip; i++ {
			ne = ne.up
		}
		return b.level(x.x, ne)
	case *call:
		l := x.def.level
		for _, a := range x.args {
			l = maxLvl(l, b.level(a, e))
		}
		return l
	case *temporal:
		return lvlTemporal
	}
	if l, ok := b.ck.m.cp.levels[n]; ok {
		return l
	}
	switch x := n.(type) {
	case *and:
		return b.maxLevel(x.xs, e)
	case *or:
		return b.maxLevel(x.xs, e)
	case *not:
		return b.level(x.x, e)
	case *implies:
		return maxLvl(b.level(x.x, e), b.level(x.y, e))
	case *sub, *enabled:
		return lvlAction
	}
	return lvlAction // evaluated on a transition: correct for any non-temporal level
}

func (b *lbuilder) maxLevel(xs []node, e *env) int {
	l := lvlConst
	for _, x := range xs {
		l = maxLvl(l, b.level(x, e))
	}
	return l
}

// expand turns n (negated when neg) into negation normal form.
func (b *lbuilder) expand(n node, e *env, neg bool) *lf {
	lv := b.level(n, e)
	if lv < lvlTemporal {
		if l, ok := n.(*lit); ok {
			if v, ok := l.v.(bool); ok {
				if v != neg {
					return b.mk(lTrue, 0, false)
				}
				return b.mk(lFalse, 0, false)
			}
		}
		return b.atom(n, e, lv >= lvlAction, neg)
	}
	switch x := n.(type) {
	case *and:
		var xs []*lf
		for _, y := range x.xs {
			xs = append(xs, b.expand(y, e, neg))
		}
		return b.junct(!neg, xs...)
	case *or:
		var xs []*lf
		for _, y := range x.xs {
			xs = append(xs, b.expand(y, e, neg))
		}
		return b.junct(neg, xs...)
	case *not:
		return b.expand(x.x, e, !neg)
	case *implies:
		return b.junct(neg, b.expand(x.x, e, !neg), b.expand(x.y, e, neg))
	case *equiv:
		p, q := b.expand(x.x, e, false), b.expand(x.y, e, false)
		np, nq := b.expand(x.x, e, true), b.expand(x.y, e, true)
		if neg {
			return b.or(b.and(p, nq), b.and(np, q))
		}
		return b.or(b.and(p, q), b.and(np, nq))
	case *temporal:
		return b.temporal(x, e, neg)
	case *call:
		ne := x.baseEnv(e)
		for _, a := range x.args {
			ne = push(ne, &thunk{n: a, e: e})
		}
		return b.expand(x.def.body, ne, neg)
	case *envRef:
		t := e.raw(x.depth).(*thunk) // level() found a thunk
		return b.expand(t.n, t.e, neg)
	case *substRef:
		ne := e
		for i := 0; i < x.skip; i++ {
			ne = ne.up
		}
		return b.expand(x.x, ne, neg)
	case *quant:
		var xs []*lf
		b.c.cur, b.c.next = nil, nil
		eachBinding(b.c, e, x.bounds, x.loc, func(ne *env) bool {
			xs = append(xs, b.expand(x.body, ne, neg))
			return false
		})
		return b.junct(x.all != neg, xs...)
	case *letIn:
		ne := e
		for _, d := range x.defs {
			le := &env{up: ne}
			if d.zero {
				le.v = &thunk{n: d.def.body, e: le} // not memoised: shared by states and workers
			} else {
				le.v = &Closure{def: d.def, env: le}
			}
			ne = le
		}
		return b.expand(x.body, ne, neg)
	case *ifte:
		b.c.cur, b.c.next = nil, nil
		if evalBool(b.c, x.cond, e, x.loc) {
			return b.expand(x.t, e, neg)
		}
		return b.expand(x.f, e, neg)
	}
	failAt(n, "not supported: this form of temporal formula (%T) in a property", n)
	return nil
}

// failAt reports an error at n's position when it has one.
func failAt(n node, format string, args ...any) {
	if f, ok := n.(interface{ failf(string, ...any) }); ok {
		f.failf(format, args...)
	}
	panic(&EvalError{Msg: fmt.Sprintf(format, args...)})
}

func (b *lbuilder) temporal(x *temporal, e *env, neg bool) *lf {
	switch x.op {
	case "[]":
		if neg {
			return b.mk(lF, 0, false, b.expand(x.xs[0], e, true))
		}
		return b.mk(lG, 0, false, b.expand(x.xs[0], e, false))
	case "<>":
		if neg {
			return b.mk(lG, 0, false, b.expand(x.xs[0], e, true))
		}
		return b.mk(lF, 0, false, b.expand(x.xs[0], e, false))
	case "~>": // [](P => <>Q)
		if neg {
			return b.mk(lF, 0, false, b.and(b.expand(x.xs[0], e, false), b.mk(lG, 0, false, b.expand(x.xs[1], e, true))))
		}
		return b.mk(lG, 0, false, b.or(b.expand(x.xs[0], e, true), b.mk(lF, 0, false, b.expand(x.xs[1], e, false))))
	case "WF_", "SF_":
		en, act := b.fairAtoms(x, e)
		if x.op == "WF_" { // []<>(~ENABLED <<A>>_v \/ <<A>>_v)
			if neg {
				return b.mk(lF, 0, false, b.mk(lG, 0, false, b.and(b.mk(lAtom, en, false), b.mk(lAtom, act, true))))
			}
			return b.mk(lG, 0, false, b.mk(lF, 0, false, b.or(b.mk(lAtom, en, true), b.mk(lAtom, act, false))))
		}
		// <>[]~ENABLED <<A>>_v \/ []<><<A>>_v
		if neg {
			return b.and(b.mk(lG, 0, false, b.mk(lF, 0, false, b.mk(lAtom, en, false))), b.mk(lF, 0, false, b.mk(lG, 0, false, b.mk(lAtom, act, true))))
		}
		return b.or(b.mk(lF, 0, false, b.mk(lG, 0, false, b.mk(lAtom, en, true))), b.mk(lG, 0, false, b.mk(lF, 0, false, b.mk(lAtom, act, false))))
	}
	x.failf("not supported: temporal operator %s in a property", x.op)
	return nil
}

// fairAtoms gives the atoms ENABLED <<A>>_v and <<A>>_v of WF_v(A)/SF_v(A).
func (b *lbuilder) fairAtoms(x *temporal, e *env) (en, act int) {
	s := &sub{box: false, a: x.xs[1], v: x.xs[0], loc: x.loc}
	act = b.atom(s, e, true, false).a
	en = b.atom(&enabled{x: s, outer: x.outer, loc: x.loc}, e, false, false).a
	return
}

// fairnessOf collects the WF/SF conjuncts of the specification, through
// definitions, \A and conjunctions.
func (b *lbuilder) fairnessOf(n node, e *env, out *[]fairness) {
	switch x := n.(type) {
	case *temporal:
		if x.op == "WF_" || x.op == "SF_" {
			en, act := b.fairAtoms(x, e)
			*out = append(*out, fairness{strong: x.op == "SF_", en: en, act: act})
			return
		}
	case *and:
		for _, y := range x.xs {
			b.fairnessOf(y, e, out)
		}
		return
	case *call:
		ne := x.baseEnv(e)
		for _, a := range x.args {
			ne = push(ne, &thunk{n: a, e: e})
		}
		b.fairnessOf(x.def.body, ne, out)
		return
	case *envRef:
		if t, ok := e.raw(x.depth).(*thunk); ok {
			b.fairnessOf(t.n, t.e, out)
			return
		}
	case *substRef:
		ne := e
		for i := 0; i < x.skip; i++ {
			ne = ne.up
		}
		b.fairnessOf(x.x, ne, out)
		return
	case *quant:
		if x.all {
			b.c.cur, b.c.next = nil, nil
			eachBinding(b.c, e, x.bounds, x.loc, func(ne *env) bool {
				b.fairnessOf(x.body, ne, out)
				return false
			})
			return
		}
	case *letIn:
		ne := e
		for _, d := range x.defs {
			le := &env{up: ne}
			if d.zero {
				le.v = &thunk{n: d.def.body, e: le} // not memoised: shared by states and workers
			} else {
				le.v = &Closure{def: d.def, env: le}
			}
			ne = le
		}
		b.fairnessOf(x.body, ne, out)
		return
	}
	failAt(n, "not supported: a fairness condition other than a conjunction of WF_/SF_ (through definitions, LET and \\A)")
}

// bgraph is the behaviour graph: reachable states within the constraints,
// each with its successors and its stuttering step.
type bgraph struct {
	states [][]Value
	off    []int32 // edges of state i: to[off[i]:off[i+1]]
	to     []int32
}

func (g *bgraph) succ(s int32) []int32 { return g.to[g.off[s]:g.off[s+1]] }

// behaviourGraph explores the state space again, keeping the edges. It
// uses the checker's own successor enumeration, constraints and
// fingerprints (VIEW, SYMMETRY), so its states are the BFS's states.
func (ck *checker) behaviourGraph() *bgraph {
	c, ec := ck.newCtx(), ck.newCtx()
	idx := map[uint64]int32{}
	g := &bgraph{}
	var inits []int32
	add := func(vals []Value) int32 {
		fp := ck.fp(c, vals)
		if i, ok := idx[fp]; ok {
			return i
		}
		i := int32(len(g.states))
		idx[fp] = i
		g.states = append(g.states, vals)
		return i
	}
	ck.initStates(ec, func(vals []Value) bool {
		if ck.inModel(c, vals) {
			inits = append(inits, add(vals))
		}
		return false
	})
	g.off = append(g.off, 0)
	for s := int32(0); int(s) < len(g.states); s++ {
		seen := map[int32]bool{s: true}
		g.to = append(g.to, s) // stuttering
		cur := g.states[s]
		ck.successors(ec, cur, func(t []Value, _ *opDef) bool {
			if !ck.actionOK(c, cur, t) || !ck.inModel(c, t) {
				return false
			}
			j := add(t)
			if !seen[j] {
				seen[j] = true
				g.to = append(g.to, j)
			}
			return false
		})
		g.off = append(g.off, int32(len(g.to)))
	}
	ck.liveInits = inits
	return g
}

// checkLiveness checks every temporal property; it returns the first
// violated one as a lasso-shaped counterexample.
func (ck *checker) checkLiveness() (v *Violation, err error) {
	defer catch(&err)
	b := newLBuilder(ck)
	var fair []fairness
	for _, f := range ck.fairness {
		b.fairnessOf(f, nil, &fair)
	}
	type prop struct {
		name string
		f    *lf
	}
	var props []prop
	var wplus []named
	for _, p := range ck.liveProps {
		if _, ok := isWhilePlus(p.n); ok {
			wplus = append(wplus, p)
			continue
		}
		props = append(props, prop{p.name, b.expand(p.n, nil, true)})
	}
	g := ck.behaviourGraph()
	for _, p := range wplus {
		x, _ := isWhilePlus(p.n)
		if path := ck.whilePlus(x, g); path != nil {
			// the violating prefix, then stuttering for ever
			return ck.lassoViolation(p.name, g, &lasso{states: path, loop: len(path) - 1})
		}
	}
	ev := newAtomEval(ck, b.atoms, g)
	for _, p := range props {
		tab := buildTableau(p.f, b)
		if lasso := findFairCycle(g, ck.liveInits, tab, fair, ev); lasso != nil {
			return ck.lassoViolation(p.name, g, lasso)
		}
	}
	return nil, nil
}

// atomEval holds every atom's value on every state (state atoms) or edge
// (action atoms) of the behaviour graph.
type atomEval struct {
	state [][]bool // [atom][state]
	edge  [][]bool // [atom][edge index]
}

func newAtomEval(ck *checker, atoms []latom, g *bgraph) *atomEval {
	ev := &atomEval{state: make([][]bool, len(atoms)), edge: make([][]bool, len(atoms))}
	for i, a := range atoms {
		if a.action {
			ev.edge[i] = make([]bool, len(g.to))
		} else {
			ev.state[i] = make([]bool, len(g.states))
		}
	}
	// the states are shared out among the workers; each writes its own slots
	w := ck.opts.Workers
	var wg sync.WaitGroup
	errs := make([]error, w)
	for k := 0; k < w; k++ {
		wg.Add(1)
		go func(k int) {
			defer wg.Done()
			defer catch(&errs[k])
			c := ck.newCtx()
			for s := k; s < len(g.states); s += w {
				for i, a := range atoms {
					if !a.action {
						c.cur, c.next = g.states[s], nil
						ev.state[i][s] = evalBool(c, a.n, a.e, loc{})
						continue
					}
					for e := g.off[s]; e < g.off[s+1]; e++ {
						c.cur, c.next = g.states[s], g.states[g.to[e]]
						ev.edge[i][e] = evalBool(c, a.n, a.e, loc{})
					}
				}
			}
		}(k)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			panic(err)
		}
	}
	return ev
}

// holds reports whether the literal (atom a, negated when neg) holds on the
// edge k out of state s.
func (ev *atomEval) holds(a int, neg bool, s int32, k int32) bool {
	if ev.state[a] != nil {
		return ev.state[a][s] != neg
	}
	return ev.edge[a][k] != neg
}

// lasso is a behaviour: states[0..] with a loop back to states[loop].
type lasso struct {
	states []int32
	loop   int
}

// pnode is a node of the product of behaviour graph and tableau.
type pnode struct {
	s, q int32
}

type pedge struct {
	to int32 // product node
	k  int32 // behaviour-graph edge index
}

// findFairCycle searches the product for a reachable, accepting, fair
// cycle and returns it projected on the behaviour graph.
func findFairCycle(g *bgraph, inits []int32, t *tableau, fair []fairness, ev *atomEval) *lasso {
	// the product, built breadth-first from the initial nodes
	var nodes []pnode
	index := map[pnode]int32{}
	var parent []int32
	var off []int32
	var edges []pedge
	stateOK := func(s, q int32) bool {
		for _, l := range t.nodes[q].lits {
			if ev.state[l.a] != nil && ev.state[l.a][s] == l.neg {
				return false
			}
		}
		return true
	}
	add := func(n pnode, from int32) int32 {
		if i, ok := index[n]; ok {
			return i
		}
		i := int32(len(nodes))
		index[n] = i
		nodes = append(nodes, n)
		parent = append(parent, from)
		return i
	}
	for _, s := range inits {
		for _, q := range t.init {
			if stateOK(s, q) {
				add(pnode{s, q}, -1)
			}
		}
	}
	for i := int32(0); int(i) < len(nodes); i++ {
		off = append(off, int32(len(edges)))
		n := nodes[i]
		tn := t.nodes[n.q]
	edge:
		for k := g.off[n.s]; k < g.off[n.s+1]; k++ {
			for _, l := range tn.lits {
				if ev.edge[l.a] != nil && ev.edge[l.a][k] == l.neg {
					continue edge
				}
			}
			u := g.to[k]
			for _, q := range tn.succ {
				if stateOK(u, q) {
					edges = append(edges, pedge{to: add(pnode{u, q}, i), k: k})
				}
			}
		}
	}
	off = append(off, int32(len(edges)))
	pg := &pgraph{nodes: nodes, off: off, edges: edges, g: g, t: t, fair: fair, ev: ev}
	alive := make([]bool, len(nodes))
	for i := range alive {
		alive[i] = true
	}
	scc := pg.search(alive)
	if scc == nil {
		return nil
	}
	return pg.lassoOf(scc, parent)
}

type pgraph struct {
	nodes []pnode
	off   []int32
	edges []pedge
	g     *bgraph
	t     *tableau
	fair  []fairness
	ev    *atomEval
}

// sccs lists the strongly connected components of the nodes in alive
// (iterative Tarjan).
func (p *pgraph) sccs(alive []bool) [][]int32 {
	n := len(p.nodes)
	index := make([]int32, n)
	low := make([]int32, n)
	on := make([]bool, n)
	for i := range index {
		index[i] = -1
	}
	var stack []int32
	var out [][]int32
	next := int32(0)
	type frame struct{ v, e int32 }
	for root := int32(0); int(root) < n; root++ {
		if !alive[root] || index[root] >= 0 {
			continue
		}
		call := []frame{{root, p.off[root]}}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		on[root] = true
		for len(call) > 0 {
			f := &call[len(call)-1]
			v := f.v
			if f.e < p.off[v+1] {
				w := p.edges[f.e].to
				f.e++
				if !alive[w] {
					continue
				}
				if index[w] < 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					on[w] = true
					call = append(call, frame{w, p.off[w]})
				} else if on[w] && index[w] < low[v] {
					low[v] = index[w]
				}
				continue
			}
			call = call[:len(call)-1]
			if len(call) > 0 {
				u := call[len(call)-1].v
				if low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] == index[v] {
				var comp []int32
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					on[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				out = append(out, comp)
			}
		}
	}
	return out
}

// search returns a component that holds a fair accepting cycle, or nil.
func (p *pgraph) search(alive []bool) []int32 {
	for _, comp := range p.sccs(alive) {
		if r := p.check(comp); r != nil {
			return r
		}
	}
	return nil
}

// check decides one SCC: it needs an internal edge, a node of every
// acceptance set, for each WF an edge where the action is taken or not
// enabled, for each SF an edge taking it or no state enabling it. An SCC
// failing only an SF condition is searched again without the states that
// enable that action.
func (p *pgraph) check(comp []int32) []int32 {
	in := map[int32]bool{}
	for _, v := range comp {
		in[v] = true
	}
	internal := false
	for _, v := range comp {
		for e := p.off[v]; e < p.off[v+1]; e++ {
			if in[p.edges[e].to] {
				internal = true
				break
			}
		}
		if internal {
			break
		}
	}
	if !internal {
		return nil
	}
	for _, acc := range p.t.acc {
		ok := false
		for _, v := range comp {
			if acc[p.nodes[v].q] {
				ok = true
				break
			}
		}
		if !ok {
			return nil
		}
	}
	for _, f := range p.fair {
		if !f.strong && p.findEdge(comp, in, f, true) < 0 {
			return nil
		}
	}
	for _, f := range p.fair {
		if !f.strong || p.findEdge(comp, in, f, false) >= 0 {
			continue
		}
		enabledSomewhere := false
		for _, v := range comp {
			if p.ev.state[f.en][p.nodes[v].s] {
				enabledSomewhere = true
				break
			}
		}
		if !enabledSomewhere {
			continue
		}
		alive := make([]bool, len(p.nodes))
		for _, v := range comp {
			alive[v] = !p.ev.state[f.en][p.nodes[v].s]
		}
		return p.search(alive)
	}
	return comp
}

// findEdge finds an internal edge of the component satisfying fairness f:
// <<A>>_v taken, or (weak, orDisabled) A not enabled at its source.
func (p *pgraph) findEdge(comp []int32, in map[int32]bool, f fairness, orDisabled bool) int32 {
	for _, v := range comp {
		s := p.nodes[v].s
		if orDisabled && !p.ev.state[f.en][s] {
			for e := p.off[v]; e < p.off[v+1]; e++ {
				if in[p.edges[e].to] {
					return e
				}
			}
			continue
		}
		for e := p.off[v]; e < p.off[v+1]; e++ {
			if in[p.edges[e].to] && p.ev.edge[f.act][p.edges[e].k] {
				return e
			}
		}
	}
	return -1
}

// path is a shortest path inside the component from a to a node for which
// goal holds (a itself counts only when zero steps are allowed).
func (p *pgraph) path(in map[int32]bool, a int32, allowEmpty bool, goal func(int32) bool) []int32 {
	if allowEmpty && goal(a) {
		return nil
	}
	prev := map[int32]int32{a: -1}
	queue := []int32{a}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		for e := p.off[v]; e < p.off[v+1]; e++ {
			w := p.edges[e].to
			if !in[w] {
				continue
			}
			if goal(w) {
				out := []int32{w}
				for u := v; u != a; u = prev[u] {
					out = append(out, u)
				}
				for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
					out[i], out[j] = out[j], out[i]
				}
				return out
			}
			if _, ok := prev[w]; !ok {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	return nil
}

// lassoOf builds the counterexample: the BFS path to the component, then a
// cycle through it visiting every acceptance set and every fairness witness.
func (p *pgraph) lassoOf(comp []int32, parent []int32) *lasso {
	in := map[int32]bool{}
	for _, v := range comp {
		in[v] = true
	}
	// the component's node closest to the initial states
	sort.Slice(comp, func(i, j int) bool { return comp[i] < comp[j] })
	x := comp[0]
	var prefix []int32
	for v := x; v >= 0; v = parent[v] {
		prefix = append(prefix, v)
	}
	for i, j := 0, len(prefix)-1; i < j; i, j = i+1, j-1 {
		prefix[i], prefix[j] = prefix[j], prefix[i]
	}
	cycle := []int32{}
	cur := x
	walk := func(goal func(int32) bool) {
		seg := p.path(in, cur, true, goal)
		cycle = append(cycle, seg...)
		if len(seg) > 0 {
			cur = seg[len(seg)-1]
		}
	}
	// visit what the cycle so far does not already cover, so that the
	// lasso stays short
	onCycle := func(ok func(int32) bool) bool {
		if ok(x) {
			return true
		}
		for _, v := range cycle {
			if ok(v) {
				return true
			}
		}
		return false
	}
	stepOK := func(f fairness) bool {
		prev := x
		for _, w := range cycle {
			for e := p.off[prev]; e < p.off[prev+1]; e++ {
				if p.edges[e].to == w && (p.ev.edge[f.act][p.edges[e].k] || !f.strong && !p.ev.state[f.en][p.nodes[prev].s]) {
					return true
				}
			}
			prev = w
		}
		return false
	}
	for _, acc := range p.t.acc {
		goal := func(v int32) bool { return acc[p.nodes[v].q] }
		if !onCycle(goal) {
			walk(goal)
		}
	}
	for _, f := range p.fair {
		if stepOK(f) {
			continue
		}
		if e := p.findEdge(comp, in, f, !f.strong); e >= 0 {
			src := p.edgeSource(e)
			walk(func(v int32) bool { return v == src })
			cycle = append(cycle, p.edges[e].to)
			cur = p.edges[e].to
		}
	}
	if len(cycle) > 0 && cur == x {
		cur = -1 // closed already
	}
	if cur >= 0 {
		back := p.path(in, cur, false, func(v int32) bool { return v == x })
		cycle = append(cycle, back...)
	}
	// project on states, dropping stuttering steps
	var states []int32
	push := func(s int32) {
		if len(states) == 0 || states[len(states)-1] != s {
			states = append(states, s)
		}
	}
	for _, v := range prefix {
		push(p.nodes[v].s)
	}
	loop := len(states) - 1
	for _, v := range cycle {
		push(p.nodes[v].s)
	}
	if len(states)-1 > loop && states[len(states)-1] == states[loop] {
		states = states[:len(states)-1] // the loop closes on states[loop]
	}
	return &lasso{states: states, loop: loop}
}

func (p *pgraph) edgeSource(e int32) int32 {
	i := sort.Search(len(p.off), func(i int) bool { return p.off[i] > e })
	return int32(i - 1)
}

// lassoViolation turns a lasso into TLC's counterexample.
func (ck *checker) lassoViolation(name string, g *bgraph, l *lasso) (*Violation, error) {
	if len(l.states) == 0 {
		return nil, errors.New("internal error: empty liveness counterexample")
	}
	vars := ck.m.Variables()
	steps := []TraceStep{{Action: "<Initial predicate>", Vars: vars, Vals: g.states[l.states[0]]}}
	for i := 1; i < len(l.states); i++ {
		steps = append(steps, ck.stepTo(0, g.states[l.states[i-1]], g.states[l.states[i]]))
	}
	v := &Violation{Kind: "temporal", Name: name, Trace: steps, LoopTo: l.loop + 1}
	if l.loop == len(l.states)-1 {
		v.Stuttering = true // the cycle is the last state's stuttering step
	} else {
		v.LoopAction = ck.stepTo(0, g.states[l.states[len(l.states)-1]], g.states[l.states[l.loop]]).Action
	}
	return v, nil
}

// FormatLasso prints a liveness counterexample as TLC does: the states,
// then the step back into the loop, or the stuttering that never ends.
func FormatLasso(w io.Writer, v *Violation) {
	FormatTrace(w, v.Trace)
	if v.Stuttering {
		fmt.Fprintf(w, "State %d: Stuttering\n", len(v.Trace)+1)
		return
	}
	fmt.Fprintf(w, "Back to state %d: %s\n\n", v.LoopTo, v.LoopAction)
}
