package merge

import (
	"container/heap"
	"fmt"
	"io"
	"sort"

	"github.com/vrcheck/vrcheck/traces"
)

// Input is one node of a run: its node traces, one per incarnation, oldest first. Every
// incarnation but the last was killed (so its last line may be cut off).
type Input struct {
	Files []string
	// Killed[i] says incarnation i was killed (kill -9); nil means all but the last.
	Killed []bool
}

// Stats describes a merged trace.
type Stats struct {
	Events       int
	Truncated    int // cut-off last lines dropped from killed incarnations
	Views        int // the largest view-number of any replica
	ViewChanges  int // replicas that became normal in a new view through a view change
	Crashes      int
	Recoveries   int // recovering -> normal
	Returns      int // client operations that returned
	ClockSkews   int // receives stamped (mono) before their send: two processes' clocks disagree
	LastTickMs   int
	MessagesLost int // sent and never received by anyone (loss, partition, a crashed receiver)
}

type stream struct {
	idx    int
	files  []string
	fi     int
	r      *NodeReader
	head   *NodeEvent
	stats  *Stats
	killed []bool
}

// next advances s to its next event (across incarnations); head is nil at the end.
func (s *stream) next() error {
	for {
		if s.r == nil {
			if s.fi >= len(s.files) {
				s.head = nil
				return nil
			}
			killed := s.fi < len(s.files)-1
			if s.killed != nil {
				killed = s.killed[s.fi]
			}
			r, err := OpenNode(s.files[s.fi], killed)
			if err != nil {
				return err
			}
			s.r = r
		}
		e, err := s.r.Next()
		if err == nil {
			s.head = e
			return nil
		}
		if err != io.EOF {
			return err
		}
		if s.r.Truncated() {
			s.stats.Truncated++
		}
		s.r.Close()
		s.r = nil
		s.fi++
	}
}

type readyHeap []*stream

