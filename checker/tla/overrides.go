package tla

// Operators of modules read from the library path (CommunityModules.jar)
// that TLC overrides with Java: their TLA+ definitions are placeholders
// (SVG!SVGElemToString == TRUE) or cannot be evaluated (CausalOrder's CHOOSE
// over every permutation of the log).

import (
	"math"
	"sort"
	"strings"
)

func init() {
	def("VectorClocks", "CausalOrder", 4, causalOrder).ops = []int{0, 1, 1, 1}
	def("SVG", "SVGElemToString", 1, func(c *ctx, a []Value, at loc) Value {
		var b strings.Builder
		svgElem(&b, a[0], at)
		return Str(b.String())
	})
	def("SVG", "NodeOfRingNetwork", 5, func(c *ctx, a []Value, at loc) Value {
		cx, cy, r, n, m := asInt(a[0], at), asInt(a[1], at), asInt(a[2], at), asInt(a[3], at), asInt(a[4], at)
		if m == 0 {
			at.failf("NodeOfRingNetwork: a ring of 0 nodes")
		}
		angle := 2 * math.Pi / float64(m) * float64(n)
		// truncated toward zero, as Java's (int) cast
		x := int64(float64(cx) + float64(r)*math.Cos(angle))
		y := int64(float64(cy) + float64(r)*math.Sin(angle))
		return mkRec([]string{"x", "y"}, []Value{Int(x), Int(y)})
	})
}

// svgElem writes an SVG element [name, attrs, children, innerText] as
// TLC's SVGElemToString: attributes single-quoted, _ in their names as -,
// << and >> of the inner text escaped.
func svgElem(b *strings.Builder, e Value, at loc) {
	r, ok := norm(e).(*Rec)
	if !ok {
		at.failf("SVGElemToString: an SVG element must be a record, got %s", Format(e))
	}
	name := asStr(field(r, "name", at), at)
	b.WriteString("<" + name)
	attrs := norm(field(r, "attrs", at))
	if t, ok := attrs.(*Tuple); !ok || len(t.elems) > 0 {
		for i, n := 0, fnLen(attrs); i < n; i++ {
			k := asStr(fnDom(attrs, i), at)
			b.WriteString(" " + strings.ReplaceAll(k, "_", "-") + "='" + asStr(fnRng(attrs, i), at) + "'")
		}
	}
	b.WriteString(">")
	inner := asStr(field(r, "innerText", at), at)
	b.WriteString(strings.ReplaceAll(strings.ReplaceAll(inner, "<<", "&lt;&lt;"), ">>", "&gt;&gt;"))
	kids := norm(field(r, "children", at))
	for i, n := 0, fnLen(kids); i < n; i++ {
		svgElem(b, fnRng(kids, i), at)
	}
	b.WriteString("</" + name + ">")
}

type causalNode struct {
	line    Value
	time    int64
	parents map[*causalNode]bool
	kids    []*causalNode
}

// causalOrder sorts log so that every line comes after the lines its vector
// clock says happened before it: each node's lines by the node's own clock,
// merged into a DAG by the other entries, then the DAG's roots taken in turn.
// Nodes are visited in the engine's order of values (TLC visits them in
// Java's hash order, the same for small integers and one-letter strings;
// otherwise the two may order concurrent lines differently).
func causalOrder(c *ctx, a []Value, at loc) Value {
	log := asSeq(a[0], at)
	clock, node, domain := asClosure(a[1], at), asClosure(a[2], at), asClosure(a[3], at)
	var hosts []Value
	lists := map[string][]*causalNode{}
	key := func(v Value) string { return Format(v) }
	doms := map[*causalNode][]Value{}
	clocks := map[*causalNode]Value{}
	for _, l := range log {
		h := c.apply(node, []Value{l}, at)
		vc := c.apply(clock, []Value{l}, at)
		n := &causalNode{line: l, time: asInt(apply(vc, h, at), at), parents: map[*causalNode]bool{}}
		var dom []Value
		forEach(c.apply(domain, []Value{vc}, at), at, func(d Value) bool {
			dom = append(dom, d)
			return false
		})
		doms[n], clocks[n] = dom, vc
		k := key(h)
		if _, ok := lists[k]; !ok {
			hosts = append(hosts, h)
		}
		lists[k] = append(lists[k], n)
	}
	sort.SliceStable(hosts, func(i, j int) bool { return cmp(hosts[i], hosts[j]) < 0 })
	for _, h := range hosts {
		l := lists[key(h)]
		// stable: a node's lines are most likely in order already
		for i := 1; i < len(l); i++ {
			for j := i; j > 0 && l[j].time < l[j-1].time; j-- {
				l[j], l[j-1] = l[j-1], l[j]
			}
		}
	}
	for _, h := range hosts {
		global := map[string]int64{}
		for _, n := range lists[key(h)] {
			global[key(h)] = n.time
			for _, o := range doms[n] {
				t := asInt(apply(clocks[n], o, at), at)
				if global[key(o)] < t {
					global[key(o)] = t
					ol := lists[key(o)]
					if t < 1 || int(t) > len(ol) {
						at.failf("CausalOrder: the vector clock of %s gives node %s time %d, but the log has %d lines of that node (the clocks must have no gaps)", Format(n.line), Format(o), t, len(ol))
					}
					p := ol[t-1]
					if p != n && !n.parents[p] {
						n.parents[p] = true
						p.kids = append(p.kids, n)
					}
				}
			}
		}
	}
	out := make([]Value, 0, len(log))
	for len(out) < len(log) {
		progress := false
		for _, h := range hosts {
			l := lists[key(h)]
			if len(l) == 0 || len(l[0].parents) > 0 {
				continue
			}
			n := l[0]
			lists[key(h)] = l[1:]
			for _, k := range n.kids {
				delete(k.parents, n)
			}
			out = append(out, n.line)
			progress = true
		}
		if !progress {
			at.failf("CausalOrder: the vector clocks of the log are cyclic")
		}
	}
	return seqOf(out)
}
