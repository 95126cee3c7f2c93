package transport

import (
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vrcheck/vrcheck/traces"
)

// Stats counts what a node's transport did. Frames that fail their HMAC, are malformed or are
// oversize are dropped and counted here, never passed on.
type Stats struct {
	FramesIn, FramesOut     atomic.Int64
	MessagesIn, MessagesOut atomic.Int64
	BadMAC, Malformed       atomic.Int64
	Oversize                atomic.Int64
	Reconnects              atomic.Int64
	Unsent                  atomic.Int64 // messages dropped before sending: queue full, no route, or a failed write
}

// Snapshot is Stats as plain numbers.
type Snapshot struct {
	FramesIn, FramesOut, MessagesIn, MessagesOut, BadMAC, Malformed, Oversize, Reconnects, Unsent int64
}

// Snapshot reads every counter.
func (s *Stats) Snapshot() Snapshot {
	return Snapshot{s.FramesIn.Load(), s.FramesOut.Load(), s.MessagesIn.Load(), s.MessagesOut.Load(),
		s.BadMAC.Load(), s.Malformed.Load(), s.Oversize.Load(), s.Reconnects.Load(), s.Unsent.Load()}
}

// Inbound is a message received and authenticated, with the hello of its connection.
type Inbound struct {
	From Hello
	Env  Envelope
}

// Options of a Node.
type Options struct {
	MaxFrame  int // 0: DefaultMaxFrame
	Queue     int // messages queued per peer before new ones are dropped; 0: 8192
	Inbox     int // capacity of In; 0: 8192
	MaxBatch  int // messages per frame; 0: 512
	MaxBackof time.Duration
	// OnDrop, if set, is called with "badmac", "malformed" or "oversize" for every frame or
	// message dropped so (from the connection's goroutine).
	OnDrop func(reason string)
}

// Node is one process's end of the transport: one outgoing connection per replica peer
// (dialled, re-dialled with backoff), and, for a replica, a listener whose client
// connections also carry the replies back. Messages go out in batches, one frame per batch.
type Node struct {
	self  Hello
	key   Key
	opts  Options
	Stats Stats
	// In delivers every authenticated message addressed to this node.
	In chan Inbound

	peers   map[int]*link
	mu      sync.Mutex
	clients map[int]*link // reply routes: the latest connection of each client
	conns   map[net.Conn]bool
	lns     []net.Listener
	done    chan struct{}
	once    sync.Once
	wg      sync.WaitGroup
}

type link struct {
	q    chan Envelope
	done chan struct{} // closed when an accepted connection's writer stops
}

// NewNode returns a node that introduces itself as self.
func NewNode(self Hello, key Key, opts Options) *Node {
	if opts.MaxFrame == 0 {
		opts.MaxFrame = DefaultMaxFrame
	}
	if opts.Queue == 0 {
		opts.Queue = 8192
	}
	if opts.Inbox == 0 {
		opts.Inbox = 8192
	}
	if opts.MaxBatch == 0 {
		opts.MaxBatch = 512
	}
	if opts.MaxBackof == 0 {
		opts.MaxBackof = 500 * time.Millisecond
	}
	return &Node{self: self, key: key, opts: opts, In: make(chan Inbound, opts.Inbox),
		peers: map[int]*link{}, clients: map[int]*link{}, conns: map[net.Conn]bool{}, done: make(chan struct{})}
}

// Connect adds the outgoing link to replica id at addr. Call before sending.
func (n *Node) Connect(id int, addr string) {
	l := &link{q: make(chan Envelope, n.opts.Queue)}
	n.peers[id] = l
	n.wg.Add(1)
	go n.dialLoop(id, addr, l)
}

// Serve accepts connections on ln until Close.
func (n *Node) Serve(ln net.Listener) {
	n.mu.Lock()
	n.lns = append(n.lns, ln)
	n.mu.Unlock()
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				select {
				case <-n.done:
					return
				default:
				}
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					continue
				}
				time.Sleep(5 * time.Millisecond) // e.g. out of file descriptors: do not spin
				continue
			}
			if !n.track(c) {
				return
			}
			n.wg.Add(1)
			go n.serveConn(c)
		}
	}()
}

// track registers c so Close closes it; false if the node is already closed.
func (n *Node) track(c net.Conn) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	select {
	case <-n.done:
		c.Close()
		return false
	default:
	}
	n.conns[c] = true
	return true
}

func (n *Node) untrack(c net.Conn) {
	n.mu.Lock()
	delete(n.conns, c)
	n.mu.Unlock()
	c.Close()
}

// Send queues m for its destination: a REPLY to its client's connection, anything else to
// replica m.To. It never blocks: with the queue full, or no route, the message is dropped
// (VR tolerates loss) and counted.
func (n *Node) Send(e Envelope) {
	var l *link
	if e.Msg.Type == traces.Reply {
		n.mu.Lock()
		l = n.clients[e.Msg.To]
		n.mu.Unlock()
	} else {
		l = n.peers[e.Msg.To]
	}
	if l == nil {
		n.Stats.Unsent.Add(1)
		return
	}
	select {
	case l.q <- e:
	default:
		n.Stats.Unsent.Add(1)
	}
}

