package tla

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// figures are TLC's end-of-run numbers.
type figures struct {
	generated, distinct int64
	depth               int
}

// brute is an independent breadth-first enumerator over explicit Go
// states: generated counts initial states plus every successor computed.
func brute[S any](inits []S, next func(S) []S, key func(S) string, inModel func(S) bool) figures {
	seen := map[string]bool{}
	var f figures
	var level []S
	for _, s := range inits {
		f.generated++
		if !inModel(s) || seen[key(s)] {
			continue
		}
		seen[key(s)] = true
		level = append(level, s)
	}
	for len(level) > 0 {
		f.depth++
		var nl []S
		for _, s := range level {
			for _, t := range next(s) {
				f.generated++
				if !inModel(t) || seen[key(t)] {
					continue
				}
				seen[key(t)] = true
				nl = append(nl, t)
			}
		}
		level = nl
	}
	f.distinct = int64(len(seen))
	return f
}

func all[S any](S) bool { return true }

func runSpec(t *testing.T, tlaFile, cfgFile string, opts Options) *Result {
	t.Helper()
	m, err := Load(filepath.Join("testdata", tlaFile), LoadOptions{})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	cfg, err := ReadConfig(filepath.Join("testdata", cfgFile))
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	if opts.Workers == 0 {
		opts.Workers = 2
	}
	res, err := Check(m, cfg, opts)
	if err != nil {
		t.Fatalf("check: %v", err)
	}
	return res
}

func expectFigures(t *testing.T, res *Result, want figures) {
	t.Helper()
	if res.Violation != nil {
		t.Fatalf("unexpected violation: %v", res.Violation)
	}
	got := figures{res.Generated, res.Distinct, res.Depth}
	if got != want || res.Left != 0 {
		t.Errorf("got %+v (left %d), want %+v", got, res.Left, want)
	}
}

func TestCounter(t *testing.T) {
	// x goes 0..5: 6 states, each generated once, depth 6.
	expectFigures(t, runSpec(t, "Counter.tla", "Counter.cfg", Options{}), figures{6, 6, 6})
}

// twoPhase is the TwoPhase spec hand-coded: rm states 0 working,
// 1 prepared, 2 committed, 3 aborted; tm 0 init, 1 committed, 2 aborted;
// msgs bits 0-2 Prepared(rm), 3 Commit, 4 Abort.
type tpState struct {
	rm       [3]int8
	tm       int8
	prepared uint8
	msgs     uint8
}

func tpNext(s tpState) []tpState {
	var out []tpState
	if s.tm == 0 && s.prepared == 7 {
		t := s
		t.tm, t.msgs = 1, s.msgs|8
		out = append(out, t)
	}
	if s.tm == 0 {
		t := s
		t.tm, t.msgs = 2, s.msgs|16
		out = append(out, t)
	}
	for r := 0; r < 3; r++ {
		if s.tm == 0 && s.msgs&(1<<r) != 0 {
			t := s
			t.prepared |= 1 << r
			out = append(out, t)
		}
		if s.rm[r] == 0 {
			t := s
			t.rm[r], t.msgs = 1, s.msgs|1<<r
			out = append(out, t)
			t = s
			t.rm[r] = 3
			out = append(out, t)
		}
		if s.msgs&8 != 0 {
			t := s
			t.rm[r] = 2
			out = append(out, t)
		}
		if s.msgs&16 != 0 {
			t := s
			t.rm[r] = 3
			out = append(out, t)
		}
	}
	return out
}

func tpKey(s tpState) string { return fmt.Sprint(s) }

// tpCanon is the least key over the 6 permutations of the resource managers.
func tpCanon(s tpState) string {
	perms := [][3]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}}
	best := ""
	for _, p := range perms {
		var t tpState
		t.tm = s.tm
		t.msgs = s.msgs & 24
		for i := 0; i < 3; i++ {
			t.rm[p[i]] = s.rm[i]
			if s.prepared&(1<<i) != 0 {
				t.prepared |= 1 << p[i]
			}
			if s.msgs&(1<<i) != 0 {
				t.msgs |= 1 << p[i]
			}
		}
		if k := tpKey(t); best == "" || k < best {
			best = k
		}
	}
	return best
}

func TestTwoPhase(t *testing.T) {
	want := brute([]tpState{{}}, tpNext, tpKey, all[tpState])
	if want.distinct != 288 { // the well-known figure for 3 resource managers
		t.Fatalf("brute force found %d states", want.distinct)
	}
	expectFigures(t, runSpec(t, "TwoPhase.tla", "TwoPhase.cfg", Options{}), want)
}

