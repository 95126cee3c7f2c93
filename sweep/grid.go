// Package sweep runs the simulator and the checker over a grid of parameters, in parallel,
// and reports every run (CSV), every grid point (a summary table) and the trends (PNG plots).
package sweep

import (
	"errors"
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/vrcheck/vrcheck/impl/sim"
)

// Axis is one parameter a grid can sweep.
type Axis struct {
	Name  string
	Doc   string
	Label string // for a plot's axis
	Int   bool   // integer-valued
	get   func(*sim.Scenario) float64
	set   func(*sim.Scenario, float64)
	// Choices, if set, makes the axis a choice among names (a mode such as a read mode):
	// value i is Choices[i]; flags, labels, the CSV and the plots use the names (Parse,
	// Format). Int must then be true.
	Choices []string
}

// Format prints a value of the axis: its name for a choice axis, else the number as briefly
// as it can be read back (FormatValue).
func (a *Axis) Format(v float64) string {
	if a.Choices != nil {
		if i := int(v); float64(i) == v && i >= 0 && i < len(a.Choices) {
			return a.Choices[i]
		}
	}
	return FormatValue(v)
}

// Parse reads a flag's list of values: comma-separated names for a choice axis, else
// numbers and ranges (ParseValues).
func (a *Axis) Parse(s string) (Values, error) {
	if a.Choices == nil {
		return ParseValues(s)
	}
	var out Values
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		i := slices.Index(a.Choices, item)
		if i < 0 {
			return nil, fmt.Errorf("%q is not one of %s", item, strings.Join(a.Choices, ", "))
		}
		out = append(out, float64(i))
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: no values", s)
	}
	return out, nil
}

// Axes lists the parameters a grid can sweep, in the order grid points are enumerated
// (the first is the outermost loop).
var Axes = []Axis{
	{"clients", "number of clients", "number of clients", true,
		func(s *sim.Scenario) float64 { return float64(s.Clients) },
		func(s *sim.Scenario, v float64) { s.Clients = int(v) }, nil},
	{"f", "failures tolerated (2f+1 replicas)", "f, failures tolerated (2f+1 replicas)", true,
		func(s *sim.Scenario) float64 { return float64(s.F) },
		func(s *sim.Scenario, v float64) { s.F = int(v) }, nil},
	{"requests", "requests per client", "requests per client", true,
		func(s *sim.Scenario) float64 { return float64(s.Requests) },
		func(s *sim.Scenario, v float64) { s.Requests = int(v) }, nil},
	{"drop", "probability that a message is lost", "message loss probability (drop)", false,
		func(s *sim.Scenario) float64 { return s.Faults.Drop },
		func(s *sim.Scenario, v float64) { s.Faults.Drop = v }, nil},
	{"duplicate", "probability that a message is delivered twice", "message duplication probability (duplicate)", false,
		func(s *sim.Scenario) float64 { return s.Faults.Duplicate },
		func(s *sim.Scenario, v float64) { s.Faults.Duplicate = v }, nil},
	{"crash", "probability per tick that a replica crashes", "replica crash probability per tick (crash)", false,
		func(s *sim.Scenario) float64 { return s.Faults.Crash },
		func(s *sim.Scenario, v float64) { s.Faults.Crash = v }, nil},
	{"partition", "probability per tick that a replica is cut off", "partition probability per tick (partition)", false,
		func(s *sim.Scenario) float64 { return s.Faults.Partition },
		func(s *sim.Scenario, v float64) { s.Faults.Partition = v }, nil},
	{"batch", "requests the primary gathers into one PREPARE (§6.1; 0 or 1: none)", "batch size B (batch)", true,
		func(s *sim.Scenario) float64 { return float64(s.Batch) },
		func(s *sim.Scenario, v float64) { s.Batch = int(v) }, nil},
	{"checkpointEvery", "committed ops between checkpoints, after which the log before it is discarded (§5.1; 0: no checkpoints)", "checkpoint every K ops (checkpointEvery)", true,
		func(s *sim.Scenario) float64 { return float64(s.CheckpointEvery) },
		func(s *sim.Scenario, v float64) { s.CheckpointEvery = int(v) }, nil},
	{"reads", "how gets are served (§6.2): none (through the log), backup (READ at a backup, causal) or lease (at the primary under leases, linearizable)", "read mode (reads)", true,
		func(s *sim.Scenario) float64 { return float64(max(0, slices.Index(readModes, s.Reads))) },
		func(s *sim.Scenario, v float64) { s.Reads = readModes[int(v)] }, readModes},
	// After reads: a point without reads under leases keeps no lease length.
	{"lease", "with reads lease, the lease length L in ticks (§6.2; 0: the default, 5; other read modes ignore it)", "lease length L, ticks (lease)", true,
		func(s *sim.Scenario) float64 { return float64(s.Lease) },
		func(s *sim.Scenario, v float64) {
			if s.Reads == "lease" {
				s.Lease = int(v)
			}
		}, nil},
}

