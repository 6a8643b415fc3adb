package scope_test

import (
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/scope"
)

type attrs map[string]any

func (a attrs) get(n string) (any, bool) { v, ok := a[n]; return v, ok }

func mustClause(t *testing.T, attr, op, val string) scope.Clause {
	t.Helper()
	c, err := scope.NewClause(attr, op, val)
	if err != nil {
		t.Fatalf("NewClause(%s %s %s): %v", attr, op, val, err)
	}
	return c
}

// TestOperators_SCOPE02 exercises every operator with a matching and a
// non-matching value.
func TestOperators_SCOPE02(t *testing.T) {
	cases := []struct {
		op, value string
		attr      any
		want      bool
	}{
		{"&", "Sales,Marketing", "Sales", true},
		{"&", "Sales,Marketing", "Finance", false},
		{"!&", "Sales,Marketing", "Finance", true},
		{"!&", "Sales,Marketing", "Sales", false},
		{"ENDS_WITH", "@contoso.com", "a@contoso.com", true},
		{"ENDS_WITH", "@contoso.com", "a@fabrikam.com", false},
		{"EQUALS", "Sales", "Sales", true},
		{"EQUALS", "Sales", "sales", false}, // case-sensitive
		{"NOT EQUALS", "Sales", "sales", true},
		{"NOT EQUALS", "Sales", "Sales", false},
		{"Greater_Than", "100", "101", true},
		{"Greater_Than", "100", "100", false},
		{"Greater_Than", "100", "abc", false}, // integers only
		{"Greater_Than", "100", int64(150), true},
		{"Greater_Than_OR_EQUALS", "100", "100", true},
		{"Greater_Than_OR_EQUALS", "100", "99", false},
		{"Includes", "ale", "Sales", true},
		{"Includes", "ALE", "Sales", false}, // case-sensitive like String.Contains
		{"IS TRUE", "", true, true},
		{"IS TRUE", "", "True", true},
		{"IS TRUE", "", false, false},
		{"IS TRUE", "", "yes", false},
		{"IS FALSE", "", false, true},
		{"IS FALSE", "", true, false},
		{"IS NULL", "", nil, true},
		{"IS NULL", "", "x", false},
		{"IS NOT NULL", "", "x", true},
		{"IS NOT NULL", "", nil, false},
		{"REGEX MATCH", "^S.*s$", "Sales", true},
		{"REGEX MATCH", "^s", "Sales", false}, // case-sensitive
		{"NOT REGEX MATCH", "^F", "Sales", true},
		{"NOT REGEX MATCH", "^S", "Sales", false},
	}
	for _, c := range cases {
		cl := mustClause(t, "x", c.op, c.value)
		a := attrs{}
		if c.attr != nil {
			a["x"] = c.attr
		}
		if got := cl.Eval(a.get, scope.AttributeInValue); got != c.want {
			t.Errorf("%v with x=%#v: got %v, want %v", cl, c.attr, got, c.want)
		}
	}
}

// TestNullRule_SCOPE03: every clause is false on null or empty, except IS
// NULL; NOT REGEX MATCH is false on null in particular.
func TestNullRule_SCOPE03(t *testing.T) {
	values := map[scope.Operator]string{
		scope.Contains: "a", scope.NotContains: "a", scope.EndsWith: "a", scope.Equals: "a",
		scope.NotEquals: "a", scope.GreaterThan: "1", scope.GreaterThanOrEquals: "1",
		scope.Includes: "a", scope.RegexMatch: ".*", scope.NotRegexMatch: "x",
	}
	for _, op := range scope.Operators {
		cl := mustClause(t, "x", string(op), values[op])
		for name, a := range map[string]attrs{"absent": {}, "nil": {"x": nil}, "empty": {"x": ""}, "empty list": {"x": []string{}}} {
			got := cl.Eval(a.get, scope.AttributeInValue)
			if want := op == scope.IsNull; got != want {
				t.Errorf("%s on %s attribute: got %v, want %v", op, name, got, want)
			}
		}
	}
}

func TestMultiValuedIsNeverMatched(t *testing.T) {
	cl := mustClause(t, "x", "IS NOT NULL", "")
	if cl.Eval(attrs{"x": []string{"a"}}.get, scope.AttributeInValue) {
		t.Fatal("multi-valued attribute must not satisfy a clause")
	}
}

