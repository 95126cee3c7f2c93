package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker/tla/cli"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// TraceVR.tla, run by the Go TLA+ engine, accepts a simulator trace with faults and rejects
// the same trace with one event's post-state altered: the spec side of trace validation.
func TestTraceVRValidatesSimulatorTrace(t *testing.T) {
	sc := sim.Default()
	sc.Clients, sc.Requests, sc.Seed = 2, 4, 11
	var buf bytes.Buffer
	_, err := sim.Run(sc, &buf)
	require.NoError(t, err)
	h, evs, err := traces.ReadAll(bytes.NewReader(buf.Bytes()), "sim")
	require.NoError(t, err)

	dir := t.TempDir()
	tracevr := func(name string, data []byte) (int, string) {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, data, 0o644))
		t.Setenv("VRCHECK_TRACE", path)
		var out, errb bytes.Buffer
		code := cli.Run([]string{"check", "-workers", "1", "-config", "../spec/TraceVR.cfg", "../spec/TraceVR.tla"}, &out, &errb)
		return code, out.String() + errb.String()
	}
	code, out := tracevr("good.ndjson", buf.Bytes())
	require.Equal(t, 0, code, out)
	// One distinct state per event, plus the initial one: every line was matched.
	assert.Contains(t, out, fmt.Sprintf("%d distinct states found", len(evs)+1), out)

	// Alter the commit-number a backup logs after its first PREPARE.
	altered := -1
	for i, e := range evs {
		if e.Action == traces.ReceivePrepare && e.State.OpNumber > e.State.CommitNumber {
			e.State.CommitNumber++
			altered = i
			break
		}
	}
	require.GreaterOrEqual(t, altered, 0)
	var bad bytes.Buffer
	w := traces.NewWriter(&bad)
	require.NoError(t, w.WriteHeader(h))
	for _, e := range evs {
		require.NoError(t, w.WriteEvent(e))
	}
	require.NoError(t, w.Flush())
	code, out = tracevr("bad.ndjson", bad.Bytes())
	assert.Equal(t, 1, code, out)
	assert.Contains(t, out, "eadlock", "a trace event that does not match leaves TraceVR without a successor")
}
