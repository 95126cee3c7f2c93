package tla

import (
	"runtime"
	"testing"
)

// The state store keeps every fingerprint once and rebuilds any state's
// path from the trace log.
func TestFPSetAndTraceLog(t *testing.T) {
	s := newFPSet()
	var tl traceLog
	const n = 100000
	for i := uint64(0); i < n; i++ {
		fp := i * 0x9E3779B97F4A7C15 // includes fingerprint 0
		if !s.offer(fp, i) {
			t.Fatalf("fingerprint %x reported present before it was added", fp)
		}
		if s.offer(fp, i+1) {
			t.Fatalf("fingerprint %x: a later discovery in the same level must not win", fp)
		}
		if !s.offer(fp, 0) && i > 0 {
			t.Fatalf("fingerprint %x: an earlier discovery in the same level must win", fp)
		}
		parent := int64(i) - 1
		if i%10 == 0 {
			parent = -1
		}
		tl.add(fp, parent)
	}
	if s.len() != n {
		t.Fatalf("len %d, want %d", s.len(), n)
	}
	s.endLevel()
	for i := uint64(0); i < n; i++ {
		fp := i * 0x9E3779B97F4A7C15
		if s.offer(fp, 0) {
			t.Fatalf("fingerprint %x of an earlier level offered again must be refused", fp)
		}
		if _, ok := s.levelKey(fp); ok {
			t.Fatalf("fingerprint %x: keys are forgotten at the end of the level", fp)
		}
	}
	p := tl.path(23)
	mul := uint64(0x9E3779B97F4A7C15)
	if len(p) != 4 || p[0] != 20*mul || p[3] != 23*mul {
		t.Fatalf("path to state 23: %x", p)
	}
}

// BenchmarkStateStore reports the heap bytes per distinct state of the
// fingerprint set and trace log, against the maps they replaced
// (fingerprint -> parent fingerprint, order key, level, in 256 shards).
func BenchmarkStateStore(b *testing.B) {
	const n = 2_000_000
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	b.Run("maps", func(b *testing.B) {
		for k := 0; k < b.N; k++ {
			before := heap()
			type entry struct {
				parent, key uint64
				level       int32
			}
			var shards [fpShards]map[uint64]entry
			for i := range shards {
				shards[i] = map[uint64]entry{}
			}
			for i := uint64(1); i <= n; i++ {
				fp := i * 0x9E3779B97F4A7C15
				shards[fp%fpShards][fp] = entry{parent: fp - 1, key: i, level: 1}
			}
			b.ReportMetric(float64(heap()-before)/n, "bytes/state")
			runtime.KeepAlive(&shards)
		}
	})
	b.Run("fpset+tracelog", func(b *testing.B) {
		for k := 0; k < b.N; k++ {
			before := heap()
			s := newFPSet()
			var tl traceLog
			for i := uint64(1); i <= n; i++ {
				fp := i * 0x9E3779B97F4A7C15
				s.offer(fp, i)
				tl.add(fp, int64(i)-2)
				if i%100000 == 0 {
					s.endLevel()
				}
			}
			s.endLevel()
			b.ReportMetric(float64(heap()-before)/n, "bytes/state")
			runtime.KeepAlive(s)
			runtime.KeepAlive(&tl)
		}
	})
}