func TestAmpersandModes(t *testing.T) {
	cl := mustClause(t, "department", "&", "Sales")
	a := attrs{"department": "Sales EMEA"}
	if cl.Eval(a.get, scope.AttributeInValue) {
		t.Error("AttributeInValue: 'Sales EMEA' does not occur in 'Sales'")
	}
	if !cl.Eval(a.get, scope.ValueInAttribute) {
		t.Error("ValueInAttribute: 'Sales' occurs in 'Sales EMEA'")
	}
	nc := mustClause(t, "department", "!&", "Sales")
	if !nc.Eval(a.get, scope.AttributeInValue) || nc.Eval(a.get, scope.ValueInAttribute) {
		t.Error("!& must be the negation of & in both modes")
	}
}

func TestParseOperatorSpellings(t *testing.T) {
	for in, want := range map[string]scope.Operator{
		"NOT_EQUALS": scope.NotEquals, "not equals": scope.NotEquals, "GREATER_THAN": scope.GreaterThan,
		"greater_than_or_equals": scope.GreaterThanOrEquals, "IS_NOT_NULL": scope.IsNotNull,
		"regex_match": scope.RegexMatch, "ends_with": scope.EndsWith, "INCLUDES": scope.Includes, "&": scope.Contains,
	} {
		got, err := scope.ParseOperator(in)
		if err != nil || got != want {
			t.Errorf("ParseOperator(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

func TestNewClauseRejects_SCOPE03(t *testing.T) {
	cases := []struct{ attr, op, val, want string }{
		{"manager", "IS NOT NULL", "", "reference attributes are not supported"},
		{"Members", "IS NOT NULL", "", "group membership"},
		{"IsMemberOf", "EQUALS", "g", "IsMemberOf"},
		{"appRoleAssignments", "EQUALS", "r", "appRoleAssignments"},
		{"userType", "EQUALS", "Guest", "userType"},
		{"proxyAddresses", "Includes", "x", "multi-valued"},
		{"employeeHireDate", "Greater_Than", "1", "date attributes"},
		{"IsSoftDeleted", "IS TRUE", "", "computed from scoping"},
		{"department", "LIKE", "x", `unknown scoping operator "LIKE"`},
		{"department", "EQUALS", "", "needs a value"},
		{"department", "IS NULL", "x", "takes no value"},
		{"employeeId", "Greater_Than", "abc", "needs an integer value"},
		{"department", "REGEX MATCH", "(", "invalid regular expression"},
		{"", "EQUALS", "x", "attribute is required"},
	}
	for _, c := range cases {
		_, err := scope.NewClause(c.attr, c.op, c.val)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewClause(%q, %q, %q) = %v, want error containing %q", c.attr, c.op, c.val, err, c.want)
		}
	}
}

// TestSetCombination_SCOPE01: AND within a filter, OR across filters, no
// filters means in scope.
func TestSetCombination_SCOPE01(t *testing.T) {
	sales := scope.Filter{Name: "sales-eu", Clauses: []scope.Clause{
		mustClause(t, "department", "EQUALS", "Sales"),
		mustClause(t, "country", "EQUALS", "DE"),
	}}
	eng := scope.Filter{Name: "engineering", Clauses: []scope.Clause{mustClause(t, "department", "EQUALS", "Engineering")}}
	set := &scope.Set{Filters: []scope.Filter{sales, eng}}
	cases := []struct {
		a      attrs
		want   bool
		filter string
	}{
		{attrs{"department": "Sales", "country": "DE"}, true, "sales-eu"},
		{attrs{"department": "Sales", "country": "FR"}, false, ""}, // AND fails
		{attrs{"department": "Engineering"}, true, "engineering"},  // OR
		{attrs{"department": "Finance"}, false, ""},
	}
	for _, c := range cases {
		r := set.Evaluate(c.a.get)
		if r.InScope != c.want || r.Filter != c.filter {
			t.Errorf("%v: got %+v, want inScope=%v filter=%q", c.a, r, c.want, c.filter)
		}
		if !c.want && len(r.Failed) != 2 {
			t.Errorf("%v: want a failure reason per filter, got %v", c.a, r.Failed)
		}
	}
	r := set.Evaluate(attrs{"department": "Sales", "country": "FR"}.get)
	if !strings.Contains(r.Failed[0], `sales-eu: country EQUALS "DE"`) {
		t.Errorf("failure reason = %q", r.Failed[0])
	}
	var none *scope.Set
	if !none.InScope(attrs{}.get) || !(&scope.Set{}).InScope(attrs{}.get) {
		t.Error("no filters means everything is in scope")
	}
}
