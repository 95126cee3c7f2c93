package explore

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// DefaultShrinkRuns bounds the runs one shrink may take.
const DefaultShrinkRuns = 300

// Shrunk is the result of shrinking a failing scenario.
type Shrunk struct {
	Original *Outcome // the failing run as found
	Best     *Outcome // the failing run with the fewest events (its Trace is kept)
	Runs     int      // runs tried
	Steps    []string // the reductions accepted, in order
}

// candidate is one reduction of a scenario.
type candidate struct {
	what string
	sc   sim.Scenario
}

// Shrink looks for a simpler scenario than sc that still fails the way want says (the same
// kind and check, and for step validation the same action). It tries, in order, a smaller
// cluster, fewer clients, fewer requests, each fault class switched off, lower fault rates, a
// narrower delay spread and an earlier end of the faults; the first reduction that still fails
// is taken and the list is tried again on it, until none is taken or maxRuns runs are spent
// (0: DefaultShrinkRuns). Every reduction makes the scenario strictly smaller, so it ends. The
// seed is kept: the simulator's choices still come from it. Last, a safety violation's run is
// cut right after the violating event (maxTicks), so the trace ends there. The result is the
// failing run with the fewest events seen.
func Shrink(rn *Runner, sc sim.Scenario, want *Failure, maxRuns int) (*Shrunk, error) {
	if maxRuns <= 0 {
		maxRuns = DefaultShrinkRuns
	}
	orig, err := rn.Run(sc, true)
	if err != nil {
		return nil, err
	}
	if !want.same(orig.Failure) {
		return nil, fmt.Errorf("seed %d: shrink: the scenario does not fail with %s (got %v)", sc.Seed, want.Describe(), describe(orig.Failure))
	}
	s := &Shrunk{Original: orig, Runs: 1, Steps: []string{}}
	cur, best := orig, orig
	var steps []string // the reductions that led to cur
	try := func(c candidate) (*Outcome, error) {
		out, err := rn.Run(c.sc, true)
		s.Runs++
		if err != nil || !want.same(out.Failure) {
			return nil, err
		}
		return out, nil
	}
	for s.Runs < maxRuns {
		taken := false
		for _, c := range candidates(cur.Scenario) {
			if s.Runs >= maxRuns {
				break
			}
			out, err := try(c)
			if err != nil {
				return nil, err
			}
			if out != nil {
				cur, taken = out, true
				steps = append(steps, c.what)
				if out.Events <= best.Events {
					best, s.Steps = out, append([]string{}, steps...)
				}
				break
			}
		}
		if !taken {
			break
		}
	}
	if c, ok := cutAfterViolation(best); ok {
		out, err := try(c)
		if err != nil {
			return nil, err
		}
		if out != nil && out.Events < best.Events {
			best, s.Steps = out, append(s.Steps, c.what)
		}
	}
	s.Best = best
	return s, nil
}

// cutAfterViolation is out's scenario stopped at the end of the tick of its first violation:
// the run up to there is the same (maxTicks is only read to stop), so it fails the same way,
// and the trace ends at the violation instead of running on to quiescence.
func cutAfterViolation(out *Outcome) (candidate, bool) {
	f := out.Failure
	if f.Kind != Safety || f.Line < 2 {
		return candidate{}, false
	}
	rd, err := traces.NewReader(bytes.NewReader(out.Trace), "shrink")
	if err != nil {
		return candidate{}, false
	}
	for {
		e, err := rd.Next()
		if err != nil {
			return candidate{}, false
		}
		if rd.Line() == f.Line {
			c := out.Scenario
			c.Bugs = append([]string{}, c.Bugs...)
			if e.Tick+1 >= c.MaxTicks {
				return candidate{}, false
			}
			c.MaxTicks = e.Tick + 1
			return candidate{fmt.Sprintf("stop at tick %d, right after the violation", e.Tick), c}, true
		}
	}
}

// same is Same, and for step validation also the same action: the shrunk trace must show the
// same defect, not another one that shrinking happened to expose.
func (f *Failure) same(g *Failure) bool {
	return f.Same(g) && (f.Check != checker.StepValidation || f.Action == g.Action)
}

func describe(f *Failure) string {
	if f == nil {
		return "no failure"
	}
	return f.Describe()
}

// minRate is the lowest rate a halving leaves in place; below it the class is switched off.
const minRate = 0.002

