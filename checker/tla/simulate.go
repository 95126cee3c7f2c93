package tla

import "math/rand"

// SimOptions control a random simulation (TLC's -simulate).
type SimOptions struct {
	Depth      int   // states per behaviour (TLC's -depth; default 100)
	Traces     int   // behaviours to generate (TLC's -simulate num=N); at least 1
	Seed       int64 // the same seed gives the same behaviours
	NoDeadlock bool
}

// SimResult holds a simulation's figures.
type SimResult struct {
	Traces    int   // behaviours generated
	Generated int64 // states generated (every successor computed, as TLC counts)
	Violation *Violation
}

// Simulate generates random behaviours of the specification, checking
// invariants, action properties and deadlock on each as TLC's simulation
// mode does. A behaviour ends after Depth states, at a state outside the
// constraints, or at a deadlock. Temporal properties are not checked.
// Deterministic: the successors of a state are enumerated in a fixed order
// and one is drawn from a generator seeded with Seed.
func Simulate(m *Model, cfg *Config, opts SimOptions) (res *SimResult, err error) {
	defer catch(&err)
	if opts.Depth <= 0 {
		opts.Depth = 100
	}
	if opts.Traces <= 0 {
		opts.Traces = 1
	}
	ck, err := newChecker(m, cfg, Options{Workers: 1, NoDeadlock: opts.NoDeadlock})
	if err != nil {
		return nil, err
	}
	alias, err := ck.aliasOf(cfg)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err == nil && res != nil && res.Violation != nil {
			err = ck.applyAlias(alias, res.Violation)
		}
	}()
	rnd := rand.New(rand.NewSource(opts.Seed))
	c := ck.newCtx()
	var inits [][]Value
	ck.initStates(ck.newCtx(), func(vals []Value) bool {
		inits = append(inits, vals)
		return false
	})
	res = &SimResult{Generated: int64(len(inits))}
	if len(inits) == 0 {
		return res, nil
	}
	vars := m.Variables()
	for res.Traces < opts.Traces {
		res.Traces++
		s := inits[rnd.Intn(len(inits))]
		trace := []TraceStep{{Action: "<Initial predicate>", Vars: vars, Vals: s}}
		fail := func(kind, name string, err error) *SimResult {
			if err != nil {
				kind = "error"
			}
			res.Violation = &Violation{Kind: kind, Name: name, Err: err, Trace: trace}
			return res
		}
		c.level = 1 // TLCGet("level"), as in model checking
		if name, err := ck.checkInvs(c, s, ck.invs); name != "" || err != nil {
			return fail("invariant", name, err), nil
		}
		if name, err := ck.checkInvs(c, s, ck.initProps); name != "" || err != nil {
			return fail("property", name, err), nil
		}
		if !ck.inModel(c, s) {
			continue
		}
		for len(trace) < opts.Depth {
			type succ struct {
				t   []Value
				act *opDef
			}
			var next []succ
			depth := len(trace)
			ec := ck.newCtx()
			ec.level, c.level = depth, depth
			ck.successors(ec, s, func(t []Value, act *opDef) bool {
				res.Generated++
				if ck.actionOK(c, s, t) {
					next = append(next, succ{t, act})
				}
				return false
			})
			if len(next) == 0 {
				if ck.deadlock {
					return fail("deadlock", "", nil), nil
				}
				break
			}
			pick := next[rnd.Intn(len(next))]
			trace = append(trace, TraceStep{Action: actionLabel(pick.act, ck.nextName), Vars: vars, Vals: pick.t})
			for _, p := range ck.actProps {
				c.cur, c.next = s, pick.t
				if ok, err := evalCatch(c, p.n); err != nil || !ok {
					return fail("action property", p.name, err), nil
				}
			}
			c.level = depth + 1
			if name, err := ck.checkInvs(c, pick.t, ck.invs); name != "" || err != nil {
				return fail("invariant", name, err), nil
			}
			s = pick.t
			if !ck.inModel(c, s) {
				break
			}
		}
	}
	return res, nil
}
