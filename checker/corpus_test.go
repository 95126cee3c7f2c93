package checker

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// expectation is one trace's expected verdict in traces/corpus/expected.yaml.
type expectation struct {
	Exit int `yaml:"exit"` // as vrcheck check: 0 pass, 1 violation, 2 bad input
	// Fail maps every check that must fail to the line of its first failure (0: no line,
	// as for linearizability); every other check must pass.
	Fail map[string]int `yaml:"fail"`
	// Error is the start of the error for bad input ("file:line: what").
	Error string `yaml:"error"`
	// TraceVR and TraceVRWhy: TraceVR's verdict where it differs by design, and why (read by
	// e2e/agree_test.go).
	TraceVR    string `yaml:"tracevr"`
	TraceVRWhy string `yaml:"tracevrWhy"`
}

func loadExpected(t *testing.T) map[string]expectation {
	b, err := os.ReadFile(corpus + "expected.yaml")
	require.NoError(t, err)
	var exp map[string]expectation
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	require.NoError(t, dec.Decode(&exp))
	return exp
}

// checkFile runs the checker on a corpus file and returns the exit code vrcheck check would
// give, the report and the error.
func checkFile(t *testing.T, name string) (int, *Report, error) {
	f, err := os.Open(corpus + name)
	require.NoError(t, err)
	defer f.Close()
	rep, err := Check(f, name, Options{})
	switch {
	case err != nil:
		return 2, nil, err
	case !rep.OK():
		return 1, rep, nil
	}
	return 0, rep, nil
}

func TestCorpus(t *testing.T) {
	exp := loadExpected(t)
	files, err := filepath.Glob(corpus + "*/*.ndjson")
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, strings.TrimPrefix(f, corpus))
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			want, ok := exp[name]
			require.True(t, ok, "%s has no entry in expected.yaml", name)
			code, rep, err := checkFile(t, name)
			require.Equal(t, want.Exit, code, "exit code (error: %v)", err)
			if code == 2 {
				require.NotEmpty(t, want.Error)
				assert.True(t, strings.HasPrefix(err.Error(), want.Error), "error %q, want prefix %q", err, want.Error)
				return
			}
			var txt strings.Builder
			require.NoError(t, rep.WriteText(&txt))
			for _, v := range rep.Verdicts {
				line, mustFail := want.Fail[v.Check]
				if mustFail {
					assert.Equal(t, Fail, v.Status, "%s\n%s", v.Check, txt.String())
					assert.Equal(t, line, v.Line, "%s: line of first failure\n%s", v.Check, txt.String())
				} else {
					assert.Equal(t, Pass, v.Status, "%s\n%s", v.Check, txt.String())
				}
			}
		})
	}
	for name := range exp {
		_, err := os.Stat(corpus + name)
		assert.NoError(t, err, "expected.yaml lists a missing trace")
	}
}

// TestPrintCorpus prints every corpus verdict as expected.yaml would hold it, to review
// when the corpus changes (VRCHECK_PRINT_CORPUS=1).
func TestPrintCorpus(t *testing.T) {
	if os.Getenv("VRCHECK_PRINT_CORPUS") == "" {
		t.Skip("set VRCHECK_PRINT_CORPUS=1")
	}
	files, _ := filepath.Glob(corpus + "*/*.ndjson")
	sort.Strings(files)
	for _, f := range files {
		name := strings.TrimPrefix(f, corpus)
		code, rep, err := checkFile(t, name)
		var b strings.Builder
		fmt.Fprintf(&b, "%s:\n  exit: %d\n", name, code)
		if err != nil {
			fmt.Fprintf(&b, "  error: %q\n", err.Error())
		} else if code == 1 {
			b.WriteString("  fail:\n")
			for _, v := range rep.Verdicts {
				if v.Status != Pass {
					fmt.Fprintf(&b, "    %s: %d\n", v.Check, v.Line)
				}
			}
		}
		os.Stdout.WriteString(b.String())
	}
}
