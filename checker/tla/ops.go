package tla

import (
	"sort"
)

// kindName names a value's type in error messages, as TLC does.
func kindName(v Value) string {
	switch v.(type) {
	case bool:
		return "boolean"
	case Int:
		return "integer"
	case Str:
		return "string"
	case *ModelVal:
		return "model value"
	case *Tuple, *Rec, *Fcn, *LazyFcn:
		return "function"
	}
	if isSetLike(v) {
		return "set"
	}
	return "value"
}

func isSetLike(v Value) bool {
	switch v.(type) {
	case *Set, *Interval, *SubsetSet, *FuncSetV, *RecSetV, *ProductSet, *InfSet, *SeqSet,
		*CupSet, *CapSet, *DiffSet, *FilterSet:
		return true
	}
	return false
}

func isFinite(v Value) bool {
	switch x := v.(type) {
	case *InfSet, *SeqSet, *FilterSet:
		return false
	case *CupSet:
		return isFinite(x.a) && isFinite(x.b)
	case *CapSet:
		return isFinite(x.a) || isFinite(x.b)
	case *DiffSet:
		return isFinite(x.a)
	case *SubsetSet:
		return isFinite(x.base)
	case *FuncSetV:
		return isFinite(x.dom) && isFinite(x.rng)
	case *RecSetV:
		for _, s := range x.sets {
			if !isFinite(s) {
				return false
			}
		}
	case *ProductSet:
		for _, s := range x.sets {
			if !isFinite(s) {
				return false
			}
		}
	}
	return true
}

// norm turns lazy values into their canonical representation.
func norm(v Value) Value {
	switch x := v.(type) {
	case bool, Int, Str, *ModelVal, *Set, *Tuple, *Rec, *Fcn:
		return v
	case *LazyFcn:
		if !isFinite(x.dom) {
			failf("cannot enumerate a function with infinite domain %s", Format(x.dom))
		}
		ds := elems(x.dom, loc{})
		rng := make([]Value, len(ds))
		for i, d := range ds {
			rng[i] = norm(x.f(d))
		}
		return mkFcn(ds, rng)
	}
	if isSetLike(v) {
		return &Set{elems: elems(v, loc{})}
	}
	return v
}

// valEq is TLA+ equality with TLC's errors for incomparable values.
func valEq(a, b Value, at loc) bool {
	switch x := a.(type) {
	case Int:
		if y, ok := b.(Int); ok {
			return x == y
		}
	case Str:
		if y, ok := b.(Str); ok {
			return x == y
		}
	case bool:
		if y, ok := b.(bool); ok {
			return x == y
		}
	case *ModelVal:
		if y, ok := b.(*ModelVal); ok {
			return x.Name == y.Name
		}
		return false
	}
	if _, ok := b.(*ModelVal); ok {
		return false
	}
	ka, kb := kindName(a), kindName(b)
	if ka != kb {
		at.failf("Attempted to check equality of %s %s with non-%s:\n%s", ka, Format(a), ka, Format(b))
	}
	if x, ok := a.(*InfSet); ok {
		if y, ok := b.(*InfSet); ok {
			return x.name == y.name
		}
	}
	if ha, hb := cachedHash(a), cachedHash(b); ha != 0 && hb != 0 && ha != hb {
		return false // cached hashes differ: no need to compare
	}
	return cmp(norm(a), norm(b)) == 0
}

