// Package cli is the command-line front end of the TLA+ engine: a SANY-like
// "parse" and a TLC-like "check".
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/vrcheck/vrcheck/checker/tla"
)

const usage = `usage:
  vrcheck tla parse FILE.tla...
      Parse and semantically check each module and every module it EXTENDS or
      INSTANCEs from the same directory (like SANY).
  vrcheck tla check [flags] FILE.tla
      Model-check FILE.tla (like TLC); "vrcheck tla check --help" lists the flags.

Standard modules (Naturals, Integers, Reals without reals, Sequences,
FiniteSets, Bags, TLC, TLAPS) and CommunityModules (SequencesExt,
FiniteSetsExt, Functions, Folds, Relation, Graphs, UndirectedGraphs, TLCExt,
Json, IOUtils, ...) are built in. Exit status: 0 no error, 1 invariant/property
violation or deadlock, 2 parse, semantic, usage or run-time error.
`

const parseUsage = `usage: vrcheck tla parse FILE.tla...
Parse and semantically check each module and every module it EXTENDS or
INSTANCEs from the same directory (like SANY). Exit status 2 on any error.
`

const checkUsage = `usage: vrcheck tla check [flags] FILE.tla
Model-check FILE.tla (like TLC); flags may also follow the file.
Exit status: 0 no error, 1 violation or deadlock, 2 bad input or run-time error.

Flags:
`

// Run executes a command; it never panics.
func Run(args []string, stdout, stderr io.Writer) (code int) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(stderr, "vrcheck tla: internal error: %v\n", r)
			code = 2
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch args[0] {
	case "-h", "--help", "-help", "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "parse":
		return parse(args[1:], stdout, stderr)
	case "check":
		return check(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "vrcheck tla: unknown command %q\n%s", args[0], usage)
	return 2
}

// moduleFile checks that a command-line argument names a readable .tla file.
func moduleFile(path string) error {
	st, err := os.Stat(path)
	switch {
	case err != nil:
		return fmt.Errorf("%s: cannot read module: %v", path, errors.Unwrap(err))
	case st.IsDir():
		return fmt.Errorf("%s: is a directory; give a module file (FILE.tla)", path)
	case !strings.HasSuffix(path, ".tla"):
		return fmt.Errorf("%s: not a module file: the name must end in .tla", path)
	}
	return nil
}

func parse(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, parseUsage)
		return 2
	}
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			fmt.Fprint(stdout, parseUsage)
			return 0
		}
	}
	code := 0
	for _, a := range args {
		if err := moduleFile(a); err != nil {
			fmt.Fprintln(stderr, err)
			code = 2
			continue
		}
		_, err := tla.Load(a, tla.LoadOptions{
			OnParse:    func(f string) { fmt.Fprintf(stdout, "Parsing file %s\n", f) },
			OnSemantic: func(m string) { fmt.Fprintf(stdout, "Semantic processing of module %s\n", m) },
		})
		if err != nil {
			printErr(stderr, err)
			code = 2
		}
	}
	return code
}

func printErr(w io.Writer, err error) {
	var l tla.ErrorList
	if errors.As(err, &l) {
		for _, e := range l {
			fmt.Fprintln(w, e)
		}
		return
	}
	fmt.Fprintln(w, err)
}

// joinDumpTrace turns TLC's two-word "-dumpTrace json FILE" into one flag
// value, "json FILE".
func joinDumpTrace(args []string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if (a == "-dumpTrace" || a == "--dumpTrace") && i+2 < len(args) && !strings.HasPrefix(args[i+2], "-") {
			out = append(out, a+"="+args[i+1]+" "+args[i+2])
			i += 2
			continue
		}
		// TLC's "-dump dot FILE" (also "-dump dot,colorize FILE")
		if (a == "-dump" || a == "--dump") && i+2 < len(args) && strings.HasPrefix(args[i+1], "dot") && !strings.HasPrefix(args[i+2], "-") && !strings.HasSuffix(args[i+2], ".tla") {
			out = append(out, a+"="+args[i+1]+" "+args[i+2])
			i += 2
			continue
		}
		out = append(out, a)
	}
	return out
}

func dumpJSON(path string, v *tla.Violation, stderr io.Writer) bool {
	f, err := os.Create(path)
	if err == nil {
		err = tla.WriteTraceJSON(f, v)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck tla check: -dumpTrace: %v\n", err)
		return false
	}
	return true
}

