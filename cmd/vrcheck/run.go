package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
)

func init() { register(newRunCmd) }

func newRunCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run [flags]",
		Short: "simulate a run with faults, write its trace, print a summary, and check it",
		Long: `The main job: simulate a run with faults, write its trace, print a summary, then check the
trace (every step against VR.tla's actions, the invariants, linearizability).
Exit status: 0 the run completed and every check passed, 1 it did not, 2 bad usage.`,
		Args: noArgs,
	}
	fs := cmd.Flags()
	out := fs.String("out", "vrcheck-trace.ndjson", "write the trace to this `file`")
	htmlDir := fs.String("html", "", "also write HTML reports into `dir` (index.html: the check's report, the run's timeline, the client history)")
	noCheck := fs.Bool("no-check", false, "only simulate and summarise; do not check the trace")
	lin := addLinFlags(fs)
	scenario := scenarioFlags(fs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
		if *out == "-" {
			return usageErrorf("--out must be a file (the trace is read back to be checked); use vrcheck sim --out - for standard output")
		}
		opts, err := lin.options()
		if err != nil {
			return err
		}
		sc, err := scenario()
		if err != nil {
			return asInputError(err)
		}
		res, err := simulate(sc, *out, stdout)
		if res == nil {
			return inputError(err)
		}
		res.WriteSummary(stdout)
		stopped := errors.Is(err, sim.ErrNoQuiescence)
		if stopped && !*noCheck {
			// Said here, with the run's figures, so that it does not read as a second
			// failure after the check's verdict: a shrunk scenario stops right after its
			// violation, and only a run whose checks all pass fails liveness.
			fmt.Fprintf(stdout, "  stopped early       at maxTicks = %d with %d of %d requests outstanding: a liveness failure only if every check below passes (explore's shrunk scenarios stop right after their violation)\n",
				sc.MaxTicks, res.Requests-res.Completed, res.Requests)
		}
		fmt.Fprintf(stdout, "  trace               %s\n", *out)
		code := 0
		if err != nil && !stopped {
			fmt.Fprintf(stderr, "vrcheck run: %v\n", err)
			return exitCode(2)
		}
		if len(res.Faults) > 0 {
			code = 1
		}
		if *noCheck {
			if err != nil {
				fmt.Fprintf(stderr, "vrcheck run: %v\n", err)
				code = 1
			}
			return exitCode(code)
		}
		fmt.Fprintln(stdout)
		opts.Visualize = *htmlDir != ""
		checked := checkFile(*out, *htmlDir, opts, stdout, stderr)
		code = max(code, checked)
		// A run that stops before every request completed fails liveness, unless a check
		// failed: then the summary's "stopped early" line has said why it stopped.
		if err != nil && checked != 1 {
			fmt.Fprintf(stderr, "vrcheck run: %v\n", err)
			code = max(code, 1)
		}
		return exitCode(code)
	}
	return cmd
}

// checkFile checks the trace at path and prints the report; it returns the exit code. The
// check streams the file, as vrcheck check does (a trace of a long run is gigabytes); only
// the HTML timeline, written after the check, reads it whole.
func checkFile(path, htmlDir string, opts checker.Options, stdout, stderr io.Writer) int {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck: %v\n", err)
		return 2
	}
	rep, err := checker.Check(f, path, opts)
	f.Close()
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck: %v\n", err)
		return 2
	}
	if err := rep.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "vrcheck: %v\n", err)
		return 2
	}
	if htmlDir != "" {
		data, err := os.ReadFile(path)
		if err == nil {
			err = writeHTMLReports(rep, data, path, htmlDir)
		}
		if err != nil {
			fmt.Fprintf(stderr, "vrcheck: --html: %v\n", err)
			return 2
		}
	}
	if !rep.OK() {
		return 1
	}
	return 0
}
