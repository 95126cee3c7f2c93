package main

import (
	"bytes"
	"encoding/csv"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSweepCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, errs := vrcheck(t, "sweep", "--clients", "1,2", "--drop", "0,0.05", "--requests", "3", "--seeds", "2", "--out", dir)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, stdout, "4 points x 2 seeds = 8 runs")
	assert.Contains(t, stdout, "clients=2 drop=0.05")
	f, err := os.Open(filepath.Join(dir, "runs.csv"))
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	assert.Len(t, recs, 1+8)
	for _, name := range []string{"latency.png", "ticks.png", "checks.png", "cost.png", "throughput.png"} {
		pf, err := os.Open(filepath.Join(dir, name))
		require.NoError(t, err)
		_, err = png.Decode(pf)
		pf.Close()
		assert.NoError(t, err, name)
	}

	// Bad usage names the flag.
	code, _, errs = vrcheck(t, "sweep", "--clients", "1..x", "--out", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "--clients")
	code, _, errs = vrcheck(t, "sweep", "--x", "speed", "--out", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "not an axis")
}

func TestSweepSavesFailingRuns(t *testing.T) {
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.yaml")
	require.NoError(t, os.WriteFile(grid, []byte("base: {requests: 5, bugs: [commit-without-quorum]}\nclients: [3]\nseeds: 3\n"), 0o644))
	code, stdout, errs := vrcheck(t, "sweep", "--grid", grid, "--keep-failed", "1", "--out", dir)
	require.Equal(t, 1, code, "a failing run fails the sweep: %s", errs)
	assert.Contains(t, stdout, "checks that did not pass")
	ents, err := os.ReadDir(filepath.Join(dir, "failed"))
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		names = append(names, e.Name())
	}
	require.Len(t, names, 2, "one trace and its timeline: %v", names)
	assert.True(t, strings.HasSuffix(names[0], ".html") && strings.HasSuffix(names[1], ".ndjson"), "%v", names)
	page, err := os.ReadFile(filepath.Join(dir, "failed", names[0]))
	require.NoError(t, err)
	assert.Contains(t, string(page), `"mark":{"line":`, "the timeline marks the first failure")
}

func TestShiVizAndTimelineCommands(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "t.ndjson")
	code, _, errs := vrcheck(t, "sim", "--clients", "2", "--requests", "3", "--out", trace)
	require.Equal(t, 0, code, errs)

	code, stdout, errs := vrcheck(t, "shiviz", trace)
	require.Equal(t, 0, code, errs)
	lines := strings.Split(stdout, "\n")
	require.Greater(t, len(lines), 4)
	assert.Equal(t, `(?<host>\S+) (?<clock>\{.*\}) (?<tick>\d+) (?<line>\d+)`+`\n(?<event>.*)`, lines[0])
	assert.Equal(t, "", lines[1])
	assert.Regexp(t, `^(r|c)\d+ \{".*\} \d+ \d+$`, lines[2])

	out := filepath.Join(dir, "t.html")
	code, _, errs = vrcheck(t, "timeline", trace, "--out", out, "--mark", "10", "--message", "look here")
	require.Equal(t, 0, code, errs)
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), `"mark":{"line":10,"message":"look here"}`)

	code, _, errs = vrcheck(t, "timeline", "--out", out)
	assert.Equal(t, 2, code, "a trace is required")
	assert.Equal(t, "vrcheck timeline: want exactly one trace file (or - for standard input), got 0\nRun 'vrcheck timeline --help' for usage.\n", errs)
	code, _, errs = vrcheck(t, "shiviz", filepath.Join(dir, "missing.ndjson"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "missing.ndjson")
}

