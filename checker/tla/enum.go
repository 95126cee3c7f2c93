package tla

// enumState carries the action label while the next-state relation is
// split into actions (through disjunctions, \E and operator expansion).
type enumState struct {
	split bool
}

// enum generates the successor assignments of an action: it calls k once
// per way of satisfying n, with c.next filled in. k returns true to stop;
// enum returns true if stopped.
func enum(c *ctx, n node, e *env, st *enumState, k func() bool) bool {
	switch x := n.(type) {
	case *and:
		return enumAnd(c, x.xs, e, &enumState{}, k)
	case *or:
		for _, d := range x.xs {
			if enum(c, d, e, st, k) {
				return true
			}
		}
		return false
	case *quant:
		if x.all {
			var envs []*env
			eachBinding(c, e, x.bounds, x.loc, func(ne *env) bool {
				envs = append(envs, ne)
				return false
			})
			return enumAll(c, x.body, envs, st, k)
		}
		return eachBinding(c, e, x.bounds, x.loc, func(ne *env) bool {
			return enum(c, x.body, ne, st, k)
		})
	case *implies:
		// as TLC: the consequent is enumerated when the antecedent holds
		if evalBool(c, x.x, e, x.loc) {
			return enum(c, x.y, e, st, k)
		}
		return k()
	case *envRef:
		// an operator parameter bound to an action (A in PostStutter(A, ...))
		if t, ok := e.raw(x.depth).(*thunk); ok && !t.primed {
			return enum(c, t.n, t.e, st, k)
		}
	case *eq:
		if !x.neg {
			if sb, ok := c.subAssignable(x.x); ok {
				c.subNext[sb] = norm(x.y.eval(c, e))
				stop := k()
				c.subNext[sb] = nil
				return stop
			}
			if v, ok := c.assignable(x.x, e); ok && c.next[v.idx] == nil {
				val := norm(x.y.eval(c, e))
				c.next[v.idx] = val
				stop := k()
				c.next[v.idx] = nil
				return stop
			}
		}
	case *in:
		if !x.neg {
			if sb, ok := c.subAssignable(x.x); ok {
				stop := false
				forEach(x.s.eval(c, e), x.loc, func(val Value) bool {
					c.subNext[sb] = val
					stop = k()
					return stop
				})
				c.subNext[sb] = nil
				return stop
			}
			if v, ok := c.assignable(x.x, e); ok && c.next[v.idx] == nil {
				s := x.s.eval(c, e)
				stop := false
				forEach(s, x.loc, func(val Value) bool {
					c.next[v.idx] = val
					stop = k()
					return stop
				})
				c.next[v.idx] = nil
				return stop
			}
		}
	case *unchanged:
		// the variables assigned here, on the context's stack of them
		base := len(c.assigned)
		var subs []*subst
		if c.subNext != nil {
			for s, v := range c.subNext {
				if v == nil {
					subs = append(subs, s)
				}
			}
		}
		ok := unchangedAssign(c, x.x, e, &c.assigned, x.loc)
		stop := false
		if ok {
			stop = k()
		}
		for _, i := range c.assigned[base:] {
			c.next[i] = nil
		}
		c.assigned = c.assigned[:base]
		for _, s := range subs {
			c.subNext[s] = nil
		}
		return stop
	case *ifte:
		if evalBool(c, x.cond, e, x.loc) {
			return enum(c, x.t, e, st, k)
		}
		return enum(c, x.f, e, st, k)
	case *caseOf:
		for _, a := range x.arms {
			if evalBool(c, a.cond, e, x.loc) {
				return enum(c, a.val, e, st, k)
			}
		}
		if x.other == nil {
			x.failf("no CASE arm applies")
		}
		return enum(c, x.other, e, st, k)
	case *letIn:
		if x.onStack() {
			// the continuation runs inside the LET's scope (see letIn.eval)
			m := c.tmp.mark()
			stop := enum(c, x.body, x.bindTmp(c, e), st, k)
			c.tmp.release(m)
			return stop
		}
		return enum(c, x.body, x.bind(c, e), st, k)
	case *call:
		ne := x.baseEnv(e)
		if len(x.args) > 0 && !x.def.bodyKeepsEnv() {
			// as in call.eval; the continuation runs inside the call
			m := c.tmp.mark()
			ne = x.bindArgs(c, c.tmp.envs(len(x.args)), e, ne)
			stop := enumCall(c, x, ne, st, k)
			c.tmp.release(m)
			return stop
		}
		return enumCall(c, x, x.bindArgs(c, make([]env, len(x.args)), e, ne), st, k)
	case *instCall:
		var ne *env
		for _, a := range x.instArgs {
			ne = push(ne, a.eval(c, e))
		}
		for _, a := range x.args {
			ne = push(ne, a.eval(c, e))
		}
		return enumBody(c, x.def, ne, st, k)
	case *callValue:
		f := x.fn.eval(c, e)
		if cl, ok := f.(*Closure); ok && cl.def != nil {
			ne := cl.env
			for i, a := range x.args {
				if x.lazy[i] {
					ne = push(ne, &thunk{n: a, e: e, primed: c.primed})
				} else {
					ne = push(ne, a.eval(c, e))
				}
			}
			return enum(c, cl.def.body, ne, st, k)
		}
	case *substRef:
		ne := e
		for i := 0; i < x.skip; i++ {
			ne = ne.up
		}
		return enum(c, x.x, ne, st, k)
	case *sub:
		if x.box {
			if enum(c, x.a, e, st, k) {
				return true
			}
			return enum(c, &unchanged{x: x.v, loc: x.loc}, e, st, k)
		}
		return enum(c, x.a, e, st, func() bool {
			if asBool((&unchanged{x: x.v, loc: x.loc}).eval(c, e), x.loc) {
				return false
			}
			return k()
		})
	case *lit:
		if b, ok := x.v.(bool); ok {
			if b {
				return k()
			}
			return false
		}
	case *temporal:
		x.failf("not supported: temporal operator %s in an action", x.op)
	}
	v := n.eval(c, e)
	b, ok := v.(bool)
	if !ok {
		failf("action evaluated to the non-boolean %s", Format(v))
	}
	if b {
		return k()
	}
	return false
}

