package sim

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func runTrace(t *testing.T, sc Scenario) ([]byte, *Result) {
	t.Helper()
	var buf bytes.Buffer
	res, err := Run(sc, &buf)
	require.NoError(t, err)
	return buf.Bytes(), res
}

func TestDefaultRunCompletes(t *testing.T) {
	data, res := runTrace(t, Default())
	assert.Equal(t, 50, res.Completed)
	assert.Len(t, res.Latencies, 50)
	assert.Empty(t, res.Faults)
	h, es, err := traces.ReadAll(bytes.NewReader(data), "run")
	require.NoError(t, err)
	assert.Equal(t, 3, h.Replicas)
	assert.Len(t, es, res.Events)
}

func TestSameSeedSameBytes(t *testing.T) {
	a, _ := runTrace(t, Default())
	b, _ := runTrace(t, Default())
	assert.Equal(t, a, b)
	sc := Default()
	sc.Seed = 2
	c, _ := runTrace(t, sc)
	assert.NotEqual(t, a, c)
}

func TestScheduledFaults(t *testing.T) {
	sc := Default()
	sc.Faults = NoFaults(sc.Faults)
	zero := 0
	sc.Schedule = []Fault{
		{At: 5, Crash: &zero},
		{At: 40, Restart: &zero},
		{Partition: "{1} | {0,2}", From: 60, To: 90},
	}
	require.NoError(t, sc.Validate())
	_, res := runTrace(t, sc)
	assert.Equal(t, 50, res.Completed)
	assert.Equal(t, 1, res.Crashes)
	assert.Equal(t, 1, res.Recoveries)
	assert.GreaterOrEqual(t, res.ViewChanges, 1, "the primary crashed, so a view change must have happened")
	assert.GreaterOrEqual(t, res.Ticks, 90)
}

func TestScenarioErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown field", "seed: 1\nreplicas: 3\n", "x.yaml: line 2: field replicas not found"},
		{"wrong type", "clients: many\n", "x.yaml: line 1: cannot unmarshal !!str `many` into int"},
		{"bad partition", "schedule:\n  - partition: \"0 | 1\"\n    from: 1\n    to: 2\n", `schedule[0]: partition "0 | 1"`},
		{"bad replica", "schedule:\n  - at: 3\n    crash: 9\n", "schedule[0]: crash replica 9: replicas are 0..2"},
		{"two kinds", "schedule:\n  - at: 3\n    crash: 0\n    restart: 1\n", "give exactly one of"},
		{"bad probability", "faults:\n  drop: 2\n", "faults.drop = 2"},
		{"syntax", "seed: [\n", "x.yaml: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "x.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	sc, err := Parse([]byte(""), "empty.yaml")
	require.NoError(t, err)
	assert.Equal(t, Default().Clients, sc.Clients)
}

func TestScenarioFile(t *testing.T) {
	sc, err := Parse([]byte(`
seed: 9
clients: 2
requests: 3
faults:
  drop: 0
  crash: 0
  partition: 0
schedule:
  - at: 10
    crash: 1
  - partition: "{0} -> {1,2}"
    from: 20
    to: 40
`), "s.yaml")
	require.NoError(t, err)
	assert.Equal(t, int64(9), sc.Seed)
	assert.Equal(t, [][2]int{{0, 1}, {0, 2}}, sc.Schedule[1].cut)
	_, res := runTrace(t, sc)
	assert.Equal(t, 6, res.Completed)
}

// A view change takes three message delays; with a replica timeout shorter than that, only the
// view-change back-off lets one complete.
func TestViewChangeSlowerThanTimeoutCompletes(t *testing.T) {
	sc := Default()
	sc.F, sc.Clients, sc.Requests, sc.ReplicaTimeout = 2, 2, 3, 2
	sc.Faults = NoFaults(sc.Faults)
	sc.Faults.MinDelay, sc.Faults.MaxDelay = 3, 3
	sc.MaxTicks = 5000
	_, res := runTrace(t, sc)
	assert.Equal(t, 6, res.Completed)
}

// With a processing capacity per replica, the primary is a bottleneck: more clients, longer
// latency.
func TestCapacityMakesLoadVisible(t *testing.T) {
	p50 := func(clients, capacity int) int {
		sc := Default()
		sc.Faults = NoFaults(sc.Faults)
		sc.Clients, sc.Requests, sc.Capacity = clients, 10, capacity
		_, res := runTrace(t, sc)
		require.Equal(t, clients*10, res.Completed)
		return res.Latency(50)
	}
	assert.Greater(t, p50(30, 8), 2*p50(1, 8))
	assert.Greater(t, p50(30, 8), p50(30, 0))
}
