package main

import (
	"runtime"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// The flags several commands share are defined here once, so that one idea has one name,
// one default and one help text everywhere.

// noLimit is the linearizability time limit of --lin-timeout 0.
const noLimit = time.Duration(1<<63 - 1)

// linFlags are --lin-timeout and --no-lin (run, check, sweep, explore).
type linFlags struct {
	timeout time.Duration
	off     bool
}

func addLinFlags(fs *pflag.FlagSet) *linFlags {
	l := &linFlags{}
	fs.DurationVar(&l.timeout, "lin-timeout", checker.DefaultLinTimeout,
		"time limit of each linearizability check (0: no limit); a check that runs out of time is UNKNOWN, which is not a pass")
	fs.BoolVar(&l.off, "no-lin", false, "skip the linearizability check (reported as SKIPPED)")
	return l
}

// options returns the checker's options for the flags.
func (l *linFlags) options() (checker.Options, error) {
	if l.timeout < 0 {
		return checker.Options{}, usageErrorf("--lin-timeout %v: want 0 (no limit) or more", l.timeout)
	}
	o := checker.Options{LinTimeout: l.timeout, SkipLinearizability: l.off}
	if l.timeout == 0 {
		o.LinTimeout = noLimit
	}
	return o, nil
}

// addBugFlag is --bug (run, sim, sweep, explore).
func addBugFlag(fs *pflag.FlagSet) *string {
	names := make([]string, len(vr.BugCatalog))
	for i, b := range vr.BugCatalog {
		names[i] = b.Name
	}
	return fs.String("bug", "", "comma-separated bug `switches` to turn on: "+strings.Join(names, ", ")+" (vrcheck bugs describes them)")
}

// bugList splits a --bug value and checks the names.
func bugList(s string) ([]string, error) {
	var bugs []string
	for _, b := range strings.Split(s, ",") {
		if b = strings.TrimSpace(b); b != "" {
			bugs = append(bugs, b)
		}
	}
	if _, err := vr.ParseBugs(bugs); err != nil {
		return nil, usageErrorf("--bug: %v", err)
	}
	return bugs, nil
}

// seedFlags are --first-seed and --seeds (explore, sweep): seeds first, first+1, ...
type seedFlags struct {
	first int64
	n     int
}

func addSeedFlags(fs *pflag.FlagSet, n int, per string) *seedFlags {
	s := &seedFlags{}
	fs.Int64Var(&s.first, "first-seed", 1, "first `seed`")
	fs.IntVar(&s.n, "seeds", n, "number of seeds"+per+": --first-seed, --first-seed+1, ...")
	return s
}

func (s *seedFlags) validate() error {
	if s.n < 1 {
		return usageErrorf("--seeds %d: want at least 1", s.n)
	}
	if last := s.first + int64(s.n) - 1; s.first < 0 || last > 1<<31-1 {
		return usageErrorf("seeds %d..%d: seeds must be in 0..2^31-1", s.first, last)
	}
	return nil
}

// addWorkersFlag is --workers (explore, sweep).
func addWorkersFlag(fs *pflag.FlagSet, what string) *int {
	return fs.Int("workers", 0, what+" run in parallel (0: one per CPU)")
}

// workers resolves a --workers value.
func workers(n int) (int, error) {
	switch {
	case n < 0:
		return 0, usageErrorf("--workers %d: want 0 (one per CPU) or more", n)
	case n == 0:
		return runtime.NumCPU(), nil
	}
	return n, nil
}

// addNoProgressFlag is --no-progress (explore, sweep).
func addNoProgressFlag(fs *pflag.FlagSet) *bool {
	return fs.Bool("no-progress", false, "no progress bar (there is one only when standard error is a terminal)")
}

// addReconfigFlag is --reconfig (run, sim, sweep, explore).
func addReconfigFlag(fs *pflag.FlagSet) *bool {
	return fs.Bool("reconfig", false, "add to each seed's scenario a random reconfiguration drawn from the seed (§7): grow 3 -> 5 or shrink 5 -> 3 replicas, or replace one")
}

// batchFlags are --batch and --batch-wait (run, sim, sweep, explore).
// They also carry --checkpoint-every and --reads: the options of issue 14 travel together.
type batchFlags struct {
	size, wait, checkpointEvery int
	reads                       string
	lease, drift                int
}

func addBatchFlags(fs *pflag.FlagSet) *batchFlags {
	b := &batchFlags{}
	fs.IntVar(&b.size, "batch", 0, "the primary gathers up to `B` requests into one PREPARE (§6.1); 0 or 1: no batching")
	fs.IntVar(&b.wait, "batch-wait", 0, "with --batch, the most `ticks` the first gathered request waits for the batch to fill (0 is 1)")
	fs.IntVar(&b.checkpointEvery, "checkpoint-every", 0, "each replica checkpoints its service state every `K` committed ops and discards the log up to it (§5.1); 0: no checkpoints")
	fs.StringVar(&b.reads, "reads", "none", "how gets are served (§6.2): none (through the log), backup (a READ a backup answers from its committed state once it reached the client's latest seen commit-number: causal, not linearizable) or lease (the primary answers a get from its state, outside the log, while f backups' leases run: linearizable)")
	fs.IntVar(&b.lease, "lease", 0, "with --reads lease, the lease length L in `ticks` a backup grants on each PREPARE or COMMIT, measured on its own clock (0: 5)")
	fs.IntVar(&b.drift, "drift", 0, "with --reads lease, the bound ρ on every replica's clock drift, in `per-mille` of real time (each clock's rate is drawn from the seed within it; 0: 10)")
	return b
}