func member(v, s Value, at loc) bool {
	switch x := s.(type) {
	case *Set:
		_, ok := setIndex(x.elems, norm(v))
		return ok
	case *Interval:
		n, ok := v.(Int)
		return ok && int64(n) >= x.lo && int64(n) <= x.hi
	case *InfSet:
		switch x.name {
		case "Nat":
			n, ok := v.(Int)
			return ok && n >= 0
		case "Int":
			_, ok := v.(Int)
			return ok
		default:
			_, ok := v.(Str)
			return ok
		}
	case *SubsetSet:
		if !isSetLike(v) {
			return false
		}
		ok := true
		forEach(v, at, func(e Value) bool {
			if !member(e, x.base, at) {
				ok = false
				return true
			}
			return false
		})
		return ok
	case *FuncSetV:
		f := norm(v)
		if kindName(f) != "function" {
			return false
		}
		n := fnLen(f)
		if n != setLen(x.dom, at) {
			return false
		}
		for i := 0; i < n; i++ {
			if !member(fnDom(f, i), x.dom, at) || !member(fnRng(f, i), x.rng, at) {
				return false
			}
		}
		return true
	case *RecSetV:
		r, ok := v.(*Rec)
		if !ok || len(r.names) != len(x.names) {
			return false
		}
		for i := range r.names {
			if r.names[i] != x.names[i] || !member(r.vals[i], x.sets[i], at) {
				return false
			}
		}
		return true
	case *ProductSet:
		t, ok := v.(*Tuple)
		if !ok || len(t.elems) != len(x.sets) {
			return false
		}
		for i := range t.elems {
			if !member(t.elems[i], x.sets[i], at) {
				return false
			}
		}
		return true
	case *CupSet:
		return member(v, x.a, at) || member(v, x.b, at)
	case *CapSet:
		return member(v, x.a, at) && member(v, x.b, at)
	case *DiffSet:
		return member(v, x.a, at) && !member(v, x.b, at)
	case *FilterSet:
		return member(v, x.base, at) && x.pred(v)
	case *SeqSet:
		t, ok := v.(*Tuple)
		if !ok {
			return false
		}
		for _, e := range t.elems {
			if !member(e, x.base, at) {
				return false
			}
		}
		return true
	}
	at.failf("Attempted to check if the value:\n%s\nis an element of the non-set\n%s", Format(v), Format(s))
	return false
}

func setLen(s Value, at loc) int {
	switch x := s.(type) {
	case *Set:
		return len(x.elems)
	case *Interval:
		if x.hi < x.lo {
			return 0
		}
		return int(x.hi - x.lo + 1)
	case *SubsetSet:
		n := setLen(x.base, at)
		if n > 30 {
			at.failf("SUBSET of a set with %d elements is too large", n)
		}
		return 1 << n
	case *FuncSetV:
		d, r := setLen(x.dom, at), setLen(x.rng, at)
		total := 1
		for i := 0; i < d; i++ {
			total *= r
			if total > maxInt {
				at.failf("function set too large")
			}
		}
		return total
	case *RecSetV:
		total := 1
		for _, st := range x.sets {
			total *= setLen(st, at)
		}
		return total
	case *ProductSet:
		total := 1
		for _, st := range x.sets {
			total *= setLen(st, at)
		}
		return total
	case *CupSet, *CapSet, *DiffSet:
		return len(elems(s, at))
	case *InfSet, *SeqSet, *FilterSet:
		at.failf("Attempted to compute the number of elements in the infinite set %s", Format(s))
	}
	at.failf("Attempted to compute the cardinality of the non-set %s", Format(s))
	return 0
}

// forEach enumerates a finite set in canonical order; fn returns true to stop.
func forEach(s Value, at loc, fn func(Value) bool) {
	switch x := s.(type) {
	case *Set:
		for _, e := range x.elems {
			if fn(e) {
				return
			}
		}
		return
	case *Interval:
		for i := x.lo; i <= x.hi; i++ {
			if fn(intValue(i)) {
				return
			}
		}
		return
	}
	for _, e := range elems(s, at) {
		if fn(e) {
			return
		}
	}
}

