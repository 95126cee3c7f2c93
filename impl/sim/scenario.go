package sim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/impl/vr"
)

// Scenario is everything that determines a run: with the same Scenario, Run writes the same
// trace, byte for byte. Its YAML form is what `vrcheck --scenario FILE` reads.
type Scenario struct {
	Seed           int64    `yaml:"seed" json:"seed"`
	F              int      `yaml:"f" json:"f"`
	Clients        int      `yaml:"clients" json:"clients"`
	Requests       int      `yaml:"requests" json:"requests"` // per client
	ClientTimeout  int      `yaml:"clientTimeout" json:"clientTimeout"`
	ReplicaTimeout int      `yaml:"replicaTimeout" json:"replicaTimeout"`
	Workload       Workload `yaml:"workload" json:"workload"`
	Faults         Faults   `yaml:"faults" json:"faults"`
	Schedule       []Fault  `yaml:"schedule" json:"schedule"`
	// Capacity is how many messages a replica handles per tick (0: no limit); the rest wait
	// for the next tick. It gives replicas a processing cost, so load shows in latency.
	Capacity int `yaml:"capacity" json:"capacity"`
	// MaxTicks bounds the run: a run that has not completed every request by then fails.
	MaxTicks int      `yaml:"maxTicks" json:"maxTicks"`
	Bugs     []string `yaml:"bugs" json:"bugs"`
	// Policy is how replicas make the choices the paper leaves open: "default" (or empty)
	// or "alt" (the other permitted choices; see impl/vr's package doc).
	Policy string `yaml:"policy" json:"policy"`
	// Batch > 1 makes the primary gather up to Batch requests into one PREPARE (§6.1),
	// waiting at most BatchWait ticks (0 is 1) after the first; 0 is no batching.
	Batch     int `yaml:"batch" json:"batch"`
	BatchWait int `yaml:"batchWait" json:"batchWait"`
	// CheckpointEvery = K > 0 makes each replica checkpoint its service state every K
	// committed ops and discard the log up to the checkpoint (§5.1); 0 is no checkpoints.
	CheckpointEvery int `yaml:"checkpointEvery" json:"checkpointEvery"`
	// Reads is how gets are served (§6.2): "none" (or empty) through the log, "backup" as
	// READs a backup answers from its committed state once it has reached the client's
	// latest seen commit-number (impl/vr/reads.go).
	Reads string `yaml:"reads" json:"reads"`
	// Lease is L, the lease length in ticks, and Drift ρ, the bound on each replica's clock
	// drift in parts per thousand, with reads "lease" (reads at the primary under leases,
	// impl/vr/lease.go); 0 is the default (vr.DefaultLease, vr.DefaultDrift). Each replica's
	// clock runs at 1000+d thousandths of a tick per tick, d drawn from the seed in -ρ..ρ.
	Lease int `yaml:"lease" json:"lease"`
	Drift int `yaml:"drift" json:"drift"`
	// Reconfigure (§7) lists reconfigurations: at tick At an administrator (one more client,
	// id Clients) asks the group to move to the replicas listed. The replica universe is
	// 0..the largest id listed; replicas outside the first configuration start idle.
	Reconfigure []Reconfig `yaml:"reconfigure,omitempty" json:"reconfigure,omitempty"`
}

// Reconfig is one scheduled reconfiguration: "at tick 200 move to replicas 1, 2, 3".
type Reconfig struct {
	At       int   `yaml:"at" json:"at"`
	Replicas []int `yaml:"replicas" json:"replicas"`
}

// Universe is the number of replica ids the scenario uses: 2f+1, or more if a
// reconfiguration names a larger id.
func (sc *Scenario) Universe() int {
	u := 2*sc.F + 1
	for _, rc := range sc.Reconfigure {
		for _, id := range rc.Replicas {
			u = max(u, id+1)
		}
	}
	return u
}

// Workload says what clients ask for.
type Workload struct {
	Keys   int `yaml:"keys" json:"keys"` // keys are "k0".."k<keys-1>"
	Get    int `yaml:"get" json:"get"`   // relative weights of the operations
	Put    int `yaml:"put" json:"put"`
	Append int `yaml:"append" json:"append"`
}

