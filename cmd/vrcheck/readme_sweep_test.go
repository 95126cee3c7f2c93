package main

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's batching table is what its command prints, row by row, and its reconfiguration
// figures and sample are what theirs print.
func TestREADMESweepFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three sweeps (about 3 s)")
	}
	data, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	readme := string(data)
	_, section, ok := strings.Cut(readme, "### Sweeps: batching and reconfiguration")
	require.True(t, ok)

	cmd := regexp.MustCompile("```sh\nvrcheck (sweep [^\n]*)\n```").FindStringSubmatch(section)
	require.NotNil(t, cmd)
	args := append(strings.Fields(cmd[1]), "--out", t.TempDir(), "--no-progress")
	code, out, errs := runCmd(args...)
	require.Equal(t, 0, code, errs)
	rows := regexp.MustCompile(`(?m)^\| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \|$`).FindAllStringSubmatch(section, -1)
	require.Len(t, rows, 10)
	for _, r := range rows {
		// The table's line: point, runs, passed, completed, p50, p99, throughput, ...
		line := regexp.MustCompile(fmt.Sprintf(`(?m)^ *clients=%s batch=%s +\d+ +\d+ +\d+ +%s +%s +%s `,
			r[1], r[2], regexp.QuoteMeta(r[4]), regexp.QuoteMeta(r[5]), regexp.QuoteMeta(r[3])))
		assert.Regexp(t, line, out, "README row clients=%s batch=%s", r[1], r[2])
	}

	rc := regexp.MustCompile("`vrcheck (sweep --reconfig [^`]*)`:\nmean ([\\d.]+) ticks to the new primary, ([\\d.]+) to complete, ([\\d.]+) requests blocked").FindStringSubmatch(section)
	require.NotNil(t, rc)
	code, out, errs = runCmd(append(strings.Fields(rc[1]), "--out", t.TempDir(), "--no-progress")...)
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, regexp.MustCompile(fmt.Sprintf(` %s +%s +%s\n`, regexp.QuoteMeta(rc[2]), regexp.QuoteMeta(rc[3]), regexp.QuoteMeta(rc[4]))), out)

	sample := regexp.MustCompile("(?s)From `vrcheck run --scenario scenarios/reconfigure.yaml`:\n\n```\n(.*?)```").FindStringSubmatch(section)
	require.NotNil(t, sample)
	code, out, errs = runCmd("run", "--scenario", "../../scenarios/reconfigure.yaml", "--no-check", "--out", filepath.Join(t.TempDir(), "t.ndjson"))
	require.Equal(t, 0, code, errs)
	for _, line := range strings.Split(strings.TrimSuffix(sample[1], "\n"), "\n") {
		assert.Contains(t, out, line+"\n")
	}
}
