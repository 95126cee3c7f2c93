package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/impl/cluster"
	"github.com/vrcheck/vrcheck/sweep"
)

// benchConfig is one way of running the cluster in a benchmark.
type benchConfig struct {
	name         string
	trace, proxy bool
}

var benchConfigs = []benchConfig{
	{"trace + proxy", true, true},
	{"trace, no proxy", true, false},
	{"no trace, proxy", false, true},
	{"no trace, no proxy", false, false},
}

// benchRow is one measured point.
type benchRow struct {
	config        benchConfig
	clients, ops  int
	elapsed       time.Duration
	p50, p90, p99 time.Duration
	cpuPerOp      time.Duration // CPU time of all the run's processes per operation
}

func (b benchRow) opsPerSec() float64 { return float64(b.ops) / b.elapsed.Seconds() }

func newClusterBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench [flags] --out DIR",
		Short: "measure a real cluster's throughput and latency against the number of clients, with and without tracing and the proxy",
		Long: `Run the cluster without faults for --duration at each number of --clients, in four ways: with
traces and the fault-injecting proxy (as vrcheck cluster runs), with traces and direct links,
without traces through the proxy, and without either. Nothing is merged or checked: the runs
measure the cluster. Writes DIR/bench.csv, DIR/bench.md (a table) and the plots
DIR/throughput.png, DIR/latency.png and DIR/cpu.png (through the sweep's plotting code).
Throughput and latency depend on the machine and on whatever else runs on it; CPU time per
operation (of the replicas, the clients and the proxies) much less.`,
		Args: noArgs,
	}
	fs := cmd.Flags()
	var (
		out      = fs.String("out", "", "the `directory` (created) for the results; each run's files go under it and are removed after the run")
		clients  = fs.String("clients", "1,2,4,8,16,32,64", "comma-separated numbers of clients")
		duration = fs.Duration("duration", 5*time.Second, "length of each run")
		only     = fs.String("configs", "", "comma-separated subset of the ways to run (trace+proxy, trace, proxy, none); \"\" for all four")
	)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		stdout := cmd.OutOrStdout()
		if *out == "" {
			return usageErrorf("--out DIR is required")
		}
		var cs []int
		for _, s := range strings.Split(*clients, ",") {
			c, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || c < 1 || c > 1024 {
				return usageErrorf("--clients: %q is not a number of clients (1..1024)", s)
			}
			cs = append(cs, c)
		}
		if *duration <= 0 {
			return usageErrorf("--duration must be more than 0")
		}
		configs, err := pickConfigs(*only)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return inputError(err)
		}
		exe, err := os.Executable()
		if err != nil {
			return inputError(err)
		}
		var rows []benchRow
		for _, bc := range configs {
			for _, c := range cs {
				dir := filepath.Join(*out, "run")
				os.RemoveAll(dir)
				res, err := cluster.Run(cluster.Options{F: 1, Clients: c, Dir: dir, Duration: *duration,
					Proxy: bc.proxy, Trace: bc.trace, SkipMerge: true, Seed: 1,
					Command: func(args []string) *exec.Cmd { return exec.Command(exe, append([]string{"replica"}, args...)...) }})
				os.RemoveAll(dir)
				if err != nil {
					return fmt.Errorf("%s, %d clients: %w", bc.name, c, err)
				}
				row := benchRow{config: bc, clients: c, ops: res.Ops, elapsed: res.Elapsed, p50: res.Latency(50), p90: res.Latency(90), p99: res.Latency(99), cpuPerOp: res.CPUPerOp()}
				rows = append(rows, row)
				fmt.Fprintf(stdout, "%-20s %3d clients  %8.0f ops/s  p50 %s  p90 %s  p99 %s ms  %4.0f µs CPU/op\n", bc.name, c, row.opsPerSec(), msStr(row.p50), msStr(row.p90), msStr(row.p99), us(row.cpuPerOp))
			}
		}
		if err := writeBench(*out, rows, cs, configs); err != nil {
			return inputError(err)
		}
		files, err := sweep.Render(*out, benchFigures(rows, configs, *duration))
		if err != nil {
			return inputError(err)
		}
		fmt.Fprintf(stdout, "wrote %s, %s, %s\n", filepath.Join(*out, "bench.csv"), filepath.Join(*out, "bench.md"), strings.Join(files, ", "))
		return nil
	}
	return cmd
}

