package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpAndUsage(t *testing.T) {
	if code, out, _ := run("--help"); code != 0 || !strings.Contains(out, "tla check") {
		t.Errorf("help: %d %q", code, out)
	}
	if code, _, _ := run(); code != 2 {
		t.Errorf("no args: %d", code)
	}
	if code, _, _ := run("frobnicate"); code != 2 {
		t.Errorf("unknown command: %d", code)
	}
	if code, _, _ := run("check"); code != 2 {
		t.Errorf("check without file: %d", code)
	}
	if code, _, _ := run("check", "-nope", "x.tla"); code != 2 {
		t.Errorf("bad flag: %d", code)
	}
}

func TestParse(t *testing.T) {
	code, out, errs := run("parse", "../testdata/TwoPhase.tla")
	if code != 0 || errs != "" {
		t.Fatalf("parse: %d %s", code, errs)
	}
	want := "Parsing file ../testdata/TwoPhase.tla\nSemantic processing of module TwoPhase\n"
	if out != want {
		t.Errorf("output %q, want %q", out, want)
	}
	dir := t.TempDir()
	bad := filepath.Join(dir, "Bad.tla")
	os.WriteFile(bad, []byte("---- MODULE Bad ----\nEXTENDS Naturals\nA == 1 +\n====\n"), 0o644)
	code, _, errs = run("parse", bad)
	if code != 2 || !strings.Contains(errs, "Bad.tla:4:1: unexpected ====") {
		t.Errorf("syntax error: %d %q", code, errs)
	}
	sem := filepath.Join(dir, "Sem.tla")
	os.WriteFile(sem, []byte("---- MODULE Sem ----\nEXTENDS Naturals\nA == B + 1\n====\n"), 0o644)
	code, _, errs = run("parse", sem)
	if code != 2 || !strings.Contains(errs, "Sem.tla:3:6: Unknown operator: `B'.") {
		t.Errorf("semantic error: %d %q", code, errs)
	}
}

func TestCheck(t *testing.T) {
	// the same results with the collector's limit following the live heap
	// (the default) and without
	for _, gc := range []string{"-gclimit=true", "-gclimit=false"} {
		code, out, errs := run("check", "-workers", "2", gc, "../testdata/TwoPhase.tla")
		if code != 0 {
			t.Fatalf("check %s: %d\n%s%s", gc, code, out, errs)
		}
		for _, want := range []string{
			"Model checking completed. No error has been found.\n",
			"1146 states generated, 288 distinct states found, 0 states left on queue.\n",
			"The depth of the complete state graph search is 11.\n",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s: missing %q in\n%s", gc, want, out)
			}
		}
	}
	code, out, _ := run("check", "../testdata/Violate.tla")
	if code != 1 || !strings.Contains(out, "Error: Invariant Small is violated.\nError: The behavior up to this point is:\nState 1: <Initial predicate>\n/\\ x = 0\n/\\ y = 0\n") {
		t.Errorf("violation: %d\n%s", code, out)
	}
	code, out, _ = run("check", "-config", "../testdata/CounterDeadlock.cfg", "../testdata/Counter.tla")
	if code != 1 || !strings.Contains(out, "Error: Deadlock reached.") {
		t.Errorf("deadlock: %d\n%s", code, out)
	}
	code, out, _ = run("check", "../testdata/Counter.tla", "-config", "../testdata/CounterDeadlock.cfg", "-deadlock")
	if code != 0 || !strings.Contains(out, "4 states generated, 4 distinct states found") {
		t.Errorf("-deadlock: %d\n%s", code, out)
	}
	code, _, errs := run("check", "-config", "missing.cfg", "../testdata/Counter.tla")
	if code != 2 || !strings.Contains(errs, "missing.cfg") {
		t.Errorf("missing config: %d %q", code, errs)
	}
}

// TestProjectSpecs parses the project's specs when they are present.
func TestProjectSpecs(t *testing.T) {
	var files []string
	for _, f := range []string{"VR.tla", "MCVR.tla", "TraceVR.tla"} {
		p := filepath.Join("..", "..", "..", "spec", f)
		if _, err := os.Stat(p); err == nil {
			files = append(files, p)
		}
	}
	if len(files) == 0 {
		t.Skip("spec/ not present")
	}
	code, out, errs := run(append([]string{"parse"}, files...)...)
	if code != 0 {
		t.Fatalf("parse: %d\n%s%s", code, out, errs)
	}
}

