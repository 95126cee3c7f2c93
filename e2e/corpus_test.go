package e2e

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// TestWriteCorpus regenerates the simulator traces of traces/corpus/good when
// VRCHECK_WRITE_CORPUS=1: a fault-free run, and the smallest run among many seeds that
// contains a view change, a crash and recovery, state transfer, and network faults.
func TestWriteCorpus(t *testing.T) {
	if os.Getenv("VRCHECK_WRITE_CORPUS") == "" {
		t.Skip("set VRCHECK_WRITE_CORPUS=1 to regenerate traces/corpus/good")
	}
	dir := filepath.Join("..", "traces", "corpus", "good")
	require.NoError(t, os.MkdirAll(dir, 0o755))

	sc := sim.Default()
	sc.Clients, sc.Requests = 2, 3
	sc.Faults = sim.NoFaults(sc.Faults)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "sim-normal.ndjson"), trace(t, sc), 0o644))

	want := []string{traces.ReceiveDoViewChange, traces.ReceiveStartView, traces.Crash, traces.ReceiveRecoveryResponse,
		traces.ReceiveNewState, traces.DropMessage, traces.DuplicateMessage, traces.ClientTimeout}
	writeSmallest(t, "faults", 2000, func(seed int64) sim.Scenario {
		sc := heavy(seed)
		sc.F, sc.Clients, sc.Requests = 1, 2, 4
		sc.Faults.Duplicate = 0.05
		return sc
	}, func(_ *traces.Header, evs []*traces.Event) bool {
		seen := actions(evs)
		for _, a := range want {
			if !seen[a] {
				return false
			}
		}
		return true
	}, filepath.Join(dir, "sim-faults.ndjson"))

	// Runs of the implementation with a seeded bug, cut a few lines after the checker's last
	// first-failure so that they stay small.
	for _, bug := range []string{"reply-before-commit", "commit-without-quorum", "no-client-table", "prepare-gap"} {
		sc := heavy(1)
		sc.F, sc.Clients, sc.Requests = 1, 2, 4
		sc.Bugs = []string{bug}
		writeCaught(t, sc, bug, filepath.Join(dir, "..", "bad", "sim-bug-"+bug+".ndjson"))
	}
}

// TestWriteAltCorpus regenerates traces/corpus/good/sim-alt.ndjson when
// VRCHECK_WRITE_CORPUS_ALT=1: the smallest run of the alternative policy, among many seeds,
// that makes every choice the paper leaves open the other way (a version 2 trace).
func TestWriteAltCorpus(t *testing.T) {
	if os.Getenv("VRCHECK_WRITE_CORPUS_ALT") == "" {
		t.Skip("set VRCHECK_WRITE_CORPUS_ALT=1 to regenerate traces/corpus/good/sim-alt.ndjson")
	}
	writeSmallest(t, "alt", 3000, func(seed int64) sim.Scenario {
		sc := alt(heavy(seed))
		sc.F, sc.Clients, sc.Requests = 1, 2, 3
		return sc
	}, func(h *traces.Header, evs []*traces.Event) bool {
		return len(altChoices(h, evs)) == len(altChoiceNames)
	}, filepath.Join("..", "traces", "corpus", "good", "sim-alt.ndjson"))
}

// altChoiceNames are the choices the alternative policy makes differently.
var altChoiceNames = []string{traces.ResendStartViewChange, traces.ResendDoViewChange, traces.ResendStartView,
	"ResendPrepare of an older op", "GETSTATE to a backup", "NEWSTATE from a backup"}

// altChoices returns which of altChoiceNames the trace makes.
func altChoices(h *traces.Header, evs []*traces.Event) map[string]bool {
	seen := map[string]bool{}
	for _, e := range evs {
		switch e.Action {
		case traces.ResendStartViewChange, traces.ResendDoViewChange, traces.ResendStartView:
			seen[e.Action] = true
		case traces.ResendPrepare:
			if e.Sent[0].OpNumber < e.State.OpNumber {
				seen["ResendPrepare of an older op"] = true
			}
		}
		for _, m := range e.Sent {
			if m.Type == traces.GetState && m.To != m.View%h.Replicas {
				seen["GETSTATE to a backup"] = true
			}
			if m.Type == traces.NewState && m.From != m.View%h.Replicas {
				seen["NEWSTATE from a backup"] = true
			}
		}
	}
	return seen
}

