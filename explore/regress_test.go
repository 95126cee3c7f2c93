package explore

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// TestSwarmRegressions: swarm scenarios that once crashed the implementation. A buggy run may
// fail its checks; it must never panic.
func TestSwarmRegressions(t *testing.T) {
	for _, c := range []struct {
		why    string
		policy string
		bugs   []string
		seed   int64
	}{
		// adopt took a checkpoint past the carried log's end as a slice start (8b24a5c).
		{"checkpoint past the log's end in adopt", vr.Policies[0], []string{"checkpoint-uncommitted"}, 14},
	} {
		sc := Swarm(c.seed, c.bugs)
		sc.Policy = c.policy
		var buf bytes.Buffer
		require.NotPanics(t, func() { _, _ = sim.Run(sc, &buf) }, "%s: seed %d, %v", c.why, c.seed, c.bugs)
		require.NotZero(t, buf.Len(), "%s: the run wrote no trace", c.why)
	}
}
