package tla

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// TLA+ sources of built-in modules whose operators are definitions rather
// than (or as well as) native code. Where a native operator of the same
// name exists it replaces the definition (see builtinSources).
var moduleSources = map[string]string{
	"Folds": `---- MODULE Folds ----
====`,
	"Functions": `---- MODULE Functions ----
EXTENDS Integers, Folds
RestrictDomain(f, Test(_)) == Restrict(f, {x \in DOMAIN f : Test(x)})
RestrictValues(f, Test(_)) == Restrict(f, {x \in DOMAIN f : Test(f[x])})
IsRestriction(narrow, wide) ==
    /\ DOMAIN narrow \subseteq DOMAIN wide
    /\ \A x \in DOMAIN narrow : narrow[x] = wide[x]
Pointwise(f, g, T(_, _)) == [e \in DOMAIN f |-> T(f[e], g[e])]
AntiFunction(f) == Inverse(f, DOMAIN f, Range(f))
Injection(S, T) == {M \in [S -> T] : IsInjective(M)}
Surjection(S, T) == {M \in [S -> T] : \A t \in T : \E s \in S : M[s] = t}
Bijection(S, T) == Injection(S, T) \cap Surjection(S, T)
ExistsInjection(S, T) == Injection(S, T) # {}
ExistsSurjection(S, T) == Surjection(S, T) # {}
ExistsBijection(S, T) == Bijection(S, T) # {}
SumFunctionOnSet(fun, indices) == FoldFunctionOnSet(+, 0, fun, indices)
SumFunction(fun) == SumFunctionOnSet(fun, DOMAIN fun)
====`,
	"BagsExt": `---- MODULE BagsExt ----
LOCAL INSTANCE Bags
LOCAL INSTANCE Integers
LOCAL INSTANCE Folds
BagAdd(B, x) ==
    IF x \in DOMAIN B THEN [B EXCEPT ![x] = @ + 1]
    ELSE [e \in DOMAIN B \cup {x} |-> IF e = x THEN 1 ELSE B[e]]
BagRemove(B, x) ==
    IF x \in DOMAIN B
    THEN IF B[x] = 1 THEN [e \in DOMAIN B \ {x} |-> B[e]] ELSE [B EXCEPT ![x] = @ - 1]
    ELSE B
BagRemoveAll(B, x) == [e \in DOMAIN B \ {x} |-> B[e]]
MapThenFoldBag(op(_, _), base, f(_), choose(_), B) ==
    LET handle(x) == LET pow[n \in Nat \ {0}] == op(IF n = 1 THEN base ELSE pow[n - 1], f(x))
                     IN pow[B[x]]
    IN MapThenFoldSet(op, base, handle, choose, DOMAIN B)
FoldBag(op(_, _), base, B) == MapThenFoldBag(op, base, LAMBDA x : x, LAMBDA S : CHOOSE x \in S : TRUE, B)
SumBag(B) == FoldBag(LAMBDA x, y : x + y, 0, B)
ProductBag(B) == FoldBag(LAMBDA x, y : x * y, 1, B)
====`,
	"Relation": `---- MODULE Relation ----
LOCAL INSTANCE Naturals
LOCAL INSTANCE FiniteSets
IsReflexive(R, S) == \A x \in S : R[x, x]
IsIrreflexive(R, S) == \A x \in S : ~ R[x, x]
IsSymmetric(R, S) == \A x, y \in S : R[x, y] <=> R[y, x]
IsAntiSymmetric(R, S) == \A x, y \in S : (R[x, y] /\ R[y, x]) => x = y
IsAsymmetric(R, S) == \A x, y \in S : ~(R[x, y] /\ R[y, x])
IsTransitive(R, S) == \A x, y, z \in S : (R[x, y] /\ R[y, z]) => R[x, z]
IsStrictlyPartiallyOrdered(R, S) == IsIrreflexive(R, S) /\ IsAntiSymmetric(R, S) /\ IsTransitive(R, S)
IsPartiallyOrdered(R, S) == IsReflexive(R, S) /\ IsAntiSymmetric(R, S) /\ IsTransitive(R, S)
IsStrictlyTotallyOrdered(R, S) == IsStrictlyPartiallyOrdered(R, S) /\ \A x, y \in S : x # y => (R[x, y] \/ R[y, x])
IsTotallyOrdered(R, S) == IsPartiallyOrdered(R, S) /\ \A x, y \in S : R[x, y] \/ R[y, x]
ReflexiveTransitiveClosure(R, S) == LET T == TransitiveClosure(R, S) IN [x, y \in S |-> x = y \/ T[x, y]]
IsConnected(R, S) == LET T == ReflexiveTransitiveClosure(R, S) IN \A x, y \in S : T[x, y]
====`,
	"Graphs": `---- MODULE Graphs ----
EXTENDS Naturals, Sequences, FiniteSets, SequencesExt, Relation
IsDirectedGraph(G) == G = [node |-> G.node, edge |-> G.edge] /\ G.edge \subseteq (G.node \X G.node)
DirectedSubgraph(G) == {H \in [node : SUBSET G.node, edge : SUBSET (G.node \X G.node)] :
                          IsDirectedGraph(H) /\ H.edge \subseteq G.edge}
Transpose(G) == [edge |-> {<<e[2], e[1]>> : e \in G.edge}, node |-> G.node]
IsUndirectedGraph(G) == IsDirectedGraph(G) /\ \A e \in G.edge : <<e[2], e[1]>> \in G.edge
UndirectedSubgraph(G) == {H \in DirectedSubgraph(G) : IsUndirectedGraph(H)}
IsStronglyConnected(G) == \A m, n \in G.node : AreConnectedIn(m, n, G)
IsTreeWithRoot(G, r) ==
    /\ IsDirectedGraph(G)
    /\ r \in G.node
    /\ \A e \in G.edge : e[1] # r /\ \A f \in G.edge : (e[1] = f[1]) => (e = f)
    /\ \A n \in G.node : AreConnectedIn(n, r, G)
GraphUnion(G, H) == [node |-> G.node \cup H.node, edge |-> G.edge \cup H.edge]
IsBipartiteWithPartitions(G, U, V) ==
    /\ U \cap V = {}
    /\ G.node \subseteq (U \cup V)
    /\ \A e \in G.edge : (e[1] \in U /\ e[2] \in V) \/ (e[2] \in U /\ e[1] \in V)
HasCycle(G) ==
    \/ \E n \in G.node : <<n, n>> \in G.edge
    \/ \E m, n \in G.node : m # n /\ ConnectionsIn(G)[m, n] /\ ConnectionsIn(G)[n, m]
IsDag(G) == IsDirectedGraph(G) /\ ~HasCycle(G)
Successors(G, n) == {m \in G.node : <<n, m>> \in G.edge}
AllSuccessors(G, S) == UNION {Successors(G, n) : n \in S}
Predecessors(G, n) == {m \in G.node : <<m, n>> \in G.edge}
AllPredecessors(G, S) == UNION {Predecessors(G, n) : n \in S}
InDegree(G, n) == Cardinality(Predecessors(G, n))
OutDegree(G, n) == Cardinality(Successors(G, n))
Roots(G) == {n \in G.node : Predecessors(G, n) = {}}
Leaves(G) == {n \in G.node : Successors(G, n) = {}}
EmptyGraph == [node |-> {}, edge |-> {}]
Graphs(S) == [node : {S}, edge : SUBSET (S \X S)]
====`,
	"UndirectedGraphs": `---- MODULE UndirectedGraphs ----
LOCAL INSTANCE Naturals
LOCAL INSTANCE Sequences
LOCAL INSTANCE FiniteSets
IsUndirectedGraph(G) == G = [node |-> G.node, edge |-> G.edge] /\ \A e \in G.edge : \E a, b \in G.node : e = {a, b}
IsLoopFreeUndirectedGraph(G) == G = [node |-> G.node, edge |-> G.edge] /\ \A e \in G.edge : \E a, b \in G.node : a # b /\ e = {a, b}
UndirectedSubgraph(G) == {H \in [node : SUBSET G.node, edge : SUBSET G.edge] : IsUndirectedGraph(H)}
IsStronglyConnected(G) == ConnectedComponents(G) = {G.node}
UndirectedGraphs(S) == [node : {S}, edge : SUBSET {{s, t} : <<s, t>> \in S \X S}]
====`,
	"DyadicRationals": `---- MODULE DyadicRationals ----
LOCAL INSTANCE Naturals
LOCAL INSTANCE Sequences
LOCAL INSTANCE TLC
LOCAL PowerOfTwo(n) == \E k \in 0..n : 2^k = n
LOCAL Gcd(n, m) == CHOOSE d \in 1..(IF n < m THEN m ELSE n) : /\ n % d = 0 /\ m % d = 0
                               /\ \A e \in 1..(IF n < m THEN m ELSE n) : (n % e = 0 /\ m % e = 0) => e =< d
LOCAL Reduce(p) == IF p.num = 0 THEN [num |-> 0, den |-> 1]
                   ELSE LET g == Gcd(p.num, p.den) IN [num |-> p.num \div g, den |-> p.den \div g]
IsDyadicRational(r) == PowerOfTwo(r.den)
Zero == [num |-> 0, den |-> 1]
One == [num |-> 1, den |-> 1]
Add(p, q) == IF p = Zero THEN q ELSE IF q = Zero THEN p
             ELSE LET d == IF p.den > q.den THEN p.den ELSE q.den
                  IN Reduce([num |-> p.num * (d \div p.den) + q.num * (d \div q.den), den |-> d])
Half(p) == Reduce([num |-> p.num, den |-> p.den * 2])
PrettyPrint(p) == IF p.num = 0 THEN "0" ELSE IF p.den = 1 THEN ToString(p.num) ELSE ToString(p.num) \o "/" \o ToString(p.den)
====`,
	"Randomization": `---- MODULE Randomization ----
LOCAL INSTANCE Naturals
LOCAL INSTANCE FiniteSets
====`,
	"TLAPS": tlapsSource(),
}