// TestWriteReadsCorpus regenerates traces/corpus/good/sim-reads.ndjson when
// VRCHECK_WRITE_CORPUS_READS=1: the smallest run with reads at backups (a version 6 trace),
// among many seeds, that parks a READ, answers it later and resends one after a timeout;
// and bad/sim-bug-backup-read-stale.ndjson, a run of that switch cut a few lines after the
// checker's last first failure.
func TestWriteReadsCorpus(t *testing.T) {
	if os.Getenv("VRCHECK_WRITE_CORPUS_READS") == "" {
		t.Skip("set VRCHECK_WRITE_CORPUS_READS=1 to regenerate traces/corpus/good/sim-reads.ndjson")
	}
	base := func(seed int64) sim.Scenario {
		sc := sim.Default()
		sc.Seed, sc.Clients, sc.Requests, sc.Reads = seed, 2, 5, "backup"
		sc.Faults.Drop = 0.05
		return sc
	}
	writeSmallest(t, "reads", 1000, base, func(_ *traces.Header, evs []*traces.Event) bool {
		seen := actions(evs)
		for _, e := range evs {
			if e.Action == traces.ClientTimeout && e.Sent[0].Type == traces.Read {
				seen["resent READ"] = true
			}
		}
		return seen[traces.ReceiveRead] && seen[traces.ReplyRead] && seen[traces.ClientRead] && seen["resent READ"]
	}, filepath.Join("..", "traces", "corpus", "good", "sim-reads.ndjson"))

	sc := base(1)
	sc.Bugs = []string{"backup-read-stale"}
	writeCaught(t, sc, "backup-read-stale", filepath.Join("..", "traces", "corpus", "bad", "sim-bug-backup-read-stale.ndjson"))
}

// TestWriteLeaseCorpus regenerates traces/corpus/good/sim-lease.ndjson when
// VRCHECK_WRITE_CORPUS_LEASE=1: the smallest run with reads under leases (a version 7 trace),
// among many seeds, in which the primary answers a get under a lease, another get goes
// through the log, and a view change happens. (bad/sim-bug-lease-*.ndjson are the shrunk
// traces explore finds: see traces/corpus/expected.yaml.)
func TestWriteLeaseCorpus(t *testing.T) {
	if os.Getenv("VRCHECK_WRITE_CORPUS_LEASE") == "" {
		t.Skip("set VRCHECK_WRITE_CORPUS_LEASE=1 to regenerate traces/corpus/good/sim-lease.ndjson")
	}
	writeSmallest(t, "lease", 1000, func(seed int64) sim.Scenario {
		sc := sim.Default()
		sc.Seed, sc.Clients, sc.Requests, sc.Reads, sc.Drift = seed, 2, 5, "lease", 100
		sc.Faults.Drop = 0.05
		return sc
	}, func(_ *traces.Header, evs []*traces.Event) bool {
		seen := actions(evs)
		for _, e := range evs {
			if e.Action == traces.ReceiveRequest && e.Msg.Op == traces.OpGet {
				if e.State.OpNumber > 0 && len(e.Sent) > 0 && e.Sent[0].Type == traces.Prepare {
					seen["get in the log"] = true
				}
				if len(e.Sent) > 0 && e.Sent[0].Type == traces.Reply && e.Sent[0].RequestNumber == e.Msg.RequestNumber {
					seen["lease read"] = true
				}
			}
		}
		return seen["lease read"] && seen["get in the log"] && seen[traces.ReceiveDoViewChange]
	}, filepath.Join("..", "traces", "corpus", "good", "sim-lease.ndjson"))
}

// writeSmallest writes to path the smallest trace of seeds 1..n of scenario for which ok
// holds, and says which seed it was.
func writeSmallest(t *testing.T, what string, n int64, scenario func(seed int64) sim.Scenario,
	ok func(*traces.Header, []*traces.Event) bool, path string) {
	t.Helper()
	var best []byte
	bestSeed := int64(0)
	for seed := int64(1); seed <= n; seed++ {
		b := trace(t, scenario(seed))
		if best != nil && len(b) >= len(best) {
			continue
		}
		h, evs, err := traces.ReadAll(bytes.NewReader(b), "")
		require.NoError(t, err)
		if ok(h, evs) {
			best, bestSeed = b, seed
		}
	}
	require.NotNil(t, best, "%s: no seed in 1..%d", what, n)
	fmt.Printf("%s trace: seed %d, %d bytes\n", what, bestSeed, len(best))
	require.NoError(t, os.WriteFile(path, best, 0o644))
}

// writeCaught writes to path the run of sc (with the bug switch bug on), cut a few lines
// after the checker's last first failure so that it stays small.
func writeCaught(t *testing.T, sc sim.Scenario, bug, path string) {
	t.Helper()
	var buf bytes.Buffer
	_, _ = sim.Run(sc, &buf) // a buggy run may not finish: its trace is what matters
	rep, err := checker.Check(bytes.NewReader(buf.Bytes()), bug, checker.Options{SkipLinearizability: true})
	require.NoError(t, err)
	last := 0
	for _, v := range rep.Verdicts {
		last = max(last, v.Line)
	}
	require.Positive(t, last, "%s: not caught", bug)
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	cut := bytes.Join(lines[:min(len(lines), last+5)], nil)
	require.NoError(t, os.WriteFile(path, cut, 0o644))
}

// actions is the set of the trace's action names.
func actions(evs []*traces.Event) map[string]bool {
	seen := map[string]bool{}
	for _, e := range evs {
		seen[e.Action] = true
	}
	return seen
}
