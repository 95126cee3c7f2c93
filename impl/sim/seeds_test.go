package sim

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// swarm gives seed its own fault mix, as the explorer does, so that many seeds reach rare
// combinations.
func swarm(seed int64) Scenario {
	sc := Default()
	sc.Seed = seed
	sc.Clients = 3
	sc.Requests = 8
	sc.Faults.Drop = []float64{0, 0.02, 0.1}[seed%3]
	sc.Faults.Duplicate = []float64{0, 0.05}[seed%2]
	sc.Faults.Crash = []float64{0, 0.01, 0.03}[(seed/3)%3]
	sc.Faults.Partition = []float64{0, 0.01}[(seed/9)%2]
	sc.Faults.MaxDelay = 1 + int(seed%4)
	if seed%4 == 3 { // a quarter of the seeds batch (§6.1), B = 2..4
		sc.Batch, sc.BatchWait = 2+int(seed/4%3), int(seed/12%3)
	}
	if seed%4 == 1 { // a quarter reconfigure (§7): f = 1 or 2, grow, shrink or replace one
		sc.F = 1 + int(seed/4%2)
		RandomReconfig(&sc)
		sc.Requests = 12 // clients still busy when the group moves
	}
	if seed%5 == 2 && len(sc.Reconfigure) == 0 { // a fifth take checkpoints (§5.1), K = 2..4 (not with reconfiguration yet)
		sc.CheckpointEvery = 2 + int(seed/5%3)
	}
	if seed%3 == 0 && len(sc.Reconfigure) == 0 { // a third read at backups (§6.2; not with reconfiguration yet)
		sc.Reads = "backup"
	}
	return sc
}

func TestManySeedsCommittedPrefixesAgree(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 50
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		sc := swarm(seed)
		s, err := newSim(sc, nil)
		require.NoError(t, err)
		res, err := s.run()
		require.NoError(t, err, "seed %d", seed)
		require.Empty(t, res.Faults, "seed %d", seed)
		require.Equal(t, res.Requests, res.Completed, "seed %d", seed)
		// Every pair of replicas agrees on the prefix both have committed.
		for i, a := range s.replicas {
			for _, b := range s.replicas[i+1:] {
				// Log() holds the entries after the checkpoint: compare where both hold them.
				k := min(a.CommitNumber(), b.CommitNumber())
				lo := max(a.CheckpointNumber(), b.CheckpointNumber())
				if k > lo {
					require.Equal(t, a.Log()[lo-a.CheckpointNumber():k-a.CheckpointNumber()], b.Log()[lo-b.CheckpointNumber():k-b.CheckpointNumber()],
						"seed %d: replicas %d and %d disagree on committed ops", seed, a.ID(), b.ID())
				}
			}
		}
	}
}

// altOnly are the actions only the alternative policy takes.
var altOnly = map[string]bool{traces.ResendStartViewChange: true, traces.ResendDoViewChange: true}

// choices counts, over seeds 1..seeds of the swarm under policy, every action and every
// choice the paper leaves open that the alternative policy makes differently.
func choices(t *testing.T, policy string, seeds int) map[string]int {
	seen := map[string]int{}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		var buf bytes.Buffer
		sc := swarm(seed)
		sc.Policy = policy
		res, err := Run(sc, &buf)
		require.NoError(t, err, "seed %d", seed)
		require.Empty(t, res.Faults, "seed %d", seed)
		rd, err := traces.NewReader(&buf, fmt.Sprint(seed))
		require.NoError(t, err)
		n := rd.Header().Replicas
		for {
			e, err := rd.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			seen[e.Action]++
			for _, m := range e.Sent {
				switch {
				case m.Epoch > 0: // the primary is config[view mod N']; a new replica asks any
				case m.Type == traces.GetState && m.To != int(m.View)%n:
					seen["GETSTATE to a backup"]++
				case m.Type == traces.NewState && m.From != int(m.View)%n:
					seen["NEWSTATE from a backup"]++
				}
			}
			// (Under batching the latest op sent may be older than the latest gathered.)
			if e.Action == traces.ResendPrepare && e.Sent[0].OpNumber < e.State.OpNumber && sc.Batch <= 1 {
				seen["ResendPrepare of an older op"]++
			}
			if e.Action == traces.ResendStartView && e.State.OpNumber > e.State.CommitNumber {
				seen["ResendStartView with uncommitted ops"]++
			}
		}
	}
	return seen
}

func TestSeedsReachEveryAction(t *testing.T) {
	seen := choices(t, "", 300)
	for a := range traces.Actions {
		if altOnly[a] {
			assert.Zero(t, seen[a], "the default policy takes %s", a)
		} else {
			assert.Positive(t, seen[a], "no trace of 300 seeds has %s", a)
		}
	}
	assert.Zero(t, seen["GETSTATE to a backup"], "the default policy asks the primary")
	assert.Zero(t, seen["ResendPrepare of an older op"], "the default policy resends the latest op")
	t.Logf("actions over 300 seeds: %v", seen)
}

// The alternative policy takes every action, and makes every choice the paper leaves open
// the other way (issue 10: the second emitter).
func TestAltPolicyMakesEveryChoice(t *testing.T) {
	seen := choices(t, "alt", 300)
	for a := range traces.Actions {
		assert.Positive(t, seen[a], "no trace of 300 seeds has %s", a)
	}
	for _, c := range []string{"GETSTATE to a backup", "NEWSTATE from a backup", "ResendPrepare of an older op",
		"ResendStartView with uncommitted ops"} {
		assert.Positive(t, seen[c], "no trace of 300 seeds has a %s", c)
	}
	t.Logf("actions and choices over 300 seeds: %v", seen)
}

func BenchmarkSimulate(b *testing.B) {
	for _, tc := range []struct {
		name  string
		trace bool
	}{{"no-trace", false}, {"trace", true}} {
		b.Run(tc.name, func(b *testing.B) {
			events := 0
			for i := 0; i < b.N; i++ {
				sc := Default()
				sc.Seed = int64(i + 1)
				sc.Requests = 200
				var w io.Writer
				if tc.trace {
					w = io.Discard
				}
				res, err := Run(sc, w)
				if err != nil {
					b.Fatal(err)
				}
				events += res.Events
			}
			b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
		})
	}
}