func TestTwoPhaseSymmetry(t *testing.T) {
	want := brute([]tpState{{}}, tpNext, tpCanon, all[tpState])
	for _, w := range []int{1, 2} {
		expectFigures(t, runSpec(t, "TwoPhase.tla", "TwoPhaseSym.cfg", Options{Workers: w}), want)
	}
}

type petState struct {
	pc   [2]int8 // 0 idle, 1 turn, 2 wait, 3 cs
	flag [2]bool
	turn int8
}

func petNext(s petState) []petState {
	var out []petState
	for p := int8(0); p < 2; p++ {
		o := 1 - p
		switch s.pc[p] {
		case 0:
			t := s
			t.flag[p], t.pc[p] = true, 1
			out = append(out, t)
		case 1:
			t := s
			t.turn, t.pc[p] = o, 2
			out = append(out, t)
		case 2:
			t := s
			t.pc[p] = 3
			// each true disjunct of the guard yields a successor, as in TLC
			if !s.flag[o] {
				out = append(out, t)
			}
			if s.turn == p {
				out = append(out, t)
			}
		case 3:
			t := s
			t.pc[p], t.flag[p] = 0, false
			out = append(out, t)
		}
	}
	return out
}

func TestPeterson(t *testing.T) {
	want := brute([]petState{{}}, petNext, func(s petState) string { return fmt.Sprint(s) }, all[petState])
	expectFigures(t, runSpec(t, "Peterson.tla", "Peterson.cfg", Options{}), want)
}

type chanState struct {
	sent       int
	chan_, got string // digits
}

func chanNext(s chanState) []chanState {
	var out []chanState
	if s.sent < 4 {
		out = append(out, chanState{s.sent + 1, s.chan_ + fmt.Sprint(s.sent), s.got})
	}
	for i := range s.chan_ {
		out = append(out, chanState{s.sent, s.chan_[:i] + s.chan_[i+1:], s.got})
	}
	if len(s.chan_) > 0 {
		out = append(out, chanState{s.sent, s.chan_[1:], s.got + s.chan_[:1]})
	}
	return out
}

func TestChannelConstraint(t *testing.T) {
	want := brute([]chanState{{}}, chanNext, func(s chanState) string { return fmt.Sprint(s) },
		func(s chanState) bool { return len(s.chan_) <= 2 })
	expectFigures(t, runSpec(t, "Channel.tla", "Channel.cfg", Options{}), want)
}

func traceString(steps []TraceStep) string {
	var b strings.Builder
	FormatTrace(&b, steps)
	return b.String()
}

func TestInvariantViolationShortest(t *testing.T) {
	for _, w := range []int{1, 2} {
		res := runSpec(t, "Violate.tla", "Violate.cfg", Options{Workers: w})
		v := res.Violation
		if v == nil || v.Kind != "invariant" || v.Name != "Small" {
			t.Fatalf("want violation of Small, got %+v", v)
		}
		// x = 5 needs three steps (2 + 2 + 1 in some order): four states.
		if len(v.Trace) != 4 {
			t.Fatalf("trace has %d states:\n%s", len(v.Trace), traceString(v.Trace))
		}
		last := v.Trace[3]
		if Format(last.Vals[0]) != "5" || Format(last.Vals[1]) != "2" {
			t.Errorf("last state %v", last.Vals)
		}
		s := traceString(v.Trace)
		if !strings.HasPrefix(s, "State 1: <Initial predicate>\n/\\ x = 0\n/\\ y = 0\n\nState 2: <Step") {
			t.Errorf("trace format:\n%s", s)
		}
		for _, st := range v.Trace[1:] {
			if !strings.Contains(st.Action, " of module Violate>") {
				t.Errorf("action label %q", st.Action)
			}
		}
	}
}

func TestDeadlock(t *testing.T) {
	res := runSpec(t, "Counter.tla", "CounterDeadlock.cfg", Options{})
	v := res.Violation
	if v == nil || v.Kind != "deadlock" || len(v.Trace) != 4 || Format(v.Trace[3].Vals[0]) != "3" {
		t.Fatalf("want deadlock at x = 3, got %+v", v)
	}
	want := "State 1: <Initial predicate>\nx = 0\n\nState 2: <Next line 6, col 9 to line 6, col 27 of module Counter>\nx = 1\n\n"
	if s := traceString(v.Trace); !strings.HasPrefix(s, want) {
		t.Errorf("trace:\n%s", s)
	}
	// -deadlock disables the check
	res = runSpec(t, "Counter.tla", "CounterDeadlock.cfg", Options{NoDeadlock: true})
	expectFigures(t, res, figures{4, 4, 4})
}

