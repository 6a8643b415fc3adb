package resource

import (
	"errors"
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// FuzzNormalize checks that any body either fails with a 400
// *protocol.Error or normalises to a resource that keeps its required
// attribute, holds no password, and normalises to itself again
// (idempotence: what the store persists reads back unchanged).
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"a","active":"True","emails":[{"type":"work","value":"a@b","primary":true}]}`,
		`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m","department":null}}`,
		`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager":[{"value":"m","$ref":null}]}`,
		`{"USERNAME":"a","Name":{"GivenName":"x"},"password":"p","id":"i","meta":{},"groups":[{"value":"g"}],"custom":[null,1.50]}`,
		`{"displayName":"g","members":[{"value":"u1","$ref":null}],"schemas":["http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"]}`,
		`{"userName":"a","roles":[{"primary":"True","value":"r"}],"addresses":[{"type":"work","locality":"x"}]}`,
		`{"userName":"a","userName ":"b"}`, `[]`, `null`, `{"userName":1}`,
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body string, isGroup bool) {
		rt, required := schema.User(), "userName"
		if isGroup {
			rt, required = schema.Group(), "displayName"
		}
		r, err := Normalize(rt, []byte(body))
		if err != nil {
			var se *protocol.Error
			if !errors.As(err, &se) || se.Status != "400" || se.ScimType == "" {
				t.Fatalf("want 400 *protocol.Error, got %T %v", err, err)
			}
			return
		}
		if s, _ := r[required].(string); s == "" {
			t.Fatalf("%s missing: %v", required, r)
		}
		if _, ok := r["password"]; ok {
			t.Fatal("password stored")
		}
		b, err := r.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		again, err := Normalize(rt, b)
		if err != nil {
			t.Fatalf("normalised resource rejected: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(again, r) {
			b2, _ := again.Marshal()
			t.Fatalf("not idempotent:\n%s\n%s", b, b2)
		}
	})
}
