package checker

import (
	"sort"

	"github.com/vrcheck/vrcheck/traces"
)

// ghost holds VR.tla's history variables, kept incrementally as VR.tla keeps them, so that
// each invariant costs O(change) per event: the committed log (the first entry any replica
// committed at each op-number) and the service run over it, how far it reached in each view,
// what clients were acknowledged, and the first PREPARE and STARTVIEW of each view.
type ghost struct {
	log     entryLog
	by      []int32 // the replica that first committed each entry
	results []string
	kv      map[string]string
	pos     map[uint64]int // (client, request number) -> its first op-number in the ghost
	// committedIn and ackedIn: per view, how far the committed log reached in it
	// (ghostCommittedIn) and the highest op-number a REPLY of it acknowledged (ghostAckedIn).
	committedIn, ackedIn byView
	ackedMax             int
	prepared             map[uint64]*traces.Entry         // reqKey(view, op-number) -> the first PREPARE's entry (in its event)
	preparedIn           map[int]map[uint64]*traces.Entry // the same, for each epoch after 0 (reconfiguration)
	startView            map[int][]traces.Entry           // view -> the log of its first STARTVIEW
	startViewFrom        map[int]int                      // view -> the op-number that log starts after (its checkpoint)
}

func (g *ghost) init() {
	g.kv = map[string]string{}
	g.pos = map[uint64]int{}
	g.prepared = map[uint64]*traces.Entry{}
	g.preparedIn = map[int]map[uint64]*traces.Entry{}
	g.startView = map[int][]traces.Entry{}
	g.startViewFrom = map[int]int{}
}

func reqKey(client, requestNumber int) uint64 {
	return uint64(uint32(client))<<32 | uint64(uint32(requestNumber))
}

// byView maps views to op-numbers; at(w, strict) is the largest value at a view below w
// (strict) or at most w, 0 if none: VR.tla's ByView.
type byView struct {
	views []int // sorted
	max   []int // max[i]: the largest value at views[0..i]
	val   []int
}

func (b *byView) set(v, n int) {
	i := sort.SearchInts(b.views, v)
	if i < len(b.views) && b.views[i] == v {
		b.val[i] = max(b.val[i], n)
	} else {
		b.views = append(b.views, 0)
		copy(b.views[i+1:], b.views[i:])
		b.views[i] = v
		b.val = append(b.val, 0)
		copy(b.val[i+1:], b.val[i:])
		b.val[i] = n
		b.max = append(b.max, 0)
	}
	for j := i; j < len(b.views); j++ {
		b.max[j] = b.val[j]
		if j > 0 {
			b.max[j] = max(b.max[j], b.max[j-1])
		}
	}
}

func (b *byView) at(w int, strict bool) int {
	i := sort.SearchInts(b.views, w) // views[:i] < w
	if !strict && i < len(b.views) && b.views[i] == w {
		i++
	}
	if i == 0 {
		return 0
	}
	return b.max[i-1]
}

// mustHold is how much of the committed log normal replica r must hold by b (VR.tla's
// MustHold): everything of earlier views, and of its own view everything if r is its
// primary, else as far as its log reaches.
func (c *Checker) mustHold(b *byView, r *replica) int {
	w := ev(r.epoch, r.view) // views of later epochs come after those of earlier ones
	if primaryOf(r.config, r.view) == r.id {
		return b.at(w, false)
	}
	return max(b.at(w, true), min(b.at(w, false), r.log.len()))
}

