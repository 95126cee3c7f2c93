package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/explore"
	"github.com/vrcheck/vrcheck/impl/vr"
)

func runCmd(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = dispatch(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestBugsListsTheCatalog(t *testing.T) {
	code, out, _ := runCmd("bugs")
	require.Equal(t, 0, code)
	for _, b := range vr.BugCatalog {
		assert.Contains(t, out, b.Name+"\n    "+b.Description+"\n    source: "+b.Source+"\n")
	}
	code, _, errs := runCmd("bugs", "extra")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "unexpected argument")
}

func TestExploreUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--seeds", "0"}, "--seeds 0"},
		{[]string{"--bug", "no-such-bug"}, `unknown bug switch "no-such-bug"`},
		{[]string{"--all-bugs", "--bug", "view-wrap"}, "neither --bug nor --keep-going"},
		{[]string{"--workers", "-1"}, "--workers -1: want 0 (one per CPU) or more"},
		{[]string{"--first-seed", "2147483647", "--seeds", "2"}, "2^31"},
		{[]string{"--lin-timeout", "-1s"}, "--lin-timeout -1s: want 0 (no limit) or more"},
		{[]string{"--frobnicate"}, "unknown flag: --frobnicate"},
		{[]string{"stray"}, `unexpected argument "stray"`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errs := runCmd(append([]string{"explore", "--no-progress"}, tc.args...)...)
			assert.Equal(t, 2, code)
			assert.Contains(t, errs, tc.want)
		})
	}
}

func TestExploreCleanRun(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCmd("explore", "--seeds", "30", "--out", dir)
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "ok: seeds 1..30, bug switches none (the correct implementation): no failure in 30 seeds\n", out)
	// Without a terminal there is no bar, only a final line.
	assert.Regexp(t, `^explore: 30 seeds run \(0 failing\) in [0-9.]+s, [0-9]+ seeds/s, [0-9]+ workers\n$`, errs)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing to write")
}

// The printed command reproduces the saved trace byte for byte, and the output does not
// depend on the number of workers.
func TestExploreFailureIsReproducible(t *testing.T) {
	var first string
	for _, workers := range []string{"1", "2", "4"} {
		dir := t.TempDir()
		code, out, errs := runCmd("explore", "--bug", "late-startview", "--seeds", "100", "--workers", workers, "--out", dir, "--no-progress")
		require.Equal(t, 1, code, errs)
		if first == "" {
			first = strings.ReplaceAll(out, dir, "DIR")
		} else {
			assert.Equal(t, first, strings.ReplaceAll(out, dir, "DIR"), "%s workers", workers)
		}
		m := regexp.MustCompile(`(?m)^  reproduce   (.*)$`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		args := strings.Fields(m[1])
		require.Equal(t, []string{"vrcheck", "run", "--scenario"}, args[:3], m[1])
		tracePath := args[len(args)-1]
		saved, err := os.ReadFile(tracePath)
		require.NoError(t, err)
		require.NoError(t, os.Remove(tracePath))

		code, rout, rerr := runCmd(args[1:]...)
		assert.Equal(t, 1, code, "the reproduced run fails its check: %s", rerr)
		assert.Contains(t, rout, "StepValidation")
		again, err := os.ReadFile(tracePath)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(saved, again), "the printed command gives another trace")

		// The same through sim, into another file. (The shrunk run stops right after the
		// violation, so sim reports that it did not complete: exit 1, with the trace written.)
		other := filepath.Join(dir, "other.ndjson")
		code, _, rerr = runCmd("sim", "--scenario", args[3], "--out", other)
		require.NotEqual(t, 2, code, rerr)
		simmed, err := os.ReadFile(other)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(saved, simmed))
	}
	assert.Contains(t, first, "FAIL: seeds 1..100, bug switches late-startview: seed ")
	assert.Contains(t, first, "safety violation")
	assert.Contains(t, first, "found by    vrcheck explore --first-seed ")
}

func TestExploreKeepGoingListsEveryFailure(t *testing.T) {
	code, out, errs := runCmd("explore", "--bug", "reply-before-commit", "--seeds", "6", "--keep-going", "--out", t.TempDir(), "--no-progress", "--no-shrink")
	require.Equal(t, 1, code, errs)
	assert.Contains(t, out, "6 of 6 seeds fail, the first is seed 1")
	for s := 1; s <= 6; s++ {
		assert.Regexp(t, regexp.MustCompile(`(?m)^  seed `+regexp.QuoteMeta(string(rune('0'+s)))+` +safety: `), out)
	}
	assert.NotContains(t, out, "shrunk")
}

func TestExploreAllBugs(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCmd("explore", "--all-bugs", "--seeds", "80", "--json", "--out", dir, "--shrink-runs", "30")
	require.Equal(t, 0, code, errs)
	var a explore.AllBugs
	require.NoError(t, json.Unmarshal([]byte(out), &a))
	require.Len(t, a.Bugs, len(vr.BugCatalog))
	for i, b := range a.Bugs {
		assert.Equal(t, vr.BugCatalog[i].Name, b.Bug)
		assert.True(t, b.Found, b.Bug)
		require.NotNil(t, b.Hunt.First, b.Bug)
		assert.FileExists(t, b.Hunt.First.Saved.Trace)
		assert.Positive(t, b.Hunt.First.ShrunkEvents)
	}
	assert.Equal(t, 80, a.Correct.Run)
	assert.Empty(t, a.Correct.Failures)

	// Too few seeds: bugs not found are reported as such, and the exit status says so.
	code, out, errs = runCmd("explore", "--all-bugs", "--seeds", "1", "--out", t.TempDir(), "--no-progress", "--no-shrink")
	require.Equal(t, 1, code, errs)
	assert.Regexp(t, `(?m)^statetransfer-truncate +NO +- +>1 `, out)
	assert.Regexp(t, `(?m)^reply-before-commit +yes +StepValidation \(ReceiveRequest\) +1 `, out)
	assert.Contains(t, out, "correct implementation: 1 of 1 seeds clean\n")
}
