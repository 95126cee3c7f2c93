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
		b := trace(t, scenario(seed))
		name := fmt.Sprintf("seed-%d", seed)
		rep, err := checker.Check(bytes.NewReader(b), name, checker.Options{})
		require.NoError(t, err)
		if !rep.OK() {
			var sb strings.Builder
			_ = rep.WriteText(&sb)
			t.Fatalf("seed %d:\n%s", seed, sb.String())
		}
	}
}
