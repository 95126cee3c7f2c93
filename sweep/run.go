package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/impl/vr"
)

// Checks are the checker's verdicts a run records, in column order: step validation, each
// invariant of VR.tla by name, linearizability.
var Checks = append(append(append(append(append(append([]string{checker.StepValidation}, checker.Invariants...), checker.CheckpointInvariants...),
	checker.EpochInvariants...), checker.ReadInvariants...), checker.LeaseInvariants...), checker.Linearizability)

// checkpointCheck reports whether check c is reported only for traces with checkpoints.
func checkpointCheck(c string) bool { return slices.Contains(checker.CheckpointInvariants, c) }

// epochCheck reports whether check c is reported only for traces with reconfigurations.
func epochCheck(c string) bool { return slices.Contains(checker.EpochInvariants, c) }

// readCheck reports whether check c is reported only for traces with reads outside the log.
func readCheck(c string) bool { return slices.Contains(checker.ReadInvariants, c) }

// leaseCheck says whether c is reported only for traces with reads under leases.
func leaseCheck(c string) bool { return slices.Contains(checker.LeaseInvariants, c) }

// Run is one simulation of one grid point with one seed, and its check.
type Run struct {
	Point int   // index into the grid's points
	Seed  int64 // the simulator seed
	// Res is the simulator's result (nil if the scenario could not run at all).
	Res *sim.Result
	// SimErr is the simulator's error: most often that the run did not complete every request
	// by maxTicks (the trace is still checked).
	SimErr string
	// Verdicts holds the status of each of Checks (checker.Pass, Fail, Unknown, Skipped); nil
	// when the run was not checked or the trace could not be read (CheckErr).
	Verdicts []string
	// FirstFailure describes the first failed check ("Check at line N: message"), if any.
	FirstFailure string
	// FailLine and FailMessage locate the first failed check in the trace (0 if none).
	FailLine    int
	FailMessage string
	CheckErr    string
	// P50..Max are the per-request latency percentiles in ticks (0 if nothing completed).
	P50, P90, P99, Max int
	// GetP50 and GetP99 are those of the gets alone (fast reads, §6.2, serve only gets).
	GetP50, GetP99 int
	// SimMS and CheckMS are the wall-clock cost of simulating and of checking. They are the
	// only columns that differ between two sweeps with the same grid.
	SimMS, CheckMS float64
	// TraceFile is where the trace of a failing run was saved ("" if not saved).
	TraceFile string
	// TraceBytes is the size of the run's trace, header included.
	TraceBytes int
}

// BytesPerEvent is the trace's bytes per event (0 without events).
func (r *Run) BytesPerEvent() float64 {
	if r.Res == nil || r.Res.Events == 0 {
		return 0
	}
	return float64(r.TraceBytes) / float64(r.Res.Events)
}

// ChecksPassed reports whether the run was checked and every check passed (a skipped check is
// not a failure; an unknown verdict is).
func (r *Run) ChecksPassed() bool {
	if r.Verdicts == nil {
		return false
	}
	for _, v := range r.Verdicts {
		if v != checker.Pass && v != checker.Skipped {
			return false
		}
	}
	return true
}

// Failed reports whether the run found a problem worth a bug report: a failed check, an
// unreadable trace, a replica assertion, or a run that did not complete.
func (r *Run) Failed() bool {
	return (r.Verdicts != nil && !r.ChecksPassed()) || r.CheckErr != "" || r.SimErr != "" ||
		(r.Res != nil && len(r.Res.Faults) > 0)
}

// Options control how a sweep runs.
type Options struct {
	// Workers is the number of runs in parallel (0: GOMAXPROCS).
	Workers int
	// NoCheck skips the checker: verdict columns stay empty.
	NoCheck bool
	// Checker options (e.g. the linearizability timeout).
	Checker checker.Options
	// FailedDir, if set, receives the trace of every failing run (see Failed), named
	// "<point label>-seed<seed>.ndjson"; Prune then keeps the first KeepFailed of them.
	FailedDir string
	// Reconfig adds a random reconfiguration drawn from each run's seed (sim.RandomReconfig).
	Reconfig bool
	// OnRun is called once per finished run, from one goroutine, in completion order (for
	// a progress bar).
	OnRun func(r *Run)
}

