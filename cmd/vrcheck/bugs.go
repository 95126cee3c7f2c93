package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/vrcheck/vrcheck/impl/vr"
)

// cmdBugs is `vrcheck bugs`: the catalog of bug switches.
func cmdBugs(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlagSet("bugs", "Usage: vrcheck bugs\n\nList the bug switches (--bug NAME on run, sim and explore): known VR defects that can be\nturned on in the implementation to show that the checker finds them.", stderr)
	if code := parseFlags(fs, args); code >= 0 {
		return code
	}
	var b strings.Builder
	for i, bug := range vr.BugCatalog {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s\n    %s\n    source: %s\n", bug.Name, bug.Description, bug.Source)
	}
	fmt.Fprintf(&b, "\n%d switches. Hunt one: vrcheck explore --bug NAME; all: vrcheck explore --all-bugs\n", len(vr.BugCatalog))
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		fmt.Fprintf(stderr, "vrcheck bugs: %v\n", err)
		return 2
	}
	return 0
}
