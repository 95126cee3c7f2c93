package traces

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Writer writes a trace as NDJSON. It encodes by hand, in the documented field order, because
// the simulator writes millions of lines and encoding/json would dominate its profile.
type Writer struct {
	w       *bufio.Writer
	buf     []byte
	version int // the header's: what the events may use (WriteVersion)
}

// NewWriter returns a Writer on w. Call Flush when done.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: bufio.NewWriterSize(w, 1<<16), buf: make([]byte, 0, 4096), version: Version}
}

// WriteHeader writes line 1. The trace is in format version WriteVersion(h): h.Version if
// the writer declares one (it then writes only that version's fields), else the oldest one
// the header's options need, never below 3.
func (w *Writer) WriteHeader(h *Header) error {
	version := WriteVersion(h)
	if version < MinVersion || version > Version {
		return fmt.Errorf("trace header: version %d, want %d..%d", version, MinVersion, Version)
	}
	if need := needVersion(h); version < need {
		return fmt.Errorf("trace header: version %d, but the header's options (batch, checkpointEvery, universe, reads) need version %d", version, need)
	}
	w.version = version
	universe := 0
	if h.Universe > h.Replicas {
		universe = h.Universe
	}
	bugs := h.Bugs
	if bugs == nil {
		bugs = []string{}
	}
	scenario := h.Scenario
	if scenario == nil {
		scenario = map[string]any{}
	}
	if err := checkNoNull(scenario); err != nil {
		return fmt.Errorf("trace header: scenario: %w", err)
	}
	// encoding/json sorts map keys, so the header is deterministic.
	b, err := json.Marshal(struct {
		Format   string         `json:"format"`
		Version  int            `json:"version"`
		Seed     int64          `json:"seed"`
		Replicas int            `json:"replicas"`
		F        int            `json:"f"`
		Clients  int            `json:"clients"`
		Bugs     []string       `json:"bugs"`
		Batch    int            `json:"batch,omitempty"`
		Every    int            `json:"checkpointEvery,omitempty"`
		Universe int            `json:"universe,omitempty"`
		Reads    string         `json:"reads,omitempty"`
		Lease    int            `json:"lease,omitempty"`
		Drift    int            `json:"drift,omitempty"`
		Scenario map[string]any `json:"scenario"`
	}{Format, version, h.Seed, h.Replicas, h.F, h.Clients, bugs, h.Batch, h.CheckpointEvery, universe, h.Reads, h.Lease, h.Drift, scenario})
	if err != nil {
		return fmt.Errorf("trace header: %w", err)
	}
	b = append(b, '\n')
	_, err = w.w.Write(b)
	return err
}

func checkNoNull(v any) error {
	switch v := v.(type) {
	case nil:
		return fmt.Errorf("null value")
	case map[string]any:
		for k, x := range v {
			if err := checkNoNull(x); err != nil {
				return fmt.Errorf("%s: %w", k, err)
			}
		}
	case []any:
		for _, x := range v {
			if err := checkNoNull(x); err != nil {
				return err
			}
		}
	}
	return nil
}

