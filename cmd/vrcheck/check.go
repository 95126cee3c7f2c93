package main

import (
	"bytes"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/checker"
)

func init() { register(newCheckCmd) }

// newCheckCmd is `vrcheck check FILE`: wiring only, the checks live in checker/.
func newCheckCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check [flags] FILE",
		Short: "check a trace: every step against VR.tla's actions, the invariants, linearizability",
		Long: `Replay a trace (traces/README.md; FILE "-" reads standard input) and check that every event
is a legal step of the action of spec/VR.tla it names, that VR.tla's invariants hold after
every event, and that the client history is linearizable (porcupine, key-value model).
Exit status: 0 every check passed, 1 a violation was found, 2 bad input or usage.`,
		Args: oneTrace,
	}
	fs := cmd.Flags()
	asJSON := fs.Bool("json", false, "write the report as JSON")
	htmlDir := fs.String("html", "", "write HTML reports into `dir`: index.html, the report with the failing trace excerpt, the run's timeline, porcupine's view of the client history")
	lin := addLinFlags(fs)
	noSteps := fs.Bool("no-step-validation", false, "judge the trace by the invariants and linearizability alone (which defects do the properties catch without step-by-step conformance?)")
	maxMis := fs.Int("max-mismatches", checker.DefaultMaxMismatches, "list at most this many step mismatches (all are counted)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if *maxMis < 1 {
			return usageErrorf("--max-mismatches %d: want at least 1", *maxMis)
		}
		opts, err := lin.options()
		if err != nil {
			return err
		}
		name := args[0]
		in := cmd.InOrStdin()
		if name != "-" {
			f, err := os.Open(name)
			if err != nil {
				return inputError(err)
			}
			defer f.Close()
			in = f
		}
		// The HTML timeline needs the trace a second time; standard input can be read only once.
		var data []byte
		if *htmlDir != "" {
			var err error
			if data, err = io.ReadAll(in); err != nil {
				return inputError(err)
			}
			in = bytes.NewReader(data)
		}
		opts.Visualize, opts.MaxMismatches, opts.SkipStepValidation = *htmlDir != "", *maxMis, *noSteps
		rep, err := checker.Check(in, name, opts)
		if err != nil {
			return inputError(err)
		}
		stdout := cmd.OutOrStdout()
		if *asJSON {
			err = rep.WriteJSON(stdout)
		} else {
			err = rep.WriteText(stdout)
		}
		if err != nil {
			return inputError(err)
		}
		if *htmlDir != "" {
			if err := writeHTMLReports(rep, data, name, *htmlDir); err != nil {
				return inputError(err)
			}
		}
		if !rep.OK() {
			return exitCode(1)
		}
		return nil
	}
	return cmd
}
