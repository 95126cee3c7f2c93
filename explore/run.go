package explore

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
)

// Kind is the kind of a failure.
type Kind string

// Failure kinds. A safety violation is a failed checker verdict; undecided is a check that
// gave no verdict (porcupine's time limit ran out: not a pass, as in vrcheck check); an
// assertion is a replica's own assertion (sim.Result.Faults) in a trace the checker passed; a
// liveness failure is a run that did not complete every request (sim.ErrNoQuiescence) while
// every safety check passed.
const (
	Safety    Kind = "safety"
	Undecided Kind = "undecided"
	Assertion Kind = "assertion"
	Liveness  Kind = "liveness"
)

// Check names for the failures that do not come from the checker.
const (
	ReplicaAssertion = "ReplicaAssertion"
	NoQuiescence     = "NoQuiescence"
)

// Failure says how a run failed.
type Failure struct {
	Kind Kind `json:"kind"`
	// Check is the checker's check (StepValidation, an invariant of VR.tla, Linearizability),
	// or ReplicaAssertion, or NoQuiescence.
	Check string `json:"check"`
	// Action is the action of the first failing event (empty for Linearizability and
	// NoQuiescence); Line is its trace line.
	Action  string `json:"action,omitempty"`
	Line    int    `json:"line,omitempty"`
	Message string `json:"message"`
	// Why is, for a failed step, what the spec's rule decided and where the trace departs
	// (the checker's explanation; vrcheck check prints the rest: the rule and its inputs).
	Why string `json:"why,omitempty"`
}

// Same reports whether g fails the same check as f: what shrinking must preserve.
func (f *Failure) Same(g *Failure) bool {
	return f != nil && g != nil && f.Kind == g.Kind && f.Check == g.Check
}

// Describe is a one-line description, e.g. "safety: NoLogDivergence at line 120 (ReceiveStartView)".
func (f *Failure) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", f.Kind, f.Check)
	if f.Line > 0 {
		fmt.Fprintf(&b, " at line %d", f.Line)
	}
	if f.Action != "" {
		fmt.Fprintf(&b, " (%s)", f.Action)
	}
	return b.String()
}

// Outcome is what one run of a scenario gave.
type Outcome struct {
	Scenario sim.Scenario
	Result   *sim.Result
	Report   *checker.Report
	Failure  *Failure // nil: every check passed and the run completed
	Events   int      // trace lines after the header
	Trace    []byte   // the trace, when the run was asked to keep it
}

// Runner simulates and checks scenarios, reusing its trace buffer. It is not safe for
// concurrent use: give each worker its own.
type Runner struct {
	// LinTimeout bounds the linearizability check of each run (0: the checker's default);
	// NoLin skips it.
	LinTimeout time.Duration
	NoLin      bool
	// IgnoreSteps leaves step validation out of the verdict (see Options.IgnoreSteps).
	IgnoreSteps bool
	buf         bytes.Buffer
}

// Run simulates sc, checks the trace, and classifies the outcome. keep keeps a copy of the
// trace in the Outcome. An error means the run could not be done at all (an invalid scenario,
// or a trace the checker cannot read, which is a simulator bug).
func (rn *Runner) Run(sc sim.Scenario, keep bool) (*Outcome, error) {
	rn.buf.Reset()
	res, simErr := sim.Run(sc, &rn.buf)
	if res == nil {
		return nil, simErr
	}
	if simErr != nil && !errors.Is(simErr, sim.ErrNoQuiescence) {
		return nil, fmt.Errorf("seed %d: %w", sc.Seed, simErr)
	}
	name := fmt.Sprintf("seed-%d", sc.Seed)
	rep, err := checker.Check(bytes.NewReader(rn.buf.Bytes()), name, checker.Options{LinTimeout: rn.LinTimeout, SkipLinearizability: rn.NoLin})
	if err != nil {
		return nil, fmt.Errorf("seed %d: the checker cannot read the simulator's trace: %w", sc.Seed, err)
	}
	out := &Outcome{Scenario: res.Scenario, Result: res, Report: rep, Events: res.Events}
	out.Failure = classify(res, rep, simErr, rn.IgnoreSteps)
	if keep {
		out.Trace = bytes.Clone(rn.buf.Bytes())
	}
	return out, nil
}

// classify names the failure of a run, if any: a safety violation first (the checker's
// earliest failing check, leaving out step validation if ignoreSteps), then a replica's
// assertion, then the lack of progress.
func classify(res *sim.Result, rep *checker.Report, simErr error, ignoreSteps bool) *Failure {
	var first *checker.Verdict
	for i := range rep.Verdicts {
		v := &rep.Verdicts[i]
		if v.Status != checker.Fail && v.Status != checker.Unknown || ignoreSteps && v.Check == checker.StepValidation {
			continue
		}
		// The earliest line wins; a verdict without a line (linearizability, judged on the
		// whole history) comes after those with one; ties keep report order.
		if first == nil || (v.Line > 0 && (first.Line == 0 || v.Line < first.Line)) {
			first = v
		}
	}
	if first != nil {
		kind := Safety
		if first.Status == checker.Unknown {
			kind = Undecided
		}
		f := &Failure{Kind: kind, Check: first.Check, Action: first.Action, Line: first.Line, Message: first.Message}
		if first.Check == checker.StepValidation && len(rep.Mismatches) > 0 && rep.Mismatches[0].Line == first.Line {
			f.Why = rep.Mismatches[0].Decision
		}
		return f
	}
	if len(res.Faults) > 0 {
		return &Failure{Kind: Assertion, Check: ReplicaAssertion, Message: res.Faults[0]}
	}
	if simErr != nil {
		return &Failure{Kind: Liveness, Check: NoQuiescence, Message: simErr.Error()}
	}
	return nil
}
