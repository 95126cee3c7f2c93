package tla

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const evalModule = `---- MODULE E ----
EXTENDS Integers, Sequences, FiniteSets, Bags, TLC, SequencesExt, FiniteSetsExt, Functions, Json, IOUtils
fact[n \in 0..10] == IF n = 0 THEN 1 ELSE n * fact[n - 1]
RECURSIVE Sum2(_)
Sum2(s) == IF s = <<>> THEN 0 ELSE Head(s) + Sum2(Tail(s))
Sq(x) == x * x
Ap(F(_), x) == F(x)
Add(a, b) == a + b
a ++ b == a * 10 + b
Pos == {x \in Int : x > 0}
Above(k) == {y \in Nat : y > k}
AboveFcn(k) == [y \in Nat |-> y + k]
====`

func evalModel(t *testing.T) *Model {
	t.Helper()
	m, err := LoadSource(".", "E", evalModule)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestEval(t *testing.T) {
	m := evalModel(t)
	tests := []struct{ src, want string }{
		// logic
		{"TRUE /\\ FALSE", "FALSE"},
		{"TRUE \\/ FALSE", "TRUE"},
		{"FALSE => 1", "TRUE"}, // short-circuit: the consequent is never evaluated
		{"FALSE /\\ 1", "FALSE"},
		{"TRUE <=> FALSE", "FALSE"},
		{"~TRUE", "FALSE"},
		{"\\A x \\in {} : FALSE", "TRUE"},
		{"\\E x \\in {} : TRUE", "FALSE"},
		{"\\A x, y \\in 1..3 : x + y < 7", "TRUE"},
		{"\\E x \\in 1..3, y \\in x..3 : x = y /\\ x = 3", "TRUE"},
		{"\\E <<a, b>> \\in {<<1, 2>>, <<3, 4>>} : a + b = 7", "TRUE"},
		{"IF 1 < 2 THEN \"y\" ELSE \"n\"", `"y"`},
		{"CASE 1 = 2 -> 1 [] 2 = 2 -> 2 [] OTHER -> 3", "2"},
		{"CASE 1 = 2 -> 1 [] OTHER -> 3", "3"},
		{"LET x == 2 y(z) == z + x IN y(3)", "5"},
		// integers
		{"7 \\div 2", "3"},
		{"-7 \\div 2", "-3"}, // -(7 \div 2): prefix - binds looser than \div
		{"(-7) \\div 2", "-4"},
		{"-7 % 3", "2"},
		{"7 % 3", "1"},
		{"2^10", "1024"},
		{"-3 + 1", "-2"},
		{"- (1 - 4)", "3"},
		{"3 - 5", "-2"},
		{"1 < 2 /\\ 2 =< 2 /\\ 3 >= 3 /\\ 4 > 3", "TRUE"},
		{"2147483647", "2147483647"},
		{"1..3", "{1, 2, 3}"},
		{"3..1", "{}"},
		{"5 \\in Nat", "TRUE"},
		{"-5 \\in Nat", "FALSE"},
		{"-5 \\in Int", "TRUE"},
		{"3 \\in Pos /\\ 0 \\notin Pos", "TRUE"},
		// sets
		{"{3, 1, 2, 1}", "{1, 2, 3}"},
		{"{1, 2} \\cup {2, 3}", "{1, 2, 3}"},
		{"{1, 2} \\cap {2, 3}", "{2}"},
		{"{1, 2} \\ {2, 3}", "{1}"},
		{"{1} \\subseteq {1, 2}", "TRUE"},
		{"{1, 3} \\subseteq {1, 2}", "FALSE"},
		{"SUBSET {1, 2}", "{{}, {1}, {2}, {1, 2}}"},
		{"UNION {{1}, {2, 3}}", "{1, 2, 3}"},
		{"{x * 2 : x \\in 1..3}", "{2, 4, 6}"},
		{"{x \\in 1..6 : x % 2 = 0}", "{2, 4, 6}"},
		{"{<<x, y>> : x \\in 1..2, y \\in {\"a\"}}", `{<<1, "a">>, <<2, "a">>}`},
		{"{1, 2} \\X {\"a\"}", `{<<1, "a">>, <<2, "a">>}`},
		{"Cardinality({1, 2} \\X {3, 4, 5})", "6"},
		{"<<1, 2>> \\in Nat \\X Nat", "TRUE"},
		{"CHOOSE x \\in 1..10 : x * x > 20", "5"},
		{"BOOLEAN", "{FALSE, TRUE}"},
		{"\"a\" \\in STRING", "TRUE"},
		{"{1, 2} = {2, 1}", "TRUE"},
		{"{} = {}", "TRUE"},
		{"{1..2} = {{1, 2}}", "TRUE"},
		{"{x \\in {1, 2} : FALSE} = {}", "TRUE"},
		{"Cardinality(SUBSET (1..5))", "32"},
		{"{1} \\in SUBSET {1, 2}", "TRUE"},
		{"(1..3) \\ {2}", "{1, 3}"},
		// functions, records, tuples
		{"[x \\in 1..3 |-> x * x]", "<<1, 4, 9>>"},
		{"[x \\in {\"a\", \"b\"} |-> 0]", "[a |-> 0, b |-> 0]"},
		{"[x \\in {0, 1} |-> x]", "(0 :> 0 @@ 1 :> 1)"},
		{"[x \\in 1..2, y \\in 1..2 |-> x + y][2, 1]", "3"},
		{"[a |-> 1, b |-> 2] = [x \\in {\"a\", \"b\"} |-> IF x = \"a\" THEN 1 ELSE 2]", "TRUE"},
		{"<<1, 2>> = [i \\in 1..2 |-> i]", "TRUE"},
		{"<<>> = [x \\in {} |-> 1]", "TRUE"},
		{"DOMAIN <<\"a\", \"b\">>", "{1, 2}"},
		{"DOMAIN [a |-> 1, b |-> 2]", `{"a", "b"}`},
		{"[a |-> 1, b |-> 2].b", "2"},
		{"[a |-> 1][\"a\"]", "1"},
		{"[[a |-> 1, b |-> 2] EXCEPT !.a = @ + 10, !.b = 0]", "[a |-> 11, b |-> 0]"},
		{"[<<1, 2, 3>> EXCEPT ![2] = 9]", "<<1, 9, 3>>"},
		{"[[a |-> <<1, 2>>] EXCEPT !.a[2] = @ * 5]", "[a |-> <<1, 10>>]"},
		{"[[a |-> [b |-> 1]] EXCEPT !.a.b = 2]", "[a |-> [b |-> 2]]"},
		{"[x \\in 1..2 |-> x] \\in [1..2 -> Nat]", "TRUE"},
		{"[1..2 -> {0, 1}]", "{<<0, 0>>, <<0, 1>>, <<1, 0>>, <<1, 1>>}"},
		{"Cardinality([1..3 -> 1..2])", "8"},
		{"[a : {1, 2}, b : {\"x\"}]", `{[a |-> 1, b |-> "x"], [a |-> 2, b |-> "x"]}`},
		{"[a |-> 5, b |-> \"s\"] \\in [a : Nat, b : STRING]", "TRUE"},
		{"[a |-> 5] \\in [a : Nat, b : STRING]", "FALSE"},
		{"fact[5]", "120"},
		{"Sum2(<<1, 2, 3>>)", "6"},
		{"Ap(Sq, 7)", "49"},
		{"Ap(LAMBDA x : x + 1, 7)", "8"},
		{"1 ++ 2", "12"},
		// Sequences
		{"Len(<<1, 2, 3>>)", "3"},
		{"\"ab\" \\o \"c\"", `"abc"`},
		{"Len(\"abc\")", "3"},
		{"SubSeq(\"abcd\", 2, 3)", `"bc"`},
		{"<<1>> \\o <<2, 3>>", "<<1, 2, 3>>"},
		{"Append(<<>>, 1)", "<<1>>"},
		{"Head(<<4, 5>>)", "4"},
		{"Tail(<<4, 5>>)", "<<5>>"},
		{"SubSeq(<<1, 2, 3, 4>>, 2, 3)", "<<2, 3>>"},
		{"SubSeq(<<1, 2>>, 3, 2)", "<<>>"},
		{"SelectSeq(<<1, 2, 3, 4>>, LAMBDA x : x % 2 = 0)", "<<2, 4>>"},
		{"<<1, 2>> \\in Seq(Nat)", "TRUE"},
		{"<<1, -2>> \\in Seq(Nat)", "FALSE"},
		// FiniteSets
		{"Cardinality({})", "0"},
		{"IsFiniteSet(1..3)", "TRUE"},
		{"IsFiniteSet(Nat)", "FALSE"},
		// Bags
		{"SetToBag({\"a\", \"b\"})", "[a |-> 1, b |-> 1]"},
		{"SetToBag({1}) (+) SetToBag({1, 2})", "<<2, 1>>"},
		{"(SetToBag({1}) (+) SetToBag({1, 2})) (-) SetToBag({1, 2})", "<<1>>"},
		{"SetToBag({1}) (-) SetToBag({1})", "<<>>"},
		{"BagToSet(SetToBag({1, 2}) (+) SetToBag({2}))", "{1, 2}"},
		{"BagIn(2, SetToBag({1, 2}))", "TRUE"},
		{"BagIn(3, SetToBag({1, 2}))", "FALSE"},
		{"CopiesIn(2, SetToBag({2}) (+) SetToBag({2}))", "2"},
		{"CopiesIn(7, EmptyBag)", "0"},
		{"BagCardinality(SetToBag({1, 2}) (+) SetToBag({2}))", "3"},
		{"IsABag(<<1, 2>>)", "TRUE"},
		{"IsABag(<<0>>)", "FALSE"},
		{"SetToBag({1}) \\sqsubseteq SetToBag({1, 2})", "TRUE"},
		{"BagUnion({SetToBag({1}), SetToBag({1, 2})})", "<<2, 1>>"},
		{"BagOfAll(LAMBDA x : x % 2, SetToBag({1, 2, 3}))", "(0 :> 1 @@ 1 :> 2)"},
		{"SubBag(SetToBag({1}) (+) SetToBag({1}))", "{<<>>, <<1>>, <<2>>}"},
		// TLC
		{"1 :> \"a\"", `<<"a">>`},
		{"(1 :> 2) @@ (1 :> 3) @@ (5 :> 4)", "(1 :> 2 @@ 5 :> 4)"},
		{"Cardinality(Permutations({1, 2, 3}))", "6"},
		{"SortSeq(<<3, 1, 2>>, LAMBDA x, y : x < y)", "<<1, 2, 3>>"},
		{"ToString(<<1, \"a\">>)", `"<<1, \"a\">>"`},
		{"Assert(TRUE, \"msg\")", "TRUE"},
		{"PrintT(\"hello\")", "TRUE"},
		{"RandomElement({7})", "7"},
		{`TLCGet("config").mode`, `"bfs"`},
		{"TLCEval(3)", "3"},
		// SequencesExt
		{"ToSet(<<1, 2, 1>>)", "{1, 2}"},
		{"SetToSeq({2, 1})", "<<1, 2>>"},
		{"Cons(0, <<1>>)", "<<0, 1>>"},
		{"Front(<<1, 2, 3>>)", "<<1, 2>>"},
		{"Last(<<1, 2, 3>>)", "3"},
		{"IsPrefix(<<1>>, <<1, 2>>)", "TRUE"},
		{"IsPrefix(<<2>>, <<1, 2>>)", "FALSE"},
		{"IsStrictPrefix(<<1, 2>>, <<1, 2>>)", "FALSE"},
		{"IsStrictSuffix(<<2>>, <<1, 2>>)", "TRUE"},
		{"IsStrictSuffix(<<1, 2>>, <<1, 2>>)", "FALSE"},
		{"IsStrictSuffix(<<1>>, <<1, 2>>)", "FALSE"},
		{"IsSuffix(<<2>>, <<1, 2>>)", "TRUE"},
		{"FoldLeft(Add, 0, <<1, 2, 3>>)", "6"},
		{"FoldLeft(LAMBDA acc, x : acc \\o <<x>>, <<>>, <<1, 2>>)", "<<1, 2>>"},
		{"FoldRight(LAMBDA x, acc : <<x>> \\o acc, <<1, 2>>, <<>>)", "<<1, 2>>"},
		{"Range(<<\"a\", \"b\", \"a\">>)", `{"a", "b"}`},
		{"Reverse(<<1, 2, 3>>)", "<<3, 2, 1>>"},
		{"Remove(<<1, 2, 1>>, 1)", "<<2>>"},
		{"ReplaceAll(<<1, 2, 1>>, 1, 0)", "<<0, 2, 0>>"},
		{"InsertAt(<<1, 3>>, 2, 2)", "<<1, 2, 3>>"},
		{"RemoveAt(<<1, 2, 3>>, 2)", "<<1, 3>>"},
		{"ReplaceAt(<<1, 2, 3>>, 2, 0)", "<<1, 0, 3>>"},
		{"Contains(<<1, 2>>, 2)", "TRUE"},
		{"FlattenSeq(<<<<1>>, <<>>, <<2, 3>>>>)", "<<1, 2, 3>>"},
		{"Zip(<<1, 2>>, <<\"a\", \"b\">>)", `<<<<1, "a">>, <<2, "b">>>>`},
		{"SetToSortSeq({3, 1, 2}, LAMBDA x, y : x > y)", "<<3, 2, 1>>"},
		{"BoundedSeq({0, 1}, 2)", "{<<>>, <<0>>, <<1>>, <<0, 0>>, <<0, 1>>, <<1, 0>>, <<1, 1>>}"},
		{"SeqOf({7}, 1)", "{<<>>, <<7>>}"},
		// FiniteSetsExt
		{"FoldSet(Add, 0, 1..4)", "10"},
		{"Max({3, 7, 1})", "7"},
		{"Min({3, 7, 1})", "1"},
		{"SumSet({1, 2, 3})", "6"},
		{"ProductSet({2, 3, 4})", "24"},
		{"Quantify(1..10, LAMBDA x : x > 7)", "3"},
		{"kSubset(2, {1, 2, 3})", "{{1, 2}, {1, 3}, {2, 3}}"},
		{"SymDiff({1, 2}, {2, 3})", "{1, 3}"},
		{"ReduceSet(Add, 1..3, 10)", "16"},
		// Functions
		{"Range([x \\in 1..3 |-> x % 2])", "{0, 1}"},
		{"Restrict([x \\in 1..3 |-> x], {1, 2})", "<<1, 2>>"},
		{"Inverse(<<\"a\", \"b\">>, 1..2, {\"a\", \"b\"})", "[a |-> 1, b |-> 2]"},
		{"IsInjective(<<1, 2>>)", "TRUE"},
		{"IsInjective(<<1, 1>>)", "FALSE"},
		{"IsSurjective(<<1, 2>>, 1..2, {1, 2})", "TRUE"},
		{"IsSurjective(<<1, 1>>, 1..2, {1, 2})", "FALSE"},
		{"FoldFunction(Add, 0, <<1, 2, 3>>)", "6"},
		{"FoldFunctionOnSet(Add, 0, <<1, 2, 3>>, {1, 3})", "4"},
		// Json
		{"ToJson([a |-> <<1, \"x\">>, b |-> TRUE])", `"{\"a\":[1,\"x\"],\"b\":true}"`},
		// as TLC (Gson): no HTML escaping of < > &
		{"ToJson(<<\"a<b&c>\">>)", `"[\"a<b&c>\"]"`},
	}
	for _, tc := range tests {
		v, err := m.EvalExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := Format(norm(v)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
}

func TestEvalErrors(t *testing.T) {
	m := evalModel(t)
	tests := []struct{ src, want string }{
		{"2147483647 + 1", "Overflow"},
		{"2^31", "Overflow"},
		{"100000 * 100000", "Overflow"},
		{"1 \\div 0", "The second argument of \\div is 0"},
		{"1 = \"a\"", "Attempted to check equality of integer 1 with non-integer"},
		{"<<1>>[2]", "not in the domain"},
		{"[a |-> 1].b", "nonexistent field 'b'"},
		{"Head(<<>>)", "Head to the empty sequence"},
		{"CHOOSE x \\in {1} : x > 1", "no element of S satisfied P"},
		{"CASE 1 = 2 -> 1", "no CASE arm applies"},
		{"Assert(FALSE, \"boom\")", `the second argument was:` + "\n" + `"boom"`},
		{"Cardinality(Nat)", "infinite set"},
		{"{x : x \\in Nat}", "infinite set"},
		{"1 \\in 2", "non-set"},
		{"SubSeq(<<1>>, 1, 5)", "SubSeq"},
		{"TRUE /\\ 1", "expected a boolean"},
		{"Max({})", "empty set"},
	}
	for _, tc := range tests {
		_, err := m.EvalExpr(tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want error containing %q", tc.src, err, tc.want)
		}
	}
}

func TestJSON(t *testing.T) {
	dir := t.TempDir()
	nd := filepath.Join(dir, "t.ndjson")
	if err := os.WriteFile(nd, []byte("{\"op\":\"put\",\"n\":1,\"xs\":[1,2],\"ok\":true}\n{\"op\":\"get\",\"n\":2,\"xs\":[],\"ok\":false}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	js := filepath.Join(dir, "t.json")
	if err := os.WriteFile(js, []byte(`{"a": [{"b": "c"}], "d": -3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "null.ndjson")
	if err := os.WriteFile(bad, []byte("{\"a\":null}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.json")
	if err := os.WriteFile(big, []byte(`4294967296`), 0o644); err != nil {
		t.Fatal(err)
	}
	m := evalModel(t)
	tests := []struct{ src, want string }{
		{`ndJsonDeserialize("` + nd + `")`, `<<[n |-> 1, ok |-> TRUE, op |-> "put", xs |-> <<1, 2>>], [n |-> 2, ok |-> FALSE, op |-> "get", xs |-> <<>>]>>`},
		{`ndJsonDeserialize("` + nd + `")[1].xs[2]`, "2"},
		{`JsonDeserialize("` + js + `")`, `[a |-> <<[b |-> "c"]>>, d |-> -3]`},
	}
	for _, tc := range tests {
		v, err := m.EvalExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := Format(norm(v)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
	if _, err := m.EvalExpr(`ndJsonDeserialize("` + bad + `")`); err == nil || !strings.Contains(err.Error(), "unsupported JSON value null") {
		t.Errorf("null: got %v", err)
	}
	if _, err := m.EvalExpr(`JsonDeserialize("` + big + `")`); err == nil || !strings.Contains(err.Error(), "32-bit") {
		t.Errorf("big: got %v", err)
	}
	t.Setenv("VRCHECK_TEST_VAR", "hello")
	v, err := m.EvalExpr("IOEnv.VRCHECK_TEST_VAR")
	if err != nil || Format(v) != `"hello"` {
		t.Errorf("IOEnv: %v %v", v, err)
	}
}

func TestSemanticErrors(t *testing.T) {
	tests := []struct{ src, want string }{
		{"---- MODULE S ----\nA == B + 1\n====", "S.tla:2:6: Unknown operator: `B'."},
		{"---- MODULE S ----\nA == 1 + 2\n====", "S.tla:2:8: Unknown operator: `+'."},
		{"---- MODULE S ----\nEXTENDS Naturals\nF(x) == x\nA == F\n====", "S.tla:4:6: The operator F requires 1 arguments."},
		{"---- MODULE S ----\nEXTENDS Naturals\nF(x) == x\nA == F(1, 2)\n====", "S.tla:4:6: The operator F requires 1 arguments."},
		{"---- MODULE S ----\nA == 1\nA == 2\n====", "S.tla:3:1: Multiple declarations or definitions for symbol A."},
		{"---- MODULE S ----\nVARIABLE x\nA == \\E x \\in {} : TRUE\n====", "Multiply-defined symbol 'x'"},
		{"---- MODULE S ----\nEXTENDS Nope\n====", "S.tla:2:9: cannot find module Nope"},
		{"---- MODULE S ----\nA == @\n====", "S.tla:2:6: @ used outside an EXCEPT"},
		{"---- MODULE S ----\nEXTENDS Naturals\nH(G(_)) == G(1)\nA == H(2)\n====", "expected an operator of arity 1"},
		{"---- MODULE S ----\nA == Len(<<>>)\n====", "Unknown operator: `Len'."},
		{"---- MODULE S ----\nI == INSTANCE Counter\n====", "no substitution for N and no symbol of that name"},
		{"---- MODULE S ----\nEXTENDS Naturals\nA == 99999999999\n====", "outside TLC's 32-bit range"},
	}
	for _, tc := range tests {
		_, err := LoadSource("testdata", "S", tc.src)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.src, err, tc.want)
		}
	}
}

// Quantifiers whose bodies keep nothing of their environment share one set
// of links between bindings (retainsEnv); those whose bodies may keep it
// (LET, lazy arguments, lambdas) get fresh links. Both give the same values.
func TestQuantifierLinks(t *testing.T) {
	m := evalModel(t)
	tests := []struct{ src, want string }{
		{"\\A <<a, b>> \\in {<<1, 2>>, <<3, 4>>} : \\E c \\in 1..5 : c = a + 1 /\\ b = c", "TRUE"},
		{"\\A <<a, b>> \\in {<<1, 2>>, <<3, 5>>} : \\E c \\in 1..5 : c = a + 1 /\\ b = c", "FALSE"},
		{"\\A x \\in 1..4 : \\A y \\in x..4 : Add(x, y) >= 2 * x", "TRUE"},
		{"\\E x \\in 1..4 : LET y == x + 1 IN \\A z \\in {y} : z = 5", "TRUE"},
		{"\\A x \\in 1..3 : Ap(LAMBDA z : z + x, x) = 2 * x", "TRUE"},
		{"{x \\in 1..6 : \\E y \\in 1..x : y * y = x}", "{1, 4}"},
		// lazy values made in a scope whose links are reused once it ends
		// (tmpStack) keep a copy of them: k stays 3 after Add's call
		{"LET S == Above(3) IN Add(10, 20) > 0 /\\ 5 \\in S /\\ 3 \\notin S", "TRUE"},
		{"LET f == AboveFcn(3) IN Add(10, 20) > 0 /\\ f[4] = 7", "TRUE"},
		// a large bag and a few elements (bagMergeFew): before, between and after its elements
		{"LET B == SetToBag({<<i>> : i \\in 1..20}) IN (B (+) SetToBag({<<0>>, <<21>>})) = SetToBag({<<i>> : i \\in 0..21})", "TRUE"},
		{"LET B == SetToBag({<<i>> : i \\in 1..20}) IN CopiesIn(<<5>>, B (+) SetToBag({<<5>>, <<25>>})) = 2 /\\ BagCardinality(B (+) SetToBag({<<5>>, <<25>>})) = 22", "TRUE"},
		{"LET B == SetToBag({<<i>> : i \\in 1..20}) IN (B (-) SetToBag({<<5>>, <<30>>})) = SetToBag({<<i>> : i \\in (1..20) \\ {5}})", "TRUE"},
		{"LET k == 2 IN LET S == Above(k + 1) IN Sq(9) > 0 /\\ 4 \\in S /\\ 3 \\notin S", "TRUE"},
	}
	for _, tc := range tests {
		v, err := m.EvalExpr(tc.src)
		if err != nil {
			t.Errorf("%s: %v", tc.src, err)
			continue
		}
		if got := Format(norm(v)); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.src, got, tc.want)
		}
	}
	keeps := []struct {
		n    node
		want bool
	}{
		{&and{xs: []node{&envRef{}, &lit{v: true}}}, false},
		{&letIn{body: &lit{v: true}}, false},
		{&letIn{defs: []letDef{{def: &opDef{body: &lambda{}}, zero: true}}, body: &lit{v: true}}, true},
		{&letIn{defs: []letDef{{def: &opDef{body: &lit{v: true}}}}, body: &lit{v: true}}, true},
		{&setFilter{bound: cbound{n: 1, set: &lit{v: boolSet}}, pred: &envRef{}}, false},
		{&lambda{}, true},
		{&call{base: -1, args: []node{&envRef{}}, lazy: []bool{false}}, false},
		{&call{base: -1, args: []node{&envRef{}}, lazy: []bool{true}}, true},
		{&call{base: 0}, true},
		{&quant{bounds: []cbound{{n: 1, set: &lit{v: boolSet}}}, body: &lambda{}}, true},
	}
	for i, k := range keeps {
		if got := retainsEnv(k.n); got != k.want {
			t.Errorf("case %d: retainsEnv = %v, want %v", i, got, k.want)
		}
	}
}
