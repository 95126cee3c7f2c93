package checker

import (
	"testing"

	"github.com/vrcheck/vrcheck/traces"
)

// actionKind and msgShape are switches that must say what traces.Actions and traces.Fields say.
func TestShapeTablesMatchTraces(t *testing.T) {
	for a, k := range traces.Actions {
		if got := actionKind(a); got != k {
			t.Errorf("actionKind(%q) = %d, traces.Actions says %d", a, got, k)
		}
	}
	for _, a := range []string{"", "receiveRequest", "Foo", "ClientRequest "} {
		if got := actionKind(a); got != 0 {
			t.Errorf("actionKind(%q) = %d, want 0 (no such action)", a, got)
		}
	}
	for mt, fields := range traces.Fields {
		entry := false
		for _, f := range fields {
			entry = entry || f == traces.FEntry
		}
		if known, hasEntry := msgShape(mt); !known || hasEntry != entry {
			t.Errorf("msgShape(%q) = %v, %v; traces.Fields says true, %v", mt, known, hasEntry, entry)
		}
	}
	for _, mt := range []traces.MsgType{"", "prepare", "PREPARE_OK"} {
		if known, _ := msgShape(mt); known {
			t.Errorf("msgShape(%q) is known; traces.Fields has no such type", mt)
		}
	}
}
