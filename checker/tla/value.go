// Package tla is a Go-native TLA+ engine: semantic analysis (like SANY),
// evaluation with TLC's semantics, and explicit-state model checking (like
// TLC). Modules are parsed by package syntax; Load resolves every name and
// compiles definitions into a tree of nodes; Check runs a level-synchronous
// parallel breadth-first search over 64-bit fingerprints.
//
// Layout: compile.go (names, arities, levels), eval.go and ops.go (values
// and operators), value.go and seq.go (values; persistent sequences),
// hash.go (cached, incremental value hashes), enum.go (successor
// generation), builtins.go (standard and community modules), json.go and
// jsonfast.go (the Json module), cfg.go (.cfg files), check.go (the
// search), codec.go and fpset.go (state storage).
package tla

import (
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Value is a TLA+ value. Concrete types: bool, int64 (as Int), string (as
// Str), *ModelVal, *Set, *Tuple, *Rec, *Fcn, and the lazy sets and functions
// below. Composite values only ever contain normalised values, so every
// mathematical value has exactly one representation.
type Value interface{}

type (
	Int int64
	Str string
)

// ModelVal is a TLC model value. Make one with modelVal: ord is the order
// TLC gives model values (see modelorder.go).
type ModelVal struct {
	Name string
	ord  int32
}

// Composite values cache their hash (h, 0 until computed): a state's
// fingerprint then costs only what changed since the values were built.

// Set is a finite set, elements sorted by cmp without duplicates.
type Set struct {
	elems []Value
	h     atomic.Uint64
}

// Tuple is a function with domain 1..n (a sequence). A tuple made by Append,
// \o or SubSeq(s, 1, k) is a prefix of a shared growable array (back), so a
// step that appends to a long log neither copies nor re-hashes it (seq.go).
type Tuple struct {
	elems []Value // when back != nil: back's array[:len:len]
	back  *seqBack
	h     atomic.Uint64
}

// Rec is a function whose domain is a non-empty set of strings (a record).
type Rec struct {
	names []string // sorted
	vals  []Value
	h     atomic.Uint64
}

// Fcn is any other function; dom sorted, not of the 1..n or all-strings shape.
type Fcn struct {
	dom []Value
	rng []Value
	h   atomic.Uint64
	hs  atomic.Uint64 // the sum of pair hashes h is made of, valid when h != 0
	// back, when not nil: dom and rng are prefixes (len == cap) of back's
	// arrays, so that adding a key above all others (a ghost function keyed
	// by <<view, op-number>> that grows with the trace) need not copy them
	back *fcnBack
}

// fcnBack holds the growable arrays functions made by adding keys at the
// end share; used is the length of the longest of them: only a function
// that long may extend the arrays in place, any other copies.
type fcnBack struct {
	dom, rng []Value
	used     atomic.Int64
}

// fcnAppend is f with k (above every key of f) mapped to v.
func fcnAppend(f *Fcn, k, v Value) *Fcn {
	n := len(f.dom)
	if b := f.back; b != nil && n < len(b.dom) && &b.dom[0] == &f.dom[0] && b.used.CompareAndSwap(int64(n), int64(n+1)) {
		b.dom[n], b.rng[n] = k, v
		return &Fcn{dom: b.dom[: n+1 : n+1], rng: b.rng[: n+1 : n+1], back: b}
	}
	size := n + 1 + max(2, (n+1)/2) // grows by half: amortised constant per key
	b := &fcnBack{dom: make([]Value, size), rng: make([]Value, size)}
	copy(b.dom, f.dom)
	copy(b.rng, f.rng)
	b.dom[n], b.rng[n] = k, v
	b.used.Store(int64(n + 1))
	return &Fcn{dom: b.dom[: n+1 : n+1], rng: b.rng[: n+1 : n+1], back: b}
}

// Lazy sets, kept symbolic like TLC so membership tests stay cheap.
type (
	Interval  struct{ lo, hi int64 }
	SubsetSet struct{ base Value }
	FuncSetV  struct{ dom, rng Value }
	RecSetV   struct {
		names []string
		sets  []Value
	}
	ProductSet struct{ sets []Value }
	// InfSet is Nat, Int or STRING.
	InfSet struct{ name string }
	// SeqSet is Seq(S).
	SeqSet struct{ base Value }
	// CupSet, CapSet and DiffSet combine sets lazily when one is infinite.
	CupSet  struct{ a, b Value }
	CapSet  struct{ a, b Value }
	DiffSet struct{ a, b Value }
	// FilterSet is {x \in S : P} over an infinite S.
	FilterSet struct {
		base Value
		pred func(Value) bool
	}
)

// LazyFcn is a function whose values are computed on demand (recursive
// function definitions, functions over infinite domains).
type LazyFcn struct {
	dom Value
	f   func(Value) Value
}

var (
	natSet    = &InfSet{"Nat"}
	intSet    = &InfSet{"Int"}
	stringSet = &InfSet{"STRING"}
	boolSet   = &Set{elems: []Value{false, true}}
	emptySet  = &Set{}
	emptyTup  = &Tuple{}
)

const (
	minInt = math.MinInt32
	maxInt = math.MaxInt32
)

func typeTag(v Value) int {
	switch v.(type) {
	case *ModelVal:
		return -1 // TLC: a model value is below every other value
	case bool:
		return 0
	case Int:
		return 1
	case Str:
		return 2
	case *Set:
		return 4
	case *Tuple, *Rec, *Fcn:
		return 5
	}
	return 6
}

// cmp is a total order on normalised values.
func cmp(a, b Value) int {
	// the common cases first: two values of one kind
	switch x := a.(type) {
	case Int:
		if y, ok := b.(Int); ok {
			if x < y {
				return -1
			}
			if x > y {
				return 1
			}
			return 0
		}
	case *ModelVal:
		if y, ok := b.(*ModelVal); ok {
			return cmpModelVals(x, y)
		}
	case *Rec:
		if y, ok := b.(*Rec); ok {
			return cmpRecs(x, y) // modelorder.go
		}
	}
	ta, tb := typeTag(a), typeTag(b)
	if ta != tb {
		return ta - tb
	}
	switch x := a.(type) {
	case bool:
		y := b.(bool)
		if x == y {
			return 0
		}
		if !x {
			return -1
		}
		return 1
	case Int:
		y := b.(Int)
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
		return 0
	case Str:
		return cmpStrs(string(x), string(b.(Str))) // modelorder.go
	case *ModelVal:
		return cmpModelVals(x, b.(*ModelVal))
	case *Set:
		y := b.(*Set)
		if x == y {
			return 0
		}
		return cmpElems(x.elems, y.elems)
	}
	// functions
	if x, ok := a.(*Tuple); ok {
		if y, ok := b.(*Tuple); ok {
			return cmpTuples(x, y)
		}
	}
	if x, ok := a.(*Rec); ok {
		if y, ok := b.(*Rec); ok {
			return cmpRecs(x, y) // modelorder.go
		}
	}
	if x, ok := a.(*Fcn); ok {
		if y, ok := b.(*Fcn); ok {
			return cmpFcns(x, y)
		}
	}
	// the domains first, then the values, like TLC's FcnRcdValue.compareTo
	na, nb := fnLen(a), fnLen(b)
	if na != nb {
		return na - nb
	}
	for i := 0; i < na; i++ {
		if c := cmp(fnDom(a, i), fnDom(b, i)); c != 0 {
			return c
		}
	}
	for i := 0; i < na; i++ {
		if c := cmp(fnRng(a, i), fnRng(b, i)); c != 0 {
			return c
		}
	}
	return 0
}

func fnLen(v Value) int {
	switch x := v.(type) {
	case *Tuple:
		return len(x.elems)
	case *Rec:
		return len(x.names)
	case *Fcn:
		return len(x.dom)
	}
	return 0
}

func fnDom(v Value, i int) Value {
	switch x := v.(type) {
	case *Tuple:
		return intValue(int64(i + 1))
	case *Rec:
		return Str(x.names[i])
	case *Fcn:
		return x.dom[i]
	}
	return nil
}

func fnRng(v Value, i int) Value {
	switch x := v.(type) {
	case *Tuple:
		return x.elems[i]
	case *Rec:
		return x.vals[i]
	case *Fcn:
		return x.rng[i]
	}
	return nil
}

// mkSet builds a set from arbitrary (normalised) elements.
func mkSet(elems []Value) *Set {
	if len(elems) == 0 {
		return emptySet
	}
	sorted := true
	for i := 1; i < len(elems); i++ {
		if cmp(elems[i-1], elems[i]) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return &Set{elems: elems}
	}
	slices.SortFunc(elems, cmp)
	out := elems[:1]
	for _, e := range elems[1:] {
		if cmp(out[len(out)-1], e) != 0 {
			out = append(out, e)
		}
	}
	return &Set{elems: out}
}

// mkFcn builds a function from a sorted, duplicate-free domain, choosing the
// canonical representation.
func mkFcn(dom, rng []Value) Value {
	if len(dom) == 0 {
		return emptyTup
	}
	tuple := true
	for i, d := range dom {
		if n, ok := d.(Int); !ok || int(n) != i+1 {
			tuple = false
			break
		}
	}
	if tuple {
		return &Tuple{elems: rng}
	}
	if _, ok := dom[0].(Str); !ok {
		return &Fcn{dom: dom, rng: rng}
	}
	names := make([]string, len(dom))
	for i, d := range dom {
		s, ok := d.(Str)
		if !ok {
			return &Fcn{dom: dom, rng: rng}
		}
		names[i] = string(s)
	}
	// dom is in TLC's order of strings (cmp); a record's fields are kept
	// in alphabetical order
	if !sort.StringsAreSorted(names) {
		idx := make([]int, len(names))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return names[idx[a]] < names[idx[b]] })
		ns, vs := make([]string, len(names)), make([]Value, len(names))
		for k, i := range idx {
			ns[k], vs[k] = names[i], rng[i]
		}
		names, rng = ns, vs
	}
	return &Rec{names: names, vals: rng}
}

