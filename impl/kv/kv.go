// Package kv is the service that vrcheck's VR cluster replicates: a key-value store with get,
// put and append. Every operation returns the key's value before it ("" if never written), so
// a client's result pins down where its operation fell in the history.
package kv

import (
	"fmt"
	"sort"

	"github.com/vrcheck/vrcheck/traces"
)

// Store is the key-value state. The zero value is an empty store ready to use.
type Store struct {
	m map[string]string
}

// New returns an empty store.
func New() *Store { return &Store{} }

// Apply executes op on key and returns the key's value before it. An unknown op changes
// nothing and returns the key's current value, so it never panics; use Exec to learn that the
// op was unknown.
func (s *Store) Apply(op, key, value string) (result string) {
	result, _ = s.Exec(op, key, value)
	return result
}

// Exec is Apply that also reports an unknown op as an error (the store is then unchanged).
func (s *Store) Exec(op, key, value string) (string, error) {
	before := s.m[key]
	switch op {
	case traces.OpGet:
	case traces.OpPut:
		s.set(key, value)
	case traces.OpAppend:
		s.set(key, before+value)
	default:
		return before, fmt.Errorf("kv: unknown op %q (want %q, %q or %q)", op, traces.OpGet, traces.OpPut, traces.OpAppend)
	}
	return before, nil
}

// Get returns key's value without counting as an operation.
func (s *Store) Get(key string) string { return s.m[key] }

// Len is the number of keys ever written.
func (s *Store) Len() int { return len(s.m) }

// Reset empties the store, keeping its allocation.
func (s *Store) Reset() { clear(s.m) }

func (s *Store) set(key, value string) {
	if s.m == nil {
		s.m = make(map[string]string)
	}
	s.m[key] = value
}

// Snapshot returns the state as a checkpoint holds it: every key ever written with its
// value, sorted by key (never nil).
func (s *Store) Snapshot() []traces.KeyValue {
	out := make([]traces.KeyValue, 0, len(s.m))
	for k, v := range s.m {
		out = append(out, traces.KeyValue{Key: k, Value: v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Restore makes the state exactly kvs (a Snapshot).
func (s *Store) Restore(kvs []traces.KeyValue) {
	clear(s.m)
	for _, kv := range kvs {
		s.set(kv.Key, kv.Value)
	}
}
