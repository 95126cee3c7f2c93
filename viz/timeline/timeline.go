// Package timeline draws a vrcheck trace as a space-time diagram: a self-contained HTML page
// (script and style embedded, no network needed) with one lane per replica and client,
// messages as arrows from the event that sent them to the event that received them (a
// dropped message ends in a cross), lanes coloured by status (normal, view-change,
// recovering, crashed; a client's lane by whether a request is pending), and commits marked.
// A Mark highlights the event a checker flagged, scrolls to it and shows the message.
//
// The page holds the events as compact JSON (one array per event, one per message) and draws
// only the rows on screen into a canvas, so a trace of 100,000 events stays responsive.
package timeline

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/traces"
)

//go:embed assets/page.html
var pageHTML string

//go:embed assets/timeline.css
var pageCSS string

//go:embed assets/timeline.js
var pageJS string

// Mark is an event to highlight: its line in the trace (line 2 is the first event) and what
// is wrong with it.
type Mark struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// Status codes of a lane after an event (Data.Events[i][FStatus]).
const (
	StNormal     = 0
	StViewChange = 1
	StRecovering = 2
	StCrashed    = 3 // from a Crash until the replica's next action
	StIdle       = 4 // a client with no request outstanding
	StPending    = 5 // a client waiting for a reply
	// Reconfiguration (§7): a replica not yet in any configuration (it joins when an epoch
	// adds it), one moving to a new epoch, and one replaced that has shut down for good.
	StReplicaIdle   = 6
	StTransitioning = 7
	StShutDown      = 8
	StNone          = -1
)

// Fields of an event record.
const (
	FLine = iota
	FTick
	FLane   // the acting replica or client; for a network event, the message's destination
	FAction // index into Data.Actions
	FStatus
	FView   // view-number (a client: the view it knows)
	FOp     // op-number (a client: its request-number)
	FCommit // commit-number
	FMsg    // index into Data.Msgs of the message received, dropped or duplicated; -1 if none
	FFlags  // FlagCommit | FlagPrimary
	FEpoch  // epoch-number (a replica; 0 for clients and network events)
	NFields
)

// Flags of an event record.
const (
	FlagCommit  = 1 // the replica's commit-number rose
	FlagPrimary = 2 // the replica is the normal primary of its view after the event
)

// Fields of a message record.
const (
	MID = iota
	MType
	MFrom // lane
	MTo   // lane
	MSend // index of the event that sent it; -1 if it is not in the trace
	MView
	MOp // op-number, or a REQUEST's or REPLY's request-number
	MCommit
	MFields
)

// Data is what the page embeds.
type Data struct {
	Title   string   `json:"title"`
	Lanes   []string `json:"lanes"`
	Actions []string `json:"actions"`
	Types   []string `json:"types"`
	Events  [][]int  `json:"events"`
	Msgs    [][]int  `json:"msgs"`
	Mark    *Mark    `json:"mark,omitempty"`
	// MarkRow is the index in Events of the marked event (-1 if none, or not found).
	MarkRow int `json:"markRow"`
	// Start is each lane's status before its first event.
	Start []int `json:"start"`
	// Epochs lists where each epoch begins: the first event after which some replica is in
	// it (reconfiguration, §7). Empty for a trace without reconfiguration.
	Epochs []Epoch `json:"epochs"`
}

// Epoch is the start of an epoch on the timeline.
type Epoch struct {
	Row    int   `json:"row"` // index in Events
	Epoch  int   `json:"epoch"`
	Config []int `json:"config"`
}

