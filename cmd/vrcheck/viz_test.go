package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// timeline and shiviz read traces as check does: a bad trace is bad input, exit 2, with the
// reader's message naming the file and line.
func TestVizBadTraces(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.ndjson")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	for _, tc := range []struct{ trace, want string }{
		{empty, empty + ":1: empty trace: no header line\n"},
		{corpusDir + "bad/malformed-json.ndjson", corpusDir + "bad/malformed-json.ndjson:3: column 61: event: key: unterminated string\n"},
		{corpusDir + "bad/truncated.ndjson", corpusDir + "bad/truncated.ndjson:3: truncated: the last line does not end with a newline\n"},
		{corpusDir + "bad/no-header.ndjson", corpusDir + "bad/no-header.ndjson:1: missing header: line 1 has no \"format\" field"},
	} {
		for _, cmd := range []string{"check", "timeline", "shiviz"} {
			t.Run(cmd+" "+filepath.Base(tc.trace), func(t *testing.T) {
				args := []string{cmd, tc.trace}
				if cmd == "timeline" {
					args = append(args, "--out", filepath.Join(t.TempDir(), "t.html"))
				}
				code, _, errs := vrcheck(t, args...)
				assert.Equal(t, 2, code)
				assert.Contains(t, errs, "vrcheck "+cmd+": "+tc.want)
			})
		}
	}
}

// timeline --check exits as check does: 1 when it marks a failure, 0 when every check passed.
func TestTimelineCheckExitStatus(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.html")
	code, _, errs := vrcheck(t, "timeline", "--check", corpusDir+"bad/skipped-op-number.ndjson", "--out", out)
	assert.Equal(t, 1, code, errs)
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), `"mark":{"line":4,`, "the page is written and marks the failure")
	code, _, errs = vrcheck(t, "timeline", "--check", corpusDir+"good/sim-faults.ndjson", "--out", out)
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "every check passed: nothing to mark")
}
