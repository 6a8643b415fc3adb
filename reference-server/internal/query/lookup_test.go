package query

import (
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
)

// IndexLookup's shortcuts (a lone term; canonical spellings without a
// lower-cased copy) pick what the preference over IndexTerms picks.
func TestIndexLookupAgreesWithTerms(t *testing.T) {
	for _, f := range []string{
		`userName eq "a"`, `USERNAME eq "a"`, `externalId eq "x"`, `EXTERNALID eq "x"`, `id eq "1"`, `displayName eq "G"`,
		`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"`, `URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER:USERNAME eq "a"`,
		`manager eq "m"`, `manager.value eq "m"`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m"`,
		`title eq "x"`, `userName ne "a"`, `userName eq 1`, `id eq "1" and manager eq "m"`, `manager eq "m" and userName eq "u"`,
		`userName eq "a" or id eq "1"`, `not (userName eq "a")`, `emails[type eq "work" and value eq "e"]`, `members[value eq "u"]`,
		`title eq "x" and (externalId eq "y" and displayName eq "z")`,
	} {
		expr, err := protocol.ParseFilter(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		attr, value, ok := IndexLookup(expr)
		var wa, wv string
		wok := false
		terms := IndexTerms(expr)
	pref:
		for _, want := range indexPreference {
			for _, tm := range terms {
				if tm.Attr == want {
					wa, wv, wok = tm.Attr, tm.Value, true
					break pref
				}
			}
		}
		if attr != wa || value != wv || ok != wok {
			t.Fatalf("%s: (%q, %q, %v), want (%q, %q, %v)", f, attr, value, ok, wa, wv, wok)
		}
	}
}
