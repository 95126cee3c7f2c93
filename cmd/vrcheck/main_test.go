package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func vrcheck(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = dispatch(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range newRoot().Commands() {
		t.Run(c.Name(), func(t *testing.T) {
			// Help is on stdout, the same for --help and help CMD, and names the command
			// as it is typed.
			code, out, errs := vrcheck(t, c.Name(), "--help")
			assert.Equal(t, 0, code)
			assert.Empty(t, errs)
			assert.Contains(t, strings.ToLower(out), "usage")
			if c.Name() == "tla" {
				// The engine's own text (checker/tla/cli) says "tla parse", not yet "vrcheck tla parse".
				assert.Contains(t, out, "tla parse FILE.tla")
			} else {
				assert.Contains(t, out, "vrcheck "+c.Name())
			}
			code, viaHelp, errs := vrcheck(t, "help", c.Name())
			assert.Equal(t, 0, code)
			assert.Empty(t, errs)
			assert.Equal(t, out, viaHelp)
		})
	}
	code, out, _ := vrcheck(t, "--help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "Available Commands:")
	code, _, errs := vrcheck(t, "frobnicate")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, `vrcheck: unknown command "frobnicate"`)
	code, out, _ = vrcheck(t)
	assert.Equal(t, 2, code, "no command is a usage error")
	assert.Contains(t, out, "Available Commands:")
}

func TestSimSameSeedSameFile(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.ndjson"), filepath.Join(dir, "b.ndjson")
	code, _, errs := vrcheck(t, "sim", "--seed", "7", "--out", a)
	require.Equal(t, 0, code, errs)
	code, _, errs = vrcheck(t, "sim", "--seed", "7", "--out", b)
	require.Equal(t, 0, code, errs)
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	assert.Equal(t, da, db)
	assert.NotEmpty(t, da)
}

func TestRunChecksItsTrace(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.ndjson")
	code, stdout, errs := vrcheck(t, "run", "--out", out)
	require.Equal(t, 0, code, errs)
	for _, want := range []string{"requests completed  50 of 50", "latency (ticks)", "view changes", "dropped", "StepValidation", "Linearizability", "OK"} {
		assert.Contains(t, stdout, want)
	}
	// A bug switch that breaks every run is caught, and run says so in its exit code.
	code, stdout, _ = vrcheck(t, "run", "--out", out, "--bug", "commit-without-quorum")
	assert.Equal(t, 1, code)
	assert.Contains(t, stdout, "FAILED")
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sim"}, "--out is required"},
		{[]string{"run", "--clients", "0"}, "clients = 0"},
		{[]string{"run", "--bug", "no-such-bug"}, "no-such-bug"},
		{[]string{"run", "--scenario", "/nonexistent.yaml"}, "/nonexistent.yaml"},
		{[]string{"run", "extra"}, `unexpected argument "extra"`},
		{[]string{"run", "--seed", "x"}, "vrcheck run: --seed \"x\": want an integer\nRun 'vrcheck run --help' for usage.\n"},
		{[]string{"run", "--drop", "lots"}, "vrcheck run: --drop \"lots\": want a number\n"},
		{[]string{"check", "--lin-timeout", "10"}, "vrcheck check: --lin-timeout \"10\": want a duration such as 10s, 500ms or 2m\n"},
		{[]string{"run", "--frobnicate"}, "vrcheck run: unknown flag: --frobnicate\nRun 'vrcheck run --help' for usage.\n"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, _, errs := vrcheck(t, tt.args...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errs, tt.want)
		})
	}
}

func TestBadScenarioFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.yaml")
	require.NoError(t, os.WriteFile(path, []byte("clients: 3\nschedule:\n  - at: 10\n    crash: 7\n"), 0o644))
	code, _, errs := vrcheck(t, "run", "--scenario", path)
	assert.Equal(t, 2, code)
	assert.Equal(t, "vrcheck run: "+path+":3: schedule[0]: crash replica 7: replicas are 0..2\n", errs)
}