// elems enumerates a finite set, sorted.
func elems(s Value, at loc) []Value {
	switch x := s.(type) {
	case *Set:
		return x.elems
	case *Interval:
		var out []Value
		for i := x.lo; i <= x.hi; i++ {
			out = append(out, intValue(i))
		}
		return out
	case *SubsetSet:
		base := elems(x.base, at)
		if len(base) > 24 {
			at.failf("SUBSET of a set with %d elements is too large to enumerate", len(base))
		}
		out := make([]Value, 0, 1<<len(base))
		for mask := 0; mask < 1<<len(base); mask++ {
			var sub []Value
			for i, b := range base {
				if mask&(1<<i) != 0 {
					sub = append(sub, b)
				}
			}
			if len(sub) == 0 {
				out = append(out, emptySet)
			} else {
				out = append(out, &Set{elems: sub})
			}
		}
		return mkSet(out).elems
	case *FuncSetV:
		dom := elems(x.dom, at)
		rng := elems(x.rng, at)
		setLen(x, at) // size check
		var out []Value
		idx := make([]int, len(dom))
		if len(rng) == 0 && len(dom) > 0 {
			return nil
		}
		for {
			r := make([]Value, len(dom))
			for i, k := range idx {
				r[i] = rng[k]
			}
			out = append(out, mkFcn(dom, r))
			i := len(idx) - 1
			for ; i >= 0; i-- {
				idx[i]++
				if idx[i] < len(rng) {
					break
				}
				idx[i] = 0
			}
			if i < 0 {
				break
			}
		}
		return mkSet(out).elems
	case *RecSetV:
		sets := make([][]Value, len(x.sets))
		for i, st := range x.sets {
			sets[i] = elems(st, at)
		}
		var out []Value
		cartesian(sets, func(vs []Value) {
			out = append(out, &Rec{names: x.names, vals: append([]Value(nil), vs...)})
		})
		return mkSet(out).elems
	case *ProductSet:
		sets := make([][]Value, len(x.sets))
		for i, st := range x.sets {
			sets[i] = elems(st, at)
		}
		var out []Value
		cartesian(sets, func(vs []Value) {
			out = append(out, &Tuple{elems: append([]Value(nil), vs...)})
		})
		return mkSet(out).elems
	case *CupSet:
		return union(toSet(x.a, at), toSet(x.b, at)).elems
	case *CapSet, *DiffSet:
		var a, b Value
		neg := false
		if c, ok := x.(*CapSet); ok {
			a, b = c.a, c.b
			if !isFinite(a) {
				a, b = b, a
			}
		} else {
			d := x.(*DiffSet)
			a, b, neg = d.a, d.b, true
		}
		var out []Value
		forEach(a, at, func(v Value) bool {
			if member(v, b, at) != neg {
				out = append(out, v)
			}
			return false
		})
		return out
	case *InfSet, *SeqSet, *FilterSet:
		at.failf("Attempted to enumerate the infinite set %s", Format(s))
	}
	at.failf("Attempted to enumerate %s, which is not a set", Format(s))
	return nil
}

func cartesian(sets [][]Value, fn func([]Value)) {
	cur := make([]Value, len(sets))
	var rec func(i int)
	rec = func(i int) {
		if i == len(sets) {
			fn(cur)
			return
		}
		for _, v := range sets[i] {
			cur[i] = v
			rec(i + 1)
		}
	}
	rec(0)
}

func toSet(s Value, at loc) *Set {
	if x, ok := s.(*Set); ok {
		return x
	}
	if !isSetLike(s) {
		at.failf("Attempted to use %s as a set", Format(s))
	}
	return &Set{elems: elems(s, at)}
}

func tryApply(f, x Value) (Value, bool) {
	switch g := f.(type) {
	case *Tuple:
		n, ok := x.(Int)
		if !ok || n < 1 || int(n) > len(g.elems) {
			return nil, false
		}
		return g.elems[n-1], true
	case *Rec:
		s, ok := x.(Str)
		if !ok {
			return nil, false
		}
		i := sort.SearchStrings(g.names, string(s))
		if i < len(g.names) && g.names[i] == string(s) {
			return g.vals[i], true
		}
		return nil, false
	case *Fcn:
		i, ok := setIndex(g.dom, norm(x))
		if !ok {
			return nil, false
		}
		return g.rng[i], true
	case *LazyFcn:
		if !member(x, g.dom, loc{}) {
			return nil, false
		}
		return g.f(x), true
	}
	return nil, false
}

