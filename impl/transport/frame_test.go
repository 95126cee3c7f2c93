package transport

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/traces"
)

var testKey = Key("0123456789abcdef0123456789abcdef")

// sample has one message of every type, every payload field set.
func sample() []Envelope {
	e := traces.Entry{Client: 3, RequestNumber: 9, Op: traces.OpAppend, Key: "k1", Value: "c3.9;"}
	log := []traces.Entry{e, {Client: 1, RequestNumber: 2, Op: traces.OpGet, Key: "ключ"}}
	ms := []traces.Message{
		{Type: traces.Request, From: 3, To: 0, Client: 3, RequestNumber: 9, Op: traces.OpPut, Key: "k", Value: "v"},
		{Type: traces.Prepare, From: 0, To: 1, View: 4, OpNumber: 7, CommitNumber: 6, Entry: &e},
		{Type: traces.PrepareOk, From: 1, To: 0, View: 4, OpNumber: 7, Replica: 1},
		{Type: traces.Reply, From: 0, To: 3, View: 4, Client: 3, RequestNumber: 9, Result: "old"},
		{Type: traces.Commit, From: 0, To: 2, View: 4, CommitNumber: MaxInt},
		{Type: traces.StartViewChange, From: 2, To: 1, View: 5, Replica: 2},
		{Type: traces.DoViewChange, From: 2, To: 1, View: 5, Log: log, LastNormalView: 4, OpNumber: 2, CommitNumber: 1, Replica: 2},
		{Type: traces.StartView, From: 1, To: 0, View: 5, Log: []traces.Entry{}, OpNumber: 0, CommitNumber: 0},
		{Type: traces.Recovery, From: 0, To: 1, Replica: 0, Nonce: 12345},
		{Type: traces.RecoveryResponse, From: 1, To: 0, View: 5, Nonce: 12345, Log: log, OpNumber: 2, CommitNumber: 2, Replica: 1},
		{Type: traces.GetState, From: 2, To: 1, View: 5, OpNumber: 1, Replica: 2},
		{Type: traces.NewState, From: 1, To: 2, View: 5, FromOpNumber: 1, Log: log[1:], OpNumber: 2, CommitNumber: 2, Replica: 1},
	}
	out := make([]Envelope, len(ms))
	for i, m := range ms {
		m.ID = 1000 + i
		out[i] = Envelope{Lamport: 10 * i, Msg: m}
	}
	return out
}

func TestFramesRoundTrip(t *testing.T) {
	var stream bytes.Buffer
	enc := NewEncoder(testKey)
	stream.Write(enc.Hello(Hello{Role: RoleClient, ID: 7, Incarnation: 2}))
	stream.Write(enc.Batch(sample()))
	stream.Write(enc.Batch(nil))
	r := NewReader(&stream, testKey, DefaultMaxFrame)
	f, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, &Hello{Role: RoleClient, ID: 7, Incarnation: 2}, f.Hello)
	f, err = r.Next()
	require.NoError(t, err)
	require.Equal(t, sample(), f.Batch)
	f, err = r.Next()
	require.NoError(t, err)
	require.Empty(t, f.Batch)
	_, err = r.Next()
	require.Equal(t, io.EOF, err)
}

// A bad frame is dropped with its reason, and the stream goes on with the next frame.
func TestBadFramesAreDroppedAndTheStreamGoesOn(t *testing.T) {
	good := NewEncoder(testKey)
	wrong := NewEncoder(Key("another key, another key, another"))
	var stream bytes.Buffer
	stream.Write(wrong.Batch(sample()[:1]))
	stream.Write(good.Raw([]byte{kindBatch, 1, 0, 99, 0, 0, 0, 0})) // authentic, but type code 99
	stream.Write(good.Raw([]byte{9}))                               // unknown kind
	frame := good.Batch(sample()[:2])
	frame[len(frame)-MACSize-1] ^= 1 // one bit flipped in the body
	stream.Write(frame)
	stream.Write(good.Hello(Hello{ID: 1}))
	r := NewReader(&stream, testKey, DefaultMaxFrame)
	_, err := r.Next()
	require.ErrorIs(t, err, ErrAuth)
	_, err = r.Next()
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "unknown message type code 99")
	_, err = r.Next()
	require.ErrorContains(t, err, "unknown frame kind 9")
	_, err = r.Next()
	require.ErrorIs(t, err, ErrAuth)
	f, err := r.Next()
	require.NoError(t, err)
	require.Equal(t, 1, f.Hello.ID)
}

