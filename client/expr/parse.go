package expr

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxLength is the longest expression Entra accepts, in characters (MAP-04).
const MaxLength = 10000

// maxDepth bounds call nesting so hostile input cannot exhaust the stack.
const maxDepth = 200

// SyntaxError is a parse error at a precise position.
type SyntaxError struct {
	Pos Pos
	Msg string
}

// Error formats as "line:col: message".
func (e *SyntaxError) Error() string {
	return fmt.Sprintf("expression %d:%d (offset %d): %s", e.Pos.Line, e.Pos.Col, e.Pos.Offset, e.Msg)
}

// identConstants are the bare identifiers Microsoft documents (InStr).
var identConstants = map[string]bool{"vbTextCompare": true, "vbBinaryCompare": true}

// MustParse is Parse for expressions known to be valid (built-in
// mappings); it panics on error.
func MustParse(src string) *Expr {
	e, err := Parse(src)
	if err != nil {
		panic(err)
	}
	return e
}

// Parse parses an expression. Whitespace (including newlines) may appear
// between tokens.
func Parse(src string) (*Expr, error) {
	p := &parser{src: src, line: 1, col: 1}
	if n := utf8.RuneCountInString(src); n > MaxLength {
		pos := p.posAtRune(MaxLength)
		return nil, &SyntaxError{Pos: pos, Msg: fmt.Sprintf("expression is %d characters long; the limit is %d", n, MaxLength)}
	}
	p.skipSpace()
	if p.eof() {
		return nil, p.errHere("empty expression")
	}
	root, err := p.arg(0)
	if err != nil {
		return nil, err
	}
	if _, ok := root.(*Empty); ok {
		return nil, p.errHere("expected an expression")
	}
	p.skipSpace()
	if !p.eof() {
		return nil, p.errHere(fmt.Sprintf("unexpected %s after the end of the expression", p.describe()))
	}
	e := &Expr{Source: src, Root: root}
	if err := checkSelectUnique(root, true); err != nil {
		return nil, err
	}
	return e, nil
}

type parser struct {
	src       string
	off       int
	line, col int
}

func (p *parser) eof() bool { return p.off >= len(p.src) }

func (p *parser) peek() rune {
	r, _ := utf8.DecodeRuneInString(p.src[p.off:])
	return r
}

func (p *parser) next() rune {
	r, n := utf8.DecodeRuneInString(p.src[p.off:])
	p.off += n
	if r == '\n' {
		p.line++
		p.col = 1
	} else {
		p.col++
	}
	return r
}

func (p *parser) pos() Pos { return Pos{Offset: p.off, Line: p.line, Col: p.col} }

func (p *parser) posAtRune(n int) Pos {
	q := &parser{src: p.src, line: 1, col: 1}
	for i := 0; i < n && !q.eof(); i++ {
		q.next()
	}
	return q.pos()
}

func (p *parser) errAt(pos Pos, msg string) error { return &SyntaxError{Pos: pos, Msg: msg} }

func (p *parser) errHere(msg string) error { return p.errAt(p.pos(), msg) }

func (p *parser) skipSpace() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.next()
	}
}

func (p *parser) describe() string {
	if p.eof() {
		return "end of expression"
	}
	return strconv.QuoteRune(p.peek())
}

// arg parses one argument: empty, an operand, or "operand op operand".
func (p *parser) arg(depth int) (Node, error) {
	p.skipSpace()
	start := p.pos()
	if p.eof() || p.peek() == ',' || p.peek() == ')' {
		return &Empty{Pos: start}, nil
	}
	left, err := p.operand(depth)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	opPos := p.pos()
	op := p.compareOp()
	if op == "" {
		return left, nil
	}
	p.skipSpace()
	if p.eof() || p.peek() == ',' || p.peek() == ')' {
		return nil, p.errHere(fmt.Sprintf("expected a value after %q", op))
	}
	right, err := p.operand(depth)
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	chainPos := p.pos()
	if p.compareOp() != "" {
		return nil, p.errAt(chainPos, "comparisons cannot be chained")
	}
	return &Compare{Pos: opPos, Op: op, Left: left, Right: right}, nil
}

func (p *parser) compareOp() string {
	rest := p.src[p.off:]
	for _, op := range []string{"<>", ">=", "<=", "=", ">", "<"} {
		if strings.HasPrefix(rest, op) {
			for range op {
				p.next()
			}
			return op
		}
	}
	return ""
}

func (p *parser) operand(depth int) (Node, error) {
	start := p.pos()
	switch r := p.peek(); {
	case r == '"':
		return p.str()
	case r == '[':
		return p.attr()
	case r == '-' || r == '&' || (r >= '0' && r <= '9'):
		return p.num()
	case r == '_' || unicode.IsLetter(r):
		name := p.ident()
		p.skipSpace()
		if p.eof() || p.peek() != '(' {
			if identConstants[name] {
				return &Ident{Pos: start, Name: name}, nil
			}
			return nil, p.errAt(start, fmt.Sprintf("expected '(' after function name %q (string constants need double quotes)", name))
		}
		return p.call(start, name, depth)
	default:
		return nil, p.errHere(fmt.Sprintf("unexpected %s; expected a function, [attribute], \"string\" or number", p.describe()))
	}
}

