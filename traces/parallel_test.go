package traces

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readFrom reads a whole trace from r as a caller of a Reader sees it: sequentially
// (workers < 2) or on workers goroutines in chunks of at most chunkB bytes and chunkL lines.
func readFrom(t testing.TB, r io.Reader, workers, chunkB, chunkL int) readResult {
	defer func(b, l int) { chunkBytes, chunkLines = b, l }(chunkBytes, chunkLines)
	chunkBytes, chunkLines = chunkB, chunkL
	rd, err := NewParallelReader(r, "t.ndjson", workers)
	if err != nil {
		return readResult{headerErr: err.Error()}
	}
	defer rd.Close()
	var res readResult
	for {
		e, err := rd.Next()
		if err != nil {
			res.err, res.errLine = err.Error(), rd.Line()
			return res
		}
		res.events = append(res.events, e)
		res.lines = append(res.lines, rd.Line())
	}
}

// chunkings are the parallel reader's chunk limits under test: the default, small blocks cut
// by lines, and blocks shorter than one line (which the splitter grows).
var chunkings = [][2]int{{256 << 10, 2048}, {1 << 10, 3}, {7, 1000}}

var errDisk = errors.New("disk on fire")

// TestParallelMatchesSequentialOnReadErrors cuts a trace after every byte, ends the input
// there with an I/O error or with its end (a truncated line), and reads it in short reads
// too: the parallel reader gives the sequential one's events, errors and line numbers.
func TestParallelMatchesSequentialOnReadErrors(t *testing.T) {
	data := writeTrace(t, sampleHeader(), sampleEvents())
	for k := 0; k <= len(data); k++ {
		inputs := map[string]func() io.Reader{
			"io error": func() io.Reader { return io.MultiReader(bytes.NewReader(data[:k]), iotest.ErrReader(errDisk)) },
			"eof":      func() io.Reader { return bytes.NewReader(data[:k]) },
			"one byte": func() io.Reader { return iotest.OneByteReader(bytes.NewReader(data[:k])) },
			"half io error": func() io.Reader {
				return iotest.HalfReader(io.MultiReader(bytes.NewReader(data[:k]), iotest.ErrReader(errDisk)))
			},
			"data with eof": func() io.Reader { return iotest.DataErrReader(bytes.NewReader(data[:k])) },
		}
		for name, in := range inputs {
			if k%5 != 0 && name != "io error" && name != "eof" {
				continue // short reads at every fifth cut: each reader costs its decoders' caches
			}
			want := readFrom(t, in(), 1, 0, 0)
			for ci, ch := range chunkings {
				if ci == 0 && k%50 != 0 && data[k-1] != '\n' {
					continue // the default's 256 KB buffer at some cuts only: at every line's end
				}
				got := readFrom(t, in(), 2, ch[0], ch[1])
				if !assert.Equal(t, want, got, "cut at %d, %s, chunks %v", k, name, ch) {
					t.FailNow()
				}
			}
		}
	}
	whole := readFrom(t, bytes.NewReader(data), 1, 0, 0)
	require.Equal(t, "EOF", whole.err)
	require.Len(t, whole.events, len(sampleEvents()))
	cut := readFrom(t, io.MultiReader(bytes.NewReader(data[:len(data)-5]), iotest.ErrReader(errDisk)), 2, 1<<10, 3)
	assert.Equal(t, fmt.Sprintf("t.ndjson: reading line %d: disk on fire", len(sampleEvents())+1), cut.err)
}

// TestParallelLongLines: a line is too long exactly when the sequential reader says so
// (no newline in its first MaxLine+bufSize bytes), with the same line number, after the
// lines before it.
func TestParallelLongLines(t *testing.T) {
	data := writeTrace(t, sampleHeader(), sampleEvents()[:1])
	for _, n := range []int{MaxLine + bufSize - 1, MaxLine + bufSize} {
		long := append(bytes.Clone(data), strings.Repeat(" ", n)...)
		long = append(long, "\n"...)
		want := readFrom(t, bytes.NewReader(long), 1, 0, 0)
		got := readFrom(t, bytes.NewReader(long), 2, 256<<10, 2048)
		require.Equal(t, want, got, "a line of %d bytes and its newline", n)
		require.Len(t, got.events, 1)
		if n < MaxLine+bufSize {
			assert.Equal(t, "t.ndjson:3: empty line", got.err)
		} else {
			assert.Equal(t, fmt.Sprintf("t.ndjson:3: line longer than %d bytes", MaxLine), got.err)
		}
	}
}

// stalled returns its data, then nothing and no error on every read.
type stalled struct{ r io.Reader }

func (s *stalled) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err == io.EOF {
		return 0, nil
	}
	return n, err
}

// TestParallelStalledReader: a reader that stops returning data without an error ends the
// trace with the sequential reader's error (io.ErrNoProgress), not a hang.
func TestParallelStalledReader(t *testing.T) {
	data := writeTrace(t, sampleHeader(), sampleEvents())
	want := readFrom(t, &stalled{bytes.NewReader(data)}, 1, 0, 0)
	require.Contains(t, want.err, io.ErrNoProgress.Error())
	for _, ch := range chunkings {
		got := readFrom(t, &stalled{bytes.NewReader(data)}, 2, ch[0], ch[1])
		require.Equal(t, want, got, "chunks %v", ch)
	}
}
