package explore

import (
	"cmp"
	"fmt"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// Options say which seeds to explore and how.
type Options struct {
	FirstSeed int64    // first seed
	Seeds     int      // number of seeds: FirstSeed .. FirstSeed+Seeds-1
	Bugs      []string // bug switches to turn on (vr.BugCatalog names)
	// Policy is the replicas' policy (vr.Policies; "" is the default).
	Policy string
	// Batch and BatchWait are the primary's batching (§6.1; sim.Scenario's), fixed for every seed.
	Batch, BatchWait int
	// CheckpointEvery is the replicas' checkpoint interval K (§5.1; sim.Scenario's), fixed for
	// every seed; 0 is Swarm's choice (checkpoints for a checkpoint- or gc- switch).
	CheckpointEvery int
	// Reads is how gets are served (§6.2; sim.Scenario's: "" or "none", "backup"), fixed for
	// every seed; "" is Swarm's choice (reads at backups for a backup-read- switch).
	Reads string
	// Lease and Drift are L (ticks) and ρ (per mille) with reads "lease", fixed for every
	// seed; 0 is drawn per seed (LeaseFor, DriftFor: the drift never 0).
	Lease, Drift int
	// Reconfig adds a random reconfiguration to each seed's scenario (sim.RandomReconfig;
	// always on for an epoch- switch).
	Reconfig bool
	// Workers run seeds in parallel (0: runtime.NumCPU()).
	Workers int
	// KeepGoing runs every seed; otherwise exploration stops at the first failure.
	KeepGoing bool
	// LinTimeout bounds each run's linearizability check (0: the checker's default); NoLin
	// skips it.
	LinTimeout time.Duration
	NoLin      bool
	// IgnoreSteps judges runs without step validation: by the invariants, linearizability, the
	// replicas' assertions and liveness alone, the properties that do not depend on following
	// VR.tla step by step.
	IgnoreSteps bool
	// OnSeed, if set, is called after each seed, from the worker goroutines.
	OnSeed func(seed int64, failed bool)
}

// Found is one failing seed.
type Found struct {
	Seed    int64   `json:"seed"`
	Failure Failure `json:"failure"`
	Events  int     `json:"events"`
}

// Result is the outcome of an exploration. It does not depend on the number of workers or on
// their timing: without KeepGoing, Failures holds exactly the lowest failing seed in the range
// and Seeds counts the seeds up to and including it, whatever seeds above it also ran.
type Result struct {
	FirstSeed int64
	Seeds     int     // seeds the verdict covers
	Failures  []Found // by seed
}

// First returns the lowest failing seed, or nil.
func (r *Result) First() *Found {
	if len(r.Failures) == 0 {
		return nil
	}
	return &r.Failures[0]
}

// Explore runs the seeds of opts, each with its own Swarm scenario, on opts.Workers
// goroutines. Seeds are handed out in increasing order; after a failure at seed s no seed above
// s is started, but every seed below s is finished, so the lowest failing seed reported is the
// lowest in the whole range. An error means a run could not be done at all.
func Explore(opts Options) (*Result, error) {
	if opts.Seeds < 0 {
		return nil, fmt.Errorf("explore: %d seeds", opts.Seeds)
	}
	if opts.FirstSeed < 0 || opts.FirstSeed+int64(opts.Seeds)-1 > 1<<31-1 {
		return nil, fmt.Errorf("explore: seeds %d..%d: seeds must be in 0..2^31-1", opts.FirstSeed, opts.FirstSeed+int64(opts.Seeds)-1)
	}
	if _, err := vr.ParseBugs(opts.Bugs); err != nil {
		return nil, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	var (
		next  atomic.Int64 // the next index to hand out
		bound atomic.Int64 // indexes at or above it are not started
		mu    sync.Mutex
		found []Found
		errs  = map[int64]error{}
		wg    sync.WaitGroup
	)
	bound.Store(int64(opts.Seeds))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rn := Runner{LinTimeout: opts.LinTimeout, NoLin: opts.NoLin, IgnoreSteps: opts.IgnoreSteps}
			for {
				i := next.Add(1) - 1
				if i >= bound.Load() {
					return
				}
				seed := opts.FirstSeed + i
				out, err := rn.Run(opts.scenario(seed), false)
				if err != nil || out.Failure != nil {
					mu.Lock()
					if err != nil {
						errs[seed] = err
					} else {
						found = append(found, Found{Seed: seed, Failure: *out.Failure, Events: out.Events})
					}
					// An error stops the exploration even with KeepGoing; every seed
					// below it still runs, so the error reported does not depend on timing.
					if (err != nil || !opts.KeepGoing) && i < bound.Load() {
						bound.Store(i)
					}
					mu.Unlock()
				}
				if err != nil {
					continue
				}
				if opts.OnSeed != nil {
					opts.OnSeed(seed, out.Failure != nil)
				}
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(found, func(a, b Found) int { return cmp.Compare(a.Seed, b.Seed) })
	if len(errs) > 0 {
		// The lowest seed's error, unless (stopping at the first failure) a failure came first.
		seeds := slices.Sorted(maps.Keys(errs))
		if opts.KeepGoing || len(found) == 0 || found[0].Seed > seeds[0] {
			return nil, errs[seeds[0]]
		}
	}
	res := &Result{FirstSeed: opts.FirstSeed, Seeds: opts.Seeds, Failures: found}
	if !opts.KeepGoing && len(found) > 0 {
		res.Failures = found[:1]
		res.Seeds = int(found[0].Seed-opts.FirstSeed) + 1
	}
	return res, nil
}

// scenario is seed's swarm scenario with the options' bug switches and policy.
func (o Options) scenario(seed int64) sim.Scenario {
	sc := Swarm(seed, o.Bugs)
	sc.Policy = o.Policy
	if o.CheckpointEvery > 0 {
		sc.CheckpointEvery = o.CheckpointEvery
	}
	if o.Batch > 0 { // else Swarm's choice (batching for a batch- switch)
		sc.Batch, sc.BatchWait = o.Batch, o.BatchWait
	}
	if o.Reads != "" {
		sc.Reads = o.Reads
	}
	if sc.Reads == vr.ReadsLease {
		sc.Lease, sc.Drift = LeaseFor(seed), DriftFor(seed)
		if o.Lease > 0 {
			sc.Lease = o.Lease
		}
		if o.Drift > 0 {
			sc.Drift = o.Drift
		}
		sc.Workload.Get = max(sc.Workload.Get, 1) // gets to read with
	}
	if mode, _ := vr.ParseReads(sc.Reads); mode != "" { // reconfiguration is not combined with reads yet
		return sc
	}
	if (o.Reconfig || slices.ContainsFunc(o.Bugs, func(b string) bool { return strings.HasPrefix(b, "epoch-") })) && sc.Batch <= 1 {
		sim.RandomReconfig(&sc)
		sc.MaxTicks = max(sc.MaxTicks, sc.Reconfigure[len(sc.Reconfigure)-1].At+LivenessMargin)
	}
	return sc
}

// LeaseFor is the lease length a swarm seed draws with reads under leases: 2..9 ticks, about
// the replica timeout.
func LeaseFor(seed int64) int { return 2 + int(seed/7%8) }

// DriftFor is the clock drift bound a swarm seed draws with reads under leases, never 0: small
// drifts as in real clocks, and large ones, under which a lease without the drift margin
// outlives the promises it counts on.
func DriftFor(seed int64) int { return []int{1, 10, 50, 100, 200, 300}[seed%6] }
