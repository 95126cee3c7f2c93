package tla

import (
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// The order of model values. TLC orders model values by their name's
// UniqueString token, which is the order in which the names were first
// read: TLC reads the .cfg before the modules, so model values are ordered
// by their first appearance in the .cfg (`S = {zb, za}` gives {zb, za}, and
// CHOOSE x \in S : TRUE is zb). The order decides a set's element order,
// CHOOSE, printing, and under SYMMETRY which state of an orbit stands for
// it (symmetry.go).
//
// The table is per process, as TLC's is per run: a process that reads
// several .cfg files orders a name by the first of them that names it.
var modelVals struct {
	sync.Mutex
	byName map[string]*ModelVal
}

// modelVal is the model value named name, created on first use.
func modelVal(name string) *ModelVal {
	modelVals.Lock()
	defer modelVals.Unlock()
	if mv, ok := modelVals.byName[name]; ok {
		return mv
	}
	if modelVals.byName == nil {
		modelVals.byName = map[string]*ModelVal{}
	}
	mv := &ModelVal{Name: name, ord: int32(len(modelVals.byName))}
	modelVals.byName[name] = mv
	return mv
}

func cmpModelVals(x, y *ModelVal) int {
	if x == y {
		return 0
	}
	if x.ord != y.ord {
		return int(x.ord) - int(y.ord)
	}
	return strings.Compare(x.Name, y.Name)
}

// The order of strings. TLC compares strings, and the field names of
// records, by their UniqueString token too: the order in which the names
// were first read. Identifiers are read as the modules are parsed (the root
// module first, then the modules it uses), and string literals when the
// modules are analysed, after every module is parsed; so a string that is
// also an identifier somewhere (a record field, `type`) is ordered by that
// identifier, a string literal by where it first appears, after every
// identifier. Strings made while checking (ToString, JSON input), which TLC
// orders by when it made them, come here after every string of the modules,
// in alphabetical order among themselves.
//
// registerIdents and registerStrs only add to the table (copy on write,
// so cmp reads it without a lock); a string keeps its place once it has one.
var strOrder struct {
	mu   sync.Mutex
	ords atomic.Pointer[map[string]int32]
}

func registerStrs(ss []string) {
	strOrder.mu.Lock()
	defer strOrder.mu.Unlock()
	old := strOrder.ords.Load()
	var m map[string]int32
	added := false
	for _, s := range ss {
		if old != nil {
			if _, ok := (*old)[s]; ok {
				continue
			}
		}
		if m == nil {
			m = make(map[string]int32, len(ss)+8)
			if old != nil {
				for k, v := range *old {
					m[k] = v
				}
			}
		}
		if _, ok := m[s]; !ok {
			m[s] = int32(len(m))
			added = true
		}
	}
	if added {
		strOrder.ords.Store(&m)
	}
}

// registerIdents orders the identifiers of a module's source as TLC's
// parser first reads them.
func registerIdents(file, src string) {
	toks, err := syntax.Lex(file, src)
	if err != nil {
		return
	}
	var ss []string
	for _, t := range toks {
		if t.Kind == syntax.Ident {
			ss = append(ss, t.Text)
		}
	}
	registerStrs(ss)
}

func cmpStrs(x, y string) int {
	if x == y {
		return 0
	}
	if m := strOrder.ords.Load(); m != nil {
		ox, okx := (*m)[x]
		oy, oky := (*m)[y]
		switch {
		case okx && oky:
			return int(ox) - int(oy)
		case okx:
			return -1
		case oky:
			return 1
		}
	}
	return strings.Compare(x, y)
}

// recOrders caches, per array of field names (shared by the records a
// constructor or an EXCEPT makes), the positions of the fields in TLC's
// order: a table indexed by the array's address, an entry replaced by the
// next array that falls on it. An entry holds its array, so the address is
// not reused while it is cached.
type recOrderCache [1024]atomic.Pointer[recOrder]

var recOrders atomic.Pointer[recOrderCache]

func init() { recOrders.Store(&recOrderCache{}) }

// resetStrOrder starts the order of strings afresh for a model about to be
// loaded, as each TLC run starts with its own table: a process that loads
// several models (the tests) orders each model's strings as TLC would.
// Values made under the previous order must not be used with the new one.
func resetStrOrder() {
	strOrder.mu.Lock()
	defer strOrder.mu.Unlock()
	strOrder.ords.Store(nil)
	recOrders.Store(&recOrderCache{})
	recDoms.Store(&recDomCache{})
}

type recOrder struct {
	names []string
	pos   []int
}

func tlcFieldOrder(names []string) []int {
	if len(names) == 0 {
		return nil
	}
	key := &names[0]
	e := &recOrders.Load()[(uintptr(unsafe.Pointer(key))>>4)%1024]
	if ro := e.Load(); ro != nil && &ro.names[0] == key && len(ro.names) == len(names) {
		return ro.pos
	}
	pos := make([]int, len(names))
	for i := range pos {
		pos[i] = i
	}
	sort.SliceStable(pos, func(a, b int) bool { return cmpStrs(names[pos[a]], names[pos[b]]) < 0 })
	e.Store(&recOrder{names, pos})
	return pos
}

// cmpRecs is TLC's RecordValue.compareTo: the number of fields, the field
// names in TLC's order of strings, then the values in that order.
func cmpRecs(x, y *Rec) int {
	if x == y {
		return 0
	}
	if len(x.names) != len(y.names) {
		return len(x.names) - len(y.names)
	}
	px := tlcFieldOrder(x.names)
	py := px
	if len(x.names) > 0 && &x.names[0] != &y.names[0] {
		py = tlcFieldOrder(y.names)
		for i := range px {
			if c := cmpStrs(x.names[px[i]], y.names[py[i]]); c != 0 {
				return c
			}
		}
	}
	for i := range px {
		if c := cmp(x.vals[px[i]], y.vals[py[i]]); c != 0 {
			return c
		}
	}
	return 0
}

// cmpDom orders the arguments of a function as fnDom lists them: a
// record's fields alphabetically (strings are a function's arguments only
// in a record), anything else by cmp.
func cmpDom(a, b Value) int {
	if x, ok := a.(Str); ok {
		if y, ok := b.(Str); ok {
			return strings.Compare(string(x), string(y))
		}
	}
	return cmp(a, b)
}
