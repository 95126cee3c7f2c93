package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/vrcheck/vrcheck/checker"
)

// cmdCheck is `vrcheck check FILE`: wiring only, the checks live in checker/.
func cmdCheck(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "write the report as JSON")
	htmlDir := fs.String("html", "", "write HTML reports into `dir`: index.html, the report with the failing trace excerpt, the run's timeline, porcupine's view of the client history")
	timeout := fs.Duration("lin-timeout", checker.DefaultLinTimeout, "time limit of the linearizability check (a timeout is reported as unknown, not a pass)")
	noLin := fs.Bool("no-lin", false, "skip the linearizability check")
	noSteps := fs.Bool("no-step-validation", false, "judge the trace by the invariants and linearizability alone (which defects do the properties catch without step-by-step conformance?)")
	maxMis := fs.Int("max-mismatches", checker.DefaultMaxMismatches, "list at most this many step mismatches (all are counted)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: vrcheck check [flags] FILE   (FILE "-" reads standard input)

Replay a trace (traces/README.md) and check that every event is a legal step of the action
of spec/VR.tla it names, that VR.tla's invariants hold after every event, and that the
client history is linearizable (porcupine, key-value model).
Exit status: 0 every check passed, 1 a violation was found, 2 bad input or usage.

Flags:
`)
		fs.PrintDefaults()
	}
	// Accept flags after the file name too.
	var files []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(files) != 1 {
		fmt.Fprintf(stderr, "vrcheck check: want exactly one trace file (or - for standard input), got %d\n", len(files))
		fs.Usage()
		return 2
	}
	if *maxMis < 1 || *timeout < 0 {
		fmt.Fprintln(stderr, "vrcheck check: --max-mismatches must be >= 1 and --lin-timeout >= 0")
		return 2
	}
	name := files[0]
	in := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			fmt.Fprintf(stderr, "vrcheck check: %v\n", err)
			return 2
		}
		defer f.Close()
		in = f
	}
	// The HTML timeline needs the trace a second time; standard input can be read only once.
	var data []byte
	if *htmlDir != "" {
		var err error
		if data, err = io.ReadAll(in); err != nil {
			fmt.Fprintf(stderr, "vrcheck check: %v\n", err)
			return 2
		}
		in = bytes.NewReader(data)
	}
	opts := checker.Options{LinTimeout: *timeout, SkipLinearizability: *noLin, SkipStepValidation: *noSteps, Visualize: *htmlDir != "", MaxMismatches: *maxMis}
	if *timeout == 0 {
		opts.LinTimeout = time.Duration(1<<63 - 1) // flag value 0: no limit
	}
	rep, err := checker.Check(in, name, opts)
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck check: %v\n", err)
		return 2
	}
	if *asJSON {
		err = rep.WriteJSON(stdout)
	} else {
		err = rep.WriteText(stdout)
	}
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck check: %v\n", err)
		return 2
	}
	if *htmlDir != "" {
		if err := writeHTMLReports(rep, data, name, *htmlDir); err != nil {
			fmt.Fprintf(stderr, "vrcheck check: --html: %v\n", err)
			return 2
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
