package traces

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sampleHeader() *Header {
	return &Header{Seed: 7, Replicas: 3, F: 1, Clients: 2, Scenario: map[string]any{"requests": 10}}
}

func sampleEvents() []*Event {
	entry := Entry{Client: 1, RequestNumber: 1, Op: OpPut, Key: "k\"1", Value: "v\n\u00e9"}
	return []*Event{
		{Seq: 1, Tick: 0, Action: ClientRequest, Replica: -1, Client: 1,
			Sent:        []Message{{ID: 1, Type: Request, From: 1, To: 0, Client: 1, RequestNumber: 1, Op: OpPut, Key: "k\"1", Value: "v\n\u00e9"}},
			ClientState: &ClientState{View: 0, RequestNumber: 1, Pending: true}},
		{Seq: 2, Tick: 1, Action: ReceiveRequest, Replica: 0, Client: -1,
			Msg: &Message{ID: 1, Type: Request, From: 1, To: 0, Client: 1, RequestNumber: 1, Op: OpPut, Key: "k\"1", Value: "v\n\u00e9"},
			Sent: []Message{
				{ID: 2, Type: Prepare, From: 0, To: 1, View: 0, OpNumber: 1, CommitNumber: 0, Entry: &entry},
				{ID: 3, Type: Prepare, From: 0, To: 2, View: 0, OpNumber: 1, CommitNumber: 0, Entry: &entry},
			},
			State: &ReplicaState{Status: StatusNormal, OpNumber: 1, LogKeep: 0, LogAdd: []Entry{entry}}},
		{Seq: 3, Tick: 2, Action: DropMessage, Replica: -1, Client: -1,
			Msg: &Message{ID: 3, Type: Prepare, From: 0, To: 2, View: 0, OpNumber: 1, CommitNumber: 0, Entry: &entry}},
		{Seq: 4, Tick: 3, Action: ReceiveDoViewChange, Replica: 1, Client: -1,
			Msg:   &Message{ID: 9, Type: DoViewChange, From: 2, To: 1, View: 1, Log: []Entry{entry}, LastNormalView: 0, OpNumber: 1, Replica: 2},
			Sent:  []Message{},
			State: &ReplicaState{ViewNumber: 1, Status: StatusViewChange, LogKeep: 0, LogAdd: []Entry{}}},
	}
}

func writeTrace(t testing.TB, h *Header, es []*Event) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	require.NoError(t, w.WriteHeader(h))
	for _, e := range es {
		require.NoError(t, w.WriteEvent(e))
	}
	require.NoError(t, w.Flush())
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	data := writeTrace(t, sampleHeader(), sampleEvents())
	assert.NotContains(t, string(data), "null")
	// Every line is valid JSON, as TLC's ndJsonDeserialize needs.
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var v any
		require.NoError(t, json.Unmarshal([]byte(line), &v), "line %d", i+1)
	}
	h, es, err := ReadAll(bytes.NewReader(data), "t.ndjson")
	require.NoError(t, err)
	assert.Equal(t, int64(7), h.Seed)
	assert.Equal(t, []string{}, h.Bugs)
	want := sampleEvents()
	want[0].Sent[0].Entry = nil
	require.Len(t, es, len(want))
	for i := range want {
		assert.Equal(t, want[i], es[i], "event %d", i+1)
	}
	// Writing what was read gives the same bytes.
	assert.Equal(t, data, writeTrace(t, h, es))
}

