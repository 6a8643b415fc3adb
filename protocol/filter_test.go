package protocol

import (
	"fmt"
	"testing"

	filter "github.com/scim2/filter-parser/v2"
)

func TestParseFilter(t *testing.T) {
	cases := []struct {
		in   string
		want string // String() of the parsed expression; "" means an error is expected
	}{
		{`userName eq "a@b.c"`, `userName eq "a@b.c"`},
		{`userName Eq "A"`, `userName eq "A"`},
		{`externalId eq jyoung`, `externalId eq "jyoung"`},
		{`id eq "1" and manager eq "2"`, `id eq "1" and manager eq "2"`},
		{`emails[type eq "work"].value eq "x@y"`, `emails[type eq "work" and value eq "x@y"]`},
		{`emails[type eq "work"].value pr`, `emails[type eq "work" and value pr]`},
		{`emails[type eq "work" or type eq "home"].value pr`, ""},
		{`emails[type eq "work" and value co "@"]`, `emails[type eq "work" and value co "@"]`},
		{`urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m1"`, `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager eq "m1"`},
		{`displayName eq "a \"q\" b"`, `displayName eq "a \"q\" b"`},
		{`not (title pr)`, `not(title pr)`},
		{`(title pr or nickName pr) and active eq true`, `(title pr or nickName pr) and active eq true`},
		{`meta.lastModified gt "2011-05-13T04:42:34Z"`, `meta.lastModified gt "2011-05-13T04:42:34Z"`},
		{`displayName eq "Sales (EMEA) [x]"`, `displayName eq "Sales (EMEA) [x]"`},
		{``, ""},
		{`userName eq "unterminated`, ""},
		{`userName zz "x"`, ""},
		{`((`, ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			e, err := ParseFilter(c.in)
			if c.want == "" {
				if err == nil {
					t.Fatalf("want error, got %v", e)
				}
				se, ok := err.(*Error)
				if !ok || se.ScimType != ScimTypeInvalidFilter || se.Status != "400" {
					t.Fatalf("want invalidFilter *Error, got %#v", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if got := fmt.Sprint(e); got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

func TestParseFilterUnescapes(t *testing.T) {
	e, err := ParseFilter(`displayName eq "a \"q\" \\ b"`)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.(*filter.AttributeExpression).CompareValue; got != `a "q" \ b` {
		t.Fatalf("got %q", got)
	}
}

func TestParsePath(t *testing.T) {
	cases := []struct{ in, attr, sub, uri, filter string }{
		{`userName`, "userName", "", "", ""},
		{`name.givenName`, "name", "givenName", "", ""},
		{`emails[type eq "work"].value`, "emails", "value", "", `type eq "work"`},
		{`members[value eq "abc"]`, "members", "", "", `value eq "abc"`},
		{ManagerPath, "manager", "", EnterpriseUserSchema, ""},
		{`roles[primary eq "True"].value`, "roles", "value", "", `primary eq "True"`},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			p, err := ParsePath(c.in)
			if err != nil {
				t.Fatal(err)
			}
			sub := p.SubAttributeName()
			if sub == "" {
				sub = p.AttributePath.SubAttributeName()
			}
			vf := ""
			if p.ValueExpression != nil {
				vf = fmt.Sprint(p.ValueExpression)
			}
			if p.AttributePath.AttributeName != c.attr || sub != c.sub || p.AttributePath.URI() != c.uri || vf != c.filter {
				t.Fatalf("got attr=%q sub=%q uri=%q filter=%q", p.AttributePath.AttributeName, sub, p.AttributePath.URI(), vf)
			}
		})
	}
	for _, bad := range []string{"", "emails[", `members[value eq "x"`, "a b c"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("ParsePath(%q): want error", bad)
		} else if se, ok := err.(*Error); !ok || se.ScimType != ScimTypeInvalidPath {
			t.Errorf("ParsePath(%q): want invalidPath, got %v", bad, err)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`userName eq "a"`, `emails[type eq "work"].value eq "x"`, `not (a pr)`, `a eq b`, `x[y eq "1"].z pr`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := ParseFilter(s)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("non-SCIM error %T", err)
			}
		}
		_, _ = ParsePath(s)
	})
}
