// Command vrcheck simulates a Viewstamped Replication cluster, writes the trace of the run,
// and checks it against the protocol's specification. This file only dispatches; each command
// lives in a file of its own.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

type command struct {
	name, summary string
	run           func(args []string, stdin io.Reader, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"run", "simulate a run with faults, write its trace, print a summary, and check it", cmdRun},
		{"sim", "simulate a run and write its trace", cmdSim},
		{"check", "check a trace: every step against VR.tla's actions, the invariants, linearizability", cmdCheck},
		{"tla", "parse and model-check TLA+ specifications (a Go-native SANY/TLC)", cmdTLA},
		{"sweep", "simulate and check a grid of scenarios in parallel; write a CSV, plots and a summary", cmdSweep},
		{"timeline", "draw a trace as a space-time diagram (a self-contained HTML page)", cmdTimeline},
		{"shiviz", "convert a trace to a ShiViz log (vector clocks per replica and client)", cmdShiViz},
		{"explore", "swarm testing: many seeds, each with its own fault mix; shrink and save the first failure", cmdExplore},
		{"bugs", "list the bug switches (known VR defects the checker must find)", cmdBugs},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "vrcheck: Viewstamped Replication Revisited, in Go and in TLA+, checked one against the other.")
	fmt.Fprintln(w, "\nUsage: vrcheck <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'vrcheck <command> --help' for a command's flags.")
}

func main() {
	// The simulator and checker allocate fast and hold little: trading memory for fewer
	// collections is faster for run, explore and sweep. GOGC, when set, still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdin, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "vrcheck: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}
