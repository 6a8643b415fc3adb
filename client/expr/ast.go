package expr

import (
	"fmt"
	"strconv"
	"strings"
)

// Pos is a position in the expression source. Offset counts bytes from 0;
// Line and Col count from 1 (Col in characters).
type Pos struct {
	Offset int
	Line   int
	Col    int
}

// String formats the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// Node is one node of an expression tree.
type Node interface {
	// Position is where the node starts in the source.
	Position() Pos
	// String renders the node back as expression source.
	String() string
}

// Str is a string constant.
type Str struct {
	Pos   Pos
	Value string
}

// Num is an integer constant (decimal or &H hexadecimal).
type Num struct {
	Pos   Pos
	Value int64
	Text  string // as written
}

// Attr is a reference to a source attribute, [name].
type Attr struct {
	Pos  Pos
	Name string
}

// Empty is an omitted argument, as in Switch([x], , "a", "b"). It
// evaluates to null.
type Empty struct{ Pos Pos }

// Ident is a bare identifier constant such as vbTextCompare.
type Ident struct {
	Pos  Pos
	Name string
}

// Call is a function call.
type Call struct {
	Pos  Pos
	Name string
	Args []Node
}

// Compare is a comparison "left op right" (op one of = <> > >= < <=).
type Compare struct {
	Pos         Pos
	Op          string
	Left, Right Node
}

// Position implements Node.
func (n *Str) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Num) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Attr) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Empty) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Ident) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Call) Position() Pos { return n.Pos }

// Position implements Node.
func (n *Compare) Position() Pos { return n.Pos }

// String implements Node.
func (n *Str) String() string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(n.Value) + `"`
}

// String implements Node.
func (n *Num) String() string {
	if n.Text != "" {
		return n.Text
	}
	return strconv.FormatInt(n.Value, 10)
}

// String implements Node.
func (n *Attr) String() string { return "[" + n.Name + "]" }

// String implements Node.
func (n *Empty) String() string { return "" }

// String implements Node.
func (n *Ident) String() string { return n.Name }

// String implements Node.
func (n *Call) String() string {
	args := make([]string, len(n.Args))
	for i, a := range n.Args {
		args[i] = a.String()
	}
	return n.Name + "(" + strings.Join(args, ", ") + ")"
}

// String implements Node.
func (n *Compare) String() string { return n.Left.String() + " " + n.Op + " " + n.Right.String() }

// Expr is a parsed expression.
type Expr struct {
	Source string
	Root   Node
}

// String renders the expression in canonical form.
func (e *Expr) String() string { return e.Root.String() }

// Attributes returns the names of the source attributes the expression
// references, in order of first use (for logs and change detection).
func (e *Expr) Attributes() []string {
	var out []string
	seen := map[string]bool{}
	var walk func(Node)
	walk = func(n Node) {
		switch t := n.(type) {
		case *Attr:
			if !seen[t.Name] {
				seen[t.Name] = true
				out = append(out, t.Name)
			}
		case *Call:
			for _, a := range t.Args {
				walk(a)
			}
		case *Compare:
			walk(t.Left)
			walk(t.Right)
		}
	}
	walk(e.Root)
	return out
}
