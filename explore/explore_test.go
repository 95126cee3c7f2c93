package explore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// bugBound is the number of seeds within which every bug switch must be found: the bound the
// CI's `vrcheck explore --all-bugs --seeds 200` uses. The slowest switch needs about 30.
const bugBound = 200

func TestSwarmIsDeterministicAndValid(t *testing.T) {
	on := map[string]int{}
	for seed := int64(0); seed < 300; seed++ {
		sc := Swarm(seed, []string{"view-wrap"})
		require.Equal(t, sc, Swarm(seed, []string{"view-wrap"}), "seed %d", seed)
		require.NoError(t, sc.Validate(), "seed %d", seed)
		require.Equal(t, seed, sc.Seed)
		require.Equal(t, []string{"view-wrap"}, sc.Bugs)
		f := sc.Faults
		for name, yes := range map[string]bool{
			"drop": f.Drop > 0, "duplicate": f.Duplicate > 0, "reorder": f.MaxDelay > f.MinDelay,
			"crash": f.Crash > 0, "partition": f.Partition > 0, "f=2": sc.F == 2, "1 client": sc.Clients == 1,
			"primary chase": len(sc.Schedule) > 0,
		} {
			if yes {
				on[name]++
			}
		}
	}
	// Swarm testing: each fault class is on in some seeds and off in others.
	for _, name := range []string{"drop", "duplicate", "reorder", "crash", "partition", "f=2", "1 client", "primary chase"} {
		assert.Greater(t, on[name], 30, "%s on in too few seeds", name)
		assert.Less(t, on[name], 270, "%s on in too many seeds", name)
	}
	assert.NotEqual(t, Swarm(1, nil), Swarm(2, nil))
}

func TestSameSeedSameTrace(t *testing.T) {
	var a, b Runner
	for _, seed := range []int64{1, 7, 42} {
		x, err := a.Run(Swarm(seed, nil), true)
		require.NoError(t, err)
		y, err := b.Run(Swarm(seed, nil), true)
		require.NoError(t, err)
		require.True(t, bytes.Equal(x.Trace, y.Trace), "seed %d: two runs differ", seed)
		require.Nil(t, x.Failure, "seed %d", seed)
		require.Positive(t, x.Events)
	}
}