func TestReaderErrors(t *testing.T) {
	good := writeTrace(t, sampleHeader(), sampleEvents())
	lines := strings.SplitAfter(string(good), "\n")
	header, ev1 := lines[0], lines[1]
	tests := []struct {
		name, trace, want string
	}{
		{"empty", "", "t:1: empty trace"},
		{"no header", ev1, "t:1: missing header"},
		{"bad version", strings.Replace(header, fmt.Sprintf(`"version":%d`, WriteVersion(sampleHeader())), `"version":9`, 1), "unsupported version 9"},
		{"bad replicas", strings.Replace(header, `"replicas":3`, `"replicas":4`, 1), "replicas = 4"},
		{"malformed json", header + "{\"seq\":1,\n", "t:2: column 10: event: key: expected a string, found end of line"},
		{"truncated", header + strings.TrimSuffix(ev1, "\n"), "t:2: truncated"},
		{"unknown action", header + strings.Replace(ev1, "ClientRequest", "Teleport", 1), `t:2: column 38: unknown action "Teleport"`},
		{"missing field", header + strings.Replace(ev1, `"tick":0,`, "", 1), `missing field "tick"`},
		{"wrong type", header + strings.Replace(ev1, `"tick":0`, `"tick":"0"`, 1), "tick: expected an integer, found a string"},
		{"null", header + strings.Replace(ev1, `"tick":0`, `"tick":null`, 1), "JSON null is not allowed"},
		{"float", header + strings.Replace(ev1, `"tick":0`, `"tick":1.5`, 1), "non-integer"},
		{"too big", header + strings.Replace(ev1, `"tick":0`, `"tick":4294967296`, 1), "t:2: column 17: tick: 4294967296 is out of range 0..2^31-1"},
		{"just too big", header + strings.Replace(ev1, `"tick":0`, `"tick":2147483648`, 1), "t:2: column 17: tick: 2147483648 is out of range 0..2^31-1"},
		{"huge", header + strings.Replace(ev1, `"tick":0`, `"tick":123456789012345678901234567890`, 1), "t:2: column 17: tick: 123456789012345678901234567890 is out of range 0..2^31-1"},
		{"negative", header + strings.Replace(ev1, `"tick":0`, `"tick":-1`, 1), "t:2: column 17: tick: -1 is out of range 0..2^31-1"},
		{"leading zero", header + strings.Replace(ev1, `"tick":0`, `"tick":007`, 1), "t:2: column 17: tick: 007 is not a JSON integer (leading zero)"},
		{"negative id", header + strings.Replace(ev1, `"id":1`, `"id":-7`, 1), "sent[0].id: -7 is out of range 0..2^31-1"},
		{"negative logKeep", header + strings.Replace(lines[2], `"logKeep":0`, `"logKeep":-3`, 1), "t:2: column 614: state.logKeep: -3 is out of range 0..2^31-1"},
		{"header clients", strings.Replace(header, `"clients":2`, `"clients":-2`, 1), "t:1: header: clients is -2, want 0..2^31-1"},
		{"header seed", strings.Replace(header, `"seed":7`, `"seed":-7`, 1), "t:1: header: seed is -7, want 0..2^31-1"},
		{"header replicas", strings.Replace(strings.Replace(header, `"replicas":3`, `"replicas":4294967297`, 1), `"f":1`, `"f":2147483648`, 1), "t:1: header: replicas is 4294967297, want 3..2^31-1"},
		{"unknown field", header + strings.Replace(ev1, `"tick":0`, `"tick":0,"x":1`, 1), `unknown field "x"`},
		{"foreign field", header + strings.Replace(ev1, `"tick":0`, `"tick":0,"replica":1`, 1), `field "replica" does not belong`},
		{"message field missing", header + strings.Replace(ev1, `"key":"k\"1",`, "", 1), `REQUEST message is missing field "key"`},
		{"bad op", header + strings.Replace(ev1, `"op":"put"`, `"op":"delete"`, 1), `"delete" is not get, put or append`},
		{"client out of range", header + strings.Replace(ev1, `"client":1,"sent"`, `"client":5,"sent"`, 1), "client 5 out of range"},
		{"bad seq", header + strings.Replace(ev1, `"seq":1`, `"seq":2`, 1), "seq is 2, want 1"},
		{"blank line", header + "\n", "t:2: empty line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadAll(strings.NewReader(tt.trace), "t")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

func TestReaderStopsAtFirstError(t *testing.T) {
	good := writeTrace(t, sampleHeader(), sampleEvents())
	bad := strings.Replace(string(good), `"seq":2`, `"seq":2,`, 1)
	rd, err := NewReader(strings.NewReader(bad), "t")
	require.NoError(t, err)
	_, err = rd.Next()
	require.NoError(t, err)
	_, err1 := rd.Next()
	require.Error(t, err1)
	_, err2 := rd.Next()
	assert.Equal(t, err1, err2)
	assert.NotErrorIs(t, err2, io.EOF)
}

func FuzzReader(f *testing.F) {
	good := writeTrace(f, sampleHeader(), sampleEvents())
	f.Add(good)
	f.Add([]byte(strings.SplitAfter(string(good), "\n")[0] + "{}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, es, err := ReadAll(bytes.NewReader(data), "fuzz")
		if err != nil {
			return
		}
		// Whatever the reader accepts, the writer writes back identically.
		out := writeTrace(t, h, es)
		_, es2, err := ReadAll(bytes.NewReader(out), "again")
		require.NoError(t, err)
		require.Equal(t, es, es2)
	})
}

func BenchmarkReader(b *testing.B) {
	es := sampleEvents()
	var many []*Event
	for i := 0; i < 1000; i++ {
		for _, e := range es {
			c := *e
			c.Seq = len(many) + 1
			many = append(many, &c)
		}
	}
	data := writeTrace(b, sampleHeader(), many)
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rd, _ := NewReader(bytes.NewReader(data), "b")
		n := 0
		for {
			if _, err := rd.Next(); err != nil {
				break
			}
			n++
		}
		if n != len(many) {
			b.Fatal(n)
		}
	}
	b.ReportMetric(float64(b.N*len(many))/b.Elapsed().Seconds(), "events/s")
}

func TestPayloadBitMatchesFieldBit(t *testing.T) {
	for f, b := range fieldBit {
		assert.Equal(t, b, payloadBit(f), string(f))
	}
	assert.Zero(t, payloadBit("nope"))
}

// TestHeaderUnknownFieldIsDeterministic: of several unknown header fields the error names the
// first by name, every time (it once named whichever the map iteration met first).
func TestHeaderUnknownFieldIsDeterministic(t *testing.T) {
	line := `{"format":"vrcheck-trace","version":1,"seed":1,"replicas":3,"f":1,"clients":1,"bugs":[],"scenario":{},"zz":1,"mm":2,"aa":3}` + "\n"
	for i := 0; i < 50; i++ {
		_, err := NewReader(strings.NewReader(line), "t.ndjson")
		require.EqualError(t, err, `t.ndjson:1: header: unknown field "aa"`)
	}
}
