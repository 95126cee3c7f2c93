package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/explore"
	"github.com/vrcheck/vrcheck/impl/vr"
)

const exploreUsage = `Swarm testing: every seed draws its own fault mix (drops, duplicates, reordering, partitions,
crashes, timeouts, clients and requests) from the seed, runs the simulator and checks the trace
(step validation, VR.tla's invariants, linearizability); a run that does not complete is a
liveness failure. The same seed always gives the same scenario and the same trace.

The lowest failing seed is shrunk (fewer clients, requests and faults while it fails the same
check), written to --out with its scenario, and the command that reproduces it is printed.
With --all-bugs, every bug switch of 'vrcheck bugs' is hunted in turn, then the correct
implementation is run over the same seeds.

Exit status: 0 nothing found (--all-bugs: every bug found and the correct implementation
clean), 1 a failure found (--all-bugs: a bug not found or the correct implementation failing),
2 bad usage or an error.`

func init() { register(newExploreCmd) }

func newExploreCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "explore [flags]",
		Short: "swarm testing: many seeds, each with its own fault mix; shrink and save the first failure",
		Long:  exploreUsage,
		Args:  noArgs,
	}
	fs := cmd.Flags()
	seeds := fs.Int("seeds", 1000, "number of `seeds` to explore")
	from := fs.Int64("from", 1, "first `seed`")
	bugs := fs.String("bug", "", "comma-separated bug `switches` to turn on (see vrcheck bugs)")
	workers := fs.Int("workers", runtime.NumCPU(), "seeds run in parallel")
	keepGoing := fs.Bool("keep-going", false, "run every seed instead of stopping at the first failure")
	out := fs.String("out", "vrcheck-explore", "write failing traces and scenarios into this `dir`")
	quiet := fs.Bool("quiet", false, "no progress bar")
	noShrink := fs.Bool("no-shrink", false, "keep the first failure as found")
	shrinkRuns := fs.Int("shrink-runs", explore.DefaultShrinkRuns, "at most this many runs to shrink a failure")
	allBugs := fs.Bool("all-bugs", false, "hunt every bug switch, then run the correct implementation")
	asJSON := fs.Bool("json", false, "write the result as JSON")
	noSteps := fs.Bool("no-step-validation", false, "judge runs by the invariants, linearizability, assertions and liveness alone (which bugs do the properties catch without step-by-step conformance?)")
	linTimeout := fs.Duration("lin-timeout", checker.DefaultLinTimeout, "time limit of each linearizability check (a timeout is a failure, not a pass)")
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
		if *seeds < 1 {
			return usageErrorf("--seeds %d: want at least 1", *seeds)
		}
		if *from < 0 || *from+int64(*seeds)-1 > 1<<31-1 {
			return usageErrorf("seeds %d..%d: seeds must be in 0..2^31-1", *from, *from+int64(*seeds)-1)
		}
		if *workers < 1 {
			return usageErrorf("--workers %d: want at least 1", *workers)
		}
		if *shrinkRuns < 1 {
			return usageErrorf("--shrink-runs %d: want at least 1", *shrinkRuns)
		}
		if *linTimeout <= 0 {
			return usageErrorf("--lin-timeout must be > 0")
		}
		var bugList []string
		for _, b := range strings.Split(*bugs, ",") {
			if b = strings.TrimSpace(b); b != "" {
				bugList = append(bugList, b)
			}
		}
		if _, err := vr.ParseBugs(bugList); err != nil {
			return usageErrorf("--bug: %v", err)
		}
		if *allBugs && (len(bugList) > 0 || *keepGoing) {
			return usageErrorf("--all-bugs hunts each switch in turn: it takes neither --bug nor --keep-going")
		}
		o := explore.HuntOptions{
			Options: explore.Options{From: *from, Seeds: *seeds, Bugs: bugList, Workers: *workers,
				KeepGoing: *keepGoing, LinTimeout: *linTimeout, IgnoreSteps: *noSteps},
			NoShrink: *noShrink, ShrinkRuns: *shrinkRuns, Dir: *out,
		}
		pr := newProgress(stderr, *quiet)
		start := time.Now()
		var (
			result interface{ OK() bool }
			write  func() error
		)
		if *allBugs {
			a, err := explore.HuntAll(o, func(label string) (func(int64, bool), func()) {
				return pr.start(label, *seeds)
			})
			pr.wait()
			if err != nil {
				return inputError(err)
			}
			result, write = a, func() error {
				if *asJSON {
					return writeJSON(stdout, a)
				}
				if err := a.WriteTable(stdout); err != nil {
					return err
				}
				if hasSaved(a) {
					_, err := fmt.Fprintf(stdout, "failing traces, their scenarios and reproduce commands: %s/\n", *out)
					return err
				}
				return nil
			}
		} else {
			label := "correct"
			if len(bugList) > 0 {
				label = strings.Join(bugList, ",")
			}
			var end func()
			o.OnSeed, end = pr.start(label, *seeds)
			h, err := o.Run()
			end()
			pr.wait()
			if err != nil {
				return inputError(err)
			}
			result, write = hunt{h}, func() error {
				if *asJSON {
					return writeJSON(stdout, h)
				}
				return h.WriteText(stdout)
			}
		}
		if err := write(); err != nil {
			return inputError(err)
		}
		// Timing goes to stderr (after the bars, if any): stdout depends only on the flags.
		el := time.Since(start)
		fmt.Fprintf(stderr, "explore: %d seeds run (%d failing) in %.1fs, %.0f seeds/s, %d workers\n",
			pr.done.Load(), pr.failed.Load(), el.Seconds(), float64(pr.done.Load())/el.Seconds(), *workers)
		if result.OK() {
			return nil
		}
		return exitCode(1)
	}
	return cmd
}

