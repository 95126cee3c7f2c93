package vr

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

func leaseConfig() Config {
	cfg := testConfig(1)
	cfg.Reads, cfg.Lease, cfg.Drift = ReadsLease, 5, 100
	return cfg
}

// A backup echoes a PREPARE's or COMMIT's stamp in its PREPAREOK and, until its clock passes
// its reading + L, neither times out nor joins a later view change; afterwards it does both.
func TestBackupKeepsTheLeaseItGranted(t *testing.T) {
	r := NewReplica(1, leaseConfig())
	var out Output
	r.SetClock(10_000)
	r.Receive(&traces.Message{Type: traces.Commit, From: 0, To: 1, View: 0, Clock: 7_777}, &out)
	require.Equal(t, []traces.Message{{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 0, Replica: 1, Clock: 7_777}}, out.Sent,
		"a COMMIT is answered with a PREPAREOK echoing its stamp")
	assert.Equal(t, 10_000, out.State.Clock)

	// The promise runs until clock 15,000: ten silent ticks do not start a view change.
	for i := 0; i < 10; i++ {
		r.Tick(&out)
		assert.Empty(t, out.Action)
	}
	r.Receive(&traces.Message{Type: traces.StartViewChange, From: 2, To: 1, View: 1, Replica: 2}, &out)
	assert.Equal(t, 0, r.ViewNumber(), "a later view's STARTVIEWCHANGE is ignored while the promise runs")
	r.Receive(&traces.Message{Type: traces.DoViewChange, From: 2, To: 1, View: 4, Replica: 2, Log: []traces.Entry{}}, &out)
	assert.Equal(t, 0, r.ViewNumber(), "and so is a later view's DOVIEWCHANGE")

	r.SetClock(15_000)
	r.Tick(&out)
	assert.Equal(t, traces.TimeoutStartViewChange, out.Action, "once its clock passes the promise")
	assert.Equal(t, 1, r.ViewNumber())
}

// The bug lease-ignore-promise forgets the promise.
func TestLeaseIgnorePromise(t *testing.T) {
	cfg := leaseConfig()
	cfg.Bugs.LeaseIgnorePromise = true
	r := NewReplica(1, cfg)
	var out Output
	r.SetClock(10_000)
	r.Receive(&traces.Message{Type: traces.Commit, From: 0, To: 1, View: 0, Clock: 7_777}, &out)
	r.Receive(&traces.Message{Type: traces.StartViewChange, From: 2, To: 1, View: 1, Replica: 2}, &out)
	assert.Equal(t, 1, r.ViewNumber())
}

// The primary answers a get from its service state, without a PREPARE, while f backups'
// echoed stamps + L·(1000−ρ)/(1000+ρ) are ahead of its clock; then the get goes through the
// log again. A lease read leaves the client-table alone.
func TestPrimaryReadsUnderLease(t *testing.T) {
	p := NewReplica(0, leaseConfig())
	var out Output
	p.SetClock(1_000)
	p.Receive(&traces.Message{Type: traces.Request, From: 0, To: 0, Client: 0, RequestNumber: 1, Op: traces.OpGet, Key: "x"}, &out)
	require.Len(t, out.Sent, 2, "no lease yet: the get is prepared")
	assert.Equal(t, traces.Prepare, out.Sent[0].Type)
	assert.Equal(t, 1_000, out.Sent[0].Clock, "PREPARE carries the primary's clock")
	p.Receive(&traces.Message{Type: traces.PrepareOk, From: 1, To: 0, View: 0, OpNumber: 1, Replica: 1, Clock: 1_000}, &out)
	require.Equal(t, 1, p.CommitNumber())
	margin := LeaseMargin(5, 100, false)
	assert.Equal(t, 1_000+margin, p.LeaseEnd())
	assert.Equal(t, 4090, margin) // 5,000·900/1,100

	p.SetClock(1_000 + margin - 1)
	p.Receive(&traces.Message{Type: traces.Request, From: 1, To: 0, Client: 1, RequestNumber: 1, Op: traces.OpGet, Key: "x"}, &out)
	assert.Equal(t, []traces.Message{{Type: traces.Reply, From: 0, To: 1, Client: 1, RequestNumber: 1}}, out.Sent)
	assert.Equal(t, 1, p.OpNumber(), "not in the log")
	_, _, _, known := p.ClientTable(1)
	assert.False(t, known, "nor in the client-table")
	assert.Equal(t, 1, p.LeaseReads())

	p.SetClock(1_000 + margin)
	p.Receive(&traces.Message{Type: traces.Request, From: 1, To: 0, Client: 1, RequestNumber: 2, Op: traces.OpGet, Key: "x"}, &out)
	require.Len(t, out.Sent, 2, "the lease has run out")
	assert.Equal(t, traces.Prepare, out.Sent[0].Type)
	assert.Equal(t, 2, p.OpNumber())
}

// The drift margin: none with lease-no-drift.
func TestLeaseMargin(t *testing.T) {
	assert.Equal(t, 5000, LeaseMargin(5, 0, false))
	assert.Equal(t, 4900, LeaseMargin(5, 10, false)) // 5,000·990/1,010 rounded down
	assert.Equal(t, 5000, LeaseMargin(5, 10, true))
}

// A restarted replica promises afresh: it does not know what it promised before the crash.
func TestRestartPromisesAfresh(t *testing.T) {
	r := NewReplica(1, leaseConfig())
	var out Output
	r.SetClock(20_000)
	r.Crash(3, &out)
	r.StartRecovery(&out)
	require.Equal(t, traces.StartRecovery, out.Action)
	r.Receive(&traces.Message{Type: traces.RecoveryResponse, From: 0, To: 1, View: 0, Nonce: 3, Replica: 0, Log: []traces.Entry{}}, &out)
	r.Receive(&traces.Message{Type: traces.RecoveryResponse, From: 2, To: 1, View: 0, Nonce: 3, Replica: 2, Log: []traces.Entry{}}, &out)
	require.Equal(t, traces.StatusNormal, r.Status())
	r.SetClock(24_999)
	for i := 0; i < 10; i++ {
		r.Tick(&out)
		assert.NotEqual(t, traces.TimeoutStartViewChange, out.Action)
	}
	r.SetClock(25_000)
	r.Tick(&out)
	assert.Equal(t, traces.TimeoutStartViewChange, out.Action)
}
