package traces

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Error is a problem with one line of a trace.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// MaxLine is the longest line a Reader accepts.
const MaxLine = 64 << 20

// Reader reads a trace line by line. It checks the syntax and the types of every field, that
// every field an action needs is present and that no other is; it does not check the protocol.
type Reader struct {
	lr     lineReader
	name   string
	line   int
	header *Header
	err    error
	d      lineDecoder
	par    *parallel // nil: decode on the caller's goroutine
}

// NewReader reads the header from r and returns a Reader positioned at the first event. name
// is used in error messages (a file name, or "-" for standard input).
func NewReader(r io.Reader, name string, opts ...ReadOption) (*Reader, error) {
	return newReader(r, name, versions, opts...)
}

// ReadOption changes what a Reader's events share.
type ReadOption int

// ShareMessages: an event's msg whose bytes are exactly those of a message sent a little
// earlier is that very Message, the one in the sender's sent list, not a copy (a trace writes
// each message when it is sent and again when it is received, dropped or duplicated). It saves
// a Message per receive, for a caller that never changes the events it reads (the checker).
const ShareMessages ReadOption = 1

func newReader(r io.Reader, name string, vt *versionTable, opts ...ReadOption) (*Reader, error) {
	rd := &Reader{lr: lineReader{r: bufio.NewReaderSize(r, bufSize), name: name}, name: name}
	b, err := rd.lr.readLine()
	if err == io.EOF {
		return nil, &Error{name, 1, "empty trace: no header line"}
	}
	if err != nil {
		return nil, err
	}
	h, err := parseHeader(b, vt)
	if err != nil {
		return nil, &Error{name, 1, err.Error()}
	}
	rd.header = h
	rd.d.init(h, vt.schemas[h.Version])
	rd.d.f.share = slices.Contains(opts, ShareMessages)
	return rd, nil
}

// Header returns line 1.
func (r *Reader) Header() *Header { return r.header }

// Line returns the number of the line last read.
func (r *Reader) Line() int { return r.line }

// Next returns the next event, or io.EOF after the last one. Any other error is an *Error
// (or an I/O error) and is returned again by later calls.
func (r *Reader) Next() (*Event, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.par != nil {
		e, line, err := r.par.next()
		r.line = line
		if err != nil {
			r.err = err
			r.par.stop()
		}
		return e, err
	}
	b, err := r.lr.readLine()
	r.line = r.lr.line
	if err != nil {
		r.err = err
		return nil, err
	}
	e, err := r.d.decode(b, r.line, r.name)
	if err != nil {
		r.err = err
		return nil, err
	}
	return e, nil
}

// lineDecoder decodes event lines: the fast path for the Writer's canonical form first, the
// general decoder when the fast path declines a line, so every error is the general one's.
type lineDecoder struct {
	h      *Header
	d      decoder
	f      fastDecoder
	noFast bool // tests: the general decoder only
}

func (ld *lineDecoder) init(h *Header, s *schema) {
	ld.h, ld.d.schema, ld.d.nodes = h, s, h.Nodes()
	ld.f.init(h, s)
}

func (ld *lineDecoder) decode(b []byte, line int, name string) (*Event, error) {
	e, ok := (*Event)(nil), false
	if !ld.noFast {
		e, ok = ld.f.event(b)
	}
	if !ok {
		e = new(Event)
		ld.d.reset(b)
		if err := ld.d.event(e, ld.h); err != nil {
			return nil, &Error{name, line, fmt.Sprintf("column %d: %v", ld.d.i+1, err)}
		}
	}
	if want := line - 1; e.Seq != want {
		return nil, &Error{name, line, fmt.Sprintf("seq is %d, want %d (seq counts events from 1 on line 2)", e.Seq, want)}
	}
	return e, nil
}

// lineReader splits a trace into lines and counts them.
type lineReader struct {
	r    *bufio.Reader
	name string
	line int // the number of the line last read
	long []byte
}

// readLine returns the next line without its newline. The slice is valid until the next call.
func (r *lineReader) readLine() ([]byte, error) {
	b, err := r.r.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		r.long = append(r.long[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(r.long) > MaxLine {
				return nil, longLine(r.name, r.line+1)
			}
			b, err = r.r.ReadSlice('\n')
			r.long = append(r.long, b...)
		}
		b = r.long
	}
	switch {
	case err == io.EOF && len(b) == 0:
		return nil, io.EOF
	case err == io.EOF:
		r.line++
		return nil, &Error{r.name, r.line, "truncated: the last line does not end with a newline"}
	case err != nil:
		return nil, fmt.Errorf("%s: reading line %d: %w", r.name, r.line+1, err)
	}
	r.line++
	b, ok := trimLine(b)
	if !ok {
		return nil, emptyLine(r.name, r.line)
	}
	return b, nil
}

