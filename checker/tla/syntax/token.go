// Package syntax lexes and parses TLA+ modules as SANY accepts them.
package syntax

import "fmt"

// Pos is a source position (1-based line and column).
type Pos struct {
	Line, Col int
}

func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Kind classifies tokens.
type Kind int

const (
	EOF Kind = iota
	Ident
	Number
	String
	Op      // symbolic or backslash operator, punctuation
	Keyword // reserved word
	Sep     // ---- line
	End     // ==== line
	Step    // proof step label or reference: <1>, <2>a, <1>3., <*>, <+>
)

// Token is one lexeme.
type Token struct {
	Kind Kind
	Text string // canonical spelling for operators
	Pos  Pos
	End  Pos // position just past the token
}

func (t Token) String() string {
	switch t.Kind {
	case EOF:
		return "end of file"
	case String:
		return fmt.Sprintf("%q", t.Text)
	}
	return t.Text
}

var keywords = map[string]bool{
	"ASSUME": true, "ASSUMPTION": true, "AXIOM": true, "CASE": true, "CHOOSE": true,
	"CONSTANT": true, "CONSTANTS": true, "DOMAIN": true, "ELSE": true, "ENABLED": true,
	"EXCEPT": true, "EXTENDS": true, "IF": true, "IN": true, "INSTANCE": true, "LET": true,
	"LOCAL": true, "MODULE": true, "OTHER": true, "SF_": true, "SUBSET": true, "THEN": true,
	"THEOREM": true, "UNCHANGED": true, "UNION": true, "VARIABLE": true, "VARIABLES": true,
	"WF_": true, "WITH": true, "LAMBDA": true, "RECURSIVE": true, "LEMMA": true,
	"PROPOSITION": true, "COROLLARY": true, "TRUE": true, "FALSE": true, "BOOLEAN": true,
	"STRING": true, "PROOF": true, "BY": true, "OBVIOUS": true, "OMITTED": true, "QED": true,
	"ACTION": true, "DEF": true, "DEFINE": true, "DEFS": true, "HAVE": true, "HIDE": true,
	"NEW": true, "ONLY": true, "PICK": true, "PROVE": true, "STATE": true, "SUFFICES": true,
	"TAKE": true, "TEMPORAL": true, "USE": true, "WITNESS": true,
}

// aliases maps alternative spellings to a canonical one.
var aliases = map[string]string{
	"\\land": "/\\", "\\lor": "\\/", "\\lnot": "~", "\\neg": "~", "/=": "#",
	"<=": "=<", "\\leq": "=<", "\\geq": ">=", "\\circ": "\\o", "\\union": "\\cup",
	"\\intersect": "\\cap", "\\times": "\\X", "\\equiv": "<=>",
}

// backslash words that are operators.
var bsOps = map[string]bool{
	"\\in": true, "\\notin": true, "\\subseteq": true, "\\subset": true, "\\supseteq": true,
	"\\supset": true, "\\cup": true, "\\cap": true, "\\union": true, "\\intersect": true,
	"\\X": true, "\\times": true, "\\o": true, "\\circ": true, "\\cdot": true, "\\div": true,
	"\\land": true, "\\lor": true, "\\lnot": true, "\\neg": true, "\\leq": true, "\\geq": true,
	"\\A": true, "\\E": true, "\\AA": true, "\\EE": true, "\\equiv": true, "\\uplus": true,
	"\\sqcap": true, "\\sqcup": true, "\\prec": true, "\\succ": true, "\\preceq": true,
	"\\succeq": true, "\\sim": true, "\\simeq": true, "\\approx": true, "\\cong": true,
	"\\doteq": true, "\\propto": true, "\\wr": true, "\\star": true, "\\bullet": true,
	"\\bigcirc": true, "\\ll": true, "\\gg": true, "\\sqsubset": true, "\\sqsupset": true,
	"\\sqsubseteq": true, "\\sqsupseteq": true, "\\asymp": true, "\\odot": true,
	"\\ominus": true, "\\oplus": true, "\\oslash": true, "\\otimes": true,
}

// symbolic operators, longest first matters: the lexer tries lengths 4..1.
var symOps = map[string]bool{
	"-+->": true, "<=>": true, "|->": true, "::=": true, "...": true, "(+)": true, "(-)": true,
	"(.)": true, "(/)": true, "=>": true, "=<": true, "<=": true, ">=": true, "/=": true,
	"/\\": true, "\\/": true, "..": true, "->": true, "<-": true, "<<": true, ">>": true,
	"[]": true, "<>": true, "~>": true, "==": true, ":>": true, "@@": true, "::": true,
	":=": true, "++": true, "--": true, "**": true, "//": true, "^^": true, "||": true,
	"&&": true, "$$": true, "??": true, "%%": true, "##": true, "|-": true, "|=": true,
	"-|": true, "=|": true, "<:": true, "!!": true, "^+": true, "^*": true, "^#": true,
	"]_": true, ">>_": true,
	"=": true, "#": true, "<": true, ">": true, "~": true, "+": true, "-": true, "*": true,
	"/": true, "%": true, "^": true, "(": true, ")": true, "[": true, "]": true, "{": true,
	"}": true, ",": true, ":": true, ".": true, "!": true, "'": true, "|": true, "&": true,
	"$": true, "@": true, "\\": true, "_": true,
}
