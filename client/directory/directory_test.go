package directory_test

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

func loadSmall(t testing.TB) *directory.Directory {
	t.Helper()
	b, err := fixtures.Directory("small.yaml")
	if err != nil {
		t.Fatal(err)
	}
	d, err := directory.Parse("small.yaml", b)
	if err != nil {
		t.Fatalf("load small.yaml: %v", err)
	}
	return d
}

func ids(us []*directory.User) []string {
	var out []string
	for _, u := range us {
		out = append(out, u.ObjectID)
	}
	return out
}

func TestLoadSmall(t *testing.T) {
	d := loadSmall(t)
	if len(d.Users) != 10 || len(d.Groups) != 3 {
		t.Fatalf("got %d users, %d groups; want 10, 3", len(d.Users), len(d.Groups))
	}
	u, ok := d.User("u03")
	if !ok || u.GivenName != "Chloé" || u.Manager != "u02" || u.EmployeeID != "1003" {
		t.Fatalf("u03 = %+v", u)
	}
	if v, ok := directory.Attr(u, "preferredLanguage"); !ok || v != "fr-FR" {
		t.Errorf("extra attribute preferredLanguage = %v, %v", v, ok)
	}
	if u4, _ := d.User("u04"); u4.AccountEnabled {
		t.Error("u04 should be disabled")
	}
	if u7, _ := d.User("u07"); u7.Deleted != directory.SoftDeleted {
		t.Error("u07 should be soft-deleted")
	}
	if u, ok := d.UserByUPN("ALICE.anders@contoso.com"); !ok || u.ObjectID != "u01" {
		t.Error("UserByUPN must be case-insensitive")
	}
}

// Only direct members of assigned groups are in scope; a nested group's
// members are not (ENTRA-CYCLE-07).
func TestInScopeUsers_CYCLE07_DirectMembersOnly(t *testing.T) {
	d := loadSmall(t)
	got := ids(d.InScopeUsers())
	want := []string{"u01", "u02", "u03", "u04", "u05", "u06", "u07", "u09"}
	if !slices.Equal(got, want) {
		t.Fatalf("in scope = %v, want %v", got, want)
	}
	var gs []string
	for _, g := range d.InScopeGroups() {
		gs = append(gs, g.ObjectID)
	}
	if !slices.Equal(gs, []string{"g-sales", "g-eng"}) {
		t.Fatalf("groups in scope = %v", gs)
	}
}

