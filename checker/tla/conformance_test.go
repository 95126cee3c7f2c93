package tla

// The conformance suite: the tlaplus/Examples models (../shared/tla/examples)
// whose manifest records an exhaustive TLC search of at most a minute, each
// run by the engine and compared with TLC's distinct states, total states and
// verdict. Counts come from the manifest or, where it has none, from
// testdata/conformance/tlc.json, TLC's own output recorded once.
//
//	go test ./checker/tla -run TestConformance                  # models TLC checks within 1 s
//	VRCHECK_CONFORMANCE=all go test ./checker/tla -run TestConformance -timeout 60m
//	VRCHECK_CONFORMANCE=slow ...                                # only the models the default run leaves out
//	VRCHECK_CONFORMANCE_OUT=table.md ...                        # also write the summary table
//	VRCHECK_CONFORMANCE_SHARD=2/8 ...                           # only models 2, 10, 18, ... of the selection (to run it in parts)
//	VRCHECK_CONFORMANCE_ONLY=regexp ...                         # only the models of the selection whose .cfg path matches
//	VRCHECK_RECORD_TLC=1 go test ./checker/tla -run TestRecordTLC     # record tlc.json for the default models (needs Java)
//	VRCHECK_RECORD_TLC=all go test ./checker/tla -run TestRecordTLC -timeout 120m  # every model, again
//	VRCHECK_RECORD_TLC=new-all ...                                    # every model not yet recorded
//	VRCHECK_RECORD_TLC_ONLY=regexp ...                                # only the models whose .cfg path matches
//	VRCHECK_RECORD_TLC=reruns go test ./checker/tla -run TestRecordTLC   # TLC again with -fp k -seed k, k = 0..2:
//	                                       # a figure that varies between TLC's own runs is not compared
//
// Each model runs in a child process (this test binary), so that a model
// that takes too long is stopped and a crash is reported as one.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

const examplesDir = "../../../shared/tla/examples"

// libraryPath holds the modules TLC finds on its class path: the TLAPS
// library (theorem modules such as NaturalsInduction) and CommunityModules'
// own sources (FunctionTheorems, ...), as ../shared/tla/tlc has them.
const libraryPath = "../../../shared/tla/tlaps:../../../shared/tla/CommunityModules.jar"

// confModel is one model of the suite.
type confModel struct {
	Module  string        // .tla, relative to the examples folder
	Config  string        // .cfg
	Runtime time.Duration // TLC's, from the manifest
	// TLC's figures; Distinct < 0 when unknown
	Result          string // success, safety failure, deadlock failure, liveness failure
	Distinct, Total int64
	Violation       string // for failures: "invariant Name", "deadlock", ...
	TraceLen        int    // states in TLC's counterexample (0: not compared)
	// TLC's runs with other fingerprint polynomials and seeds (-fp k
	// -seed k), where recorded: a figure that differs between them is
	// TLC's random choice, not its semantics, and is not compared
	Reruns []tlcRerun
}

// tlcRerun is one more TLC run of a model, with -fp FP -seed FP.
type tlcRerun struct {
	FP       int    `json:"fp"`
	Result   string `json:"result"`
	Distinct int64  `json:"distinct"`
	Total    int64  `json:"total"`
}

// varies reports whether TLC's distinct or total count differs between its
// recorded runs.
func (m confModel) varies() (distinct, total bool) {
	for _, r := range m.Reruns {
		distinct = distinct || r.Distinct != m.Distinct
		total = total || r.Total != m.Total
	}
	return
}

