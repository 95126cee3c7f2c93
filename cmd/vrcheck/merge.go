package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/impl/cluster"
)

func init() { register(newMergeCmd) }

func newMergeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "merge [flags] DIR",
		Short: "merge a cluster run's per-node traces into one trace, in happens-before order",
		Long: `Merge the node traces of a cluster run (DIR/replica-ID.INCARNATION.ndjson and
DIR/client-ID.ndjson) into one trace that vrcheck check reads: every node's events in their
order, every receive after its send, and client calls and returns in real-time order
(traces/README.md, "Real runs"). vrcheck cluster runs this itself.
Exit status: 0 merged, 2 bad input (a node trace that does not parse, or a receive of a
message no node sent: named by file and line).`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) != 1 {
				return usageErrorf("want exactly one run directory, got %d", len(args))
			}
			return nil
		},
	}
	out := cmd.Flags().String("out", "", "write the merged trace to this `file` (default DIR/merged.ndjson; - for standard output)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		dir := args[0]
		path := *out
		if path == "" {
			path = filepath.Join(dir, "merged.ndjson")
		}
		w := cmd.OutOrStdout()
		var f *os.File
		if path != "-" {
			var err error
			if f, err = os.Create(path); err != nil {
				return inputError(err)
			}
			w = f
		}
		bw := bufio.NewWriterSize(w, 1<<20)
		st, err := cluster.MergeDir(dir, bw)
		if err == nil {
			err = bw.Flush()
		}
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				os.Remove(path) // no half-merged trace left behind
			}
		}
		if err != nil {
			return inputError(err)
		}
		if path != "-" {
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d events (%d crashes, %d recoveries, %d view changes)\n", path, st.Events, st.Crashes, st.Recoveries, st.ViewChanges)
		}
		return nil
	}
	return cmd
}
