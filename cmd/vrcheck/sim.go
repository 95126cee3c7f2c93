package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/impl/sim"
)

func init() { register(newSimCmd) }

func newSimCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sim [flags] --out FILE",
		Short: "simulate a run and write its trace",
		Long:  "Simulate one run and write its trace (NDJSON, see traces/README.md).",
		Args:  noArgs,
	}
	fs := cmd.Flags()
	out := fs.String("out", "", "write the trace to this `file` (- for standard output)")
	scenario := scenarioFlags(fs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		if *out == "" {
			return usageErrorf("--out is required (a file, or - for standard output)")
		}
		sc, err := scenario()
		if err != nil {
			return asInputError(err)
		}
		res, err := simulate(sc, *out, cmd.OutOrStdout())
		if err != nil {
			if res != nil && errors.Is(err, sim.ErrNoQuiescence) {
				return &exitError{code: 1, err: err}
			}
			return inputError(err)
		}
		if *out != "-" {
			fmt.Fprintf(cmd.ErrOrStderr(), "wrote %s: %d events, %d of %d requests completed\n", *out, res.Events, res.Completed, res.Requests)
		}
		return nil
	}
	return cmd
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
