package query

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

const alice = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
	"id":"A1b2","externalId":"Alice-Ext","userName":"Alice@Contoso.com","active":false,"displayName":"Alice Anders",
	"name":{"givenName":"Alice","familyName":"Anders"},"title":"CFO",
	"emails":[{"type":"work","value":"Alice@Contoso.com","primary":true},{"type":"home","value":"al@home.example"}],
	"roles":[{"primary":true,"value":"Admin"}],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"M9"},"department":"Finance","employeeNumber":"1001"},
	"meta":{"resourceType":"User","created":"2024-01-02T03:04:05Z","lastModified":"2024-06-01T00:00:00Z"},
	"custom":"Blue","score":42,"flag":true}`

const sales = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales",
	"members":[{"value":"u1"},{"value":"u2","type":"User"}]}`

func res(t testing.TB, s string) resource.Resource {
	t.Helper()
	r, err := resource.Decode([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMatch(t *testing.T) {
	cases := []struct {
		name, filter string
		group        bool
		want         bool
	}{
		{"ENTRA-FLOW-03_userName_eq_other_case", `userName eq "alice@contoso.COM"`, false, true},
		{"ENTRA-FLOW-03_userName_eq_mismatch", `userName eq "bob@contoso.com"`, false, false},
		{"ENTRA-FLOW-01_random_guid_no_match", `userName eq "8c7b1f3e-0000-4000-8000-000000000000"`, false, false},
		{"ENTRA-FLOW-03_externalId_caseExact", `externalId eq "Alice-Ext"`, false, true},
		{"ENTRA-FLOW-03_externalId_caseExact_mismatch", `externalId eq "alice-ext"`, false, false},
		{"ENTRA-HTTP-05_unquoted_value", `externalId eq Alice-Ext`, false, true},
		{"ENTRA-FLOW-03_work_email_valuePath", `emails[type eq "work"].value eq "ALICE@contoso.com"`, false, true},
		{"ENTRA-FLOW-03_work_email_other_type", `emails[type eq "home"].value eq "alice@contoso.com"`, false, false},
		{"ENTRA-FLOW-06_id_and_manager", `id eq "A1b2" and manager eq "M9"`, false, true},
		{"ENTRA-FLOW-06_id_and_wrong_manager", `id eq "A1b2" and manager eq "M8"`, false, false},
		{"ENTRA-FLOW-06_id_caseExact", `id eq "a1b2"`, false, false},
		{"ENTRA-FLOW-06_manager_id_caseExact", `manager eq "m9"`, false, false},
		{"ENTRA-FLOW-06_manager_value_urn", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "M9"`, false, true},
		{"ENTRA-FLOW-06_manager_urn", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "M9"`, false, true},
		{"ENTRA-FLOW-06_group_members_eq", `id eq "g1" and members eq "u2"`, true, true},
		{"ENTRA-FLOW-06_group_members_eq_nonmember", `members eq "u3"`, true, false},
		{"ENTRA-FLOW-12_displayName_other_case", `displayName eq "SALES"`, true, true},
		{"RFC-04_core_urn_qualified", `urn:ietf:params:scim:schemas:core:2.0:User:userName eq "alice@contoso.com"`, false, true},
		{"RFC-04_sub_attribute", `name.familyName eq "anders"`, false, true},
		{"RFC-04_ops_co", `userName co "CONTOSO"`, false, true},
		{"RFC-04_ops_sw", `userName sw "ali"`, false, true},
		{"RFC-04_ops_ew", `userName ew ".com"`, false, true},
		{"RFC-04_ops_ne", `title ne "CEO"`, false, true},
		{"RFC-04_ops_ne_equal", `title ne "cfo"`, false, false},
		{"RFC-04_ne_absent", `nickName ne "x"`, false, true},
		{"RFC-04_pr", `title pr`, false, true},
		{"RFC-04_pr_absent", `nickName pr`, false, false},
		{"RFC-04_pr_complex", `name pr`, false, true},
		{"RFC-04_gt_string", `title gt "CEO"`, false, true},
		{"RFC-04_le_string", `title le "CEO"`, false, false},
		{"RFC-04_or", `userName eq "x" or title eq "cfo"`, false, true},
		{"RFC-04_not", `not (title eq "cfo")`, false, false},
		{"RFC-04_grouping", `(userName eq "x" or title eq "cfo") and active eq false`, false, true},
		{"ENTRA-FLOW-09_active_eq_false", `active eq false`, false, true},
		{"ENTRA-FLOW-09_active_eq_true", `active eq true`, false, false},
		{"RFC-04_bool_string_compare", `active eq "False"`, false, true},
		{"RFC-04_dateTime_gt", `meta.lastModified gt "2024-05-31T23:59:59Z"`, false, true},
		{"RFC-04_dateTime_lt", `meta.created lt "2024-01-02T03:04:05Z"`, false, false},
		{"RFC-04_dateTime_ge_offset", `meta.created ge "2024-01-02T04:04:05+01:00"`, false, true},
		{"RFC-04_multi_any_element", `emails.value eq "al@home.example"`, false, true},
		{"RFC-04_valuePath_or", `emails[type eq "home" or type eq "other"]`, false, true},
		{"RFC-04_valuePath_not", `emails[not (type eq "work")]`, false, true},
		{"RFC-04_valuePath_primary", `roles[primary eq true].value eq "admin"`, false, true},
		{"RFC-04_emails_no_sub_compares_value", `emails co "home.example"`, false, true},
		{"RFC-04_enterprise_department", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "finance"`, false, true},
		{"RFC-04_bare_number_for_string", `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq 1001`, false, true},
		{"ENTRA-REQ-12_unknown_attr_string", `custom eq "blue"`, false, true},
		{"ENTRA-REQ-12_unknown_attr_number", `score gt 41`, false, true},
		{"ENTRA-REQ-12_unknown_attr_bool", `flag eq true`, false, true},
		{"ENTRA-REQ-12_unknown_attr_absent", `nothing eq "x"`, false, false},
		{"RFC-04_eq_null_absent", `nickName eq null`, false, true},
		{"RFC-04_case_insensitive_names_ops", `USERNAME EQ "alice@contoso.com"`, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expr, err := protocol.ParseFilter(c.filter)
			if err != nil {
				t.Fatalf("parse %q: %v", c.filter, err)
			}
			r, rt := res(t, alice), schema.User()
			if c.group {
				r, rt = res(t, sales), schema.Group()
			}
			got, err := Match(expr, r, rt)
			if err != nil {
				t.Fatalf("Match: %v", err)
			}
			if got != c.want {
				t.Fatalf("%s: got %v, want %v", c.filter, got, c.want)
			}
		})
	}
}

func TestMatchInvalidFilter(t *testing.T) {
	cases := []struct{ name, filter string }{
		{"RFC-02_gt_on_boolean", `active gt true`},
		{"RFC-02_co_on_boolean", `active co "t"`},
		{"RFC-02_boolean_vs_string", `active eq "maybe"`},
		{"RFC-02_bad_date", `meta.lastModified gt "yesterday"`},
		{"RFC-02_date_vs_number", `meta.lastModified gt 5`},
		{"RFC-02_string_vs_bool", `userName eq true`},
		{"RFC-02_complex_without_value", `name eq "x"`},
		{"RFC-02_valuePath_on_simple", `userName[value eq "x"]`},
		{"RFC-02_unknown_attr_in_known_urn", `urn:ietf:params:scim:schemas:core:2.0:User:nosuch eq "x"`},
		{"RFC-02_gt_null", `title gt null`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			expr, err := protocol.ParseFilter(c.filter)
			if err != nil {
				t.Fatalf("parse %q: %v", c.filter, err)
			}
			// An empty resource: validation must not depend on data.
			_, err = Match(expr, resource.Resource{}, schema.User())
			var se *protocol.Error
			if !errors.As(err, &se) || se.Status != "400" || se.ScimType != protocol.ScimTypeInvalidFilter {
				t.Fatalf("want 400 invalidFilter, got %v", err)
			}
		})
	}
}

func TestMatchElement(t *testing.T) {
	members := schema.Group().Core.Attr("members")
	expr, err := protocol.ParsePath(`members[value eq "u1"]`)
	if err != nil {
		t.Fatal(err)
	}
	ok, err := MatchElement(expr.ValueExpression, map[string]any{"value": "u1"}, members)
	if err != nil || !ok {
		t.Fatalf("got %v %v", ok, err)
	}
	ok, err = MatchElement(expr.ValueExpression, map[string]any{"value": "u2"}, members)
	if err != nil || ok {
		t.Fatalf("got %v %v", ok, err)
	}
}

func TestIndexLookup(t *testing.T) {
	cases := []struct {
		filter    string
		attr, val string
	}{
		{`userName eq "Alice@x"`, IndexUserName, "Alice@x"},
		{`externalId eq "e1"`, IndexExternalID, "e1"},
		{`id eq "x" and manager eq "y"`, IndexID, "x"},
		{`manager eq "y" and id eq "x"`, IndexID, "x"},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "y"`, IndexManager, "y"},
		{`displayName eq "Sales"`, IndexDisplayName, "Sales"},
		{`emails[type eq "work"].value eq "a@b"`, IndexWorkEmail, "a@b"},
		{`emails[type eq "home"].value eq "a@b"`, "", ""},
		{`id eq "g" and members eq "u"`, IndexID, "g"},
		{`members[value eq "u"]`, IndexMember, "u"},
		{`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "u"`, IndexUserName, "u"},
		{`userName eq "a" or userName eq "b"`, "", ""},
		{`not (userName eq "a")`, "", ""},
		{`userName ne "a"`, "", ""},
		{`userName co "a"`, "", ""},
		{`title eq "a"`, "", ""},
		{`(title eq "a" or nickName pr) and externalId eq "e"`, IndexExternalID, "e"},
	}
	for _, c := range cases {
		t.Run(c.filter, func(t *testing.T) {
			expr, err := protocol.ParseFilter(c.filter)
			if err != nil {
				t.Fatal(err)
			}
			attr, val, ok := IndexLookup(expr)
			if ok != (c.attr != "") || attr != c.attr || val != c.val {
				t.Fatalf("got %q %q %v, want %q %q", attr, val, ok, c.attr, c.val)
			}
		})
	}
	if !IndexCaseExact(IndexID) || IndexCaseExact(IndexUserName) {
		t.Fatal("IndexCaseExact: id is caseExact, userName is not")
	}
}

// TestIndexLookupSound checks that whenever IndexLookup names a term,
// every resource the filter matches satisfies that term, so a store that
// looks candidates up by the index never misses a match.
func TestIndexLookupSound(t *testing.T) {
	users := []resource.Resource{res(t, alice),
		res(t, `{"id":"B","userName":"bob","externalId":"b","emails":[{"type":"work","value":"Bob@x"}]}`)}
	filters := []string{`userName eq "ALICE@contoso.com"`, `id eq "A1b2" and manager eq "m9"`,
		`emails[type eq "work"].value eq "bob@X"`, `externalId eq "b" and active pr`}
	for _, f := range filters {
		expr, _ := protocol.ParseFilter(f)
		attr, val, ok := IndexLookup(expr)
		if !ok {
			t.Fatalf("%s: no index term", f)
		}
		term, _ := protocol.ParseFilter(termFilter(attr, val))
		for _, u := range users {
			m, err := Match(expr, u, schema.User())
			if err != nil {
				t.Fatal(err)
			}
			tm, _ := Match(term, u, schema.User())
			if m && !tm {
				t.Fatalf("%s matches %v but its index term %s=%s does not", f, u["id"], attr, val)
			}
		}
	}
}

func termFilter(attr, val string) string {
	q := protocol.QuoteFilterValue(val)
	if attr == IndexWorkEmail {
		return `emails[type eq "work"].value eq ` + q
	}
	return fmt.Sprintf("%s eq %s", attr, q)
}

func TestSort(t *testing.T) {
	rs := func() []resource.Resource {
		return []resource.Resource{
			res(t, `{"id":"1","userName":"b","meta":{"created":"2024-03-01T00:00:00Z"},"emails":[{"value":"z@x"},{"value":"a@x","primary":true}]}`),
			res(t, `{"id":"2","userName":"C","meta":{"created":"2024-01-01T00:00:00Z"}}`),
			res(t, `{"id":"3","userName":"a","meta":{"created":"2024-02-01T00:00:00+02:00"},"emails":[{"value":"m@x"}]}`),
		}
	}
	ids := func(rs []resource.Resource) string {
		var s []string
		for _, r := range rs {
			s = append(s, r["id"].(string))
		}
		return strings.Join(s, ",")
	}
	cases := []struct{ by, order, want string }{
		{"userName", "", "3,1,2"},
		{"USERNAME", "descending", "2,1,3"},
		{"meta.created", "ascending", "2,3,1"},
		{"emails.value", "", "1,3,2"}, // primary value a@x; missing last
		{"emails.value", "descending", "3,1,2"},
		{"", "", "1,2,3"},
	}
	for _, c := range cases {
		t.Run(c.by+"_"+c.order, func(t *testing.T) {
			list := rs()
			if err := Sort(schema.User(), list, c.by, c.order); err != nil {
				t.Fatal(err)
			}
			if got := ids(list); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
	if err := Sort(schema.User(), rs(), "userName", "sideways"); err == nil {
		t.Fatal("bad sortOrder accepted")
	}
	if err := Sort(schema.User(), rs(), "name", ""); err == nil {
		t.Fatal("sortBy on complex name accepted")
	}
}