// Faults are drawn at random from these rates until tick StopAt; after it the network is
// reliable and crashed replicas restart, so a correct cluster must finish every request.
type Faults struct {
	Drop      float64 `yaml:"drop" json:"drop"`           // probability a message is lost
	Duplicate float64 `yaml:"duplicate" json:"duplicate"` // probability a message is delivered twice
	// Messages take MinDelay..MaxDelay ticks; a spread reorders them.
	MinDelay int `yaml:"minDelay" json:"minDelay"`
	MaxDelay int `yaml:"maxDelay" json:"maxDelay"`
	// Crash is the probability per tick that one replica crashes (never more than f at once
	// are crashed or recovering); it restarts RestartAfter ticks later.
	Crash        float64 `yaml:"crash" json:"crash"`
	RestartAfter int     `yaml:"restartAfter" json:"restartAfter"`
	// Partition is the probability per tick that one replica is cut off (half of the time
	// one-way) for PartitionLength ticks.
	Partition       float64 `yaml:"partition" json:"partition"`
	PartitionLength int     `yaml:"partitionLength" json:"partitionLength"`
	StopAt          int     `yaml:"stopAt" json:"stopAt"`
}

// Fault is one scheduled fault: "at tick 200 crash replica 0", "restart replica 0 at 230",
// "partition {0} | {1,2} from 300 to 600" (symmetric) or "{0} -> {1,2}" (one-way: messages
// from 0 to 1 and 2 are lost).
type Fault struct {
	At        int    `yaml:"at,omitempty" json:"at,omitempty"`
	Crash     *int   `yaml:"crash,omitempty" json:"crash,omitempty"`
	Restart   *int   `yaml:"restart,omitempty" json:"restart,omitempty"`
	Partition string `yaml:"partition,omitempty" json:"partition,omitempty"`
	From      int    `yaml:"from,omitempty" json:"from,omitempty"`
	To        int    `yaml:"to,omitempty" json:"to,omitempty"`

	cut [][2]int // parsed partition: blocked (from, to) pairs
}

// Default is the seed program's configuration: f = 1, 5 clients, 10 requests each, client
// timeout 10, replica timeout 5, with faults on.
func Default() Scenario {
	return Scenario{
		Seed: 1, F: 1, Clients: 5, Requests: 10, ClientTimeout: 10, ReplicaTimeout: 5,
		Workload: Workload{Keys: 3, Get: 1, Put: 1, Append: 1},
		Faults: Faults{
			Drop: 0.02, Duplicate: 0.02, MinDelay: 1, MaxDelay: 3,
			Crash: 0.01, RestartAfter: 20, Partition: 0.005, PartitionLength: 30, StopAt: 400,
		},
		MaxTicks: 20000,
		Bugs:     []string{},
	}
}

// NoFaults returns f with every random fault off.
func NoFaults(f Faults) Faults {
	f.Drop, f.Duplicate, f.Crash, f.Partition = 0, 0, 0, 0
	f.MaxDelay = f.MinDelay
	return f
}

// Load reads a scenario from a YAML file. Fields it leaves out keep the Default values.
func Load(path string) (Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, err
	}
	return Parse(data, path)
}

// Parse reads a YAML scenario; name is used in errors, which name the line.
func Parse(data []byte, name string) (Scenario, error) {
	sc := Default()
	lines, err := DecodeYAML(data, name, &sc)
	if err != nil {
		return Scenario{}, err
	}
	if err := sc.Validate(); err != nil {
		return Scenario{}, Position(err, name, lines, "")
	}
	return sc, nil
}

// Problem is one thing wrong with a scenario. Key says where ("clients", "faults.drop",
// "schedule[2]"), so a file's reader can name the line.
type Problem struct{ Key, Msg string }

// Problems is what Validate found wrong.
type Problems []Problem

