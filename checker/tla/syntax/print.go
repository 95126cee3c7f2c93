package syntax

import (
	"fmt"
	"strings"
)

// Format prints an expression fully parenthesised, for tests and debugging.
func Format(e Expr) string {
	var b strings.Builder
	format(&b, e)
	return b.String()
}

func formatList(b *strings.Builder, es []Expr) {
	for i, e := range es {
		if i > 0 {
			b.WriteString(", ")
		}
		format(b, e)
	}
}

func formatBounds(b *strings.Builder, bs []Bound) {
	for i, bd := range bs {
		if i > 0 {
			b.WriteString(", ")
		}
		if bd.Tuple {
			b.WriteString("<<" + strings.Join(bd.Names, ", ") + ">>")
		} else {
			b.WriteString(strings.Join(bd.Names, ", "))
		}
		if bd.Set != nil {
			b.WriteString(" \\in ")
			format(b, bd.Set)
		}
	}
}

func format(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case *Ref:
		for i, s := range x.Path {
			if i > 0 {
				b.WriteString("!")
			}
			b.WriteString(s.Name)
			if s.Args != nil {
				b.WriteString("(")
				formatList(b, s.Args)
				b.WriteString(")")
			}
		}
	case *Num:
		b.WriteString(x.Val)
	case *Str:
		fmt.Fprintf(b, "%q", x.Val)
	case *Bool:
		if x.Val {
			b.WriteString("TRUE")
		} else {
			b.WriteString("FALSE")
		}
	case *Const:
		b.WriteString(x.Name)
	case *Unary:
		if x.Op == "'" || IsPostfix(x.Op) {
			b.WriteString("(")
			format(b, x.X)
			b.WriteString(")" + x.Op)
			return
		}
		b.WriteString("(" + x.Op + " ")
		format(b, x.X)
		b.WriteString(")")
	case *Binary:
		b.WriteString("(")
		format(b, x.X)
		b.WriteString(" " + x.Op + " ")
		format(b, x.Y)
		b.WriteString(")")
	case *Junction:
		b.WriteString("(")
		for i, it := range x.Items {
			if i > 0 {
				b.WriteString(" " + x.Op + " ")
			}
			format(b, it)
		}
		b.WriteString(")")
	case *If:
		b.WriteString("(IF ")
		format(b, x.C)
		b.WriteString(" THEN ")
		format(b, x.T)
		b.WriteString(" ELSE ")
		format(b, x.Else)
		b.WriteString(")")
	case *Case:
		b.WriteString("(CASE ")
		for i, a := range x.Arms {
			if i > 0 {
				b.WriteString(" [] ")
			}
			format(b, a.Cond)
			b.WriteString(" -> ")
			format(b, a.Val)
		}
		if x.Other != nil {
			b.WriteString(" [] OTHER -> ")
			format(b, x.Other)
		}
		b.WriteString(")")
	case *Let:
		b.WriteString("(LET ")
		for i, d := range x.Defs {
			if i > 0 {
				b.WriteString(" ")
			}
			formatDef(b, d)
		}
		b.WriteString(" IN ")
		format(b, x.Body)
		b.WriteString(")")
	case *Quant:
		b.WriteString("(" + x.Op + " ")
		formatBounds(b, x.Bounds)
		b.WriteString(" : ")
		format(b, x.Body)
		b.WriteString(")")
	case *SetEnum:
		b.WriteString("{")
		formatList(b, x.Elems)
		b.WriteString("}")
	case *SetFilter:
		b.WriteString("{")
		formatBounds(b, []Bound{x.Bound})
		b.WriteString(" : ")
		format(b, x.Pred)
		b.WriteString("}")
	case *SetMap:
		b.WriteString("{")
		format(b, x.Elem)
		b.WriteString(" : ")
		formatBounds(b, x.Bounds)
		b.WriteString("}")
	case *FuncCons:
		b.WriteString("[")
		formatBounds(b, x.Bounds)
		b.WriteString(" |-> ")
		format(b, x.Body)
		b.WriteString("]")
	case *FuncSet:
		b.WriteString("[")
		format(b, x.Dom)
		b.WriteString(" -> ")
		format(b, x.Rng)
		b.WriteString("]")
	case *Record:
		b.WriteString("[")
		for i, f := range x.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f + " |-> ")
			format(b, x.Vals[i])
		}
		b.WriteString("]")
	case *RecordSet:
		b.WriteString("[")
		for i, f := range x.Fields {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(f + " : ")
			format(b, x.Sets[i])
		}
		b.WriteString("]")
	case *Except:
		b.WriteString("[")
		format(b, x.F)
		b.WriteString(" EXCEPT ")
		for i, u := range x.Updates {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("!")
			for _, s := range u.Path {
				if s.Args == nil {
					b.WriteString("." + s.Field)
				} else {
					b.WriteString("[")
					formatList(b, s.Args)
					b.WriteString("]")
				}
			}
			b.WriteString(" = ")
			format(b, u.Val)
		}
		b.WriteString("]")
	case *App:
		format(b, x.F)
		b.WriteString("[")
		formatList(b, x.Args)
		b.WriteString("]")
	case *Dot:
		format(b, x.X)
		b.WriteString("." + x.Field)
	case *Tuple:
		b.WriteString("<<")
		formatList(b, x.Elems)
		b.WriteString(">>")
	case *Product:
		b.WriteString("(")
		for i, s := range x.Sets {
			if i > 0 {
				b.WriteString(" \\X ")
			}
			format(b, s)
		}
		b.WriteString(")")
	case *Sub:
		if x.Box {
			b.WriteString("[")
			format(b, x.A)
			b.WriteString("]_")
		} else {
			b.WriteString("<<")
			format(b, x.A)
			b.WriteString(">>_")
		}
		format(b, x.V)
	case *Fair:
		b.WriteString(x.Op)
		format(b, x.V)
		b.WriteString("(")
		format(b, x.A)
		b.WriteString(")")
	case *AtSign:
		b.WriteString("@")
	case *Lambda:
		b.WriteString("(LAMBDA " + strings.Join(x.Params, ", ") + " : ")
		format(b, x.Body)
		b.WriteString(")")
	case *OpArg:
		b.WriteString(x.Name)
	default:
		fmt.Fprintf(b, "<?%T>", e)
	}
}

func formatDef(b *strings.Builder, d *OpDef) {
	b.WriteString(d.Name)
	if len(d.Params) > 0 {
		b.WriteString("(")
		for i, p := range d.Params {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.Name)
			if p.Arity > 0 {
				b.WriteString("(" + strings.TrimSuffix(strings.Repeat("_, ", p.Arity), ", ") + ")")
			}
		}
		b.WriteString(")")
	}
	b.WriteString(" == ")
	format(b, d.Body)
}

// FormatDef prints a definition like Format.
func FormatDef(d *OpDef) string {
	var b strings.Builder
	formatDef(&b, d)
	return b.String()
}
