package tla

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// jsonFile reads a JSON (or newline-delimited JSON) file as TLC's Json
// module does: arrays become sequences and objects records.
func jsonFile(path string, nd bool, at loc) Value {
	data, err := os.ReadFile(path)
	if err != nil {
		at.failf("cannot read %s: %v", path, err)
	}
	fast := newJSONParser() // jsonfast.go; jsonValue when it gives up
	if !nd {
		if v, ok := fast.parse(data); ok {
			return v
		}
		return jsonValue(json.NewDecoder(bytes.NewReader(data)), path, at)
	}
	// lines as bufio.ScanLines splits them (a final \r dropped), blank
	// ones skipped; parsed in parallel when the file is large, each part
	// by its own parser; a line the fast parser refuses is read again by
	// encoding/json, in order, so the first bad line is the one reported
	type ndLine struct {
		b  []byte
		no int
	}
	var lines []ndLine
	for no, rest := 1, data; len(rest) > 0; no++ {
		i := bytes.IndexByte(rest, '\n')
		var ln []byte
		if i < 0 {
			ln, rest = rest, nil
		} else {
			ln, rest = rest[:i], rest[i+1:]
		}
		if len(ln) > 1<<28 {
			at.failf("cannot read %s: %v", path, bufio.ErrTooLong)
		}
		ln = bytes.TrimSuffix(ln, []byte{'\r'})
		if len(bytes.TrimSpace(ln)) > 0 {
			lines = append(lines, ndLine{ln, no})
		}
	}
	out := make([]Value, len(lines))
	parts := 1
	if len(data) >= 1<<20 {
		parts = min(runtime.GOMAXPROCS(0), 4)
	}
	var wg sync.WaitGroup
	for k := 0; k < parts; k++ {
		lo, hi := k*len(lines)/parts, (k+1)*len(lines)/parts
		p := fast
		if k > 0 {
			p = newJSONParser()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				if v, ok := p.parse(lines[i].b); ok {
					out[i] = v
				}
			}
		}()
	}
	wg.Wait()
	for i, v := range out {
		if v == nil {
			out[i] = jsonValue(json.NewDecoder(bytes.NewReader(lines[i].b)), path+":"+strconv.Itoa(lines[i].no), at)
		}
	}
	return seqOf(out)
}

func jsonValue(d *json.Decoder, where string, at loc) Value {
	d.UseNumber()
	var raw any
	if err := d.Decode(&raw); err != nil {
		at.failf("%s: invalid JSON: %v", where, err)
	}
	if _, err := d.Token(); err != io.EOF {
		at.failf("%s: trailing data after JSON value", where)
	}
	return fromJSON(raw, where, at)
}

func fromJSON(x any, where string, at loc) Value {
	switch v := x.(type) {
	case nil:
		at.failf("%s: unsupported JSON value null", where)
	case bool:
		return v
	case string:
		return Str(v)
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			at.failf("%s: not supported: JSON number %s is not an integer", where, v)
		}
		if n < minInt || n > maxInt {
			at.failf("%s: JSON integer %s is outside TLC's 32-bit range", where, v)
		}
		return Int(n)
	case []any:
		out := make([]Value, len(v))
		for i, e := range v {
			out[i] = fromJSON(e, where, at)
		}
		return seqOf(out)
	case map[string]any:
		names := make([]string, 0, len(v))
		for k := range v {
			names = append(names, k)
		}
		sort.Strings(names)
		vals := make([]Value, len(names))
		for i, k := range names {
			vals[i] = fromJSON(v[k], where, at)
		}
		return mkRec(names, vals)
	}
	at.failf("%s: unsupported JSON value", where)
	return nil
}

// jsonQuote quotes a string as TLC's Json module does (Gson's writer): no
// HTML escaping, so "<" stays "<" (encoding/json would write \u003c).
func jsonQuote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}

func toJSON(v Value, at loc) string {
	var b strings.Builder
	writeJSON(&b, v, at)
	return b.String()
}

func writeJSON(b *strings.Builder, v Value, at loc) {
	switch x := v.(type) {
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case Int:
		b.WriteString(strconv.FormatInt(int64(x), 10))
	case Str:
		b.WriteString(jsonQuote(string(x)))
	case *ModelVal:
		b.WriteString(jsonQuote(x.Name))
	case *Set:
		b.WriteString("[")
		for i, e := range x.elems {
			if i > 0 {
				b.WriteString(",")
			}
			writeJSON(b, e, at)
		}
		b.WriteString("]")
	case *Tuple:
		b.WriteString("[")
		for i, e := range x.elems {
			if i > 0 {
				b.WriteString(",")
			}
			writeJSON(b, e, at)
		}
		b.WriteString("]")
	case *Rec:
		b.WriteString("{")
		for i, n := range x.names {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(jsonQuote(n))
			b.WriteString(":")
			writeJSON(b, x.vals[i], at)
		}
		b.WriteString("}")
	case *Fcn:
		b.WriteString("{")
		for i, d := range x.dom {
			if i > 0 {
				b.WriteString(",")
			}
			k := Format(d)
			if s, ok := d.(Str); ok {
				k = string(s)
			}
			b.WriteString(jsonQuote(k))
			b.WriteString(":")
			writeJSON(b, x.rng[i], at)
		}
		b.WriteString("}")
	default:
		at.failf("cannot convert %s to JSON", Format(v))
	}
}

// WriteTraceJSON writes a counterexample as JSON (TLC's -dumpTrace json):
// {"violation": ..., "states": [{"action": ..., "state": {var: value}}],
// "loop": N} with loop the 1-based state a lasso goes back to (0: none, -1:
// stuttering). Values are written as JsonSerialize writes them.
func WriteTraceJSON(w io.Writer, v *Violation) (err error) {
	defer catch(&err)
	var b strings.Builder
	msg, _ := json.Marshal(v.Error())
	fmt.Fprintf(&b, "{\"violation\":%s,\"states\":[", msg)
	for i, s := range v.Trace {
		if i > 0 {
			b.WriteString(",")
		}
		act, _ := json.Marshal(s.Action)
		fmt.Fprintf(&b, "\n{\"action\":%s,\"state\":{", act)
		for k, name := range s.Vars {
			if k > 0 {
				b.WriteString(",")
			}
			n, _ := json.Marshal(name)
			b.Write(n)
			b.WriteString(":")
			writeJSON(&b, s.Vals[k], loc{})
		}
		b.WriteString("}}")
	}
	loop := v.LoopTo
	if v.Stuttering {
		loop = -1
	}
	fmt.Fprintf(&b, "],\n\"loop\":%d}\n", loop)
	_, err = io.WriteString(w, b.String())
	return err
}
