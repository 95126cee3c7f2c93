// Package shiviz converts a vrcheck trace into a ShiViz log (https://bestchai.bitbucket.io/shiviz/):
// one host per replica ("r0".."rN-1") and per client ("c0".."cM-1"), each event stamped with
// its vector clock.
//
// The file ShiViz loads ("Choose file" on its input page) is: line 1, the regular expression
// that parses the log (Regexp below); line 2, the regular expression that separates several
// executions, empty here; then the log, two lines per event:
//
//	r1 {"r0":2,"r1":2,"c0":1} 7 42
//	ReceivePrepare PREPARE#12 from r0 to r1 (view 0 op 1 commit 0); sends PREPAREOK#15 to r0 -> normal view 0 op 1 commit 0
//
// The first line is the host, its vector clock (JSON, zero entries left out) and two fields
// ShiViz shows beside the event, the tick and the trace line; the second is the event text.
//
// Clocks follow ShiViz's rules: a host's own entry is 1 on its first event and rises by exactly
// 1 per event; an event that receives a message first takes the entry-wise maximum of its clock
// and the clock of the event that sent the message. Network events (DropMessage,
// DuplicateMessage) have no host in the trace: by default they are left out (a drop is then a
// message that is never received, and a duplicate a message received twice, which ShiViz shows
// as two arrows from one send). With Options.Net they become events of a host "net" that
// receives the message, so a lost message is drawn as an arrow into "net".
package shiviz

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/traces"
)

// Regexp parses the log this package writes, in ShiViz's syntax (JavaScript named groups).
// The groups host, clock and event are the ones ShiViz requires; tick and line are shown as
// fields of each event.
const Regexp = `(?<host>\S+) (?<clock>\{.*\}) (?<tick>\d+) (?<line>\d+)\n(?<event>.*)`

// Options tune the conversion.
type Options struct {
	// Net attributes DropMessage and DuplicateMessage to a host "net" instead of leaving them
	// out.
	Net bool
	// From and To, if not 0, keep only the events on trace lines From..To (ShiViz is slow on
	// long logs). A message sent before From is then received as if from nowhere: the receive
	// is a local event.
	From, To int
}

// Encoder writes a ShiViz log one trace event at a time, keeping only the clocks of events
// that sent messages still to be received.
type Encoder struct {
	w     *bufio.Writer
	name  string
	opts  Options
	hosts []string // replicas, then clients, then "net"
	nrep  int
	clock [][]int32 // current clock of each host
	// sent maps a message id to the clock of the event that sent it.
	sent map[int][]int32
	buf  []byte
	err  error
}

// NewEncoder writes the header lines (the regexp and an empty delimiter line) for a trace
// with header h. name is used in errors.
func NewEncoder(w io.Writer, h *traces.Header, name string, opts Options) (*Encoder, error) {
	if h == nil || h.Replicas < 1 || h.Clients < 0 {
		return nil, fmt.Errorf("%s:1: bad header", name)
	}
	// Every replica of the universe (reconfiguration, §7), not only the first configuration.
	nrep := max(h.Replicas, h.Universe)
	e := &Encoder{w: bufio.NewWriterSize(w, 1<<16), name: name, opts: opts, nrep: nrep, sent: map[int][]int32{}}
	for i := 0; i < nrep; i++ {
		e.hosts = append(e.hosts, "r"+strconv.Itoa(i))
	}
	for i := 0; i < h.Clients; i++ {
		e.hosts = append(e.hosts, "c"+strconv.Itoa(i))
	}
	if opts.Net {
		e.hosts = append(e.hosts, "net")
	}
	e.clock = make([][]int32, len(e.hosts))
	for i := range e.clock {
		e.clock[i] = make([]int32, len(e.hosts))
	}
	_, err := e.w.WriteString(Regexp + "\n\n")
	return e, err
}

// Hosts returns the host names in clock order.
func (e *Encoder) Hosts() []string { return e.hosts }

func (e *Encoder) errf(line int, format string, a ...any) error {
	return &traces.Error{File: e.name, Line: line, Msg: fmt.Sprintf(format, a...)}
}

