package tla

import "testing"

// TestWhilePlus: A -+-> G holds when G lasts one state longer than A, and
// is violated by the shortest prefix where it does not. A is false of the
// only behaviour, so A => G holds in both cases; G alone fails in both.
func TestWhilePlus(t *testing.T) {
	src := `---- MODULE WP ----
EXTENDS Naturals
VARIABLES x, y
Init == x = 0 /\ y = 0
Next == x < 4 /\ x' = x + 1 /\ y' = IF x = 2 THEN 1 ELSE y
Spec == Init /\ [][Next]_<<x, y>>
G == [](y = 0) /\ [][y' >= y]_y
Holds == ([](x < 2) /\ x = 0) -+-> G
Fails == [](x < 3) -+-> G
Bad == <>(x = 1) -+-> G
====
`
	m, err := LoadSource(t.TempDir(), "WP", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		prop string
		len  int // states of the counterexample, 0: holds
	}{{"Holds", 0}, {"Fails", 4}} {
		cfg, err := ParseConfig("wp.cfg", "SPECIFICATION Spec\nPROPERTY "+tc.prop+"\nCHECK_DEADLOCK FALSE\n")
		if err != nil {
			t.Fatal(err)
		}
		res, err := Check(m, cfg, Options{Workers: 2})
		if err != nil {
			t.Fatalf("%s: %v", tc.prop, err)
		}
		v := res.Violation
		switch {
		case tc.len == 0 && v != nil:
			t.Errorf("%s: violated: %v", tc.prop, v)
		case tc.len > 0 && (v == nil || v.Kind != "temporal" || len(v.Trace) != tc.len || !v.Stuttering):
			t.Errorf("%s: got %+v, want a violation of %d states then stuttering", tc.prop, v, tc.len)
		}
		if tc.len > 0 && v != nil && len(v.Trace) == tc.len {
			if got := Format(v.Trace[tc.len-1].Vals[1]); got != "1" {
				t.Errorf("%s: last state y = %s, want 1", tc.prop, got)
			}
		}
	}
	cfg, _ := ParseConfig("wp.cfg", "SPECIFICATION Spec\nPROPERTY Bad\nCHECK_DEADLOCK FALSE\n")
	_, err = Check(m, cfg, Options{Workers: 1})
	if err == nil || err.Error() != "checking temporal properties: WP.tla:10:18: not supported: -+-> whose operands are not safety formulas (conjunctions of state predicates, []P and [][N]_v); TLC does not check -+-> at all" {
		t.Errorf("Bad: error %v", err)
	}
}
