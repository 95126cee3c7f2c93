package cluster

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// Latency returns the p-th percentile latency (nearest rank), 0 < p <= 100.
func (r *Result) Latency(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	s := slices.Clone(r.Latencies)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Throughput is completed operations per second of the run.
func (r *Result) Throughput() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Ops) / r.Elapsed.Seconds()
}

// CPUPerOp is the CPU time of every process of the run (replicas, clients, proxies) per
// completed operation.
func (r *Result) CPUPerOp() time.Duration {
	if r.Ops == 0 {
		return 0
	}
	return (r.ReplicaCPU + r.SupervisorCPU) / time.Duration(r.Ops)
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f", float64(d)/1e6) }

// WriteSummary prints the run's figures.
func (r *Result) WriteSummary(w io.Writer) {
	fmt.Fprintf(w, "cluster run: %d replicas, %d clients, %s\n", r.ReplicaCount, r.Clients, r.Elapsed.Round(time.Millisecond))
	fmt.Fprintf(w, "  operations          %d completed, %.0f ops/s\n", r.Ops, r.Throughput())
	fmt.Fprintf(w, "  latency (ms)        p50 %s  p90 %s  p99 %s  max %s\n", ms(r.Latency(50)), ms(r.Latency(90)), ms(r.Latency(99)), ms(r.Latency(100)))
	if r.Ops > 0 && r.ReplicaCPU > 0 {
		fmt.Fprintf(w, "  CPU time            %.1f s replicas + %.1f s clients and proxies: %.0f µs per operation\n",
			r.ReplicaCPU.Seconds(), r.SupervisorCPU.Seconds(), r.CPUPerOp().Seconds()*1e6)
	}
	fmt.Fprintf(w, "  faults              %d kill -9, %d partitions, %d frames dropped by the proxies\n", r.Crashes, r.Partitions, r.Dropped)
	fmt.Fprintf(w, "  recoveries          %d of %d restarted replicas\n", r.Recovered, r.Crashes)
	fmt.Fprintf(w, "  views               %d (largest view-number)\n", r.Views)
	var bad, mac, mal, over int64
	for _, st := range r.Replicas {
		mac += st.Transport.BadMAC
		mal += st.Transport.Malformed
		over += st.Transport.Oversize
	}
	bad = mac + mal + over
	if r.Garbage > 0 || bad > 0 {
		fmt.Fprintf(w, "  garbage             %d connections sent (%d more in the background); replicas dropped %d frames (%d bad HMAC, %d malformed, %d oversize)\n",
			r.Garbage, r.GarbageBackground, bad, mac, mal, over)
	}
	if len(r.Faults) > 0 {
		fmt.Fprintf(w, "  replica faults      %d (failed internal checks), first: %s\n", len(r.Faults), r.Faults[0])
	}
	if m := r.Merge; m != nil {
		fmt.Fprintf(w, "  merged trace        %s: %d events, %d view changes, %d crashes, %d recoveries, %d messages never received\n",
			r.Merged, m.Events, m.ViewChanges, m.Crashes, m.Recoveries, m.MessagesLost)
	}
}
