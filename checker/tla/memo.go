package tla

import "sync"

// Memoised state functions. An expression that refers to no name bound
// around it and reads no impure operator is a function of the variables it
// reads: a zero-arity definition of state level (Paxos's votes, read by
// Voting's refinement at every step), and a set filter, set map, CHOOSE or
// function constructor that uses no bound name of its context (a constant
// one is computed once). Each worker keeps, per such expression, the values
// of the variables it read when last evaluated, and its value: while they
// are the very same values (the state being expanded, a successor checked
// twice) the value is returned again. The readAnalysis of incr.go decides
// what is memoised: whatever it cannot follow is evaluated every time.

// memo wraps a closed value constructor of constant or state level.
type memo struct {
	x  node
	id int32
}

func (n *memo) eval(c *ctx, _ *env) Value { return c.memoized(n.id, n, n.x) }

// unmemo is the constructor a memo wraps (a recursive function's body).
func unmemo(n node) node {
	if m, ok := n.(*memo); ok {
		return m.x
	}
	return n
}

// memoPlan is what one memoised expression reads; shared by the workers.
type memoPlan struct {
	ok    bool  // a function of reads and constants
	reads []int // variable indexes
}

// memoPlans holds the checker's plans by id.
type memoPlans struct {
	mu    sync.Mutex
	plans map[int32]*memoPlan
	a     *readAnalysis
}

func (p *memoPlans) plan(ck *checker, id int32, n node) *memoPlan {
	p.mu.Lock()
	defer p.mu.Unlock()
	if pl := p.plans[id]; pl != nil {
		return pl
	}
	if p.plans == nil {
		p.plans = map[int32]*memoPlan{}
		p.a = newReadAnalysis(ck)
	}
	pl := &memoPlan{}
	if rs := p.a.of(n); rs != nil {
		pl.ok = true
		for i := 0; i < ck.nvars; i++ {
			if rs.has(i) {
				pl.reads = append(pl.reads, i)
			}
		}
	}
	p.plans[id] = pl
	return pl
}

// memoTable is one worker's memo.
type memoTable struct {
	ck    *checker
	slots []*memoSlot // by id
}

type memoSlot struct {
	plan  *memoPlan
	keys  []Value // the values of plan.reads the value was computed on
	val   Value
	valid bool
}

func (t *memoTable) slot(id int32, n node) *memoSlot {
	if int(id) >= len(t.slots) {
		t.slots = append(t.slots, make([]*memoSlot, int(id)+1-len(t.slots))...)
	}
	s := t.slots[id]
	if s == nil {
		pl := t.ck.memo.plan(t.ck, id, n)
		s = &memoSlot{plan: pl, keys: make([]Value, len(pl.reads))}
		t.slots[id] = s
	}
	return s
}

// memoized evaluates x (closed: in no environment), the expression n
// stands for, or returns its memoised value.
func (c *ctx) memoized(id int32, n, x node) Value {
	t := c.memo
	if t == nil || c.subNext != nil {
		return x.eval(c, nil)
	}
	s := t.slot(id, n)
	if !s.plan.ok {
		return x.eval(c, nil)
	}
	src := c.cur
	if c.primed || c.init {
		src = c.next
	}
	hit := s.valid
	if len(s.keys) > 0 {
		if src == nil {
			return x.eval(c, nil) // reports the misplaced variable
		}
		for k, i := range s.plan.reads {
			v := src[i]
			if v == nil {
				return x.eval(c, nil) // not assigned yet: reports it
			}
			if s.keys[k] != v {
				hit = false
			}
		}
	}
	if hit {
		return s.val
	}
	s.valid = false // until evaluated: an error leaves nothing behind
	v := x.eval(c, nil)
	for k, i := range s.plan.reads {
		s.keys[k] = src[i]
	}
	s.val, s.valid = v, true
	return v
}

// memoizable: a call of d without arguments may be memoised (state level,
// not recursive; a constant one is cached by opDef.value already).
func (d *opDef) memoizable() bool {
	return d.level == lvlState && !d.cached && !d.recursive && len(d.params) == 0 && d.body != nil
}
