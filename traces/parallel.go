package traces

import (
	"errors"
	"io"
	"sync"
)

// NewParallelReader is NewReader, decoding on workers goroutines: one goroutine splits the
// input into chunks of lines, the workers decode chunks, and Next hands out the events in
// order, with exactly the errors (and Line) of NewReader's Reader. It reads ahead of Next by a
// few chunks. Call Close when done with it unless Next has returned an error (io.EOF
// included). workers < 2 gives NewReader's Reader.
func NewParallelReader(r io.Reader, name string, workers int) (*Reader, error) {
	rd, err := NewReader(r, name)
	if err != nil || workers < 2 {
		return rd, err
	}
	rd.par = startParallel(&rd.lr, rd.header, rd.d.d.schema, name, workers)
	return rd, nil
}

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

func startParallel(lr *lineReader, h *Header, s *schema, name string, workers int) *parallel {
	p := &parallel{order: make(chan *chunk, 2*workers), free: make(chan []byte, 2*workers+2), quit: make(chan struct{})}
	work := make(chan *chunk, workers)
	go p.split(lr, work)
	for i := 0; i < workers; i++ {
		go p.decode(work, h, s, name)
	}
	return p
}

// split reads lines into chunks and sends each to the workers and, in order, to Next.
func (p *parallel) split(lr *lineReader, work chan<- *chunk) {
	defer close(work)
	for {
		c := &chunk{first: lr.line + 1, done: make(chan struct{})}
		select {
		case c.data = <-p.free:
		default:
		}
		for len(c.data) < chunkBytes && len(c.ends) < chunkLines {
			b, err := lr.readLine()
			if err != nil {
				c.err, c.errLine = err, lr.line
				break
			}
			c.data = append(c.data, b...)
			c.ends = append(c.ends, len(c.data))
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
func (p *parallel) decode(work <-chan *chunk, h *Header, s *schema, name string) {
	var ld lineDecoder
	ld.init(h, s)
	for c := range work {
		c.events = make([]*Event, 0, len(c.ends))
		start := 0
		for i, end := range c.ends {
			e, err := ld.decode(c.data[start:end], c.first+i, name)
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
