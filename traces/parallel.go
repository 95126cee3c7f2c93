package traces

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"sync"
)

// NewParallelReader is NewReader, decoding on workers goroutines: one goroutine splits the
// input into chunks of lines, the workers decode chunks, and Next hands out the events in
// order, with exactly the errors (and Line) of NewReader's Reader. It reads ahead of Next by a
// few chunks. Call Close when done with it unless Next has returned an error (io.EOF
// included). workers < 2 gives NewReader's Reader.
func NewParallelReader(r io.Reader, name string, workers int, opts ...ReadOption) (*Reader, error) {
	rd, err := NewReader(r, name, opts...)
	if err != nil || workers < 2 {
		return rd, err
	}
	rd.par = startParallel(&rd.lr, rd.header, rd.d.d.schema, name, workers, rd.d.f.share)
	return rd, nil
}

// errLong stands for longLine's error while split reads.
var errLong = errors.New("line too long")

// errClosed is what Next returns after Close.
var errClosed = errors.New("trace reader closed")

// Close stops a parallel Reader's goroutines; later calls of Next return an error. It is a
// no-op for a sequential Reader that has no more to release.
func (r *Reader) Close() error {
	if r.err == nil {
		r.err = errClosed
	}
	if r.par != nil {
		r.par.stop()
	}
	return nil
}

// Chunk limits: enough lines that handing a chunk over costs little per line, few enough
// that the read-ahead stays a few megabytes. Variables for tests, which cut chunks short.
var (
	chunkBytes = 256 << 10
	chunkLines = 2048
)

type parallel struct {
	order chan *chunk // chunks in trace order, to Next
	free  chan []byte // buffers of consumed chunks, for the splitter
	quit  chan struct{}
	once  sync.Once
	cur   *chunk
	k     int // events of cur already handed out
}

// chunk is a run of consecutive lines and, once done is closed, their events.
type chunk struct {
	data    []byte
	ends    []int // end offset of each line in data
	first   int   // the line number of the first line
	err     error // the error reading the line after the last (io.EOF at the end), or nil
	errLine int   // the line count when err happened, as Reader.Line reports it
	events  []*Event
	derr    error // the error decoding line first+len(events), or nil
	done    chan struct{}
}

func startParallel(lr *lineReader, h *Header, s *schema, name string, workers int, share bool) *parallel {
	p := &parallel{order: make(chan *chunk, 2*workers), free: make(chan []byte, 2*workers+2), quit: make(chan struct{})}
	work := make(chan *chunk, workers)
	go p.split(lr, work)
	for i := 0; i < workers; i++ {
		go p.decode(work, h, s, name, share)
	}
	return p
}

// split reads the input in blocks of about chunkBytes, straight into the chunks' buffers
// (bufio.Reader reads a large slice directly once its buffer is empty), and cuts each at a
// newline: a chunk holds whole lines, with their newlines, at most chunkLines of them; the
// rest of the block begins the next chunk. It ends lines and reports errors as
// lineReader.readLine does (trimLine, longLine, the truncated last line, I/O errors), so
// Next's events, errors and Line are the sequential Reader's.
func (p *parallel) split(lr *lineReader, work chan<- *chunk) {
	defer close(work)
	line := lr.line // lines cut so far
	var rest []byte // the bytes after the last line cut
	var rerr error  // the error that ended reading (io.EOF at the end)
	empty := 0      // reads in a row that returned nothing
	for {
		c := &chunk{first: line + 1, done: make(chan struct{})}
		var buf []byte
		select {
		case buf = <-p.free:
		default:
		}
		buf = append(buf[:0], rest...)
		scanned := 0 // the newlines in buf[:scanned] end lines of c
		for {
			lineStart := 0
			for len(c.ends) < chunkLines {
				if len(c.ends) > 0 {
					lineStart = c.ends[len(c.ends)-1]
				}
				i := bytes.IndexByte(buf[scanned:], '\n')
				if i < 0 {
					scanned = len(buf)
					break
				}
				if scanned+i-lineStart >= MaxLine+bufSize {
					scanned = len(buf)
					break // too long, below
				}
				scanned += i + 1
				c.ends = append(c.ends, scanned)
			}
			if len(c.ends) < chunkLines && len(buf)-lineStart >= MaxLine+bufSize {
				rerr = errLong
				break
			}
			if rerr != nil || len(c.ends) == chunkLines || len(c.ends) > 0 && len(buf) >= chunkBytes {
				break
			}
			if cap(buf)-len(buf) < chunkBytes/2 {
				buf = slices.Grow(buf, max(chunkBytes, len(buf)))
			}
			n, err := lr.r.Read(buf[len(buf):cap(buf)])
			buf = buf[:len(buf)+n]
			rerr = err
			if empty = empty + 1; n > 0 {
				empty = 0
			} else if err == nil && empty == 100 {
				rerr = io.ErrNoProgress // as bufio gives the sequential reader
			}
		}
		cut := 0
		if len(c.ends) > 0 {
			cut = c.ends[len(c.ends)-1]
		}
		line += len(c.ends)
		rest = append(rest[:0], buf[cut:]...)
		c.data = buf[:cut]
		if rerr != nil && len(c.ends) < chunkLines {
			// Every whole line read is cut: the error comes after them.
			c.err, c.errLine = rerr, line
			switch {
			case rerr == errLong:
				c.err = longLine(lr.name, line+1)
			case rerr == io.EOF && len(rest) > 0:
				c.errLine = line + 1
				c.err = &Error{lr.name, c.errLine, "truncated: the last line does not end with a newline"}
			case rerr != io.EOF:
				c.err = fmt.Errorf("%s: reading line %d: %w", lr.name, line+1, rerr)
			}
		}
		select {
		case work <- c:
		case <-p.quit:
			return
		}
		select {
		case p.order <- c:
		case <-p.quit:
			return
		}
		if c.err != nil {
			return
		}
	}
}

// decode decodes chunks until split stops; each worker has its own decoder (and string cache).
func (p *parallel) decode(work <-chan *chunk, h *Header, s *schema, name string, share bool) {
	var ld lineDecoder
	ld.init(h, s)
	ld.f.share = share
	for c := range work {
		c.events = make([]*Event, 0, len(c.ends))
		start := 0
		for i, end := range c.ends {
			b, ok := trimLine(c.data[start:end])
			if !ok {
				c.derr = emptyLine(name, c.first+i)
				break
			}
			e, err := ld.decode(b, c.first+i, name)
			if err != nil {
				c.derr = err
				break
			}
			c.events = append(c.events, e)
			start = end
		}
		close(c.done)
	}
}

// next returns the next event and its line, or the error that ends the trace and the line
// count Reader.Line then reports.
func (p *parallel) next() (*Event, int, error) {
	for {
		if p.cur == nil {
			c, ok := <-p.order
			if !ok {
				return nil, 0, errClosed
			}
			<-c.done
			p.cur, p.k = c, 0
		}
		c := p.cur
		if p.k < len(c.events) {
			e := c.events[p.k]
			c.events[p.k] = nil
			p.k++
			return e, c.first + p.k - 1, nil
		}
		if c.derr != nil {
			return nil, c.first + len(c.events), c.derr
		}
		if c.err != nil {
			return nil, c.errLine, c.err
		}
		select {
		case p.free <- c.data[:0]:
		default:
		}
		p.cur = nil
	}
}

func (p *parallel) stop() { p.once.Do(func() { close(p.quit) }) }