func (ps Problems) Error() string {
	msgs := make([]string, len(ps))
	for i, p := range ps {
		msgs[i] = p.Msg
	}
	return strings.Join(msgs, "; ")
}

// Position names the file and the line of each problem of err (a Problems) found in a file
// whose keys are at lines; prefix is the scenario's own key in that file ("base." in a grid).
// Any other error gets the file name alone.
func Position(err error, name string, lines Lines, prefix string) error {
	var ps Problems
	if !errors.As(err, &ps) {
		return fmt.Errorf("%s: %w", name, err)
	}
	msgs := make([]string, len(ps))
	for i, p := range ps {
		key := prefix + p.Key
		// The key itself, else the nearest enclosing one that the file has.
		for key != "" && lines[key] == 0 {
			if j := strings.LastIndexAny(key, ".["); j >= 0 {
				key = key[:j]
			} else {
				key = ""
			}
		}
		if l := lines[key]; l > 0 {
			msgs[i] = fmt.Sprintf("%s:%d: %s", name, l, p.Msg)
		} else {
			msgs[i] = fmt.Sprintf("%s: %s", name, p.Msg)
		}
	}
	return errors.New(strings.Join(msgs, "; "))
}

// Validate checks that the scenario can be run, and parses the schedule's partitions. Its
// error is a Problems.
func (sc *Scenario) Validate() error {
	var errs Problems
	bad := func(key, format string, args ...any) {
		errs = append(errs, Problem{key, fmt.Sprintf(format, args...)})
	}
	if sc.Seed < 0 || sc.Seed > 1<<31-1 {
		bad("seed", "seed %d must be in 0..2^31-1", sc.Seed)
	}
	if sc.F < 1 || sc.F > 7 {
		bad("f", "f = %d: must be 1..7", sc.F)
	}
	if sc.Clients < 1 || sc.Clients > 1000 {
		bad("clients", "clients = %d: must be 1..1000", sc.Clients)
	}
	if sc.Requests < 0 {
		bad("requests", "requests = %d: must be >= 0", sc.Requests)
	}
	if sc.ClientTimeout < 1 {
		bad("clientTimeout", "clientTimeout = %d: must be >= 1", sc.ClientTimeout)
	}
	if sc.ReplicaTimeout < 2 {
		bad("replicaTimeout", "replicaTimeout = %d: must be >= 2 (the primary's heartbeat is half of it)", sc.ReplicaTimeout)
	}
	w := sc.Workload
	if w.Keys < 1 {
		bad("workload.keys", "workload.keys = %d: must be >= 1", w.Keys)
	}
	if w.Get < 0 || w.Put < 0 || w.Append < 0 || w.Get+w.Put+w.Append == 0 {
		bad("workload", "workload weights get/put/append must be >= 0 and not all 0")
	}
	f := sc.Faults
	for _, p := range []struct {
		name string
		p    float64
	}{{"drop", f.Drop}, {"duplicate", f.Duplicate}, {"crash", f.Crash}, {"partition", f.Partition}} {
		if !(p.p >= 0 && p.p <= 1) {
			bad("faults."+p.name, "faults.%s = %v: must be a probability in [0, 1]", p.name, p.p)
		}
	}
	if f.Drop == 1 {
		bad("faults.drop", "faults.drop = 1 loses every message: nothing could complete")
	}
	if f.MinDelay < 1 || f.MaxDelay < f.MinDelay || f.MaxDelay > 1000 {
		key := "faults.maxDelay"
		if f.MinDelay < 1 {
			key = "faults.minDelay"
		}
		bad(key, "faults.minDelay/maxDelay = %d/%d: need 1 <= minDelay <= maxDelay <= 1000", f.MinDelay, f.MaxDelay)
	}
	if f.RestartAfter < 1 {
		bad("faults.restartAfter", "faults.restartAfter = %d: must be >= 1", f.RestartAfter)
	}
	if f.PartitionLength < 1 {
		bad("faults.partitionLength", "faults.partitionLength = %d: must be >= 1", f.PartitionLength)
	}
	if sc.Capacity < 0 {
		bad("capacity", "capacity = %d: must be >= 0 (0: no limit)", sc.Capacity)
	}
	if sc.Batch < 0 || sc.Batch > 1000 {
		bad("batch", "batch = %d: must be 0..1000 (0 or 1: no batching)", sc.Batch)
	}
	if sc.CheckpointEvery < 0 || sc.CheckpointEvery > 1000000 {
		bad("checkpointEvery", "checkpointEvery = %d: must be 0..1000000 ops (0: no checkpoints)", sc.CheckpointEvery)
	}
	if sc.BatchWait < 0 {
		bad("batchWait", "batchWait = %d: must be >= 0 ticks", sc.BatchWait)
	}
	if sc.MaxTicks < 1 {
		bad("maxTicks", "maxTicks = %d: must be >= 1", sc.MaxTicks)
	}
	for _, p := range sc.checkReconfigure() {
		bad(p.Key, "%s", p.Msg)
	}
	n := sc.Universe()
	scheduleOK := true
	for i := range sc.Schedule {
		ev := &sc.Schedule[i]
		where := fmt.Sprintf("schedule[%d]", i)
		n0 := len(errs)
		kinds := 0
		if ev.Crash != nil {
			kinds++
			if *ev.Crash < 0 || *ev.Crash >= n {
				bad(where, "%s: crash replica %d: replicas are 0..%d", where, *ev.Crash, n-1)
			}
		}
		if ev.Restart != nil {
			kinds++
			if *ev.Restart < 0 || *ev.Restart >= n {
				bad(where, "%s: restart replica %d: replicas are 0..%d", where, *ev.Restart, n-1)
			}
		}
		if ev.Partition != "" {
			kinds++
			cut, err := parsePartition(ev.Partition, n)
			if err != nil {
				bad(where, "%s: %v", where, err)
			}
			ev.cut = cut
			if ev.To <= ev.From {
				bad(where, "%s: partition needs from < to (got from %d, to %d)", where, ev.From, ev.To)
			}
		} else if ev.From != 0 || ev.To != 0 {
			bad(where, "%s: from/to belong to a partition", where)
		}
		if kinds != 1 {
			bad(where, "%s: give exactly one of crash, restart or partition", where)
		}
		if ev.At < 0 {
			bad(where, "%s: at = %d: must be >= 0", where, ev.At)
		}
		scheduleOK = scheduleOK && len(errs) == n0
	}
	if scheduleOK && sc.F >= 1 && f.RestartAfter >= 1 {
		for _, p := range sc.checkCrashes() {
			bad(p.Key, "%s", p.Msg)
		}
	}
	if _, err := vr.ParseBugs(sc.Bugs); err != nil {
		bad("bugs", "%v", err)
	}
	if _, err := vr.ParsePolicy(sc.Policy); err != nil {
		bad("policy", "%v", err)
	}
	mode, err := vr.ParseReads(sc.Reads)
	if err != nil {
		bad("reads", "reads: %v", err)
	}
	if sc.Lease < 0 || sc.Lease > 100000 {
		bad("lease", "lease: %d ticks, want 1..100000 (0: the default, %d)", sc.Lease, vr.DefaultLease)
	}
	if sc.Drift < 0 || sc.Drift > 500 {
		bad("drift", "drift: %d per mille, want 0..500 (0: the default, %d)", sc.Drift, vr.DefaultDrift)
	}
	if mode != vr.ReadsLease && (sc.Lease != 0 || sc.Drift != 0) {
		bad("lease", "lease and drift belong to reads: lease")
	}
	if len(errs) > 0 {
		return errs
	}
	if sc.Bugs == nil {
		sc.Bugs = []string{}
	}
	sort.Strings(sc.Bugs)
	return nil
}

