// Command vrcheck simulates a Viewstamped Replication cluster, writes the trace of the run,
// and checks it against the protocol's specification.
//
// The CLI is built on cobra. Each command lives in a file of its own that defines a
// constructor and registers it:
//
//	func init() { register(newRunCmd) }
//
//	func newRunCmd() *cobra.Command { ... RunE: ... }
//
// A command's RunE reports how it ended through its error: nil (exit 0), usageErrorf (bad
// usage: "vrcheck CMD: what was wrong", a one-line hint, exit 2), inputError (bad input: the
// message, exit 2), or exitCode(n) when the command has printed its own report (exit n).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

var constructors []func() *cobra.Command

// register adds a command to vrcheck; call it from the command file's init.
func register(newCmd func() *cobra.Command) { constructors = append(constructors, newCmd) }

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "vrcheck",
		Short: "Viewstamped Replication Revisited, in Go and in TLA+, checked one against the other",
		Long: `vrcheck: Viewstamped Replication Revisited, in Go and in TLA+, checked one against the other.

Exit status, for every command: 0 all good, 1 a violation (or a run that did not complete),
2 bad input or usage.`,
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetFlagErrorFunc(flagError)
	// Cobra's template, with the flag list wrapped to fit a terminal.
	root.SetUsageTemplate(strings.ReplaceAll(root.UsageTemplate(), "FlagUsages | trimTrailingWhitespaces", "FlagUsagesWrapped 100 | trimTrailingWhitespaces"))
	for _, newCmd := range constructors {
		root.AddCommand(newCmd())
	}
	return root
}

func main() {
	// The simulator and checker allocate fast and hold little: trading memory for fewer
	// collections is faster for run, explore and sweep. GOGC, when set, still wins.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	os.Exit(dispatch(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// dispatch runs the command line args and returns the exit status.
func dispatch(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot()
	if len(args) == 0 {
		// No command: show the commands, and fail as a usage error does.
		root.SetOut(stdout)
		_ = root.Help()
		return 2
	}
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	cmd, err := root.ExecuteC()
	if err == nil {
		return 0
	}
	var e *exitError
	if !errors.As(err, &e) {
		e = &exitError{code: 2, err: err, hint: true} // cobra's own: an unknown command
	}
	if e.err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", cmd.CommandPath(), e.err)
		if e.hint {
			fmt.Fprintf(stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return e.code
}

// exitError ends a command with an exit status. err, if any, has not been printed yet.
type exitError struct {
	code int
	err  error
	hint bool // a usage error: point at --help
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageErrorf is a usage error: exit 2, with a hint to --help.
func usageErrorf(format string, a ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, a...), hint: true}
}

// inputError is bad input (an unreadable file, a malformed trace or scenario): exit 2.
func inputError(err error) error { return &exitError{code: 2, err: err} }

// asInputError makes err an input error unless it already carries an exit status.
func asInputError(err error) error {
	var e *exitError
	if errors.As(err, &e) {
		return err
	}
	return inputError(err)
}

// exitCode ends a command that has printed its own report with status code.
func exitCode(code int) error {
	if code == 0 {
		return nil
	}
	return &exitError{code: code}
}

// flagError turns pflag's parse errors into usage errors, saying what a value should be.
func flagError(_ *cobra.Command, err error) error {
	var iv *pflag.InvalidValueError
	if errors.As(err, &iv) {
		want := map[string]string{
			"int": "an integer", "int64": "an integer", "uint": "a non-negative integer",
			"float64": "a number", "duration": "a duration such as 10s, 500ms or 2m",
			"bool": "true or false",
		}[iv.GetFlag().Value.Type()]
		if want == "" {
			want = iv.Unwrap().Error()
		}
		return usageErrorf("--%s %q: want %s", iv.GetFlag().Name, iv.GetValue(), want)
	}
	return usageErrorf("%v", err)
}

// noArgs rejects positional arguments.
func noArgs(_ *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf("unexpected argument %q", args[0])
	}
	return nil
}

// oneTrace accepts exactly one trace argument (- for standard input).
func oneTrace(_ *cobra.Command, args []string) error {
	if len(args) != 1 {
		return usageErrorf("want exactly one trace file (or - for standard input), got %d", len(args))
	}
	return nil
}
