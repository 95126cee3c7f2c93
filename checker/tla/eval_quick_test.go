package tla

import "testing"

func TestEvalQuick(t *testing.T) {
	m, err := LoadSource(".", "M", `---- MODULE M ----
EXTENDS Naturals, Sequences, FiniteSets, TLC
f[n \in 0..10] == IF n = 0 THEN 1 ELSE n * f[n-1]
Sq(x) == x * x
Ap(F(_), x) == F(x)
====`)
	if err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{"1 + 2 * 3", "{1,2} \\cup {3}", "f[5]", "Ap(Sq, 4)", "Ap(LAMBDA y: y + 1, 4)",
		"[x \\in 1..3 |-> x * x]", "<<1,2>> = [i \\in 1..2 |-> i]", "[a |-> 1, b |-> 2].b", "[[a |-> 1] EXCEPT !.a = @ + 1]",
		"Cardinality(SUBSET (1..4))", "{x \\in 1..10 : x % 3 = 0}", "CHOOSE x \\in 1..5 : x > 3", "SubSeq(<<1,2,3,4>>, 2, 3)",
		"LET g(x) == x + 1 IN g(g(1))", "\\A x \\in 1..3 : \\E y \\in 1..3 : y > x", "(1 :> 2) @@ (2 :> 3)", "[1..2 -> {\"a\"}]",
		"Permutations({1,2,3})", "2^31"} {
		v, err := m.EvalExpr(src)
		if err != nil {
			t.Logf("%s: error %v", src, err)
			continue
		}
		t.Logf("%s = %s", src, Format(norm(v)))
	}
}
