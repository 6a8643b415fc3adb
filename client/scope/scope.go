// Package scope implements Entra's attribute-based scoping filters
// (SCOPE-01..03): a filter is a list of clauses combined with AND, an
// application has several filters combined with OR, and no filter at all
// means every assigned object is in scope.
//
// Null rule (SCOPE-03): every clause is false when the attribute is null
// or empty, except IS NULL, which is true exactly then. NOT EQUALS, !& and
// NOT REGEX MATCH are therefore false on null too.
package scope

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Operator is a scoping clause operator, spelled as in the Entra portal.
type Operator string

// The operators of SCOPE-02.
const (
	Contains            Operator = "&"
	NotContains         Operator = "!&"
	EndsWith            Operator = "ENDS_WITH"
	Equals              Operator = "EQUALS"
	NotEquals           Operator = "NOT EQUALS"
	GreaterThan         Operator = "Greater_Than"
	GreaterThanOrEquals Operator = "Greater_Than_OR_EQUALS"
	Includes            Operator = "Includes"
	IsTrue              Operator = "IS TRUE"
	IsFalse             Operator = "IS FALSE"
	IsNull              Operator = "IS NULL"
	IsNotNull           Operator = "IS NOT NULL"
	RegexMatch          Operator = "REGEX MATCH"
	NotRegexMatch       Operator = "NOT REGEX MATCH"
)

// Operators lists every operator in SCOPE-02 order.
var Operators = []Operator{Contains, NotContains, EndsWith, Equals, NotEquals, GreaterThan,
	GreaterThanOrEquals, Includes, IsTrue, IsFalse, IsNull, IsNotNull, RegexMatch, NotRegexMatch}

// ParseOperator accepts the portal spelling and the Graph API spelling
// (e.g. "NOT EQUALS", "NOT_EQUALS", "not equals") of an operator.
func ParseOperator(s string) (Operator, error) {
	key := normalize(s)
	for _, op := range Operators {
		if normalize(string(op)) == key {
			return op, nil
		}
	}
	names := make([]string, len(Operators))
	for i, op := range Operators {
		names[i] = string(op)
	}
	return "", fmt.Errorf("unknown scoping operator %q (want one of: %s)", s, strings.Join(names, ", "))
}

func normalize(s string) string {
	return strings.ToUpper(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '_' }), "_"))
}

// needsValue reports whether the operator compares against a clause value.
func (o Operator) needsValue() bool {
	switch o {
	case IsTrue, IsFalse, IsNull, IsNotNull:
		return false
	}
	return true
}

// AmpersandMode resolves the ambiguity of the & and !& operators, which
// Microsoft describes as "the attribute value exists in the input string
// value" (SCOPE-02, [UNC]).
type AmpersandMode int

const (
	// AttributeInValue (default) reads the documentation literally: the
	// attribute's value must occur within the clause value, so & with
	// "Sales,Marketing" admits department "Sales".
	AttributeInValue AmpersandMode = iota
	// ValueInAttribute is the other reading: the clause value must occur
	// within the attribute's value (like Includes).
	ValueInAttribute
)

// unsupported lists attributes Entra refuses in scoping filters (SCOPE-03):
// references, group membership, multi-valued and date attributes, and
// IsSoftDeleted, which is itself computed from scoping.
var unsupported = map[string]string{
	"manager":                    "reference attributes are not supported in scoping filters",
	"members":                    "group membership is not supported in scoping filters",
	"ismemberof":                 "IsMemberOf is not supported in scoping filters",
	"approleassignments":         "appRoleAssignments is not supported in scoping filters",
	"usertype":                   "userType is not supported in scoping filters",
	"proxyaddresses":             "multi-valued attributes are not supported in scoping filters",
	"othermails":                 "multi-valued attributes are not supported in scoping filters",
	"businessphones":             "multi-valued attributes are not supported in scoping filters",
	"employeehiredate":           "date attributes are not supported in scoping filters",
	"createddatetime":            "date attributes are not supported in scoping filters",
	"employeeleavedatetime":      "date attributes are not supported in scoping filters",
	"lastpasswordchangedatetime": "date attributes are not supported in scoping filters",
	"issoftdeleted":              "IsSoftDeleted is computed from scoping and cannot be used in it",
}

// Clause is one condition: attribute, operator and (for most operators) a
// value.
type Clause struct {
	Attribute string
	Operator  Operator
	Value     string

	re  *regexp.Regexp
	num int64
}