// checkCrashes plays the schedule's crashes and restarts in the order the simulator applies
// them (by tick, then as listed). A restart must find its replica crashed, a crash must find
// it up, and never more than f replicas may be down at once: VR cannot recover from that (a
// recovering replica needs f+1 replicas in normal status), so the run would only spin until
// maxTicks. A crash without a later restart of the same replica restarts after
// faults.restartAfter ticks, as the simulator does.
func (sc *Scenario) checkCrashes() Problems {
	type ev struct {
		i, at, replica int
		crash          bool
	}
	var evs []ev
	for i, f := range sc.Schedule {
		switch {
		case f.Crash != nil:
			evs = append(evs, ev{i, f.At, *f.Crash, true})
		case f.Restart != nil:
			evs = append(evs, ev{i, f.At, *f.Restart, false})
		}
	}
	sort.SliceStable(evs, func(a, b int) bool { return evs[a].at < evs[b].at })
	// down[r]: the schedule index of the crash that took replica r down, and until when
	// (0: until a scheduled restart).
	type downAt struct{ i, at, until int }
	down := map[int]downAt{}
	var ps Problems
	for k, e := range evs {
		where := fmt.Sprintf("schedule[%d]", e.i)
		// Replicas whose automatic restart came before this tick are up again. (At the tick
		// itself the schedule is applied first.)
		for r, d := range down {
			if d.until != 0 && d.until < e.at {
				delete(down, r)
			}
		}
		d, isDown := down[e.replica]
		if !e.crash {
			if !isDown {
				ps = append(ps, Problem{where, fmt.Sprintf("%s: restart replica %d at tick %d: it is not crashed then (a restart needs an earlier crash of the same replica in the schedule)", where, e.replica, e.at)})
				continue
			}
			delete(down, e.replica)
			continue
		}
		if isDown {
			ps = append(ps, Problem{where, fmt.Sprintf("%s: crash replica %d at tick %d: it is still down from schedule[%d] (tick %d)", where, e.replica, e.at, d.i, d.at)})
			continue
		}
		until := e.at + sc.Faults.RestartAfter
		for _, later := range evs[k+1:] {
			if !later.crash && later.replica == e.replica {
				until = 0
				break
			}
		}
		down[e.replica] = downAt{e.i, e.at, until}
		if len(down) > sc.F {
			var ids []int
			for r := range down {
				ids = append(ids, r)
			}
			sort.Ints(ids)
			names := make([]string, len(ids))
			for j, r := range ids {
				names[j] = strconv.Itoa(r)
			}
			ps = append(ps, Problem{where, fmt.Sprintf("%s: crash replica %d at tick %d: replicas %s would be down at once, more than f = %d: VR can neither make progress nor recover with more than f replicas down, so the run could never complete", where, e.replica, e.at, strings.Join(names, ", "), sc.F)})
			delete(down, e.replica)
		}
	}
	return ps
}

