package tla

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSANYErrors: the semantic errors SANY reports, each with the engine's
// message and position (file:line:col of the offending name or operator;
// SANY's own positions were compared with ../shared/tla/sany).
func TestSANYErrors(t *testing.T) {
	inner := "---- MODULE Inner ----\nEXTENDS Naturals\nCONSTANT K\nF(a, b) == a + b + K\n====\n"
	for _, tc := range []struct{ name, body, want string }{
		// arity
		{"user", "F(a, b) == a\nX == F(1)", "T.tla:4:6: The operator F requires 2 arguments."},
		{"zero", "x == 3\nX == x(1)", "T.tla:4:6: The operator x requires 0 arguments."},
		{"no args", "F(a, b) == a\nX == F", "T.tla:4:6: The operator F requires 2 arguments."},
		{"builtin", "X == Len(<<1>>, 2)", "T.tla:3:6: The operator Len requires 1 arguments."},
		{"builtin few", "X == Append(<<1>>)", "T.tla:3:6: The operator Append requires 2 arguments."},
		{"recursive", "RECURSIVE R(_)\nR(n) == IF n = 0 THEN 0 ELSE R(n-1, 2)", "T.tla:4:30: The operator R requires 1 arguments."},
		{"let", "X == LET G(a) == a IN G(1, 2)", "T.tla:3:23: The operator G requires 1 arguments."},
		{"constant op", "CONSTANT C(_)\nX == C(1, 2)", "T.tla:4:6: The operator C requires 1 arguments."},
		{"higher-order param", "H(F(_, _)) == F(1)", "T.tla:3:15: The operator F requires 2 arguments."},
		{"lambda", "H(F(_, _)) == F(1, 2)\nX == H(LAMBDA a : a)", "T.tla:4:8: LAMBDA has 1 parameters but 2 are expected"},
		{"operator argument", "H(F(_, _)) == F(1, 2)\nG(a) == a\nX == H(G)", "T.tla:5:8: operator G has arity 1, but an operator of arity 2 is expected"},
		{"expression for operator", "X == SelectSeq(<<1>>, 3)", "T.tla:3:23: expected an operator of arity 1 as argument"},
		{"instance", "I == INSTANCE Inner WITH K <- 1\nX == I!F(1)", "T.tla:4:6: The operator I!F requires 2 arguments."},
		{"parameterized instance", "I(k) == INSTANCE Inner WITH K <- k\nX == I(1)!F(1)", "T.tla:4:6: The operator I!F requires 2 arguments."},
		{"instance arguments", "I(k) == INSTANCE Inner WITH K <- k\nY == I!F(1, 2)", "T.tla:4:6: instance I takes 1 arguments"},
		{"recursive undefined", "RECURSIVE R(_)\nX == 1", "T.tla:3:11: Symbol R declared in RECURSIVE statement but not defined."},
		{"constant substituted by a variable", "VARIABLE y\nI == INSTANCE Inner WITH K <- y", "T.tla:4:1: Level error in instantiating module 'Inner': The level of the expression or operator substituted for 'K' must be at most 0."},
		// names
		{"unknown", "X == y + 1", "T.tla:3:6: Unknown operator: `y'."},
		{"twice", "X == 1\nX == 2", "T.tla:4:1: Multiple declarations or definitions for symbol X."},
		{"builtin redefined", "Nat == 3", "T.tla:3:1: Multiple declarations or definitions for symbol Nat."},
		{"constant and variable", "CONSTANT c\nVARIABLE c", "T.tla:4:10: Multiple declarations or definitions for symbol c."},
		{"parameter", "VARIABLE x\nF(x) == x", "T.tla:4:3: Multiply-defined symbol 'x': this definition or declaration conflicts with the one at T.tla:3:10"},
		{"bound", "VARIABLE x\nY == \\E x \\in {1} : x = 1", "T.tla:4:9: Multiply-defined symbol 'x': this definition or declaration conflicts with the one at T.tla:3:10"},
		{"nested bound", "X == \\E a \\in {1} : \\E a \\in {2} : a = 1", "T.tla:3:24: Multiply-defined symbol 'a': this definition or declaration conflicts with the one at T.tla:3:9"},
		{"same bound", "H == \\A c, c \\in {1} : c", "T.tla:3:12: Multiply-defined symbol 'c': this definition or declaration conflicts with the one at T.tla:3:9"},
		{"set filter", "H == {c \\in {1} : \\E c \\in {2} : TRUE}", "T.tla:3:22: Multiply-defined symbol 'c': this definition or declaration conflicts with the one at T.tla:3:7"},
		{"same parameter", "F(a, a) == a", "T.tla:3:6: Multiply-defined symbol 'a': this definition or declaration conflicts with the one at T.tla:3:3"},
		{"let shadows parameter", "F(a) == LET a == 1 IN a", "T.tla:3:13: Multiply-defined symbol 'a': this definition or declaration conflicts with the one at T.tla:3:3"},
		{"let twice", "X == LET a == 1 a == 2 IN a", "T.tla:3:17: Operator a already defined or declared."},
		{"let parameter", "K == LET L(d, d) == d IN 1", "T.tla:3:15: Multiply-defined symbol 'd': this definition or declaration conflicts with the one at T.tla:3:12"},
		{"definition after instance", "INSTANCE Inner WITH K <- 1\nF == 2", "T.tla:4:1: Multiple declarations or definitions for symbol F."},
		// levels
		{"assume prime", "VARIABLE x\nASSUME x' = 1", "T.tla:4:1: Level error: assumptions must be level 0 (Constant), but this one has level 2."},
		{"assume variable", "VARIABLE x\nA == x\nASSUME A = 2", "T.tla:5:1: Level error: assumptions must be level 0 (Constant), but this one has level 1."},
		{"double prime", "VARIABLE x\nC == (x' = 1)'", "T.tla:4:14: prime applied to an action-level expression"},
		{"box action", "VARIABLE x\nB == [](x' = 1)", "T.tla:4:6: [] followed by action not of form [A]_v."},
		{"box named action", "VARIABLE x\nN == [x' = x]_x\nS == []N", "T.tla:5:6: [] followed by action not of form [A]_v."},
		{"diamond action", "VARIABLE x\nC == <>(x' = 1)", "T.tla:4:6: <> followed by action not of form <<A>>_v."},
		{"square temporal", "VARIABLE x\nB == [][ [](x = 1) ]_x", "T.tla:4:8: Level error in applying operator $SquareAct: The level of argument 1 exceeds the maximum level allowed by the operator."},
		{"subscript action", "VARIABLE x\nB == [][x' = 1]_(x')", "T.tla:4:8: Level error in applying operator $SquareAct: The level of argument 2 exceeds the maximum level allowed by the operator."},
		{"enabled temporal", "VARIABLE x\nB == ENABLED ([](x = 1))", "T.tla:4:6: Level error in applying operator ENABLED: The level of argument 1 exceeds the maximum level allowed by the operator."},
		{"fairness temporal", "VARIABLE x\nA == WF_x([](x = 1))", "T.tla:4:6: Level error in applying operator $WF: The level of argument 2 exceeds the maximum level allowed by the operator."},
		{"argument under prime", "VARIABLE x\nH(a) == a'\nK == H(x')", "T.tla:5:6: Level error in applying operator H: The level of argument 1 exceeds the maximum level allowed by the operator."},
		{"argument in a set", "VARIABLE x\nV(a) == {a}\nW == V([](x = 1))", "T.tla:5:6: Level error in applying operator V: The level of argument 1 exceeds the maximum level allowed by the operator."},
		{"argument through a call", "VARIABLE x\nA(a) == ENABLED a\nB(c, b) == c /\\ A(b)\nC == B([](x = 1), [](x = 1))", "T.tla:6:6: Level error in applying operator B: The level of argument 2 exceeds the maximum level allowed by the operator."},
		{"unchanged action", "VARIABLE x\nA == UNCHANGED x'", "T.tla:4:6: Level error in applying operator UNCHANGED: The level of argument 1 exceeds the maximum level allowed by the operator."},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "Inner.tla"), []byte(inner), 0o644)
		src := "---- MODULE T ----\nEXTENDS Naturals, Sequences\n" + tc.body + "\n====\n"
		os.WriteFile(filepath.Join(dir, "T.tla"), []byte(src), 0o644)
		_, err := Load(filepath.Join(dir, "T.tla"), LoadOptions{})
		if err == nil || strings.ReplaceAll(err.Error(), dir+string(filepath.Separator), "") != tc.want {
			t.Errorf("%s: got %v\nwant %s", tc.name, err, tc.want)
		}
	}
}

