package kv

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestApplyReturnsValueBefore(t *testing.T) {
	type step struct {
		op, key, value string
		want           string
	}
	tests := []struct {
		name  string
		steps []step
		final map[string]string
	}{
		{"get of unwritten key", []step{{traces.OpGet, "x", "", ""}}, map[string]string{"x": ""}},
		{"put then get", []step{
			{traces.OpPut, "x", "1", ""},
			{traces.OpGet, "x", "", "1"},
		}, map[string]string{"x": "1"}},
		{"put overwrites", []step{
			{traces.OpPut, "x", "1", ""},
			{traces.OpPut, "x", "2", "1"},
		}, map[string]string{"x": "2"}},
		{"append concatenates", []step{
			{traces.OpAppend, "x", "a", ""},
			{traces.OpAppend, "x", "b", "a"},
			{traces.OpPut, "x", "c", "ab"},
			{traces.OpAppend, "x", "d", "c"},
		}, map[string]string{"x": "cd"}},
		{"keys are independent", []step{
			{traces.OpPut, "x", "1", ""},
			{traces.OpAppend, "y", "2", ""},
			{traces.OpGet, "x", "", "1"},
		}, map[string]string{"x": "1", "y": "2"}},
		{"get ignores its value", []step{
			{traces.OpGet, "x", "ignored", ""},
		}, map[string]string{"x": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Store // the zero value is usable
			for i, st := range tt.steps {
				assert.Equal(t, st.want, s.Apply(st.op, st.key, st.value), "step %d", i)
			}
			for k, v := range tt.final {
				assert.Equal(t, v, s.Get(k), "key %q", k)
			}
		})
	}
}

func TestUnknownOp(t *testing.T) {
	s := New()
	s.Apply(traces.OpPut, "x", "1")
	got, err := s.Exec("delete", "x", "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"delete"`)
	assert.Equal(t, "1", got)
	assert.Equal(t, "1", s.Apply("delete", "x", ""), "Apply on an unknown op must not change the store")
	assert.Equal(t, "1", s.Get("x"))
}

func TestReset(t *testing.T) {
	s := New()
	s.Apply(traces.OpPut, "x", "1")
	require.Equal(t, 1, s.Len())
	s.Reset()
	assert.Equal(t, 0, s.Len())
	assert.Equal(t, "", s.Get("x"))
}
