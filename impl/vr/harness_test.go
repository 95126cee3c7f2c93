package vr

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

// cluster is a tiny in-test harness: it moves messages between Replica and Client values one
// at a time, and checks every Output against the contract as it goes.
type cluster struct {
	t       testing.TB
	cfg     Config
	reps    []*Replica
	clients []*Client
	mirror  [][]traces.Entry // each replica's log rebuilt from LogKeep/LogAdd alone
	stable  []int            // per replica: a log prefix unchanged since it was last looked at
	net     []traces.Message // in flight, oldest first
	down    []bool
	nextID  int
	out     Output
	cout    ClientOutput
	// allowFaults is set by tests of bug switches, where faults are the defect showing.
	allowFaults bool
	returned    map[int][]string // each client's results, in order
	events      []string         // "replica action" per replica action, for assertions
}

func testConfig(f int) Config {
	return Config{Replicas: 2*f + 1, F: f, ReplicaTimeout: 5, ClientTimeout: 10}
}

func newCluster(t testing.TB, f, clients int, bugs Bugs) *cluster {
	cfg := testConfig(f)
	cfg.Bugs = bugs
	c := &cluster{t: t, cfg: cfg, down: make([]bool, cfg.Replicas), returned: map[int][]string{}}
	for i := 0; i < cfg.Replicas; i++ {
		c.reps = append(c.reps, NewReplica(i, cfg))
		c.mirror = append(c.mirror, nil)
		c.stable = append(c.stable, 0)
	}
	for i := 0; i < clients; i++ {
		c.clients = append(c.clients, NewClient(i, cfg))
	}
	return c
}

// record checks a replica call's Output and queues what it sent. It runs after every action,
// so it compares directly and calls require only to report a mismatch.
func (c *cluster) record(r *Replica) {
	t := c.t
	out := &c.out
	if out.Fault != nil && !c.allowFaults {
		require.NoError(t, out.Fault, "action %s", out.Action)
	}
	st := out.State
	if st.LogAdd == nil || st.LogKeep > len(c.mirror[r.id]) {
		require.FailNow(t, "bad log change", "LogAdd nil or LogKeep %d beyond the old log (%d entries)", st.LogKeep, len(c.mirror[r.id]))
	}
	c.stable[r.id] = min(c.stable[r.id], st.LogKeep)
	m := append(c.mirror[r.id][:st.LogKeep], st.LogAdd...)
	c.mirror[r.id] = m
	if !sameEntries(r.log, m) {
		require.Equal(t, r.Log(), m, "LogKeep/LogAdd do not describe the log change of %s", out.Action)
	}
	if st.ViewNumber != r.ViewNumber() || st.Status != r.Status() || st.OpNumber != len(m) ||
		st.CommitNumber != r.CommitNumber() || st.LastNormalView != r.LastNormalView() || st.Nonce != r.Nonce() {
		want := traces.ReplicaState{ViewNumber: r.ViewNumber(), Status: r.Status(), OpNumber: len(m), CommitNumber: r.CommitNumber(),
			LastNormalView: r.LastNormalView(), Nonce: r.Nonce(), LogKeep: st.LogKeep, LogAdd: st.LogAdd}
		require.Equal(t, want, st, "post-state of %s", out.Action)
	}
	if out.Action != "" {
		c.events = append(c.events, fmt.Sprintf("%d %s", r.id, out.Action))
	}
	for _, s := range out.Sent {
		checkMessage(t, s, r.id)
		c.queue(s)
	}
}

func checkMessage(t testing.TB, m traces.Message, from int) {
	ok := m.ID == 0 && m.From == from
	for _, f := range traces.Fields[m.Type] {
		switch f {
		case traces.FLog:
			ok = ok && m.Log != nil
		case traces.FEntry:
			ok = ok && m.Entry != nil
		}
	}
	if m.Type != traces.Reply && m.Type != traces.Request {
		ok = ok && m.To != from
	}
	if !ok {
		require.FailNow(t, "bad message", "%s from %d: id must be 0 (the caller assigns it), from the sender, every log and entry field set, never to itself: %+v", m.Type, from, m)
	}
}

func (c *cluster) queue(m traces.Message) {
	c.nextID++
	m.ID = c.nextID
	if m.Entry != nil { // the network holds its own copy, as a real one would
		e := *m.Entry
		m.Entry = &e
	}
	c.net = append(c.net, m)
}

