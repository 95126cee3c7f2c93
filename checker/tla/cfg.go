package tla

import (
	"fmt"
	"os"
	"strconv"

	"github.com/vrcheck/vrcheck/checker/tla/syntax"
)

// CfgConst is one CONSTANT entry: C = value or C <- Op.
type CfgConst struct {
	Name  string
	Value Value  // for C = value
	Subst string // for C <- Op
	// Module is set for C <- [Module] Op and C = [Module] value: C is a
	// constant or definition of Module, replaced by Op of the root module
	// or given the value.
	Module string
	Pos    syntax.Pos
}

// Config is a TLC model configuration (.cfg file).
type Config struct {
	File              string
	Consts            []CfgConst
	Init, Next, Spec  string
	Invariants        []string
	Properties        []string
	Constraints       []string
	ActionConstraints []string
	Symmetry, View    string
	CheckDeadlock     *bool
	Postconditions    []string
	Alias             string
	// names maps each name the configuration mentions to where it first
	// does, for errors about it.
	names map[string]syntax.Pos
}

// At is file:line:col of the first mention of name (the file alone if it
// is not mentioned).
func (c *Config) At(name string) string {
	if p, ok := c.names[name]; ok {
		return fmt.Sprintf("%s:%d:%d", c.File, p.Line, p.Col)
	}
	return c.File
}

// Errorf is an error about a name of the configuration, at its position.
func (c *Config) Errorf(name, format string, args ...any) error {
	return fmt.Errorf("%s: %w", c.At(name), fmt.Errorf(format, args...))
}

var cfgSections = map[string]bool{
	"CONSTANT": true, "CONSTANTS": true, "INIT": true, "NEXT": true, "SPECIFICATION": true,
	"INVARIANT": true, "INVARIANTS": true, "PROPERTY": true, "PROPERTIES": true,
	"CONSTRAINT": true, "CONSTRAINTS": true, "ACTION_CONSTRAINT": true, "ACTION_CONSTRAINTS": true,
	"SYMMETRY": true, "VIEW": true, "CHECK_DEADLOCK": true, "POSTCONDITION": true, "ALIAS": true,
}

// ReadConfig reads a .cfg file.
func ReadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return ParseConfig(path, string(b))
}

// ParseConfig parses configuration text.
func ParseConfig(file, src string) (cfg *Config, err error) {
	toks, err := syntax.LexAll(file, src)
	if err != nil {
		return nil, err
	}
	cfg = &Config{File: file, names: map[string]syntax.Pos{}}
	p := &cfgParser{toks: toks, file: file, cfg: cfg}
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(*syntax.Error); ok {
				err = e
				cfg = nil
				return
			}
			panic(r)
		}
	}()
	for p.peek().Kind != syntax.EOF {
		t := p.next()
		if !cfgSections[t.Text] {
			p.fail(t, "unexpected %s in configuration", t)
		}
		switch t.Text {
		case "CONSTANT", "CONSTANTS":
			for p.constName() {
				name := p.next()
				p.note(name)
				op := p.next()
				switch op.Text {
				case "=":
					c := CfgConst{Name: name.Text, Pos: name.Pos}
					if p.peek().Text == "[" { // C = [Module] value: C of Module
						p.next()
						c.Module = p.ident().Text
						if t := p.next(); t.Text != "]" {
							p.fail(t, "expected ] after [%s", c.Module)
						}
					}
					c.Value = p.value()
					cfg.Consts = append(cfg.Consts, c)
				case "<-":
					c := CfgConst{Name: name.Text, Pos: name.Pos}
					if p.peek().Text == "[" {
						p.next()
						c.Module = p.ident().Text
						if t := p.next(); t.Text != "]" {
							p.fail(t, "expected ] after [%s", c.Module)
						}
					}
					c.Subst = p.ident().Text
					cfg.Consts = append(cfg.Consts, c)
				default:
					p.fail(op, "expected = or <- after %s but found %s", name.Text, op)
				}
			}
		case "INIT":
			cfg.Init = p.ident().Text
		case "NEXT":
			cfg.Next = p.ident().Text
		case "SPECIFICATION":
			cfg.Spec = p.ident().Text
		case "INVARIANT", "INVARIANTS":
			cfg.Invariants = append(cfg.Invariants, p.idents()...)
		case "PROPERTY", "PROPERTIES":
			cfg.Properties = append(cfg.Properties, p.idents()...)
		case "CONSTRAINT", "CONSTRAINTS":
			cfg.Constraints = append(cfg.Constraints, p.idents()...)
		case "ACTION_CONSTRAINT", "ACTION_CONSTRAINTS":
			cfg.ActionConstraints = append(cfg.ActionConstraints, p.idents()...)
		case "SYMMETRY":
			cfg.Symmetry = p.ident().Text
		case "VIEW":
			cfg.View = p.ident().Text
		case "CHECK_DEADLOCK":
			v := p.next()
			if v.Text != "TRUE" && v.Text != "FALSE" {
				p.fail(v, "CHECK_DEADLOCK expects TRUE or FALSE")
			}
			b := v.Text == "TRUE"
			cfg.CheckDeadlock = &b
		case "POSTCONDITION":
			cfg.Postconditions = append(cfg.Postconditions, p.idents()...)
		case "ALIAS":
			cfg.Alias = p.ident().Text
		}
	}
	return cfg, nil
}