// Close stops every goroutine and closes every connection; In is not closed.
func (n *Node) Close() {
	n.once.Do(func() {
		n.mu.Lock()
		close(n.done)
		for _, ln := range n.lns {
			ln.Close()
		}
		for c := range n.conns {
			c.Close()
		}
		n.mu.Unlock()
	})
	n.wg.Wait()
}

func (n *Node) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-n.done:
		return false
	case <-t.C:
		return true
	}
}

func (n *Node) dialLoop(id int, addr string, l *link) {
	defer n.wg.Done()
	backoff := 5 * time.Millisecond
	for {
		select {
		case <-n.done:
			return
		default:
		}
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			// Jittered exponential backoff, so restarted peers are not hammered in step.
			if !n.sleep(backoff/2 + rand.N(backoff)) {
				return
			}
			backoff = min(2*backoff, n.opts.MaxBackof)
			continue
		}
		if !n.track(c) {
			return
		}
		backoff = 5 * time.Millisecond
		enc := NewEncoder(n.key)
		if _, err := c.Write(enc.Hello(n.self)); err == nil {
			// Replies to a client come back on the connection it dialled.
			n.wg.Add(1)
			go n.readLoop(c, Hello{Role: RoleReplica, ID: id}, nil)
			n.writeLoop(c, enc, l)
		}
		n.untrack(c)
		n.Stats.Reconnects.Add(1)
	}
}

// writeLoop sends l's queue on c until a write fails or the node closes.
func (n *Node) writeLoop(c net.Conn, enc *Encoder, l *link) {
	batch := make([]Envelope, 0, n.opts.MaxBatch)
	for {
		batch = batch[:0]
		select {
		case <-n.done:
			return
		case <-l.done:
			return
		case e := <-l.q:
			batch = append(batch, e)
		}
	drain:
		for len(batch) < n.opts.MaxBatch {
			select {
			case e := <-l.q:
				batch = append(batch, e)
			default:
				break drain
			}
		}
		if _, err := c.Write(enc.Batch(batch)); err != nil {
			n.Stats.Unsent.Add(int64(len(batch)))
			return
		}
		n.Stats.FramesOut.Add(1)
		n.Stats.MessagesOut.Add(int64(len(batch)))
	}
}

// serveConn reads an accepted connection: a hello first, then batches.
func (n *Node) serveConn(c net.Conn) {
	defer n.wg.Done()
	defer n.untrack(c)
	r := NewReader(c, n.key, n.opts.MaxFrame)
	var hello *Hello
	for hello == nil {
		f, err := r.Next()
		if !n.counted(err) {
			return
		}
		if err != nil {
			continue
		}
		if f.Hello == nil {
			n.malformed() // a batch before the hello: whose is it?
			continue
		}
		hello = f.Hello
		n.Stats.FramesIn.Add(1)
	}
	var route *link
	if hello.Role == RoleClient {
		route = &link{q: make(chan Envelope, n.opts.Queue), done: make(chan struct{})}
		n.mu.Lock()
		n.clients[hello.ID] = route
		n.mu.Unlock()
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			n.writeLoop(c, NewEncoder(n.key), route)
			c.Close()
		}()
		defer func() {
			n.mu.Lock()
			if n.clients[hello.ID] == route {
				delete(n.clients, hello.ID)
			}
			n.mu.Unlock()
			close(route.done)
		}()
	}
	n.wg.Add(1) // readLoop's Done
	n.readLoop(c, *hello, r)
}

// counted counts a bad frame; it reports whether the stream can go on.
func (n *Node) counted(err error) bool {
	switch {
	case err == nil:
		return true
	case errors.Is(err, ErrAuth):
		n.Stats.BadMAC.Add(1)
		n.dropped("badmac")
		return true
	case errors.Is(err, ErrMalformed):
		n.malformed()
		return true
	case errors.Is(err, ErrOversize):
		n.Stats.Oversize.Add(1)
		n.dropped("oversize")
		return false
	case errors.Is(err, io.ErrUnexpectedEOF):
		n.malformed() // a frame cut short
		return false
	}
	return false
}

func (n *Node) malformed() {
	n.Stats.Malformed.Add(1)
	n.dropped("malformed")
}

func (n *Node) dropped(reason string) {
	if n.opts.OnDrop != nil {
		n.opts.OnDrop(reason)
	}
}

// readLoop delivers the batches read from c, as sent by from, until the stream ends.
func (n *Node) readLoop(c net.Conn, from Hello, r *Reader) {
	defer n.wg.Done()
	if r == nil {
		r = NewReader(c, n.key, n.opts.MaxFrame)
	}
	for {
		f, err := r.Next()
		if !n.counted(err) {
			c.Close()
			return
		}
		if err != nil {
			continue
		}
		if f.Hello != nil {
			n.malformed() // a second hello
			continue
		}
		n.Stats.FramesIn.Add(1)
		for _, e := range f.Batch {
			// The frame is authentic, but its messages must also be from the connection's
			// sender and for this node.
			if e.Msg.From != from.ID || e.Msg.To != n.self.ID || (e.Msg.Type == traces.Request) != (from.Role == RoleClient) {
				n.malformed()
				continue
			}
			n.Stats.MessagesIn.Add(1)
			select {
			case n.In <- Inbound{From: from, Env: e}:
			case <-n.done:
				return
			}
		}
	}
}
