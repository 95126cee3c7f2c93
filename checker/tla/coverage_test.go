package tla

import (
	"bytes"
	"strings"
	"testing"
)

const coverageSpec = `---- MODULE Cov ----
EXTENDS Naturals
VARIABLE x
Init == x \in {0, 1}
Inc == x < 2 /\ x' = x + 1
Reset == x = 2 /\ x' = 0
Never == x > 5 /\ x' = 0
Next == Inc \/ Reset \/ Never
====
`

// TestCoverage: per-action counts as TLC's -coverage prints them (states
// found first by the action : states it generated), derived by hand; the
// dump lists the distinct states in BFS order, the same with 1 and 2
// workers.
func TestCoverage(t *testing.T) {
	m, err := LoadSource(t.TempDir(), "Cov", coverageSpec)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := ParseConfig("cov.cfg", "INIT Init\nNEXT Next\n")
	var outs []string
	for _, w := range []int{1, 2} {
		var dump bytes.Buffer
		res, err := Check(m, cfg, Options{Workers: w, Coverage: true, Dump: &dump})
		if err != nil || res.Violation != nil {
			t.Fatalf("%v %v", err, res.Violation)
		}
		var b strings.Builder
		FormatCoverage(&b, res.Coverage)
		// level 1: {0, 1}; Inc: 0->1 (seen), 1->2 (new); level 2: {2};
		// Reset: 2->0 (seen); Never, never enabled, is listed with 0:0 (as TLC).
		want := "The coverage statistics:\n" +
			"<Initial predicate>: 2:2\n" +
			"<Inc line 5, col 8 to line 5, col 26 of module Cov>: 1:2\n" +
			"<Reset line 6, col 10 to line 6, col 24 of module Cov>: 0:1\n" +
			"<Never line 7, col 10 to line 7, col 24 of module Cov>: 0:0\n" +
			"End of statistics.\n"
		if b.String() != want {
			t.Errorf("workers %d: coverage\n%s\nwant\n%s", w, b.String(), want)
		}
		if res.Distinct != 3 || res.Generated != 5 {
			t.Errorf("workers %d: %d distinct, %d generated, want 3, 5", w, res.Distinct, res.Generated)
		}
		outs = append(outs, dump.String())
	}
	want := "State 1:\n/\\ x = 0\n\nState 2:\n/\\ x = 1\n\nState 3:\n/\\ x = 2\n\n"
	if outs[0] != want || outs[1] != want {
		t.Errorf("dump (1 worker)\n%s\n(2 workers)\n%s\nwant\n%s", outs[0], outs[1], want)
	}
	var dot bytes.Buffer
	if _, err := Check(m, cfg, Options{Workers: 1, Dump: &dot, DumpFormat: DumpDot}); err != nil {
		t.Fatal(err)
	}
	d := dot.String()
	if !strings.HasPrefix(d, "strict digraph DiskGraph {") || strings.Count(d, " -> ") != 3 || strings.Count(d, "style = filled") != 2 || !strings.HasSuffix(d, "}\n}\n") {
		t.Errorf("dot dump:\n%s", d)
	}
}
