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
