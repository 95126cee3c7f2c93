package cluster

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/vrcheck/vrcheck/impl/transport"
	"github.com/vrcheck/vrcheck/traces"
	"github.com/vrcheck/vrcheck/traces/merge"
)

// Fault kinds.
const (
	FaultCrash     = "crash"     // kill -9 of a replica, restart (and recovery) later
	FaultPartition = "partition" // a replica cut off from the other replicas, both ways
	FaultDrop      = "drop"      // frame loss on every link, all run long
)

// Fault is one scheduled fault. Faults are scheduled by progress (completed client
// operations), never by time, so a run's content does not depend on the machine's speed.
type Fault struct {
	Kind string `yaml:"kind" json:"kind"` // crash or partition
	// Replica is the target; -1 means the primary of the latest view the clients know of.
	Replica int `yaml:"replica" json:"replica"`
	After   int `yaml:"after" json:"after"`   // inject once this many operations completed
	Length  int `yaml:"length" json:"length"` // heal (restart, reconnect) this many operations later
}

// Options of a cluster run.
type Options struct {
	F, Clients int
	Dir        string // the run's directory: cluster.json, the key, traces, logs
	// The run stops when Ops operations completed (0: no limit) or Duration has passed, then
	// heals every fault and waits (at most MaxWait) until every restarted replica recovered.
	Ops      int
	Duration time.Duration
	MaxWait  time.Duration
	Schedule []Fault
	Drop     float64 // frame loss per proxied link (the drop fault)
	Proxy    bool    // a fault-injecting proxy on every link (needed for partitions and loss)
	Trace    bool
	// SkipMerge leaves the node traces unmerged (a benchmark measures the run, not the merge).
	SkipMerge bool
	Garbage   bool // keep sending garbage, oversize and wrong-HMAC frames to every replica port
	TickMs    int
	// ReplicaTimeout and ClientTimeout are in ticks, as vr.Config.
	ReplicaTimeout, ClientTimeout int
	MaxFrame                      int
	Workload                      Workload
	Seed                          uint64
	// Command makes the command that runs `vrcheck replica` with args.
	Command func(args []string) *exec.Cmd
	Log     io.Writer // progress lines; nil: none
	// ProfileDir, if set, gets CPU profiles: replica-ID.INC.pprof of each replica process and
	// cluster.pprof of this one (the clients and proxies).
	ProfileDir string
}

