package checker

import (
	"fmt"
	"slices"

	"github.com/vrcheck/vrcheck/traces"
)

// network is the spec's bag of messages in flight, keyed by id, plus the set of every id ever
// sent (so a fabricated message can be told from one already consumed, and ids are fresh).
type network struct {
	inflight map[int]flight
	ids      idSet
}

// flight points at the message in the event that sent it (events are never reused), so
// sending allocates nothing.
type flight struct {
	m *traces.Message
	n int // copies in flight
}

func newNetwork() *network { return &network{inflight: map[int]flight{}} }

// send adds one copy of m, which must not be changed afterwards.
func (n *network) send(m *traces.Message) {
	if f, ok := n.inflight[m.ID]; ok {
		f.n++
		n.inflight[m.ID] = f
		return
	}
	n.inflight[m.ID] = flight{m: m, n: 1}
	n.ids.add(m.ID)
}

// find describes why m is not a message in flight ("" if it is, with exactly these fields).
func (n *network) find(m *traces.Message) string {
	f, ok := n.inflight[m.ID]
	if !ok {
		if n.ids.has(m.ID) {
			return fmt.Sprintf("message id %d is not in flight: it was sent but every copy was already received or dropped", m.ID)
		}
		return fmt.Sprintf("message id %d was never sent (a fabricated message)", m.ID)
	}
	if !sameMsg(f.m, m) {
		return fmt.Sprintf("message id %d was altered in flight: %s", m.ID, msgDiff(f.m, m, true))
	}
	return ""
}

// remove takes one copy of message id out of the network, if there is one.
func (n *network) remove(id int) {
	if f, ok := n.inflight[id]; ok {
		f.n--
		if f.n == 0 {
			delete(n.inflight, id)
		} else {
			n.inflight[id] = f
		}
	}
}

// duplicate adds one more copy of message id, if it is in flight.
func (n *network) duplicate(id int) {
	if f, ok := n.inflight[id]; ok {
		f.n++
		n.inflight[id] = f
	}
}

// idSet is a set of message ids as a sparse bitmap in pages of idPage ids: writers number
// messages consecutively (one writer) or in interleaved runs (a merged cluster trace), and
// both cost O(1) per id and well under a byte per id. The page last used is kept, so a run of
// ids costs a map access per page rather than per id. (Sorted ranges were O(1) memory for one
// writer but quadratic on interleaved runs.)
type idSet struct {
	pages    map[int]*[idPage / 64]uint64 // id>>idPageBits -> bitmap of the page
	lastKey  int
	lastPage *[idPage / 64]uint64
}

const idPageBits = 12

const idPage = 1 << idPageBits

func (s *idSet) page(id int, create bool) *[idPage / 64]uint64 {
	k := id >> idPageBits // floors, for a negative id too
	if s.lastPage != nil && s.lastKey == k {
		return s.lastPage
	}
	p := s.pages[k]
	if p == nil {
		if !create {
			return nil
		}
		if s.pages == nil {
			s.pages = map[int]*[idPage / 64]uint64{}
		}
		p = new([idPage / 64]uint64)
		s.pages[k] = p
	}
	s.lastKey, s.lastPage = k, p
	return p
}

func (s *idSet) has(id int) bool {
	p := s.page(id, false)
	return p != nil && p[(id>>6)&(idPage/64-1)]&(1<<(uint(id)&63)) != 0
}

func (s *idSet) add(id int) { s.page(id, true)[(id>>6)&(idPage/64-1)] |= 1 << (uint(id) & 63) }

