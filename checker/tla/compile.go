package tla

import (
	"archive/zip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// Levels of expressions, as in SANY.
const (
	lvlConst = iota
	lvlState
	lvlAction
	lvlTemporal
)

type varDecl struct {
	name string
	idx  int
	loc
}

// constDecl is a CONSTANT whose value the configuration supplies.
type constDecl struct {
	name  string
	arity int
	loc
	set bool
	val Value
	def *opDef // C <- Op with a zero-arity Op: evaluated on first use
}

func (k *constDecl) get(c *ctx, at loc) Value {
	if k.def != nil {
		return k.def.value(c, nil)
	}
	if !k.set {
		at.failf("the constant %s is not assigned a value by the configuration", k.name)
	}
	return k.val
}

type symKind int

const (
	symDef symKind = iota
	symConst
	symVar
	symBuiltin
	symInst
	symSubst
)

type subst struct {
	x      node
	level  int
	nscope int
	arity  int
	isVar  bool // substitutes a VARIABLE of the instantiated module
}

type instSyms struct {
	name   string
	params []syntax.Param
	syms   map[string]*symbol
	prefix int
}

type symbol struct {
	kind  symKind
	def   *opDef
	k     *constDecl
	v     *varDecl
	b     *builtin
	inst  *instSyms
	sub   *subst
	arity int
	// base is the number of instance parameters in the definition's env
	// prefix; -1 for global definitions.
	base int
	user bool // declared in a user module (for shadowing checks)
	loc
}

// modScope is a module compiled in one context (plain or instantiated).
type modScope struct {
	name       string
	file       string
	syms       map[string]*symbol
	exports    map[string]*symbol
	prefix     []scopeEntry // instance parameters
	assumes    []node
	assumeLocs []loc
	defs       []*opDef // in order, for listing
	// nestedCtx holds, for each submodule of this module, the symbols
	// declared and defined before it: the submodule's context
	nestedCtx map[string]map[string]*symbol
}

// varSubsts lists the substitutions for the variables of the instantiated
// module ms is (none for a plain module). ENABLED written in ms quantifies
// over these variables' primed values, as TLC does: (ENABLED A)[v <- e] is
// \E v' : A[v <- e], not ENABLED of A[v <- e] (Specifying Systems, 17.8).
func (ms *modScope) varSubsts() []*subst {
	var out []*subst
	for _, s := range ms.syms {
		if s.kind == symSubst && s.sub.isVar {
			out = append(out, s.sub)
		}
	}
	return out
}

type scopeEntry struct {
	name  string
	arity int // operator parameters and LET operators
	// at is where the name was declared (zero for names the compiler
	// adds); isDef marks a LET definition (SANY's messages differ)
	at    loc
	isDef bool
}

type scope struct {
	entries []scopeEntry
}

func (s *scope) push(names ...string) *scope {
	ns := &scope{entries: make([]scopeEntry, len(s.entries), len(s.entries)+len(names))}
	copy(ns.entries, s.entries)
	for _, n := range names {
		ns.entries = append(ns.entries, scopeEntry{name: n})
	}
	return ns
}

func (s *scope) pushEntry(e scopeEntry) *scope {
	ns := &scope{entries: make([]scopeEntry, len(s.entries), len(s.entries)+1)}
	copy(ns.entries, s.entries)
	ns.entries = append(ns.entries, e)
	return ns
}

func (s *scope) lookup(name string) (scopeEntry, int, bool) {
	for i := len(s.entries) - 1; i >= 0; i-- {
		if s.entries[i].name == name {
			return s.entries[i], len(s.entries) - 1 - i, true
		}
	}
	return scopeEntry{}, 0, false
}

// Loader finds module sources: the standard modules are built in; other
// modules are looked up in the root module's directory, then among the
// built-in community modules, then in the library directories.
type Loader struct {
	Dir string
	// Path lists library directories (TLA_PATH, LoadOptions.Path).
	Path    []string
	parsed  map[string]*syntax.Module
	builtin map[string]bool
	// OnParse is called for each module file parsed (for SANY-like output).
	OnParse func(file string)
}

func NewLoader(dir string) *Loader {
	l := &Loader{Dir: dir, parsed: map[string]*syntax.Module{}, builtin: map[string]bool{}}
	if p := os.Getenv("TLA_PATH"); p != "" {
		l.Path = filepath.SplitList(p)
	}
	return l
}

// readModule reads Name.tla from a directory, or from the top level of a
// .jar or .zip archive (CommunityModules.jar can stand on TLA_PATH).
func readModule(dir, name string) (string, []byte, error) {
	if ext := filepath.Ext(dir); ext == ".jar" || ext == ".zip" {
		z, err := zip.OpenReader(dir)
		if err != nil {
			return "", nil, err
		}
		defer z.Close()
		f, err := z.Open(name + ".tla")
		if err != nil {
			return "", nil, err
		}
		defer f.Close()
		data, err := io.ReadAll(f)
		return dir + "!/" + name + ".tla", data, err
	}
	f := filepath.Join(dir, name+".tla")
	data, err := os.ReadFile(f)
	return f, data, err
}

// standardModules are always the built-in ones, whatever the directory holds.
var standardModules = map[string]bool{
	"Naturals": true, "Integers": true, "Reals": true, "Sequences": true, "FiniteSets": true,
	"Bags": true, "TLC": true, "TLAPS": true, "Randomization": true, "RealTime": true,
}

func (l *Loader) load(name string) (*syntax.Module, bool, error) {
	if m, ok := l.parsed[name]; ok {
		return m, l.builtin[name], nil
	}
	var file, src string
	builtin := false
	b, isBuiltin := builtinSources[name]
	found := false
	if isBuiltin && standardModules[name] {
		file, src, builtin, found = "<builtin>/"+name+".tla", b, true, true
	}
	dirs := append([]string{l.Dir}, l.Path...)
	for i := 0; !found && i < len(dirs); i++ {
		if i == 1 && isBuiltin {
			file, src, builtin, found = "<builtin>/"+name+".tla", b, true, true
			break
		}
		f, data, err := readModule(dirs[i], name)
		if err != nil {
			continue
		}
		file, src, found = f, string(data), true
		if l.OnParse != nil {
			l.OnParse(file)
		}
	}
	if !found && isBuiltin {
		file, src, builtin, found = "<builtin>/"+name+".tla", b, true, true
	}
	if !found {
		where := "the directory " + l.Dir
		if l.Dir == "" {
			where = "the current directory"
		}
		if len(l.Path) > 0 {
			where += " or TLA_PATH (" + strings.Join(l.Path, string(filepath.ListSeparator)) + ")"
		}
		return nil, false, fmt.Errorf("cannot find module %s: no file %s.tla in %s, and it is not a built-in module", name, name, where)
	}
	m, err := syntax.ParseModule(file, src)
	if err != nil {
		return nil, false, err
	}
	registerIdents(file, src) // TLC's order of strings (modelorder.go)
	if m.Name != name {
		return nil, false, &syntax.Error{File: file, Pos: m.P, Msg: fmt.Sprintf("file %s declares module %s", file, m.Name)}
	}
	l.parsed[name] = m
	l.builtin[name] = builtin
	l.addNested(m, builtin)
	return m, builtin, nil
}

// addNested makes the submodules of m loadable by name.
func (l *Loader) addNested(m *syntax.Module, builtin bool) {
	for _, n := range m.Nested {
		if _, ok := l.parsed[n.Name]; !ok {
			l.parsed[n.Name] = n
			l.builtin[n.Name] = builtin
		}
		l.addNested(n, builtin)
	}
}

// compiler resolves names and builds executable nodes.
type compiler struct {
	// sanyLevel: levels as SANY computes them (an ASSUME is compiled once,
	// so no caching depends on it)
	sanyLevel bool
	ld        *Loader
	errs      []error
	vars      []*varDecl
	consts    []*constDecl
	plain     map[string]*modScope
	loading   map[string]bool
	defs      []*opDef // top-level definitions, whose cached values bind resets
	// builtins maps native operators to this model's copies of them.
	builtins map[*builtin]*symbol
	// scopes lists every compiled scope of each module, for the
	// configuration's Op <- [Module] Def.
	scopes map[string][]*modScope
	levels map[node]int
	// varReads counts the variable references compiled so far (through
	// definitions too: readsVar): an ASSUME of level 1 that reads none is
	// constant for SANY, its level raised only by a builtin such as JavaTime
	varReads int
	readsVar map[*opDef]bool
	// maxCtx is the highest level SANY allows where the expression being
	// compiled stands (lowered by ', UNCHANGED, ENABLED, [A]_v and the
	// value constructors); paramUse holds, per declaration, the lowest
	// maxCtx where it is used, and paramMax a definition's for each of its
	// parameters, against which its calls' arguments are checked
	maxCtx   int
	paramUse map[loc]int
	paramMax map[*opDef][]int
	// building lists the modules being compiled, innermost last (a
	// submodule finds its enclosing module's symbols there)
	building []*modScope
	// OnSemantic is called when a user module's semantic processing starts.
	onSemantic func(name string)
	// minRef is the lowest scope index the expression being compiled
	// refers to (memo.go: one that refers to none around it is closed);
	// memoN numbers the memoised expressions and definitions
	minRef int
	memoN  int32
}

// use records a reference to the scope entry at depth d of sc.
func (cp *compiler) use(sc *scope, d int) {
	cp.minRef = min(cp.minRef, len(sc.entries)-1-d)
}

// usePrefix records a reference to the first n entries of the scope (an
// instance's parameters, a substitution's scope).
func (cp *compiler) usePrefix(int) {
	// even with n = 0 the node walks up the environment to the prefix
	// (substRef.skip, call.base), so it needs the one it is evaluated in
	cp.minRef = min(cp.minRef, 0)
}

func (cp *compiler) errorf(at loc, format string, args ...any) {
	if len(cp.errs) < 50 {
		cp.errs = append(cp.errs, &syntax.Error{File: at.file, Pos: at.pos, Msg: fmt.Sprintf(format, args...)})
	}
}

func (cp *compiler) fatal(err error) {
	cp.errs = append(cp.errs, err)
}

// declaredParams lists the constants and variables of a module and of
// the user modules it extends.
func (cp *compiler) declaredParams(name string, seen map[string]bool) ([]syntax.Param, []syntax.Param, error) {
	if seen[name] {
		return nil, nil, nil
	}
	seen[name] = true
	m, builtin, err := cp.ld.load(name)
	if err != nil || builtin {
		return nil, nil, err
	}
	var cs, vs []syntax.Param
	for _, e := range m.Extends {
		c2, v2, err := cp.declaredParams(e, seen)
		if err != nil {
			return nil, nil, err
		}
		cs, vs = append(cs, c2...), append(vs, v2...)
	}
	return append(cs, m.Constants...), append(vs, m.Variables...), nil
}

// parameterless reports whether a module and those it extends declare no
// constants or variables.
func (cp *compiler) parameterless(name string) bool {
	cs, vs, err := cp.declaredParams(name, map[string]bool{})
	return err == nil && len(cs)+len(vs) == 0
}

func (cp *compiler) addSym(ms *modScope, name string, s *symbol, export bool, at loc) {
	if old, ok := ms.syms[name]; ok && old != s && !sameSym(old, s) {
		cp.errorf(at, "Multiple declarations or definitions for symbol %s.", name)
		return
	}
	ms.syms[name] = s
	if export {
		ms.exports[name] = s
	}
}

func isDefinition(s *symbol) bool { return s.kind == symDef || s.kind == symBuiltin }

func sameSym(a, b *symbol) bool {
	return a.kind == b.kind && a.def != nil && a.def == b.def || a.kind == symBuiltin && b.kind == symBuiltin && a.b == b.b ||
		a.k != nil && a.k == b.k || a.v != nil && a.v == b.v
}

// module compiles a module. subs is nil for a plain (top-level or
// extended) module; otherwise it maps constant and variable names to the
// instance's substitutions.
func (cp *compiler) module(name string, subs map[string]*symbol, prefix []scopeEntry, at loc) *modScope {
	plain := subs == nil && len(prefix) == 0
	m, builtin, err := cp.ld.load(name)
	if err != nil {
		if _, ok := err.(*syntax.Error); ok {
			cp.fatal(err)
		} else {
			cp.errorf(at, "%v", err)
		}
		return nil
	}
	if builtin {
		plain, subs, prefix = true, nil, nil
	}
	if plain {
		if ms, ok := cp.plain[name]; ok {
			return ms
		}
		if cp.loading[name] {
			cp.errorf(at, "circular dependency through module %s", name)
			return nil
		}
		cp.loading[name] = true
		defer delete(cp.loading, name)
	}
	ms := &modScope{name: m.Name, file: m.File, syms: map[string]*symbol{}, exports: map[string]*symbol{}, prefix: prefix}
	if m.Outer != nil {
		// a submodule: the symbols of the enclosing module that precede
		// it are in scope (not exported)
		var outer map[string]*symbol
		for i := len(cp.building) - 1; i >= 0 && outer == nil; i-- {
			if b := cp.building[i]; b.name == m.Outer.Name {
				outer = b.nestedCtx[m.Name]
			}
		}
		if outer == nil {
			cp.errorf(at, "module %s is a submodule of %s: it can only be used inside %s, after its definition", m.Name, m.Outer.Name, m.Outer.Name)
			return nil
		}
		for n, s := range outer {
			ms.syms[n] = s
		}
	}
	cp.building = append(cp.building, ms)
	defer func() { cp.building = cp.building[:len(cp.building)-1] }()
	// native operators override the TLA+ definitions of the same module, also
	// of a module read from the library path (VectorClocks), as in TLC
	natives := false
	if b, ok := builtinOps[name]; ok {
		natives = true
		for _, op := range b {
			s := cp.builtinSym(op)
			ms.syms[op.name] = s
			ms.exports[op.name] = s
		}
	}
	for i, e := range m.Extends {
		esubs, eprefix := subs, prefix
		if !plain && cp.parameterless(e) {
			esubs, eprefix = nil, nil // the same in every context: share the plain one
		}
		ext := cp.module(e, esubs, eprefix, loc{m.File, m.ExtendsPos[i]})
		if ext == nil {
			continue
		}
		for n, s := range ext.exports {
			if old, ok := ms.syms[n]; ok && isDefinition(old) && isDefinition(s) {
				// two extended modules define n: SANY warns, the first
				// one stays (TLC)
				continue
			}
			cp.addSym(ms, n, s, true, loc{m.File, m.ExtendsPos[i]})
		}
	}
	if !builtin && cp.onSemantic != nil && plain {
		cp.onSemantic(m.Name)
	}
	base := -1
	if len(prefix) > 0 {
		base = len(prefix)
	}
	for _, c := range m.Constants {
		l := loc{m.File, c.P}
		if subs != nil {
			s, ok := subs[c.Name]
			if !ok {
				cp.errorf(l, "no substitution for constant %s of instantiated module %s", c.Name, m.Name)
				continue
			}
			cp.addSym(ms, c.Name, s, true, l)
			continue
		}
		k := &constDecl{name: c.Name, arity: c.Arity, loc: l}
		cp.consts = append(cp.consts, k)
		cp.addSym(ms, c.Name, &symbol{kind: symConst, k: k, arity: c.Arity, user: !builtin, loc: l}, true, l)
	}
	for _, v := range m.Variables {
		l := loc{m.File, v.P}
		if subs != nil {
			s, ok := subs[v.Name]
			if !ok {
				cp.errorf(l, "no substitution for variable %s of instantiated module %s", v.Name, m.Name)
				continue
			}
			cp.addSym(ms, v.Name, s, true, l)
			continue
		}
		vd := &varDecl{name: v.Name, idx: len(cp.vars), loc: l}
		cp.vars = append(cp.vars, vd)
		cp.addSym(ms, v.Name, &symbol{kind: symVar, v: vd, user: true, loc: l}, true, l)
	}
	recursive := map[string]*opDef{}
	for _, r := range m.Recursive {
		d := &opDef{name: r.Name, loc: loc{m.File, r.P}, mod: m.Name, recursive: true}
		cp.defs = append(cp.defs, d)
		d.params = make([]syntax.Param, r.Arity)
		recursive[r.Name] = d
		cp.addSym(ms, r.Name, &symbol{kind: symDef, def: d, arity: r.Arity, base: base, user: !builtin, loc: d.loc}, true, d.loc)
	}
	for i, u := range m.Order {
		cp.nestedContext(ms, m, i)
		switch u := u.(type) {
		case *syntax.OpDef:
			if old, ok := ms.syms[u.Name]; ok && old.kind == symBuiltin && natives {
				continue // a native implementation overrides the TLA+ definition
			}
			d := recursive[u.Name]
			l := loc{m.File, u.P}
			if d == nil {
				d = &opDef{name: u.Name, loc: l, mod: m.Name}
				cp.defs = append(cp.defs, d)
				sym := &symbol{kind: symDef, def: d, arity: len(u.Params), base: base, user: !builtin, loc: l}
				if !u.IsFunc {
					// as SANY: without RECURSIVE an operator is not in scope in its own body
					d.params, d.defAST, d.loc = u.Params, u, l
					cp.compileDef(ms, d, u, prefix)
					ms.defs = append(ms.defs, d)
					cp.addSym(ms, u.Name, sym, !u.Local, l)
					continue
				}
				cp.addSym(ms, u.Name, sym, !u.Local, l)
			} else {
				if len(d.params) != len(u.Params) {
					cp.errorf(l, "RECURSIVE declaration of %s has a different arity", u.Name)
				}
				if u.Local {
					delete(ms.exports, u.Name)
				}
			}
			d.params = u.Params
			d.defAST = u
			d.loc = l
			cp.compileDef(ms, d, u, prefix)
			ms.defs = append(ms.defs, d)
		case *syntax.Instance:
			cp.instance(ms, m, u, prefix)
		}
	}
	cp.nestedContext(ms, m, len(m.Order))
	for _, r := range m.Recursive {
		if d := recursive[r.Name]; d != nil && d.defAST == nil {
			cp.errorf(loc{m.File, r.P}, "Symbol %s declared in RECURSIVE statement but not defined.", r.Name)
		}
	}
	for i, a := range m.Assumes {
		cp.sanyLevel = true
		reads := cp.varReads
		n, lvl := cp.expr(ms, &scope{entries: prefix}, a)
		cp.sanyLevel = false
		if lvl == lvlState && cp.varReads == reads {
			lvl = lvlConst
		}
		if lvl > lvlConst && i < len(m.AssumePos) {
			cp.errorf(loc{m.File, m.AssumePos[i]}, "Level error: assumptions must be level 0 (Constant), but this one has level %d.", lvl)
		}
		ms.assumes = append(ms.assumes, n)
		ms.assumeLocs = append(ms.assumeLocs, loc{m.File, a.At()})
	}
	if plain {
		cp.plain[name] = ms
	}
	if cp.scopes == nil {
		cp.scopes = map[string][]*modScope{}
	}
	cp.scopes[name] = append(cp.scopes[name], ms)
	return ms
}

// nestedContext records the symbols in scope before unit i of m for the
// submodules written there.
func (cp *compiler) nestedContext(ms *modScope, m *syntax.Module, i int) {
	for _, n := range m.Nested {
		if n.OuterAt != i {
			continue
		}
		if ms.nestedCtx == nil {
			ms.nestedCtx = map[string]map[string]*symbol{}
		}
		ctx := make(map[string]*symbol, len(ms.syms))
		for k, s := range ms.syms {
			ctx[k] = s
		}
		ms.nestedCtx[n.Name] = ctx
	}
}

// konstRef is a constant of a standard module (Nat, Int, ...), read when
// evaluated because the configuration may override it.
type konstRef struct{ b *builtin }

func (n *konstRef) eval(c *ctx, e *env) Value {
	if v := n.b.konst; v != nil {
		return v
	}
	return n.b.fn(c, nil, loc{})
}

// builtinSym is the model's own copy of a native operator, so that the
// configuration can override it (Nat <- NatOverride) without touching
// other models.
func (cp *compiler) builtinSym(op *builtin) *symbol {
	if s, ok := cp.builtins[op]; ok {
		return s
	}
	b := *op
	s := &symbol{kind: symBuiltin, b: &b, arity: op.arity}
	if cp.builtins == nil {
		cp.builtins = map[*builtin]*symbol{}
	}
	cp.builtins[op] = s
	return s
}

func (cp *compiler) compileDef(ms *modScope, d *opDef, u *syntax.OpDef, prefix []scopeEntry) {
	sc := &scope{entries: append([]scopeEntry(nil), prefix...)}
	for _, p := range u.Params {
		e := cp.declare(ms, sc, p.Name, loc{ms.file, p.P}, false)
		e.arity = p.Arity
		sc = sc.pushEntry(e)
	}
	var body node
	var lvl int
	reads := cp.varReads
	ctx := cp.maxCtx
	cp.maxCtx = lvlTemporal
	defer func() {
		cp.maxCtx = ctx
		max := make([]int, len(u.Params))
		for i, p := range u.Params {
			max[i] = lvlTemporal
			if l, ok := cp.paramUse[loc{ms.file, p.P}]; ok && p.Arity == 0 {
				max[i] = l
			}
		}
		if cp.paramMax == nil {
			cp.paramMax = map[*opDef][]int{}
		}
		cp.paramMax[d] = max
		if cp.varReads != reads {
			if cp.readsVar == nil {
				cp.readsVar = map[*opDef]bool{}
			}
			cp.readsVar[d] = true
		}
	}()
	if u.IsFunc {
		fc := u.Body.(*syntax.FuncCons)
		n, l := cp.expr(ms, sc, fc)
		body, lvl = &recFunc{fc: unmemo(n).(*funcCons), name: d.name}, l
	} else {
		body, lvl = cp.expr(ms, sc, u.Body)
	}
	d.body, d.level = body, lvl
	d.cached = len(u.Params) == 0 && lvl == lvlConst && len(prefix) == 0
	if len(u.Params) == 0 && len(prefix) == 0 {
		d.memoID = cp.newMemoID()
	}
}

func (cp *compiler) newMemoID() int32 {
	cp.memoN++
	return cp.memoN - 1
}

// declare checks a parameter, bound name or LET definition against the
// names visible where it is declared, as SANY does: a name may not be
// declared again where the first one is still in scope.
func (cp *compiler) declare(ms *modScope, sc *scope, name string, at loc, isDef bool) scopeEntry {
	if e, _, ok := sc.lookup(name); ok && e.at.file != "" {
		if isDef && e.isDef {
			cp.errorf(at, "Operator %s already defined or declared.", name)
		} else {
			cp.errorf(at, "Multiply-defined symbol '%s': this definition or declaration conflicts with the one at %s:%d:%d", name, e.at.file, e.at.pos.Line, e.at.pos.Col)
		}
	} else {
		cp.checkShadow(ms, name, at)
	}
	return scopeEntry{name: name, at: at, isDef: isDef}
}

func (cp *compiler) checkShadow(ms *modScope, name string, at loc) {
	// a symbol of the same module declared further down does not conflict:
	// it is not yet in scope (SANY)
	if s, ok := ms.syms[name]; ok && s.user && s.kind != symInst && !(s.file == at.file && posAfter(s.pos, at.pos)) {
		cp.errorf(at, "Multiply-defined symbol '%s': this definition or declaration conflicts with the one at %s:%d:%d", name, s.file, s.pos.Line, s.pos.Col)
	}
}

// substMax is the highest level SANY allows an expression substituted for
// a CONSTANT (0) or a VARIABLE (1) of an instantiated module.
func (cp *compiler) substMax(isConst bool) int {
	if isConst {
		return lvlConst
	}
	return lvlState
}

func posAfter(a, b syntax.Pos) bool {
	return a.Line > b.Line || a.Line == b.Line && a.Col > b.Col
}

func (cp *compiler) instance(ms *modScope, m *syntax.Module, u *syntax.Instance, prefix []scopeEntry) {
	l := loc{m.File, u.P}
	cs, vs, err := cp.declaredParams(u.Module, map[string]bool{})
	if err != nil {
		cp.errorf(l, "%v", err)
		return
	}
	inner := append([]scopeEntry(nil), prefix...)
	for _, p := range u.Params {
		inner = append(inner, scopeEntry{name: p.Name, arity: p.Arity})
	}
	sc := &scope{entries: inner}
	subs := map[string]*symbol{}
	explicit := map[string]syntax.Subst{}
	for _, s := range u.Subst {
		explicit[s.Name] = s
	}
	for i, p := range append(append([]syntax.Param(nil), cs...), vs...) {
		var n node
		var lvl int
		if s, ok := explicit[p.Name]; ok {
			if p.Arity > 0 {
				n = cp.opArg(ms, sc, s.Expr, p.Arity)
			} else {
				reads := cp.varReads
				n, lvl = cp.expr(ms, sc, s.Expr)
				sanyLvl := lvl
				if lvl == lvlState && cp.varReads == reads {
					sanyLvl = lvlConst // a builtin such as JavaTime
				}
				if max := cp.substMax(i < len(cs)); sanyLvl > max {
					cp.errorf(l, "Level error in instantiating module '%s': The level of the expression or operator substituted for '%s' must be at most %d.", u.Module, p.Name, max)
				}
			}
			delete(explicit, p.Name)
		} else {
			ref := &syntax.Ref{P: u.P, Path: []syntax.Seg{{Name: p.Name}}}
			if _, _, ok := sc.lookup(p.Name); !ok {
				if _, ok := ms.syms[p.Name]; !ok {
					cp.errorf(l, "INSTANCE %s: no substitution for %s and no symbol of that name in scope", u.Module, p.Name)
					continue
				}
			}
			if p.Arity > 0 {
				n = cp.opArg(ms, sc, ref, p.Arity)
			} else {
				n, lvl = cp.expr(ms, sc, ref)
			}
		}
		subs[p.Name] = &symbol{kind: symSubst, sub: &subst{x: n, level: lvl, nscope: len(inner), arity: p.Arity, isVar: i >= len(cs)}, arity: p.Arity, base: len(inner)}
	}
	for name, s := range explicit {
		cp.errorf(loc{m.File, s.P}, "INSTANCE %s: %s is not a constant or variable of the module", u.Module, name)
	}
	if len(prefix) > 0 && len(u.Params) > 0 {
		cp.errorf(l, "not supported: nested parametrized INSTANCE")
		return
	}
	// the instantiated module sees the instance's context only through its
	// substitutions: the entries keep their places, not their names
	hidden := make([]scopeEntry, len(inner))
	for i := range hidden {
		hidden[i] = scopeEntry{name: "\x00" + inner[i].name, arity: inner[i].arity}
	}
	var im *modScope
	if len(u.Params) == 0 && len(cs)+len(vs) == 0 {
		im = cp.module(u.Module, nil, nil, l) // the same in every context
	} else {
		im = cp.module(u.Module, subs, hidden, l)
	}
	if im == nil {
		return
	}
	if u.Name == "" {
		for n, s := range im.exports {
			if s.kind == symSubst {
				continue
			}
			if old, ok := ms.syms[n]; ok && old.user && old.kind == symDef && !sameSym(old, s) {
				// SANY accepts an INSTANCE after a definition of the same
				// name, and the module's own definition is the one used (TLC)
				continue
			}
			cp.addSym(ms, n, s, !u.Local, l)
		}
		return
	}
	is := &instSyms{name: u.Name, params: u.Params, syms: im.exports, prefix: len(inner)}
	cp.addSym(ms, u.Name, &symbol{kind: symInst, inst: is, arity: len(u.Params), user: true, loc: l}, !u.Local, l)
}

func maxLvl(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// opArg compiles an argument for an operator parameter of the given arity.
func (cp *compiler) opArg(ms *modScope, sc *scope, e syntax.Expr, arity int) node {
	at := loc{ms.file, e.At()}
	switch x := e.(type) {
	case *syntax.Lambda:
		if len(x.Params) != arity {
			cp.errorf(at, "LAMBDA has %d parameters but %d are expected", len(x.Params), arity)
		}
		d := &opDef{name: "LAMBDA", loc: at}
		inner := sc
		for _, p := range x.Params {
			d.params = append(d.params, syntax.Param{Name: p})
			inner = inner.push(p)
		}
		d.body, d.level = cp.expr(ms, inner, x.Body)
		return &lambda{def: d}
	case *syntax.OpArg:
		if ent, d, ok := sc.lookup(x.Name); ok {
			if ent.arity != arity {
				cp.errorf(at, "operator argument %s has arity %d, expected %d", x.Name, ent.arity, arity)
			}
			cp.use(sc, d)
			return &envRef{depth: d, name: x.Name}
		}
		s, ok := ms.syms[x.Name]
		if !ok && arity == 2 && nativeInfix[x.Name] {
			// a built-in infix operator (\cap, =, \in, ...) passed as an argument
			a := &syntax.Ref{P: x.P, Path: []syntax.Seg{{Name: "\x00a"}}}
			b := &syntax.Ref{P: x.P, Path: []syntax.Seg{{Name: "\x00b"}}}
			var body syntax.Expr = &syntax.Binary{P: x.P, Op: x.Name, X: a, Y: b}
			if x.Name == "/\\" || x.Name == "\\/" {
				body = &syntax.Junction{P: x.P, Op: x.Name, Items: []syntax.Expr{a, b}}
			}
			lam := &syntax.Lambda{P: x.P, Params: []string{"\x00a", "\x00b"}, Body: body}
			return cp.opArg(ms, sc, lam, arity)
		}
		if !ok {
			cp.errorf(at, "Unknown operator: `%s'.", x.Name)
			return &lit{v: false}
		}
		return cp.symOpValue(s, x.Name, arity, len(sc.entries), at)
	case *syntax.Ref:
		if len(x.Path) == 1 && x.Path[0].Args == nil {
			name := x.Path[0].Name
			if ent, d, ok := sc.lookup(name); ok {
				if ent.arity != arity {
					cp.errorf(at, "operator argument %s has arity %d, expected %d", name, ent.arity, arity)
				}
				cp.use(sc, d)
				return &envRef{depth: d, name: name}
			}
			s, ok := ms.syms[name]
			if !ok {
				cp.errorf(at, "Unknown operator: `%s'.", name)
				return &lit{v: false}
			}
			return cp.symOpValue(s, name, arity, len(sc.entries), at)
		}
		if len(x.Path) > 1 && x.Path[len(x.Path)-1].Args == nil {
			s, base, _ := cp.resolvePath(ms, sc, x)
			if s == nil {
				return &lit{v: false}
			}
			if base != nil {
				cp.errorf(at, "not supported: parametrized instance operator as an argument")
				return &lit{v: false}
			}
			return cp.symOpValue(s, x.Path[len(x.Path)-1].Name, arity, len(sc.entries), at)
		}
	}
	cp.errorf(at, "expected an operator of arity %d as argument", arity)
	return &lit{v: false}
}

func (cp *compiler) symOpValue(s *symbol, name string, arity, depth int, at loc) node {
	if s.arity != arity {
		cp.errorf(at, "operator %s has arity %d, but an operator of arity %d is expected", name, s.arity, arity)
	}
	switch s.kind {
	case symDef:
		b := -1
		if s.base >= 0 {
			b = depth - s.base
			cp.usePrefix(s.base)
		}
		return &opValue{def: s.def, base: b}
	case symBuiltin:
		return &opValue{b: s.b}
	case symConst:
		return &constRef{k: s.k, loc: at}
	case symSubst:
		cp.usePrefix(s.sub.nscope)
		return &substRef{skip: depth - s.sub.nscope, x: s.sub.x, sub: s.sub}
	}
	cp.errorf(at, "%s is not an operator", name)
	return &lit{v: false}
}

// resolvePath resolves I(a)!J!Op; it returns the final symbol and, for
// parametrized instances, the instance argument expressions.
func (cp *compiler) resolvePath(ms *modScope, sc *scope, r *syntax.Ref) (*symbol, []syntax.Expr, bool) {
	at := loc{ms.file, r.P}
	syms := ms.syms
	var instArgs []syntax.Expr
	for i, seg := range r.Path[:len(r.Path)-1] {
		s, ok := syms[seg.Name]
		if ok && s.kind == symDef && i == 0 && !strings.HasPrefix(r.Path[1].Name, "!") {
			cp.errorf(at, "Cannot find label `%s'.", r.Path[1].Name)
			return nil, nil, false
		}
		if !ok || s.kind != symInst {
			if i == 0 {
				cp.errorf(at, "Unknown operator: `%s'.", seg.Name)
			} else {
				cp.errorf(at, "%s is not an instance", seg.Name)
			}
			return nil, nil, false
		}
		if len(seg.Args) != len(s.inst.params) {
			cp.errorf(at, "instance %s takes %d arguments", seg.Name, len(s.inst.params))
			return nil, nil, false
		}
		instArgs = append(instArgs, seg.Args...)
		syms = s.inst.syms
	}
	last := r.Path[len(r.Path)-1].Name
	s, ok := syms[last]
	if !ok {
		cp.errorf(at, "Unknown operator: `%s'.", r.Path[len(r.Path)-2].Name+"!"+last)
		return nil, nil, false
	}
	return s, instArgs, true
}

// pathName is I!J!Op, as SANY names an operator of an instance.
func pathName(r *syntax.Ref) string {
	names := make([]string, len(r.Path))
	for i, seg := range r.Path {
		names[i] = seg.Name
	}
	return strings.Join(names, "!")
}

// instCall calls a definition of a parametrized instance.
type instCall struct {
	def      *opDef
	instArgs []node
	args     []node
	loc
}

func (n *instCall) eval(c *ctx, e *env) Value {
	var ne *env
	for _, a := range n.instArgs {
		ne = push(ne, a.eval(c, e))
	}
	for _, a := range n.args {
		ne = push(ne, a.eval(c, e))
	}
	return n.def.body.eval(c, ne)
}

func (cp *compiler) args(ms *modScope, sc *scope, args []syntax.Expr, params []syntax.Param, name string, at loc) ([]node, []bool, int) {
	ns := make([]node, len(args))
	lazy := make([]bool, len(args))
	lvl := 0
	for i, a := range args {
		ar := 0
		if i < len(params) {
			ar = params[i].Arity
		}
		if ar > 0 {
			ns[i] = cp.opArg(ms, sc, a, ar)
			continue
		}
		if _, ok := a.(*syntax.Lambda); ok {
			cp.errorf(loc{ms.file, a.At()}, "LAMBDA passed where %s expects an ordinary argument", name)
		}
		n, l := cp.expr(ms, sc, a)
		ns[i], lazy[i] = n, l >= lvlAction
		lvl = maxLvl(lvl, l)
	}
	return ns, lazy, lvl
}

// defArgs compiles the arguments of a call of d, each where SANY allows
// the level d's body allows its parameter, and reports one above it.
func (cp *compiler) defArgs(ms *modScope, sc *scope, d *opDef, args []syntax.Expr, name string, at loc) ([]node, []bool, int) {
	max := cp.paramMax[d]
	if len(max) != len(args) {
		return cp.args(ms, sc, args, d.params, name, at)
	}
	ns := make([]node, len(args))
	lazy := make([]bool, len(args))
	lvl := 0
	for i, a := range args {
		restore := cp.lower(max[i])
		n, ln, l := cp.args(ms, sc, args[i:i+1], d.params[i:i+1], name, at)
		restore()
		ns[i], lazy[i], lvl = n[0], ln[0], maxLvl(lvl, l)
		if _, isOp := a.(*syntax.Lambda); !isOp && d.params[i].Arity == 0 {
			cp.levelArg(at, name, i+1, l, max[i])
		}
	}
	return ns, lazy, lvl
}

// lower lowers maxCtx to at most l until the returned function restores it.
func (cp *compiler) lower(l int) func() {
	old := cp.maxCtx
	if l < old {
		cp.maxCtx = l
	}
	return func() { cp.maxCtx = old }
}

// exprBelow compiles e where its level may be at most l.
func (cp *compiler) exprBelow(ms *modScope, sc *scope, e syntax.Expr, l int) (node, int) {
	defer cp.lower(l)()
	return cp.expr(ms, sc, e)
}

func (cp *compiler) ref(ms *modScope, sc *scope, r *syntax.Ref) (node, int) {
	at := loc{ms.file, r.P}
	depth := len(sc.entries)
	for i, seg := range r.Path {
		if strings.HasPrefix(seg.Name, "!") {
			return cp.selector(ms, sc, r, i)
		}
	}
	if len(r.Path) > 1 {
		// Def!lbl: the expression a label of Def names
		if s, ok := ms.syms[r.Path[0].Name]; ok && s.kind == symDef && s.def.defAST != nil && s.def.defAST.Labels[r.Path[1].Name] != nil {
			return cp.selector(ms, sc, r, 1)
		}
	}
	if len(r.Path) > 1 {
		s, instArgs, ok := cp.resolvePath(ms, sc, r)
		if !ok {
			return &lit{v: false}, 0
		}
		seg := r.Path[len(r.Path)-1]
		if len(instArgs) > 0 {
			if s.kind != symDef {
				cp.errorf(at, "not supported: %s of a parametrized instance", seg.Name)
				return &lit{v: false}, 0
			}
			if len(seg.Args) != s.arity {
				cp.errorf(at, "The operator %s requires %d arguments.", pathName(r), s.arity)
				return &lit{v: false}, 0
			}
			if cp.readsVar[s.def] {
				cp.varReads++
			}
			ia, _, l1 := cp.args(ms, sc, instArgs, nil, seg.Name, at)
			as, _, l2 := cp.args(ms, sc, seg.Args, s.def.params, seg.Name, at)
			return &instCall{def: s.def, instArgs: ia, args: as, loc: at}, maxLvl(maxLvl(l1, l2), s.def.level)
		}
		if s.kind != symInst && s.arity >= 0 && len(seg.Args) != s.arity {
			cp.errorf(at, "The operator %s requires %d arguments.", pathName(r), s.arity)
			return &lit{v: false}, 0
		}
		return cp.symRef(ms, sc, s, seg, at, depth)
	}
	seg := r.Path[0]
	if ent, d, ok := sc.lookup(seg.Name); ok {
		cp.use(sc, d)
		if len(seg.Args) != ent.arity {
			cp.errorf(at, "The operator %s requires %d arguments.", seg.Name, ent.arity)
			return &lit{v: false}, 0
		}
		if ent.arity == 0 && ent.at.file != "" {
			if cp.paramUse == nil {
				cp.paramUse = map[loc]int{}
			}
			if l, ok := cp.paramUse[ent.at]; !ok || cp.maxCtx < l {
				cp.paramUse[ent.at] = cp.maxCtx
			}
		}
		if ent.arity == 0 {
			return &envRef{depth: d, name: seg.Name}, 0
		}
		as, lazy, l := cp.args(ms, sc, seg.Args, nil, seg.Name, at)
		return &callValue{fn: &envRef{depth: d, name: seg.Name}, args: as, lazy: lazy, loc: at}, l
	}
	s, ok := ms.syms[seg.Name]
	if !ok {
		cp.errorf(at, "Unknown operator: `%s'.", seg.Name)
		return &lit{v: false}, 0
	}
	return cp.symRef(ms, sc, s, seg, at, depth)
}

// selector compiles Op(args)!1!2 ...: a subexpression of a definition's
// body, selected by position (!n, !<, !>), with the definition's parameters
// bound to args. Only definitions of the current module are supported.
func (cp *compiler) selector(ms *modScope, sc *scope, r *syntax.Ref, first int) (node, int) {
	at := loc{ms.file, r.P}
	if first != 1 {
		cp.errorf(at, "not supported: subexpression selector here")
		return &lit{v: false}, 0
	}
	head := r.Path[0]
	s, ok := ms.syms[head.Name]
	if !ok || s.kind != symDef || s.def.defAST == nil || s.def.defAST.IsFunc {
		cp.errorf(at, "not supported: subexpression selector on %s", head.Name)
		return &lit{v: false}, 0
	}
	e := s.def.defAST.Body
	for i, seg := range r.Path[1:] {
		next := selectSub(e, seg.Name)
		if lbl := s.def.defAST.Labels[seg.Name]; i == 0 && lbl != nil {
			next = lbl
		}
		if next == nil {
			cp.errorf(at, "%s: no subexpression %s", head.Name, seg.Name)
			return &lit{v: false}, 0
		}
		e = next
	}
	// the definition's parameters are bound like a LET
	if len(head.Args) != len(s.def.params) {
		cp.errorf(at, "The operator %s requires %d arguments.", head.Name, len(s.def.params))
		return &lit{v: false}, 0
	}
	d := &opDef{name: head.Name, params: s.def.params, loc: at}
	inner := &scope{}
	for _, p := range s.def.params {
		inner = inner.pushEntry(scopeEntry{name: p.Name, arity: p.Arity})
	}
	d.body, d.level = cp.expr(ms, inner, e)
	as, lazy, l := cp.args(ms, sc, head.Args, d.params, head.Name, at)
	return &call{def: d, base: -1, args: as, lazy: lazy, loc: at}, maxLvl(l, d.level)
}

// selectSub is the subexpression of e that a positional selector names.
func selectSub(e syntax.Expr, sel string) syntax.Expr {
	n, err := strconv.Atoi(strings.TrimPrefix(sel, "!"))
	switch x := e.(type) {
	case *syntax.Junction:
		if err == nil && n >= 1 && n <= len(x.Items) {
			return x.Items[n-1]
		}
	case *syntax.Binary:
		switch {
		case sel == "!<" || err == nil && n == 1:
			return x.X
		case sel == "!>" || err == nil && n == 2:
			return x.Y
		}
	case *syntax.If:
		if err == nil && n >= 1 && n <= 3 {
			return []syntax.Expr{x.C, x.T, x.Else}[n-1]
		}
	case *syntax.Unary:
		if err == nil && n == 1 {
			return x.X
		}
	case *syntax.Ref:
		if last := x.Path[len(x.Path)-1]; err == nil && n >= 1 && n <= len(last.Args) {
			return last.Args[n-1]
		}
	case *syntax.Tuple:
		if err == nil && n >= 1 && n <= len(x.Elems) {
			return x.Elems[n-1]
		}
	}
	return nil
}

func (cp *compiler) symRef(ms *modScope, sc *scope, s *symbol, seg syntax.Seg, at loc, depth int) (node, int) {
	if s.kind != symInst && s.arity >= 0 && len(seg.Args) != s.arity {
		cp.errorf(at, "The operator %s requires %d arguments.", seg.Name, s.arity)
		return &lit{v: false}, 0
	}
	switch s.kind {
	case symVar:
		cp.varReads++
		return &varRef{idx: s.v.idx, name: s.v.name, loc: at}, lvlState
	case symConst:
		if s.arity == 0 {
			return &constRef{k: s.k, loc: at}, 0
		}
		as, lazy, l := cp.args(ms, sc, seg.Args, nil, seg.Name, at)
		return &callValue{fn: &constRef{k: s.k, loc: at}, args: as, lazy: lazy, loc: at}, l
	case symSubst:
		if s.sub.isVar || s.sub.level > lvlConst {
			cp.varReads++
		}
		cp.usePrefix(s.sub.nscope)
		var x node = &substRef{skip: depth - s.sub.nscope, x: s.sub.x, sub: s.sub}
		if v, ok := s.sub.x.(*varRef); ok {
			x = v
		} else if l, ok := s.sub.x.(*lit); ok {
			x = l
		}
		if s.arity == 0 {
			return x, s.sub.level
		}
		as, lazy, l := cp.args(ms, sc, seg.Args, nil, seg.Name, at)
		return &callValue{fn: x, args: as, lazy: lazy, loc: at}, l
	case symBuiltin:
		restore := cp.lower(lvlAction)
		as, _, l := cp.args(ms, sc, seg.Args, s.b.params(), seg.Name, at)
		restore()
		if s.b.arity == 0 && s.b.konst != nil {
			return &konstRef{b: s.b}, 0
		}
		bl := s.b.level
		if cp.sanyLevel {
			bl = lvlConst // builtins are constant in SANY; lvlState only stops caching
		}
		return &builtinCall{b: s.b, args: as, loc: at}, maxLvl(l, bl)
	case symDef:
		if cp.readsVar[s.def] {
			cp.varReads++
		}
		as, lazy, l := cp.defArgs(ms, sc, s.def, seg.Args, seg.Name, at)
		b := -1
		if s.base >= 0 {
			b = depth - s.base
			cp.usePrefix(s.base)
		}
		return &call{def: s.def, base: b, args: as, lazy: lazy, loc: at}, maxLvl(l, s.def.level)
	case symInst:
		cp.errorf(at, "instance %s used as an expression", seg.Name)
	}
	return &lit{v: false}, 0
}

// opCall resolves an infix or prefix operator symbol defined by a module.
func (cp *compiler) opCall(ms *modScope, sc *scope, name string, args []syntax.Expr, at loc) (node, int) {
	if _, _, ok := sc.lookup(name); ok { // an operator parameter such as _\prec_
		return cp.ref(ms, sc, &syntax.Ref{P: at.pos, Path: []syntax.Seg{{Name: name, Args: args}}})
	}
	s, ok := ms.syms[name]
	if !ok {
		cp.exprs(ms, sc, args) // report errors in the operands too
		cp.errorf(at, "Unknown operator: `%s'.", name)
		return &lit{v: false}, 0
	}
	return cp.symRef(ms, sc, s, syntax.Seg{Name: name, Args: args}, at, len(sc.entries))
}

// bounds compiles quantifier bounds; x, y \in S becomes two bounds, each
// set compiled in the scope where it is evaluated.
func (cp *compiler) bounds(ms *modScope, sc *scope, bs []syntax.Bound) ([]cbound, *scope, int) {
	var out []cbound
	lvl := 0
	// every name of the construct is checked against the scope around it
	// and the names before it (\A a, a \in S is an error)
	decl := sc
	names := map[*syntax.Bound][]scopeEntry{}
	for i := range bs {
		b := &bs[i]
		for j, name := range b.Names {
			at := loc{ms.file, b.P}
			if j < len(b.NamePos) {
				at.pos = b.NamePos[j]
			}
			e := cp.declare(ms, decl, name, at, false)
			decl = decl.pushEntry(e)
			names[b] = append(names[b], e)
		}
	}
	for i := range bs {
		b := &bs[i]
		if b.Tuple {
			cb := cbound{n: len(b.Names), tuple: true}
			if b.Set != nil {
				n, l := cp.expr(ms, sc, b.Set)
				cb.set, lvl = n, maxLvl(lvl, l)
			}
			for _, e := range names[b] {
				sc = sc.pushEntry(e)
			}
			out = append(out, cb)
			continue
		}
		for _, e := range names[b] {
			cb := cbound{n: 1}
			if b.Set != nil {
				n, l := cp.expr(ms, sc, b.Set)
				cb.set, lvl = n, maxLvl(lvl, l)
			}
			sc = sc.pushEntry(e)
			out = append(out, cb)
		}
	}
	return out, sc, lvl
}

func (cp *compiler) exprs(ms *modScope, sc *scope, es []syntax.Expr) ([]node, int) {
	ns := make([]node, len(es))
	lvl := 0
	for i, e := range es {
		n, l := cp.expr(ms, sc, e)
		ns[i], lvl = n, maxLvl(lvl, l)
	}
	return ns, lvl
}

// expr compiles an expression and records its level.
func (cp *compiler) expr(ms *modScope, sc *scope, e syntax.Expr) (node, int) {
	outer := cp.minRef
	cp.minRef = len(sc.entries)
	n, l := cp.expr0(ms, sc, e)
	closed := cp.minRef >= len(sc.entries)
	cp.minRef = min(outer, cp.minRef)
	if closed && l <= lvlState {
		switch n.(type) {
		case *setFilter, *setMap, *choose, *funcCons:
			n = &memo{x: n, id: cp.newMemoID()} // memo.go
		}
	}
	if cp.levels == nil {
		cp.levels = map[node]int{}
	}
	cp.levels[n] = l
	return n, l
}

func (cp *compiler) expr0(ms *modScope, sc *scope, e syntax.Expr) (node, int) {
	at := loc{ms.file, e.At()}
	switch x := e.(type) {
	case *syntax.SetEnum, *syntax.SetFilter, *syntax.SetMap, *syntax.FuncCons, *syntax.FuncSet,
		*syntax.Record, *syntax.RecordSet, *syntax.Except, *syntax.App, *syntax.Dot,
		*syntax.Tuple, *syntax.Product:
		// value constructors: SANY allows no temporal formula inside
		defer cp.lower(lvlAction)()
	case *syntax.Quant:
		if x.Op == "CHOOSE" {
			defer cp.lower(lvlAction)()
		}
	}
	switch x := e.(type) {
	case *syntax.Ref:
		return cp.ref(ms, sc, x)
	case *syntax.Num:
		n, err := strconv.ParseInt(x.Val, 10, 64)
		if err != nil || n > maxInt {
			cp.errorf(at, "integer %s is outside TLC's 32-bit range", x.Val)
		}
		return &lit{v: Int(n)}, 0
	case *syntax.Str:
		registerStrs([]string{x.Val}) // TLC's order of strings (modelorder.go)
		return &lit{v: Str(x.Val)}, 0
	case *syntax.Bool:
		return &lit{v: x.Val}, 0
	case *syntax.Const:
		if x.Name == "BOOLEAN" {
			return &lit{v: boolSet}, 0
		}
		return &lit{v: stringSet}, 0
	case *syntax.Unary:
		return cp.unary(ms, sc, x, at)
	case *syntax.Binary:
		return cp.binary(ms, sc, x, at)
	case *syntax.Junction:
		ns, l := cp.exprs(ms, sc, x.Items)
		if x.Op == "/\\" {
			return &and{xs: ns, loc: at}, l
		}
		return &or{xs: ns, loc: at}, l
	case *syntax.If:
		c, l1 := cp.expr(ms, sc, x.C)
		t, l2 := cp.expr(ms, sc, x.T)
		f, l3 := cp.expr(ms, sc, x.Else)
		return &ifte{cond: c, t: t, f: f, loc: at}, maxLvl(l1, maxLvl(l2, l3))
	case *syntax.Case:
		n := &caseOf{loc: at}
		lvl := 0
		for _, a := range x.Arms {
			c, l1 := cp.expr(ms, sc, a.Cond)
			v, l2 := cp.expr(ms, sc, a.Val)
			n.arms = append(n.arms, caseArm{c, v})
			lvl = maxLvl(lvl, maxLvl(l1, l2))
		}
		if x.Other != nil {
			o, l := cp.expr(ms, sc, x.Other)
			n.other, lvl = o, maxLvl(lvl, l)
		}
		return n, lvl
	case *syntax.Let:
		n := &letIn{}
		lvl := 0
		rec := map[string]bool{}
		for _, r := range x.Recursive {
			rec[r.Name] = true
		}
		outer := ms
		for _, u := range x.Order {
			if in, ok := u.(*syntax.Instance); ok {
				// visible in the rest of the LET only: a scope of its own
				child := *ms
				child.syms, child.exports = map[string]*symbol{}, map[string]*symbol{}
				for k, v := range ms.syms {
					child.syms[k] = v
				}
				ms = &child
				cp.instance(ms, &syntax.Module{File: ms.file}, in, sc.entries)
				continue
			}
			d := u.(*syntax.OpDef)
			de := cp.declare(outer, sc, d.Name, loc{ms.file, d.P}, true)
			de.arity = len(d.Params)
			// the body's environment holds the definition itself at depth 0;
			// without RECURSIVE its name is not in scope there (SANY)
			self := sc.pushEntry(scopeEntry{name: "\x00" + d.Name})
			if d.IsFunc || rec[d.Name] {
				self = sc.pushEntry(de)
			}
			sc = sc.pushEntry(de)
			od := &opDef{name: d.Name, params: d.Params, loc: loc{ms.file, d.P}, defAST: d, recursive: rec[d.Name]}
			inner := self
			for _, p := range d.Params {
				pe := cp.declare(outer, inner, p.Name, loc{ms.file, p.P}, false)
				pe.arity = p.Arity
				inner = inner.pushEntry(pe)
			}
			if d.IsFunc {
				b, l := cp.expr(ms, inner, d.Body)
				od.body, od.level = &recFunc{fc: unmemo(b).(*funcCons), name: d.Name}, l
			} else {
				od.body, od.level = cp.expr(ms, inner, d.Body)
			}
			lvl = maxLvl(lvl, od.level)
			n.defs = append(n.defs, letDef{def: od, zero: len(d.Params) == 0})
		}
		b, l := cp.expr(ms, sc, x.Body)
		n.body = b
		return n, maxLvl(lvl, l)
	case *syntax.Quant:
		bs, inner, l1 := cp.bounds(ms, sc, x.Bounds)
		body, l2 := cp.expr(ms, inner, x.Body)
		if x.Op == "CHOOSE" {
			return &choose{bound: bs[0], body: body, loc: at}, maxLvl(l1, l2)
		}
		return &quant{all: x.Op == "\\A", bounds: bs, body: body, loc: at}, maxLvl(l1, l2)
	case *syntax.SetEnum:
		ns, l := cp.exprs(ms, sc, x.Elems)
		return &setEnum{xs: ns}, l
	case *syntax.SetFilter:
		bs, inner, l1 := cp.bounds(ms, sc, []syntax.Bound{x.Bound})
		p, l2 := cp.expr(ms, inner, x.Pred)
		return &setFilter{bound: bs[0], pred: p, loc: at}, maxLvl(l1, l2)
	case *syntax.SetMap:
		bs, inner, l1 := cp.bounds(ms, sc, x.Bounds)
		el, l2 := cp.expr(ms, inner, x.Elem)
		return &setMap{elem: el, bounds: bs, loc: at}, maxLvl(l1, l2)
	case *syntax.FuncCons:
		// the domain is one product: every bound's set is evaluated in the
		// outer scope (funcCons.eval), so it is compiled there
		bs, inner, l1 := cp.bounds(ms, sc, x.Bounds)
		for i, b := range flatBounds(x.Bounds) {
			if b.Set != nil {
				bs[i].set, _ = cp.expr(ms, sc, b.Set)
			}
		}
		for _, b := range bs {
			if b.set == nil {
				cp.errorf(at, "function constructor needs bounded variables")
				return &lit{v: false}, 0
			}
		}
		body, l2 := cp.expr(ms, inner, x.Body)
		return &funcCons{bounds: bs, body: body, loc: at}, maxLvl(l1, l2)
	case *syntax.FuncSet:
		d, l1 := cp.expr(ms, sc, x.Dom)
		r, l2 := cp.expr(ms, sc, x.Rng)
		return &funcSet{dom: d, rng: r}, maxLvl(l1, l2)
	case *syntax.Record:
		if dup := dupName(x.Fields); dup != "" {
			cp.errorf(at, "duplicate field %s in record", dup)
		}
		ns, l := cp.exprs(ms, sc, x.Vals)
		return &record{names: x.Fields, vals: ns}, l
	case *syntax.RecordSet:
		if dup := dupName(x.Fields); dup != "" {
			cp.errorf(at, "duplicate field %s in record set", dup)
		}
		ns, l := cp.exprs(ms, sc, x.Sets)
		idx := make([]int, len(x.Fields))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(i, j int) bool { return x.Fields[idx[i]] < x.Fields[idx[j]] })
		n := &recordSet{}
		for _, i := range idx {
			n.names = append(n.names, x.Fields[i])
			n.sets = append(n.sets, ns[i])
		}
		return n, l
	case *syntax.Except:
		f, lvl := cp.expr(ms, sc, x.F)
		n := &except{f: f, loc: at}
		for _, u := range x.Updates {
			var cu exceptUpd
			for _, s := range u.Path {
				if s.Args == nil {
					cu.path = append(cu.path, []node{&lit{v: Str(s.Field)}})
					continue
				}
				ns, l := cp.exprs(ms, sc, s.Args)
				cu.path = append(cu.path, ns)
				lvl = maxLvl(lvl, l)
			}
			v, l := cp.expr(ms, sc.push("@"), u.Val)
			cu.val, lvl = v, maxLvl(lvl, l)
			n.upds = append(n.upds, cu)
		}
		return n, lvl
	case *syntax.App:
		f, l1 := cp.expr(ms, sc, x.F)
		as, l2 := cp.exprs(ms, sc, x.Args)
		return &app{f: f, args: as, loc: at}, maxLvl(l1, l2)
	case *syntax.Dot:
		r, l := cp.expr(ms, sc, x.X)
		return &dot{x: r, field: x.Field, loc: at}, l
	case *syntax.Tuple:
		ns, l := cp.exprs(ms, sc, x.Elems)
		return &tuple{xs: ns}, l
	case *syntax.Product:
		ns, l := cp.exprs(ms, sc, x.Sets)
		return &product{sets: ns}, l
	case *syntax.Sub:
		a, l1 := cp.exprBelow(ms, sc, x.A, lvlAction)
		v, l2 := cp.exprBelow(ms, sc, x.V, lvlState)
		op := "$SquareAct"
		if !x.Box {
			op = "$AngleAct"
		}
		cp.levelArg(at, op, 1, l1, lvlAction)
		cp.levelArg(at, op, 2, l2, lvlState)
		return &sub{box: x.Box, a: a, v: v, loc: at}, maxLvl(maxLvl(l1, l2), lvlAction)
	case *syntax.Fair:
		v, l1 := cp.exprBelow(ms, sc, x.V, lvlState)
		a, l2 := cp.exprBelow(ms, sc, x.A, lvlAction)
		op := "$WF"
		if x.Op == "SF_" {
			op = "$SF"
		}
		cp.levelArg(at, op, 1, l1, lvlState)
		cp.levelArg(at, op, 2, l2, lvlAction)
		return &temporal{op: x.Op, xs: []node{v, a}, outer: ms.varSubsts(), loc: at}, lvlTemporal
	case *syntax.AtSign:
		if _, d, ok := sc.lookup("@"); ok {
			cp.use(sc, d)
			return &envRef{depth: d, name: "@"}, 0
		}
		cp.errorf(at, "@ used outside an EXCEPT")
		return &lit{v: false}, 0
	case *syntax.Lambda:
		cp.errorf(at, "LAMBDA can only be an operator argument")
		return &lit{v: false}, 0
	case *syntax.OpArg:
		cp.errorf(at, "operator %s used as a value", x.Name)
		return &lit{v: false}, 0
	}
	cp.errorf(at, "not supported: expression %T", e)
	return &lit{v: false}, 0
}

// levelArg reports, as SANY, an argument whose level exceeds the one
// the operator allows.
func (cp *compiler) levelArg(at loc, op string, i, lvl, max int) {
	if lvl > max {
		cp.errorf(at, "Level error in applying operator %s: The level of argument %d exceeds the maximum level allowed by the operator.", op, i)
	}
}

// flatBounds lists bounds as cp.bounds compiles them: x, y \in S is two.
func flatBounds(bs []syntax.Bound) []syntax.Bound {
	var out []syntax.Bound
	for _, b := range bs {
		if b.Tuple {
			out = append(out, b)
			continue
		}
		for range b.Names {
			out = append(out, b)
		}
	}
	return out
}

func dupName(names []string) string {
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return n
		}
		seen[n] = true
	}
	return ""
}

