package tla

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// TestConfigErrors: every malformed .cfg gives an error naming file, line,
// column and what was wrong (issue 16, defect 1: these used to crash).
func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"INIT Init\nINVARIANTT Inv\n", "t.cfg:2:1: unexpected INVARIANTT in configuration"},
		{"SPECIFICATIONN Spec\n", "t.cfg:1:1: unexpected SPECIFICATIONN in configuration"},
		{"INIT Init NEXT Next\n  FOO\n", "t.cfg:2:3: unexpected FOO in configuration"},
		{"CONSTANT N =\n", "t.cfg:2:1: unexpected end of file in a configuration value"},
		{"CONSTANT N = 3 M\nINIT I\n", "t.cfg:2:1: expected = or <- after M but found INIT"},
		{"CONSTANT N <- [Mod Def\n", "t.cfg:1:20: expected ] after [Mod"},
		{"CONSTANT N = [Mod v\n", "t.cfg:1:19: expected ] after [Mod"},
		{"INIT\nNEXT Next\n", "t.cfg:2:1: expected a name but found NEXT"},
		{"CHECK_DEADLOCK maybe\n", "t.cfg:1:16: CHECK_DEADLOCK expects TRUE or FALSE"},
	} {
		cfg, err := ParseConfig("t.cfg", tc.src)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%q: got %v, %v; want error %q", tc.src, cfg, err, tc.want)
		}
	}
}

func TestConfigForms(t *testing.T) {
	cfg, err := ParseConfig("t.cfg", "CONSTANTS\n  Nat <- NatOverride\n  Op <- [Mod] Def\n  + <- Plus\n  S = {a, \"b\", 1, <<2, TRUE>>}\n  NoHash = [Nano] NoHashVal\nALIAS Alias\n")
	if err != nil {
		t.Fatal(err)
	}
	if v := cfg.Consts[4].Value; Format(v) != "NoHashVal" {
		t.Errorf("NoHash = [Nano] NoHashVal: value %v", v)
	}
	got := []CfgConst{}
	for _, c := range cfg.Consts {
		c.Value = nil
		got = append(got, c)
	}
	want := []CfgConst{
		{Name: "Nat", Subst: "NatOverride", Pos: cfgPos(2, 3)},
		{Name: "Op", Subst: "Def", Module: "Mod", Pos: cfgPos(3, 3)},
		{Name: "+", Subst: "Plus", Pos: cfgPos(4, 3)},
		{Name: "S", Pos: cfgPos(5, 3)},
		{Name: "NoHash", Module: "Nano", Pos: cfgPos(6, 3)},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	// a model value comes before every other value, as in TLC
	if s := Format(cfg.Consts[3].Value); s != `{a, 1, "b", <<2, TRUE>>}` {
		t.Errorf("set value %s", s)
	}
	if cfg.Alias != "Alias" {
		t.Errorf("alias %q", cfg.Alias)
	}
}

// TestSelfReference: without RECURSIVE an operator is not in scope in its
// own body, as in SANY (issue 16, defect 2: this used to overflow the stack).
func TestSelfReference(t *testing.T) {
	src := "---- MODULE R ----\nEXTENDS Naturals\nVARIABLE x\nFoo == x + Foo\nG(n) == IF n = 0 THEN 0 ELSE G(n-1)\nH == LET K(n) == K(n) IN 1\n====\n"
	_, err := LoadSource(t.TempDir(), "R", src)
	want := "R.tla:4:12: Unknown operator: `Foo'.\nR.tla:5:30: Unknown operator: `G'.\nR.tla:6:18: Unknown operator: `K'."
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want\n%s", err, want)
	}
}

// TestUnboundedRecursion: RECURSIVE operators and recursive functions that
// never stop end in an evaluation error at the call.
func TestUnboundedRecursion(t *testing.T) {
	src := `---- MODULE U ----
EXTENDS Naturals
RECURSIVE R(_)
R(n) == R(n + 1)
f[n \in Nat] == f[n + 1]
L == LET RECURSIVE K(_)
         K(n) == 1 + K(n)
     IN K(0)
RECURSIVE Z
Z == Z
Ok == LET RECURSIVE S(_)
          S(n) == IF n = 0 THEN 0 ELSE n + S(n - 1)
      IN S(20000)
====
`
	m, err := LoadSource(t.TempDir(), "U", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ expr, want string }{
		{"R(0)", "U.tla:4:9: recursion of R is deeper than 32768 calls"},
		{"f[0]", "U.tla:5:2: recursion of f is deeper than 32768 calls"},
		{"L", "U.tla:7:22: recursion of K is deeper than 32768 calls"},
		{"Z", "U.tla:10:6: recursion of Z is deeper than 32768 calls"},
	} {
		_, err := m.EvalExpr(tc.expr)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.expr, err, tc.want)
		}
	}
	if v, err := m.EvalExpr("Ok"); err != nil || Format(v) != "200010000" {
		t.Errorf("Ok: %v %v", v, err)
	}
}

