package expr

import (
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Env supplies the non-deterministic parts of evaluation. A nil Env or
// nil field uses the real clock, random GUIDs and "every value is unique".
type Env struct {
	// Now returns the current time (Now()); the result is used in UTC.
	Now func() time.Time
	// NewGUID returns a new GUID string (Guid()).
	NewGUID func() string
	// IsUnique reports whether a candidate value of SelectUniqueValue is
	// still free in the target.
	IsUnique func(value string) bool
}

// ErrNoUniqueValue is returned (wrapped in an EvalError) when every rule
// of SelectUniqueValue produced a value that already exists; Entra escrows
// the entry.
var ErrNoUniqueValue = errors.New("no unique value")

// EvalError is an evaluation failure located at the function call.
type EvalError struct {
	Pos  Pos
	Func string
	Err  error
}

// Error formats as "line:col: Func: message".
func (e *EvalError) Error() string {
	return fmt.Sprintf("expression %d:%d: %s: %v", e.Pos.Line, e.Pos.Col, e.Func, e.Err)
}

// Unwrap returns the underlying error.
func (e *EvalError) Unwrap() error { return e.Err }

type evaluator struct {
	get Getter
	env *Env
}

// Eval evaluates the expression. A nil result means null: the target
// attribute does not flow (ENTRA-NULL-01).
func (e *Expr) Eval(get Getter, env *Env) (Value, error) {
	if env == nil {
		env = &Env{}
	}
	if get == nil {
		get = func(string) (any, bool) { return nil, false }
	}
	ev := &evaluator{get: get, env: env}
	return ev.eval(e.Root)
}

func (ev *evaluator) eval(n Node) (Value, error) {
	switch t := n.(type) {
	case *Str:
		return t.Value, nil
	case *Num:
		return t.Value, nil
	case *Empty:
		return nil, nil
	case *Ident:
		return t.Name, nil
	case *Attr:
		v, ok := ev.get(t.Name)
		if !ok {
			return nil, nil
		}
		return v, nil
	case *Compare:
		l, err := ev.eval(t.Left)
		if err != nil {
			return nil, err
		}
		r, err := ev.eval(t.Right)
		if err != nil {
			return nil, err
		}
		return compare(t.Op, l, r), nil
	case *Call:
		fn := functions[t.Name]
		args := make([]Value, len(t.Args))
		for i, a := range t.Args {
			v, err := ev.eval(a)
			if err != nil {
				return nil, err
			}
			args[i] = v
		}
		v, err := fn.eval(ev, t, args)
		if err != nil {
			var ee *EvalError
			if errors.As(err, &ee) {
				return nil, err
			}
			return nil, &EvalError{Pos: t.Pos, Func: t.Name, Err: err}
		}
		return v, nil
	}
	return nil, fmt.Errorf("unknown node %T", n)
}

// compare implements = <> > >= < <=. Null or empty operands make every
// comparison false (S11: the IIF condition check fails). Two integers (or
// integer strings) compare numerically, two DateTimes chronologically,
// everything else as case-sensitive strings.
func compare(op string, l, r Value) bool {
	if isEmpty(l) || isEmpty(r) {
		return false
	}
	c := 0
	lt, lok := l.(time.Time)
	rt, rok := r.(time.Time)
	li, lerr := toInt(l)
	ri, rerr := toInt(r)
	_, lbool := l.(bool)
	_, rbool := r.(bool)
	switch {
	case lok && rok:
		c = lt.Compare(rt)
	case lerr == nil && rerr == nil && !lbool && !rbool:
		c = cmpInt(li, ri)
	default:
		ls, _ := ToString(l)
		rs, _ := ToString(r)
		c = strings.Compare(ls, rs)
	}
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case ">":
		return c > 0
	case ">=":
		return c >= 0
	case "<":
		return c < 0
	case "<=":
		return c <= 0
	}
	return false
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (ev *evaluator) now() time.Time {
	if ev.env.Now != nil {
		return ev.env.Now().UTC()
	}
	return time.Now().UTC()
}

func (ev *evaluator) guid() string {
	if ev.env.NewGUID != nil {
		return ev.env.NewGUID()
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

func (ev *evaluator) unique(v string) bool {
	if ev.env.IsUnique != nil {
		return ev.env.IsUnique(v)
	}
	return true
}