// readModes are the reads axis's choices (vr.ReadModes; "" is none).
var readModes = []string{"none", "backup", "lease"}

// AxisIndex returns the index in Axes of the named axis, or -1.
func AxisIndex(name string) int {
	for i, a := range Axes {
		if a.Name == name {
			return i
		}
	}
	return -1
}

// Values is one axis's list of values. In YAML it is a list of numbers or a string in the
// flag syntax ("1,2,5", "1..50", "0..0.1/0.02").
type Values []float64

// UnmarshalYAML accepts a sequence of numbers, a single number, or a string list.
func (v *Values) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.SequenceNode:
		var fs []float64
		if err := n.Decode(&fs); err != nil {
			return err
		}
		*v = fs
		return nil
	case yaml.ScalarNode:
		vs, err := ParseValues(n.Value)
		if err != nil {
			return fmt.Errorf("line %d: %w", n.Line, err)
		}
		*v = vs
		return nil
	}
	return fmt.Errorf("line %d: want a list of numbers or a string like \"1..50\"", n.Line)
}

// ParseValues reads a comma-separated list whose items are numbers or ranges "a..b" (in
// steps of 1: a and b must then be whole numbers) or "a..b/step" (b must be a whole number of
// steps from a), e.g. "1,2,5..10" or "0..0.1/0.025". A range that would leave out values the
// user wrote (0..0.1 in steps of 1 is only 0) is an error, not a silent surprise.
func ParseValues(s string) (Values, error) {
	var out Values
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		lo, hi, ok := strings.Cut(item, "..")
		if !ok {
			x, err := strconv.ParseFloat(item, 64)
			if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("%q is not a number", item)
			}
			out = append(out, x)
			continue
		}
		step, hasStep := 1.0, false
		if h, st, ok := strings.Cut(hi, "/"); ok {
			hi, hasStep = h, true
			var err error
			if step, err = strconv.ParseFloat(strings.TrimSpace(st), 64); err != nil || !(step > 0) || math.IsInf(step, 0) {
				return nil, fmt.Errorf("range %q: step %q must be a positive number", item, st)
			}
		}
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if err1 != nil || err2 != nil || b < a || math.IsInf(a, 0) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("range %q: want \"low..high\" with low <= high", item)
		}
		steps := (b - a) / step
		n := int(math.Round(steps)) + 1
		if math.Abs(steps-math.Round(steps)) > 1e-9*math.Max(1, steps) {
			if !hasStep {
				return nil, fmt.Errorf("range %q counts in steps of 1, which does not reach %s: give a step, e.g. %q", item, FormatValue(b), item+"/"+FormatValue(suggestStep(b-a)))
			}
			return nil, fmt.Errorf("range %q: %s is not a whole number of steps of %s from %s", item, FormatValue(b), FormatValue(step), FormatValue(a))
		}
		if n > 100000 {
			return nil, fmt.Errorf("range %q has %d values: too many", item, n)
		}
		for i := 0; i < n; i++ {
			// Round away the float error of a+i*step (0.1*3 = 0.30000000000000004).
			out = append(out, math.Round((a+float64(i)*step)*1e9)/1e9)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: no values", s)
	}
	return out, nil
}

// suggestStep is a step that cuts a span into about five.
func suggestStep(span float64) float64 {
	if span <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(span/5)))
	for _, m := range []float64{1, 2, 5, 10} {
		if span/(m*p) <= 5.0001 && math.Abs(span/(m*p)-math.Round(span/(m*p))) < 1e-9 {
			return math.Round(m*p*1e9) / 1e9
		}
	}
	return math.Round(span/5*1e9) / 1e9
}

