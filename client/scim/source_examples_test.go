package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/fixtures"
)

// sourceExample is the example a golden file's source shows, copied from
// the cited Microsoft page or observation: a request line (method, path,
// query) and a whole body, or only the one PATCH operation the source
// quotes.
type sourceExample struct {
	// source is what the golden file must cite.
	source fixtures.Source
	// method and path as the page's request line has them ("" when it
	// shows none); query is compared after URL decoding, since the pages
	// print filters unencoded.
	method, path, query string
	// rawQuery is compared byte for byte (an observation of the wire).
	rawQuery string
	body     string
	op       string
	// values maps a string value of the golden to the example's value
	// where the file keeps other test data; the golden's note must name
	// the example's value.
	values map[string]string
	// otherCasing marks an observation of the other dialect's op casing
	// (ENTRA-PATCH-01): op values are then compared in lower case. The
	// golden's note must say so.
	otherCasing bool
	// vars fill the file's placeholders with the example's own ids.
	vars map[string]string
}

const (
	tut    = fixtures.PageSCIMTutorial
	compPg = fixtures.PageSCIMCompatibility
	custPg = fixtures.PageCustomizeAttributes
	flags  = "Flags to alter the SCIM behavior > "
)

func src(page, section string) fixtures.Source {
	return fixtures.Source{Kind: fixtures.Documented, Page: page, Section: section}
}