// commit checks replica r's committed entry at op-number p against the ghost, or extends it
// if extend (r's commit-number rose and its committed prefix agrees with the ghost so far).
// It returns false if the entry diverges from the ghost.
func (g *ghost) commit(c *Checker, r *replica, p int, extend bool) bool {
	e := *r.log.at(p - 1)
	if p <= g.log.len() {
		if *g.log.at(p - 1) != e {
			c.violate(NoLogDivergence, pair(r.id, int(g.by[p-1])), "op-number %d is committed as %s at replica %d but as %s at replica %d",
				p, entryStr(&e), r.id, entryStr(g.log.at(p-1)), g.by[p-1])
			return false
		}
		return true
	}
	if !extend {
		return true
	}
	g.log.push(&e)
	g.by = append(room(g.by, 1), int32(r.id))
	g.results = append(room(g.results, 1), apply(g.kv, &e))
	k := reqKey(e.Client, e.RequestNumber)
	if q, ok := g.pos[k]; ok {
		c.violate(CommittedLogHasNoDuplicates, []int{r.id}, "request %d of client %d is committed at op-number %d and again at op-number %d",
			e.RequestNumber, e.Client, q, p)
	} else {
		g.pos[k] = p
	}
	g.committedIn.set(ev(r.epoch, r.view), p)
	return true
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

// checkReply checks RepliesMatchService for a REPLY being sent: it carries the service's
// result at the request's first op-number in the committed log.
func (g *ghost) checkReply(c *Checker, m *traces.Message) {
	p, ok := g.pos[reqKey(m.Client, m.RequestNumber)]
	if !ok {
		c.violate(RepliesMatchService, []int{m.From}, "replica %d replies to request %d of client %d, which is not in the committed log",
			m.From, m.RequestNumber, m.Client)
		return
	}
	if g.results[p-1] != m.Result {
		c.violate(RepliesMatchService, []int{m.From}, "replica %d replies %q to request %d of client %d, but executing the committed log gives %q at op-number %d",
			m.From, m.Result, m.RequestNumber, m.Client, g.results[p-1], p)
	}
}

// ack records that a client received REPLY m, the one it waited for.
func (g *ghost) ack(c *Checker, m *traces.Message) {
	p, ok := g.pos[reqKey(m.Client, m.RequestNumber)]
	if !ok {
		c.violate(AcknowledgedWriteNotLost, nil, "client %d received the REPLY to its request %d, which is not in the committed log",
			m.Client, m.RequestNumber)
		return
	}
	g.ackedIn.set(ev(m.Epoch, m.View), p)
	g.ackedMax = max(g.ackedMax, p)
}

// checkSent checks the promises of a message being sent: OneEntryPerViewOpNumber,
// StartViewExtendsFirst and MessagePromises (the PREPAREOK part: see checkPromises).
func (g *ghost) checkSent(c *Checker, m *traces.Message) {
	switch m.Type {
	case traces.Prepare:
		k := reqKey(m.View, m.OpNumber) // the same packing of two numbers the reader bounds
		prepared := g.prepared
		if m.Epoch > 0 { // reconfiguration: views restart in each epoch
			if prepared = g.preparedIn[m.Epoch]; prepared == nil {
				prepared = map[uint64]*traces.Entry{}
				g.preparedIn[m.Epoch] = prepared
			}
		}
		if first, ok := prepared[k]; !ok {
			prepared[k] = m.Entry
		} else if *first != *m.Entry {
			c.violate(OneEntryPerViewOpNumber, []int{m.From}, "replica %d sends PREPARE of view %d, op-number %d with %s; the first PREPARE of both had %s",
				m.From, m.View, m.OpNumber, entryStr(m.Entry), entryStr(first))
		}
	case traces.StartView:
		// With checkpoints a log starts after its checkpoint; the entries before it are
		// committed, so the logs are compared where both hold entries.
		w := ev(m.Epoch, m.View)
		if first, ok := g.startView[w]; !ok {
			g.startView[w] = m.Log
			g.startViewFrom[w] = m.LogStart()
		} else if p := extendsFrom(g.startViewFrom[w], first, m.LogStart(), m.Log); p >= 0 {
			c.violate(StartViewExtendsFirst, []int{m.From}, "replica %d sends STARTVIEW of view %d%s with a log that does not extend the first STARTVIEW's (%d entries, they differ from op-number %d)",
				m.From, m.View, epochSuffix(m.Epoch), g.startViewFrom[w]+len(first), p+1)
		}
	}
	switch m.Type {
	case traces.Prepare, traces.DoViewChange, traces.StartView, traces.RecoveryResponse, traces.NewState:
		if m.CommitNumber > m.OpNumber {
			c.violate(MessagePromises, []int{m.From}, "replica %d sends %s with commit-number %d > op-number %d", m.From, m.Type, m.CommitNumber, m.OpNumber)
		}
	}
	if m.Type == traces.DoViewChange && m.LastNormalView >= m.View {
		c.violate(MessagePromises, []int{m.From}, "replica %d sends DOVIEWCHANGE of view %d with last-normal-view %d, not below it", m.From, m.View, m.LastNormalView)
	}
}

// checkPromises checks MessagePromises' PREPAREOK part for replica r: while its view-number
// is v and it is not recovering, it holds at least n entries for every PREPAREOK(v, n) it
// has in flight.
func (c *Checker) checkPromises(r *replica) {
	keep := r.okSent[:0]
	for _, id := range r.okSent {
		f, ok := c.net.inflight[id]
		if !ok {
			continue // received or dropped: no longer a promise VR.tla checks
		}
		keep = append(keep, id)
		if m := f.m; m.View == r.view && r.status != traces.StatusRecovering && r.log.len() < m.OpNumber {
			c.violate(MessagePromises, []int{r.id}, "replica %d, in view %d, holds %d entries but has PREPAREOK of op-number %d of its view in flight",
				r.id, r.view, r.log.len(), m.OpNumber)
		}
	}
	clear(r.okSent[len(keep):])
	r.okSent = keep
}

// checkNotLost checks CommittedWriteNotLost and AcknowledgedWriteNotLost for replica r.
func (c *Checker) checkNotLost(r *replica) {
	if r.status != traces.StatusNormal {
		return
	}
	if c.epochsOn() {
		c.checkLaterEpochHolds(r)
	}
	if k := c.mustHold(&c.ghost.committedIn, r); r.match < k {
		c.violate(CommittedWriteNotLost, []int{r.id}, "replica %d, normal in view %d, must hold the committed log up to op-number %d but agrees with it only up to %d",
			r.id, r.view, k, r.match)
	}
	if k := c.mustHold(&c.ghost.ackedIn, r); r.match < k {
		c.violate(AcknowledgedWriteNotLost, []int{r.id}, "replica %d, normal in view %d, must hold every acknowledged operation up to op-number %d %s but agrees with the committed log only up to %d",
			r.id, r.view, k, entryStr(c.ghost.log.at(k-1)), r.match)
	}
}

// checkMajority checks CommittedWritesExistOnMajority and AcknowledgedWritesExistOnMajority:
// f+1 replicas (counting recovering ones) hold the committed log, or up to the last
// acknowledged operation.
func (c *Checker) checkMajority() {
	if c.epochsOn() {
		c.checkMajorityEpochs()
		return
	}
	all, acked := 0, 0
	for _, r := range c.replicas {
		rec := r.status == traces.StatusRecovering
		if rec || r.match >= c.ghost.log.len() {
			all++
		}
		if rec || r.match >= c.ghost.ackedMax {
			acked++
		}
	}
	if all < c.f+1 {
		c.violate(CommittedWritesExistOnMajority, c.holders(c.ghost.log.len()), "the committed log (%d entries) is held by %d replicas %v (recovering ones counted); want at least f+1 = %d",
			c.ghost.log.len(), all, c.holders(c.ghost.log.len()), c.f+1)
	}
	if acked < c.f+1 {
		c.violate(AcknowledgedWritesExistOnMajority, c.holders(c.ghost.ackedMax), "the committed log up to the last acknowledged op-number %d %s is held by %d replicas %v (recovering ones counted); want at least f+1 = %d",
			c.ghost.ackedMax, entryStr(c.ghost.log.at(c.ghost.ackedMax-1)), acked, c.holders(c.ghost.ackedMax), c.f+1)
	}
}

func (c *Checker) holders(k int) []int {
	ids := []int{}
	for _, r := range c.replicas {
		if r.status == traces.StatusRecovering || r.match >= k {
			ids = append(ids, r.id)
		}
	}
	return ids
}

// advanceMatch extends r.match, the length of the common prefix of r's log and the
// committed log, as far as both agree.
func (c *Checker) advanceMatch(r *replica) {
	n := min(r.log.len(), c.ghost.log.len())
	for r.match < n && *r.log.at(r.match) == *c.ghost.log.at(r.match) {
		r.match++
	}
}

func commonPrefix(a, b []traces.Entry) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// extendsFrom returns -1 if log b (entries after op-number sb) extends log a (entries after
// sa) where both hold entries, else the op-number before the first that differs or is missing.
func extendsFrom(sa int, a []traces.Entry, sb int, b []traces.Entry) int {
	for p := max(sa, sb); p < sa+len(a); p++ {
		if p-sb >= len(b) || a[p-sa] != b[p-sb] {
			return p
		}
	}
	return -1
}
