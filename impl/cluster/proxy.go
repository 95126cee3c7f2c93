package cluster

import (
	"encoding/binary"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
)

// proxy sits on one link (every connection to one replica from one source) and forwards
// whole frames, dropping those the fault schedule says to: all of them while the link is cut
// (a partition), or each with probability loss. It reads only frame lengths: it needs no key.
type proxy struct {
	ln       net.Listener
	target   string
	maxFrame int
	cut      atomic.Bool
	lossPpm  atomic.Int64
	Dropped  atomic.Int64
	Passed   atomic.Int64
	mu       sync.Mutex
	conns    map[net.Conn]bool
	closed   bool
	wg       sync.WaitGroup
}

func newProxy(target string, maxFrame int) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target, maxFrame: maxFrame, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.accept()
	return p, nil
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) track(cs ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		for _, c := range cs {
			c.Close()
		}
		return false
	}
	for _, c := range cs {
		p.conns[c] = true
	}
	return true
}

func (p *proxy) untrack(cs ...net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range cs {
		delete(p.conns, c)
		c.Close()
	}
}

func (p *proxy) accept() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return // closed
		}
		d, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(c, d) {
			return
		}
		p.wg.Add(2)
		go p.pump(c, d)
		go p.pump(d, c)
	}
}

// pump forwards frames from src to dst until either end fails; then both close.
func (p *proxy) pump(src, dst net.Conn) {
	defer p.wg.Done()
	defer p.untrack(src, dst)
	var buf []byte
	for first := true; ; first = false {
		var hdr [4]byte
		if _, err := io.ReadFull(src, hdr[:]); err != nil {
			return
		}
		n := int(binary.BigEndian.Uint32(hdr[:]))
		if n > p.maxFrame {
			return // the replica would close the connection too
		}
		if cap(buf) < 4+n {
			buf = make([]byte, 4+n)
		}
		buf = buf[:4+n]
		copy(buf, hdr[:])
		if _, err := io.ReadFull(src, buf[4:]); err != nil {
			return
		}
		// The first frame is the hello: without it the connection would carry nothing.
		if !first && p.cut.Load() || !first && p.lossPpm.Load() > 0 && rand.Int64N(1e6) < p.lossPpm.Load() {
			p.Dropped.Add(1)
			continue
		}
		p.Passed.Add(1)
		if _, err := dst.Write(buf); err != nil {
			return
		}
	}
}

func (p *proxy) close() {
	p.mu.Lock()
	p.closed = true
	p.ln.Close()
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}
