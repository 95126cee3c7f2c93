package cluster

import (
	"fmt"

	"github.com/vrcheck/vrcheck/impl/transport"
	"github.com/vrcheck/vrcheck/traces"
	"github.com/vrcheck/vrcheck/traces/merge"
)

// recorder is what a replica and a client process share: the Lamport clock, message ids,
// the node trace, and the rule that an event is written before its messages are sent.
type recorder struct {
	nw      *merge.NodeWriter // nil: no trace
	epoch   int64
	lamport int
	next    int // message counter
	stride  int
	slot    int
	out     []transport.Envelope
}

// receive advances the Lamport clock for a receive of a message stamped l.
func (r *recorder) receive(l int) { r.lamport = max(r.lamport, l) + 1 }

// local advances it for a local action (a timer, a crash, a client call).
func (r *recorder) local() { r.lamport++ }

// event numbers sent's messages, logs e with them and queues them for flush.
func (r *recorder) event(e *traces.Event, sent []traces.Message) error {
	for i := range sent {
		id := r.next*r.stride + r.slot
		if id > transport.MaxInt || id <= 0 {
			return fmt.Errorf("message ids exhausted (%d messages sent)", r.next)
		}
		sent[i].ID = id
		r.next++
	}
	e.Tick = r.lamport
	e.Sent = sent
	if r.nw != nil {
		if err := r.nw.Add(Mono()-r.epoch, e); err != nil {
			return err
		}
	}
	for i := range sent {
		r.out = append(r.out, transport.Envelope{Lamport: r.lamport, Msg: sent[i]})
	}
	return nil
}

// flush writes the logged events (one write) and only then sends their messages.
func (r *recorder) flush(n *transport.Node) error {
	if r.nw != nil {
		if err := r.nw.Flush(); err != nil {
			return err
		}
	}
	for i := range r.out {
		n.Send(r.out[i])
		r.out[i] = transport.Envelope{}
	}
	r.out = r.out[:0]
	return nil
}
