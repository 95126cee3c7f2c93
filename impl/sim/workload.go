package sim

import (
	"math/rand/v2"
	"strconv"

	"github.com/vrcheck/vrcheck/traces"
)

// Next draws client c's n-th operation: the op by the weights, then the key, from rng; a
// write's value is unique to (c, n), so that every write's effect is visible to the
// linearizability check. The simulator's clients and the real cluster's share it.
func (w Workload) Next(rng *rand.Rand, c, n int) (op, key, value string) {
	x := rng.IntN(w.Get + w.Put + w.Append)
	key = "k" + strconv.Itoa(rng.IntN(w.Keys))
	switch {
	case x < w.Get:
		return traces.OpGet, key, ""
	case x < w.Get+w.Put:
		op = traces.OpPut
	default:
		op = traces.OpAppend
	}
	return op, key, "c" + strconv.Itoa(c) + "." + strconv.Itoa(n) + ";"
}