func (cp *compiler) unary(ms *modScope, sc *scope, x *syntax.Unary, at loc) (node, int) {
	switch x.Op {
	case "^+", "^*", "^#": // user-defined postfix operators
		return cp.opCall(ms, sc, x.Op, []syntax.Expr{x.X}, at)
	case "-":
		if n, ok := x.X.(*syntax.Num); ok {
			if _, ok := ms.syms["-."]; ok {
				v, err := strconv.ParseInt(n.Val, 10, 64)
				if err == nil && -v >= minInt {
					return &lit{v: Int(-v)}, 0
				}
			}
		}
		return cp.opCall(ms, sc, "-.", []syntax.Expr{x.X}, at)
	}
	switch x.Op {
	case "'", "UNCHANGED":
		defer cp.lower(lvlState)()
	case "ENABLED":
		defer cp.lower(lvlAction)()
	}
	a, l := cp.expr(ms, sc, x.X)
	switch x.Op {
	case "'":
		if l >= lvlAction {
			cp.errorf(at, "prime applied to an action-level expression")
		}
		return &prime{x: a, loc: at}, lvlAction
	case "~":
		return &not{x: a, loc: at}, l
	case "UNCHANGED":
		cp.levelArg(at, "UNCHANGED", 1, l, lvlState)
		return &unchanged{x: a, loc: at}, lvlAction
	case "ENABLED":
		cp.levelArg(at, "ENABLED", 1, l, lvlAction)
		return &enabled{x: a, outer: ms.varSubsts(), loc: at}, lvlState
	case "SUBSET":
		return &unaryFn{x: a, fn: func(v Value, at loc) Value {
			if !isSetLike(v) {
				at.failf("SUBSET applied to the non-set %s", Format(v))
			}
			return &SubsetSet{base: v}
		}, loc: at}, l
	case "UNION":
		if se, ok := a.(*setEnum); ok && len(se.xs) > 0 {
			// UNION {A, B} is A \cup B: the members need not be enumerable
			return &unionEnum{xs: se.xs, loc: at}, l
		}
		return &unaryFn{x: a, fn: func(v Value, at loc) Value {
			var parts []Value
			forEach(v, at, func(s Value) bool {
				parts = append(parts, s)
				return false
			})
			return unionOf(parts, at)
		}, loc: at}, l
	case "DOMAIN":
		return &domainOf{x: a, loc: at}, l
	case "[]", "<>":
		// SANY's check is syntactic: []Nxt is refused even when Nxt is [A]_v
		if sb, ok := x.X.(*syntax.Sub); l == lvlAction && (!ok || sb.Box != (x.Op == "[]")) {
			if x.Op == "[]" {
				cp.errorf(at, "[] followed by action not of form [A]_v.")
			} else {
				cp.errorf(at, "<> followed by action not of form <<A>>_v.")
			}
		}
		return &temporal{op: x.Op, xs: []node{a}, loc: at}, lvlTemporal
	}
	cp.errorf(at, "not supported: prefix operator %s", x.Op)
	return &lit{v: false}, 0
}