// countRange lists TLC's values of one figure over its recorded runs.
func (m confModel) countRange(total bool) string {
	lo, hi := m.Distinct, m.Distinct
	if total {
		lo, hi = m.Total, m.Total
	}
	for _, r := range m.Reruns {
		v := r.Distinct
		if total {
			v = r.Total
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return fmt.Sprintf("%d-%d over %d runs", lo, hi, len(m.Reruns)+1)
}

// tlcRecord is what testdata/conformance/tlc.json keeps of one TLC run.
type tlcRecord struct {
	Result    string `json:"result"`
	Distinct  int64  `json:"distinct"`
	Total     int64  `json:"total"`
	Violation string `json:"violation,omitempty"`
	TraceLen  int    `json:"traceLength,omitempty"`
	Output    string `json:"output,omitempty"` // TLC's message when it is not one of the above
	// Reruns: TLC again with -fp k -seed k (VRCHECK_RECORD_TLC=reruns)
	Reruns []tlcRerun `json:"reruns,omitempty"`
}

const goldenFile = "testdata/conformance/tlc.json"

func parseRuntime(s string) (time.Duration, bool) {
	var h, m, sec int
	if _, err := fmt.Sscanf(s, "%d:%d:%d", &h, &m, &sec); err != nil {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute + time.Duration(sec)*time.Second, true
}

// suiteModels reads the manifests: exhaustive searches of at most a minute.
func suiteModels(t *testing.T) []confModel {
	if _, err := os.Stat(examplesDir); err != nil {
		t.Skipf("conformance suite skipped: %s not present (the tlaplus/Examples models live in ../shared beside the repository)", examplesDir)
	}
	files, _ := filepath.Glob(filepath.Join(examplesDir, "specifications", "*", "manifest.json"))
	golden := map[string]tlcRecord{}
	if b, err := os.ReadFile(goldenFile); err == nil {
		if err := json.Unmarshal(b, &golden); err != nil {
			t.Fatalf("%s: %v", goldenFile, err)
		}
	}
	var out []confModel
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var man struct {
			Modules []struct {
				Path   string
				Models []struct {
					Path           string
					Runtime        string
					Mode           any
					Result         string
					DistinctStates *int64
					TotalStates    *int64
				}
			}
		}
		if err := json.Unmarshal(b, &man); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, mod := range man.Modules {
			for _, m := range mod.Models {
				rt, ok := parseRuntime(m.Runtime)
				if m.Mode != "exhaustive search" || !ok || rt > time.Minute {
					continue
				}
				cm := confModel{Module: mod.Path, Config: m.Path, Runtime: rt, Result: m.Result, Distinct: -1, Total: -1}
				if m.DistinctStates != nil && m.TotalStates != nil && m.Result == "success" {
					cm.Distinct, cm.Total = *m.DistinctStates, *m.TotalStates
				} else if g, ok := golden[m.Path]; ok {
					cm.Result, cm.Distinct, cm.Total, cm.Violation, cm.TraceLen = g.Result, g.Distinct, g.Total, g.Violation, g.TraceLen
					cm.Reruns = g.Reruns
				}
				out = append(out, cm)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Config < out[j].Config })
	return out
}

// engineRun is what the child process reports about one model.
type engineRun struct {
	Err       string // load, configuration or run-time error
	Distinct  int64
	Total     int64
	Violation string
	TraceLen  int
	Seconds   float64
}

func violationName(v *Violation) string {
	switch v.Kind {
	case "deadlock":
		return "deadlock"
	case "error":
		return "error"
	case "temporal":
		return "temporal"
	}
	return v.Kind + " " + v.Name
}

// TestConformanceModel runs one model; it is the child process of
// TestConformance and does nothing on its own.
func TestConformanceModel(t *testing.T) {
	path := os.Getenv("VRCHECK_CONF_MODEL")
	if path == "" {
		t.Skip("runs only as a child of TestConformance")
	}
	var r engineRun
	start := time.Now()
	func() {
		mod, cfgPath, _ := strings.Cut(path, "|")
		// from the examples' root, as the manifests were made: a trace spec
		// reads its log by a path relative to it
		root, err := rootLike(examplesDir)
		if err != nil {
			r.Err = err.Error()
			return
		}
		defer os.RemoveAll(root)
		if err := os.Chdir(root); err != nil {
			r.Err = err.Error()
			return
		}
		m, err := Load(mod, LoadOptions{})
		if err != nil {
			r.Err = err.Error()
			return
		}
		m.Out = &bytes.Buffer{}
		cfg, err := ReadConfig(cfgPath)
		if err != nil {
			r.Err = err.Error()
			return
		}
		res, err := Check(m, cfg, Options{Workers: 1})
		if err != nil {
			r.Err = err.Error()
			return
		}
		r.Distinct, r.Total = res.Distinct, res.Generated
		if v := res.Violation; v != nil {
			r.Violation = violationName(v)
			r.TraceLen = len(v.Trace)
			if v.Kind == "error" {
				r.Err = v.Err.Error()
			}
		}
	}()
	r.Seconds = time.Since(start).Seconds()
	b, _ := json.Marshal(r)
	fmt.Printf("\nCONFORMANCE-RESULT %s\n", b)
}

// cause classifies why the engine's result differs from TLC's.
func (m confModel) cause(r engineRun) string {
	if r.Err != "" {
		msg := r.Err
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		return "error: " + msg
	}
	if m.Distinct < 0 && m.Result == "success" {
		return "no TLC counts recorded"
	}
	switch {
	case m.Result == "success" && r.Violation != "":
		return fmt.Sprintf("verdict: %s, TLC: success", r.Violation)
	case m.Result != "success" && r.Violation == "":
		return fmt.Sprintf("verdict: success, TLC: %s (%s)", m.Result, m.Violation)
	case m.Result != "success":
		if m.Violation != "" && r.Violation != m.Violation {
			return fmt.Sprintf("verdict: %s, TLC: %s", r.Violation, m.Violation)
		}
		// TLC's lasso is not the shortest one, nor unique: only safety
		// counterexamples (shortest, by BFS) are compared by length
		if m.TraceLen > 0 && m.Violation != "temporal" && r.TraceLen != m.TraceLen {
			return fmt.Sprintf("counterexample of %d states, TLC: %d", r.TraceLen, m.TraceLen)
		}
		return ""
	}
	vd, vt := m.varies()
	for _, r := range m.Reruns {
		if r.Result != m.Result {
			return fmt.Sprintf("TLC's verdict varies between its runs (%s, %s)", m.Result, r.Result)
		}
	}
	if (!vd && r.Distinct != m.Distinct) || (!vt && r.Total != m.Total) {
		return fmt.Sprintf("counts: %d distinct / %d total, TLC: %d / %d", r.Distinct, r.Total, m.Distinct, m.Total)
	}
	return ""
}

// note says which of TLC's figures were not compared because TLC's own
// runs disagree on them.
func (m confModel) note(r engineRun) string {
	vd, vt := m.varies()
	var parts []string
	if vd {
		parts = append(parts, fmt.Sprintf("TLC's distinct count varies with -fp/-seed (%s), engine %d: not compared", m.countRange(false), r.Distinct))
	}
	if vt {
		parts = append(parts, fmt.Sprintf("TLC's total varies with -fp/-seed (%s), engine %d: not compared", m.countRange(true), r.Total))
	}
	return strings.Join(parts, "; ")
}

var resultLine = regexp.MustCompile(`(?m)^CONFORMANCE-RESULT (.*)$`)

// TestConformance runs the suite and compares each model with TLC. Models
// listed in testdata/conformance/exceptions.txt are expected to differ, for
// the cause given there; a listed model that passes fails the test, so the
// list stays exact.
func TestConformance(t *testing.T) {
	models := suiteModels(t)
	mode := os.Getenv("VRCHECK_CONFORMANCE")
	all := mode == "all" || mode == "slow"
	if testing.Short() && !all {
		t.Skip("conformance suite skipped in -short mode")
	}
	exceptions := readExceptions(t)
	shard, shards := 0, 1
	if s := os.Getenv("VRCHECK_CONFORMANCE_SHARD"); s != "" {
		if _, err := fmt.Sscanf(s, "%d/%d", &shard, &shards); err != nil || shards < 1 || shard < 0 || shard >= shards {
			t.Fatalf("VRCHECK_CONFORMANCE_SHARD=%q: want k/n with 0 <= k < n", s)
		}
	}
	var only *regexp.Regexp
	if s := os.Getenv("VRCHECK_CONFORMANCE_ONLY"); s != "" {
		re, err := regexp.Compile(s)
		if err != nil {
			t.Fatalf("VRCHECK_CONFORMANCE_ONLY: %v", err)
		}
		only = re
	}
	limit := 2 * time.Minute
	var table []string
	byCause := map[string][]string{}
	pass, total, selected, random := 0, 0, 0, 0
	for _, m := range models {
		if !all && m.Runtime > time.Second || mode == "slow" && m.Runtime <= time.Second {
			continue
		}
		selected++
		if (selected-1)%shards != shard || only != nil && !only.MatchString(m.Config) {
			continue
		}
		total++
		ctx, cancel := context.WithTimeout(context.Background(), limit)
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestConformanceModel$", "-test.timeout=0")
		cmd.Env = append(os.Environ(), "VRCHECK_CONF_MODEL="+m.Module+"|"+m.Config, "GOMAXPROCS=2", "TLA_PATH="+absPath(t, libraryPath))
		out, err := cmd.CombinedOutput()
		cancel()
		var r engineRun
		if sm := resultLine.FindSubmatch(out); sm != nil {
			json.Unmarshal(sm[1], &r)
		} else if ctx.Err() != nil {
			r.Err = fmt.Sprintf("timeout: no result within %s", limit)
		} else {
			r.Err = "crash: " + lastLines(string(out), err)
		}
		cause := m.cause(r)
		status, detail := "pass", cause
		if cause != "" {
			status = "FAIL"
		} else {
			pass++
			if detail = m.note(r); detail != "" {
				status = "pass (TLC random)"
				random++
			}
		}
		name := strings.TrimPrefix(m.Config, "specifications/")
		table = append(table, fmt.Sprintf("| %s | %s | %.1fs | %s |", name, status, r.Seconds, detail))
		switch {
		case cause != "":
			byCause[causeClass(cause)] = append(byCause[causeClass(cause)], name)
		case detail != "":
			byCause["pass: TLC's own counts vary between its runs (verdict compared)"] = append(byCause["pass: TLC's own counts vary between its runs (verdict compared)"], name)
		}
		t.Log(table[len(table)-1]) // as it goes: a long run stopped early keeps its rows
		want, listed := exceptions[m.Config]
		switch {
		case cause != "" && !listed:
			t.Errorf("%s: %s", m.Config, cause)
		case cause != "" && !strings.HasPrefix(cause, want):
			t.Errorf("%s: %s (listed as: %s)", m.Config, cause, want)
		case cause == "" && listed:
			t.Errorf("%s passes now: remove it from the exceptions", m.Config)
		}
	}
	summary := fmt.Sprintf("Conformance: %d of %d models give TLC's distinct states, total states and verdict", pass, total)
	if random > 0 {
		summary += fmt.Sprintf(" (%d of them on the figures that TLC's own runs agree on: the others depend on TLC's random fingerprint polynomial or seed)", random)
	}
	summary += "."
	report := "| model | result | engine time | cause |\n|---|---|---|---|\n" + strings.Join(table, "\n") + "\n\n" + summary + "\n"
	if len(byCause) > 0 {
		var classes []string
		for c := range byCause {
			classes = append(classes, c)
		}
		sort.Strings(classes)
		report += "\n| cause | models | which |\n|---|---:|---|\n"
		for _, c := range classes {
			report += fmt.Sprintf("| %s | %d | %s |\n", c, len(byCause[c]), strings.Join(byCause[c], ", "))
		}
	}
	t.Log("\n" + report)
	if p := os.Getenv("VRCHECK_CONFORMANCE_OUT"); p != "" {
		if err := os.WriteFile(p, []byte(report), 0o644); err != nil {
			t.Error(err)
		}
	}
}

var posPrefix = regexp.MustCompile(`^\S+\.(tla|cfg):\d+(:\d+)?: `)

// causeClass groups the causes of the table: the kind of difference, and
// for an error its message without the position and the details after the
// first colon of the message.
func causeClass(cause string) string {
	if strings.HasPrefix(cause, "counterexample of") {
		return "counterexample of another length"
	}
	kind, rest, _ := strings.Cut(cause, ": ")
	switch kind {
	case "counts":
		return "different counts"
	case "verdict":
		return "different verdict"
	case "error":
		rest = posPrefix.ReplaceAllString(rest, "")
		for _, k := range []string{"timeout", "crash"} {
			if strings.HasPrefix(rest, k) {
				return k
			}
		}
		if head, tail, ok := strings.Cut(rest, ": "); ok && (head == "not supported" || strings.HasPrefix(head, "unknown")) {
			if i := strings.IndexAny(tail, ":(;"); i > 0 {
				tail = tail[:i]
			}
			return "error: " + head + ": " + strings.TrimSpace(tail)
		}
		if len(rest) > 60 {
			rest = rest[:60] + "..."
		}
		return "error: " + rest
	}
	return cause
}

// rootLike makes a temporary directory that looks like the examples' root
// (specifications links to the examples' own), so that a model reads its
// files as from the root but writes what it writes (IOUtils!Serialize,
// SVG frames of an ALIAS) into the temporary directory, never into ../shared.
func rootLike(examples string) (string, error) {
	abs, err := filepath.Abs(filepath.Join(examples, "specifications"))
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "vrcheck-conformance-")
	if err != nil {
		return "", err
	}
	return dir, os.Symlink(abs, filepath.Join(dir, "specifications"))
}

// absPath makes each entry of a list of paths absolute.
func absPath(t *testing.T, list string) string {
	parts := filepath.SplitList(list)
	for i, p := range parts {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		parts[i] = a
	}
	return strings.Join(parts, string(filepath.ListSeparator))
}

func lastLines(out string, err error) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if strings.HasPrefix(l, "fatal error:") || strings.HasPrefix(l, "panic:") {
			return l
		}
	}
	if len(lines) > 0 {
		return lines[len(lines)-1]
	}
	return fmt.Sprint(err)
}

