package timeline

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

func faultyRun(t *testing.T) (*traces.Header, []*traces.Event) {
	t.Helper()
	sc := sim.Default()
	sc.Seed = 3
	sc.Clients = 3
	sc.Faults.Drop, sc.Faults.Duplicate, sc.Faults.Crash = 0.1, 0.1, 0.03
	var buf bytes.Buffer
	_, err := sim.Run(sc, &buf)
	require.NoError(t, err)
	h, es, err := traces.ReadAll(&buf, "trace")
	require.NoError(t, err)
	return h, es
}

func TestBuild(t *testing.T) {
	h, es := faultyRun(t)
	d, err := Build(h, es, &Mark{Line: 40, Message: "NoLogDivergence: r1 and r2 differ at op 3"})
	require.NoError(t, err)
	require.Len(t, d.Events, len(es))
	assert.Equal(t, []string{"r0", "r1", "r2", "c0", "c1", "c2"}, d.Lanes)
	assert.Equal(t, 38, d.MarkRow, "line 40 is the 39th event")
	seen := map[int]bool{}
	var crashed, commits, drops, dups int
	for i, rec := range d.Events {
		require.Len(t, rec, NFields)
		e := es[i]
		assert.Equal(t, e.Seq+1, rec[FLine])
		assert.Equal(t, e.Tick, rec[FTick])
		assert.Equal(t, e.Action, d.Actions[rec[FAction]])
		assert.True(t, rec[FLane] >= 0 && rec[FLane] < len(d.Lanes))
		if rec[FStatus] == StCrashed {
			crashed++
			assert.Equal(t, traces.Crash, e.Action)
		}
		if rec[FFlags]&FlagCommit != 0 {
			commits++
		}
		switch e.Action {
		case traces.DropMessage:
			drops++
		case traces.DuplicateMessage:
			dups++
		}
		if e.Msg != nil {
			// The message record names the event that sent it, earlier in the trace.
			m := d.Msgs[rec[FMsg]]
			require.Equal(t, e.Msg.ID, m[MID])
			require.GreaterOrEqual(t, m[MSend], 0, "line %d: message %d has a send", rec[FLine], e.Msg.ID)
			require.Less(t, m[MSend], i)
			assert.Contains(t, es[m[MSend]].Sent, *e.Msg)
			if traces.Actions[e.Action] == traces.NetworkAction {
				assert.Equal(t, m[MTo], rec[FLane], "a network event sits on the message's destination lane")
			} else {
				assert.Equal(t, m[MTo], rec[FLane], "the receiver is the message's destination")
			}
		}
		for _, m := range e.Sent {
			assert.False(t, seen[m.ID])
			seen[m.ID] = true
		}
	}
	assert.Len(t, d.Msgs, len(seen), "one record per message sent")
	assert.Positive(t, crashed, "the run must have crashes")
	assert.Positive(t, commits)
	assert.Positive(t, drops)
	assert.Positive(t, dups)
}

// scriptRE finds the embedded data.
var scriptRE = regexp.MustCompile(`(?s)<script id="data" type="application/json">(.*?)</script>`)

func TestWriteHTML(t *testing.T) {
	h, es := faultyRun(t)
	for _, tc := range []struct {
		name string
		mark *Mark
		row  int
	}{
		{"no mark", nil, -1},
		{"mark", &Mark{Line: 100, Message: `ExactlyOnceExecution: </script><b>"x" & y`}, 98},
		{"mark off the trace", &Mark{Line: 1 << 30, Message: "nowhere"}, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, Write(&out, h, es, tc.mark))
			page := out.String()
			assert.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n<html"))
			assert.True(t, strings.HasSuffix(page, "</html>\n"))
			for _, tag := range []string{"html", "head", "title", "style", "body", "header", "main", "canvas"} {
				assert.Len(t, regexp.MustCompile(`<`+tag+`[\s>]`).FindAllString(page, -1), 1, tag)
				assert.Equal(t, 1, strings.Count(page, "</"+tag+">"), tag)
			}
			// Two scripts (data and code), each closed once: nothing in the data closes them.
			assert.Equal(t, 2, strings.Count(page, "<script"))
			assert.Equal(t, 2, strings.Count(page, "</script>"))
			// Self-contained: no external resource.
			for _, ref := range []string{"src=", "href=", "http://", "https://", "@import", "url("} {
				assert.NotContains(t, page, ref)
			}
			m := scriptRE.FindStringSubmatch(page)
			require.NotNil(t, m)
			var d Data
			require.NoError(t, json.Unmarshal([]byte(m[1]), &d))
			assert.Len(t, d.Events, len(es), "every event is embedded")
			assert.Equal(t, tc.row, d.MarkRow)
			if tc.mark != nil {
				require.NotNil(t, d.Mark)
				assert.Equal(t, *tc.mark, *d.Mark)
			}
			assert.Contains(t, page, "<title>vrcheck timeline: seed 3 ")
		})
	}
}

func TestBuildRejectsBadEvents(t *testing.T) {
	h := &traces.Header{Replicas: 3, F: 1, Clients: 1}
	for _, tc := range []struct {
		name string
		e    *traces.Event
		err  string
	}{
		{"no state", &traces.Event{Seq: 1, Action: traces.SendCommit, Replica: 0}, "line 2"},
		{"replica out of range", &traces.Event{Seq: 1, Action: traces.SendCommit, Replica: 5, State: &traces.ReplicaState{}}, "bad replica"},
		{"client out of range", &traces.Event{Seq: 1, Action: traces.ClientRequest, Client: 1, ClientState: &traces.ClientState{}}, "bad client"},
		{"unknown action", &traces.Event{Seq: 1, Action: "Teleport"}, "unknown action"},
		{"network without msg", &traces.Event{Seq: 1, Action: traces.DropMessage}, "no msg"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Build(h, []*traces.Event{tc.e}, nil)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.err)
		})
	}
}
