package tla

// TLC's -coverage (per-action counts) and -dump (the distinct states, as
// text or as a GraphViz graph). Both are collected per chunk of a BFS level
// and merged in the level's order, so that the output is the same whatever
// the number of workers.

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strings"
)

// ActionCoverage is one action's line of TLC's coverage statistics: the
// states it generated and, of those, the ones it found first.
type ActionCoverage struct {
	Action    string // as in a trace: "<Name line L, col C to line L2, col C2 of module M>"
	Distinct  int64
	Generated int64
	line, col int
	mod       string
}

// Dump formats of Options.DumpFormat.
const (
	DumpStates = "states" // TLC's -dump FILE: "State N:" and the state, per distinct state
	DumpDot    = "dot"    // TLC's -dump dot FILE: the state graph for GraphViz
)

// covChunk is what one chunk of a level adds to the statistics.
type covChunk struct {
	generated map[*opDef]int64
	candAct   []*opDef   // the action of each of the chunk's new candidates
	edges     []dumpEdge // every transition, for -dump dot
}

type dumpEdge struct {
	from, to uint64
	act      *opDef
}

// coverage accumulates the statistics and writes the dump.
type coverage struct {
	ck        *checker
	generated map[*opDef]int64
	distinct  map[*opDef]int64
	initGen   int64
	initDist  int64
	dump      *bufio.Writer
	format    string
	states    int64
}

func newCoverage(ck *checker) *coverage {
	cv := &coverage{ck: ck, generated: map[*opDef]int64{}, distinct: map[*opDef]int64{}, format: ck.opts.DumpFormat}
	if ck.opts.Dump != nil {
		cv.dump = bufio.NewWriter(ck.opts.Dump)
		if cv.format == DumpDot {
			cv.dump.WriteString("strict digraph DiskGraph {\nnodesep=0.35\nsubgraph cluster_graph {\ncolor=\"white\"\n")
		}
	}
	return cv
}

// chunk returns the per-chunk collector, nil when nothing is collected.
func (cv *coverage) chunk() *covChunk {
	if cv == nil {
		return nil
	}
	return &covChunk{generated: map[*opDef]int64{}}
}

// initial records an initial state (isNew: not seen before).
func (cv *coverage) initial(vals []Value, fp uint64, isNew bool) {
	cv.initGen++
	if !isNew {
		return
	}
	cv.initDist++
	cv.state(vals, fp, true)
}

func (cv *coverage) state(vals []Value, fp uint64, initial bool) {
	if cv.dump == nil {
		return
	}
	cv.states++
	names := cv.ck.m.Variables()
	if cv.format == DumpDot {
		var b strings.Builder
		for i, n := range names {
			if i > 0 {
				b.WriteString("\n")
			}
			fmt.Fprintf(&b, "/\\ %s = %s", n, Format(vals[i]))
		}
		style := ""
		if initial {
			style = ",style = filled"
		}
		fmt.Fprintf(cv.dump, "%d [label=%s%s]\n", int64(fp), dotQuote(b.String()), style)
		return
	}
	fmt.Fprintf(cv.dump, "State %d:\n", cv.states)
	for i, n := range names {
		fmt.Fprintf(cv.dump, "/\\ %s = %s\n", n, Format(vals[i]))
	}
	cv.dump.WriteString("\n")
}

// merge adds a chunk's counts; kept[i] tells whether the chunk's candidate
// i is the earliest discovery of its state.
func (cv *coverage) merge(cc *covChunk, cands []cand, kept []bool) {
	for a, n := range cc.generated {
		cv.generated[a] += n
	}
	for i, cd := range cands {
		if !kept[i] {
			continue
		}
		cv.distinct[cc.candAct[i]]++
		if cv.dump != nil {
			cv.state(cv.ck.stateOf(&cd), cd.fp, false)
		}
	}
	if cv.dump != nil && cv.format == DumpDot {
		for _, e := range cc.edges {
			name := cv.ck.nextName
			if e.act != nil {
				name = e.act.name
			}
			fmt.Fprintf(cv.dump, "%d -> %d [label=%s];\n", int64(e.from), int64(e.to), dotQuote(name))
		}
	}
}

