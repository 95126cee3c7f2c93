package syntax

import (
	"strings"
	"testing"
)

func TestParseExpr(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a + b * c", "(a + (b * c))"},
		{"a * b + c", "((a * b) + c)"},
		{"a - b - c", "((a - b) - c)"},
		{"a + b + c", "((a + b) + c)"},
		{"a + b - c", "(a + (b - c))"},
		{"a = b /\\ c", "((a = b) /\\ c)"},
		{"~a = b", "(~ (a = b))"},
		{"~a /\\ b", "((~ a) /\\ b)"},
		{"a \\in S \\cup T", "(a \\in (S \\cup T))"},
		{"x' = x + 1", "((x)' = (x + 1))"},
		{"1..N", "(1 .. N)"},
		{"-x + 1", "((- x) + 1)"},
		{"-x^2", "(- (x ^ 2))"},
		{"a => b <=> c", "(a => (b <=> c))"},
		{"a \\/ b => c", "((a \\/ b) => c)"},
		{"f[x].a[1]", "f[x].a[1]"},
		{"f[x, y]", "f[x, y]"},
		{"[x \\in S |-> x + 1]", "[x \\in S |-> (x + 1)]"},
		{"[x, y \\in S, z \\in T |-> x]", "[x, y \\in S, z \\in T |-> x]"},
		{"[<<a, b>> \\in S |-> a]", "[<<a, b>> \\in S |-> a]"},
		{"{x \\in S : x > 1}", "{x \\in S : (x > 1)}"},
		{"{<<a, b>> \\in S : a}", "{<<a, b>> \\in S : a}"},
		{"{x + 1 : x \\in S}", "{(x + 1) : x \\in S}"},
		{"{x \\in S : x \\in T}", "{x \\in S : (x \\in T)}"},
		{"{}", "{}"},
		{"[a |-> 1, b |-> 2]", "[a |-> 1, b |-> 2]"},
		{"[a : S, b : T]", "[a : S, b : T]"},
		{"[S -> T]", "[S -> T]"},
		{"[f EXCEPT ![1] = @ + 1, !.b = 2]", "[f EXCEPT ![1] = (@ + 1), !.b = 2]"},
		{"[f EXCEPT ![a][b] = 1]", "[f EXCEPT ![a][b] = 1]"},
		{"\\E <<a, b>> \\in S \\X T : a = b", "(\\E <<a, b>> \\in (S \\X T) : (a = b))"},
		{"\\A x, y \\in S : x = y", "(\\A x, y \\in S : (x = y))"},
		{"\\E x : x", "(\\E x : x)"},
		{"CHOOSE x \\in S : x > 0", "(CHOOSE x \\in S : (x > 0))"},
		{"IF a THEN b ELSE c + 1", "(IF a THEN b ELSE (c + 1))"},
		{"CASE x = 1 -> a [] x = 2 -> b [] OTHER -> c", "(CASE (x = 1) -> a [] (x = 2) -> b [] OTHER -> c)"},
		{"LET f(x) == x + 1 IN f(2)", "(LET f(x) == (x + 1) IN f(2))"},
		{"[][Next]_vars", "([] [Next]_vars)"},
		{"[][Next]_<<x, y>>", "([] [Next]_<<x, y>>)"},
		{"<<A>>_v", "<<A>>_v"},
		{"WF_vars(Next)", "WF_vars(Next)"},
		{"SF_<<x>>(A)", "SF_<<x>>(A)"},
		{"<>[]P", "(<> ([] P))"},
		{"P ~> Q", "(P ~> Q)"},
		{"S \\X T \\X U", "(S \\X T \\X U)"},
		{"UNCHANGED <<x, y>>", "(UNCHANGED <<x, y>>)"},
		{"M!Op(1)", "M!Op(1)"},
		{"I(2)!J!K", "I(2)!J!K"},
		{"ENABLED A /\\ B", "((ENABLED A) /\\ B)"},
		{"SUBSET S \\X T", "(SUBSET (S \\X T))"},
		{"DOMAIN f \\cup g", "((DOMAIN f) \\cup g)"},
		{"<<>>", "<<>>"},
		{"<<1, \"a\">>", "<<1, \"a\">>"},
		{"F(LAMBDA x, y : x + y, +)", "F((LAMBDA x, y : (x + y)), +)"},
		{"a \\o b \\o c", "((a \\o b) \\o c)"},
		{"r.a.b", "r.a.b"},
		{"x \\cdot y", "(x \\cdot y)"},
		{"a :> b @@ c :> d", "((a :> b) @@ (c :> d))"},
		{"x # y", "(x # y)"},
		{"x /= y", "(x # y)"},
		{"x <= y", "(x =< y)"},
		{"x \\leq y", "(x =< y)"},
		{"p \\land q \\lor r", "ERR"},
		{"a /\\ b \\/ c", "ERR"},
		{"a = b = c", "ERR"},
		{"a => b => c", "ERR"},
		{"a \\cdot b + c", "ERR"},
		{"(* c (* nested *) *) a \\* comment", "a"},
		{"/\\ a\n/\\ \\/ b\n   \\/ c\n/\\ d", "(a /\\ (b \\/ c) /\\ d)"},
		{"/\\ a\n   + 1\n/\\ b", "((a + 1) /\\ b)"},
		{"\\/ /\\ a\n   /\\ b\n\\/ c", "((a /\\ b) \\/ c)"},
		{"/\\ \\E x \\in S : P\n/\\ Q", "((\\E x \\in S : P) /\\ Q)"},
		{"/\\ IF a THEN b\n      ELSE c\n/\\ d", "((IF a THEN b ELSE c) /\\ d)"},
		{"/\\ x = 1\n  /\\ y", "(((x = 1) /\\ y))"},
		{"/\\ a\n /\\ b", "((a /\\ b))"},
	}
	for _, tc := range tests {
		e, err := ParseExpr(tc.src)
		got := "ERR"
		if err == nil {
			got = Format(e)
		}
		if got != tc.want {
			t.Errorf("%q: got %s (err %v), want %s", tc.src, got, err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"a +", "1:4: unexpected end of file"},
		{"{1, 2", "1:6: expected } but found end of file"},
		{"[a |-> 1", "1:9: expected ] but found end of file"},
		{"IF a THEN b", "1:12: expected ELSE"},
		{"\"abc", "1:1: unterminated string"},
		{"(* open", "1:1: unterminated comment"},
		{"a = b = c", "1:7: precedence conflict between = and ="},
		{"x \\foo y", "1:3: unknown operator \\foo"},
	}
	for _, tc := range tests {
		_, err := ParseExpr(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want error containing %q", tc.src, err, tc.want)
		}
	}
}

