package e2e

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
)

// longScenario is one long run with faults throughout: many view changes, crashes and state
// transfers over a long log, so the incremental invariants see long histories.
func longScenario(seed int64) sim.Scenario {
	sc := heavy(seed)
	sc.F = 2
	sc.Clients, sc.Requests = 10, 150
	sc.Faults.StopAt = 4000
	sc.MaxTicks = 200000
	return sc
}

func TestLongRunPasses(t *testing.T) {
	if testing.Short() {
		t.Skip("long run")
	}
	for _, seed := range []int64{1, 2} {
		b := trace(t, longScenario(seed))
		rep, err := checker.Check(bytes.NewReader(b), "long", checker.Options{})
		require.NoError(t, err)
		var sb strings.Builder
		require.NoError(t, rep.WriteText(&sb))
		require.True(t, rep.OK(), sb.String())
		t.Logf("seed %d: %d events, %d operations", seed, rep.Events, rep.Operations)
	}
}

// BenchmarkCheckSimulatorTrace checks a long simulator trace end to end (reading included).
func BenchmarkCheckSimulatorTrace(b *testing.B) {
	data := trace(b, longScenario(1))
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	events := 0
	for i := 0; i < b.N; i++ {
		rep, err := checker.Check(bytes.NewReader(data), "long", checker.Options{})
		if err != nil || !rep.OK() {
			b.Fatal("rejected", err)
		}
		events = rep.Events
	}
	b.ReportMetric(float64(events)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}