// sameMsg is msgDiff(a, b, false) == "" without building strings.
func sameMsg(a, b *traces.Message) bool {
	if a == b { // a received message the reader shares with its send (traces.ShareMessages)
		return true
	}
	if a.Type != b.Type || a.From != b.From || a.To != b.To || a.View != b.View || a.OpNumber != b.OpNumber ||
		a.CommitNumber != b.CommitNumber || a.LastNormalView != b.LastNormalView || a.FromOpNumber != b.FromOpNumber ||
		a.Replica != b.Replica || a.Nonce != b.Nonce || a.Client != b.Client || a.RequestNumber != b.RequestNumber ||
		a.Op != b.Op || a.Key != b.Key || a.Value != b.Value || a.Result != b.Result ||
		(a.Entry == nil) != (b.Entry == nil) || a.Entry != nil && *a.Entry != *b.Entry || len(a.Log) != len(b.Log) ||
		!a.Checkpoint.Equal(b.Checkpoint) ||
		a.Epoch != b.Epoch || !slices.Equal(a.Config, b.Config) || !slices.Equal(a.OldConfig, b.OldConfig) || a.Clock != b.Clock {
		return false
	}
	for i := range a.Log {
		if a.Log[i] != b.Log[i] {
			return false
		}
	}
	return true
}

// msgDiff names the first field in which a and b differ ("" if none). With withID the ids
// are compared too.
func msgDiff(a, b *traces.Message, withID bool) string {
	d := func(f string, x, y any) string { return fmt.Sprintf("%s is %v, want %v", f, y, x) }
	switch {
	case withID && a.ID != b.ID:
		return d("id", a.ID, b.ID)
	case a.Type != b.Type:
		return d("type", a.Type, b.Type)
	case a.From != b.From:
		return d("from", a.From, b.From)
	case a.To != b.To:
		return d("to", a.To, b.To)
	case a.View != b.View:
		return d("view", a.View, b.View)
	case a.OpNumber != b.OpNumber:
		return d("opNumber", a.OpNumber, b.OpNumber)
	case a.CommitNumber != b.CommitNumber:
		return d("commitNumber", a.CommitNumber, b.CommitNumber)
	case a.LastNormalView != b.LastNormalView:
		return d("lastNormalView", a.LastNormalView, b.LastNormalView)
	case a.FromOpNumber != b.FromOpNumber:
		return d("fromOpNumber", a.FromOpNumber, b.FromOpNumber)
	case a.Replica != b.Replica:
		return d("replica", a.Replica, b.Replica)
	case a.Nonce != b.Nonce:
		return d("nonce", a.Nonce, b.Nonce)
	case a.Client != b.Client:
		return d("client", a.Client, b.Client)
	case a.RequestNumber != b.RequestNumber:
		return d("requestNumber", a.RequestNumber, b.RequestNumber)
	case a.Op != b.Op:
		return d("op", q(a.Op), q(b.Op))
	case a.Key != b.Key:
		return d("key", q(a.Key), q(b.Key))
	case a.Value != b.Value:
		return d("value", q(a.Value), q(b.Value))
	case a.Result != b.Result:
		return d("result", q(a.Result), q(b.Result))
	case (a.Entry == nil) != (b.Entry == nil):
		return d("entry", entryStr(a.Entry), entryStr(b.Entry))
	case a.Entry != nil && *a.Entry != *b.Entry:
		return d("entry", entryStr(a.Entry), entryStr(b.Entry))
	case a.Epoch != b.Epoch:
		return d("epoch", a.Epoch, b.Epoch)
	case !slices.Equal(a.Config, b.Config):
		return d("config", a.Config, b.Config)
	case !slices.Equal(a.OldConfig, b.OldConfig):
		return d("oldConfig", a.OldConfig, b.OldConfig)
	case a.Clock != b.Clock:
		return d("clock", a.Clock, b.Clock)
	}
	if s := logDiff(a.Log, b.Log); s != "" {
		return "log: " + s
	}
	if !a.Checkpoint.Equal(b.Checkpoint) {
		return d("checkpoint", ckptStr(a.Checkpoint), ckptStr(b.Checkpoint))
	}
	return ""
}

func ckptStr(c *traces.Checkpoint) string {
	if c == nil {
		return "none"
	}
	return fmt.Sprintf("{op %d, store %v, table %v}", c.OpNumber, c.Store, c.Table)
}

