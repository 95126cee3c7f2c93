package main

import (
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
	for _, name := range []string{"latency.png", "ticks.png", "checks.png", "cost.png"} {
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
