package checker

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"
)

const maxSeed = 6 << 10

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
		// Large seeds make the fuzzer's minimization crawl: a big trace is seeded by its
		// first lines (still a valid trace prefix).
		if len(b) > maxSeed {
			lines := bytes.SplitAfter(b, []byte("\n"))
			b = nil
			for _, l := range lines {
				if len(b)+len(l) > maxSeed {
					break
				}
				b = append(b, l...)
			}
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