// hunt gives explore.Hunt the OK of a plain exploration: no failure.
type hunt struct{ *explore.Hunt }

func (h hunt) OK() bool { return h.First == nil }

func hasSaved(a *explore.AllBugs) bool {
	for _, b := range a.Bugs {
		if b.Hunt.First != nil && b.Hunt.First.Saved != nil {
			return true
		}
	}
	return a.Correct.First != nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// progress shows one mpb bar per hunt on a terminal, and counts seeds either way.
type progress struct {
	p            *mpb.Progress
	bars         bool
	done, failed atomic.Int64
}

func newProgress(stderr io.Writer, quiet bool) *progress {
	pr := &progress{}
	if !quiet && ttyOutput(stderr) {
		pr.bars = true
		pr.p = mpb.New(mpb.WithOutput(stderr), mpb.WithWidth(32), mpb.WithRefreshRate(150*time.Millisecond))
	}
	return pr
}

// start adds a bar for a hunt of n seeds; it returns the OnSeed callback and the function
// that ends the bar (a hunt that stops at its first failure ends early).
func (pr *progress) start(label string, n int) (func(int64, bool), func()) {
	var failed atomic.Int64
	var bar *mpb.Bar
	if pr.bars {
		bar = pr.p.AddBar(int64(n),
			mpb.PrependDecorators(decor.Name(label, decor.WCSyncSpaceR), decor.CountersNoUnit("%d/%d seeds", decor.WCSyncSpace)),
			mpb.AppendDecorators(
				decor.Any(func(decor.Statistics) string { return fmt.Sprintf("%d failing", failed.Load()) }, decor.WCSyncSpace),
				decor.AverageSpeed(nil, "%.0f seeds/s", decor.WCSyncSpace),
			))
	}
	onSeed := func(_ int64, fail bool) {
		pr.done.Add(1)
		if fail {
			pr.failed.Add(1)
			failed.Add(1)
		}
		if bar != nil {
			bar.Increment()
		}
	}
	end := func() {
		if bar != nil && !bar.Completed() {
			bar.SetTotal(-1, true) // the total becomes the seeds run
		}
	}
	return onSeed, end
}

func (pr *progress) wait() {
	if pr.p != nil {
		pr.p.Wait()
		pr.p = nil
	}
}

// ttyOutput reports whether w is a character device other than /dev/null.
func ttyOutput(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	if err != nil || st.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(st, null)
}
