package query

import (
	"errors"
	"testing"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/resource"
	"github.com/quantive/entra-scim-harness/reference-server/internal/schema"
)

// FuzzMatch checks that any filter the parser accepts is either rejected
// by Match with a 400 invalidFilter, or evaluated without panicking, on a
// user and a group; and that an index term it names holds for a match.
func FuzzMatch(f *testing.F) {
	for _, s := range []string{
		`userName eq "alice@contoso.com"`, `externalId eq "Alice-Ext"`, `id eq "A1b2" and manager eq "M9"`,
		`emails[type eq "work"].value eq "x"`, `meta.lastModified gt "2011-05-13T04:42:34Z"`, `active eq "True"`,
		`not (title pr) or score ge 3`, `members[value eq "u1"]`, `name.givenName sw "A"`, `custom co "l"`,
		`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "M9"`, `active gt 1`,
		`emails[not (type eq "work")]`, `x.y.z eq 1`, `roles[primary eq true]`,
	} {
		f.Add(s)
	}
	user, _ := resource.Decode([]byte(alice))
	group, _ := resource.Decode([]byte(sales))
	f.Fuzz(func(t *testing.T, s string) {
		expr, err := protocol.ParseFilter(s)
		if err != nil {
			return
		}
		for _, c := range []struct {
			r  resource.Resource
			rt *schema.Resource
		}{{user, schema.User()}, {group, schema.Group()}} {
			ok, err := Match(expr, c.r, c.rt)
			if err != nil {
				var se *protocol.Error
				if !errors.As(err, &se) || se.Status != "400" || se.ScimType != protocol.ScimTypeInvalidFilter {
					t.Fatalf("want 400 invalidFilter, got %T %v", err, err)
				}
				continue
			}
			attr, val, has := IndexLookup(expr)
			if ok && has {
				term, perr := protocol.ParseFilter(termFilter(attr, val))
				if perr != nil {
					continue // a value the term syntax cannot carry
				}
				if tm, _ := Match(term, c.r, c.rt); !tm {
					t.Fatalf("%q matches but its index term %s=%q does not", s, attr, val)
				}
			}
		}
	})
}

// BenchmarkMatchUserNameEq measures the common Entra query
// (ENTRA-FLOW-03) against one resource.
func BenchmarkMatchUserNameEq(b *testing.B) {
	user, _ := resource.Decode([]byte(alice))
	expr, err := protocol.ParseFilter(`userName eq "alice@contoso.com"`)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, err := Match(expr, user, schema.User()); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkMatchValidatedUserNameEq is the per-candidate cost when a store
// validates once and scans.
func BenchmarkMatchValidatedUserNameEq(b *testing.B) {
	user, _ := resource.Decode([]byte(alice))
	expr, _ := protocol.ParseFilter(`userName eq "alice@contoso.com"`)
	b.ReportAllocs()
	for b.Loop() {
		if !MatchValidated(expr, user, schema.User()) {
			b.Fatal("no match")
		}
	}
}
