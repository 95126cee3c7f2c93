//go:build unix

package checker

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user + system) the process has used, all threads and the GC
// included: on a shared machine, events per CPU-second is steadier than per wall-second.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