// sourceExamples are the documented and observed examples, keyed by
// dialect/golden name, verbatim from the pages (learn.microsoft.com,
// MicrosoftDocs/entra-docs source of 2025) and observations (spec 0.4).
var sourceExamples = map[string]sourceExample{
	"*/03-get-schemas": {source: src(tut, "Schema discovery > Discover schema > Request"), method: "GET", path: "/Schemas"},
	"*/04-match-user-username": {source: src(tut, "User Operations > Get User by query > Request"),
		method: "GET", path: "/Users", query: `filter=userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"`},
	"*/05-match-user-externalid": {source: fixtures.Source{Kind: fixtures.Observed, Ref: "OBS O7"},
		method: "GET", path: "/Users", rawQuery: `filter=externalId+eq+%22johnwong%22`},
	// The /Users requirements: "a GET to /Users with a filter must allow
	// for both userName eq "user@contoso.com" and emails[type eq
	// "work"].value eq "user@contoso.com" queries".
	"*/06-match-user-work-email": {source: src(tut, "Understand the Microsoft Entra SCIM implementation > /Users"),
		method: "GET", path: "/Users", query: `filter=emails[type eq "work"].value eq "user@contoso.com"`},
	"*/07-create-user": {source: src(tut, "User Operations > Create User > Request"), method: "POST", path: "/Users", body: `{
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
    "active": true,
    "emails": [{
        "primary": true,
        "type": "work",
        "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
    }],
    "meta": {
        "resourceType": "User"
    },
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
    },
    "roles": []
}`},
	"*/08-get-user": {source: src(tut, "User Operations > Get User > Request"), method: "GET", path: "/Users/5d48a0a8e9f04aa38008",
		vars: map[string]string{"userId": "5d48a0a8e9f04aa38008"}},
	"legacy/09-update-user-multivalued": {source: src(tut, "User Operations > Update User [Multi-valued properties] > Request"),
		method: "PATCH", path: "/Users/6764549bef60420686bc", vars: map[string]string{"userId": "6764549bef60420686bc"}, body: `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
            {
            "op": "Replace",
            "path": "emails[type eq \"work\"].value",
            "value": "updatedEmail@microsoft.com"
            },
            {
            "op": "Replace",
            "path": "name.familyName",
            "value": "updatedFamilyName"
            }
    ]
}`},
	"legacy/10-update-user-username": {source: src(tut, "User Operations > Update User [Single-valued properties] > Request"),
		method: "PATCH", path: "/Users/5171a35d82074e068ce2", vars: map[string]string{"userId": "5171a35d82074e068ce2"}, body: `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "userName",
        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    }]
}`},
	"legacy/11-update-user-several": {source: src(compPg, flags+"Requests to replace multiple attributes > Without feature flag"), body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
        {"op": "Replace", "path": "displayName", "value": "Pvlo"},
        {"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "TestBcwqnm@test.microsoft.com"},
        {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
        {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
        {"op": "Replace", "path": "externalId", "value": "Eqpj"},
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "Eqpj"}
    ]
}`},
	"compliant/11-update-user-several": {source: src(compPg, flags+"Requests to replace multiple attributes > With feature flag"), body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
        {
            "op": "replace",
            "path": "emails[type eq \"work\"].value",
            "value": "TestMhvaes@test.microsoft.com"
        },
        {
            "op": "replace",
            "value": {
                "displayName": "Bjfe",
                "name.givenName": "Kkom",
                "name.familyName": "Unua",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"
            }
        }
    ]
}`},
	// OBS O3: Captain-P-Goldfish/SCIM-SDK issue 686, "a SCIM request from
	// Microsoft Entra".
	"compliant/13-set-manager-string": {source: fixtures.Source{Kind: fixtures.Observed, Ref: "OBS O3"},
		vars: map[string]string{"managerId": "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"}, body: `{
  "schemas": [
    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
  ],
  "Operations": [
    {
      "op": "add",
      "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
      "value": "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"
    }
  ]
}`},
	"legacy/13-set-manager-string": {source: fixtures.Source{Kind: fixtures.Observed, Ref: "OBS O3"}, otherCasing: true,
		vars: map[string]string{"managerId": "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"}, body: `{
  "schemas": [
    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
  ],
  "Operations": [
    {
      "op": "add",
      "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager",
      "value": "2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"
    }
  ]
}`},
	"legacy/15-set-manager-array-ref": {source: src(tut, "Handling provisioning and deprovisioning of users > Example 5. Request from Microsoft Entra ID to an SCIM endpoint to update a user"),
		method: "PATCH", path: "/Users/a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1",
		vars: map[string]string{"userId": "a0a0a0a0-bbbb-cccc-dddd-e1e1e1e1e1e1", "managerId": "00aa00aa-bb11-cc22-dd33-44ee44ee44ee", "tenantUrl": "http://.../scim"},
		body: `{
    "schemas": 
    [
      "urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations":
    [
      {
        "op":"Add",
        "path":"manager",
        "value":
          [
            {
              "$ref":"http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
              "value":"00aa00aa-bb11-cc22-dd33-44ee44ee44ee"}]}]}`},
	// OBS O1: the validator's removal, as the spec quotes it (ENTRA-FLOW-08).
	"compliant/16-clear-manager": {source: fixtures.Source{Kind: fixtures.Observed, Ref: "OBS O1"},
		op: `{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":""}}`},
	"legacy/16-clear-manager": {source: fixtures.Source{Kind: fixtures.Observed, Ref: "OBS O1"}, otherCasing: true,
		op: `{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":""}}`},
	"legacy/17-disable-user": {source: src(compPg, flags+"Requests made to disable users > Without feature flag"), body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
        {
            "op": "Replace",
            "path": "active",
            "value": "False"
        }
    ]
  }`},
	"compliant/17-disable-user": {source: src(compPg, flags+"Requests made to disable users > With feature flag"), body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
        {
            "op": "replace",
            "path": "active",
            "value": false
        }
    ]
  }`},
	"*/19-delete-user": {source: src(tut, "User Operations > Delete User > Request"), method: "DELETE", path: "/Users/5171a35d82074e068ce2",
		vars: map[string]string{"userId": "5171a35d82074e068ce2"}},
	"*/21-match-group": {source: src(tut, "Group Operations > Get Group by displayName > Request"),
		method: "GET", path: "/Groups", query: `excludedAttributes=members&filter=displayName eq "displayName"`},
	"*/22-create-group": {source: src(tut, "Group Operations > Create Group > Request"), method: "POST", path: "/Groups", body: `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName",
    "meta": {
        "resourceType": "Group"
    }
}`},
	"*/23-get-group": {source: src(tut, "Group Operations > Get Group > Request"), method: "GET", path: "/Groups/40734ae655284ad3abcc",
		query: "excludedAttributes=members", vars: map[string]string{"groupId": "40734ae655284ad3abcc"}},
	"legacy/24-rename-group": {source: src(tut, "Group Operations > Update Group [Non-member attributes] > Request"),
		method: "PATCH", path: "/Groups/fa2ce26709934589afc5", vars: map[string]string{"groupId": "fa2ce26709934589afc5"},
		values: map[string]string{"updatedDisplayName": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"}, body: `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "displayName",
        "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    }]
}`},
	"legacy/25-add-members": {source: src(tut, "Group Operations > Update Group [Add Members] > Request"),
		method: "PATCH", path: "/Groups/a99962b9f99d4c4fac67", vars: map[string]string{"groupId": "a99962b9f99d4c4fac67", "memberId": "f648f8d5ea4e4cd38e9c"}, body: `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Add",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": "f648f8d5ea4e4cd38e9c"
        }]
    }]
}`},
	"legacy/26-remove-members": {source: src(compPg, flags+"Requests made to remove a group member > Without feature flag"),
		vars: map[string]string{"memberId": "u1091"}, body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
        {
            "op": "Remove",
            "path": "members",
            "value": [
                {
                    "value": "u1091"
                }
            ]
        }
    ]
  }`},
	"compliant/26-remove-members": {source: src(compPg, flags+"Requests made to remove a group member > With feature flag"),
		vars: map[string]string{"memberId": "7f4bc1a3-285e-48ae-8202-5accb43efb0e"}, body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
        {
            "op": "remove",
            "path": "members[value eq \"7f4bc1a3-285e-48ae-8202-5accb43efb0e\"]"
        }
    ]
  }`},
	"*/27-delete-group": {source: src(tut, "Group Operations > Delete Group > Request"), method: "DELETE", path: "/Groups/cdb1ce18f65944079d37",
		vars: map[string]string{"groupId": "cdb1ce18f65944079d37"}},
	"legacy/28-add-roles": {source: src(custPg, "Provisioning a role to a SCIM app > SingleAppRoleAssignment > Example output (PATCH)"), body: `{
  "schemas": [
    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
  ],
  "Operations": [
    {
      "op": "Add",
      "path": "roles",
      "value": [
        {
          "value": "{\"id\":\"06b07648-ecfe-589f-9d2f-6325724a46ee\",\"value\":\"25\",\"displayName\":\"Role1234\"}"
        }
      ]
    }
  ]
}`},
	"*/29-replace-roles": {source: src(custPg, "Provisioning a role to a SCIM app > AssertiveAppRoleAssignmentsComplex > Example output (PATCH)"), body: `{
  "schemas": [
    "urn:ietf:params:scim:api:messages:2.0:PatchOp"
  ],
  "Operations": [
    {
      "op": "replace",
      "path": "roles",
      "value": [
        {
          "primary": false,
          "type": "WindowsAzureActiveDirectoryRole",
          "display": "User",
          "value": "User"
        },
        {
          "primary": false,
          "type": "WindowsAzureActiveDirectoryRole",
          "display": "Test",
          "value": "Test"
        }
      ]
    }
  ]
}`},
	"legacy/30-add-user-attribute": {source: src(compPg, flags+"Requests made to add a single-value string attribute > Without feature flag"), body: `{
    "schemas": [
        "urn:ietf:params:scim:api:messages:2.0:PatchOp"
    ],
    "Operations": [
      {
        "op": "Add",
        "path": "nickName",
        "value": "Babs"
      }
    ]
  }`},
	"compliant/30-add-user-attribute": {source: src(compPg, flags+"Requests made to add a single-value string attribute > With feature flag"), body: `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
      {
        "op": "add",
        "path": "nickName",
        "value": "Babs"
      }
    ]
  }`},
}

// exampleFor returns the example of a golden file: its own entry, or the
// one both dialects share ("*/name").
func exampleFor(dialect, name string) (sourceExample, bool) {
	if ex, ok := sourceExamples[dialect+"/"+name]; ok {
		return ex, true
	}
	ex, ok := sourceExamples["*/"+name]
	return ex, ok
}

// keyOrder lists the object keys of a JSON text in document order, each
// with its path ("Operations/0/value/name.givenName"), so that two texts
// with the same keys in another order differ.
func keyOrder(raw []byte) ([]string, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	var out []string
	type frame struct {
		obj  bool
		path string
		key  string // the object's next value's key
		idx  int    // the array's next index
		want bool   // object: the next token is a key
	}
	var stack []*frame
	child := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.obj {
			return f.path + "/" + f.key
		}
		p := fmt.Sprintf("%s/%d", f.path, f.idx)
		f.idx++
		return p
	}
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, err
		}
		if len(stack) > 0 {
			if f := stack[len(stack)-1]; f.obj && f.want {
				if d, ok := tok.(json.Delim); ok && d == '}' {
					stack = stack[:len(stack)-1]
					if len(stack) > 0 && stack[len(stack)-1].obj {
						stack[len(stack)-1].want = true
					}
					continue
				}
				f.key, f.want = tok.(string), false
				out = append(out, f.path+"/"+f.key)
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, path: child(), want: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{path: child()})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			child() // a scalar consumes its place
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].want = true
		}
	}
}

// TestKeyOrder checks keyOrder itself: the order it reports is the
// document's, and a reordering shows.
func TestKeyOrder(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"b":1,"a":{"d":[{"z":1,"y":2}],"c":null}}`, "/b /a /a/d /a/d/0/z /a/d/0/y /a/c"},
		{`{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}`, "/a /a/c /a/d /a/d/0/y /a/d/0/z /b"},
		{`[{"x":[1,{"k":true}]},{}]`, "/0/x /0/x/1/k"},
		{`"s"`, ""},
	} {
		got, err := keyOrder([]byte(tc.in))
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("keyOrder(%s) = %q, want %q", tc.in, g, tc.want)
		}
	}
}