func checkSource(t *testing.T, src, cfgText string) (*Result, error) {
	t.Helper()
	return checkSourceWith(t, src, cfgText, Options{Workers: 2})
}

// checkSourceWith checks module Inline given as text, with its cfg text and opts.
func checkSourceWith(t *testing.T, src, cfgText string, opts Options) (*Result, error) {
	t.Helper()
	m, err := LoadSource("testdata", "Inline", src)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	cfg, err := ParseConfig("Inline.cfg", cfgText)
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	return Check(m, cfg, opts)
}

func TestActionPropertyViolation(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x' = (x + 1) % 4
Mono == [][x' > x]_x
====`, "INIT Init\nNEXT Next\nPROPERTY Mono\n")
	if err != nil {
		t.Fatal(err)
	}
	v := res.Violation
	if v == nil || v.Kind != "action property" || len(v.Trace) != 5 || Format(v.Trace[4].Vals[0]) != "0" {
		t.Fatalf("want Mono violated by 3 -> 0, got %+v", v)
	}
}

func TestInstanceAndSubstitution(t *testing.T) {
	// Counter instantiated with N <- 3 and x <- y behaves like Counter with N = 3.
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
CONSTANT Limit
VARIABLE y
C == INSTANCE Counter WITH N <- Limit, x <- y
Init == C!Init
Next == C!Next
Double(n) == 2 * n
====`, "CONSTANT Limit <- Three\nINIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n")
	if err == nil {
		t.Fatalf("Three is undefined: want an error, got %+v", res)
	}
	res, err = checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
CONSTANT Limit
VARIABLE y
C == INSTANCE Counter WITH N <- Limit, x <- y
Init == C!Init
Next == C!Next
Three == 3
Inv == C!Inv
====`, "CONSTANT Limit <- Three\nINIT Init\nNEXT Next\nINVARIANT Inv\nCHECK_DEADLOCK FALSE\n")
	if err != nil {
		t.Fatal(err)
	}
	expectFigures(t, res, figures{4, 4, 4})
}

func TestEvalErrorReported(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x' = x + <<1>>
====`, "INIT Init\nNEXT Next\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Violation == nil || res.Violation.Kind != "error" || !strings.Contains(res.Violation.Err.Error(), "Inline.tla:5:16") {
		t.Fatalf("want a positioned evaluation error, got %+v", res.Violation)
	}
}

func TestUnassignedVariable(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
VARIABLE x, y
Init == x = 0 /\ y = 0
Next == x' = 1
====`, "INIT Init\nNEXT Next\n")
	if err != nil {
		t.Fatal(err)
	}
	if res.Violation == nil || !strings.Contains(res.Violation.Err.Error(), "variable y is not assigned") {
		t.Fatalf("got %+v", res.Violation)
	}
}

func TestMissingConstant(t *testing.T) {
	_, err := checkSource(t, "---- MODULE Inline ----\nCONSTANT N\nVARIABLE x\nInit == x = N\nNext == x' = x\n====", "INIT Init\nNEXT Next\n")
	if err == nil || !strings.Contains(err.Error(), "The constant parameter N is not assigned") {
		t.Fatalf("got %v", err)
	}
}

func TestActionSemantics(t *testing.T) {
	// LET values depending on primed variables are recomputed per branch;
	// priming a LET definition primes its body; ENABLED; IF and CASE in
	// actions; x' \in S enumeration; tuple-bound \E.
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
VARIABLES x, y, z
Init == x = 0 /\ y = 0 /\ z = 0
A == LET s == x' + 1
         v == x
     IN /\ \/ x' = 1
           \/ x' = 2
        /\ y' = s
        /\ z' = v' * 10
B == /\ x = 1
     /\ IF y = 2 THEN x' = 5 ELSE x' = 6
     /\ y' \in {7, 8}
     /\ UNCHANGED z
C == /\ x \in {5, 6}
     /\ \E <<a, b>> \in {<<1, 2>>} : x' = a /\ y' = b
     /\ z' = CASE x = 5 -> 50 [] OTHER -> 60
Next == (x = 0 /\ A) \/ B \/ C
CanA == ENABLED A
Inv == /\ x = 0 => CanA
       /\ x \in {0, 1, 2} => y = x + 1 \/ x = 0
       /\ x \in {1, 2} => z \in {x * 10, 50}
====`, "INIT Init\nNEXT Next\nINVARIANT Inv\nCHECK_DEADLOCK FALSE\n")
	if err != nil {
		t.Fatal(err)
	}
	// states: (0,0,0); A: (1,2,10) (2,3,20); B from (1,2,10): (5,7,10) (5,8,10);
	// C from (5,7,10),(5,8,10): (1,2,50) twice -> one state; B from (1,2,50): (5,7,50),(5,8,50);
	// C from those: (1,2,50) again.
	expectFigures(t, res, figures{1 + 2 + 2 + 2 + 2 + 2, 8, 5})
}

