package sim

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/traces"
)

// fromTrace computes a run's first reconfiguration's figures again, from its trace alone: the
// ticks of the events that define them, and the client requests outstanding in the window.
func fromTrace(t *testing.T, data []byte, from, to []int) Reconfiguration {
	t.Helper()
	h, es, err := traces.ReadAll(bytes.NewReader(data), "trace")
	require.NoError(t, err)
	admin := h.Clients - 1
	rc := Reconfiguration{Epoch: 1, Asked: -1, Stopped: -1, Ready: -1, Returned: -1, ShutDown: -1}
	for _, r := range from {
		if !slices.Contains(to, r) {
			rc.Replaced = append(rc.Replaced, r)
		}
	}
	shut := map[int]int{}
	type span struct{ from, to int }
	var spans []span
	open := map[int]int{} // client -> index in spans
	for _, e := range es {
		switch {
		case e.Action == traces.ClientReconfiguration && rc.Asked < 0:
			rc.Asked = e.Tick
		case e.ClientState != nil && e.Client != admin:
			k, pending := open[e.Client]
			if e.ClientState.Pending && !pending {
				open[e.Client] = len(spans)
				spans = append(spans, span{e.Tick, -1})
			} else if !e.ClientState.Pending && pending {
				spans[k].to = e.Tick
				delete(open, e.Client)
			}
		case e.State != nil:
			s := e.State
			if rc.Stopped < 0 && e.Action == traces.ReceiveReconfiguration && slices.ContainsFunc(s.LogAdd, func(x traces.Entry) bool { return x.Op == traces.OpReconfiguration }) {
				rc.Stopped = e.Tick
			}
			if rc.Ready < 0 && s.EpochNumber == 1 && s.Status == traces.StatusNormal && s.Config[s.ViewNumber%len(s.Config)] == e.Replica {
				rc.Ready = e.Tick
			}
			if _, ok := shut[e.Replica]; !ok && s.Status == traces.StatusShutDown {
				shut[e.Replica] = e.Tick
			}
		}
	}
	rc.ShutDown = rc.Asked
	for _, r := range rc.Replaced {
		tk, ok := shut[r]
		require.True(t, ok, "replaced replica %d never shut down", r)
		rc.ShutDown = max(rc.ShutDown, tk)
	}
	end := es[len(es)-1].Tick + 1
	for _, sp := range spans {
		// Outstanding at some tick in [Stopped, Ready): invoked by then, not returned by then.
		for tk := rc.Stopped; tk < rc.Ready; tk++ {
			if sp.from <= tk && (sp.to < 0 || sp.to > tk) {
				rc.Blocked++
				stop := sp.to
				if stop < 0 {
					stop = end
				}
				rc.BlockedMax = max(rc.BlockedMax, stop-sp.from)
				break
			}
		}
	}
	return rc
}

// The run summary's reconfiguration figures are tick differences of the trace's own events.
func TestReconfigurationFigures(t *testing.T) {
	sc, err := Load("../../scenarios/reconfigure.yaml")
	require.NoError(t, err)
	cases := []Scenario{sc}
	for seed := int64(1); seed <= 12; seed++ {
		s := Default()
		s.Seed = seed
		s.Requests = 60 // long enough that clients are busy when the reconfiguration comes
		RandomReconfig(&s)
		cases = append(cases, s)
	}
	blocked := 0
	for _, sc := range cases {
		t.Run(fmt.Sprint(sc.Seed, sc.Reconfigure), func(t *testing.T) {
			data, res := runTrace(t, sc)
			require.Len(t, res.Reconfigs, 1)
			got := res.Reconfigs[0]
			from := []int{0, 1, 2}
			want := fromTrace(t, data, from, sc.Reconfigure[0].Replicas)
			assert.Equal(t, want.Asked, got.Asked, "asked")
			assert.Equal(t, want.Stopped, got.Stopped, "stopped")
			assert.Equal(t, want.Ready, got.Ready, "ready")
			assert.Equal(t, want.ShutDown, got.ShutDown, "shut down")
			assert.Equal(t, want.Replaced, got.Replaced, "replaced")
			assert.Equal(t, want.Blocked, got.Blocked, "blocked")
			assert.Equal(t, want.BlockedMax, got.BlockedMax, "longest blocked")
			assert.Equal(t, res.ReconfigTicks[0], got.Returned-got.Asked, "returned")
			require.True(t, got.Asked <= got.Stopped && got.Stopped < got.Ready, "asked %d, stopped %d, ready %d", got.Asked, got.Stopped, got.Ready)
			assert.Equal(t, max(want.Ready, want.ShutDown)-want.Asked, got.ToDone())

			var sum bytes.Buffer
			res.WriteSummary(&sum)
			assert.Contains(t, sum.String(), fmt.Sprintf("complete in %d ticks (new primary normal +%d,", got.ToDone(), got.Ready-got.Asked))
			assert.Contains(t, sum.String(), plural(got.Blocked, "client request")+" blocked")
			blocked += got.Blocked
		})
	}
	assert.Positive(t, blocked, "some reconfiguration blocked a request")
}

