package vr

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/kv"
	"github.com/vrcheck/vrcheck/traces"
)

// history is the global committed sequence seen so far and what each entry returned.
type history struct {
	log     []traces.Entry
	results []string
	store   kv.Store
}

// observe checks that replica r's committed prefix agrees with every committed prefix seen
// before, and extends the history with it.
func (h *history) observe(t testing.TB, c *cluster, r *Replica) {
	t.Helper()
	l := r.log[:r.CommitNumber()]
	n := min(len(l), len(h.log))
	for i := min(c.stable[r.id], n); i < n; i++ {
		if h.log[i] != l[i] {
			require.Equal(t, h.log[i], l[i], "replica %d's committed op %d disagrees with an earlier commit", r.ID(), i+1)
		}
	}
	for _, e := range l[n:] {
		h.log = append(h.log, e)
		h.results = append(h.results, h.store.Apply(e.Op, e.Key, e.Value))
	}
	c.stable[r.id] = len(l)
}

// resultOf is what the committed history says request (client, req) returned.
func (h *history) resultOf(client, req int) (string, bool) {
	for i, e := range h.log {
		if e.Client == client && e.RequestNumber == req {
			return h.results[i], true
		}
	}
	return "", false
}

var (
	randomSeeds = flag.Int("vr.seeds", 60, "seeds per cluster size in TestRandomSchedules")
	randomSteps = flag.Int("vr.steps", 3000, "steps per seed in TestRandomSchedules")
)

// TestRandomSchedules runs seeded random schedules (loss, duplication, reordering, crashes of
// at most f replicas at a time) and checks after every step that committed prefixes agree,
// that no replica reports a fault, that every result a client gets is the one the committed
// history gives its request, and finally that the cluster completes all requests once the
// faults stop.
func TestRandomSchedules(t *testing.T) {
	seeds := *randomSeeds
	if testing.Short() {
		seeds = 10
	}
	for _, f := range []int{1, 2} {
		for seed := 1; seed <= seeds; seed++ {
			t.Run(fmt.Sprintf("f=%d/seed=%d", f, seed), func(t *testing.T) {
				runRandom(t, f, uint64(seed), *randomSteps)
			})
		}
	}
}

func runRandom(t *testing.T, f int, seed uint64, steps int) { runRandomCluster(t, f, seed, steps) }

func runRandomCluster(t *testing.T, f int, seed uint64, steps int) *cluster {
	rng := rand.New(rand.NewPCG(seed, 99))
	c := newCluster(t, f, 3, Bugs{})
	var h history
	nonce := 0
	checked := map[int]int{}
	check := func() {
		for _, r := range c.reps {
			h.observe(t, c, r)
		}
		for cl, res := range c.returned {
			for i := checked[cl]; i < len(res); i++ {
				want, ok := h.resultOf(cl, i+1)
				require.True(t, ok, "client %d got a result for request %d, which is not committed", cl, i+1)
				require.Equal(t, want, res[i], "client %d request %d", cl, i+1)
			}
			checked[cl] = len(res)
		}
	}
	ops := []string{traces.OpGet, traces.OpPut, traces.OpAppend}
	keys := []string{"a", "b"}
	for step := 0; step < steps; step++ {
		switch x := rng.IntN(100); {
		case x < 55 && len(c.net) > 0:
			c.deliverAt(rng.IntN(len(c.net)))
		case x < 62 && len(c.net) > 0:
			i := rng.IntN(len(c.net))
			c.net = append(c.net[:i], c.net[i+1:]...)
		case x < 65 && len(c.net) > 0:
			c.queue(c.net[rng.IntN(len(c.net))])
		case x < 85:
			c.tick()
		case x < 95:
			cl := rng.IntN(len(c.clients))
			if !c.clients[cl].Pending() {
				c.request(cl, ops[rng.IntN(3)], keys[rng.IntN(2)], fmt.Sprint(step))
			}
		case x < 97:
			i := rng.IntN(len(c.reps))
			failed := 0
			for _, r := range c.reps {
				if r.Status() == traces.StatusRecovering {
					failed++
				}
			}
			if failed < f && c.reps[i].Status() != traces.StatusRecovering {
				nonce++
				c.crash(i, nonce)
			}
		default:
			for i, d := range c.down {
				if d {
					c.restart(i)
					break
				}
			}
		}
		check()
	}
	// Heal: restart everyone, stop losing messages, and every request must complete.
	for i, d := range c.down {
		if d {
			c.restart(i)
		}
	}
	for i := 0; ; i++ {
		require.Less(t, i, 500, "no progress after healing: %v", c.events[max(0, len(c.events)-30):])
		c.run()
		check()
		done := true
		for _, cl := range c.clients {
			done = done && !cl.Pending()
		}
		if done {
			break
		}
		c.tick()
	}
	require.NotEmpty(t, h.log)
	return c
}
