package sweep

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
)

func TestParseValues(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Values
		err  string
	}{
		{in: "1,2,5", want: Values{1, 2, 5}},
		{in: "1..4", want: Values{1, 2, 3, 4}},
		{in: "1..3, 10", want: Values{1, 2, 3, 10}},
		{in: "0..0.1/0.05", want: Values{0, 0.05, 0.1}},
		{in: "0..0.3/0.1", want: Values{0, 0.1, 0.2, 0.3}},
		{in: "x", err: "not a number"},
		{in: "5..1", err: "low <= high"},
		{in: "1..5/0", err: "positive"},
		{in: "", err: "no values"},
		{in: "1..1000000", err: "too many"},
		{in: "0..1", want: Values{0, 1}},
		{in: "0..0.1", err: `range "0..0.1" counts in steps of 1, which does not reach 0.1: give a step, e.g. "0..0.1/0.02"`},
		{in: "1..2.5", err: `range "1..2.5" counts in steps of 1, which does not reach 2.5: give a step, e.g. "1..2.5/0.5"`},
		{in: "0..0.1/0.03", err: `range "0..0.1/0.03": 0.1 is not a whole number of steps of 0.03 from 0`},
		{in: "0..0.3/0.1", want: Values{0, 0.1, 0.2, 0.3}},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := ParseValues(tc.in)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestParseGrid(t *testing.T) {
	g, err := ParseGrid([]byte("base: {requests: 4, faults: {drop: 0.1}}\nclients: 1..3\nduplicate: [0, 0.1]\nseeds: 2\n"), "g.yaml")
	require.NoError(t, err)
	assert.Equal(t, 4, g.Base.Requests)
	assert.Equal(t, 0.1, g.Base.Faults.Drop)
	assert.Equal(t, sim.Default().Faults.StopAt, g.Base.Faults.StopAt, "what base leaves out keeps the default")
	assert.Equal(t, sim.Default().ClientTimeout, g.Base.ClientTimeout)
	assert.Equal(t, Values{1, 2, 3}, g.Clients)
	assert.Equal(t, 2, g.Seeds)
	pts := g.Points()
	require.Len(t, pts, 6)
	// The first axis is the outermost loop.
	assert.Equal(t, "clients=1 duplicate=0", pts[0].Label())
	assert.Equal(t, "clients=1 duplicate=0.1", pts[1].Label())
	assert.Equal(t, "clients=3 duplicate=0.1", pts[5].Label())
	assert.Equal(t, 3, pts[5].Scenario.Clients)
	assert.Equal(t, 0.1, pts[5].Scenario.Faults.Duplicate)
	assert.Equal(t, 0.1, pts[5].Scenario.Faults.Drop)
	assert.Equal(t, AxisIndex("clients"), g.XAxis())

	for _, tc := range []struct{ in, err string }{
		{"colour: red\n", "colour"},
		{"clients: [1.5]\n", "not an integer"},
		{"seeds: 0\n", "seeds = 0"},
		{"x: speed\n", "not an axis"},
		{"clients: [0]\n", "clients = 0"},
		{"drop: 1x\n", "not a number"},
	} {
		_, err := ParseGrid([]byte(tc.in), "g.yaml")
		require.Error(t, err, tc.in)
		assert.Contains(t, err.Error(), "g.yaml", tc.in)
		assert.Contains(t, err.Error(), tc.err, tc.in)
	}
}

// The default clients sweep gives way to any axis that is set, by flag or in a grid file.
func TestDefaultClientsGiveWay(t *testing.T) {
	g := Default()
	assert.Len(t, g.Clients, 50, "nothing set: clients 1..50")
	require.NoError(t, g.SetValues("drop", Values{0, 0.05, 0.1}))
	assert.Nil(t, g.Clients)
	assert.Len(t, g.Points(), 3)
	g = Default()
	require.NoError(t, g.SetValues("drop", Values{0, 0.1}))
	require.NoError(t, g.SetValues("clients", Values{1, 2}))
	assert.Len(t, g.Points(), 4, "both asked for")

	g, err := ParseGrid([]byte("drop: [0, 0.1]\n"), "g.yaml")
	require.NoError(t, err)
	assert.Len(t, g.Points(), 2)
	assert.Equal(t, 5, g.Points()[0].Scenario.Clients, "the base scenario's clients")
	g, err = ParseGrid([]byte("seeds: 2\n"), "g.yaml")
	require.NoError(t, err)
	assert.Len(t, g.Points(), 50, "a grid file without axes: the default sweep")
	require.NoError(t, g.SetValues("crash", Values{0}))
	assert.Len(t, g.Points(), 1, "a flag then replaces it")
}

func TestReplayCommand(t *testing.T) {
	g := Default()
	require.NoError(t, g.SetValues("drop", Values{0.05}))
	sc := g.Points()[0].Scenario
	sc.Seed = 7
	assert.Equal(t, "vrcheck run --seed 7 --drop 0.05 --capacity 8", Replay{}.Command(sc))
	sc.Bugs = []string{"view-wrap", "prepare-gap"}
	sc.Faults.MaxDelay = 9
	assert.Equal(t, "vrcheck run --seed 7 --drop 0.05 --max-delay 9 --capacity 8 --bug view-wrap,prepare-gap", Replay{}.Command(sc))
	// With a file, flags say only what differs from it.
	base := sc
	base.Faults.MaxDelay = 3
	assert.Equal(t, "vrcheck run --scenario 'my dir/base.yaml' --seed 7 --max-delay 9", Replay{File: "my dir/base.yaml", Base: base}.Command(sc))
	assert.False(t, NeedsFile(sc))
	sc.Workload.Get = 0
	assert.True(t, NeedsFile(sc), "no flag sets the workload's weights")
}

// small is a grid that runs quickly: 2 x 2 points, 2 seeds, few requests.
func small() Grid {
	g := Default()
	g.Base.Requests = 3
	g.Clients = Values{1, 3}
	g.Drop = Values{0, 0.05}
	g.Seeds = 2
	return g
}

func TestExecuteOrderAndDeterminism(t *testing.T) {
	g := small()
	var seen int
	pts, runs, err := Execute(&g, Options{Workers: 3, OnRun: func(*Run) { seen++ }})
	require.NoError(t, err)
	require.Len(t, pts, 4)
	require.Len(t, runs, 8)
	assert.Equal(t, 8, seen)
	for i, r := range runs {
		assert.Equal(t, i/2, r.Point, "runs are ordered by point")
		assert.Equal(t, int64(1+i%2), r.Seed, "then by seed")
		require.NotNil(t, r.Res)
		assert.Equal(t, pts[r.Point].Scenario.Clients*3, r.Res.Requests)
		assert.Len(t, r.Verdicts, len(Checks))
		assert.Equal(t, r.Res.Completed == r.Res.Requests, r.SimErr == "", r.SimErr)
	}
	// One worker gives the same runs (the wall-clock columns aside).
	_, again, err := Execute(&g, Options{Workers: 1})
	require.NoError(t, err)
	var a, b bytes.Buffer
	require.NoError(t, WriteCSV(&a, pts, stripTiming(runs), Replay{}))
	require.NoError(t, WriteCSV(&b, pts, stripTiming(again), Replay{}))
	assert.Equal(t, a.String(), b.String())
}

func stripTiming(runs []Run) []Run {
	out := make([]Run, len(runs))
	for i, r := range runs {
		r.SimMS, r.CheckMS = 0, 0
		out[i] = r
	}
	return out
}

func TestCSVRoundTrip(t *testing.T) {
	g := small()
	pts, runs, err := Execute(&g, Options{})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, pts, runs, Replay{}))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err, "every row has as many fields as the header")
	require.Len(t, recs, 1+len(runs), "a header and one row per run")
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
		assert.Equal(t, Columns()[i].Name, name)
		assert.NotEmpty(t, Columns()[i].Doc, name)
	}
	for _, c := range append([]string{"clients", "f", "drop", "seed", "checksPassed", "ticks", "latencyP50", "latencyP99", "latencyMax", "sent", "dropped", "duplicated", "viewChanges", "recoveries", "stateTransfers", "simMs", "checkMs"}, Checks...) {
		assert.Contains(t, col, c)
	}
	for i, rec := range recs[1:] {
		r := runs[i]
		p := pts[r.Point]
		assert.Equal(t, strconv.Itoa(p.Scenario.Clients), rec[col["clients"]])
		assert.Equal(t, FormatValue(p.Scenario.Faults.Drop), rec[col["drop"]])
		assert.Equal(t, strconv.FormatInt(r.Seed, 10), rec[col["seed"]])
		assert.Equal(t, strconv.Itoa(r.Res.Ticks), rec[col["ticks"]])
		assert.Equal(t, strconv.Itoa(r.P99), rec[col["latencyP99"]])
		assert.Equal(t, strconv.Itoa(r.Res.Dropped), rec[col["dropped"]])
		assert.Equal(t, strconv.FormatBool(r.ChecksPassed()), rec[col["checksPassed"]])
		for k, c := range Checks {
			assert.Contains(t, []string{checker.Pass, checker.Fail, checker.Unknown, checker.Skipped}, rec[col[c]])
			assert.Equal(t, r.Verdicts[k], rec[col[c]])
		}
		_, err := strconv.ParseFloat(rec[col["simMs"]], 64)
		assert.NoError(t, err)
	}
}

