package sweep

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/impl/sim"
)

// Column is one CSV column and what it means.
type Column struct {
	Name, Doc string
}

// Columns lists the CSV's columns in order: the point, the seed, the verdicts, the run's
// figures, the wall-clock costs. `vrcheck sweep --help` prints this list.
func Columns() []Column {
	cols := []Column{{"point", "index of the grid point (0-based, in grid order)"}}
	for _, a := range Axes {
		cols = append(cols, Column{a.Name, a.Doc})
	}
	cols = append(cols,
		Column{"replicas", "number of replicas, 2f+1"},
		Column{"seed", "simulator seed (the replay column holds the command that replays the run)"},
		Column{"checksPassed", "true if the trace was checked and every check passed (unknown is not a pass)"},
	)
	for _, c := range Checks {
		cols = append(cols, Column{c, "verdict of the checker's " + c + " check: pass, fail, unknown or skipped (empty if not checked)"})
	}
	cols = append(cols,
		Column{"firstFailure", "the first failed check, its line in the trace and the checker's message"},
		Column{"requestsTotal", "requests the workload asked for (clients x requests)"},
		Column{"completed", "requests that returned to their client"},
		Column{"ticks", "simulated time of the run, in ticks"},
		Column{"events", "trace events (lines after the header)"},
		Column{"latencyP50", "per-request latency (invocation to return, ticks), 50th percentile (nearest rank)"},
		Column{"latencyP90", "per-request latency, 90th percentile"},
		Column{"latencyP99", "per-request latency, 99th percentile"},
		Column{"latencyMax", "per-request latency, maximum"},
		Column{"sent", "messages sent"},
		Column{"dropped", "messages dropped (loss, partition, or sent to a crashed replica)"},
		Column{"duplicated", "messages duplicated by the network"},
		Column{"viewChanges", "views started by a new primary"},
		Column{"finalView", "the highest view-number any replica reached"},
		Column{"crashes", "replica crashes"},
		Column{"recoveries", "recoveries completed"},
		Column{"stateTransfers", "NEWSTATEs that moved a replica forward"},
		Column{"partitions", "partitions started"},
		Column{"replicaFaults", "the replicas' own assertion failures"},
		Column{"traceBytes", "size of the run's trace in bytes, header included"},
		Column{"bytesPerEvent", "traceBytes / events"},
		Column{"longestLog", "the most log entries any replica held at once (op-number minus checkpoint)"},
		Column{"throughput", "requests completed per 1,000 ticks of simulated time (completed x 1000 / ticks)"},
		Column{"getLatencyP50", "latency of the gets alone (through the log, or fast reads: --reads backup, lease), 50th percentile (0: no get completed)"},
		Column{"getLatencyP99", "latency of the gets alone, 99th percentile"},
		Column{"reconfigurations", "reconfigurations asked for (--reconfig or the scenario's reconfigure)"},
		Column{"reconfigReady", "ticks from the first RECONFIGURATION request to the new epoch's primary being normal (empty: none, or not reached)"},
		Column{"reconfigComplete", "ticks from the first RECONFIGURATION request until that primary is normal and every replaced replica has shut down (empty: none, or not reached)"},
		Column{"reconfigBlocked", "client requests outstanding while no primary accepted requests during the reconfigurations (old primary took the RECONFIGURATION .. new primary normal)"},
		Column{"simMs", "wall-clock milliseconds to simulate the run (and write its trace to memory)"},
		Column{"checkMs", "wall-clock milliseconds to check the trace"},
		Column{"error", "the simulator's error (e.g. not every request completed by maxTicks) or the checker's (unreadable trace)"},
		Column{"trace", "where the trace of a failing run was saved (empty if not saved)"},
		Column{"replay", "the vrcheck run command that replays the run: the same trace, byte for byte, and its check"},
	)
	return cols
}

// WriteColumns prints the column reference, one column a line.
func WriteColumns(w io.Writer) {
	for _, c := range Columns() {
		fmt.Fprintf(w, "  %-34s %s\n", c.Name, c.Doc)
	}
}

// WriteCSV writes one header row (Columns) and one row per run; replay makes the replay column.
func WriteCSV(w io.Writer, pts []Point, runs []Run, replay Replay) error {
	cw := csv.NewWriter(w)
	var head []string
	for _, c := range Columns() {
		head = append(head, c.Name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for i := range runs {
		if err := cw.Write(row(pts[runs[i].Point], &runs[i], replay)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func row(p Point, r *Run, replay Replay) []string {
	itoa := strconv.Itoa
	rec := []string{itoa(p.Index)}
	for i := range Axes {
		rec = append(rec, Axes[i].Format(p.Values[i]))
	}
	sc := p.Scenario
	rec = append(rec, itoa(2*sc.F+1), strconv.FormatInt(r.Seed, 10), strconv.FormatBool(r.ChecksPassed()))
	for i := range Checks {
		v := ""
		if r.Verdicts != nil {
			v = r.Verdicts[i]
		}
		rec = append(rec, v)
	}
	rec = append(rec, r.FirstFailure)
	res := r.Res
	if res == nil {
		for range 29 {
			rec = append(rec, "")
		}
	} else {
		rec = append(rec, itoa(res.Requests), itoa(res.Completed), itoa(res.Ticks), itoa(res.Events),
			itoa(r.P50), itoa(r.P90), itoa(r.P99), itoa(r.Max),
			itoa(res.Sent), itoa(res.Dropped), itoa(res.Duplicated), itoa(res.ViewChanges), itoa(res.Views),
			itoa(res.Crashes), itoa(res.Recoveries), itoa(res.StateTransfers), itoa(res.Partitions),
			itoa(len(res.Faults)), itoa(r.TraceBytes), strconv.FormatFloat(r.BytesPerEvent(), 'f', 1, 64), itoa(res.MaxLog),
			strconv.FormatFloat(res.Throughput(), 'f', 1, 64), itoa(r.GetP50), itoa(r.GetP99))
		rec = append(rec, reconfigColumns(res)...)
		rec = append(rec, strconv.FormatFloat(r.SimMS, 'f', 3, 64))
	}
	ck := ""
	if r.Verdicts != nil || r.CheckErr != "" {
		ck = strconv.FormatFloat(r.CheckMS, 'f', 3, 64)
	}
	errs := []string{}
	if r.SimErr != "" {
		errs = append(errs, r.SimErr)
	}
	if r.CheckErr != "" {
		errs = append(errs, "check: "+r.CheckErr)
	}
	if res != nil {
		for _, f := range res.Faults {
			errs = append(errs, "replica assertion: "+f)
		}
	}
	sc.Seed = r.Seed
	rec = append(rec, ck, strings.Join(errs, "; "), r.TraceFile, replay.Command(sc))
	return rec
}

// reconfigColumns are the reconfiguration columns of a run: how many, the first one's times
// to ready and to complete, and the requests every one of them blocked.
func reconfigColumns(res *sim.Result) []string {
	n := len(res.Reconfigs)
	if n == 0 {
		return []string{"0", "", "", ""}
	}
	opt := func(t int) string {
		if t < 0 {
			return ""
		}
		return strconv.Itoa(t)
	}
	blocked := 0
	for _, rc := range res.Reconfigs {
		blocked += rc.Blocked
	}
	first := &res.Reconfigs[0]
	return []string{strconv.Itoa(n), opt(first.ToReady()), opt(first.ToDone()), strconv.Itoa(blocked)}
}
