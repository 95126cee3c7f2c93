package explore

import (
	"bytes"
	"fmt"
	"github.com/vrcheck/vrcheck/checker"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"

	"github.com/vrcheck/vrcheck/impl/sim"
)

// Saved says where a failing run was written and how to reproduce it.
type Saved struct {
	Trace    string `json:"trace"`    // the trace file
	Scenario string `json:"scenario"` // the scenario file (YAML), next to it
	// Command reproduces Trace byte for byte (it rewrites the same file) and checks it.
	Command string `json:"command"`
}

// Save writes out's trace to dir/base.ndjson and its scenario to dir/base.yaml. note is put at
// the top of the YAML file as comments.
func Save(dir, base string, out *Outcome, note []string) (*Saved, error) {
	if out.Trace == nil {
		return nil, fmt.Errorf("save %s: the run's trace was not kept", base)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	s := &Saved{Trace: filepath.Join(dir, base+".ndjson"), Scenario: filepath.Join(dir, base+".yaml")}
	s.Command = ReproCommand(s.Scenario, s.Trace)
	y, err := ScenarioYAML(out.Scenario)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	for _, l := range note {
		fmt.Fprintf(&b, "# %s\n", l)
	}
	fmt.Fprintf(&b, "# reproduce: %s\n", s.Command)
	b.Write(y)
	if err := os.WriteFile(s.Scenario, b.Bytes(), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(s.Trace, out.Trace, 0o644); err != nil {
		return nil, err
	}
	return s, nil
}

// ScenarioYAML is sc in the form `vrcheck --scenario FILE` reads: every field, floats written
// exactly (shortest round-trip form), so loading it gives back sc.
func ScenarioYAML(sc sim.Scenario) ([]byte, error) {
	if sc.Bugs == nil {
		sc.Bugs = []string{}
	}
	if sc.Schedule == nil {
		sc.Schedule = []sim.Fault{}
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(sc); err != nil {
		return nil, fmt.Errorf("scenario to YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ReproCommand is the vrcheck command line that re-runs a scenario file into a trace file.
func ReproCommand(scenario, trace string) string {
	return "vrcheck run --scenario " + checker.ShellQuote(scenario) + " --out " + checker.ShellQuote(trace)
}