// Grid is a sweep: a base scenario, the values of each swept axis, and the seeds run at each
// point. Its YAML form is what `vrcheck sweep --grid FILE` reads.
type Grid struct {
	// Base gives every parameter that is not swept (default: sim.Default()).
	Base sim.Scenario `yaml:"base"`
	// Values per axis name; an axis left out keeps the base scenario's value.
	Clients   Values `yaml:"clients"`
	F         Values `yaml:"f"`
	Requests  Values `yaml:"requests"`
	Drop      Values `yaml:"drop"`
	Duplicate Values `yaml:"duplicate"`
	Crash     Values `yaml:"crash"`
	Partition Values `yaml:"partition"`
	Batch     Values `yaml:"batch"`
	// CheckpointEvery is K of --checkpoint-every.
	CheckpointEvery Values `yaml:"checkpointEvery"`
	// Seeds is the number of runs per point, with seeds FirstSeed, FirstSeed+1, ...: every point
	// runs the same seeds, so points are compared on the same random draws.
	Seeds     int   `yaml:"seeds"`
	FirstSeed int64 `yaml:"firstSeed"`
	// X names the axis the plots put on the x-axis (default: the first axis with more than one
	// value, else clients).
	X string `yaml:"x"`

	// defaultClients: Clients is Default()'s 1..50, which gives way to any axis set.
	defaultClients bool
	// other holds the values of axes that have no field above (see values).
	other map[string]*Values
}

// Default is the default sweep, the original program's analysis: latency and simulated time
// against the number of clients, 1 to 50, with f = 1 and the default scenario (faults on),
// 3 seeds per point. The clients axis is swept only while no axis is set: setting another
// (SetValues, or a grid file) leaves clients at the base scenario's value. Replicas handle DefaultCapacity messages per tick, as the original's
// processes took time to handle each message: without a cost per message, load could not show.
func Default() Grid {
	clients := make(Values, 50)
	for i := range clients {
		clients[i] = float64(i + 1)
	}
	base := sim.Default()
	base.Capacity = DefaultCapacity
	return Grid{Base: base, Clients: clients, Seeds: 3, FirstSeed: 1, defaultClients: true}
}

// DefaultCapacity is the default sweep's messages per replica per tick.
const DefaultCapacity = 8

// values returns the grid's values for Axes[i] (nil: not set).
func (g *Grid) values(i int) *Values {
	switch Axes[i].Name {
	case "clients":
		return &g.Clients
	case "f":
		return &g.F
	case "requests":
		return &g.Requests
	case "drop":
		return &g.Drop
	case "duplicate":
		return &g.Duplicate
	case "crash":
		return &g.Crash
	case "partition":
		return &g.Partition
	case "batch":
		return &g.Batch
	case "checkpointEvery":
		return &g.CheckpointEvery
	}
	// An axis without a field of its own (not in grid files yet): set by flag (SetValues).
	if g.other == nil {
		g.other = map[string]*Values{}
	}
	v, ok := g.other[Axes[i].Name]
	if !ok {
		v = new(Values)
		g.other[Axes[i].Name] = v
	}
	return v
}

// SetValues sets the values of the named axis. The default clients sweep gives way.
func (g *Grid) SetValues(axis string, v Values) error {
	i := AxisIndex(axis)
	if i < 0 {
		return fmt.Errorf("unknown axis %q", axis)
	}
	if g.defaultClients {
		g.Clients, g.defaultClients = nil, false
	}
	*g.values(i) = v
	return nil
}

// LoadGrid reads a grid from a YAML file; what it leaves out keeps Default()'s values, except
// that if it sets any axis, clients is swept only if it sets clients.
func LoadGrid(path string) (Grid, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Grid{}, err
	}
	return ParseGrid(data, path)
}

// ParseGrid reads a YAML grid; name is used in errors.
func ParseGrid(data []byte, name string) (Grid, error) {
	g := Default()
	g.Clients = nil
	// The same reader as scenario files: unknown keys and wrong values named by line.
	lines, err := sim.DecodeYAML(data, name, &g)
	if err != nil {
		return Grid{}, err
	}
	set := false
	for i := range Axes {
		set = set || *g.values(i) != nil
	}
	if !set {
		g.Clients = Default().Clients
	} else {
		g.defaultClients = false
	}
	if err := g.Validate(); err != nil {
		return Grid{}, sim.Position(err, name, lines, "")
	}
	return g, nil
}

