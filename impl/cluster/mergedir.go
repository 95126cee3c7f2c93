package cluster

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"

	"github.com/vrcheck/vrcheck/traces/merge"
)

var (
	replicaFile = regexp.MustCompile(`^replica-(\d+)\.(\d+)\.ndjson$`)
	clientFile  = regexp.MustCompile(`^client-(\d+)\.ndjson$`)
)

// DirInputs finds a run directory's node traces: replica-ID.INCARNATION.ndjson and
// client-ID.ndjson. Every incarnation of a replica but its last is taken as killed.
func DirInputs(dir string) ([]merge.Input, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	reps := map[int]map[int]string{}
	clients := map[int]string{}
	for _, e := range ents {
		name := e.Name()
		if m := replicaFile.FindStringSubmatch(name); m != nil {
			id, _ := strconv.Atoi(m[1])
			inc, _ := strconv.Atoi(m[2])
			if reps[id] == nil {
				reps[id] = map[int]string{}
			}
			reps[id][inc] = filepath.Join(dir, name)
		} else if m := clientFile.FindStringSubmatch(name); m != nil {
			id, _ := strconv.Atoi(m[1])
			clients[id] = filepath.Join(dir, name)
		}
	}
	if len(reps) == 0 {
		return nil, fmt.Errorf("%s: no replica node traces (replica-ID.INCARNATION.ndjson)", dir)
	}
	var inputs []merge.Input
	for id := 0; id < len(reps); id++ {
		incs := reps[id]
		if incs == nil {
			return nil, fmt.Errorf("%s: no node trace of replica %d", dir, id)
		}
		var in merge.Input
		for k := 1; k <= len(incs); k++ {
			f, ok := incs[k]
			if !ok {
				return nil, fmt.Errorf("%s: replica %d: incarnation %d is missing", dir, id, k)
			}
			in.Files = append(in.Files, f)
		}
		inputs = append(inputs, in)
	}
	ids := make([]int, 0, len(clients))
	for id := range clients {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for i, id := range ids {
		if id != i {
			return nil, fmt.Errorf("%s: no node trace of client %d", dir, i)
		}
		inputs = append(inputs, merge.Input{Files: []string{clients[id]}})
	}
	return inputs, nil
}

// MergeDir merges a run directory's node traces into out.
func MergeDir(dir string, out io.Writer) (*merge.Stats, error) {
	inputs, err := DirInputs(dir)
	if err != nil {
		return nil, err
	}
	return merge.Merge(inputs, map[string]any{"mergedFrom": filepath.Base(dir)}, out)
}
