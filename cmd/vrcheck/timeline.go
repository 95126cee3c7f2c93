package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/sweep"
	"github.com/vrcheck/vrcheck/traces"
	"github.com/vrcheck/vrcheck/viz/timeline"
)

func init() { register(newTimelineCmd) }

func newTimelineCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "timeline [flags] TRACE --out FILE.html",
		Short: "draw a trace as a space-time diagram (a self-contained HTML page)",
		Long: `Draw a trace (- for standard input) as a space-time diagram in one self-contained HTML page:
a lane per replica and client coloured by status, messages as arrows (dropped ones end in a
cross), commits marked. --mark (or --check) highlights a failing event and scrolls to it.
Exit status: 0 the page was written (with --check: and every check passed), 1 --check marked
a failed check (the page is still written), 2 bad usage or a trace that cannot be read.`,
		Args: oneTrace,
	}
	fs := cmd.Flags()
	out := fs.String("out", "timeline.html", "write the page to this `file` (- for standard output)")
	mark := fs.Int("mark", 0, "highlight the event on this trace `line`")
	msg := fs.String("message", "", "the checker's message to show beside the marked event")
	check := fs.Bool("check", false, "check the trace and mark its first failure (unless --mark is given)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		trace := args[0]
		stderr := cmd.ErrOrStderr()
		in, err := openTrace(trace, cmd.InOrStdin())
		if err != nil {
			return inputError(err)
		}
		data, err := io.ReadAll(in)
		in.Close()
		if err != nil {
			return inputError(err)
		}
		var m *timeline.Mark
		if *mark > 0 {
			m = &timeline.Mark{Line: *mark, Message: *msg}
		} else if *msg != "" {
			return usageErrorf("--message needs --mark LINE")
		} else if *check {
			rep, err := checker.Check(bytes.NewReader(data), trace, checker.Options{})
			if err != nil {
				return inputError(err)
			}
			m = firstFailure(rep)
			if m == nil {
				fmt.Fprintln(stderr, "every check passed: nothing to mark")
			}
		}
		if err := writeTimeline(data, trace, *out, m, cmd.OutOrStdout()); err != nil {
			return inputError(err)
		}
		if *out != "-" {
			fmt.Fprintf(stderr, "wrote %s\n", *out)
		}
		if *check && *mark == 0 && m != nil {
			return exitCode(1) // a check failed, as vrcheck check would say
		}
		return nil
	}
	return cmd
}

// firstFailure marks the earliest failed check of a report (nil if all passed).
func firstFailure(rep *checker.Report) *timeline.Mark {
	var fails []checker.Verdict
	for _, v := range rep.Verdicts {
		if v.Status != checker.Pass && v.Status != checker.Skipped {
			fails = append(fails, v)
		}
	}
	if len(fails) == 0 {
		return nil
	}
	// The earliest line first; a verdict without a line (linearizability) last.
	sort.SliceStable(fails, func(i, j int) bool {
		li, lj := fails[i].Line, fails[j].Line
		return li > 0 && (lj == 0 || li < lj)
	})
	v := fails[0]
	msg := strings.TrimSpace(v.Check + " " + v.Status + ": " + v.Message)
	// A failed step's explanation: what the rule decided and where the trace departs.
	if v.Check == checker.StepValidation && len(rep.Mismatches) > 0 && rep.Mismatches[0].Line == v.Line && rep.Mismatches[0].Decision != "" {
		msg += "\n" + rep.Mismatches[0].Decision
	}
	return &timeline.Mark{Line: v.Line, Message: msg}
}

// writeTimeline reads a whole trace and writes its timeline page to path ("-": stdout).
func writeTimeline(data []byte, name, path string, m *timeline.Mark, stdout io.Writer) error {
	h, events, err := traces.ReadAll(bytes.NewReader(data), name)
	if err != nil {
		return err
	}
	w, done, err := createOut(path, stdout)
	if err != nil {
		return err
	}
	err = timeline.Write(w, h, events, m)
	if cerr := done(); err == nil {
		err = cerr
	}
	return err
}

// writeFailedTimelines writes a timeline beside each saved trace of a failing sweep run,
// marking the first failed check.
func writeFailedTimelines(runs []sweep.Run, stderr io.Writer) {
	for i := range runs {
		r := &runs[i]
		if r.TraceFile == "" {
			continue
		}
		data, err := os.ReadFile(r.TraceFile)
		if err != nil {
			fmt.Fprintf(stderr, "vrcheck sweep: %v\n", err)
			continue
		}
		var m *timeline.Mark
		if r.FailLine > 0 {
			m = &timeline.Mark{Line: r.FailLine, Message: r.FailMessage}
		}
		out := strings.TrimSuffix(r.TraceFile, ".ndjson") + ".html"
		if err := writeTimeline(data, r.TraceFile, out, m, nil); err != nil {
			fmt.Fprintf(stderr, "vrcheck sweep: timeline of %s: %v\n", r.TraceFile, err)
		}
	}
}
