package checker

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReportOK(t *testing.T) {
	tests := []struct {
		statuses []string
		ok       bool
	}{
		{[]string{Pass, Pass}, true},
		{[]string{Pass, Skipped}, true},
		{[]string{Pass, Fail}, false},
		{[]string{Pass, Unknown}, false}, // a linearizability timeout is never a pass
	}
	for _, tc := range tests {
		r := &Report{}
		for i, s := range tc.statuses {
			r.Verdicts = append(r.Verdicts, Verdict{Check: string(rune('a' + i)), Status: s})
		}
		assert.Equal(t, tc.ok, r.OK(), "%v", tc.statuses)
	}
}

func TestReportJSONHasEveryCheckAndNoNull(t *testing.T) {
	h, evs := load(t, "good/hand-two-ops.ndjson")
	rep, err := Check(bytes.NewReader(encode(t, h, evs)), "x", Options{})
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteJSON(&buf))
	assert.NotContains(t, buf.String(), "null")
	var back Report
	require.NoError(t, json.Unmarshal(buf.Bytes(), &back))
	var names []string
	for _, v := range back.Verdicts {
		names = append(names, v.Check)
	}
	assert.Equal(t, append(append([]string{StepValidation}, Invariants...), Linearizability), names)
}
