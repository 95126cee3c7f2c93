package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/cluster"
)

func init() { register(newClusterCmd) }

func newClusterCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "cluster [flags] --out DIR",
		Short: "run a real cluster (replica processes on loopback TCP) with kill -9 and partitions; merge and check its traces",
		Long: `Start 2f+1 replica processes (vrcheck replica) on 127.0.0.1, write DIR/cluster.json once they
listen, run the clients' workload over the same authenticated transport, and inject faults by
progress (after N completed operations, not after T seconds): kill -9 of the primary and its
restart (which recovers with a fresh nonce), partitions and frame loss through an in-process
proxy on every link. The run ends after --duration (or --ops), heals every fault and waits
until every restarted replica has recovered; then it stops everything, merges the per-node
traces into DIR/merged.ndjson, checks it (step validation, invariants, linearizability) and
prints a summary. Only loopback addresses are used.
Exit status: 0 the run completed and every check passed, 1 it did not, 2 bad usage.`,
		Args: noArgs,
	}
	cmd.AddCommand(newClusterBenchCmd())
	fs := cmd.Flags()
	d := cluster.DefaultScenario()
	var (
		file     = fs.String("scenario", "", "read the run from this YAML `file` (flags given as well override it)")
		out      = fs.String("out", "", "the run's `directory` (created): cluster.json, the key, node traces, merged.ndjson")
		f        = fs.Int("f", d.F, "failures tolerated; the cluster has 2f+1 replica processes")
		clients  = fs.Int("clients", d.Clients, "number of clients (closed loop: one request at a time each)")
		duration = fs.Duration("duration", time.Duration(d.Duration), "how long the workload runs")
		ops      = fs.Int("ops", d.Ops, "stop after this many completed operations (0: run for --duration)")
		faults   = fs.String("faults", strings.Join(d.Faults, ","), "comma-separated fault `kinds`: crash (kill -9 and restart of the primary), partition (the primary cut off from the other replicas), drop (frame loss); \"\" for none")
		every    = fs.Int("fault-every", d.FaultEvery, "operations before the first fault and at least between two; each lasts half as many")
		growth   = fs.Float64("fault-growth", d.FaultGrowth, "once the run is longer, the gap to the next fault is (growth-1) times the operations so far (1: always --fault-every), because a fault's trace volume grows with the log")
		drop     = fs.Float64("drop", d.Drop, "probability that a frame on a link is lost (with --faults drop)")
		noProxy  = fs.Bool("no-proxy", false, "connect directly, without the fault-injecting proxies (no partitions, no loss)")
		noTrace  = fs.Bool("no-trace", false, "write no traces (and so merge and check nothing)")
		garbage  = fs.Bool("garbage", d.Garbage, "send garbage, oversize and wrong-HMAC frames to every port (replicas' and proxies') during the run, and check that each replica counted what it was sent (--garbage=false: none)")
		tick     = fs.Int("tick", d.TickMs, "length of a tick in `ms` (timers count ticks)")
		rt       = fs.Int("replica-timeout", d.ReplicaTimeout, "replica timeout in `ticks`")
		ct       = fs.Int("client-timeout", d.ClientTimeout, "client timeout in `ticks`")
		keys     = fs.Int("keys", d.Keys, "number of keys the clients use")
		seed     = fs.Uint64("seed", d.Seed, "seed of the clients' workload")
		maxWait  = fs.Duration("max-wait", time.Duration(d.MaxWait), "after the end, how long to wait for restarted replicas to recover before failing")
		noCheck  = fs.Bool("no-check", false, "do not check the merged trace")
		profile  = fs.String("cpuprofile", "", "write CPU profiles into `dir`: one per replica process and one of the supervisor and clients")
	)
	lin := addLinFlags(fs)
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		stdout, stderr := cmd.OutOrStdout(), cmd.ErrOrStderr()
		if *out == "" {
			return usageErrorf("--out DIR is required")
		}
		lopts, err := lin.options()
		if err != nil {
			return err
		}
		sc := d
		if *file != "" {
			if sc, err = cluster.LoadScenario(*file); err != nil {
				return inputError(err)
			}
		}
		apply := func(name string, fn func()) {
			if fs.Changed(name) || *file == "" {
				fn()
			}
		}
		apply("f", func() { sc.F = *f })
		apply("clients", func() { sc.Clients = *clients })
		apply("duration", func() { sc.Duration = cluster.Span(*duration) })
		apply("ops", func() { sc.Ops = *ops })
		apply("faults", func() {
			sc.Faults = nil
			for _, k := range strings.Split(*faults, ",") {
				if k = strings.TrimSpace(k); k != "" {
					sc.Faults = append(sc.Faults, k)
				}
			}
		})
		apply("fault-every", func() { sc.FaultEvery = *every })
		apply("fault-growth", func() { sc.FaultGrowth = *growth })
		apply("drop", func() { sc.Drop = *drop })
		apply("no-proxy", func() { sc.Proxy = !*noProxy })
		apply("no-trace", func() { sc.Trace = !*noTrace })
		apply("garbage", func() { sc.Garbage = *garbage })
		apply("tick", func() { sc.TickMs = *tick })
		apply("replica-timeout", func() { sc.ReplicaTimeout = *rt })
		apply("client-timeout", func() { sc.ClientTimeout = *ct })
		apply("keys", func() { sc.Keys = *keys })
		apply("seed", func() { sc.Seed = *seed })
		apply("max-wait", func() { sc.MaxWait = cluster.Span(*maxWait) })
		if err := sc.Validate(); err != nil {
			return usageErrorf("%v", strings.ReplaceAll(err.Error(), "\n", "; "))
		}
		exe, err := os.Executable()
		if err != nil {
			return inputError(err)
		}
		o := sc.Options()
		o.Dir = *out
		o.ProfileDir = *profile
		o.Command = func(args []string) *exec.Cmd { return exec.Command(exe, append([]string{"replica"}, args...)...) }
		o.Log = stdout
		res, err := cluster.Run(o)
		if res == nil {
			return usageErrorf("%v", err)
		}
		fmt.Fprintln(stdout)
		res.WriteSummary(stdout)
		code := 0
		if err != nil {
			fmt.Fprintf(stderr, "vrcheck cluster: %v\n", err)
			code = 1
		}
		if len(res.Faults) > 0 {
			code = 1
		}
		if res.Recovered < res.Crashes {
			code = 1
		}
		if *noCheck || res.Merged == "" {
			return exitCode(code)
		}
		fmt.Fprintln(stdout)
		if c := checkMerged(res.Merged, lopts, stdout, stderr); c > code {
			code = c
		}
		return exitCode(code)
	}
	return cmd
}

// checkMerged checks the merged trace at path as vrcheck check does, streamed from the file
// (a merged trace of a 30 s run is over a gigabyte; see impl/cluster/README.md). It returns
// the exit code.
func checkMerged(path string, opts checker.Options, stdout, stderr io.Writer) int {
	return checkFile(path, "", opts, stdout, stderr)
}
