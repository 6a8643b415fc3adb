package resource

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

const projUser = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
	"id":"1","externalId":"e1","userName":"alice","active":true,"password":"leak",
	"name":{"givenName":"Alice","familyName":"Anders"},
	"emails":[{"type":"work","value":"a@w","primary":true},{"type":"home","value":"a@h"}],
	"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"m1"}},
	"meta":{"resourceType":"User","location":"http://x/Users/1"},"custom":"c"}`

const projGroup = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales",
	"members":[{"value":"u1"}],"meta":{"resourceType":"Group"}}`

func TestProject(t *testing.T) {
	cases := []struct {
		name        string
		rt          *schema.Resource
		in          string
		attrs, excl []string
		want        string
	}{
		{"ENTRA-FLOW-12_excludedAttributes_members", schema.Group(), projGroup, nil, []string{"members"},
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales","meta":{"resourceType":"Group"}}`},
		{"ENTRA-FLOW-14_excludedAttributes_members_any_case", schema.Group(), projGroup, nil, []string{"MEMBERS"},
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales","meta":{"resourceType":"Group"}}`},
		{"ENTRA-FLOW-06_attributes_id_only", schema.User(), projUser, []string{"id"}, nil,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"1"}`},
		{"RFC-04_attributes_sub_and_urn", schema.User(), projUser,
			[]string{"userName,name.givenName", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager", "emails.value"}, nil,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"1",
			"userName":"alice","name":{"givenName":"Alice"},"emails":[{"value":"a@w"},{"value":"a@h"}],
			"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}}}`},
		{"RFC-04_attributes_whole_extension_and_unknown", schema.User(), projUser,
			[]string{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "CUSTOM", "nosuch"}, nil,
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"id":"1",
			"custom":"c","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Sales","manager":{"value":"m1"}}}`},
		{"RFC-04_excluded_id_is_always_returned", schema.User(), projUser,
			nil, []string{"id", "password", "emails.primary", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "manager", "meta", "custom", "name"},
			`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
			"id":"1","externalId":"e1","userName":"alice","active":true,
			"emails":[{"type":"work","value":"a@w"},{"type":"home","value":"a@h"}]}`},
		{"RFC-09_password_never_returned", schema.User(), `{"id":"1","userName":"u","password":"p"}`, nil, nil,
			`{"id":"1","userName":"u"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := Resource(mustJSON(t, c.in).(map[string]any))
			orig := in.Clone()
			got := Project(c.rt, in, c.attrs, c.excl)
			if !reflect.DeepEqual(map[string]any(got), mustJSON(t, c.want)) {
				g, _ := json.Marshal(got)
				t.Fatalf("got  %s\nwant %s", g, c.want)
			}
			if !reflect.DeepEqual(in, orig) {
				t.Fatal("Project modified its input")
			}
		})
	}
}