// trimLine cuts a line's newline (and a '\r' before it) and reports false for a line of
// white space alone. Both readers cut lines by it.
func trimLine(b []byte) ([]byte, bool) {
	b = b[:len(b)-1]
	if len(b) > 0 && b[len(b)-1] == '\r' {
		b = b[:len(b)-1]
	}
	return b, len(bytes.TrimSpace(b)) > 0
}

func emptyLine(name string, line int) error { return &Error{name, line, "empty line"} }

// longLine is the error for a line longer than MaxLine: readLine gathers a long line in
// pieces of bufSize bytes and gives up when it holds more than MaxLine bytes and no newline,
// so a line is too long when its first MaxLine+bufSize bytes hold no newline.
func longLine(name string, line int) error {
	return &Error{name, line, fmt.Sprintf("line longer than %d bytes", MaxLine)}
}

// bufSize is the size of the buffer lineReader reads through.
const bufSize = 1 << 16

func parseHeader(b []byte, vt *versionTable) (*Header, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("header: not a JSON object: %v", err)
	}
	h := &Header{}
	fields := []struct {
		name string
		dst  any
	}{
		{"format", &h.Format}, {"version", &h.Version}, {"seed", &h.Seed},
		{"replicas", &h.Replicas}, {"f", &h.F}, {"clients", &h.Clients},
		{"bugs", &h.Bugs}, {"scenario", &h.Scenario}, {"batch", &h.Batch}, {"checkpointEvery", &h.CheckpointEvery}, {"universe", &h.Universe},
		{"reads", &h.Reads}, {"lease", &h.Lease}, {"drift", &h.Drift},
	}
	for _, f := range fields {
		v, ok := raw[f.name]
		if !ok && (f.name == "batch" || f.name == "checkpointEvery" || f.name == "universe" || f.name == "reads" || f.name == "lease" || f.name == "drift") { // versions 3..7, written only when on
			continue
		}
		if !ok {
			if f.name == "format" {
				return nil, fmt.Errorf("missing header: line 1 has no \"format\" field (a vrcheck trace starts with a header line)")
			}
			return nil, fmt.Errorf("header: missing field %q", f.name)
		}
		if string(v) == "null" {
			return nil, fmt.Errorf("header: field %q is null", f.name)
		}
		if err := json.Unmarshal(v, f.dst); err != nil {
			return nil, fmt.Errorf("header: field %q: %v", f.name, err)
		}
		delete(raw, f.name)
	}
	if len(raw) > 0 { // the first unknown field by name, not by map order: the same error each time
		return nil, fmt.Errorf("header: unknown field %q", slices.Sorted(maps.Keys(raw))[0])
	}
	if h.Format != Format {
		return nil, fmt.Errorf("header: format is %q, want %q", h.Format, Format)
	}
	if h.Version < MinVersion || h.Version > vt.current {
		return nil, fmt.Errorf("header: unsupported version %d (this vrcheck reads trace format %s)", h.Version, vt.supported())
	}
	if h.Replicas < 3 || h.Replicas > math.MaxInt32 {
		return nil, fmt.Errorf("header: replicas is %d, want 3..2^31-1", h.Replicas)
	}
	if h.F < 1 || h.Replicas != 2*h.F+1 {
		return nil, fmt.Errorf("header: replicas = %d and f = %d, want f >= 1 and replicas = 2f+1", h.Replicas, h.F)
	}
	if h.Clients < 0 || h.Clients > math.MaxInt32 {
		return nil, fmt.Errorf("header: clients is %d, want 0..2^31-1", h.Clients)
	}
	if h.Batch != 0 && (h.Version < 3 || h.Batch < 2 || h.Batch > math.MaxInt32) {
		return nil, fmt.Errorf("header: batch is %d, want 2..2^31-1 in a version 3 trace (or no batch field)", h.Batch)
	}
	if h.CheckpointEvery != 0 && (h.Version < 4 || h.CheckpointEvery < 1 || h.CheckpointEvery > math.MaxInt32) {
		return nil, fmt.Errorf("header: checkpointEvery is %d, want 1..2^31-1 in a version 4 trace (or no checkpointEvery field)", h.CheckpointEvery)
	}
	if h.Universe != 0 && (h.Version < ReconfigurationVersion || h.Universe <= h.Replicas || h.Universe > math.MaxInt32) {
		return nil, fmt.Errorf("header: universe is %d, want replicas+1..2^31-1 (%d..) in a version %d trace (or no universe field)",
			h.Universe, h.Replicas+1, ReconfigurationVersion)
	}
	if h.Reads != "" && (h.Version < ReadsVersion || !slices.Contains(ReadModes, h.Reads)) {
		return nil, fmt.Errorf("header: reads is %q, want one of %s in a version %d trace (or no reads field)",
			h.Reads, strings.Join(ReadModes, ", "), ReadsVersion)
	}
	if h.Reads == ReadsLease && h.Version < LeaseVersion {
		return nil, fmt.Errorf("header: reads is %q, which is in trace format version %d and later; this trace's header says version %d", h.Reads, LeaseVersion, h.Version)
	}
	if h.Reads == ReadsLease && (h.Lease < 1 || h.Lease > 1_000_000 || h.Drift < 0 || h.Drift > 999) {
		return nil, fmt.Errorf("header: reads \"lease\" with lease %d and drift %d, want lease 1..1000000 ticks and drift 0..999 per mille", h.Lease, h.Drift)
	}
	if h.Reads != ReadsLease && (h.Lease != 0 || h.Drift != 0) {
		return nil, fmt.Errorf("header: lease and drift belong to reads \"lease\" (version %d), this trace's reads is %q", LeaseVersion, h.Reads)
	}
	if h.Seed < 0 || h.Seed > math.MaxInt32 {
		return nil, fmt.Errorf("header: seed is %d, want 0..2^31-1", h.Seed)
	}
	return h, nil
}

