package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

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
	seeds := addSeedFlags(fs, 1000, "")
	bugs := addBugFlag(fs)
	nWorkers := addWorkersFlag(fs, "seeds")
	keepGoing := fs.Bool("keep-going", false, "run every seed instead of stopping at the first failure")
	out := fs.String("out", "vrcheck-explore", "write failing traces and scenarios into this `dir`")
	noProgress := addNoProgressFlag(fs)
	noShrink := fs.Bool("no-shrink", false, "keep the first failure as found")
	shrinkRuns := fs.Int("shrink-runs", explore.DefaultShrinkRuns, "at most this many runs to shrink a failure")
	allBugs := fs.Bool("all-bugs", false, "hunt every bug switch, then run the correct implementation")
	asJSON := fs.Bool("json", false, "write the result as JSON")
	noSteps := fs.Bool("no-step-validation", false, "judge runs by the invariants, linearizability, assertions and liveness alone (which bugs do the properties catch without step-by-step conformance?)")
	lin := addLinFlags(fs)
	policy := fs.String("policy", "default", "how replicas make the choices the paper leaves open: default or alt (the other permitted choices)")
	batch := addBatchFlags(fs)
	reconfig := addReconfigFlag(fs)
	// The names before the flags were made one per idea across commands. (Not pflag's
	// MarkDeprecated: cobra would print its notice on standard output.)
	old := [][2]string{{"from", "first-seed"}, {"quiet", "no-progress"}}
	fs.Int64Var(&seeds.first, "from", 1, "first seed")
	fs.BoolVar(noProgress, "quiet", false, "no progress bar")
	for _, o := range old {
		fs.Lookup(o[0]).Hidden = true
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
		for _, o := range old {
			if fs.Changed(o[0]) {
				fmt.Fprintf(stderr, "vrcheck explore: --%s is now --%s\n", o[0], o[1])
			}
		}
		if err := seeds.validate(); err != nil {
			return err
		}
		workers, err := workers(*nWorkers)
		if err != nil {
			return err
		}
		if *shrinkRuns < 1 {
			return usageErrorf("--shrink-runs %d: want at least 1", *shrinkRuns)
		}
		linOpts, err := lin.options()
		if err != nil {
			return err
		}
		bugList, err := bugList(*bugs)
		if err != nil {
			return err
		}
		if _, err := vr.ParsePolicy(*policy); err != nil {
			return usageErrorf("--policy: %v", err)
		}
		reads, err := vr.ParseReads(batch.reads)
		if err != nil {
			return usageErrorf("--reads: %v", err)
		}
		if (batch.lease != 0 || batch.drift != 0) && reads != vr.ReadsLease {
			return usageErrorf("--lease and --drift belong to --reads lease")
		}
		if batch.lease < 0 || batch.drift < 0 || batch.drift > 500 {
			return usageErrorf("--lease %d --drift %d: want lease >= 0 ticks and drift 0..500 per mille (0: drawn per seed)", batch.lease, batch.drift)
		}
		if reads != "" && *reconfig {
			return usageErrorf("--reads %s: not with --reconfig yet", reads)
		}
		if *allBugs && (len(bugList) > 0 || *keepGoing) {
			return usageErrorf("--all-bugs hunts each switch in turn: it takes neither --bug nor --keep-going")
		}
		o := explore.HuntOptions{
			Options: explore.Options{FirstSeed: seeds.first, Seeds: seeds.n, Bugs: bugList, Workers: workers,
				KeepGoing: *keepGoing, LinTimeout: linOpts.LinTimeout, NoLin: linOpts.SkipLinearizability, IgnoreSteps: *noSteps, Policy: *policy,
				Batch: batch.size, BatchWait: batch.wait, CheckpointEvery: batch.checkpointEvery, Reads: reads, Lease: batch.lease, Drift: batch.drift, Reconfig: *reconfig},
			NoShrink: *noShrink, ShrinkRuns: *shrinkRuns, Dir: *out,
		}
		pr := newProgress(stderr, *noProgress)
		start := time.Now()
		var (
			result interface{ OK() bool }
			write  func() error
		)
		if *allBugs {
			a, err := explore.HuntAll(o, func(label string) (func(int64, bool), func()) {
				return pr.start(label, seeds.n)
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
			o.OnSeed, end = pr.start(label, seeds.n)
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
			pr.done.Load(), pr.failed.Load(), el.Seconds(), float64(pr.done.Load())/el.Seconds(), workers)
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

func newProgress(stderr io.Writer, noProgress bool) *progress {
	pr := &progress{}
	if !noProgress && ttyOutput(stderr) {
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
