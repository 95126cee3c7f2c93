package tla

import (
	"fmt"
	"math/rand"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// builtin is a natively implemented operator of a standard module.
type builtin struct {
	name  string
	arity int   // -1: variadic
	ops   []int // arity of each parameter (operator parameters > 0)
	fn    func(c *ctx, args []Value, at loc) Value
	level int   // lvlState for operators that must not be cached
	konst Value // value of a zero-arity constant operator
}

func (b *builtin) params() []syntax.Param {
	if b.ops == nil {
		return nil
	}
	ps := make([]syntax.Param, len(b.ops))
	for i, a := range b.ops {
		ps[i] = syntax.Param{Arity: a}
	}
	return ps
}

type fn = func(c *ctx, a []Value, at loc) Value

var builtinOps = map[string][]*builtin{}

func def(mod, name string, arity int, f fn) *builtin {
	b := &builtin{name: name, arity: arity, fn: f}
	builtinOps[mod] = append(builtinOps[mod], b)
	return b
}

func share(mod string, b *builtin) { builtinOps[mod] = append(builtinOps[mod], b) }

func konst(mod, name string, v Value) {
	builtinOps[mod] = append(builtinOps[mod], &builtin{name: name, konst: v, fn: func(*ctx, []Value, loc) Value { return v }})
}

// builtinSources are the standard modules; definitions written in TLA+
// here are overridden by native operators of the same name.
var builtinSources = map[string]string{
	"Naturals":   "---- MODULE Naturals ----\n====",
	"Integers":   "---- MODULE Integers ----\nEXTENDS Naturals\n====",
	"Sequences":  "---- MODULE Sequences ----\n====",
	"FiniteSets": "---- MODULE FiniteSets ----\n====",
	"Bags":       "---- MODULE Bags ----\n====",
	"TLC":        "---- MODULE TLC ----\n====",
	"TLCExt":     "---- MODULE TLCExt ----\n====",
	// the community modules extend these (so they export them too)
	"SequencesExt":  "---- MODULE SequencesExt ----\nEXTENDS Sequences, Naturals, FiniteSets, FiniteSetsExt, Folds, Functions, Bags, TLC\n====",
	"FiniteSetsExt": "---- MODULE FiniteSetsExt ----\nEXTENDS Integers, FiniteSets, Folds, Functions\n====",
	"Functions":     "---- MODULE Functions ----\n====",
	"Json":          "---- MODULE Json ----\n====",
	"IOUtils":       "---- MODULE IOUtils ----\n====",
}

func intOp(name string, f func(a, b int64, at loc) int64) fn {
	return func(c *ctx, a []Value, at loc) Value {
		return mkInt(f(asInt(a[0], at), asInt(a[1], at), at), at)
	}
}

func cmpOp(f func(a, b int64) bool) fn {
	return func(c *ctx, a []Value, at loc) Value { return f(asInt(a[0], at), asInt(a[1], at)) }
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

var (
	regMu sync.Mutex
	regs  = map[string]Value{}
	rngMu sync.Mutex
	rng   = rand.New(rand.NewSource(1))
)

func init() {
	// Naturals and Integers
	konst("Naturals", "Nat", natSet)
	def("Naturals", "+", 2, intOp("+", func(a, b int64, at loc) int64 { return a + b }))
	def("Naturals", "-", 2, intOp("-", func(a, b int64, at loc) int64 { return a - b }))
	def("Naturals", "*", 2, intOp("*", func(a, b int64, at loc) int64 { return a * b }))
	def("Naturals", "^", 2, intOp("^", func(a, b int64, at loc) int64 {
		if b < 0 {
			at.failf("negative exponent %d", b)
		}
		r := int64(1)
		for i := int64(0); i < b; i++ {
			r *= a
			if r > maxInt || r < minInt {
				at.failf("Overflow: %d^%d is outside TLC's 32-bit range", a, b)
			}
		}
		return r
	}))
	def("Naturals", "\\div", 2, intOp("\\div", func(a, b int64, at loc) int64 {
		if b == 0 {
			at.failf("The second argument of \\div is 0.")
		}
		return floorDiv(a, b)
	}))
	def("Naturals", "%", 2, intOp("%", func(a, b int64, at loc) int64 {
		if b <= 0 {
			at.failf("The second argument of %% should be a positive number, but instead it is: %d", b)
		}
		return a - b*floorDiv(a, b)
	}))
	def("Naturals", "<", 2, cmpOp(func(a, b int64) bool { return a < b }))
	def("Naturals", ">", 2, cmpOp(func(a, b int64) bool { return a > b }))
	def("Naturals", "=<", 2, cmpOp(func(a, b int64) bool { return a <= b }))
	def("Naturals", ">=", 2, cmpOp(func(a, b int64) bool { return a >= b }))
	def("Naturals", "..", 2, func(c *ctx, a []Value, at loc) Value {
		return &Interval{lo: asInt(a[0], at), hi: asInt(a[1], at)}
	})
	konst("Integers", "Int", intSet)
	def("Integers", "-.", 1, func(c *ctx, a []Value, at loc) Value { return mkInt(-asInt(a[0], at), at) })

	// Sequences
	def("Sequences", "Seq", 1, func(c *ctx, a []Value, at loc) Value { return &SeqSet{base: a[0]} })
	def("Sequences", "Len", 1, func(c *ctx, a []Value, at loc) Value {
		if s, ok := a[0].(Str); ok { // TLC treats strings as sequences here
			return intValue(int64(len(s)))
		}
		return intValue(int64(len(asSeq(a[0], at))))
	})
	def("Sequences", "\\o", 2, func(c *ctx, a []Value, at loc) Value {
		if s, ok := a[0].(Str); ok {
			if t, ok := a[1].(Str); ok {
				return s + t
			}
		}
		x, y := asSeq(a[0], at), asSeq(a[1], at)
		xt, _ := a[0].(*Tuple)
		return seqConcat(x, y, xt)
	})
	def("Sequences", "Append", 2, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		xt, ok := a[0].(*Tuple)
		if !ok {
			xt = &Tuple{elems: x}
		}
		return seqAppend(xt, norm(a[1]))
	})
	def("Sequences", "Head", 1, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		if len(x) == 0 {
			at.failf("Attempted to apply Head to the empty sequence.")
		}
		return x[0]
	})
	def("Sequences", "Tail", 1, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		if len(x) == 0 {
			at.failf("Attempted to apply Tail to the empty sequence.")
		}
		return seqOf(x[1:])
	})
	def("Sequences", "SubSeq", 3, func(c *ctx, a []Value, at loc) Value {
		m, n := asInt(a[1], at), asInt(a[2], at)
		if s, ok := a[0].(Str); ok {
			if m > n {
				return Str("")
			}
			if m < 1 || n > int64(len(s)) {
				at.failf("SubSeq(%s, %d, %d): index out of range", Format(s), m, n)
			}
			return s[m-1 : n]
		}
		x := asSeq(a[0], at)
		if m > n {
			return emptyTup
		}
		if m < 1 || n > int64(len(x)) {
			at.failf("The second argument of SubSeq must be in the domain of its first argument:\n%s\nbut instead it is\n%d", Format(a[0]), m)
		}
		if t, ok := a[0].(*Tuple); ok {
			return seqSub(t, int(m), int(n))
		}
		return seqOf(x[m-1 : n])
	})
	def("Sequences", "SelectSeq", 2, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		cl := asClosure(a[1], at)
		var out []Value
		for _, e := range x {
			if asBool(c.apply(cl, []Value{e}, at), at) {
				out = append(out, e)
			}
		}
		return seqOf(out)
	}).ops = []int{0, 1}

	// FiniteSets
	def("FiniteSets", "IsFiniteSet", 1, func(c *ctx, a []Value, at loc) Value { return isFinite(a[0]) })
	def("FiniteSets", "Cardinality", 1, func(c *ctx, a []Value, at loc) Value { return intValue(int64(setLen(a[0], at))) })

	// Bags
	konst("Bags", "EmptyBag", emptyTup)
	def("Bags", "IsABag", 1, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		if kindName(f) != "function" {
			return false
		}
		for i := 0; i < fnLen(f); i++ {
			if n, ok := fnRng(f, i).(Int); !ok || n <= 0 {
				return false
			}
		}
		return true
	})
	def("Bags", "BagToSet", 1, func(c *ctx, a []Value, at loc) Value { return toSet(domain(a[0], at), at) })
	def("Bags", "SetToBag", 1, func(c *ctx, a []Value, at loc) Value {
		es := elems(a[0], at)
		ones := make([]Value, len(es))
		for i := range ones {
			ones[i] = Int(1)
		}
		return mkFcn(es, ones)
	})
	def("Bags", "BagIn", 2, func(c *ctx, a []Value, at loc) Value { _, ok := tryApply(norm(a[1]), a[0]); return ok })
	def("Bags", "CopiesIn", 2, func(c *ctx, a []Value, at loc) Value {
		if v, ok := tryApply(norm(a[1]), a[0]); ok {
			return v
		}
		return Int(0)
	})
	def("Bags", "(+)", 2, func(c *ctx, a []Value, at loc) Value { return bagCombine(a[0], a[1], 1, at) })
	def("Bags", "(-)", 2, func(c *ctx, a []Value, at loc) Value { return bagCombine(a[0], a[1], -1, at) })
	def("Bags", "BagUnion", 1, func(c *ctx, a []Value, at loc) Value {
		var out Value = emptyTup
		forEach(a[0], at, func(b Value) bool {
			out = bagCombine(out, b, 1, at)
			return false
		})
		return out
	})
	def("Bags", "BagCardinality", 1, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		var n int64
		for i := 0; i < fnLen(f); i++ {
			n += asInt(fnRng(f, i), at)
		}
		return mkInt(n, at)
	})
	def("Bags", "\\sqsubseteq", 2, func(c *ctx, a []Value, at loc) Value {
		f, g := norm(a[0]), norm(a[1])
		for i := 0; i < fnLen(f); i++ {
			v, ok := tryApply(g, fnDom(f, i))
			if !ok || asInt(v, at) < asInt(fnRng(f, i), at) {
				return false
			}
		}
		return true
	})

	def("Bags", "BagOfAll", 2, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		f := norm(a[1])
		var out Value = emptyTup
		for i := 0; i < fnLen(f); i++ {
			img := norm(c.apply(cl, []Value{fnDom(f, i)}, at))
			out = bagCombine(out, mkFcn([]Value{img}, []Value{fnRng(f, i)}), 1, at)
		}
		return out
	}).ops = []int{1, 0}
	def("Bags", "SubBag", 1, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		n := fnLen(f)
		var out []Value
		counts := make([]int64, n)
		for {
			var d, r []Value
			for i := 0; i < n; i++ {
				if counts[i] > 0 {
					d, r = append(d, fnDom(f, i)), append(r, Int(counts[i]))
				}
			}
			out = append(out, mkFcn(d, r))
			if len(out) > 1<<20 {
				at.failf("SubBag: too many subbags")
			}
			i := 0
			for ; i < n; i++ {
				counts[i]++
				if counts[i] <= asInt(fnRng(f, i), at) {
					break
				}
				counts[i] = 0
			}
			if i == n {
				break
			}
		}
		return mkSet(out)
	})

	// TLC
	def("TLC", "Print", 2, func(c *ctx, a []Value, at loc) Value {
		c.print(Format(a[0]))
		return a[1]
	})
	def("TLC", "PrintT", 1, func(c *ctx, a []Value, at loc) Value {
		c.print(Format(a[0]))
		return true
	})
	def("TLC", "Assert", 2, func(c *ctx, a []Value, at loc) Value {
		if !asBool(a[0], at) {
			at.failf("The first argument of Assert evaluated to FALSE; the second argument was:\n%s", Format(a[1]))
		}
		return true
	})
	def("TLC", "JavaTime", 0, func(c *ctx, a []Value, at loc) Value {
		return Int(time.Now().Unix() & 0x7fffffff)
	}).level = lvlState
	def("TLC", "TLCGet", 1, func(c *ctx, a []Value, at loc) Value {
		if s, ok := a[0].(Str); ok {
			st := c.m.stats
			switch s {
			case "level":
				return Int(c.level)
			case "stats":
				if st == nil {
					at.failf("TLCGet(\"stats\") outside model checking")
				}
				return mkRec([]string{"diameter", "distinct", "generated", "queue"},
					[]Value{Int(st.depth.Load()), Int(st.distinct()), Int(st.generated.Load()), Int(st.queue())})
			case "diameter", "distinct", "generated", "queue":
				if st == nil {
					at.failf("TLCGet(%s) outside model checking", Format(a[0]))
				}
				return map[Str]Value{"diameter": Int(st.depth.Load()), "distinct": Int(st.distinct()),
					"generated": Int(st.generated.Load()), "queue": Int(st.queue())}[s]
			case "config":
				// the fields of TLC's breadth-first mode that a spec can rely on
				// (TLC also gives install, seed and fingerprint, its jar's path
				// and random choices; depth is TLC's in its other modes)
				w, dl := 1, true
				if st != nil {
					w, dl = st.opts.Workers, st.deadlock
				}
				return mkRec([]string{"deadlock", "depth", "mode", "worker"}, []Value{dl, Int(-1), Str("bfs"), Int(w)})
			}
			at.failf("not supported: TLCGet(%s)", Format(a[0]))
		}
		regMu.Lock()
		defer regMu.Unlock()
		v, ok := regs[Format(a[0])]
		if !ok {
			at.failf("TLCGet(%s): register not set", Format(a[0]))
		}
		return v
	}).level = lvlState
	def("TLC", "TLCSet", 2, func(c *ctx, a []Value, at loc) Value {
		if _, ok := a[0].(Int); !ok {
			at.failf("not supported: TLCSet(%s, ...)", Format(a[0]))
		}
		regMu.Lock()
		regs[Format(a[0])] = norm(a[1])
		regMu.Unlock()
		return true
	}).level = lvlState
	def("TLC", ":>", 2, func(c *ctx, a []Value, at loc) Value {
		return mkFcn([]Value{norm(a[0])}, []Value{norm(a[1])})
	})
	def("TLC", "@@", 2, func(c *ctx, a []Value, at loc) Value {
		return fcnMerge(norm(a[0]), norm(a[1]))
	})
	def("TLC", "Permutations", 1, func(c *ctx, a []Value, at loc) Value {
		return mkSet(permutations(elems(a[0], at)))
	})
	def("TLC", "SortSeq", 2, func(c *ctx, a []Value, at loc) Value {
		x := append([]Value(nil), asSeq(a[0], at)...)
		cl := asClosure(a[1], at)
		sort.SliceStable(x, func(i, j int) bool { return asBool(c.apply(cl, []Value{x[i], x[j]}, at), at) })
		return seqOf(x)
	}).ops = []int{0, 2}
	def("TLC", "ToString", 1, func(c *ctx, a []Value, at loc) Value { return Str(Format(a[0])) })
	def("TLC", "TLCEval", 1, func(c *ctx, a []Value, at loc) Value { return a[0] })
	def("TLC", "RandomElement", 1, func(c *ctx, a []Value, at loc) Value {
		es := elems(a[0], at)
		if len(es) == 0 {
			at.failf("RandomElement of the empty set")
		}
		rngMu.Lock()
		defer rngMu.Unlock()
		return es[rng.Intn(len(es))]
	}) // constant level, as TLC: a zero-arity definition using it is evaluated once
	def("TLCExt", "AssertEq", 2, func(c *ctx, a []Value, at loc) Value {
		if !valEq(a[0], a[1], at) {
			c.print(Format(a[0]) + " # " + Format(a[1]))
			return false
		}
		return true
	})

	// SequencesExt
	def("SequencesExt", "ToSet", 1, func(c *ctx, a []Value, at loc) Value {
		return mkSet(append([]Value(nil), asSeq(a[0], at)...))
	})
	def("SequencesExt", "SetToSeq", 1, func(c *ctx, a []Value, at loc) Value {
		return seqOf(append([]Value(nil), elems(a[0], at)...))
	})
	def("SequencesExt", "SetToSortSeq", 2, func(c *ctx, a []Value, at loc) Value {
		x := append([]Value(nil), elems(a[0], at)...)
		cl := asClosure(a[1], at)
		sort.SliceStable(x, func(i, j int) bool { return asBool(c.apply(cl, []Value{x[i], x[j]}, at), at) })
		return seqOf(x)
	}).ops = []int{0, 2}
	def("SequencesExt", "Cons", 2, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[1], at)
		return &Tuple{elems: append([]Value{norm(a[0])}, x...)}
	})
	def("SequencesExt", "Front", 1, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		if len(x) == 0 {
			at.failf("Front of the empty sequence")
		}
		return seqOf(x[:len(x)-1])
	})
	def("SequencesExt", "Last", 1, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		if len(x) == 0 {
			at.failf("Last of the empty sequence")
		}
		return x[len(x)-1]
	})
	def("SequencesExt", "IsPrefix", 2, func(c *ctx, a []Value, at loc) Value { return isPrefix(asSeq(a[0], at), asSeq(a[1], at)) })
	def("SequencesExt", "IsStrictPrefix", 2, func(c *ctx, a []Value, at loc) Value {
		x, y := asSeq(a[0], at), asSeq(a[1], at)
		return len(x) < len(y) && isPrefix(x, y)
	})
	def("SequencesExt", "IsSuffix", 2, func(c *ctx, a []Value, at loc) Value {
		x, y := asSeq(a[0], at), asSeq(a[1], at)
		return len(x) <= len(y) && isPrefix(x, y[len(y)-len(x):])
	})
	def("SequencesExt", "IsStrictSuffix", 2, func(c *ctx, a []Value, at loc) Value {
		x, y := asSeq(a[0], at), asSeq(a[1], at)
		return len(x) < len(y) && isPrefix(x, y[len(y)-len(x):])
	})
	def("SequencesExt", "Reverse", 1, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		out := make([]Value, len(x))
		for i, e := range x {
			out[len(x)-1-i] = e
		}
		return seqOf(out)
	})
	def("SequencesExt", "Contains", 2, func(c *ctx, a []Value, at loc) Value {
		for _, e := range asSeq(a[0], at) {
			if cmp(e, norm(a[1])) == 0 {
				return true
			}
		}
		return false
	})
	def("SequencesExt", "Remove", 2, func(c *ctx, a []Value, at loc) Value {
		var out []Value
		for _, e := range asSeq(a[0], at) {
			if cmp(e, norm(a[1])) != 0 {
				out = append(out, e)
			}
		}
		return seqOf(out)
	})
	def("SequencesExt", "ReplaceAll", 3, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		out := make([]Value, len(x))
		for i, e := range x {
			if cmp(e, norm(a[1])) == 0 {
				out[i] = norm(a[2])
			} else {
				out[i] = e
			}
		}
		return seqOf(out)
	})
	def("SequencesExt", "InsertAt", 3, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		i := asInt(a[1], at)
		if i < 1 || i > int64(len(x))+1 {
			at.failf("InsertAt: index %d out of range", i)
		}
		out := append(append(append([]Value(nil), x[:i-1]...), norm(a[2])), x[i-1:]...)
		return seqOf(out)
	})
	def("SequencesExt", "RemoveAt", 2, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		i := asInt(a[1], at)
		if i < 1 || i > int64(len(x)) {
			at.failf("RemoveAt: index %d out of range", i)
		}
		return seqOf(append(append([]Value(nil), x[:i-1]...), x[i:]...))
	})
	def("SequencesExt", "ReplaceAt", 3, func(c *ctx, a []Value, at loc) Value {
		x := asSeq(a[0], at)
		i := asInt(a[1], at)
		if i < 1 || i > int64(len(x)) {
			at.failf("ReplaceAt: index %d out of range", i)
		}
		out := append([]Value(nil), x...)
		out[i-1] = norm(a[2])
		return seqOf(out)
	})
	def("SequencesExt", "FoldLeft", 3, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		acc := a[1]
		for _, e := range asSeq(a[2], at) {
			acc = c.apply(cl, []Value{acc, e}, at)
		}
		return acc
	}).ops = []int{2, 0, 0}
	def("SequencesExt", "FoldRight", 3, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		x := asSeq(a[1], at)
		acc := a[2]
		for i := len(x) - 1; i >= 0; i-- {
			acc = c.apply(cl, []Value{x[i], acc}, at)
		}
		return acc
	}).ops = []int{2, 0, 0}
	def("SequencesExt", "FlattenSeq", 1, func(c *ctx, a []Value, at loc) Value {
		var out []Value
		for _, s := range asSeq(a[0], at) {
			out = append(out, asSeq(s, at)...)
		}
		return seqOf(out)
	})
	def("SequencesExt", "Zip", 2, func(c *ctx, a []Value, at loc) Value {
		x, y := asSeq(a[0], at), asSeq(a[1], at)
		if len(x) != len(y) {
			at.failf("Zip of sequences of different lengths")
		}
		out := make([]Value, len(x))
		for i := range x {
			out[i] = &Tuple{elems: []Value{x[i], y[i]}}
		}
		return seqOf(out)
	})
	def("SequencesExt", "BoundedSeq", 2, func(c *ctx, a []Value, at loc) Value {
		es := elems(a[0], at)
		n := asInt(a[1], at)
		out := []Value{emptyTup}
		prev := []Value{emptyTup}
		for k := int64(1); k <= n; k++ {
			var cur []Value
			for _, p := range prev {
				for _, e := range es {
					cur = append(cur, &Tuple{elems: append(append([]Value(nil), p.(*Tuple).elems...), e)})
				}
			}
			if len(out)+len(cur) > 1<<20 {
				at.failf("BoundedSeq: set too large")
			}
			out = append(out, cur...)
			prev = cur
		}
		return mkSet(out)
	})
	share("SequencesExt", &builtin{name: "SeqOf", arity: 2, fn: func(c *ctx, a []Value, at loc) Value {
		return builtinOps["SequencesExt"][indexOf("SequencesExt", "BoundedSeq")].fn(c, a, at)
	}})
	def("Functions", "IsSurjective", 3, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		ok := true
		forEach(a[2], at, func(t Value) bool {
			found := false
			forEach(a[1], at, func(s Value) bool {
				if v, in := tryApply(f, s); in && cmp(v, norm(t)) == 0 {
					found = true
					return true
				}
				return false
			})
			if !found {
				ok = false
				return true
			}
			return false
		})
		return ok
	})
	def("Functions", "Range", 1, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		if kindName(f) != "function" {
			at.failf("Range of the non-function %s", Format(f))
		}
		out := make([]Value, fnLen(f))
		for i := range out {
			out[i] = fnRng(f, i)
		}
		return mkSet(out)
	})

	// FiniteSetsExt
	def("FiniteSetsExt", "FoldSet", 3, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		acc := a[1]
		forEach(a[2], at, func(e Value) bool {
			acc = c.apply(cl, []Value{e, acc}, at)
			return false
		})
		return acc
	}).ops = []int{2, 0, 0}
	def("FiniteSetsExt", "ReduceSet", 3, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		acc := a[2]
		forEach(a[1], at, func(e Value) bool {
			acc = c.apply(cl, []Value{e, acc}, at)
			return false
		})
		return acc
	}).ops = []int{2, 0, 0}
	def("FiniteSetsExt", "Max", 1, func(c *ctx, a []Value, at loc) Value { return extremum(a[0], at, 1) })
	def("FiniteSetsExt", "Min", 1, func(c *ctx, a []Value, at loc) Value { return extremum(a[0], at, -1) })
	def("FiniteSetsExt", "SumSet", 1, func(c *ctx, a []Value, at loc) Value {
		var n int64
		forEach(a[0], at, func(e Value) bool { n += asInt(e, at); mkInt(n, at); return false })
		return Int(n)
	})
	def("FiniteSetsExt", "ProductSet", 1, func(c *ctx, a []Value, at loc) Value {
		n := int64(1)
		forEach(a[0], at, func(e Value) bool { n *= asInt(e, at); mkInt(n, at); return false })
		return Int(n)
	})
	def("FiniteSetsExt", "Quantify", 2, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[1], at)
		n := 0
		forEach(a[0], at, func(e Value) bool {
			if asBool(c.apply(cl, []Value{e}, at), at) {
				n++
			}
			return false
		})
		return Int(n)
	}).ops = []int{0, 1}
	def("FiniteSetsExt", "kSubset", 2, func(c *ctx, a []Value, at loc) Value {
		k := int(asInt(a[0], at))
		var out []Value
		for _, s := range elems(&SubsetSet{base: a[1]}, at) {
			if len(s.(*Set).elems) == k {
				out = append(out, s)
			}
		}
		return &Set{elems: out}
	})
	def("FiniteSetsExt", "SymDiff", 2, func(c *ctx, a []Value, at loc) Value {
		x, y := toSet(a[0], at), toSet(a[1], at)
		return union(diff(x, y), diff(y, x))
	})

	// Functions
	def("Functions", "Restrict", 2, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		var d, r []Value
		for i := 0; i < fnLen(f); i++ {
			if member(fnDom(f, i), a[1], at) {
				d, r = append(d, fnDom(f, i)), append(r, fnRng(f, i))
			}
		}
		return mkFcn(d, r)
	})
	def("Functions", "IsInjective", 1, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		seen := map[string]bool{}
		for i := 0; i < fnLen(f); i++ {
			k := Format(fnRng(f, i))
			if seen[k] {
				return false
			}
			seen[k] = true
		}
		return true
	})
	def("Functions", "Inverse", 3, func(c *ctx, a []Value, at loc) Value {
		f := norm(a[0])
		var d, r []Value
		forEach(a[2], at, func(t Value) bool {
			found := false
			var src Value
			forEach(a[1], at, func(s Value) bool {
				if v, ok := tryApply(f, s); ok && cmp(v, t) == 0 {
					src, found = s, true
					return true
				}
				return false
			})
			if !found {
				at.failf("Inverse: %s has no preimage", Format(t))
			}
			d, r = append(d, t), append(r, src)
			return false
		})
		return mkFcnUnsorted(d, r)
	})
	def("Functions", "FoldFunction", 3, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		acc := a[1]
		f := norm(a[2])
		for i := 0; i < fnLen(f); i++ {
			acc = c.apply(cl, []Value{fnRng(f, i), acc}, at)
		}
		return acc
	}).ops = []int{2, 0, 0}
	def("Functions", "FoldFunctionOnSet", 4, func(c *ctx, a []Value, at loc) Value {
		cl := asClosure(a[0], at)
		acc := a[1]
		f := norm(a[2])
		forEach(a[3], at, func(k Value) bool {
			acc = c.apply(cl, []Value{apply(f, k, at), acc}, at)
			return false
		})
		return acc
	}).ops = []int{2, 0, 0, 0}

	// Json and IOUtils
	def("Json", "JsonDeserialize", 1, func(c *ctx, a []Value, at loc) Value { return jsonFile(asStr(a[0], at), false, at) })
	def("Json", "ndJsonDeserialize", 1, func(c *ctx, a []Value, at loc) Value { return jsonFile(asStr(a[0], at), true, at) })
	def("Json", "ToJson", 1, func(c *ctx, a []Value, at loc) Value { return Str(toJSON(norm(a[0]), at)) })
	def("Json", "JsonSerialize", 2, func(c *ctx, a []Value, at loc) Value {
		writeFile(asStr(a[0], at), toJSON(norm(a[1]), at)+"\n", at)
		return true
	}).level = lvlState
	def("Json", "ndJsonSerialize", 2, func(c *ctx, a []Value, at loc) Value {
		var b strings.Builder
		for _, e := range asSeq(norm(a[1]), at) {
			b.WriteString(toJSON(e, at) + "\n")
		}
		writeFile(asStr(a[0], at), b.String(), at)
		return true
	}).level = lvlState
	konstFn("IOUtils", "IOEnv", func() Value {
		var names []string
		vals := map[string]string{}
		for _, kv := range os.Environ() {
			k, v, _ := strings.Cut(kv, "=")
			if _, dup := vals[k]; !dup {
				names = append(names, k)
			}
			vals[k] = v
		}
		vs := make([]Value, len(names))
		for i, n := range names {
			vs[i] = Str(vals[n])
		}
		return mkRec(names, vs)
	})
}