// logDiff describes how log b differs from the wanted log a ("" if equal).
func logDiff(a, b []traces.Entry) string {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return fmt.Sprintf("entry %d is %s, want %s", i+1, entryStr(&b[i]), entryStr(&a[i]))
		}
	}
	if len(a) != len(b) {
		return fmt.Sprintf("has %d entries, want %d", len(b), len(a))
	}
	return ""
}

func q(s string) string { return fmt.Sprintf("%q", s) }

func entryStr(e *traces.Entry) string {
	if e == nil {
		return "none"
	}
	if e.Op == traces.OpGet {
		return fmt.Sprintf("{c%d#%d get %q}", e.Client, e.RequestNumber, e.Key)
	}
	return fmt.Sprintf("{c%d#%d %s %q %q}", e.Client, e.RequestNumber, e.Op, e.Key, e.Value)
}

func msgStr(m *traces.Message) string {
	s := string(m.Type)
	if m.ID != 0 {
		s += fmt.Sprintf("#%d", m.ID)
	}
	s += fmt.Sprintf(" %d->%d", m.From, m.To)
	if m.Epoch != 0 {
		s += fmt.Sprintf(" e%d", m.Epoch)
	}
	switch m.Type {
	case traces.Reconfiguration:
		s += fmt.Sprintf(" c%d#%d config %v", m.Client, m.RequestNumber, m.Config)
	case traces.StartEpoch:
		s += fmt.Sprintf(" op %d old %v config %v", m.OpNumber, m.OldConfig, m.Config)
	case traces.EpochStarted:
		s += fmt.Sprintf(" replica %d", m.Replica)
	case traces.NewEpoch:
		s += fmt.Sprintf(" v%d config %v", m.View, m.Config)
	case traces.Request:
		s += fmt.Sprintf(" c%d#%d %s %q %q", m.Client, m.RequestNumber, m.Op, m.Key, m.Value)
	case traces.Reply:
		s += fmt.Sprintf(" v%d c%d#%d result %q", m.View, m.Client, m.RequestNumber, m.Result)
		if m.CommitNumber != 0 {
			s += fmt.Sprintf(" commit %d", m.CommitNumber)
		}
	case traces.Read:
		s += fmt.Sprintf(" c%d#%d get %q commit %d", m.Client, m.RequestNumber, m.Key, m.CommitNumber)
	case traces.Prepare:
		s += fmt.Sprintf(" v%d op %d commit %d %s", m.View, m.OpNumber, m.CommitNumber, entryStr(m.Entry))
	case traces.PrepareOk, traces.GetState:
		s += fmt.Sprintf(" v%d op %d replica %d", m.View, m.OpNumber, m.Replica)
	case traces.Commit:
		s += fmt.Sprintf(" v%d commit %d", m.View, m.CommitNumber)
	case traces.StartViewChange:
		s += fmt.Sprintf(" v%d replica %d", m.View, m.Replica)
	case traces.DoViewChange:
		s += fmt.Sprintf(" v%d last-normal %d op %d commit %d replica %d, %d entries", m.View, m.LastNormalView, m.OpNumber, m.CommitNumber, m.Replica, len(m.Log))
	case traces.StartView:
		s += fmt.Sprintf(" v%d op %d commit %d, %d entries", m.View, m.OpNumber, m.CommitNumber, len(m.Log))
	case traces.Recovery:
		s += fmt.Sprintf(" replica %d nonce %d", m.Replica, m.Nonce)
	case traces.RecoveryResponse:
		s += fmt.Sprintf(" v%d nonce %d op %d commit %d replica %d, %d entries", m.View, m.Nonce, m.OpNumber, m.CommitNumber, m.Replica, len(m.Log))
	case traces.NewState:
		s += fmt.Sprintf(" v%d from %d op %d commit %d replica %d, %d entries", m.View, m.FromOpNumber, m.OpNumber, m.CommitNumber, m.Replica, len(m.Log))
	}
	if m.Clock != 0 { // reads under leases: a stamp or its echo
		s += fmt.Sprintf(" clock %d", m.Clock)
	}
	return s
}
