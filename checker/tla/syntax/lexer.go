package syntax

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is a syntax or semantic error with a position.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return fmt.Sprintf("%d:%d: %s", e.Pos.Line, e.Pos.Col, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

type lexer struct {
	src  string
	i    int
	line int
	col  int
	file string
	toks []Token
}

// Lex splits a module source into tokens. Text before the first
// "---- MODULE" line and after the closing "====" is ignored.
func Lex(file, src string) ([]Token, error) {
	lx := &lexer{src: src, line: 1, col: 1, file: file}
	if err := lx.skipPrelude(); err != nil {
		return nil, err
	}
	// depth counts the modules opened (---- MODULE) and not yet closed
	// (====): the ==== that closes the outermost one ends the file, and
	// what follows it is ignored, as SANY does
	depth := 0
	for {
		t, err := lx.next()
		if err != nil {
			return nil, err
		}
		if t.Kind == Keyword && t.Text == "MODULE" && len(lx.toks) > 0 && lx.toks[len(lx.toks)-1].Kind == Sep {
			depth++
		}
		lx.toks = append(lx.toks, t)
		if t.Kind == EOF {
			return lx.toks, nil
		}
		if t.Kind == End {
			if depth--; depth <= 0 {
				lx.toks = append(lx.toks, Token{Kind: EOF, Pos: t.End, End: t.End})
				return lx.toks, nil
			}
		}
	}
}

func (lx *lexer) errf(p Pos, format string, args ...any) error {
	return &Error{File: lx.file, Pos: p, Msg: fmt.Sprintf(format, args...)}
}

func (lx *lexer) skipPrelude() error {
	for lx.i < len(lx.src) {
		if lx.col == 1 || true {
			rest := lx.src[lx.i:]
			if strings.HasPrefix(rest, "----") {
				j := 0
				for j < len(rest) && rest[j] == '-' {
					j++
				}
				k := j
				for k < len(rest) && (rest[k] == ' ' || rest[k] == '\t') {
					k++
				}
				if strings.HasPrefix(rest[k:], "MODULE") {
					return nil
				}
				lx.advance(j)
				continue
			}
		}
		lx.advance(1)
	}
	return lx.errf(Pos{lx.line, lx.col}, "no module header (---- MODULE Name ----) found")
}

func (lx *lexer) advance(n int) {
	for k := 0; k < n && lx.i < len(lx.src); {
		r, sz := utf8.DecodeRuneInString(lx.src[lx.i:])
		lx.i += sz
		k += sz
		if r == '\n' {
			lx.line++
			lx.col = 1
		} else {
			lx.col++
		}
	}
}

func (lx *lexer) pos() Pos { return Pos{lx.line, lx.col} }

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isIdent(c byte) bool  { return isLetter(c) || isDigit(c) || c == '_' }

func (lx *lexer) skipSpace() error {
	for lx.i < len(lx.src) {
		c := lx.src[lx.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			lx.advance(1)
		case c == '\\' && lx.i+1 < len(lx.src) && lx.src[lx.i+1] == '*':
			for lx.i < len(lx.src) && lx.src[lx.i] != '\n' {
				lx.advance(1)
			}
		case c == '(' && lx.i+1 < len(lx.src) && lx.src[lx.i+1] == '*':
			start := lx.pos()
			depth := 0
			for {
				if lx.i >= len(lx.src) {
					return lx.errf(start, "unterminated comment")
				}
				if strings.HasPrefix(lx.src[lx.i:], "(*") {
					depth++
					lx.advance(2)
				} else if strings.HasPrefix(lx.src[lx.i:], "*)") {
					depth--
					lx.advance(2)
					if depth == 0 {
						break
					}
				} else {
					lx.advance(1)
				}
			}
		default:
			return nil
		}
	}
	return nil
}

func (lx *lexer) next() (Token, error) {
	if err := lx.skipSpace(); err != nil {
		return Token{}, err
	}
	p := lx.pos()
	if lx.i >= len(lx.src) {
		return Token{Kind: EOF, Pos: p, End: p}, nil
	}
	mk := func(k Kind, text string, n int) Token {
		lx.advance(n)
		return Token{Kind: k, Text: text, Pos: p, End: lx.pos()}
	}
	rest := lx.src[lx.i:]
	c := rest[0]
	switch {
	case strings.HasPrefix(rest, "----"):
		n := 0
		for n < len(rest) && rest[n] == '-' {
			n++
		}
		return mk(Sep, "----", n), nil
	case strings.HasPrefix(rest, "===="):
		n := 0
		for n < len(rest) && rest[n] == '=' {
			n++
		}
		return mk(End, "====", n), nil
	case isDigit(c):
		n := 0
		for n < len(rest) && isDigit(rest[n]) {
			n++
		}
		if n < len(rest) && (isLetter(rest[n]) || rest[n] == '_') {
			// identifiers may start with digits (e.g. 1st); rare but legal
			for n < len(rest) && isIdent(rest[n]) {
				n++
			}
			return mk(Ident, rest[:n], n), nil
		}
		if n+1 < len(rest) && rest[n] == '.' && isDigit(rest[n+1]) {
			return Token{}, lx.errf(p, "not supported: decimal number")
		}
		return mk(Number, rest[:n], n), nil
	case isLetter(c) || c == '_' && len(rest) > 1 && isIdent(rest[1]):
		n := 0
		for n < len(rest) && isIdent(rest[n]) {
			n++
		}
		w := rest[:n]
		if (strings.HasPrefix(w, "WF_") || strings.HasPrefix(w, "SF_")) && w != "WF_" && w != "SF_" || w == "WF_" || w == "SF_" {
			return mk(Keyword, w[:3], 3), nil
		}
		if keywords[w] {
			return mk(Keyword, w, n), nil
		}
		return mk(Ident, w, n), nil
	case c == '"':
		var b strings.Builder
		j := 1
		for {
			if j >= len(rest) || rest[j] == '\n' {
				return Token{}, lx.errf(p, "unterminated string")
			}
			if rest[j] == '"' {
				j++
				break
			}
			if rest[j] == '\\' && j+1 < len(rest) {
				switch rest[j+1] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				case 'r':
					b.WriteByte('\r')
				case 'f':
					b.WriteByte('\f')
				case '"':
					b.WriteByte('"')
				case '\\':
					b.WriteByte('\\')
				default:
					return Token{}, lx.errf(Pos{p.Line, p.Col + j}, "bad escape in string")
				}
				j += 2
				continue
			}
			b.WriteByte(rest[j])
			j++
		}
		return mk(String, b.String(), j), nil
	case c == '\\' && len(rest) > 1 && isLetter(rest[1]):
		n := 1
		for n < len(rest) && isLetter(rest[n]) {
			n++
		}
		w := rest[:n]
		if !bsOps[w] {
			return Token{}, lx.errf(p, "unknown operator %s", w)
		}
		if a, ok := aliases[w]; ok {
			return mk(Op, a, n), nil
		}
		return mk(Op, w, n), nil
	}
	if c == '<' {
		if n := stepLabel(rest); n > 0 && (lx.i == 0 || !isIdent(lx.src[lx.i-1]) && lx.src[lx.i-1] != ')' && lx.src[lx.i-1] != ']') {
			return mk(Step, strings.TrimRight(rest[:n], "."), n), nil
		}
	}
	for n := 4; n >= 1; n-- {
		if n <= len(rest) && symOps[rest[:n]] {
			w := rest[:n]
			if a, ok := aliases[w]; ok {
				return mk(Op, a, n), nil
			}
			return mk(Op, w, n), nil
		}
	}
	r, _ := utf8.DecodeRuneInString(rest)
	return Token{}, lx.errf(p, "unexpected character %q", r)
}

// LexAll splits text without module framing (configuration files).
func LexAll(file, src string) ([]Token, error) {
	lx := &lexer{src: src, line: 1, col: 1, file: file}
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

// stepLabel is the length of a proof step label at the start of s
// (<1>, <1>2, <2>a., <*>, <+>), or 0.
func stepLabel(s string) int {
	if len(s) < 3 || s[0] != '<' {
		return 0
	}
	n := 1
	switch {
	case s[1] == '*' || s[1] == '+':
		n = 2
	case isDigit(s[1]):
		for n < len(s) && isDigit(s[n]) {
			n++
		}
	default:
		return 0
	}
	if n >= len(s) || s[n] != '>' {
		return 0
	}
	n++
	for n < len(s) && isIdent(s[n]) {
		n++
	}
	for n < len(s) && s[n] == '.' && !(n+1 < len(s) && s[n+1] == '.') {
		n++
	}
	return n
}
