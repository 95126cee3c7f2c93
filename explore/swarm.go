// Package explore is swarm testing for vrcheck: every seed draws its own fault mix and
// workload, runs the simulator, and checks the trace with the checker. A failing seed is shrunk
// to a smaller scenario that fails the same check, and written out with the command that
// reproduces it.
package explore

import (
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// swarmStream separates the PRNG that draws a seed's scenario from the simulator's own (which
// is seeded from the same seed).
const swarmStream = 0x7377617270

// Swarm returns the scenario of seed with the given bug switches on. Each fault class is on or
// off by a coin flip and, when on, gets a rate drawn from a wide range; so are the timeouts,
// the cluster size and the workload. Swarm testing (Groce et al., ISSTA 2012) reaches rare
// combinations that one fixed mix would not: a fault class that is always on can mask the
// others (a high drop rate hides a view-change bug behind timeouts). The same seed always gives
// the same scenario.
func Swarm(seed int64, bugs []string) sim.Scenario {
	r := rand.New(rand.NewPCG(uint64(seed), swarmStream))
	pick := func(xs ...float64) float64 { return xs[r.IntN(len(xs))] }
	between := func(lo, hi int) int { return lo + r.IntN(hi-lo+1) }
	coin := func(p float64) bool { return r.Float64() < p }

	sc := sim.Default()
	sc.Seed = seed
	sc.F = 1
	if coin(0.25) {
		sc.F = 2
	}
	sc.Clients = between(1, 5)
	sc.Requests = between(1, 12)
	minDelay := between(1, 3)
	sc.ClientTimeout = between(4, 30)
	// A view change takes three message delays (STARTVIEWCHANGE, DOVIEWCHANGE, STARTVIEW) and
	// impl/vr does not back off: a replica timeout of 4 ticks with 3-tick delays livelocks in
	// view changes forever, even after the faults stop. A shorter timeout than 2*minDelay+1 is
	// a misconfigured cluster, not a protocol failure.
	sc.ReplicaTimeout = between(2*minDelay+1, 15)
	sc.Workload = sim.Workload{Keys: between(1, 3), Get: r.IntN(4), Put: r.IntN(4), Append: r.IntN(4)}
	if sc.Workload.Get+sc.Workload.Put+sc.Workload.Append == 0 {
		sc.Workload.Append = 1
	}

	f := sim.Faults{MinDelay: minDelay, RestartAfter: between(3, 40), PartitionLength: between(5, 80)}
	f.MaxDelay = f.MinDelay
	if coin(0.5) {
		f.Drop = pick(0.01, 0.03, 0.1, 0.2, 0.35)
	}
	if coin(0.5) {
		f.Duplicate = pick(0.01, 0.05, 0.2, 0.4)
	}
	if coin(0.5) { // a delay spread reorders messages
		f.MaxDelay = f.MinDelay + between(1, 12)
	}
	if coin(0.5) {
		f.Crash = pick(0.005, 0.02, 0.05, 0.1)
	}
	if coin(0.5) {
		f.Partition = pick(0.005, 0.02, 0.05)
	}
	f.StopAt = between(50, 600)
	sc.Faults = f
	sc.Schedule = []sim.Fault{}
	if coin(0.35) {
		sc.Schedule = primaryChase(r, 2*sc.F+1, sc.ReplicaTimeout)
	}
	// After the faults the network is reliable, so a correct cluster finishes quickly; a run
	// that has not by then is stuck (a liveness failure), and a short bound keeps its trace short.
	sc.MaxTicks = QuietAt(sc) + LivenessMargin
	sc.Bugs = append([]string{}, bugs...)
	for _, b := range bugs { // a batch- switch needs batching (§6.1): B = 2..4
		if strings.HasPrefix(b, "batch-") {
			sc.Batch, sc.BatchWait = 2+int(seed%3), int(seed/3%3)
		}
		// A checkpoint- or gc- switch needs checkpoints (§5.1): K = 2..6, so that runs of a
		// few dozen ops take several.
		if strings.HasPrefix(b, "checkpoint-") || strings.HasPrefix(b, "gc-") {
			sc.CheckpointEvery = 2 + int(seed/9%5)
		}
		// A backup-read- switch needs reads at backups (§6.2), and gets to read with.
		if strings.HasPrefix(b, "backup-read-") {
			sc.Reads = "backup"
			sc.Workload.Get = max(sc.Workload.Get, 1)
		}
		// A lease- switch needs reads under leases (§6.2); Options.scenario draws L and ρ.
		if strings.HasPrefix(b, "lease-") {
			sc.Reads = vr.ReadsLease
		}
	}
	return sc
}

// LivenessMargin is the time a swarm scenario allows, after its last fault, to complete every
// request. A correct cluster needs a few dozen ticks.
const LivenessMargin = 2000

// QuietAt is the tick after which sc injects no more faults: the end of its random faults
// and of its schedule.
func QuietAt(sc sim.Scenario) int {
	t := sc.Faults.StopAt
	for _, f := range sc.Schedule {
		t = max(t, f.At, f.To)
	}
	return t
}

// primaryChase is a storm of view changes: partitions that cut off replica i, then i+1, ...,
// each long enough for the others to time out and start a view change. The primary of view v
// is v mod N, so, starting from replica 0, each cut tends to hit the primary of the view the
// last one started, and view changes follow one another while logs differ: the setting in which
// the view-change, state-transfer and log-selection rules matter. A cut is symmetric or one-way
// in either direction (a primary that can send but not hear, or hear but not send).
func primaryChase(r *rand.Rand, n, timeout int) []sim.Fault {
	between := func(lo, hi int) int { return lo + r.IntN(hi-lo+1) }
	first := 0
	if r.IntN(2) == 0 {
		first = r.IntN(n)
	}
	var sched []sim.Fault
	t := between(5, 80)
	for j := range between(2, 6) {
		i := (first + j) % n
		var rest []string
		for k := range n {
			if k != i {
				rest = append(rest, strconv.Itoa(k))
			}
		}
		one, others := "{"+strconv.Itoa(i)+"}", "{"+strings.Join(rest, ",")+"}"
		cut := []string{one + " | " + others, one + " -> " + others, others + " -> " + one}[r.IntN(3)]
		length := between(timeout, 5*timeout)
		sched = append(sched, sim.Fault{Partition: cut, From: t, To: t + length})
		t += length + between(0, 3*timeout)
	}
	return sched
}
