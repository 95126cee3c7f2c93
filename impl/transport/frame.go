package transport

import (
	"bufio"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"

	"github.com/vrcheck/vrcheck/traces"
)

// A frame is a 4-byte big-endian length L, then L bytes: the body, then HMAC-SHA256 under
// the cluster key of the length and the body (32 bytes). The body's first byte is its kind:
//
//	hello: role (varint: 0 replica, 1 client), id, incarnation — the first frame on a connection
//	batch: count, then count times (Lamport clock of the sending event, message)
//
// A frame longer than the reader's limit is oversize: the connection is closed, since its
// contents cannot be skipped safely. A frame that fails its HMAC or does not decode is
// dropped; the stream stays in step because the length came first.
const (
	MACSize         = sha256.Size
	DefaultMaxFrame = 64 << 20 // a STARTVIEW or RECOVERYRESPONSE carries the whole log
	kindHello       = 1
	kindBatch       = 2
)

// Roles in a hello.
const (
	RoleReplica = 0
	RoleClient  = 1
)

// Errors of Reader.Next. ErrOversize is fatal for the connection; the others are not.
var (
	ErrOversize = errors.New("oversize frame")
	ErrAuth     = errors.New("frame fails its HMAC")
)

// Key is the cluster key.
type Key []byte

// CreateKey writes a fresh random key (hex, 32 bytes) to path, readable by the owner only.
func CreateKey(path string) (Key, error) {
	k := make([]byte, 32)
	if _, err := rand.Read(k); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(hex.EncodeToString(k)+"\n"), 0o600); err != nil {
		return nil, err
	}
	return k, nil
}

// LoadKey reads a key written by CreateKey.
func LoadKey(path string) (Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	k, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(k) < 16 {
		return nil, fmt.Errorf("%s: not a cluster key (want at least 16 bytes in hex)", path)
	}
	return k, nil
}

// Hello identifies the sender of a connection's frames.
type Hello struct {
	Role, ID, Incarnation int
}

// Envelope is a message with the Lamport clock of the event that sent it.
type Envelope struct {
	Lamport int
	Msg     traces.Message
}

// Encoder builds frames. Not safe for concurrent use.
type Encoder struct {
	mac hash.Hash
	buf []byte
}

// NewEncoder returns an Encoder signing under key.
func NewEncoder(key Key) *Encoder {
	return &Encoder{mac: hmac.New(sha256.New, key), buf: make([]byte, 0, 4096)}
}

func (e *Encoder) seal() []byte {
	binary.BigEndian.PutUint32(e.buf[:4], uint32(len(e.buf)-4+MACSize))
	e.mac.Reset()
	e.mac.Write(e.buf)
	e.buf = e.mac.Sum(e.buf)
	return e.buf
}

// Hello returns the frame of h; valid until the next call.
func (e *Encoder) Hello(h Hello) []byte {
	e.buf = append(e.buf[:0], 0, 0, 0, 0, kindHello)
	e.buf = appendUint(e.buf, h.Role)
	e.buf = appendUint(e.buf, h.ID)
	e.buf = appendUint(e.buf, h.Incarnation)
	return e.seal()
}

// Batch returns the frame of envs; valid until the next call.
func (e *Encoder) Batch(envs []Envelope) []byte {
	e.buf = append(e.buf[:0], 0, 0, 0, 0, kindBatch)
	e.buf = appendUint(e.buf, len(envs))
	for i := range envs {
		e.buf = appendUint(e.buf, envs[i].Lamport)
		e.buf = AppendMessage(e.buf, &envs[i].Msg)
	}
	return e.seal()
}

// Raw returns a frame whose body is body as given, signed: for tests of what a receiver does
// with an authentic frame that does not decode.
func (e *Encoder) Raw(body []byte) []byte {
	e.buf = append(append(e.buf[:0], 0, 0, 0, 0), body...)
	return e.seal()
}

// Frame is one decoded frame: a hello or a batch.
type Frame struct {
	Hello *Hello
	Batch []Envelope
}

// Reader reads frames from a stream.
type Reader struct {
	r   *bufio.Reader
	max int
	mac hash.Hash
	buf []byte
	sum []byte
}

// NewReader returns a Reader of frames of at most maxFrame bytes (after the length).
func NewReader(r io.Reader, key Key, maxFrame int) *Reader {
	return &Reader{r: bufio.NewReaderSize(r, 1<<16), max: maxFrame, mac: hmac.New(sha256.New, key)}
}

// Next reads the next frame. io.EOF (or another read error) ends the stream, as does
// ErrOversize; an error wrapping ErrAuth or ErrMalformed is one bad frame, and the next call
// reads the one after it.
func (r *Reader) Next() (*Frame, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r.r, hdr[:]); err != nil {
		return nil, err
	}
	n := int(binary.BigEndian.Uint32(hdr[:]))
	if n > r.max {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrOversize, n, r.max)
	}
	if cap(r.buf) < n {
		r.buf = make([]byte, n)
	}
	r.buf = r.buf[:n]
	if _, err := io.ReadFull(r.r, r.buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	if n < 1+MACSize {
		return nil, fmt.Errorf("%w: %d-byte frame is shorter than its HMAC", ErrMalformed, n)
	}
	body := r.buf[:n-MACSize]
	r.mac.Reset()
	r.mac.Write(hdr[:])
	r.mac.Write(body)
	r.sum = r.mac.Sum(r.sum[:0])
	if !hmac.Equal(r.sum, r.buf[n-MACSize:]) {
		return nil, ErrAuth
	}
	return DecodeBody(body)
}

// DecodeBody decodes an authenticated frame body.
func DecodeBody(body []byte) (*Frame, error) {
	d := &decoder{b: body}
	kind := d.byte1("kind")
	f := &Frame{}
	switch {
	case d.err != nil:
	case kind == kindHello:
		h := Hello{Role: d.uint("role"), ID: d.uint("id"), Incarnation: d.uint("incarnation")}
		if d.err == nil && h.Role != RoleReplica && h.Role != RoleClient {
			d.fail("unknown role %d", h.Role)
		}
		f.Hello = &h
	case kind == kindBatch:
		n := d.uint("count")
		// Each message takes at least 5 bytes.
		if d.err == nil && n > (len(body)-d.i)/5 {
			d.fail("count %d past the end", n)
		}
		if d.err == nil {
			f.Batch = make([]Envelope, n)
			for i := range f.Batch {
				f.Batch[i].Lamport = d.uint("lamport")
				d.message(&f.Batch[i].Msg)
				if d.err != nil {
					break
				}
			}
		}
	default:
		d.fail("unknown frame kind %d", kind)
	}
	if d.err == nil && d.i != len(body) {
		d.fail("%d bytes after the end", len(body)-d.i)
	}
	if d.err != nil {
		return nil, d.err
	}
	return f, nil
}
