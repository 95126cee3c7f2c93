// Package sim is vrcheck's deterministic simulator, in the manner of TigerBeetle's VOPR: one
// seeded PRNG and one logical clock own all time, randomness and the network. Replicas and
// clients are impl/vr's pure state machines; every action they take becomes one trace line.
package sim

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/vrcheck/vrcheck/impl/vr"
	"github.com/vrcheck/vrcheck/traces"
)

// ErrNoQuiescence is returned (wrapped, with the seed) when a run has not completed every
// request by MaxTicks.
var ErrNoQuiescence = errors.New("run did not complete every request")

// Run simulates sc and writes its trace to w (nil: no trace). The result is returned even
// when err is not nil.
func Run(sc Scenario, w io.Writer) (*Result, error) {
	if err := sc.Validate(); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	s, err := newSim(sc, w)
	if err != nil {
		return nil, err
	}
	return s.run()
}

// inflight is one copy of a message in the network.
type inflight struct {
	msg traces.Message
}

type sim struct {
	sc  Scenario
	n   int
	cfg vr.Config
	rng *rand.Rand
	tw  *traces.Writer

	tick   int
	seq    int
	nextID int

	replicas []*vr.Replica
	clients  []*vr.Client
	down     []int // tick at which a crashed replica restarts; 0 if up
	used     []map[int]bool

	// The network: a ring of per-tick buckets, one slot per tick of delay.
	buckets [][]inflight
	cut     map[[2]int]int // blocked (from, to) -> tick the block ends
	// Client bookkeeping for the workload and latency.
	done     []int  // requests completed per client
	invoked  []int  // tick of the outstanding request's invocation
	isGet    []bool // whether the outstanding request is a get
	finished int

	// Reconfiguration: the administrator client (id Clients), the next reconfiguration to
	// ask for, and the replicas that shut down (down for good).
	admin    *vr.Client
	nextRc   int
	rcAsked  int // tick the pending reconfiguration was asked
	shutDown []bool
	minF     int // the smallest f of any configuration: random crashes stay within it
	rout     vr.Output
	cout     vr.ClientOutput
	ev       traces.Event
	state    []string // status of each replica before the current action
	handled  []int    // messages each replica handled this tick (for Capacity)
	rct      *reconfigTracker
	res      Result
	// Reads under leases: replica i's clock reads off[i] + tick·rate[i] (thousandths of a
	// tick), rate[i] = 1000+d, |d| ≤ ρ.
	clockOff, clockRate []int
}