// DefaultSchedule alternates the kinds given (crash, partition) on the current primary, each
// lasting every/2 operations, for as many as fit in ops (or MaxDefaultFaults, when the run is
// bounded by time). The first comes after `every` operations; each next one `every` later, or,
// once the run is longer, growth-1 times the operations so far later (growth 1: always
// `every`). Why grow: a view change or a recovery sends whole logs, which only grow (no
// checkpoints), so a fault's trace volume is proportional to the operations so far; spacing
// faults in proportion keeps a long run's traces linear in its operations, not quadratic.
func DefaultSchedule(kinds []string, every, ops int, growth float64) []Fault {
	var ks []string
	for _, k := range kinds {
		if k == FaultCrash || k == FaultPartition {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 || every < 2 {
		return nil
	}
	var out []Fault
	at := 0
	for i := 0; i < MaxDefaultFaults; i++ {
		at += max(every, int(float64(at)*(growth-1)))
		if ops > 0 && at+every/2 > ops || at > 1<<30 {
			break
		}
		out = append(out, Fault{Kind: ks[i%len(ks)], Replica: -1, After: at, Length: every / 2})
	}
	return out
}

// MaxDefaultFaults bounds a time-bounded run's default schedule: message ids leave room for
// one incarnation of each replica per crash (traces/README.md, "Real runs").
const MaxDefaultFaults = 400

// Result of a run.
type Result struct {
	ReplicaCount, Clients int
	Views                 int // the largest view-number any replica reported
	Ops                   int
	Elapsed               time.Duration
	Latencies             []time.Duration // per completed operation
	Crashes               int
	Partitions            int
	Recovered             int // restarted replicas that completed recovery
	// ReplicaCPU is the CPU time (user + system) of every replica process; SupervisorCPU that
	// of this process during the run (clients, proxies, garbage): on a shared machine, CPU
	// time per operation is steadier than operations per second.
	ReplicaCPU, SupervisorCPU time.Duration
	Dropped                   int64 // frames the proxies dropped
	// Garbage counts garbage connections sent and waited for (to each replica's own port,
	// after it starts and after each recovery); GarbageCounted the drops the replicas reported
	// for them; GarbageBackground the connections sent, unwaited, to every port all run long.
	Garbage           int
	GarbageCounted    int
	GarbageBackground int64
	Log               []string
	Replicas          []ReplicaStats // the last incarnation of each replica
	Faults            []string       // failed internal checks reported by replicas
	Merged            string         // the merged trace ("" without tracing)
	Merge             *merge.Stats
}

type proc struct {
	id, inc   int
	cmd       *exec.Cmd
	listening chan string
	exited    chan struct{}
	mu        sync.Mutex
	status    string
	view      int
	stats     *ReplicaStats
	faults    []string
	dropped   int // frames it reported dropping (bad HMAC, malformed, oversize)
	killed    bool
	cpu       time.Duration // user + system, once exited
}

func (p *proc) state() (string, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status, p.view
}

type run struct {
	o         Options
	cfg       *Config
	cfgPath   string
	lns       []*os.File
	procs     []*proc
	incs      [][]bool   // per replica, per incarnation: killed
	proxies   [][]*proxy // [to][from]: from a replica; [to][N]: from the clients
	progress  atomic.Int64
	bgGarbage atomic.Int64
	res       Result
}

func (r *run) logf(format string, args ...any) {
	line := fmt.Sprintf("%7d ops  ", r.progress.Load()) + fmt.Sprintf(format, args...)
	r.res.Log = append(r.res.Log, line)
	if r.o.Log != nil {
		fmt.Fprintln(r.o.Log, line)
	}
}

// Run runs a cluster as Options say and merges its traces. The error is about running it;
// the checks are the caller's (checker on Result.Merged).
func Run(o Options) (*Result, error) {
	if o.F < 1 || o.Clients < 1 || o.Command == nil || o.Dir == "" || o.Duration <= 0 {
		return nil, fmt.Errorf("cluster: need f >= 1, clients >= 1, a directory, a replica command and a duration")
	}
	for _, f := range o.Schedule {
		if (f.Kind != FaultCrash && f.Kind != FaultPartition) || f.Length < 1 || f.Replica < -1 || f.Replica > 2*o.F {
			return nil, fmt.Errorf("cluster: bad fault %+v (kind crash or partition, length >= 1, replica -1..%d)", f, 2*o.F)
		}
		if f.Kind == FaultPartition && !o.Proxy {
			return nil, fmt.Errorf("cluster: partitions need the proxy")
		}
	}
	if o.Drop > 0 && !o.Proxy {
		return nil, fmt.Errorf("cluster: message loss needs the proxy")
	}
	setDefaults(&o)
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, err
	}
	r := &run{o: o}
	defer r.cleanup()
	if o.ProfileDir != "" {
		if err := os.MkdirAll(o.ProfileDir, 0o755); err != nil {
			return nil, err
		}
		pf, err := os.Create(filepath.Join(o.ProfileDir, "cluster.pprof"))
		if err != nil {
			return nil, err
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return nil, err
		}
		defer pprof.StopCPUProfile()
	}
	if err := r.setup(); err != nil {
		return nil, err
	}
	err := r.supervise()
	if dir := os.Getenv(HeapProfileEnv); dir != "" {
		runtime.GC() // the profile shows the heap as of the last collection
		writeHeapProfile(filepath.Join(dir, "cluster.heap"))
	}
	return &r.res, err
}

func setDefaults(o *Options) {
	if o.TickMs == 0 {
		o.TickMs = 10
	}
	if o.ReplicaTimeout == 0 {
		o.ReplicaTimeout = 10
	}
	if o.ClientTimeout == 0 {
		o.ClientTimeout = 20
	}
	if o.MaxFrame == 0 {
		o.MaxFrame = transport.DefaultMaxFrame
	}
	if o.MaxWait == 0 {
		o.MaxWait = 30 * time.Second
	}
	if o.Workload.Keys == 0 {
		o.Workload = Workload{Keys: 100, Get: 40, Put: 40, Append: 20}
	}
}

func (r *run) setup() error {
	o := r.o
	n := 2*o.F + 1
	keyFile := filepath.Join(o.Dir, "cluster.key")
	key, err := transport.CreateKey(keyFile)
	if err != nil {
		return fmt.Errorf("cluster: key: %w", err)
	}
	abs, _ := filepath.Abs(keyFile)
	// Every crash may hit one replica (a fault on "the primary" picks it at run time), so each
	// replica may need one incarnation per crash in the schedule, and one to start.
	maxInc := 1
	for _, f := range o.Schedule {
		if f.Kind == FaultCrash {
			maxInc++
		}
	}
	cfg := &Config{F: o.F, Replicas: n, Clients: o.Clients, KeyFile: abs, EpochNs: Mono(), TickMs: o.TickMs,
		ReplicaTimeout: o.ReplicaTimeout, ClientTimeout: o.ClientTimeout, MaxFrame: o.MaxFrame,
		MaxIncarnations: maxInc, IDStride: n*maxInc + o.Clients}
	if o.Trace {
		cfg.TraceDir, _ = filepath.Abs(o.Dir)
	}
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		f, err := ln.(*net.TCPListener).File()
		ln.Close() // the file keeps the socket
		if err != nil {
			return err
		}
		r.lns = append(r.lns, f)
		cfg.Nodes = append(cfg.Nodes, ReplicaInfo{ID: i, Addr: ln.Addr().String(), Peers: make([]string, n)})
	}
	r.proxies = make([][]*proxy, n)
	for j := 0; j < n; j++ {
		r.proxies[j] = make([]*proxy, n+1)
		for i := 0; i <= n; i++ {
			if i == j {
				continue
			}
			addr := cfg.Nodes[j].Addr
			if o.Proxy {
				p, err := newProxy(addr, o.MaxFrame)
				if err != nil {
					return err
				}
				p.lossPpm.Store(int64(o.Drop*1e6 + 0.5))
				r.proxies[j][i] = p
				addr = p.addr()
			}
			if i < n {
				cfg.Nodes[i].Peers[j] = addr
			} else {
				cfg.Nodes[j].ClientAddr = addr
			}
		}
	}
	r.cfg = cfg
	r.cfgPath = filepath.Join(o.Dir, ClusterFile)
	if err := cfg.write(r.cfgPath); err != nil {
		return err
	}
	r.incs = make([][]bool, n)
	r.procs = make([]*proc, n)
	for i := 0; i < n; i++ {
		if err := r.start(i); err != nil {
			return err
		}
	}
	// cluster.json gets the process ids once every replica listens.
	for i, p := range r.procs {
		select {
		case addr := <-p.listening:
			cfg.Nodes[i].PID = p.cmd.Process.Pid
			cfg.Nodes[i].Incarnation = p.inc
			_ = addr
		case <-p.exited:
			return fmt.Errorf("cluster: replica %d exited before listening (see %s)", i, r.stderrPath(i, p.inc))
		case <-time.After(20 * time.Second):
			return fmt.Errorf("cluster: replica %d did not listen within 20s", i)
		}
	}
	_ = key
	return cfg.write(r.cfgPath)
}

