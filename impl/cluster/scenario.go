package cluster

import (
	"fmt"
	"os"
	"slices"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/vrcheck/vrcheck/impl/sim"
)

// Scenario is a cluster run as a YAML file (the flags of `vrcheck cluster`, by the same
// names). Faults are either kinds, scheduled by DefaultSchedule from FaultEvery and
// FaultGrowth, or a Schedule.
type Scenario struct {
	F              int      `yaml:"f"`
	Clients        int      `yaml:"clients"`
	Duration       Span     `yaml:"duration"`
	Ops            int      `yaml:"ops"`
	Faults         []string `yaml:"faults"`
	FaultEvery     int      `yaml:"faultEvery"`
	FaultGrowth    float64  `yaml:"faultGrowth"`
	Schedule       []Fault  `yaml:"schedule"`
	Drop           float64  `yaml:"drop"`
	Proxy          bool     `yaml:"proxy"`
	Trace          bool     `yaml:"trace"`
	Garbage        bool     `yaml:"garbage"`
	TickMs         int      `yaml:"tickMs"`
	ReplicaTimeout int      `yaml:"replicaTimeout"`
	ClientTimeout  int      `yaml:"clientTimeout"`
	Keys           int      `yaml:"keys"`
	Seed           uint64   `yaml:"seed"`
	MaxWait        Span     `yaml:"maxWait"`
}

// Span is a duration written as Go writes one ("30s", "2m", "1m30s").
type Span time.Duration

func (d Span) String() string { return time.Duration(d).String() }

// UnmarshalYAML reads "30s"; a plain number is not a duration (seconds? ticks?).
func (d *Span) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil || n.Tag != "!!str" {
		return fmt.Errorf("%q is not a duration (write it as 30s, 2m or 1m30s)", n.Value)
	}
	*d = Span(v)
	return nil
}

// DefaultScenario is `vrcheck cluster` without flags.
func DefaultScenario() Scenario {
	return Scenario{F: 1, Clients: 8, Duration: Span(30 * time.Second), Faults: []string{FaultCrash, FaultPartition},
		FaultEvery: 2000, FaultGrowth: 1.25, Drop: 0.01, Proxy: true, Trace: true, Garbage: true, TickMs: 10, ReplicaTimeout: 10, ClientTimeout: 20,
		Keys: 100, Seed: 1, MaxWait: Span(30 * time.Second)}
}

// LoadScenario reads a YAML scenario over the defaults.
func LoadScenario(path string) (Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return DefaultScenario(), err
	}
	return ParseScenario(data, path)
}

// ParseScenario reads a YAML scenario; name is used in errors, which name the line (of the
// key, or of the schedule entry): an unknown key, a value of the wrong kind, a value out of
// range.
func ParseScenario(data []byte, name string) (Scenario, error) {
	sc := DefaultScenario()
	lines, err := sim.DecodeYAML(data, name, &sc)
	if err != nil {
		return sc, err
	}
	if err := sc.Validate(); err != nil {
		return sc, sim.Position(err, name, lines, "")
	}
	return sc, nil
}