// simulateRun is -simulate: random behaviours, TLC's messages.
func simulateRun(m *tla.Model, cfg *tla.Config, opts tla.SimOptions, dumpFile string, start time.Time, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "Running Random Simulation with seed %d: %d behaviours of at most %d states.\n", opts.Seed, opts.Traces, opts.Depth)
	res, err := tla.Simulate(m, cfg, opts)
	if err != nil {
		fmt.Fprintf(stdout, "Error: %v\n", err)
		return 2
	}
	code := 0
	if v := res.Violation; v != nil {
		code = 1
		if v.Kind == "error" {
			code = 2
			fmt.Fprintf(stdout, "Error: %v\n", v.Err)
		} else {
			fmt.Fprintf(stdout, "Error: %s\n", v.Error())
		}
		fmt.Fprintln(stdout, "Error: The behavior up to this point is:")
		tla.FormatTrace(stdout, v.Trace)
		if dumpFile != "" && !dumpJSON(dumpFile, v, stderr) {
			return 2
		}
	} else {
		fmt.Fprintln(stdout, "No error has been found.")
	}
	fmt.Fprintf(stdout, "The number of states generated: %d\n", res.Generated)
	fmt.Fprintf(stdout, "Simulation using seed %d generated %d behaviour%s.\n", opts.Seed, res.Traces, plural(res.Traces))
	fmt.Fprintf(stdout, "Finished in %s.\n", time.Since(start).Round(time.Millisecond))
	return code
}

