package checker

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func TestIDSetMatchesAMap(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	for round := 0; round < 50; round++ {
		var s idSet
		m := map[int]bool{}
		for i := 0; i < 300; i++ {
			id := rng.Intn(400) - 64 // negative ids and word boundaries too
			if rng.Intn(3) == 0 {    // mostly increasing, as writers number messages
				id = len(m) + 1
			}
			id += (rng.Intn(3) - 1) * idPage // and across the bitmap's pages
			s.add(id)
			m[id] = true
		}
		for id := -70 - idPage; id <= 402+idPage; id++ {
			require.Equal(t, m[id], s.has(id), "round %d id %d", round, id)
		}
	}
}

func TestNetworkFind(t *testing.T) {
	n := newNetwork()
	m := traces.Message{ID: 5, Type: traces.Commit, From: 0, To: 1, View: 2, CommitNumber: 3}
	n.send(&m)
	assert.Empty(t, n.find(&m))
	altered := m
	altered.CommitNumber = 4
	assert.Contains(t, n.find(&altered), "altered in flight: commitNumber is 4, want 3")
	n.duplicate(5)
	n.remove(5)
	assert.Empty(t, n.find(&m), "one copy is left")
	n.remove(5)
	assert.Contains(t, n.find(&m), "already received or dropped")
	other := m
	other.ID = 6
	assert.Contains(t, n.find(&other), "never sent")
}
