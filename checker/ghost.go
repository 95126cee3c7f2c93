package checker

import (
	"sort"

	"github.com/vrcheck/vrcheck/traces"
)

// ghost is the committed log: the first entry any replica committed at each op-number, and
// the service run over it. Checking each newly committed entry against it keeps
// NoLogDivergence O(change) per event instead of comparing every pair of replicas.
type ghost struct {
	log     entryLog
	by      []int32 // the replica that first committed each entry
	results []string
	kv      map[string]string
	pos     map[uint64]int // (client, request number) -> its first op-number in the ghost
	dups    map[uint64][]int
}

func (g *ghost) init() {
	g.kv = map[string]string{}
	g.pos = map[uint64]int{}
	g.dups = map[uint64][]int{}
}

func reqKey(client, requestNumber int) uint64 {
	return uint64(uint32(client))<<32 | uint64(uint32(requestNumber))
}

// commit checks replica r's committed entry at op-number p against the ghost, or extends it.
func (g *ghost) commit(c *Checker, r *replica, p int) {
	e := *r.log.at(p - 1)
	if p <= g.log.len() {
		if *g.log.at(p - 1) != e {
			c.violate(NoLogDivergence, pair(r.id, int(g.by[p-1])), "op-number %d is committed as %s at replica %d but as %s at replica %d",
				p, entryStr(&e), r.id, entryStr(g.log.at(p-1)), g.by[p-1])
		}
		return
	}
	g.log.push(&e)
	g.by = append(room(g.by, 1), int32(r.id))
	g.results = append(room(g.results, 1), apply(g.kv, &e))
	k := reqKey(e.Client, e.RequestNumber)
	if _, ok := g.pos[k]; !ok {
		g.pos[k] = p
	} else { // executed twice (ExactlyOnceExecution fails): keep every position
		g.dups[k] = append(g.dups[k], p)
	}
}

func pair(a, b int) []int {
	if a == b {
		return []int{a}
	}
	if a > b {
		a, b = b, a
	}
	return []int{a, b}
}

// checkReply checks RepliesMatchService for a REPLY being sent.
func (g *ghost) checkReply(c *Checker, m *traces.Message) {
	p, ok := g.pos[reqKey(m.Client, m.RequestNumber)]
	if !ok {
		c.violate(RepliesMatchService, []int{m.From}, "replica %d replies to request %d of client %d, which is not in the committed log",
			m.From, m.RequestNumber, m.Client)
		return
	}
	if g.results[p-1] != m.Result && !g.resultAnywhere(m) {
		c.violate(RepliesMatchService, []int{m.From}, "replica %d replies %q to request %d of client %d, but executing the committed log gives %q at op-number %d",
			m.From, m.Result, m.RequestNumber, m.Client, g.results[p-1], p)
	}
}

// resultAnywhere reports whether a later position of the request in the ghost (there are
// several only if it was executed twice) has the REPLY's result, as VR.tla's \E i.
func (g *ghost) resultAnywhere(m *traces.Message) bool {
	for _, p := range g.dups[reqKey(m.Client, m.RequestNumber)] {
		if g.results[p-1] == m.Result {
			return true
		}
	}
	return false
}

// ack is an operation whose REPLY a client received.
type ack struct {
	ok      bool
	view    int // the lowest view of a REPLY received for it
	holders int // replicas whose log holds the entry at its op-number
	line    int
}

// acks indexes acknowledged operations by op-number (in the committed ghost).
type acks struct {
	at []ack
	g  *ghost // an ack's entry is the ghost's at its op-number
}

func (a *acks) entry(p int) *traces.Entry { return a.g.log.at(p - 1) }

func holds(r *replica, p int, e *traces.Entry) bool {
	return p <= r.log.len() && *r.log.at(p - 1) == *e
}

// add records that a client received REPLY m.
func (a *acks) add(c *Checker, m *traces.Message) {
	p, ok := c.ghost.pos[reqKey(m.Client, m.RequestNumber)]
	if !ok {
		c.violate(AcknowledgedWriteNotLost, nil, "client %d received the REPLY to its request %d, which is not in the committed log",
			m.Client, m.RequestNumber)
		return
	}
	for len(a.at) < p {
		a.at = append(room(a.at, 1), ack{})
	}
	x := &a.at[p-1]
	if x.ok {
		if m.View >= x.view {
			return
		}
		x.view = m.View
	} else {
		*x = ack{ok: true, view: m.View, line: c.curLine}
		for _, r := range c.replicas {
			if holds(r, p, a.entry(p)) {
				x.holders++
			}
		}
		a.checkMajorityAt(c, p)
	}
	for _, r := range c.replicas {
		if c.mustHold(r, x, p) && !holds(r, p, a.entry(p)) {
			a.lost(c, r, p, x)
			return
		}
	}
}

// mustHold says whether AcknowledgedWriteNotLost (as VR.tla) requires r to hold acknowledged
// x at op-number p: r is normal in a later view (a view change or recovery gave it every
// committed operation), or normal in x's view with a log reaching p (a backup of that view
// may still lag behind, but what it has must agree).
func (c *Checker) mustHold(r *replica, x *ack, p int) bool {
	return r.status == traces.StatusNormal && (r.view > x.view || r.view == x.view && r.log.len() >= p)
}

func (a *acks) lost(c *Checker, r *replica, p int, x *ack) {
	c.violate(AcknowledgedWriteNotLost, []int{r.id}, "op-number %d %s, acknowledged in view %d (line %d), is not in the log of replica %d, normal in view %d",
		p, entryStr(a.entry(p)), x.view, x.line, r.id, r.view)
}

// beforeChange and afterChange keep holder counts while r's log changes from op-number fc on.
func (a *acks) beforeChange(r *replica, fc, oldLen int) {
	for p := fc; p <= min(oldLen, len(a.at)); p++ {
		if x := &a.at[p-1]; x.ok && holds(r, p, a.entry(p)) {
			x.holders--
		}
	}
}

func (a *acks) afterChange(r *replica, fc, newLen int) {
	for p := fc; p <= min(newLen, len(a.at)); p++ {
		if x := &a.at[p-1]; x.ok && holds(r, p, a.entry(p)) {
			x.holders++
		}
	}
}

// checkNotLost checks AcknowledgedWriteNotLost for normal replica r at op-numbers from on.
func (a *acks) checkNotLost(c *Checker, r *replica, from int) {
	for p := max(from, 1); p <= len(a.at); p++ {
		if x := &a.at[p-1]; x.ok && c.mustHold(r, x, p) && !holds(r, p, a.entry(p)) {
			a.lost(c, r, p, x)
			return
		}
	}
}

// checkMajority checks AcknowledgedWritesExistOnMajority at op-numbers from on.
func (a *acks) checkMajority(c *Checker, from int) {
	for p := max(from, 1); p <= len(a.at); p++ {
		if a.checkMajorityAt(c, p) {
			return
		}
	}
}

func (a *acks) checkMajorityAt(c *Checker, p int) bool {
	x := &a.at[p-1]
	if !x.ok || x.holders+c.numRecovery >= c.f+1 {
		return false
	}
	var ids []int
	for _, r := range c.replicas {
		if holds(r, p, a.entry(p)) {
			ids = append(ids, r.id)
		}
	}
	sort.Ints(ids)
	c.violate(AcknowledgedWritesExistOnMajority, ids, "op-number %d %s, acknowledged at line %d, is held by %d replicas %v and %d are recovering; want at least f+1 = %d",
		p, entryStr(a.entry(p)), x.line, x.holders, ids, c.numRecovery, c.f+1)
	return true
}