// opRE matches an op member; lowerOps lower-cases its value.
var opRE = regexp.MustCompile(`("op"\s*:\s*)"([A-Za-z]+)"`)

func lowerOps(t *testing.T, b []byte) []byte {
	t.Helper()
	return opRE.ReplaceAllFunc(b, func(m []byte) []byte { return bytes.ToLower(m) })
}

// queryParams splits a query into its parameters in order, decoded.
func queryParams(t *testing.T, q string) []string {
	t.Helper()
	var out []string
	for _, part := range strings.Split(q, "&") {
		k, v, _ := strings.Cut(part, "=")
		uk, err1 := url.QueryUnescape(k)
		uv, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			t.Fatalf("query %q: cannot decode %q", q, part)
		}
		out = append(out, uk+"="+uv)
	}
	return out
}

// TestGoldenEqualsSourceExamples proves that every golden file citing a
// Microsoft page or an observation equals the example it cites (request
// line, body and key order included), that every example is cited by the
// file it belongs to, and that constructed files claim no example.
func TestGoldenEqualsSourceExamples(t *testing.T) {
	all, err := fixtures.AllRequests()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, f := range all {
		key := f.Dialect + "/" + f.Name
		ex, ok := exampleFor(f.Dialect, f.Name)
		cites := f.Source.Kind != fixtures.Constructed
		if ok != cites {
			t.Errorf("%s: source %s, example in the table: %v", key, f.Source, ok)
			continue
		}
		if !ok {
			continue
		}
		if _, own := sourceExamples[key]; own {
			used[key] = true
		} else {
			used["*/"+f.Name] = true
		}
		cited := f.Source
		cited.Note = ""
		if cited != ex.source {
			t.Errorf("%s: cites %s, its example is from %s", key, f.Source, ex.source)
		}
		vars := map[string]string{}
		for k, v := range goldenVars {
			vars[k] = v
		}
		for k, v := range ex.vars {
			vars[k] = v
		}
		r, err := f.Render(vars)
		if err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		if ex.method != "" && (r.Method != ex.method || r.Path != ex.path) {
			t.Errorf("%s: %s %s, the example %s %s", key, r.Method, r.Path, ex.method, ex.path)
		}
		switch {
		case ex.rawQuery != "" && r.Query != ex.rawQuery:
			t.Errorf("%s: query %q, observed %q", key, r.Query, ex.rawQuery)
		case ex.query != "" && !slices.Equal(queryParams(t, r.Query), queryParams(t, ex.query)):
			t.Errorf("%s: query %v, the example %v", key, queryParams(t, r.Query), queryParams(t, ex.query))
		case ex.query == "" && ex.rawQuery == "" && ex.method != "" && r.Query != "":
			t.Errorf("%s: query %q, the example has none", key, r.Query)
		}
		got, want := []byte(r.Body), []byte(ex.body)
		if ex.op != "" {
			var body struct {
				Schemas    []string          `json:"schemas"`
				Operations []json.RawMessage `json:"Operations"`
			}
			if err := json.Unmarshal(r.Body, &body); err != nil || len(body.Operations) != 1 || len(body.Schemas) != 1 {
				t.Fatalf("%s: want a PatchOp with one operation, got %s (%v)", key, r.Body, err)
			}
			got, want = body.Operations[0], []byte(ex.op)
		}
		if ex.body == "" && ex.op == "" {
			if r.HasBody() {
				t.Errorf("%s: body %s, the example has none", key, r.Body)
			}
			continue
		}
		for mine, theirs := range ex.values {
			if !strings.Contains(f.Source.Note, theirs) {
				t.Errorf("%s: keeps %q for the example's %q, but its note does not name the example's value: %q", key, mine, theirs, f.Source.Note)
			}
			m, _ := json.Marshal(mine)
			th, _ := json.Marshal(theirs)
			if !bytes.Contains(got, m) {
				t.Errorf("%s: the substituted value %s is not in the body", key, m)
			}
			got = bytes.ReplaceAll(got, m, th)
		}
		if ex.otherCasing {
			if !strings.Contains(f.Source.Note, "casing") && !strings.Contains(f.Source.Note, "capitalises") {
				t.Errorf("%s: compared with an observation in the other op casing, but its note does not say so: %q", key, f.Source.Note)
			}
			got, want = lowerOps(t, got), lowerOps(t, want)
		}
		if g, w := normalize(t, got), normalize(t, want); g != w {
			t.Errorf("%s (%s): body\n got %s\n example %s", key, ex.source, g, w)
			continue
		}
		gk, err1 := keyOrder(got)
		wk, err2 := keyOrder(want)
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: %v %v", key, err1, err2)
		}
		if !slices.Equal(gk, wk) {
			t.Errorf("%s (%s): key order\n got %v\n example %v", key, ex.source, gk, wk)
		}
	}
	for k := range sourceExamples {
		if !used[k] {
			t.Errorf("example %s: no golden file uses it", k)
		}
	}
}
