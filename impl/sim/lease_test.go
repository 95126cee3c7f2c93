package sim

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// With reads: lease the trace is version 7 with L and ρ in its header, every replica event
// carries a clock reading that stays within ρ of the tick, the primary answers gets under a
// lease, and every request still completes; the same seed gives the same bytes.
func TestReadsUnderLeases(t *testing.T) {
	for seed := int64(1); seed <= 20; seed++ {
		sc := Default()
		sc.Seed, sc.Reads, sc.Drift = seed, "lease", 50
		var buf bytes.Buffer
		res, err := Run(sc, &buf)
		require.NoError(t, err, "seed %d", seed)
		require.Empty(t, res.Faults)
		require.Equal(t, res.Requests, res.Completed)
		require.Positive(t, res.LeaseReads, "seed %d", seed)
		var again bytes.Buffer
		_, err = Run(sc, &again)
		require.NoError(t, err)
		require.Equal(t, buf.Bytes(), again.Bytes(), "seed %d: deterministic", seed)

		rd, err := traces.NewReader(&buf, "t")
		require.NoError(t, err)
		h := rd.Header()
		assert.Equal(t, traces.LeaseVersion, h.Version)
		assert.Equal(t, "lease", h.Reads)
		assert.Equal(t, 5, h.Lease)
		assert.Equal(t, 50, h.Drift)
		last := map[int][2]int{} // replica -> tick, clock
		for {
			e, err := rd.Next()
			if err == io.EOF {
				break
			}
			require.NoError(t, err)
			if e.State == nil {
				continue
			}
			if p, ok := last[e.Replica]; ok {
				dt, dc := e.Tick-p[0], e.State.Clock-p[1]
				assert.True(t, dc >= 950*dt && dc <= 1050*dt, "seed %d replica %d: clock %d -> %d in %d ticks", seed, e.Replica, p[1], e.State.Clock, dt)
			}
			last[e.Replica] = [2]int{e.Tick, e.State.Clock}
		}
	}
}

// lease and drift belong to reads: lease, within their ranges.
func TestLeaseScenarioKeys(t *testing.T) {
	sc := Default()
	sc.Lease = 3
	assert.ErrorContains(t, sc.Validate(), "lease and drift belong to reads: lease")
	sc.Reads, sc.Drift = "lease", 600
	assert.ErrorContains(t, sc.Validate(), "drift: 600 per mille, want 0..500")
	_, err := Parse([]byte("reads: lease\nlease: 4\ndrift: 20\n"), "s.yaml")
	require.NoError(t, err)
}
