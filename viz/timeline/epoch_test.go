package timeline

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// reconfigRun is scenarios/reconfigure.yaml: {0,1,2} -> {1,2,3} at tick 200; replica 3
// starts idle, replica 0 shuts down.
func reconfigRun(t *testing.T) (*traces.Header, []*traces.Event) {
	t.Helper()
	sc, err := sim.Load("../../scenarios/reconfigure.yaml")
	require.NoError(t, err)
	var buf bytes.Buffer
	_, err = sim.Run(sc, &buf)
	require.NoError(t, err)
	h, es, err := traces.ReadAll(&buf, "trace")
	require.NoError(t, err)
	return h, es
}

// A reconfiguration trace draws the whole replica universe, marks where the epoch begins
// (the first event in it, with its configuration), starts the added replica idle, ends the
// replaced one's lane shut down, and takes the primary from the epoch's configuration.
func TestBuildEpochs(t *testing.T) {
	h, es := reconfigRun(t)
	d, err := Build(h, es, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"r0", "r1", "r2", "r3", "c0", "c1", "c2", "c3"}, d.Lanes)
	assert.Equal(t, []int{StNormal, StNormal, StNormal, StReplicaIdle, StIdle, StIdle, StIdle, StIdle}, d.Start)

	first := -1
	for i, e := range es {
		if e.State != nil && e.State.EpochNumber == 1 {
			first = i
			break
		}
	}
	require.Positive(t, first)
	require.Equal(t, []Epoch{{Row: first, Epoch: 1, Config: []int{1, 2, 3}}}, d.Epochs)

	var shut, idle, transitioning, primaries int
	for i, rec := range d.Events {
		e := es[i]
		if e.State == nil {
			continue
		}
		assert.Equal(t, e.State.EpochNumber, rec[FEpoch])
		switch e.State.Status {
		case traces.StatusShutDown:
			assert.Equal(t, StShutDown, rec[FStatus])
			assert.Equal(t, 0, e.Replica, "only the replaced replica shuts down")
			shut++
		case traces.StatusIdle:
			assert.Equal(t, StReplicaIdle, rec[FStatus])
			idle++
		case traces.StatusTransitioning:
			assert.Equal(t, StTransitioning, rec[FStatus])
			transitioning++
		}
		if rec[FFlags]&FlagPrimary != 0 && e.State.EpochNumber == 1 {
			assert.Equal(t, 1, e.Replica, "the primary of epoch 1, view 0 is {1,2,3}'s first, replica 1")
			primaries++
		}
	}
	assert.Positive(t, shut)
	assert.Positive(t, transitioning)
	assert.Positive(t, primaries)
	// The last event of replica 0's lane leaves it shut down: nothing after it.
	last := -1
	for i, rec := range d.Events {
		if rec[FLane] == 0 && rec[FStatus] != StNone {
			last = i
		}
	}
	assert.Equal(t, StShutDown, d.Events[last][FStatus])
}

// The page draws the epoch's line and label, greys the names of replicas outside the
// configuration of the epoch on screen, explains both in the legend, and every label still
// fits its lane at 1400 px.
func TestDrawEpochs(t *testing.T) {
	h, es := reconfigRun(t)
	d := draw(t, h, es, 1400)
	assert.Contains(t, d.Legend, "epoch begins")
	assert.Contains(t, d.Legend, "e epoch-number")
	assert.Contains(t, d.Legend, "shut down (replaced)")
	assert.Contains(t, d.Legend, "idle (not yet in a configuration)")
	var label, r0Grey, r0Black, r3Grey, r3Black bool
	for _, x := range d.Texts {
		switch {
		case x.S == "epoch 1 {1,2,3}":
			label = true
		case x.S == "r0" && x.Align == "center":
			r0Grey, r0Black = r0Grey || x.Colour == "#aaa", r0Black || x.Colour == "#222"
		case x.S == "r3" && x.Align == "center":
			r3Grey, r3Black = r3Grey || x.Colour == "#aaa", r3Black || x.Colour == "#222"
		}
	}
	assert.True(t, label, "the epoch's label is drawn")
	assert.True(t, r0Black && r0Grey, "r0: a member of epoch 0, not of epoch 1")
	assert.True(t, r3Grey && r3Black, "r3: idle in epoch 0, a member of epoch 1")
	assertLabelsFit(t, h, es, d, h.Clients)
}
