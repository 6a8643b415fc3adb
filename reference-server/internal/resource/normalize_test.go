package resource

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// mustJSON decodes a JSON literal the way Decode does (json.Number).
func mustJSON(t testing.TB, s string) any {
	t.Helper()
	v, err := DecodeValue([]byte(s))
	if err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return v
}

// assertSCIMError checks that err is a *protocol.Error 400 with scimType
// and a detail containing detail.
func assertSCIMError(t testing.TB, err error, scimType, detail string) {
	t.Helper()
	var se *protocol.Error
	if !errors.As(err, &se) {
		t.Fatalf("want *protocol.Error %s, got %T %v", scimType, err, err)
	}
	if se.Status != "400" || se.ScimType != scimType {
		t.Fatalf("want 400 %s, got %s %s (%s)", scimType, se.Status, se.ScimType, se.Detail)
	}
	if !strings.Contains(se.Detail, detail) {
		t.Fatalf("detail %q does not mention %q", se.Detail, detail)
	}
}

func TestNormalizeUser(t *testing.T) {
	cases := []struct {
		name string
		body string
		want string // expected resource as JSON
	}{
		{
			name: "ENTRA-FLOW-04_entra_create_body",
			body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"externalId":"0a21f0f2","userName":"Test_User@contoso.com","active":true,
				"emails":[{"primary":true,"type":"work","value":"Test_User@testuser.com"}],
				"meta":{"resourceType":"User"},
				"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
				"roles":[]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"externalId":"0a21f0f2","userName":"Test_User@contoso.com","active":true,
				"emails":[{"primary":true,"type":"work","value":"Test_User@testuser.com"}],
				"name":{"formatted":"givenName familyName","familyName":"familyName","givenName":"givenName"},
				"roles":[]}`,
		},
		{
			name: "ENTRA-FLOW-04_nulls_dropped_and_misspelled_schema_kept",
			body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
				"userName":"u1","displayName":null,"name":{"givenName":"A","familyName":null},
				"emails":[null,{"type":"work","value":"a@b.c","display":null}],
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":null}}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
				"userName":"u1","name":{"givenName":"A"},"emails":[{"type":"work","value":"a@b.c"}]}`,
		},
		{
			name: "RFC-09_key_casing_canonical",
			body: `{"USERNAME":"u1","Name":{"GIVENNAME":"A"},"Emails":[{"Value":"a@b.c","TYPE":"work"}],
				"URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER":{"Department":"Sales"}}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"userName":"u1","name":{"givenName":"A"},"emails":[{"value":"a@b.c","type":"work"}],
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales"}}`,
		},
		{
			name: "RFC-05_id_meta_groups_ignored",
			body: `{"id":"client-chosen","meta":{"created":"2020-01-01T00:00:00Z"},"groups":[{"value":"g1"}],"userName":"u1"}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1"}`,
		},
		{
			name: "ENTRA-REQ-12_unknown_attributes_kept_as_sent",
			body: `{"userName":"u1","customThing":{"a":[1,2.50,null]},"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"007"},
				"phoneNumbers":[{"type":"work","value":"+1 (555) 010-0000"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1","customThing":{"a":[1,2.50,null]},
				"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"007"},
				"phoneNumbers":[{"type":"work","value":"+1 (555) 010-0000"}]}`,
		},
		{
			name: "ENTRA-FLOW-09_active_string_False",
			body: `{"userName":"u1","active":"False"}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1","active":false}`,
		},
		{
			name: "ENTRA-FLOW-10_active_string_TRUE",
			body: `{"userName":"u1","active":"TRUE"}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1","active":true}`,
		},
		{
			name: "VAL-05_roles_primary_string_True",
			body: `{"userName":"u1","roles":[{"primary":"True","type":"WindowsAzureActiveDirectoryRole","value":"Admin"},{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"User"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1",
				"roles":[{"primary":true,"type":"WindowsAzureActiveDirectoryRole","value":"Admin"},{"primary":false,"type":"WindowsAzureActiveDirectoryRole","value":"User"}]}`,
		},
		{
			name: "ENTRA-FLOW-08_manager_bare_string",
			body: `{"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m1"}}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}}}`,
		},
		{
			name: "ENTRA-FLOW-08_manager_array_with_ref",
			body: `{"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":[{"value":"m1","$ref":"http://x/Users/m1"}]}}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1","$ref":"http://x/Users/m1"}}}`,
		},
		{
			name: "ENTRA-FLOW-08_manager_object_displayName_readOnly_dropped",
			body: `{"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1","displayName":"Boss"}}}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}}}`,
		},
		{
			name: "ENTRA-FLOW-08_manager_empty_value_means_none",
			body: `{"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":""},"department":"D"}}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D"}}`,
		},
		{
			name: "ENTRA-FLOW-20_flat_urn_key_goes_into_extension",
			body: `{"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"1001"}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
				"userName":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"1001"}}`,
		},
		{
			name: "ENTRA-REQ-15_same_type_in_roles_allowed",
			body: `{"userName":"u1","roles":[{"type":"r","value":"a"},{"type":"r","value":"b"}],"emails":[{"value":"a@x"},{"value":"b@x"}]}`,
			want: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"u1","roles":[{"type":"r","value":"a"},{"type":"r","value":"b"}],"emails":[{"value":"a@x"},{"value":"b@x"}]}`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := Normalize(schema.User(), []byte(c.body))
			if err != nil {
				t.Fatalf("Normalize: %v", err)
			}
			want := mustJSON(t, c.want)
			if !reflect.DeepEqual(map[string]any(got), want) {
				g, _ := json.Marshal(got)
				t.Fatalf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}

func TestNormalizeGroup(t *testing.T) {
	body := `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId":"8aa1a0c0","displayName":"Sales","meta":{"resourceType":"Group"},
		"members":[{"value":"u1","$ref":null},{"value":"u2","type":"User","display":"Bob"}]}`
	got, err := Normalize(schema.Group(), []byte(body))
	if err != nil {
		t.Fatalf("ENTRA-FLOW-13: %v", err)
	}
	want := mustJSON(t, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
		"externalId":"8aa1a0c0","displayName":"Sales","members":[{"value":"u1"},{"value":"u2","type":"User","display":"Bob"}]}`)
	if !reflect.DeepEqual(map[string]any(got), want) {
		g, _ := json.Marshal(got)
		t.Fatalf("ENTRA-FLOW-13: got %s", g)
	}
}