// WriteEvent writes one event line. Which fields are written follows the action's kind.
func (w *Writer) WriteEvent(e *Event) error {
	kind, ok := Actions[e.Action]
	if !ok {
		return fmt.Errorf("trace event %d: unknown action %q", e.Seq, e.Action)
	}
	b := w.buf[:0]
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, int64(e.Seq), 10)
	b = append(b, `,"tick":`...)
	b = strconv.AppendInt(b, int64(e.Tick), 10)
	b = append(b, `,"action":`...)
	b = appendString(b, e.Action)
	switch kind {
	case ReplicaReceive, ReplicaTimer:
		b = append(b, `,"replica":`...)
		b = strconv.AppendInt(b, int64(e.Replica), 10)
	case ClientAction:
		b = append(b, `,"client":`...)
		b = strconv.AppendInt(b, int64(e.Client), 10)
	}
	if kind == ReplicaReceive || kind == NetworkAction || e.Action == ClientReceiveReply || e.Action == ClientReceiveNewEpoch {
		if e.Msg == nil {
			return fmt.Errorf("trace event %d: %s needs msg", e.Seq, e.Action)
		}
		b = append(b, `,"msg":`...)
		b = AppendMessage(b, e.Msg)
	}
	if kind != NetworkAction {
		b = append(b, `,"sent":[`...)
		for i := range e.Sent {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendMessage(b, &e.Sent[i])
		}
		b = append(b, ']')
	}
	switch kind {
	case ReplicaReceive, ReplicaTimer:
		if e.State == nil {
			return fmt.Errorf("trace event %d: %s needs state", e.Seq, e.Action)
		}
		b = appendReplicaState(b, e.State, w.version)
	case ClientAction:
		if e.ClientState == nil {
			return fmt.Errorf("trace event %d: %s needs clientState", e.Seq, e.Action)
		}
		s := e.ClientState
		b = append(b, `,"clientState":{"view":`...)
		b = strconv.AppendInt(b, int64(s.View), 10)
		b = append(b, `,"requestNumber":`...)
		b = strconv.AppendInt(b, int64(s.RequestNumber), 10)
		b = append(b, `,"pending":`...)
		b = strconv.AppendBool(b, s.Pending)
		if w.version >= ReconfigurationVersion {
			b = append(b, `,"epoch":`...)
			b = strconv.AppendInt(b, int64(s.Epoch), 10)
		}
		if w.version >= ReadsVersion {
			b = append(b, `,"commitNumber":`...)
			b = strconv.AppendInt(b, int64(s.CommitNumber), 10)
		}
		b = append(b, '}')
	}
	b = append(b, "}\n"...)
	w.buf = b
	_, err := w.w.Write(b)
	return err
}

// Flush writes any buffered data.
func (w *Writer) Flush() error { return w.w.Flush() }

func appendReplicaState(b []byte, s *ReplicaState, version int) []byte {
	b = append(b, `,"state":{"viewNumber":`...)
	b = strconv.AppendInt(b, int64(s.ViewNumber), 10)
	b = append(b, `,"status":`...)
	b = appendString(b, s.Status)
	b = append(b, `,"opNumber":`...)
	b = strconv.AppendInt(b, int64(s.OpNumber), 10)
	b = append(b, `,"commitNumber":`...)
	b = strconv.AppendInt(b, int64(s.CommitNumber), 10)
	b = append(b, `,"lastNormalView":`...)
	b = strconv.AppendInt(b, int64(s.LastNormalView), 10)
	b = append(b, `,"nonce":`...)
	b = strconv.AppendInt(b, int64(s.Nonce), 10)
	b = append(b, `,"logKeep":`...)
	b = strconv.AppendInt(b, int64(s.LogKeep), 10)
	b = append(b, `,"logAdd":`...)
	b = appendEntries(b, s.LogAdd)
	if version >= versions.state["checkpoint"] {
		b = append(b, `,"checkpoint":`...)
		b = strconv.AppendInt(b, int64(s.Checkpoint), 10)
	}
	if version >= ReconfigurationVersion {
		b = append(b, `,"epochNumber":`...)
		b = strconv.AppendInt(b, int64(s.EpochNumber), 10)
		b = append(b, `,"config":`...)
		b = appendInts(b, s.Config)
		b = append(b, `,"oldConfig":`...)
		b = appendInts(b, s.OldConfig)
	}
	if version >= LeaseVersion {
		b = append(b, `,"clock":`...)
		b = strconv.AppendInt(b, int64(s.Clock), 10)
	}
	return append(b, '}')
}

func appendInts(b []byte, xs []int) []byte {
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}

