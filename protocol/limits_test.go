package protocol

import (
	"errors"
	"strings"
	"testing"
)

func TestFilterNestingLimit(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("(", n) + "a pr" + strings.Repeat(")", n) }
	cases := []struct {
		name string
		in   string
		ok   bool
	}{
		{"at_limit", deep(MaxFilterDepth), true},
		{"over_limit", deep(MaxFilterDepth + 1), false},
		{"hostile_4000_parens", strings.Repeat("(", 4000) + "a pr", false},
		{"hostile_1000_not", strings.Repeat("not(", 1000) + "a pr", false},
		{"hostile_brackets", strings.Repeat("a[", 2000), false},
		{"brackets_inside_quotes_do_not_count", `displayName eq "` + strings.Repeat("([", 100) + `"`, true},
		{"escaped_quote_inside_string", `displayName eq "a \" ` + strings.Repeat("(", 40) + `"`, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseFilter(c.in)
			if c.ok {
				if err != nil {
					t.Fatalf("want accepted, got %v", err)
				}
				return
			}
			var se *Error
			if !errors.As(err, &se) || se.ScimType != ScimTypeInvalidFilter || !strings.Contains(se.Detail, "levels deep") {
				t.Fatalf("want invalidFilter nesting error, got %v", err)
			}
			_, err = ParsePath(c.in)
			if !errors.As(err, &se) || se.ScimType != ScimTypeInvalidPath {
				t.Fatalf("ParsePath: want invalidPath, got %v", err)
			}
		})
	}
}

// BenchmarkParseFilterWorstCase measures the slowest inputs known within
// the limits (see limits.go); before the nesting limit, 4,000 nested "("
// took the parser about 0.5 s.
func BenchmarkParseFilterWorstCase(b *testing.B) {
	unit := strings.Repeat("(", MaxFilterDepth) + "a pr" + strings.Repeat(")", MaxFilterDepth) + " or "
	inputs := map[string]string{
		"deep_or_chain":    strings.Repeat(unit, MaxFilterLength/len(unit)) + "(",
		"long_or_chain":    strings.Repeat("a pr or ", MaxFilterLength/8-1) + "b pr",
		"long_attr_name":   strings.Repeat("l", MaxFilterLength-3) + " pr",
		"rejected_nesting": strings.Repeat("not(", MaxFilterLength/4-1) + "a pr",
		"entra_match":      `emails[type eq "work"].value eq "alice@contoso.com"`,
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				_, _ = ParseFilter(in)
			}
		})
	}
}
