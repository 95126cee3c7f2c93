package lin

import (
	"fmt"
	"math/rand"
	"sort"
	"testing"
	"time"

	"github.com/anishathalye/porcupine"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// randomHistory runs clients against one key, each operation taking effect at a random point
// inside its call..return; with corrupt, some results are then altered (which may or may not
// make the history illegal). Values are unique unless dupValues.
// Operations take effect up to spread time units after their call and return up to spread
// after that; one in pendingEvery never returns (0: none).
func randomHistory(rng *rand.Rand, n, clients int, corrupt, dupValues bool, spread, pendingEvery int) []porcupine.Operation {
	type pending struct {
		in         Input
		call, at   int64
		client, id int
	}
	var ops []porcupine.Operation
	state := ""
	free := make([]int64, clients) // when each client may call again
	var running []pending
	t := int64(0)
	for k := 0; k < n; k++ {
		c := rng.Intn(clients)
		t += int64(rng.Intn(2))
		call := max(t, free[c]) + 1
		in := Input{Op: []string{"get", "put", "append"}[rng.Intn(3)], Key: "k"}
		if in.Op != "get" {
			in.Value = fmt.Sprintf("c%d.%d;", c, k)
			if dupValues && rng.Intn(3) == 0 {
				in.Value = "x;"
			}
		}
		at := call + 1 + int64(rng.Intn(spread))
		ret := at + 1 + int64(rng.Intn(spread))
		free[c] = ret
		running = append(running, pending{in: in, call: call, at: at, client: c, id: len(ops)})
		ops = append(ops, porcupine.Operation{ClientId: c, Input: in, Call: call, Return: ret})
	}
	// Apply in linearization-point order (points are distinct: ties broken by index).
	sort.SliceStable(running, func(i, j int) bool { return running[i].at < running[j].at })
	for _, p := range running {
		out := Output{Result: state}
		switch p.in.Op {
		case "put":
			state = p.in.Value
		case "append":
			state += p.in.Value
		}
		if corrupt && rng.Intn(8) == 0 {
			out.Result = []string{"", "zz;", state}[rng.Intn(3)]
		}
		if pendingEvery > 0 && rng.Intn(pendingEvery) == 0 {
			out = Output{Pending: true}
		}
		ops[p.id].Output = out
	}
	// Distinct times, as a trace's sequence numbers are: scale and offset by index.
	for i := range ops {
		ops[i].Call = ops[i].Call*1000 + int64(i)
		ops[i].Return = ops[i].Return*1000 + int64(i)
	}
	return ops
}

// TestChainAgreesWithPorcupine: wherever chain applies, it gives porcupine's verdict, on
// thousands of small random histories, legal and not.
// Sizes small enough for porcupine; 60,000 histories of up to 16 operations also agree.
const iters, maxN = 4000, 12

func TestChainAgreesWithPorcupine(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	count := map[string]int{}
	for it := 0; it < iters; it++ {
		h := randomHistory(rng, 2+rng.Intn(maxN), 1+rng.Intn(5), it%2 == 0, it%5 == 0, 6, 20)
		ok, applicable := chain(h)
		want := porcupine.CheckOperationsTimeout(Model, h, 5*time.Second)
		require.NotEqual(t, porcupine.Unknown, want)
		if !applicable {
			count["not applicable"]++
			continue
		}
		if !assert.Equal(t, want == porcupine.Ok, ok, "history %d: %v", it, h) {
			return
		}
		count[fmt.Sprint("applicable, ", want)]++
	}
	t.Log(count)
	// Both verdicts, and the fallback, are exercised.
	assert.Greater(t, count["applicable, Ok"], 500)
	assert.Greater(t, count["applicable, Illegal"], 500)
	assert.Greater(t, count["not applicable"], 100)
}

// TestCheckDecidesAtMaxClients: a history shaped like `vrcheck run --clients 1000` (1,000
// clients on 3 keys, hundreds of operations running at once per key), which porcupine's
// search alone does not decide in 10 s, is decided: legal as generated, illegal with one
// result altered.
func TestCheckDecidesAtMaxClients(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	var ops []Op
	for _, key := range []string{"k0", "k1", "k2"} {
		for i, o := range randomHistory(rng, 3300, 1000, false, false, 1000, 0) {
			in, out := o.Input.(Input), o.Output.(Output)
			in.Key = key
			ops = append(ops, Op{Client: o.ClientId, RequestNumber: i, Input: in, Output: out, Call: o.Call, Return: o.Return})
		}
	}
	for _, key := range []string{"k0", "k1", "k2"} {
		assert.Greater(t, maxRunning(ops, key), 200, "as many running at once as in a 1000-client run")
	}
	res := Check(ops, time.Minute, false)
	require.Equal(t, Ok, res.Verdict)
	for i := range ops {
		if o := &ops[i]; o.Input.Key == "k1" && o.Input.Op == "get" && !o.Output.Pending && o.Output.Result != "" {
			o.Output.Result = "never written;"
			break
		}
	}
	// The verdict does not wait for the timeout; finding the first illegal return (prefixes
	// with operations cut off, which chain rarely decides) gets one timeout more.
	res = Check(ops, time.Second, false)
	require.Equal(t, Illegal, res.Verdict)
	assert.Equal(t, []string{"k1"}, res.Keys)
}

// maxRunning is the most operations on key running at one time.
func maxRunning(ops []Op, key string) int {
	var ts []int64 // call times, and return times negated
	for _, o := range ops {
		if o.Input.Key == key {
			ts = append(ts, o.Call, -o.Return)
		}
	}
	abs := func(t int64) int64 { return max(t, -t) }
	sort.Slice(ts, func(i, j int) bool { return abs(ts[i]) < abs(ts[j]) })
	n, most := 0, 0
	for _, t := range ts {
		if t >= 0 {
			n++
		} else {
			n--
		}
		most = max(most, n)
	}
	return most
}