func TestParametrizedInstance(t *testing.T) {
	m, err := LoadSource("testdata", "Inline", `---- MODULE Inline ----
EXTENDS Naturals
VARIABLE y
C(n) == INSTANCE Counter WITH N <- n, x <- y
Big == C(10)!Inv
====`)
	if err != nil {
		t.Fatal(err)
	}
	c := &ctx{m: m, cur: []Value{Int(7)}}
	n, err := m.CompileExpr("C(5)!Inv /\\ ~C(6)!Inv")
	if err != nil {
		t.Fatal(err)
	}
	_ = n
	v := func() (v Value) {
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("eval: %v", r)
			}
		}()
		return n.eval(c, nil)
	}()
	// y = 7: Inv == y <= N is FALSE for N = 5 and 6.
	if v != false {
		t.Errorf("got %v", v)
	}
	n2, _ := m.CompileExpr("C(8)!Inv")
	if n2.eval(c, nil) != true {
		t.Errorf("C(8)!Inv should hold for y = 7")
	}
}

func TestViewAndActionConstraint(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
VARIABLES x, y
Init == x = 0 /\ y = 0
Next == \/ x' = (x + 1) % 3 /\ y' = y
        \/ y' = 1 - y /\ x' = x
View == x
====`, "INIT Init\nNEXT Next\nVIEW View\n")
	if err != nil {
		t.Fatal(err)
	}
	// states are identified by x alone: 0, 1, 2; each explored state has 2 successors.
	expectFigures(t, res, figures{1 + 3*2, 3, 3})

	res, err = checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x' \in 0..3
Mono == x' >= x
====`, "INIT Init\nNEXT Next\nACTION_CONSTRAINT Mono\n")
	if err != nil {
		t.Fatal(err)
	}
	// 0 -> {0,1,2,3}; every state has 4 successors, only x' >= x are kept.
	expectFigures(t, res, figures{1 + 4*4, 4, 2})
}

func TestPostcondition(t *testing.T) {
	src := `---- MODULE Inline ----
EXTENDS Naturals, TLC
VARIABLE x
Init == x = 0
Next == x < 5 /\ x' = x + 1
Post6 == TLCGet("stats").diameter = 6 /\ TLCGet("distinct") = 6 /\ TLCGet("queue") = 0
Post7 == TLCGet("stats").diameter = 7
====`
	res, err := checkSource(t, src, "INIT Init\nNEXT Next\nPOSTCONDITION Post6\nCHECK_DEADLOCK FALSE\n")
	if err != nil || res.Violation != nil {
		t.Fatalf("Post6: %v %+v", err, res)
	}
	res, err = checkSource(t, src, "INIT Init\nNEXT Next\nPOSTCONDITION Post7\nCHECK_DEADLOCK FALSE\n")
	if err != nil || res.Violation == nil || res.Violation.Kind != "postcondition" {
		t.Fatalf("Post7: %v %+v", err, res)
	}
}

func TestConstraintSemantics(t *testing.T) {
	// As in TLC, invariants are also checked on successors outside the
	// constraint, and action properties on transitions leaving it.
	src := `---- MODULE Inline ----
EXTENDS Naturals
VARIABLE x
Init == x = 0
Next == x' = x + 1
Bound == x <= 2
Small == x < 3
Step == [][x' = x + 1 /\ x' < 3]_x
====`
	res, err := checkSource(t, src, "INIT Init\nNEXT Next\nCONSTRAINT Bound\nINVARIANT Small\n")
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Violation; v == nil || v.Kind != "invariant" || len(v.Trace) != 4 || Format(v.Trace[3].Vals[0]) != "3" {
		t.Fatalf("want Small violated at x = 3 outside the constraint, got %+v", v)
	}
	res, err = checkSource(t, src, "INIT Init\nNEXT Next\nCONSTRAINT Bound\nPROPERTY Step\n")
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Violation; v == nil || v.Kind != "action property" || len(v.Trace) != 4 {
		t.Fatalf("want Step violated by 2 -> 3, got %+v", v)
	}
	// without either check the bounded model ends at x = 2; x = 3 is generated but not kept
	res, err = checkSource(t, src, "INIT Init\nNEXT Next\nCONSTRAINT Bound\nCHECK_DEADLOCK FALSE\n")
	if err != nil {
		t.Fatal(err)
	}
	expectFigures(t, res, figures{4, 3, 3})
}

