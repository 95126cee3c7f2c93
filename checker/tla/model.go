package tla

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// ErrorList is a list of positioned errors from parsing or semantic analysis.
type ErrorList []error

func (l ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// LoadOptions observes loading, for SANY-like progress output.
type LoadOptions struct {
	OnParse    func(file string)
	OnSemantic func(module string)
}

// Model is a root module with everything it depends on, compiled.
type Model struct {
	Name   string
	File   string
	vars   []*varDecl
	consts []*constDecl
	root   *modScope
	cp     *compiler
	// Out receives Print/PrintT output.
	Out io.Writer
	// stats are the running checker's counters, for TLCGet.
	stats *checker
}

// Load parses and semantically checks the module in path and every module
// it EXTENDS or INSTANCEs from the same directory.
func Load(path string, opts LoadOptions) (*Model, error) {
	dir, base := filepath.Split(path)
	name := strings.TrimSuffix(base, ".tla")
	resetStrOrder() // modelorder.go
	ld := NewLoader(dir)
	ld.OnParse = opts.OnParse
	cp := &compiler{ld: ld, plain: map[string]*modScope{}, loading: map[string]bool{}, onSemantic: opts.OnSemantic}
	root := cp.module(name, nil, nil, loc{file: path})
	if len(cp.errs) > 0 {
		return nil, ErrorList(cp.errs)
	}
	if root == nil {
		return nil, fmt.Errorf("cannot load %s", path)
	}
	return &Model{Name: name, File: root.file, vars: cp.vars, consts: cp.consts, root: root, cp: cp}, nil
}

// LoadSource compiles a module from source text; other modules are looked
// up in dir.
func LoadSource(dir, name, src string) (*Model, error) {
	resetStrOrder() // modelorder.go
	ld := NewLoader(dir)
	m, err := syntax.ParseModule(name+".tla", src)
	if err != nil {
		return nil, err
	}
	registerIdents(name+".tla", src)
	ld.parsed[name] = m
	ld.addNested(m, false)
	cp := &compiler{ld: ld, plain: map[string]*modScope{}, loading: map[string]bool{}}
	root := cp.module(name, nil, nil, loc{file: name + ".tla"})
	if len(cp.errs) > 0 {
		return nil, ErrorList(cp.errs)
	}
	return &Model{Name: name, File: root.file, vars: cp.vars, consts: cp.consts, root: root, cp: cp}, nil
}

// Variables lists the state variables in declaration order.
func (m *Model) Variables() []string {
	out := make([]string, len(m.vars))
	for i, v := range m.vars {
		out[i] = v.name
	}
	return out
}

func (m *Model) newCtx() *ctx { return &ctx{m: m, out: m.Out} }

// Eval evaluates a zero-arity definition of the root module in the
// constant context.
func (m *Model) Eval(name string) (v Value, err error) {
	defer catch(&err)
	s, ok := m.root.syms[name]
	if !ok || s.kind != symDef || s.arity != 0 {
		return nil, fmt.Errorf("no zero-arity definition %s", name)
	}
	return s.def.value(m.newCtx(), nil), nil
}

// EvalExpr compiles and evaluates an expression in the root module's
// scope, in the constant context.
func (m *Model) EvalExpr(src string) (v Value, err error) {
	n, err := m.CompileExpr(src)
	if err != nil {
		return nil, err
	}
	defer catch(&err)
	return n.eval(m.newCtx(), nil), nil
}

// CompileExpr compiles an expression in the root module's scope.
func (m *Model) CompileExpr(src string) (node, error) {
	e, err := syntax.ParseExpr(src)
	if err != nil {
		return nil, err
	}
	m.cp.errs = nil
	n, _ := m.cp.expr(m.root, &scope{}, e)
	if len(m.cp.errs) > 0 {
		return nil, ErrorList(m.cp.errs)
	}
	return n, nil
}

// SetConstant binds a CONSTANT to a value.
func (m *Model) SetConstant(name string, v Value) error {
	k := m.constant(name)
	if k == nil {
		return fmt.Errorf("%s is not a constant of %s", name, m.Name)
	}
	k.val, k.set, k.def = v, true, nil
	return nil
}

func (m *Model) constant(name string) *constDecl {
	if s, ok := m.root.syms[name]; ok && s.kind == symConst {
		return s.k
	}
	return nil
}

// checkAssumes evaluates the ASSUME clauses of every module.
func (m *Model) checkAssumes() (err error) {
	defer catch(&err)
	seen := map[*modScope]bool{}
	for _, ms := range m.cp.plain {
		if seen[ms] {
			continue
		}
		seen[ms] = true
		for i, a := range ms.assumes {
			c := m.newCtx()
			if !evalBool(c, a, nil, ms.assumeLocs[i]) {
				at := ms.assumeLocs[i]
				return &EvalError{File: at.file, Pos: at.pos, Msg: "Assumption is false."}
			}
		}
	}
	return nil
}

var errNoDef = errors.New("no such definition")

func (m *Model) lookupDef(name string) (*opDef, error) {
	s, ok := m.root.syms[name]
	if !ok || s.kind != symDef {
		return nil, fmt.Errorf("%w in module %s", errNoDef, m.Name)
	}
	return s.def, nil
}

// bind assigns the configuration's constants and applies its overrides.
func (m *Model) bind(cfg *Config) error {
	// undo the overrides of an earlier configuration
	for orig, s := range m.cp.builtins {
		*s.b = *orig
	}
	for _, d := range m.cp.defs {
		if d.saved != nil {
			d.body, d.level, d.cached, d.recursive = d.saved.body, d.saved.level, d.saved.cached, d.saved.recursive
		}
	}
	for _, k := range m.consts {
		k.set, k.val, k.def = false, nil, nil
	}
	for _, d := range m.cp.defs {
		d.mu.Lock()
		d.hasVal, d.val = false, nil
		d.fast.Store(nil)
		d.mu.Unlock()
	}
	for _, c := range cfg.Consts {
		at := fmt.Sprintf("%s:%d:%d", cfg.File, c.Pos.Line, c.Pos.Col)
		if c.Module != "" {
			scopes := m.cp.scopes[c.Module]
			if len(scopes) == 0 {
				entry := fmt.Sprintf("%s <- [%s] %s", c.Name, c.Module, c.Subst)
				if c.Subst == "" {
					entry = fmt.Sprintf("%s = [%s] %s", c.Name, c.Module, c.Value)
				}
				return fmt.Errorf("%s: %s: module %s is not used by %s", at, entry, c.Module, m.Name)
			}
			if c.Subst == "" { // C = [Module] value
				for _, ms := range scopes {
					s, ok := ms.syms[c.Name]
					if !ok {
						return fmt.Errorf("%s: %s = [%s] %s: %s is not declared in module %s", at, c.Name, c.Module, c.Value, c.Name, c.Module)
					}
					if err := assign(s, c, at); err != nil {
						return err
					}
				}
				continue
			}
			t, ok := m.root.syms[c.Subst]
			if !ok || t.kind != symDef && t.kind != symBuiltin {
				return fmt.Errorf("%s: %s <- [%s] %s: %s is not a definition of %s", at, c.Name, c.Module, c.Subst, c.Subst, m.Name)
			}
			for _, ms := range scopes {
				s, ok := ms.syms[c.Name]
				if !ok {
					return fmt.Errorf("%s: %s <- [%s] %s: %s is not defined in module %s", at, c.Name, c.Module, c.Subst, c.Name, c.Module)
				}
				if err := override(s, t, at, c); err != nil {
					return err
				}
			}
			continue
		}
		s, ok := m.root.syms[c.Name]
		if !ok {
			continue // as TLC: an assignment to a name the spec does not declare is ignored
		}
		if c.Subst != "" {
			t, ok := m.root.syms[c.Subst]
			if !ok || t.kind != symDef && t.kind != symBuiltin && t.kind != symConst {
				return fmt.Errorf("%s: %s <- %s: %s is not a definition of %s", at, c.Name, c.Subst, c.Subst, m.Name)
			}
			if err := override(s, t, at, c); err != nil {
				return err
			}
			continue
		}
		if err := assign(s, c, at); err != nil {
			return err
		}
	}
	return m.checkAssigned()
}

// checkAssigned reports the first constant the configuration left without a value.
func (m *Model) checkAssigned() error {
	for _, k := range m.consts {
		if !k.set {
			return fmt.Errorf("%s:%d:%d: The constant parameter %s is not assigned a value by the configuration file.", k.file, k.pos.Line, k.pos.Col, k.name)
		}
	}
	return nil
}

// override makes s (a constant, definition or standard operator) stand for
// t, a definition of the root module (C <- Op in the configuration).
func override(s, t *symbol, at string, c CfgConst) error {
	if t.arity != s.arity {
		return fmt.Errorf("%s: %s <- %s: %s takes %d arguments but %s takes %d", at, c.Name, c.Subst, c.Name, s.arity, c.Subst, t.arity)
	}
	var fn func(c *ctx, args []Value, at loc) Value
	switch t.kind {
	case symBuiltin:
		fn = t.b.fn
	case symConst:
		k := t.k
		fn = func(c *ctx, args []Value, at loc) Value {
			v := k.get(c, at)
			if len(args) == 0 {
				return v
			}
			return c.apply(asClosure(v, at), args, at)
		}
	default:
		d := t.def
		fn = func(c *ctx, args []Value, at loc) Value {
			if len(args) == 0 {
				return d.value(c, nil)
			}
			return c.apply(&Closure{def: d}, args, at)
		}
	}
	switch s.kind {
	case symConst:
		switch {
		case t.kind == symBuiltin:
			s.k.val, s.k.set = &Closure{b: t.b}, true
		case t.kind == symConst:
			tk := t.k
			if s.arity == 0 {
				s.k.def, s.k.set = &opDef{name: c.Subst, body: &constRef{k: tk}}, true
			} else {
				if !tk.set {
					return fmt.Errorf("%s: %s <- %s: %s has no value yet", at, c.Name, c.Subst, c.Subst)
				}
				s.k.val, s.k.set = tk.val, true
			}
		case s.arity == 0:
			s.k.def, s.k.set = t.def, true
		default:
			s.k.val, s.k.set = &Closure{def: t.def}, true
		}
	case symDef:
		s.def.save()
		if t.kind == symDef {
			d := t.def
			s.def.body, s.def.level, s.def.cached, s.def.hasVal = d.body, d.level, d.cached, false
			s.def.recursive = d.recursive
			s.def.fast.Store(nil)
			break
		}
		// a standard operator or constant: call it through a builtin
		b := &builtin{name: c.Subst, arity: s.arity, fn: fn}
		s.def.body, s.def.level, s.def.cached, s.def.hasVal = &builtinCall{b: b, args: paramRefs(s.arity)}, lvlConst, false, false
		s.def.fast.Store(nil)
	case symBuiltin:
		s.b.konst = nil
		s.b.fn = fn
	default:
		return fmt.Errorf("%s: cannot substitute %s", at, c.Name)
	}
	return nil
}

// paramRefs reads the n parameters of an operator body, in order.
func paramRefs(n int) []node {
	out := make([]node, n)
	for i := range out {
		out[i] = &envRef{depth: n - 1 - i}
	}
	return out
}

// savedDef is a definition as compiled, before the configuration replaced it.
type savedDef struct {
	body      node
	level     int
	cached    bool
	recursive bool
}

func (d *opDef) save() {
	if d.saved == nil {
		d.saved = &savedDef{d.body, d.level, d.cached, d.recursive}
	}
}

// assign gives s (a constant, or a definition or standard operator without
// arguments) the value of the configuration's entry C = value.
func assign(s *symbol, c CfgConst, at string) error {
	switch s.kind {
	case symConst:
		if s.arity != 0 {
			return fmt.Errorf("%s: operator constant %s needs <- substitution", at, c.Name)
		}
		s.k.val, s.k.set, s.k.def = c.Value, true, nil
	case symDef:
		if s.arity != 0 {
			return fmt.Errorf("%s: cannot assign a value to operator %s", at, c.Name)
		}
		s.def.save()
		s.def.body, s.def.level, s.def.cached, s.def.hasVal = &lit{v: c.Value}, 0, true, false
		s.def.fast.Store(nil)
	case symBuiltin:
		if s.arity != 0 {
			return fmt.Errorf("%s: cannot assign a value to operator %s", at, c.Name)
		}
		v := c.Value
		s.b.konst = v
		s.b.fn = func(*ctx, []Value, loc) Value { return v }
	default:
		return fmt.Errorf("%s: %s is not a constant", at, c.Name)
	}
	return nil
}
