package tla

import (
	"strings"
	"testing"
)

// checkBoth checks a module with incremental invariant checking on and
// off, with 1 and 2 workers, and fails unless every run gives the same
// figures, verdict and counterexample; it returns the incremental run.
func checkBoth(t *testing.T, src, cfgText string) *Result {
	t.Helper()
	var first *Result
	var firstTrace string
	for _, w := range []int{1, 2} {
		for _, noIncr := range []bool{true, false} {
			m, err := LoadSource("testdata", "Inline", src)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			cfg, err := ParseConfig("Inline.cfg", cfgText)
			if err != nil {
				t.Fatalf("config: %v", err)
			}
			res, err := Check(m, cfg, Options{Workers: w, NoIncremental: noIncr, InvariantStats: true})
			if err != nil {
				t.Fatalf("check (workers %d, incremental %v): %v", w, !noIncr, err)
			}
			tr := ""
			if res.Violation != nil {
				tr = res.Violation.Error() + "\n" + traceString(res.Violation.Trace)
			}
			if first == nil {
				first, firstTrace = res, tr
				continue
			}
			if res.Generated != first.Generated || res.Distinct != first.Distinct || res.Depth != first.Depth || res.Left != first.Left || tr != firstTrace {
				t.Fatalf("workers %d, incremental %v: %d generated, %d distinct, depth %d, left %d, violation:\n%s\nfirst run: %d, %d, %d, %d:\n%s",
					w, !noIncr, res.Generated, res.Distinct, res.Depth, res.Left, tr,
					first.Generated, first.Distinct, first.Depth, first.Left, firstTrace)
			}
			if !noIncr {
				first = res // keep the incremental run's statistics
			}
		}
	}
	return first
}

