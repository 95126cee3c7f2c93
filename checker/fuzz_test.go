package checker

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzCheck feeds arbitrary bytes to the whole checker: it must return a report or an error,
// never panic. The seed corpus is traces/corpus.
func FuzzCheck(f *testing.F) {
	files, err := filepath.Glob(corpus + "*/*.ndjson")
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rep, err := Check(bytes.NewReader(b), "fuzz", Options{LinTimeout: 200 * time.Millisecond})
		if err != nil {
			if rep != nil {
				t.Fatal("a report and an error")
			}
			return
		}
		if err := rep.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
		if err := rep.WriteJSON(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}
