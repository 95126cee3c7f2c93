package checker

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

const corpus = "../traces/corpus/"

// load reads a corpus trace.
func load(t testing.TB, path string) (*traces.Header, []*traces.Event) {
	t.Helper()
	b, err := os.ReadFile(corpus + path)
	require.NoError(t, err)
	h, evs, err := traces.ReadAll(bytes.NewReader(b), path)
	require.NoError(t, err)
	return h, evs
}

// encode writes a trace, renumbering seq so that only the mutation under test is wrong.
func encode(t testing.TB, h *traces.Header, evs []*traces.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := traces.NewWriter(&buf)
	require.NoError(t, w.WriteHeader(h))
	for i, e := range evs {
		e.Seq = i + 1
		require.NoError(t, w.WriteEvent(e))
	}
	require.NoError(t, w.Flush())
	return buf.Bytes()
}

// clone deep-copies events so a mutation does not leak into other table rows.
func clone(evs []*traces.Event) []*traces.Event {
	out := make([]*traces.Event, len(evs))
	for i, e := range evs {
		c := *e
		if e.Msg != nil {
			m := cloneMsg(*e.Msg)
			c.Msg = &m
		}
		c.Sent = make([]traces.Message, len(e.Sent))
		for j := range e.Sent {
			c.Sent[j] = cloneMsg(e.Sent[j])
		}
		if e.State != nil {
			s := *e.State
			s.LogAdd = append([]traces.Entry{}, e.State.LogAdd...)
			c.State = &s
		}
		if e.ClientState != nil {
			s := *e.ClientState
			c.ClientState = &s
		}
		out[i] = &c
	}
	return out
}

func cloneMsg(m traces.Message) traces.Message {
	if m.Entry != nil {
		e := *m.Entry
		m.Entry = &e
	}
	if m.Log != nil {
		m.Log = append([]traces.Entry{}, m.Log...)
	}
	return m
}

// lineOf is the trace line of event index i.
func lineOf(i int) int { return i + 2 }

// find returns the index of the first event from index `from` on that satisfies p.
func find(t testing.TB, evs []*traces.Event, from int, p func(*traces.Event) bool) int {
	t.Helper()
	for i := from; i < len(evs); i++ {
		if p(evs[i]) {
			return i
		}
	}
	t.Fatalf("no such event")
	return -1
}

func is(action string) func(*traces.Event) bool {
	return func(e *traces.Event) bool { return e.Action == action }
}