// decoder parses one event line. It knows the schema, so it never builds a generic tree.
type decoder struct {
	b      []byte
	i      int
	intern map[string]string
	schema *schema // what the header's version allows
	nodes  int     // the header's replica universe
}

func (d *decoder) reset(b []byte) { d.b, d.i = b, 0 }

func (d *decoder) ws() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\r', '\n':
			d.i++
		default:
			return
		}
	}
}

func (d *decoder) errf(format string, args ...any) error {
	return fmt.Errorf(format, args...)
}

func (d *decoder) describe() string {
	d.ws()
	if d.i >= len(d.b) {
		return "end of line"
	}
	c := d.b[d.i]
	switch {
	case c == 'n':
		return "null (JSON null is not allowed in a trace)"
	case c == '"':
		return "a string"
	case c == '{':
		return "an object"
	case c == '[':
		return "a list"
	case c == 't' || c == 'f':
		return "a boolean"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	}
	return fmt.Sprintf("%q", c)
}

func (d *decoder) expect(c byte) error {
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == c {
		d.i++
		return nil
	}
	return d.errf("expected %q, found %s", c, d.describe())
}

// object calls f for each key of an object; f must consume the value.
func (d *decoder) object(what string, f func(key string) error) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '{' {
		return d.errf("%s: expected an object, found %s", what, d.describe())
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.ws()
		kb, err := d.rawString()
		if err != nil {
			return fmt.Errorf("%s: key: %w", what, err)
		}
		if err := d.expect(':'); err != nil {
			return err
		}
		if err := f(keyName(kb)); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return d.errf("%s: unterminated object", what)
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return nil
		default:
			return d.errf("%s: expected ',' or '}', found %s", what, d.describe())
		}
	}
}

// list calls f for each element of a list.
func (d *decoder) list(what string, f func() error) error {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '[' {
		return d.errf("%s: expected a list, found %s", what, d.describe())
	}
	d.i++
	d.ws()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return nil
	}
	for {
		if err := f(); err != nil {
			return err
		}
		d.ws()
		if d.i >= len(d.b) {
			return d.errf("%s: unterminated list", what)
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return nil
		default:
			return d.errf("%s: expected ',' or ']', found %s", what, d.describe())
		}
	}
}

// rawString returns the bytes of a string without escapes, or a decoded copy with them.
func (d *decoder) rawString() ([]byte, error) {
	d.ws()
	if d.i >= len(d.b) || d.b[d.i] != '"' {
		return nil, d.errf("expected a string, found %s", d.describe())
	}
	d.i++
	start := d.i
	ascii := true
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c >= utf8.RuneSelf:
			ascii = false
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if !ascii && !utf8.Valid(s) {
				return nil, d.errf("string is not valid UTF-8")
			}
			return s, nil
		case c == '\\':
			return d.escapedString(start)
		case c < 0x20:
			return nil, d.errf("control character in string")
		}
		d.i++
	}
	return nil, d.errf("unterminated string")
}

func (d *decoder) escapedString(start int) ([]byte, error) {
	out := append([]byte(nil), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return nil, d.errf("string is not valid UTF-8")
			}
			return out, nil
		case c < 0x20:
			return nil, d.errf("control character in string")
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return nil, d.errf("unterminated string")
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return nil, d.errf("bad \\u escape")
			}
			if utf16.IsSurrogate(r) {
				r2 := rune(-1)
				if d.i+1 < len(d.b) && d.b[d.i] == '\\' && d.b[d.i+1] == 'u' {
					d.i += 2
					r2, ok = d.hex4()
					if !ok {
						return nil, d.errf("bad \\u escape")
					}
				}
				r = utf16.DecodeRune(r, r2)
			}
			out = utf8.AppendRune(out, r)
		default:
			return nil, d.errf("bad escape \\%c", e)
		}
	}
	return nil, d.errf("unterminated string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 16)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(v), true
}

func (d *decoder) str(what string) (string, error) {
	b, err := d.rawString()
	if err != nil {
		return "", fmt.Errorf("%s: %w", what, err)
	}
	return d.internBytes(b), nil
}

