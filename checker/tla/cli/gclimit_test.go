package cli

import "testing"

func TestFollowLimit(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ live, ceiling, want int64 }{
		{0, 4096 * mib, 80 * mib},            // empty heap: the minimum headroom
		{100 * mib, 4096 * mib, 180 * mib},   // a quarter is less than 80 MiB
		{400 * mib, 4096 * mib, 500 * mib},   // a quarter of the live heap
		{1000 * mib, 4096 * mib, 1250 * mib}, // likewise
		{4000 * mib, 4096 * mib, 4096 * mib}, // capped at the ceiling
		{8000 * mib, 4096 * mib, 4096 * mib}, // live above the ceiling: still the ceiling
	} {
		if got := followLimit(c.live, c.ceiling); got != c.want {
			t.Errorf("followLimit(%d MiB, %d MiB) = %d MiB; want %d MiB", c.live/mib, c.ceiling/mib, got/mib, c.want/mib)
		}
	}
}
