package vr

import (
	"testing"

	"github.com/vrcheck/vrcheck/traces"
)

// BenchmarkPrepareCycle measures one full normal-operation round on 3 replicas: the primary
// receives a REQUEST, a backup its PREPARE, the primary the PREPAREOK (commit, execute,
// REPLY). One op is 3 Receive calls. The cluster restarts every runOps ops, as a simulation
// run would, so the figures are not those of a million-entry log.
func BenchmarkPrepareCycle(b *testing.B) {
	const runOps = 10000
	cfg := testConfig(1)
	var p, r1 *Replica
	var po, ro Output
	req := traces.Message{Type: traces.Request, From: 0, To: 0, Client: 0, Op: traces.OpPut, Key: "k", Value: "v"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n := i%runOps + 1
		if n == 1 {
			p, r1 = NewReplica(0, cfg), NewReplica(1, cfg)
		}
		req.RequestNumber = n
		p.Receive(&req, &po)
		prep := po.Sent[0]
		r1.Receive(&prep, &ro)
		ok := ro.Sent[0]
		p.Receive(&ok, &po)
		if p.CommitNumber() != n || len(po.Sent) != 1 {
			b.Fatalf("op %d not committed and answered", n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(3*b.N), "ns/receive")
}

// BenchmarkHeartbeat measures an idle round: the primary's SendCommit and a backup's
// ReceiveCommit.
func BenchmarkHeartbeat(b *testing.B) {
	cfg := testConfig(1)
	p, r1 := NewReplica(0, cfg), NewReplica(1, cfg)
	var po, ro Output
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		p.SendCommit(&po)
		r1.Receive(&po.Sent[0], &ro)
	}
}
