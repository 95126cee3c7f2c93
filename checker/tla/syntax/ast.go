package syntax

// Expr is a TLA+ expression node.
type Expr interface{ At() Pos }

type (
	// Seg is one step of an operator reference path: Name(Args) or Name.
	Seg struct {
		Name string
		Args []Expr
	}
	// Ref is an identifier or operator application, possibly through
	// instances: I(a)!Op(b).
	Ref struct {
		P    Pos
		Path []Seg
	}
	Num struct {
		P   Pos
		Val string
	}
	Str struct {
		P   Pos
		Val string
	}
	Bool struct {
		P   Pos
		Val bool
	}
	// Builtin set constants BOOLEAN and STRING.
	Const struct {
		P    Pos
		Name string
	}
	Unary struct {
		P  Pos
		Op string // ~ - [] <> ENABLED UNCHANGED SUBSET UNION DOMAIN ' (prime)
		X  Expr
	}
	Binary struct {
		P    Pos
		Op   string
		X, Y Expr
	}
	// Junction is a bulleted list or an infix chain of /\ or \/.
	Junction struct {
		P     Pos
		Op    string
		Items []Expr
	}
	If struct {
		P          Pos
		C, T, Else Expr
	}
	CaseArm struct{ Cond, Val Expr }
	Case    struct {
		P     Pos
		Arms  []CaseArm
		Other Expr
	}
	Let struct {
		P         Pos
		Recursive []Param
		Defs      []*OpDef
		// Order lists Defs and INSTANCEs in source order.
		Order []any
		Body  Expr
	}
	Bound struct {
		Names []string
		Tuple bool
		Set   Expr // nil if unbounded
		P     Pos
		// NamePos holds each name's position (for SANY's multiply-defined
		// symbol errors); it may be shorter than Names.
		NamePos []Pos
	}
	// Quant is \A, \E or CHOOSE.
	Quant struct {
		P      Pos
		Op     string
		Bounds []Bound
		Body   Expr
	}
	SetEnum struct {
		P     Pos
		Elems []Expr
	}
	SetFilter struct {
		P     Pos
		Bound Bound
		Pred  Expr
	}
	SetMap struct {
		P      Pos
		Elem   Expr
		Bounds []Bound
	}
	FuncCons struct {
		P      Pos
		Bounds []Bound
		Body   Expr
	}
	FuncSet struct {
		P        Pos
		Dom, Rng Expr
	}
	Record struct {
		P      Pos
		Fields []string
		Vals   []Expr
	}
	RecordSet struct {
		P      Pos
		Fields []string
		Sets   []Expr
	}
	// Sel is one EXCEPT path step: .Field or [Args].
	Sel struct {
		Field string
		Args  []Expr
	}
	Update struct {
		Path []Sel
		Val  Expr
	}
	Except struct {
		P       Pos
		F       Expr
		Updates []Update
	}
	App struct {
		P    Pos
		F    Expr
		Args []Expr
	}
	Dot struct {
		P     Pos
		X     Expr
		Field string
	}
	Tuple struct {
		P     Pos
		Elems []Expr
	}
	// Product is S \X T \X ...
	Product struct {
		P    Pos
		Sets []Expr
	}
	// Sub is [A]_v (Box) or <<A>>_v.
	Sub struct {
		P    Pos
		Box  bool
		A, V Expr
	}
	Fair struct {
		P    Pos
		Op   string // WF_ or SF_
		V, A Expr
	}
	AtSign struct{ P Pos }
	Lambda struct {
		P      Pos
		Params []string
		Body   Expr
	}
	// OpArg is an operator symbol passed as an argument, e.g. F(+).
	OpArg struct {
		P    Pos
		Name string
	}
)

func (e *Ref) At() Pos       { return e.P }
func (e *Num) At() Pos       { return e.P }
func (e *Str) At() Pos       { return e.P }
func (e *Bool) At() Pos      { return e.P }
func (e *Const) At() Pos     { return e.P }
func (e *Unary) At() Pos     { return e.P }
func (e *Binary) At() Pos    { return e.P }
func (e *Junction) At() Pos  { return e.P }
func (e *If) At() Pos        { return e.P }
func (e *Case) At() Pos      { return e.P }
func (e *Let) At() Pos       { return e.P }
func (e *Quant) At() Pos     { return e.P }
func (e *SetEnum) At() Pos   { return e.P }
func (e *SetFilter) At() Pos { return e.P }
func (e *SetMap) At() Pos    { return e.P }
func (e *FuncCons) At() Pos  { return e.P }
func (e *FuncSet) At() Pos   { return e.P }
func (e *Record) At() Pos    { return e.P }
func (e *RecordSet) At() Pos { return e.P }
func (e *Except) At() Pos    { return e.P }
func (e *App) At() Pos       { return e.P }
func (e *Dot) At() Pos       { return e.P }
func (e *Tuple) At() Pos     { return e.P }
func (e *Product) At() Pos   { return e.P }
func (e *Sub) At() Pos       { return e.P }
func (e *Fair) At() Pos      { return e.P }
func (e *AtSign) At() Pos    { return e.P }
func (e *Lambda) At() Pos    { return e.P }
func (e *OpArg) At() Pos     { return e.P }

// Param is an operator parameter; Arity > 0 for F(_, _).
type Param struct {
	Name  string
	Arity int
	P     Pos
}

// OpDef is Name(Params) == Body. A function definition f[x \in S] == e
// has IsFunc set and Body a *FuncCons.
type OpDef struct {
	Name   string
	Params []Param
	Body   Expr
	Local  bool
	IsFunc bool
	P      Pos
	// BodyPos and End delimit the body (End is just past its last token).
	BodyPos Pos
	End     Pos
	// Labels are the body's labels without parameters (lbl:: e), for
	// Name!lbl
	Labels map[string]Expr
}

// Instance is [Name(Params) ==] INSTANCE Module WITH Subst.
type Instance struct {
	Name   string // "" for an unnamed INSTANCE
	Params []Param
	Module string
	Subst  []Subst
	Local  bool
	P      Pos
}

type Subst struct {
	Name string
	Expr Expr
	P    Pos
}

// Module is a parsed module.
type Module struct {
	Name       string
	File       string
	Extends    []string
	ExtendsPos []Pos
	Constants  []Param
	Variables  []Param
	Defs       []*OpDef
	Instances  []*Instance
	Assumes    []Expr
	AssumePos  []Pos // of each ASSUME keyword
	Recursive  []Param
	// Order lists units in source order: *OpDef or *Instance.
	Order []any
	P     Pos
	// Nested lists the submodules written inside this module. A submodule
	// has Outer set, and OuterAt is the number of units of Outer.Order that
	// precede it.
	Nested  []*Module
	Outer   *Module
	OuterAt int
}
