package store

import (
	"testing"
)

func TestPackDocRoundTrip(t *testing.T) {
	docs := []string{
		``,
		`{}`,
		`{"active":true,"displayName":"Rosa Yilmaz","emails":[{"primary":true,"type":"work","value":"rosa.yilmaz@contoso.com"}],"externalId":"rosa.yilmaz","name":{"familyName":"Yilmaz","formatted":"Rosa Yilmaz","givenName":"Rosa"},"roles":[],"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],"title":"Manager","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"department":"Marketing","employeeNumber":"100535","manager":{"value":"x"}},"userName":"rosa.yilmaz@contoso.com"}`,
		`{"displayName":"\"displayName\":\u0001","x":"\"userName\":"}`,
		"{\n  \"userName\": \"pretty\"\n}",
		`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group","http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],"displayName":"G"}`,
		`"active":true,"active":false,"value":"value":`,
	}
	for _, d := range docs {
		p, packed := packDoc([]byte(d))
		if got := string(unpackDoc(p, packed, len(d))); got != d {
			t.Errorf("round trip of %q: %q", d, got)
		}
	}
	p, packed := packDoc([]byte(docs[2]))
	if !packed || len(p) > len(docs[2])/2 {
		t.Errorf("an Entra user packs to %d of %d bytes (packed %v)", len(p), len(docs[2]), packed)
	}
}

func FuzzPackDoc(f *testing.F) {
	f.Add([]byte(`{"userName":"a","active":true,"emails":[{"primary":true,"type":"work","value":"a"}]}`))
	f.Add([]byte("\x01\"userName\":"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		p, packed := packDoc(doc)
		if got := unpackDoc(p, packed, len(doc)); string(got) != string(doc) {
			t.Fatalf("round trip of %q: %q", doc, got)
		}
	})
}