func TestFiguresAndPNGs(t *testing.T) {
	g := small()
	pts, runs, err := Execute(&g, Options{})
	require.NoError(t, err)
	sums := Summarize(pts, runs)
	figs := Figures(&g, sums, true)
	require.Len(t, figs, 5)
	lat, ticks, checks, cost, thr := figs[0], figs[1], figs[2], figs[3], figs[4]
	assert.Equal(t, "throughput.png", thr.File)
	require.Len(t, thr.Series, 2, "one throughput line per group")
	for gi, s := range thr.Series {
		for k, x := range s.X {
			var sum float64
			var n int
			for _, r := range runs {
				p := pts[r.Point]
				if p.Values[AxisIndex("clients")] == x && p.Values[AxisIndex("drop")] == []float64{0, 0.05}[gi] {
					sum += float64(r.Res.Completed) * 1000 / float64(r.Res.Ticks)
					n++
				}
			}
			assert.InDelta(t, sum/float64(n), s.Y[k], 1e-9, "%s at %v", s.Name, x)
		}
	}
	require.Len(t, cost.Series, 4, "simulate and check, per group")
	for _, s := range cost.Series {
		for _, y := range s.Y {
			assert.Positive(t, y)
		}
	}
	// x is clients; the other swept axis (drop) gives one group per value.
	assert.Equal(t, []string{"drop=0", "drop=0.05"}, lat.Groups)
	assert.Contains(t, lat.XLabel, "clients")
	require.Len(t, lat.Series, 2*3, "p50, p90, p99 per group")
	for _, s := range lat.Series {
		assert.Equal(t, []float64{1, 3}, s.X)
	}
	// drop=0.05, p99: the mean over the seeds of each run's p99.
	s := lat.Series[1*3+2]
	assert.Equal(t, "p99 drop=0.05", s.Name)
	for k, x := range []float64{1, 3} {
		var sum float64
		var n int
		for _, r := range runs {
			p := pts[r.Point]
			if p.Values[AxisIndex("clients")] == x && p.Values[AxisIndex("drop")] == 0.05 {
				sum += float64(r.P99)
				n++
			}
		}
		assert.InDelta(t, sum/float64(n), s.Y[k], 1e-9)
	}
	require.Len(t, ticks.Series, 2)
	for _, s := range ticks.Series {
		for i := range s.X {
			assert.LessOrEqual(t, s.Lo[i], s.Y[i])
			assert.GreaterOrEqual(t, s.Hi[i], s.Y[i])
		}
	}
	require.Len(t, checks.Series, 4, "passed and not passed, per group")
	var bars float64
	for _, s := range checks.Series {
		for _, y := range s.Y {
			bars += y
		}
	}
	assert.Equal(t, float64(len(runs)), bars, "passed + not passed = runs")

	dir := t.TempDir()
	files, err := Render(dir, figs)
	require.NoError(t, err)
	require.Len(t, files, 5)
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		img, err := png.Decode(bytes.NewReader(data))
		require.NoError(t, err, f)
		assert.Greater(t, img.Bounds().Dx(), 800)
	}
	var table bytes.Buffer
	require.NoError(t, WriteTable(&table, sums, true))
	assert.Contains(t, table.String(), "clients=3 drop=0.05")
	assert.Equal(t, 1+len(pts), strings.Count(strings.SplitN(table.String(), "\n\n", 2)[0], "\n"))
}

