package syntax

import (
	"fmt"
)

type prec struct {
	lo, hi int
	left   bool
}

// infix operator precedence ranges (Specifying Systems, table 6).
var infix = map[string]prec{
	"=>": {1, 1, false}, "<=>": {2, 2, false}, "~>": {2, 2, false}, "-+->": {2, 2, false},
	"/\\": {3, 3, true}, "\\/": {3, 3, true},
	"=": {5, 5, false}, "#": {5, 5, false}, "<": {5, 5, false}, ">": {5, 5, false},
	"=<": {5, 5, false}, ">=": {5, 5, false}, "\\in": {5, 5, false}, "\\notin": {5, 5, false},
	"\\subseteq": {5, 5, false}, "\\subset": {5, 5, false}, "\\supseteq": {5, 5, false},
	"\\supset": {5, 5, false}, "\\prec": {5, 5, false}, "\\succ": {5, 5, false},
	"\\preceq": {5, 5, false}, "\\succeq": {5, 5, false}, "\\sim": {5, 5, false},
	"\\simeq": {5, 5, false}, "\\approx": {5, 5, false}, "\\cong": {5, 5, false},
	"\\doteq": {5, 5, false}, "\\propto": {5, 5, false}, "\\asymp": {5, 5, false},
	"\\ll": {5, 5, false}, "\\gg": {5, 5, false}, "\\sqsubset": {5, 5, false},
	"\\sqsupset": {5, 5, false}, "\\sqsubseteq": {5, 5, false}, "\\sqsupseteq": {5, 5, false},
	"|-": {5, 5, false}, "|=": {5, 5, false}, "-|": {5, 5, false}, "=|": {5, 5, false},
	"::=": {5, 5, false}, ":=": {5, 5, false},
	"@@": {6, 6, true}, ":>": {7, 7, false}, "<:": {7, 7, false},
	"\\cup": {8, 8, true}, "\\cap": {8, 8, true}, "\\": {8, 8, false},
	"..": {9, 9, false}, "...": {9, 9, false},
	"!!": {9, 13, false}, "$": {9, 13, true}, "$$": {9, 13, true}, "??": {9, 13, true},
	"\\sqcap": {9, 13, true}, "\\sqcup": {9, 13, true}, "\\uplus": {9, 13, true},
	"\\wr": {9, 14, false},
	"+":    {10, 10, true}, "++": {10, 10, true}, "(+)": {10, 10, true}, "\\oplus": {10, 10, true},
	"%": {10, 11, false}, "%%": {10, 11, true}, "|": {10, 11, true}, "||": {10, 11, true},
	"-": {11, 11, true}, "--": {11, 11, true}, "(-)": {11, 11, true}, "\\ominus": {11, 11, true},
	"*": {13, 13, true}, "**": {13, 13, true}, "/": {13, 13, false}, "//": {13, 13, false},
	"\\o": {13, 13, true}, "\\div": {13, 13, false}, "&": {13, 13, true}, "&&": {13, 13, true},
	"(.)": {13, 13, true}, "(/)": {13, 13, false}, "\\odot": {13, 13, true},
	"\\oslash": {13, 13, false}, "\\otimes": {13, 13, true}, "\\star": {13, 13, true},
	"\\bullet": {13, 13, true}, "\\bigcirc": {13, 13, true},
	"^": {14, 14, false}, "^^": {14, 14, false},
	"\\cdot": {5, 14, true},
	"\\X":    {10, 13, true},
}

// prefix operators: operand is parsed at hi+1.
var prefix = map[string]prec{
	"~": {4, 4, false}, "ENABLED": {4, 15, false}, "UNCHANGED": {4, 15, false},
	"[]": {4, 15, false}, "<>": {4, 15, false}, "SUBSET": {8, 8, false},
	"UNION": {8, 8, false}, "DOMAIN": {9, 9, false}, "-": {12, 12, false},
}

// IsInfix reports whether name is a user-definable infix operator symbol.
func IsInfix(name string) bool { _, ok := infix[name]; return ok }

// postfixOps are the user-definable postfix operators (precedence 15, as
// prime): a ^+ == ..., then e^+.
var postfixOps = map[string]bool{"^+": true, "^*": true, "^#": true}

// IsPostfix reports whether name is a user-definable postfix operator symbol.
func IsPostfix(name string) bool { return postfixOps[name] }

type parser struct {
	toks   []Token
	i      int
	file   string
	fences []int
	// labels collects the labels of the definition being parsed
	labels map[string]Expr
}

type bailout struct{ err *Error }

// ParseModule parses one module source.
func ParseModule(file, src string) (m *Module, err error) {
	toks, lerr := Lex(file, src)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{toks: toks, file: file}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			m, err = nil, b.err
		}
	}()
	return p.module(), nil
}

