package sweep

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/vrcheck/vrcheck/checker"
)

// Summary aggregates the runs of one grid point.
type Summary struct {
	Point        Point
	Runs         int
	Checked      int // runs whose trace was checked
	ChecksPassed int // runs where every check passed
	Completed    int // runs that completed every request
	// Means over the runs that produced a result.
	MeanP50, MeanP90, MeanP99, MeanMax float64
	MeanTicks                          float64
	// Mean wall-clock milliseconds to simulate and to check a run (machine-dependent).
	MeanSimMS, MeanCheckMS float64
	MinTicks, MaxTicks     int
	// MeanBytesPerEvent is the mean over runs of trace bytes per event; LongestLog the most
	// log entries any replica held in any run of the point.
	MeanBytesPerEvent float64
	LongestLog        int
	// MeanThroughput is the mean over runs of requests completed per 1,000 ticks.
	MeanThroughput float64
	// MeanGetP50 and MeanGetP99: the mean over runs of the gets' latency percentiles.
	MeanGetP50, MeanGetP99 float64
	// Reconfigurations (§7), over the runs that had one: how many runs, the mean ticks from
	// the first RECONFIGURATION to the new primary normal and to complete (over the runs that
	// got there), and the mean client requests blocked per run.
	Reconfigured                            int
	MeanReconfigReady, MeanReconfigComplete float64
	MeanReconfigBlocked                     float64
	reconfigReadyRuns, reconfigCompleteRuns int
	// FailedChecks counts, per check (indexed like Checks), the runs where it did not pass.
	FailedChecks []int
}

// Summarize aggregates runs (ordered by point, as Execute returns them) per point.
func Summarize(pts []Point, runs []Run) []Summary {
	sums := make([]Summary, len(pts))
	for i, p := range pts {
		sums[i] = Summary{Point: p, FailedChecks: make([]int, len(Checks)), MinTicks: -1}
	}
	n := make([]int, len(pts))
	for i := range runs {
		r := &runs[i]
		s := &sums[r.Point]
		s.Runs++
		if r.Verdicts != nil {
			s.Checked++
			for k, v := range r.Verdicts {
				if v != checker.Pass && v != checker.Skipped {
					s.FailedChecks[k]++
				}
			}
		}
		if r.ChecksPassed() {
			s.ChecksPassed++
		}
		if r.Res == nil {
			continue
		}
		if r.Res.Completed == r.Res.Requests {
			s.Completed++
		}
		n[r.Point]++
		s.MeanP50 += float64(r.P50)
		s.MeanP90 += float64(r.P90)
		s.MeanP99 += float64(r.P99)
		s.MeanMax += float64(r.Max)
		s.MeanTicks += float64(r.Res.Ticks)
		s.MeanSimMS += r.SimMS
		s.MeanCheckMS += r.CheckMS
		s.MeanBytesPerEvent += r.BytesPerEvent()
		s.MeanThroughput += r.Res.Throughput()
		s.MeanGetP50 += float64(r.GetP50)
		s.MeanGetP99 += float64(r.GetP99)
		if rcs := r.Res.Reconfigs; len(rcs) > 0 {
			s.Reconfigured++
			if t := rcs[0].ToReady(); t >= 0 {
				s.MeanReconfigReady += float64(t)
				s.reconfigReadyRuns++
			}
			if t := rcs[0].ToDone(); t >= 0 {
				s.MeanReconfigComplete += float64(t)
				s.reconfigCompleteRuns++
			}
			for _, rc := range rcs {
				s.MeanReconfigBlocked += float64(rc.Blocked)
			}
		}
		s.LongestLog = max(s.LongestLog, r.Res.MaxLog)
		if s.MinTicks < 0 || r.Res.Ticks < s.MinTicks {
			s.MinTicks = r.Res.Ticks
		}
		s.MaxTicks = max(s.MaxTicks, r.Res.Ticks)
	}
	for i := range sums {
		s := &sums[i]
		if k := float64(n[i]); k > 0 {
			s.MeanP50 /= k
			s.MeanP90 /= k
			s.MeanP99 /= k
			s.MeanMax /= k
			s.MeanTicks /= k
			s.MeanSimMS /= k
			s.MeanCheckMS /= k
			s.MeanBytesPerEvent /= k
			s.MeanThroughput /= k
			s.MeanGetP50 /= k
			s.MeanGetP99 /= k
		}
		if s.reconfigReadyRuns > 0 {
			s.MeanReconfigReady /= float64(s.reconfigReadyRuns)
		}
		if s.reconfigCompleteRuns > 0 {
			s.MeanReconfigComplete /= float64(s.reconfigCompleteRuns)
		}
		if s.Reconfigured > 0 {
			s.MeanReconfigBlocked /= float64(s.Reconfigured)
		}
		s.MinTicks = max(s.MinTicks, 0)
	}
	return sums
}

// WriteTable prints one line per point: runs, runs where every check passed, runs that
// completed, mean latency p50/p99, throughput and mean simulated time, trace bytes per event,
// the longest log, the reconfigurations' figures if any run had one, and which checks failed.
func WriteTable(w io.Writer, sums []Summary, checked bool) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', tabwriter.AlignRight)
	reconfig := false
	for _, s := range sums {
		reconfig = reconfig || s.Reconfigured > 0
	}
	head := "point\truns\tall checks passed\tcompleted\tmean latency p50\tp99\tops/1000 ticks\tget p50\tget p99\tmean ticks\tbytes/event\tlongest log\t"
	if reconfig {
		head += "reconfigured\tto new primary\tto complete\trequests blocked\t"
	}
	fmt.Fprint(tw, head+"\n")
	var failures []string
	for _, s := range sums {
		passed := fmt.Sprintf("%d", s.ChecksPassed)
		if !checked {
			passed = "-"
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%.0f\t%d\t", s.Point.Label(), s.Runs, passed, s.Completed, s.MeanP50, s.MeanP99, s.MeanThroughput, s.MeanGetP50, s.MeanGetP99, s.MeanTicks, s.MeanBytesPerEvent, s.LongestLog)
		if reconfig {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%.1f\t", s.Reconfigured, meanOf(s.MeanReconfigReady, s.reconfigReadyRuns), meanOf(s.MeanReconfigComplete, s.reconfigCompleteRuns), s.MeanReconfigBlocked)
		}
		fmt.Fprintln(tw)
		var failed []string
		for k, c := range s.FailedChecks {
			if c > 0 {
				failed = append(failed, fmt.Sprintf("%s %d/%d", Checks[k], c, s.Checked))
			}
		}
		if len(failed) > 0 {
			failures = append(failures, fmt.Sprintf("  %s: %s", s.Point.Label(), strings.Join(failed, ", ")))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(failures) > 0 {
		fmt.Fprintln(w, "\nchecks that did not pass (runs failed/checked):")
		for _, f := range failures {
			fmt.Fprintln(w, f)
		}
	}
	return nil
}

// meanOf formats a mean over n runs ("-" over none).
func meanOf(m float64, n int) string {
	if n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", m)
}