// cmpFcns is cmp on two *Fcn, skipping what they share: an EXCEPT keeps
// its function's domain, so a function and its update often share it.
func cmpFcns(x, y *Fcn) int {
	if x == y {
		return 0
	}
	if len(x.dom) != len(y.dom) {
		return len(x.dom) - len(y.dom)
	}
	sameDom := len(x.dom) == 0 || &x.dom[0] == &y.dom[0]
	sameRng := len(x.rng) == 0 || &x.rng[0] == &y.rng[0]
	if sameDom && sameRng {
		return 0
	}
	// the domains first, then the values, like TLC's FcnRcdValue.compareTo
	if !sameDom {
		for i := range x.dom {
			if c := cmp(x.dom[i], y.dom[i]); c != 0 {
				return c
			}
		}
	}
	if !sameRng {
		for i := range x.rng {
			if c := cmp(x.rng[i], y.rng[i]); c != 0 {
				return c
			}
		}
	}
	return 0
}

// fcnMerge is f @@ g for normalised functions: f's pairs, and g's pairs
// whose argument is not in DOMAIN f, by a merge of the sorted domains (a
// one-pair f, the common case, is a binary search and one copy).
func fcnMerge(f, g Value) Value {
	if gf, ok := g.(*Fcn); ok && fnLen(f) == 1 {
		k, v := fnDom(f, 0), fnRng(f, 0)
		i, found := setIndex(gf.dom, k)
		if found {
			rng := append([]Value(nil), gf.rng...)
			rng[i] = v
			return rehashed(&Fcn{dom: gf.dom, rng: rng}, gf, k, gf.rng[i], v)
		}
		if _, isInt := k.(Int); !isInt {
			if _, isStr := k.(Str); !isStr {
				// the result is again of the general shape: insert
				if i == len(gf.dom) {
					return rehashed(fcnAppend(gf, k, v), gf, k, nil, v)
				}
				dom := make([]Value, 0, len(gf.dom)+1)
				dom = append(append(append(dom, gf.dom[:i]...), k), gf.dom[i:]...)
				rng := make([]Value, 0, len(gf.rng)+1)
				rng = append(append(append(rng, gf.rng[:i]...), v), gf.rng[i:]...)
				return rehashed(&Fcn{dom: dom, rng: rng}, gf, k, nil, v)
			}
		}
	}
	nf, ng := fnLen(f), fnLen(g)
	if ng == 0 {
		return f
	}
	if nf == 0 {
		return g
	}
	dom := make([]Value, 0, nf+ng)
	rng := make([]Value, 0, nf+ng)
	i, j := 0, 0
	for i < nf || j < ng {
		c := -1
		if i == nf {
			c = 1
		} else if j < ng {
			c = cmpDom(fnDom(f, i), fnDom(g, j))
		}
		switch {
		case c < 0:
			dom, rng = append(dom, fnDom(f, i)), append(rng, fnRng(f, i))
			i++
		case c > 0:
			dom, rng = append(dom, fnDom(g, j)), append(rng, fnRng(g, j))
			j++
		default:
			dom, rng = append(dom, fnDom(f, i)), append(rng, fnRng(f, i))
			i++
			j++
		}
	}
	return mkFcn(dom, rng)
}