// tlapsSource is TLAPS: its backend pragmas, which TLC reads as TRUE.
func tlapsSource() string {
	var b strings.Builder
	b.WriteString("---- MODULE TLAPS ----\n")
	for _, n := range strings.Fields(`SimpleArithmetic SMT CVC3 CVC4 Yices veriT Zipper Z3 Spass LS4 PTL
		Zenon Isa IsaWithSetExtensionality SlowZenon SlowerZenon VerySlowZenon SlowestZenon Auto
		SlowAuto SlowerAuto SlowestAuto Force SlowForce SlowerForce SlowestForce SimplifyAndSolve
		SlowSimplifyAndSolve SlowerSimplifyAndSolve SlowestSimplifyAndSolve Simplification
		SlowSimplification SlowerSimplification SlowestSimplification Blast SlowBlast SlowerBlast
		SlowestBlast AutoBlast AllProvers AllSMT AllIsa ExpandENABLED ExpandCdot AutoUSE Lambdify
		ENABLEDaxioms LevelComparison Trivial PropositionalTemporalLogic`) {
		fmt.Fprintf(&b, "%s == TRUE\n", n)
	}
	for _, n := range strings.Fields("SMTT CVC3T CVC4T YicesT veriTT ZipperT Z3T SpassT LS4T ZenonT IsaT IsaM AllProversT AllSMTT AllIsaT") {
		fmt.Fprintf(&b, "%s(X) == TRUE\n", n)
	}
	b.WriteString("IsaMT(X, Y) == TRUE\nEnabledWrapper(Op(_)) == FALSE\nCdotWrapper(Op(_)) == FALSE\n====\n")
	return b.String()
}

