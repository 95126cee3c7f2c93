package tla

import (
	"encoding/json"
	"strings"
)

// A direct JSON-to-value parser for the common case of trace files (a
// long trace is megabytes of NDJSON, and encoding/json's generic decoding
// took more time than validating the trace). It accepts only what it can
// read exactly as jsonValue does; on anything else (null, a fraction, an
// exponent, a duplicate key, an out-of-range integer, bad syntax) it gives
// up, and the caller decodes the line with jsonValue, which then gives the
// same value or the same error as before.
type jsonParser struct {
	b      []byte
	i      int
	shapes map[string]*recShape
	// strs interns short strings (field names, message types, statuses
	// repeat on every line): one boxed value each, shared by all lines
	strs map[string]Value
	// vals is a stack of the fields of the objects being read; id spells
	// the current object's keys (the shape's key, looked up without
	// allocating)
	vals []Value
	id   []byte
}

// maxInterned is the longest string interned.
const maxInterned = 32

// recShape caches, for one sequence of object keys, the sorted names and
// where each came from.
type recShape struct {
	names []string
	from  []int // from[k]: index in the object of the k-th sorted name
	to    []int // to[i]: where the i-th name goes among the sorted
	dup   bool
}

func newJSONParser() *jsonParser {
	return &jsonParser{shapes: map[string]*recShape{}, strs: map[string]Value{}}
}

// strValue is the string b as a value, interned if short.
func (p *jsonParser) strValue(b []byte) Value {
	if len(b) > maxInterned {
		return Str(b)
	}
	if v, ok := p.strs[string(b)]; ok {
		return v
	}
	v := Value(Str(b))
	p.strs[string(b)] = v
	return v
}

// parse reads one JSON value filling all of b (surrounding white space allowed).
func (p *jsonParser) parse(b []byte) (Value, bool) {
	p.b, p.i = b, 0
	v, ok := p.value()
	if !ok {
		return nil, false
	}
	p.ws()
	return v, p.i == len(p.b)
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) value() (Value, bool) {
	p.ws()
	if p.i >= len(p.b) {
		return nil, false
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.strVal()
	case c == 't':
		return true, p.lit("true")
	case c == 'f':
		return false, p.lit("false")
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, false
}

func (p *jsonParser) lit(w string) bool {
	if !strings.HasPrefix(string(p.b[p.i:min(len(p.b), p.i+len(w))]), w) {
		return false
	}
	p.i += len(w)
	return true
}

func (p *jsonParser) number() (Value, bool) {
	neg := false
	if p.b[p.i] == '-' {
		neg = true
		p.i++
	}
	start := p.i
	var n int64
	for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
		n = n*10 + int64(p.b[p.i]-'0')
		p.i++
		if p.i-start > 10 {
			return nil, false // beyond 32 bits: jsonValue reports it
		}
	}
	digits := p.i - start
	if digits == 0 || digits > 1 && p.b[start] == '0' {
		return nil, false
	}
	if p.i < len(p.b) {
		if c := p.b[p.i]; c == '.' || c == 'e' || c == 'E' {
			return nil, false
		}
	}
	if neg {
		n = -n
	}
	if n < minInt || n > maxInt {
		return nil, false
	}
	return intValue(n), true
}

// strVal reads a string as a value.
func (p *jsonParser) strVal() (Value, bool) {
	start := p.i
	if raw, ok := p.plainStr(); ok {
		return p.strValue(raw), true
	}
	p.i = start
	s, ok := p.str()
	return Str(s), ok
}

// plainStr reads a string without escapes and of ASCII text only, giving
// its bytes (in b); false if it is not one (p.i is then anywhere).
func (p *jsonParser) plainStr() ([]byte, bool) {
	start := p.i
	p.i++
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			p.i++
			return p.b[start+1 : p.i-1], true
		}
		if c == '\\' || c < 0x20 || c >= 0x80 {
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// str reads a string; escapes and non-ASCII text go through encoding/json.
func (p *jsonParser) str() (string, bool) {
	start := p.i
	p.i++
	plain := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if plain {
				return string(p.b[start+1 : p.i-1]), true
			}
			var s string
			if err := json.Unmarshal(p.b[start:p.i], &s); err != nil {
				return "", false
			}
			return s, true
		case c == '\\':
			plain = false
			p.i += 2
		case c < 0x20:
			return "", false
		default:
			if c >= 0x80 {
				plain = false
			}
			p.i++
		}
	}
	return "", false
}

func (p *jsonParser) array() (Value, bool) {
	p.i++
	var es []Value
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return emptyTup, true
	}
	for {
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		es = append(es, v)
		p.ws()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			return newSeq(es), true
		default:
			return nil, false
		}
	}
}

func (p *jsonParser) object() (Value, bool) {
	p.i++
	base, idBase := len(p.vals), len(p.id)
	defer func() {
		clear(p.vals[base:])
		p.vals, p.id = p.vals[:base], p.id[:idBase]
	}()
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return emptyTup, true // as mkRec of no fields
	}
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, false
		}
		k, ok := p.plainStr()
		if !ok {
			return nil, false // jsonValue reads keys with escapes
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, false
		}
		p.i++
		v, ok := p.value()
		if !ok {
			return nil, false
		}
		p.id = append(append(p.id, k...), 0)
		p.vals = append(p.vals, v)
		p.ws()
		if p.i >= len(p.b) {
			return nil, false
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			return p.record(p.id[idBase:], p.vals[base:])
		default:
			return nil, false
		}
	}
}

func (p *jsonParser) record(id []byte, vals []Value) (Value, bool) {
	sh, ok := p.shapes[string(id)]
	if !ok {
		keys := strings.Split(string(id[:len(id)-1]), "\x00")
		sh = recordShape(keys)
		p.shapes[string(id)] = sh
	}
	if sh.dup {
		return nil, false // the last one wins: leave that to jsonValue
	}
	vs := make([]Value, len(vals))
	for i, j := range sh.from {
		vs[i] = vals[j]
	}
	return &Rec{names: sh.names, vals: vs}, true
}