// bagMerge is f (+) g (sign 1) or f (-) g (sign -1) by a merge of the
// sorted domains; a count that drops to 0 or below removes the element.
func bagMerge(f, g Value, sign int64, at loc) Value {
	nf, ng := fnLen(f), fnLen(g)
	if ff, ok := f.(*Fcn); ok && ng <= 4 && nf >= 16 {
		if v := bagMergeFew(ff, g, ng, sign, at); v != nil {
			return v
		}
	}
	dom := make([]Value, 0, nf+ng)
	rng := make([]Value, 0, nf+ng)
	j := 0
	for i := 0; i < nf; i++ {
		x := fnDom(f, i)
		n := asInt(fnRng(f, i), at)
		for j < ng {
			c := cmpDom(fnDom(g, j), x)
			if c > 0 {
				break
			}
			if c == 0 {
				n += sign * asInt(fnRng(g, j), at)
			} else if sign > 0 {
				dom, rng = append(dom, fnDom(g, j)), append(rng, fnRng(g, j))
			}
			j++
		}
		if n > 0 {
			dom, rng = append(dom, x), append(rng, mkInt(n, at))
		}
	}
	if sign > 0 {
		for ; j < ng; j++ {
			dom, rng = append(dom, fnDom(g, j)), append(rng, fnRng(g, j))
		}
	}
	if len(dom) == 0 {
		return emptyTup
	}
	return mkFcn(dom, rng)
}