func (r *run) stderrPath(id, inc int) string {
	return filepath.Join(r.o.Dir, fmt.Sprintf("replica-%d.%d.stderr", id, inc))
}

// start starts replica id's next incarnation on its listening socket.
func (r *run) start(id int) error {
	inc := len(r.incs[id]) + 1
	if inc > r.cfg.MaxIncarnations {
		return fmt.Errorf("cluster: replica %d: more than %d incarnations", id, r.cfg.MaxIncarnations)
	}
	args := []string{"--cluster", r.cfgPath, "--id", strconv.Itoa(id), "--incarnation", strconv.Itoa(inc), "--listen-fd", "3"}
	if r.o.ProfileDir != "" {
		args = append(args, "--cpuprofile", filepath.Join(r.o.ProfileDir, fmt.Sprintf("replica-%d.%d.pprof", id, inc)))
	}
	cmd := r.o.Command(args)
	cmd.ExtraFiles = []*os.File{r.lns[id]}
	errf, err := os.Create(r.stderrPath(id, inc))
	if err != nil {
		return err
	}
	cmd.Stderr = errf
	out, err := cmd.StdoutPipe()
	if err != nil {
		errf.Close()
		return err
	}
	if err := cmd.Start(); err != nil {
		errf.Close()
		return fmt.Errorf("cluster: start replica %d: %w", id, err)
	}
	p := &proc{id: id, inc: inc, cmd: cmd, listening: make(chan string, 1), exited: make(chan struct{}), status: "starting"}
	r.procs[id] = p
	r.incs[id] = append(r.incs[id], false)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 1<<16), 1<<20)
		for sc.Scan() {
			kind, rest, _ := strings.Cut(sc.Text(), " ")
			p.mu.Lock()
			switch kind {
			case "listening":
				p.listening <- rest
			case "status":
				s, v, _ := strings.Cut(rest, " ")
				p.status = s
				p.view, _ = strconv.Atoi(v)
			case "dropped":
				p.dropped++
			case "fault":
				p.faults = append(p.faults, fmt.Sprintf("replica %d.%d: %s", id, inc, rest))
			case "stats":
				st := &ReplicaStats{}
				if json.Unmarshal([]byte(rest), st) == nil {
					p.stats = st
				}
			}
			p.mu.Unlock()
		}
		cmd.Wait()
		errf.Close()
		if ps := cmd.ProcessState; ps != nil {
			p.cpu = ps.UserTime() + ps.SystemTime()
		}
		close(p.exited)
	}()
	return nil
}

