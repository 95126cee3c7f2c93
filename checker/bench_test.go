package checker

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// normalGen writes a synthetic trace of normal operation on 3 replicas, written here from
// the contract (not by the checker's code): clients take turns; each request is prepared by
// both backups, committed on the first PREPAREOK and answered; every 16 requests the primary
// sends COMMIT. Gets and puts on 16 keys, so the service state stays small.
type normalGen struct {
	seq, tick, id, op, commit int
	backupCommit              [3]int
	rn                        []int
	kv                        map[string]string
	out                       []*traces.Event
}

func newNormalGen(clients int) *normalGen {
	return &normalGen{rn: make([]int, clients), kv: map[string]string{}}
}

func (g *normalGen) header() *traces.Header {
	return &traces.Header{Format: traces.Format, Version: traces.ReconfigurationVersion - 1, // its events carry no epoch or configuration
		Replicas: 3, F: 1, Clients: len(g.rn),
		Bugs: []string{}, Scenario: map[string]any{"generator": "checker/bench_test.go"}}
}

func (g *normalGen) emit(e *traces.Event) {
	g.seq++
	g.tick++
	e.Seq, e.Tick = g.seq, g.tick
	if e.Sent == nil && traces.Actions[e.Action] != traces.NetworkAction {
		e.Sent = []traces.Message{}
	}
	g.out = append(g.out, e)
}

func (g *normalGen) msg(m traces.Message) traces.Message {
	g.id++
	m.ID = g.id
	return m
}

func (g *normalGen) state(op, commit, keep int, add []traces.Entry) *traces.ReplicaState {
	if add == nil {
		add = []traces.Entry{}
	}
	return &traces.ReplicaState{ViewNumber: 0, Status: traces.StatusNormal, OpNumber: op, CommitNumber: commit, LogKeep: keep, LogAdd: add}
}

// request appends the events of one client request, from its call to its return.
func (g *normalGen) request() {
	c := g.op % len(g.rn)
	g.rn[c]++
	key := fmt.Sprintf("k%d", g.op%16)
	ent := traces.Entry{Client: c, RequestNumber: g.rn[c], Op: traces.OpGet, Key: key}
	if g.op%3 != 0 {
		ent.Op, ent.Value = traces.OpPut, fmt.Sprint(g.op)
	}
	req := g.msg(traces.Message{Type: traces.Request, From: c, To: 0, Client: c, RequestNumber: ent.RequestNumber, Op: ent.Op, Key: ent.Key, Value: ent.Value})
	g.emit(&traces.Event{Action: traces.ClientRequest, Replica: -1, Client: c, Sent: []traces.Message{req},
		ClientState: &traces.ClientState{RequestNumber: g.rn[c], Pending: true}})

	g.op++
	n := g.op
	p1 := g.msg(traces.Message{Type: traces.Prepare, From: 0, To: 1, OpNumber: n, CommitNumber: g.commit, Entry: &ent})
	p2 := g.msg(traces.Message{Type: traces.Prepare, From: 0, To: 2, OpNumber: n, CommitNumber: g.commit, Entry: &ent})
	g.emit(&traces.Event{Action: traces.ReceiveRequest, Replica: 0, Client: -1, Msg: &req, Sent: []traces.Message{p1, p2},
		State: g.state(n, g.commit, n-1, []traces.Entry{ent})})

	var oks [3]traces.Message
	for _, r := range []int{1, 2} {
		p := p1
		if r == 2 {
			p = p2
		}
		g.backupCommit[r] = max(g.backupCommit[r], min(p.CommitNumber, n))
		oks[r] = g.msg(traces.Message{Type: traces.PrepareOk, From: r, To: 0, OpNumber: n, Replica: r})
		g.emit(&traces.Event{Action: traces.ReceivePrepare, Replica: r, Client: -1, Msg: &p, Sent: []traces.Message{oks[r]},
			State: g.state(n, g.backupCommit[r], n-1, []traces.Entry{ent})})
	}

	old := g.kv[key]
	if ent.Op == traces.OpPut {
		g.kv[key] = ent.Value
	}
	g.commit = n
	reply := g.msg(traces.Message{Type: traces.Reply, From: 0, To: c, Client: c, RequestNumber: ent.RequestNumber, Result: old})
	g.emit(&traces.Event{Action: traces.ReceivePrepareOk, Replica: 0, Client: -1, Msg: &oks[1], Sent: []traces.Message{reply},
		State: g.state(n, n, n, nil)})
	g.emit(&traces.Event{Action: traces.ReceivePrepareOk, Replica: 0, Client: -1, Msg: &oks[2], State: g.state(n, n, n, nil)})
	g.emit(&traces.Event{Action: traces.ClientReceiveReply, Replica: -1, Client: c, Msg: &reply,
		ClientState: &traces.ClientState{RequestNumber: g.rn[c]}})

	if g.op%16 == 0 {
		c1 := g.msg(traces.Message{Type: traces.Commit, From: 0, To: 1, CommitNumber: n})
		c2 := g.msg(traces.Message{Type: traces.Commit, From: 0, To: 2, CommitNumber: n})
		g.emit(&traces.Event{Action: traces.SendCommit, Replica: 0, Client: -1, Sent: []traces.Message{c1, c2}, State: g.state(n, n, n, nil)})
		for _, r := range []int{1, 2} {
			m := c1
			if r == 2 {
				m = c2
			}
			g.backupCommit[r] = n
			g.emit(&traces.Event{Action: traces.ReceiveCommit, Replica: r, Client: -1, Msg: &m, State: g.state(n, n, n, nil)})
		}
	}
}