var partitionRE = regexp.MustCompile(`^\s*\{([\d\s,]*)\}\s*(\||->)\s*\{([\d\s,]*)\}\s*$`)

// parsePartition reads "{0} | {1,2}" (both directions cut) or "{0} -> {1,2}" (one way).
func parsePartition(s string, n int) ([][2]int, error) {
	m := partitionRE.FindStringSubmatch(s)
	if m == nil {
		return nil, fmt.Errorf("partition %q: want \"{a,b} | {c}\" (symmetric) or \"{a} -> {b,c}\" (one-way)", s)
	}
	side := func(list string) ([]int, error) {
		var ids []int
		for _, f := range strings.Split(list, ",") {
			f = strings.TrimSpace(f)
			if f == "" {
				continue
			}
			id, err := strconv.Atoi(f)
			if err != nil || id < 0 || id >= n {
				return nil, fmt.Errorf("partition %q: %q is not a replica (0..%d)", s, f, n-1)
			}
			ids = append(ids, id)
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("partition %q: a side is empty", s)
		}
		return ids, nil
	}
	a, err := side(m[1])
	if err != nil {
		return nil, err
	}
	b, err := side(m[3])
	if err != nil {
		return nil, err
	}
	var cut [][2]int
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return nil, fmt.Errorf("partition %q: replica %d is on both sides", s, x)
			}
			cut = append(cut, [2]int{x, y})
			if m[2] == "|" {
				cut = append(cut, [2]int{y, x})
			}
		}
	}
	return cut, nil
}

