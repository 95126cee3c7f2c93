package tla

// encArena holds the encoded states a worker queues in one level, packed
// in blocks of 64 KiB rather than one allocation per state (which costs the
// allocator's rounding and the collector's work per object). A block lives
// as long as any state in it: the whole level.
type encArena struct {
	block   []byte
	scratch []byte
}

const arenaBlock = 64 << 10

// encode returns vals encoded, in the arena.
func (a *encArena) encode(cd *codec, vals []Value) []byte {
	a.scratch = cd.encode(a.scratch[:0], vals)
	n := len(a.scratch)
	if len(a.block)+n > cap(a.block) {
		a.block = make([]byte, 0, max(arenaBlock, n))
	}
	start := len(a.block)
	a.block = append(a.block, a.scratch...)
	return a.block[start : start+n : start+n]
}
