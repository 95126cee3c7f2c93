package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const corpusDir = "../../traces/corpus/"

func TestCheckCommand(t *testing.T) {
	good, err := os.ReadFile(corpusDir + "good/hand-two-ops.ndjson")
	require.NoError(t, err)
	tests := []struct {
		name      string
		args      []string
		stdin     []byte
		code      int
		stdout    string // substring
		stderr    string // substring
		notStdout string
	}{
		{"help", []string{"--help"}, nil, 0, "Usage:\n  vrcheck check [flags] FILE", "", ""},
		{"no file", nil, nil, 2, "", "want exactly one trace file", ""},
		{"two files", []string{"a", "b"}, nil, 2, "", "want exactly one trace file", ""},
		{"unknown flag", []string{"--bogus", "x"}, nil, 2, "", "vrcheck check: unknown flag: --bogus\nRun 'vrcheck check --help' for usage.\n", ""},
		{"missing file", []string{corpusDir + "nope.ndjson"}, nil, 2, "", "no such file", ""},
		{"good", []string{corpusDir + "good/sim-faults.ndjson"}, nil, 0, "OK", "", "FAIL"},
		{"stdin", []string{"-"}, good, 0, "OK", "", ""},
		{"flags after file", []string{corpusDir + "good/sim-normal.ndjson", "--no-lin"}, nil, 0, "SKIPPED", "", ""},
		{"violation", []string{corpusDir + "bad/fabricated-message.ndjson"}, nil, 1, "never sent", "", ""},
		// Without step validation a fabricated message goes unseen; a seeded bug still
		// breaks invariants.
		{"no step validation", []string{"--no-step-validation", corpusDir + "bad/fabricated-message.ndjson"}, nil, 0, "StepValidation                     SKIPPED", "", "FAIL"},
		{"no step validation, bug", []string{"--no-step-validation", corpusDir + "bad/sim-bug-prepare-gap.ndjson"}, nil, 1, "NoLogDivergence                    FAIL at line 26", "", ""},
		{"malformed", []string{corpusDir + "bad/malformed-json.ndjson"}, nil, 2, "", "bad/malformed-json.ndjson:3:", ""},
		{"truncated stdin", []string{"-"}, good[:len(good)-10], 2, "", "-:22: truncated", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := dispatch(append([]string{"check"}, tc.args...), bytes.NewReader(tc.stdin), &out, &errOut)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
			assert.Contains(t, out.String(), tc.stdout)
			assert.Contains(t, errOut.String(), tc.stderr)
			if tc.notStdout != "" {
				assert.NotContains(t, out.String(), tc.notStdout)
			}
		})
	}
}

func TestCheckJSON(t *testing.T) {
	var out, errOut bytes.Buffer
	code := dispatch([]string{"check", "--json", corpusDir + "bad/skipped-op-number.ndjson"}, nil, &out, &errOut)
	require.Equal(t, 1, code, errOut.String())
	var rep struct {
		Verdicts []struct {
			Check  string `json:"check"`
			Status string `json:"status"`
			Line   int    `json:"line"`
		} `json:"verdicts"`
		Mismatches []struct {
			Line   int    `json:"line"`
			Action string `json:"action"`
		} `json:"mismatches"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &rep))
	failed := map[string]int{}
	for _, v := range rep.Verdicts {
		if v.Status != "pass" {
			failed[v.Check] = v.Line
		}
	}
	assert.Equal(t, map[string]int{"StepValidation": 4, "OpNumberIsLogLength": 4, "OneEntryPerViewOpNumber": 5}, failed)
	require.NotEmpty(t, rep.Mismatches)
	assert.Equal(t, "ReceiveRequest", rep.Mismatches[0].Action)
}

func TestCheckHTML(t *testing.T) {
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := dispatch([]string{"check", "--html", dir, corpusDir + "bad/non-linearizable-reply.ndjson"}, nil, &out, &errOut)
	require.Equal(t, 1, code, errOut.String())
	vis, err := os.ReadFile(filepath.Join(dir, "linearizability.html"))
	require.NoError(t, err)
	assert.Contains(t, string(vis), "never-written")
	page, err := os.ReadFile(filepath.Join(dir, "trace.html"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(page), "ReceivePrepareOk"), "the excerpt shows the failing event")
}
