package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/vrcheck/vrcheck/impl/sim"
)

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "%s\n\nFlags:\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args; it returns -1 to go on, or the exit code.
func parseFlags(fs *flag.FlagSet, args []string) int {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "vrcheck %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2
	}
	return -1
}

func cmdSim(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("sim", "Usage: vrcheck sim [flags] --out FILE\n\nSimulate one run and write its trace (NDJSON, see traces/README.md).", stderr)
	out := fs.String("out", "", "write the trace to this `file` (- for standard output)")
	scenario := scenarioFlags(fs)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	if *out == "" {
		fmt.Fprintln(stderr, "vrcheck sim: --out is required (a file, or - for standard output)")
		return 2
	}
	sc, err := scenario()
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck sim: %v\n", err)
		return 2
	}
	res, err := simulate(sc, *out, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck sim: %v\n", err)
		if res != nil && errors.Is(err, sim.ErrNoQuiescence) {
			return 1
		}
		return 2
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "wrote %s: %d events, %d of %d requests completed\n", *out, res.Events, res.Completed, res.Requests)
	}
	return 0
}

// simulate runs sc and writes the trace to path ("-": stdout).
func simulate(sc sim.Scenario, path string, stdout io.Writer) (*sim.Result, error) {
	if path == "-" {
		return sim.Run(sc, stdout)
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	res, err := sim.Run(sc, f)
	if cerr := f.Close(); err == nil && cerr != nil {
		err = cerr
	}
	return res, err
}
