package traces

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReaderVersions(t *testing.T) {
	cur := fmt.Sprintf(`"version":%d`, WriteVersion(sampleHeader()))
	good := string(writeTrace(t, sampleHeader(), sampleEvents()))
	require.True(t, strings.HasPrefix(good, `{"format":"vrcheck-trace",`+cur+`,`), "the writer writes the current version")
	h2 := sampleHeader()
	h2.Version = 2 // the writer writes a declared older version's fields only
	good = string(writeTrace(t, h2, sampleEvents()))
	require.True(t, strings.HasPrefix(good, `{"format":"vrcheck-trace","version":2,`))

	// The same events under a version 1 header read too (they use nothing of version 2).
	_, es, err := ReadAll(strings.NewReader(good), "t")
	require.NoError(t, err)
	assert.Len(t, es, 4)
	_, es, err = ReadAll(strings.NewReader(strings.Replace(good, `"version":2`, `"version":1`, 1)), "t")
	require.NoError(t, err)
	assert.Len(t, es, 4)

	for _, v := range []string{"0", "-1", fmt.Sprint(Version + 1), "1000"} {
		bad := strings.Replace(good, `"version":2`, `"version":`+v, 1)
		_, _, err := ReadAll(strings.NewReader(bad), "t.ndjson")
		require.Error(t, err, v)
		assert.Equal(t, fmt.Sprintf("t.ndjson:1: header: unsupported version %s (this vrcheck reads trace format versions 1..%d)", v, Version), err.Error())
	}
}

// Version 2's resend actions are errors in a version 1 trace, naming the line.
func TestVersion2Actions(t *testing.T) {
	h := sampleHeader()
	h.Version = 2
	st := &ReplicaState{ViewNumber: 1, Status: StatusViewChange, LogAdd: []Entry{}}
	for _, a := range []string{ResendStartViewChange, ResendDoViewChange, ResendStartView} {
		assert.Equal(t, 2, ActionSince(a), a)
		ev := &Event{Seq: 1, Action: a, Replica: 1, Client: -1, Sent: []Message{}, State: st}
		v2 := string(writeTrace(t, h, []*Event{ev}))
		_, es, err := ReadAll(strings.NewReader(v2), "t")
		require.NoError(t, err, a)
		assert.Equal(t, a, es[0].Action)
		v1 := strings.Replace(v2, `"version":2`, `"version":1`, 1)
		_, _, err = ReadAll(strings.NewReader(v1), "t")
		require.Error(t, err, a)
		assert.Regexp(t, `^t:2: column \d+: action "`+a+`" is in trace format version 2 and later; this trace's header says version 1$`, err.Error())
	}
}

// testVersions is a made-up version 2 that adds an existing action, a message field and a
// state field, to test the mechanism before a real version 2 existed (and a version 3 with
// the replica state's checkpoint).
func testVersions(t *testing.T) *versionTable {
	vt, err := newVersionTable(map[int]Change{2: {
		Actions:     []string{ReceiveDoViewChange},
		Fields:      map[MsgType][]Field{Prepare: {FCommitNumber}},
		StateFields: []string{"nonce"},
	},
		// The real versions 4's, 5's and 7's additions (checkpoints, reconfiguration, leases), newer than these
		// tests' traces, so that the made-up versions 1 and 2 lack them.
		3: mergeChanges(mergeChanges(Changes[4], Changes[ReconfigurationVersion]), Changes[LeaseVersion]),
	}, 3)
	require.NoError(t, err)
	return vt
}

func readWith(vt *versionTable, s string) ([]*Event, error) {
	rd, err := newReader(strings.NewReader(s), "t", vt)
	if err != nil {
		return nil, err
	}
	var es []*Event
	for {
		e, err := rd.Next()
		if err == io.EOF {
			return es, nil
		}
		if err != nil {
			return es, err
		}
		es = append(es, e)
	}
}

func TestVersionMechanism(t *testing.T) {
	vt := testVersions(t)
	h := sampleHeader()
	h.Version = 2
	v2 := string(writeTrace(t, h, sampleEvents()))
	good := strings.Replace(v2, `"version":2`, `"version":1`, 1)

	// Version 2 has everything: the trace as written reads.
	es, err := readWith(vt, v2)
	require.NoError(t, err)
	assert.Len(t, es, 4)

	// Version 1 must not use version 2's additions, and need not have its fields.
	_, err = readWith(vt, good)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `t:3: column `)
	assert.Contains(t, err.Error(), `field "commitNumber" of a PREPARE message: it is in trace format version 2 and later; this trace's header says version 1`)

	noNew := strings.ReplaceAll(good, `"opNumber":1,"commitNumber":0,"entry"`, `"opNumber":1,"entry"`)
	noNew = strings.ReplaceAll(noNew, `,"nonce":0,"logKeep"`, `,"logKeep"`)
	_, err = readWith(vt, noNew)
	require.Error(t, err)
	assert.Regexp(t, `^t:5: column \d+: action "ReceiveDoViewChange" is in trace format version 2 and later; this trace's header says version 1$`, err.Error())

	es, err = readWith(vt, strings.Join(strings.SplitAfter(noNew, "\n")[:4], ""))
	require.NoError(t, err, "a version 1 trace without version 2's fields reads")
	assert.Len(t, es, 3)
	assert.Zero(t, es[1].Sent[0].CommitNumber)

	withNonce := strings.Join(strings.SplitAfter(noNew, "\n")[:2], "") +
		strings.Replace(strings.SplitAfter(noNew, "\n")[2], `,"logKeep"`, `,"nonce":0,"logKeep"`, 1)
	_, err = readWith(vt, withNonce)
	require.Error(t, err)
	assert.Regexp(t, `^t:3: column \d+: state field "nonce" is in trace format version 2 and later; this trace's header says version 1$`, err.Error())

	// Version 2 requires its fields.
	v2missing := strings.Replace(v2, `"opNumber":1,"commitNumber":0,"entry"`, `"opNumber":1,"entry"`, 1)
	_, err = readWith(vt, v2missing)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `t:3: column `)
	assert.Contains(t, err.Error(), `PREPARE message is missing field "commitNumber"`)

	// Newer than the reader: the header names the supported range.
	_, err = readWith(vt, strings.Replace(good, `"version":1`, `"version":4`, 1))
	require.Error(t, err)
	assert.Equal(t, "t:1: header: unsupported version 4 (this vrcheck reads trace format versions 1..3)", err.Error())
}

