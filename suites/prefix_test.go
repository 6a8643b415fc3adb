package suites_test

import (
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// TestDirectoriesCarryThePrefix checks that every name the cycle and load
// specs provision carries the run prefix, so nothing they create in a real
// tenant is anonymous or can collide with real users.
func TestDirectoriesCarryThePrefix(t *testing.T) {
	const pfx = "ct-test-p1-7"
	fixture, err := fixtures.Directory(cycleFixture)
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{
		"conformance.yaml": strings.ReplaceAll(string(fixture), placeholder, pfx),
		"generated":        prefixGenerated(string(fixtures.GenerateDirectory(120, 6)), pfx),
	} {
		t.Run(name, func(t *testing.T) {
			d, err := directory.Parse(name, []byte(text))
			if err != nil {
				t.Fatal(err)
			}
			if len(d.Users) == 0 || len(d.Groups) == 0 {
				t.Fatalf("%d users, %d groups", len(d.Users), len(d.Groups))
			}
			for _, u := range d.Users {
				for field, v := range map[string]string{"objectId": u.ObjectID, "userPrincipalName": u.UserPrincipalName,
					"mailNickname": u.MailNickname, "displayName": u.DisplayName} {
					if !strings.HasPrefix(v, pfx) {
						t.Errorf("user %s: %s %q lacks the prefix", u.ObjectID, field, v)
					}
				}
				if !strings.HasSuffix(u.UserPrincipalName, "@conformance.example.test") {
					t.Errorf("user %s: %q is not in the reserved example domain", u.ObjectID, u.UserPrincipalName)
				}
				if u.Manager != "" && !strings.HasPrefix(u.Manager, pfx) {
					t.Errorf("user %s: manager %q lacks the prefix", u.ObjectID, u.Manager)
				}
			}
			for _, g := range d.Groups {
				if !strings.HasPrefix(g.ObjectID, pfx) || !strings.HasPrefix(g.DisplayName, pfx) {
					t.Errorf("group %s %q lacks the prefix", g.ObjectID, g.DisplayName)
				}
			}
			if strings.Contains(text, "contoso.com") || strings.Contains(text, placeholder+"-") {
				t.Error("unprefixed names left in the directory")
			}
		})
	}
}

func TestPercentile(t *testing.T) {
	for _, tc := range []struct {
		in   []int
		p    float64
		want int
	}{
		{nil, 50, 0}, {[]int{7}, 99, 7}, {[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 50, 5}, {[]int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 100, 10},
	} {
		var d []time.Duration
		for _, v := range tc.in {
			d = append(d, time.Duration(v))
		}
		if got := percentile(d, tc.p); got != time.Duration(tc.want) {
			t.Errorf("percentile(%v, %v) = %v, want %v", tc.in, tc.p, got, tc.want)
		}
	}
}
