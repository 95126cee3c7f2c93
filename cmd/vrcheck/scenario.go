package main

import (
	"fmt"

	"github.com/spf13/pflag"

	"github.com/vrcheck/vrcheck/impl/sim"
)

// scenarioFlags registers the flags that describe a run. The result builds the scenario:
// the defaults, then the --scenario file, then any flag given explicitly.
func scenarioFlags(fs *pflag.FlagSet) func() (sim.Scenario, error) {
	d := sim.Default()
	var (
		file     = fs.String("scenario", "", "read the scenario from this YAML `file` (flags given as well override it)")
		seed     = fs.Int64("seed", d.Seed, "PRNG seed: the same seed and flags give the same trace, byte for byte")
		f        = fs.Int("f", d.F, "failures tolerated; the cluster has 2f+1 replicas")
		clients  = fs.Int("clients", d.Clients, "number of clients")
		requests = fs.Int("requests", d.Requests, "requests per client")
		ct       = fs.Int("client-timeout", d.ClientTimeout, "client timeout in `ticks` (then it resends to every replica)")
		rt       = fs.Int("replica-timeout", d.ReplicaTimeout, "replica timeout in `ticks` (a backup that hears nothing from the primary starts a view change)")
		keys     = fs.Int("keys", d.Workload.Keys, "number of keys the clients use")
		drop     = fs.Float64("drop", d.Faults.Drop, "probability that a message is lost")
		dup      = fs.Float64("duplicate", d.Faults.Duplicate, "probability that a message is delivered twice")
		minDelay = fs.Int("min-delay", d.Faults.MinDelay, "minimum message delay in ticks")
		maxDelay = fs.Int("max-delay", d.Faults.MaxDelay, "maximum message delay in ticks (a spread reorders messages)")
		crash    = fs.Float64("crash", d.Faults.Crash, "probability per tick that a replica crashes (at most f at a time)")
		restart  = fs.Int("restart-after", d.Faults.RestartAfter, "ticks a crashed replica stays down")
		part     = fs.Float64("partition", d.Faults.Partition, "probability per tick that a replica is cut off (half the time one-way)")
		partLen  = fs.Int("partition-length", d.Faults.PartitionLength, "ticks a partition lasts")
		stopAt   = fs.Int("faults-until", d.Faults.StopAt, "tick at which random faults stop (then every request must complete)")
		noFaults = fs.Bool("no-faults", false, "turn every random fault off")
		capacity = fs.Int("capacity", d.Capacity, "messages a replica handles per tick (0: no limit); the rest wait, so load shows in latency")
		maxTicks = fs.Int("max-ticks", d.MaxTicks, "give up (and fail) if the run has not completed by this tick")
		bugs     = addBugFlag(fs)
		policy   = fs.String("policy", "default", "how replicas make the choices the paper leaves open: default or alt (the other permitted choices)")
		batch    = addBatchFlags(fs)
		reconfig = addReconfigFlag(fs)
	)
	return func() (sim.Scenario, error) {
		sc := sim.Default()
		if *file != "" {
			var err error
			if sc, err = sim.Load(*file); err != nil {
				return sc, err
			}
		}
		apply := func(name string, fn func()) {
			if fs.Changed(name) || *file == "" {
				fn()
			}
		}
		apply("seed", func() { sc.Seed = *seed })
		apply("f", func() { sc.F = *f })
		apply("clients", func() { sc.Clients = *clients })
		apply("requests", func() { sc.Requests = *requests })
		apply("client-timeout", func() { sc.ClientTimeout = *ct })
		apply("replica-timeout", func() { sc.ReplicaTimeout = *rt })
		apply("keys", func() { sc.Workload.Keys = *keys })
		apply("drop", func() { sc.Faults.Drop = *drop })
		apply("duplicate", func() { sc.Faults.Duplicate = *dup })
		apply("min-delay", func() { sc.Faults.MinDelay = *minDelay })
		apply("max-delay", func() { sc.Faults.MaxDelay = *maxDelay })
		apply("crash", func() { sc.Faults.Crash = *crash })
		apply("restart-after", func() { sc.Faults.RestartAfter = *restart })
		apply("partition", func() { sc.Faults.Partition = *part })
		apply("partition-length", func() { sc.Faults.PartitionLength = *partLen })
		apply("faults-until", func() { sc.Faults.StopAt = *stopAt })
		apply("capacity", func() { sc.Capacity = *capacity })
		apply("max-ticks", func() { sc.MaxTicks = *maxTicks })
		apply("policy", func() { sc.Policy = *policy })
		apply("batch", func() { sc.Batch = batch.size })
		apply("batch-wait", func() { sc.BatchWait = batch.wait })
		apply("checkpoint-every", func() { sc.CheckpointEvery = batch.checkpointEvery })
		apply("reads", func() { sc.Reads = batch.reads })
		apply("lease", func() { sc.Lease = batch.lease })
		apply("drift", func() { sc.Drift = batch.drift })
		if fs.Changed("bug") || (*file == "" && *bugs != "") {
			var err error
			if sc.Bugs, err = bugList(*bugs); err != nil {
				return sc, err
			}
		}
		if *noFaults {
			sc.Faults = sim.NoFaults(sc.Faults)
		}
		if *reconfig {
			sim.RandomReconfig(&sc)
		}
		if err := sc.Validate(); err != nil {
			return sc, fmt.Errorf("scenario: %w", err)
		}
		return sc, nil
	}
}
