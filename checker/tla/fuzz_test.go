package tla

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// hasPos reports whether every line of an error names a file and a line
// ("F.tla:3:5: ..." or "f.cfg:2: ..."): a user must be told where.
var posRE = regexp.MustCompile(`^[^\s:]+\.(tla|cfg):[0-9]+(:[0-9]+)?: `)

func assertPos(t *testing.T, what string, err error) {
	t.Helper()
	for _, line := range strings.Split(err.Error(), "\n") {
		if !posRE.MatchString(line) {
			t.Fatalf("%s: error without a position: %q", what, line)
		}
	}
}

// moduleSeeds are whole modules: the repository's own test specs and a
// few constructs that once crashed the engine.
func moduleSeeds(f *testing.F) []string {
	seeds := []string{
		"---- MODULE F ----\nEXTENDS Naturals\nVARIABLE x\nA == x' = x + 1\nB(G(_)) == G(1)\nC == B(LAMBDA y : y)\n====",
		"---- MODULE F ----\nI == INSTANCE Counter WITH N <- 1\nD == [a |-> 1].a\n====",
		"---- MODULE F ----\nRECURSIVE R(_)\nR(n) == R(n)\nE == {x \\in {} : x}\n====",
		"---- MODULE F ----\nEXTENDS Naturals\nFoo == 1 + Foo\n====",
		"---- MODULE F ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = x + 1 /\\ x < 3\nSpec == Init /\\ [][Next]_x /\\ WF_x(Next)\nLive == <>(x = 3)\n====",
		"---- MODULE F ----\nTHEOREM T == TRUE\n<1>1. TRUE OBVIOUS\n<1> QED BY <1>1\n====",
	}
	files, _ := filepath.Glob("testdata/*.tla")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			// renamed to F so that it is the module the fuzzer loads
			src := regexp.MustCompile(`MODULE \w+`).ReplaceAllString(string(b), "MODULE F")
			seeds = append(seeds, src)
		}
	}
	return seeds
}

func cfgSeeds() []string {
	seeds := []string{
		"CONSTANTS N = 3 R = {a, b} C <- D\nINIT Init NEXT Next\nINVARIANT I\nCHECK_DEADLOCK FALSE",
		"SPECIFICATION S PROPERTY P SYMMETRY Sym VIEW V CONSTRAINT C ACTION_CONSTRAINT A",
		"INVARIANTT Inv",
		"CONSTANT Op <- [Mod] Def\nNat <- NatOverride",
	}
	files, _ := filepath.Glob("testdata/*.cfg")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			seeds = append(seeds, string(b))
		}
	}
	return seeds
}

// FuzzLoad: parsing and semantic analysis of a whole module never panic,
// and every error names file, line and column.
func FuzzLoad(f *testing.F) {
	for _, s := range moduleSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		m, err := LoadSource("testdata", "F", src)
		if err != nil {
			assertPos(t, "load", err)
			return
		}
		m.EvalExpr("1")
	})
}

// FuzzConfig: the .cfg reader never panics and its errors have positions.
func FuzzConfig(f *testing.F) {
	for _, s := range cfgSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		cfg, err := ParseConfig("f.cfg", src)
		if err != nil {
			assertPos(t, "config", err)
			if cfg != nil {
				t.Fatalf("config: error %v with a non-nil Config", err)
			}
			return
		}
		if cfg == nil {
			t.Fatal("config: nil Config without an error")
		}
	})
}

// FuzzModel: a module with a .cfg, bound and explored a few steps (initial
// states, successors, invariants, liveness expansion). No panic other than
// the evaluator's own positioned errors may escape; the state space is
// capped so that every input ends.
func FuzzModel(f *testing.F) {
	mods, cfgs := moduleSeeds(f), cfgSeeds()
	for i, m := range mods {
		f.Add(m, cfgs[i%len(cfgs)])
	}
	f.Add(mods[4], "SPECIFICATION Spec\nPROPERTY Live")
	f.Fuzz(func(t *testing.T, src, cfgSrc string) {
		m, err := LoadSource("testdata", "F", src)
		if err != nil {
			assertPos(t, "load", err)
			return
		}
		cfg, err := ParseConfig("f.cfg", cfgSrc)
		if err != nil {
			assertPos(t, "config", err)
			return
		}
		if err := exploreBounded(m, cfg, 64); err != nil && strings.Contains(err.Error(), "internal error") {
			t.Fatalf("explore: %v", err)
		}
	})
}

// exploreBounded runs the checker's own steps on at most max states. Only
// *EvalError panics (the evaluator's way of reporting) are turned into
// errors; anything else propagates and fails the fuzz target.
func exploreBounded(m *Model, cfg *Config, max int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*EvalError); ok {
				err = e
				return
			}
			panic(fmt.Sprintf("panic escaped: %v", r))
		}
	}()
	ck, err := newChecker(m, cfg, Options{Workers: 1})
	if err != nil {
		return err
	}
	c := ck.newCtx()
	var queue [][]Value
	ck.initStates(ck.newCtx(), func(vals []Value) bool {
		queue = append(queue, vals)
		return len(queue) >= max
	})
	for n := 0; n < len(queue) && n < max; n++ {
		s := queue[n]
		ck.inModel(c, s)
		if _, err := ck.checkInvs(c, s, ck.invs); err != nil {
			return err
		}
		ck.successors(ck.newCtx(), s, func(t []Value, _ *opDef) bool {
			ck.actionOK(c, s, t)
			ck.fp(c, t)
			if len(queue) < max {
				queue = append(queue, t)
			}
			return len(queue) >= max
		})
	}
	return nil
}