func apply(f, x Value, at loc) Value {
	v, ok := tryApply(f, x)
	if ok {
		return v
	}
	if kindName(f) != "function" {
		at.failf("Attempted to apply the non-function %s to argument %s", Format(f), Format(x))
	}
	at.failf("Attempted to apply function:\n%s\nto argument %s, which is not in the domain of the function.", Format(f), Format(x))
	return nil
}

// updateFcn returns f with f[k] = v; k must be in the domain.
func updateFcn(f, k, v Value) Value {
	switch g := f.(type) {
	case *Tuple:
		n := k.(Int)
		es := append([]Value(nil), g.elems...)
		es[n-1] = v
		return &Tuple{elems: es}
	case *Rec:
		i := sort.SearchStrings(g.names, string(k.(Str)))
		vs := append([]Value(nil), g.vals...)
		vs[i] = v
		return &Rec{names: g.names, vals: vs}
	case *Fcn:
		i, _ := setIndex(g.dom, norm(k))
		rs := append([]Value(nil), g.rng...)
		rs[i] = v
		return rehashed(&Fcn{dom: g.dom, rng: rs}, g, g.dom[i], g.rng[i], v)
	}
	return f
}

// domain returns DOMAIN f.
func domain(f Value, at loc) Value {
	switch g := f.(type) {
	case *Tuple:
		if len(g.elems) < len(smallDomains) {
			return smallDomains[len(g.elems)]
		}
		return &Interval{lo: 1, hi: int64(len(g.elems))}
	case *Rec:
		return recDomain(g.names) // fields are alphabetical, sets in TLC's order
	case *Fcn:
		return fcnDomain(g.dom)
	case *LazyFcn:
		return g.dom
	}
	at.failf("Attempted to compute the domain of the non-function %s", Format(f))
	return nil
}

func asInt(v Value, at loc) int64 {
	n, ok := v.(Int)
	if !ok {
		at.failf("expected an integer but got %s", Format(v))
	}
	return int64(n)
}

func asStr(v Value, at loc) string {
	s, ok := v.(Str)
	if !ok {
		at.failf("expected a string but got %s", Format(v))
	}
	return string(s)
}

func asBool(v Value, at loc) bool {
	b, ok := v.(bool)
	if !ok {
		at.failf("expected a boolean but got %s", Format(v))
	}
	return b
}

// asSeq accepts a sequence: a tuple (or the empty function).
func asSeq(v Value, at loc) []Value {
	switch t := v.(type) {
	case *Tuple:
		return t.elems
	case *LazyFcn:
		return asSeq(norm(t), at)
	}
	at.failf("expected a sequence but got %s", Format(v))
	return nil
}

func mkInt(n int64, at loc) Value {
	if n < minInt || n > maxInt {
		at.failf("Overflow: integer %d is outside TLC's 32-bit range", n)
	}
	return intValue(n)
}

// boxedInts holds the small integers already boxed as Values: most integers
// a model computes (op-numbers, counters, lengths) are small, and Go boxes
// only those below 256 without allocating.
var boxedInts = func() (t [4096]Value) {
	for i := range t {
		t[i] = Int(i)
	}
	return
}()

// intValue is n as a Value, without allocating when it is small.
func intValue(n int64) Value {
	if n >= 0 && n < int64(len(boxedInts)) {
		return boxedInts[n]
	}
	return Int(n)
}

func asClosure(v Value, at loc) *Closure {
	cl, ok := v.(*Closure)
	if !ok {
		at.failf("expected an operator but got %s", Format(v))
	}
	return cl
}
