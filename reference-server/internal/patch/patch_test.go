package patch

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

const (
	userCore = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"alice@contoso.com"`
	grpCore  = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales"`
	entKey   = `"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
	bothSch  = `"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"u1","userName":"alice@contoso.com"`
)

func decode(t testing.TB, s string) resource.Resource {
	t.Helper()
	r, err := resource.Decode([]byte(s))
	if err != nil {
		t.Fatalf("bad test resource %s: %v", s, err)
	}
	return r
}

func ops(t testing.TB, s string) []protocol.PatchOperation {
	t.Helper()
	var o []protocol.PatchOperation
	if err := json.Unmarshal([]byte(s), &o); err != nil {
		t.Fatalf("bad test ops %s: %v", s, err)
	}
	return o
}

type patchCase struct {
	name  string
	group bool
	start string // resource JSON
	ops   string // JSON array of operations
	want  string // resource JSON; empty when err is set
	err   string // expected scimType
}

func runCases(t *testing.T, cases []patchCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rt := schema.User()
			if c.group {
				rt = schema.Group()
			}
			start := decode(t, c.start)
			orig := start.Clone()
			got, err := Apply(rt, start, ops(t, c.ops))
			if !reflect.DeepEqual(start, orig) {
				t.Fatal("ENTRA-PATCH-11: input resource was modified")
			}
			if c.err != "" {
				var se *protocol.Error
				if !errors.As(err, &se) || se.Status != "400" || se.ScimType != c.err {
					t.Fatalf("want 400 %s, got %v (result %v)", c.err, err, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			want := decode(t, c.want)
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				t.Fatalf("got  %s\nwant %s", g, c.want)
			}
		})
	}
}