// finish closes the dump and returns the statistics, the initial predicate
// first, then the actions in the order of their definitions.
func (cv *coverage) finish() ([]ActionCoverage, error) {
	if cv.dump != nil {
		if cv.format == DumpDot {
			cv.dump.WriteString("}\n}\n")
		}
		if err := cv.dump.Flush(); err != nil {
			return nil, fmt.Errorf("writing the dump: %w", err)
		}
	}
	if !cv.ck.opts.Coverage {
		return nil, nil
	}
	out := []ActionCoverage{{Action: "<Initial predicate>", Distinct: cv.initDist, Generated: cv.initGen}}
	var acts []ActionCoverage
	var static []*opDef
	staticActions(cv.ck.next, nil, map[*opDef]bool{}, &static)
	for _, a := range static {
		if _, ok := cv.generated[a]; !ok {
			cv.generated[a] = 0
		}
	}
	for a, n := range cv.generated {
		ac := ActionCoverage{Action: actionLabel(a, cv.ck.nextName), Distinct: cv.distinct[a], Generated: n}
		if a != nil {
			ac.mod, ac.line, ac.col = a.mod, a.pos.Line, a.pos.Col
			if a.defAST != nil {
				ac.line, ac.col = a.defAST.BodyPos.Line, a.defAST.BodyPos.Col
			}
		}
		acts = append(acts, ac)
	}
	sort.Slice(acts, func(i, j int) bool {
		a, b := acts[i], acts[j]
		if a.mod != b.mod {
			return a.mod < b.mod
		}
		if a.line != b.line {
			return a.line < b.line
		}
		if a.col != b.col {
			return a.col < b.col
		}
		return a.Action < b.Action
	})
	return append(out, acts...), nil
}

// FormatCoverage prints the statistics as TLC does at the end of a run
// (action level: TLC also counts each subexpression, which is not done
// here).
func FormatCoverage(w io.Writer, cov []ActionCoverage) {
	fmt.Fprintln(w, "The coverage statistics:")
	for _, a := range cov {
		fmt.Fprintf(w, "%s: %d:%d\n", a.Action, a.Distinct, a.Generated)
	}
	fmt.Fprintln(w, "End of statistics.")
}

func dotQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

// staticActions lists the actions the next-state relation splits into, as
// enum labels them (the innermost operator reached through disjunctions,
// \E, IF, CASE, LET and operator calls before a conjunction), so that an
// action that never generates a state is listed with 0:0, as TLC does.
func staticActions(n node, cur *opDef, seen map[*opDef]bool, out *[]*opDef) {
	leaf := func() {
		if !seen[cur] {
			seen[cur] = true
			*out = append(*out, cur)
		}
	}
	switch x := n.(type) {
	case *or:
		for _, d := range x.xs {
			staticActions(d, cur, seen, out)
		}
	case *quant:
		if x.all {
			leaf()
			return
		}
		staticActions(x.body, cur, seen, out)
	case *ifte:
		staticActions(x.t, cur, seen, out)
		staticActions(x.f, cur, seen, out)
	case *caseOf:
		for _, a := range x.arms {
			staticActions(a.val, cur, seen, out)
		}
		if x.other != nil {
			staticActions(x.other, cur, seen, out)
		}
	case *letIn:
		staticActions(x.body, cur, seen, out)
	case *substRef:
		staticActions(x.x, cur, seen, out)
	case *call:
		if x.def.recursive || seen[x.def] {
			leaf()
			return
		}
		staticActions(x.def.body, x.def, seen, out)
	case *instCall:
		if x.def.recursive || seen[x.def] {
			leaf()
			return
		}
		staticActions(x.def.body, x.def, seen, out)
	default:
		leaf()
	}
}