// ParseExpr parses a standalone expression (used by tests and the config reader).
func ParseExpr(src string) (e Expr, err error) {
	toks, lerr := lexExpr(src)
	if lerr != nil {
		return nil, lerr
	}
	p := &parser{toks: toks}
	defer func() {
		if r := recover(); r != nil {
			b, ok := r.(bailout)
			if !ok {
				panic(r)
			}
			e, err = nil, b.err
		}
	}()
	e = p.expr(0)
	if t := p.peek(); t.Kind != EOF {
		p.failf(t.Pos, "unexpected %s", t)
	}
	return e, nil
}

func lexExpr(src string) ([]Token, error) {
	lx := &lexer{src: src, line: 1, col: 1}
	var toks []Token
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		toks = append(toks, t)
		if t.Kind == EOF {
			return toks, nil
		}
	}
}

func (p *parser) failf(pos Pos, format string, args ...any) {
	panic(bailout{&Error{File: p.file, Pos: pos, Msg: fmt.Sprintf(format, args...)}})
}

// peek returns the current token, or a virtual EOF if it lies at or left of
// the innermost junction bullet's column.
func (p *parser) peek() Token {
	t := p.toks[p.i]
	if n := len(p.fences); n > 0 && t.Kind != EOF && t.Pos.Col <= p.fences[n-1] {
		return Token{Kind: EOF, Pos: t.Pos, End: t.Pos}
	}
	return t
}

func (p *parser) peekAt(k int) Token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() Token {
	t := p.peek()
	if t.Kind != EOF {
		p.i++
	}
	return t
}

func (p *parser) is(text string) bool {
	t := p.peek()
	return (t.Kind == Op || t.Kind == Keyword) && t.Text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.next()
		return true
	}
	return false
}

func (p *parser) expect(text string) Token {
	t := p.peek()
	if (t.Kind == Op || t.Kind == Keyword) && t.Text == text {
		return p.next()
	}
	p.failf(t.Pos, "expected %s but found %s", text, t)
	return t
}

func (p *parser) ident() Token {
	t := p.peek()
	if t.Kind != Ident {
		p.failf(t.Pos, "expected identifier but found %s", t)
	}
	return p.next()
}

func (p *parser) module() *Module {
	if t := p.next(); t.Kind != Sep {
		p.failf(t.Pos, "expected ---- MODULE")
	}
	start := p.expect("MODULE")
	name := p.ident()
	if t := p.next(); t.Kind != Sep {
		p.failf(t.Pos, "expected ---- after module name")
	}
	m := &Module{Name: name.Text, File: p.file, P: start.Pos}
	p.moduleBody(m)
	return m
}

// moduleBody parses what follows ---- MODULE Name ----, up to and including
// the closing ====.
func (p *parser) moduleBody(m *Module) {
	if p.accept("EXTENDS") {
		for {
			t := p.ident()
			m.Extends = append(m.Extends, t.Text)
			m.ExtendsPos = append(m.ExtendsPos, t.Pos)
			if !p.accept(",") {
				break
			}
		}
	}
	for {
		t := p.peek()
		switch {
		case t.Kind == End:
			p.next()
			return
		case t.Kind == EOF:
			p.failf(t.Pos, "missing ==== at end of module %s", m.Name)
		case t.Kind == Sep:
			p.next()
			if p.is("MODULE") {
				// a submodule: it sees the declarations and definitions
				// of this module that precede it
				start := p.next()
				name := p.ident()
				if t := p.next(); t.Kind != Sep {
					p.failf(t.Pos, "expected ---- after module name")
				}
				inner := &Module{Name: name.Text, File: p.file, P: start.Pos, Outer: m, OuterAt: len(m.Order)}
				p.moduleBody(inner)
				m.Nested = append(m.Nested, inner)
			}
		default:
			p.unit(m)
		}
	}
}