func TestApply(t *testing.T) {
	runCases(t, []patchCase{
		{name: "ENTRA-PATCH-01_op_capitalised",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"Replace","path":"displayName","value":"Alice"},{"op":"ADD","path":"title","value":"CFO"}]`,
			want:  `{` + userCore + `,"displayName":"Alice","title":"CFO"}`},
		{name: "ENTRA-PATCH-02_active_legacy_string_False",
			start: `{` + userCore + `,"active":true}`,
			ops:   `[{"op":"Replace","path":"active","value":"False"}]`,
			want:  `{` + userCore + `,"active":false}`},
		{name: "ENTRA-FLOW-09_active_compliant_bool",
			start: `{` + userCore + `,"active":true}`,
			ops:   `[{"op":"replace","path":"active","value":false}]`,
			want:  `{` + userCore + `,"active":false}`},
		{name: "ENTRA-FLOW-10_reenable_string_true_any_case",
			start: `{` + userCore + `,"active":false}`,
			ops:   `[{"op":"Replace","path":"active","value":"tRuE"}]`,
			want:  `{` + userCore + `,"active":true}`},
		{name: "ENTRA-PATCH-02_active_garbage",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"Replace","path":"active","value":"Nope"}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "ENTRA-PATCH-03_single_valued_add_sets",
			start: `{` + userCore + `,"nickName":"Old"}`,
			ops:   `[{"op":"Add","path":"nickName","value":"Babs"}]`,
			want:  `{` + userCore + `,"nickName":"Babs"}`},
		{name: "ENTRA-PATCH-04_legacy_one_op_per_attribute",
			start: `{` + userCore + `,"name":{"givenName":"A","familyName":"B"}}`,
			ops: `[{"op":"Replace","path":"displayName","value":"Bjfe"},{"op":"Replace","path":"name.givenName","value":"Kkom"},
				{"op":"Replace","path":"externalId","value":"ext"},
				{"op":"Replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber","value":"Aklq"}]`,
			want: `{` + bothSch + `,"displayName":"Bjfe","externalId":"ext","name":{"givenName":"Kkom","familyName":"B"},` + entKey + `:{"employeeNumber":"Aklq"}}`},
		{name: "ENTRA-PATCH-04_compliant_pathless_flattened_keys",
			start: `{` + userCore + `,"name":{"givenName":"A","familyName":"B","formatted":"A B"}}`,
			ops: `[{"op":"replace","value":{"displayName":"Bjfe","name.givenName":"Kkom","name.familyName":"Unua",
				"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber":"Aklq"}}]`,
			want: `{` + bothSch + `,"displayName":"Bjfe","name":{"givenName":"Kkom","familyName":"Unua","formatted":"A B"},` + entKey + `:{"employeeNumber":"Aklq"}}`},
		{name: "ENTRA-PATCH-04_pathless_nested_objects_merge",
			start: `{` + bothSch + `,"name":{"givenName":"A","familyName":"B"},` + entKey + `:{"department":"D","costCenter":"C"}}`,
			ops:   `[{"op":"replace","value":{"name":{"givenName":"X"},"active":"True",` + entKey + `:{"department":"E","manager":"m1"}}}]`,
			want:  `{` + bothSch + `,"active":true,"name":{"givenName":"X","familyName":"B"},` + entKey + `:{"department":"E","costCenter":"C","manager":{"value":"m1"}}}`},
		{name: "ENTRA-PATCH-04_pathless_key_casing_and_schemas_ignored",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","value":{"schemas":["x"],"DISPLAYNAME":"A","Name.GivenName":"G"}}]`,
			want:  `{` + userCore + `,"displayName":"A","name":{"givenName":"G"}}`},
		{name: "ENTRA-PATCH-04_pathless_valuepath_key",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","value":{"emails[type eq \"work\"].value":"a@w"}}]`,
			want:  `{` + userCore + `,"emails":[{"type":"work","value":"a@w"}]}`},
		{name: "ENTRA-PATCH-07_valuePath_upsert",
			start: `{` + userCore + `,"emails":[{"type":"home","value":"a@h"}]}`,
			ops:   `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"a@w"}]`,
			want:  `{` + userCore + `,"emails":[{"type":"home","value":"a@h"},{"type":"work","value":"a@w"}]}`},
		{name: "ENTRA-PATCH-07_valuePath_upsert_add_phone",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"Add","path":"phoneNumbers[type eq \"mobile\"].value","value":"+1 555"}]`,
			want:  `{` + userCore + `,"phoneNumbers":[{"type":"mobile","value":"+1 555"}]}`},
		{name: "ENTRA-PATCH-07_valuePath_upsert_address_sub",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"addresses[type eq \"work\"].locality","value":"Sofia"},{"op":"replace","path":"addresses[type eq \"work\"].country","value":"BG"}]`,
			want:  `{` + userCore + `,"addresses":[{"type":"work","locality":"Sofia","country":"BG"}]}`},
		{name: "ENTRA-PATCH-07_valuePath_noncanonical_type_noTarget",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"emails[type eq \"pager\"].value","value":"x"}]`,
			err:   protocol.ScimTypeNoTarget},
		{name: "ENTRA-PATCH-07_valuePath_non_type_filter_noTarget",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"roles[primary eq \"True\"].value","value":"x"}]`,
			err:   protocol.ScimTypeNoTarget},
		{name: "ENTRA-FLOW-07_valuePath_replace_existing",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"old@w","primary":true}]}`,
			ops: `[{"op":"Replace","path":"emails[type eq \"work\"].value","value":"updatedEmail@microsoft.com"},
				{"op":"Replace","path":"name.familyName","value":"updatedFamilyName"}]`,
			want: `{` + userCore + `,"emails":[{"type":"work","value":"updatedEmail@microsoft.com","primary":true}],"name":{"familyName":"updatedFamilyName"}}`},
		{name: "ENTRA-FLOW-07_rename_userName",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"Replace","path":"userName","value":"5b50642d@testuser.com"}]`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"5b50642d@testuser.com"}`},
		{name: "ENTRA-PATCH-08_replace_absent_is_add",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"title","value":"CFO"},{"op":"replace","path":"name.givenName","value":"A"}]`,
			want:  `{` + userCore + `,"title":"CFO","name":{"givenName":"A"}}`},
		{name: "ENTRA-FLOW-08_manager_bare_string",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"m1"}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1"}}}`},
		{name: "ENTRA-FLOW-08_manager_doc_form_array",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"Add","path":"manager","value":[{"$ref":"http://x/scim/Users/m1","value":"m1"}]}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1","$ref":"http://x/scim/Users/m1"}}}`},
		{name: "ENTRA-FLOW-08_manager_object_replace",
			start: `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1","$ref":"r1"}}}`,
			ops:   `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"m2"}}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m2"}}}`},
		{name: "ENTRA-FLOW-08_manager_clear_empty_value_object",
			start: `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1"},"department":"D"}}`,
			ops:   `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":""}}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"department":"D"}}`},
		{name: "ENTRA-FLOW-08_manager_clear_empty_string",
			start: `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1"}}}`,
			ops:   `[{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":""}]`,
			want:  `{` + bothSch + `}`},
		{name: "ENTRA-FLOW-08_manager_clear_null",
			start: `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1"}}}`,
			ops:   `[{"op":"replace","path":"manager","value":null}]`,
			want:  `{` + bothSch + `}`},
		{name: "ENTRA-FLOW-08_manager_remove",
			start: `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1"}}}`,
			ops:   `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}]`,
			want:  `{` + bothSch + `}`},
		{name: "ENTRA-FLOW-08_manager_value_subpath",
			start: `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m1","$ref":"r1"}}}`,
			ops:   `[{"op":"replace","path":"manager.value","value":"m2"}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m2"}}}`},
		{name: "ENTRA-FLOW-08_manager_value_urn_subpath",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value","value":"m5"}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"manager":{"value":"m5"}}}`},
		{name: "ENTRA-PATCH-04_core_urn_qualified_path",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"urn:ietf:params:scim:schemas:core:2.0:User:name.givenName","value":"G"}]`,
			want:  `{` + userCore + `,"name":{"givenName":"G"}}`},
		{name: "ENTRA-FLOW-08_manager_two_values",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"manager","value":[{"value":"a"},{"value":"b"}]}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "ENTRA-PATCH-12_empty_string_clears",
			start: `{` + userCore + `,"title":"CFO","name":{"givenName":"A","familyName":"B"}}`,
			ops:   `[{"op":"replace","path":"title","value":""},{"op":"replace","path":"name.givenName","value":""}]`,
			want:  `{` + userCore + `,"name":{"familyName":"B"}}`},
		{name: "ENTRA-PATCH-12_null_clears",
			start: `{` + userCore + `,"title":"CFO","emails":[{"type":"work","value":"a@w"}]}`,
			ops:   `[{"op":"replace","path":"title","value":null},{"op":"replace","path":"emails[type eq \"work\"].value","value":null}]`,
			want:  `{` + userCore + `}`},
		{name: "ENTRA-PATCH-12_pathless_nulls_clear",
			start: `{` + userCore + `,"title":"CFO","nickName":"N"}`,
			ops:   `[{"op":"replace","value":{"title":null,"nickName":""}}]`,
			want:  `{` + userCore + `}`},
		{name: "ENTRA-PATCH-12_null_sub_in_complex_value_clears",
			start: `{` + userCore + `,"name":{"givenName":"A","familyName":"B","formatted":"A B"}}`,
			ops:   `[{"op":"replace","path":"name","value":{"givenName":"X","familyName":null,"formatted":""}}]`,
			want:  `{` + userCore + `,"name":{"givenName":"X"}}`},
		{name: "ENTRA-PATCH-12_pathless_nested_nulls_clear",
			start: `{` + bothSch + `,"name":{"givenName":"A"},` + entKey + `:{"department":"D","costCenter":"C"}}`,
			ops:   `[{"op":"replace","value":{"name":{"givenName":null},` + entKey + `:{"department":null,"costCenter":""}}}]`,
			want:  `{` + bothSch + `}`},
		{name: "ENTRA-PATCH-12_null_sub_in_valuePath_object",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"w","display":"W"}]}`,
			ops:   `[{"op":"replace","path":"emails[type eq \"work\"]","value":{"display":null,"value":"w2"}}]`,
			want:  `{` + userCore + `,"emails":[{"type":"work","value":"w2"}]}`},
		{name: "ENTRA-PATCH-12_required_cannot_be_cleared",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"userName","value":""}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "RFC-06_remove_required_userName",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"remove","path":"userName"}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_remove_required_group_displayName", group: true,
			start: `{` + grpCore + `}`,
			ops:   `[{"op":"remove","path":"displayName"}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_readOnly_id",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"id","value":"x"}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_readOnly_meta_sub",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"meta.lastModified","value":"2024-01-01T00:00:00Z"}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_readOnly_groups",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"groups","value":[{"value":"g1"}]}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_readOnly_pathless_id",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","value":{"id":"x"}}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_pathless_same_id_tolerated",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","value":{"id":"u1","title":"T"}}]`,
			want:  `{` + userCore + `,"title":"T"}`},
		{name: "RFC-06_multi_replace_sets_list",
			start: `{` + userCore + `,"roles":[{"value":"a"},{"value":"b"}]}`,
			ops:   `[{"op":"replace","path":"roles","value":[{"value":"c","primary":"True"}]}]`,
			want:  `{` + userCore + `,"roles":[{"value":"c","primary":true}]}`},
		{name: "ENTRA-FLOW-19_roles_add_same_type_twice",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"Add","path":"roles","value":[{"value":"{\"id\":\"1\"}","type":"WindowsAzureActiveDirectoryRole"},{"value":"{\"id\":\"2\"}","type":"WindowsAzureActiveDirectoryRole"}]}]`,
			want:  `{` + userCore + `,"roles":[{"value":"{\"id\":\"1\"}","type":"WindowsAzureActiveDirectoryRole"},{"value":"{\"id\":\"2\"}","type":"WindowsAzureActiveDirectoryRole"}]}`},
		{name: "ENTRA-REQ-15_add_email_same_type_replaces",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"old@w"},{"type":"home","value":"h"}]}`,
			ops:   `[{"op":"add","path":"emails","value":[{"type":"Work","value":"new@w"}]}]`,
			want:  `{` + userCore + `,"emails":[{"type":"Work","value":"new@w"},{"type":"home","value":"h"}]}`},
		{name: "ENTRA-REQ-15_replace_with_duplicate_types",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"emails","value":[{"type":"work","value":"a"},{"type":"work","value":"b"}]}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "RFC-06_add_primary_clears_other_primary",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"w","primary":true}]}`,
			ops:   `[{"op":"add","path":"emails","value":[{"type":"home","value":"h","primary":true}]}]`,
			want:  `{` + userCore + `,"emails":[{"type":"work","value":"w","primary":false},{"type":"home","value":"h","primary":true}]}`},
		{name: "RFC-06_remove_valuePath_element",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"w"},{"type":"home","value":"h"}]}`,
			ops:   `[{"op":"remove","path":"emails[type eq \"home\"]"}]`,
			want:  `{` + userCore + `,"emails":[{"type":"work","value":"w"}]}`},
		{name: "RFC-06_remove_sub_of_every_element",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"w","display":"W"},{"value":"h","display":"H"}]}`,
			ops:   `[{"op":"remove","path":"emails.display"}]`,
			want:  `{` + userCore + `,"emails":[{"type":"work","value":"w"},{"value":"h"}]}`},
		{name: "RFC-06_replace_valuePath_object",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"w"}]}`,
			ops:   `[{"op":"replace","path":"emails[type eq \"work\"]","value":{"value":"w2","primary":true}}]`,
			want:  `{` + userCore + `,"emails":[{"type":"work","value":"w2","primary":true}]}`},
		{name: "RFC-06_whole_extension_path",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User","value":{"department":"D","manager":{"value":"m"}}}]`,
			want:  `{` + bothSch + `,` + entKey + `:{"department":"D","manager":{"value":"m"}}}`},
		{name: "RFC-06_remove_whole_extension",
			start: `{` + bothSch + `,` + entKey + `:{"department":"D"}}`,
			ops:   `[{"op":"remove","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}]`,
			want:  `{` + bothSch + `}`},
		{name: "ENTRA-REQ-12_unknown_attribute_written_as_sent",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User:badge","value":"007"},{"op":"add","path":"favourite","value":{"n":1.50}}]`,
			want:  `{` + userCore + `,"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"007"},"favourite":{"n":1.50}}`},
		{name: "ENTRA-FLOW-20_pathless_custom_extension_object",
			start: `{` + userCore + `,"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"1","x":"y"}}`,
			ops:   `[{"op":"replace","value":{"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"2"}}}]`,
			want:  `{` + userCore + `,"urn:ietf:params:scim:schemas:extension:Contoso:2.0:User":{"badge":"2","x":"y"}}`},
		{name: "RFC-06_unknown_attribute_of_known_schema",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:nosuch","value":"x"}]`,
			err:   protocol.ScimTypeInvalidPath},
		{name: "RFC-06_unknown_sub_attribute",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"name.nosuch","value":"x"}]`,
			err:   protocol.ScimTypeInvalidPath},
		{name: "RFC-06_malformed_path",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"emails[type eq","value":"x"}]`,
			err:   protocol.ScimTypeInvalidPath},
		{name: "RFC-06_valuePath_on_single_valued",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"add","path":"name[givenName eq \"x\"].familyName","value":"x"}]`,
			err:   protocol.ScimTypeInvalidPath},
		{name: "RFC-06_bad_filter_types_in_path",
			start: `{` + userCore + `,"emails":[{"type":"work","value":"w"}]}`,
			ops:   `[{"op":"replace","path":"emails[primary gt true].value","value":"x"}]`,
			err:   protocol.ScimTypeInvalidFilter},
		{name: "RFC-06_missing_op",
			start: `{` + userCore + `}`,
			ops:   `[{"path":"title","value":"x"}]`,
			err:   protocol.ScimTypeInvalidSyntax},
		{name: "RFC-06_unknown_op",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"merge","path":"title","value":"x"}]`,
			err:   protocol.ScimTypeInvalidSyntax},
		{name: "RFC-06_missing_value",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"title"}]`,
			err:   protocol.ScimTypeInvalidSyntax},
		{name: "RFC-06_remove_without_path",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"remove"}]`,
			err:   protocol.ScimTypeNoTarget},
		{name: "RFC-06_pathless_non_object",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","value":"x"}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "RFC-06_wrong_type",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"title","value":5}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "RFC-06_password_not_stored",
			start: `{` + userCore + `}`,
			ops:   `[{"op":"replace","path":"password","value":"s3cret"}]`,
			want:  `{` + userCore + `}`},
		{name: "ENTRA-PATCH-11_atomic_second_op_fails",
			start: `{` + userCore + `,"title":"CFO"}`,
			ops:   `[{"op":"replace","path":"title","value":"CEO"},{"op":"remove","path":"userName"}]`,
			err:   protocol.ScimTypeMutability},
	})
}