func (cp *compiler) binary(ms *modScope, sc *scope, x *syntax.Binary, at loc) (node, int) {
	switch x.Op {
	case "=", "#", "\\in", "\\notin", "\\subseteq", "\\cup", "\\cap", "\\":
		defer cp.lower(lvlAction)()
	case "=>", "<=>", "~>", "-+->":
	default:
		return cp.opCall(ms, sc, x.Op, []syntax.Expr{x.X, x.Y}, at)
	}
	a, l1 := cp.expr(ms, sc, x.X)
	b, l2 := cp.expr(ms, sc, x.Y)
	l := maxLvl(l1, l2)
	switch x.Op {
	case "=":
		return &eq{x: a, y: b, loc: at}, l
	case "#":
		return &eq{x: a, y: b, neg: true, loc: at}, l
	case "\\in":
		return &in{x: a, s: b, loc: at}, l
	case "\\notin":
		return &in{x: a, s: b, neg: true, loc: at}, l
	case "=>":
		return &implies{x: a, y: b, loc: at}, l
	case "<=>":
		return &equiv{x: a, y: b, loc: at}, l
	case "\\subseteq":
		return &binaryFn{x: a, y: b, fn: subseteq, loc: at}, l
	case "\\cup":
		return &binaryFn{x: a, y: b, fn: func(p, q Value, at loc) Value {
			if !isFinite(p) || !isFinite(q) || isSymbolicSet(p) || isSymbolicSet(q) {
				// lazy, as TLC's SetCupValue: membership in
				// [A -> B] \cup [C -> D] enumerates neither
				checkSet(p, at)
				checkSet(q, at)
				return &CupSet{a: p, b: q}
			}
			return union(toSet(p, at), toSet(q, at))
		}, loc: at}, l
	case "\\cap":
		return &binaryFn{x: a, y: b, fn: func(p, q Value, at loc) Value {
			if !isFinite(p) && !isFinite(q) {
				checkSet(p, at)
				checkSet(q, at)
				return &CapSet{a: p, b: q}
			}
			if !isFinite(p) {
				p, q = q, p
			}
			if !isFinite(q) {
				var out []Value
				forEach(p, at, func(v Value) bool {
					if member(v, q, at) {
						out = append(out, v)
					}
					return false
				})
				return mkSet(out)
			}
			return intersect(toSet(p, at), toSet(q, at))
		}, loc: at}, l
	case "\\":
		return &binaryFn{x: a, y: b, fn: func(p, q Value, at loc) Value {
			if !isFinite(p) {
				checkSet(q, at)
				return &DiffSet{a: p, b: q}
			}
			var out []Value
			forEach(p, at, func(v Value) bool {
				if !member(v, q, at) {
					out = append(out, v)
				}
				return false
			})
			return &Set{elems: out}
		}, loc: at}, l
	}
	return &temporal{op: x.Op, xs: []node{a, b}, loc: at}, lvlTemporal
}

// nativeInfix are the infix operators the compiler implements itself
// rather than through a module's symbol table.
var nativeInfix = map[string]bool{
	"=": true, "#": true, "\\in": true, "\\notin": true, "=>": true, "<=>": true, "\\subseteq": true,
	"\\cup": true, "\\cap": true, "\\": true, "/\\": true, "\\/": true,
}

func checkSet(v Value, at loc) {
	if !isSetLike(v) {
		at.failf("Attempted to use the non-set %s as a set", Format(v))
	}
}

func subseteq(p, q Value, at loc) Value {
	ok := true
	forEach(p, at, func(v Value) bool {
		if !member(v, q, at) {
			ok = false
			return true
		}
		return false
	})
	return ok
}
