package main

import (
	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/checker/tla/cli"
)

func init() { register(newTLACmd) }

// newTLACmd hands its arguments to the engine's own CLI unparsed: its flags are TLC's
// single-dash ones (-config, -workers), and its help is its own.
func newTLACmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:                "tla parse|check [-flags] FILE.tla",
		Short:              "parse and model-check TLA+ specifications (a Go-native SANY/TLC)",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return exitCode(cli.Run(args, cmd.OutOrStdout(), cmd.ErrOrStderr()))
		},
	}
	// vrcheck help tla: the engine's help, as vrcheck tla --help prints it.
	cmd.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		cli.Run([]string{"--help"}, cmd.OutOrStdout(), cmd.ErrOrStderr())
	})
	return cmd
}