func TestNormalizePassword(t *testing.T) {
	r, sec, err := NormalizeWithSecrets(schema.User(), []byte(`{"userName":"u1","password":"s3cret!"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r["password"]; ok {
		t.Fatalf("password stored in resource: %v", r)
	}
	if !sec.HasPassword || sec.Password != "s3cret!" {
		t.Fatalf("password not separated: %+v", sec)
	}
	if _, err := Normalize(schema.User(), []byte(`{"userName":"u1","password":5}`)); err == nil {
		t.Fatal("numeric password accepted")
	}
}

func TestNormalizeErrors(t *testing.T) {
	cases := []struct {
		name     string
		rt       *schema.Resource
		body     string
		scimType string
		detail   string
	}{
		{"RFC-05_userName_required", schema.User(), `{"displayName":"x"}`, protocol.ScimTypeInvalidValue, `"userName"`},
		{"RFC-05_userName_empty", schema.User(), `{"userName":" "}`, protocol.ScimTypeInvalidValue, `"userName"`},
		{"RFC-05_userName_null", schema.User(), `{"userName":null}`, protocol.ScimTypeInvalidValue, `"userName"`},
		{"ENTRA-REQ-17_group_displayName_required", schema.Group(), `{"externalId":"x"}`, protocol.ScimTypeInvalidValue, `"displayName"`},
		{"ENTRA-REQ-15_two_work_emails", schema.User(), `{"userName":"u","emails":[{"type":"work","value":"a"},{"type":"Work","value":"b"}]}`, protocol.ScimTypeInvalidValue, `"emails"`},
		{"ENTRA-REQ-15_two_home_addresses", schema.User(), `{"userName":"u","addresses":[{"type":"home"},{"type":"home","locality":"x"}]}`, protocol.ScimTypeInvalidValue, `"addresses"`},
		{"ENTRA-REQ-15_two_mobile_phones", schema.User(), `{"userName":"u","phoneNumbers":[{"type":"mobile","value":"1"},{"type":"mobile","value":"2"}]}`, protocol.ScimTypeInvalidValue, `"phoneNumbers"`},
		{"RFC-09_two_primaries", schema.User(), `{"userName":"u","emails":[{"primary":true,"value":"a"},{"primary":"True","value":"b"}]}`, protocol.ScimTypeInvalidValue, "primary"},
		{"RFC-09_userName_number", schema.User(), `{"userName":42}`, protocol.ScimTypeInvalidValue, `"userName": must be a string, got a number`},
		{"RFC-09_active_yes", schema.User(), `{"userName":"u","active":"yes"}`, protocol.ScimTypeInvalidValue, `"active": must be a boolean`},
		{"RFC-09_active_number", schema.User(), `{"userName":"u","active":1}`, protocol.ScimTypeInvalidValue, `"active"`},
		{"RFC-09_emails_not_array", schema.User(), `{"userName":"u","emails":{"value":"a"}}`, protocol.ScimTypeInvalidValue, `"emails": must be an array`},
		{"RFC-09_email_value_object", schema.User(), `{"userName":"u","emails":[{"value":{"x":1}}]}`, protocol.ScimTypeInvalidValue, `"emails[0].value"`},
		{"RFC-09_name_string", schema.User(), `{"userName":"u","name":"Alice"}`, protocol.ScimTypeInvalidValue, `"name": must be an object`},
		{"RFC-09_enterprise_not_object", schema.User(), `{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":"x"}`, protocol.ScimTypeInvalidValue, "must be an object"},
		{"ENTRA-FLOW-08_two_managers", schema.User(), `{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":[{"value":"a"},{"value":"b"}]}}`, protocol.ScimTypeInvalidValue, "one manager"},
		{"ENTRA-FLOW-08_manager_number", schema.User(), `{"userName":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":7}}`, protocol.ScimTypeInvalidValue, "manager"},
		{"RFC-09_duplicate_key_casings", schema.User(), `{"userName":"a","USERNAME":"b"}`, protocol.ScimTypeInvalidSyntax, "more than once"},
		{"RFC-09_schemas_not_array", schema.User(), `{"userName":"a","schemas":"urn:x"}`, protocol.ScimTypeInvalidSyntax, `"schemas"`},
		{"RFC-01_not_json", schema.User(), `{"userName":`, protocol.ScimTypeInvalidSyntax, "JSON"},
		{"RFC-01_array_body", schema.User(), `[{"userName":"a"}]`, protocol.ScimTypeInvalidSyntax, "JSON object"},
		{"RFC-01_trailing_data", schema.User(), `{"userName":"a"} {}`, protocol.ScimTypeInvalidSyntax, "after"},
		{"RFC-01_null_body", schema.User(), `null`, protocol.ScimTypeInvalidSyntax, "null"},
		{"ENTRA-FLOW-16_member_without_value", schema.Group(), `{"displayName":"g","members":[{"display":"x"}]}`, protocol.ScimTypeInvalidValue, `"members[0].value": is required`},
		{"ENTRA-FLOW-16_member_empty_value", schema.Group(), `{"displayName":"g","members":[{"value":""}]}`, protocol.ScimTypeInvalidValue, `"members[0].value"`},
		{"RFC-09_members_not_array", schema.Group(), `{"displayName":"g","members":"u1"}`, protocol.ScimTypeInvalidValue, `"members"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Normalize(c.rt, []byte(c.body))
			assertSCIMError(t, err, c.scimType, c.detail)
		})
	}
}

func TestNormalizeDoesNotModifyInput(t *testing.T) {
	m := mustJSON(t, `{"userName":"u","active":"True","name":{"givenName":"A","x":null}}`).(map[string]any)
	before, _ := json.Marshal(m)
	if _, _, err := NormalizeMap(schema.User(), m); err != nil {
		t.Fatal(err)
	}
	after, _ := json.Marshal(m)
	if string(before) != string(after) {
		t.Fatalf("input changed: %s -> %s", before, after)
	}
}

func TestCloneIsDeep(t *testing.T) {
	r := Resource(mustJSON(t, `{"a":{"b":[{"c":"d"}]}}`).(map[string]any))
	c := r.Clone()
	c["a"].(map[string]any)["b"].([]any)[0].(map[string]any)["c"] = "changed"
	if r["a"].(map[string]any)["b"].([]any)[0].(map[string]any)["c"] != "d" {
		t.Fatal("Clone shares nested maps")
	}
}

func TestDecodeKeepsNumbersExact(t *testing.T) {
	r, err := Decode([]byte(`{"n":12345678901234567890,"f":2.50}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := r.Marshal()
	if string(b) != `{"f":2.50,"n":12345678901234567890}` {
		t.Fatalf("ENTRA-REQ-12: numbers reformatted: %s", b)
	}
}
