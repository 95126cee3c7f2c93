package tla

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAliasAgainstTLC: with ALIAS in the .cfg the counterexample lists the
// alias record's fields in their written order, primes reading the next
// state (the last state's own), as TLC printed in testdata/alias/Alias.tlc
// (tlc -metadir $(mktemp -d) Alias.tla; the State blocks kept).
func TestAliasAgainstTLC(t *testing.T) {
	dir := filepath.Join("testdata", "alias")
	want, err := os.ReadFile(filepath.Join(dir, "Alias.tlc"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Load(filepath.Join(dir, "Alias.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ReadConfig(filepath.Join(dir, "Alias.cfg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sim := range []bool{false, true} {
		var v *Violation
		if sim {
			res, err := Simulate(m, cfg, SimOptions{Depth: 10, Traces: 1})
			if err != nil {
				t.Fatal(err)
			}
			v = res.Violation
		} else {
			res, err := Check(m, cfg, Options{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			v = res.Violation
		}
		if v == nil || v.Kind != "invariant" {
			t.Fatalf("simulate %v: want the invariant violated, got %+v", sim, v)
		}
		var b bytes.Buffer
		FormatTrace(&b, v.Trace)
		if b.String() != string(want) {
			t.Errorf("simulate %v: trace\n%s\nTLC:\n%s", sim, b.String(), want)
		}
	}
	cfg.Alias = "Nope"
	if _, err := Check(m, cfg, Options{Workers: 1}); err == nil || !strings.Contains(err.Error(), "alias Nope: no such definition in module Alias") {
		t.Errorf("unknown alias: %v", err)
	}
}
