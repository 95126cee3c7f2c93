// Package e2e checks traces of the Go implementation (impl/sim) with the checker: the only
// place where both meet, since checker/ never imports impl/.
package e2e

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
)

// scenario gives each seed its own fault mix so that many seeds reach rare combinations.
func scenario(seed int64) sim.Scenario {
	sc := sim.Default()
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

func trace(t testing.TB, sc sim.Scenario) []byte {
	var buf bytes.Buffer
	_, err := sim.Run(sc, &buf)
	require.NoError(t, err, "seed %d", sc.Seed)
	return buf.Bytes()
}

func TestSimulatorTracesPass(t *testing.T) {
	seeds := 300
	if testing.Short() {
		seeds = 40
	}
	for seed := int64(1); seed <= int64(seeds); seed++ {
		for _, sc := range []sim.Scenario{scenario(seed), heavy(seed), alt(scenario(seed)), alt(heavy(seed))} {
			b := trace(t, sc)
			name := fmt.Sprintf("seed-%d-f%d-%s", seed, sc.F, sc.Policy)
			rep, err := checker.Check(bytes.NewReader(b), name, checker.Options{})
			require.NoError(t, err)
			if !rep.OK() {
				var sb strings.Builder
				_ = rep.WriteText(&sb)
				t.Fatalf("%s:\n%s", name, sb.String())
			}
		}
	}
}

// alt is sc under the alternative policy (the paper's other permitted choices).
func alt(sc sim.Scenario) sim.Scenario {
	sc.Policy = "alt"
	return sc
}

// heavy is scenario with more crashes, partitions and loss, and f = 1 or 2, so that the
// rarer seeded bugs show within a few hundred seeds.
func heavy(seed int64) sim.Scenario {
	sc := scenario(seed)
	sc.Faults.Crash = 0.03
	sc.Faults.Partition = 0.02
	sc.Faults.Drop = 0.1
	sc.F = 1 + int(seed%2)
	return sc
}

// TestBugSwitchesAreCaught runs the implementation with each seeded bug on and requires the
// checker to reject the trace of some seed (a bug may need particular faults to show).
func TestBugSwitchesAreCaught(t *testing.T) {
	for _, bug := range bugNames {
		t.Run(bug, func(t *testing.T) {
			for seed := int64(1); seed <= 400; seed++ {
				sc := heavy(seed)
				sc.Bugs = []string{bug}
				var buf bytes.Buffer
				if _, err := sim.Run(sc, &buf); err != nil && buf.Len() == 0 {
					t.Fatalf("seed %d: %v", seed, err)
				}
				rep, err := checker.Check(bytes.NewReader(buf.Bytes()), fmt.Sprintf("%s-%d", bug, seed), checker.Options{})
				require.NoError(t, err)
				if !rep.OK() {
					var failed []string
					for _, v := range rep.Verdicts {
						if v.Status != checker.Pass {
							failed = append(failed, fmt.Sprintf("%s@%d", v.Check, v.Line))
						}
					}
					t.Logf("%s: first caught at seed %d: %v", bug, seed, failed)
					return
				}
			}
			t.Fatalf("%s: no trace of seeds 1..400 was rejected", bug)
		})
	}
}

var bugNames = []string{
	"commit-regress", "commit-without-quorum", "dvc-largest-n-only", "dvc-mixed-views", "late-startview",
	"no-client-table", "prepare-gap", "recovering-participates", "recovery-without-primary",
	"reply-before-commit", "statetransfer-truncate", "view-wrap",
}
