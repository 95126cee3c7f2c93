package tla

import (
	"sync"
	"sync/atomic"
)

// The state store. Every distinct state costs 8 bytes in the fingerprint
// set (an open-addressing table of 64-bit fingerprints, as TLC's FPSet,
// kept at most 3/4 full) and 12 bytes in the trace log (its fingerprint and
// the index of its parent, in BFS order), from which counterexamples are
// rebuilt by re-execution. The BFS keeps, for the states found in the
// level being expanded, the order key of their earliest discovery in a
// per-level map, so that parallel runs keep deterministic parents; it is
// dropped when the level ends.

const fpShards = 256

// fpSet is a sharded set of state fingerprints.
type fpSet struct {
	n      atomic.Int64
	shards [fpShards]fpShard
}

type fpShard struct {
	mu      sync.Mutex
	slots   []uint64 // 0: empty (the fingerprint 0 is hasZero)
	n       int
	hasZero bool
	// level: the states first found in the level being expanded, with
	// the order key (parent index, successor index) of the earliest
	// discovery
	level map[uint64]uint64
	_     [24]byte // keep shards on separate cache lines
}

func newFPSet() *fpSet {
	s := &fpSet{}
	for i := range s.shards {
		s.shards[i].slots = make([]uint64, 16)
		s.shards[i].level = map[uint64]uint64{}
	}
	return s
}

// slot spreads the bits the shard index does not use.
func fpSlot(fp uint64, mask uint64) uint64 {
	return ((fp >> 8) * 0x9E3779B97F4A7C15 >> 17) & mask
}

// insert adds fp to the table; false if it was there.
func (sh *fpShard) insert(fp uint64) bool {
	if fp == 0 {
		if sh.hasZero {
			return false
		}
		sh.hasZero = true
		sh.n++
		return true
	}
	mask := uint64(len(sh.slots) - 1)
	for i := fpSlot(fp, mask); ; i = (i + 1) & mask {
		switch sh.slots[i] {
		case fp:
			return false
		case 0:
			sh.slots[i] = fp
			sh.n++
			if sh.n*4 > len(sh.slots)*3 {
				sh.grow()
			}
			return true
		}
	}
}

func (sh *fpShard) grow() {
	old := sh.slots
	sh.slots = make([]uint64, 2*len(old))
	mask := uint64(len(sh.slots) - 1)
	for _, fp := range old {
		if fp == 0 {
			continue
		}
		i := fpSlot(fp, mask)
		for sh.slots[i] != 0 {
			i = (i + 1) & mask
		}
		sh.slots[i] = fp
	}
}

// offer records fp if it is new, or if it was first found in the level
// being expanded with a larger order key; it reports whether the caller's
// copy is (for now) the one to keep.
func (s *fpSet) offer(fp, key uint64) bool {
	sh := &s.shards[fp%fpShards]
	sh.mu.Lock()
	if sh.insert(fp) {
		sh.level[fp] = key
		sh.mu.Unlock()
		s.n.Add(1)
		return true
	}
	old, ok := sh.level[fp]
	if ok && key < old {
		sh.level[fp] = key
		sh.mu.Unlock()
		return true
	}
	sh.mu.Unlock()
	return false
}

// levelKey is the order key of the earliest discovery of fp in the level
// being expanded; false if fp was not first found in it.
func (s *fpSet) levelKey(fp uint64) (uint64, bool) {
	sh := &s.shards[fp%fpShards]
	sh.mu.Lock()
	k, ok := sh.level[fp]
	sh.mu.Unlock()
	return k, ok
}

// endLevel forgets the order keys of the level.
func (s *fpSet) endLevel() {
	for i := range s.shards {
		sh := &s.shards[i]
		if len(sh.level) > 0 {
			sh.level = map[uint64]uint64{}
		}
	}
}

func (s *fpSet) len() int { return int(s.n.Load()) }

// bytes is the memory of the table (not counting the per-level keys).
func (s *fpSet) bytes() int64 {
	var b int64
	for i := range s.shards {
		b += int64(len(s.shards[i].slots)) * 8
	}
	return b
}

// traceLog holds every kept state in BFS order: its fingerprint and its
// parent's index (noParent for initial states).
type traceLog struct {
	fps     []uint64
	parents []uint32
}

const noParent = ^uint32(0)

func (t *traceLog) add(fp uint64, parent int64) {
	p := noParent
	if parent >= 0 {
		p = uint32(parent)
	}
	t.fps = append(t.fps, fp)
	t.parents = append(t.parents, p)
}

func (t *traceLog) len() int64 { return int64(len(t.fps)) }

// path is the fingerprints from an initial state to state i.
func (t *traceLog) path(i int64) []uint64 {
	var out []uint64
	for i >= 0 {
		out = append(out, t.fps[i])
		p := t.parents[i]
		if p == noParent {
			break
		}
		i = int64(p)
	}
	for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
		out[a], out[b] = out[b], out[a]
	}
	return out
}

// lossySet is a direct-mapped cache of fingerprints: a hit means the
// fingerprint was added before; a miss means nothing.
type lossySet struct {
	slots []atomic.Uint64
	mask  uint64
}

func newLossySet(n int) *lossySet {
	return &lossySet{slots: make([]atomic.Uint64, n), mask: uint64(n - 1)}
}

func (s *lossySet) seen(fp uint64) bool { return s.slots[fp&s.mask].Load() == fp }

func (s *lossySet) add(fp uint64) { s.slots[fp&s.mask].Store(fp) }