func TestScopeAll_CYCLE07(t *testing.T) {
	d, err := directory.Parse("x.yaml", []byte("app: {scope: all}\nusers:\n- {objectId: a}\n- {objectId: b, deleted: hard}\n- {objectId: c, deleted: soft}\ngroups:\n- {objectId: g}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(d.InScopeUsers()); !slices.Equal(got, []string{"a", "c"}) {
		t.Fatalf("scope all = %v (hard-deleted users are gone)", got)
	}
	if len(d.InScopeGroups()) != 1 {
		t.Fatal("scope all must include every group")
	}
}

func TestIsSoftDeleted_MAP03(t *testing.T) {
	d := loadSmall(t)
	cases := []struct {
		id      string
		inScope bool
		want    bool
	}{
		{"u01", true, false},
		{"u01", false, true}, // unassigned or failing scoping
		{"u04", true, true},  // accountEnabled=false
		{"u07", true, true},  // soft-deleted
	}
	for _, c := range cases {
		u, _ := d.User(c.id)
		if got := directory.IsSoftDeleted(u, c.inScope); got != c.want {
			t.Errorf("IsSoftDeleted(%s, inScope=%v) = %v, want %v", c.id, c.inScope, got, c.want)
		}
		v, ok := directory.UserSource(u, c.inScope)("IsSoftDeleted")
		if !ok || v != c.want {
			t.Errorf("UserSource(%s)[IsSoftDeleted] = %v, %v", c.id, v, ok)
		}
	}
}

func TestAttr(t *testing.T) {
	d := loadSmall(t)
	u, _ := d.User("u07")
	cases := []struct {
		name    string
		want    any
		present bool
	}{
		{"objectId", "u07", true},
		{"userprincipalname", "gina.garcia@contoso.com", true}, // case-insensitive
		{"mail", nil, false},                                   // absent
		{"manager", "u05", true},
		{"accountEnabled", true, true},
		{"surname", "García", true},
		{"nosuch", nil, false},
	}
	for _, c := range cases {
		v, ok := directory.Attr(u, c.name)
		if ok != c.present || v != c.want {
			t.Errorf("Attr(%q) = %v, %v; want %v, %v", c.name, v, ok, c.want, c.present)
		}
	}
	g, _ := d.Group("g-sales")
	m, ok := directory.GroupAttr(g, "members")
	if !ok || !slices.Equal(m.([]string), []string{"u02", "u03", "u04"}) {
		t.Errorf("members = %v", m)
	}
}

func TestExtraAttributeTypes(t *testing.T) {
	d, err := directory.Parse("x.yaml", []byte(`users:
- objectId: a
  attributes: {s: text, b: true, i: 42, f: 1.5, l: [x, y], n: null, q: "7"}
`))
	if err != nil {
		t.Fatal(err)
	}
	u := d.Users[0]
	want := map[string]any{"s": "text", "b": true, "i": int64(42), "f": 1.5, "q": "7"}
	for k, w := range want {
		if v, ok := directory.Attr(u, k); !ok || v != w {
			t.Errorf("attr %s = %#v, want %#v", k, v, w)
		}
	}
	if v, _ := directory.Attr(u, "l"); !slices.Equal(v.([]string), []string{"x", "y"}) {
		t.Errorf("list attribute = %v", v)
	}
	if _, ok := directory.Attr(u, "n"); ok {
		t.Error("null attribute must be absent")
	}
}

func TestLoadErrors(t *testing.T) {
	cases := []struct {
		name, yaml, want string
	}{
		{"unknown top field", "usres: []\n", "x.yaml:1:1: usres: unknown field"},
		{"unknown user field", "users:\n- objectId: a\n  emial: x\n", "x.yaml:3:3: users[0].emial: unknown field"},
		{"missing objectId", "users:\n- mail: a@b\n", "x.yaml:2:3: users[0].objectId: required field missing"},
		{"duplicate objectId", "users:\n- objectId: a\n- objectId: a\n", "x.yaml:3:13: users[1].objectId: duplicate objectId \"a\" (first defined at users[0])"},
		{"user and group share id", "users:\n- objectId: a\ngroups:\n- objectId: a\n", "x.yaml:4:13: groups[0].objectId: duplicate objectId"},
		{"unknown manager", "users:\n- objectId: a\n  manager: zz\n", "x.yaml:3:12: users[0].manager: unknown user \"zz\""},
		{"self manager", "users:\n- objectId: a\n  manager: a\n", "users[0].manager: user \"a\" is its own manager"},
		{"unknown member", "users:\n- objectId: a\ngroups:\n- objectId: g\n  members: [a, b]\n", "x.yaml:5:16: groups[0].members[1]: unknown user or group \"b\""},
		{"bad scope", "app: {scope: some}\n", "x.yaml:1:14: app.scope: invalid value \"some\" (want assigned or all)"},
		{"bad deleted", "users:\n- objectId: a\n  deleted: maybe\n", "x.yaml:3:12: users[0].deleted: invalid value \"maybe\""},
		{"bad accountEnabled", "users:\n- objectId: a\n  accountEnabled: \"yes\"\n", "x.yaml:3:19: users[0].accountEnabled: invalid value \"yes\""},
		{"unknown assigned user", "app:\n  assignments: {users: [nobody]}\n", "x.yaml:2:25: app.assignments.users[0]: unknown user \"nobody\""},
		{"unknown assigned group", "app:\n  assignments: {groups: [ng]}\n", "app.assignments.groups[0]: unknown group \"ng\""},
		{"users not a list", "users: {a: 1}\n", "x.yaml:1:8: users: expected a list, got a mapping"},
		{"nested attribute", "users:\n- objectId: a\n  attributes: {x: {y: 1}}\n", "x.yaml:3:19: users[0].attributes.x: expected a scalar or a list of scalars"},
		{"duplicate key", "users:\n- objectId: a\n  objectId: b\n", "x.yaml:3:3: users[0].objectId: duplicate field"},
		{"string manager list", "users:\n- objectId: a\n  manager: [b]\n", "x.yaml:3:12: users[0].manager: expected a scalar value, got a list"},
		{"yaml syntax", "users: [\n", "x.yaml: yaml:"},
		{"empty", "", "x.yaml:0:0: (document): empty directory file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := directory.Parse("x.yaml", []byte(c.yaml))
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q\ndoes not contain %q", err, c.want)
			}
		})
	}
}

