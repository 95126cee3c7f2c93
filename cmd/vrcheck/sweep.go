package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/vrcheck/vrcheck/explore"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/sweep"
)

const sweepSynopsis = `Simulate and check a grid of scenarios in parallel, then write into --out:
  runs.csv        one row per run (columns below)
  latency.png     latency p50/p90/p99 against the x axis, one line per other swept value
  ticks.png       simulated time to complete every request against the x axis
  checks.png      runs per point in which every check passed
  cost.png        wall-clock milliseconds to simulate and to check one run (this machine)
  throughput.png  requests completed per 1,000 ticks against the x axis (e.g. --batch 1,2,4,8)
  reconfiguration.png  with --reconfig: ticks to the new primary and to complete, requests blocked
  failed/         the trace (and timeline) of each failing run, to replay or inspect
and print a summary table per point. With no axis given it sweeps the number of clients, 1 to
50, with f = 1 and the default scenario (faults on) but with replicas that handle 8 messages
per tick (--capacity; without a cost per message, load cannot show), 3 seeds per point: 150
runs. Giving any axis replaces that default (--drop 0..0.1/0.05 alone is 3 points at 5
clients; add --clients to sweep both).

An axis flag takes a list: "1,2,5", a range "1..50" (in steps of 1, so whole-number ends) or
"0..0.1/0.02" (low..high/step). Every point runs the same seeds (--first-seed, +1, ...), so
points are compared on the same random draws. The replay column of runs.csv is the vrcheck run
command that replays a row byte for byte.
A grid file (--grid) is YAML with the same names, e.g.
  base: {requests: 20, faults: {stopAt: 300}}   # a scenario, as for --scenario
  clients: 1..20
  drop: [0, 0.05, 0.1]
  seeds: 5
  x: clients

Exit status: 0 if every run completed and passed every check, 1 if not, 2 on bad usage.

CSV columns (simMs and checkMs are wall-clock costs; every other column is the same on every
machine for the same grid):
`

func init() { register(newSweepCmd) }

func newSweepCmd() *cobra.Command {
	var long bytes.Buffer
	long.WriteString(sweepSynopsis)
	sweep.WriteColumns(&long)
	cmd := &cobra.Command{
		Use:   "sweep [flags]",
		Short: "simulate and check a grid of scenarios in parallel; write a CSV, plots and a summary",
		Long:  long.String(),
		Args:  noArgs,
	}
	fs := cmd.Flags()
	d := sweep.Default()
	var (
		gridFile = fs.String("grid", "", "read the grid from this YAML `file` (flags given as well override it)")
		scenario = fs.String("scenario", "", "read the base scenario from this YAML `file` (as for vrcheck run)")
		out      = fs.String("out", "vrcheck-sweep", "write the CSV, plots and failing traces into this `dir`")
		seeds    = addSeedFlags(fs, d.Seeds, " per point (every point runs the same seeds)")
		bugs     = addBugFlag(fs)
		x        = fs.String("x", "", "`axis` on the plots' x axis (default: the first swept axis)")
		nWorkers = addWorkersFlag(fs, "runs")
		noCheck  = fs.Bool("no-check", false, "only simulate: leave the verdict columns empty")
		lin      = addLinFlags(fs)
		keep     = fs.Int("keep-failed", 20, "save the traces of at most this many failing runs (the first, in grid order)")
		capacity = fs.Int("capacity", sweep.DefaultCapacity, "messages a replica handles per tick (0: no limit), unless --scenario or --grid sets it")
		noFaults = fs.Bool("no-faults", false, "turn every random fault of the base scenario off (the fault axes still apply)")
		reconfig = addReconfigFlag(fs)
		noBar    = addNoProgressFlag(fs)
	)
	axes := make([]*string, len(sweep.Axes))
	for i, a := range sweep.Axes {
		axes[i] = fs.String(axisFlag(a.Name), "", "`values` of "+a.Doc)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
		set := fs.Changed
		bad := usageErrorf
		g := sweep.Default()
		if *gridFile != "" {
			var err error
			if g, err = sweep.LoadGrid(*gridFile); err != nil {
				return inputError(err)
			}
		}
		if *scenario != "" {
			sc, err := sim.Load(*scenario)
			if err != nil {
				return inputError(err)
			}
			g.Base = sc
		}
		if set("capacity") || (*scenario == "" && *gridFile == "") {
			g.Base.Capacity = *capacity
		}
		if *noFaults {
			g.Base.Faults = sim.NoFaults(g.Base.Faults)
		}
		if set("bug") {
			var err error
			if g.Base.Bugs, err = bugList(*bugs); err != nil {
				return err
			}
		}
		if set("seeds") || *gridFile == "" {
			g.Seeds = seeds.n
		}
		if set("first-seed") || *gridFile == "" {
			g.FirstSeed = seeds.first
		}
		if set("x") {
			g.X = *x
		}
		for i, a := range sweep.Axes {
			if !set(axisFlag(a.Name)) {
				continue
			}
			vs, err := a.Parse(*axes[i])
			if err != nil {
				return bad("--%s: %v", axisFlag(a.Name), err)
			}
			_ = g.SetValues(a.Name, vs)
		}
		if err := g.Validate(); err != nil {
			return bad("%v", err)
		}
		workers, err := workers(*nWorkers)
		if err != nil {
			return err
		}
		checkOpts, err := lin.options()
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return inputError(err)
		}
		failedDir := filepath.Join(*out, "failed")
		// Old failing traces would be mistaken for this sweep's.
		if err := os.RemoveAll(failedDir); err != nil {
			return inputError(err)
		}

		pts := g.Points()
		total := len(pts) * g.Seeds
		opts := sweep.Options{Workers: workers, NoCheck: *noCheck, FailedDir: failedDir, Checker: checkOpts, Reconfig: *reconfig}
		if *keep <= 0 {
			opts.FailedDir = ""
		}
		fmt.Fprintf(stdout, "sweep: %d points x %d seeds = %d runs, into %s/\n", len(pts), g.Seeds, total, *out)
		bar := newSweepProgress(stderr, !*noBar && ttyOutput(stderr), len(pts), total, g.Seeds)
		opts.OnRun = bar.done
		start := time.Now()
		pts, runs, err := sweep.Execute(&g, opts)
		bar.wait()
		if err != nil {
			return inputError(err)
		}
		elapsed := time.Since(start)
		if err := sweep.Prune(runs, *keep); err != nil {
			fmt.Fprintf(stderr, "vrcheck sweep: %v\n", err)
		}
		writeFailedTimelines(runs, stderr)
		_ = os.Remove(failedDir) // only succeeds when empty: no failing run, no directory

		// The replay commands need the base scenario in a file when run's flags cannot say it.
		var replay sweep.Replay
		if sweep.NeedsFile(g.Base) {
			replay = sweep.Replay{File: filepath.Join(*out, "base.yaml"), Base: g.Base}
			y, err := explore.ScenarioYAML(g.Base)
			if err == nil {
				err = os.WriteFile(replay.File, append([]byte("# the base scenario of this sweep, read by the replay commands of runs.csv\n"), y...), 0o644)
			}
			if err != nil {
				return inputError(err)
			}
		}
		var csvBuf bytes.Buffer
		if err := sweep.WriteCSV(&csvBuf, pts, runs, replay); err != nil {
			return inputError(err)
		}
		csvPath := filepath.Join(*out, "runs.csv")
		if err := os.WriteFile(csvPath, csvBuf.Bytes(), 0o644); err != nil {
			return inputError(err)
		}
		sums := sweep.Summarize(pts, runs)
		files, err := sweep.Render(*out, sweep.Figures(&g, sums, !*noCheck))
		if err != nil {
			return inputError(fmt.Errorf("plots: %w", err))
		}
		fmt.Fprintln(stdout)
		if err := sweep.WriteTable(stdout, sums, !*noCheck); err != nil {
			return inputError(err)
		}
		code, failed, saved := 0, 0, 0
		for i := range runs {
			if runs[i].Failed() {
				failed++
				code = 1
			}
			if runs[i].TraceFile != "" {
				saved++
			}
		}
		fmt.Fprintf(stdout, "\n%d runs in %.1fs (%.1f runs/s); %d failed", total, elapsed.Seconds(), float64(total)/elapsed.Seconds(), failed)
		if saved > 0 {
			fmt.Fprintf(stdout, ", traces of %d saved in %s/", saved, failedDir)
		}
		fmt.Fprintf(stdout, "\nwrote %s", csvPath)
		for _, f := range files {
			fmt.Fprintf(stdout, ", %s", f)
		}
		fmt.Fprintln(stdout)
		return exitCode(code)
	}
	return cmd
}

