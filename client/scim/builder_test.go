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
	want := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
	"userName":"a@contoso.com","active":false,"displayName":"R&D <lead>",
	"emails":[{"type":"other","value":"a@home.example"},{"primary":true,"type":"work","value":"a@contoso.com"}],
	"phoneNumbers":[{"type":"mobile","value":"+1 555"}],
	"addresses":[{"type":"work","streetAddress":"1 Main St","locality":"Springfield"}],
	"meta":{"resourceType":"User"},"roles":[],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Finance","employeeNumber":"1001"},
	"urn:ietf:params:scim:schemas:extension:Gtmhub:2.0:User":{"team":"Blue"}}`
	r := Builder{}.CreateUser(attrs)
	if g, w := normalize(t, r.Body), normalize(t, []byte(want)); g != w {
		t.Fatalf("body\n got %s\nwant %s", g, w)
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

// TestUpdateUserDialects_PATCH03_PATCH04 checks add versus replace, the
// active flag and the compliant split.
func TestUpdateUserDialects_PATCH03_PATCH04(t *testing.T) {
	changes := Diff(
		Attributes{"displayName": "Old", "active": true},
		Attributes{"displayName": "New", "nickName": "Babs", "active": false, `emails[type eq "work"].value`: "n@x"})
	legacy := Builder{Dialect: Legacy}.UpdateUser("u1", changes)
	wantLegacy := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
	 {"op":"Replace","path":"active","value":"False"},
	 {"op":"Replace","path":"displayName","value":"New"},
	 {"op":"Add","path":"emails[type eq \"work\"].value","value":"n@x"},
	 {"op":"Add","path":"nickName","value":"Babs"}]}`
	if g, w := normalize(t, legacy.Body), normalize(t, []byte(wantLegacy)); g != w {
		t.Errorf("legacy\n got %s\nwant %s", g, w)
	}
	compliant := Builder{Dialect: Compliant}.UpdateUser("u1", changes)
	wantCompliant := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
	 {"op":"replace","path":"active","value":false},
	 {"op":"replace","path":"emails[type eq \"work\"].value","value":"n@x"},
	 {"op":"replace","value":{"displayName":"New","nickName":"Babs"}}]}`
	if g, w := normalize(t, compliant.Body), normalize(t, []byte(wantCompliant)); g != w {
		t.Errorf("compliant\n got %s\nwant %s", g, w)
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
