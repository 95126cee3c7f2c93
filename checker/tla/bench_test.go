package tla

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Benchmarks: run with
//
//	go test -run '^$' -bench . -benchtime 1x ./checker/tla
//
// (checker/tla/README lists the figures and how the traces are made).

type benchRun struct {
	distinct, generated int64
	elapsed             time.Duration
}

func (r *benchRun) report(b *testing.B) {
	b.ReportMetric(float64(r.distinct)/float64(b.N), "states")
	b.ReportMetric(float64(r.distinct)/r.elapsed.Minutes(), "distinct/min")
}

func runCheck(b *testing.B, m *Model, cfg *Config, workers int, r *benchRun) {
	b.Helper()
	start := time.Now()
	res, err := Check(m, cfg, Options{Workers: workers})
	if err != nil {
		b.Fatal(err)
	}
	if res.Violation != nil {
		b.Fatal(res.Violation)
	}
	r.elapsed += time.Since(start)
	r.distinct += res.Distinct
	r.generated += res.Generated
}

func benchCheck(b *testing.B, tlaPath, cfgText string, workers int) {
	b.Helper()
	var r benchRun
	for i := 0; i < b.N; i++ {
		m, err := Load(tlaPath, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := ParseConfig("bench.cfg", cfgText)
		if err != nil {
			b.Fatal(err)
		}
		runCheck(b, m, cfg, workers, &r)
	}
	r.report(b)
}

func benchCheckFiles(b *testing.B, tlaPath, cfgPath string, workers int) {
	b.Helper()
	if _, err := os.Stat(tlaPath); err != nil {
		b.Skipf("%s not present", tlaPath)
	}
	var r benchRun
	for i := 0; i < b.N; i++ {
		m, err := Load(tlaPath, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := ReadConfig(cfgPath)
		if err != nil {
			b.Fatal(err)
		}
		runCheck(b, m, cfg, workers, &r)
	}
	r.report(b)
}

// BenchmarkTwoPhase6 checks two-phase commit with six resource managers.
func BenchmarkTwoPhase6(b *testing.B) {
	benchCheck(b, filepath.Join("testdata", "TwoPhase.tla"),
		"CONSTANT RM = {r1, r2, r3, r4, r5, r6}\nSPECIFICATION TPSpec\nINVARIANTS TPTypeOK TCConsistent\n", 2)
}

// BenchmarkVR checks a small model of the project's VR spec, if present.
func BenchmarkVR(b *testing.B) {
	path := filepath.Join("..", "..", "spec", "MCVR.tla")
	if _, err := os.Stat(path); err != nil {
		b.Skip("spec/MCVR.tla not present")
	}
	benchCheck(b, path, `CONSTANTS N = 3 NumClients = 1 Keys = {"k"} Values = {"a"} Ops = {"put"} Bugs = {}
MaxView = 1 MaxCrashes = 0 MaxRequests = 1 MaxMsgs = 3 MaxCopies = 1
SPECIFICATION Spec
CONSTRAINT MCConstraint
INVARIANTS TypeOK Safety
CHECK_DEADLOCK FALSE
`, 2)
}

// BenchmarkMCVR checks spec/MCVR.cfg (841,450 distinct states) with 2
// workers, issue 12's model (minutes: run it alone).
func BenchmarkMCVR(b *testing.B) {
	dir := filepath.Join("..", "..", "spec")
	benchCheckFiles(b, filepath.Join(dir, "MCVR.tla"), filepath.Join(dir, "MCVR.cfg"), 2)
}

// BenchmarkMCVRcheckpoint checks spec/MCVR_checkpoint.cfg (60,496 distinct
// states) with 1 and 2 workers.
func BenchmarkMCVRcheckpoint(b *testing.B) {
	dir := filepath.Join("..", "..", "spec")
	for _, w := range []int{1, 2} {
		b.Run(fmt.Sprintf("workers=%d", w), func(b *testing.B) {
			benchCheckFiles(b, filepath.Join(dir, "MCVR.tla"), filepath.Join(dir, "MCVR_checkpoint.cfg"), w)
		})
	}
}

// BenchmarkExamples checks tlaplus/Examples models from ../shared with 2 workers.
func BenchmarkExamples(b *testing.B) {
	if _, err := os.Stat(examplesDir); err != nil {
		b.Skipf("%s not present (the tlaplus/Examples models live in ../shared beside the repository)", examplesDir)
	}
	for _, ex := range []struct{ name, module, cfg string }{
		{"SimpleRegular", "TeachingConcurrency/SimpleRegular.tla", "TeachingConcurrency/SimpleRegular.cfg"},
		{"btree", "btree/btree.tla", "btree/btree.cfg"},
		{"SlushSmall", "SlushProtocol/Slush.tla", "SlushProtocol/SlushSmall.cfg"},
	} {
		b.Run(ex.name, func(b *testing.B) {
			dir := filepath.Join(examplesDir, "specifications")
			benchCheckFiles(b, filepath.Join(dir, ex.module), filepath.Join(dir, ex.cfg), 2)
		})
	}
}

// BenchmarkTraceVR validates traces with spec/TraceVR.tla and all its
// invariants: VRCHECK_BENCH_TRACES names the NDJSON files, comma-separated
// (checker/tla/README gives the vrcheck sim commands that make them).
func BenchmarkTraceVR(b *testing.B) {
	list := os.Getenv("VRCHECK_BENCH_TRACES")
	if list == "" {
		b.Skip("VRCHECK_BENCH_TRACES is not set: make traces with `vrcheck sim --seed 3 --clients 5 --requests 40 --out small.ndjson` (and --clients 20 --requests 100) and list them there")
	}
	dir := filepath.Join("..", "..", "spec")
	for _, path := range strings.Split(list, ",") {
		b.Run(filepath.Base(path), func(b *testing.B) {
			b.Setenv("VRCHECK_TRACE", path)
			var r benchRun
			for i := 0; i < b.N; i++ {
				// count loading too; the trace itself is read by Check (when
				// the configuration binds N from its header)
				start := time.Now()
				m, err := Load(filepath.Join(dir, "TraceVR.tla"), LoadOptions{})
				if err != nil {
					b.Fatal(err)
				}
				cfg, err := ReadConfig(filepath.Join(dir, "TraceVR.cfg"))
				if err != nil {
					b.Fatal(err)
				}
				r.elapsed += time.Since(start)
				runCheck(b, m, cfg, 1, &r)
			}
			b.ReportMetric(float64(r.distinct-int64(b.N))/r.elapsed.Seconds(), "events/s")
			b.ReportMetric(r.elapsed.Seconds()*1e6/float64(r.distinct-int64(b.N)), "µs/event")
		})
	}
}