// Execute runs every point of g with every seed and returns the runs ordered by point, then
// seed, whatever order they finished in.
func Execute(g *Grid, opts Options) ([]Point, []Run, error) {
	if err := g.Validate(); err != nil {
		return nil, nil, err
	}
	if opts.FailedDir != "" {
		if err := os.MkdirAll(opts.FailedDir, 0o755); err != nil {
			return nil, nil, err
		}
	}
	pts := g.Points()
	runs := make([]Run, len(pts)*g.Seeds)
	for i := range runs {
		runs[i] = Run{Point: i / g.Seeds, Seed: g.FirstSeed + int64(i%g.Seeds)}
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	jobs := make(chan int)
	done := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				execute(&runs[i], pts[runs[i].Point], opts)
				done <- i
			}
		}()
	}
	go func() {
		for i := range runs {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(done)
	}()
	// Each slot of runs is written by exactly one worker before its index is sent on done, so
	// reading it here is race-free.
	for i := range done {
		if opts.OnRun != nil {
			opts.OnRun(&runs[i])
		}
	}
	return pts, runs, nil
}

// execute simulates and checks one run, filling r.
func execute(r *Run, p Point, opts Options) {
	sc := p.Scenario
	sc.Seed = r.Seed
	if opts.Reconfig {
		sim.RandomReconfig(&sc)
	}
	var trace bytes.Buffer
	start := time.Now()
	res, err := sim.Run(sc, &trace)
	r.SimMS = ms(time.Since(start))
	r.Res, r.TraceBytes = res, trace.Len()
	if err != nil {
		r.SimErr = err.Error()
	}
	if res == nil {
		return
	}
	// The run's own latencies are not needed once summarised; drop them to keep sweeps small.
	r.P50, r.P90, r.P99, r.Max = res.Latency(50), res.Latency(90), res.Latency(99), res.Latency(100)
	r.GetP50, r.GetP99 = res.GetLatency(50), res.GetLatency(99)
	res.Latencies = nil
	if !opts.NoCheck {
		start = time.Now()
		rep, err := checker.Check(bytes.NewReader(trace.Bytes()), "trace", opts.Checker)
		r.CheckMS = ms(time.Since(start))
		if err != nil {
			r.CheckErr = err.Error()
		} else {
			r.Verdicts = make([]string, len(Checks))
			// The first failure is the one at the earliest line; one without a line
			// (linearizability) comes last.
			var first *checker.Verdict
			for i, c := range Checks {
				v, ok := rep.Verdict(c)
				if !ok && checkpointCheck(c) && sc.CheckpointEvery == 0 {
					r.Verdicts[i] = checker.Skipped // no checkpoints: nothing to check
					continue
				}
				if !ok && epochCheck(c) && len(sc.Reconfigure) == 0 {
					r.Verdicts[i] = checker.Skipped // no reconfiguration
					continue
				}
				if mode, _ := vr.ParseReads(sc.Reads); !ok && readCheck(c) && mode != vr.ReadsBackup {
					r.Verdicts[i] = checker.Skipped // no reads at backups
					continue
				}
				if mode, _ := vr.ParseReads(sc.Reads); !ok && leaseCheck(c) && mode != vr.ReadsLease {
					r.Verdicts[i] = checker.Skipped // no reads under leases
					continue
				}
				if !ok {
					r.Verdicts[i] = "missing"
					continue
				}
				r.Verdicts[i] = v.Status
				if v.Status != checker.Pass && v.Status != checker.Skipped &&
					(first == nil || (v.Line > 0 && (first.Line == 0 || v.Line < first.Line))) {
					first = &v
				}
			}
			if v := first; v != nil {
				r.FirstFailure = fmt.Sprintf("%s %s", v.Check, v.Status)
				if v.Line > 0 {
					r.FirstFailure += fmt.Sprintf(" at line %d", v.Line)
				}
				if v.Message != "" {
					r.FirstFailure += ": " + v.Message
				}
				r.FailLine, r.FailMessage = v.Line, v.Check+" "+v.Status+": "+v.Message
			}
		}
	}
	if opts.FailedDir != "" && r.Failed() {
		name := filepath.Join(opts.FailedDir, TraceName(p, r.Seed))
		if err := os.WriteFile(name, trace.Bytes(), 0o644); err != nil {
			r.CheckErr = strings.TrimPrefix(r.CheckErr+"; saving the trace: "+err.Error(), "; ")
		} else {
			r.TraceFile = name
		}
	}
}

// TraceName is the file name of a saved trace.
func TraceName(p Point, seed int64) string {
	name := []byte(p.Label())
	for i, c := range name {
		if c == ' ' || c == '=' || c == '/' {
			name[i] = '_'
		}
	}
	return fmt.Sprintf("%s-seed%d.ndjson", name, seed)
}

// Prune keeps the saved traces of the first keep failing runs (in grid order, so the choice
// does not depend on which worker finished first) and deletes the rest.
func Prune(runs []Run, keep int) error {
	var errs []error
	for i := range runs {
		r := &runs[i]
		if r.TraceFile == "" {
			continue
		}
		if keep > 0 {
			keep--
			continue
		}
		if err := os.Remove(r.TraceFile); err != nil {
			errs = append(errs, err)
		}
		r.TraceFile = ""
	}
	return errors.Join(errs...)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