// checkReconfigure checks the reconfigurations: in tick order, each a new configuration of an
// odd number (2f'+1) of at least 3 distinct replica ids, sorted, sharing a replica with the one
// before it and with the first (a crashed replica asks the first configuration, and clients
// learn of a new epoch from the old group), never bringing back a replica it replaced.
func (sc *Scenario) checkReconfigure() Problems {
	var ps Problems
	if len(sc.Reconfigure) > 0 && sc.Batch > 1 {
		ps = append(ps, Problem{"reconfigure", "reconfigure: not with batching (batch > 1)"})
	}
	if len(sc.Reconfigure) > 0 && sc.CheckpointEvery > 0 {
		ps = append(ps, Problem{"reconfigure", "reconfigure: not with checkpoints (checkpointEvery > 0) yet"})
	}
	if mode, _ := vr.ParseReads(sc.Reads); len(sc.Reconfigure) > 0 && mode != "" {
		ps = append(ps, Problem{"reconfigure", "reconfigure: not with reads outside the log (reads: " + sc.Reads + ") yet"})
	}
	first := make([]int, 2*sc.F+1)
	for i := range first {
		first[i] = i
	}
	prev, last, gone := first, -1, map[int]bool{}
	for i, rc := range sc.Reconfigure {
		where := fmt.Sprintf("reconfigure[%d]", i)
		bad := func(format string, a ...any) {
			ps = append(ps, Problem{where, where + ": " + fmt.Sprintf(format, a...)})
		}
		c := rc.Replicas
		switch {
		case rc.At < 1 || rc.At <= last:
			bad("at = %d: must be >= 1 and after the reconfiguration before it", rc.At)
		case len(c) < 3 || len(c)%2 == 0 || len(c) > 15:
			bad("replicas %v: want an odd number of replicas, 3..15 (2f'+1)", c)
		case !increasing(c):
			bad("replicas %v: want distinct replica ids >= 0, sorted", c)
		case slices.Equal(c, prev):
			bad("replicas %v: the same configuration as before it", c)
		case !overlaps(c, prev) || !overlaps(c, first):
			bad("replicas %v: must share a replica with the configuration before it and with the first", c)
		default:
			for _, id := range c {
				if gone[id] {
					bad("replicas %v: replica %d was replaced (shut down) before", c, id)
					break
				}
			}
			for _, id := range prev {
				if !slices.Contains(c, id) {
					gone[id] = true
				}
			}
			prev = c
		}
		last = rc.At
	}
	return ps
}

// increasing says whether c holds ids >= 0, strictly increasing.
func increasing(c []int) bool {
	for i, id := range c {
		if id < 0 || i > 0 && id <= c[i-1] {
			return false
		}
	}
	return true
}

func overlaps(a, b []int) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// RandomReconfig adds to sc one reconfiguration drawn from its seed alone (--reconfig): with
// f = 1 grow 3 -> 5 or replace one replica, with f = 2 shrink 5 -> 3 or replace one, else
// replace one; at a tick in 50..349.
func RandomReconfig(sc *Scenario) {
	rng := rand.New(rand.NewPCG(uint64(sc.Seed), 0x7265636f6e666967))
	n := 2*sc.F + 1
	at := 50 + rng.IntN(300)
	var c []int
	kind := rng.IntN(2)
	switch {
	case sc.F == 1 && kind == 0: // grow
		c = []int{0, 1, 2, 3, 4}
	case sc.F == 2 && kind == 0: // shrink: drop two at random
		drop := rng.Perm(n)[:2]
		for i := 0; i < n; i++ {
			if !slices.Contains(drop, i) {
				c = append(c, i)
			}
		}
	default: // replace one
		drop := rng.IntN(n)
		for i := 0; i < n; i++ {
			if i != drop {
				c = append(c, i)
			}
		}
		c = append(c, n)
	}
	sc.Reconfigure = append(sc.Reconfigure, Reconfig{At: at, Replicas: c})
}