// Validate reports what is wrong with sc, as a sim.Problems (each names its key).
func (sc Scenario) Validate() error {
	var errs sim.Problems
	bad := func(key, format string, args ...any) {
		errs = append(errs, sim.Problem{Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if sc.F < 1 || sc.F > 7 {
		bad("f", "f = %d, want 1..7", sc.F)
	}
	if sc.Clients < 1 || sc.Clients > 1024 {
		bad("clients", "clients = %d, want 1..1024", sc.Clients)
	}
	if sc.Duration <= 0 || sc.Duration > Span(30*time.Minute) {
		bad("duration", "duration = %v, want more than 0 and at most 30m (traces count milliseconds)", sc.Duration)
	}
	if sc.Ops < 0 {
		bad("ops", "ops = %d, want 0 (no limit) or more", sc.Ops)
	}
	for i, k := range sc.Faults {
		if !slices.Contains([]string{FaultCrash, FaultPartition, FaultDrop}, k) {
			bad(fmt.Sprintf("faults[%d]", i), "fault %q: want crash, partition or drop", k)
		}
	}
	if len(sc.Schedule) == 0 && (slices.Contains(sc.Faults, FaultCrash) || slices.Contains(sc.Faults, FaultPartition)) && sc.FaultEvery < 2 {
		bad("faultEvery", "faultEvery = %d operations, want at least 2", sc.FaultEvery)
	}
	if sc.FaultGrowth < 1 || sc.FaultGrowth > 4 {
		bad("faultGrowth", "faultGrowth = %v, want 1 (a fault every faultEvery operations) .. 4", sc.FaultGrowth)
	}
	if sc.Drop < 0 || sc.Drop > 0.5 {
		bad("drop", "drop = %v, want 0..0.5", sc.Drop)
	}
	if !sc.Proxy && slices.Contains(sc.Faults, FaultDrop) {
		bad("proxy", "frame loss (fault drop) needs the proxy")
	}
	for i, f := range sc.Schedule {
		key := fmt.Sprintf("schedule[%d]", i)
		switch {
		case f.Kind != FaultCrash && f.Kind != FaultPartition:
			bad(key, "schedule[%d]: kind %q, want crash or partition", i, f.Kind)
		case f.Kind == FaultPartition && !sc.Proxy:
			bad(key, "schedule[%d]: a partition needs the proxy", i)
		}
		if f.Replica < -1 || f.Replica > 2*sc.F {
			bad(key, "schedule[%d]: replica %d, want -1 (the primary) .. %d", i, f.Replica, 2*sc.F)
		}
		if f.After < 0 || f.Length < 1 {
			bad(key, "schedule[%d]: after %d, length %d: want after >= 0, length >= 1 (operations)", i, f.After, f.Length)
		}
		if i > 0 && f.After < sc.Schedule[i-1].After {
			bad(key, "schedule[%d]: after %d comes before the previous fault's %d (faults run one at a time, in order)", i, f.After, sc.Schedule[i-1].After)
		}
	}
	if len(sc.Schedule) == 0 && !sc.Proxy && slices.Contains(sc.Faults, FaultPartition) {
		bad("proxy", "partitions need the proxy")
	}
	for _, v := range []struct {
		key string
		n   int
	}{{"tickMs", sc.TickMs}, {"replicaTimeout", sc.ReplicaTimeout}, {"clientTimeout", sc.ClientTimeout}, {"keys", sc.Keys}} {
		if v.n < 1 {
			bad(v.key, "%s = %d, want at least 1", v.key, v.n)
		}
	}
	if sc.MaxWait <= 0 {
		bad("maxWait", "maxWait = %v, want more than 0", sc.MaxWait)
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// Options turns sc into a run's options (Dir, Command and Log are the caller's).
func (sc Scenario) Options() Options {
	o := Options{F: sc.F, Clients: sc.Clients, Duration: time.Duration(sc.Duration), Ops: sc.Ops, Schedule: sc.Schedule,
		Proxy: sc.Proxy, Trace: sc.Trace, Garbage: sc.Garbage, TickMs: sc.TickMs,
		ReplicaTimeout: sc.ReplicaTimeout, ClientTimeout: sc.ClientTimeout, Seed: sc.Seed, MaxWait: time.Duration(sc.MaxWait),
		Workload: Workload{Keys: sc.Keys, Get: 40, Put: 40, Append: 20}}
	if len(o.Schedule) == 0 {
		o.Schedule = DefaultSchedule(sc.Faults, sc.FaultEvery, sc.Ops, sc.FaultGrowth)
	}
	if slices.Contains(sc.Faults, FaultDrop) {
		o.Drop = sc.Drop
	}
	return o
}
