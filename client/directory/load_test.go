package directory_test

import (
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
)

// Validation errors point at the exact field, also for members of later
// groups and users after a user without a manager.
func TestValidationPositions(t *testing.T) {
	src := `app:
  assignments:
    users: [a, zz]
    groups: [g1, g2, nog]
users:
- objectId: a
- objectId: b
  manager: nobody
- {objectId: c, manager: c}
groups:
- objectId: g1
  members: [a, b]
- objectId: g2
- objectId: g3
  members:
  - a
  - x1
  - g3
- objectId: b
`
	want := []string{
		`x.yaml:19:13: groups[3].objectId: duplicate objectId "b" (first defined at users[1])`,
		`x.yaml:8:12: users[1].manager: unknown user "nobody"`,
		`x.yaml:9:26: users[2].manager: user "c" is its own manager`,
		`x.yaml:17:5: groups[2].members[1]: unknown user or group "x1"`,
		`x.yaml:18:5: groups[2].members[2]: group "g3" is a member of itself`,
		`x.yaml:3:16: app.assignments.users[1]: unknown user "zz"`,
		`x.yaml:4:22: app.assignments.groups[2]: unknown group "nog"`,
	}
	_, err := directory.Parse("x.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	if got := strings.Split(err.Error(), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("errors:\n%s\nwant:\n%s", err, strings.Join(want, "\n"))
	}
}
