package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/vr"
)

// One idea, one name: a flag several commands share has the same name, default and help on
// each of them.
func TestSharedFlagsAreTheSame(t *testing.T) {
	cmds := map[string]bool{}
	root := newRoot()
	for _, c := range root.Commands() {
		cmds[c.Name()] = true
	}
	for flag, on := range map[string][]string{
		"lin-timeout": {"run", "check", "sweep", "explore"},
		"no-lin":      {"run", "check", "sweep", "explore"},
		"bug":         {"run", "sim", "sweep", "explore"},
		"first-seed":  {"sweep", "explore"},
		"seeds":       {"sweep", "explore"},
		"workers":     {"sweep", "explore"},
		"no-progress": {"sweep", "explore"},
		"out":         {"run", "sim", "sweep", "explore", "timeline", "shiviz"},
	} {
		t.Run(flag, func(t *testing.T) {
			var first string
			for _, name := range on {
				require.True(t, cmds[name], name)
				c, _, err := root.Find([]string{name})
				require.NoError(t, err)
				f := c.Flags().Lookup(flag)
				require.NotNil(t, f, "vrcheck %s --%s", name, flag)
				if flag == "out" {
					continue // each command writes its own kind of output
				}
				desc := f.DefValue + " " + f.Usage
				if flag == "seeds" || flag == "workers" {
					desc = f.Value.Type() // the same idea, said of each command's own unit
				}
				if first == "" {
					first = desc
				}
				assert.Equal(t, first, desc, "vrcheck %s --%s", name, flag)
			}
		})
	}
	// --bug lists the switches by name.
	c, _, _ := root.Find([]string{"run"})
	for _, b := range vr.BugCatalog {
		assert.Contains(t, c.Flags().Lookup("bug").Usage, b.Name)
	}
	assert.NotContains(t, c.Flags().Lookup("bug").Usage, "impl/vr")
}

func TestRunLinearizabilityFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.ndjson")
	code, stdout, errs := vrcheck(t, "run", "--out", out, "--requests", "2", "--no-lin")
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `(?m)^  Linearizability +SKIPPED$`, stdout)
	code, _, errs = vrcheck(t, "run", "--out", out, "--lin-timeout", "-2s")
	assert.Equal(t, 2, code)
	assert.Equal(t, "vrcheck run: --lin-timeout -2s: want 0 (no limit) or more\nRun 'vrcheck run --help' for usage.\n", errs)
	// 0 is no limit, as on check.
	code, stdout, errs = vrcheck(t, "run", "--out", out, "--requests", "2", "--lin-timeout", "0")
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `(?m)^  Linearizability +PASS$`, stdout)
}

func TestSweepBugAndNoLin(t *testing.T) {
	dir := t.TempDir()
	code, stdout, errs := vrcheck(t, "sweep", "--clients", "2", "--requests", "3", "--seeds", "1", "--bug", "commit-without-quorum", "--no-lin", "--out", dir)
	assert.Equal(t, 1, code, "the bug is caught: %s", errs)
	assert.Contains(t, stdout, "checks that did not pass")
	code, _, errs = vrcheck(t, "sweep", "--bug", "no-such-bug", "--out", dir)
	assert.Equal(t, 2, code)
	assert.True(t, strings.HasPrefix(errs, `vrcheck sweep: --bug: unknown bug switch "no-such-bug"`), errs)
}

func TestExploreOldFlagNames(t *testing.T) {
	code, out, errs := vrcheck(t, "explore", "--from", "5", "--seeds", "2", "--quiet", "--out", t.TempDir())
	require.Equal(t, 0, code, errs)
	assert.Equal(t, "ok: seeds 5..6, bug switches none (the correct implementation): no failure in 2 seeds\n", out)
	assert.Contains(t, errs, "vrcheck explore: --from is now --first-seed\nvrcheck explore: --quiet is now --no-progress\n")
}