// enumCall enumerates an operator's body in its environment ne.
func enumCall(c *ctx, x *call, ne *env, st *enumState, k func() bool) bool {
	if x.def.recursive {
		enterRec(x.loc, x.def.name)
		defer leaveRec()
	}
	return enumBody(c, x.def, ne, st, k)
}

// enumBody enumerates def's body in ne; split: the successors are named after def.
func enumBody(c *ctx, def *opDef, ne *env, st *enumState, k func() bool) bool {
	if st.split {
		saved := c.action
		c.action = def
		stop := enum(c, def.body, ne, st, k)
		c.action = saved
		return stop
	}
	return enum(c, def.body, ne, st, k)
}

func enumAnd(c *ctx, xs []node, e *env, st *enumState, k func() bool) bool {
	if len(xs) == 0 {
		return k()
	}
	return enum(c, xs[0], e, st, func() bool {
		return enumRest(c, xs[1:], e, st, k)
	})
}

// enumRest enumerates the conjuncts after the first. As TLC (Tool's
// getInitStates and getNextStates of an ActionItemList): once every
// variable has a value, the remaining conjuncts are evaluated, not
// enumerated, so a disjunction there gives one state, not one per true
// disjunct. The first conjunct of a conjunction is always enumerated.
func enumRest(c *ctx, xs []node, e *env, st *enumState, k func() bool) bool {
	if len(xs) > 0 && c.allAssigned() {
		for _, x := range xs {
			if !enumTest(c, x, e) {
				return false
			}
		}
		return k()
	}
	return enumAnd(c, xs, e, st, k)
}

