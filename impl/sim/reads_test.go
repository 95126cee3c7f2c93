package sim

import (
	"bytes"
	"fmt"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// With reads: backup every get is a READ outside the log: the trace is version 6 and says so
// in its header, no get reaches the log, and every request still completes.
func TestReadsAtBackups(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		sc := Default()
		sc.Seed, sc.Reads = seed, "backup"
		var buf bytes.Buffer
		res, err := Run(sc, &buf)
		require.NoError(t, err, "seed %d", seed)
		require.Empty(t, res.Faults)
		require.Equal(t, res.Requests, res.Completed)
		require.Positive(t, res.Reads)
		rd, err := traces.NewReader(&buf, "t")
		require.NoError(t, err)
		assert.Equal(t, traces.ReadsVersion, rd.Header().Version)
		assert.Equal(t, "backup", rd.Header().Reads)
		reads := 0
		for {
			e, err := rd.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			for _, m := range e.Sent {
				assert.False(t, m.Type == traces.Request && m.Op == traces.OpGet, "seed %d: a get through the log", seed)
			}
			if e.Action == traces.ClientRead {
				reads++
			}
		}
		assert.Equal(t, res.Reads, reads)
		var sum bytes.Buffer
		res.WriteSummary(&sum)
		assert.Contains(t, sum.String(), fmt.Sprintf("  reads at backups    %d gets sent as READ outside the log", reads))
	}
	// "none" is the default, and a trace without reads is as before.
	for _, mode := range []string{"", "none"} {
		sc := Default()
		sc.Reads = mode
		var buf bytes.Buffer
		_, err := Run(sc, &buf)
		require.NoError(t, err)
		assert.NotContains(t, buf.String(), `"reads"`)
	}
}

// The same seed with reads at backups gives the same trace, byte for byte.
func TestReadsDeterministic(t *testing.T) {
	sc := Default()
	sc.Seed, sc.Reads, sc.CheckpointEvery, sc.Batch = 9, "backup", 3, 2
	var a, b bytes.Buffer
	_, err := Run(sc, &a)
	require.NoError(t, err)
	_, err = Run(sc, &b)
	require.NoError(t, err)
	assert.Equal(t, a.Bytes(), b.Bytes())
}

func TestReadsScenarioErrors(t *testing.T) {
	sc := Default()
	sc.Reads = "fast"
	assert.ErrorContains(t, sc.Validate(), `reads: unknown read mode "fast"`)
	sc = Default()
	sc.Reads = "backup"
	RandomReconfig(&sc)
	assert.ErrorContains(t, sc.Validate(), "not with reads outside the log")
	_, err := Parse([]byte("reads: primary\n"), "s.yaml")
	assert.ErrorContains(t, err, "s.yaml:1: reads: unknown read mode")
}
