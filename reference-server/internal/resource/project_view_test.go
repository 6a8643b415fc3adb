package resource

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// TestMarshalProjectedMatchesProject: for every projection, the shared
// view renders exactly Project + Marshal and leaves the input as it was.
func TestMarshalProjectedMatchesProject(t *testing.T) {
	withNever := `{"id":"1","userName":"u","password":"p","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"D","manager":{"value":"m"}}}`
	inputs := []struct {
		rt *schema.Resource
		in string
	}{{schema.User(), projUser}, {schema.Group(), projGroup}, {schema.User(), withNever}, {schema.User(), `{}`}}
	projections := [][2][]string{
		{nil, nil}, {nil, {"members"}}, {nil, {"MEMBERS"}}, {{"id"}, nil}, {{"userName,name.givenName", "emails.value"}, {"id"}},
		{nil, {"id", "password", "emails.primary", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "manager", "meta", "custom", "name"}},
		{nil, {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"}}, {nil, {"name.givenName,emails.value", "schemas"}},
		{nil, {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value", "manager.value"}},
		{nil, {"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager"}},
		{nil, {"nosuch", "", " , "}},
	}
	for _, in := range inputs {
		for _, p := range projections {
			res := Resource(mustJSON(t, in.in).(map[string]any))
			orig := res.Clone()
			got, err := MarshalProjected(in.rt, res, p[0], p[1])
			if err != nil {
				t.Fatal(err)
			}
			want, _ := Project(in.rt, res, p[0], p[1]).Marshal()
			if !bytes.Equal(got, want) {
				t.Fatalf("%s %v:\nview    %s\nProject %s", in.in, p, got, want)
			}
			if !reflect.DeepEqual(res, orig) {
				t.Fatalf("%s %v: the input was modified", in.in, p)
			}
		}
	}
}