func TestVersionTableRejectsUnknownNames(t *testing.T) {
	for _, c := range []struct {
		changes map[int]Change
		want    string
	}{
		{map[int]Change{2: {Actions: []string{"Teleport"}}}, `version 2 adds action "Teleport", which is not in Actions`},
		{map[int]Change{2: {MsgTypes: []MsgType{"EPOCH"}}}, `version 2 adds message type EPOCH, which is not in Fields`},
		{map[int]Change{2: {Fields: map[MsgType][]Field{Commit: {FLog}}}}, `version 2 adds field "log" to COMMIT, which Fields does not list`},
		{map[int]Change{2: {StateFields: []string{"shardNumber"}}}, `version 2 adds state field "shardNumber", which ReplicaStateFields does not list`},
		{map[int]Change{3: {}}, `Changes has version 3, outside 2..2`},
	} {
		_, err := newVersionTable(c.changes, 2)
		require.Error(t, err)
		assert.Equal(t, c.want, err.Error())
	}
	// The real table is consistent (it is built at init; this names the failure if not).
	_, err := newVersionTable(Changes, Version)
	assert.NoError(t, err)
}

// Version 3's batched PREPARE: log is optional (absent when empty), allowed from version 3,
// and the header's batch is written only when batching.
func TestVersion3BatchedPrepare(t *testing.T) {
	h := sampleHeader()
	h.Batch = 4
	batch := []Entry{{Client: 0, RequestNumber: 1, Op: OpPut, Key: "k", Value: "a"}}
	last := Entry{Client: 1, RequestNumber: 1, Op: OpGet, Key: "k"}
	st := &ReplicaState{Status: StatusNormal, OpNumber: 2, LogAdd: append(append([]Entry{}, batch...), last)}
	ev := &Event{Seq: 1, Action: SendPrepare, Replica: 0, Client: -1, State: st,
		Sent: []Message{{ID: 1, Type: Prepare, From: 0, To: 1, OpNumber: 2, Entry: &last, Log: batch}}}
	v3 := string(writeTrace(t, h, []*Event{ev}))
	assert.Contains(t, v3, `"batch":4,`)
	assert.Contains(t, v3, `"entry":{"client":1,"requestNumber":1,"op":"get","key":"k","value":""},"log":[{"client":0`)
	rh, es, err := ReadAll(strings.NewReader(v3), "t")
	require.NoError(t, err)
	assert.Equal(t, 4, rh.Batch)
	assert.Equal(t, batch, es[0].Sent[0].Log)
	assert.Equal(t, 3, ActionSince(SendPrepare))

	v2 := strings.Replace(v3, fmt.Sprintf(`"version":%d`, WriteVersion(sampleHeader())), `"version":2`, 1)
	_, _, err = ReadAll(strings.NewReader(v2), "t")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "batch is 4, want 2..2^31-1 in a version 3 trace")
	v2 = strings.Replace(v2, `"batch":4,`, ``, 1)
	v2 = strings.Replace(v2, SendPrepare, ReceiveRequest, 1)
	_, _, err = ReadAll(strings.NewReader(v2), "t")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `field "log" does not belong to a PREPARE message`)

	// An unbatched PREPARE is written as before, without log.
	ev.Sent[0].Log = nil
	assert.NotContains(t, string(writeTrace(t, h, []*Event{ev})), `"log"`)
}

// mergeChanges is one version's Change that adds what a and b add.
func mergeChanges(a, b Change) Change {
	c := Change{Fields: map[MsgType][]Field{}, Optional: map[MsgType][]Field{}}
	for _, x := range []Change{a, b} {
		c.Actions = append(c.Actions, x.Actions...)
		c.MsgTypes = append(c.MsgTypes, x.MsgTypes...)
		c.StateFields = append(c.StateFields, x.StateFields...)
		for m, fs := range x.Fields {
			c.Fields[m] = append(c.Fields[m], fs...)
		}
		for m, fs := range x.Optional {
			c.Optional[m] = append(c.Optional[m], fs...)
		}
	}
	return c
}