// bagMergeFew is bagMerge of a large bag f with a few elements g (a
// message sent or received): each is looked up, the runs of f between them
// are copied, not compared. nil when f has a count that is not positive
// (bagMerge then gives its result, which drops it).
func bagMergeFew(f *Fcn, g Value, ng int, sign int64, at loc) Value {
	for _, v := range f.rng {
		if n, ok := v.(Int); !ok || n <= 0 {
			return nil
		}
	}
	dom := make([]Value, 0, len(f.dom)+ng)
	rng := make([]Value, 0, len(f.dom)+ng)
	prev := 0
	for j := 0; j < ng; j++ {
		key := fnDom(g, j)
		p, found := slices.BinarySearchFunc(f.dom[prev:], key, cmpDom)
		p += prev
		dom, rng = append(dom, f.dom[prev:p]...), append(rng, f.rng[prev:p]...)
		prev = p
		if found {
			if n := int64(f.rng[p].(Int)) + sign*asInt(fnRng(g, j), at); n > 0 {
				dom, rng = append(dom, f.dom[p]), append(rng, mkInt(n, at))
			}
			prev = p + 1
		} else if sign > 0 {
			dom, rng = append(dom, key), append(rng, fnRng(g, j))
		}
	}
	dom, rng = append(dom, f.dom[prev:]...), append(rng, f.rng[prev:]...)
	if len(dom) == 0 {
		return emptyTup
	}
	return mkFcn(dom, rng)
}

// mkFcnUnsorted sorts pairs by domain first.
func mkFcnUnsorted(dom, rng []Value) Value {
	sorted := true
	for i := 1; i < len(dom); i++ {
		if cmp(dom[i-1], dom[i]) >= 0 {
			sorted = false
			break
		}
	}
	if sorted {
		return mkFcn(dom, rng)
	}
	idx := make([]int, len(dom))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(i, j int) bool { return cmp(dom[idx[i]], dom[idx[j]]) < 0 })
	d := make([]Value, 0, len(dom))
	r := make([]Value, 0, len(dom))
	for _, i := range idx {
		if len(d) > 0 && cmp(d[len(d)-1], dom[i]) == 0 {
			r[len(r)-1] = rng[i]
			continue
		}
		d = append(d, dom[i])
		r = append(r, rng[i])
	}
	return mkFcn(d, r)
}