// The replay column replays its row: the same trace, byte for byte (failing rows, whose traces
// the sweep saves), and the same figures (every row). The sweep's default capacity of 8 is not
// run's default, so a replay without it would differ.
func TestSweepReplayColumnReplays(t *testing.T) {
	type row map[string]string
	readCSV := func(dir string) []row {
		f, err := os.Open(filepath.Join(dir, "runs.csv"))
		require.NoError(t, err)
		defer f.Close()
		recs, err := csv.NewReader(f).ReadAll()
		require.NoError(t, err)
		var rows []row
		for _, rec := range recs[1:] {
			r := row{}
			for i, name := range recs[0] {
				r[name] = rec[i]
			}
			rows = append(rows, r)
		}
		return rows
	}
	replay := func(r row, out string) (int, string) {
		cmd := r["replay"]
		require.NotContains(t, cmd, "'", "no quoting to undo here")
		args := strings.Fields(cmd)
		require.Equal(t, []string{"vrcheck", "run"}, args[:2], cmd)
		code, stdout, errs := vrcheck(t, append(args[1:], "--out", out)...)
		require.NotEqual(t, 2, code, "%s: %s", cmd, errs)
		return code, stdout
	}

	// Failing rows: a base scenario with a schedule (only a file can say it) and a bug.
	dir := t.TempDir()
	grid := filepath.Join(dir, "grid.yaml")
	require.NoError(t, os.WriteFile(grid, []byte("base: {requests: 3, schedule: [{at: 20, crash: 1}, {at: 60, restart: 1}]}\nclients: [2, 12]\nseeds: 2\n"), 0o644))
	code, _, errs := vrcheck(t, "sweep", "--grid", grid, "--bug", "commit-without-quorum", "--out", dir)
	require.Equal(t, 1, code, errs)
	rows := readCSV(dir)
	require.Len(t, rows, 4)
	base, err := os.ReadFile(filepath.Join(dir, "base.yaml"))
	require.NoError(t, err)
	assert.Contains(t, string(base), "\ncapacity: 8\n")
	assert.Contains(t, string(base), "\nbugs:\n  - commit-without-quorum\n")
	for _, r := range rows {
		assert.Contains(t, r["replay"], "vrcheck run --scenario "+filepath.Join(dir, "base.yaml")+" --seed ")
		require.NotEmpty(t, r["trace"], "a failing run's trace is saved")
		saved, err := os.ReadFile(r["trace"])
		require.NoError(t, err)
		out := filepath.Join(t.TempDir(), "replay.ndjson")
		code, _ := replay(r, out)
		assert.Equal(t, 1, code, "the replay fails as the row did")
		again, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(saved, again), "row %s seed %s: the replay gives another trace", r["point"], r["seed"])
	}

	// Passing rows, flags only: the replay's summary gives the row's figures.
	dir = t.TempDir()
	code, _, errs = vrcheck(t, "sweep", "--clients", "20,40", "--requests", "2", "--seeds", "1", "--out", dir)
	require.Equal(t, 0, code, errs)
	for _, r := range readCSV(dir) {
		assert.Equal(t, "vrcheck run --seed "+r["seed"]+" --clients "+r["clients"]+" --requests 2 --capacity 8", r["replay"])
		code, stdout := replay(r, filepath.Join(t.TempDir(), "replay.ndjson"))
		assert.Equal(t, 0, code)
		want := "requests completed  " + r["completed"] + " of " + r["requestsTotal"] + " in " + r["ticks"] + " ticks (" + r["events"] + " trace events)"
		assert.Contains(t, stdout, want, r["replay"])
	}
}

// A range flag sweeps that axis alone, unless --clients is given too; a range that would
// silently lose values is refused.
func TestSweepRanges(t *testing.T) {
	dir := t.TempDir()
	code, stdout, errs := vrcheck(t, "sweep", "--drop", "0..0.1/0.05", "--requests", "2", "--seeds", "1", "--no-check", "--out", dir)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, stdout, "sweep: 3 points x 1 seeds = 3 runs")
	code, stdout, errs = vrcheck(t, "sweep", "--drop", "0,0.1", "--clients", "1,2", "--requests", "2", "--seeds", "1", "--no-check", "--out", dir)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, stdout, "sweep: 4 points x 1 seeds = 4 runs")

	code, _, errs = vrcheck(t, "sweep", "--drop", "0..0.1", "--out", dir)
	assert.Equal(t, 2, code)
	assert.Equal(t, "vrcheck sweep: --drop: range \"0..0.1\" counts in steps of 1, which does not reach 0.1: give a step, e.g. \"0..0.1/0.02\"\nRun 'vrcheck sweep --help' for usage.\n", errs)
}