func TestFailingRunsSaved(t *testing.T) {
	g := Default()
	g.Base.Requests = 5
	g.Base.Bugs = []string{"commit-without-quorum"}
	g.Clients = Values{2, 3}
	g.Seeds = 3
	dir := t.TempDir()
	pts, runs, err := Execute(&g, Options{FailedDir: dir})
	require.NoError(t, err)
	var failing []int
	for i := range runs {
		r := &runs[i]
		if r.Failed() {
			failing = append(failing, i)
			require.NotEmpty(t, r.TraceFile)
			assert.FileExists(t, r.TraceFile)
			assert.Equal(t, filepath.Join(dir, TraceName(pts[r.Point], r.Seed)), r.TraceFile)
		} else {
			assert.Empty(t, r.TraceFile)
		}
	}
	require.GreaterOrEqual(t, len(failing), 2, "the seeded bug must be found in some runs")
	r := runs[failing[0]]
	assert.False(t, r.ChecksPassed())
	assert.NotEmpty(t, r.FirstFailure)
	require.NoError(t, Prune(runs, 1))
	assert.FileExists(t, runs[failing[0]].TraceFile, "the first failing run in grid order is kept")
	for _, i := range failing[1:] {
		assert.Empty(t, runs[i].TraceFile)
	}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 1)
}

