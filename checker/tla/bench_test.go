package tla

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func benchCheck(b *testing.B, tlaPath, cfgText string, workers int) {
	b.Helper()
	var distinct int64
	var elapsed time.Duration
	for i := 0; i < b.N; i++ {
		m, err := Load(tlaPath, LoadOptions{})
		if err != nil {
			b.Fatal(err)
		}
		cfg, err := ParseConfig("bench.cfg", cfgText)
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		res, err := Check(m, cfg, Options{Workers: workers})
		if err != nil {
			b.Fatal(err)
		}
		if res.Violation != nil {
			b.Fatal(res.Violation)
		}
		elapsed += time.Since(start)
		distinct += res.Distinct
	}
	b.ReportMetric(float64(distinct)/elapsed.Minutes(), "distinct/min")
	b.ReportMetric(float64(distinct)/float64(b.N), "states")
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
