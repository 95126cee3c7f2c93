package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/sweep"
	"github.com/vrcheck/vrcheck/traces"
	"github.com/vrcheck/vrcheck/viz/shiviz"
	"github.com/vrcheck/vrcheck/viz/timeline"
)

// parseWithTrace parses flags that may come before or after the one TRACE argument.
func parseWithTrace(fs *flag.FlagSet, args []string) (trace string, code int) {
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return "", 0
		}
		return "", 2
	}
	rest := fs.Args()
	if len(rest) > 0 {
		trace = rest[0]
		if err := fs.Parse(rest[1:]); err != nil {
			return "", 2
		}
		if fs.NArg() > 0 {
			fmt.Fprintf(fs.Output(), "vrcheck %s: unexpected argument %q (one trace only)\n", fs.Name(), fs.Arg(0))
			return "", 2
		}
	}
	if trace == "" {
		fs.Usage()
		return "", 2
	}
	return trace, -1
}

// openTrace opens a trace file ("-": stdin).
func openTrace(path string, stdin io.Reader) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(path)
}

func cmdShiViz(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("shiviz", `Usage: vrcheck shiviz [flags] TRACE > run.log

Convert a trace (- for standard input) to a ShiViz log: load it in ShiViz with "Choose file"
(line 1 is the parser regexp, line 2 the empty execution delimiter). Hosts are r0..rN-1 and
c0..cM-1; each event carries its vector clock, its tick and its trace line. DropMessage and
DuplicateMessage have no host in the trace and are left out unless --net gives them one.`, stderr)
	out := fs.String("out", "-", "write the log to this `file` (- for standard output)")
	net := fs.Bool("net", false, "show DropMessage and DuplicateMessage as events of a host \"net\" that receives the message")
	from := fs.Int("from", 0, "keep only the events from this trace `line` on (ShiViz is slow on long logs)")
	to := fs.Int("to", 0, "keep only the events up to this trace `line`")
	trace, code := parseWithTrace(fs, args)
	if code >= 0 {
		return code
	}
	if *from < 0 || *to < 0 || (*to > 0 && *to < *from) {
		fmt.Fprintf(stderr, "vrcheck shiviz: --from %d --to %d: want 0 <= from <= to\n", *from, *to)
		return 2
	}
	in, err := openTrace(trace, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck shiviz: %v\n", err)
		return 2
	}
	defer in.Close()
	w, done, err := createOut(*out, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck shiviz: %v\n", err)
		return 2
	}
	err = shiviz.Write(w, bufio.NewReaderSize(in, 1<<16), trace, shiviz.Options{Net: *net, From: *from, To: *to})
	if cerr := done(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck shiviz: %v\n", err)
		return 1
	}
	return 0
}

// createOut opens path for writing ("-": stdout); done closes it.
func createOut(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func cmdTimeline(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("timeline", `Usage: vrcheck timeline [flags] TRACE --out FILE.html

Draw a trace (- for standard input) as a space-time diagram in one self-contained HTML page:
a lane per replica and client coloured by status, messages as arrows (dropped ones end in a
cross), commits marked. --mark (or --check) highlights a failing event and scrolls to it.`, stderr)
	out := fs.String("out", "timeline.html", "write the page to this `file` (- for standard output)")
	mark := fs.Int("mark", 0, "highlight the event on this trace `line`")
	msg := fs.String("message", "", "the checker's message to show beside the marked event")
	check := fs.Bool("check", false, "check the trace and mark its first failure (unless --mark is given)")
	trace, code := parseWithTrace(fs, args)
	if code >= 0 {
		return code
	}
	in, err := openTrace(trace, stdin)
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck timeline: %v\n", err)
		return 2
	}
	data, err := io.ReadAll(in)
	in.Close()
	if err != nil {
		fmt.Fprintf(stderr, "vrcheck timeline: %v\n", err)
		return 2
	}
	var m *timeline.Mark
	if *mark > 0 {
		m = &timeline.Mark{Line: *mark, Message: *msg}
	} else if *msg != "" {
		fmt.Fprintln(stderr, "vrcheck timeline: --message needs --mark LINE")
		return 2
	} else if *check {
		rep, err := checker.Check(bytes.NewReader(data), trace, checker.Options{})
		if err != nil {
			fmt.Fprintf(stderr, "vrcheck timeline: %v\n", err)
			return 1
		}
		m = firstFailure(rep)
		if m == nil {
			fmt.Fprintln(stderr, "every check passed: nothing to mark")
		}
	}
	if err := writeTimeline(data, trace, *out, m, stdout); err != nil {
		fmt.Fprintf(stderr, "vrcheck timeline: %v\n", err)
		return 1
	}
	if *out != "-" {
		fmt.Fprintf(stderr, "wrote %s\n", *out)
	}
	return 0
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
	return &timeline.Mark{Line: v.Line, Message: strings.TrimSpace(v.Check + " " + v.Status + ": " + v.Message)}
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
