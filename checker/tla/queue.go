package tla

import (
	"encoding/binary"
	"fmt"
	"os"
	"sync/atomic"
)

// encArena holds the encoded states a worker queues in one level, packed
// in blocks of 64 KiB rather than one allocation per state (which costs the
// allocator's rounding and the collector's work per object). A block lives
// until its chunk is merged into the next level's queue.
type encArena struct {
	block   []byte
	scratch []byte
}

const arenaBlock = 64 << 10

// encode returns vals encoded, in the arena.
func (a *encArena) encode(cd *codec, vals []Value) []byte {
	a.scratch = cd.encode(a.scratch[:0], vals)
	n := len(a.scratch)
	if len(a.block)+n > cap(a.block) {
		a.block = make([]byte, 0, max(arenaBlock, n))
	}
	start := len(a.block)
	a.block = append(a.block, a.scratch...)
	return a.block[start : start+n : start+n]
}

// DefaultQueueMemory is the memory the BFS queue keeps by default, half for
// the level being expanded and half for the next (Options.QueueMemory is
// per level); the rest is on disk, read back sequentially. Small, because
// the collector lets the heap grow GOGC percent over what is live, the
// queue included (measured: checker/tla/README).
const DefaultQueueMemory = 16 << 20

// stateQueue is one BFS level: a small level as values (live), any other
// as one byte stream of entries (fingerprint, discovery i and j, the
// encoded state), which shares nothing with the evaluator's heap. The
// stream stays in memory up to a budget; beyond it, it goes to a segment
// file, removed as soon as it is created (so no exit, error or crash
// leaves it behind) and closed when the level has been expanded. Entries
// are read back a chunk (of `chunk` states) at a time.
type stateQueue struct {
	live   []cand
	n      int
	mem    []byte
	budget int
	dir    string
	file   *os.File
	wbuf   []byte // entries not yet written to file
	fsize  int64  // bytes written to file
	starts []qpos // where each chunk of entries starts
	err    error  // the first I/O error
	// unlinked: the file was removed when created
	unlinked bool
	// cd encodes live states once there are more than smallLevel (the
	// initial states; nil: keep them as values)
	cd      *codec
	scratch []byte
}

type qpos struct {
	off    int64
	inFile bool
}

func newStateQueue(budget int, dir string) *stateQueue {
	return &stateQueue{budget: budget, dir: dir}
}

func (q *stateQueue) len() int { return q.n }

func (q *stateQueue) chunks() int { return (q.n + chunk - 1) / chunk }

// add appends a state: live (cd.live) or encoded (cd.enc, copied). A
// level of more live states than smallLevel is encoded from then on.
func (q *stateQueue) add(cd cand) {
	if cd.live != nil && (q.cd == nil || len(q.live) < smallLevel && q.n == len(q.live)) {
		q.live = append(q.live, cd)
		q.n++
		return
	}
	if cd.live != nil {
		if q.live != nil {
			live := q.live
			q.live, q.n = nil, 0
			for _, l := range live {
				q.add(q.encoded(l))
			}
		}
		cd = q.encoded(cd)
	}
	if q.n%chunk == 0 {
		if q.file == nil && len(q.mem) >= q.budget {
			q.spill()
		}
		if q.file != nil {
			q.starts = append(q.starts, qpos{off: q.fsize + int64(len(q.wbuf)), inFile: true})
		} else {
			q.starts = append(q.starts, qpos{off: int64(len(q.mem))})
		}
	}
	q.n++
	if q.file != nil {
		q.wbuf = appendEntry(q.wbuf, cd)
		if len(q.wbuf) >= 1<<20 {
			q.flush()
		}
		return
	}
	q.mem = appendEntry(q.mem, cd)
}

func (q *stateQueue) encoded(cd cand) cand {
	q.scratch = q.cd.encode(q.scratch[:0], cd.live.vals)
	cd.enc, cd.live = q.scratch, nil
	return cd
}

func appendEntry(b []byte, cd cand) []byte {
	b = binary.LittleEndian.AppendUint64(b, cd.fp)
	b = binary.LittleEndian.AppendUint32(b, uint32(cd.i))
	b = binary.LittleEndian.AppendUint32(b, uint32(cd.j))
	b = binary.AppendUvarint(b, uint64(len(cd.enc)))
	return append(b, cd.enc...)
}

func (q *stateQueue) spill() {
	f, err := os.CreateTemp(q.dir, "vrcheck-queue-*")
	if err != nil {
		q.fail(err)
		return
	}
	// unlinked at once: the open file stays readable, and nothing is left
	// behind however the process ends (where removing an open file fails,
	// close removes it)
	q.unlinked = os.Remove(f.Name()) == nil
	q.file = f
	queueSpills.Add(1)
}

func (q *stateQueue) fail(err error) {
	if q.err == nil {
		q.err = fmt.Errorf("state queue: %w", err)
	}
}

func (q *stateQueue) flush() {
	if len(q.wbuf) == 0 || q.file == nil {
		return
	}
	if _, err := q.file.WriteAt(q.wbuf, q.fsize); err != nil {
		q.fail(err)
	}
	q.fsize += int64(len(q.wbuf))
	q.wbuf = q.wbuf[:0]
}

// finish ends adding: what is buffered goes to the file.
func (q *stateQueue) finish() error {
	q.flush()
	q.wbuf = nil
	return q.err
}

// read returns the states of chunk k; buf is the caller's to reuse (read
// and its result may be used by several goroutines at once, each with its
// own buf). The encoded states point into buf or the queue's memory.
func (q *stateQueue) read(k int, buf *[]byte, out []cand) ([]cand, error) {
	lo, hi := k*chunk, min((k+1)*chunk, q.n)
	if q.live != nil {
		return q.live[lo:hi], nil
	}
	p := q.starts[k]
	var b []byte
	if !p.inFile {
		end := int64(len(q.mem))
		if k+1 < len(q.starts) && !q.starts[k+1].inFile {
			end = q.starts[k+1].off
		}
		b = q.mem[p.off:end]
	} else {
		end := q.fsize
		if k+1 < len(q.starts) {
			end = q.starts[k+1].off
		}
		n := int(end - p.off)
		if cap(*buf) < n {
			*buf = make([]byte, n)
		}
		b = (*buf)[:n]
		if _, err := q.file.ReadAt(b, p.off); err != nil {
			return nil, fmt.Errorf("state queue: %w", err)
		}
	}
	out = out[:0]
	for x := lo; x < hi; x++ {
		if len(b) < 16 {
			return nil, fmt.Errorf("state queue: truncated entry")
		}
		cd := cand{fp: binary.LittleEndian.Uint64(b), i: int32(binary.LittleEndian.Uint32(b[8:])), j: int32(binary.LittleEndian.Uint32(b[12:]))}
		n, w := binary.Uvarint(b[16:])
		if w <= 0 || uint64(len(b)-16-w) < n {
			return nil, fmt.Errorf("state queue: truncated entry")
		}
		b = b[16+w:]
		cd.enc = b[:n:n]
		b = b[n:]
		out = append(out, cd)
	}
	return out, nil
}

// close releases the level's memory and its file.
func (q *stateQueue) close() {
	if q.file != nil {
		q.file.Close()
		if !q.unlinked {
			os.Remove(q.file.Name()) // where an open file cannot be removed
		}
		q.file = nil
	}
	q.live, q.mem, q.starts, q.scratch = nil, nil, nil, nil
}

// queueSpills counts the levels that went to a segment file (tests).
var queueSpills atomic.Int64
