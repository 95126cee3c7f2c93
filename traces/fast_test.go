package traces

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readResult is everything a caller of a Reader sees: the header error, the events with the
// Line after each, and the error that ends the trace with the Line then.
type readResult struct {
	headerErr string
	events    []*Event
	lines     []int
	err       string
	errLine   int
}

// Reading modes: the general decoder alone (the reader before the fast path), the fast path
// with the general one behind it, that on two workers in chunks of three lines, and that
// sharing received messages with their sends (as the checker reads).
const (
	modeGeneral = iota
	modeFast
	modeParallel
	modeShared
)

func readMode(t testing.TB, data []byte, mode int) readResult {
	var rd *Reader
	var err error
	if mode == modeParallel || mode == modeShared {
		defer func(b, l int) { chunkBytes, chunkLines = b, l }(chunkBytes, chunkLines)
		chunkBytes, chunkLines = 1<<10, 3
		var opts []ReadOption
		if mode == modeShared {
			opts = append(opts, ShareMessages)
		}
		rd, err = NewParallelReader(bytes.NewReader(data), "t.ndjson", 2, opts...)
	} else {
		rd, err = NewReader(bytes.NewReader(data), "t.ndjson")
	}
	if err != nil {
		return readResult{headerErr: err.Error()}
	}
	defer rd.Close()
	rd.d.noFast = mode == modeGeneral
	var res readResult
	for {
		e, err := rd.Next()
		if err != nil {
			res.err, res.errLine = err.Error(), rd.Line()
			if !errors.Is(err, io.EOF) {
				var te *Error
				require.ErrorAs(t, err, &te, "every reading error is an *Error")
			}
			return res
		}
		res.events = append(res.events, e)
		res.lines = append(res.lines, rd.Line())
	}
}

// sameAsGeneral asserts that the fast path, sequential and parallel, reads data exactly as the
// general decoder does, and returns what it read.
func sameAsGeneral(t testing.TB, data []byte, msg string) readResult {
	want := readMode(t, data, modeGeneral)
	for _, mode := range []int{modeFast, modeParallel, modeShared} {
		got := readMode(t, data, mode)
		if !assert.Equal(t, want, got, "%s (mode %d)", msg, mode) {
			t.FailNow()
		}
	}
	return want
}

func corpusFiles(t *testing.T) map[string][]byte {
	files, err := filepath.Glob("corpus/*/*.ndjson")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out[f] = b
	}
	return out
}

func TestFastMatchesGeneralOnCorpus(t *testing.T) {
	fast := 0
	for name, data := range corpusFiles(t) {
		res := sameAsGeneral(t, data, name)
		fast += len(res.events)
	}
	// The simulator's traces are canonical: the fast path, not the fallback, reads every line,
	// batched PREPAREs' logs (version 3), messages' checkpoints (version 4), reconfiguration's
	// messages, epochs and configurations (version 5), reads at backups (version 6) and the
	// clocks of reads under leases (version 7) included.
	for _, name := range []string{"corpus/good/sim-normal.ndjson", "corpus/good/sim-faults.ndjson",
		"corpus/good/sim-batch.ndjson", "corpus/good/sim-checkpoint.ndjson",
		"corpus/good/sim-reconfig.ndjson", "corpus/good/sim-reads.ndjson", "corpus/good/sim-lease.ndjson"} {
		data, err := os.ReadFile(name)
		require.NoError(t, err)
		rd, err := NewReader(bytes.NewReader(data), name)
		require.NoError(t, err)
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
			_, ok := rd.d.f.event([]byte(line))
			require.True(t, ok, "the fast path reads %s line %s", name, line)
		}
	}
	assert.Greater(t, fast, 100)
}