// The README documents every CSV column.
func TestREADMEListsEveryColumn(t *testing.T) {
	data, err := os.ReadFile("README.md")
	require.NoError(t, err)
	for _, c := range Columns() {
		assert.Contains(t, string(data), "`"+c.Name+"`", "README.md does not document column %s", c.Name)
	}
}

func TestIncompleteAndUncheckedRuns(t *testing.T) {
	g := Default()
	g.Base.Requests = 5
	g.Base.MaxTicks = 6 // far too short: no run can complete
	g.Clients = Values{2}
	g.Seeds = 2
	for _, noCheck := range []bool{false, true} {
		pts, runs, err := Execute(&g, Options{NoCheck: noCheck})
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, WriteCSV(&buf, pts, runs, Replay{}))
		recs, err := csv.NewReader(&buf).ReadAll()
		require.NoError(t, err)
		col := map[string]int{}
		for i, name := range recs[0] {
			col[name] = i
		}
		for i, r := range runs {
			assert.True(t, r.Failed(), "a run that did not complete is a failure")
			assert.Less(t, r.Res.Completed, r.Res.Requests)
			rec := recs[1+i]
			assert.Contains(t, rec[col["error"]], "did not complete every request")
			// The checks judge the trace as far as it goes; not completing is reported apart.
			assert.Equal(t, strconv.FormatBool(!noCheck && r.ChecksPassed()), rec[col["checksPassed"]])
			if noCheck {
				assert.Nil(t, r.Verdicts)
				assert.Empty(t, rec[col[checker.Linearizability]], "no verdict when not checked")
				assert.Empty(t, rec[col["checkMs"]])
			} else {
				assert.Len(t, r.Verdicts, len(Checks), "an incomplete trace is still checked")
			}
		}
		figs := Figures(&g, Summarize(pts, runs), !noCheck)
		assert.Len(t, figs, map[bool]int{false: 5, true: 4}[noCheck], "no checks plot without checks")
	}
}

// A grid file's invalid values are named by file and line, as a scenario file's are.
func TestGridErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ in, err string }{
		{"clients: 1..3\nseeds: 0\n", "g.yaml:2: seeds = 0: must be 1..100000"},
		{"seeds: 2\nfirstSeed: -1\n", "g.yaml:2: firstSeed = -1: seeds must stay in 0..2^31-1"},
		{"clients: 1..3\nx: speed\n", `g.yaml:2: x = "speed": not an axis (clients, f, requests, drop, duplicate, crash, partition, batch, checkpointEvery, reads, lease)`},
		{"seeds: 1\nclients: [1.5]\n", "g.yaml:2: clients: 1.5 is not an integer"},
		{"seeds: 1\nclients: 0..2\n", "g.yaml:2: point clients=0: clients = 0: must be 1..1000"},
		{"drop: [0, 1]\n", "g.yaml:1: point drop=1: faults.drop = 1 loses every message: nothing could complete"},
		{"clients: 1..2\nbase:\n  requests: -1\n", "g.yaml:3: point clients=1: requests = -1: must be >= 0"},
		{"base:\n  faults:\n    drop: 2\n", "g.yaml:3: point clients=1: faults.drop = 2: must be a probability in [0, 1]"},
	} {
		_, err := ParseGrid([]byte(tc.in), "g.yaml")
		if assert.Error(t, err, tc.in) {
			assert.Equal(t, tc.err, err.Error(), tc.in)
		}
	}
}

