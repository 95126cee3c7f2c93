package tla

import (
	"os"
	"path/filepath"
	"testing"
)

// A queue over its memory budget goes to segment files: the figures stay
// those of the in-memory run, with 1 and 2 workers, and no file is left.
func TestQueueSpillsToDisk(t *testing.T) {
	const cfgText = "CONSTANT RM = {r1, r2, r3, r4, r5}\nSPECIFICATION TPSpec\nINVARIANTS TPTypeOK TCConsistent\n"
	run := func(opts Options) *Result {
		t.Helper()
		m, err := Load(filepath.Join("testdata", "TwoPhase.tla"), LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := ParseConfig("spill.cfg", cfgText)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(m, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		if res.Violation != nil {
			t.Fatal(res.Violation)
		}
		return res
	}
	want := run(Options{Workers: 1})
	if want.Distinct < 1000 {
		t.Fatalf("the model is too small to queue encoded states: %d distinct", want.Distinct)
	}
	for _, w := range []int{1, 2} {
		dir := t.TempDir()
		before := queueSpills.Load()
		got := run(Options{Workers: w, QueueMemory: 1, QueueDir: dir})
		if queueSpills.Load() == before {
			t.Fatalf("workers %d: no level went to disk with a 1-byte budget", w)
		}
		if got.Distinct != want.Distinct || got.Generated != want.Generated || got.Depth != want.Depth {
			t.Errorf("workers %d: spilled run %d/%d/%d, in memory %d/%d/%d", w,
				got.Distinct, got.Generated, got.Depth, want.Distinct, want.Generated, want.Depth)
		}
		if ents, err := os.ReadDir(dir); err != nil || len(ents) != 0 {
			t.Errorf("workers %d: queue directory holds %d files after the run (%v)", w, len(ents), err)
		}
	}
}

// Many initial states are queued encoded, as successors are (and spill).
func TestQueueManyInitialStates(t *testing.T) {
	const src = `---- MODULE ManyInit ----
EXTENDS Naturals
VARIABLES x, y
Init == x \in 1..600 /\ y = 0
Next == x' = x /\ y' = (y + 1) % 3
====`
	for _, opts := range []Options{{Workers: 1}, {Workers: 2, QueueMemory: 1, QueueDir: t.TempDir()}} {
		m, err := LoadSource(".", "ManyInit", src)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := ParseConfig("ManyInit.cfg", "INIT Init\nNEXT Next\n")
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(m, cfg, opts)
		if err != nil {
			t.Fatal(err)
		}
		// 600 x 3 states; each has one successor
		if res.Violation != nil || res.Distinct != 1800 || res.Generated != 2400 || res.Depth != 3 {
			t.Errorf("workers %d: %d distinct, %d generated, depth %d, violation %v; want 1800, 2400, 3",
				opts.Workers, res.Distinct, res.Generated, res.Depth, res.Violation)
		}
	}
}