func TestClassify(t *testing.T) {
	pass := func(c string) checker.Verdict { return checker.Verdict{Check: c, Status: checker.Pass} }
	fail := func(c string, line int, action string) checker.Verdict {
		return checker.Verdict{Check: c, Status: checker.Fail, Line: line, Action: action, Message: c + " failed", Violations: 1}
	}
	noQ := fmt.Errorf("seed 1: %w", sim.ErrNoQuiescence)
	tests := []struct {
		name        string
		verdicts    []checker.Verdict
		faults      []string
		err         error
		want        *Failure
		ignoreSteps bool
	}{
		{"all pass", []checker.Verdict{pass(checker.StepValidation), pass(checker.Linearizability)}, nil, nil, nil, false},
		{"earliest line wins",
			[]checker.Verdict{fail(checker.StepValidation, 50, "ReceivePrepare"), fail(checker.NoLogDivergence, 40, "ReceiveStartView"), fail(checker.Linearizability, 0, "")},
			nil, nil, &Failure{Kind: Safety, Check: checker.NoLogDivergence, Line: 40, Action: "ReceiveStartView", Message: "NoLogDivergence failed"}, false},
		{"same line: report order",
			[]checker.Verdict{fail(checker.StepValidation, 40, "ReceivePrepare"), fail(checker.NoLogDivergence, 40, "ReceivePrepare")},
			nil, nil, &Failure{Kind: Safety, Check: checker.StepValidation, Line: 40, Action: "ReceivePrepare", Message: "StepValidation failed"}, false},
		{"linearizability alone",
			[]checker.Verdict{pass(checker.StepValidation), fail(checker.Linearizability, 0, "")},
			nil, noQ, &Failure{Kind: Safety, Check: checker.Linearizability, Message: "Linearizability failed"}, false},
		{"undecided linearizability is a failure of its own kind",
			[]checker.Verdict{pass(checker.StepValidation), {Check: checker.Linearizability, Status: checker.Unknown, Message: "timeout"}},
			nil, nil, &Failure{Kind: Undecided, Check: checker.Linearizability, Message: "timeout"}, false},
		{"assertion before liveness",
			[]checker.Verdict{pass(checker.StepValidation)}, []string{"tick 3, replica 1: boom"}, noQ,
			&Failure{Kind: Assertion, Check: ReplicaAssertion, Message: "tick 3, replica 1: boom"}, false},
		{"step validation ignored",
			[]checker.Verdict{fail(checker.StepValidation, 5, "ReceivePrepare"), fail(checker.NoLogDivergence, 40, "ReceiveStartView")}, nil, nil,
			&Failure{Kind: Safety, Check: checker.NoLogDivergence, Line: 40, Action: "ReceiveStartView", Message: "NoLogDivergence failed"}, true},
		{"only step validation, ignored",
			[]checker.Verdict{fail(checker.StepValidation, 5, "ReceivePrepare"), pass(checker.NoLogDivergence)}, nil, nil, nil, true},
		{"liveness",
			[]checker.Verdict{pass(checker.StepValidation)}, nil, noQ,
			&Failure{Kind: Liveness, Check: NoQuiescence, Message: noQ.Error()}, false},
		{"safety before liveness",
			[]checker.Verdict{fail(checker.OnePrimaryPerView, 9, "ReceiveDoViewChange")}, nil, noQ,
			&Failure{Kind: Safety, Check: checker.OnePrimaryPerView, Line: 9, Action: "ReceiveDoViewChange", Message: "OnePrimaryPerView failed"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := classify(&sim.Result{Faults: tc.faults}, &checker.Report{Verdicts: tc.verdicts}, tc.err, tc.ignoreSteps)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLivenessFailureOfTheCorrectImplementation(t *testing.T) {
	sc := sim.Default()
	sc.MaxTicks = 5 // too short to finish: the run does not complete, and that is a failure
	var rn Runner
	out, err := rn.Run(sc, false)
	require.NoError(t, err)
	require.NotNil(t, out.Failure)
	assert.Equal(t, Liveness, out.Failure.Kind)
	assert.Equal(t, NoQuiescence, out.Failure.Check)
	assert.True(t, out.Report.OK(), "the trace itself is safe")
}

func TestExploreErrors(t *testing.T) {
	_, err := Explore(Options{Seeds: 1, Bugs: []string{"no-such-bug"}})
	assert.ErrorContains(t, err, "no-such-bug")
	_, err = Explore(Options{FirstSeed: 1 << 31, Seeds: 1})
	assert.ErrorContains(t, err, "2^31")
	// An invalid scenario is an error of the run, not a failure of the protocol.
	_, err = (&Runner{}).Run(sim.Scenario{}, false)
	assert.Error(t, err)
}

// The result must not depend on the number of workers: the lowest failing seed, and the
// seeds the verdict covers.
func TestExploreIsDeterministicAcrossWorkers(t *testing.T) {
	for _, keepGoing := range []bool{false, true} {
		var want *Result
		for _, workers := range []int{1, 2, 5} {
			res, err := Explore(Options{FirstSeed: 1, Seeds: 40, Bugs: []string{"recovering-participates"}, Workers: workers, KeepGoing: keepGoing})
			require.NoError(t, err)
			require.NotEmpty(t, res.Failures)
			if want == nil {
				want = res
				continue
			}
			assert.Equal(t, want, res, "keep-going %v, %d workers", keepGoing, workers)
		}
		if keepGoing {
			assert.Equal(t, 40, want.Seeds)
		} else {
			require.Len(t, want.Failures, 1)
			assert.Equal(t, int(want.Failures[0].Seed), want.Seeds, "seeds 1..first failure")
		}
	}
}

// Every bug of the catalog is found within bugBound seeds, and its shrunk trace fails the same
// check and is no longer than the trace as found.
func TestEveryBugIsFound(t *testing.T) {
	dir := t.TempDir()
	for _, b := range vr.BugCatalog {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			runs := 0
			if testing.Short() {
				runs = 40
			}
			h, err := HuntOptions{Options: Options{FirstSeed: 1, Seeds: bugBound, Bugs: []string{b.Name}, Workers: 1},
				Dir: dir, Prefix: b.Name + "-", ShrinkRuns: runs}.Run()
			require.NoError(t, err)
			require.NotNil(t, h.First, "%s not found in %d seeds", b.Name, bugBound)
			f := h.First
			assert.Equal(t, h.Run, int(f.Seed), "seeds until the first detection")
			assert.True(t, f.Failure.same(&f.Shrunk), "shrunk: %s, found: %s", f.Shrunk.Describe(), f.Failure.Describe())
			assert.LessOrEqual(t, f.ShrunkEvents, f.Events)
			require.NotNil(t, f.Saved)
			// The saved trace is the shrunk one, and checking it gives the same failure.
			data, err := os.ReadFile(f.Saved.Trace)
			require.NoError(t, err)
			rep, err := checker.Check(bytes.NewReader(data), f.Saved.Trace, checker.Options{})
			require.NoError(t, err)
			v, ok := rep.Verdict(f.Shrunk.Check)
			require.True(t, ok)
			assert.Equal(t, checker.Fail, v.Status)
			assert.Equal(t, f.Shrunk.Line, v.Line)
			assert.Equal(t, f.ShrunkEvents, rep.Events)
		})
	}
}

func TestCorrectImplementationRunsClean(t *testing.T) {
	seeds := 1000
	if testing.Short() {
		seeds = 100
	}
	res, err := Explore(Options{FirstSeed: 1, Seeds: seeds, KeepGoing: true})
	require.NoError(t, err)
	for _, f := range res.Failures {
		t.Errorf("seed %d: %s: %s", f.Seed, f.Failure.Describe(), f.Failure.Message)
	}
	assert.Equal(t, seeds, res.Seeds)
}

func TestShrinkMakesTheScenarioSmaller(t *testing.T) {
	// no-client-table is found at seed 1 with a long trace; the defect needs one resent
	// request, so shrinking must remove most of it.
	sc := Swarm(1, []string{"no-client-table"})
	var rn Runner
	out, err := rn.Run(sc, false)
	require.NoError(t, err)
	require.NotNil(t, out.Failure)
	s, err := Shrink(&rn, sc, out.Failure, 0)
	require.NoError(t, err)
	assert.NotEmpty(t, s.Steps)
	assert.Less(t, s.Best.Events, s.Original.Events/4)
	assert.True(t, out.Failure.same(s.Best.Failure))
	b := s.Best.Scenario
	assert.LessOrEqual(t, b.Clients, sc.Clients)
	assert.LessOrEqual(t, b.Requests, sc.Requests)
	assert.LessOrEqual(t, b.F, sc.F)
	assert.LessOrEqual(t, b.Faults.StopAt, sc.Faults.StopAt)
	assert.Equal(t, sc.Seed, b.Seed)
	assert.Equal(t, sc.Bugs, b.Bugs)
	// The kept trace is the best run's.
	again, err := rn.Run(b, true)
	require.NoError(t, err)
	assert.Equal(t, again.Trace, s.Best.Trace)

	// A scenario that does not fail is refused.
	_, err = Shrink(&rn, Swarm(1, nil), out.Failure, 0)
	assert.ErrorContains(t, err, "does not fail")
}

func TestCandidatesAreStrictlySmaller(t *testing.T) {
	scheduled := 0
	for seed := int64(0); seed < 100; seed++ {
		sc := Swarm(seed, nil)
		if len(sc.Schedule) > 0 {
			scheduled++
		}
		for _, c := range candidates(sc) {
			require.NoError(t, c.sc.Validate(), "seed %d: %s", seed, c.what)
			d, s := c.sc, sc
			smaller := d.F < s.F || d.Clients < s.Clients || d.Requests < s.Requests ||
				d.Faults.Drop < s.Faults.Drop || d.Faults.Duplicate < s.Faults.Duplicate ||
				d.Faults.Crash < s.Faults.Crash || d.Faults.Partition < s.Faults.Partition ||
				d.Faults.MaxDelay < s.Faults.MaxDelay || d.Faults.StopAt < s.Faults.StopAt ||
				len(d.Schedule) < len(s.Schedule)
			larger := d.F > s.F || d.Clients > s.Clients || d.Requests > s.Requests ||
				d.Faults.Drop > s.Faults.Drop || d.Faults.Duplicate > s.Faults.Duplicate ||
				d.Faults.Crash > s.Faults.Crash || d.Faults.Partition > s.Faults.Partition ||
				d.Faults.MaxDelay > s.Faults.MaxDelay || d.Faults.StopAt > s.Faults.StopAt ||
				len(d.Schedule) > len(s.Schedule)
			assert.True(t, smaller && !larger, "seed %d: %s", seed, c.what)
			assert.Equal(t, s.MaxTicks-QuietAt(s), d.MaxTicks-QuietAt(d), "seed %d: %s: time after the faults", seed, c.what)
		}
	}
	assert.Positive(t, scheduled, "some seeds chase the primary with partitions")
}

// The saved scenario, loaded the way `vrcheck --scenario` loads it, gives the saved trace byte
// for byte.
func TestSaveReproducesTheTrace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out dir")
	sc := Swarm(3, []string{"prepare-gap"})
	sc.Faults.Drop = 0.1 / 3 // a float with no short decimal form
	var rn Runner
	out, err := rn.Run(sc, true)
	require.NoError(t, err)
	saved, err := Save(dir, "seed-3", out, []string{"a note"})
	require.NoError(t, err)
	assert.Equal(t, "vrcheck run --scenario '"+saved.Scenario+"' --out '"+saved.Trace+"'", saved.Command)

	loaded, err := sim.Load(saved.Scenario)
	require.NoError(t, err)
	assert.Equal(t, out.Scenario, loaded)
	var buf bytes.Buffer
	_, err = sim.Run(loaded, &buf)
	if err != nil {
		require.True(t, errors.Is(err, sim.ErrNoQuiescence), "%v", err)
	}
	onDisk, err := os.ReadFile(saved.Trace)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(onDisk, buf.Bytes()), "the reloaded scenario gives another trace")
	y, err := os.ReadFile(saved.Scenario)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(y), "# a note\n# reproduce: vrcheck run"))

	_, err = Save(dir, "x", &Outcome{}, nil)
	assert.ErrorContains(t, err, "not kept")
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"vrcheck-explore/seed-1.yaml": "vrcheck-explore/seed-1.yaml",
		"a b":                         "'a b'",
		"it's":                        `'it'\''s'`,
		"":                            "''",
	} {
		assert.Equal(t, want, checker.ShellQuote(in), in)
	}
}