func TestParseModule(t *testing.T) {
	src := `Text before the module is ignored.
---------------- MODULE M ----------------
EXTENDS Naturals, Sequences
CONSTANTS N, F(_, _)
VARIABLE x, y
(* A comment (* nested *) here. *)
Init == /\ x = 0
        /\ y = <<>>
Next == \/ /\ x < N
           /\ x' = x + 1
        \/ UNCHANGED <<x, y>>
f[n \in Nat] == IF n = 0 THEN 1 ELSE n * f[n - 1]
a ++ b == a + b
LOCAL L == 1
RECURSIVE R(_)
R(n) == IF n = 0 THEN 0 ELSE R(n - 1)
I == INSTANCE Other WITH v <- x
INSTANCE Other2
ASSUME N > 0
THEOREM Init => x = 0
--------------------------------------------
Last == 1
====================
anything after the end`
	m, err := ParseModule("M.tla", src)
	if err != nil {
		t.Fatal(err)
	}
	if m.Name != "M" || len(m.Extends) != 2 || len(m.Constants) != 2 || m.Constants[1].Arity != 2 || len(m.Variables) != 2 {
		t.Fatalf("header: %+v", m)
	}
	var got []string
	for _, d := range m.Defs {
		got = append(got, FormatDef(d))
	}
	want := []string{
		"Init == ((x = 0) /\\ (y = <<>>))",
		"Next == (((x < N) /\\ ((x)' = (x + 1))) \\/ (UNCHANGED <<x, y>>))",
		"f == [n \\in Nat |-> (IF (n = 0) THEN 1 ELSE (n * f[(n - 1)]))]",
		"++(a, b) == (a + b)",
		"L == 1",
		"R(n) == (IF (n = 0) THEN 0 ELSE R((n - 1)))",
		"Last == 1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("defs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !m.Defs[4].Local || !m.Defs[2].IsFunc || len(m.Instances) != 2 || m.Instances[0].Name != "I" || m.Instances[0].Subst[0].Name != "v" || len(m.Assumes) != 1 {
		t.Errorf("units: %+v %+v", m.Defs, m.Instances)
	}
}

func TestParseModuleErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"---- MODULE M ----\nFoo == 1 +\n====", "M.tla:3:1: unexpected ===="},
		{"---- MODULE M ----\nFoo == 1", "M.tla:2:9: missing ==== at end of module M"},
		{"no module here", "no module header"},
		{"---- MODULE M ----\nFoo == /\\ a\n       /\\ b\n  c == 1\n====", ""},
		{"---- MODULE M ----\nFoo(x == 1\n====", "M.tla:2:7: expected ) but found =="},
		{"---- MODULE M ----\nVARIABLE 1\n====", "M.tla:2:10: expected identifier"},
	}
	for _, tc := range tests {
		_, err := ParseModule("M.tla", tc.src)
		if tc.want == "" {
			if err != nil {
				t.Errorf("%q: unexpected error %v", tc.src, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("---- MODULE M ----\nA == /\\ x' = 1\n     /\\ [f EXCEPT ![1] = @]\n====")
	f.Add("---- MODULE M ----\nB == {x \\in S : <<x>>} \\X [a : S]\n====")
	f.Add("---- MODULE M ----\nC == CASE a -> b [] OTHER -> LET x == 1 IN x\n====")
	f.Add("(* *) \\* x")
	f.Fuzz(func(t *testing.T, src string) {
		ParseModule("F.tla", src)
		ParseExpr(src)
	})
}