// allAssigned reports whether every variable of the state being built has
// a value (not inside ENABLED of an instance's substituted variables).
func (c *ctx) allAssigned() bool {
	if c.subNext != nil {
		return false
	}
	for _, v := range c.next {
		if v == nil {
			return false
		}
	}
	return true
}

// enumTest evaluates a conjunct of an action whose variables are all
// assigned.
func enumTest(c *ctx, n node, e *env) bool {
	v := n.eval(c, e)
	b, ok := v.(bool)
	if !ok {
		failf("action evaluated to the non-boolean %s", Format(v))
	}
	return b
}

// assignable recognises x' for a state variable x (x itself in Init),
// also through an operator parameter bound to x' (Send(m, x')), as TLC.
func (c *ctx) assignable(n node, e *env) (*varRef, bool) {
	for {
		r, ok := n.(*envRef)
		if !ok {
			break
		}
		t, ok := e.raw(r.depth).(*thunk)
		if !ok || t.primed {
			return nil, false
		}
		n, e = t.n, t.e
	}
	if c.init {
		v, ok := n.(*varRef)
		return v, ok
	}
	p, ok := n.(*prime)
	if !ok {
		return nil, false
	}
	v, ok := p.x.(*varRef)
	return v, ok
}

// subAssignable recognises v' inside ENABLED for a substituted variable v
// of the instantiated module the ENABLED is written in, not yet assigned.
func (c *ctx) subAssignable(n node) (*subst, bool) {
	if c.subNext == nil {
		return nil, false
	}
	p, ok := n.(*prime)
	if !ok {
		return nil, false
	}
	r, ok := p.x.(*substRef)
	if !ok {
		return nil, false
	}
	v, ok := c.subNext[r.sub]
	return r.sub, ok && v == nil
}

// enumAll is \A as TLC enumerates it in an action: the conjunction of the
// body's instances, one per binding.
func enumAll(c *ctx, body node, envs []*env, st *enumState, k func() bool) bool {
	if len(envs) == 0 {
		return k()
	}
	if c.allAssigned() { // TLC lists every instance as a conjunct: see enumRest
		for _, ne := range envs {
			if !enumTest(c, body, ne) {
				return false
			}
		}
		return k()
	}
	return enum(c, body, envs[0], st, func() bool {
		return enumAll(c, body, envs[1:], st, k)
	})
}

// unchangedAssign handles UNCHANGED e for variables and tuples of them;
// anything else is checked as e' = e.
func unchangedAssign(c *ctx, n node, e *env, assigned *[]int, at loc) bool {
	switch x := n.(type) {
	case *varRef:
		if c.next[x.idx] == nil {
			c.next[x.idx] = c.cur[x.idx]
			*assigned = append(*assigned, x.idx)
			return true
		}
		return valEq(c.next[x.idx], c.cur[x.idx], at)
	case *tuple:
		for _, el := range x.xs {
			if !unchangedAssign(c, el, e, assigned, at) {
				return false
			}
		}
		return true
	case *call:
		if len(x.args) == 0 {
			return unchangedAssign(c, x.def.body, x.baseEnv(e), assigned, at)
		}
	case *substRef: // an INSTANCE substitution, e.g. vars <- <<x, y>>
		if c.subNext != nil {
			if v, ok := c.subNext[x.sub]; ok {
				cur := x.eval(c, e)
				if v == nil {
					c.subNext[x.sub] = cur
					return true
				}
				return valEq(v, cur, at)
			}
		}
		ne := e
		for i := 0; i < x.skip; i++ {
			ne = ne.up
		}
		return unchangedAssign(c, x.x, ne, assigned, at)
	case *envRef:
		if t, ok := e.raw(x.depth).(*thunk); ok && !t.primed {
			return unchangedAssign(c, t.n, t.e, assigned, at)
		}
	case *lit:
		return true
	case *constRef:
		return true
	}
	return asBool((&unchanged{x: n, loc: at}).eval(c, e), at)
}