func TestOversizeAndShortFrames(t *testing.T) {
	hdr := binary.BigEndian.AppendUint32(nil, 1001)
	_, err := NewReader(bytes.NewReader(hdr), testKey, 1000).Next()
	require.ErrorIs(t, err, ErrOversize)
	require.ErrorContains(t, err, "1001 bytes, limit 1000")

	frame := NewEncoder(testKey).Batch(sample())
	_, err = NewReader(bytes.NewReader(frame[:len(frame)-1]), testKey, DefaultMaxFrame).Next()
	require.ErrorIs(t, err, io.ErrUnexpectedEOF)

	tiny := append(binary.BigEndian.AppendUint32(nil, 3), 1, 2, 3)
	_, err = NewReader(bytes.NewReader(tiny), testKey, DefaultMaxFrame).Next()
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorContains(t, err, "shorter than its HMAC")
}

// The decoder refuses what a trace may not hold, so whatever decodes can be logged as is.
func TestDecoderRejectsWhatATraceMayNotHold(t *testing.T) {
	enc := NewEncoder(testKey)
	for name, tc := range map[string]struct {
		body []byte
		want string
	}{
		"int out of range": {append([]byte{kindBatch, 1, 0, 5}, binary.AppendUvarint(nil, 1<<31)...), "id: 2147483648 out of range"},
		"bad op":           {[]byte{kindBatch, 1, 0, 1, 1, 2, 0, 2, 5, 7}, "op: unknown op code 7"},
		"not utf-8":        {[]byte{kindBatch, 1, 0, 1, 1, 2, 0, 2, 5, 1, 1, 0xff}, "key: not UTF-8"},
		"log length lie":   {[]byte{kindBatch, 1, 0, 8, 1, 2, 0, 1, 100}, "log length 100 past the end"},
		"count lie":        {[]byte{kindBatch, 100}, "count 100 past the end"},
		"trailing bytes":   {append(enc.Hello(Hello{})[4:len(enc.Hello(Hello{}))-MACSize], 0), "1 bytes after the end"},
		"unknown role":     {[]byte{kindHello, 2, 0, 0}, "unknown role 2"},
		"truncated varint": {[]byte{kindHello, 0x80}, "role: bad varint"},
		"string past end":  {[]byte{kindBatch, 1, 0, 1, 1, 2, 0, 2, 5, 1, 50, 'k'}, "key: length 50 past the end"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := DecodeBody(tc.body)
			require.ErrorIs(t, err, ErrMalformed)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// FuzzReader: any bytes at all give frames or errors, never a panic, and an error is one of
// the kinds the node counts.
func FuzzReader(f *testing.F) {
	enc := NewEncoder(testKey)
	f.Add(append(append([]byte{}, enc.Hello(Hello{Role: RoleReplica, ID: 1})...), enc.Batch(sample())...))
	f.Add(enc.Raw([]byte{kindBatch, 1, 0, 99}))
	f.Add([]byte{0, 0, 0, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), testKey, 1<<16)
		for i := 0; i < 1000; i++ {
			fr, err := r.Next()
			if err == nil {
				if fr.Hello == nil && fr.Batch == nil {
					t.Fatal("a frame that is neither hello nor batch")
				}
				continue
			}
			if !errors.Is(err, ErrAuth) && !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrOversize) &&
				!errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrOversize) {
				return
			}
		}
	})
}

// FuzzDecodeBody: an authenticated body that decodes re-encodes to the same bytes (the
// encoding is canonical), so a receiver logs exactly what was sent.
func FuzzDecodeBody(f *testing.F) {
	enc := NewEncoder(testKey)
	b := enc.Batch(sample())
	f.Add(append([]byte{}, b[4:len(b)-MACSize]...))
	h := enc.Hello(Hello{Role: RoleClient, ID: 3, Incarnation: 1})
	f.Add(append([]byte{}, h[4:len(h)-MACSize]...))
	f.Fuzz(func(t *testing.T, body []byte) {
		fr, err := DecodeBody(body)
		if err != nil {
			if !errors.Is(err, ErrMalformed) {
				t.Fatalf("error not marked malformed: %v", err)
			}
			return
		}
		var again []byte
		if fr.Hello != nil {
			again = enc.Hello(*fr.Hello)
		} else {
			again = enc.Batch(fr.Batch)
		}
		if !bytes.Equal(again[4:len(again)-MACSize], body) {
			t.Fatalf("not canonical:\n in  %x\n out %x", body, again[4:len(again)-MACSize])
		}
	})
}
