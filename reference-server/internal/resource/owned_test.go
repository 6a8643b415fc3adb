package resource

import (
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

var ownedSeeds = []string{
	`{"active":true,"displayName":"User 7","emails":[{"primary":true,"type":"work","value":"u7@contoso.com"}],"externalId":"ext7","name":{"familyName":"F7","givenName":"G7"},"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Dept7","employeeNumber":"7"},"userName":"u7@contoso.com"}`,
	`{"userName":"a","emails":[{"Value":"x","type":"work"}],"name":{"givenName":null,"familyName":"F"}}`,
	`{"userName":"a","emails":[{"value":"x","primary":"True"}],"name":{}}`,
	`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m","Department":"D","custom":{"x":[1]}}}`,
	`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":null},"x":{"y":[{"z":1}]}}`,
	`{"userName":"a","addresses":[{"type":"work","locality":"L","primary":false,"extra":{"q":1}}],"meta":{"created":"x"},"groups":[{"value":"g"}]}`,
	`{"displayName":"g","members":[{"value":"u1","$ref":null},{"value":"u2","display":"D"}]}`,
	`{"displayName":"g","members":[{"display":"no value"}]}`,
	`{"userName":"a","x509Certificates":[{"value":"v","primary":true},{"value":"w","primary":true}]}`,
	`{"userName":"a","name":{"givenName":7}}`, `{"userName":"a","emails":[{"type":"work","value":"a"},{"type":"WORK","value":"b"}]}`,
}

// Normalizing a body it decoded itself (owned: normal parts kept as they
// are) gives exactly what NormalizeMap gives on a decoded copy, and fails
// where it fails.
func TestNormalizeOwnedAgrees(t *testing.T) {
	for _, s := range ownedSeeds {
		checkOwned(t, s, false)
		checkOwned(t, s, true)
	}
}

func checkOwned(t *testing.T, body string, group bool) {
	t.Helper()
	rt := schema.User()
	if group {
		rt = schema.Group()
	}
	got, gotSec, err := NormalizeWithSecrets(rt, []byte(body))
	m, derr := Decode([]byte(body))
	if derr != nil {
		if err == nil {
			t.Fatalf("%s: decodes with an error, normalised without", body)
		}
		return
	}
	want, wantSec, werr := NormalizeMap(rt, m)
	if (err == nil) != (werr == nil) {
		t.Fatalf("%s: owned error %v, NormalizeMap error %v", body, err, werr)
	}
	if err == nil && (!reflect.DeepEqual(got, want) || gotSec != wantSec) {
		t.Fatalf("%s:\nowned %#v\nmap   %#v", body, got, want)
	}
}

func FuzzNormalizeOwned(f *testing.F) {
	for _, s := range ownedSeeds {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, body string, group bool) { checkOwned(t, body, group) })
}
