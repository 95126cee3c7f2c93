package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/impl/vr"
)

func init() { register(newBugsCmd) }

// newBugsCmd is `vrcheck bugs`: the catalog of bug switches.
func newBugsCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "bugs",
		Short: "list the bug switches (known VR defects the checker must find)",
		Long: `List the bug switches (--bug NAME on run, sim, sweep and explore): known VR defects that
can be turned on in the implementation to show that the checker finds them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var b strings.Builder
			for i, bug := range vr.BugCatalog {
				if i > 0 {
					b.WriteString("\n")
				}
				fmt.Fprintf(&b, "%s\n    %s\n    source: %s\n", bug.Name, bug.Description, bug.Source)
			}
			fmt.Fprintf(&b, "\n%d switches. Hunt one: vrcheck explore --bug NAME; all: vrcheck explore --all-bugs\n", len(vr.BugCatalog))
			if _, err := io.WriteString(cmd.OutOrStdout(), b.String()); err != nil {
				return inputError(err)
			}
			return nil
		},
	}
}
