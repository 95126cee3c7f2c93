package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestExampleScenarioLoads(t *testing.T) {
	sc, err := LoadScenario("../../scenarios/cluster-crash-partition.yaml")
	require.NoError(t, err)
	require.Equal(t, 3000, sc.Ops)
	require.Equal(t, Span(2*time.Minute), sc.Duration)
	require.Equal(t, []Fault{
		{Kind: FaultCrash, Replica: -1, After: 500, Length: 300},
		{Kind: FaultPartition, Replica: -1, After: 1200, Length: 300},
		{Kind: FaultCrash, Replica: 2, After: 2000, Length: 300},
	}, sc.Schedule)
	o := sc.Options()
	require.Equal(t, sc.Schedule, o.Schedule, "a schedule given is the run's schedule")
	require.Equal(t, 0.01, o.Drop)
	require.Equal(t, DefaultScenario().TickMs, sc.TickMs, "keys left out keep their defaults")
}

func TestScenarioDefaultScheduleFollowsProgress(t *testing.T) {
	sc, err := ParseScenario([]byte("ops: 5000\nfaultEvery: 1000\nfaultGrowth: 1\nfaults: [crash, partition]\n"), "x.yaml")
	require.NoError(t, err)
	require.Equal(t, []Fault{
		{Kind: FaultCrash, Replica: -1, After: 1000, Length: 500},
		{Kind: FaultPartition, Replica: -1, After: 2000, Length: 500},
		{Kind: FaultCrash, Replica: -1, After: 3000, Length: 500},
		{Kind: FaultPartition, Replica: -1, After: 4000, Length: 500},
	}, sc.Options().Schedule)
	require.Zero(t, sc.Options().Drop, "drop applies only with the drop fault")
}

// Past every/(growth-1) operations, faults are spaced in proportion to the run so far, so
// their count grows with the logarithm of the run's operations.
func TestDefaultScheduleGrows(t *testing.T) {
	var at []int
	for _, f := range DefaultSchedule([]string{FaultCrash, FaultPartition}, 2000, 40000, 1.25) {
		at = append(at, f.After)
		require.Equal(t, 1000, f.Length)
	}
	require.Equal(t, []int{2000, 4000, 6000, 8000, 10000, 12500, 15625, 19531, 24413, 30516, 38145}, at)
	require.Len(t, DefaultSchedule([]string{FaultCrash}, 2000, 0, 1.25), 56, "time-bounded: up to 2^30 operations")
	require.Len(t, DefaultSchedule([]string{FaultCrash}, 2000, 0, 1), MaxDefaultFaults)
	require.Empty(t, DefaultSchedule([]string{FaultDrop}, 2000, 0, 1.25), "loss is not scheduled")
}

func TestScenarioErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "f: 1\nclient: 4\n", "x.yaml:2: unknown key \"client\""},
		{"wrong kind", "f: 1\nclients: many\n", "x.yaml:2: clients: \"many\" is not an integer"},
		{"bad duration", "duration: 3 parsecs\n", "x.yaml:1: duration: \"3 parsecs\" is not a duration"},
		{"number as duration", "f: 1\nmaxWait: 30\n", "x.yaml:2: maxWait: \"30\" is not a duration"},
		{"out of range", "f: 1\n\nclients: 0\n", "x.yaml:3: clients = 0, want 1..1024"},
		{"bad fault kind", "faults:\n  - crash\n  - fire\n", "x.yaml:3: fault \"fire\": want crash, partition or drop"},
		{"bad schedule entry", "schedule:\n  - {kind: crash, after: 10, length: 5}\n  - {kind: flood, after: 20, length: 5}\n", "x.yaml:3: schedule[1]: kind \"flood\""},
		{"replica out of range", "f: 1\nschedule:\n  - {kind: crash, replica: 3, after: 10, length: 5}\n", "x.yaml:3: schedule[0]: replica 3, want -1 (the primary) .. 2"},
		{"out of order", "schedule:\n  - {kind: crash, after: 50, length: 5}\n  - {kind: crash, after: 10, length: 5}\n", "x.yaml:3: schedule[1]: after 10 comes before"},
		{"partition without proxy", "proxy: false\nfaults: [partition]\n", "x.yaml:1: partitions need the proxy"},
		{"schedule key typo", "schedule:\n  - {kind: crash, afterr: 10, length: 5}\n", "x.yaml:2: unknown key \"afterr\" in schedule[0]"},
		{"syntax", "f: [1\n", "x.yaml:"},
		{"growth below 1", "faultGrowth: 0.5\n", "x.yaml:1: faultGrowth = 0.5, want 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(tc.yaml), "x.yaml")
			require.Error(t, err)
			require.Contains(t, err.Error(), tc.want)
		})
	}
}