// With a capacity (the sweep's default), a NEWEPOCH to a client is delivered like a REPLY:
// clients have no capacity (this indexed the replicas' counters with a client id and panicked).
func TestReconfigWithCapacity(t *testing.T) {
	for seed := int64(1); seed <= 8; seed++ {
		sc := Default()
		sc.Seed, sc.Capacity, sc.Requests = seed, 8, 60
		RandomReconfig(&sc)
		_, res := runTrace(t, sc)
		assert.Equal(t, res.Requests, res.Completed, "seed %d", seed)
	}
}

// Two reconfigurations in a row: the REPLY to the first moves the administrator to epoch 1, so
// the second is a RECONFIGURATION of epoch 1 (it used to go out with epoch 0, get a NEWEPOCH,
// and count as done without ever happening).
func TestTwoReconfigurations(t *testing.T) {
	sc, err := Load("../../scenarios/reconfigure.yaml")
	require.NoError(t, err)
	sc.Reconfigure = []Reconfig{{At: 100, Replicas: []int{0, 1, 2, 3, 4}}, {At: 300, Replicas: []int{2, 3, 4}}}
	sc.Faults.StopAt = 600
	data, res := runTrace(t, sc)
	assert.Equal(t, 2, res.Reconfigurations, "both returned")
	assert.Equal(t, 2, res.Epochs, "final epoch")
	assert.Equal(t, 2, res.ShutDowns, "replicas 0 and 1 shut down")
	assert.Contains(t, string(data), `"epoch":2`)

	// The checker holds the administrator to that rule: its state after the first REPLY
	// altered back to epoch 0 is not a legal step.
	rep, err := checker.Check(bytes.NewReader(data), "two.ndjson", checker.Options{SkipLinearizability: true})
	require.NoError(t, err)
	require.Empty(t, failures(rep), "the correct run passes")
	admin := fmt.Sprintf(`"action":"ClientReceiveReply","client":%d,`, sc.Clients)
	lines := bytes.Split(data, []byte("\n"))
	at := slices.IndexFunc(lines, func(l []byte) bool { return bytes.Contains(l, []byte(admin)) })
	require.Positive(t, at, "the administrator's first REPLY")
	lines[at] = bytes.Replace(lines[at], []byte(`"pending":false,"epoch":1}`), []byte(`"pending":false,"epoch":0}`), 1)
	rep, err = checker.Check(bytes.NewReader(bytes.Join(lines, []byte("\n"))), "two.ndjson", checker.Options{SkipLinearizability: true})
	require.NoError(t, err)
	f := failures(rep)
	require.NotEmpty(t, f, "an administrator that stays in epoch 0 is rejected")
	assert.Equal(t, at+1, f[0].Line)
	assert.Contains(t, f[0].Message, "clientState.epoch")
}

func failures(rep *checker.Report) []checker.Verdict {
	var f []checker.Verdict
	for _, v := range rep.Verdicts {
		if v.Status == checker.Fail {
			f = append(f, v)
		}
	}
	return f
}