// keyName returns a field name without allocating or hashing: the schema's names are
// constants (the compiler turns this switch into length and byte comparisons).
func keyName(b []byte) string {
	switch string(b) {
	case "seq":
		return "seq"
	case "tick":
		return "tick"
	case "action":
		return "action"
	case "replica":
		return "replica"
	case "client":
		return "client"
	case "msg":
		return "msg"
	case "sent":
		return "sent"
	case "state":
		return "state"
	case "clientState":
		return "clientState"
	case "id":
		return "id"
	case "type":
		return "type"
	case "from":
		return "from"
	case "to":
		return "to"
	case "view":
		return "view"
	case "opNumber":
		return "opNumber"
	case "commitNumber":
		return "commitNumber"
	case "lastNormalView":
		return "lastNormalView"
	case "fromOpNumber":
		return "fromOpNumber"
	case "nonce":
		return "nonce"
	case "requestNumber":
		return "requestNumber"
	case "op":
		return "op"
	case "key":
		return "key"
	case "value":
		return "value"
	case "result":
		return "result"
	case "entry":
		return "entry"
	case "log":
		return "log"
	case "viewNumber":
		return "viewNumber"
	case "status":
		return "status"
	case "logKeep":
		return "logKeep"
	case "logAdd":
		return "logAdd"
	case "pending":
		return "pending"
	}
	return string(b)
}

// internBytes returns b as a string, sharing one copy of each short string seen: traces
// repeat the same keys, values and names on every line.
func (d *decoder) internBytes(b []byte) string {
	if len(b) > 32 {
		return string(b)
	}
	if s, ok := d.intern[string(b)]; ok {
		return s
	}
	if d.intern == nil || len(d.intern) > 1<<14 {
		d.intern = make(map[string]string, 256)
	}
	s := string(b)
	d.intern[s] = s
	return s
}

// integer reads a non-negative integer below 2^31 (what TLC reads faithfully).
func (d *decoder) integer(what string) (int, error) {
	d.ws()
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := d.i
	for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
		d.i++
	}
	if d.i == digits {
		d.i = start
		return 0, d.errf("%s: expected an integer, found %s", what, d.describe())
	}
	if d.i < len(d.b) && (d.b[d.i] == '.' || d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i = start
		return 0, d.errf("%s: expected an integer, found a non-integer number", what)
	}
	var v int64
	for _, c := range d.b[digits:d.i] {
		v = v*10 + int64(c-'0')
		if v > math.MaxInt32 {
			break
		}
	}
	if d.i-digits > 1 && d.b[digits] == '0' {
		lit := d.b[start:d.i]
		d.i = start
		return 0, d.errf("%s: %s is not a JSON integer (leading zero)", what, lit)
	}
	if d.b[start] == '-' || v > math.MaxInt32 {
		lit := d.b[start:d.i]
		d.i = start
		return 0, d.errf("%s: %s is out of range 0..2^31-1", what, lit)
	}
	return int(v), nil
}

func (d *decoder) boolean(what string) (bool, error) {
	d.ws()
	switch {
	case bytes.HasPrefix(d.b[d.i:], []byte("true")):
		d.i += 4
		return true, nil
	case bytes.HasPrefix(d.b[d.i:], []byte("false")):
		d.i += 5
		return false, nil
	}
	return false, d.errf("%s: expected a boolean, found %s", what, d.describe())
}

func (d *decoder) end() error {
	d.ws()
	if d.i != len(d.b) {
		return d.errf("unexpected text after the event object")
	}
	return nil
}

// Event field presence bits.
const (
	hasSeq = 1 << iota
	hasTick
	hasAction
	hasReplica
	hasClient
	hasMsg
	hasSent
	hasState
	hasClientState
)

var eventFieldNames = []string{"seq", "tick", "action", "replica", "client", "msg", "sent", "state", "clientState"}