func statOf(t *testing.T, res *Result, name string) InvariantStat {
	t.Helper()
	for _, s := range res.Invariants {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no statistics for %s in %+v", name, res.Invariants)
	return InvariantStat{}
}

func wantViolation(t *testing.T, res *Result, name string, states int) {
	t.Helper()
	v := res.Violation
	if v == nil || v.Kind != "invariant" || v.Name != name {
		t.Fatalf("want a violation of %s, got %+v", name, v)
	}
	if len(v.Trace) != states {
		t.Fatalf("want a counterexample of %d states, got:\n%s", states, traceString(v.Trace))
	}
}

// A violation that only a changed variable can cause is found at the same
// state, whether the variable is read directly, through an operator with
// arguments, a LET, or an instance's substitution; the conjuncts that read
// only unchanged variables are skipped.
func TestIncrementalChangedVariable(t *testing.T) {
	src := `---- MODULE Inline ----
EXTENDS Naturals
VARIABLES x, y, z
Below(v, k) == v < k
Sub == INSTANCE IncrSub WITH a <- z
Init == x = 0 /\ y = 0 /\ z = 0
Next == \/ x < 6 /\ x' = x + 1 /\ UNCHANGED <<y, z>>
        \/ y < 6 /\ y' = y + 1 /\ UNCHANGED <<x, z>>
        \/ z < 6 /\ z' = z + 1 /\ UNCHANGED <<x, y>>
Direct == x < 4
Through == /\ y < 7
           /\ LET w == y IN Below(w, %d)
ViaInstance == Sub!Small
Inv == Direct /\ Through /\ ViaInstance
====`
	cfg := "INIT Init\nNEXT Next\nINVARIANT Inv\n"
	// x = 4 takes 4 steps: the shortest counterexample has 5 states
	res := checkBoth(t, strings.Replace(src, "%d", "9", 1), cfg)
	wantViolation(t, res, "Inv", 5)
	if s := statOf(t, res, "Inv"); s.Conjuncts != 4 || s.Skipped == 0 || s.Full == 0 {
		t.Errorf("Inv's conjuncts should be skipped when the step changes nothing they read: %+v", s)
	}
	// y = 3 through the operator and the LET: 4 states
	res = checkBoth(t, strings.Replace(src, "%d", "3", 1), cfg)
	wantViolation(t, res, "Inv", 4)
	// the instance: z = 5 is 6 states, once x and y cannot fail
	res = checkBoth(t, strings.Replace(strings.Replace(src, "%d", "9", 1), "Direct == x < 4", "Direct == x < 9", 1), cfg)
	wantViolation(t, res, "Inv", 6)
	if last := res.Violation.Trace[5]; Format(last.Vals[2]) != "5" {
		t.Errorf("the last state should have z = 5: %v", last.Vals)
	}
}

// \A m \in S : P where S grows: an element that fails P is found when it
// is added, by checking the new elements only; and when P also reads a
// variable the step changed, every element is checked again.
func TestIncrementalGrowingSet(t *testing.T) {
	src := `---- MODULE Inline ----
EXTENDS Naturals
VARIABLES msgs, limit, n
Init == msgs = {} /\ limit = 10 /\ n = 0
Send == n < 8 /\ n' = n + 1 /\ msgs' = msgs \cup {[v |-> n + 1, tag |-> "m"]} /\ UNCHANGED limit
Drop == \E m \in msgs : msgs' = msgs \ {m} /\ UNCHANGED <<limit, n>>
Lower == limit > 0 /\ limit' = limit - 1 /\ UNCHANGED <<msgs, n>>
Next == Send \/ Drop \/ Lower
NoFive == \A m \in msgs : m.v # 5
UnderLimit == \A m \in msgs : m.v <= limit
====`
	res := checkBoth(t, src, "INIT Init\nNEXT Next\nINVARIANT NoFive\n")
	// the message v = 5 is sent by the fifth Send: 6 states
	wantViolation(t, res, "NoFive", 6)
	if s := statOf(t, res, "NoFive"); s.Incremental == 0 || s.Elements == 0 {
		t.Errorf("NoFive should be checked on the new messages only: %+v", s)
	}
	// limit falls under an old message: Send, Send, then Lower x9 (limit 1 < 2)
	res = checkBoth(t, src, "INIT Init\nNEXT Next\nINVARIANT UnderLimit\n")
	wantViolation(t, res, "UnderLimit", 12)
	last := res.Violation.Trace[len(res.Violation.Trace)-1]
	if !strings.Contains(res.Violation.Trace[len(res.Violation.Trace)-1].Action, "Lower") {
		t.Errorf("the violating step should be Lower, got %s (%v)", last.Action, last.Vals)
	}
}

// Invariants whose value the analysis cannot derive from the variables are
// evaluated on every state: TLCGet("level") changes with the depth though
// no variable it reads does.
func TestIncrementalFallsBack(t *testing.T) {
	src := `---- MODULE Inline ----
EXTENDS Naturals, TLC
VARIABLES x, y
Init == x = 0 /\ y = 0
Next == x < 9 /\ x' = x + 1 /\ UNCHANGED y
Level == y = 0 /\ TLCGet("level") < 4
Choice == y = 0 /\ (CHOOSE v \in {x, 100} : v < 100) < 6
====`
	res := checkBoth(t, src, "INIT Init\nNEXT Next\nINVARIANT Level\n")
	wantViolation(t, res, "Level", 4) // TLCGet("level") is the successor's depth while it is checked (TLC)
	res = checkBoth(t, src, "INIT Init\nNEXT Next\nINVARIANT Choice\n")
	wantViolation(t, res, "Choice", 7)
}

// The test specifications give the same figures and counterexamples with
// and without incremental checking.
func TestIncrementalSameResults(t *testing.T) {
	for _, c := range []struct{ tla, cfg string }{
		{"TwoPhase.tla", "TwoPhase.cfg"},
		{"TwoPhase.tla", "TwoPhaseSym.cfg"},
		{"Peterson.tla", "Peterson.cfg"},
		{"Channel.tla", "Channel.cfg"},
		{"Violate.tla", "Violate.cfg"},
		{"Counter.tla", "Counter.cfg"},
	} {
		var out []string
		for _, noIncr := range []bool{true, false} {
			res := runSpec(t, c.tla, c.cfg, Options{Workers: 2, NoIncremental: noIncr})
			s := ""
			if res.Violation != nil {
				s = res.Violation.Error() + "\n" + traceString(res.Violation.Trace)
			}
			out = append(out, strings.Join([]string{s, Format(Int(res.Generated)), Format(Int(res.Distinct)), Format(Int(res.Depth))}, " "))
		}
		if out[0] != out[1] {
			t.Errorf("%s: full %s\nincremental %s", c.cfg, out[0], out[1])
		}
	}
}

// [A]_v with v a tuple of variables is decided from the variables without
// building the tuples: a step that changes v must satisfy A, one that does
// not is allowed; the same violation as with full evaluation.
func TestIncrementalBoxAction(t *testing.T) {
	src := `---- MODULE Inline ----
EXTENDS Naturals
VARIABLES x, y, z
vars == <<x, <<y>>>>
Init == x = 0 /\ y = 0 /\ z = 0
Next == \/ x < 5 /\ x' = x + 1 /\ UNCHANGED <<y, z>>
        \/ z < 5 /\ z' = z + 1 /\ UNCHANGED <<x, y>>
        \/ x = 4 /\ z = 3 /\ x' = 0 /\ y' = y /\ z' = z
        \/ z = 5 /\ y' = "done" /\ UNCHANGED <<x, z>>
        \/ z = 4 /\ x = 0 /\ z' = 1 /\ UNCHANGED <<x, y>>
XGrows == [][x' >= x]_vars
ZGrows == [][z' >= z]_vars
YStays == [][y' = 0]_<<y>>
====`
	res := checkBoth(t, src, "INIT Init\nNEXT Next\nPROPERTY XGrows\n")
	v := res.Violation
	// x = 4 and z = 3 (7 steps), then x' = 0: 9 states
	if v == nil || v.Kind != "action property" || v.Name != "XGrows" || len(v.Trace) != 9 {
		t.Fatalf("want XGrows violated after 9 states, got %+v", v)
	}
	// z is not in vars: a step that lowers z alone is a stuttering step of vars, allowed
	res = checkBoth(t, src, "INIT Init\nNEXT Next\nPROPERTY ZGrows\n")
	if res.Violation != nil {
		t.Fatalf("ZGrows holds ([z' >= z]_vars allows any step that leaves vars unchanged), got %v", res.Violation)
	}
	// y changes from 0 to a string: not equal, so y' = 0 must hold
	res = checkBoth(t, src, "INIT Init\nNEXT Next\nPROPERTY YStays\n")
	if v := res.Violation; v == nil || v.Name != "YStays" || len(v.Trace) != 7 {
		t.Fatalf("want YStays violated after 7 states, got %+v", v)
	}
}
