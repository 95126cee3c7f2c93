package tla

// The tableau of a liveness formula in negation normal form: a generalised
// Büchi automaton built by the on-the-fly construction of Gerth, Peled,
// Vardi and Wolper ("Simple on-the-fly automatic verification of linear
// temporal logic", 1995), the construction TLC's tableau also follows in
// spirit. A node's literals must hold at its position of the behaviour: a
// state literal on the state, an action literal on the step leaving it.

import (
	"sort"
	"strconv"
	"strings"
)

// tlit is an atom, or its negation, that a tableau node requires.
type tlit struct {
	a   int
	neg bool
}

type tnode struct {
	lits []tlit
	succ []int32
}

type tableau struct {
	nodes []tnode
	init  []int32
	// acc[i][q]: node q is in the i-th acceptance set (one per <> formula)
	acc [][]bool
}

// maxTableau bounds the construction: a property whose tableau grows past
// it is refused rather than exhausting memory.
const maxTableau = 1 << 14

type gnode struct {
	id       int
	incoming []int // -1: initial
	new      []*lf
	old      map[int]*lf
	next     map[int]*lf
}

type gpvw struct {
	b     *lbuilder
	nodes []*gnode
	byKey map[string]*gnode
}

func formKey(m map[int]*lf) string {
	ids := make([]int, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	var sb strings.Builder
	for _, id := range ids {
		sb.WriteString(strconv.Itoa(id))
		sb.WriteByte(',')
	}
	return sb.String()
}

func cloneForms(m map[int]*lf) map[int]*lf {
	out := make(map[int]*lf, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (g *gpvw) clone(n *gnode) *gnode {
	return &gnode{
		incoming: append([]int(nil), n.incoming...),
		new:      append([]*lf(nil), n.new...),
		old:      cloneForms(n.old),
		next:     cloneForms(n.next),
	}
}

func (g *gpvw) expand(n *gnode) {
	for {
		if len(g.nodes) > maxTableau {
			panic(&EvalError{Msg: "not supported: the property's tableau has more than " + strconv.Itoa(maxTableau) + " nodes"})
		}
		if len(n.new) == 0 {
			key := formKey(n.old) + "|" + formKey(n.next)
			if ex, ok := g.byKey[key]; ok {
				ex.incoming = append(ex.incoming, n.incoming...)
				return
			}
			n.id = len(g.nodes)
			g.nodes = append(g.nodes, n)
			g.byKey[key] = n
			succ := &gnode{incoming: []int{n.id}, old: map[int]*lf{}, next: map[int]*lf{}}
			for _, f := range n.next {
				succ.new = append(succ.new, f)
			}
			sort.Slice(succ.new, func(i, j int) bool { return succ.new[i].id < succ.new[j].id })
			n = succ
			continue
		}
		f := n.new[len(n.new)-1]
		n.new = n.new[:len(n.new)-1]
		if _, ok := n.old[f.id]; ok {
			continue
		}
		switch f.k {
		case lFalse:
			return
		case lTrue:
			n.old[f.id] = f
		case lAtom:
			if _, ok := n.old[g.b.mk(lAtom, f.a, !f.neg).id]; ok {
				return // contradiction
			}
			n.old[f.id] = f
		case lAnd:
			n.old[f.id] = f
			for _, x := range f.xs {
				if _, ok := n.old[x.id]; !ok {
					n.new = append(n.new, x)
				}
			}
		case lG:
			n.old[f.id] = f
			n.new = append(n.new, f.xs[0])
			n.next[f.id] = f
		case lOr:
			n.old[f.id] = f
			for _, x := range f.xs[1:] {
				m := g.clone(n)
				m.new = append(m.new, x)
				g.expand(m)
			}
			n.new = append(n.new, f.xs[0])
		case lF:
			n.old[f.id] = f
			m := g.clone(n) // postpone: <>p holds from the next position
			m.next[f.id] = f
			g.expand(m)
			n.new = append(n.new, f.xs[0])
		}
	}
}

// buildTableau constructs the automaton of f.
func buildTableau(f *lf, b *lbuilder) *tableau {
	g := &gpvw{b: b, byKey: map[string]*gnode{}}
	g.expand(&gnode{incoming: []int{-1}, new: []*lf{f}, old: map[int]*lf{}, next: map[int]*lf{}})
	t := &tableau{nodes: make([]tnode, len(g.nodes))}
	for _, n := range g.nodes {
		for _, f := range n.old {
			if f.k == lAtom {
				t.nodes[n.id].lits = append(t.nodes[n.id].lits, tlit{a: f.a, neg: f.neg})
			}
		}
		sort.Slice(t.nodes[n.id].lits, func(i, j int) bool {
			x, y := t.nodes[n.id].lits[i], t.nodes[n.id].lits[j]
			return x.a < y.a || x.a == y.a && !x.neg && y.neg
		})
		seen := map[int]bool{}
		for _, from := range n.incoming {
			if seen[from] {
				continue
			}
			seen[from] = true
			if from < 0 {
				t.init = append(t.init, int32(n.id))
			} else {
				t.nodes[from].succ = append(t.nodes[from].succ, int32(n.id))
			}
		}
	}
	for i := range t.nodes {
		s := t.nodes[i].succ
		sort.Slice(s, func(a, b int) bool { return s[a] < s[b] })
	}
	sort.Slice(t.init, func(a, b int) bool { return t.init[a] < t.init[b] })
	// one acceptance set per <>p: nodes that do not promise <>p or fulfil p
	for _, f := range b.all {
		if f.k != lF || !reaches(g.nodes, f) {
			continue
		}
		acc := make([]bool, len(g.nodes))
		for _, n := range g.nodes {
			_, promised := n.old[f.id]
			_, fulfilled := n.old[f.xs[0].id]
			acc[n.id] = !promised || fulfilled
		}
		t.acc = append(t.acc, acc)
	}
	return t
}

// reaches reports whether f occurs in some node (only those <> formulas
// need an acceptance set).
func reaches(nodes []*gnode, f *lf) bool {
	for _, n := range nodes {
		if _, ok := n.old[f.id]; ok {
			return true
		}
	}
	return false
}
