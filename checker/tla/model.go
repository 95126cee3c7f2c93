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
	ld := NewLoader(dir)
	m, err := syntax.ParseModule(name+".tla", src)
	if err != nil {
		return nil, err
	}
	ld.parsed[name] = m
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
		return nil, fmt.Errorf("%w: %s", errNoDef, name)
	}
	return s.def, nil
}