func (d *decoder) event(e *Event, h *Header) error {
	var have int
	e.Replica, e.Client = -1, -1
	err := d.object("event", func(k string) error {
		var bit int
		var err error
		switch k {
		case "seq":
			bit = hasSeq
			e.Seq, err = d.integer("seq")
		case "tick":
			bit = hasTick
			e.Tick, err = d.integer("tick")
		case "action":
			bit = hasAction
			e.Action, err = d.str("action")
			if err == nil {
				if _, ok := Actions[e.Action]; !ok {
					err = fmt.Errorf("unknown action %q", e.Action)
				} else if v := d.schema.t.actionSince(e.Action); v > d.schema.version {
					err = versionError(fmt.Sprintf("action %q", e.Action), v, d.schema.version)
				}
			}
		case "replica":
			bit = hasReplica
			e.Replica, err = d.integer("replica")
			if err == nil && e.Replica >= h.Nodes() {
				err = fmt.Errorf("replica %d out of range 0..%d", e.Replica, h.Nodes()-1)
			}
		case "client":
			bit = hasClient
			e.Client, err = d.integer("client")
			if err == nil && e.Client >= h.Clients {
				err = fmt.Errorf("client %d out of range 0..%d", e.Client, h.Clients-1)
			}
		case "msg":
			bit = hasMsg
			e.Msg = new(Message)
			if err = d.message("", e.Msg, h); err != nil {
				err = fmt.Errorf("msg%w", err)
			}
		case "sent":
			bit = hasSent
			e.Sent = []Message{}
			err = d.list("sent", func() error {
				e.Sent = append(e.Sent, Message{})
				if err := d.message("", &e.Sent[len(e.Sent)-1], h); err != nil {
					return fmt.Errorf("sent[%d]%w", len(e.Sent)-1, err)
				}
				return nil
			})
		case "state":
			bit = hasState
			e.State = new(ReplicaState)
			err = d.replicaState(e.State)
		case "clientState":
			bit = hasClientState
			e.ClientState = new(ClientState)
			err = d.clientState(e.ClientState)
		default:
			return fmt.Errorf("event: unknown field %q", k)
		}
		if have&bit != 0 {
			return fmt.Errorf("event: duplicate field %q", k)
		}
		have |= bit
		return err
	})
	if err != nil {
		return err
	}
	if err := d.end(); err != nil {
		return err
	}
	if have&hasAction == 0 {
		return fmt.Errorf("event: missing field \"action\"")
	}
	want := hasSeq | hasTick | hasAction
	switch Actions[e.Action] {
	case ReplicaReceive:
		want |= hasReplica | hasMsg | hasSent | hasState
	case ReplicaTimer:
		want |= hasReplica | hasSent | hasState
	case ClientAction:
		want |= hasClient | hasSent | hasClientState
		if e.Action == ClientReceiveReply || e.Action == ClientReceiveNewEpoch {
			want |= hasMsg
		}
	case NetworkAction:
		want |= hasMsg
	}
	for i, name := range eventFieldNames {
		bit := 1 << i
		switch {
		case want&bit != 0 && have&bit == 0:
			return fmt.Errorf("%s: missing field %q", e.Action, name)
		case want&bit == 0 && have&bit != 0:
			return fmt.Errorf("%s: field %q does not belong to this action", e.Action, name)
		}
	}
	if e.Msg != nil {
		kind := Actions[e.Action]
		if kind == ReplicaReceive && ReceiveAction(e.Msg.Type) != e.Action {
			return fmt.Errorf("%s: msg is a %s, which %s does not receive", e.Action, e.Msg.Type, e.Action)
		}
		if kind == ClientAction && ClientReceiveAction(e.Msg.Type) != e.Action {
			return fmt.Errorf("%s: msg is a %s, which %s does not receive", e.Action, e.Msg.Type, e.Action)
		}
	}
	return nil
}

func (d *decoder) replicaState(s *ReplicaState) error {
	var have int
	names := ReplicaStateFields
	err := d.object("state", func(k string) error {
		var err error
		bit := -1
		for i, n := range names {
			if n == k {
				bit = i
			}
		}
		if bit >= 0 && d.schema.stateMask&(1<<bit) == 0 {
			return versionError(fmt.Sprintf("state field %q", k), d.schema.t.stateSince(k), d.schema.version)
		}
		switch k {
		case "viewNumber":
			s.ViewNumber, err = d.integer("state.viewNumber")
		case "status":
			s.Status, err = d.str("state.status")
			if err == nil {
				err = d.status(s.Status)
			}
		case "opNumber":
			s.OpNumber, err = d.integer("state.opNumber")
		case "commitNumber":
			s.CommitNumber, err = d.integer("state.commitNumber")
		case "lastNormalView":
			s.LastNormalView, err = d.integer("state.lastNormalView")
		case "nonce":
			s.Nonce, err = d.integer("state.nonce")
		case "logKeep":
			s.LogKeep, err = d.integer("state.logKeep")
		case "logAdd":
			s.LogAdd, err = d.entries("state.logAdd")
		case "checkpoint":
			s.Checkpoint, err = d.integer("state.checkpoint")
		case "epochNumber":
			s.EpochNumber, err = d.integer("state.epochNumber")
		case "config":
			s.Config, err = d.config("state.config")
		case "oldConfig":
			s.OldConfig, err = d.config("state.oldConfig")
		case "clock":
			s.Clock, err = d.integer("state.clock")
		default:
			return fmt.Errorf("state: unknown field %q", k)
		}
		if have&(1<<bit) != 0 {
			return fmt.Errorf("state: duplicate field %q", k)
		}
		have |= 1 << bit
		return err
	})
	if err != nil {
		return err
	}
	for i, n := range names {
		if have&(1<<i) == 0 && d.schema.stateMask&(1<<i) != 0 {
			return fmt.Errorf("state: missing field %q", n)
		}
	}
	return nil
}

