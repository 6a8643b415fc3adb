package server

import (
	"bytes"
	"net/url"
	"testing"
)

// A filter that does not read meta is matched on resources without it,
// and the matches get it afterwards: the answer is byte-for-byte the one a
// filter that reads meta gives for the same match (ENTRA-FLOW-06).
func TestLazyMetaAnswersAsBefore_FLOW06(t *testing.T) {
	e := newEnv(t)
	boss := e.createUser("boss@contoso.com")
	id := e.createUser("emp@contoso.com", "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", map[string]any{"manager": boss})
	for _, extra := range []string{"", "&attributes=id", "&attributes=meta", "&sortBy=userName"} {
		plain := `id eq "` + id + `" and manager eq "` + boss + `"`
		withMeta := plain + ` and meta.resourceType eq "User"`
		a := e.get("/Users?filter=" + url.QueryEscape(plain) + extra)
		b := e.get("/Users?filter=" + url.QueryEscape(withMeta) + extra)
		if a.total() != 1 || !bytes.Equal(a.raw, b.raw) {
			t.Fatalf("%s:\nwithout meta in the filter %s\nwith meta                  %s", extra, a.raw, b.raw)
		}
	}
	if r := e.get("/Users?filter=" + url.QueryEscape(`id eq "`+id+`" and manager eq "nobody"`)); r.total() != 0 {
		t.Fatalf("non-match: %s", r.raw)
	}
}