func pickConfigs(only string) ([]benchConfig, error) {
	if only == "" {
		return benchConfigs, nil
	}
	short := map[string]int{"trace+proxy": 0, "trace": 1, "proxy": 2, "none": 3}
	var out []benchConfig
	for _, s := range strings.Split(only, ",") {
		i, ok := short[strings.TrimSpace(s)]
		if !ok {
			return nil, usageErrorf("--configs: %q is not one of trace+proxy, trace, proxy, none", s)
		}
		out = append(out, benchConfigs[i])
	}
	return out, nil
}

func us(d time.Duration) float64 { return float64(d) / 1e3 }

func msStr(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/1e6) }

// writeBench writes bench.csv (one row per run) and bench.md (ops/s and p99 per clients and
// way of running).
func writeBench(dir string, rows []benchRow, cs []int, configs []benchConfig) error {
	f, err := os.Create(filepath.Join(dir, "bench.csv"))
	if err != nil {
		return err
	}
	w := csv.NewWriter(f)
	w.Write([]string{"trace", "proxy", "clients", "ops", "seconds", "opsPerSec", "p50ms", "p90ms", "p99ms", "cpuUsPerOp"})
	for _, r := range rows {
		w.Write([]string{strconv.FormatBool(r.config.trace), strconv.FormatBool(r.config.proxy), strconv.Itoa(r.clients),
			strconv.Itoa(r.ops), fmt.Sprintf("%.3f", r.elapsed.Seconds()), fmt.Sprintf("%.0f", r.opsPerSec()),
			msStr(r.p50), msStr(r.p90), msStr(r.p99), fmt.Sprintf("%.0f", us(r.cpuPerOp))})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	md, err := os.Create(filepath.Join(dir, "bench.md"))
	if err != nil {
		return err
	}
	writeBenchTable(md, rows, cs, configs)
	return md.Close()
}

func writeBenchTable(w io.Writer, rows []benchRow, cs []int, configs []benchConfig) {
	fmt.Fprint(w, "| clients |")
	for _, bc := range configs {
		fmt.Fprintf(w, " %s: ops/s (p99 ms; CPU µs/op) |", bc.name)
	}
	fmt.Fprint(w, "\n|---|")
	for range configs {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w)
	for _, c := range cs {
		fmt.Fprintf(w, "| %d |", c)
		for _, bc := range configs {
			for _, r := range rows {
				if r.clients == c && r.config == bc {
					fmt.Fprintf(w, " %s (%.2f; %.0f) |", thousands(r.opsPerSec()), float64(r.p99)/1e6, us(r.cpuPerOp))
				}
			}
		}
		fmt.Fprintln(w)
	}
}

func thousands(x float64) string {
	s := strconv.FormatInt(int64(x+0.5), 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// benchFigures is the throughput and the latency against clients, one line per way of running.
func benchFigures(rows []benchRow, configs []benchConfig, d time.Duration) []sweep.Figure {
	var names []string
	for _, bc := range configs {
		names = append(names, bc.name)
	}
	title := fmt.Sprintf("3 replica processes on loopback, no faults, %v per point", d)
	thr := sweep.Figure{File: "throughput.png", Title: "Throughput against clients (" + title + ")",
		XLabel: "clients (closed loop)", YLabel: "operations per second", Groups: names, XInt: true}
	lat := sweep.Figure{File: "latency.png", Title: "Latency against clients (" + title + ")",
		XLabel: "clients (closed loop)", YLabel: "latency (ms, request to reply)", Groups: names, XInt: true}
	cpu := sweep.Figure{File: "cpu.png", Title: "CPU time per operation, all processes (" + title + ")",
		XLabel: "clients (closed loop)", YLabel: "CPU µs per operation (replicas, clients, proxies)", Groups: names, XInt: true}
	for gi, bc := range configs {
		t := sweep.Series{Name: bc.name, Group: gi}
		u := sweep.Series{Name: bc.name, Group: gi}
		p50 := sweep.Series{Name: "p50 " + bc.name, Group: gi}
		p99 := sweep.Series{Name: "p99 " + bc.name, Group: gi, Kind: 1}
		for _, r := range rows {
			if r.config != bc {
				continue
			}
			x := float64(r.clients)
			t.X, t.Y = append(t.X, x), append(t.Y, r.opsPerSec())
			p50.X, p50.Y = append(p50.X, x), append(p50.Y, float64(r.p50)/1e6)
			p99.X, p99.Y = append(p99.X, x), append(p99.Y, float64(r.p99)/1e6)
			u.X, u.Y = append(u.X, x), append(u.Y, us(r.cpuPerOp))
		}
		thr.Series = append(thr.Series, t)
		cpu.Series = append(cpu.Series, u)
		lat.Series = append(lat.Series, p50, p99)
	}
	return []sweep.Figure{thr, lat, cpu}
}