// TestSANYAccepts: forms SANY accepts that look like the errors above.
func TestSANYAccepts(t *testing.T) {
	for _, tc := range []struct{ name, body string }{
		{"later definition", "X == \\E i \\in {1} : i = 1\ni == 2"},
		{"sibling bounds", "X == (\\E a \\in {1} : a = 1) /\\ (\\E a \\in {2} : a = 2)"},
		{"let in sibling", "X == (LET a == 1 IN a) + (LET a == 2 IN a)"},
		{"box of [A]_v", "VARIABLE x\nS == [][x' = x]_x /\\ <>(<<x' = x>>_x) /\\ []([x' = x]_x)"},
		{"assume with builtin", "ASSUME JavaTime > 0"},
		{"instance after definition", "F == 5\nINSTANCE Inner WITH K <- 1\nASSUME F = 5"},
		{"constant substituted by JavaTime", "I == INSTANCE Inner WITH K <- JavaTime"},
		{"primed constant", "CONSTANT c\nA == c' = c"},
		{"temporal argument", "VARIABLE x\nF(a) == a /\\ ~a\nG == F([](x = 1))"},
		{"action argument", "VARIABLE x\nA(a) == ENABLED a /\\ [a]_x\nB == A(x' = x)"},
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "Inner.tla"), []byte("---- MODULE Inner ----\nEXTENDS Naturals\nCONSTANT K\nF(a, b) == a + b + K\n====\n"), 0o644)
		src := "---- MODULE T ----\nEXTENDS Naturals, TLC\n" + tc.body + "\n====\n"
		os.WriteFile(filepath.Join(dir, "T.tla"), []byte(src), 0o644)
		if _, err := Load(filepath.Join(dir, "T.tla"), LoadOptions{}); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

