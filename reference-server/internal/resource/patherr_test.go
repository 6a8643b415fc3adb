package resource

import (
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// Error details name the attribute exactly where the bad value sits
// (element index, sub-attribute), although the path is only built when an
// error needs it.
func TestNormalizeErrorPaths(t *testing.T) {
	cases := []struct{ body, detail string }{
		{`{"userName":"a","emails":[{"value":"x"},{"value":1}]}`, `attribute "emails[1].value": must be a string, got a number`},
		{`{"userName":"a","emails":[{"value":"x","primary":"maybe"}]}`, `attribute "emails[0].primary": must be a boolean (true/false), got "maybe"`},
		{`{"userName":"a","emails":["x"]}`, `attribute "emails[0]": must be an object, got a string`},
		{`{"userName":"a","emails":[{"value":"x","Value":"y"}]}`, `attribute "emails[0]": "value" given more than once (keys are case-insensitive)`},
		{`{"userName":"a","name":{"givenName":true}}`, `attribute "name.givenName": must be a string, got a boolean`},
		{`{"userName":"a","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":7}}}`, `attribute "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value": must be a string, got a number`},
		{`{"displayName":"g","members":[{"value":"u"},{"display":"d"}]}`, `attribute "members[1].value": is required`},
	}
	for _, c := range cases {
		rt := schema.User()
		if strings.HasPrefix(c.body, `{"displayName"`) {
			rt = schema.Group()
		}
		_, err := Normalize(rt, []byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%s:\n got %v\nwant %s", c.body, err, c.detail)
		}
	}
}
