package shiviz

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// faultyTrace simulates a run with every kind of fault.
func faultyTrace(t *testing.T) []byte {
	t.Helper()
	sc := sim.Default()
	sc.Seed = 7
	sc.Clients = 3
	sc.Faults.Drop, sc.Faults.Duplicate, sc.Faults.Crash = 0.1, 0.1, 0.02
	var buf bytes.Buffer
	_, err := sim.Run(sc, &buf)
	require.NoError(t, err)
	return buf.Bytes()
}

type entry struct {
	host  string
	clock map[string]int
	tick  int
	line  int
	event string
}

// parseLog parses a ShiViz log the way ShiViz does: line 1 the regexp, line 2 the delimiter,
// then the regexp applied repeatedly to the rest.
func parseLog(t *testing.T, log string) []entry {
	t.Helper()
	lines := strings.SplitN(log, "\n", 3)
	require.Len(t, lines, 3)
	require.Equal(t, Regexp, lines[0], "line 1 is the parser regexp")
	require.Equal(t, "", lines[1], "line 2 is the (empty) execution delimiter")
	// JavaScript's and Go's syntax agree on this regexp (Go reads (?<name>...) since 1.22).
	re := regexp.MustCompile(lines[0])
	var es []entry
	rest := lines[2]
	ms := re.FindAllStringSubmatchIndex(rest, -1)
	covered := 0
	for _, m := range ms {
		require.Equal(t, covered, m[0], "nothing between entries is left unparsed")
		covered = m[1] + 1 // the newline after the event line
		get := func(name string) string {
			i := re.SubexpIndex(name)
			return rest[m[2*i]:m[2*i+1]]
		}
		e := entry{host: get("host"), event: get("event")}
		require.NoError(t, json.Unmarshal([]byte(get("clock")), &e.clock), get("clock"))
		e.tick, _ = strconv.Atoi(get("tick"))
		e.line, _ = strconv.Atoi(get("line"))
		es = append(es, e)
	}
	assert.Equal(t, len(rest), covered, "the log ends after the last entry")
	return es
}

func TestShiVizRules(t *testing.T) {
	data := faultyTrace(t)
	h, events, err := traces.ReadAll(bytes.NewReader(data), "trace")
	require.NoError(t, err)
	var drops, dups int
	for _, ev := range events {
		switch ev.Action {
		case traces.DropMessage:
			drops++
		case traces.DuplicateMessage:
			dups++
		}
	}
	require.Positive(t, drops, "the trace must have drops")
	require.Positive(t, dups, "the trace must have duplicates")

	for _, tc := range []struct {
		net      bool
		from, to int
	}{{false, 0, 0}, {true, 0, 0}, {false, 150, 400}} {
		net := tc.net
		t.Run(fmt.Sprintf("net=%v,lines=%d-%d", tc.net, tc.from, tc.to), func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, Write(&out, bytes.NewReader(data), "trace", Options{Net: net, From: tc.from, To: tc.to}))
			es := parseLog(t, out.String())
			want := 0
			for i, ev := range events {
				line := i + 2
				if (tc.from > 0 && line < tc.from) || (tc.to > 0 && line > tc.to) {
					continue
				}
				if net || traces.Actions[ev.Action] != traces.NetworkAction {
					want++
				}
			}
			require.Len(t, es, want, "one entry per event (network events only with Net)")
			if tc.from > 0 {
				assert.Equal(t, tc.from, es[0].line)
				assert.LessOrEqual(t, es[len(es)-1].line, tc.to)
			}

			// Clocks of each host's events, by own time; and the clock of each event by line.
			own := map[string][]map[string]int{}
			byLine := map[int]map[string]int{}
			for _, e := range es {
				assert.NotContains(t, e.event, "\n")
				k := len(own[e.host]) + 1
				require.Equal(t, k, e.clock[e.host], "line %d: host %s's own entry starts at 1 and rises by exactly 1", e.line, e.host)
				for host, v := range e.clock {
					require.Positive(t, v, "zero entries are left out")
					if host != e.host {
						require.LessOrEqual(t, v, len(own[host]), "line %d: entry for %s names an event it has not had yet", e.line, host)
						// The named event happened before: its clock is dominated by this one.
						for h2, v2 := range own[host][v-1] {
							require.LessOrEqual(t, v2, e.clock[h2], "line %d: clock must dominate its causal past", e.line)
						}
					}
				}
				if k > 1 {
					for h2, v2 := range own[e.host][k-2] {
						require.LessOrEqual(t, v2, e.clock[h2], "line %d: a host's clock never goes back", e.line)
					}
				}
				own[e.host] = append(own[e.host], e.clock)
				byLine[e.line] = e.clock
			}
			// A receive's clock dominates its send's, and is strictly later on the sender's entry.
			sentAt := map[int]int{} // message id -> line of the send
			receives := 0
			for i, ev := range events {
				line := i + 2
				for _, m := range ev.Sent {
					sentAt[m.ID] = line
				}
				if ev.Msg == nil || (!net && traces.Actions[ev.Action] == traces.NetworkAction) {
					continue
				}
				send, recv := byLine[sentAt[ev.Msg.ID]], byLine[line]
				if tc.from > 0 && (sentAt[ev.Msg.ID] < tc.from || line > tc.to) {
					continue // outside the window
				}
				require.NotNil(t, send)
				require.NotNil(t, recv, "line %d", line)
				for host, v := range send {
					require.LessOrEqual(t, v, recv[host], "line %d: receive of message %d must dominate its send", line, ev.Msg.ID)
				}
				receives++
			}
			assert.Greater(t, receives, 50)
			hosts := 0
			for range own {
				hosts++
			}
			wantHosts := h.Replicas + h.Clients
			if tc.from > 0 {
				wantHosts = hosts // a window need not include every host
			}
			if net {
				wantHosts++
				assert.Len(t, own["net"], drops+dups)
			}
			assert.Equal(t, wantHosts, hosts)
		})
	}
}