type cfgParser struct {
	toks []syntax.Token
	i    int
	file string
	cfg  *Config
}

func (p *cfgParser) note(t syntax.Token) {
	if _, ok := p.cfg.names[t.Text]; !ok {
		p.cfg.names[t.Text] = t.Pos
	}
}

// constName reports whether a CONSTANT entry starts here: a name (or an
// operator symbol, for overriding an infix operator) that is not a section.
func (p *cfgParser) constName() bool {
	t := p.peek()
	if t.Kind == syntax.Ident {
		return !cfgSections[t.Text]
	}
	if t.Kind == syntax.Op && syntax.IsInfix(t.Text) {
		n := p.toks[p.i+1]
		return n.Text == "<-" || n.Text == "="
	}
	return false
}

func (p *cfgParser) peek() syntax.Token { return p.toks[p.i] }

func (p *cfgParser) next() syntax.Token {
	t := p.toks[p.i]
	if t.Kind != syntax.EOF {
		p.i++
	}
	return t
}

func (p *cfgParser) fail(t syntax.Token, format string, args ...any) {
	panic(&syntax.Error{File: p.file, Pos: t.Pos, Msg: fmt.Sprintf(format, args...)})
}

func (p *cfgParser) ident() syntax.Token {
	t := p.next()
	if t.Kind != syntax.Ident || cfgSections[t.Text] {
		p.fail(t, "expected a name but found %s", t)
	}
	p.note(t)
	return t
}

func (p *cfgParser) idents() []string {
	var out []string
	for p.peek().Kind == syntax.Ident && !cfgSections[p.peek().Text] {
		t := p.next()
		p.note(t)
		out = append(out, t.Text)
	}
	return out
}

// value parses a configuration value: integers, strings, booleans, model
// values, and sets or tuples of them.
func (p *cfgParser) value() Value {
	t := p.next()
	switch {
	case t.Kind == syntax.Number:
		n, err := strconv.ParseInt(t.Text, 10, 64)
		if err != nil || n > maxInt {
			p.fail(t, "integer %s out of range", t.Text)
		}
		return Int(n)
	case t.Kind == syntax.Op && t.Text == "-":
		n := p.next()
		v, err := strconv.ParseInt(n.Text, 10, 64)
		if n.Kind != syntax.Number || err != nil || -v < minInt {
			p.fail(n, "expected an integer")
		}
		return Int(-v)
	case t.Kind == syntax.String:
		return Str(t.Text)
	case t.Kind == syntax.Keyword && (t.Text == "TRUE" || t.Text == "FALSE"):
		return t.Text == "TRUE"
	case t.Kind == syntax.Ident:
		return modelVal(t.Text)
	case t.Text == "{" || t.Text == "<<":
		closer := "}"
		if t.Text == "<<" {
			closer = ">>"
		}
		var vs []Value
		if p.peek().Text == closer {
			p.next()
		} else {
			for {
				vs = append(vs, p.value())
				n := p.next()
				if n.Text == closer {
					break
				}
				if n.Text != "," {
					p.fail(n, "expected , or %s", closer)
				}
			}
		}
		if closer == "}" {
			return mkSet(vs)
		}
		return seqOf(vs)
	}
	p.fail(t, "unexpected %s in a configuration value", t)
	return nil
}