// A typo in a scenario reads the same in run and sweep (and in a sweep's grid): the file, the
// line, the valid keys.
func TestScenarioTypoSameEverywhere(t *testing.T) {
	dir := t.TempDir()
	sc := filepath.Join(dir, "s.yaml")
	require.NoError(t, os.WriteFile(sc, []byte("seed: 3\nclinets: 3\n"), 0o644))
	keys := "the keys are seed, f, clients, requests, clientTimeout, replicaTimeout, workload, faults, schedule, capacity, maxTicks, bugs, policy, batch, batchWait, checkpointEvery, reads, lease, drift, reconfigure\n"
	for _, cmd := range []string{"run", "sim", "sweep"} {
		code, _, errs := vrcheck(t, cmd, "--scenario", sc, "--out", filepath.Join(dir, "out"))
		assert.Equal(t, 2, code)
		assert.Equal(t, "vrcheck "+cmd+": "+sc+`:2: unknown key "clinets"; `+keys, errs)
	}
	grid := filepath.Join(dir, "g.yaml")
	require.NoError(t, os.WriteFile(grid, []byte("seeds: 2\nbase:\n  clinets: 3\n"), 0o644))
	code, _, errs := vrcheck(t, "sweep", "--grid", grid, "--out", filepath.Join(dir, "out"))
	assert.Equal(t, 2, code)
	assert.Equal(t, "vrcheck sweep: "+grid+`:3: unknown key "clinets" in base; `+keys, errs)
}

func TestRunHTMLReports(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := vrcheck(t, "run", "--out", filepath.Join(dir, "t.ndjson"), "--bug", "commit-without-quorum", "--html", filepath.Join(dir, "html"))
	require.Equal(t, 1, code, errs)
	for _, f := range []string{"index.html", "trace.html", "timeline.html"} {
		data, err := os.ReadFile(filepath.Join(dir, "html", f))
		require.NoError(t, err, f)
		assert.Contains(t, strings.ToLower(string(data)), "<!doctype html", f)
	}
	page, _ := os.ReadFile(filepath.Join(dir, "html", "timeline.html"))
	assert.Contains(t, string(page), "StepValidation", "the timeline carries the checker's message")
}

// The README's scenario file runs, completes and passes every check.
func TestREADMEScenario(t *testing.T) {
	code, stdout, errs := vrcheck(t, "run", "--scenario", "../../scenarios/crash-primary.yaml", "--out", filepath.Join(t.TempDir(), "t.ndjson"))
	require.Equal(t, 0, code, errs)
	assert.Contains(t, stdout, "1 crashed, 1 recovered")
	assert.Contains(t, stdout, "partitions          2")
}

// vrcheck tla keeps TLC's single-dash flags: cobra passes them through unparsed.
func TestTLAKeepsTLCFlags(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "M.tla"), []byte("---- MODULE M ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = (x + 1) % 3\nInv == x < 3\n====\n"), 0o644))
	cfg := filepath.Join(dir, "other.cfg")
	require.NoError(t, os.WriteFile(cfg, []byte("INIT Init\nNEXT Next\nINVARIANT Inv\n"), 0o644))
	code, out, errs := vrcheck(t, "tla", "check", "-workers", "1", "-config", cfg, filepath.Join(dir, "M.tla"))
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "3 distinct states")
}

// The README tour's bug-switch line fails as the tour says.
func TestREADMETourBugLine(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^vrcheck (run --bug late-startview --seed \d+) `).FindSubmatch(readme)
	require.NotNil(t, m, "the tour has a late-startview line")
	args := append(strings.Fields(string(m[1])), "--out", filepath.Join(t.TempDir(), "t.ndjson"))
	code, stdout, errs := vrcheck(t, args...)
	assert.Equal(t, 1, code, errs)
	assert.Regexp(t, `(?m)^  StepValidation +FAIL at line \d+ \(ReceiveStartView\)`, stdout)
}
