package cluster

import (
	"time"

	"golang.org/x/sys/unix"
)

// Monotonic times in traces are nanoseconds of CLOCK_MONOTONIC, which every process on the
// machine shares, since the cluster's epoch. Go's own monotonic clock is CLOCK_MONOTONIC too
// but hides its origin, so each process reads the raw clock once and then counts with Go's.
var (
	monoBase  = rawMono()
	monoStart = time.Now()
)

func rawMono() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		panic("cluster: clock_gettime(CLOCK_MONOTONIC): " + err.Error()) // cannot fail on Linux
	}
	return ts.Nano()
}

// Mono is CLOCK_MONOTONIC now, in nanoseconds.
func Mono() int64 { return monoBase + int64(time.Since(monoStart)) }
