package cluster

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/vrcheck/vrcheck/impl/transport"
	"github.com/vrcheck/vrcheck/impl/vr"
	"github.com/vrcheck/vrcheck/traces"
	"github.com/vrcheck/vrcheck/traces/merge"
)

// ReplicaOptions says which replica a process is.
type ReplicaOptions struct {
	ClusterFile string
	ID          int
	// Incarnation counts the process's starts, from 1; any later one is a restart after a
	// crash, and recovers (the paper's recovery protocol, with a fresh nonce).
	Incarnation int
	// ListenFD, if > 0, is an inherited listening socket (so a restart keeps the address);
	// else the replica listens on its Addr.
	ListenFD int
	// CPUProfile, if set, is where the process writes its CPU profile when it stops.
	CPUProfile string
}

// ReplicaStats is what a replica reports when it stops (the "stats" line).
type ReplicaStats struct {
	ID          int                `json:"id"`
	Incarnation int                `json:"incarnation"`
	Events      int                `json:"events"`
	Rejected    int64              `json:"rejected"` // messages a replica cannot receive (a REPLY)
	Transport   transport.Snapshot `json:"transport"`
	Faults      []string           `json:"faults"`
}

// Replica runs one replica until ctx is done. It reports on out, one line each: "listening
// ADDR" once it accepts connections, "status STATUS VIEW" on every change of status or view,
// "fault ..." for a failed internal check, and "stats {...}" (ReplicaStats) when it stops.
func Replica(ctx context.Context, o ReplicaOptions, out io.Writer) error {
	cfg, err := ReadConfig(o.ClusterFile)
	if err != nil {
		return err
	}
	if o.CPUProfile != "" {
		pf, err := os.Create(o.CPUProfile)
		if err != nil {
			return err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if o.ID < 0 || o.ID >= cfg.Replicas || o.Incarnation < 1 || o.Incarnation > cfg.MaxIncarnations {
		return fmt.Errorf("replica %d incarnation %d: not in the cluster (%d replicas, at most %d incarnations)", o.ID, o.Incarnation, cfg.Replicas, cfg.MaxIncarnations)
	}
	key, err := transport.LoadKey(cfg.KeyFile)
	if err != nil {
		return err
	}
	info := cfg.Nodes[o.ID]
	var ln net.Listener
	if o.ListenFD > 0 {
		f := os.NewFile(uintptr(o.ListenFD), "listener")
		ln, err = net.FileListener(f)
		f.Close()
	} else {
		ln, err = net.Listen("tcp", info.Addr)
	}
	if err != nil {
		return fmt.Errorf("replica %d: listen: %w", o.ID, err)
	}
	rec := &recorder{epoch: cfg.EpochNs, stride: cfg.IDStride, slot: cfg.replicaSlot(o.ID, o.Incarnation), next: 1}
	if cfg.TraceDir != "" {
		if o.Incarnation > 1 {
			// Continue the predecessor's Lamport clock: the crash comes after its events.
			if rec.lamport, err = merge.LastClock(ReplicaTrace(cfg.TraceDir, o.ID, o.Incarnation-1)); err != nil {
				return fmt.Errorf("replica %d: %w", o.ID, err)
			}
		}
		h := &traces.Header{Replicas: cfg.Replicas, F: cfg.F, Clients: cfg.Clients,
			Scenario: map[string]any{"node": "replica", "id": o.ID, "incarnation": o.Incarnation, "epochNs": cfg.EpochNs}}
		if rec.nw, err = merge.CreateNode(ReplicaTrace(cfg.TraceDir, o.ID, o.Incarnation), h); err != nil {
			return fmt.Errorf("replica %d: %w", o.ID, err)
		}
		defer rec.nw.Close()
	}
	// Drops are reported as they happen (the supervisor's garbage test waits for them); out is
	// shared with the main loop, so through a lock.
	var outMu sync.Mutex
	out = &lockedWriter{w: out, mu: &outMu}
	onDrop := func(reason string) { fmt.Fprintf(out, "dropped %s\n", reason) }
	node := transport.NewNode(transport.Hello{Role: transport.RoleReplica, ID: o.ID, Incarnation: o.Incarnation}, key, transport.Options{MaxFrame: cfg.MaxFrame, OnDrop: onDrop})
	defer node.Close()
	for j, addr := range info.Peers {
		if j != o.ID {
			node.Connect(j, addr)
		}
	}
	node.Serve(ln)
	fmt.Fprintf(out, "listening %s\n", ln.Addr())

	rp := &replicaProc{id: o.ID, inc: o.Incarnation, r: vr.NewReplica(o.ID, vr.Config{Replicas: cfg.Replicas, F: cfg.F, ReplicaTimeout: cfg.ReplicaTimeout, ClientTimeout: cfg.ClientTimeout}),
		rec: rec, node: node, out: out, status: traces.StatusNormal}
	err = rp.run(ctx, time.Duration(cfg.TickMs)*time.Millisecond)
	if dir := os.Getenv(HeapProfileEnv); dir != "" {
		writeHeapProfile(filepath.Join(dir, fmt.Sprintf("replica-%d.%d.heap", o.ID, o.Incarnation)))
	}
	st := ReplicaStats{ID: o.ID, Incarnation: o.Incarnation, Events: rp.events, Rejected: rp.rejected, Transport: node.Stats.Snapshot(), Faults: rp.faults}
	if st.Faults == nil {
		st.Faults = []string{}
	}
	b, _ := json.Marshal(st)
	fmt.Fprintf(out, "stats %s\n", b)
	return err
}

type replicaProc struct {
	id, inc  int
	r        *vr.Replica
	rec      *recorder
	node     *transport.Node
	out      io.Writer
	o        vr.Output
	ev       traces.Event
	status   string
	view     int
	events   int
	rejected int64
	faults   []string
}

func (p *replicaProc) run(ctx context.Context, tick time.Duration) error {
	if p.inc > 1 {
		// A restart: everything was lost. The crash is logged now, by the new process (the
		// killed one could not), then recovery starts at once.
		p.rec.local()
		p.r.Crash(freshNonce(), &p.o)
		if err := p.record(nil); err != nil {
			return err
		}
		p.rec.local()
		p.r.StartRecovery(&p.o)
		if err := p.record(nil); err != nil {
			return err
		}
		if err := p.rec.flush(p.node); err != nil {
			return err
		}
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return p.rec.flush(p.node)
		case <-t.C:
			if err := p.tick(); err != nil {
				return err
			}
		case in := <-p.node.In:
			if err := p.receive(in); err != nil {
				return err
			}
			// Handle what else has arrived, then write all the events at once, then send.
		drain:
			for i := 0; i < 255; i++ {
				select {
				case in := <-p.node.In:
					if err := p.receive(in); err != nil {
						return err
					}
				default:
					break drain
				}
			}
		}
		if err := p.rec.flush(p.node); err != nil {
			return err
		}
	}
}

func (p *replicaProc) tick() error {
	p.r.Tick(&p.o)
	if p.o.Action == "" {
		return nil
	}
	p.rec.local()
	return p.record(nil)
}

func (p *replicaProc) receive(in transport.Inbound) error {
	m := in.Env.Msg
	if traces.ReceiveAction(m.Type) == "" {
		p.rejected++ // a REPLY: only clients receive those
		return nil
	}
	p.rec.receive(in.Env.Lamport)
	p.r.Receive(&m, &p.o)
	return p.record(&m)
}

func (p *replicaProc) record(received *traces.Message) error {
	o := &p.o
	if o.Action == "" {
		return nil
	}
	if o.Fault != nil {
		f := fmt.Sprintf("%s: %v", o.Action, o.Fault)
		p.faults = append(p.faults, f)
		fmt.Fprintf(p.out, "fault %s\n", f)
	}
	p.events++
	p.ev = traces.Event{Action: o.Action, Replica: p.id, Client: -1, Msg: received, State: &o.State}
	if err := p.rec.event(&p.ev, o.Sent); err != nil {
		return err
	}
	if o.State.Status != p.status || o.State.ViewNumber != p.view {
		p.status, p.view = o.State.Status, o.State.ViewNumber
		fmt.Fprintf(p.out, "status %s %d\n", p.status, p.view)
	}
	return nil
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// freshNonce draws a recovery nonce in 1..2^31-1 from the OS's random source: a restarted
// process remembers nothing, so it cannot count.
func freshNonce() int {
	var b [4]byte
	for {
		if _, err := rand.Read(b[:]); err != nil {
			continue
		}
		if n := int(binary.BigEndian.Uint32(b[:]) & transport.MaxInt); n > 0 {
			return n
		}
	}
}

// HeapProfileEnv names an environment variable for diagnosing memory: when set to a directory,
// every replica process that stops (not one killed) writes its heap profile there
// (replica-ID.INCARNATION.heap, for go tool pprof), and Run writes cluster.heap when the run
// and the merge are done (what the supervisor still holds while the caller checks the trace).
const HeapProfileEnv = "VRCHECK_HEAPPROFILE"

func writeHeapProfile(path string) {
	f, err := os.Create(path)
	if err != nil {
		return // a diagnostic: the run does not depend on it
	}
	defer f.Close()
	_ = pprof.WriteHeapProfile(f)
}