// Build turns a trace into the page's data. An event's line is its seq + 1.
func Build(h *traces.Header, events []*traces.Event, mark *Mark) (*Data, error) {
	if h == nil {
		return nil, fmt.Errorf("timeline: no header")
	}
	d := &Data{MarkRow: -1, Mark: mark, Actions: []string{}, Types: []string{},
		Events: make([][]int, 0, len(events)), Msgs: [][]int{}}
	d.Title = fmt.Sprintf("seed %d · %d replicas (f=%d) · %d clients · %d events", h.Seed, h.Replicas, h.F, h.Clients, len(events))
	if len(h.Bugs) > 0 {
		d.Title += " · bugs: " + strings.Join(h.Bugs, ",")
	}
	// The replica universe: replicas beyond the first configuration start idle.
	nReplicas := max(h.Replicas, h.Universe)
	d.Epochs, d.Start = []Epoch{}, []int{}
	for i := 0; i < nReplicas; i++ {
		d.Lanes = append(d.Lanes, "r"+strconv.Itoa(i))
		if i < h.Replicas {
			d.Start = append(d.Start, StNormal)
		} else {
			d.Start = append(d.Start, StReplicaIdle)
		}
	}
	for i := 0; i < h.Clients; i++ {
		d.Lanes = append(d.Lanes, "c"+strconv.Itoa(i))
		d.Start = append(d.Start, StIdle)
	}
	actIdx := map[string]int{}
	typIdx := map[traces.MsgType]int{}
	intern := func(m map[string]int, list *[]string, s string) int {
		i, ok := m[s]
		if !ok {
			i = len(*list)
			m[s] = i
			*list = append(*list, s)
		}
		return i
	}
	typeOf := func(t traces.MsgType) int {
		i, ok := typIdx[t]
		if !ok {
			i = len(d.Types)
			typIdx[t] = i
			d.Types = append(d.Types, string(t))
		}
		return i
	}
	lane := func(id int, client bool) int {
		if client {
			return nReplicas + id
		}
		return id
	}
	msgLanes := func(m *traces.Message) (from, to int) {
		return lane(m.From, m.Type == traces.Request), lane(m.To, m.Type == traces.Reply)
	}
	msgRec := func(m *traces.Message, send int) []int {
		from, to := msgLanes(m)
		op := m.OpNumber
		if m.Type == traces.Request || m.Type == traces.Reply {
			op = m.RequestNumber
		}
		return []int{m.ID, typeOf(m.Type), from, to, send, m.View, op, m.CommitNumber}
	}
	byID := map[int]int{}
	commit := make([]int, nReplicas)
	epoch := 0
	nLanes := len(d.Lanes)
	for i, e := range events {
		line := e.Seq + 1
		if mark != nil && line == mark.Line {
			d.MarkRow = i
		}
		rec := make([]int, NFields)
		rec[FLine], rec[FTick], rec[FAction], rec[FMsg] = line, e.Tick, intern(actIdx, &d.Actions, e.Action), -1
		switch traces.Actions[e.Action] {
		case traces.ReplicaReceive, traces.ReplicaTimer:
			if e.State == nil || e.Replica < 0 || e.Replica >= nReplicas {
				return nil, fmt.Errorf("line %d: %s: bad replica or no state", line, e.Action)
			}
			s := e.State
			rec[FLane] = e.Replica
			rec[FView], rec[FOp], rec[FCommit] = s.ViewNumber, s.OpNumber, s.CommitNumber
			switch {
			case e.Action == traces.Crash:
				rec[FStatus] = StCrashed
			case s.Status == traces.StatusViewChange:
				rec[FStatus] = StViewChange
			case s.Status == traces.StatusRecovering:
				rec[FStatus] = StRecovering
			case s.Status == traces.StatusIdle:
				rec[FStatus] = StReplicaIdle
			case s.Status == traces.StatusTransitioning:
				rec[FStatus] = StTransitioning
			case s.Status == traces.StatusShutDown:
				rec[FStatus] = StShutDown
			default:
				rec[FStatus] = StNormal
			}
			rec[FEpoch] = s.EpochNumber
			if s.EpochNumber > epoch {
				epoch = s.EpochNumber
				d.Epochs = append(d.Epochs, Epoch{Row: i, Epoch: epoch, Config: s.Config})
			}
			if s.CommitNumber > commit[e.Replica] {
				rec[FFlags] |= FlagCommit
			}
			commit[e.Replica] = s.CommitNumber
			if s.Status == traces.StatusNormal && primary(s, h.Replicas) == e.Replica {
				rec[FFlags] |= FlagPrimary
			}
		case traces.ClientAction:
			if e.ClientState == nil || e.Client < 0 || nReplicas+e.Client >= nLanes {
				return nil, fmt.Errorf("line %d: %s: bad client or no clientState", line, e.Action)
			}
			rec[FLane] = lane(e.Client, true)
			rec[FView], rec[FOp] = e.ClientState.View, e.ClientState.RequestNumber
			rec[FStatus] = StIdle
			if e.ClientState.Pending {
				rec[FStatus] = StPending
			}
		case traces.NetworkAction:
			rec[FStatus] = StNone
			if e.Msg == nil {
				return nil, fmt.Errorf("line %d: %s: no msg", line, e.Action)
			}
			_, rec[FLane] = msgLanes(e.Msg)
		default:
			return nil, fmt.Errorf("line %d: unknown action %q", line, e.Action)
		}
		if m := e.Msg; m != nil {
			k, ok := byID[m.ID]
			if !ok { // received but never sent in this trace: keep it, without an arrow
				k = len(d.Msgs)
				byID[m.ID] = k
				d.Msgs = append(d.Msgs, msgRec(m, -1))
			}
			rec[FMsg] = k
		}
		if rec[FLane] < 0 || rec[FLane] >= nLanes {
			return nil, fmt.Errorf("line %d: %s: node out of range", line, e.Action)
		}
		for j := range e.Sent {
			m := &e.Sent[j]
			from, to := msgLanes(m)
			if from < 0 || from >= nLanes || to < 0 || to >= nLanes {
				return nil, fmt.Errorf("line %d: %s: message %d: node out of range", line, e.Action, m.ID)
			}
			byID[m.ID] = len(d.Msgs)
			d.Msgs = append(d.Msgs, msgRec(m, i))
		}
		d.Events = append(d.Events, rec)
	}
	return d, nil
}

// Write writes the page for a trace (an event's line is its seq + 1); mark may be nil.
func Write(w io.Writer, h *traces.Header, events []*traces.Event, mark *Mark) error {
	d, err := Build(h, events, mark)
	if err != nil {
		return err
	}
	return WriteData(w, d)
}

// WriteData writes the page for already built data.
func WriteData(w io.Writer, d *Data) error {
	var data bytes.Buffer
	// encoding/json escapes <, > and &, so the data cannot close its script element.
	enc := json.NewEncoder(&data)
	if err := enc.Encode(d); err != nil {
		return err
	}
	title := "vrcheck timeline: " + d.Title
	page := strings.NewReplacer(
		"{{TITLE}}", html.EscapeString(title),
		"{{CSS}}", pageCSS,
		"{{JS}}", pageJS,
	).Replace(pageHTML)
	before, after, ok := strings.Cut(page, "{{DATA}}")
	if !ok {
		return fmt.Errorf("timeline: page template has no data slot")
	}
	bw := bufio.NewWriter(w)
	bw.WriteString(before)
	bw.Write(bytes.TrimRight(data.Bytes(), "\n"))
	bw.WriteString(after)
	return bw.Flush()
}

// primary is the primary of the replica's view in its epoch's configuration (§7: the
// configuration's members in order, by view-number); before version 5, replicas 0..n-1.
func primary(s *traces.ReplicaState, n int) int {
	if len(s.Config) > 0 {
		return s.Config[s.ViewNumber%len(s.Config)]
	}
	return s.ViewNumber % n
}
