package tla

import (
	"sync"
	"sync/atomic"
)

// Persistent sequences. A trace spec appends to logs that grow with the
// trace and compares them with each other and with their own prefixes at
// every step; copying, hashing or comparing whole logs would make validation
// quadratic. So a tuple built by Append, \o or SubSeq(s, 1, k) is a prefix
// view of a shared array that only ever grows (slots once written never
// change): appending to the longest view writes in place, the array keeps
// prefix hashes, and two arrays remember how long a prefix they were found
// to share.

// seqBack is the shared array behind prefix-view tuples.
type seqBack struct {
	mu  sync.Mutex
	arr []Value  // written slots; cap is the room left for appends
	ph  []uint64 // ph[i]: rolling hash of arr[:i] (ph[0] the seed)
	eq  []eqMemo // prefixes known equal with other arrays (by id)
	id  uint64
	rot int // next eq slot to overwrite
}

type eqMemo struct {
	other uint64
	n     int
}

var seqIDs atomic.Uint64

const eqMemoMax = 8

// seqAppend is Append(t, e) for a normalised e.
func seqAppend(t *Tuple, e Value) *Tuple {
	k := len(t.elems)
	if b := t.back; b != nil {
		b.mu.Lock()
		if len(b.arr) == k && k < cap(b.arr) {
			b.arr = append(b.arr, e)
			nt := &Tuple{elems: b.arr[: k+1 : k+1], back: b}
			b.mu.Unlock()
			return nt
		}
		var there Value
		if len(b.arr) > k {
			there = b.arr[k]
		}
		b.mu.Unlock()
		// Another successor appended here already; share its slot if it holds
		// the same value (compared outside the lock: slots never change).
		if there != nil && (there == e || cmp(there, e) == 0) {
			return &Tuple{elems: b.arr[: k+1 : k+1], back: b}
		}
	}
	arr := make([]Value, k+1, max(2*k, 4))
	copy(arr, t.elems)
	arr[k] = e
	return &Tuple{elems: arr[: k+1 : k+1], back: &seqBack{arr: arr, id: seqIDs.Add(1)}}
}

// seqConcat is x \o y.
func seqConcat(x, y []Value, xt *Tuple) Value {
	if len(y) == 0 {
		if xt != nil {
			return xt
		}
		return seqOf(x)
	}
	if len(x) == 0 {
		return &Tuple{elems: y[:len(y):len(y)]}
	}
	t := xt
	if t == nil {
		t = &Tuple{elems: x}
	}
	for _, e := range y {
		t = seqAppend(t, e)
	}
	return t
}

// seqSub is SubSeq(t, m, n) for 1 <= m <= n <= Len(t): a view, without a copy.
func seqSub(t *Tuple, m, n int) *Tuple {
	if m == 1 && n == len(t.elems) {
		return t
	}
	if m == 1 && t.back != nil {
		return &Tuple{elems: t.elems[:n:n], back: t.back}
	}
	return &Tuple{elems: t.elems[m-1 : n : n]}
}

// cmpTuples orders tuples as cmpElems does, using what the arrays know.
func cmpTuples(x, y *Tuple) int {
	if x == y {
		return 0
	}
	xs, ys := x.elems, y.elems
	if len(xs) != len(ys) {
		return len(xs) - len(ys)
	}
	if len(xs) == 0 || &xs[0] == &ys[0] {
		return 0
	}
	if x.back == nil || y.back == nil {
		return cmpElems(xs, ys)
	}
	lo := knownEqual(x.back, y.back)
	if lo >= len(xs) {
		return 0
	}
	for i := lo; i < len(xs); i++ {
		if c := cmp(xs[i], ys[i]); c != 0 {
			rememberEqual(x.back, y.back, i)
			return c
		}
	}
	rememberEqual(x.back, y.back, len(xs))
	return 0
}

// memoOwner is the array of a pair that stores their memo: the older one.
func memoOwner(a, b *seqBack) (*seqBack, uint64) {
	if a.id < b.id {
		return a, b.id
	}
	return b, a.id
}

func knownEqual(a, b *seqBack) int {
	o, other := memoOwner(a, b)
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, m := range o.eq {
		if m.other == other {
			return m.n
		}
	}
	return 0
}

func rememberEqual(a, b *seqBack, n int) {
	if n == 0 {
		return
	}
	o, other := memoOwner(a, b)
	o.mu.Lock()
	defer o.mu.Unlock()
	for i := range o.eq {
		if o.eq[i].other == other {
			o.eq[i].n = max(o.eq[i].n, n)
			return
		}
	}
	if len(o.eq) < eqMemoMax {
		o.eq = append(o.eq, eqMemo{other, n})
		return
	}
	o.eq[o.rot] = eqMemo{other, n}
	o.rot = (o.rot + 1) % eqMemoMax
}

// prefixHash is the rolling hash of b's first k slots, extending b.ph as needed.
func (b *seqBack) prefixHash(k int) uint64 {
	b.mu.Lock()
	if b.ph == nil {
		b.ph = append(make([]uint64, 0, cap(b.arr)+1), tupleSeed)
	}
	if k < len(b.ph) {
		h := b.ph[k]
		b.mu.Unlock()
		return h
	}
	start, h := len(b.ph)-1, b.ph[len(b.ph)-1]
	arr := b.arr[:k]
	b.mu.Unlock()
	// hash outside the lock: elements may be sequences with arrays of their own
	ext := make([]uint64, 0, k-start)
	for _, e := range arr[start:k] {
		h = roll(h, hashOf(e))
		ext = append(ext, h)
	}
	b.mu.Lock()
	if len(b.ph) == start+1 {
		b.ph = append(b.ph, ext...)
	}
	b.mu.Unlock()
	return h
}

// newSeq makes a tuple of es (which it takes over); a long one gets an
// array of its own, so comparisons with it are remembered too.
func newSeq(es []Value) Value {
	n := len(es)
	if n == 0 {
		return emptyTup
	}
	es = es[:n:n]
	if n < 8 {
		return &Tuple{elems: es}
	}
	return &Tuple{elems: es, back: &seqBack{arr: es, id: seqIDs.Add(1)}}
}
