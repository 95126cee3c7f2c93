package traces

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leaseEvents are a stamped COMMIT and its echo, as a version 7 trace has them.
func leaseEvents() []*Event {
	commit := Message{ID: 1, Type: Commit, From: 0, To: 1, View: 0, Clock: 5_000}
	ok := Message{ID: 2, Type: PrepareOk, From: 1, To: 0, View: 0, Replica: 1, Clock: 5_000}
	st := func(clock int) *ReplicaState {
		return &ReplicaState{Status: StatusNormal, LogAdd: []Entry{}, Config: []int{0, 1, 2}, OldConfig: []int{}, Clock: clock}
	}
	return []*Event{
		{Seq: 1, Tick: 2, Action: SendCommit, Replica: 0, Client: -1, Sent: []Message{commit}, State: st(5_000)},
		{Seq: 2, Tick: 3, Action: ReceiveCommit, Replica: 1, Client: -1, Msg: &commit, Sent: []Message{ok}, State: st(77_010)},
	}
}

// A run with reads under leases is a version 7 trace with reads, lease and drift in its
// header; the state's clock and the messages' clocks read back as written, on both decoders.
func TestLeaseVersion7RoundTrip(t *testing.T) {
	h := sampleHeader()
	h.Reads, h.Lease, h.Drift = ReadsLease, 5, 10
	data := writeTrace(t, h, leaseEvents())
	assert.Contains(t, string(data), `"version":7,`)
	assert.Contains(t, string(data), `"reads":"lease","lease":5,"drift":10,`)
	for _, noFast := range []bool{false, true} {
		rd, err := NewReader(bytes.NewReader(data), "t.ndjson")
		require.NoError(t, err)
		rd.d.noFast = noFast
		assert.Equal(t, 5, rd.Header().Lease)
		for _, want := range leaseEvents() {
			e, err := rd.Next()
			require.NoError(t, err)
			assert.Equal(t, want.Sent, e.Sent)
			assert.Equal(t, want.State.Clock, e.State.Clock)
		}
	}
}

// The lease fields are version 7: an older trace with any of them is rejected, naming the line.
func TestLeaseNeedsVersion7(t *testing.T) {
	h := sampleHeader()
	h.Reads, h.Lease, h.Drift = ReadsLease, 5, 10
	data := string(writeTrace(t, h, leaseEvents()))
	for _, tc := range []struct{ name, from, to, err string }{
		{"lease in v6", `"version":7,`, `"version":6,`, `t.ndjson:1: header: reads is "lease", which is in trace format version 7 and later`},
		{"no lease length", `"lease":5,`, `"lease":0,`, `t.ndjson:1: header: reads "lease" with lease 0 and drift 10`},
		{"clock in v6", `"version":7,"seed":7,"replicas":3,"f":1,"clients":2,"bugs":[],"reads":"lease","lease":5,"drift":10,`,
			`"version":6,"seed":7,"replicas":3,"f":1,"clients":2,"bugs":[],`, `t.ndjson:2:`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := strings.Replace(data, tc.from, tc.to, 1)
			require.NotEqual(t, data, bad)
			_, _, err := ReadAll(strings.NewReader(bad), "t.ndjson")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}