// next returns at least k more events.
func (g *normalGen) next(k int) []*traces.Event {
	g.out = g.out[:0]
	for len(g.out) < k {
		g.request()
	}
	return g.out
}

func TestSyntheticTracePasses(t *testing.T) {
	g := newNormalGen(4)
	var buf bytes.Buffer
	w := traces.NewWriter(&buf)
	require.NoError(t, w.WriteHeader(g.header()))
	for _, e := range g.next(5000) {
		require.NoError(t, w.WriteEvent(e))
	}
	require.NoError(t, w.Flush())
	rep, err := Check(&buf, "synthetic", Options{})
	require.NoError(t, err)
	require.True(t, rep.OK())
	require.Greater(t, rep.Events, 5000)
}

const benchEvents = 1_000_000

// BenchmarkStep replays a 1,000,000-event synthetic trace through the checker (events are
// generated outside the timer, in batches). It reports events per wall-second, events per
// CPU-second of the checker alone (the process's CPU time minus that of generating the same
// events, measured first), and the heap in use at the end.
func BenchmarkStep(b *testing.B) {
	b.ReportAllocs()
	var heap uint64
	var checkCPU time.Duration
	for it := 0; it < b.N; it++ {
		b.StopTimer()
		g := newNormalGen(8)
		t0 := cpuTime()
		for done := 0; done < benchEvents; {
			done += len(g.next(4096))
		}
		genCPU := cpuTime() - t0

		g = newNormalGen(8)
		c, err := New(g.header(), "bench", Options{SkipLinearizability: true})
		require.NoError(b, err)
		line := 1
		t0 = cpuTime()
		for done := 0; done < benchEvents; {
			evs := g.next(4096)
			b.StartTimer()
			for _, e := range evs {
				line++
				if err := c.Step(line, e); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			done += len(evs)
		}
		checkCPU += cpuTime() - t0 - genCPU
		rep := c.Finish()
		if !rep.OK() {
			b.Fatal("synthetic trace rejected")
		}
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = ms.HeapInuse
		runtime.KeepAlive(c)
		b.StartTimer()
	}
	b.ReportMetric(float64(benchEvents)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
	if checkCPU > 0 {
		b.ReportMetric(float64(benchEvents)*float64(b.N)/checkCPU.Seconds(), "events/cpu-s")
	}
	b.ReportMetric(float64(heap)/(1<<20), "heapMB")
}

// BenchmarkCheckFile checks a 200,000-event NDJSON trace end to end: reading and parsing
// (traces.Reader), replay, invariants and linearizability.
func BenchmarkCheckFile(b *testing.B) {
	g := newNormalGen(8)
	var buf bytes.Buffer
	w := traces.NewWriter(&buf)
	require.NoError(b, w.WriteHeader(g.header()))
	n := 0
	for n < 200_000 {
		for _, e := range g.next(4096) {
			require.NoError(b, w.WriteEvent(e))
			n++
		}
	}
	require.NoError(b, w.Flush())
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		rep, err := Check(bytes.NewReader(data), "bench", Options{})
		if err != nil || !rep.OK() {
			b.Fatal("synthetic trace rejected", err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkCheckTrace checks the trace file named by VRCHECK_BENCH_TRACE end to end, as
// vrcheck check does (with the process's GOGC), for profiles of a real trace:
//
//	VRCHECK_BENCH_TRACE=big.ndjson go test -run X -bench CheckTrace -benchtime 1x -cpuprofile cpu.prof ./checker
func BenchmarkCheckTrace(b *testing.B) {
	path := os.Getenv("VRCHECK_BENCH_TRACE")
	if path == "" {
		b.Skip("VRCHECK_BENCH_TRACE names no trace file")
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	events := 0
	for it := 0; it < b.N; it++ {
		f, err := os.Open(path)
		require.NoError(b, err)
		rep, err := Check(f, path, Options{})
		f.Close()
		require.NoError(b, err)
		events += rep.Events
	}
	runtime.ReadMemStats(&after)
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(after.NumGC-before.NumGC)/float64(b.N), "GCs/op")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/float64(events), "allocs/event")
}

// commitRound appends a SendCommit and its two receipts: traffic that leaves the spec state
// unchanged (no new operation).
func (g *normalGen) commitRound() {
	n := g.op
	c1 := g.msg(traces.Message{Type: traces.Commit, From: 0, To: 1, CommitNumber: n})
	c2 := g.msg(traces.Message{Type: traces.Commit, From: 0, To: 2, CommitNumber: n})
	g.emit(&traces.Event{Action: traces.SendCommit, Replica: 0, Client: -1, Sent: []traces.Message{c1, c2}, State: g.state(n, n, n, nil)})
	g.emit(&traces.Event{Action: traces.ReceiveCommit, Replica: 1, Client: -1, Msg: &c1, State: g.state(n, n, n, nil)})
	g.emit(&traces.Event{Action: traces.ReceiveCommit, Replica: 2, Client: -1, Msg: &c2, State: g.state(n, n, n, nil)})
}

// BenchmarkStepSteadyState shows that the checker's memory follows the spec state, not the
// trace: after 1,000 requests, 1,000,000 events of COMMIT traffic leave the heap as it was
// after the first 100,000 of them.
func BenchmarkStepSteadyState(b *testing.B) {
	heapNow := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapInuse) / (1 << 20)
	}
	var at100k, at1M float64
	for it := 0; it < b.N; it++ {
		g := newNormalGen(8)
		c, err := New(g.header(), "bench", Options{SkipLinearizability: true})
		require.NoError(b, err)
		line := 1
		step := func(evs []*traces.Event) {
			for _, e := range evs {
				line++
				if err := c.Step(line, e); err != nil {
					b.Fatal(err)
				}
			}
		}
		step(g.next(7000))
		for done := 0; done < benchEvents; {
			g.out = g.out[:0]
			for len(g.out) < 3000 {
				g.commitRound()
			}
			step(g.out)
			done += len(g.out)
			if done == 99000 {
				b.StopTimer()
				at100k = heapNow()
				b.StartTimer()
			}
		}
		b.StopTimer()
		at1M = heapNow()
		if !c.Finish().OK() {
			b.Fatal("synthetic trace rejected")
		}
		b.StartTimer()
	}
	b.ReportMetric(at100k, "heapMB@100k")
	b.ReportMetric(at1M, "heapMB@1M")
}
