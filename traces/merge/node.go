// Package merge writes and reads per-node traces of a real run (one file per process
// incarnation) and merges them into one trace of the project's format, in an order consistent
// with happens-before, for the checker. traces/README.md ("Real runs") is the reference.
package merge

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/vrcheck/vrcheck/traces"
)

// A node trace is a trace of the project's format written by one process: the header, then
// one line per action of that process, where seq counts the file's lines, tick is the
// process's Lamport clock, and every event line begins with one more field, "mono": the
// machine's monotonic clock in nanoseconds since the cluster's epoch when the action was taken.
const monoPrefix = `{"mono":`

// NodeWriter writes a node trace. Events are collected by Add and written by Flush with one
// write(2), which a kill -9 cannot undo: a caller flushes before it sends the events'
// messages, so no message is received whose send is not on disk.
type NodeWriter struct {
	f    *os.File
	seq  int
	buf  bytes.Buffer
	tw   *traces.Writer
	line []byte
	out  []byte
}

// CreateNode creates the node trace at path with header h (written at once).
func CreateNode(path string, h *traces.Header) (*NodeWriter, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	w := &NodeWriter{f: f}
	w.tw = traces.NewWriter(&w.buf)
	if err := w.tw.WriteHeader(h); err != nil {
		f.Close()
		return nil, err
	}
	if err := w.tw.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	w.out = append(w.out, w.buf.Bytes()...)
	w.buf.Reset()
	if err := w.Flush(); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// Add appends e (its Seq is set here; Tick must be the Lamport clock) to the pending lines.
func (w *NodeWriter) Add(mono int64, e *traces.Event) error {
	w.seq++
	e.Seq = w.seq
	if err := w.tw.WriteEvent(e); err != nil {
		return err
	}
	if err := w.tw.Flush(); err != nil {
		return err
	}
	b := w.buf.Bytes() // `{"seq":...}\n`
	w.out = append(w.out, monoPrefix...)
	w.out = strconv.AppendInt(w.out, mono, 10)
	w.out = append(w.out, ',')
	w.out = append(w.out, b[1:]...)
	w.buf.Reset()
	return nil
}

// Pending reports whether Add has lines that Flush has not written.
func (w *NodeWriter) Pending() bool { return len(w.out) > 0 }

// Flush writes the pending lines with one write.
func (w *NodeWriter) Flush() error {
	if len(w.out) == 0 {
		return nil
	}
	_, err := w.f.Write(w.out)
	w.out = w.out[:0]
	return err
}

// Close flushes and closes the file.
func (w *NodeWriter) Close() error {
	err := w.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// NodeEvent is one event of a node trace.
type NodeEvent struct {
	Mono  int64
	Event *traces.Event
	File  string
	Line  int
}

// NodeReader reads a node trace through traces.Reader, so its lines are checked exactly as a
// trace's are.
type NodeReader struct {
	name  string
	src   *lineSource
	r     *traces.Reader
	Close func() error
}

// OpenNode opens the node trace at path. With killed, a last line without its newline (the
// process died in the middle of a write) is dropped: Truncated reports it afterwards.
func OpenNode(path string, killed bool) (*NodeReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	nr, err := NewNodeReader(f, path, killed)
	if err != nil {
		f.Close()
		return nil, err
	}
	nr.Close = f.Close
	return nr, nil
}

// NewNodeReader reads a node trace from r, named name in errors.
func NewNodeReader(r io.Reader, name string, killed bool) (*NodeReader, error) {
	src := &lineSource{r: bufio.NewReaderSize(r, 1<<16), name: name, killed: killed}
	tr, err := traces.NewReader(src, name)
	if err != nil {
		return nil, err
	}
	return &NodeReader{name: name, src: src, r: tr, Close: func() error { return nil }}, nil
}

// Header is the node trace's header.
func (n *NodeReader) Header() *traces.Header { return n.r.Header() }

// Truncated reports whether a cut-off last line was dropped.
func (n *NodeReader) Truncated() bool { return n.src.truncated }

// Next returns the next event, or io.EOF.
func (n *NodeReader) Next() (*NodeEvent, error) {
	e, err := n.r.Next()
	if err != nil {
		if n.src.err != nil && !errors.Is(n.src.err, io.EOF) {
			return nil, n.src.err
		}
		return nil, err
	}
	if len(n.src.monos) == 0 {
		return nil, fmt.Errorf("%s:%d: internal: no mono for the event", n.name, n.r.Line())
	}
	m := n.src.monos[0]
	n.src.monos = n.src.monos[1:]
	return &NodeEvent{Mono: m, Event: e, File: n.name, Line: n.r.Line()}, nil
}

// lineSource feeds traces.Reader the node trace's lines with the mono field taken out,
// keeping the monos in line order for Next (the reader reads ahead, so by order, not by
// position).
type lineSource struct {
	r         *bufio.Reader
	name      string
	killed    bool
	line      int
	cur       []byte
	monos     []int64
	truncated bool
	err       error
}

func (s *lineSource) Read(p []byte) (int, error) {
	for len(s.cur) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		b, err := s.r.ReadBytes('\n')
		if err != nil {
			if len(b) > 0 && s.killed {
				s.truncated = true // cut off by kill -9: its messages were never sent
				b = nil
			}
			s.err = err
			if len(b) == 0 {
				return 0, err
			}
		}
		s.line++
		if s.line > 1 {
			rest, mono, ok := cutMono(b)
			if !ok {
				s.err = &traces.Error{File: s.name, Line: s.line, Msg: `a node trace's event line must begin with {"mono":<int>,`}
				return 0, s.err
			}
			s.monos = append(s.monos, mono)
			b = rest
		}
		s.cur = b
	}
	n := copy(p, s.cur)
	s.cur = s.cur[n:]
	return n, nil
}

// cutMono turns `{"mono":123,"seq":...` into `{"seq":...` and 123.
func cutMono(b []byte) ([]byte, int64, bool) {
	if !bytes.HasPrefix(b, []byte(monoPrefix)) {
		return nil, 0, false
	}
	i := len(monoPrefix)
	j := i
	for j < len(b) && j-i < 19 && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == i || j >= len(b) || b[j] != ',' {
		return nil, 0, false
	}
	mono, err := strconv.ParseInt(string(b[i:j]), 10, 64)
	if err != nil {
		return nil, 0, false
	}
	// Reuse the bytes: `{` goes just before the rest.
	b[j] = '{'
	return b[j:], mono, true
}

// LastClock returns the Lamport clock (tick) of the last complete event of the node trace at
// path, 0 if it has none: a restarted process continues its predecessor's clock.
func LastClock(path string) (int, error) {
	nr, err := OpenNode(path, true)
	if err != nil {
		return 0, err
	}
	defer nr.Close()
	last := 0
	for {
		e, err := nr.Next()
		if err == io.EOF {
			return last, nil
		}
		if err != nil {
			return 0, err
		}
		last = e.Event.Tick
	}
}
