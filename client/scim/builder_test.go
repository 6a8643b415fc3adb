package scim

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestCreateUserBody_FLOW04_FLOW20 checks the create body for attribute
// kinds the spec example does not show: extension attributes (enterprise
// and custom, FLOW-20), several valuePath elements, roles, nulls.
func TestCreateUserBody_FLOW04_FLOW20(t *testing.T) {
	attrs := Attributes{
		"userName":                                "a@contoso.com",
		"active":                                  false,
		"displayName":                             "R&D <lead>",
		`emails[type eq "work"].value`:            "a@contoso.com",
		`emails[type eq "other"].value`:           "a@home.example",
		`phoneNumbers[type eq "mobile"].value`:    "+1 555",
		`addresses[type eq "work"].streetAddress`: "1 Main St",
		`addresses[type eq "work"].locality`:      "Springfield",
		`addresses[type eq "work"].country`:       nil,
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":     "Finance",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "1001",
		"urn:ietf:params:scim:schemas:extension:Gtmhub:2.0:User:team":               "Blue",
		"manager": "m1",
		"title":   nil,
	}
	// Microsoft's create examples: schemas, externalId, userName, active,
	// the other core attributes alphabetically, extension objects last;
	// elements primary, filter key, sub-attributes; otherwise the mapping
	// order (MAP-01: work email before other, streetAddress before
	// locality, employeeNumber before department).
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
	"userName":"a@contoso.com","active":false,
	"addresses":[{"type":"work","streetAddress":"1 Main St","locality":"Springfield"}],
	"displayName":"R&D <lead>",
	"emails":[{"primary":true,"type":"work","value":"a@contoso.com"},{"type":"other","value":"a@home.example"}],
	"meta":{"resourceType":"User"},
	"phoneNumbers":[{"type":"mobile","value":"+1 555"}],
	"roles":[],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1001","department":"Finance"},
	"urn:ietf:params:scim:schemas:extension:Gtmhub:2.0:User":{"team":"Blue"}}`
	r := Builder{}.CreateUser(attrs)
	if g, w := compact(t, r.Body), compact(t, []byte(want)); g != w {
		t.Fatalf("body (key order counts)\n got %s\nwant %s", g, w)
	}
	// Entra writes schemas first and does not HTML-escape.
	if s := string(r.Body); s[:11] != `{"schemas":` || !strings.Contains(s, `"R&D <lead>"`) {
		t.Errorf("body %s", s)
	}
	// Roles given replace the empty array (FLOW-19).
	r = Builder{}.CreateUser(Attributes{"userName": "a", "roles": []map[string]any{{"primary": true, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}}})
	if !strings.Contains(string(r.Body), `"roles":[{"primary":true,"type":"WindowsAzureActiveDirectoryRole","value":"Admin"}]`) {
		t.Errorf("roles: %s", r.Body)
	}
}

// TestCreateUserActiveIsBoolean_FLOW04_PATCH02: the mapping's Switch yields
// "True"/"False" (MAP-03); the create body carries a JSON boolean in both
// dialects (ENTRA-FLOW-04), while a PATCH of active keeps the dialect's form
// (ENTRA-PATCH-02: strings in legacy, booleans in compliant).
func TestCreateUserActiveIsBoolean_FLOW04_PATCH02(t *testing.T) {
	cases := []struct {
		mapped     any
		want       bool
		wantLegacy any // the legacy PATCH value for the same mapped value
	}{
		{"True", true, "True"},
		{"False", false, "False"},
		{"true", true, "True"},
		{"FALSE", false, "False"},
		{true, true, "True"},
		{false, false, "False"},
	}
	for _, tc := range cases {
		for _, d := range []Dialect{Legacy, Compliant} {
			name := fmt.Sprintf("%s/%#v", d, tc.mapped)
			b := Builder{Dialect: d}
			var body map[string]any
			if err := json.Unmarshal(b.CreateUser(Attributes{"userName": "a", "active": tc.mapped}).Body, &body); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got, ok := body["active"].(bool); !ok || got != tc.want {
				t.Errorf("%s: create active = %#v, want the boolean %v", name, body["active"], tc.want)
			}
			var p struct {
				Operations []struct {
					Value any `json:"value"`
				}
			}
			// The target holds the opposite value, so the PATCH sends it.
			upd := b.UpdateUser("u1", Diff(Attributes{"active": !tc.want}, Attributes{"active": tc.mapped}))
			if err := json.Unmarshal(upd.Body, &p); err != nil || len(p.Operations) != 1 {
				t.Fatalf("%s: PATCH %s: %v", name, upd.Body, err)
			}
			var want any = tc.want
			if d == Legacy {
				want = tc.wantLegacy
			}
			if p.Operations[0].Value != want {
				t.Errorf("%s: PATCH active = %#v, want %#v", name, p.Operations[0].Value, want)
			}
		}
	}
}

// TestUpdateUserDialects_PATCH03_PATCH04 checks the PATCH forms per
// dialect (client/scim/README.md): add with a path for an attribute that
// had no value, one op per replace in legacy, the path-less replace for
// several replaces in compliant and the path form for a single one, active
// always with its path, all in the mapping's attribute order.
func TestUpdateUserDialects_PATCH03_PATCH04(t *testing.T) {
	const ent = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"
	for _, tc := range []struct {
		name             string
		current, desired Attributes
		order            []string
		legacy, compl    string // the Operations array
	}{
		{"add only", Attributes{}, Attributes{"nickName": "Babs"}, nil,
			`[{"op":"Add","path":"nickName","value":"Babs"}]`,
			`[{"op":"add","path":"nickName","value":"Babs"}]`},
		{"single replace keeps its path", Attributes{"displayName": "Old"}, Attributes{"displayName": "New"}, nil,
			`[{"op":"Replace","path":"displayName","value":"New"}]`,
			`[{"op":"replace","path":"displayName","value":"New"}]`},
		{"single replace next to an add", Attributes{"displayName": "Old"}, Attributes{"displayName": "New", "nickName": "Babs"}, nil,
			`[{"op":"Replace","path":"displayName","value":"New"},{"op":"Add","path":"nickName","value":"Babs"}]`,
			`[{"op":"replace","path":"displayName","value":"New"},{"op":"add","path":"nickName","value":"Babs"}]`},
		{"several replaces, adds, active",
			Attributes{"displayName": "Old", "active": true, "name.familyName": "Old", ent: "Old"},
			Attributes{"displayName": "New", "nickName": "Babs", "active": "False", `emails[type eq "work"].value`: "n@x", "name.familyName": "F", ent: "D"}, nil,
			`[{"op":"Replace","path":"active","value":"False"},{"op":"Replace","path":"displayName","value":"New"},
			  {"op":"Add","path":"emails[type eq \"work\"].value","value":"n@x"},{"op":"Replace","path":"name.familyName","value":"F"},
			  {"op":"Replace","path":"` + ent + `","value":"D"},{"op":"Add","path":"nickName","value":"Babs"}]`,
			`[{"op":"replace","path":"active","value":false},{"op":"add","path":"emails[type eq \"work\"].value","value":"n@x"},
			  {"op":"add","path":"nickName","value":"Babs"},
			  {"op":"replace","value":{"displayName":"New","name.familyName":"F","` + ent + `":"D"}}]`},
		{"valuePath replace keeps its path", Attributes{`emails[type eq "work"].value`: "o@x", "title": "Old"},
			Attributes{`emails[type eq "work"].value`: "n@x", "title": "New"}, nil,
			`[{"op":"Replace","path":"title","value":"New"},{"op":"Replace","path":"emails[type eq \"work\"].value","value":"n@x"}]`,
			`[{"op":"replace","path":"emails[type eq \"work\"].value","value":"n@x"},{"op":"replace","value":{"title":"New"}}]`},
		{"a custom mapping order", Attributes{"displayName": "Old", "title": "Old", "userName": "old"},
			Attributes{"displayName": "New", "title": "New", "userName": "new"}, []string{"title", "displayName"},
			`[{"op":"Replace","path":"title","value":"New"},{"op":"Replace","path":"displayName","value":"New"},{"op":"Replace","path":"userName","value":"new"}]`,
			`[{"op":"replace","value":{"title":"New","displayName":"New","userName":"new"}}]`},
	} {
		for _, d := range []Dialect{Legacy, Compliant} {
			t.Run(tc.name+"/"+string(d), func(t *testing.T) {
				want := tc.legacy
				if d == Compliant {
					want = tc.compl
				}
				r := Builder{Dialect: d, AttributeOrder: tc.order}.UpdateUser("u1", Diff(tc.current, tc.desired))
				body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":` + want + `}`
				if g, w := compact(t, r.Body), compact(t, []byte(body)); g != w {
					t.Errorf("\n got %s\nwant %s", g, w)
				}
			})
		}
	}
}