func TestLoadErrorsAreCollected(t *testing.T) {
	_, err := directory.Parse("x.yaml", []byte("users:\n- objectId: a\n  bad1: x\n- objectId: b\n  bad2: y\n"))
	var le *directory.LoadError
	if !errors.As(err, &le) || len(le.Errs) != 2 {
		t.Fatalf("want 2 collected errors, got %v", err)
	}
	var fe *directory.FieldError
	if !errors.As(err, &fe) || fe.Line != 3 {
		t.Fatalf("errors.As FieldError: %v", fe)
	}
}

func TestFingerprint(t *testing.T) {
	base := "users:\n- objectId: a\n  mail: a@x\n  attributes: {k: v}\ngroups:\n- objectId: g\n  members: [a, b]\n- objectId: b\n"
	d1, err := directory.Parse("x", []byte(base))
	if err != nil {
		t.Fatal(err)
	}
	d2, _ := directory.Parse("x", []byte(base))
	if d1.Users[0].Fingerprint() != d2.Users[0].Fingerprint() {
		t.Fatal("fingerprint must be stable")
	}
	variants := []string{
		strings.Replace(base, "mail: a@x", "mail: b@x", 1),
		strings.Replace(base, "{k: v}", "{k: w}", 1),
		strings.Replace(base, "mail: a@x", "mail: a@x\n  accountEnabled: false", 1),
		strings.Replace(base, "mail: a@x", "mail: a@x\n  deleted: soft", 1),
	}
	for i, v := range variants {
		d, err := directory.Parse("x", []byte(v))
		if err != nil {
			t.Fatal(err)
		}
		if d.Users[0].Fingerprint() == d1.Users[0].Fingerprint() {
			t.Errorf("variant %d: changed user kept its fingerprint", i)
		}
	}
	reordered, _ := directory.Parse("x", []byte(strings.Replace(base, "[a, b]", "[b, a]", 1)))
	if reordered.Groups[0].Fingerprint() != d1.Groups[0].Fingerprint() {
		t.Error("member order must not change the group fingerprint")
	}
	fewer, _ := directory.Parse("x", []byte(strings.Replace(base, "[a, b]", "[a]", 1)))
	if fewer.Groups[0].Fingerprint() == d1.Groups[0].Fingerprint() {
		t.Error("member removal must change the group fingerprint")
	}
}

func TestNewValidates(t *testing.T) {
	_, err := directory.New(directory.App{}, []*directory.User{{ObjectID: "a", Manager: "b"}}, nil)
	if err == nil || !strings.Contains(err.Error(), "users[0].manager: unknown user \"b\"") {
		t.Fatalf("New: %v", err)
	}
}

