package tla

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The liveness models of testdata/live, each with TLC's output recorded
// once in NAME.tlc (VRCHECK_RECORD_TLC=1 rewrites them with ../shared/tla/tlc).
var liveModels = []struct{ cfg, module string }{
	{"FairnessWF", "Fairness"}, // weak fairness does not force an intermittently enabled action
	{"FairnessSF", "Fairness"}, // strong fairness does
	{"EnabledOK", "Enabled"},   // <>[]~ENABLED, \A p : <>..., fairness under \A
	{"EnabledBad", "Enabled"},  // []<>ENABLED fails: the counter stops
	{"StableBad", "Stable"},    // <>[] fails on a cycle: "Back to state"
	{"StableOK", "Stable"},     // []<> and ~> hold
	{"NoFair", "NoFair"},       // no fairness: stuttering for ever
	// ENABLED of an instance quantifies over its own substituted variables
	{"InstEnabledOK", "InstEnabled"},  // no s' satisfies Inc: WF holds
	{"InstEnabledBad", "InstEnabled"}, // some s' does: stuttering violates WF
}

func TestLivenessAgainstTLC(t *testing.T) {
	record := os.Getenv("VRCHECK_RECORD_TLC") != ""
	for _, lm := range liveModels {
		t.Run(lm.cfg, func(t *testing.T) {
			golden := filepath.Join("testdata", "live", lm.cfg+".tlc")
			if record {
				tlc, _ := filepath.Abs("../../../shared/tla/tlc")
				cmd := exec.Command(tlc, "-workers", "1", "-metadir", t.TempDir(), "-config", lm.cfg+".cfg", lm.module+".tla")
				cmd.Dir = filepath.Join("testdata", "live")
				out, _ := cmd.CombinedOutput()
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(golden)
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s not recorded yet: run VRCHECK_RECORD_TLC=1 go test -run TestLivenessAgainstTLC (needs ../shared/tla/tlc)", golden)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := parseTLC(string(b))
			if want.Result == "error" {
				t.Fatalf("%s records a TLC error: %s", golden, want.Output)
			}
			m, err := Load(filepath.Join("testdata", "live", lm.module+".tla"), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := ReadConfig(filepath.Join("testdata", "live", lm.cfg+".cfg"))
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(m, cfg, Options{Workers: 2})
			if err != nil {
				t.Fatal(err)
			}
			got := "success"
			if v := res.Violation; v != nil {
				got = v.Kind
				if v.Kind == "temporal" {
					got = "liveness failure"
					checkLasso(t, m, cfg, v)
					// on these small models TLC's lasso is the shortest one, and so is ours
					if shape, tlc := lassoShape(lassoText(v)), lassoShape(string(b)); shape != tlc {
						t.Errorf("lasso %s, TLC: %s", shape, tlc)
					}
				}
			}
			if got != want.Result {
				t.Errorf("verdict %s, TLC: %s", got, want.Result)
			}
			if res.Distinct != want.Distinct || res.Generated != want.Total {
				t.Errorf("%d distinct / %d generated, TLC: %d / %d", res.Distinct, res.Generated, want.Distinct, want.Total)
			}
		})
	}
}

// checkLasso asserts that a counterexample is a behaviour of the model: each
// state follows from the one before, and the loop closes by a real step or
// by stuttering.
func checkLasso(t *testing.T, m *Model, cfg *Config, v *Violation) {
	t.Helper()
	ck, err := newChecker(m, cfg, Options{Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	isSucc := func(s, u []Value) bool {
		found := false
		ck.successors(ck.newCtx(), s, func(x []Value, _ *opDef) bool {
			found = fingerprint(x) == fingerprint(u)
			return found
		})
		return found
	}
	tr := v.Trace
	if len(tr) == 0 || v.LoopTo < 1 || v.LoopTo > len(tr) {
		t.Fatalf("malformed lasso: %d states, back to %d", len(tr), v.LoopTo)
	}
	for i := 1; i < len(tr); i++ {
		if !isSucc(tr[i-1].Vals, tr[i].Vals) {
			t.Errorf("state %d does not follow from state %d", i+1, i)
		}
	}
	if v.Stuttering {
		if v.LoopTo != len(tr) {
			t.Errorf("stuttering lasso loops to %d of %d", v.LoopTo, len(tr))
		}
	} else if !isSucc(tr[len(tr)-1].Vals, tr[v.LoopTo-1].Vals) {
		t.Errorf("back to state %d is not a step of the model", v.LoopTo)
	}
	var out bytes.Buffer
	FormatLasso(&out, v)
	if !strings.Contains(out.String(), "Back to state") && !strings.Contains(out.String(), ": Stuttering") {
		t.Errorf("lasso printed without its loop:\n%s", out.String())
	}
}

// Without fairness every one of these fails: the behaviour may stutter in
// x = 0 for ever.
func TestLivenessWithoutFairness(t *testing.T) {
	for _, prop := range []string{"[]<>(x = 1)", "\\A i \\in {1} : (x = 0 ~> x = i)", "<>(x = 1)"} {
		res, err := checkSource(t, "---- MODULE Inline ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = 1 - x\nLive == "+prop+"\n====",
			"INIT Init\nNEXT Next\nPROPERTY Live\n")
		if err != nil {
			t.Fatalf("%s: %v", prop, err)
		}
		if v := res.Violation; v == nil || v.Kind != "temporal" {
			t.Errorf("%s: want a temporal violation, got %+v", prop, v)
		}
	}
	// with fairness all three hold
	for _, prop := range []string{"[]<>(x = 1)", "\\A i \\in {1} : (x = 0 ~> x = i)", "<>(x = 1)"} {
		res, err := checkSource(t, "---- MODULE Inline ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = 1 - x\nSpec == Init /\\ [][Next]_x /\\ WF_x(Next)\nLive == "+prop+"\n====",
			"SPECIFICATION Spec\nPROPERTY Live\n")
		if err != nil {
			t.Fatalf("%s: %v", prop, err)
		}
		if res.Violation != nil {
			t.Errorf("%s under WF: %v", prop, res.Violation)
		}
	}
}

// A temporal operator the engine does not check is refused with its
// position, never answered.
func TestLivenessUnsupported(t *testing.T) {
	_, err := checkSource(t, "---- MODULE Inline ----\nEXTENDS Naturals\nVARIABLE x\nInit == x = 0\nNext == x' = 1 - x\nLive == <>(x = 0) -+-> (x = 1)\n====",
		"INIT Init\nNEXT Next\nPROPERTY Live\n")
	if err == nil || !strings.Contains(err.Error(), "Inline.tla:6:") || !strings.Contains(err.Error(), "not supported") {
		t.Errorf("want a positioned refusal of -+-> with a liveness operand, got %v", err)
	}
}

func lassoText(v *Violation) string {
	var out bytes.Buffer
	FormatLasso(&out, v)
	return out.String()
}

var lassoLine = regexp.MustCompile(`(?m)^(State \d+: Stuttering|Back to state \d+)`)

// lassoShape is the number of states and how the loop closes.
func lassoShape(out string) string {
	n := 0
	for _, m := range tlcState.FindAllStringSubmatch(out, -1) {
		if k := int(atoi(m[1])); k > n {
			n = k
		}
	}
	return fmt.Sprintf("%d states, %s", n, lassoLine.FindString(out))
}
