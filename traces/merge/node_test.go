package merge

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func writeNode(t *testing.T, path string) {
	w, err := CreateNode(path, &traces.Header{Replicas: 3, F: 1, Clients: 1})
	require.NoError(t, err)
	for i := 1; i <= 2; i++ {
		st := traces.ReplicaState{Status: traces.StatusNormal, LogAdd: []traces.Entry{}}
		require.NoError(t, w.Add(int64(1000*i), &traces.Event{Tick: i, Action: traces.SendCommit, Replica: 0, Client: -1,
			Sent: []traces.Message{}, State: &st}))
	}
	require.NoError(t, w.Close())
}

func TestNodeTraceRoundTripAndACutOffLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "replica-0.1.ndjson")
	writeNode(t, path)
	r, err := OpenNode(path, false)
	require.NoError(t, err)
	e, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, int64(1000), e.Mono)
	require.Equal(t, 2, e.Line)
	require.Equal(t, traces.SendCommit, e.Event.Action)
	r.Close()

	// Cut the last line short, as a kill -9 in the middle of a write could.
	data, _ := os.ReadFile(path)
	require.NoError(t, os.WriteFile(path, data[:len(data)-10], 0o644))
	r, err = OpenNode(path, true)
	require.NoError(t, err)
	_, err = r.Next()
	require.NoError(t, err)
	_, err = r.Next()
	require.Equal(t, "EOF", err.Error())
	require.True(t, r.Truncated())
	r.Close()
	// Of a process that was not killed, it is an error naming the line.
	r, err = OpenNode(path, false)
	require.NoError(t, err)
	r.Next()
	_, err = r.Next()
	require.ErrorContains(t, err, "replica-0.1.ndjson:3: truncated")
	r.Close()
	n, err := LastClock(path)
	require.NoError(t, err)
	require.Equal(t, 1, n)
}

func TestNodeTraceNeedsMono(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.ndjson")
	require.NoError(t, os.WriteFile(path, []byte(`{"format":"vrcheck-trace","version":1,"seed":0,"replicas":3,"f":1,"clients":1,"bugs":[],"scenario":{}}`+"\n"+`{"seq":1}`+"\n"), 0o644))
	r, err := OpenNode(path, false)
	require.NoError(t, err)
	_, err = r.Next()
	require.ErrorContains(t, err, `n.ndjson:2: a node trace's event line must begin with {"mono":<int>,`)
}
