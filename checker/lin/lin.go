// Package lin checks a key-value client history for linearizability with porcupine.
//
// Every operation (get, put, append) returns the key's value before it. The history is
// partitioned by key. An operation that never returned (its client crashed, gave up, or the
// trace ended) is pending: its result is unknown and it may take effect at any point after
// its call, so it is kept with a return time after the end of the history, as porcupine
// advises, rather than dropped.
package lin

import (
	"fmt"
	"hash/fnv"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/anishathalye/porcupine"
)

// Input is an operation's call.
type Input struct {
	Op    string // "get", "put" or "append"
	Key   string
	Value string
}

// Output is an operation's return; Pending means it never returned.
type Output struct {
	Result  string
	Pending bool
}

// Op is one client operation of the history. Times are trace sequence numbers: each event
// has its own, so no two calls or returns coincide.
type Op struct {
	Client        int
	RequestNumber int
	Input         Input
	Output        Output
	Call, Return  int64
	CallLine      int // trace lines, for the report
	ReturnLine    int
}

// History collects operations from a trace in order.
type History struct {
	ops  []Op
	open map[int]int // client -> index of its pending op
	last int64
}

// NewHistory returns an empty history.
func NewHistory() *History { return &History{open: map[int]int{}} }

// Invoke records a client's call. A client has at most one outstanding operation; a new call
// while one is open leaves the old one pending forever.
func (h *History) Invoke(client, requestNumber int, in Input, t int64, line int) {
	if len(h.ops) == cap(h.ops) { // double: append grows long slices by only 1.25x
		h.ops = append(make([]Op, 0, max(64, 2*cap(h.ops))), h.ops...)
	}
	h.ops = append(h.ops, Op{Client: client, RequestNumber: requestNumber, Input: in, Call: t, CallLine: line, Output: Output{Pending: true}})
	h.open[client] = len(h.ops) - 1
	h.see(t)
}

// Return records the return of the client's outstanding operation with requestNumber; it
// reports false if there is no such operation.
func (h *History) Return(client, requestNumber int, result string, t int64, line int) bool {
	i, ok := h.open[client]
	if !ok || h.ops[i].RequestNumber != requestNumber {
		return false
	}
	delete(h.open, client)
	h.ops[i].Output = Output{Result: result}
	h.ops[i].Return = t
	h.ops[i].ReturnLine = line
	h.see(t)
	return true
}

func (h *History) see(t int64) {
	if t > h.last {
		h.last = t
	}
}

// Len is the number of operations.
func (h *History) Len() int { return len(h.ops) }

// Ops returns the operations, pending ones with Return after the end of the history.
func (h *History) Ops() []Op {
	out := make([]Op, len(h.ops))
	copy(out, h.ops)
	for i := range out {
		if out[i].Output.Pending {
			out[i].Return = h.last + 1
		}
	}
	return out
}

// Verdicts of a check.
const (
	Ok      = "ok"
	Illegal = "illegal"
	Unknown = "unknown" // timed out: neither proved nor refuted
)

// Result is the outcome of checking a history.
type Result struct {
	Verdict string
	Ops     int
	Pending int
	// Keys lists, for an illegal history, the keys whose sub-history is not linearizable.
	Keys []string
	// First is, for an illegal history, the operation of the first such key whose return
	// first makes the history non-linearizable (nil if that could not be decided in time).
	First *Op

	info    porcupine.LinearizationInfo
	verbose bool
}

// Check checks the history. A timeout of 0 means none. With verbose, porcupine also computes
// what Visualize needs (slower).
func Check(ops []Op, timeout time.Duration, verbose bool) *Result {
	hist := make([]porcupine.Operation, len(ops))
	pending := 0
	for i, o := range ops {
		if o.Output.Pending {
			pending++
		}
		hist[i] = porcupine.Operation{ClientId: o.Client, Input: o.Input, Call: o.Call, Output: o.Output, Return: o.Return}
		if verbose { // only the visualization shows it
			hist[i].Metadata = fmt.Sprintf("request %d, trace lines %d-%d", o.RequestNumber, o.CallLine, o.ReturnLine)
		}
	}
	res := &Result{Ops: len(ops), Pending: pending, verbose: verbose}
	var r porcupine.CheckResult
	if verbose {
		r, res.info = porcupine.CheckOperationsVerbose(Model, hist, timeout)
		if r == porcupine.Unknown {
			// Too big for porcupine's search; chain may still decide it (without the
			// visualization, which needs porcupine's result).
			if c, ok := checkKeys(hist, 0, false); ok {
				r, res.verbose = c, false
			}
		}
	} else {
		r, _ = checkKeys(hist, timeout, true)
	}
	switch r {
	case porcupine.Ok:
		res.Verdict = Ok
	case porcupine.Illegal:
		res.Verdict = Illegal
		// The diagnosis gets one more timeout in all, however many keys there are.
		b := newBudget(timeout)
		res.Keys = illegalKeys(ops, b)
		if len(res.Keys) > 0 {
			res.First = firstIllegal(ops, res.Keys[0], b)
		}
	default:
		res.Verdict = Unknown
	}
	return res
}