func TestReportText(t *testing.T) {
	live := Failure{Kind: Liveness, Check: NoQuiescence, Message: "seed 9: run did not complete every request within 2100 ticks (3 of 4 completed)"}
	h := &Hunt{FirstSeed: 1, Seeds: 20, Run: 9, Bugs: []string{}, Failures: []Found{{Seed: 9, Failure: live, Events: 5000}},
		First: &First{Seed: 9, Failure: live, Events: 5000, Shrunk: live, ShrunkEvents: 4000, ShrinkRuns: 3, Steps: []string{"clients 2 -> 1"},
			Saved: &Saved{Trace: "d/seed-9.ndjson", Scenario: "d/seed-9.yaml", Command: ReproCommand("d/seed-9.yaml", "d/seed-9.ndjson")}}}
	var b strings.Builder
	require.NoError(t, h.WriteText(&b))
	assert.Equal(t, `FAIL: seeds 1..20, bug switches none (the correct implementation): seed 9 fails (the first failure, after 9 seeds)

seed 9: liveness failure (the run did not complete every request)
  as found    liveness: NoQuiescence, 5000 events: seed 9: run did not complete every request within 2100 ticks (3 of 4 completed)
  shrunk      liveness: NoQuiescence, 4000 events (3 runs: clients 2 -> 1)
              seed 9: run did not complete every request within 2100 ticks (3 of 4 completed)
  trace       d/seed-9.ndjson
  scenario    d/seed-9.yaml
  reproduce   vrcheck run --scenario d/seed-9.yaml --out d/seed-9.ndjson
  check       vrcheck check d/seed-9.ndjson
  found by    vrcheck explore --first-seed 9 --seeds 1
`, b.String())

	a := &AllBugs{FirstSeed: 1, Seeds: 20, Bugs: []BugHunt{
		{Bug: "a-bug", Found: false, Hunt: &Hunt{FirstSeed: 1, Seeds: 20, Run: 20}},
		{Bug: "b-bug", Found: true, Hunt: &Hunt{FirstSeed: 1, Seeds: 20, Run: 3, First: &First{Seed: 3, Events: 100, ShrunkEvents: 10,
			Shrunk: Failure{Kind: Safety, Check: checker.StepValidation, Action: "ReceivePrepare", Line: 10}, Also: []string{checker.NoLogDivergence}}}},
	}, Correct: h}
	b.Reset()
	require.NoError(t, a.WriteTable(&b))
	assert.Equal(t, `bug switch  found  by check                         seeds  events  shrunk  also fails (as found)
a-bug       NO     -                                >20    -       -       -
b-bug       yes    StepValidation (ReceivePrepare)  3      100     10      NoLogDivergence

1 of 2 bug switches found within seeds 1..20 (seeds: until the first detection; events: of that trace, then after shrinking)
correct implementation: 8 of 9 seeds clean; FAILS first at seed 9: liveness: NoQuiescence
  reproduce: vrcheck run --scenario d/seed-9.yaml --out d/seed-9.ndjson
`, b.String())
	assert.False(t, a.OK())
}

