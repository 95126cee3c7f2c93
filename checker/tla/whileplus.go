package tla

// A -+-> G (Specifying Systems, section 10.7): for every n, if A holds for
// the first n states of the behaviour, G holds for the first n+1. A formula
// "holds for a prefix" when the prefix can be extended to a behaviour that
// satisfies it; for the safety formulas handled here (conjunctions of state
// predicates, []P with P a state predicate and [][N]_v) that is: the
// predicates hold on the first state, every []P on every state and every
// step is an [N]_v step. A violation is then a finite prefix, found by
// breadth-first search over the behaviour graph (so it is a shortest one),
// and printed as a behaviour that stutters after it.

// safetySide is one operand of -+->, split into its parts.
type safetySide struct {
	init   []node // state predicates on the first state
	always []node // state predicates on every state
	steps  []node // [N]_v on every step
}

func (ck *checker) safetySide(n node) (safetySide, bool) {
	var sd safetySide
	for _, c := range conjuncts(n) {
		if t, ok := c.(*temporal); ok {
			if t.op != "[]" {
				return sd, false
			}
			if s, ok := t.xs[0].(*sub); ok && s.box {
				sd.steps = append(sd.steps, s)
				continue
			}
			if ck.levelOf(t.xs[0]) <= lvlState {
				sd.always = append(sd.always, t.xs[0])
				continue
			}
			return sd, false
		}
		if ck.levelOf(c) > lvlState {
			return sd, false
		}
		sd.init = append(sd.init, c)
	}
	return sd, true
}

// first reports whether the side holds for the prefix of one state s.
func (sd *safetySide) first(c *ctx, s []Value) bool {
	c.cur, c.next = s, nil
	for _, n := range sd.init {
		if !evalBool(c, n, nil, loc{}) {
			return false
		}
	}
	return sd.holdsAlways(c, s)
}

func (sd *safetySide) holdsAlways(c *ctx, s []Value) bool {
	c.cur, c.next = s, nil
	for _, n := range sd.always {
		if !evalBool(c, n, nil, loc{}) {
			return false
		}
	}
	return true
}

// step reports whether a prefix for which the side holds still satisfies
// it after the step s -> t.
func (sd *safetySide) step(c *ctx, s, t []Value) bool {
	for _, n := range sd.steps {
		c.cur, c.next = s, t
		if !evalBool(c, n, nil, loc{}) {
			return false
		}
	}
	return sd.holdsAlways(c, t)
}

// whilePlus checks the property A -+-> G on the behaviour graph; it returns
// the states of a shortest violating prefix, or nil.
func (ck *checker) whilePlus(x *temporal, g *bgraph) []int32 {
	a, okA := ck.safetySide(x.xs[0])
	gs, okG := ck.safetySide(x.xs[1])
	if !okA || !okG {
		x.failf("not supported: -+-> whose operands are not safety formulas (conjunctions of state predicates, []P and [][N]_v); TLC does not check -+-> at all")
	}
	c := ck.newCtx()
	parent := make([]int32, len(g.states))
	for i := range parent {
		parent[i] = -2 // not reached
	}
	path := func(s int32) []int32 {
		var out []int32
		for ; s >= 0; s = parent[s] {
			out = append(out, s)
		}
		for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
		return out
	}
	var queue []int32
	for _, s := range ck.liveInits {
		// n = 0: A holds for the empty prefix, so G must hold for the first state
		if !gs.first(c, g.states[s]) {
			return []int32{s}
		}
		if parent[s] == -2 && a.first(c, g.states[s]) {
			parent[s] = -1
			queue = append(queue, s)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for _, t := range g.succ(s) {
			if t == s {
				continue // stuttering keeps both sides
			}
			if !gs.step(c, g.states[s], g.states[t]) {
				return append(path(s), t)
			}
			if parent[t] == -2 && a.step(c, g.states[s], g.states[t]) {
				parent[t] = s
				queue = append(queue, t)
			}
		}
	}
	return nil
}

// isWhilePlus reports whether a property is A -+-> G.
func isWhilePlus(n node) (*temporal, bool) {
	t, ok := n.(*temporal)
	return t, ok && t.op == "-+->"
}