// konstFn defines a zero-arity operator evaluated at each use.
func konstFn(mod, name string, f func() Value) {
	builtinOps[mod] = append(builtinOps[mod], &builtin{name: name, fn: func(*ctx, []Value, loc) Value { return f() }})
}

func writeFile(path, data string, at loc) {
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		at.failf("cannot write %s: %v", path, err)
	}
}

func seqOf(x []Value) Value {
	if len(x) == 0 {
		return emptyTup
	}
	return &Tuple{elems: x}
}

func isPrefix(x, y []Value) bool {
	if len(x) > len(y) {
		return false
	}
	for i := range x {
		if cmp(x[i], y[i]) != 0 {
			return false
		}
	}
	return true
}

func extremum(s Value, at loc, sign int64) Value {
	var best Value
	forEach(s, at, func(e Value) bool {
		if best == nil || (asInt(e, at)-asInt(best, at))*sign > 0 {
			best = e
		}
		return false
	})
	if best == nil {
		at.failf("Max/Min of the empty set")
	}
	return best
}

func bagCombine(x, y Value, sign int64, at loc) Value {
	return bagMerge(norm(x), norm(y), sign, at)
}

func permutations(es []Value) []Value {
	var out []Value
	perm := append([]Value(nil), es...)
	var rec func(k int)
	rec = func(k int) {
		if k == len(perm) {
			out = append(out, mkFcn(es, append([]Value(nil), perm...)))
			return
		}
		for i := k; i < len(perm); i++ {
			perm[k], perm[i] = perm[i], perm[k]
			rec(k + 1)
			perm[k], perm[i] = perm[i], perm[k]
		}
	}
	rec(0)
	return out
}

func (c *ctx) print(s string) {
	if c.out != nil {
		fmt.Fprintln(c.out, s)
	}
}

func indexOf(mod, name string) int {
	for i, b := range builtinOps[mod] {
		if b.name == name {
			return i
		}
	}
	panic("no builtin " + mod + "!" + name)
}
