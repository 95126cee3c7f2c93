package cluster

import (
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/transport"
	"github.com/vrcheck/vrcheck/impl/vr"
	"github.com/vrcheck/vrcheck/traces"
	"github.com/vrcheck/vrcheck/traces/merge"
)

// Workload is the clients' mix of operations: the simulator's.
type Workload = sim.Workload

// client is one closed-loop client: one request at a time, the next as soon as the last
// returned, through its own transport node.
type client struct {
	id    int
	c     *vr.Client
	rec   *recorder
	node  *transport.Node
	rng   *rand.Rand
	w     Workload
	o     vr.ClientOutput
	ev    traces.Event
	start time.Time // the outstanding request's call
	lat   []time.Duration
	done  int
}

func newClient(cfg *Config, id int, key transport.Key, w Workload, seed uint64) (*client, error) {
	rec := &recorder{epoch: cfg.EpochNs, stride: cfg.IDStride, slot: cfg.clientSlot(id), next: 1}
	if cfg.TraceDir != "" {
		h := &traces.Header{Replicas: cfg.Replicas, F: cfg.F, Clients: cfg.Clients,
			Scenario: map[string]any{"node": "client", "id": id, "epochNs": cfg.EpochNs}}
		var err error
		if rec.nw, err = merge.CreateNode(ClientTrace(cfg.TraceDir, id), h); err != nil {
			return nil, err
		}
	}
	node := transport.NewNode(transport.Hello{Role: transport.RoleClient, ID: id, Incarnation: 1}, key, transport.Options{MaxFrame: cfg.MaxFrame, Queue: 64, Inbox: 64})
	for j := range cfg.Nodes {
		node.Connect(j, cfg.Nodes[j].ClientAddr)
	}
	return &client{id: id, c: vr.NewClient(id, vr.Config{Replicas: cfg.Replicas, F: cfg.F, ReplicaTimeout: cfg.ReplicaTimeout, ClientTimeout: cfg.ClientTimeout}),
		rec: rec, node: node, rng: rand.New(rand.NewPCG(seed, uint64(id))), w: w}, nil
}

// run issues requests until stop is closed, counting each return in progress.
func (c *client) run(tick time.Duration, stop <-chan struct{}, progress *atomic.Int64) error {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return c.rec.flush(c.node)
		default:
		}
		if !c.c.Pending() {
			op, key, value := c.nextOp()
			c.rec.local()
			c.start = time.Now()
			c.c.ClientRequest(op, key, value, &c.o)
			if err := c.record(nil); err != nil {
				return err
			}
		}
		if err := c.rec.flush(c.node); err != nil {
			return err
		}
		select {
		case <-stop:
			return c.rec.flush(c.node)
		case <-t.C:
			c.c.Tick(&c.o)
			if c.o.Action != "" {
				c.rec.local()
				if err := c.record(nil); err != nil {
					return err
				}
			}
		case in := <-c.node.In:
			m := in.Env.Msg
			if m.Type != traces.Reply {
				continue // the transport only passes what a replica sent; a replica sends clients only REPLYs
			}
			c.rec.receive(in.Env.Lamport)
			c.c.ClientReceiveReply(&m, &c.o)
			if c.o.Returned {
				c.lat = append(c.lat, time.Since(c.start))
				c.done++
				progress.Add(1)
			}
			if err := c.record(&m); err != nil {
				return err
			}
		}
	}
}

func (c *client) record(received *traces.Message) error {
	o := &c.o
	if o.Fault != nil {
		return fmt.Errorf("client %d: %v", c.id, o.Fault)
	}
	if o.Action == "" {
		return nil
	}
	c.ev = traces.Event{Action: o.Action, Replica: -1, Client: c.id, Msg: received, ClientState: &o.State}
	return c.rec.event(&c.ev, o.Sent)
}

func (c *client) close() error {
	c.node.Close()
	if c.rec.nw != nil {
		return c.rec.nw.Close()
	}
	return nil
}

func (c *client) nextOp() (op, key, value string) {
	return c.w.Next(c.rng, c.id, c.c.RequestNumber()+1)
}
