package checker

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// TestCompactionBoundCountsCommittedEntries: the bound (2K + B × clients = 3 here) counts
// the committed entries a replica held before the step, past its checkpoint, and those a
// message carries up to its commit-number; not the uncommitted suffix, which the paper does
// not bound, nor the entries the step itself committed.
func TestCompactionBoundCountsCommittedEntries(t *testing.T) {
	for _, tc := range []struct {
		name                              string
		checkpoint, commit, op, preCommit int
		logStart, logLen, msgCommit       int
		replicaViolates, messageViolates  bool
	}{
		{"within the bound", 2, 5, 5, 5, 2, 3, 5, false, false},
		{"committed entries held past the bound", 0, 4, 4, 4, 0, 4, 4, true, true},
		{"a long uncommitted suffix", 2, 4, 30, 4, 2, 28, 4, false, false},
		{"entries this step committed", 0, 9, 9, 2, 0, 9, 9, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &traces.Header{Version: 4, Replicas: 3, F: 1, Clients: 1, CheckpointEvery: 1}
			c, err := New(h, "t", Options{})
			require.NoError(t, err)
			c.cur, c.curLine = &traces.Event{Action: traces.ReceiveCommit, Replica: 0, Client: -1}, 2
			r := c.replicas[0]
			r.checkpoint, r.commit, r.opNumber, c.preCommit = tc.checkpoint, tc.commit, tc.op, tc.preCommit
			c.checkCheckpoint(r)
			require.Equal(t, tc.replicaViolates, c.verdict(CompactionBound).Violations > 0, "replica")
			c.verdict(CompactionBound).Violations = 0
			m := &traces.Message{Type: traces.StartView, From: 0, To: 1, OpNumber: tc.logStart + tc.logLen, CommitNumber: tc.msgCommit, Log: make([]traces.Entry, tc.logLen)}
			if tc.logStart > 0 {
				m.Checkpoint = &traces.Checkpoint{OpNumber: tc.logStart}
			}
			c.checkSentBound(m)
			require.Equal(t, tc.messageViolates, c.verdict(CompactionBound).Violations > 0, "message")
		})
	}
}