// TestUpdateUserOrdersCallerChanges: changes given in another order go
// out in the mapping order, whatever order the caller lists them in.
func TestUpdateUserOrdersCallerChanges(t *testing.T) {
	changes := []Change{
		{Path: "externalId", New: "e", HadOld: true},
		{Path: "name.givenName", New: "g", HadOld: true},
		{Path: "displayName", New: "d", HadOld: true},
	}
	r := Builder{}.UpdateUser("u1", changes)
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"displayName","value":"d"},{"op":"Replace","path":"name.givenName","value":"g"},{"op":"Replace","path":"externalId","value":"e"}]}`
	if g := compact(t, r.Body); g != want {
		t.Errorf("\n got %s\nwant %s", g, want)
	}
	if changes[0].Path != "externalId" {
		t.Error("UpdateUser reordered the caller's slice")
	}
}

// TestFilterEncoding_HTTP05 checks the wire encoding of filter values,
// including characters that need escaping.
func TestFilterEncoding_HTTP05(t *testing.T) {
	cases := map[string]string{
		`johnwong`:     `filter=userName+eq+%22johnwong%22`,
		`a b`:          `filter=userName+eq+%22a+b%22`,
		`o"brien`:      `filter=userName+eq+%22o%5C%22brien%22`,
		`x&y=z+1`:      `filter=userName+eq+%22x%5Cu0026y%3Dz%2B1%22`,
		`alias#EXT#@x`: `filter=userName+eq+%22alias%23EXT%23%40x%22`,
	}
	for in, want := range cases {
		if got := (Builder{}).MatchUser("userName", in).Query; got != want {
			t.Errorf("%q: got %s, want %s", in, got, want)
		}
	}
}

