package e2e

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/checker/lin"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// readsScenario is a seed's run with reads at backups (§6.2) and faults.
func readsScenario(seed int64) sim.Scenario {
	sc := scenario(seed)
	sc.Reads = "backup"
	return sc
}

// withReads is the trace's whole client history, the READs included: what porcupine would
// judge if backup reads were taken as linearizable.
func withReads(t *testing.T, b []byte) []lin.Op {
	_, evs, err := traces.ReadAll(bytes.NewReader(b), "")
	require.NoError(t, err)
	h := lin.NewHistory()
	for i, e := range evs {
		switch {
		case (e.Action == traces.ClientRequest || e.Action == traces.ClientRead) && len(e.Sent) > 0:
			m := e.Sent[0]
			op, value := m.Op, m.Value
			if m.Type == traces.Read {
				op, value = traces.OpGet, ""
			}
			h.Invoke(e.Client, m.RequestNumber, lin.Input{Op: op, Key: m.Key, Value: value}, int64(e.Seq), i+2)
		case e.Action == traces.ClientReceiveReply:
			h.Return(e.Client, e.Msg.RequestNumber, e.Msg.Result, int64(e.Seq), i+2)
		}
	}
	return h.Ops()
}

// Reads at backups are causal, not linearizable, by design: the checker leaves them out of
// the history porcupine checks and judges them by BackupReadNotStale. Some seeds' backup
// reads are not linearizable with the writes (a backup not yet told of a commit another
// client saw); the checker passes those runs.
func TestBackupReadsCausalNotLinearizable(t *testing.T) {
	stale := 0
	for seed := int64(1); seed <= 60; seed++ {
		b := trace(t, readsScenario(seed))
		rep, err := checker.Check(bytes.NewReader(b), fmt.Sprint(seed), checker.Options{})
		require.NoError(t, err)
		require.True(t, rep.OK(), "seed %d", seed)
		v, ok := rep.Verdict(checker.BackupReadNotStale)
		require.True(t, ok)
		assert.Equal(t, checker.Pass, v.Status)
		if res := lin.Check(withReads(t, b), 10*time.Second, false); res.Verdict == lin.Illegal {
			stale++
		}
	}
	t.Logf("%d of 60 seeds have backup reads that are not linearizable", stale)
	assert.Positive(t, stale, "no seed shows a stale (causal, not linearizable) backup read")
}
