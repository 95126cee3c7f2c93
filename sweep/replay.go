package sweep

import (
	"github.com/vrcheck/vrcheck/checker"
	"slices"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// Replay makes the `vrcheck run` command that replays one run of a sweep: the CSV's replay
// column.
type Replay struct {
	// File, if set, is a scenario file holding Base: the command reads it (--scenario) and
	// sets by flag only what differs from Base. Without it the flags set everything that
	// differs from sim.Default(). Base needs a file when NeedsFile says so.
	File string
	Base sim.Scenario
}

// NeedsFile reports whether sc has something no flag of `vrcheck run` sets: a fault
// schedule, or workload weights other than the default ones.
func NeedsFile(sc sim.Scenario) bool {
	d := sim.Default().Workload
	w := sc.Workload
	return len(sc.Schedule) > 0 || w.Get != d.Get || w.Put != d.Put || w.Append != d.Append
}

// Command is the command line that replays sc (a point's scenario with its run's seed).
func (r Replay) Command(sc sim.Scenario) string {
	ref := sim.Default()
	args := []string{"vrcheck", "run"}
	if r.File != "" {
		ref = r.Base
		args = append(args, "--scenario", checker.ShellQuote(r.File))
	}
	args = append(args, "--seed", strconv.FormatInt(sc.Seed, 10))
	num := func(name string, v, was int) {
		if v != was {
			args = append(args, "--"+name, strconv.Itoa(v))
		}
	}
	prob := func(name string, v, was float64) {
		if v != was {
			args = append(args, "--"+name, FormatValue(v))
		}
	}
	// In the order of run's flags in sim.Scenario.
	num("f", sc.F, ref.F)
	num("clients", sc.Clients, ref.Clients)
	num("requests", sc.Requests, ref.Requests)
	num("client-timeout", sc.ClientTimeout, ref.ClientTimeout)
	num("replica-timeout", sc.ReplicaTimeout, ref.ReplicaTimeout)
	num("keys", sc.Workload.Keys, ref.Workload.Keys)
	f, rf := sc.Faults, ref.Faults
	prob("drop", f.Drop, rf.Drop)
	prob("duplicate", f.Duplicate, rf.Duplicate)
	num("min-delay", f.MinDelay, rf.MinDelay)
	num("max-delay", f.MaxDelay, rf.MaxDelay)
	prob("crash", f.Crash, rf.Crash)
	num("restart-after", f.RestartAfter, rf.RestartAfter)
	prob("partition", f.Partition, rf.Partition)
	num("partition-length", f.PartitionLength, rf.PartitionLength)
	num("faults-until", f.StopAt, rf.StopAt)
	num("capacity", sc.Capacity, ref.Capacity)
	num("max-ticks", sc.MaxTicks, ref.MaxTicks)
	num("batch", sc.Batch, ref.Batch)
	num("batch-wait", sc.BatchWait, ref.BatchWait)
	num("checkpoint-every", sc.CheckpointEvery, ref.CheckpointEvery)
	if mode, _ := vr.ParseReads(sc.Reads); mode != func() string { m, _ := vr.ParseReads(ref.Reads); return m }() {
		if mode == "" {
			mode = vr.ReadsNone
		}
		args = append(args, "--reads", mode)
	}
	num("lease", sc.Lease, ref.Lease)
	num("drift", sc.Drift, ref.Drift)
	if !slices.Equal(sc.Bugs, ref.Bugs) {
		args = append(args, "--bug", checker.ShellQuote(strings.Join(sc.Bugs, ",")))
	}
	return strings.Join(args, " ")
}
