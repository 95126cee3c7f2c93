package cli

import (
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// minHeadroom is the least the heap may grow above what is live before the
// collector runs: on a small model a quarter of the live heap would make it
// collect all the time.
const minHeadroom = 80 << 20

// followLimit is the collector's memory limit for a live heap of live
// bytes: the live heap plus a quarter of it, at least minHeadroom, never
// above ceiling.
func followLimit(live, ceiling int64) int64 {
	return min(live+max(live/4, minHeadroom), ceiling)
}

// followLiveHeap keeps the collector's memory limit at followLimit of the
// live heap, read every tick, until stop is closed. GOGC=400 lets the heap
// grow to five times what is live; on a large model most of what is live is
// the fingerprint set, the trace log and the queue's bytes, which hold no
// pointers and cost the collector little, so a heap goal closer to the live
// heap costs little time. The collector's work never changes what is
// computed: counts and traces are the same with it off (-gclimit=false).
func followLiveHeap(ceiling int64, stop <-chan struct{}) {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	last := int64(-1)
	for {
		select {
		case <-stop:
			debug.SetMemoryLimit(ceiling)
			return
		case <-t.C:
		}
		metrics.Read(s)
		if s[0].Value.Kind() != metrics.KindUint64 {
			return
		}
		limit := followLimit(int64(s[0].Value.Uint64()), ceiling)
		if d := limit - last; d > last/32 || -d > last/32 { // skip changes under 3%
			debug.SetMemoryLimit(limit)
			last = limit
		}
	}
}