func TestApplyGroupMembers(t *testing.T) {
	runCases(t, []patchCase{
		{name: "ENTRA-FLOW-16_add_members_ref_null", group: true,
			start: `{` + grpCore + `}`,
			ops:   `[{"op":"Add","path":"members","value":[{"$ref":null,"value":"f648f8d5ea4e4cd38e9c"},{"$ref":null,"value":"u2"}]}]`,
			want:  `{` + grpCore + `,"members":[{"value":"f648f8d5ea4e4cd38e9c"},{"value":"u2"}]}`},
		{name: "ENTRA-FLOW-16_add_member_idempotent", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"}]}`,
			ops:   `[{"op":"add","path":"members","value":[{"value":"u1"}]},{"op":"add","path":"members","value":[{"value":"u1","$ref":null}]}]`,
			want:  `{` + grpCore + `,"members":[{"value":"u1"}]}`},
		{name: "VAL-05_replace_members_sets_list", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"},{"value":"u2"}]}`,
			ops:   `[{"op":"replace","path":"members","value":[{"value":"u3"}]}]`,
			want:  `{` + grpCore + `,"members":[{"value":"u3"}]}`},
		{name: "ENTRA-FLOW-17_legacy_remove_by_value_array", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"},{"value":"u2"}]}`,
			ops:   `[{"op":"Remove","path":"members","value":[{"$ref":null,"value":"u1"}]}]`,
			want:  `{` + grpCore + `,"members":[{"value":"u2"}]}`},
		{name: "ENTRA-FLOW-17_compliant_remove_by_filter", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"},{"value":"u2"}]}`,
			ops:   `[{"op":"remove","path":"members[value eq \"u2\"]"}]`,
			want:  `{` + grpCore + `,"members":[{"value":"u1"}]}`},
		{name: "ENTRA-FLOW-17_remove_non_member_not_error", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"}]}`,
			ops:   `[{"op":"remove","path":"members[value eq \"nobody\"]"},{"op":"Remove","path":"members","value":[{"value":"nobody"}]}]`,
			want:  `{` + grpCore + `,"members":[{"value":"u1"}]}`},
		{name: "ENTRA-FLOW-17_remove_last_member", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"}]}`,
			ops:   `[{"op":"remove","path":"members[value eq \"u1\"]"}]`,
			want:  `{` + grpCore + `}`},
		{name: "ENTRA-PATCH-13_add_then_remove_same_member", group: true,
			start: `{` + grpCore + `}`,
			ops:   `[{"op":"add","path":"members","value":[{"value":"u9"}]},{"op":"remove","path":"members[value eq \"u9\"]"}]`,
			want:  `{` + grpCore + `}`},
		{name: "ENTRA-FLOW-15_replace_displayName", group: true,
			start: `{` + grpCore + `}`,
			ops:   `[{"op":"Replace","path":"displayName","value":"Sales EMEA"}]`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales EMEA"}`},
		{name: "VAL-04_group_pathless_replace", group: true,
			start: `{` + grpCore + `}`,
			ops:   `[{"op":"replace","value":{"displayName":"New","externalId":"e"}}]`,
			want:  `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"New","externalId":"e"}`},
		{name: "ENTRA-FLOW-16_member_without_value", group: true,
			start: `{` + grpCore + `}`,
			ops:   `[{"op":"add","path":"members","value":[{"display":"x"}]}]`,
			err:   protocol.ScimTypeInvalidValue},
		{name: "RFC-06_member_value_immutable_without_filter", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"}]}`,
			ops:   `[{"op":"add","path":"members.value","value":"u2"}]`,
			err:   protocol.ScimTypeMutability},
		{name: "RFC-06_member_display_writable", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"}]}`,
			ops:   `[{"op":"replace","path":"members[value eq \"u1\"].display","value":"Alice"}]`,
			want:  `{` + grpCore + `,"members":[{"value":"u1","display":"Alice"}]}`},
		{name: "RFC-06_member_value_immutable", group: true,
			start: `{` + grpCore + `,"members":[{"value":"u1"}]}`,
			ops:   `[{"op":"replace","path":"members[value eq \"u1\"].value","value":"u2"}]`,
			err:   protocol.ScimTypeMutability},
	})
}

func TestApplyDetailedMembers(t *testing.T) {
	start := decode(t, `{`+grpCore+`,"members":[{"value":"u1"},{"value":"u2"}]}`)
	r, err := ApplyDetailed(schema.Group(), start, ops(t, `[
		{"op":"Add","path":"members","value":[{"value":"u3"},{"value":"u1"},{"value":"u4"}]},
		{"op":"Remove","path":"members","value":[{"value":"u2"}]},
		{"op":"remove","path":"members[value eq \"u4\"]"}]`))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(r.MembersAdded, ",") != "u3" || strings.Join(r.MembersRemoved, ",") != "u2" {
		t.Fatalf("ENTRA-PATCH-13: added %v removed %v, want [u3] [u2]", r.MembersAdded, r.MembersRemoved)
	}
	r, err = ApplyDetailed(schema.User(), decode(t, `{`+userCore+`}`), ops(t, `[{"op":"add","path":"password","value":"pw"}]`))
	if err != nil || r.Password == nil || *r.Password != "pw" {
		t.Fatalf("password not reported: %v %v", r, err)
	}
}

func TestApplyErrorNamesOperation(t *testing.T) {
	_, err := Apply(schema.User(), decode(t, `{`+userCore+`}`), ops(t, `[{"op":"add","path":"title","value":"x"},{"op":"add","path":"title","value":7}]`))
	var se *protocol.Error
	if !errors.As(err, &se) || !strings.HasPrefix(se.Detail, "Operations[1]: ") || !strings.Contains(se.Detail, `"title"`) {
		t.Fatalf("detail should name the operation and attribute, got %v", err)
	}
}