func mkRec(names []string, vals []Value) Value {
	dom := make([]Value, len(names))
	for i, n := range names {
		dom[i] = Str(n)
	}
	return mkFcnUnsorted(dom, vals)
}

// setIndex finds v in a sorted element slice.
func setIndex(elems []Value, v Value) (int, bool) {
	lo, hi := 0, len(elems)
	for lo < hi {
		m := (lo + hi) / 2
		c := cmp(elems[m], v)
		if c == 0 {
			return m, true
		}
		if c < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, false
}

func union(a, b *Set) *Set {
	if len(a.elems) == 0 {
		return b
	}
	if len(b.elems) == 0 {
		return a
	}
	out := make([]Value, 0, len(a.elems)+len(b.elems))
	i, j := 0, 0
	for i < len(a.elems) && j < len(b.elems) {
		c := cmp(a.elems[i], b.elems[j])
		switch {
		case c < 0:
			out = append(out, a.elems[i])
			i++
		case c > 0:
			out = append(out, b.elems[j])
			j++
		default:
			out = append(out, a.elems[i])
			i++
			j++
		}
	}
	out = append(out, a.elems[i:]...)
	out = append(out, b.elems[j:]...)
	return &Set{elems: out}
}

// sparse reports whether a set of na elements is better looked up in one of
// nb by binary search than merged with it (a few against many: a step's new
// keys against DOMAIN of a ghost function that grows with the trace).
func sparse(na, nb int) bool { return na*16 < nb }

// sorted wraps elements already sorted and duplicate-free.
func sorted(out []Value) *Set {
	if len(out) == 0 {
		return emptySet
	}
	return &Set{elems: out}
}

func intersect(a, b *Set) *Set {
	if sparse(len(b.elems), len(a.elems)) {
		a, b = b, a
	}
	var out []Value
	if sparse(len(a.elems), len(b.elems)) {
		for _, x := range a.elems {
			if _, ok := setIndex(b.elems, x); ok {
				out = append(out, x)
			}
		}
		return sorted(out)
	}
	i, j := 0, 0
	for i < len(a.elems) && j < len(b.elems) {
		c := cmp(a.elems[i], b.elems[j])
		switch {
		case c < 0:
			i++
		case c > 0:
			j++
		default:
			out = append(out, a.elems[i])
			i++
			j++
		}
	}
	return sorted(out)
}

func diff(a, b *Set) *Set {
	var out []Value
	if sparse(len(a.elems), len(b.elems)) {
		for _, x := range a.elems {
			if _, ok := setIndex(b.elems, x); !ok {
				out = append(out, x)
			}
		}
		return sorted(out)
	}
	i, j := 0, 0
	for i < len(a.elems) {
		if j >= len(b.elems) {
			out = append(out, a.elems[i:]...)
			break
		}
		c := cmp(a.elems[i], b.elems[j])
		switch {
		case c < 0:
			out = append(out, a.elems[i])
			i++
		case c > 0:
			j++
		default:
			i++
			j++
		}
	}
	return sorted(out)
}

func strQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '"':
			b.WriteString(`\"`)
		case '\\':
			b.WriteString(`\\`)
		case '\n':
			b.WriteString(`\n`)
		case '\t':
			b.WriteString(`\t`)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Format prints a value as TLC does.
func Format(v Value) string {
	var b strings.Builder
	formatValue(&b, v)
	return b.String()
}

func formatValue(b *strings.Builder, v Value) {
	switch x := v.(type) {
	case bool:
		if x {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case Int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case Str:
		b.WriteString(strQuote(string(x)))
	case *ModelVal:
		b.WriteString(x.Name)
	case *Set:
		formatElems(b, "{", x.elems, "}")
	case *Tuple:
		formatElems(b, "<<", x.elems, ">>")
	case *Rec:
		b.WriteString("[")
		for i, k := range tlcFieldOrder(x.names) { // as TLC prints it
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(x.names[k] + " |-> ")
			formatValue(b, x.vals[k])
		}
		b.WriteString("]")
	case *Fcn:
		b.WriteString("(")
		for i, d := range x.dom {
			if i > 0 {
				b.WriteString(" @@ ")
			}
			formatValue(b, d)
			b.WriteString(" :> ")
			formatValue(b, x.rng[i])
		}
		b.WriteString(")")
	case *Interval:
		b.WriteString(strconv.FormatInt(x.lo, 10) + ".." + strconv.FormatInt(x.hi, 10))
	case *InfSet:
		b.WriteString(x.name)
	case *SubsetSet:
		b.WriteString("SUBSET ")
		formatValue(b, x.base)
	case *FuncSetV:
		b.WriteString("[")
		formatValue(b, x.dom)
		b.WriteString(" -> ")
		formatValue(b, x.rng)
		b.WriteString("]")
	case *RecSetV:
		b.WriteString("[")
		for i, n := range x.names {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(n + " : ")
			formatValue(b, x.sets[i])
		}
		b.WriteString("]")
	case *ProductSet:
		for i, s := range x.sets {
			if i > 0 {
				b.WriteString(" \\X ")
			}
			formatValue(b, s)
		}
	case *SeqSet:
		b.WriteString("Seq(")
		formatValue(b, x.base)
		b.WriteString(")")
	case *CupSet:
		formatValue(b, x.a)
		b.WriteString(" \\cup ")
		formatValue(b, x.b)
	case *CapSet:
		formatValue(b, x.a)
		b.WriteString(" \\cap ")
		formatValue(b, x.b)
	case *DiffSet:
		formatValue(b, x.a)
		b.WriteString(" \\ ")
		formatValue(b, x.b)
	case *FilterSet:
		b.WriteString("{x \\in ")
		formatValue(b, x.base)
		b.WriteString(" : ...}")
	case *LazyFcn:
		b.WriteString("<function>")
	case *Closure:
		b.WriteString("<operator " + x.name() + ">")
	default:
		b.WriteString("<?>")
	}
}

// cmpElems orders two element lists by length, then element by element.
func cmpElems(xs, ys []Value) int {
	if len(xs) != len(ys) {
		return len(xs) - len(ys)
	}
	if len(xs) == 0 || &xs[0] == &ys[0] {
		return 0 // the same array
	}
	for i := range xs {
		if c := cmp(xs[i], ys[i]); c != 0 {
			return c
		}
	}
	return 0
}

// formatElems writes elems between open and close, separated as TLC prints them.
func formatElems(b *strings.Builder, open string, elems []Value, close string) {
	b.WriteString(open)
	for i, e := range elems {
		if i > 0 {
			b.WriteString(", ")
		}
		formatValue(b, e)
	}
	b.WriteString(close)
}

// recDoms caches the domain of records by their array of field names
// (shared by the records one constructor or EXCEPT makes), as
// tlcFieldOrder caches their order; reset with the order of strings.
type recDomCache [1024]atomic.Pointer[recDom]

type recDom struct {
	names []string
	dom   *Set
}

var recDoms atomic.Pointer[recDomCache]

func init() { recDoms.Store(&recDomCache{}) }

// recDomain is the set of a record's field names, in TLC's order.
func recDomain(names []string) *Set {
	if len(names) == 0 {
		return emptySet
	}
	key := &names[0]
	e := &recDoms.Load()[(uintptr(unsafe.Pointer(key))>>4)%1024]
	if rd := e.Load(); rd != nil && &rd.names[0] == key && len(rd.names) == len(names) {
		return rd.dom
	}
	vs := make([]Value, len(names))
	for i, p := range tlcFieldOrder(names) {
		vs[i] = Str(names[p])
	}
	dom := &Set{elems: vs}
	e.Store(&recDom{names, dom})
	return dom
}

// smallDomains are the domains 1..n of short tuples, made once.
var smallDomains = func() []*Interval {
	ds := make([]*Interval, 64)
	for n := range ds {
		ds[n] = &Interval{lo: 1, hi: int64(n)}
	}
	return ds
}()

// fcnDoms caches the domain of functions by their domain array (shared by
// the functions EXCEPT makes from one another), as recDoms does.
type fcnDomCache [1024]atomic.Pointer[Set]

var fcnDoms fcnDomCache

// fcnDomain is the set of a function's arguments (dom, sorted).
func fcnDomain(dom []Value) *Set {
	if len(dom) == 0 {
		return &Set{elems: dom}
	}
	e := &fcnDoms[(uintptr(unsafe.Pointer(&dom[0]))>>4)%1024]
	if s := e.Load(); s != nil && &s.elems[0] == &dom[0] && len(s.elems) == len(dom) {
		return s
	}
	s := &Set{elems: dom}
	e.Store(s)
	return s
}
