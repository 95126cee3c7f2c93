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
				k := min(a.CommitNumber(), b.CommitNumber())
				require.Equal(t, a.Log()[:k], b.Log()[:k], "seed %d: replicas %d and %d disagree on committed ops", seed, a.ID(), b.ID())
			}
		}
	}
}

func TestSeedsReachEveryAction(t *testing.T) {
	seen := map[string]int{}
	for seed := int64(1); seed <= 300; seed++ {
		var buf bytes.Buffer
		_, err := Run(swarm(seed), &buf)
		require.NoError(t, err)
		rd, err := traces.NewReader(&buf, fmt.Sprint(seed))
		require.NoError(t, err)
		for {
			e, err := rd.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			seen[e.Action]++
		}
	}
	for a := range traces.Actions {
		assert.Positive(t, seen[a], "no trace of 300 seeds has %s", a)
	}
	t.Logf("actions over 300 seeds: %v", seen)
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
