package tla

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The fast JSON path gives the value the encoding/json path gives, or gives
// up so that path reports the error: every input is checked both ways.
func TestJSONParserAgreesWithDecoder(t *testing.T) {
	inputs := []struct {
		in   string
		fast bool // whether the fast path should take it
	}{
		{`{"b":1,"a":[1,2,3],"c":{"x":"y"}}`, true},
		{`[]`, true},
		{`{}`, true},
		{`  [true, false, -7, 0, 2147483647, -2147483648]  `, true},
		{`"plain"`, true},
		{`"esc\"aped\n\u00e9"`, true},
		{`"héllo"`, true},
		{`[1,2,3,4,5,6,7,8,9,10]`, true},
		{`{"seq":3,"sent":[{"id":1,"type":"REQUEST","to":0}],"state":{"log":[]}}`, true},
		{`null`, false},
		{`[1, null]`, false},
		{`1.5`, false},
		{`1e3`, false},
		{`2147483648`, false},
		{`-2147483649`, false},
		{`99999999999999999999`, false},
		{`01`, false},
		{`{"a":1,"a":2}`, false},
		{`[1,2`, false},
		{`{"a" 1}`, false},
		{`[1] 2`, false},
		{`tru`, false},
		{`"unterminated`, false},
		{"\"ctl\x01\"", false},
		{`{"a\"b":1}`, false}, // a key with an escape: the decoder reads it
		{`{"a":{"a":{"a":1},"b":"x"},"b":{"b":"x","a":2},"c":[{"a":1},{"b":2}]}`, true},
	}
	for _, tc := range inputs {
		v, ok := newJSONParser().parse([]byte(tc.in))
		if ok != tc.fast {
			t.Errorf("%s: fast path took it: %v, want %v", tc.in, ok, tc.fast)
		}
		want, err := func() (v Value, err error) {
			defer catch(&err)
			return jsonValue(json.NewDecoder(strings.NewReader(tc.in)), "t", loc{}), nil
		}()
		if ok {
			if err != nil {
				t.Errorf("%s: fast path accepted what the decoder rejects: %v", tc.in, err)
			} else if cmp(v, want) != 0 || Format(v) != Format(want) {
				t.Errorf("%s: fast path gives %s, decoder %s", tc.in, Format(v), Format(want))
			}
		}
	}
}

// One parser reads many lines: shapes and interned strings carry over
// between them and between nested objects, and give what the decoder gives.
func TestJSONParserAcrossLines(t *testing.T) {
	p := newJSONParser()
	lines := []string{
		`{"type":"PREPARE","view":1,"log":[{"op":"put","key":"k"}],"to":2}`,
		`{"to":2,"type":"PREPARE","view":1}`,
		`{"type":"PREPARE","view":1,"log":[{"op":"put","key":"k"},{"key":"j","op":"get"}],"to":3}`,
		`{"type":"a-string-longer-than-thirty-two-bytes-is-not-interned","view":300000}`,
	}
	for _, in := range lines {
		v, ok := p.parse([]byte(in))
		if !ok {
			t.Fatalf("%s: fast path refused it", in)
		}
		want := jsonValue(json.NewDecoder(strings.NewReader(in)), "t", loc{})
		if cmp(v, want) != 0 || Format(v) != Format(want) {
			t.Errorf("%s: fast path gives %s, decoder %s", in, Format(v), Format(want))
		}
	}
}

// A large NDJSON file is parsed in parts at once: the lines come out in
// order, blank lines and a final \r skipped, and a line neither parser
// takes is reported by its line number.
func TestNDJSONInParts(t *testing.T) {
	var b strings.Builder
	n := 0
	for b.Len() < 2<<20 {
		n++
		fmt.Fprintf(&b, "{\"seq\":%d,\"action\":\"A%d\",\"sent\":[{\"to\":%d}]}\r\n", n, n%7, n%3)
		if n%1000 == 0 {
			b.WriteString("  \n")
		}
	}
	path := filepath.Join(t.TempDir(), "t.ndjson")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	v := jsonFile(path, true, loc{})
	tup, ok := v.(*Tuple)
	if !ok || len(tup.elems) != n {
		t.Fatalf("got %d lines, want %d", fnLen(v), n)
	}
	for i, e := range tup.elems {
		r := e.(*Rec)
		seq, _ := tryApply(r, Str("seq"))
		if seq != Value(Int(i+1)) {
			t.Fatalf("line %d holds seq %s", i+1, Format(seq))
		}
	}
	// a bad line near the end: line numbers count the blank lines
	lines := strings.Count(b.String(), "\n")
	bad := b.String() + "{\"seq\": }\n"
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	func() {
		defer catch(&err)
		jsonFile(path, true, loc{})
	}()
	if want := fmt.Sprintf("t.ndjson:%d: invalid JSON", lines+1); err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("error %v, want one naming %q", err, want)
	}
}