// With --reconfig the CSV and the table carry each run's reconfiguration figures, and every
// row its throughput: completed requests per 1,000 ticks.
func TestReconfigAndThroughputColumns(t *testing.T) {
	g := Default()
	g.Base.Requests = 60
	g.Clients = Values{5}
	g.Seeds = 4
	pts, runs, err := Execute(&g, Options{Reconfig: true})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, pts, runs, Replay{}))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	col := map[string]int{}
	for i, name := range recs[0] {
		col[name] = i
	}
	blocked := 0
	for i, rec := range recs[1:] {
		res := runs[i].Res
		require.Len(t, res.Reconfigs, 1, "seed %d", runs[i].Seed)
		rc := res.Reconfigs[0]
		assert.Equal(t, "1", rec[col["reconfigurations"]])
		assert.Equal(t, strconv.Itoa(rc.Ready-rc.Asked), rec[col["reconfigReady"]])
		assert.Equal(t, strconv.Itoa(max(rc.Ready, rc.ShutDown)-rc.Asked), rec[col["reconfigComplete"]])
		assert.Equal(t, strconv.Itoa(rc.Blocked), rec[col["reconfigBlocked"]])
		// A reconfigured run records the epoch invariants' verdicts (a failing one fails the run).
		for _, c := range []string{"OneConfigurationPerEpoch", "NoCommitAfterReconfiguration", "LaterEpochHoldsCommitted", "ShutDownAfterNewGroupUpToDate"} {
			assert.Equal(t, "pass", rec[col[c]], "seed %d %s", runs[i].Seed, c)
		}
		tp, err := strconv.ParseFloat(rec[col["throughput"]], 64)
		require.NoError(t, err)
		assert.InDelta(t, float64(res.Completed)*1000/float64(res.Ticks), tp, 0.05)
		blocked += rc.Blocked
	}
	assert.Positive(t, blocked)
	var table bytes.Buffer
	require.NoError(t, WriteTable(&table, Summarize(pts, runs), true))
	assert.Contains(t, table.String(), "ops/1000 ticks")
	assert.Contains(t, table.String(), "requests blocked")

	figs := Figures(&g, Summarize(pts, runs), true)
	rcf := figs[len(figs)-1]
	require.Equal(t, "reconfiguration.png", rcf.File)
	require.Len(t, rcf.Series, 3)
	var ready, done float64
	for _, r := range runs {
		ready += float64(r.Res.Reconfigs[0].ToReady())
		done += float64(r.Res.Reconfigs[0].ToDone())
	}
	n := float64(len(runs))
	assert.InDelta(t, ready/n, rcf.Series[0].Y[0], 1e-9)
	assert.InDelta(t, done/n, rcf.Series[1].Y[0], 1e-9)
	assert.InDelta(t, float64(blocked)/n, rcf.Series[2].Y[0], 1e-9)
	_, err = Render(t.TempDir(), figs)
	require.NoError(t, err)
}

// A choice axis (Axis.Choices: a mode, such as a read mode) is parsed from and printed as its
// names in flags, labels, the CSV and the plots; its values index the names.
func TestChoiceAxis(t *testing.T) {
	saved := Axes
	defer func() { Axes = saved }()
	// A stand-in mode: the workload's number of keys, named.
	mode := Axis{Name: "mode", Doc: "a test mode", Label: "mode", Int: true,
		get:     func(s *sim.Scenario) float64 { return float64(s.Workload.Keys - 1) },
		set:     func(s *sim.Scenario, v float64) { s.Workload.Keys = int(v) + 1 },
		Choices: []string{"one", "two", "three"}}
	Axes = append(append([]Axis{}, saved...), mode)

	vs, err := mode.Parse("one, three")
	require.NoError(t, err)
	assert.Equal(t, Values{0, 2}, vs)
	_, err = mode.Parse("one,four")
	require.EqualError(t, err, `"four" is not one of one, two, three`)
	assert.Equal(t, "three", mode.Format(2))
	assert.Equal(t, "7", mode.Format(7), "a value outside the names prints as a number")

	g := Default()
	g.Base.Requests = 2
	require.NoError(t, g.SetValues("mode", vs))
	require.NoError(t, g.SetValues("clients", Values{1, 2}))
	pts, runs, err := Execute(&g, Options{Workers: 1, NoCheck: true})
	require.NoError(t, err)
	require.Len(t, pts, 4)
	assert.Equal(t, "clients=1 mode=three", pts[1].Label())
	assert.Equal(t, 3, pts[1].Scenario.Workload.Keys, "the axis sets the scenario")
	var buf bytes.Buffer
	require.NoError(t, WriteCSV(&buf, pts, runs, Replay{}))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, "mode", recs[0][len(saved)+1])
	assert.Equal(t, "three", recs[1+1*g.Seeds][len(saved)+1])

	g.X = "mode"
	figs := Figures(&g, Summarize(pts, runs), false)
	assert.Equal(t, []string{"one", "two", "three"}, figs[0].XNames)
	assert.Equal(t, []string{"clients=1", "clients=2"}, figs[0].Groups)
	var labels []string
	for _, tk := range nameTicks(figs[0].XNames).Ticks(0, 2) {
		labels = append(labels, tk.Label)
	}
	assert.Equal(t, []string{"one", "two", "three"}, labels)
	_, err = Render(t.TempDir(), figs)
	require.NoError(t, err)

	require.NoError(t, g.SetValues("mode", Values{3}))
	assert.ErrorContains(t, g.Validate(), "mode: 3 is not one of 0..2 (one, two, three)")
}
