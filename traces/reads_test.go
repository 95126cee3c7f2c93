package traces

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readsEvents are a READ, its parking and its later answer, as a version 6 trace has them.
func readsEvents() []*Event {
	read := Message{ID: 1, Type: Read, From: 1, To: 2, Client: 1, RequestNumber: 1, Key: "k", CommitNumber: 3}
	st := &ReplicaState{Status: StatusNormal, LogAdd: []Entry{}, Config: []int{0, 1, 2}, OldConfig: []int{}}
	return []*Event{
		{Seq: 1, Action: ClientRead, Replica: -1, Client: 1, Sent: []Message{read},
			ClientState: &ClientState{RequestNumber: 1, Pending: true, CommitNumber: 3}},
		{Seq: 2, Action: ReceiveRead, Replica: 2, Client: -1, Msg: &read, Sent: []Message{}, State: st},
		{Seq: 3, Action: ReplyRead, Replica: 2, Client: -1, State: st,
			Sent: []Message{{ID: 2, Type: Reply, From: 2, To: 1, Client: 1, RequestNumber: 1, Result: "v", CommitNumber: 3}}},
	}
}

// A run with reads outside the log is a version 6 trace with the header's reads; its READ,
// actions and REPLY's commit-number read back as written, on both decoders.
func TestReadsVersion6RoundTrip(t *testing.T) {
	h := sampleHeader()
	h.Reads = "backup"
	data := writeTrace(t, h, readsEvents())
	assert.Contains(t, string(data), `"version":6,`)
	assert.Contains(t, string(data), `"reads":"backup"`)
	assert.Contains(t, string(data), `"commitNumber":3}`, "REPLY's optional commit-number")
	for _, noFast := range []bool{false, true} {
		rd, err := NewReader(bytes.NewReader(data), "t.ndjson")
		require.NoError(t, err)
		rd.d.noFast = noFast
		assert.Equal(t, "backup", rd.Header().Reads)
		for _, want := range readsEvents() {
			e, err := rd.Next()
			require.NoError(t, err)
			assert.Equal(t, want.Action, e.Action)
			assert.Equal(t, want.Sent, e.Sent)
			if want.ClientState != nil {
				assert.Equal(t, 3, e.ClientState.CommitNumber)
			}
		}
	}
	// Without reads the header has no reads field, and a version below 6.
	plain := writeTrace(t, sampleHeader(), sampleEvents())
	assert.NotContains(t, string(plain), `"reads"`)
	assert.Contains(t, string(plain), `"version":3,`)
}

// Reads are version 6: a trace of an older version with any of them is rejected, naming the
// line and the version; so is an unknown read mode.
func TestReadsNeedVersion6(t *testing.T) {
	h := sampleHeader()
	h.Reads = "backup"
	data := string(writeTrace(t, h, readsEvents()))
	for _, tc := range []struct{ name, from, to, err string }{
		{"header reads in v5", `"version":6,`, `"version":5,`, `t.ndjson:1: header: reads is "backup", want one of backup, lease in a version 6 trace`},
		{"unknown mode", `"reads":"backup"`, `"reads":"primary"`, `t.ndjson:1: header: reads is "primary"`},
		{"lease in v6", `"reads":"backup"`, `"reads":"lease"`, `t.ndjson:1: header: reads is "lease", which is in trace format version 7 and later; this trace's header says version 6`},
		{"READ in v5", `"version":6,"seed":7,"replicas":3,"f":1,"clients":2,"bugs":[],"reads":"backup",`, `"version":5,"seed":7,"replicas":3,"f":1,"clients":2,"bugs":[],`,
			`t.ndjson:2: column 40: action "ClientRead" is in trace format version 6 and later; this trace's header says version 5`},
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