func TestCommandLineErrors(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := run("parse", dir)
	if code != 2 || errs != dir+": is a directory; give a module file (FILE.tla)\n" {
		t.Errorf("parse DIR: %d %q", code, errs)
	}
	code, _, errs = run("check", dir)
	if code != 2 || errs != dir+": is a directory; give a module file (FILE.tla)\n" {
		t.Errorf("check DIR: %d %q", code, errs)
	}
	code, _, errs = run("check", "-workers", "0", "../testdata/Counter.tla")
	if code != 2 || errs != "vrcheck tla check: -workers 0: the number of workers must be at least 1\n" {
		t.Errorf("-workers 0: %d %q", code, errs)
	}
	code, out, _ := run("check", "--help")
	if code != 0 || !strings.HasPrefix(out, "usage: vrcheck tla check [flags] FILE.tla\n") || !strings.Contains(out, "-progress duration\n    \tinterval between progress reports (default 1m0s)") {
		t.Errorf("check --help: %d\n%s", code, out)
	}
	_, top, _ := run("--help")
	if out == top || !strings.Contains(top, "vrcheck tla parse FILE.tla...") {
		t.Errorf("tla --help:\n%s", top)
	}
	cfg := filepath.Join(dir, "Bad.cfg")
	os.WriteFile(cfg, []byte("INIT Init\nINVARIANTT Inv\n"), 0o644)
	code, _, errs = run("check", "-config", cfg, "../testdata/Counter.tla")
	if code != 2 || errs != cfg+":2:1: unexpected INVARIANTT in configuration\n" {
		t.Errorf("bad cfg: %d %q", code, errs)
	}
}

// -dumpTrace json FILE (TLC's two-word form) writes the counterexample.
func TestDumpTraceJSON(t *testing.T) {
	f := filepath.Join(t.TempDir(), "trace.json")
	code, out, errs := run("check", "-workers", "1", "-dumpTrace", "json", f, "../testdata/Violate.tla")
	if code != 1 || !strings.Contains(out, "Invariant Small is violated") {
		t.Fatalf("check: %d %s %s", code, out, errs)
	}
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		Violation string
		States    []struct {
			Action string
			State  map[string]int
		}
		Loop int
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	// BFS: the shortest counterexample, the first found: x 0 -> 1 -> 3 -> 5
	if tr.Violation != "Invariant Small is violated." || len(tr.States) != 4 || tr.Loop != 0 {
		t.Fatalf("trace %+v", tr)
	}
	if tr.States[0].Action != "<Initial predicate>" || tr.States[3].State["x"] != 5 || tr.States[3].State["y"] != 2 {
		t.Errorf("states %+v", tr.States)
	}
	if code, _, errs := run("check", "-dumpTrace", "tla", f, "../testdata/Violate.tla"); code != 2 || !strings.Contains(errs, "want -dumpTrace json FILE") {
		t.Errorf("-dumpTrace tla: %d %q", code, errs)
	}
}

// -simulate with a seed prints the same behaviour every time.
func TestSimulateFlag(t *testing.T) {
	strip := func(s string) string { return s[:strings.LastIndex(s, "Finished in")] }
	args := []string{"check", "-simulate", "-seed", "3", "-depth", "30", "-traces", "20", "../testdata/Violate.tla"}
	code, a, errs := run(args...)
	if code != 1 || !strings.Contains(a, "Invariant Small is violated") || !strings.Contains(a, "State 2: <Step") {
		t.Fatalf("simulate: %d %s %s", code, a, errs)
	}
	_, b, _ := run(args...)
	if strip(a) != strip(b) {
		t.Errorf("same seed, different output:\n%s\n%s", a, b)
	}
	if code, _, errs := run("check", "-simulate", "-depth", "0", "../testdata/Violate.tla"); code != 2 || !strings.Contains(errs, "-depth 0") {
		t.Errorf("-depth 0: %d %q", code, errs)
	}
}

// -coverage N prints the per-action statistics; -dump FILE (".dump" added)
// and -dump dot FILE write the distinct states.
func TestCoverageAndDumpFlags(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run("check", "-workers", "2", "-coverage", "1", "-dump", filepath.Join(dir, "states"), "../testdata/Counter.tla")
	if code != 0 || !strings.Contains(out, "The coverage statistics:\n<Initial predicate>: 1:1\n") || !strings.Contains(out, "End of statistics.") {
		t.Fatalf("check: %d %s %s", code, out, errs)
	}
	b, err := os.ReadFile(filepath.Join(dir, "states.dump"))
	if err != nil || !strings.HasPrefix(string(b), "State 1:\n") {
		t.Errorf("dump: %v %q", err, b)
	}
	dot := filepath.Join(dir, "g.dot")
	if code, out, errs := run("check", "-dump", "dot", dot, "../testdata/Counter.tla"); code != 0 {
		t.Fatalf("check -dump dot: %d %s %s", code, out, errs)
	}
	if b, err := os.ReadFile(dot); err != nil || !strings.HasPrefix(string(b), "strict digraph DiskGraph {") {
		t.Errorf("dot: %v %q", err, b)
	}
	if code, _, errs := run("check", "-coverage", "-1", "../testdata/Counter.tla"); code != 2 || !strings.Contains(errs, "-coverage -1") {
		t.Errorf("-coverage -1: %d %q", code, errs)
	}
}
