package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"gopkg.in/yaml.v3"
)

// Scenario is a cluster run as a YAML file (the flags of `vrcheck cluster`, by the same
// names). Faults are either kinds, scheduled every FaultEvery operations, or a Schedule.
type Scenario struct {
	F              int           `yaml:"f"`
	Clients        int           `yaml:"clients"`
	Duration       time.Duration `yaml:"duration"`
	Ops            int           `yaml:"ops"`
	Faults         []string      `yaml:"faults"`
	FaultEvery     int           `yaml:"faultEvery"`
	Schedule       []Fault       `yaml:"schedule"`
	Drop           float64       `yaml:"drop"`
	Proxy          bool          `yaml:"proxy"`
	Trace          bool          `yaml:"trace"`
	Garbage        bool          `yaml:"garbage"`
	TickMs         int           `yaml:"tickMs"`
	ReplicaTimeout int           `yaml:"replicaTimeout"`
	ClientTimeout  int           `yaml:"clientTimeout"`
	Keys           int           `yaml:"keys"`
	Seed           uint64        `yaml:"seed"`
	MaxWait        time.Duration `yaml:"maxWait"`
}

// DefaultScenario is `vrcheck cluster` without flags.
func DefaultScenario() Scenario {
	return Scenario{F: 1, Clients: 8, Duration: 30 * time.Second, Faults: []string{FaultCrash, FaultPartition},
		FaultEvery: 2000, Drop: 0.01, Proxy: true, Trace: true, TickMs: 10, ReplicaTimeout: 10, ClientTimeout: 20,
		Keys: 100, Seed: 1, MaxWait: 30 * time.Second}
}

// LoadScenario reads a YAML scenario over the defaults; unknown keys are errors.
func LoadScenario(path string) (Scenario, error) {
	sc := DefaultScenario()
	data, err := os.ReadFile(path)
	if err != nil {
		return sc, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&sc); err != nil && !errors.Is(err, io.EOF) {
		return sc, fmt.Errorf("%s: %v", path, err)
	}
	if err := sc.Validate(); err != nil {
		return sc, fmt.Errorf("%s: %w", path, err)
	}
	return sc, nil
}

// Validate reports what is wrong with sc.
func (sc Scenario) Validate() error {
	var errs []error
	if sc.F < 1 || sc.F > 7 {
		errs = append(errs, fmt.Errorf("f = %d, want 1..7", sc.F))
	}
	if sc.Clients < 1 || sc.Clients > 1024 {
		errs = append(errs, fmt.Errorf("clients = %d, want 1..1024", sc.Clients))
	}
	if sc.Duration <= 0 || sc.Duration > 30*time.Minute {
		errs = append(errs, fmt.Errorf("duration = %v, want more than 0 and at most 30m (traces count milliseconds)", sc.Duration))
	}
	for _, k := range sc.Faults {
		if !slices.Contains([]string{FaultCrash, FaultPartition, FaultDrop}, k) {
			errs = append(errs, fmt.Errorf("fault %q: want crash, partition or drop", k))
		}
	}
	if len(sc.Schedule) == 0 && (slices.Contains(sc.Faults, FaultCrash) || slices.Contains(sc.Faults, FaultPartition)) && sc.FaultEvery < 2 {
		errs = append(errs, fmt.Errorf("faultEvery = %d operations, want at least 2", sc.FaultEvery))
	}
	if sc.Drop < 0 || sc.Drop > 0.5 {
		errs = append(errs, fmt.Errorf("drop = %v, want 0..0.5", sc.Drop))
	}
	if !sc.Proxy && (slices.Contains(sc.Faults, FaultPartition) || slices.Contains(sc.Faults, FaultDrop)) {
		errs = append(errs, fmt.Errorf("partitions and loss need the proxy"))
	}
	for i, f := range sc.Schedule {
		if (f.Kind != FaultCrash && f.Kind != FaultPartition) || f.Length < 1 || f.Replica < -1 || f.Replica > 2*sc.F || f.After < 0 {
			errs = append(errs, fmt.Errorf("schedule[%d]: want kind crash or partition, replica -1 (the primary) .. %d, after >= 0, length >= 1", i, 2*sc.F))
		}
	}
	if sc.TickMs < 1 || sc.ReplicaTimeout < 1 || sc.ClientTimeout < 1 || sc.Keys < 1 {
		errs = append(errs, fmt.Errorf("tickMs, replicaTimeout, clientTimeout and keys must be at least 1"))
	}
	return errors.Join(errs...)
}

// Options turns sc into a run's options (Dir, Command and Log are the caller's).
func (sc Scenario) Options() Options {
	o := Options{F: sc.F, Clients: sc.Clients, Duration: sc.Duration, Ops: sc.Ops, Schedule: sc.Schedule,
		Proxy: sc.Proxy, Trace: sc.Trace, Garbage: sc.Garbage, TickMs: sc.TickMs,
		ReplicaTimeout: sc.ReplicaTimeout, ClientTimeout: sc.ClientTimeout, Seed: sc.Seed, MaxWait: sc.MaxWait,
		Workload: Workload{Keys: sc.Keys, Get: 40, Put: 40, Append: 20}}
	if len(o.Schedule) == 0 {
		o.Schedule = DefaultSchedule(sc.Faults, sc.FaultEvery, sc.Ops)
	}
	if slices.Contains(sc.Faults, FaultDrop) {
		o.Drop = sc.Drop
	}
	return o
}