func init() {
	for name, src := range moduleSources {
		builtinSources[name] = src
	}

	// Folds: op(f(x1), op(f(x2), ... op(f(xn), base))), x1 = choose(S),
	// x2 = choose(S \ {x1}), ...
	def("Folds", "MapThenFoldSet", 5, func(c *ctx, a []Value, at loc) Value {
		op, f, choose := asClosure(a[0], at), asClosure(a[2], at), asClosure(a[3], at)
		s := toSet(a[4], at)
		var xs []Value
		for len(s.elems) > 0 {
			x := c.apply(choose, []Value{s}, at)
			xs = append(xs, x)
			s = diff(s, mkSet([]Value{x}))
		}
		acc := a[1]
		for i := len(xs) - 1; i >= 0; i-- {
			acc = c.apply(op, []Value{c.apply(f, []Value{xs[i]}, at), acc}, at)
		}
		return acc
	}).ops = []int{2, 0, 1, 1, 0}

	// Relation and Graphs: closures by search rather than by their
	// definitions over all subsets.
	def("Relation", "TransitiveClosure", 2, func(c *ctx, a []Value, at loc) Value {
		r := norm(a[0])
		s := elems(a[1], at)
		succ := func(x Value) []Value {
			var out []Value
			for _, y := range s {
				if asBool(apply(r, &Tuple{elems: []Value{x, y}}, at), at) {
					out = append(out, y)
				}
			}
			return out
		}
		var dom, rng []Value
		for _, x := range s {
			reach := reachable(succ(x), succ)
			for _, y := range s {
				_, ok := reach[Format(y)]
				dom, rng = append(dom, &Tuple{elems: []Value{x, y}}), append(rng, ok)
			}
		}
		return mkFcnUnsorted(dom, rng)
	})
	for _, mod := range []string{"Graphs", "UndirectedGraphs"} {
		undirected := mod == "UndirectedGraphs"
		adj := func(g Value, at loc) func(Value) []Value { return graphSucc(g, undirected, at) }
		def(mod, "Path", 1, func(c *ctx, a []Value, at loc) Value {
			g := norm(a[0])
			nodes := field(g, "node", at)
			succ := adj(g, at)
			return &FilterSet{base: &SeqSet{base: nodes}, pred: func(p Value) bool {
				ps := asSeq(p, at)
				if len(ps) == 0 {
					return false
				}
				for i := 0; i+1 < len(ps); i++ {
					if !containsVal(succ(ps[i]), ps[i+1]) {
						return false
					}
				}
				return true
			}}
		})
		def(mod, "SimplePath", 1, func(c *ctx, a []Value, at loc) Value {
			g := norm(a[0])
			succ := adj(g, at)
			var out []Value
			var walk func(p []Value)
			walk = func(p []Value) {
				out = append(out, seqOf(append([]Value(nil), p...)))
				if len(out) > 1<<20 {
					at.failf("SimplePath: more than %d paths", 1<<20)
				}
				for _, n := range succ(p[len(p)-1]) {
					if !containsVal(p, n) {
						walk(append(p, n))
					}
				}
			}
			for _, n := range elems(field(g, "node", at), at) {
				walk([]Value{n})
			}
			return mkSet(out)
		})
		def(mod, "AreConnectedIn", 3, func(c *ctx, a []Value, at loc) Value {
			g := norm(a[2])
			nodes := field(g, "node", at)
			if !member(a[0], nodes, at) || !member(a[1], nodes, at) {
				return false
			}
			if valEq(a[0], a[1], at) {
				return true
			}
			succ := adj(g, at)
			_, ok := reachable(succ(a[0]), succ)[Format(norm(a[1]))]
			return ok
		})
	}
	def("Graphs", "ConnectionsIn", 1, func(c *ctx, a []Value, at loc) Value {
		g := norm(a[0])
		succ := graphSucc(g, false, at)
		ns := elems(field(g, "node", at), at)
		var dom, rng []Value
		for _, m := range ns {
			reach := reachable(succ(m), succ)
			for _, n := range ns {
				_, ok := reach[Format(n)]
				dom, rng = append(dom, &Tuple{elems: []Value{m, n}}), append(rng, ok || valEq(m, n, at))
			}
		}
		return mkFcnUnsorted(dom, rng)
	})
	// Descendants(G, n): the nodes at the end of a non-empty path from n;
	// Ancestors(G, n): those with a non-empty path to n.
	def("Graphs", "Descendants", 2, func(c *ctx, a []Value, at loc) Value {
		succ := graphSucc(norm(a[0]), false, at)
		var out []Value
		for _, v := range reachable(succ(a[1]), succ) {
			out = append(out, v)
		}
		return mkSet(out)
	})
	def("Graphs", "Ancestors", 2, func(c *ctx, a []Value, at loc) Value {
		g := norm(a[0])
		succ := graphSucc(g, false, at)
		var out []Value
		for _, m := range elems(field(g, "node", at), at) {
			if _, ok := reachable(succ(m), succ)[Format(norm(a[1]))]; ok {
				out = append(out, m)
			}
		}
		return mkSet(out)
	})
	def("UndirectedGraphs", "ConnectedComponents", 1, func(c *ctx, a []Value, at loc) Value {
		g := norm(a[0])
		succ := graphSucc(g, true, at)
		done := map[string]bool{}
		var comps []Value
		for _, n := range elems(field(g, "node", at), at) {
			if done[Format(n)] {
				continue
			}
			reach := reachable([]Value{n}, succ)
			var comp []Value
			for k, v := range reach {
				done[k] = true
				comp = append(comp, v)
			}
			comps = append(comps, mkSet(comp))
		}
		return mkSet(comps)
	})

	// IOUtils
	def("IOUtils", "atoi", 1, func(c *ctx, a []Value, at loc) Value {
		n, err := strconv.ParseInt(strings.TrimSpace(asStr(a[0], at)), 10, 64)
		if err != nil {
			at.failf("atoi: %s is not an integer", Format(a[0]))
		}
		return mkInt(n, at)
	})
	// Serialize(value, dest, options): format "TXT" writes a string as it is,
	// "JSON" or "NDJSON" the value in JSON; openOptions containing "APPEND"
	// appends. Deserialize reads them back.
	def("IOUtils", "Serialize", 3, func(c *ctx, a []Value, at loc) Value {
		opts := norm(a[2])
		format := asStr(field(opts, "format", at), at)
		var text string
		switch strings.ToUpper(format) {
		case "TXT":
			text = asStr(a[0], at)
		case "JSON":
			text = toJSON(norm(a[0]), at) + "\n"
		case "NDJSON":
			var b strings.Builder
			for _, e := range asSeq(norm(a[0]), at) {
				b.WriteString(toJSON(e, at) + "\n")
			}
			text = b.String()
		default:
			at.failf("Serialize: unknown format %q (TXT, JSON or NDJSON)", format)
		}
		flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
		if oo, ok := tryApply(opts, Str("openOptions")); ok {
			for _, o := range asSeq(norm(oo), at) {
				if asStr(o, at) == "APPEND" {
					flags = os.O_WRONLY | os.O_CREATE | os.O_APPEND
				}
			}
		}
		dest := asStr(a[1], at)
		f, err := os.OpenFile(dest, flags, 0o644)
		if err == nil {
			_, err = f.WriteString(text)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		code, msg := 0, ""
		if err != nil {
			code, msg = 1, err.Error()
		}
		return mkRec([]string{"exitValue", "stderr", "stdout"}, []Value{Int(code), Str(msg), Str("")})
	}).level = lvlState
	def("IOUtils", "Deserialize", 2, func(c *ctx, a []Value, at loc) Value {
		format := asStr(field(norm(a[1]), "format", at), at)
		src := asStr(a[0], at)
		switch strings.ToUpper(format) {
		case "TXT":
			data, err := os.ReadFile(src)
			if err != nil {
				at.failf("cannot read %s: %v", src, err)
			}
			return Str(data)
		case "JSON":
			return jsonFile(src, false, at)
		case "NDJSON":
			return jsonFile(src, true, at)
		}
		at.failf("Deserialize: unknown format %q (TXT, JSON or NDJSON)", format)
		return nil
	}).level = lvlState
	def("IOUtils", "zeroPadN", 2, func(c *ctx, a []Value, at loc) Value {
		return Str(fmt.Sprintf("%0*d", asInt(a[1], at), asInt(a[0], at)))
	})

	// Randomization: TLC draws with its own generator; these draw with the
	// engine's (seeded, deterministic), so state counts can differ from TLC's.
	def("Randomization", "RandomSubset", 2, func(c *ctx, a []Value, at loc) Value {
		k := int(asInt(a[0], at))
		s := elems(a[1], at)
		if k > len(s) {
			at.failf("RandomSubset: %d is larger than the cardinality of %s", k, Format(a[1]))
		}
		rngMu.Lock()
		perm := rng.Perm(len(s))
		rngMu.Unlock()
		out := make([]Value, k)
		for i := range out {
			out[i] = s[perm[i]]
		}
		return mkSet(out)
	})
}

// field reads a record field.
func field(r Value, name string, at loc) Value { return apply(r, Str(name), at) }

func containsVal(xs []Value, v Value) bool {
	for _, x := range xs {
		if cmp(x, v) == 0 {
			return true
		}
	}
	return false
}

// graphSucc gives the successors of a node of G = [node, edge]: edges are
// pairs <<m, n>>, or sets {m, n} in an undirected graph.
func graphSucc(g Value, undirected bool, at loc) func(Value) []Value {
	nodes := elems(field(g, "node", at), at)
	succ := map[string][]Value{}
	forEach(field(g, "edge", at), at, func(e Value) bool {
		e = norm(e)
		if undirected {
			ends := elems(e, at)
			for _, x := range ends {
				for _, y := range ends {
					if len(ends) == 1 || cmp(x, y) != 0 {
						succ[Format(x)] = append(succ[Format(x)], y)
					}
				}
			}
			return false
		}
		p := asSeq(e, at)
		if len(p) != 2 {
			at.failf("the edge %s is not a pair of nodes", Format(e))
		}
		succ[Format(p[0])] = append(succ[Format(p[0])], p[1])
		return false
	})
	_ = nodes
	return func(n Value) []Value { return succ[Format(norm(n))] }
}

// reachable is the set of values reachable from start (start included),
// keyed by their printed form.
func reachable(start []Value, succ func(Value) []Value) map[string]Value {
	seen := map[string]Value{}
	stack := append([]Value(nil), start...)
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		k := Format(n)
		if _, ok := seen[k]; ok {
			continue
		}
		seen[k] = n
		stack = append(stack, succ(n)...)
	}
	return seen
}
