package sim

import (
	"fmt"
	"io"
	"slices"

	"github.com/vrcheck/vrcheck/impl/vr"
)

// Result is what a run did, for the summary and for sweeps.
type Result struct {
	Scenario  Scenario
	Replicas  int
	Ticks     int // simulated time
	Events    int // trace lines after the header
	Requests  int // requests the workload asked for
	Completed int // requests that returned
	// Latencies holds each completed request's latency in ticks, in completion order;
	// GetLatencies those of the gets alone (through the log, at a backup or under a lease).
	Latencies      []int
	GetLatencies   []int
	Views          int // the highest view-number any replica reached
	ViewChanges    int // views started by a new primary
	Crashes        int
	Recoveries     int
	StateTransfers int // NEWSTATEs that moved a replica forward
	Partitions     int
	Sent           int
	Dropped        int // every message lost: DroppedLoss + DroppedPartition + DroppedCrashed
	// Dropped, by cause: the random loss (faults.drop), a partition, or a destination that
	// was crashed when the message arrived.
	DroppedLoss, DroppedPartition, DroppedCrashed int
	Duplicated                                    int
	// Reconfiguration: the highest epoch-number reached, the reconfigurations completed (the
	// administrator's request returned), the ticks each took from the request, and the
	// replicas that shut down.
	Epochs, Reconfigurations, ShutDowns int
	ReconfigTicks                       []int
	// Reconfigs holds each reconfiguration's timing and the client requests it blocked.
	Reconfigs []Reconfiguration
	// Reads counts the gets sent as READs, outside the log (reads: backup).
	Reads int
	// Gets counts the gets issued and LeaseReads the answers the primary gave under a lease,
	// outside the log (reads: lease; a resent get may be answered more than once).
	Gets, LeaseReads int
	// MaxLog is the most log entries any replica held at once (op-number − checkpoint).
	MaxLog int
	// Faults are the replicas' own assertion failures (see impl/vr): each is a bug report.
	Faults []string
}

// Latency returns the p-th percentile latency (nearest rank), 0 < p <= 100.
func (r *Result) Latency(p float64) int { return percentile(r.Latencies, p) }

// GetLatency is Latency of the gets alone.
func (r *Result) GetLatency(p float64) int { return percentile(r.GetLatencies, p) }

func percentile(l []int, p float64) int {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	rank := int(p/100*float64(len(s)) + 0.999999)
	rank = min(max(rank, 1), len(s))
	return s[rank-1]
}

// Throughput is the requests completed per 1,000 ticks of simulated time.
func (r *Result) Throughput() float64 {
	if r.Ticks == 0 {
		return 0
	}
	return float64(r.Completed) * 1000 / float64(r.Ticks)
}

// WriteSummary prints what a user wants to know about the run.
func (r *Result) WriteSummary(w io.Writer) {
	sc := r.Scenario
	fmt.Fprintf(w, "seed %d: %d replicas (f=%d), %d clients x %d requests\n", sc.Seed, r.Replicas, sc.F, sc.Clients, sc.Requests)
	fmt.Fprintf(w, "  requests completed  %d of %d in %d ticks (%d trace events)\n", r.Completed, r.Requests, r.Ticks, r.Events)
	fmt.Fprintf(w, "  latency (ticks)     p50 %d  p90 %d  p99 %d  max %d\n", r.Latency(50), r.Latency(90), r.Latency(99), r.Latency(100))
	fmt.Fprintf(w, "  throughput          %.1f requests per 1,000 ticks\n", r.Throughput())
	if mode, _ := vr.ParseReads(sc.Reads); mode == vr.ReadsLease {
		fmt.Fprintf(w, "  lease reads         %s answered by the primary under a lease, outside the log, for %s issued (§6.2, --reads lease, lease %d ticks, drift %d per mille)\n",
			plural(r.LeaseReads, "get"), plural(r.Gets, "get"), sc.lease(), sc.drift())
	} else if mode != "" {
		fmt.Fprintf(w, "  reads at backups    %s sent as READ outside the log (§6.2, --reads %s)\n", plural(r.Reads, "get"), mode)
	}
	fmt.Fprintf(w, "  views               final view %d, %d view changes\n", r.Views, r.ViewChanges)
	fmt.Fprintf(w, "  crashes             %d crashed, %d recovered\n", r.Crashes, r.Recoveries)
	fmt.Fprintf(w, "  state transfers     %d\n", r.StateTransfers)
	fmt.Fprintf(w, "  partitions          %d\n", r.Partitions)
	if len(sc.Reconfigure) > 0 {
		fmt.Fprintf(w, "  reconfigurations    %d of %d returned to the administrator, final epoch %d, %s shut down\n",
			r.Reconfigurations, len(sc.Reconfigure), r.Epochs, plural(r.ShutDowns, "replica"))
		writeReconfigurations(w, r.Reconfigs)
	}
	fmt.Fprintf(w, "  messages            %d sent, %d dropped (%d lost at random, %d by partitions, %d to crashed replicas), %d duplicated\n",
		r.Sent, r.Dropped, r.DroppedLoss, r.DroppedPartition, r.DroppedCrashed, r.Duplicated)
	if len(sc.Bugs) > 0 {
		fmt.Fprintf(w, "  bug switches on     %v\n", sc.Bugs)
	}
	for _, f := range r.Faults {
		fmt.Fprintf(w, "  replica assertion   %s\n", f)
	}
}

// plural is "1 replica", "2 replicas".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
