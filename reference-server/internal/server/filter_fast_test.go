package server

import (
	"reflect"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/query"
)

var fastFilterSeeds = []string{
	`userName eq "alice@contoso.com"`,
	`  userName   EQ   "a b"  `,
	`externalId eq "0a21f0f2-8d2a"`,
	`displayName eq "Sales (EMEA) [x]"`,
	`id eq "1" and manager eq "2"`,
	`id eq "1" AND manager eq "2"`,
	`name.givenName eq "x"`,
	`userName eq ""`,
	`userName eq "a" and b eq "c" and d eq "e"`,
	`userName eq "a\"b"`,
	`userName eq x`,
	`userName ne "x"`,
	`not eq "x"`,
	`a.b.c eq "x"`,
	`a. eq "x"`,
	`1a eq "x"`,
	`a-b eq "x"`,
	`a_1 eq "x"`,
	`a eq "x"or b eq "y"`,
	`a eq "x" or b eq "y"`,
	`emails[type eq "work"].value eq "x"`,
	`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m"`,
	`a eq "x"and`,
	`a eq "é"`,
}

// The fast path must give exactly what protocol.ParseFilter gives for
// every filter it accepts.
func TestFastFilterAgreesWithParser(t *testing.T) {
	accepted := 0
	for _, s := range fastFilterSeeds {
		checkFastFilter(t, s)
		if _, ok := fastFilter(s); ok {
			accepted++
		}
	}
	if accepted < 8 {
		t.Fatalf("fast path accepted only %d seeds; it must cover Entra's filters", accepted)
	}
	for _, s := range []string{`userName eq "alice@contoso.com"`, `id eq "1" and manager eq "2"`, `displayName eq "Sales"`} {
		if _, ok := fastFilter(s); !ok {
			t.Fatalf("fast path must accept %s", s)
		}
	}
}

func checkFastFilter(t *testing.T, s string) {
	fast, ok := fastFilter(s)
	if !ok {
		return
	}
	slow, err := protocol.ParseFilter(s)
	if err != nil {
		t.Fatalf("%q: fast path accepted what the parser rejects: %v", s, err)
	}
	if !reflect.DeepEqual(fast, slow) {
		t.Fatalf("%q: fast %#v != parser %#v", s, fast, slow)
	}
}

func FuzzFastFilter(f *testing.F) {
	for _, s := range fastFilterSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkFastFilter(t, s) })
}

// Match may be skipped only where the index compares exactly as Match does.
func TestExactIndex(t *testing.T) {
	cases := map[string]bool{
		`userName eq "A@b.c"`:                 true,
		`id eq "1"`:                           true,
		`externalId eq "x"`:                   true,
		`manager eq "m"`:                      false,
		`emails[type eq "work"].value eq "a"`: false,
		`id eq "1" and manager eq "2"`:        false,
		`userName ne "a"`:                     false,
		`userName eq true`:                    false,
		`displayName eq "x"`:                  false,
		`urn:ietf:params:scim:schemas:core:2.0:User:userName eq "a"`: false,
	}
	for f, want := range cases {
		e, err := parseFilter(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		attr, _, _ := query.IndexLookup(e)
		if got := exactIndex(e, attr); got != want {
			t.Errorf("%s: exactIndex=%v, want %v", f, got, want)
		}
	}
}