// kill is a crash: SIGKILL, nothing flushed, nothing said.
func (r *run) kill(id int) {
	p := r.procs[id]
	p.killed = true
	r.incs[id][p.inc-1] = true
	p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
	r.res.ReplicaCPU += p.cpu
	r.res.Faults = append(r.res.Faults, p.faults...)
}

func (r *run) primary() int {
	v := 0
	for _, p := range r.procs {
		if s, pv := p.state(); s == "normal" {
			v = max(v, pv)
		}
	}
	return v % len(r.procs)
}

func (r *run) setCut(id int, cut bool) {
	n := len(r.procs)
	for j := 0; j < n; j++ {
		if j == id {
			continue
		}
		r.proxies[j][id].cut.Store(cut)
		r.proxies[id][j].cut.Store(cut)
	}
}

func (r *run) supervise() error {
	o := r.o
	key, err := transport.LoadKey(r.cfg.KeyFile)
	if err != nil {
		return err
	}
	var clients []*client
	for c := 0; c < o.Clients; c++ {
		cl, err := newClient(r.cfg, c, key, o.Workload, o.Seed)
		if err != nil {
			return err
		}
		clients = append(clients, cl)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	errs := make([]error, len(clients))
	cpu0 := selfCPU()
	start := time.Now()
	for i, cl := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = cl.run(time.Duration(o.TickMs)*time.Millisecond, stop, &r.progress)
		}()
	}
	var garbageDone chan struct{}
	grng := rand.New(rand.NewPCG(o.Seed, 1))
	if o.Garbage {
		for id := range r.procs {
			if err := r.garbageRound(id, grng, key); err != nil {
				close(stop)
				wg.Wait()
				return err
			}
		}
		garbageDone = make(chan struct{})
		go func() {
			defer close(garbageDone)
			r.garbage(stop, key)
		}()
	}

	type active struct {
		f     Fault
		id    int
		until int64
	}
	var cur *active
	recovering := map[int]bool{}
	next := 0
	deadline := start.Add(o.Duration)
	var runErr error
	var endedAt time.Time
	for {
		time.Sleep(2 * time.Millisecond)
		ops := r.progress.Load()
		ended := (o.Ops > 0 && ops >= int64(o.Ops)) || time.Now().After(deadline)
		if ended && endedAt.IsZero() {
			endedAt = time.Now()
		}
		for id := range recovering {
			if s, v := r.procs[id].state(); s == "normal" {
				delete(recovering, id)
				r.res.Recovered++
				r.logf("replica %d recovered (normal in view %d)", id, v)
				if o.Garbage && runErr == nil {
					runErr = r.garbageRound(id, grng, key)
				}
			}
		}
		if cur != nil && (ops >= cur.until || ended) {
			switch cur.f.Kind {
			case FaultCrash:
				if err := r.start(cur.id); err != nil {
					runErr = err
				}
				recovering[cur.id] = true
				r.logf("restart replica %d (incarnation %d)", cur.id, r.procs[cur.id].inc)
			case FaultPartition:
				r.setCut(cur.id, false)
				r.logf("heal the partition of replica %d", cur.id)
			}
			cur = nil
		}
		if runErr != nil {
			break
		}
		if ended && cur == nil && len(recovering) == 0 {
			break
		}
		if ended && time.Since(endedAt) > o.MaxWait {
			runErr = fmt.Errorf("cluster: replicas %v did not recover within %v after the end", keys(recovering), o.MaxWait)
			break
		}
		if !ended && cur == nil && len(recovering) == 0 && next < len(o.Schedule) && ops >= int64(o.Schedule[next].After) {
			f := o.Schedule[next]
			next++
			id := f.Replica
			if id < 0 {
				id = r.primary()
			}
			cur = &active{f: f, id: id, until: ops + int64(f.Length)}
			switch f.Kind {
			case FaultCrash:
				r.kill(id)
				r.res.Crashes++
				r.logf("kill -9 replica %d (pid %d)", id, r.procs[id].cmd.Process.Pid)
			case FaultPartition:
				r.setCut(id, true)
				r.res.Partitions++
				r.logf("partition replica %d from the other replicas", id)
			}
		}
	}
	close(stop)
	wg.Wait()
	r.res.Elapsed = time.Since(start)
	r.res.SupervisorCPU = selfCPU() - cpu0
	r.res.ReplicaCount, r.res.Clients = len(r.procs), o.Clients
	for _, p := range r.procs {
		_, v := p.state()
		r.res.Views = max(r.res.Views, v)
	}
	r.res.Ops = int(r.progress.Load())
	for _, cl := range clients {
		r.res.Latencies = append(r.res.Latencies, cl.lat...)
		if err := cl.close(); err != nil && runErr == nil {
			runErr = err
		}
	}
	for _, e := range errs {
		if e != nil && runErr == nil {
			runErr = e
		}
	}
	if garbageDone != nil {
		<-garbageDone
		r.res.GarbageBackground = r.bgGarbage.Load()
	}
	r.stopAll()
	for _, row := range r.proxies {
		for _, p := range row {
			if p != nil {
				r.res.Dropped += p.Dropped.Load()
			}
		}
	}
	if runErr != nil {
		return runErr
	}
	if o.Trace && !o.SkipMerge {
		return r.merge()
	}
	return nil
}

