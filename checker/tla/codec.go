package tla

import (
	"encoding/binary"
	"fmt"
	"sync"
)

// codec serialises queued states compactly; strings, model values and
// record shapes are interned so that decoding allocates little.
type codec struct {
	mu     sync.RWMutex
	ids    map[string]uint32 // string -> id
	strs   []string
	boxed  []Value // Str values, pre-boxed
	mvs    []Value // *ModelVal per id, created on demand
	shapes map[string][]string
}

func newCodec() *codec {
	return &codec{ids: map[string]uint32{}, shapes: map[string][]string{}}
}

const (
	tFalse = iota
	tTrue
	tInt
	tStr
	tModel
	tSet
	tTuple
	tRec
	tFcn
)

func (cd *codec) id(s string) uint32 {
	cd.mu.RLock()
	id, ok := cd.ids[s]
	cd.mu.RUnlock()
	if ok {
		return id
	}
	cd.mu.Lock()
	defer cd.mu.Unlock()
	if id, ok := cd.ids[s]; ok {
		return id
	}
	id = uint32(len(cd.strs))
	cd.ids[s] = id
	cd.strs = append(cd.strs, s)
	cd.boxed = append(cd.boxed, Str(s))
	cd.mvs = append(cd.mvs, modelVal(s))
	return id
}

func (cd *codec) encode(buf []byte, vals []Value) []byte {
	for _, v := range vals {
		buf = cd.enc(buf, v)
	}
	return buf
}

func (cd *codec) enc(b []byte, v Value) []byte {
	switch x := v.(type) {
	case bool:
		if x {
			return append(b, tTrue)
		}
		return append(b, tFalse)
	case Int:
		return binary.AppendVarint(append(b, tInt), int64(x))
	case Str:
		return binary.AppendUvarint(append(b, tStr), uint64(cd.id(string(x))))
	case *ModelVal:
		return binary.AppendUvarint(append(b, tModel), uint64(cd.id(x.Name)))
	case *Set:
		b = binary.AppendUvarint(append(b, tSet), uint64(len(x.elems)))
		for _, e := range x.elems {
			b = cd.enc(b, e)
		}
		return b
	case *Tuple:
		b = binary.AppendUvarint(append(b, tTuple), uint64(len(x.elems)))
		for _, e := range x.elems {
			b = cd.enc(b, e)
		}
		return b
	case *Rec:
		b = binary.AppendUvarint(append(b, tRec), uint64(len(x.names)))
		for _, n := range x.names {
			b = binary.AppendUvarint(b, uint64(cd.id(n)))
		}
		for _, e := range x.vals {
			b = cd.enc(b, e)
		}
		return b
	case *Fcn:
		b = binary.AppendUvarint(append(b, tFcn), uint64(len(x.dom)))
		for i := range x.dom {
			b = cd.enc(b, x.dom[i])
			b = cd.enc(b, x.rng[i])
		}
		return b
	}
	return cd.enc(b, norm(v))
}

func (cd *codec) decode(b []byte, n int) []Value {
	cd.mu.RLock()
	defer cd.mu.RUnlock()
	out := make([]Value, n)
	for i := range out {
		out[i], b = cd.dec(b)
	}
	return out
}

func uvarint(b []byte) (uint64, []byte) {
	x, k := binary.Uvarint(b)
	if k <= 0 {
		panic("codec: bad varint")
	}
	return x, b[k:]
}

// dec runs under the read lock.
func (cd *codec) dec(b []byte) (Value, []byte) {
	tag := b[0]
	b = b[1:]
	switch tag {
	case tFalse:
		return false, b
	case tTrue:
		return true, b
	case tInt:
		x, k := binary.Varint(b)
		return Int(x), b[k:]
	case tStr:
		id, rest := uvarint(b)
		return cd.boxed[id], rest
	case tModel:
		id, rest := uvarint(b)
		return cd.mvs[id], rest
	case tSet, tTuple:
		n, rest := uvarint(b)
		b = rest
		if n == 0 {
			if tag == tSet {
				return emptySet, b
			}
			return emptyTup, b
		}
		es := make([]Value, n)
		for i := range es {
			es[i], b = cd.dec(b)
		}
		if tag == tSet {
			return &Set{elems: es}, b
		}
		return &Tuple{elems: es}, b
	case tRec:
		n, rest := uvarint(b)
		start := rest
		b = rest
		for i := uint64(0); i < n; i++ {
			_, b = uvarint(b)
		}
		seg := start[:len(start)-len(b)]
		names, ok := cd.shapes[string(seg)]
		if !ok {
			names = make([]string, 0, n)
			for r := seg; len(r) > 0; {
				var id uint64
				id, r = uvarint(r)
				names = append(names, cd.strs[id])
			}
			// shapes is written only under the write lock
			cd.mu.RUnlock()
			cd.mu.Lock()
			cd.shapes[string(seg)] = names
			cd.mu.Unlock()
			cd.mu.RLock()
		}
		vals := make([]Value, n)
		for i := range vals {
			vals[i], b = cd.dec(b)
		}
		return &Rec{names: names, vals: vals}, b
	case tFcn:
		n, rest := uvarint(b)
		b = rest
		dom := make([]Value, n)
		rng := make([]Value, n)
		for i := range dom {
			dom[i], b = cd.dec(b)
			rng[i], b = cd.dec(b)
		}
		return &Fcn{dom: dom, rng: rng}, b
	}
	panic(fmt.Sprintf("codec: bad tag %d", tag))
}
