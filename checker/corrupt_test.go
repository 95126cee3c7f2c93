package checker

import (
	"bytes"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCorruptedTracesTerminate corrupts corpus traces at random (seeded) and requires the
// checker to return a report or an error, never panic or hang (a hang trips go test's
// timeout); FuzzCheck explores further.
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
		rep, err := Check(bytes.NewReader(b), "corrupt", Options{LinTimeout: 200 * time.Millisecond})
		if err == nil {
			require.NotNil(t, rep)
			require.NoError(t, rep.WriteJSON(io.Discard))
		}
	}
}
