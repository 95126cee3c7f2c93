package tla

import "testing"

// TestUnionStaysSymbolic: UNION and \cup of sets TLC keeps symbolic
// ([S -> T], SUBSET S) test membership without enumerating them, as TLC's
// UnionValue and SetCupValue do (Disruptor's TypeOk has
// `x \in UNION {[0..n -> SUBSET R]}`). [1..40 -> BOOLEAN] has 2^40
// elements: enumerating it is refused.
func TestUnionStaysSymbolic(t *testing.T) {
	m := evalModel(t)
	tests := []struct{ src, want string }{
		{`[i \in 1..40 |-> TRUE] \in UNION {[1..40 -> BOOLEAN]}`, "TRUE"},
		{`[i \in 1..40 |-> 1] \in UNION {[1..40 -> BOOLEAN], [1..40 -> {1}]}`, "TRUE"},
		{`[i \in 1..40 |-> 2] \in [1..40 -> BOOLEAN] \cup [1..40 -> {1}]`, "FALSE"},
		{`{1} \in SUBSET (1..40) \cup {{}}`, "TRUE"},
		// still sets: enumerated when needed
		{`UNION {[{1, 2} -> BOOLEAN], {<<>>}} = [{1, 2} -> BOOLEAN] \cup {<<>>}`, "TRUE"},
		{`Cardinality([{1, 2} -> BOOLEAN] \cup SUBSET {1})`, "6"},
	}
	for _, tc := range tests {
		v, err := m.EvalExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := Format(norm(v)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
}
