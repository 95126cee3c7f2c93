package transport

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/vrcheck/vrcheck/traces"
)

// The message encoding is binary: a type byte, then exactly the payload fields that
// traces.Fields lists for that type, in that order, integers as unsigned varints and strings
// and lists with a varint length first. It is canonical (one encoding per message) and the
// decoder checks everything the trace format requires of a message (known type, integers in
// 0..2^31-1, valid UTF-8, known ops), so a message that decodes can be logged as it came.
// BenchmarkCodec compares it with encoding/json (see README.md).

// MaxInt is the largest integer the trace format allows.
const MaxInt = 1<<31 - 1

var typeCodes = []traces.MsgType{"", traces.Request, traces.Prepare, traces.PrepareOk, traces.Reply, traces.Commit,
	traces.StartViewChange, traces.DoViewChange, traces.StartView, traces.Recovery, traces.RecoveryResponse,
	traces.GetState, traces.NewState}

func typeCode(t traces.MsgType) byte {
	for i, x := range typeCodes {
		if i > 0 && x == t {
			return byte(i)
		}
	}
	return 0
}

var opCodes = []string{traces.OpGet, traces.OpPut, traces.OpAppend}

func appendUint(b []byte, x int) []byte { return binary.AppendUvarint(b, uint64(x)) }

func appendString(b []byte, s string) []byte {
	b = appendUint(b, len(s))
	return append(b, s...)
}

func appendOp(b []byte, op string) []byte {
	for i, o := range opCodes {
		if o == op {
			return append(b, byte(i))
		}
	}
	return append(b, 0xff) // rejected by the decoder: a sender bug shows at the receiver
}

func appendEntry(b []byte, e *traces.Entry) []byte {
	b = appendUint(b, e.Client)
	b = appendUint(b, e.RequestNumber)
	b = appendOp(b, e.Op)
	b = appendString(b, e.Key)
	return appendString(b, e.Value)
}

// AppendMessage appends m's encoding to b. The message's id travels with it: a receiver logs
// the message exactly as it was sent.
func AppendMessage(b []byte, m *traces.Message) []byte {
	b = append(b, typeCode(m.Type))
	b = appendUint(b, m.ID)
	b = appendUint(b, m.From)
	b = appendUint(b, m.To)
	for _, f := range traces.Fields[m.Type] {
		switch f {
		case traces.FView:
			b = appendUint(b, m.View)
		case traces.FOpNumber:
			b = appendUint(b, m.OpNumber)
		case traces.FCommitNumber:
			b = appendUint(b, m.CommitNumber)
		case traces.FLastNormalView:
			b = appendUint(b, m.LastNormalView)
		case traces.FFromOpNumber:
			b = appendUint(b, m.FromOpNumber)
		case traces.FReplica:
			b = appendUint(b, m.Replica)
		case traces.FNonce:
			b = appendUint(b, m.Nonce)
		case traces.FClient:
			b = appendUint(b, m.Client)
		case traces.FRequestNumber:
			b = appendUint(b, m.RequestNumber)
		case traces.FOp:
			b = appendOp(b, m.Op)
		case traces.FKey:
			b = appendString(b, m.Key)
		case traces.FValue:
			b = appendString(b, m.Value)
		case traces.FResult:
			b = appendString(b, m.Result)
		case traces.FEntry:
			b = appendEntry(b, m.Entry)
		case traces.FLog:
			b = appendUint(b, len(m.Log))
			for i := range m.Log {
				b = appendEntry(b, &m.Log[i])
			}
		}
	}
	return b
}

// ErrMalformed is wrapped by every decoding error.
var ErrMalformed = errors.New("malformed")

type decoder struct {
	b   []byte
	i   int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: byte %d: %s", ErrMalformed, d.i, fmt.Sprintf(format, args...))
	}
}

func (d *decoder) uint(what string) int {
	if d.err != nil {
		return 0
	}
	x, n := binary.Uvarint(d.b[d.i:])
	if n <= 0 {
		d.fail("%s: bad varint", what)
		return 0
	}
	if n > 1 && d.b[d.i+n-1] == 0 {
		d.fail("%s: overlong varint", what) // one encoding per number: what is logged is what was sent
		return 0
	}
	if x > MaxInt {
		d.fail("%s: %d out of range 0..2^31-1", what, x)
		return 0
	}
	d.i += n
	return int(x)
}

func (d *decoder) byte1(what string) byte {
	if d.err != nil {
		return 0
	}
	if d.i >= len(d.b) {
		d.fail("%s: truncated", what)
		return 0
	}
	d.i++
	return d.b[d.i-1]
}

func (d *decoder) str(what string) string {
	n := d.uint(what)
	if d.err != nil {
		return ""
	}
	if n > len(d.b)-d.i {
		d.fail("%s: length %d past the end", what, n)
		return ""
	}
	s := d.b[d.i : d.i+n]
	if !utf8.Valid(s) {
		d.fail("%s: not UTF-8", what)
		return ""
	}
	d.i += n
	return string(s)
}

func (d *decoder) op(what string) string {
	c := d.byte1(what)
	if d.err == nil && int(c) >= len(opCodes) {
		d.fail("%s: unknown op code %d", what, c)
		return ""
	}
	if d.err != nil {
		return ""
	}
	return opCodes[c]
}

func (d *decoder) entry(e *traces.Entry) {
	e.Client = d.uint("entry client")
	e.RequestNumber = d.uint("entry requestNumber")
	e.Op = d.op("entry op")
	e.Key = d.str("entry key")
	e.Value = d.str("entry value")
}

// decodeMessage decodes one message from d.
func (d *decoder) message(m *traces.Message) {
	c := d.byte1("type")
	if d.err != nil {
		return
	}
	if c == 0 || int(c) >= len(typeCodes) {
		d.fail("unknown message type code %d", c)
		return
	}
	*m = traces.Message{Type: typeCodes[c]}
	m.ID = d.uint("id")
	m.From = d.uint("from")
	m.To = d.uint("to")
	for _, f := range traces.Fields[m.Type] {
		switch f {
		case traces.FView:
			m.View = d.uint("view")
		case traces.FOpNumber:
			m.OpNumber = d.uint("opNumber")
		case traces.FCommitNumber:
			m.CommitNumber = d.uint("commitNumber")
		case traces.FLastNormalView:
			m.LastNormalView = d.uint("lastNormalView")
		case traces.FFromOpNumber:
			m.FromOpNumber = d.uint("fromOpNumber")
		case traces.FReplica:
			m.Replica = d.uint("replica")
		case traces.FNonce:
			m.Nonce = d.uint("nonce")
		case traces.FClient:
			m.Client = d.uint("client")
		case traces.FRequestNumber:
			m.RequestNumber = d.uint("requestNumber")
		case traces.FOp:
			m.Op = d.op("op")
		case traces.FKey:
			m.Key = d.str("key")
		case traces.FValue:
			m.Value = d.str("value")
		case traces.FResult:
			m.Result = d.str("result")
		case traces.FEntry:
			m.Entry = new(traces.Entry)
			d.entry(m.Entry)
		case traces.FLog:
			n := d.uint("log length")
			// Each entry takes at least 5 bytes: a length past that is a lie, not an allocation.
			if d.err == nil && n > (len(d.b)-d.i)/5 {
				d.fail("log length %d past the end", n)
			}
			if d.err != nil {
				return
			}
			m.Log = make([]traces.Entry, n)
			for i := range m.Log {
				d.entry(&m.Log[i])
			}
		}
	}
	if m.Type == traces.Request && m.Op == traces.OpGet && m.Value != "" {
		d.fail("a get with a value")
	}
}
