package checker

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestCorruptedTracesTerminate corrupts corpus traces at random (seeded) and requires the
// checker to return within a bound, with a report or an error; FuzzCheck explores further.
func TestCorruptedTracesTerminate(t *testing.T) {
	files, _ := filepath.Glob(corpus + "*/*.ndjson")
	rng := rand.New(rand.NewSource(1))
	for it := 0; it < 2000; it++ {
		b, _ := os.ReadFile(files[rng.Intn(len(files))])
		n := 1 + rng.Intn(4)
		for k := 0; k < n; k++ {
			i := rng.Intn(len(b))
			switch rng.Intn(3) {
			case 0:
				b[i] = byte(rng.Intn(256))
			case 1:
				b[i] = "0123456789"[rng.Intn(10)]
			case 2:
				b = append(b[:i], b[min(len(b), i+rng.Intn(20)):]...)
			}
		}
		done := make(chan bool)
		go func() {
			Check(bytes.NewReader(b), "x", Options{LinTimeout: 200 * time.Millisecond})
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
			t.Fatalf("no answer within 3s at iteration %d, input:\n%s", it, b)
		}
	}
}
