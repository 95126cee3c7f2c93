package tla

import (
	"strings"
	"testing"
)

// A memoised expression gives each state its own value: a state function
// read unprimed and primed, a closed set filter of state level, closed
// constant filters and CHOOSE inside operators with parameters, and
// TLCGet("level"), which is no state function and must be evaluated at
// every depth. From x = k (depth k+1) the step sets
// y' = 2(k+1) + 2k + (k+1) + (k+1) + (IF k > 2 THEN 100 ELSE 0).
const memoSpec = `---- MODULE Inline ----
EXTENDS Naturals, FiniteSets, TLC
CONSTANT N
VARIABLES x, y
Twice == 2 * x
Seen == {i \in 0..N : i <= x}
Depth == TLCGet("level")
Big(k) == k \in {i \in 0..N : i > N \div 2}
First(k) == k + CHOOSE i \in 0..N : i > 0
Init == x = 0 /\ y = 0
Next == /\ x < N
        /\ x' = x + 1
        /\ y' = Twice' + Twice + Cardinality(Seen) + Depth + (IF Big(x) THEN 100 ELSE 0)
Inv == /\ IF x = 0 THEN y = 0 ELSE y = <<4, 10, 16, 122>>[x]
       /\ First(x) = x + 1
       /\ Cardinality(Seen) = x + 1
====`

func TestMemoPerState(t *testing.T) {
	for _, w := range []int{1, 2} {
		res, err := checkSourceWith(t, memoSpec, "CONSTANT N = 4\nINIT Init\nNEXT Next\nINVARIANT Inv\n", Options{Workers: w, NoDeadlock: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.Violation != nil {
			t.Fatalf("%d workers: %v\n%s", w, res.Violation, traceString(res.Violation.Trace))
		}
		if res.Distinct != 5 || res.Generated != 5 {
			t.Errorf("%d workers: %d distinct, %d generated; want 5, 5", w, res.Distinct, res.Generated)
		}
	}
}

// A memoised state function read where a variable is not yet assigned
// reports that variable, as without the memo.
func TestMemoUnassigned(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
VARIABLES x, y
Both == {x, y}
Init == x = 0 /\ y = 0
Next == /\ x' = Both'
        /\ y' = 1
====`, "INIT Init\nNEXT Next\n")
	if err == nil && res.Violation != nil && res.Violation.Err != nil {
		err = res.Violation.Err
	}
	if err == nil || !strings.Contains(err.Error(), "x' is used before it is assigned") {
		t.Fatalf("want an error naming x', got %v", err)
	}
}

// A closed filter inside an operator with parameters, in a module
// instantiated with a substitution, reads the substituted constant through
// the instance's (empty) scope: the memo must not evaluate it detached from
// the environment it walks up (this crashed MCNanoMedium).
func TestMemoInstanceSubst(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals, FiniteSets
CONSTANT N
VARIABLE x
---- MODULE Inner ----
EXTENDS Naturals
CONSTANT M
VARIABLE z
Low(k) == {i \in 0..M : i < 2}
Step == z' = z + 1
====
I == INSTANCE Inner WITH M <- N + 1, z <- x
Init == x = 0
Next == /\ x < Cardinality(I!Low(x))
        /\ I!Step
Inv == x <= 2
====`, "CONSTANT N = 3\nINIT Init\nNEXT Next\nINVARIANT Inv\nCHECK_DEADLOCK FALSE\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Violation != nil {
		t.Fatalf("%v\n%s", res.Violation, traceString(res.Violation.Trace))
	}
	if res.Distinct != 3 {
		t.Errorf("%d distinct; want 3", res.Distinct)
	}
}