func TestShrinkKeepsALivenessFailure(t *testing.T) {
	sc := sim.Default()
	sc.Seed = 5
	sc.MaxTicks = 60 // too short for 50 requests: a liveness failure of the correct implementation
	var rn Runner
	out, err := rn.Run(sc, false)
	require.NoError(t, err)
	require.NotNil(t, out.Failure)
	require.Equal(t, Liveness, out.Failure.Kind)
	s, err := Shrink(&rn, sc, out.Failure, 40)
	require.NoError(t, err)
	assert.Equal(t, Liveness, s.Best.Failure.Kind)
	assert.LessOrEqual(t, s.Best.Events, s.Original.Events)
	assert.LessOrEqual(t, s.Runs, 40)
	assert.NotContains(t, strings.Join(s.Steps, ","), "right after the violation", "only a safety violation is cut")
}

// TestCheckpointSeedsThatBrokeTheBound: the seeds whose correct runs the first compaction
// bound failed (seed 115 with K = 5: a superseded primary's uncommitted suffix; seeds 200
// with K = 1 and 276 with K = 2: one COMMIT committing more than the bound at a backup)
// run clean with the bound restated (checker/checkpoint.go).
func TestCheckpointSeedsThatBrokeTheBound(t *testing.T) {
	for _, tc := range []struct {
		seed int64
		k    int
	}{{115, 5}, {200, 1}, {276, 2}} {
		res, err := Explore(Options{FirstSeed: tc.seed, Seeds: 1, CheckpointEvery: tc.k, Workers: 1})
		require.NoError(t, err)
		require.Empty(t, res.Failures, "seed %d, K = %d", tc.seed, tc.k)
	}
}
