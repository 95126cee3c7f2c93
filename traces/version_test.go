package traces

import (
	"io"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestReaderVersions(t *testing.T) {
	good := string(writeTrace(t, sampleHeader(), sampleEvents()))
	require.True(t, strings.HasPrefix(good, `{"format":"vrcheck-trace","version":2,`), "the writer writes the current version")

	// The same events under a version 1 header read too (they use nothing of version 2).
	_, es, err := ReadAll(strings.NewReader(good), "t")
	require.NoError(t, err)
	assert.Len(t, es, 4)
	_, es, err = ReadAll(strings.NewReader(strings.Replace(good, `"version":2`, `"version":1`, 1)), "t")
	require.NoError(t, err)
	assert.Len(t, es, 4)

	for _, v := range []string{"0", "-1", "3", "1000"} {
		bad := strings.Replace(good, `"version":2`, `"version":`+v, 1)
		_, _, err := ReadAll(strings.NewReader(bad), "t.ndjson")
		require.Error(t, err, v)
		assert.Equal(t, "t.ndjson:1: header: unsupported version "+v+" (this vrcheck reads trace format versions 1..2)", err.Error())
	}
}

// Version 2's resend actions are errors in a version 1 trace, naming the line.
func TestVersion2Actions(t *testing.T) {
	h := sampleHeader()
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
// state field, to test the mechanism before a real version 2 exists.
func testVersions(t *testing.T) *versionTable {
	vt, err := newVersionTable(map[int]Change{2: {
		Actions:     []string{ReceiveDoViewChange},
		Fields:      map[MsgType][]Field{Prepare: {FCommitNumber}},
		StateFields: []string{"nonce"},
	}}, 2)
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
	v2 := string(writeTrace(t, sampleHeader(), sampleEvents()))
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
	_, err = readWith(vt, strings.Replace(good, `"version":1`, `"version":3`, 1))
	require.Error(t, err)
	assert.Equal(t, "t:1: header: unsupported version 3 (this vrcheck reads trace format versions 1..2)", err.Error())
}

func TestVersionTableRejectsUnknownNames(t *testing.T) {
	for _, c := range []struct {
		changes map[int]Change
		want    string
	}{
		{map[int]Change{2: {Actions: []string{"Teleport"}}}, `version 2 adds action "Teleport", which is not in Actions`},
		{map[int]Change{2: {MsgTypes: []MsgType{"EPOCH"}}}, `version 2 adds message type EPOCH, which is not in Fields`},
		{map[int]Change{2: {Fields: map[MsgType][]Field{Commit: {FLog}}}}, `version 2 adds field "log" to COMMIT, which Fields does not list`},
		{map[int]Change{2: {StateFields: []string{"epochNumber"}}}, `version 2 adds state field "epochNumber", which ReplicaStateFields does not list`},
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