// splitFlags lets flags follow the file name.
func splitFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func check(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("vrcheck tla check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	help := false
	fs.Usage = func() {
		w := stderr
		if help {
			w = stdout
		}
		fmt.Fprint(w, checkUsage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(stderr)
	}
	cfgPath := fs.String("config", "", "configuration `file` (default: FILE.cfg beside FILE.tla)")
	workers := fs.Int("workers", runtime.NumCPU(), "number of worker goroutines, at least 1; the default is this machine's number of CPUs")
	noDeadlock := fs.Bool("deadlock", false, "do not check for deadlock")
	progress := fs.Duration("progress", time.Minute, "interval between progress reports")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile to this file")
	simulate := fs.Bool("simulate", false, "random simulation instead of exhaustive search (TLC's -simulate)")
	depth := fs.Int("depth", 100, "with -simulate: states per behaviour")
	seed := fs.Int64("seed", 0, "with -simulate: seed of the random choices (the same seed, the same behaviours)")
	traces := fs.Int("traces", 1000, "with -simulate: number of behaviours (TLC's -simulate num=N; TLC's default is until stopped)")
	dump := fs.String("dump", "", "write every distinct state to a file, in BFS order: `FILE` (TLC's -dump FILE; .dump is added without an extension) or `dot FILE` (the state graph for GraphViz, TLC's -dump dot FILE)")
	coverage := fs.Int("coverage", 0, "print per-action coverage (states found first : states generated) at the end, as TLC's -coverage `N` (TLC also prints every N minutes; here only at the end, and per action, not per subexpression)")
	invStats := fs.Bool("invstats", false, "print, per invariant, how often its conjuncts were evaluated in full, skipped (the step changed none of the variables they read) or checked on the new elements of a quantifier's set only, and the time spent")
	noIncr := fs.Bool("noincremental", false, "check every invariant in full on every state (by default a successor's conjuncts that read no changed variable are not re-evaluated)")
	queueMem := fs.Int("queuemem", tla.DefaultQueueMemory>>20, "`MiB` of encoded states the BFS queue keeps in memory (half for the level being expanded, half for the next); the rest goes to files in the temporary directory, removed at once")
	gcLimit := fs.Bool("gclimit", true, "keep the Go collector's memory limit just above the live heap (live + max(live/4, 80 MiB), re-read every 50 ms): less memory on large models for a little more collector time; never changes results. Off with -gclimit=false or when GOMEMLIMIT is set")
	dumpTrace := fs.String("dumpTrace", "", "write the counterexample to a file: `json FILE` (as TLC's -dumpTrace json FILE)")
	for _, a := range args {
		if a == "-h" || a == "--help" || a == "-help" {
			help = true
			fs.Usage()
			return 0
		}
	}
	pos, err := splitFlags(fs, joinDumpTrace(args))
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	var dumpFile string
	if *dumpTrace != "" {
		format, f, ok := strings.Cut(*dumpTrace, " ")
		if !ok || format != "json" || f == "" {
			fmt.Fprintf(stderr, "vrcheck tla check: -dumpTrace %q: want -dumpTrace json FILE (the only format supported)\n", *dumpTrace)
			return 2
		}
		dumpFile = f
	}
	var dumpStates io.WriteCloser
	dumpFormat := tla.DumpStates
	if *dump != "" {
		path := *dump
		if f, p, ok := strings.Cut(*dump, " "); ok && strings.HasPrefix(f, "dot") {
			dumpFormat, path = tla.DumpDot, p
		} else if filepath.Ext(path) == "" {
			path += ".dump"
		}
		f, err := os.Create(path)
		if err != nil {
			fmt.Fprintf(stderr, "vrcheck tla check: -dump: %v\n", err)
			return 2
		}
		defer f.Close()
		dumpStates = f
	}
	if *coverage < 0 {
		fmt.Fprintf(stderr, "vrcheck tla check: -coverage %d: want a number of minutes, at least 0\n", *coverage)
		return 2
	}
	if (*dump != "" || *coverage > 0) && *simulate {
		fmt.Fprintln(stderr, "vrcheck tla check: -dump and -coverage apply to exhaustive search, not to -simulate")
		return 2
	}
	if *simulate && *depth < 1 {
		fmt.Fprintf(stderr, "vrcheck tla check: -depth %d: a behaviour has at least 1 state\n", *depth)
		return 2
	}
	if *simulate && *traces < 1 {
		fmt.Fprintf(stderr, "vrcheck tla check: -traces %d: at least 1 behaviour\n", *traces)
		return 2
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "vrcheck tla check: want one FILE.tla, got %d arguments\n", len(pos))
		fs.Usage()
		return 2
	}
	if *workers < 1 {
		fmt.Fprintf(stderr, "vrcheck tla check: -workers %d: the number of workers must be at least 1\n", *workers)
		return 2
	}
	file := pos[0]
	if err := moduleFile(file); err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400) // states are long-lived; trade memory for less GC work
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		ceiling := memLimit()
		debug.SetMemoryLimit(ceiling) // collect harder before the heap gets that big
		if *gcLimit {
			stop := make(chan struct{})
			defer close(stop)
			go followLiveHeap(ceiling, stop) // gclimit.go
		}
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	if *cfgPath == "" {
		*cfgPath = strings.TrimSuffix(file, ".tla") + ".cfg"
	}
	start := time.Now()
	fmt.Fprintf(stdout, "Model checking %s with configuration %s, %d worker%s.\n", filepath.Base(file), filepath.Base(*cfgPath), *workers, plural(*workers))
	m, err := tla.Load(file, tla.LoadOptions{})
	if err != nil {
		printErr(stderr, err)
		return 2
	}
	m.Out = stdout
	cfg, err := tla.ReadConfig(*cfgPath)
	if err != nil {
		printErr(stderr, err)
		return 2
	}
	if *simulate {
		return simulateRun(m, cfg, tla.SimOptions{Depth: *depth, Traces: *traces, Seed: *seed, NoDeadlock: *noDeadlock}, dumpFile, start, stdout, stderr)
	}
	fmt.Fprintln(stdout, "Computing initial states...")
	opts := tla.Options{Workers: *workers, NoDeadlock: *noDeadlock, Out: stdout, Progress: stdout, ProgressEvery: *progress, Coverage: *coverage > 0,
		InvariantStats: *invStats, NoIncremental: *noIncr, QueueMemory: *queueMem << 20 / 2}
	if dumpStates != nil {
		opts.Dump, opts.DumpFormat = dumpStates, dumpFormat
	}
	res, err := tla.Check(m, cfg, opts)
	if err != nil {
		fmt.Fprintf(stdout, "Error: %v\n", err)
		return 2
	}
	if dumpStates != nil {
		if err := dumpStates.Close(); err != nil {
			fmt.Fprintf(stderr, "vrcheck tla check: -dump: %v\n", err)
			return 2
		}
	}
	if len(res.Coverage) > 0 {
		tla.FormatCoverage(stdout, res.Coverage)
	}
	if len(res.Invariants) > 0 {
		tla.FormatInvariantStats(stdout, res.Invariants)
	}
	code := 0
	if v := res.Violation; v != nil {
		code = 1
		if v.Kind == "error" {
			code = 2
			fmt.Fprintf(stdout, "Error: %v\n", v.Err)
		} else {
			fmt.Fprintf(stdout, "Error: %s\n", v.Error())
		}
		switch {
		case v.Kind == "temporal":
			fmt.Fprintln(stdout)
			fmt.Fprintln(stdout, "Error: The following behavior constitutes a counter-example:")
			fmt.Fprintln(stdout)
			tla.FormatLasso(stdout, v)
		case len(v.Trace) > 0:
			fmt.Fprintln(stdout, "Error: The behavior up to this point is:")
			tla.FormatTrace(stdout, v.Trace)
		}
		if dumpFile != "" && !dumpJSON(dumpFile, v, stderr) {
			return 2
		}
	} else {
		fmt.Fprintln(stdout, "Model checking completed. No error has been found.")
	}
	fmt.Fprintf(stdout, "%d states generated, %d distinct states found, %d states left on queue.\n", res.Generated, res.Distinct, res.Left)
	if code == 0 {
		fmt.Fprintf(stdout, "The depth of the complete state graph search is %d.\n", res.Depth)
	}
	el := time.Since(start)
	fmt.Fprintf(stdout, "Finished in %s (%.0f distinct states/min).\n", el.Round(time.Millisecond), float64(res.Distinct)/el.Minutes())
	return code
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// memLimit is half the machine's memory (4 GiB if unknown).
func memLimit() int64 {
	b, err := os.ReadFile("/proc/meminfo")
	if err == nil {
		var kb int64
		for _, line := range strings.Split(string(b), "\n") {
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil && kb > 0 {
				return kb << 10 / 2
			}
		}
	}
	return 4 << 30
}