// candidates lists the reductions of sc, most effective first. Each keeps the time allowed
// after the last fault (MaxTicks - QuietAt), so a correct cluster still has time to finish.
func candidates(sc sim.Scenario) []candidate {
	var cs []candidate
	margin := sc.MaxTicks - QuietAt(sc)
	add := func(what string, change func(*sim.Scenario)) {
		c := sc
		c.Bugs = slices.Clone(sc.Bugs)
		c.Schedule = slices.Clone(sc.Schedule)
		change(&c)
		c.MaxTicks = max(1, QuietAt(c)+margin)
		cs = append(cs, candidate{what, c})
	}
	if sc.F > 1 && len(sc.Reconfigure) == 0 { // a reconfiguration names the replicas of its f
		add(fmt.Sprintf("f %d -> %d", sc.F, sc.F-1), func(c *sim.Scenario) {
			c.F--
			// Cuts name replicas: drop those the smaller cluster does not have.
			c.Schedule = slices.DeleteFunc(c.Schedule, func(f sim.Fault) bool { return !fitsCluster(f, 2*c.F+1) })
		})
	}
	if sc.Clients > 2 {
		add(fmt.Sprintf("clients %d -> %d", sc.Clients, sc.Clients/2), func(c *sim.Scenario) { c.Clients /= 2 })
	}
	if sc.Clients > 1 {
		add(fmt.Sprintf("clients %d -> %d", sc.Clients, sc.Clients-1), func(c *sim.Scenario) { c.Clients-- })
	}
	if sc.Requests > 2 {
		add(fmt.Sprintf("requests %d -> %d", sc.Requests, sc.Requests/2), func(c *sim.Scenario) { c.Requests /= 2 })
	}
	if sc.Requests > 1 {
		add(fmt.Sprintf("requests %d -> %d", sc.Requests, sc.Requests-1), func(c *sim.Scenario) { c.Requests-- })
	}
	if len(sc.Schedule) > 1 {
		add("no scheduled faults", func(c *sim.Scenario) { c.Schedule = []sim.Fault{} })
	}
	for i := range sc.Schedule {
		add(fmt.Sprintf("without scheduled fault %d", i+1), func(c *sim.Scenario) { c.Schedule = slices.Delete(c.Schedule, i, i+1) })
	}
	f := sc.Faults
	rates := []struct {
		name string
		p    float64
		set  func(*sim.Faults, float64)
	}{
		{"drop", f.Drop, func(f *sim.Faults, p float64) { f.Drop = p }},
		{"duplicate", f.Duplicate, func(f *sim.Faults, p float64) { f.Duplicate = p }},
		{"crash", f.Crash, func(f *sim.Faults, p float64) { f.Crash = p }},
		{"partition", f.Partition, func(f *sim.Faults, p float64) { f.Partition = p }},
	}
	// Whole fault classes off first, then lower rates.
	for _, r := range rates {
		if r.p > 0 {
			add(fmt.Sprintf("no %s", r.name), func(c *sim.Scenario) { r.set(&c.Faults, 0) })
		}
	}
	if f.MaxDelay > f.MinDelay {
		add("no reordering", func(c *sim.Scenario) { c.Faults.MaxDelay = c.Faults.MinDelay })
	}
	for _, r := range rates {
		if r.p/2 >= minRate {
			add(fmt.Sprintf("%s %g -> %g", r.name, r.p, r.p/2), func(c *sim.Scenario) { r.set(&c.Faults, r.p/2) })
		}
	}
	if spread := f.MaxDelay - f.MinDelay; spread > 1 {
		add(fmt.Sprintf("max delay %d -> %d", f.MaxDelay, f.MinDelay+spread/2), func(c *sim.Scenario) { c.Faults.MaxDelay = f.MinDelay + spread/2 })
	}
	if f.StopAt >= 20 {
		add(fmt.Sprintf("faults until %d -> %d", f.StopAt, f.StopAt/2), func(c *sim.Scenario) { c.Faults.StopAt /= 2 })
	}
	if f.StopAt >= 8 {
		add(fmt.Sprintf("faults until %d -> %d", f.StopAt, f.StopAt*3/4), func(c *sim.Scenario) { c.Faults.StopAt = f.StopAt * 3 / 4 })
	}
	return cs
}

// fitsCluster says whether every replica a scheduled fault names is one of 0..n-1.
func fitsCluster(f sim.Fault, n int) bool {
	for _, id := range []*int{f.Crash, f.Restart} {
		if id != nil && *id >= n {
			return false
		}
	}
	for _, d := range replicaID.FindAllString(f.Partition, -1) {
		if id, err := strconv.Atoi(d); err != nil || id >= n {
			return false
		}
	}
	return true
}

var replicaID = regexp.MustCompile(`\d+`)
