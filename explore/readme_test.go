package explore

import (
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// The tables of measured results in explore/README.md (and the seeds and events of the top
// README's "What it finds") are the output of the tool; this test regenerates them and fails
// if a README differs (issue 16, defect 8: they had gone stale). To rewrite them:
//
//go:generate env VRCHECK_UPDATE_README=1 go test -run TestREADMEFigures -count=1 .
func TestREADMEFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: hunts every bug switch over 200 seeds twice (about 20 s)")
	}
	update := os.Getenv("VRCHECK_UPDATE_README") != ""
	tables := map[string]*AllBugs{}
	for _, ignore := range []bool{false, true} {
		o := HuntOptions{Options: Options{FirstSeed: 1, Seeds: 200, Workers: runtime.GOMAXPROCS(0), IgnoreSteps: ignore},
			ShrinkRuns: DefaultShrinkRuns, Dir: t.TempDir()}
		a, err := HuntAll(o, nil)
		require.NoError(t, err)
		cmd := "vrcheck explore --all-bugs --seeds 200"
		if ignore {
			cmd += " --no-step-validation"
		}
		tables[cmd] = a
	}

	// explore/README.md: each table follows a marker naming the command that writes it.
	readme := "README.md"
	text := readFile(t, readme)
	for cmd, a := range tables {
		var b strings.Builder
		require.NoError(t, a.WriteTable(&b))
		text = replaceBlock(t, readme, text, cmd, b.String(), update)
	}
	writeOrCompare(t, readme, text, update)

	// The top README's table: seeds to first detection, events found -> shrunk.
	top := "../README.md"
	text = readFile(t, top)
	for _, b := range tables["vrcheck explore --all-bugs --seeds 200"].Bugs {
		require.True(t, b.Found, b.Bug)
		row := regexp.MustCompile(`(?m)^(\| ` + regexp.QuoteMeta(b.Bug) + ` \| [^|]+ \| )[^|]+ \| [^|]+ \|$`)
		require.Regexp(t, row, text, "%s: a row for the bug switch", top)
		f := b.Hunt.First
		text = row.ReplaceAllString(text, fmt.Sprintf("${1}%d | %d → %d |", b.Hunt.Run, f.Events, f.ShrunkEvents))
	}
	writeOrCompare(t, top, text, update)
}

func readFile(t *testing.T, name string) string {
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// replaceBlock replaces the fenced block after the line "<!-- generated: cmd -->" with body.
func replaceBlock(t *testing.T, file, text, cmd, body string, update bool) string {
	marker := "<!-- generated: " + cmd + " -->\n```\n"
	i := strings.Index(text, marker)
	require.GreaterOrEqual(t, i, 0, "%s has no %q", file, marker)
	start := i + len(marker)
	n := strings.Index(text[start:], "```\n")
	require.GreaterOrEqual(t, n, 0, "%s: block after %q does not end", file, marker)
	return text[:start] + body + text[start+n:]
}

func writeOrCompare(t *testing.T, name, want string, update bool) {
	if update {
		require.NoError(t, os.WriteFile(name, []byte(want), 0o644))
		return
	}
	require.Equal(t, want, readFile(t, name), "%s is stale: run go generate ./explore", name)
}
