package tla

import (
	"encoding/json"
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