// TestConfigNames: names the .cfg gives that the module lacks are reported
// at their place in the .cfg.
func TestConfigNames(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "T.tla"), []byte("---- MODULE T ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = 1 - x\nInv == x < 2\n====\n"), 0o644)
	m, err := Load(filepath.Join(dir, "T.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ cfg, want string }{
		{"INIT Init\nNEXT Next\nINVARIANT Inv NoSuchInv\n", "t.cfg:3:15: invariant NoSuchInv: no such definition in module T"},
		{"INIT Init\nNEXT Nxt\n", "t.cfg:2:6: next Nxt: no such definition in module T"},
		{"SPECIFICATION Spec\n", "t.cfg:1:15: specification Spec: no such definition in module T"},
		{"INIT Init\nNEXT Next\nPROPERTY P\n", "t.cfg:3:10: property P: no such definition in module T"},
		{"INIT Init\nNEXT Next\nCONSTANT Inv <- [Sequences] Init\n", "t.cfg:3:10: Inv <- [Sequences] Init: module Sequences is not used by T"},
		{"INIT Init\n", "t.cfg: the configuration needs INIT and NEXT, or SPECIFICATION"},
		{"INIT Init\nNEXT Next\nINVARIANT Inv\nCONSTANT N = 3\n", ""}, // as TLC: N is not declared, so ignored
	} {
		cfg, err := ParseConfig("t.cfg", tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Check(m, cfg, Options{Workers: 1})
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || err.Error() != tc.want) {
			t.Errorf("%q: got %v, want %q", tc.cfg, err, tc.want)
		}
	}
}

func cfgPos(l, c int) syntax.Pos { return syntax.Pos{Line: l, Col: c} }

// TestOverrides: C <- Op replaces a standard operator (Nat <- NatOverride)
// or, with [Module], a definition of a module the root uses.
func TestOverrides(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "Base.tla"), []byte("---- MODULE Base ----\nEXTENDS Naturals\nVARIABLE x\nLimit == 100\nInit == x = 0\nNext == x < Limit /\\ x' \\in {n \\in Nat : n = x + 1}\n====\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "MC.tla"), []byte("---- MODULE MC ----\nEXTENDS Base\nNatOverride == 0..10\nTwo == 2\n====\n"), 0o644)
	m, err := Load(filepath.Join(dir, "MC.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cfg      string
		distinct int64
	}{
		{"INIT Init\nNEXT Next\nCONSTANT Nat <- NatOverride\n", 11},
		{"INIT Init\nNEXT Next\nCONSTANT Nat <- NatOverride Limit <- [Base] Two\n", 3},
		{"INIT Init\nNEXT Next\nCONSTANT Limit = 5 Nat <- NatOverride\n", 6},
	} {
		cfg, err := ParseConfig("t.cfg", tc.cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(m, cfg, Options{Workers: 1, NoDeadlock: true})
		if err != nil || res.Distinct != tc.distinct {
			t.Errorf("%q: %v %+v, want %d distinct states", tc.cfg, err, res, tc.distinct)
		}
	}
}

// TestLevelAndArityErrors: SANY's semantic errors, at their positions.
func TestLevelAndArityErrors(t *testing.T) {
	src := "---- MODULE L ----\nEXTENDS Naturals\nVARIABLE x\nASSUME x' = 1\nASSUME x = 2\nF(a) == a\nG == F(1, 2)\nH == x''\n====\n"
	_, err := LoadSource(t.TempDir(), "L", src)
	want := "L.tla:7:6: The operator F requires 1 arguments.\nL.tla:8:8: prime applied to an action-level expression\n" +
		"L.tla:4:1: Level error: assumptions must be level 0 (Constant), but this one has level 2.\n" +
		"L.tla:5:1: Level error: assumptions must be level 0 (Constant), but this one has level 1."
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want\n%s", err, want)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "L2.tla"), []byte("---- MODULE L2 ----\nVARIABLE x\nInit == x = 0\nNext == x' = x\nInv == x' = x\n====\n"), 0o644)
	m, err := Load(filepath.Join(dir, "L2.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := ParseConfig("l2.cfg", "INIT Init\nNEXT Next\nINVARIANT Inv\n")
	_, err = Check(m, cfg, Options{Workers: 1})
	if want := "l2.cfg:3:11: The invariant Inv is not a state predicate (one with no primes or temporal operators)."; err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

// TestTemporalQuantifiers: \EE and \AA, which TLC does not check either, are
// refused with their position, not misparsed.
func TestTemporalQuantifiers(t *testing.T) {
	for _, tc := range []struct{ op, want string }{
		{`\EE`, `Q.tla:3:6: not supported: temporal quantifier \EE`},
		{`\AA`, `Q.tla:3:6: not supported: temporal quantifier \AA`},
	} {
		src := "---- MODULE Q ----\nVARIABLE x\nF == " + tc.op + " y : y = x\n====\n"
		_, err := LoadSource(t.TempDir(), "Q", src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", tc.op, err, tc.want)
		}
	}
}