// deliverAt delivers the i-th message in flight (to a down replica it is dropped).
func (c *cluster) deliverAt(i int) {
	m := c.net[i]
	c.net = append(c.net[:i], c.net[i+1:]...)
	if m.Type == traces.Reply {
		cl := c.clients[m.To]
		cl.ClientReceiveReply(&m, &c.cout)
		if c.cout.Fault != nil {
			require.NoError(c.t, c.cout.Fault)
		}
		if c.cout.Returned {
			c.returned[m.To] = append(c.returned[m.To], c.cout.Result)
		}
		return
	}
	if c.down[m.To] {
		return
	}
	r := c.reps[m.To]
	r.Receive(&m, &c.out)
	if c.out.Action != traces.ReceiveAction(m.Type) {
		require.Equal(c.t, traces.ReceiveAction(m.Type), c.out.Action)
	}
	c.record(r)
}

// deliver delivers the oldest message in flight matching p; it must exist.
func (c *cluster) deliver(p func(m *traces.Message) bool) traces.Message {
	c.t.Helper()
	for i := range c.net {
		if p(&c.net[i]) {
			m := c.net[i]
			c.deliverAt(i)
			return m
		}
	}
	require.FailNow(c.t, "no such message in flight", "in flight: %v", c.net)
	return traces.Message{}
}

// drop removes every message in flight matching p and returns how many.
func (c *cluster) drop(p func(m *traces.Message) bool) int {
	kept := c.net[:0]
	n := 0
	for _, m := range c.net {
		if p(&m) {
			n++
			continue
		}
		kept = append(kept, m)
	}
	c.net = kept
	return n
}

// run delivers messages oldest first until none is in flight.
func (c *cluster) run() {
	c.t.Helper()
	for i := 0; len(c.net) > 0; i++ {
		require.Less(c.t, i, 100000, "the network does not quiesce")
		c.deliverAt(0)
	}
}

func (c *cluster) request(client int, op, key, value string) {
	c.t.Helper()
	c.clients[client].ClientRequest(op, key, value, &c.cout)
	require.NoError(c.t, c.cout.Fault)
	require.Equal(c.t, traces.ClientRequest, c.cout.Action)
	for _, m := range c.cout.Sent {
		c.queue(m)
	}
}

// tick ticks every up replica once, in id order, and every client.
func (c *cluster) tick() {
	for i, r := range c.reps {
		if c.down[i] {
			continue
		}
		r.Tick(&c.out)
		c.record(r)
	}
	for _, cl := range c.clients {
		cl.Tick(&c.cout)
		for _, m := range c.cout.Sent {
			c.queue(m)
		}
	}
}

func (c *cluster) crash(i, nonce int) {
	c.t.Helper()
	c.down[i] = true
	c.reps[i].Crash(nonce, &c.out)
	require.Equal(c.t, traces.Crash, c.out.Action)
	c.record(c.reps[i])
}

// restart brings a crashed replica back: it starts recovery at once.
func (c *cluster) restart(i int) {
	c.t.Helper()
	c.down[i] = false
	c.reps[i].StartRecovery(&c.out)
	require.Equal(c.t, traces.StartRecovery, c.out.Action)
	c.record(c.reps[i])
}

// settle alternates delivering everything and ticking until pred holds.
func (c *cluster) settle(pred func() bool) {
	c.t.Helper()
	for i := 0; !pred(); i++ {
		require.Less(c.t, i, 200, "cluster did not settle")
		c.run()
		if pred() {
			return
		}
		c.tick()
	}
}

// do issues a request and runs the cluster until the client has its result.
func (c *cluster) do(client int, op, key, value string) string {
	c.t.Helper()
	n := len(c.returned[client])
	c.request(client, op, key, value)
	c.settle(func() bool { return len(c.returned[client]) > n })
	return c.returned[client][n]
}

func isType(t traces.MsgType, to int) func(m *traces.Message) bool {
	return func(m *traces.Message) bool { return m.Type == t && (to < 0 || m.To == to) }
}

func entry(client, req int, op, key, value string) traces.Entry {
	return traces.Entry{Client: client, RequestNumber: req, Op: op, Key: key, Value: value}
}

func sameEntries(a, b []traces.Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