// Event writes the entry of one trace event, read from the given line.
func (e *Encoder) Event(line int, ev *traces.Event) error {
	if e.err != nil {
		return e.err
	}
	if line < e.opts.From || (e.opts.To > 0 && line > e.opts.To) {
		return nil
	}
	host := -1
	switch traces.Actions[ev.Action] {
	case traces.ReplicaReceive, traces.ReplicaTimer:
		if ev.Replica < 0 || ev.Replica >= e.nrep {
			return e.errf(line, "%s: replica %d out of range", ev.Action, ev.Replica)
		}
		host = ev.Replica
	case traces.ClientAction:
		if ev.Client < 0 || ev.Client >= len(e.hosts)-e.nrep-e.netHosts() {
			return e.errf(line, "%s: client %d out of range", ev.Action, ev.Client)
		}
		host = e.nrep + ev.Client
	case traces.NetworkAction:
		if !e.opts.Net {
			return nil
		}
		host = len(e.hosts) - 1
	default:
		return e.errf(line, "unknown action %q", ev.Action)
	}
	c := e.clock[host]
	if m := ev.Msg; m != nil {
		sc, ok := e.sent[m.ID]
		if !ok && e.opts.From == 0 {
			return e.errf(line, "%s: message %d was never sent", ev.Action, m.ID)
		}
		for i := range sc {
			c[i] = max(c[i], sc[i])
		}
	}
	c[host]++
	if len(ev.Sent) > 0 {
		snap := append([]int32(nil), c...)
		for _, m := range ev.Sent {
			if _, dup := e.sent[m.ID]; dup {
				return e.errf(line, "%s: message id %d sent twice", ev.Action, m.ID)
			}
			e.sent[m.ID] = snap
		}
	}
	e.buf = e.buf[:0]
	e.buf = append(e.buf, e.hosts[host]...)
	e.buf = append(e.buf, " {"...)
	first := true
	for i, v := range c {
		if v == 0 {
			continue
		}
		if !first {
			e.buf = append(e.buf, ',')
		}
		first = false
		e.buf = append(e.buf, '"')
		e.buf = append(e.buf, e.hosts[i]...)
		e.buf = append(e.buf, "\":"...)
		e.buf = strconv.AppendInt(e.buf, int64(v), 10)
	}
	e.buf = append(e.buf, "} "...)
	e.buf = strconv.AppendInt(e.buf, int64(ev.Tick), 10)
	e.buf = append(e.buf, ' ')
	e.buf = strconv.AppendInt(e.buf, int64(line), 10)
	e.buf = append(e.buf, '\n')
	e.buf = append(e.buf, Describe(ev)...)
	e.buf = append(e.buf, '\n')
	_, e.err = e.w.Write(e.buf)
	return e.err
}

func (e *Encoder) netHosts() int {
	if e.opts.Net {
		return 1
	}
	return 0
}

// Close flushes the log.
func (e *Encoder) Close() error {
	if e.err != nil {
		return e.err
	}
	return e.w.Flush()
}

// Write converts a whole trace read from r (name is used in errors).
func Write(w io.Writer, r io.Reader, name string, opts Options) error {
	rd, err := traces.NewReader(r, name)
	if err != nil {
		return err
	}
	enc, err := NewEncoder(w, rd.Header(), name, opts)
	if err != nil {
		return err
	}
	for {
		ev, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if err := enc.Event(rd.Line(), ev); err != nil {
			return err
		}
	}
	return enc.Close()
}

// Describe is an event's one-line text: the action, the message received (or dropped) and the
// messages sent, and the state after it. It never contains braces or newlines, so the log
// cannot be misparsed.
func Describe(ev *traces.Event) string {
	var b strings.Builder
	b.WriteString(ev.Action)
	if m := ev.Msg; m != nil {
		b.WriteString(" ")
		b.WriteString(msgText(m))
	}
	if len(ev.Sent) > 0 {
		b.WriteString("; sends")
		for i := range ev.Sent {
			if i > 0 {
				b.WriteString(",")
			}
			m := &ev.Sent[i]
			fmt.Fprintf(&b, " %s#%d to %s", m.Type, m.ID, dest(m))
		}
	}
	if s := ev.State; s != nil {
		fmt.Fprintf(&b, " -> %s view %d op %d commit %d", s.Status, s.ViewNumber, s.OpNumber, s.CommitNumber)
		if s.Nonce > 0 && ev.Action == traces.Crash {
			fmt.Fprintf(&b, " nonce %d", s.Nonce)
		}
	}
	if s := ev.ClientState; s != nil {
		fmt.Fprintf(&b, " -> view %d request %d", s.View, s.RequestNumber)
		if s.Pending {
			b.WriteString(" pending")
		}
	}
	return strings.NewReplacer("{", "(", "}", ")", "\n", " ", "\r", " ").Replace(b.String())
}

func msgText(m *traces.Message) string {
	from := "r" + strconv.Itoa(m.From)
	if m.Type == traces.Request {
		from = "c" + strconv.Itoa(m.From)
	}
	s := fmt.Sprintf("%s#%d from %s to %s", m.Type, m.ID, from, dest(m))
	switch m.Type {
	case traces.Request:
		s += fmt.Sprintf(" (request %d: %s %s %q)", m.RequestNumber, m.Op, m.Key, m.Value)
	case traces.Reply:
		s += fmt.Sprintf(" (view %d request %d result %q)", m.View, m.RequestNumber, m.Result)
	case traces.Prepare:
		s += fmt.Sprintf(" (view %d op %d commit %d)", m.View, m.OpNumber, m.CommitNumber)
	case traces.PrepareOk, traces.GetState:
		s += fmt.Sprintf(" (view %d op %d)", m.View, m.OpNumber)
	case traces.Commit:
		s += fmt.Sprintf(" (view %d commit %d)", m.View, m.CommitNumber)
	case traces.StartViewChange:
		s += fmt.Sprintf(" (view %d)", m.View)
	case traces.DoViewChange:
		s += fmt.Sprintf(" (view %d last-normal %d op %d commit %d)", m.View, m.LastNormalView, m.OpNumber, m.CommitNumber)
	case traces.StartView, traces.RecoveryResponse:
		s += fmt.Sprintf(" (view %d op %d commit %d)", m.View, m.OpNumber, m.CommitNumber)
	case traces.Recovery:
		s += fmt.Sprintf(" (nonce %d)", m.Nonce)
	case traces.NewState:
		s += fmt.Sprintf(" (view %d from op %d to %d commit %d)", m.View, m.FromOpNumber, m.OpNumber, m.CommitNumber)
	}
	return s
}

func dest(m *traces.Message) string {
	if m.Type == traces.Reply {
		return "c" + strconv.Itoa(m.To)
	}
	return "r" + strconv.Itoa(m.To)
}