// Validate checks the grid: values of the right kind, a seed count, and that every point is a
// valid scenario. Its error is a sim.Problems keyed as in the grid file (an axis, "seeds",
// "base.requests"), so ParseGrid can name the line.
func (g *Grid) Validate() error {
	var errs sim.Problems
	bad := func(key, format string, a ...any) {
		errs = append(errs, sim.Problem{Key: key, Msg: fmt.Sprintf(format, a...)})
	}
	for i, a := range Axes {
		for _, v := range *g.values(i) {
			if a.Int && v != math.Trunc(v) {
				bad(a.Name, "%s: %v is not an integer", a.Name, v)
			}
			if a.Choices != nil && (v < 0 || int(v) >= len(a.Choices)) {
				bad(a.Name, "%s: %v is not one of 0..%d (%s)", a.Name, v, len(a.Choices)-1, strings.Join(a.Choices, ", "))
			}
		}
	}
	if g.Seeds < 1 || g.Seeds > 100000 {
		bad("seeds", "seeds = %d: must be 1..100000", g.Seeds)
	}
	if g.FirstSeed < 0 || g.FirstSeed+int64(g.Seeds) > 1<<31 {
		bad("firstSeed", "firstSeed = %d: seeds must stay in 0..2^31-1", g.FirstSeed)
	}
	if g.X != "" && AxisIndex(g.X) < 0 {
		bad("x", "x = %q: not an axis (%s)", g.X, axisNames())
	}
	if len(errs) > 0 {
		return errs
	}
	pts := g.Points()
	if len(pts)*g.Seeds > 1000000 {
		bad("seeds", "%d points x %d seeds is too many runs", len(pts), g.Seeds)
		return errs
	}
	for _, p := range pts {
		sc := p.Scenario
		err := sc.Validate()
		if err == nil {
			continue
		}
		var ps sim.Problems
		if !errors.As(err, &ps) {
			return fmt.Errorf("point %s: %w", p.Label(), err)
		}
		for _, q := range ps {
			// A swept parameter's problem is the axis's; any other is the base scenario's.
			key := "base." + q.Key
			for i, a := range Axes {
				if *g.values(i) != nil && scenarioKey[a.Name] == q.Key {
					key = a.Name
				}
			}
			bad(key, "point %s: %s", p.Label(), q.Msg)
		}
		return errs
	}
	return nil
}

// scenarioKey is each axis's key in a scenario file.
var scenarioKey = map[string]string{
	"clients": "clients", "f": "f", "requests": "requests",
	"drop": "faults.drop", "duplicate": "faults.duplicate", "crash": "faults.crash", "partition": "faults.partition",
	"checkpointEvery": "checkpointEvery", "reads": "reads",
}

func axisNames() string {
	var ns []string
	for _, a := range Axes {
		ns = append(ns, a.Name)
	}
	return strings.Join(ns, ", ")
}

// Point is one combination of axis values.
type Point struct {
	Index int
	// Values holds the value of every axis (swept or not), indexed like Axes.
	Values []float64
	// Scenario is the base scenario with this point's values; Seed is set per run.
	Scenario sim.Scenario
	swept    []bool
}

// Label names the point by its swept axes, e.g. "clients=5 drop=0.02" (or "base" when nothing
// is swept).
func (p Point) Label() string {
	var parts []string
	for i, a := range Axes {
		if p.swept[i] {
			parts = append(parts, a.Name+"="+a.Format(p.Values[i]))
		}
	}
	if len(parts) == 0 {
		return "base"
	}
	return strings.Join(parts, " ")
}

// FormatValue prints an axis value as briefly as it can be read back.
func FormatValue(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// Swept reports which axes have more than one value.
func (g *Grid) Swept() []bool {
	s := make([]bool, len(Axes))
	for i := range Axes {
		s[i] = len(*g.values(i)) > 1
	}
	return s
}

// XAxis returns the index of the axis the plots use as x.
func (g *Grid) XAxis() int {
	if g.X != "" {
		return AxisIndex(g.X)
	}
	for i, s := range g.Swept() {
		if s {
			return i
		}
	}
	return 0
}

// Points enumerates the grid's points: the Cartesian product of the axes' values, the first
// axis outermost, in the order the values were given.
func (g *Grid) Points() []Point {
	lists := make([][]float64, len(Axes))
	for i, a := range Axes {
		if v := *g.values(i); len(v) > 0 {
			lists[i] = v
		} else {
			lists[i] = []float64{a.get(&g.Base)}
		}
	}
	swept := g.Swept()
	var pts []Point
	idx := make([]int, len(Axes))
	for {
		p := Point{Index: len(pts), Values: make([]float64, len(Axes)), Scenario: g.Base, swept: swept}
		p.Scenario.Schedule = append([]sim.Fault(nil), g.Base.Schedule...)
		p.Scenario.Bugs = append([]string{}, g.Base.Bugs...)
		for i, a := range Axes {
			p.Values[i] = lists[i][idx[i]]
			a.set(&p.Scenario, p.Values[i])
		}
		pts = append(pts, p)
		// Advance the odometer, last axis fastest.
		k := len(Axes) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < len(lists[k]) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return pts
		}
	}
}
