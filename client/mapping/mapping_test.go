package mapping_test

import (
	"errors"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/scope"
	"github.com/quantive/entra-scim-harness/fixtures"
)

type attrs map[string]any

func (a attrs) get(n string) (any, bool) { v, ok := a[n]; return v, ok }

func joyYoung() *directory.User {
	return &directory.User{
		ObjectID: "o1", UserPrincipalName: "jyoung@contoso.com", MailNickname: "jyoung",
		Mail: "jyoung@contoso.com", GivenName: "Joy", Surname: "Young", DisplayName: "Joy Young",
		JobTitle: "Engineer", Department: "R&D", EmployeeID: "1001", Manager: "o2", AccountEnabled: true,
		Attributes: map[string]any{
			"preferredLanguage": "en-US", "physicalDeliveryOfficeName": "HQ", "streetAddress": "1 Main St",
			"city": "Redmond", "state": "WA", "postalCode": "98052", "country": "US",
			"telephoneNumber": "+1 555 0100", "mobile": "+1 555 0101", "facsimileTelephoneNumber": "+1 555 0102",
		},
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestNonGalleryProducesMAP06 checks that the full MAP-01 mapping of a
// user with every source attribute yields the attribute set of MAP-06,
// with manager held back as a reference.
func TestNonGalleryProducesMAP06(t *testing.T) {
	cfg := mapping.NonGallery()
	r, err := mapping.EvaluateUser(&cfg.Users, joyYoung(), true, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"userName": "jyoung@contoso.com", "externalId": "jyoung", "active": "True",
		"displayName": "Joy Young", "title": "Engineer", `emails[type eq "work"].value`: "jyoung@contoso.com",
		"preferredLanguage": "en-US", "name.givenName": "Joy", "name.familyName": "Young", "name.formatted": "Joy Young",
		`addresses[type eq "work"].formatted`: "HQ", `addresses[type eq "work"].streetAddress`: "1 Main St",
		`addresses[type eq "work"].locality`: "Redmond", `addresses[type eq "work"].region`: "WA",
		`addresses[type eq "work"].postalCode`: "98052", `addresses[type eq "work"].country`: "US",
		`phoneNumbers[type eq "work"].value`: "+1 555 0100", `phoneNumbers[type eq "mobile"].value`: "+1 555 0101",
		`phoneNumbers[type eq "fax"].value`: "+1 555 0102",
		mapping.EnterpriseEmployeeNumber:    "1001", mapping.EnterpriseDepartment: "R&D",
	}
	if !reflect.DeepEqual(r.Values, want) {
		t.Errorf("values:\n got  %v\n want %v", r.Values, want)
	}
	if !reflect.DeepEqual(r.References, map[string][]string{mapping.EnterpriseManager: {"o2"}}) {
		t.Errorf("references = %v", r.References)
	}
}

func TestGtmhubDefault(t *testing.T) {
	cfg := mapping.Gtmhub()
	r, err := mapping.EvaluateUser(&cfg.Users, joyYoung(), true, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"active", "displayName", `emails[type eq "work"].value`, "externalId", "name.familyName",
		"name.formatted", "name.givenName", "title", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "userName"}
	if got := keys(r.Values); !slices.Equal(got, want) {
		t.Errorf("gtmhub targets:\n got  %v\n want %v", got, want)
	}
	var order []string
	for _, a := range cfg.Users.Matching() {
		order = append(order, a.Target)
	}
	if !slices.Equal(order, []string{"userName", "externalId"}) {
		t.Errorf("matching precedence = %v (MATCH-01)", order)
	}
	g := cfg.Groups.Matching()
	if len(g) != 1 || g[0].Target != "displayName" {
		t.Errorf("group matching = %v (MAP-02)", g)
	}
	if !cfg.Users.MapsActive() || cfg.DeletionThreshold != 500 || !cfg.AccidentalDeletionPrevention {
		t.Errorf("defaults: active mapped %v, threshold %d", cfg.Users.MapsActive(), cfg.DeletionThreshold)
	}
}

// TestActive_MAP03: active follows IsSoftDeleted for each trigger.
func TestActive_MAP03(t *testing.T) {
	cfg := mapping.Gtmhub()
	cases := []struct {
		name    string
		mut     func(u *directory.User)
		inScope bool
		want    string
	}{
		{"active", func(*directory.User) {}, true, "True"},
		{"out of scope", func(*directory.User) {}, false, "False"},
		{"blocked", func(u *directory.User) { u.AccountEnabled = false }, true, "False"},
		{"soft deleted", func(u *directory.User) { u.Deleted = directory.SoftDeleted }, true, "False"},
	}
	for _, c := range cases {
		u := joyYoung()
		c.mut(u)
		r, err := mapping.EvaluateUser(&cfg.Users, u, c.inScope, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if r.Values["active"] != c.want {
			t.Errorf("%s: active = %v, want %s", c.name, r.Values["active"], c.want)
		}
	}
}

// TestNullsLeftOut_NULL01: null sources are not sent, and the Join of two
// nulls is null too.
func TestNullsLeftOut_NULL01(t *testing.T) {
	cfg := mapping.Gtmhub()
	u := &directory.User{ObjectID: "o9", UserPrincipalName: "x@contoso.com", AccountEnabled: true}
	r, err := mapping.EvaluateUser(&cfg.Users, u, true, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(r.Values); !slices.Equal(got, []string{"active", "userName"}) {
		t.Errorf("values for a sparse user = %v", got)
	}
	if r.References != nil {
		t.Errorf("no manager, no reference: %v", r.References)
	}
}

func TestDefaultIfNullOnCreateOnly_NULL01(t *testing.T) {
	m := &mapping.ObjectMapping{Enabled: true, Attributes: []*mapping.Attribute{
		{Target: "title", Type: mapping.Direct, Source: "jobTitle", Default: "Staff", HasDefault: true},
	}}
	cfg := &mapping.Config{Users: *m, Groups: mapping.DefaultGroups()}
	cfg.Users.Attributes = append(cfg.Users.Attributes, &mapping.Attribute{Target: "userName", Type: mapping.Direct, Source: "upn", Matching: 1})
	if err := cfg.Compile(); err != nil {
		t.Fatal(err)
	}
	create, _ := mapping.Evaluate(&cfg.Users, attrs{}.get, true, nil)
	update, _ := mapping.Evaluate(&cfg.Users, attrs{}.get, false, nil)
	if create.Values["title"] != "Staff" {
		t.Errorf("create: title = %v, want default Staff", create.Values["title"])
	}
	if _, ok := update.Values["title"]; ok {
		t.Errorf("update: default must not apply, got %v", update.Values["title"])
	}
	present, _ := mapping.Evaluate(&cfg.Users, attrs{"jobTitle": "CFO"}.get, true, nil)
	if present.Values["title"] != "CFO" {
		t.Errorf("default must not override a value: %v", present.Values["title"])
	}
}

func TestMappingTypesAndApply_MAP04(t *testing.T) {
	cfg := &mapping.Config{Users: mapping.ObjectMapping{Enabled: true, Attributes: []*mapping.Attribute{
		{Target: "userName", Type: mapping.Direct, Source: "upn", Matching: 1},
		{Target: "userType", Type: mapping.Constant, Constant: "Employee"},
		{Target: "nickName", Type: mapping.Expression, Expression: `ToLower([upn])`, Apply: mapping.OnlyDuringCreation},
		{Target: "locale", Type: mapping.None, Default: "en-US", HasDefault: true},
		{Target: "profileUrl", Type: mapping.Expression, Expression: `Join("", "https://x/", [upn], Guid())`},
	}}}
	if err := cfg.Compile(); err != nil {
		t.Fatal(err)
	}
	a := attrs{"upn": "A@X"}
	create, err := mapping.Evaluate(&cfg.Users, a.get, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if create.Values["userType"] != "Employee" || create.Values["nickName"] != "a@x" || create.Values["locale"] != "en-US" {
		t.Errorf("create values = %v", create.Values)
	}
	update, _ := mapping.Evaluate(&cfg.Users, a.get, false, nil)
	if _, ok := update.Values["nickName"]; ok {
		t.Error("OnlyDuringCreation mapping applied on update")
	}
	if update.IfTargetEmpty["locale"] != "en-US" {
		t.Errorf("None mapping on update must be conditional: %v", update.IfTargetEmpty)
	}
	if _, ok := update.Values["locale"]; ok {
		t.Error("None mapping must not be sent unconditionally on update")
	}
}

func TestExpressionValueTypes(t *testing.T) {
	cfg := &mapping.Config{Users: mapping.ObjectMapping{Enabled: true, Attributes: []*mapping.Attribute{
		{Target: "userName", Type: mapping.Direct, Source: "upn", Matching: 1},
		{Target: "n", Type: mapping.Expression, Expression: `Count([l])`},
		{Target: "l", Type: mapping.Expression, Expression: `Split("a,b", ",")`},
		{Target: "b", Type: mapping.Direct, Source: "flag"},
	}}}
	if err := cfg.Compile(); err != nil {
		t.Fatal(err)
	}
	r, err := mapping.Evaluate(&cfg.Users, attrs{"l": []string{"x", "y"}, "flag": true}.get, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Values["n"] != "2" || !reflect.DeepEqual(r.Values["l"], []string{"a", "b"}) || r.Values["b"] != true {
		t.Errorf("values = %#v", r.Values)
	}
}

func TestGroupMapping_MAP02(t *testing.T) {
	b, _ := fixtures.Directory("small.yaml")
	d, err := directory.Parse("small.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	g, _ := d.Group("g-sales")
	cfg := mapping.Gtmhub()
	r, err := mapping.EvaluateGroup(&cfg.Groups, g, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r.Values, map[string]any{"displayName": "Sales", "externalId": "g-sales"}) {
		t.Errorf("group values = %v", r.Values)
	}
	if !slices.Equal(r.References["members"], []string{"u02", "u03", "u04"}) {
		t.Errorf("members = %v", r.References)
	}
}

func TestMatchValue(t *testing.T) {
	cfg := mapping.Gtmhub()
	m := cfg.Users.Matching()
	v, err := mapping.MatchValue(m[0], attrs{"userPrincipalName": "a@x"}.get, nil)
	if err != nil || v != "a@x" {
		t.Fatalf("MatchValue = %q, %v", v, err)
	}
	v, _ = mapping.MatchValue(m[1], attrs{}.get, nil)
	if v != "" {
		t.Fatalf("missing matching value = %q", v)
	}
}

func TestCompileErrors(t *testing.T) {
	base := func(extra ...*mapping.Attribute) *mapping.Config {
		return &mapping.Config{Users: mapping.ObjectMapping{Enabled: true, Attributes: append([]*mapping.Attribute{
			{Target: "userName", Type: mapping.Direct, Source: "upn", Matching: 1}}, extra...)}}
	}
	cases := []struct {
		cfg  *mapping.Config
		want string
	}{
		{base(&mapping.Attribute{Target: "id", Type: mapping.Direct, Source: "objectId"}), "primary key id cannot be mapped"},
		{base(&mapping.Attribute{Target: "userName", Type: mapping.Direct, Source: "x"}), "mapped twice"},
		{base(&mapping.Attribute{Target: "externalId", Type: mapping.Direct, Source: "x", Matching: 1}), "precedence 1 is already used"},
		{base(&mapping.Attribute{Target: "x", Type: mapping.Direct}), "needs a source attribute"},
		{base(&mapping.Attribute{Target: "x", Type: mapping.Expression, Expression: `Join(`}), "missing ')'"},
		{base(&mapping.Attribute{Target: "x", Type: mapping.Expression, Expression: `SelectUniqueValue("a","b")`, Matching: 2}), "SelectUniqueValue cannot be used on a matching attribute"},
		{base(&mapping.Attribute{Target: "x", Type: "Magic"}), `type "Magic"`},
		{base(&mapping.Attribute{Target: "x", Type: mapping.None}), "None mapping needs a default"},
		{base(&mapping.Attribute{Target: "x", Type: mapping.Direct, Source: "s", Apply: "Sometimes"}), `apply "Sometimes"`},
		{base(&mapping.Attribute{Target: "x", Type: mapping.Constant, Constant: "c", Reference: true}), "reference attribute must be a Direct"},
		{base(&mapping.Attribute{Target: `emails[type eq work].value`, Type: mapping.Direct, Source: "s"}), "selector must look like"},
		{&mapping.Config{Users: mapping.ObjectMapping{Enabled: true}}, "at least one attribute must be used for matching"},
		{&mapping.Config{Users: mapping.ObjectMapping{Enabled: false, Attributes: []*mapping.Attribute{{Target: "userName", Type: mapping.Direct, Source: "upn", Matching: 1}}}}, "cannot be disabled"},
	}
	for _, c := range cases {
		err := c.cfg.Compile()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Compile: %v, want %q", err, c.want)
		}
	}
}

func TestParseTarget(t *testing.T) {
	cases := map[string]mapping.Target{
		"userName":                     {Attr: "userName"},
		"name.givenName":               {Attr: "name", Sub: "givenName"},
		`emails[type eq "work"].value`: {Attr: "emails", FilterAttr: "type", FilterValue: "work", Sub: "value"},
		mapping.EnterpriseDepartment:   {Schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", Attr: "department"},
	}
	for in, want := range cases {
		got, err := mapping.ParseTarget(in)
		if err != nil || got != want {
			t.Errorf("ParseTarget(%q) = %+v, %v", in, got, err)
		}
	}
	if m, _ := mapping.ParseTarget(mapping.EnterpriseManager); !m.IsManager() {
		t.Error("manager path not recognised")
	}
}

func TestParseFile(t *testing.T) {
	cfg, err := mapping.Parse("m.yaml", []byte(`
base: gtmhub
skipOutOfScopeDeletions: true
accidentalDeletions: {enabled: true, threshold: 20}
users:
  actions: {create: true, update: true, delete: false}
  ampersand: valueInAttribute
  scopingFilters:
    - name: sales
      clauses:
        - {attribute: department, operator: EQUALS, value: Sales}
        - {attribute: accountEnabled, operator: IS TRUE}
    - name: eng
      clauses:
        - {attribute: department, operator: EQUALS, value: Engineering}
  attributes:
    - target: title
      expression: 'ToUpper([jobTitle])'
      default: STAFF
    - target: name.formatted
      remove: true
    - target: userType
      constant: Employee
      apply: OnlyDuringCreation
groups:
  enabled: false
`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.SkipOutOfScopeDeletions || cfg.DeletionThreshold != 20 || cfg.Users.Actions.Delete || cfg.Groups.Enabled {
		t.Errorf("settings not applied: %+v", cfg)
	}
	if cfg.Users.Scoping == nil || len(cfg.Users.Scoping.Filters) != 2 || cfg.Users.Scoping.Ampersand != scope.ValueInAttribute {
		t.Fatalf("scoping = %+v", cfg.Users.Scoping)
	}
	if _, ok := cfg.Users.Attribute("name.formatted"); ok {
		t.Error("removed attribute still present")
	}
	title, _ := cfg.Users.Attribute("title")
	if title.Type != mapping.Expression || title.Line != 17 {
		t.Errorf("title row = %+v", title)
	}
	r, err := mapping.Evaluate(&cfg.Users, attrs{"userPrincipalName": "u@x", "jobTitle": "cfo", "department": "Sales", "accountEnabled": true}.get, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Values["title"] != "CFO" || r.Values["userType"] != "Employee" {
		t.Errorf("values = %v", r.Values)
	}
	if !cfg.Users.Scoping.InScope(attrs{"department": "Engineering"}.get) || cfg.Users.Scoping.InScope(attrs{"department": "Sales"}.get) {
		t.Error("scoping filters: OR across filters, AND within")
	}
}

func TestParseFileBases(t *testing.T) {
	empty, err := mapping.Parse("m.yaml", nil)
	if err != nil || len(empty.Users.Attributes) != len(mapping.Gtmhub().Users.Attributes) {
		t.Fatalf("empty file must give the Gtmhub defaults: %v", err)
	}
	ng, err := mapping.Parse("m.yaml", []byte("base: nonGallery\n"))
	if err != nil || len(ng.Users.Attributes) != 22 {
		t.Fatalf("nonGallery base: %v, %d rows", err, len(ng.Users.Attributes))
	}
	// none: only the rows the file gives (one matching row is required).
	none, err := mapping.Parse("m.yaml", []byte("base: none\nusers:\n  attributes:\n    - {target: userName, type: Direct, source: userPrincipalName, matching: 1}\n"))
	if err != nil {
		t.Fatalf("none base: %v", err)
	}
	u, g := none.Users, none.Groups
	if u.Name != "Provision Microsoft Entra ID Users" || !u.Enabled || u.Actions != (mapping.Actions{Create: true, Update: true, Delete: true}) ||
		len(u.Attributes) != 1 || g.Enabled || len(g.Attributes) != 0 || none.AccidentalDeletionPrevention {
		t.Fatalf("none base: users %+v, groups %+v, deletion prevention %v", u, g, none.AccidentalDeletionPrevention)
	}
}

func TestParseFileErrors(t *testing.T) {
	cases := []struct{ yaml, want string }{
		{"bsae: gtmhub\n", "m.yaml:1:1: bsae: unknown field"},
		{"base: other\n", `m.yaml:1:7: base: invalid value "other"`},
		{"users:\n  attributes:\n    - target: title\n      expression: 'Join(\" \", [a]'\n", `m.yaml:4:19: users.attributes[0]: expression 1:1 (offset 0): missing ')' to close Join(`},
		{"users:\n  attributes:\n    - target: x\n      type: Direct\n", "m.yaml:4:13: users.attributes[0]: a Direct mapping needs a source attribute"},
		{"users:\n  attributes:\n    - source: x\n", "m.yaml:3:7: users.attributes[0].target: required field missing"},
		{"users:\n  attributes:\n    - target: x\n      sorce: y\n", "m.yaml:4:7: users.attributes[0].sorce: unknown field"},
		{"users:\n  attributes:\n    - target: nope\n      remove: true\n", `m.yaml:3:7: users.attributes[0]: cannot remove "nope"`},
		{"users:\n  attributes:\n    - {target: x, source: y, matching: first}\n", `m.yaml:3:40: users.attributes[0].matching: want an integer precedence`},
		{"users:\n  scopingFilters:\n    - clauses:\n        - {attribute: manager, operator: IS NOT NULL}\n", `m.yaml:4:11: users.scopingFilters[0].clauses[0]: attribute "manager": reference attributes are not supported`},
		{"users:\n  scopingFilters:\n    - clauses:\n        - {attribute: department, operator: LIKE, value: x}\n", `m.yaml:4:11: users.scopingFilters[0].clauses[0]: unknown scoping operator "LIKE"`},
		{"users:\n  scopingFilters:\n    - name: x\n", "m.yaml:3:7: users.scopingFilters[0]: a scoping filter needs at least one clause"},
		{"users:\n  actions: {create: yes}\n", `m.yaml:2:21: users.actions.create: want true or false, got "yes"`},
		{"accidentalDeletions: {threshold: -1}\n", `m.yaml:1:34: accidentalDeletions.threshold: want a positive integer`},
		{"users:\n  enabled: false\n", "cannot be disabled"},
		{"users:\n  attributes:\n    - {target: userName, source: upn}\n    - {target: externalId, source: mailNickname}\n", "at least one attribute must be used for matching"},
	}
	for _, c := range cases {
		_, err := mapping.Parse("m.yaml", []byte(c.yaml))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Parse(%q):\n got  %v\n want %q", c.yaml, err, c.want)
		}
	}
	_, err := mapping.Parse("m.yaml", []byte("base: other\n"))
	var fe *mapping.FileError
	if !errors.As(err, &fe) || fe.Line != 1 {
		t.Errorf("FileError not exposed: %v", err)
	}
}

func BenchmarkEvaluateGtmhub10k(b *testing.B) {
	d, err := directory.Parse("large", fixtures.LargeDirectory())
	if err != nil {
		b.Fatal(err)
	}
	cfg := mapping.Gtmhub()
	b.ResetTimer()
	for b.Loop() {
		for _, u := range d.Users {
			if _, err := mapping.EvaluateUser(&cfg.Users, u, true, true, nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestExampleFile(t *testing.T) {
	cfg, err := mapping.LoadFile("testdata/example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := fixtures.Directory("small.yaml")
	d, err := directory.Parse("small.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	var in []string
	for _, u := range d.InScopeUsers() {
		if cfg.Users.Scoping.InScope(directory.UserSource(u, true)) {
			in = append(in, u.ObjectID)
		}
	}
	if !slices.Equal(in, []string{"u02", "u03", "u04", "u05", "u06", "u07"}) {
		t.Errorf("in scope after filters = %v", in)
	}
	u, _ := d.User("u10")
	r, err := mapping.EvaluateUser(&cfg.Users, u, false, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Values["title"] != "Employee" || r.Values[mapping.EnterpriseDepartment] != "MARKETING" || r.Values["active"] != "False" {
		t.Errorf("values = %v", r.Values)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("base: nonGallery\n"))
	f.Add([]byte("users:\n  attributes:\n    - {target: title, expression: 'ToUpper([jobTitle])'}\n"))
	f.Add([]byte("users:\n  scopingFilters:\n    - clauses:\n        - {attribute: department, operator: '&', value: Sales}\n"))
	f.Add([]byte("accidentalDeletions: {enabled: false, threshold: 3}\ngroups: {enabled: false}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := mapping.Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		// A loaded configuration is compiled and evaluates without panics.
		if err := cfg.Compile(); err != nil {
			t.Fatalf("loaded config does not compile: %v", err)
		}
		_, _ = mapping.Evaluate(&cfg.Users, attrs{"userPrincipalName": "a@x"}.get, true, nil)
	})
}