func (p *parser) unit(m *Module) {
	t := p.peek()
	local := false
	if t.Kind == Keyword && t.Text == "LOCAL" {
		p.next()
		local = true
		t = p.peek()
	}
	if t.Kind == Keyword {
		switch t.Text {
		case "CONSTANT", "CONSTANTS":
			p.next()
			for {
				m.Constants = append(m.Constants, p.opDecl())
				if !p.accept(",") {
					return
				}
			}
		case "VARIABLE", "VARIABLES":
			p.next()
			for {
				v := p.ident()
				m.Variables = append(m.Variables, Param{Name: v.Text, P: v.Pos})
				if !p.accept(",") {
					return
				}
			}
		case "ASSUME", "ASSUMPTION", "AXIOM":
			m.AssumePos = append(m.AssumePos, p.next().Pos)
			var name Token
			if p.peek().Kind == Ident && p.peekAt(1).Text == "==" {
				name = p.next()
				p.next()
			}
			start := p.peek().Pos
			e := p.expr(0)
			m.Assumes = append(m.Assumes, e)
			if name.Text != "" { // a named assumption is also a definition
				d := &OpDef{Name: name.Text, Body: e, P: name.Pos, BodyPos: start, End: p.toks[p.i-1].End}
				m.Defs = append(m.Defs, d)
				m.Order = append(m.Order, d)
			}
			return
		case "THEOREM", "LEMMA", "PROPOSITION", "COROLLARY":
			// parsed for syntax, then ignored: TLC does not check proofs
			p.next()
			var name Token
			if p.peek().Kind == Ident && p.peekAt(1).Text == "==" {
				name = p.next()
				p.next()
			}
			start := p.peek().Pos
			if e := p.assumeProve(); e != nil && name.Text != "" {
				// a named theorem stands for its statement, as in SANY
				d := &OpDef{Name: name.Text, Body: e, P: name.Pos, BodyPos: start, End: p.toks[p.i-1].End}
				m.Defs = append(m.Defs, d)
				m.Order = append(m.Order, d)
			}
			if p.proofStarts() {
				p.proof()
			}
			return
		case "USE", "HIDE":
			p.next()
			p.usable()
			return
		case "RECURSIVE":
			p.next()
			for {
				m.Recursive = append(m.Recursive, p.opDecl())
				if !p.accept(",") {
					return
				}
			}
		case "INSTANCE":
			in := p.instance()
			in.Local = local
			m.Instances = append(m.Instances, in)
			m.Order = append(m.Order, in)
			return
		}
		p.failf(t.Pos, "unexpected %s", t)
	}
	d, in := p.definition()
	if d != nil {
		d.Local = local
		m.Defs = append(m.Defs, d)
		m.Order = append(m.Order, d)
	} else {
		in.Local = local
		m.Instances = append(m.Instances, in)
		m.Order = append(m.Order, in)
	}
}