// mutants returns variants of a trace with one event line damaged at every byte: deleted,
// replaced, or with text inserted.
func mutants(data []byte) [][]byte {
	lines := strings.SplitAfter(string(data), "\n")
	var out [][]byte
	for li := 1; li < len(lines); li++ {
		l := lines[li]
		for i := 0; i < len(l); i++ {
			vs := []string{l[:i] + l[i+1:], l[:i] + "9" + l[i+1:]}
			if i%4 == li%4 {
				vs = append(vs,
					l[:i]+`"`+l[i+1:],
					l[:i]+" "+l[i:],
					l[:i]+`\`+l[i+1:],
					l[:i]+"0"+l[i:],
					l[:i]+`,"x":1`+l[i:],
					l[:i]+"\u00e9"+l[i+1:],
					l[:i]+"\xff"+l[i+1:])
			}
			for _, v := range vs {
				out = append(out, []byte(strings.Join(lines[:li], "")+v+strings.Join(lines[li+1:], "")))
			}
		}
	}
	return out
}

func TestFastMatchesGeneralOnMalformedLines(t *testing.T) {
	events := append(sampleEvents(),
		&Event{Seq: 5, Tick: 4, Action: ResendStartView, Replica: 1, Client: -1,
			Sent:  []Message{{ID: 10, Type: StartView, From: 1, To: 0, View: 1, Log: []Entry{{Client: 0, RequestNumber: 2, Op: OpAppend, Key: "k", Value: "x"}}, OpNumber: 1}},
			State: &ReplicaState{ViewNumber: 1, Status: StatusNormal, OpNumber: 1, LogKeep: 1, LogAdd: []Entry{}}},
		&Event{Seq: 6, Tick: 5, Action: ClientReceiveReply, Replica: -1, Client: 1,
			Msg:         &Message{ID: 11, Type: Reply, From: 1, To: 1, View: 1, Client: 1, RequestNumber: 1, Result: "é"},
			Sent:        []Message{},
			ClientState: &ClientState{View: 1, RequestNumber: 1}})
	v2 := writeTrace(t, sampleHeader(), events)
	v1 := []byte(strings.Replace(string(v2), fmt.Sprintf(`"version":%d`, WriteVersion(sampleHeader())), `"version":1`, 1))
	require.Contains(t, sameAsGeneral(t, v1, "v1").err, `action "ResendStartView" is in trace format version 2 and later`)
	require.Equal(t, "EOF", sameAsGeneral(t, v2, "v2").err)
	errs := map[string]bool{}
	ms := mutants(v2)
	for _, m := range ms {
		errs[sameAsGeneral(t, m, fmt.Sprintf("%q", m)).err] = true
	}
	t.Logf("%d mutants, %d distinct errors", len(ms), len(errs))
	// The mutants reach many different errors, each of them the general decoder's.
	assert.Greater(t, len(errs), 100)
}

// TestFastDeclinesNonCanonical: lines in another form than the Writer's are still read, by
// the general decoder.
func TestFastDeclinesNonCanonical(t *testing.T) {
	data := writeTrace(t, sampleHeader(), sampleEvents())
	lines := strings.SplitAfter(string(data), "\n")
	lines[2] = strings.Replace(lines[2], `{"seq":2,"tick":1,`, `{ "tick" : 1, "seq":2,`, 1)
	res := sameAsGeneral(t, []byte(strings.Join(lines, "")), "reordered")
	assert.Equal(t, "EOF", res.err)
	assert.Len(t, res.events, 4)
}

func TestFieldKeyCoversFields(t *testing.T) {
	for _, fs := range Fields {
		for _, f := range fs {
			assert.Equal(t, `,"`+string(f)+`":`, fieldKey(f))
		}
	}
	for i, ty := range msgTypes {
		j, ok := msgTypeOf([]byte(ty))
		assert.True(t, ok)
		assert.Equal(t, i, j)
	}
	assert.Len(t, msgTypes, len(Fields))
	for a, k := range Actions {
		n, kind := actionOf([]byte(a))
		assert.Equal(t, a, n)
		assert.Equal(t, k, kind)
	}
}

// FuzzFastMatchesGeneral: whatever the input, the fast path (sequential and parallel) reads
// exactly what the general decoder reads, or fails with exactly its error.
func FuzzFastMatchesGeneral(f *testing.F) {
	f.Add(writeTrace(f, sampleHeader(), sampleEvents()))
	files, _ := filepath.Glob("corpus/*/*.ndjson")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil && len(b) < 64<<10 {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsGeneral(t, data, "fuzz")
	})
}

// BenchmarkDecode reads 200,000 events of a simulator trace (corpus/good/sim-faults.ndjson,
// repeated, renumbered) with the general decoder alone (the reader before the fast path), the
// fast path, and the fast path on 2 workers.
func BenchmarkDecode(b *testing.B) {
	src, err := os.ReadFile("corpus/good/sim-faults.ndjson")
	require.NoError(b, err)
	h, es, err := ReadAll(bytes.NewReader(src), "sim-faults")
	require.NoError(b, err)
	var many []*Event
	for len(many) < 200_000 {
		for _, e := range es {
			c := *e
			c.Seq = len(many) + 1
			many = append(many, &c)
		}
	}
	data := writeTrace(b, h, many)
	for _, bc := range []struct {
		name    string
		workers int
		general bool
	}{{"general", 1, true}, {"fast", 1, false}, {"fast-2-workers", 2, false}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				rd, err := NewParallelReader(bytes.NewReader(data), "b", bc.workers)
				require.NoError(b, err)
				rd.d.noFast = bc.general
				n := 0
				for {
					if _, err := rd.Next(); err != nil {
						require.ErrorIs(b, err, io.EOF)
						break
					}
					n++
				}
				require.Equal(b, len(many), n)
			}
			b.ReportMetric(float64(b.N*len(many))/b.Elapsed().Seconds(), "events/s")
		})
	}
}

// TestFastMatchesGeneralOnMalformedCheckpoints damages, at every byte, a version 4 line whose
// NEWSTATE carries a checkpoint and a version 3 batched PREPARE: the fast path reads the
// intact lines itself and every damaged one exactly as the general decoder does (an unsorted
// store or table, a missing or extra field, an empty optional log included).
func TestFastMatchesGeneralOnMalformedCheckpoints(t *testing.T) {
	h := sampleHeader()
	h.CheckpointEvery, h.Batch = 2, 2
	e1 := Entry{Client: 0, RequestNumber: 3, Op: OpAppend, Key: "k", Value: "x"}
	e2 := Entry{Client: 1, RequestNumber: 2, Op: OpPut, Key: "j", Value: "y"}
	ck := &Checkpoint{OpNumber: 2, Store: []KeyValue{{Key: "a", Value: "1"}, {Key: "b", Value: ""}},
		Table: []TableRow{{Client: 0, RequestNumber: 2, Result: "r"}, {Client: 1, RequestNumber: 1, Result: ""}}}
	events := []*Event{
		{Seq: 1, Tick: 1, Action: ReceiveGetState, Replica: 0, Client: -1,
			Msg:   &Message{ID: 1, Type: GetState, From: 2, To: 0, View: 0, OpNumber: 1, Replica: 2},
			Sent:  []Message{{ID: 2, Type: NewState, From: 0, To: 2, View: 0, FromOpNumber: 1, Log: []Entry{e1}, OpNumber: 3, CommitNumber: 2, Replica: 0, Checkpoint: ck}},
			State: &ReplicaState{ViewNumber: 0, Status: StatusNormal, OpNumber: 3, CommitNumber: 2, LogKeep: 3, LogAdd: []Entry{}, Checkpoint: 2}},
		{Seq: 2, Tick: 2, Action: SendPrepare, Replica: 0, Client: -1,
			Sent:  []Message{{ID: 3, Type: Prepare, From: 0, To: 1, View: 0, OpNumber: 5, CommitNumber: 2, Entry: &e2, Log: []Entry{e1}}},
			State: &ReplicaState{ViewNumber: 0, Status: StatusNormal, OpNumber: 5, CommitNumber: 2, LogKeep: 3, LogAdd: []Entry{e1, e2}, Checkpoint: 2}},
	}
	data := writeTrace(t, h, events)
	require.Equal(t, "EOF", sameAsGeneral(t, data, "intact").err)
	rd, err := NewReader(bytes.NewReader(data), "t.ndjson")
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		_, ok := rd.d.f.event([]byte(line))
		require.True(t, ok, "the fast path reads %s", line)
	}
	unsorted := strings.Replace(string(data), `{"key":"a","value":"1"},{"key":"b"`, `{"key":"b","value":"1"},{"key":"a"`, 1)
	require.Contains(t, sameAsGeneral(t, []byte(unsorted), "unsorted").err, "is not after")
	errs := map[string]bool{}
	ms := mutants(data)
	for _, m := range ms {
		errs[sameAsGeneral(t, m, fmt.Sprintf("%q", m)).err] = true
	}
	t.Logf("%d mutants, %d distinct errors", len(ms), len(errs))
	assert.Greater(t, len(errs), 50)
}

// TestFastLongSentLists: a list of more messages than a slab holds (take gives it its own
// array), damaged anywhere, reads as the general decoder reads it, and so do the lines after
// it.
func TestFastLongSentLists(t *testing.T) {
	state := func() *ReplicaState {
		return &ReplicaState{Status: StatusNormal, OpNumber: 1, CommitNumber: 1, LogKeep: 1, LogAdd: []Entry{}}
	}
	var many []Message
	for i := 0; i < slabLen+7; i++ {
		many = append(many, Message{ID: 100 + i, Type: Commit, From: 0, To: 1 + i%2, CommitNumber: 1})
	}
	events := []*Event{
		{Seq: 1, Tick: 1, Action: SendCommit, Replica: 0, Client: -1, Sent: many[:3], State: state()},
		{Seq: 2, Tick: 2, Action: SendCommit, Replica: 0, Client: -1, Sent: many[3:], State: state()},
		{Seq: 3, Tick: 3, Action: SendCommit, Replica: 0, Client: -1, Sent: []Message{{ID: 99, Type: Commit, From: 0, To: 2, CommitNumber: 1}}, State: state()},
	}
	data := writeTrace(t, sampleHeader(), events)
	res := sameAsGeneral(t, data, "intact")
	require.Equal(t, "EOF", res.err)
	require.Len(t, res.events[1].Sent, slabLen+4)
	rd, err := NewReader(bytes.NewReader(data), "t.ndjson")
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		_, ok := rd.d.f.event([]byte(line))
		require.True(t, ok, "the fast path reads %s", line)
	}
	ms := mutants(data)
	for i, m := range ms {
		if i%3 == 0 { // a third of them: each reads the trace three times
			sameAsGeneral(t, m, fmt.Sprintf("%q", m))
		}
	}
}

// corpusExcerpt returns the header of a corpus trace and, renumbered, the first of its lines
// that match each of picks: a short trace of real lines.
func corpusExcerpt(t *testing.T, name string, picks ...string) []byte {
	data, err := os.ReadFile(name)
	require.NoError(t, err)
	lines := strings.SplitAfter(string(data), "\n")
	out := lines[0]
	for i, pick := range picks {
		j := slices.IndexFunc(lines[1:], func(l string) bool { return strings.Contains(l, pick) })
		require.GreaterOrEqual(t, j, 0, "%s has a line with %s", name, pick)
		l := lines[1+j]
		comma := strings.Index(l, `,"tick":`)
		out += fmt.Sprintf(`{"seq":%d`, i+1) + l[comma:]
	}
	return []byte(out)
}

// TestFastMatchesGeneralOnMalformedReconfigurationAndReads damages, at every byte, lines of
// version 5 (reconfiguration: its actions and messages, the optional epoch of the others, the
// replica state's epoch and configurations, the statuses idle, transitioning and shut-down,
// a reconfiguration in a log), version 6 (reads at backups: READ, REPLY's commit-number,
// the client state's) and version 7 (reads under leases: the replica state's clock, the
// optional clock of PREPARE, COMMIT and PREPAREOK): the fast path reads the intact lines
// itself and every damaged one exactly as the general decoder does.
func TestFastMatchesGeneralOnMalformedReconfigurationAndReads(t *testing.T) {
	for _, tc := range []struct {
		name  string
		picks []string
	}{
		{"corpus/good/sim-reconfig.ndjson", []string{`"action":"ClientReconfiguration"`, `"action":"ReceiveReconfiguration"`,
			`"action":"ReceiveStartEpoch"`, `"action":"ReceiveEpochStarted"`, `"action":"ClientReceiveNewEpoch"`,
			`"action":"TimeoutStartEpoch"`, `"status":"idle"`, `"status":"shut-down"`, `"action":"ReceiveCommit","replica":3`}},
		{"corpus/good/sim-reads.ndjson", []string{`"action":"ClientRead"`, `"action":"ReceiveRead"`, `"action":"ReplyRead"`,
			`"action":"ClientReceiveReply"`}},
		{"corpus/good/sim-lease.ndjson", []string{`"action":"SendCommit"`, `"action":"ReceiveCommit"`, `"action":"ReceivePrepare"`,
			`"action":"ReceivePrepareOk"`, `"action":"ClientReceiveReply"`}},
	} {
		data := corpusExcerpt(t, tc.name, tc.picks...)
		require.Equal(t, "EOF", sameAsGeneral(t, data, "intact").err)
		rd, err := NewReader(bytes.NewReader(data), tc.name)
		require.NoError(t, err)
		for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
			_, ok := rd.d.f.event([]byte(line))
			require.True(t, ok, "the fast path reads %s", line)
		}
		// Edits that damage no syntax: out of range, unsorted or other configurations, a
		// reconfiguration outside a log, an older header version, zero optional fields.
		edits := 0
		for _, ed := range [][2]string{
			{`"config":[1,2,3]`, `"config":[1,2,5]`}, {`"config":[1,2,3]`, `"config":[1,2,4]`}, {`"config":[1,2,3]`, `"config":[2,1,3]`},
			{`"config":[1,2,3]`, `"config":[1,1,3]`}, {`"config":[1,2,3]`, `"config":[]`}, {`"oldConfig":[]`, `"oldConfig":[0]`},
			{`"oldConfig":[]`, `"oldConfig":[4]`}, {`"op":"put"`, `"op":"reconfiguration"`}, {`"version":5`, `"version":4`},
			{`"version":6`, `"version":5`}, {`"pending":true,"epoch":1}`, `"pending":true}`}, {`"epoch":1}`, `"epoch":1,"commitNumber":0}`},
			{`"commitNumber":3}],`, `"commitNumber":0}],`}, {`"epoch":1},"sent"`, `"epoch":0},"sent"`}, {`"epoch":1},"sent"`, `},"sent"`},
			// Version 7: a clock of 0 written, a message's clock left out, the state's clock
			// left out or in an older version, a clock out of range.
			{`"version":7`, `"version":6`}, {`,"clock":24254}`, `,"clock":0}`}, {`,"clock":24254}`, `}`},
			{`,"clock":24254}}`, `}}`}, {`"clock":24254`, `"clock":2147483648`}, {`"clock":24254`, `"clock":-1`},
		} {
			if e := strings.Replace(string(data), ed[0], ed[1], 1); e != string(data) {
				sameAsGeneral(t, []byte(e), ed[1])
				edits++
			}
		}
		assert.GreaterOrEqual(t, edits, 4)
		errs := map[string]bool{}
		ms := mutants(data)
		for _, m := range ms {
			errs[sameAsGeneral(t, m, fmt.Sprintf("%q", m)).err] = true
		}
		t.Logf("%s: %d mutants, %d distinct errors", tc.name, len(ms), len(errs))
		assert.Greater(t, len(errs), 100)
	}
}

// TestShareMessages: with ShareMessages a received message is the sent one; without it, a
// copy, which a caller's change to the sent one leaves as its line says.
func TestShareMessages(t *testing.T) {
	data, err := os.ReadFile("corpus/good/sim-normal.ndjson")
	require.NoError(t, err)
	for _, share := range []bool{false, true} {
		var opts []ReadOption
		if share {
			opts = append(opts, ShareMessages)
		}
		rd, err := NewReader(bytes.NewReader(data), "sim-normal", opts...) // decodes a line at Next: after the caller changed the ones before
		require.NoError(t, err)
		sent := map[int]*Message{}
		value := map[int]string{}
		same, received := 0, 0
		for {
			e, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			require.NoError(t, err)
			if e.Msg != nil && sent[e.Msg.ID] != nil {
				received++
				if sent[e.Msg.ID] == e.Msg {
					same++
				}
				if !share {
					assert.Equal(t, value[e.Msg.ID], e.Msg.Value, "line %d", rd.Line())
				}
			}
			for i := range e.Sent {
				m := &e.Sent[i]
				sent[m.ID], value[m.ID] = m, m.Value
				if !share {
					m.Value = "changed by the caller"
				}
			}
		}
		require.Greater(t, received, 40)
		if share {
			assert.Equal(t, received, same, "every received message is its send")
		} else {
			assert.Zero(t, same)
		}
	}
}
