package tla

import (
	"sync"
	"sync/atomic"
)

// fpEntry records how a state was first reached: its parent's fingerprint
// (0 for initial states) and the BFS level and order (parent index,
// successor index) of the earliest discovery, so that parallel runs keep
// deterministic parents.
type fpEntry struct {
	parent uint64
	key    uint64
	level  int32
}

const fpShards = 256

// fpSet is a sharded set of state fingerprints.
type fpSet struct {
	n      atomic.Int64
	shards [fpShards]struct {
		mu sync.Mutex
		m  map[uint64]fpEntry
	}
}

func newFPSet() *fpSet {
	s := &fpSet{}
	for i := range s.shards {
		s.shards[i].m = map[uint64]fpEntry{}
	}
	return s
}

// offer records fp if it is new, or if it was found earlier in the same
// level with a larger order key; it reports whether the caller's copy is
// (for now) the one to keep.
func (s *fpSet) offer(fp uint64, e fpEntry) bool {
	sh := &s.shards[fp%fpShards]
	sh.mu.Lock()
	old, ok := sh.m[fp]
	if !ok || old.level == e.level && e.key < old.key {
		sh.m[fp] = e
		sh.mu.Unlock()
		if !ok {
			s.n.Add(1)
		}
		return true
	}
	sh.mu.Unlock()
	return false
}

func (s *fpSet) get(fp uint64) (fpEntry, bool) {
	sh := &s.shards[fp%fpShards]
	sh.mu.Lock()
	e, ok := sh.m[fp]
	sh.mu.Unlock()
	return e, ok
}

func (s *fpSet) len() int { return int(s.n.Load()) }

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
