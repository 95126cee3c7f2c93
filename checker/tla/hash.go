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

func (h *hasher) value(v Value) {
	switch x := v.(type) {
	case bool:
		if x {
			h.word(0x11)
		} else {
			h.word(0x10)
		}
	case Int:
		h.word(0x20)
		h.word(uint64(x))
	case Str:
		h.word(0x30)
		h.str(string(x))
	case *ModelVal:
		h.word(0x40)
		h.str(x.Name)
	case *Set:
		h.word(0x50)
		h.word(uint64(len(x.elems)))
		for _, e := range x.elems {
			h.value(e)
		}
	case *Tuple:
		h.word(0x60)
		h.word(uint64(len(x.elems)))
		for _, e := range x.elems {
			h.value(e)
		}
	case *Rec:
		h.word(0x70)
		h.word(uint64(len(x.names)))
		for i, n := range x.names {
			h.str(n)
			h.value(x.vals[i])
		}
	case *Fcn:
		h.word(0x80)
		h.word(uint64(len(x.dom)))
		for i, d := range x.dom {
			h.value(d)
			h.value(x.rng[i])
		}
	default:
		h.value(norm(v))
	}
}

func (h *hasher) sum() uint64 {
	x := h.h
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	if x == 0 {
		x = 1 // 0 marks "no parent"
	}
	return x
}

func valueHash(v Value) uint64 {
	h := hasher{h: 0x9876543}
	h.value(v)
	return h.h
}

// fingerprint hashes a state as a combination of per-variable hashes, so
// a successor can reuse the hashes of the variables an action left alone.
func fingerprint(vals []Value) uint64 {
	h := hasher{h: 0x1234567}
	for _, v := range vals {
		h.word(valueHash(v))
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
			out[i] = valueHash(v)
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

// permute applies a permutation of model values to a value.
func permute(v Value, p perm) Value {
	switch x := v.(type) {
	case *ModelVal:
		if y, ok := p[x.Name]; ok {
			return y
		}
		return v
	case *Set:
		out := make([]Value, len(x.elems))
		changed := false
		for i, e := range x.elems {
			out[i] = permute(e, p)
			if out[i] != e {
				changed = true
			}
		}
		if !changed {
			return v
		}
		return mkSet(out)
	case *Tuple:
		out := make([]Value, len(x.elems))
		changed := false
		for i, e := range x.elems {
			out[i] = permute(e, p)
			if out[i] != e {
				changed = true
			}
		}
		if !changed {
			return v
		}
		return &Tuple{elems: out}
	case *Rec:
		out := make([]Value, len(x.vals))
		changed := false
		for i, e := range x.vals {
			out[i] = permute(e, p)
			if out[i] != e {
				changed = true
			}
		}
		if !changed {
			return v
		}
		return &Rec{names: x.names, vals: out}
	case *Fcn:
		d := make([]Value, len(x.dom))
		r := make([]Value, len(x.rng))
		changed := false
		for i := range x.dom {
			d[i] = permute(x.dom[i], p)
			r[i] = permute(x.rng[i], p)
			if d[i] != x.dom[i] || r[i] != x.rng[i] {
				changed = true
			}
		}
		if !changed {
			return v
		}
		return mkFcnUnsorted(d, r)
	}
	return v
}