func (p *parser) ident() string {
	begin := p.off
	for !p.eof() {
		r := p.peek()
		if r != '_' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			break
		}
		p.next()
	}
	return p.src[begin:p.off]
}

func (p *parser) str() (Node, error) {
	start := p.pos()
	p.next() // opening quote
	var b strings.Builder
	for {
		if p.eof() {
			return nil, p.errAt(start, "unterminated string constant")
		}
		r := p.next()
		switch r {
		case '"':
			return &Str{Pos: start, Value: b.String()}, nil
		case '\\':
			if p.eof() {
				return nil, p.errAt(start, "unterminated string constant")
			}
			// \" and \\ are the documented escapes; any other escaped
			// character stands for itself, so regex patterns such as
			// "\\d" survive.
			b.WriteRune(p.next())
		default:
			b.WriteRune(r)
		}
	}
}

func (p *parser) attr() (Node, error) {
	start := p.pos()
	p.next()
	begin := p.off
	for !p.eof() && p.peek() != ']' {
		if p.peek() == '[' || p.peek() == '\n' {
			return nil, p.errHere("unexpected " + p.describe() + " in attribute name")
		}
		p.next()
	}
	if p.eof() {
		return nil, p.errAt(start, "unterminated attribute reference (missing ']')")
	}
	name := strings.TrimSpace(p.src[begin:p.off])
	p.next()
	if name == "" {
		return nil, p.errAt(start, "empty attribute name")
	}
	return &Attr{Pos: start, Name: name}, nil
}

func (p *parser) num() (Node, error) {
	start := p.pos()
	begin := p.off
	if p.peek() == '&' {
		p.next()
		if p.eof() || (p.peek() != 'H' && p.peek() != 'h') {
			return nil, p.errAt(start, "expected &H followed by hexadecimal digits")
		}
		p.next()
		hexBegin := p.off
		for !p.eof() && strings.ContainsRune("0123456789abcdefABCDEF", p.peek()) {
			p.next()
		}
		v, err := strconv.ParseInt(p.src[hexBegin:p.off], 16, 64)
		if err != nil {
			return nil, p.errAt(start, fmt.Sprintf("invalid hexadecimal number %q", p.src[begin:p.off]))
		}
		return &Num{Pos: start, Value: v, Text: p.src[begin:p.off]}, nil
	}
	if p.peek() == '-' {
		p.next()
	}
	for !p.eof() && p.peek() >= '0' && p.peek() <= '9' {
		p.next()
	}
	text := p.src[begin:p.off]
	v, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		return nil, p.errAt(start, fmt.Sprintf("invalid number %q", text))
	}
	if !p.eof() && (unicode.IsLetter(p.peek()) || p.peek() == '.') {
		return nil, p.errHere(fmt.Sprintf("unexpected %s in number", p.describe()))
	}
	return &Num{Pos: start, Value: v, Text: text}, nil
}

func (p *parser) call(start Pos, name string, depth int) (Node, error) {
	if depth >= maxDepth {
		return nil, p.errAt(start, fmt.Sprintf("functions nested more than %d deep", maxDepth))
	}
	fn, ok := functions[name]
	if !ok {
		msg := fmt.Sprintf("unknown function %q", name)
		if s := suggest(name); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		return nil, p.errAt(start, msg)
	}
	p.next() // (
	c := &Call{Pos: start, Name: name}
	p.skipSpace()
	if !p.eof() && p.peek() == ')' {
		p.next()
	} else {
		for {
			a, err := p.arg(depth + 1)
			if err != nil {
				return nil, err
			}
			c.Args = append(c.Args, a)
			p.skipSpace()
			if p.eof() {
				return nil, p.errAt(start, fmt.Sprintf("missing ')' to close %s(", name))
			}
			if p.peek() == ',' {
				p.next()
				continue
			}
			if p.peek() == ')' {
				p.next()
				break
			}
			return nil, p.errHere(fmt.Sprintf("expected ',' or ')' in %s arguments, got %s", name, p.describe()))
		}
	}
	if err := fn.checkArity(c); err != nil {
		return nil, err
	}
	return c, nil
}

// suggest returns a known function name equal to name ignoring case.
func suggest(name string) string {
	for k := range functions {
		if strings.EqualFold(k, name) {
			return k
		}
	}
	return ""
}

// checkSelectUnique enforces S11's rule that SelectUniqueValue is only
// allowed at the top level.
func checkSelectUnique(n Node, top bool) error {
	switch t := n.(type) {
	case *Call:
		if t.Name == "SelectUniqueValue" && !top {
			return &SyntaxError{Pos: t.Pos, Msg: "SelectUniqueValue must be the top-level function and cannot be nested"}
		}
		for _, a := range t.Args {
			if err := checkSelectUnique(a, false); err != nil {
				return err
			}
		}
	case *Compare:
		if err := checkSelectUnique(t.Left, false); err != nil {
			return err
		}
		return checkSelectUnique(t.Right, false)
	}
	return nil
}
