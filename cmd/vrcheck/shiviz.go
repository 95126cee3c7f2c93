package main

import (
	"bufio"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/viz/shiviz"
)

func init() { register(newShiVizCmd) }

func newShiVizCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "shiviz [flags] TRACE > run.log",
		Short: "convert a trace to a ShiViz log (vector clocks per replica and client)",
		Long: `Convert a trace (- for standard input) to a ShiViz log: load it in ShiViz with "Choose file"
(line 1 is the parser regexp, line 2 the empty execution delimiter). Hosts are r0..rN-1 and
c0..cM-1; each event carries its vector clock, its tick and its trace line. DropMessage and
DuplicateMessage have no host in the trace and are left out unless --net gives them one.`,
		Args: oneTrace,
	}
	fs := cmd.Flags()
	out := fs.String("out", "-", "write the log to this `file` (- for standard output)")
	net := fs.Bool("net", false, "show DropMessage and DuplicateMessage as events of a host \"net\" that receives the message")
	from := fs.Int("from", 0, "keep only the events from this trace `line` on (ShiViz is slow on long logs)")
	to := fs.Int("to", 0, "keep only the events up to this trace `line`")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		trace := args[0]
		if *from < 0 || *to < 0 || (*to > 0 && *to < *from) {
			return usageErrorf("--from %d --to %d: want 0 <= from <= to", *from, *to)
		}
		in, err := openTrace(trace, cmd.InOrStdin())
		if err != nil {
			return inputError(err)
		}
		defer in.Close()
		w, done, err := createOut(*out, cmd.OutOrStdout())
		if err != nil {
			return inputError(err)
		}
		err = shiviz.Write(w, bufio.NewReaderSize(in, 1<<16), trace, shiviz.Options{Net: *net, From: *from, To: *to})
		if cerr := done(); err == nil {
			err = cerr
		}
		if err != nil {
			if *out != "-" {
				os.Remove(*out) // no half-written log
			}
			return inputError(err)
		}
		return nil
	}
	return cmd
}

// openTrace opens a trace file ("-": stdin).
func openTrace(path string, stdin io.Reader) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(stdin), nil
	}
	return os.Open(path)
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
