package explore

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vrcheck/vrcheck/checker"
)

// kindText is how a failure kind reads in a sentence.
var kindText = map[Kind]string{
	Safety:    "safety violation",
	Undecided: "undecided (a check gave no verdict within its time limit: not a pass)",
	Assertion: "replica assertion failed",
	Liveness:  "liveness failure (the run did not complete every request)",
}

// maxListed caps the failing seeds listed one per line with keep-going.
const maxListed = 20

// WriteText writes what an exploration found. Everything in it is determined by the options
// (no timing), so two explorations of the same seeds print the same text.
func (h *Hunt) WriteText(w io.Writer) error {
	var b strings.Builder
	bugs := "none (the correct implementation)"
	if len(h.Bugs) > 0 {
		bugs = strings.Join(h.Bugs, ",")
	}
	if h.IgnoreSteps {
		bugs += " (step validation ignored)"
	}
	last := h.FirstSeed + int64(h.Seeds) - 1
	if h.First == nil {
		fmt.Fprintf(&b, "ok: seeds %d..%d, bug switches %s: no failure in %d seeds\n", h.FirstSeed, last, bugs, h.Run)
		_, err := io.WriteString(w, b.String())
		return err
	}
	f := h.First
	if h.Run < h.Seeds && len(h.Failures) == 1 {
		fmt.Fprintf(&b, "FAIL: seeds %d..%d, bug switches %s: seed %d fails (the first failure, after %d seeds)\n", h.FirstSeed, last, bugs, f.Seed, h.Run)
	} else {
		fmt.Fprintf(&b, "FAIL: seeds %d..%d, bug switches %s: %d of %d seeds fail, the first is seed %d\n", h.FirstSeed, last, bugs, len(h.Failures), h.Run, f.Seed)
	}
	if len(h.Failures) > 1 {
		for i, x := range h.Failures {
			if i == maxListed {
				fmt.Fprintf(&b, "  ... and %d more\n", len(h.Failures)-maxListed)
				break
			}
			fmt.Fprintf(&b, "  seed %-8d %s, %d events\n", x.Seed, x.Failure.Describe(), x.Events)
		}
	}
	fmt.Fprintf(&b, "\nseed %d: %s\n", f.Seed, kindText[f.Failure.Kind])
	fmt.Fprintf(&b, "  as found    %s, %d events: %s\n", f.Failure.Describe(), f.Events, f.Failure.Message)
	saved := &f.Failure // the failure of the saved trace
	if f.ShrinkRuns > 0 {
		steps := "no smaller scenario fails the same way"
		if len(f.Steps) > 0 {
			steps = strings.Join(f.Steps, ", ")
		}
		fmt.Fprintf(&b, "  shrunk      %s, %d events (%d runs: %s)\n", f.Shrunk.Describe(), f.ShrunkEvents, f.ShrinkRuns, steps)
		fmt.Fprintf(&b, "              %s\n", f.Shrunk.Message)
		saved = &f.Shrunk
	}
	if saved.Why != "" {
		fmt.Fprintf(&b, "  why         %s\n", saved.Why)
	}
	if len(f.Also) > 0 {
		fmt.Fprintf(&b, "  also fails  %s (as found)\n", strings.Join(f.Also, ", "))
	}
	if s := f.Saved; s != nil {
		fmt.Fprintf(&b, "  trace       %s\n  scenario    %s\n  reproduce   %s\n  check       vrcheck check %s\n", s.Trace, s.Scenario, s.Command, checker.ShellQuote(s.Trace))
		if saved.Line > 0 {
			fmt.Fprintf(&b, "  timeline    vrcheck timeline %s --mark %d --out %s\n", checker.ShellQuote(s.Trace), saved.Line, checker.ShellQuote(strings.TrimSuffix(s.Trace, ".ndjson")+".html"))
		}
	}
	if s := f.Unshrunk; s != nil {
		fmt.Fprintf(&b, "  unshrunk    %s (%s)\n", s.Trace, s.Scenario)
	}
	fmt.Fprintf(&b, "  found by    %s\n", ExploreCommand(f.Seed, Options{Bugs: h.Bugs, Policy: h.Policy, Batch: h.Batch, BatchWait: h.BatchWait, CheckpointEvery: h.CheckpointEvery, Reads: h.Reads, Lease: h.Lease, Drift: h.Drift, Reconfig: h.Reconfig, IgnoreSteps: h.IgnoreSteps, NoLin: h.NoLin, LinTimeout: h.LinTimeout}))
	_, err := io.WriteString(w, b.String())
	return err
}

// checkText names the check that found a failure: the action for step validation.
func checkText(f *Failure) string {
	switch {
	case f.Check == checker.StepValidation && f.Action != "":
		return fmt.Sprintf("%s (%s)", f.Check, f.Action)
	case f.Kind == Liveness:
		return f.Check + " (liveness)"
	}
	return f.Check
}

// WriteTable writes the --all-bugs table: one row per bug switch, then the correct
// implementation.
func (a *AllBugs) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "bug switch\tfound\tby check\tseeds\tevents\tshrunk\talso fails (as found)\n")
	for _, b := range a.Bugs {
		h := b.Hunt
		if h.First == nil {
			fmt.Fprintf(tw, "%s\tNO\t-\t>%d\t-\t-\t-\n", b.Bug, h.Run)
			continue
		}
		f := h.First
		also := "-"
		if len(f.Also) > 0 {
			also = strings.Join(f.Also, ",")
		}
		fmt.Fprintf(tw, "%s\tyes\t%s\t%d\t%d\t%d\t%s\n", b.Bug, checkText(&f.Shrunk), h.Run, f.Events, f.ShrunkEvents, also)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	c := a.Correct
	found := 0
	for _, b := range a.Bugs {
		if b.Found {
			found++
		}
	}
	fmt.Fprintf(w, "\n%d of %d bug switches found within seeds %d..%d (seeds: until the first detection; events: of that trace, then after shrinking)\n",
		found, len(a.Bugs), a.FirstSeed, a.FirstSeed+int64(a.Seeds)-1)
	if a.IgnoreSteps {
		fmt.Fprintln(w, "step validation ignored: judged by the invariants, linearizability, assertions and liveness alone")
	}
	if c.First == nil {
		fmt.Fprintf(w, "correct implementation: %d of %d seeds clean\n", c.Run-len(c.Failures), c.Run)
	} else {
		fmt.Fprintf(w, "correct implementation: %d of %d seeds clean; FAILS first at seed %d: %s\n", c.Run-len(c.Failures), c.Run, c.First.Seed, c.First.Failure.Describe())
		if s := c.First.Saved; s != nil {
			fmt.Fprintf(w, "  reproduce: %s\n", s.Command)
		}
	}
	return nil
}
