package tla

import "math/bits"

const (
	hk1 = 0x9E3779B97F4A7C15
	hk2 = 0xC2B2AE3D27D4EB4F
)

type hasher struct{ h uint64 }

func (h *hasher) word(x uint64) {
	h.h = bits.RotateLeft64(h.h^(x*hk1), 29) * hk2
}

func (h *hasher) str(s string) {
	h.word(uint64(len(s)))
	for len(s) >= 8 {
		h.word(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56)
		s = s[8:]
	}
	var w uint64
	for i := 0; i < len(s); i++ {
		w |= uint64(s[i]) << (8 * i)
	}
	h.word(w)
}

// hashOf is a value's hash: computed once per composite value and cached
// (a composite hashes its elements' hashes), so re-fingerprinting a state
// whose variables share most of their structure with its parent is cheap.
func hashOf(v Value) uint64 {
	switch x := v.(type) {
	case bool:
		if x {
			return 0x5bd1e9955bd1e995
		}
		return 0x27d4eb2f165667c5
	case Int:
		h := hasher{h: 0x20}
		h.word(uint64(x))
		return h.sum()
	case Str:
		h := hasher{h: 0x30}
		h.str(string(x))
		return h.sum()
	case *ModelVal:
		h := hasher{h: 0x40}
		h.str(x.Name)
		return h.sum()
	case *Set:
		if c := x.h.Load(); c != 0 {
			return c
		}
		h := hasher{h: 0x50}
		h.word(uint64(len(x.elems)))
		for _, e := range x.elems {
			h.word(hashOf(e))
		}
		c := h.sum()
		x.h.Store(c)
		return c
	case *Tuple:
		if c := x.h.Load(); c != 0 {
			return c
		}
		var r uint64
		if x.back != nil {
			r = x.back.prefixHash(len(x.elems))
		} else {
			r = tupleSeed
			for _, e := range x.elems {
				r = roll(r, hashOf(e))
			}
		}
		h := hasher{h: r}
		h.word(uint64(len(x.elems)))
		c := h.sum()
		x.h.Store(c)
		return c
	case *Rec:
		if c := x.h.Load(); c != 0 {
			return c
		}
		h := hasher{h: 0x70}
		h.word(uint64(len(x.names)))
		for i, n := range x.names {
			h.str(n)
			h.word(hashOf(x.vals[i]))
		}
		c := h.sum()
		x.h.Store(c)
		return c
	case *Fcn:
		if c := x.h.Load(); c != 0 {
			return c
		}
		var sum uint64
		for i, d := range x.dom {
			sum += pairTerm(hashOf(d), hashOf(x.rng[i]))
		}
		return x.setHash(sum)
	}
	return hashOf(norm(v))
}

// A function hashes as the sum of its pairs' hashes, so that a function made
// from another by changing or adding one pair (EXCEPT, @@) gets its hash from
// the other's in constant time.
func pairTerm(d, r uint64) uint64 {
	t := d*hk1 + bits.RotateLeft64(r, 31)
	t ^= t >> 29
	t *= hk2
	t ^= t >> 32
	return t
}

func (x *Fcn) setHash(sum uint64) uint64 {
	h := hasher{h: 0x80}
	h.word(uint64(len(x.dom)))
	h.word(sum)
	c := h.sum()
	x.hs.Store(sum)
	x.h.Store(c)
	return c
}

// rehashed gives nf, made from f by mapping d to nv instead of ov (nil: d
// was not in f's domain), its hash if f's is known.
func rehashed(nf, f *Fcn, d, ov, nv Value) *Fcn {
	if f.h.Load() == 0 {
		return nf
	}
	hd := hashOf(d)
	sum := f.hs.Load() + pairTerm(hd, hashOf(nv))
	if ov != nil {
		sum -= pairTerm(hd, hashOf(ov))
	}
	nf.setHash(sum)
	return nf
}

const tupleSeed = 0x60

// roll adds one element's hash to a tuple's rolling hash.
func roll(r, x uint64) uint64 { return (&hasher{h: r}).next(x) }

func (h *hasher) next(x uint64) uint64 { h.word(x); return h.h }

// cachedHash is a composite value's hash if already computed, else 0.
func cachedHash(v Value) uint64 {
	switch x := v.(type) {
	case *Set:
		return x.h.Load()
	case *Tuple:
		return x.h.Load()
	case *Rec:
		return x.h.Load()
	case *Fcn:
		return x.h.Load()
	}
	return 0
}

func (h *hasher) sum() uint64 {
	x := h.h
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	if x == 0 {
		x = 1 // 0 marks "no parent" (and "not computed" in a value's cache)
	}
	return x
}

func valueHash(v Value) uint64 { return hashOf(v) }

// fingerprint hashes a state as a combination of per-variable hashes, so
// a successor can reuse the hashes of the variables an action left alone.
func fingerprint(vals []Value) uint64 {
	h := hasher{h: 0x1234567}
	for _, v := range vals {
		h.word(hashOf(v))
	}
	return h.sum()
}

// varHashes computes per-variable hashes, reusing those of a parent state
// for values it shares (the same pointer or scalar).
func varHashes(vals, parent []Value, phash []uint64) []uint64 {
	out := make([]uint64, len(vals))
	for i, v := range vals {
		if phash != nil && v == parent[i] {
			out[i] = phash[i]
		} else {
			out[i] = hashOf(v)
		}
	}
	return out
}

func combine(vh []uint64) uint64 {
	h := hasher{h: 0x1234567}
	for _, x := range vh {
		h.word(x)
	}
	return h.sum()
}

// perm maps model-value names to their images under a symmetry permutation.
type perm map[string]Value
