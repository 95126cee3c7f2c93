package tla

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSemanticsAgainstTLC runs each model of testdata/semantics (M.cfg with
// M.tla) and compares its verdict, distinct and total states with TLC's
// output recorded beside it (M.tlc). Each model is a small case of a
// semantic point where the engine once differed from TLC.
//
//	VRCHECK_RECORD_TLC=semantics go test ./checker/tla -run TestSemanticsAgainstTLC   # rerun TLC (needs Java)
func TestSemanticsAgainstTLC(t *testing.T) {
	dir := filepath.Join("testdata", "semantics")
	cfgs, _ := filepath.Glob(filepath.Join(dir, "*.cfg"))
	if len(cfgs) == 0 {
		t.Fatal("no models in testdata/semantics")
	}
	record := os.Getenv("VRCHECK_RECORD_TLC") == "semantics"
	for _, cfgPath := range cfgs {
		name := strings.TrimSuffix(filepath.Base(cfgPath), ".cfg")
		t.Run(name, func(t *testing.T) {
			golden := filepath.Join(dir, name+".tlc")
			if record {
				tlc, _ := filepath.Abs("../../../shared/tla/tlc")
				cmd := exec.Command(tlc, "-workers", "1", "-metadir", t.TempDir(), "-config", name+".cfg", name+".tla")
				cmd.Dir = dir
				out, _ := cmd.CombinedOutput()
				if err := os.WriteFile(golden, out, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			b, err := os.ReadFile(golden)
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s not recorded yet: run VRCHECK_RECORD_TLC=semantics go test -run TestSemanticsAgainstTLC (needs ../shared/tla/tlc)", golden)
			}
			if err != nil {
				t.Fatal(err)
			}
			want := parseTLC(string(b))
			if want.Result == "error" {
				t.Fatalf("%s records a TLC error: %s", golden, want.Output)
			}
			m, err := Load(filepath.Join(dir, name+".tla"), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			m.Out = &strings.Builder{}
			cfg, err := ReadConfig(cfgPath)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(m, cfg, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			got := "success"
			if v := res.Violation; v != nil {
				got = violationName(v)
				if v.Kind == "error" {
					t.Fatalf("engine: %v", v.Err)
				}
			}
			wantV := "success"
			if want.Result != "success" {
				wantV = want.Violation
			}
			if got != wantV || res.Distinct != want.Distinct || res.Generated != want.Total {
				t.Errorf("engine: %s, %d distinct, %d total; TLC: %s, %d distinct, %d total",
					got, res.Distinct, res.Generated, wantV, want.Distinct, want.Total)
			}
		})
	}
}