func TestDescribeHasNoBraces(t *testing.T) {
	ev := &traces.Event{Action: traces.ClientRequest, Client: 0,
		Sent:        []traces.Message{{ID: 1, Type: traces.Request, Client: 0, RequestNumber: 1, Op: "put", Key: "k{0}", Value: "a}\nb"}},
		ClientState: &traces.ClientState{RequestNumber: 1, Pending: true}}
	rcv := &traces.Event{Action: traces.ReceiveRequest, Replica: 0, Msg: &ev.Sent[0], State: &traces.ReplicaState{Status: "normal"}}
	for _, e := range []*traces.Event{ev, rcv} {
		d := Describe(e)
		assert.NotContains(t, d, "{")
		assert.NotContains(t, d, "}")
		assert.NotContains(t, d, "\n")
	}
}

func TestBadInput(t *testing.T) {
	h := `{"format":"vrcheck-trace","version":1,"seed":0,"replicas":3,"f":1,"clients":1,"bugs":[],"scenario":{}}` + "\n"
	recvUnsent := `{"seq":1,"tick":0,"action":"ReceiveCommit","replica":1,"msg":{"id":9,"type":"COMMIT","from":0,"to":1,"view":0,"commitNumber":0},"sent":[],"state":{"viewNumber":0,"status":"normal","opNumber":0,"commitNumber":0,"lastNormalView":0,"nonce":0,"logKeep":0,"logAdd":[]}}` + "\n"
	var out bytes.Buffer
	err := Write(&out, strings.NewReader(h+recvUnsent), "t.ndjson", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t.ndjson:2")
	assert.Contains(t, err.Error(), "never sent")
	err = Write(&out, strings.NewReader("not json\n"), "t.ndjson", Options{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "t.ndjson:1")
}

// A reconfiguration trace (scenarios/reconfigure.yaml: replica 3 joins, 0 shuts down) has a
// host per replica of the universe (it failed with "replica 3 out of range").
func TestReconfigurationHosts(t *testing.T) {
	sc, err := sim.Load("../../scenarios/reconfigure.yaml")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = sim.Run(sc, &buf)
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, Write(&out, bytes.NewReader(buf.Bytes()), "trace", Options{}))
	hosts := map[string]bool{}
	for _, e := range parseLog(t, out.String()) {
		hosts[e.host] = true
		if e.host == "r3" {
			assert.NotZero(t, e.clock["r3"])
		}
	}
	assert.True(t, hosts["r3"], "the added replica is a host")
	assert.True(t, hosts["c3"], "so is the administrator")
}