// TestParseManagerShape_FLOW08 reads every name of the manager forms,
// --manager-form's among them, and refuses others.
func TestParseManagerShape_FLOW08(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want ManagerShape
		err  bool
	}{
		{"", ManagerObserved, false},
		{"observed", ManagerObserved, false},
		{" Observed ", ManagerObserved, false},
		{"string", ManagerString, false},
		{"documented", ManagerDocumented, false},
		{"DOCUMENTED", ManagerDocumented, false},
		{"array-with-$ref", ManagerArrayRef, false},
		{"array", ManagerArrayRef, false},
		{"object", ManagerObject, false},
		{"bare", "", true},
		{"documented-form", "", true},
	} {
		got, err := ParseManagerShape(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseManagerShape(%q) = %q, %v; want %q, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
	if ManagerObserved != ManagerString || ManagerDocumented != ManagerArrayRef {
		t.Error("the --manager-form names must be the same values as the shapes")
	}
	for _, n := range ManagerFormNames {
		if _, err := ParseManagerShape(n); err != nil {
			t.Errorf("ManagerFormNames lists %q, which does not parse: %v", n, err)
		}
	}
}

// TestSetManagerForms_FLOW08: the default builder sends the observed form;
// the documented form puts the $ref under the tenant URL without a
// trailing slash.
func TestSetManagerForms_FLOW08(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Builder
		op   string
	}{
		{"zero value is observed", Builder{}, `{"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m 1"}`},
		{"documented", Builder{ManagerShape: ManagerDocumented, TenantURL: "https://t.example/scim/"},
			`{"op":"Add","path":"manager","value":[{"$ref":"https://t.example/scim/Users/m%201","value":"m 1"}]}`},
		{"documented, compliant", Builder{Dialect: Compliant, ManagerShape: ManagerDocumented, TenantURL: "https://t.example/scim"},
			`{"op":"add","path":"manager","value":[{"$ref":"https://t.example/scim/Users/m%201","value":"m 1"}]}`},
	} {
		r := tc.b.SetManager("u1", "m 1")
		want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[` + tc.op + `]}`
		if g := compact(t, r.Body); g != want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, g, want)
		}
	}
}
