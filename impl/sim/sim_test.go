package sim

import (
	"bytes"
	"fmt"
	"strings"
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

// A scenario file's errors name the file, the line and what was wrong, in the file's words.
func TestScenarioErrors(t *testing.T) {
	const keys = "seed, f, clients, requests, clientTimeout, replicaTimeout, workload, faults, schedule, capacity, maxTicks, bugs"
	tests := []struct{ name, yaml, want string }{
		{"unknown key", "seed: 1\nclinets: 3\n", `x.yaml:2: unknown key "clinets"; the keys are ` + keys},
		{"unknown nested key", "seed: 1\nfaults:\n  drop: 0.1\n  dorp: 0.2\n", `x.yaml:4: unknown key "dorp" in faults; the keys are drop, duplicate, minDelay, maxDelay, crash, restartAfter, partition, partitionLength, stopAt`},
		{"unknown key in a schedule entry", "schedule:\n  - at: 3\n    crahs: 1\n", `x.yaml:3: unknown key "crahs" in schedule[0]; the keys are at, crash, restart, partition, from, to`},
		{"wrong type", "clients: many\n", `x.yaml:1: clients: "many" is not an integer`},
		{"wrong type nested", "faults:\n  drop: lots\n", `x.yaml:2: faults.drop: "lots" is not a number`},
		{"not a list", "bugs: view-wrap\n", `x.yaml:1: bugs: want a list, not "view-wrap"`},
		{"not a mapping", "faults: 3\n", `x.yaml:1: faults: want keys (drop, duplicate, minDelay, maxDelay, crash, restartAfter, partition, partitionLength, stopAt), not "3"`},
		{"bad partition", "schedule:\n  - partition: \"0 | 1\"\n    from: 1\n    to: 2\n", `x.yaml:2: schedule[0]: partition "0 | 1": want`},
		{"bad replica", "schedule:\n  - at: 3\n    crash: 9\n", "x.yaml:2: schedule[0]: crash replica 9: replicas are 0..2"},
		{"two kinds", "schedule:\n  - at: 3\n    crash: 0\n    restart: 1\n", "x.yaml:2: schedule[0]: give exactly one of crash, restart or partition"},
		{"bad probability", "seed: 2\nfaults:\n  drop: 2\n", "x.yaml:3: faults.drop = 2: must be a probability in [0, 1]"},
		{"two problems", "clients: 0\nf: 0\n", "x.yaml:2: f = 0: must be 1..7; x.yaml:1: clients = 0: must be 1..1000"},
		{"syntax", "seed: [\n", "x.yaml:1: did not find expected node content"},
		{"restart never crashed", "faults: {crash: 0}\nschedule:\n  - {at: 10, crash: 1}\n  - {at: 20, restart: 1}\n  - {at: 30, restart: 0}\n",
			"x.yaml:5: schedule[2]: restart replica 0 at tick 30: it is not crashed then (a restart needs an earlier crash of the same replica in the schedule)"},
		{"restart before its crash", "schedule:\n  - {at: 50, crash: 1}\n  - {at: 20, restart: 1}\n",
			"x.yaml:3: schedule[1]: restart replica 1 at tick 20: it is not crashed then"},
		{"restart twice", "faults: {restartAfter: 5}\nschedule:\n  - {at: 10, crash: 1}\n  - {at: 12, restart: 1}\n  - {at: 30, restart: 1}\n",
			"x.yaml:5: schedule[2]: restart replica 1 at tick 30: it is not crashed then"},
		{"crash while down", "schedule:\n  - {at: 10, crash: 1}\n  - {at: 12, crash: 1}\n  - {at: 40, restart: 1}\n",
			"x.yaml:3: schedule[1]: crash replica 1 at tick 12: it is still down from schedule[0] (tick 10)"},
		{"more than f down", "schedule:\n  - {at: 10, crash: 0}\n  - {at: 15, crash: 2}\n  - {at: 80, restart: 0}\n",
			"x.yaml:3: schedule[1]: crash replica 2 at tick 15: replicas 0, 2 would be down at once, more than f = 1: VR can neither make progress nor recover with more than f replicas down, so the run could never complete"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "x.yaml")
			require.Error(t, err)
			assert.True(t, strings.HasPrefix(err.Error(), tt.want), "got  %s\nwant %s", err, tt.want)
			assert.NotRegexp(t, `sim\.|int64|float64|\[\]string`, err.Error(), "no Go type names")
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

// The summary's drops are split by cause, and the causes add up to the DropMessage events.
func TestDropsByCause(t *testing.T) {
	zero := 0
	for _, tc := range []struct {
		name              string
		schedule          []Fault
		drop              float64
		loss, part, crash bool
	}{
		{"loss only", nil, 0.05, true, false, false},
		{"partition only", []Fault{{Partition: "{1} | {0,2}", From: 10, To: 60}}, 0, false, true, false},
		{"crash only", []Fault{{At: 5, Crash: &zero}, {At: 40, Restart: &zero}}, 0, false, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := Default()
			sc.Faults = NoFaults(sc.Faults)
			sc.Faults.Drop = tc.drop
			sc.Schedule = tc.schedule
			require.NoError(t, sc.Validate())
			data, res := runTrace(t, sc)
			assert.Equal(t, strings.Count(string(data), `"action":"DropMessage"`), res.Dropped)
			assert.Equal(t, res.Dropped, res.DroppedLoss+res.DroppedPartition+res.DroppedCrashed)
			assert.Equal(t, tc.loss, res.DroppedLoss > 0, "lost at random: %d", res.DroppedLoss)
			assert.Equal(t, tc.part, res.DroppedPartition > 0, "by partitions: %d", res.DroppedPartition)
			assert.Equal(t, tc.crash, res.DroppedCrashed > 0, "to crashed replicas: %d", res.DroppedCrashed)
			var b strings.Builder
			res.WriteSummary(&b)
			assert.Contains(t, b.String(), fmt.Sprintf("  messages            %d sent, %d dropped (%d lost at random, %d by partitions, %d to crashed replicas), %d duplicated\n",
				res.Sent, res.Dropped, res.DroppedLoss, res.DroppedPartition, res.DroppedCrashed, res.Duplicated))
		})
	}
}
