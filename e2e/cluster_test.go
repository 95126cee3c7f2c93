package e2e

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/checker"
	"github.com/vrcheck/vrcheck/checker/tla/cli"
	"github.com/vrcheck/vrcheck/impl/cluster"
)

// TestMain lets this test binary run as a cluster's replica process.
func TestMain(m *testing.M) {
	if os.Getenv("VRCHECK_E2E_REPLICA") == "1" {
		os.Exit(cluster.ReplicaMain(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

func replicaCommand(args []string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "VRCHECK_E2E_REPLICA=1")
	return cmd
}

// ciCluster is the CI-sized run: 3 replica processes, 4 clients, 1200 operations; the primary
// is killed (-9) after 300 and restarted 200 later, then the primary is partitioned from the
// other replicas after 800 for 200; garbage goes to every port. Its verdicts do not depend
// on timing: faults follow progress, and every wait is for an event (with a bound that only
// a hung run reaches).
func ciCluster(t *testing.T) *cluster.Result {
	t.Helper()
	dir := t.TempDir()
	res, err := cluster.Run(cluster.Options{
		F: 1, Clients: 4, Dir: dir, Ops: 1200, Duration: 2 * time.Minute,
		Schedule: []cluster.Fault{
			{Kind: cluster.FaultCrash, Replica: -1, After: 300, Length: 200},
			{Kind: cluster.FaultPartition, Replica: -1, After: 800, Length: 200},
		},
		Proxy: true, Trace: true, Garbage: true, Seed: 1, Command: replicaCommand, Log: testLog{t},
	})
	require.NoError(t, err)
	return res
}

func TestClusterMergedTracePassesTheChecker(t *testing.T) {
	res := ciCluster(t)
	require.Equal(t, 1, res.Crashes)
	require.Equal(t, 1, res.Partitions)
	require.Equal(t, 1, res.Recovered, "the killed replica recovered")
	require.Empty(t, res.Faults, "no replica found a broken internal check")
	require.GreaterOrEqual(t, res.Ops, 1200)
	// Garbage: every replica (and the restarted one again) counted what it was sent.
	require.Equal(t, 4*5, res.Garbage)
	require.GreaterOrEqual(t, res.GarbageCounted, 4*cluster.GarbagePerRound)
	var bad int64
	for _, st := range res.Replicas {
		bad += st.Transport.BadMAC + st.Transport.Malformed + st.Transport.Oversize
	}
	require.Positive(t, bad)

	st := res.Merge
	require.Equal(t, 1, st.Crashes)
	require.Equal(t, 1, st.Recoveries, "the merged trace holds a recovery after the kill -9")
	require.Positive(t, st.ViewChanges)

	f, err := os.Open(res.Merged)
	require.NoError(t, err)
	defer f.Close()
	rep, err := checker.Check(f, res.Merged, checker.Options{LinTimeout: time.Minute})
	require.NoError(t, err)
	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	require.True(t, rep.OK(), "merged trace rejected:\n%s", text.String())
	require.Contains(t, text.String(), "StepValidation")
	t.Logf("%d ops in %v; merge %+v\n%s", res.Ops, res.Elapsed, *res.Merge, text.String())

	t.Run("fabricated message is rejected", func(t *testing.T) {
		data, err := os.ReadFile(res.Merged)
		require.NoError(t, err)
		lines := strings.Split(string(data), "\n")
		// A PREPARE that no replica sent: change the message id of the first ReceivePrepare.
		i := indexOf(lines, `"action":"ReceivePrepare"`)
		require.Positive(t, i)
		bad := strings.Replace(lines[i], `"msg":{"id":`, `"msg":{"id":2147483`, 1)
		require.NotEqual(t, lines[i], bad)
		lines[i] = bad
		rep, err := checker.Check(strings.NewReader(strings.Join(lines, "\n")), "fabricated.ndjson", checker.Options{SkipLinearizability: true})
		require.NoError(t, err)
		require.False(t, rep.OK())
		var out bytes.Buffer
		require.NoError(t, rep.WriteText(&out))
		require.Contains(t, out.String(), "StepValidation")
		require.Contains(t, out.String(), "line "+strconv.Itoa(i+1))
	})
}

// TestClusterRemovedSendIsRejected: in a run's node traces, drop the PREPARE from the sent
// list of the primary's first ReceiveRequest: merge refuses (a receive with no send, named by
// file and line), and the checker rejects the merged trace with the send removed as well.
func TestClusterRemovedSendIsRejected(t *testing.T) {
	dir := t.TempDir()
	res, err := cluster.Run(cluster.Options{F: 1, Clients: 2, Dir: dir, Ops: 100, Duration: time.Minute,
		Trace: true, Seed: 2, Command: replicaCommand})
	require.NoError(t, err)

	// The merged trace, with the first PREPARE's send taken out of its sent list.
	data, err := os.ReadFile(res.Merged)
	require.NoError(t, err)
	lines := strings.Split(string(data), "\n")
	i := indexOf(lines, `"action":"ReceiveRequest"`)
	require.Positive(t, i)
	j := strings.Index(lines[i], `,{"id":`)
	k := strings.Index(lines[i], `"sent":[`)
	require.Positive(t, j, "the primary sent two PREPAREs")
	// Remove the second message of the list: from ",{" to the end of that object.
	rest := lines[i][j+1:]
	end := strings.Index(rest, `}}`) + 2 // a PREPARE ends with its entry's }}
	lines[i] = lines[i][:j] + rest[end:]
	require.Contains(t, lines[i][k:], `"sent":[{`)
	rep, err := checker.Check(strings.NewReader(strings.Join(lines, "\n")), "removed.ndjson", checker.Options{SkipLinearizability: true})
	require.NoError(t, err, lines[i])
	require.False(t, rep.OK())
	var out bytes.Buffer
	require.NoError(t, rep.WriteText(&out))
	require.Contains(t, out.String(), "StepValidation")

	// The same in the primary's node trace: merge names the receive that has no send.
	node := cluster.ReplicaTrace(dir, 0, 1)
	data, err = os.ReadFile(node)
	require.NoError(t, err)
	nl := strings.Split(string(data), "\n")
	i = indexOf(nl, `"action":"ReceiveRequest"`)
	j = strings.Index(nl[i], `,{"id":`)
	require.Positive(t, j)
	removed := nl[i][j+1:]
	id := removed[len(`{"id":`):strings.Index(removed, ",")]
	end = strings.Index(removed, `}}`) + 2
	nl[i] = nl[i][:j] + removed[end:]
	require.NoError(t, os.WriteFile(node, []byte(strings.Join(nl, "\n")), 0o644))
	_, err = cluster.MergeDir(dir, io.Discard)
	require.Error(t, err)
	require.Contains(t, err.Error(), "receives message id "+id+", which no node's trace sends")
	require.Contains(t, err.Error(), "replica-")
}

func indexOf(lines []string, sub string) int {
	for i, l := range lines {
		if strings.Contains(l, sub) {
			return i
		}
	}
	return -1
}

type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// TestClusterTraceVR: TraceVR.tla, run by the Go TLA+ engine, accepts a short real run's
// merged trace (a kill -9 and recovery, a partition) event for event: the spec side of trace
// validation on a real cluster, as the checker's step validation is the Go side.
func TestClusterTraceVR(t *testing.T) {
	dir := t.TempDir()
	res, err := cluster.Run(cluster.Options{
		F: 1, Clients: 2, Dir: dir, Ops: 80, Duration: time.Minute,
		Schedule: []cluster.Fault{
			{Kind: cluster.FaultCrash, Replica: -1, After: 20, Length: 20},
			{Kind: cluster.FaultPartition, Replica: -1, After: 50, Length: 15},
		},
		Proxy: true, Trace: true, Seed: 3, Command: replicaCommand, Log: testLog{t},
	})
	require.NoError(t, err)
	require.Equal(t, 1, res.Merge.Recoveries, "the merged trace holds a recovery after the kill -9")
	t.Setenv("VRCHECK_TRACE", res.Merged)
	var out, errb bytes.Buffer
	code := cli.Run([]string{"check", "-workers", "1", "-config", "../spec/TraceVR.cfg", "../spec/TraceVR.tla"}, &out, &errb)
	require.Equal(t, 0, code, out.String()+errb.String())
	// One distinct state per event, plus the initial one: every line was matched.
	require.Contains(t, out.String(), fmt.Sprintf("%d distinct states found", res.Merge.Events+1), out.String())
	t.Logf("TraceVR accepted %d events", res.Merge.Events)
}
