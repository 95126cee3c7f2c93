package main

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
)

// cluster's check of its merged trace (streamed from the file, not read into memory first)
// gives vrcheck check's verdicts and report: a passing trace exits 0, a violation 1 with the
// failing check named, bad input 2 naming the file and line.
func TestClusterCheckMergedVerdicts(t *testing.T) {
	corpus := filepath.Join("..", "..", "traces", "corpus")
	for _, tc := range []struct {
		file string
		code int
		want string
	}{
		{"good/sim-faults.ndjson", 0, "OK"},
		{"bad/commit-without-quorum.ndjson", 1, "CommittedWritesExistOnMajority"},
		{"bad/bad-config.ndjson", 2, "bad-config.ndjson:1: header: replicas = 4"},
		{"does-not-exist.ndjson", 2, "does-not-exist.ndjson"},
	} {
		path := filepath.Join(corpus, tc.file)
		var out, errs bytes.Buffer
		code := checkMerged(path, checker.Options{}, &out, &errs)
		require.Equal(t, tc.code, code, "%s: %s%s", tc.file, out.String(), errs.String())
		require.Contains(t, out.String()+errs.String(), tc.want, tc.file)
		if tc.code < 2 {
			wcode, wout, werrs := vrcheck(t, "check", path)
			require.Equal(t, wcode, code, "%s: %s", tc.file, werrs)
			require.Equal(t, wout, out.String(), "%s: the same report as vrcheck check", tc.file)
		}
	}
}