// selfCPU is this process's CPU time so far (user + system).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func keys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// stopAll stops every replica with SIGTERM (they flush and report), SIGKILL after 10s.
func (r *run) stopAll() {
	for _, p := range r.procs {
		if p != nil && !p.killed {
			p.cmd.Process.Signal(syscall.SIGTERM)
		}
	}
	for _, p := range r.procs {
		if p == nil || p.killed {
			continue
		}
		select {
		case <-p.exited:
		case <-time.After(10 * time.Second):
			p.cmd.Process.Signal(syscall.SIGKILL)
			r.incs[p.id][p.inc-1] = true
			<-p.exited
		}
		r.res.ReplicaCPU += p.cpu
		p.mu.Lock()
		r.res.Faults = append(r.res.Faults, p.faults...)
		if p.stats != nil {
			r.res.Replicas = append(r.res.Replicas, *p.stats)
		}
		p.mu.Unlock()
	}
}

func (r *run) merge() error {
	var inputs []merge.Input
	for id, incs := range r.incs {
		in := merge.Input{Killed: incs}
		for k := range incs {
			in.Files = append(in.Files, ReplicaTrace(r.cfg.TraceDir, id, k+1))
		}
		inputs = append(inputs, in)
	}
	for c := 0; c < r.o.Clients; c++ {
		inputs = append(inputs, merge.Input{Files: []string{ClientTrace(r.cfg.TraceDir, c)}, Killed: []bool{false}})
	}
	path := filepath.Join(r.o.Dir, "merged.ndjson")
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	st, err := merge.Merge(inputs, map[string]any{"cluster": map[string]any{"f": r.o.F, "clients": r.o.Clients, "crashes": r.res.Crashes, "partitions": r.res.Partitions}}, bw)
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	r.res.Merged, r.res.Merge = path, st
	r.res.Views = max(r.res.Views, st.Views)
	return nil
}

