package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/sweep"
)

func TestClusterBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"cluster", "bench"},
		{"cluster", "bench", "--out", t.TempDir(), "--clients", "1,x"},
		{"cluster", "bench", "--out", t.TempDir(), "--clients", "0"},
		{"cluster", "bench", "--out", t.TempDir(), "--configs", "trace,fast"},
	} {
		code, _, errs := vrcheck(t, args...)
		require.Equal(t, 2, code, "%v: %s", args, errs)
		require.Contains(t, errs, "vrcheck cluster bench:")
	}
	code, _, errs := vrcheck(t, "cluster", "--scenario", "testdata/does-not-exist.yaml", "--out", t.TempDir())
	require.Equal(t, 2, code, errs)
}

// The table, CSV and plots of a benchmark, from given measurements (the runs themselves are
// measured, not tested: their figures depend on the machine).
func TestClusterBenchOutputs(t *testing.T) {
	cs := []int{1, 8}
	configs := benchConfigs[2:]
	var rows []benchRow
	for i, bc := range configs {
		for _, c := range cs {
			rows = append(rows, benchRow{config: bc, clients: c, ops: 1000 * c * (i + 1), elapsed: time.Second,
				p50: time.Millisecond, p90: 2 * time.Millisecond, p99: 3 * time.Millisecond, cpuPerOp: 150 * time.Microsecond})
		}
	}
	dir := t.TempDir()
	require.NoError(t, writeBench(dir, rows, cs, configs))
	md, err := os.ReadFile(filepath.Join(dir, "bench.md"))
	require.NoError(t, err)
	require.Equal(t, "| clients | no trace, proxy: ops/s (p99 ms; CPU µs/op) | no trace, no proxy: ops/s (p99 ms; CPU µs/op) |\n|---|---|---|\n"+
		"| 1 | 1,000 (3.00; 150) | 2,000 (3.00; 150) |\n| 8 | 8,000 (3.00; 150) | 16,000 (3.00; 150) |\n", string(md))
	csv, err := os.ReadFile(filepath.Join(dir, "bench.csv"))
	require.NoError(t, err)
	require.Contains(t, string(csv), "trace,proxy,clients,ops,seconds,opsPerSec,p50ms,p90ms,p99ms,cpuUsPerOp\nfalse,true,1,1000,1.000,1000,1.00,2.00,3.00,150\n")

	figs := benchFigures(rows, configs, 5*time.Second)
	require.Len(t, figs, 3)
	require.Len(t, figs[0].Series, 2, "a throughput line per way of running")
	require.Equal(t, []float64{1, 8}, figs[0].Series[1].X)
	require.Equal(t, []float64{2000, 16000}, figs[0].Series[1].Y)
	require.Len(t, figs[1].Series, 4, "p50 and p99 per way of running")
	require.Equal(t, []float64{150, 150}, figs[2].Series[0].Y, "CPU µs per operation")
	files, err := sweep.Render(dir, figs)
	require.NoError(t, err)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		require.True(t, bytes.HasPrefix(b, []byte("\x89PNG")), f)
	}
}