// NewClause validates and compiles a clause: the attribute must be
// supported, the operator known, a value given when the operator needs
// one, integers for the Greater_Than operators and a valid regular
// expression (RE2 syntax) for the REGEX operators.
func NewClause(attribute, operator, value string) (Clause, error) {
	c := Clause{Attribute: strings.TrimSpace(attribute), Value: value}
	if c.Attribute == "" {
		return c, fmt.Errorf("attribute is required")
	}
	if why, bad := unsupported[strings.ToLower(c.Attribute)]; bad {
		return c, fmt.Errorf("attribute %q: %s", c.Attribute, why)
	}
	op, err := ParseOperator(operator)
	if err != nil {
		return c, err
	}
	c.Operator = op
	if op.needsValue() && value == "" {
		return c, fmt.Errorf("operator %s needs a value", op)
	}
	if !op.needsValue() && value != "" {
		return c, fmt.Errorf("operator %s takes no value", op)
	}
	switch op {
	case GreaterThan, GreaterThanOrEquals:
		n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
		if err != nil {
			return c, fmt.Errorf("operator %s needs an integer value, got %q", op, value)
		}
		c.num = n
	case RegexMatch, NotRegexMatch:
		re, err := regexp.Compile(value)
		if err != nil {
			return c, fmt.Errorf("operator %s: invalid regular expression: %w", op, err)
		}
		c.re = re
	}
	return c, nil
}

// Getter returns a source attribute's value and whether it is present.
type Getter = func(name string) (any, bool)

// Eval evaluates the clause against a source object, following SCOPE-02
// and the null rule of SCOPE-03. A multi-valued value makes every clause
// except IS NULL false, as Entra does not scope on multi-valued attributes.
func (c *Clause) Eval(get Getter, mode AmpersandMode) bool {
	v, ok := get(c.Attribute)
	s, isNull := text(v, ok)
	if c.Operator == IsNull {
		return isNull
	}
	if isNull {
		return false
	}
	if _, multi := v.([]string); multi {
		return false
	}
	switch c.Operator {
	case IsNotNull:
		return true
	case Equals:
		return s == c.Value
	case NotEquals:
		return s != c.Value
	case EndsWith:
		return strings.HasSuffix(s, c.Value)
	case Includes:
		return strings.Contains(s, c.Value)
	case Contains, NotContains:
		in := strings.Contains(c.Value, s)
		if mode == ValueInAttribute {
			in = strings.Contains(s, c.Value)
		}
		return in == (c.Operator == Contains)
	case GreaterThan, GreaterThanOrEquals:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return false // integers only, on both sides
		}
		if c.Operator == GreaterThan {
			return n > c.num
		}
		return n >= c.num
	case IsTrue, IsFalse:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return false
		}
		return b == (c.Operator == IsTrue)
	case RegexMatch:
		return c.re.MatchString(s)
	case NotRegexMatch:
		return !c.re.MatchString(s)
	}
	return false
}

// text renders a present value as a string; the second result is true for
// null and empty values.
func text(v any, ok bool) (string, bool) {
	if !ok || v == nil {
		return "", true
	}
	switch t := v.(type) {
	case string:
		return t, t == ""
	case []string:
		return "", len(t) == 0
	case bool:
		return strconv.FormatBool(t), false
	}
	return fmt.Sprint(v), false
}

// String renders the clause as "attribute OPERATOR value".
func (c Clause) String() string {
	if c.Operator.needsValue() {
		return fmt.Sprintf("%s %s %q", c.Attribute, c.Operator, c.Value)
	}
	return fmt.Sprintf("%s %s", c.Attribute, c.Operator)
}

// Filter is one scoping filter: all its clauses must hold (AND).
type Filter struct {
	Name    string
	Clauses []Clause
}

// Set is the application's scoping filters, combined with OR.
type Set struct {
	Filters   []Filter
	Ampersand AmpersandMode
}

// Result explains a scoping decision for the provisioning log's scoping
// step: which filter admitted the object, or why none did.
type Result struct {
	InScope bool
	// Filter is the name of the first filter that matched ("" when there
	// are no filters or none matched).
	Filter string
	// Failed lists, per filter, the first clause that was false.
	Failed []string
}

// Evaluate decides whether the object is in scope. With no filters every
// object is (SCOPE-01 default).
func (s *Set) Evaluate(get Getter) Result {
	if s == nil || len(s.Filters) == 0 {
		return Result{InScope: true}
	}
	var r Result
	for i := range s.Filters {
		f := &s.Filters[i]
		failed := ""
		for j := range f.Clauses {
			if !f.Clauses[j].Eval(get, s.Ampersand) {
				failed = f.Clauses[j].String()
				break
			}
		}
		if failed == "" {
			return Result{InScope: true, Filter: f.Name}
		}
		name := f.Name
		if name == "" {
			name = fmt.Sprintf("filter %d", i+1)
		}
		r.Failed = append(r.Failed, name+": "+failed)
	}
	return r
}

// InScope is Evaluate(get).InScope.
func (s *Set) InScope(get Getter) bool { return s.Evaluate(get).InScope }