// A function built lazily in Init reads the variables Init assigned before
// it (EWD998ChanID: inbox = [n \in Node |-> ... clock[n] ...]).
func TestLazyValueInInit(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Naturals
CONSTANT Node
VARIABLES a, b
Init == /\ a = [n \in Node |-> 1]
        /\ b = [n \in Node |-> IF n = CHOOSE m \in Node : TRUE THEN <<a[n]>> ELSE <<>>]
Next == UNCHANGED <<a, b>>
Inv == \A n \in Node : b[n] \in {<<>>, <<1>>}
====`, "CONSTANT Node = {n1, n2, n3}\nINIT Init\nNEXT Next\nINVARIANT Inv\n")
	if err != nil || res.Violation != nil || res.Distinct != 1 {
		t.Fatalf("got %+v, %v; want 1 state, no violation", res, err)
	}
}

// Without INIT, NEXT and SPECIFICATION TLC checks the assumptions only and
// reports no states (MisraReachability's MCReachabilityTest models).
func TestNoBehaviour(t *testing.T) {
	src := "---- MODULE Inline ----\nEXTENDS Naturals\nCONSTANT N\nASSUME N > 1\n====\n"
	res, err := checkSource(t, src, "CONSTANT N = 3\n")
	if err != nil || res.Violation != nil || res.Distinct != 0 || res.Generated != 0 {
		t.Fatalf("got %+v, %v; want 0 states, no error", res, err)
	}
	_, err = checkSource(t, src, "CONSTANT N = 0\n")
	if err == nil || !strings.Contains(err.Error(), "Inline.tla:4:10: Assumption is false") {
		t.Errorf("false assumption: %v", err)
	}
}

// UNION of sets that cannot be enumerated is a set whose membership is
// checked member by member (Disruptor's RingBuffer!TypeOk).
func TestUnionOfInfiniteSets(t *testing.T) {
	res, err := checkSource(t, `---- MODULE Inline ----
EXTENDS Integers
VARIABLE x
Init == x = [i \in 0..1 |-> 0]
Next == UNCHANGED x
T1 == x \in UNION { [0..1 -> Int \union {"n"}] }
T2 == [s |-> x] \in [s : UNION { [0..1 -> Int \union {"n"}], [0..1 -> {"m"}] }]
T3 == LET S == {{1, 2}, {3}} IN UNION S = 1..3 /\ UNION {{1}, {2, 1}} = {1, 2} /\ UNION {} = {}
T4 == x \notin UNION { [0..1 -> {"m"}], [0..2 -> Int] }
====`, "INIT Init\nNEXT Next\nINVARIANT T1 T2 T3 T4\n")
	if err != nil || res.Violation != nil || res.Distinct != 1 {
		t.Fatalf("got %+v, %v; want 1 state, no violation", res, err)
	}
}

// TLCGet("config") in breadth-first mode, as TLC prints it for this module
// (mode "bfs", deadlock as CHECK_DEADLOCK says, worker): also in an ASSUME.
func TestTLCGetConfig(t *testing.T) {
	src := "---- MODULE Inline ----\nEXTENDS TLC, Naturals\nVARIABLE x\nASSUME TLCGet(\"config\").mode = \"bfs\"\nASSUME TLCGet(\"config\").deadlock = D\nCONSTANT D\nInit == x = 0\nNext == x < 2 /\\ x' = x + 1\n====\n"
	for _, tc := range []struct{ cfg, want string }{
		{"CONSTANT D = FALSE\nINIT Init\nNEXT Next\nCHECK_DEADLOCK FALSE\n", ""},
		{"CONSTANT D = TRUE\nINIT Init\nNEXT Next\n", "deadlock"},
		{"CONSTANT D = FALSE\nINIT Init\nNEXT Next\n", "Assumption is false"},
	} {
		res, err := checkSource(t, src, tc.cfg)
		got := ""
		switch {
		case err != nil:
			got = err.Error()
		case res.Violation != nil:
			got = res.Violation.Kind
		}
		if !strings.Contains(got, tc.want) || tc.want == "" && got != "" {
			t.Errorf("%q: got %q, want %q", tc.cfg, got, tc.want)
		}
	}
}
