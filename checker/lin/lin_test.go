package lin

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// op is a compact history row: client, operation, key, value, result ("?" pending), call and
// return times.
type op struct {
	c                        int
	kind, key, value, result string
	call, ret                int64
}

func history(rows []op) *History {
	h := NewHistory()
	rn := map[int]int{}
	type ev struct {
		t      int64
		call   bool
		row    op
		client int
	}
	// Feed calls and returns in time order, as a trace would.
	var evs []ev
	for _, r := range rows {
		evs = append(evs, ev{r.call, true, r, r.c})
		if r.result != "?" {
			evs = append(evs, ev{r.ret, false, r, r.c})
		}
	}
	for i := 1; i < len(evs); i++ {
		for j := i; j > 0 && evs[j].t < evs[j-1].t; j-- {
			evs[j], evs[j-1] = evs[j-1], evs[j]
		}
	}
	for _, e := range evs {
		if e.call {
			rn[e.client]++
			h.Invoke(e.client, rn[e.client], Input{Op: e.row.kind, Key: e.row.key, Value: e.row.value}, e.t, int(e.t))
		} else {
			h.Return(e.client, rn[e.client], e.row.result, e.t, int(e.t))
		}
	}
	return h
}

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		rows    []op
		verdict string
		first   int64 // return time of Result.First for an illegal history
	}{
		{"sequential", []op{
			{0, "put", "x", "a", "", 1, 2}, {0, "get", "x", "", "a", 3, 4}, {0, "append", "x", "b", "a", 5, 6}, {0, "get", "x", "", "ab", 7, 8},
		}, Ok, 0},
		{"concurrent read sees old", []op{
			{0, "put", "x", "a", "", 1, 5}, {1, "get", "x", "", "", 2, 3},
		}, Ok, 0},
		{"concurrent read sees new", []op{
			{0, "put", "x", "a", "", 1, 5}, {1, "get", "x", "", "a", 2, 3},
		}, Ok, 0},
		{"stale read after the write returned", []op{
			{0, "put", "x", "a", "", 1, 2}, {1, "get", "x", "", "", 3, 4}, {1, "get", "x", "", "a", 5, 6},
		}, Illegal, 4},
		{"pending write may take effect", []op{
			{0, "put", "x", "a", "?", 1, 0}, {1, "get", "x", "", "a", 3, 4},
		}, Ok, 0},
		{"pending write may not take effect", []op{
			{0, "put", "x", "a", "?", 1, 0}, {1, "get", "x", "", "", 3, 4},
		}, Ok, 0},
		{"a read cannot see a write called after it returned", []op{
			{1, "get", "x", "", "a", 1, 2}, {0, "put", "x", "a", "", 3, 4},
		}, Illegal, 2},
		{"keys are independent", []op{
			{0, "put", "x", "a", "", 1, 2}, {1, "put", "y", "b", "", 1, 2}, {0, "get", "y", "", "b", 3, 4}, {1, "get", "x", "", "a", 3, 4},
		}, Ok, 0},
		{"lost append", []op{
			{0, "append", "x", "a", "", 1, 2}, {1, "append", "x", "b", "a", 3, 4}, {0, "get", "x", "", "b", 5, 6},
		}, Illegal, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := history(tc.rows)
			res := Check(h.Ops(), 10*time.Second, false)
			assert.Equal(t, tc.verdict, res.Verdict)
			if tc.verdict == Illegal {
				require.NotNil(t, res.First)
				assert.Equal(t, tc.first, res.First.Return)
				assert.Equal(t, []string{"x"}, res.Keys)
			}
		})
	}
}

func TestHistory(t *testing.T) {
	h := NewHistory()
	h.Invoke(0, 1, Input{Op: "get", Key: "x"}, 1, 2)
	assert.False(t, h.Return(0, 2, "", 2, 3), "wrong request number")
	assert.False(t, h.Return(1, 1, "", 2, 3), "client with nothing outstanding")
	h.Invoke(1, 1, Input{Op: "put", Key: "x", Value: "v"}, 3, 4)
	assert.True(t, h.Return(0, 1, "", 5, 6))
	ops := h.Ops()
	require.Len(t, ops, 2)
	assert.True(t, ops[1].Output.Pending)
	assert.Equal(t, int64(6), ops[1].Return, "pending until after the end of the history")
}

func TestVisualize(t *testing.T) {
	h := history([]op{{0, "put", "x", "a", "", 1, 2}, {1, "get", "x", "", "", 3, 4}})
	res := Check(h.Ops(), 10*time.Second, true)
	require.Equal(t, Illegal, res.Verdict)
	require.True(t, res.CanVisualize())
	path := t.TempDir() + "/lin.html"
	require.NoError(t, res.Visualize(path))
	assert.False(t, Check(h.Ops(), time.Second, false).CanVisualize())
}