// checkKeys checks each key's sub-history with chain where it applies. With search, the keys
// chain cannot decide go to porcupine, within timeout; without, decided is false if any key
// is left undecided.
func checkKeys(hist []porcupine.Operation, timeout time.Duration, search bool) (r porcupine.CheckResult, decided bool) {
	var rest []porcupine.Operation
	parts := Model.Partition(hist)
	type verdict struct{ ok, applicable bool }
	vs := make([]verdict, len(parts))
	forEach(len(parts), func(i int) { vs[i].ok, vs[i].applicable = chain(parts[i]) })
	for i, part := range parts {
		switch ok, applicable := vs[i].ok, vs[i].applicable; {
		case applicable && !ok:
			return porcupine.Illegal, true
		case !applicable:
			rest = append(rest, part...)
		}
	}
	if len(rest) == 0 {
		return porcupine.Ok, true
	}
	if !search {
		return porcupine.Unknown, false
	}
	return porcupine.CheckOperationsTimeout(Model, rest, timeout), true
}

// forEach calls f(0), ..., f(n-1) on up to GOMAXPROCS goroutines and returns when all have
// returned.
func forEach(n int, f func(i int)) {
	workers := min(n, runtime.GOMAXPROCS(0))
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				f(i)
			}
		}()
	}
	wg.Wait()
}

// illegalKeys finds the keys whose sub-history alone is not linearizable, for the report.
func illegalKeys(ops []Op, b *budget) []string {
	byKey := map[string][]porcupine.Operation{}
	for _, o := range ops {
		byKey[o.Input.Key] = append(byKey[o.Input.Key], porcupine.Operation{ClientId: o.Client, Input: o.Input, Call: o.Call, Output: o.Output, Return: o.Return})
	}
	var all, keys []string
	for k := range byKey {
		all = append(all, k)
	}
	sort.Strings(all)
	for _, k := range all {
		if b.illegal(byKey[k]) {
			keys = append(keys, k)
		}
	}
	return keys
}

// firstIllegal finds the completed operation on key whose return makes the history first
// non-linearizable: the shortest prefix (in time) that is illegal, with every operation still
// running at its end taken as pending. Prefixes only get worse as they grow, so a binary
// search over return times needs O(log n) checks.
func firstIllegal(ops []Op, key string, b *budget) *Op {
	var sub []Op
	for _, o := range ops {
		if o.Input.Key == key {
			sub = append(sub, o)
		}
	}
	var done []int // indices of completed ops, by return time
	for i, o := range sub {
		if !o.Output.Pending {
			done = append(done, i)
		}
	}
	sort.Slice(done, func(a, b int) bool { return sub[done[a]].Return < sub[done[b]].Return })
	illegalAt := func(t int64) bool {
		var h []porcupine.Operation
		for _, o := range sub {
			if o.Call > t {
				continue
			}
			out, ret := o.Output, o.Return
			if ret > t {
				out, ret = Output{Pending: true}, t+1
			}
			h = append(h, porcupine.Operation{ClientId: o.Client, Input: o.Input, Call: o.Call, Output: out, Return: ret})
		}
		return b.illegal(h)
	}
	i := sort.Search(len(done), func(i int) bool { return illegalAt(sub[done[i]].Return) })
	if i == len(done) {
		return nil
	}
	o := sub[done[i]]
	return &o
}

// budget shares one timeout among several checks (0: no limit).
type budget struct {
	unlimited bool
	deadline  time.Time
}

func newBudget(timeout time.Duration) *budget {
	if timeout == 0 || timeout > 100*365*24*time.Hour { // no limit (and no overflow below)
		return &budget{unlimited: true}
	}
	return &budget{deadline: time.Now().Add(timeout)}
}

// illegal reports whether h is proved non-linearizable within what is left of the budget.
func (b *budget) illegal(h []porcupine.Operation) bool {
	left := time.Until(b.deadline)
	if b.unlimited {
		left = 0
	} else if left <= 0 {
		return false
	}
	if ok, applicable := chain(h); applicable {
		return !ok
	}
	return porcupine.CheckOperationsTimeout(Model, h, left) == porcupine.Illegal
}

// CanVisualize reports whether Visualize has what it needs.
func (r *Result) CanVisualize() bool { return r.verbose }

// Visualize writes porcupine's HTML visualization of the history to path.
func (r *Result) Visualize(path string) error {
	if !r.verbose {
		return fmt.Errorf("history was not checked verbosely")
	}
	return porcupine.VisualizePath(Model, r.info, path)
}

// Model is the key-value service, one key per partition: the state is that key's value.
var Model = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		idx := map[string]int{}
		var parts [][]porcupine.Operation
		for _, o := range history {
			k := o.Input.(Input).Key
			i, ok := idx[k]
			if !ok {
				i = len(parts)
				idx[k] = i
				parts = append(parts, nil)
			}
			parts[i] = append(parts[i], o)
		}
		return parts
	},
	Init: func() any { return "" },
	Step: func(state, input, output any) (bool, any) {
		st, in, out := state.(string), input.(Input), output.(Output)
		if !out.Pending && out.Result != st {
			return false, st
		}
		switch in.Op {
		case "put":
			return true, in.Value
		case "append":
			return true, st + in.Value
		}
		return true, st
	},
	Equal: func(a, b any) bool { return a.(string) == b.(string) },
	Hash: func(state any) uint64 {
		h := fnv.New64a()
		h.Write([]byte(state.(string)))
		return h.Sum64()
	},
	DescribeOperation: func(input, output any) string {
		in, out := input.(Input), output.(Output)
		res := fmt.Sprintf("%q", out.Result)
		if out.Pending {
			res = "pending"
		}
		if in.Op == "get" {
			return fmt.Sprintf("get(%q) -> %s", in.Key, res)
		}
		return fmt.Sprintf("%s(%q, %q) -> %s", in.Op, in.Key, in.Value, res)
	},
	DescribeState: func(state any) string { return fmt.Sprintf("%q", state.(string)) },
	DescribeOperationMetadata: func(info any) string {
		if info == nil {
			return ""
		}
		return info.(string)
	},
}
