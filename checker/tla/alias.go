package tla

// ALIAS (.cfg): a counterexample shows, instead of the variables, the
// fields of a record evaluated on each state and its successor, as TLC does.

// aliasOf compiles the configuration's ALIAS; nil without one.
func (ck *checker) aliasOf(cfg *Config) (*named, error) {
	if cfg.Alias == "" {
		return nil, nil
	}
	d, err := ck.m.lookupDef(cfg.Alias)
	if err != nil {
		return nil, cfg.Errorf(cfg.Alias, "alias %s: %w", cfg.Alias, err)
	}
	if len(d.params) > 0 {
		return nil, cfg.Errorf(cfg.Alias, "alias %s: an ALIAS takes no arguments, %s takes %d", cfg.Alias, cfg.Alias, len(d.params))
	}
	return &named{cfg.Alias, d.body}, nil
}

// applyAlias rewrites the states of a counterexample. State i is evaluated
// with state i+1 as its successor (primes read it); the last state of a
// lasso with the state it goes back to, otherwise with itself. Fields are
// listed in the order the record constructor writes them, as TLC prints
// them. An evaluation error is the run's error, naming the alias.
func (ck *checker) applyAlias(a *named, v *Violation) (err error) {
	defer catch(&err)
	if a == nil || v == nil || len(v.Trace) == 0 {
		return nil
	}
	order := fieldOrder(a.n)
	out := make([]TraceStep, len(v.Trace))
	for i, s := range v.Trace {
		next := s.Vals
		switch {
		case i+1 < len(v.Trace):
			next = v.Trace[i+1].Vals
		case v.LoopTo > 0 && !v.Stuttering:
			next = v.Trace[v.LoopTo-1].Vals
		}
		c := ck.newCtx()
		c.cur, c.next, c.level = s.Vals, next, i+1
		val := a.n.eval(c, nil)
		r, ok := val.(*Rec)
		if !ok {
			failf("alias %s: evaluates to %s, not a record", a.name, Format(val))
		}
		st := TraceStep{Action: s.Action}
		names := order
		if len(names) != len(r.names) { // not the constructor's value
			names = r.names
		}
		for _, n := range names {
			for k, rn := range r.names {
				if rn == n {
					st.Vars = append(st.Vars, n)
					st.Vals = append(st.Vals, r.vals[k])
				}
			}
		}
		out[i] = st
	}
	v.Trace = out
	return nil
}

// fieldOrder is the written order of a record constructor's fields, through
// zero-arity definitions; nil when n is no record constructor.
func fieldOrder(n node) []string {
	for {
		switch x := n.(type) {
		case *record:
			return x.names
		case *call:
			if len(x.args) == 0 {
				n = x.def.body
				continue
			}
		case *letIn:
			n = x.body
			continue
		}
		return nil
	}
}