func TestLargeFixture(t *testing.T) {
	d, err := directory.Parse("large", fixtures.GenerateDirectory(2000, 100))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 2000 || len(d.Groups) != 100 {
		t.Fatalf("sizes %d/%d", len(d.Users), len(d.Groups))
	}
	n := len(d.InScopeUsers())
	// Even groups (half the users) plus every 7th user of the odd groups.
	if n <= 1000 || n >= 1200 {
		t.Fatalf("in-scope users = %d, want a bit over half", n)
	}
}

func FuzzParse(f *testing.F) {
	small, _ := fixtures.Directory("small.yaml")
	f.Add(small)
	f.Add([]byte("users:\n- objectId: a\n  manager: a\n"))
	f.Add([]byte("app: {scope: all}\ngroups:\n- {objectId: g, members: [g]}\n"))
	f.Add([]byte("users: [{objectId: a, attributes: {x: [1, 2]}}]"))
	f.Add([]byte("&a [*a]"))
	f.Add([]byte("users:\n- objectId: a\n- objectId: b\n  manager: a\ngroups:\n  - objectId: g\n    members: [a, b]\n"))
	f.Add([]byte("users: # u\n  - &x {objectId: a}\n  # c\n  - objectId: b\n    attributes:\n      n: |\n        - x\napp:\n  assignments: {users: [a]}\n"))
	f.Add([]byte("users:\n- objectId: \"a\n- b\"\n- objectId: c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := directory.Parse("fuzz.yaml", data)
		// Parsed in chunks of one or two items, by one or by several
		// workers, the result is the same.
		for _, items := range []int{1, 2} {
			for _, workers := range []int{1, 3} {
				cd, cerr, _ := directory.ParseChunkedWorkers("fuzz.yaml", data, items, 1<<20, workers)
				if (err == nil) != (cerr == nil) || err != nil && err.Error() != cerr.Error() {
					t.Fatalf("chunks of %d, %d workers: error %v, whole parse: %v", items, workers, cerr, err)
				}
				if !reflect.DeepEqual(cd, d) {
					t.Fatalf("chunks of %d, %d workers: directory differs from the whole parse", items, workers)
				}
			}
		}
		if err != nil {
			if d != nil {
				t.Fatal("directory returned with an error")
			}
			return
		}
		// A loaded directory's references must all resolve.
		for _, u := range d.Users {
			if u.Manager != "" {
				if _, ok := d.User(u.Manager); !ok {
					t.Fatalf("dangling manager %q", u.Manager)
				}
			}
			_ = u.Fingerprint()
		}
		d.InScopeUsers()
		d.InScopeGroups()
	})
}

func BenchmarkGenerateLarge(b *testing.B) {
	for b.Loop() {
		fixtures.LargeDirectory()
	}
}

func BenchmarkLoadLarge(b *testing.B) {
	data := fixtures.LargeDirectory()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := directory.Parse("large", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFingerprintLarge(b *testing.B) {
	d, err := directory.Parse("large", fixtures.LargeDirectory())
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		for _, u := range d.Users {
			u.Fingerprint()
		}
	}
}

// The generated large directory is deterministic and loads with the
// documented sizes, so benchmarks compare like with like.
func TestLargeDirectoryDeterministic(t *testing.T) {
	a, b := fixtures.LargeDirectory(), fixtures.LargeDirectory()
	if !slices.Equal(a, b) {
		t.Fatal("LargeDirectory is not deterministic")
	}
	d, err := directory.Parse("large", a)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != fixtures.LargeUsers || len(d.Groups) != fixtures.LargeGroups {
		t.Fatalf("sizes %d/%d", len(d.Users), len(d.Groups))
	}
	disabled, soft := 0, 0
	for _, u := range d.Users {
		if !u.AccountEnabled {
			disabled++
		}
		if u.Deleted == directory.SoftDeleted {
			soft++
		}
	}
	if disabled != 103 || soft != 47 {
		t.Errorf("disabled=%d soft=%d, want 103 and 47", disabled, soft)
	}
}
