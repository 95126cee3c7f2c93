package explore

import (
	"fmt"
	"strings"
	"time"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// HuntOptions extend Options with what to do with the first failure.
type HuntOptions struct {
	Options
	// NoShrink keeps the first failure as found.
	NoShrink bool
	// ShrinkRuns bounds the shrink (0: DefaultShrinkRuns).
	ShrinkRuns int
	// Dir, if set, receives the first failing trace and scenario (shrunk and as found).
	Dir string
	// Prefix starts the saved files' names (e.g. the bug's name).
	Prefix string
}

// Hunt is the outcome of exploring one configuration: the seeds run and, for the lowest
// failing seed, its failure before and after shrinking.
type Hunt struct {
	Bugs      []string `json:"bugs"`
	Policy    string   `json:"policy,omitempty"`
	Batch     int      `json:"batch,omitempty"`
	BatchWait int      `json:"batchWait,omitempty"`
	// CheckpointEvery is K of --checkpoint-every (0: none given).
	CheckpointEvery int `json:"checkpointEvery,omitempty"`
	// Reads is the mode of --reads ("": none given).
	Reads       string `json:"reads,omitempty"`
	Lease       int    `json:"lease,omitempty"`
	Drift       int    `json:"drift,omitempty"`
	Reconfig    bool   `json:"reconfig,omitempty"`
	IgnoreSteps bool   `json:"ignoreStepValidation"`
	// NoLin and LinTimeout are the linearizability options the seeds ran with.
	NoLin      bool          `json:"noLin,omitempty"`
	LinTimeout time.Duration `json:"linTimeoutNs,omitempty"`
	FirstSeed  int64         `json:"firstSeed"`
	Seeds      int           `json:"seeds"`    // seeds asked for
	Run        int           `json:"run"`      // seeds the verdict covers (up to the first failure unless keep-going)
	Failures   []Found       `json:"failures"` // by seed: the first only, unless keep-going
	First      *First        `json:"first,omitempty"`
}

// First is the lowest failing seed, shrunk.
type First struct {
	Seed    int64   `json:"seed"`
	Failure Failure `json:"failure"`
	Events  int     `json:"events"` // events of its trace as found
	// Shrunk is the failure of the smallest failing scenario found (the same check), with
	// ShrunkEvents events. Also lists the other checks the trace as found fails (the shrunk
	// trace may stop at the first violation, before the others show).
	Shrunk       Failure  `json:"shrunk"`
	ShrunkEvents int      `json:"shrunkEvents"`
	Also         []string `json:"also"`
	Steps        []string `json:"steps"` // reductions accepted by the shrink
	ShrinkRuns   int      `json:"shrinkRuns"`
	// Saved: the shrunk run (or the run as found, with NoShrink); Unshrunk: the run as found.
	Saved    *Saved `json:"saved,omitempty"`
	Unshrunk *Saved `json:"unshrunk,omitempty"`
}

// Run explores, then shrinks and saves the lowest failing seed.
func (o HuntOptions) Run() (*Hunt, error) {
	res, err := Explore(o.Options)
	if err != nil {
		return nil, err
	}
	h := &Hunt{Bugs: append([]string{}, o.Bugs...), Policy: o.Policy, Batch: o.Batch, BatchWait: o.BatchWait, CheckpointEvery: o.CheckpointEvery, Reads: o.Reads, Lease: o.Lease, Drift: o.Drift, Reconfig: o.Reconfig, IgnoreSteps: o.IgnoreSteps, NoLin: o.NoLin, LinTimeout: o.LinTimeout, FirstSeed: o.FirstSeed, Seeds: o.Seeds, Run: res.Seeds, Failures: res.Failures}
	if h.Failures == nil {
		h.Failures = []Found{}
	}
	first := res.First()
	if first == nil {
		return h, nil
	}
	rn := &Runner{LinTimeout: o.LinTimeout, NoLin: o.NoLin, IgnoreSteps: o.IgnoreSteps}
	sc := o.scenario(first.Seed)
	var orig, best *Outcome
	f := &First{Seed: first.Seed, Failure: first.Failure, Events: first.Events, Steps: []string{}}
	if o.NoShrink {
		if orig, err = rn.Run(sc, true); err != nil {
			return nil, err
		}
		best = orig
	} else {
		s, err := Shrink(rn, sc, &first.Failure, o.ShrinkRuns)
		if err != nil {
			return nil, err
		}
		orig, best = s.Original, s.Best
		f.Steps, f.ShrinkRuns = append(f.Steps, s.Steps...), s.Runs
	}
	if !first.Failure.same(best.Failure) {
		// The run is deterministic, so this is a harness bug; say so rather than report it.
		return nil, fmt.Errorf("seed %d: re-run gave %s, first run gave %s: the run is not deterministic", first.Seed, describe(best.Failure), first.Failure.Describe())
	}
	f.Shrunk, f.ShrunkEvents = *best.Failure, best.Events
	f.Also = alsoFailed(orig.Report, &first.Failure)
	h.First = f
	if o.Dir != "" {
		base := o.Prefix + fmt.Sprintf("seed-%d", first.Seed)
		found := fmt.Sprintf("found by: %s: %s", ExploreCommand(first.Seed, o.Options), first.Failure.Describe())
		if best != orig {
			note := []string{found, fmt.Sprintf("shrunk from %d to %d events: %s", f.Events, f.ShrunkEvents, strings.Join(f.Steps, ", ")), best.Failure.Describe()}
			if f.Saved, err = Save(o.Dir, base, best, note); err != nil {
				return nil, err
			}
			if f.Unshrunk, err = Save(o.Dir, base+"-unshrunk", orig, []string{found}); err != nil {
				return nil, err
			}
		} else if f.Saved, err = Save(o.Dir, base, orig, []string{found}); err != nil {
			return nil, err
		}
	}
	return h, nil
}

// ExploreCommand is the command that explores seed alone, with the given bug switches.
func ExploreCommand(seed int64, o Options) string {
	cmd := fmt.Sprintf("vrcheck explore --first-seed %d --seeds 1", seed)
	if len(o.Bugs) > 0 {
		cmd += " --bug " + checker.ShellQuote(strings.Join(o.Bugs, ","))
	}
	if o.IgnoreSteps {
		cmd += " --no-step-validation"
	}
	if o.Policy != "" && o.Policy != "default" {
		cmd += " --policy " + checker.ShellQuote(o.Policy)
	}
	if o.CheckpointEvery > 0 {
		cmd += fmt.Sprintf(" --checkpoint-every %d", o.CheckpointEvery)
	}
	if mode, _ := vr.ParseReads(o.Reads); mode != "" {
		cmd += " --reads " + mode
	}
	if o.Lease > 0 {
		cmd += fmt.Sprintf(" --lease %d", o.Lease)
	}
	if o.Drift > 0 {
		cmd += fmt.Sprintf(" --drift %d", o.Drift)
	}
	if o.Batch > 1 {
		cmd += fmt.Sprintf(" --batch %d", o.Batch)
		if o.BatchWait > 0 {
			cmd += fmt.Sprintf(" --batch-wait %d", o.BatchWait)
		}
	}
	if o.Reconfig {
		cmd += " --reconfig"
	}
	switch {
	case o.NoLin:
		cmd += " --no-lin"
	case o.LinTimeout == 1<<63-1: // no limit
		cmd += " --lin-timeout 0"
	case o.LinTimeout != 0 && o.LinTimeout != checker.DefaultLinTimeout:
		cmd += " --lin-timeout " + o.LinTimeout.String()
	}
	return cmd
}

// alsoFailed lists the checks other than f's that rep failed, in report order.
func alsoFailed(rep *checker.Report, f *Failure) []string {
	also := []string{}
	for _, v := range rep.Verdicts {
		if (v.Status == checker.Fail || v.Status == checker.Unknown) && v.Check != f.Check {
			also = append(also, v.Check)
		}
	}
	return also
}

// BugHunt is one row of the --all-bugs table.
type BugHunt struct {
	Bug         string `json:"bug"`
	Description string `json:"description"`
	Found       bool   `json:"found"`
	Hunt        *Hunt  `json:"hunt"`
}

// AllBugs is the outcome of hunting every bug of the catalog and of running the correct
// implementation over the same seeds.
type AllBugs struct {
	FirstSeed   int64     `json:"firstSeed"`
	Seeds       int       `json:"seeds"`
	IgnoreSteps bool      `json:"ignoreStepValidation"`
	Bugs        []BugHunt `json:"bugs"`
	Correct     *Hunt     `json:"correct"` // keep-going: every seed is run and counted
}

// OK reports whether every bug was found and the correct implementation ran clean.
func (a *AllBugs) OK() bool {
	for _, b := range a.Bugs {
		if !b.Found {
			return false
		}
	}
	return len(a.Correct.Failures) == 0
}

// HuntAll hunts each bug of vr.BugCatalog with o (its Bugs replaced by that one switch), then
// runs the correct implementation over all the seeds. progress, if set, is called before each
// hunt with its label (the bug, or "correct") and returns the hunt's OnSeed callback and a
// function to call when the hunt ends.
func HuntAll(o HuntOptions, progress func(label string) (onSeed func(int64, bool), done func())) (*AllBugs, error) {
	a := &AllBugs{FirstSeed: o.FirstSeed, Seeds: o.Seeds, IgnoreSteps: o.IgnoreSteps, Bugs: []BugHunt{}}
	for _, b := range vr.BugCatalog {
		bo := o
		bo.Bugs = []string{b.Name}
		bo.KeepGoing = false
		bo.Prefix = b.Name + "-"
		done := func() {}
		if progress != nil {
			bo.OnSeed, done = progress(b.Name)
		}
		h, err := bo.Run()
		done()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", b.Name, err)
		}
		a.Bugs = append(a.Bugs, BugHunt{Bug: b.Name, Description: b.Description, Found: h.First != nil, Hunt: h})
	}
	co := o
	co.Bugs = nil
	co.KeepGoing = true
	co.Prefix = "correct-"
	done := func() {}
	if progress != nil {
		co.OnSeed, done = progress("correct")
	}
	h, err := co.Run()
	done()
	if err != nil {
		return nil, fmt.Errorf("correct implementation: %w", err)
	}
	a.Correct = h
	return a, nil
}