// status checks a replica status: reconfiguration's are in version 5 and later.
func (d *decoder) status(s string) error {
	for i, x := range Statuses {
		if x != s {
			continue
		}
		if i >= 3 && d.schema.version < ReconfigurationVersion {
			return fmt.Errorf("state.status: %w", versionError(fmt.Sprintf("status %q", s), ReconfigurationVersion, d.schema.version))
		}
		return nil
	}
	return fmt.Errorf("state.status: %q is not normal, view-change, recovering, idle, transitioning or shut-down", s)
}

// config reads a configuration: replica ids in the universe, strictly increasing ([] reads
// as nil).
func (d *decoder) config(what string) ([]int, error) {
	var ids []int
	err := d.list(what, func() error {
		id, err := d.integer(what)
		if err != nil {
			return err
		}
		if id >= d.nodes {
			return fmt.Errorf("%s: replica %d out of range 0..%d", what, id, d.nodes-1)
		}
		if len(ids) > 0 && id <= ids[len(ids)-1] {
			return fmt.Errorf("%s: replica ids must be strictly increasing (%d after %d)", what, id, ids[len(ids)-1])
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

func (d *decoder) clientState(s *ClientState) error {
	var have int
	names := []string{"view", "requestNumber", "pending", "epoch", "commitNumber"}
	switch {
	case d.schema.version < ReconfigurationVersion:
		names = names[:3]
	case d.schema.version < ReadsVersion:
		names = names[:4]
	}
	err := d.object("clientState", func(k string) error {
		var err error
		var bit int
		switch k {
		case "view":
			bit = 1
			s.View, err = d.integer("clientState.view")
		case "requestNumber":
			bit = 2
			s.RequestNumber, err = d.integer("clientState.requestNumber")
		case "pending":
			bit = 4
			s.Pending, err = d.boolean("clientState.pending")
		case "epoch":
			if len(names) < 4 {
				return fmt.Errorf("clientState: %w", versionError("field \"epoch\"", ReconfigurationVersion, d.schema.version))
			}
			bit = 8
			s.Epoch, err = d.integer("clientState.epoch")
		case "commitNumber":
			if len(names) < 5 {
				return fmt.Errorf("clientState: %w", versionError("field \"commitNumber\"", ReadsVersion, d.schema.version))
			}
			bit = 16
			s.CommitNumber, err = d.integer("clientState.commitNumber")
		default:
			return fmt.Errorf("clientState: unknown field %q", k)
		}
		if have&bit != 0 {
			return fmt.Errorf("clientState: duplicate field %q", k)
		}
		have |= bit
		return err
	})
	if err != nil {
		return err
	}
	for i, n := range names {
		if have&(1<<i) == 0 {
			return fmt.Errorf("clientState: missing field %q", n)
		}
	}
	return nil
}

func (d *decoder) entries(what string) ([]Entry, error) {
	es := []Entry{}
	err := d.list(what, func() error {
		es = append(es, Entry{})
		if err := d.entry("", &es[len(es)-1]); err != nil {
			return fmt.Errorf("%s[%d]%w", what, len(es)-1, err)
		}
		return nil
	})
	return es, err
}

func (d *decoder) entry(what string, e *Entry) error {
	var have int
	err := d.object(what, func(k string) error {
		var err error
		var bit int
		switch k {
		case "client":
			bit = 1
			e.Client, err = d.integer(what + ".client")
		case "requestNumber":
			bit = 2
			e.RequestNumber, err = d.integer(what + ".requestNumber")
		case "op":
			bit = 4
			e.Op, err = d.op(what+".op", d.schema.version >= ReconfigurationVersion)
		case "key":
			bit = 8
			e.Key, err = d.str(what + ".key")
		case "value":
			bit = 16
			e.Value, err = d.str(what + ".value")
		default:
			return fmt.Errorf("%s: unknown field %q", what, k)
		}
		if have&bit != 0 {
			return fmt.Errorf("%s: duplicate field %q", what, k)
		}
		have |= bit
		return err
	})
	if err != nil {
		return err
	}
	for i, n := range []string{"client", "requestNumber", "op", "key", "value"} {
		if have&(1<<i) == 0 {
			return fmt.Errorf("%s: missing field %q", what, n)
		}
	}
	return nil
}

// op reads an operation; reconf: a log entry of a version 5 trace may be a reconfiguration.
func (d *decoder) op(what string, reconf bool) (string, error) {
	s, err := d.str(what)
	if err == nil && s != OpGet && s != OpPut && s != OpAppend && (!reconf || s != OpReconfiguration) {
		if reconf {
			return "", fmt.Errorf("%s: %q is not get, put, append or reconfiguration", what, s)
		}
		return "", fmt.Errorf("%s: %q is not get, put or append", what, s)
	}
	return s, err
}

// payloadFields lists the payload fields in the order of their bits.
var payloadFields = []Field{FView, FOpNumber, FCommitNumber, FLastNormalView, FFromOpNumber, FReplica,
	FNonce, FClient, FRequestNumber, FOp, FKey, FValue, FResult, FEntry, FLog, FEpoch, FConfig, FOldConfig, FCheckpoint, FClock}

var fieldBit = func() map[Field]uint32 {
	m := map[Field]uint32{}
	for i, f := range payloadFields {
		m[f] = 1 << (i + 4)
	}
	return m
}()

func (d *decoder) message(what string, m *Message, h *Header) error {
	var have uint32
	err := d.object(what, func(k string) error {
		var err error
		var bit uint32
		p := k
		switch k {
		case "id":
			bit = 1
			m.ID, err = d.integer(p)
			if err == nil && m.ID == 0 {
				err = fmt.Errorf("%s: message ids start at 1", p)
			}
		case "type":
			bit = 2
			var t string
			t, err = d.str(p)
			m.Type = MsgType(t)
			if _, ok := Fields[m.Type]; err == nil && !ok {
				err = fmt.Errorf("%s: unknown message type %q", p, t)
			} else if v := d.schema.t.typeSince(m.Type); err == nil && v > d.schema.version {
				err = fmt.Errorf("%s: %w", p, versionError(fmt.Sprintf("message type %s", t), v, d.schema.version))
			}
		case "from":
			bit = 4
			m.From, err = d.integer(p)
		case "to":
			bit = 8
			m.To, err = d.integer(p)
		default:
			f := Field(k)
			bit = payloadBit(f)
			if bit == 0 {
				return fmt.Errorf("%s: unknown field %q", what, k)
			}
			switch f {
			case FView:
				m.View, err = d.integer(p)
			case FOpNumber:
				m.OpNumber, err = d.integer(p)
			case FCommitNumber:
				m.CommitNumber, err = d.integer(p)
			case FLastNormalView:
				m.LastNormalView, err = d.integer(p)
			case FFromOpNumber:
				m.FromOpNumber, err = d.integer(p)
			case FReplica:
				m.Replica, err = d.integer(p)
			case FNonce:
				m.Nonce, err = d.integer(p)
			case FClient:
				m.Client, err = d.integer(p)
			case FRequestNumber:
				m.RequestNumber, err = d.integer(p)
			case FOp:
				m.Op, err = d.op(p, false)
			case FKey:
				m.Key, err = d.str(p)
			case FValue:
				m.Value, err = d.str(p)
			case FResult:
				m.Result, err = d.str(p)
			case FEntry:
				m.Entry = new(Entry)
				err = d.entry("entry", m.Entry)
			case FLog:
				m.Log, err = d.entries("log")
			case FEpoch:
				m.Epoch, err = d.integer(p)
			case FConfig:
				m.Config, err = d.config(p)
			case FOldConfig:
				m.OldConfig, err = d.config(p)
			case FCheckpoint:
				m.Checkpoint = new(Checkpoint)
				err = d.checkpoint("checkpoint", m.Checkpoint)
			case FClock:
				m.Clock, err = d.integer(p)
			}
		}
		if err != nil {
			return fmt.Errorf("%s.%w", what, err)
		}
		if have&bit != 0 {
			return fmt.Errorf("%s: duplicate field %q", what, k)
		}
		have |= bit
		return nil
	})
	if err != nil {
		return err
	}
	if have&2 == 0 {
		return fmt.Errorf("%s: missing field \"type\"", what)
	}
	want := d.schema.fieldMask[m.Type]
	if have&^d.schema.optMask[m.Type] != want {
		for _, f := range Fields[m.Type] {
			if b := payloadBit(f); have&b != 0 && want&b == 0 {
				return fmt.Errorf("%s: field %q of a %s message: %w", what, f, m.Type, versionError("it", d.schema.t.fieldSince(m.Type, f), d.schema.version))
			}
		}
		for _, f := range append([]Field{"id", "type", "from", "to"}, Fields[m.Type]...) {
			if b := fieldBitAll(f); have&b == 0 && want&b != 0 {
				return fmt.Errorf("%s: %s message is missing field %q", what, m.Type, f)
			}
		}
		// In bit order, not map order: the same error every time (an optional field belongs).
		for _, f := range payloadFields {
			if b := fieldBit[f]; have&b != 0 && (want|d.schema.optMask[m.Type])&b == 0 {
				return fmt.Errorf("%s: field %q does not belong to a %s message", what, f, m.Type)
			}
		}
	}
	fromClient, toClient := FromClient(m.Type), ToClient(m.Type)
	if err := checkNode(what+".from", m.From, fromClient, h); err != nil {
		return err
	}
	return checkNode(what+".to", m.To, toClient, h)
}

// payloadBit is fieldBit[f] without the map lookup (this is the reader's hottest path).
func payloadBit(f Field) uint32 {
	switch f {
	case FView:
		return 1 << 4
	case FOpNumber:
		return 1 << 5
	case FCommitNumber:
		return 1 << 6
	case FLastNormalView:
		return 1 << 7
	case FFromOpNumber:
		return 1 << 8
	case FReplica:
		return 1 << 9
	case FNonce:
		return 1 << 10
	case FClient:
		return 1 << 11
	case FRequestNumber:
		return 1 << 12
	case FOp:
		return 1 << 13
	case FKey:
		return 1 << 14
	case FValue:
		return 1 << 15
	case FResult:
		return 1 << 16
	case FEntry:
		return 1 << 17
	case FLog:
		return 1 << 18
	case FEpoch:
		return 1 << 19
	case FConfig:
		return 1 << 20
	case FOldConfig:
		return 1 << 21
	case FCheckpoint:
		return 1 << 22
	case FClock:
		return 1 << 23
	}
	return 0
}

// checkpoint reads a message's checkpoint (version 4): its op-number, the store sorted by
// key and the client-table sorted by client.
func (d *decoder) checkpoint(what string, c *Checkpoint) error {
	var have int
	err := d.object(what, func(k string) error {
		var err error
		var bit int
		switch k {
		case "opNumber":
			bit = 1
			c.OpNumber, err = d.integer(what + ".opNumber")
		case "store":
			bit = 2
			c.Store = []KeyValue{}
			err = d.list(what+".store", func() error {
				var kv KeyValue
				var h int
				err := d.object(what+".store", func(k string) error {
					var err error
					switch k {
					case "key":
						h |= 1
						kv.Key, err = d.str(what + ".store.key")
					case "value":
						h |= 2
						kv.Value, err = d.str(what + ".store.value")
					default:
						return fmt.Errorf("%s.store: unknown field %q", what, k)
					}
					return err
				})
				if err == nil && h != 3 {
					err = fmt.Errorf("%s.store[%d]: want fields key and value", what, len(c.Store))
				}
				if err == nil && len(c.Store) > 0 && c.Store[len(c.Store)-1].Key >= kv.Key {
					err = fmt.Errorf("%s.store[%d]: key %q is not after %q (the store is sorted by key, each key once)", what, len(c.Store), kv.Key, c.Store[len(c.Store)-1].Key)
				}
				c.Store = append(c.Store, kv)
				return err
			})
		case "table":
			bit = 4
			c.Table = []TableRow{}
			err = d.list(what+".table", func() error {
				var t TableRow
				var h int
				err := d.object(what+".table", func(k string) error {
					var err error
					switch k {
					case "client":
						h |= 1
						t.Client, err = d.integer(what + ".table.client")
					case "requestNumber":
						h |= 2
						t.RequestNumber, err = d.integer(what + ".table.requestNumber")
					case "result":
						h |= 4
						t.Result, err = d.str(what + ".table.result")
					default:
						return fmt.Errorf("%s.table: unknown field %q", what, k)
					}
					return err
				})
				if err == nil && h != 7 {
					err = fmt.Errorf("%s.table[%d]: want fields client, requestNumber and result", what, len(c.Table))
				}
				if err == nil && len(c.Table) > 0 && c.Table[len(c.Table)-1].Client >= t.Client {
					err = fmt.Errorf("%s.table[%d]: client %d is not after %d (the table is sorted by client, each client once)", what, len(c.Table), t.Client, c.Table[len(c.Table)-1].Client)
				}
				c.Table = append(c.Table, t)
				return err
			})
		default:
			return fmt.Errorf("%s: unknown field %q", what, k)
		}
		if have&bit != 0 {
			return fmt.Errorf("%s: duplicate field %q", what, k)
		}
		have |= bit
		return err
	})
	if err == nil && have != 7 {
		err = fmt.Errorf("%s: want fields opNumber, store and table", what)
	}
	return err
}

func fieldBitAll(f Field) uint32 {
	switch f {
	case "id":
		return 1
	case "type":
		return 2
	case "from":
		return 4
	case "to":
		return 8
	}
	return fieldBit[f]
}

func checkNode(what string, id int, client bool, h *Header) error {
	if client {
		if id >= h.Clients {
			return fmt.Errorf("%s: client %d out of range 0..%d", what, id, h.Clients-1)
		}
		return nil
	}
	if id >= h.Nodes() {
		return fmt.Errorf("%s: replica %d out of range 0..%d", what, id, h.Nodes()-1)
	}
	return nil
}

// ReadAll reads a whole trace, decoding on every core; for tests and small tools.
func ReadAll(r io.Reader, name string) (*Header, []*Event, error) {
	rd, err := NewParallelReader(r, name, runtime.GOMAXPROCS(0))
	if err != nil {
		return nil, nil, err
	}
	defer rd.Close()
	var es []*Event
	for {
		e, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return rd.Header(), es, nil
		}
		if err != nil {
			return rd.Header(), es, err
		}
		es = append(es, e)
	}
}