// sweepProgress shows two bars: points completed and runs completed (with runs/s).
type sweepProgress struct {
	p            *mpb.Progress
	points, runs *mpb.Bar
	left         map[int]int
}

func newSweepProgress(w io.Writer, on bool, points, runs, seeds int) *sweepProgress {
	sp := &sweepProgress{left: map[int]int{}}
	if !on {
		return sp
	}
	sp.p = mpb.New(mpb.WithOutput(w), mpb.WithWidth(40), mpb.WithRefreshRate(150*time.Millisecond))
	sp.points = sp.p.AddBar(int64(points),
		mpb.PrependDecorators(decor.Name("points ", decor.WC{W: 7}), decor.CountersNoUnit("%d / %d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.Percentage(decor.WCSyncSpace)))
	sp.runs = sp.p.AddBar(int64(runs),
		mpb.PrependDecorators(decor.Name("runs ", decor.WC{W: 7}), decor.CountersNoUnit("%d / %d", decor.WCSyncWidth)),
		mpb.AppendDecorators(decor.Percentage(decor.WCSyncSpace), decor.AverageSpeed(nil, "  %.1f runs/s"), decor.Name("  "), decor.AverageETA(decor.ET_STYLE_GO)))
	for i := 0; i < points; i++ {
		sp.left[i] = seeds
	}
	return sp
}

func (sp *sweepProgress) done(r *sweep.Run) {
	if sp.p == nil {
		return
	}
	sp.runs.Increment()
	sp.left[r.Point]--
	if sp.left[r.Point] == 0 {
		sp.points.Increment()
	}
}

func (sp *sweepProgress) wait() {
	if sp.p != nil {
		sp.p.Wait()
	}
}

// axisFlag is the flag of a sweep axis: its name in kebab case (checkpointEvery:
// --checkpoint-every, as on run).
func axisFlag(name string) string {
	var b strings.Builder
	for _, c := range name {
		if c >= 'A' && c <= 'Z' {
			b.WriteByte('-')
			c += 'a' - 'A'
		}
		b.WriteRune(c)
	}
	return b.String()
}
