package checker

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// The rule table names a rule and the inputs to show for every action the checker validates.
func TestRuleTableCoversEveryAction(t *testing.T) {
	for a := range traces.Actions {
		r, ok := rules[a]
		if assert.True(t, ok, "%s has no rule", a) {
			assert.NotEmpty(t, r.Section, a)
			assert.NotEmpty(t, r.Text, a)
			assert.NotEmpty(t, r.inputs, a)
		}
	}
	for a := range rules {
		_, ok := traces.Actions[a]
		assert.True(t, ok, "rule for %s, which is not an action", a)
	}
}

// breakStep makes event e an illegal step of its own action without touching the network:
// a post-state field (replica and client actions) or the message (network actions).
func breakStep(e *traces.Event) string {
	switch traces.Actions[e.Action] {
	case traces.ReplicaReceive, traces.ReplicaTimer:
		e.State.CommitNumber += 100
		return "state.commitNumber"
	case traces.ClientAction:
		e.ClientState.RequestNumber += 5
		return "clientState.requestNumber"
	}
	e.Msg.ID += 100000 // a message never sent
	return "msg"
}

// Every kind of step-validation failure explains itself: the action's rule from the paper, the
// inputs it weighed (the node's state before, the message), what the spec decided where the
// rule makes a choice, and the command that shows the line on the timeline.
func TestEveryFailedStepExplainsItself(t *testing.T) {
	covered := map[string]bool{}
	for _, file := range []string{"good/sim-faults.ndjson", "good/sim-alt.ndjson", "good/hand-two-ops.ndjson", "good/sim-batch.ndjson", "good/sim-checkpoint.ndjson", "good/sim-reconfig.ndjson", "good/sim-reads.ndjson"} {
		h, evs := load(t, file)
		seen := map[string]bool{}
		for i, e := range evs {
			if seen[e.Action] {
				continue
			}
			seen[e.Action] = true
			t.Run(fmt.Sprintf("%s/%s", file, e.Action), func(t *testing.T) {
				bad := clone(evs)
				field := breakStep(bad[i])
				rep, err := Check(bytes.NewReader(encode(t, h, bad)), "t.ndjson", Options{SkipLinearizability: true})
				require.NoError(t, err)
				require.NotEmpty(t, rep.Mismatches)
				m := rep.Mismatches[0]
				require.Equal(t, lineOf(i), m.Line)
				require.Equal(t, field, m.Diffs[0].Field)
				want := rules[e.Action].Rule
				if field == "msg" {
					want = fieldRules[1].Rule
				}
				assert.Equal(t, want, m.Rule)
				var inputs []string
				for _, in := range m.Inputs {
					inputs = append(inputs, in.What)
					assert.NotEmpty(t, in.Items, in.What)
				}
				switch traces.Actions[e.Action] {
				case traces.ReplicaReceive, traces.ReplicaTimer:
					assert.Contains(t, inputs, fmt.Sprintf("replica %d before the step", e.Replica))
				case traces.ClientAction:
					assert.Contains(t, inputs, fmt.Sprintf("client %d before the step", e.Client))
				}
				if e.Msg != nil {
					assert.Contains(t, inputs, map[bool]string{true: "the message", false: "the message received"}[field == "msg"])
				}
				if rules[e.Action].decide != nil {
					assert.NotEmpty(t, m.Decision)
					assert.Contains(t, m.Decision, "the spec")
				}
				assert.Equal(t, fmt.Sprintf("vrcheck timeline t.ndjson --mark %d --out t.html", m.Line), m.Timeline)

				var txt strings.Builder
				require.NoError(t, rep.WriteText(&txt))
				assert.Contains(t, txt.String(), "rule "+want.Section+": "+want.Text)
				assert.Contains(t, txt.String(), "timeline: "+m.Timeline)
				v, _ := rep.Verdict(StepValidation)
				assert.Contains(t, v.Message, "(rule: "+want.Section+")")
				covered[e.Action] = true
			})
		}
	}
	var missing []string
	for a := range traces.Actions {
		if !covered[a] {
			missing = append(missing, a)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "actions with no failing step tested")
}

// A new primary's failed view start lists the DOVIEWCHANGEs it weighed, marks the one §4.2
// step 3 selects and the one whose log the trace took.
func TestDoViewChangeReportNamesTheChoice(t *testing.T) {
	h, evs := load(t, "good/sim-alt.ndjson")
	// The ReceiveDoViewChange that starts a view sends STARTVIEWs.
	i := find(t, evs, 0, func(e *traces.Event) bool {
		return e.Action == traces.ReceiveDoViewChange && len(e.Sent) > 0 && e.Sent[0].Type == traces.StartView
	})
	bad := clone(evs)
	// The trace keeps one entry fewer than the chosen log: the log of no DOVIEWCHANGE.
	st := bad[i].State
	require.Positive(t, st.OpNumber)
	require.Equal(t, st.OpNumber, st.LogKeep+len(st.LogAdd))
	if len(st.LogAdd) > 0 {
		st.LogAdd = st.LogAdd[:len(st.LogAdd)-1]
	} else {
		st.LogKeep--
	}
	st.OpNumber--
	rep, err := Check(bytes.NewReader(encode(t, h, bad)), "t.ndjson", Options{SkipLinearizability: true})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Mismatches)
	m := rep.Mismatches[0]
	require.Equal(t, lineOf(i), m.Line)
	var dvcs *Input
	for k := range m.Inputs {
		if strings.HasPrefix(m.Inputs[k].What, "DOVIEWCHANGEs weighed for view") {
			dvcs = &m.Inputs[k]
		}
	}
	require.NotNil(t, dvcs, "%+v", m.Inputs)
	assert.Len(t, dvcs.Items, h.F+1)
	chosen := 0
	for _, it := range dvcs.Items {
		assert.Regexp(t, `^replica \d+: last-normal-view \d+, op-number \d+, commit-number \d+, log of \d+ entr(y|ies) \((its own, line \d+|this message|received at line \d+)\)`, it)
		if strings.HasSuffix(it, "<- the spec's choice") {
			chosen++
		}
	}
	assert.Equal(t, 1, chosen, "%q", dvcs.Items)
	assert.Contains(t, m.Decision, "the spec starts view")
	assert.Contains(t, m.Decision, "is none of the DOVIEWCHANGEs' logs")
}