func (h readyHeap) Len() int { return len(h) }
func (h readyHeap) Less(i, j int) bool {
	a, b := h[i].head, h[j].head
	if a.Mono != b.Mono {
		return a.Mono < b.Mono
	}
	return h[i].idx < h[j].idx
}
func (h readyHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *readyHeap) Push(x any)   { *h = append(*h, x.(*stream)) }
func (h *readyHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Merge writes one trace of the nodes' events to out: each node's events in their order, and
// every receive after the event that sent its message (happens-before); among the events
// that may come next, the one with the earliest mono stamp. So client calls and returns keep
// their real-time order (checked: an inversion is an error), which linearizability needs.
// An event's tick is its mono stamp in milliseconds since the cluster's epoch. scenario goes
// into the header. A receive of a message that no node sent is an error naming its line.
func Merge(inputs []Input, scenario map[string]any, out io.Writer) (*Stats, error) {
	st := &Stats{}
	streams := make([]*stream, len(inputs))
	var hdr *traces.Header
	defer func() {
		for _, s := range streams {
			if s != nil && s.r != nil {
				s.r.Close()
			}
		}
	}()
	for i, in := range inputs {
		if len(in.Files) == 0 {
			return nil, fmt.Errorf("merge: node %d has no trace file", i)
		}
		if in.Killed != nil && len(in.Killed) != len(in.Files) {
			return nil, fmt.Errorf("merge: node %d: %d files, %d killed flags", i, len(in.Files), len(in.Killed))
		}
		s := &stream{idx: i, files: in.Files, stats: st, killed: in.Killed}
		streams[i] = s
		if err := s.next(); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		h := s.headerOf()
		if h == nil {
			continue
		}
		if hdr == nil {
			hdr = h
		} else if h.Replicas != hdr.Replicas || h.F != hdr.F || h.Clients != hdr.Clients {
			return nil, fmt.Errorf("merge: %s: header says %d replicas (f %d), %d clients; %s says %d (f %d), %d",
				in.Files[0], h.Replicas, h.F, h.Clients, inputs[0].Files[0], hdr.Replicas, hdr.F, hdr.Clients)
		}
	}
	if hdr == nil {
		return nil, fmt.Errorf("merge: no node trace has a header")
	}
	if scenario == nil {
		scenario = map[string]any{}
	}
	w := traces.NewWriter(out)
	if err := w.WriteHeader(&traces.Header{Replicas: hdr.Replicas, F: hdr.F, Clients: hdr.Clients, Bugs: hdr.Bugs, Scenario: scenario}); err != nil {
		return nil, err
	}
	sent := map[int]int64{}      // id -> mono of the send, for messages not yet received
	waiting := map[int]*stream{} // id -> the stream whose head receives it
	sentAt := map[int]string{}   // id -> where it was sent, for duplicate ids (only while in flight)
	h := &readyHeap{}
	var dupErr error
	place := func(s *stream) {
		if s.head == nil {
			return
		}
		if m := s.head.Event.Msg; m != nil {
			if _, ok := sent[m.ID]; !ok {
				if other, dup := waiting[m.ID]; dup {
					dupErr = fmt.Errorf("merge: %s:%d and %s:%d both receive message id %d", other.head.File, other.head.Line, s.head.File, s.head.Line, m.ID)
				}
				waiting[m.ID] = s
				return
			}
		}
		heap.Push(h, s)
	}
	for _, s := range streams {
		place(s)
	}
	pending := map[int]bool{}
	status := make([]string, hdr.Replicas)
	for i := range status {
		status[i] = traces.StatusNormal
	}
	var lastClient int64 = -1 << 62
	tick := 0
	for h.Len() > 0 {
		s := heap.Pop(h).(*stream)
		ne := s.head
		e := ne.Event
		if m := e.Msg; m != nil {
			if ne.Mono < sent[m.ID] {
				st.ClockSkews++
			}
			delete(sent, m.ID)
			delete(sentAt, m.ID)
		}
		if e.Client >= 0 {
			if ne.Mono < lastClient {
				return nil, fmt.Errorf("merge: %s:%d: client event stamped %d ns is ordered after one stamped %d ns: happens-before and the real-time order of client calls disagree", ne.File, ne.Line, ne.Mono, lastClient)
			}
			lastClient = ne.Mono
		}
		st.Events++
		e.Seq = st.Events
		tick = max(tick, int(ne.Mono/1e6))
		e.Tick = tick
		st.count(e, status, pending)
		if err := w.WriteEvent(e); err != nil {
			return nil, err
		}
		for i := range e.Sent {
			id := e.Sent[i].ID
			if where, dup := sentAt[id]; dup {
				return nil, fmt.Errorf("merge: %s:%d: message id %d was already sent at %s and is still in flight: ids must be unique", ne.File, ne.Line, id, where)
			}
			sent[id] = ne.Mono
			sentAt[id] = fmt.Sprintf("%s:%d", ne.File, ne.Line)
			if r, ok := waiting[id]; ok {
				delete(waiting, id)
				heap.Push(h, r)
			}
		}
		if err := s.next(); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		place(s)
		if dupErr != nil {
			return nil, dupErr
		}
	}
	if len(waiting) > 0 {
		var blocked []*NodeEvent
		for _, s := range waiting {
			blocked = append(blocked, s.head)
		}
		// The earliest blocked receive is the cause; later ones wait on it.
		sort.Slice(blocked, func(i, j int) bool {
			if blocked[i].Mono != blocked[j].Mono {
				return blocked[i].Mono < blocked[j].Mono
			}
			return blocked[i].File < blocked[j].File
		})
		b := blocked[0]
		return nil, fmt.Errorf("merge: %s:%d: %s receives message id %d, which no node's trace sends (or which was received already; %d node(s) blocked so)", b.File, b.Line, b.Event.Action, b.Event.Msg.ID, len(blocked))
	}
	st.MessagesLost = len(sent)
	st.LastTickMs = tick
	return st, w.Flush()
}

func (s *stream) headerOf() *traces.Header {
	if s.r == nil {
		return nil
	}
	return s.r.Header()
}

func (st *Stats) count(e *traces.Event, status []string, pending map[int]bool) {
	switch {
	case e.Client >= 0 && e.ClientState != nil:
		if pending[e.Client] && !e.ClientState.Pending {
			st.Returns++
		}
		pending[e.Client] = e.ClientState.Pending
	case e.Replica >= 0 && e.State != nil && e.Replica < len(status):
		before, after := status[e.Replica], e.State.Status
		status[e.Replica] = after
		st.Views = max(st.Views, e.State.ViewNumber)
		switch {
		case e.Action == traces.Crash:
			st.Crashes++
		case before == traces.StatusRecovering && after == traces.StatusNormal:
			st.Recoveries++
		case before == traces.StatusViewChange && after == traces.StatusNormal:
			st.ViewChanges++
		}
	}
}
