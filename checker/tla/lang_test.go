package tla

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestProofsIgnored: modules with proofs load; named theorems and
// assumptions are definitions of their statements.
func TestProofsIgnored(t *testing.T) {
	src := `---- MODULE P ----
EXTENDS Naturals, TLAPS
CONSTANT N
ASSUME NAssump == N \in Nat
Double(n) == 2 * n
THEOREM DoubleEven == \A n \in 0..3 : Double(n) % 2 = 0
<1>1. ASSUME NEW n \in Nat PROVE Double(n) = n + n
  BY SMT DEF Double
<1>a. CASE N = 0
  <2>. QED OBVIOUS
<1>2. \A n \in Nat : Double(n) >= n
  PROOF
  <2>1. TAKE n \in Nat
  <2>2. SUFFICES ASSUME n >= 0 PROVE 2 * n >= n
    BY <2>1
  <2>. DEFINE M == n + 1
  <2>3. PICK k \in Nat : k = n
    OMITTED
  <2>. QED BY <2>2, <1>1, Zenon DEF Double, M
<1>. HIDE DEF Double
<1>. QED BY <1>1, <1>2
LEMMA L == ASSUME NEW S, NEW F(_), NEW _ \prec _ PROVE TRUE
USE DEF Double
Labelled == /\ one:: 1 = 1
            /\ two(x):: \A x \in {1} : x = 1
====
`
	m, err := LoadSource(t.TempDir(), "P", src)
	if err != nil {
		t.Fatal(err)
	}
	m.SetConstant("N", Int(2))
	for expr, want := range map[string]string{"DoubleEven": "TRUE", "NAssump": "TRUE", "Labelled": "TRUE", "SMT": "TRUE"} {
		if v, err := m.EvalExpr(expr); err != nil || Format(v) != want {
			t.Errorf("%s = %v (%v), want %s", expr, v, err, want)
		}
	}
}

func TestModuleFeatures(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Inner.tla"), []byte(`---- MODULE Inner ----
EXTENDS Naturals
CONSTANT K
Scaled(x) == K * x
Pair == <<K, K + 1>>
====
`), 0o644)
	src := `---- MODULE Outer ----
EXTENDS Naturals, FiniteSets
I2 == INSTANCE Inner WITH K <- 2
P(k) == INSTANCE Inner WITH K <- k
UsesLet(n) == LET J == INSTANCE Inner WITH K <- n IN J!Scaled(10)
FoldSet(op(_, _), base, S) == LET f[T \in SUBSET S] == IF T = {} THEN base ELSE LET x == CHOOSE x \in T : TRUE IN op(x, f[T \ {x}]) IN f[S]
Inters(S) == FoldSet(\cap, {1, 2, 3}, S)
OpToRel(_ \prec _, S) == {ss \in S \X S : ss[1] \prec ss[2]}
Local(S) == [x, y \in S |-> x + y]
Conj == /\ 1 = 1
        /\ 2 = 3
====
`
	m, err := LoadSource(dir, "Outer", src)
	if err != nil {
		t.Fatal(err)
	}
	for expr, want := range map[string]string{
		"I2!Scaled(3)":          "6",
		"P(5)!Pair":             "<<5, 6>>",
		"UsesLet(4)":            "40",
		"Inters({{1, 2}, {2}})": "{2}",
		"OpToRel(<, {1, 2, 3})": "{<<1, 2>>, <<1, 3>>, <<2, 3>>}",
		"Local({1, 2})[1, 2]":   "3",
		"<<Conj!1, Conj!2>>":    "<<TRUE, FALSE>>",
	} {
		if v, err := m.EvalExpr(expr); err != nil || Format(v) != want {
			t.Errorf("%s = %v (%v), want %s", expr, v, err, want)
		}
	}
}

// TestNextStateSemantics: primed variables assigned where TLC assigns them.
func TestNextStateSemantics(t *testing.T) {
	src := `---- MODULE N ----
EXTENDS Naturals
VARIABLES x, y, mem
Send(v, newMem) == newMem = mem \cup {v}
Stutter(A) == A /\ y' = y
Init == x = 0 /\ y = 0 /\ mem = {}
Next == \/ x < 2 /\ Send(x, mem') /\ x' = x + 1 /\ UNCHANGED y
        \/ x = 2 /\ y = 0 /\ (x = 2 => y' \in {1, 2}) /\ \A v \in {1} : x' = x /\ UNCHANGED mem
        \/ Stutter(x = 2 /\ y = 2 /\ x' = 0 /\ mem' = mem)
====
`
	m, err := LoadSource(t.TempDir(), "N", src)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := ParseConfig("n.cfg", "INIT Init\nNEXT Next\n")
	res, err := Check(m, cfg, Options{Workers: 1, NoDeadlock: true})
	if err != nil {
		t.Fatal(err)
	}
	// x: 0 -> 1 -> 2 (mem grows), y' \in {1, 2}, then from y = 2 back to
	// x = 0 and up again: 7 states, 8 generated
	if res.Distinct != 7 || res.Generated != 8 || res.Violation != nil {
		t.Errorf("got %d distinct, %d generated, %v", res.Distinct, res.Generated, res.Violation)
	}
}

// TestNestedModulesAndPostfix: a submodule sees the declarations and
// definitions that precede it and is instantiated by name; user-defined
// postfix operators (^+, ^*, ^#) are defined and applied.
func TestNestedModulesAndPostfix(t *testing.T) {
	src := `---- MODULE Outer ----
EXTENDS Naturals
CONSTANT K
Base == 10
---- MODULE Inner ----
VARIABLE v
Plus(n) == n + Base + K
====
I == INSTANCE Inner WITH v <- 0
a ^+ == a + 1
a ^# == a * a
After == (3^+)^#
====
trailing text after the closing line is ignored
`
	m, err := LoadSource(t.TempDir(), "Outer", src)
	if err != nil {
		t.Fatal(err)
	}
	m.SetConstant("K", Int(5))
	for expr, want := range map[string]string{"I!Plus(1)": "16", "After": "16", "2^+": "3"} {
		if v, err := m.EvalExpr(expr); err != nil || Format(v) != want {
			t.Errorf("%s = %v (%v), want %s", expr, v, err, want)
		}
	}
	// a submodule used before it is written is an error with a position
	bad := `---- MODULE Bad ----
I == INSTANCE Later
---- MODULE Later ----
X == 1
====
====
`
	if _, err := LoadSource(t.TempDir(), "Bad", bad); err == nil {
		t.Errorf("INSTANCE of a submodule before its definition: no error")
	} else if msg := err.Error(); !strings.HasPrefix(msg, "Bad.tla:2:1: ") || !strings.Contains(msg, "submodule of Bad") {
		t.Errorf("error %q, want Bad.tla:2:1: ... submodule of Bad ...", msg)
	}
}