// The text report states a rule's words once; later failed steps under it name it only.
func TestReportStatesEachRuleOnce(t *testing.T) {
	_, rep, err := checkFile(t, "bad/sim-bug-reply-before-commit.ndjson")
	require.NoError(t, err)
	require.Greater(t, len(rep.Mismatches), 1)
	var txt strings.Builder
	require.NoError(t, rep.WriteText(&txt))
	r := rules[traces.ReceiveRequest].Rule
	assert.Equal(t, 1, strings.Count(txt.String(), r.Text), txt.String())
	assert.Contains(t, txt.String(), "    rule "+r.Section+" (as above)\n")
	assert.Contains(t, txt.String(), "the trace also sends the REPLY at once, before the request is committed")
}

// When last-normal-view and op-number tie, the decision says the lowest replica id breaks it.
func TestDoViewChangeTieNamesTheTieBreak(t *testing.T) {
	_, rep, err := checkFile(t, "bad/view-change-wrong-log.ndjson")
	require.NoError(t, err)
	require.NotEmpty(t, rep.Mismatches)
	assert.Equal(t, "the spec starts view 2 with the log of replica 1's DOVIEWCHANGE (among the 2 with the largest last-normal-view 0, the largest op-number (0), then the lowest replica id): last-normal-view 0, op-number 0; the trace's log (1 entry) is none of the DOVIEWCHANGEs' logs",
		rep.Mismatches[0].Decision)
}

// The timeline command runs as printed, whatever the trace's name.
func TestTimelineCommandIsQuoted(t *testing.T) {
	h, evs := load(t, "good/sim-normal.ndjson")
	breakStep(evs[0])
	rep, err := Check(bytes.NewReader(encode(t, h, evs)), "my runs/it's.ndjson", Options{SkipLinearizability: true})
	require.NoError(t, err)
	require.NotEmpty(t, rep.Mismatches)
	assert.Equal(t, `vrcheck timeline 'my runs/it'\''s.ndjson' --mark 2 --out 'my runs/it'\''s.html'`, rep.Mismatches[0].Timeline)
}