// AppendMessage appends m as JSON: id, type, from, to, then the fields of its type.
func AppendMessage(b []byte, m *Message) []byte {
	b = append(b, `{"id":`...)
	b = strconv.AppendInt(b, int64(m.ID), 10)
	b = append(b, `,"type":`...)
	b = appendString(b, string(m.Type))
	b = append(b, `,"from":`...)
	b = strconv.AppendInt(b, int64(m.From), 10)
	b = append(b, `,"to":`...)
	b = strconv.AppendInt(b, int64(m.To), 10)
	for _, f := range Fields[m.Type] {
		b = append(b, ',', '"')
		b = append(b, f...)
		b = append(b, '"', ':')
		switch f {
		case FView:
			b = strconv.AppendInt(b, int64(m.View), 10)
		case FOpNumber:
			b = strconv.AppendInt(b, int64(m.OpNumber), 10)
		case FCommitNumber:
			b = strconv.AppendInt(b, int64(m.CommitNumber), 10)
		case FLastNormalView:
			b = strconv.AppendInt(b, int64(m.LastNormalView), 10)
		case FFromOpNumber:
			b = strconv.AppendInt(b, int64(m.FromOpNumber), 10)
		case FReplica:
			b = strconv.AppendInt(b, int64(m.Replica), 10)
		case FNonce:
			b = strconv.AppendInt(b, int64(m.Nonce), 10)
		case FClient:
			b = strconv.AppendInt(b, int64(m.Client), 10)
		case FRequestNumber:
			b = strconv.AppendInt(b, int64(m.RequestNumber), 10)
		case FOp:
			b = appendString(b, m.Op)
		case FKey:
			b = appendString(b, m.Key)
		case FValue:
			b = appendString(b, m.Value)
		case FResult:
			b = appendString(b, m.Result)
		case FEntry:
			var e Entry
			if m.Entry != nil {
				e = *m.Entry
			}
			b = appendEntry(b, &e)
		case FLog:
			b = appendEntries(b, m.Log)
		case FEpoch:
			b = strconv.AppendInt(b, int64(m.Epoch), 10)
		case FConfig:
			b = appendInts(b, m.Config)
		case FOldConfig:
			b = appendInts(b, m.OldConfig)
		}
	}
	for _, f := range Optional[m.Type] {
		switch {
		case f == FLog && len(m.Log) > 0:
			b = append(b, `,"log":`...)
			b = appendEntries(b, m.Log)
		case f == FCheckpoint && m.Checkpoint != nil:
			b = append(b, `,"checkpoint":`...)
			b = appendCheckpoint(b, m.Checkpoint)
		case f == FEpoch && m.Epoch != 0:
			b = append(b, `,"epoch":`...)
			b = strconv.AppendInt(b, int64(m.Epoch), 10)
		case f == FCommitNumber && m.CommitNumber != 0:
			b = append(b, `,"commitNumber":`...)
			b = strconv.AppendInt(b, int64(m.CommitNumber), 10)
		case f == FClock && m.Clock != 0:
			b = append(b, `,"clock":`...)
			b = strconv.AppendInt(b, int64(m.Clock), 10)
		}
	}
	return append(b, '}')
}

func appendCheckpoint(b []byte, c *Checkpoint) []byte {
	b = append(b, `{"opNumber":`...)
	b = strconv.AppendInt(b, int64(c.OpNumber), 10)
	b = append(b, `,"store":[`...)
	for i := range c.Store {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendString(b, c.Store[i].Key)
		b = append(b, `,"value":`...)
		b = appendString(b, c.Store[i].Value)
		b = append(b, '}')
	}
	b = append(b, `],"table":[`...)
	for i := range c.Table {
		if i > 0 {
			b = append(b, ',')
		}
		t := &c.Table[i]
		b = append(b, `{"client":`...)
		b = strconv.AppendInt(b, int64(t.Client), 10)
		b = append(b, `,"requestNumber":`...)
		b = strconv.AppendInt(b, int64(t.RequestNumber), 10)
		b = append(b, `,"result":`...)
		b = appendString(b, t.Result)
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

func appendEntries(b []byte, es []Entry) []byte {
	b = append(b, '[')
	for i := range es {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendEntry(b, &es[i])
	}
	return append(b, ']')
}

func appendEntry(b []byte, e *Entry) []byte {
	b = append(b, `{"client":`...)
	b = strconv.AppendInt(b, int64(e.Client), 10)
	b = append(b, `,"requestNumber":`...)
	b = strconv.AppendInt(b, int64(e.RequestNumber), 10)
	b = append(b, `,"op":`...)
	b = appendString(b, e.Op)
	b = append(b, `,"key":`...)
	b = appendString(b, e.Key)
	b = append(b, `,"value":`...)
	b = appendString(b, e.Value)
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string; invalid UTF-8 becomes U+FFFD, as encoding/json does.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
