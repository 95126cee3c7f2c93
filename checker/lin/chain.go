package lin

import (
	"strings"

	"github.com/anishathalye/porcupine"
)

// chain decides one key's history in O(n log n) when its writes are distinguishable, which
// porcupine's search cannot do for hundreds of concurrent clients (issue 16, defect 5: 1,000
// clients, 3 keys, ~3,300 operations and up to 369 running at once per key).
//
// Every operation returns the key's value before it, so each completed operation is a known
// transition: get, and any write that leaves the value as it was, reads a state s; put v
// takes s to v and append v takes s to s+v. If no two such changing writes lead to the same
// state and none leads back to "" (the initial state), the order of the writes is forced:
// from "", the only write that can come next is the one that starts from the current state
// (two that start from the same state cannot both be placed, for no write returns to it). So
// the writes form one chain or the history is illegal; each read belongs between the write
// that produced its state and the next one. What is left is real time: the chain, with each
// read in its gap, must admit a point for every operation inside its call..return, in that
// order. Placing every operation as early as its call and its predecessors allow is the least
// solution of those lower bounds, so the history is linearizable exactly when that placement
// keeps every point at or before its return.
//
// applicable is false when the conditions do not hold (two writes with the same outcome, a
// write back to "", a write that never returned whose value a completed operation may have
// seen): porcupine decides such a key.
func chain(ops []porcupine.Operation) (ok, applicable bool) {
	// A pending operation can take effect after every completed one (its return is after
	// theirs), where it constrains nothing; a pending write must take effect earlier only if
	// a completed operation saw its value. A pending get never has to.
	var seen strings.Builder // every completed result, for that
	var lastReturn int64
	for _, o := range ops {
		if out := o.Output.(Output); !out.Pending {
			seen.WriteString(out.Result)
			seen.WriteByte(0)
			lastReturn = max(lastReturn, o.Return)
		}
	}
	for _, o := range ops {
		in := o.Input.(Input)
		if o.Output.(Output).Pending && in.Op != "get" && (o.Return <= lastReturn || strings.Contains(seen.String(), in.Value)) {
			return false, false
		}
	}

	var reads []int // indices into ops
	next := map[string]int{}
	writes := map[string]bool{} // after-states of the writes
	nWrites, twoFromOne := 0, false
	for i, o := range ops {
		in, out := o.Input.(Input), o.Output.(Output)
		if out.Pending {
			continue
		}
		after := out.Result
		switch in.Op {
		case "put":
			after = in.Value
		case "append":
			after = out.Result + in.Value
		}
		if after == out.Result {
			reads = append(reads, i)
			continue
		}
		if after == "" || writes[after] {
			return false, false
		}
		writes[after] = true
		if _, dup := next[out.Result]; dup {
			twoFromOne = true
		}
		next[out.Result] = i
		nWrites++
	}
	if twoFromOne {
		return false, true // two writes start from one state, which recurs for neither
	}
	// Follow the chain from "": order[k] is the k-th write; state k is the value after it.
	var order []int
	gap := map[string]int{"": 0} // state -> its gap: 0 before the first write, k after order[k-1]
	for s := ""; ; {
		i, ok := next[s]
		if !ok {
			break
		}
		order = append(order, i)
		s = ops[i].Input.(Input).Value
		if ops[i].Input.(Input).Op == "append" {
			s = ops[i].Output.(Output).Result + s
		}
		gap[s] = len(order)
	}
	if len(order) != nWrites {
		return false, true // a write starts from a state no linearization reaches
	}
	byGap := make([][]int, len(order)+1)
	for _, i := range reads {
		k, ok := gap[ops[i].Output.(Output).Result]
		if !ok {
			return false, true // a read of a value the key never had
		}
		byGap[k] = append(byGap[k], i)
	}
	// Earliest points: (time, tie) pairs, where tie orders points placed at the same time.
	type point struct {
		t   int64
		tie int
	}
	less := func(a, b point) bool { return a.t < b.t || a.t == b.t && a.tie < b.tie }
	after := func(p point, call int64) point {
		if q := (point{call, 0}); less(p, q) {
			return q
		}
		return point{p.t, p.tie + 1}
	}
	fits := func(p point, ret int64) bool { return !less(point{ret, 0}, p) }
	prev := point{-1 << 62, 0}
	for k := 0; k <= len(order); k++ {
		if k > 0 {
			w := ops[order[k-1]]
			prev = after(prev, w.Call)
			if !fits(prev, w.Return) {
				return false, true
			}
		}
		latest := prev
		for _, i := range byGap[k] {
			p := after(prev, ops[i].Call)
			if !fits(p, ops[i].Return) {
				return false, true
			}
			if less(latest, p) {
				latest = p
			}
		}
		prev = latest
	}
	return true, true
}