// readExceptions reads "path<TAB>cause<TAB>reason" lines: the cause is the
// start of what TestConformance reports, the reason why it differs.
func readExceptions(t *testing.T) map[string]string {
	out := map[string]string{}
	f, err := os.Open("testdata/conformance/exceptions.txt")
	if errors.Is(err, os.ErrNotExist) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 || f[2] == "" {
			t.Fatalf("exceptions.txt: want path<TAB>cause<TAB>reason, got %q", line)
		}
		path, cause := f[0], f[1]
		out[path] = cause
	}
	return out
}

// TestRecordTLC runs TLC on the suite's models that the manifests give no
// counts for and writes testdata/conformance/tlc.json. It needs Java and
// ../shared/tla/tlc, and runs only when VRCHECK_RECORD_TLC is set.
func TestRecordTLC(t *testing.T) {
	if os.Getenv("VRCHECK_RECORD_TLC") == "" {
		t.Skip("set VRCHECK_RECORD_TLC=1 to run TLC and rewrite " + goldenFile)
	}
	tlc, err := filepath.Abs("../../../shared/tla/tlc")
	if err != nil {
		t.Fatal(err)
	}
	golden := map[string]tlcRecord{}
	if b, err := os.ReadFile(goldenFile); err == nil {
		json.Unmarshal(b, &golden)
	}
	// 1: default models not yet recorded; new-all: every model not yet
	// recorded; all: every model, again;
	// reruns: the recorded default models again with -fp k -seed k, k =
	// 0, 1, 2 (reruns-all: every recorded model), kept beside the record
	mode := os.Getenv("VRCHECK_RECORD_TLC")
	reruns := strings.HasPrefix(mode, "reruns")
	var only *regexp.Regexp // VRCHECK_RECORD_TLC_ONLY: only the models whose .cfg path matches
	if s := os.Getenv("VRCHECK_RECORD_TLC_ONLY"); s != "" {
		re, err := regexp.Compile(s)
		if err != nil {
			t.Fatalf("VRCHECK_RECORD_TLC_ONLY: %v", err)
		}
		only = re
	}
	for _, m := range suiteModels(t) {
		if only != nil && !only.MatchString(m.Config) {
			continue
		}
		if m.Distinct >= 0 && m.Result == "success" && !reruns {
			continue
		}
		if mode != "all" && mode != "reruns-all" && mode != "new-all" && m.Runtime > time.Second {
			continue
		}
		g, recorded := golden[m.Config]
		if reruns {
			if !recorded {
				continue
			}
			g.Reruns = nil
			for k := 0; k < 3; k++ {
				rec, ok := runTLC(t, tlc, m, "-fp", strconv.Itoa(k), "-seed", strconv.Itoa(k))
				if !ok {
					break
				}
				g.Reruns = append(g.Reruns, tlcRerun{FP: k, Result: rec.Result, Distinct: rec.Distinct, Total: rec.Total})
			}
			t.Logf("%s: %+v", m.Config, g.Reruns)
		} else {
			if recorded && mode != "all" { // 1, new-all: only what is missing
				continue
			}
			rec, ok := runTLC(t, tlc, m)
			if !ok {
				continue
			}
			t.Logf("%s: %+v", m.Config, rec)
			g = rec
		}
		golden[m.Config] = g
		// written after every model: an interrupted run keeps what it measured
		b, _ := json.MarshalIndent(golden, "", "  ")
		os.MkdirAll(filepath.Dir(goldenFile), 0o755)
		if err := os.WriteFile(goldenFile, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runTLC runs TLC on one model, from (a copy of) the examples' root as the
// manifests were made, with one worker (TLC's counterexamples are the
// shortest only then), bounded so that one model cannot hold the machine.
func runTLC(t *testing.T, tlc string, m confModel, extra ...string) (tlcRecord, bool) {
	meta := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	root, err := rootLike(examplesDir)
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(root)
	args := append([]string{"-workers", "1", "-metadir", meta}, extra...)
	cmd := exec.CommandContext(ctx, tlc, append(args, "-config", m.Config, m.Module)...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "TLA_JAVA_OPTS=-Xmx4g")
	out, _ := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Logf("%s: TLC gave no result within 5 minutes; not recorded", m.Config)
		return tlcRecord{}, false
	}
	return parseTLC(string(out)), true
}

var (
	tlcCounts = regexp.MustCompile(`(?m)^([0-9,]+) states generated, ([0-9,]+) distinct states found`)
	tlcState  = regexp.MustCompile(`(?m)^State ([0-9]+): `)
	tlcInv    = regexp.MustCompile(`(?m)^Error: Invariant (\S+) is violated`)
	tlcAct    = regexp.MustCompile(`(?m)^Error: Action property (\S+) is violated`)
	tlcProp   = regexp.MustCompile(`(?m)^Error: Property (\S+) is violated`)
	// "Temporal property P was violated." (TLC 1.8) or "Temporal properties were violated."
	tlcTemporal = regexp.MustCompile(`(?m)^Error: Temporal propert(y \S+ was|ies were) violated`)
)

func atoi(s string) int64 {
	n, _ := strconv.ParseInt(strings.ReplaceAll(s, ",", ""), 10, 64)
	return n
}

// parseTLC reads TLC's verdict and figures from its output.
func parseTLC(out string) tlcRecord {
	var r tlcRecord
	if m := tlcCounts.FindStringSubmatch(out); m != nil {
		r.Total, r.Distinct = atoi(m[1]), atoi(m[2])
	}
	for _, m := range tlcState.FindAllStringSubmatch(out, -1) {
		if n := int(atoi(m[1])); n > r.TraceLen {
			r.TraceLen = n
		}
	}
	switch {
	case strings.Contains(out, "Model checking completed. No error has been found."):
		r.Result, r.TraceLen = "success", 0
	case tlcInv.MatchString(out):
		r.Result, r.Violation = "safety failure", "invariant "+tlcInv.FindStringSubmatch(out)[1]
	case tlcAct.MatchString(out):
		r.Result, r.Violation = "safety failure", "action property "+tlcAct.FindStringSubmatch(out)[1]
	case tlcProp.MatchString(out):
		r.Result, r.Violation = "safety failure", "property "+tlcProp.FindStringSubmatch(out)[1]
	case strings.Contains(out, "Error: Deadlock reached."):
		r.Result, r.Violation = "deadlock failure", "deadlock"
	case tlcTemporal.MatchString(out):
		r.Result, r.Violation = "liveness failure", "temporal"
	default:
		r.Result = "error"
		lines := strings.Split(strings.TrimSpace(out), "\n")
		for _, l := range lines {
			if strings.HasPrefix(l, "Error:") {
				r.Output = l
				break
			}
		}
	}
	return r
}
