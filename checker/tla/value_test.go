package tla

import "testing"

// Adding keys above all others shares the arrays of the function added to;
// two functions made from the same one by different keys stay apart, and
// every result equals (and hashes as) the function built from scratch.
func TestFcnAppendShares(t *testing.T) {
	key := func(v, n int) Value { return &Tuple{elems: []Value{Int(v), Int(n)}} }
	var f Value = mkFcn([]Value{key(0, 1)}, []Value{Str("a")})
	var dom, rng []Value
	dom, rng = append(dom, key(0, 1)), append(rng, Str("a"))
	var forks []Value
	for n := 2; n <= 40; n++ {
		hashOf(f)
		g := fcnMerge(mkFcn([]Value{key(0, n)}, []Value{Str("b")}), f)
		forks = append(forks, g) // a second successor of f: must not see f's other extension
		f = fcnMerge(mkFcn([]Value{key(0, n)}, []Value{Str("a")}), f)
		dom, rng = append(dom, key(0, n)), append(rng, Str("a"))
		want := &Fcn{dom: append([]Value(nil), dom...), rng: append([]Value(nil), rng...)}
		if cmp(f, want) != 0 || hashOf(f) != hashOf(&Fcn{dom: want.dom, rng: want.rng}) {
			t.Fatalf("after %d keys: %s, want %s", n, Format(f), Format(want))
		}
	}
	if f.(*Fcn).back == nil {
		t.Fatal("appending keys never shared the arrays")
	}
	for i, g := range forks {
		n := i + 2
		gf := g.(*Fcn)
		if len(gf.dom) != n || cmp(gf.dom[n-1], key(0, n)) != 0 || gf.rng[n-1] != Str("b") {
			t.Fatalf("fork %d changed: %s", n, Format(g))
		}
		for j := 0; j < n-1; j++ {
			if gf.rng[j] != Str("a") {
				t.Fatalf("fork %d changed at %d: %s", n, j, Format(g))
			}
		}
	}
}