func newSim(sc Scenario, w io.Writer) (*sim, error) {
	bugs, err := vr.ParseBugs(sc.Bugs)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	policy, err := vr.ParsePolicy(sc.Policy)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	reads, err := vr.ParseReads(sc.Reads)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	n := sc.Universe()
	s := &sim{
		sc: sc,
		n:  n,
		cfg: vr.Config{Replicas: 2*sc.F + 1, F: sc.F, Universe: n, ReplicaTimeout: sc.ReplicaTimeout, ClientTimeout: sc.ClientTimeout, Bugs: bugs, Policy: policy,
			Batch: sc.Batch, BatchWait: sc.BatchWait, CheckpointEvery: sc.CheckpointEvery, Reads: reads,
			Lease: sc.lease(), Drift: sc.drift()},
		// PCG seeded from the seed alone: the same seed gives the same run on any machine.
		rng:      rand.New(rand.NewPCG(uint64(sc.Seed), 0x5652636865636b)),
		nextID:   1,
		down:     make([]int, n),
		used:     make([]map[int]bool, n),
		buckets:  make([][]inflight, sc.Faults.MaxDelay+1),
		cut:      map[[2]int]int{},
		done:     make([]int, sc.Clients),
		invoked:  make([]int, sc.Clients),
		isGet:    make([]bool, sc.Clients),
		state:    make([]string, n),
		handled:  make([]int, n),
		shutDown: make([]bool, n),
		minF:     sc.F,
	}
	for _, rc := range sc.Reconfigure {
		s.minF = min(s.minF, (len(rc.Replicas)-1)/2)
	}
	if err := s.cfg.Validate(); err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	if reads == vr.ReadsLease {
		s.drawClocks()
	}
	for i := 0; i < n; i++ {
		s.replicas = append(s.replicas, vr.NewReplica(i, s.cfg))
		s.used[i] = map[int]bool{}
		s.state[i] = s.replicas[i].Status()
	}
	for c := 0; c < sc.Clients; c++ {
		s.clients = append(s.clients, vr.NewClient(c, s.cfg))
	}
	if len(sc.Reconfigure) > 0 {
		s.admin = vr.NewClient(sc.Clients, s.cfg)
		s.clients = append(s.clients, s.admin)
		s.rct = newReconfigTracker()
	}
	s.res.Scenario = sc
	s.res.Replicas = n
	if w != nil {
		s.tw = traces.NewWriter(w)
		if err := s.tw.WriteHeader(s.header()); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *sim) header() *traces.Header {
	h := &traces.Header{
		Seed: s.sc.Seed, Replicas: s.cfg.Replicas, F: s.sc.F, Clients: len(s.clients),
		Bugs: s.sc.Bugs, Scenario: s.sc.asMap(), Batch: s.batch(), CheckpointEvery: s.sc.CheckpointEvery, Reads: s.cfg.Reads,
	}
	if s.cfg.Reads == vr.ReadsLease {
		h.Lease, h.Drift = s.cfg.Lease, s.cfg.Drift
	}
	if len(s.sc.Reconfigure) > 0 {
		h.Version, h.Universe = traces.ReconfigurationVersion, s.n
	}
	return h
}

// batch is the header's batch: B when batching, else 0 (not written).
func (s *sim) batch() int {
	if s.sc.Batch > 1 {
		return s.sc.Batch
	}
	return 0
}

func (s *sim) run() (*Result, error) {
	total := s.sc.Clients * s.sc.Requests
	var err error
	for s.finished < total || s.tick < s.lastScheduled() || !s.reconfigured() {
		if s.tick >= s.sc.MaxTicks {
			err = fmt.Errorf("seed %d: %w within %d ticks (%d of %d completed)", s.sc.Seed, ErrNoQuiescence, s.sc.MaxTicks, s.finished, total)
			break
		}
		if err = s.step(); err != nil {
			break
		}
		s.tick++
	}
	s.res.Ticks = s.tick
	s.res.Completed = s.finished
	s.res.Requests = total
	s.res.Events = s.seq
	for _, r := range s.replicas {
		s.res.LeaseReads += r.LeaseReads()
		s.res.Views = max(s.res.Views, r.ViewNumber())
		s.res.Epochs = max(s.res.Epochs, r.EpochNumber())
	}
	if s.rct != nil {
		s.res.Reconfigs = s.rct.finish(s.tick)
	}
	if s.tw != nil {
		if ferr := s.tw.Flush(); err == nil {
			err = ferr
		}
	}
	return &s.res, err
}

// reconfigured says whether every scheduled reconfiguration was asked for and completed
// (its administrator's request returned) and no replica is still transitioning.
func (s *sim) reconfigured() bool {
	if s.admin == nil {
		return true
	}
	if s.nextRc < len(s.sc.Reconfigure) || s.admin.Pending() {
		return false
	}
	for i, r := range s.replicas {
		if s.down[i] == 0 && r.Status() == traces.StatusTransitioning {
			return false
		}
	}
	return true
}

// lastScheduled is the tick of the last scheduled fault, so a run lasts at least that long.
func (s *sim) lastScheduled() int {
	last := 0
	for _, f := range s.sc.Schedule {
		last = max(last, f.At, f.To)
	}
	return last
}

func (s *sim) faulty() bool { return s.tick < s.sc.Faults.StopAt }

// step runs one tick: faults, deliveries, then timers and clients, always in the same order.
func (s *sim) step() error {
	for i := range s.clockOff {
		s.replicas[i].SetClock(s.clockOff[i] + s.tick*s.clockRate[i])
	}
	if err := s.faults(); err != nil {
		return err
	}
	slot := s.tick % len(s.buckets)
	// Nothing sent now can land in this slot (every delay is 1..MaxDelay), so it is reused.
	due := s.buckets[slot]
	// Deliveries due at the same tick happen in a random order: the network reorders.
	s.rng.Shuffle(len(due), func(i, j int) { due[i], due[j] = due[j], due[i] })
	if s.sc.Capacity > 0 {
		clear(s.handled)
	}
	next := (s.tick + 1) % len(s.buckets)
	for i := range due {
		m := &due[i].msg
		if s.sc.Capacity > 0 && !traces.ToClient(m.Type) && s.down[m.To] == 0 {
			if s.handled[m.To] >= s.sc.Capacity {
				s.buckets[next] = append(s.buckets[next], due[i]) // busy: wait a tick
				continue
			}
			s.handled[m.To]++
		}
		if err := s.deliver(m); err != nil {
			return err
		}
	}
	clear(due) // drop references to delivered messages' logs
	s.buckets[slot] = due[:0]
	for i, r := range s.replicas {
		if s.down[i] != 0 || s.shutDown[i] {
			continue
		}
		r.Tick(&s.rout)
		if err := s.replicaEvent(i, nil); err != nil {
			return err
		}
	}
	for c, cl := range s.clients {
		if cl == s.admin {
			if err := s.administer(); err != nil {
				return err
			}
			continue
		}
		if !cl.Pending() && s.done[c] < s.sc.Requests {
			op, key, value := s.nextOp(c)
			s.invoked[c] = s.tick
			s.isGet[c] = op == traces.OpGet
			if op == traces.OpGet {
				s.res.Gets++
			}
			if op == traces.OpGet && s.cfg.Reads == vr.ReadsBackup {
				cl.ClientRead(key, &s.cout) // §6.2: a get outside the log
				s.res.Reads++
			} else {
				cl.ClientRequest(op, key, value, &s.cout)
			}
			if s.rct != nil {
				s.rct.request(c, s.tick)
			}
		} else {
			cl.Tick(&s.cout)
		}
		if err := s.clientEvent(c, nil); err != nil {
			return err
		}
	}
	return nil
}

// administer is the administrator's tick: the next reconfiguration once its tick has come and
// the one before it returned.
func (s *sim) administer() error {
	if s.nextRc < len(s.sc.Reconfigure) && !s.admin.Pending() && s.tick >= s.sc.Reconfigure[s.nextRc].At {
		s.admin.ClientReconfiguration(s.sc.Reconfigure[s.nextRc].Replicas, &s.cout)
		s.rct.asked(s.tick, s.configuration(s.nextRc), s.sc.Reconfigure[s.nextRc].Replicas)
		s.nextRc++
		s.rcAsked = s.tick
	} else {
		s.admin.Tick(&s.cout)
	}
	return s.clientEvent(s.sc.Clients, nil)
}

func (s *sim) nextOp(c int) (op, key, value string) {
	return s.sc.Workload.Next(s.rng, c, s.done[c]+1)
}

func (s *sim) deliver(m *traces.Message) error {
	if traces.ToClient(m.Type) {
		c := s.clients[m.To]
		if m.Type == traces.NewEpoch {
			c.ClientReceiveNewEpoch(m, &s.cout)
		} else {
			c.ClientReceiveReply(m, &s.cout)
		}
		return s.clientEvent(m.To, m)
	}
	if s.down[m.To] != 0 || s.shutDown[m.To] {
		s.res.Dropped++
		s.res.DroppedCrashed++
		return s.network(traces.DropMessage, m)
	}
	s.replicas[m.To].Receive(m, &s.rout)
	if err := s.replicaEvent(m.To, m); err != nil {
		return err
	}
	if s.sc.CheckpointEvery > 0 {
		// The paper checkpoints as the K-th operation executes (§5.1): a receive that commits
		// enough is followed at once by the replica's TakeCheckpoint, not at its next tick.
		s.replicas[m.To].TakeCheckpoint(&s.rout)
		if err := s.replicaEvent(m.To, nil); err != nil {
			return err
		}
	}
	if s.cfg.Reads == vr.ReadsBackup {
		// Commit-numbers rise only on receives: the READs a receive made answerable are
		// answered at once (ReplyRead).
		s.replicas[m.To].ReplyRead(&s.rout)
		return s.replicaEvent(m.To, nil)
	}
	return nil
}

func (s *sim) replicaEvent(i int, received *traces.Message) error {
	out := &s.rout
	if out.Action == "" {
		return nil
	}
	if out.Fault != nil {
		s.res.Faults = append(s.res.Faults, fmt.Sprintf("tick %d, replica %d, %s: %v", s.tick, i, out.Action, out.Fault))
	}
	s.count(i, out)
	s.res.MaxLog = max(s.res.MaxLog, out.State.OpNumber-out.State.Checkpoint)
	if s.rct != nil {
		s.rct.replica(s.tick, i, out.Action, &out.State)
	}
	s.assignIDs(out.Sent)
	s.ev = traces.Event{Tick: s.tick, Action: out.Action, Replica: i, Client: -1, Msg: received, Sent: out.Sent, State: &out.State}
	if err := s.emit(); err != nil {
		return err
	}
	return s.send(out.Sent)
}

func (s *sim) clientEvent(c int, received *traces.Message) error {
	out := &s.cout
	if out.Action == "" {
		return nil
	}
	if out.Returned && c == s.sc.Clients { // the administrator's reconfiguration
		s.res.Reconfigurations++
		s.res.ReconfigTicks = append(s.res.ReconfigTicks, s.tick-s.rcAsked)
		s.rct.administratorReturned(s.tick)
	} else if out.Returned {
		if s.rct != nil {
			s.rct.returned(c, s.tick)
		}
		s.done[c]++
		s.finished++
		s.res.Latencies = append(s.res.Latencies, s.tick-s.invoked[c])
		if s.isGet[c] {
			s.res.GetLatencies = append(s.res.GetLatencies, s.tick-s.invoked[c])
		}
	}
	s.assignIDs(out.Sent)
	s.ev = traces.Event{Tick: s.tick, Action: out.Action, Replica: -1, Client: c, Msg: received, Sent: out.Sent, ClientState: &out.State}
	if err := s.emit(); err != nil {
		return err
	}
	return s.send(out.Sent)
}

func (s *sim) network(action string, m *traces.Message) error {
	s.ev = traces.Event{Tick: s.tick, Action: action, Replica: -1, Client: -1, Msg: m}
	return s.emit()
}

func (s *sim) emit() error {
	s.seq++
	s.ev.Seq = s.seq
	if s.tw == nil {
		return nil
	}
	return s.tw.WriteEvent(&s.ev)
}

// send gives the action's messages their ids (before its event is written: the slice is
// shared), then loses, duplicates or queues each.
func (s *sim) send(msgs []traces.Message) error {
	for i := range msgs {
		m := &msgs[i]
		s.res.Sent++
		if cut := s.blocked(m); cut || (s.faulty() && s.sc.Faults.Drop > 0 && s.rng.Float64() < s.sc.Faults.Drop) {
			s.res.Dropped++
			if cut {
				s.res.DroppedPartition++
			} else {
				s.res.DroppedLoss++
			}
			if err := s.network(traces.DropMessage, m); err != nil {
				return err
			}
			continue
		}
		s.queue(m)
		if s.faulty() && s.sc.Faults.Duplicate > 0 && s.rng.Float64() < s.sc.Faults.Duplicate {
			s.res.Duplicated++
			if err := s.network(traces.DuplicateMessage, m); err != nil {
				return err
			}
			s.queue(m)
		}
	}
	return nil
}

// assignIDs numbers the messages an action sent; it runs before the event is written.
func (s *sim) assignIDs(msgs []traces.Message) {
	for i := range msgs {
		msgs[i].ID = s.nextID
		s.nextID++
	}
}

func (s *sim) queue(m *traces.Message) {
	f := s.sc.Faults
	d := f.MinDelay
	if s.faulty() && f.MaxDelay > f.MinDelay {
		d += s.rng.IntN(f.MaxDelay - f.MinDelay + 1)
	}
	slot := (s.tick + d) % len(s.buckets)
	s.buckets[slot] = append(s.buckets[slot], inflight{*m})
}

// blocked says whether a partition cuts m's path. Clients are never partitioned.
func (s *sim) blocked(m *traces.Message) bool {
	if traces.FromClient(m.Type) || traces.ToClient(m.Type) || len(s.cut) == 0 {
		return false
	}
	end, ok := s.cut[[2]int{m.From, m.To}]
	return ok && s.tick < end
}

// count keeps the run's statistics from the replica's status changes.
func (s *sim) count(i int, out *vr.Output) {
	before, after := s.state[i], out.State.Status
	s.state[i] = after
	if after == traces.StatusShutDown && !s.shutDown[i] {
		s.shutDown[i] = true
		s.res.ShutDowns++
	}
	switch {
	case out.Action == traces.ReceiveNewState && (before != after || len(out.State.LogAdd) > 0):
		s.res.StateTransfers++
	case before == traces.StatusRecovering && after == traces.StatusNormal:
		s.res.Recoveries++
	case before == traces.StatusViewChange && after == traces.StatusNormal &&
		(out.Action == traces.ReceiveDoViewChange || out.Action == traces.ReceiveStartViewChange):
		s.res.ViewChanges++
	}
}

// faults applies the schedule and draws random faults for this tick.
func (s *sim) faults() error {
	for _, f := range s.sc.Schedule {
		switch {
		case f.Crash != nil && f.At == s.tick && s.down[*f.Crash] == 0:
			until := s.tick + s.sc.Faults.RestartAfter
			if s.restartScheduled(*f.Crash) {
				until = 0
			}
			if err := s.crash(*f.Crash, until); err != nil {
				return err
			}
		case f.Restart != nil && f.At == s.tick && s.down[*f.Restart] != 0:
			if err := s.restart(*f.Restart); err != nil {
				return err
			}
		case f.Partition != "" && f.From == s.tick:
			for _, c := range f.cut {
				s.cut[c] = max(s.cut[c], f.To)
			}
			s.res.Partitions++
		}
	}
	for i := range s.down {
		if s.down[i] != 0 && s.down[i] <= s.tick {
			if err := s.restart(i); err != nil {
				return err
			}
		}
	}
	for k, end := range s.cut {
		if end <= s.tick {
			delete(s.cut, k)
		}
	}
	if !s.faulty() {
		return nil
	}
	f := s.sc.Faults
	if f.Crash > 0 && s.rng.Float64() < f.Crash {
		i := s.rng.IntN(s.n)
		failed := 0
		for j, r := range s.replicas {
			if s.down[j] != 0 || r.Status() == traces.StatusRecovering || r.Status() == traces.StatusTransitioning {
				failed++
			}
		}
		// A crashed or recovering replica counts against f; more would only stop progress.
		// With reconfiguration: only replicas in a group crash, and never more than the
		// smallest group's f, counting those catching up.
		st := s.replicas[i].Status()
		if s.down[i] == 0 && (st == traces.StatusNormal || st == traces.StatusViewChange) && failed < s.minF {
			if err := s.crash(i, s.tick+f.RestartAfter); err != nil {
				return err
			}
		}
	}
	if f.Partition > 0 && len(s.cut) == 0 && s.rng.Float64() < f.Partition {
		i := s.rng.IntN(s.n) // (with reconfiguration, an idle or shut-down replica may be cut off: no effect)
		oneWay := s.rng.IntN(2) == 0
		end := s.tick + f.PartitionLength
		for j := 0; j < s.n; j++ {
			if j == i {
				continue
			}
			s.cut[[2]int{i, j}] = end
			if !oneWay {
				s.cut[[2]int{j, i}] = end
			}
		}
		s.res.Partitions++
	}
	return nil
}

// restartScheduled says whether the schedule restarts replica i after this tick.
func (s *sim) restartScheduled(i int) bool {
	for _, f := range s.sc.Schedule {
		if f.Restart != nil && *f.Restart == i && f.At > s.tick {
			return true
		}
	}
	return false
}

// crash stops replica i; it restarts at tick until (0: only when the schedule says so).
func (s *sim) crash(i, until int) error {
	nonce := 0
	for nonce == 0 || s.used[i][nonce] {
		nonce = 1 + s.rng.IntN(1<<31-2)
	}
	s.used[i][nonce] = true
	s.replicas[i].Crash(nonce, &s.rout)
	s.res.Crashes++
	if until == 0 {
		until = 1 << 62
	}
	s.down[i] = until
	return s.replicaEvent(i, nil)
}

func (s *sim) restart(i int) error {
	s.down[i] = 0
	s.replicas[i].StartRecovery(&s.rout)
	return s.replicaEvent(i, nil)
}

// asMap is the scenario as the trace header's "scenario" object.
func (sc Scenario) asMap() map[string]any {
	sched := []any{}
	for _, f := range sc.Schedule {
		m := map[string]any{}
		switch {
		case f.Crash != nil:
			m["at"], m["crash"] = f.At, *f.Crash
		case f.Restart != nil:
			m["at"], m["restart"] = f.At, *f.Restart
		default:
			m["partition"], m["from"], m["to"] = f.Partition, f.From, f.To
		}
		sched = append(sched, m)
	}
	// Probabilities are written in parts per million: trace readers such as TLC truncate floats.
	ppm := func(p float64) int { return int(p*1e6 + 0.5) }
	m := map[string]any{
		"seed": sc.Seed, "f": sc.F, "clients": sc.Clients, "requests": sc.Requests,
		"clientTimeout": sc.ClientTimeout, "replicaTimeout": sc.ReplicaTimeout, "maxTicks": sc.MaxTicks,
		"capacity": sc.Capacity,
		"workload": map[string]any{"keys": sc.Workload.Keys, "get": sc.Workload.Get, "put": sc.Workload.Put, "append": sc.Workload.Append},
		"faults": map[string]any{
			"dropPpm": ppm(sc.Faults.Drop), "duplicatePpm": ppm(sc.Faults.Duplicate),
			"minDelay": sc.Faults.MinDelay, "maxDelay": sc.Faults.MaxDelay,
			"crashPpm": ppm(sc.Faults.Crash), "restartAfter": sc.Faults.RestartAfter,
			"partitionPpm": ppm(sc.Faults.Partition), "partitionLength": sc.Faults.PartitionLength,
			"stopAt": sc.Faults.StopAt,
		},
		"schedule": sched,
		"bugs":     append([]string{}, sc.Bugs...),
		"policy":   policyName(sc.Policy),
	}
	// The options of issue 14 appear only when on, so a trace without them is as before.
	if sc.Batch > 1 {
		m["batch"], m["batchWait"] = sc.Batch, sc.BatchWait
	}
	if sc.CheckpointEvery > 0 {
		m["checkpointEvery"] = sc.CheckpointEvery
	}
	if mode, _ := vr.ParseReads(sc.Reads); mode != "" {
		m["reads"] = mode
		if mode == vr.ReadsLease {
			m["lease"], m["drift"] = sc.lease(), sc.drift()
		}
	}
	if len(sc.Reconfigure) > 0 { // issue 13
		rcs := []any{}
		for _, rc := range sc.Reconfigure {
			ids := []any{}
			for _, id := range rc.Replicas {
				ids = append(ids, id)
			}
			rcs = append(rcs, map[string]any{"at": rc.At, "replicas": ids})
		}
		m["reconfigure"] = rcs
	}
	return m
}

// policyName is the policy as the header records it ("" is "default").
func policyName(p string) string {
	if p == "" {
		return vr.PolicyDefault.String()
	}
	return p
}

// configuration is the configuration reconfiguration k moves from: the first (0..2f) or the
// one reconfiguration k-1 moved to.
func (s *sim) configuration(k int) []int {
	if k > 0 {
		return s.sc.Reconfigure[k-1].Replicas
	}
	first := make([]int, 2*s.sc.F+1)
	for i := range first {
		first[i] = i
	}
	return first
}

// lease and drift are the scenario's L and ρ, their defaults for 0.
func (sc Scenario) lease() int {
	if sc.Lease == 0 && sc.Reads == vr.ReadsLease {
		return vr.DefaultLease
	}
	return sc.Lease
}

func (sc Scenario) drift() int {
	if sc.Drift == 0 && sc.Reads == vr.ReadsLease {
		return vr.DefaultDrift
	}
	return sc.Drift
}

// drawClocks gives each replica a clock from a PRNG of its own (seeded from the seed), so the
// faults and the workload are those of the same seed without leases. A drift is often at
// the bound (either side), where a lease is tightest.
func (s *sim) drawClocks() {
	rng := rand.New(rand.NewPCG(uint64(s.sc.Seed), 0x636c6f636b))
	rho := s.cfg.Drift
	s.clockOff, s.clockRate = make([]int, s.n), make([]int, s.n)
	for i := range s.clockOff {
		s.clockOff[i] = 1 + rng.IntN(100_000)
		d := rng.IntN(2*rho+1) - rho
		switch rng.IntN(3) {
		case 0:
			d = -rho
		case 1:
			d = rho
		}
		s.clockRate[i] = 1000 + d
	}
}