// TestLabelSelector: Def!lbl is the expression the label lbl:: names in
// Def's body (SmokeEWD998's Inv!P0), here of a definition of an extended
// module; a label with parameters is still only skipped.
func TestLabelSelector(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Base.tla"), []byte("---- MODULE Base ----\nEXTENDS Naturals\nB == 3\nInv == /\\ P0:: B = 1 + 2\n       /\\ P1:: B > 5\nL == \\A q \\in {1} : lb(q):: q = 1\n====\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "T.tla"), []byte("---- MODULE T ----\nEXTENDS Base\nX == <<Inv!P0, Inv!P1, Inv>>\nY == Inv!P2\n====\n"), 0o644)
	if _, err := Load(filepath.Join(dir, "T.tla"), LoadOptions{}); err == nil || !strings.HasSuffix(err.Error(), "T.tla:4:6: Cannot find label `P2'.") {
		t.Errorf("Inv!P2: got %v", err)
	}
	os.WriteFile(filepath.Join(dir, "T.tla"), []byte("---- MODULE T ----\nEXTENDS Base\nX == <<Inv!P0, Inv!P1, Inv, L>>\n====\n"), 0o644)
	m, err := Load(filepath.Join(dir, "T.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Eval("X")
	if err != nil || Format(v) != "<<TRUE, FALSE, FALSE, TRUE>>" {
		t.Errorf("got %v %v, want <<TRUE, FALSE, FALSE, TRUE>>", v, err)
	}
}