// opDecl parses x, F(_, _) or an infix declaration _ + _.
func (p *parser) opDecl() Param {
	t := p.peek()
	if t.Kind == Op && t.Text == "_" {
		p.next()
		op := p.next()
		if IsPostfix(op.Text) {
			return Param{Name: op.Text, Arity: 1, P: op.Pos}
		}
		p.expect("_")
		return Param{Name: op.Text, Arity: 2, P: op.Pos}
	}
	id := p.ident()
	pr := Param{Name: id.Text, P: id.Pos}
	if p.accept("(") {
		for {
			p.expect("_")
			pr.Arity++
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
	}
	return pr
}

func (p *parser) instance() *Instance {
	t := p.expect("INSTANCE")
	in := &Instance{Module: p.ident().Text, P: t.Pos}
	if p.accept("WITH") {
		for {
			n := p.peek()
			var name string
			if n.Kind == Ident {
				name = p.next().Text
			} else if n.Kind == Op && IsInfix(n.Text) {
				name = p.next().Text
			} else {
				p.failf(n.Pos, "expected identifier but found %s", n)
			}
			p.expect("<-")
			in.Subst = append(in.Subst, Subst{Name: name, Expr: p.argExpr(), P: n.Pos})
			if !p.accept(",") {
				break
			}
		}
	}
	return in
}

// definition parses an operator, function or infix definition, or a named instance.
func (p *parser) definition() (*OpDef, *Instance) {
	t := p.peek()
	d := &OpDef{P: t.Pos}
	if t.Kind == Ident && p.peekAt(1).Kind == Op && IsInfix(p.peekAt(1).Text) && p.peekAt(2).Kind == Ident && p.peekAt(3).Text == "==" {
		a := p.next()
		op := p.next()
		b := p.next()
		p.next()
		d.Name = op.Text
		d.Params = []Param{{Name: a.Text, P: a.Pos}, {Name: b.Text, P: b.Pos}}
		d.BodyPos = p.peek().Pos
		d.Body = p.expr(0)
		d.End = p.toks[p.i-1].End
		return d, nil
	}
	if t.Kind == Ident && p.peekAt(1).Kind == Op && IsPostfix(p.peekAt(1).Text) && p.peekAt(2).Text == "==" {
		a := p.next()
		op := p.next()
		p.next()
		d.Name = op.Text
		d.Params = []Param{{Name: a.Text, P: a.Pos}}
		d.BodyPos = p.peek().Pos
		d.Body = p.expr(0)
		d.End = p.toks[p.i-1].End
		return d, nil
	}
	id := p.ident()
	d.Name = id.Text
	switch {
	case p.accept("("):
		for {
			if p.is("_") { // an operator parameter written _ op _ or _ op
				p.next()
				op := p.next()
				pr := Param{Name: op.Text, Arity: 1, P: op.Pos}
				if p.accept("_") {
					pr.Arity = 2
				}
				d.Params = append(d.Params, pr)
				if !p.accept(",") {
					break
				}
				continue
			}
			if t := p.peek(); t.Kind == Op && p.peekAt(1).Text == "_" { // op _
				p.next()
				p.next()
				d.Params = append(d.Params, Param{Name: t.Text, Arity: 1, P: t.Pos})
				if !p.accept(",") {
					break
				}
				continue
			}
			n := p.ident()
			pr := Param{Name: n.Text, P: n.Pos}
			if p.accept("(") {
				for {
					p.expect("_")
					pr.Arity++
					if !p.accept(",") {
						break
					}
				}
				p.expect(")")
			}
			d.Params = append(d.Params, pr)
			if !p.accept(",") {
				break
			}
		}
		p.expect(")")
	case p.is("["):
		lb := p.next()
		bs := p.bounds(false)
		p.expect("]")
		p.expect("==")
		d.IsFunc = true
		d.BodyPos = p.peek().Pos
		d.Body = &FuncCons{P: lb.Pos, Bounds: bs, Body: p.expr(0)}
		d.End = p.toks[p.i-1].End
		return d, nil
	}
	p.expect("==")
	if p.is("INSTANCE") {
		in := p.instance()
		in.Name = d.Name
		in.Params = d.Params
		in.P = d.P
		return nil, in
	}
	d.BodyPos = p.peek().Pos
	outer := p.labels
	p.labels = map[string]Expr{}
	d.Body = p.expr(0)
	d.Labels, p.labels = p.labels, outer
	d.End = p.toks[p.i-1].End
	return d, nil
}

// bounds parses x \in S, <<a, b>> \in T, y, z \in U (or unbounded names).
func (p *parser) bounds(unbounded bool) []Bound {
	var bs []Bound
	for {
		t := p.peek()
		b := Bound{P: t.Pos}
		if p.accept("<<") {
			b.Tuple = true
			for {
				id := p.ident()
				b.Names, b.NamePos = append(b.Names, id.Text), append(b.NamePos, id.Pos)
				if !p.accept(",") {
					break
				}
			}
			p.expect(">>")
		} else {
			id := p.ident()
			b.Names, b.NamePos = append(b.Names, id.Text), append(b.NamePos, id.Pos)
			for p.is(",") && p.peekAt(1).Kind == Ident && (p.peekAt(2).Text == "," || p.peekAt(2).Text == "\\in" || unbounded && p.peekAt(2).Text == ":") {
				p.next()
				id := p.ident()
				b.Names, b.NamePos = append(b.Names, id.Text), append(b.NamePos, id.Pos)
			}
		}
		if p.accept("\\in") {
			b.Set = p.expr(0)
		} else if !unbounded || b.Tuple {
			n := p.peek()
			p.failf(n.Pos, "expected \\in but found %s", n)
		}
		bs = append(bs, b)
		if !p.is(",") {
			return bs
		}
		p.next()
	}
}

func overlap(a, b prec) bool { return a.lo <= b.hi && b.lo <= a.hi }

// expr parses an expression whose infix operators all have precedence >= min.
func (p *parser) expr(min int) Expr {
	left := p.prefixExpr()
	var last string
	for {
		t := p.peek()
		if t.Kind != Op {
			return left
		}
		pr, ok := infix[t.Text]
		if !ok || pr.lo < min {
			return left
		}
		if last != "" {
			lp := infix[last]
			if overlap(lp, pr) && !(last == t.Text && pr.left) {
				p.failf(t.Pos, "precedence conflict between %s and %s", last, t.Text)
			}
		}
		p.next()
		if t.Text == "\\X" {
			sets := []Expr{left, p.expr(pr.hi + 1)}
			for p.is("\\X") {
				p.next()
				sets = append(sets, p.expr(pr.hi+1))
			}
			left = &Product{P: t.Pos, Sets: sets}
			last = t.Text
			continue
		}
		right := p.expr(pr.hi + 1)
		if (t.Text == "/\\" || t.Text == "\\/") && true {
			if j, ok := left.(*Junction); ok && j.Op == t.Text && last == t.Text {
				j.Items = append(j.Items, right)
			} else {
				left = &Junction{P: t.Pos, Op: t.Text, Items: []Expr{left, right}}
			}
		} else {
			left = &Binary{P: t.Pos, Op: t.Text, X: left, Y: right}
		}
		last = t.Text
	}
}

func (p *parser) prefixExpr() Expr {
	if name := p.skipLabel(); name != "" {
		// a label covers the expression after it, as far as it extends
		x := p.expr(0)
		if p.labels != nil && name != "\x00" {
			p.labels[name] = x
		}
		return x
	}
	t := p.peek()
	if t.Kind == Op || t.Kind == Keyword {
		switch t.Text {
		case "/\\", "\\/":
			return p.junction()
		}
		if pr, ok := prefix[t.Text]; ok {
			p.next()
			x := p.expr(pr.hi + 1)
			return &Unary{P: t.Pos, Op: t.Text, X: x}
		}
	}
	return p.postfix(p.primary())
}

func (p *parser) junction() Expr {
	b := p.next()
	j := &Junction{P: b.Pos, Op: b.Text}
	for {
		p.fences = append(p.fences, b.Pos.Col)
		item := p.expr(0)
		p.fences = p.fences[:len(p.fences)-1]
		j.Items = append(j.Items, item)
		n := p.peek()
		if n.Kind == Op && n.Text == b.Text && n.Pos.Col == b.Pos.Col {
			p.next()
			continue
		}
		return j
	}
}

func (p *parser) postfix(e Expr) Expr {
	for {
		t := p.peek()
		if t.Kind != Op {
			return e
		}
		switch t.Text {
		case "'", "^+", "^*", "^#":
			p.next()
			e = &Unary{P: t.Pos, Op: t.Text, X: e}
		case "[":
			p.next()
			args := p.exprList("]")
			e = &App{P: t.Pos, F: e, Args: args}
		case ".":
			if n := p.peekAt(1); n.Kind == Ident || n.Kind == Number {
				p.next()
				f := p.next()
				e = &Dot{P: t.Pos, X: e, Field: f.Text}
			} else {
				return e
			}
		default:
			return e
		}
	}
}

// exprList parses e1, e2, ... up to the closing token.
func (p *parser) exprList(close string) []Expr {
	var es []Expr
	if p.accept(close) {
		return es
	}
	for {
		es = append(es, p.expr(0))
		if p.accept(close) {
			return es
		}
		p.expect(",")
	}
}

// argExpr parses an operator argument: an expression, LAMBDA, or an operator symbol.
func (p *parser) argExpr() Expr {
	t := p.peek()
	if t.Kind == Op && IsInfix(t.Text) {
		if n := p.peekAt(1); n.Kind == Op && (n.Text == "," || n.Text == ")") {
			p.next()
			return &OpArg{P: t.Pos, Name: t.Text}
		}
	}
	return p.expr(0)
}

func (p *parser) primary() Expr {
	t := p.peek()
	switch t.Kind {
	case Number:
		p.next()
		return &Num{P: t.Pos, Val: t.Text}
	case String:
		p.next()
		return &Str{P: t.Pos, Val: t.Text}
	case Ident:
		return p.ref()
	case Step: // a reference to a proof step (in BY, USE, HIDE)
		p.next()
		return &Ref{P: t.Pos, Path: []Seg{{Name: t.Text}}}
	case EOF, End, Sep:
		p.failf(t.Pos, "unexpected %s", t)
	case Keyword:
		switch t.Text {
		case "TRUE", "FALSE":
			p.next()
			return &Bool{P: t.Pos, Val: t.Text == "TRUE"}
		case "BOOLEAN", "STRING":
			p.next()
			return &Const{P: t.Pos, Name: t.Text}
		case "IF":
			p.next()
			c := p.expr(0)
			p.expect("THEN")
			th := p.expr(0)
			p.expect("ELSE")
			return &If{P: t.Pos, C: c, T: th, Else: p.expr(0)}
		case "CASE":
			p.next()
			cs := &Case{P: t.Pos}
			for {
				if p.accept("OTHER") {
					p.expect("->")
					cs.Other = p.expr(0)
					return cs
				}
				c := p.expr(0)
				p.expect("->")
				v := p.expr(0)
				cs.Arms = append(cs.Arms, CaseArm{c, v})
				if !p.accept("[]") {
					return cs
				}
			}
		case "LET":
			p.next()
			l := &Let{P: t.Pos}
			for !p.is("IN") {
				if p.accept("RECURSIVE") {
					for {
						l.Recursive = append(l.Recursive, p.opDecl())
						if !p.accept(",") {
							break
						}
					}
					continue
				}
				if p.is("INSTANCE") {
					l.Order = append(l.Order, p.instance())
					continue
				}
				d, in := p.definition()
				if in != nil {
					l.Order = append(l.Order, in)
					continue
				}
				l.Defs = append(l.Defs, d)
				l.Order = append(l.Order, d)
			}
			p.expect("IN")
			l.Body = p.expr(0)
			return l
		case "CHOOSE":
			p.next()
			bs := p.bounds(true)
			if len(bs) != 1 || len(bs[0].Names) != 1 && !bs[0].Tuple {
				p.failf(t.Pos, "CHOOSE takes a single bound")
			}
			p.expect(":")
			return &Quant{P: t.Pos, Op: "CHOOSE", Bounds: bs, Body: p.expr(0)}
		case "LAMBDA":
			p.next()
			l := &Lambda{P: t.Pos}
			for {
				l.Params = append(l.Params, p.ident().Text)
				if !p.accept(",") {
					break
				}
			}
			p.expect(":")
			l.Body = p.expr(0)
			return l
		case "WF_", "SF_":
			p.next()
			var v Expr
			if n := p.peek(); n.Kind == Ident {
				r := &Ref{P: n.Pos}
				for {
					r.Path = append(r.Path, Seg{Name: p.ident().Text})
					if !p.is("!") || p.peekAt(1).Kind != Ident {
						break
					}
					p.next()
				}
				v = r
			} else {
				v = p.primary()
			}
			p.expect("(")
			a := p.expr(0)
			p.expect(")")
			return &Fair{P: t.Pos, Op: t.Text, V: v, A: a}
		}
	case Op:
		switch t.Text {
		case "(":
			p.next()
			saved := p.fences
			p.fences = nil
			e := p.expr(0)
			p.fences = saved
			p.expect(")")
			return e
		case "\\A", "\\E":
			p.next()
			bs := p.bounds(true)
			p.expect(":")
			return &Quant{P: t.Pos, Op: t.Text, Bounds: bs, Body: p.expr(0)}
		case "\\AA", "\\EE":
			p.failf(t.Pos, "not supported: temporal quantifier %s", t.Text)
		case "{":
			return p.setExpr()
		case "[":
			return p.bracket()
		case "<<":
			p.next()
			var es []Expr
			for !p.is(">>") && !p.is(">>_") {
				es = append(es, p.expr(0))
				if !p.accept(",") {
					break
				}
			}
			if !p.accept(">>") {
				p.expect(">>_")
			}
			if p.toks[p.i-1].Text == ">>_" {
				if len(es) != 1 {
					p.failf(t.Pos, "<<A>>_v needs one action")
				}
				return &Sub{P: t.Pos, A: es[0], V: p.postfix(p.primary())}
			}
			return &Tuple{P: t.Pos, Elems: es}
		case "@":
			p.next()
			return &AtSign{P: t.Pos}
		}
	}
	p.failf(t.Pos, "unexpected %s", t)
	return nil
}

func (p *parser) ref() Expr {
	t := p.peek()
	r := &Ref{P: t.Pos}
	for {
		id := p.ident()
		s := Seg{Name: id.Text}
		if p.is("(") {
			p.next()
			for {
				s.Args = append(s.Args, p.argExpr())
				if p.accept(")") {
					break
				}
				p.expect(",")
			}
		}
		r.Path = append(r.Path, s)
		if p.is("!") && p.peekAt(1).Kind == Ident {
			p.next()
			continue
		}
		// subexpression selectors: Op!1, Op!<, Op!>, Op!:, Op!@, Op!(x)
		for p.is("!") {
			n := p.peekAt(1)
			switch {
			case n.Kind == Number, n.Kind == Op && (n.Text == "<" || n.Text == ">" || n.Text == ":" || n.Text == "@"):
				p.next()
				p.next()
				r.Path = append(r.Path, Seg{Name: "!" + n.Text})
			case n.Kind == Op && n.Text == "(":
				p.next()
				p.next()
				sel := Seg{Name: "!()"}
				if !p.accept(")") {
					sel.Args = p.exprList(")")
				}
				r.Path = append(r.Path, sel)
			case n.Kind == Ident:
				p.next()
				id := p.ident()
				seg := Seg{Name: id.Text}
				if p.accept("(") {
					seg.Args = p.exprList(")")
				}
				r.Path = append(r.Path, seg)
			default:
				return r
			}
		}
		return r
	}
}

func isBoundLHS(e Expr) bool {
	switch x := e.(type) {
	case *Ref:
		return len(x.Path) == 1 && x.Path[0].Args == nil
	case *Tuple:
		for _, el := range x.Elems {
			if r, ok := el.(*Ref); !ok || len(r.Path) != 1 || r.Path[0].Args != nil {
				return false
			}
		}
		return len(x.Elems) > 0
	}
	return false
}

func boundOf(b *Binary) Bound {
	bd := Bound{P: b.X.At(), Set: b.Y}
	switch x := b.X.(type) {
	case *Ref:
		bd.Names, bd.NamePos = []string{x.Path[0].Name}, []Pos{x.At()}
	case *Tuple:
		bd.Tuple = true
		for _, el := range x.Elems {
			bd.Names, bd.NamePos = append(bd.Names, el.(*Ref).Path[0].Name), append(bd.NamePos, el.At())
		}
	}
	return bd
}

func (p *parser) setExpr() Expr {
	t := p.expect("{")
	if p.accept("}") {
		return &SetEnum{P: t.Pos}
	}
	saved := p.fences
	p.fences = nil
	defer func() { p.fences = saved }()
	first := p.expr(0)
	if p.accept(":") {
		if b, ok := first.(*Binary); ok && b.Op == "\\in" && isBoundLHS(b.X) {
			pred := p.expr(0)
			p.expect("}")
			return &SetFilter{P: t.Pos, Bound: boundOf(b), Pred: pred}
		}
		bs := p.bounds(false)
		p.expect("}")
		return &SetMap{P: t.Pos, Elem: first, Bounds: bs}
	}
	es := []Expr{first}
	for p.accept(",") {
		es = append(es, p.expr(0))
	}
	p.expect("}")
	return &SetEnum{P: t.Pos, Elems: es}
}

// tupleBound reports whether the tokens at the cursor are <<ids>> \in.
func (p *parser) tupleBound() bool {
	if !p.is("<<") {
		return false
	}
	for k := 1; ; k += 2 {
		if p.peekAt(k).Kind != Ident {
			return false
		}
		switch p.peekAt(k + 1).Text {
		case ",":
			continue
		case ">>":
			return p.peekAt(k+2).Text == "\\in"
		default:
			return false
		}
	}
}

func (p *parser) bracket() Expr {
	t := p.expect("[")
	saved := p.fences
	p.fences = nil
	defer func() { p.fences = saved }()
	n0, n1 := p.peek(), p.peekAt(1)
	if n0.Kind == Ident && n1.Kind == Op && n1.Text == "|->" {
		r := &Record{P: t.Pos}
		for {
			f := p.ident()
			p.expect("|->")
			r.Fields = append(r.Fields, f.Text)
			r.Vals = append(r.Vals, p.expr(0))
			if !p.accept(",") {
				break
			}
		}
		p.expect("]")
		return r
	}
	if n0.Kind == Ident && n1.Kind == Op && n1.Text == ":" {
		r := &RecordSet{P: t.Pos}
		for {
			f := p.ident()
			p.expect(":")
			r.Fields = append(r.Fields, f.Text)
			r.Sets = append(r.Sets, p.expr(0))
			if !p.accept(",") {
				break
			}
		}
		p.expect("]")
		return r
	}
	if n0.Kind == Ident && n1.Kind == Op && (n1.Text == "\\in" || n1.Text == ",") || p.tupleBound() {
		bs := p.bounds(false)
		p.expect("|->")
		body := p.expr(0)
		p.expect("]")
		return &FuncCons{P: t.Pos, Bounds: bs, Body: body}
	}
	e := p.expr(0)
	switch {
	case p.accept("->"):
		r := p.expr(0)
		p.expect("]")
		return &FuncSet{P: t.Pos, Dom: e, Rng: r}
	case p.accept("EXCEPT"):
		x := &Except{P: t.Pos, F: e}
		for {
			p.expect("!")
			var u Update
			for {
				if p.accept(".") {
					u.Path = append(u.Path, Sel{Field: p.ident().Text})
				} else if p.accept("[") {
					u.Path = append(u.Path, Sel{Args: p.exprList("]")})
				} else {
					break
				}
			}
			if len(u.Path) == 0 {
				n := p.peek()
				p.failf(n.Pos, "expected . or [ after ! in EXCEPT")
			}
			p.expect("=")
			u.Val = p.expr(0)
			x.Updates = append(x.Updates, u)
			if !p.accept(",") {
				break
			}
		}
		p.expect("]")
		return x
	case p.accept("]_"):
		p.fences = saved
		return &Sub{P: t.Pos, Box: true, A: e, V: p.postfix(p.primary())}
	}
	n := p.peek()
	p.failf(n.Pos, "unexpected %s in [...]", n)
	return nil
}

// ---- proofs: parsed so that modules with proofs load, then dropped ----

// assumeProve parses ASSUME a, NEW x \in S, ... PROVE e (giving nil), or
// an expression.
func (p *parser) assumeProve() Expr {
	if !p.accept("ASSUME") {
		return p.expr(0)
	}
	for {
		switch {
		case p.is("NEW") || p.is("CONSTANT") || p.is("VARIABLE") || p.is("STATE") || p.is("ACTION") || p.is("TEMPORAL"):
			p.accept("NEW")
			for p.is("CONSTANT") || p.is("VARIABLE") || p.is("STATE") || p.is("ACTION") || p.is("TEMPORAL") {
				p.next()
			}
			p.opDecl()
			if p.accept("\\in") {
				p.expr(0)
			}
		case p.is("ASSUME"):
			p.assumeProve()
		default:
			if p.peek().Kind == Ident && p.peekAt(1).Text == "::" {
				p.next()
				p.next()
			}
			p.expr(0)
		}
		if !p.accept(",") {
			break
		}
	}
	p.expect("PROVE")
	p.expr(0)
	return nil
}

// proofStarts reports whether a proof begins at the cursor.
func (p *parser) proofStarts() bool {
	t := p.peek()
	return t.Kind == Step || t.Kind == Keyword && (t.Text == "PROOF" || t.Text == "BY" || t.Text == "OBVIOUS" || t.Text == "OMITTED")
}

// proof parses a terminal proof or a sequence of steps, each with its own
// proof; nested levels are read as one flat sequence of steps.
func (p *parser) proof() {
	p.accept("PROOF")
	if p.terminalProof() {
		return
	}
	if p.peek().Kind != Step {
		t := p.peek()
		p.failf(t.Pos, "expected a proof step but found %s", t)
	}
	for p.peek().Kind == Step {
		p.step()
	}
}

func (p *parser) terminalProof() bool {
	switch {
	case p.accept("BY"):
		p.accept("ONLY")
		p.usable()
		return true
	case p.accept("OBVIOUS"), p.accept("OMITTED"):
		return true
	}
	return false
}

// usable parses the facts and DEF names of BY, USE and HIDE.
func (p *parser) usable() {
	if !p.is("DEF") && !p.is("DEFS") {
		for {
			if p.accept("MODULE") {
				p.ident()
			} else {
				p.expr(0)
			}
			if !p.accept(",") {
				break
			}
		}
	}
	if p.accept("DEF") || p.accept("DEFS") {
		for {
			t := p.peek()
			switch {
			case p.accept("MODULE"):
				p.ident()
			case t.Kind == Op && (IsInfix(t.Text) || prefix[t.Text].hi > 0):
				p.next()
			default:
				p.ref()
			}
			if !p.accept(",") {
				break
			}
		}
	}
}

// step parses one proof step: <n>l. assertion, or QED, DEFINE, HAVE, TAKE,
// WITNESS, PICK, SUFFICES, CASE, USE, HIDE; then its proof, if any.
func (p *parser) step() {
	p.next() // the label
	switch {
	case p.accept("QED"):
	case p.accept("DEFINE"):
		p.definition()
		for p.peek().Kind == Ident && p.defAhead() {
			p.definition()
		}
	case p.accept("HAVE"), p.accept("CASE"):
		p.expr(0)
	case p.accept("TAKE"):
		p.bounds(true)
	case p.accept("WITNESS"):
		for {
			p.expr(0)
			if !p.accept(",") {
				break
			}
		}
	case p.accept("PICK"):
		p.bounds(true)
		p.expect(":")
		p.expr(0)
	case p.accept("SUFFICES"):
		p.assumeProve()
	case p.accept("USE"), p.accept("HIDE"):
		p.usable()
		return
	case p.peek().Kind == Ident && p.defAhead():
		p.definition()
		for p.peek().Kind == Ident && p.defAhead() {
			p.definition()
		}
		return
	default:
		p.assumeProve()
	}
	if p.proofStarts() && p.peek().Kind != Step {
		p.proof()
	}
}

// defAhead reports whether an operator or function definition starts at
// the cursor (Name ==, Name(...) ==, Name[...] ==, a + b ==).
func (p *parser) defAhead() bool {
	n := p.peekAt(1)
	switch n.Text {
	case "==":
		return true
	case "(", "[":
		depth := 0
		for k := 1; p.i+k < len(p.toks); k++ {
			t := p.peekAt(k)
			switch t.Text {
			case "(", "[":
				depth++
			case ")", "]":
				depth--
				if depth == 0 {
					return p.peekAt(k+1).Text == "=="
				}
			}
			if t.Kind == EOF || t.Kind == End {
				return false
			}
		}
	}
	if n.Kind == Op && IsPostfix(n.Text) && p.peekAt(2).Text == "==" {
		return true
	}
	return n.Kind == Op && IsInfix(n.Text) && p.peekAt(2).Kind == Ident && p.peekAt(3).Text == "=="
}

// skipLabel skips a label lbl:: or lbl(x, y):: before an expression; labels
// only name subexpressions for proofs.
func (p *parser) skipLabel() (name string) {
	if p.peek().Kind != Ident {
		return ""
	}
	k := 1
	if p.peekAt(1).Text == "(" {
		k = 2
		for p.peekAt(k).Kind == Ident && (p.peekAt(k+1).Text == "," || p.peekAt(k+1).Text == ")") {
			k += 2
			if p.peekAt(k-1).Text == ")" {
				break
			}
		}
		if p.peekAt(k-1).Text != ")" {
			return ""
		}
	}
	if t := p.peekAt(k); t.Kind == Op && t.Text == "::" {
		if k == 1 {
			name = p.peek().Text // a label with parameters is not recorded
		} else {
			name = "\x00"
		}
		for ; k >= 0; k-- {
			p.next()
		}
	}
	return name
}