func (r *run) cleanup() {
	for _, p := range r.procs {
		if p != nil {
			select {
			case <-p.exited:
			default:
				p.cmd.Process.Signal(syscall.SIGKILL)
				<-p.exited
			}
		}
	}
	for _, row := range r.proxies {
		for _, p := range row {
			if p != nil {
				p.close()
			}
		}
	}
	for _, f := range r.lns {
		f.Close()
	}
}

// garbagePayloads is what an attacker or a broken peer could send, one connection each:
// random bytes, a hello and a batch under a wrong key, a hello then a frame with the right
// HMAC whose body does not decode, an oversize length, a frame cut short. A replica counts at
// least one drop for each (GarbagePerRound in all).
func (r *run) garbagePayloads(rng *rand.Rand, key transport.Key) [][]byte {
	wrong := transport.NewEncoder(transport.Key("not the cluster key, not at all"))
	right := transport.NewEncoder(key)
	junk := make([]byte, 64+rng.IntN(512))
	for i := range junk {
		junk[i] = byte(rng.Uint32())
	}
	fake := transport.Envelope{Lamport: 1, Msg: traces.Message{ID: 7, Type: traces.Commit, From: 0, To: 1, View: 1 << 20, CommitNumber: 1 << 20}}
	oversize := binary.BigEndian.AppendUint32(nil, uint32(r.o.MaxFrame+1))
	short := binary.BigEndian.AppendUint32(nil, 100)
	return [][]byte{
		junk,
		append(append([]byte{}, wrong.Hello(transport.Hello{Role: transport.RoleReplica, ID: 0, Incarnation: 1})...), wrong.Batch([]transport.Envelope{fake})...),
		append(append([]byte{}, right.Hello(transport.Hello{Role: transport.RoleClient, ID: 0, Incarnation: 1})...), right.Raw(junk[:40])...),
		oversize,
		append(short, junk[:10]...),
	}
}

// GarbagePerRound is the least number of drops one garbage round makes a replica count.
const GarbagePerRound = 6

func sendRaw(addr string, payload []byte) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetWriteDeadline(time.Now().Add(time.Second))
	_, err = c.Write(payload)
	return err == nil
}

// garbageRound sends one round of garbage to replica id's own port and waits until the
// replica has counted it (a bounded wait: not counting it is a failure).
func (r *run) garbageRound(id int, rng *rand.Rand, key transport.Key) error {
	p := r.procs[id]
	p.mu.Lock()
	before := p.dropped
	p.mu.Unlock()
	for _, payload := range r.garbagePayloads(rng, key) {
		if sendRaw(r.cfg.Nodes[id].Addr, payload) {
			r.res.Garbage++
		}
	}
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(time.Millisecond) {
		p.mu.Lock()
		got := p.dropped - before
		p.mu.Unlock()
		if got >= GarbagePerRound {
			r.res.GarbageCounted += got
			return nil
		}
	}
	return fmt.Errorf("cluster: replica %d did not report dropping the garbage sent to it", id)
}

// GarbageEvery is how often the background garbage goes to every port: a round is 5
// connections to each of the run's N + N*N ports with the proxy (12 for 3 replicas), and each
// to a proxy opens one more to its replica. Measured: every 50 ms (1,200 connections a second)
// cut a 10 s faulty run's throughput from 3,314 to 1,207 ops/s on the shared 2-core machine.
const GarbageEvery = 200 * time.Millisecond

// garbage keeps sending garbage to every port of the run (the replicas' own and the
// proxies') until stop, without waiting for it to be counted.
func (r *run) garbage(stop <-chan struct{}, key transport.Key) {
	var addrs []string
	for _, n := range r.cfg.Nodes {
		addrs = append(addrs, n.Addr)
		for _, a := range append([]string{n.ClientAddr}, n.Peers...) {
			if a != "" && a != n.Addr {
				addrs = append(addrs, a)
			}
		}
	}
	rng := rand.New(rand.NewPCG(r.o.Seed, 0x6761726261676521))
	t := time.NewTicker(GarbageEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		for _, a := range addrs {
			for _, payload := range r.garbagePayloads(rng, key) {
				if sendRaw(a, payload) {
					r.bgGarbage.Add(1)
				}
			}
		}
	}
}
