package directory_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// Object ids of the testdata/graph export.
const (
	ana   = "0b6f2c1e-5a3d-4f7e-9c21-7d4e8a1b2c01"
	ben   = "0b6f2c1e-5a3d-4f7e-9c21-7d4e8a1b2c02"
	chen  = "0b6f2c1e-5a3d-4f7e-9c21-7d4e8a1b2c03"
	dana  = "0b6f2c1e-5a3d-4f7e-9c21-7d4e8a1b2c04"
	sales = "7a1d9e40-2b6c-4c8e-a0f3-3e5b9d2c4a01"
	staff = "7a1d9e40-2b6c-4c8e-a0f3-3e5b9d2c4a02"
)

// The export shaped like Graph's list responses maps onto the same model
// as the YAML file.
func TestLoadGraph(t *testing.T) {
	d, err := directory.Load(filepath.Join("testdata", "graph"))
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(d.Users); !slices.Equal(got, []string{ana, ben, chen, dana}) {
		t.Fatalf("users %v", got)
	}
	a, _ := d.User(ana)
	want := directory.User{ObjectID: ana, UserPrincipalName: "ana.ruiz@fabrikam.example", MailNickname: "ana.ruiz",
		Mail: "ana.ruiz@fabrikam.example", GivenName: "Ana", Surname: "Ruiz", DisplayName: "Ana Ruiz",
		JobTitle: "Chief Executive Officer", Department: "Executive", EmployeeID: "E0001", AccountEnabled: true}
	got := *a
	got.Attributes, got.Line = nil, 0
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ana = %+v\nwant %+v", got, want)
	}
	if a.Line != 4 {
		t.Errorf("ana's line = %d, want 4", a.Line)
	}
	attrs := []struct {
		user, name string
		want       any
	}{
		{ana, "preferredLanguage", "es-ES"},
		{ana, "extensionAttribute1", "HQ"}, // from onPremisesExtensionAttributes
		{ana, "extensionAttribute2", nil},  // null there
		{ben, "preferredLanguage", nil},    // null
		{chen, "mail", nil},                // null
		{chen, "employeeId", nil},
		{ben, "manager", ana},
		{chen, "manager", ben},
		{dana, "manager", nil}, // an organizational contact is no user's manager
		{chen, "accountEnabled", false},
		{dana, "accountEnabled", true}, // not selected: enabled, as in the YAML format
		{dana, "surname", "Novák"},
		{ana, "@odata.type", nil},
	}
	for _, c := range attrs {
		u, _ := d.User(c.user)
		v, ok := directory.Attr(u, c.name)
		if (c.want == nil && ok) || (c.want != nil && v != c.want) {
			t.Errorf("%s.%s = %v, %v; want %v", u.DisplayName, c.name, v, ok, c.want)
		}
	}
	if v, _ := directory.Attr(a, "businessPhones"); !slices.Equal(v.([]string), []string{"+34 91 555 0100"}) {
		t.Errorf("businessPhones = %#v", v)
	}
	groups := []struct {
		id, name string
		members  []string
	}{
		{sales, "Sales", []string{ben, chen}},       // the device is left out
		{staff, "All Staff", []string{sales, dana}}, // and the service principal
	}
	for i, c := range groups {
		g := d.Groups[i]
		if g.ObjectID != c.id || g.DisplayName != c.name || !slices.Equal(g.Members, c.members) {
			t.Errorf("group %d = %+v, want %s %q %v", i, g, c.id, c.name, c.members)
		}
	}
	if v, ok := directory.GroupAttr(d.Groups[0], "securityEnabled"); !ok || v != true {
		t.Errorf("securityEnabled = %v, %v", v, ok)
	}
	if v, _ := directory.GroupAttr(d.Groups[1], "groupTypes"); !slices.Equal(v.([]string), []string{"Unified"}) {
		t.Errorf("groupTypes = %#v", v)
	}
	// assignments.json: Ana twice (two app roles), Sales, a service
	// principal left out.
	if d.App.Scope != directory.ScopeAssigned || !slices.Equal(d.App.AssignedUsers, []string{ana}) ||
		!slices.Equal(d.App.AssignedGroups, []string{sales}) {
		t.Errorf("app = %+v", d.App)
	}
	if got := ids(d.InScopeUsers()); !slices.Equal(got, []string{ana, ben, chen}) {
		t.Errorf("in scope %v", got)
	}
}

// Several pages in one file, an object from deletedItems, no assignments.
func TestLoadGraphPaged(t *testing.T) {
	d, err := directory.Load(filepath.Join("testdata", "graph-paged"))
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Users) != 4 || len(d.Groups) != 1 {
		t.Fatalf("%d users, %d groups; want 4, 1", len(d.Users), len(d.Groups))
	}
	if d.App.Scope != directory.ScopeAll {
		t.Errorf("scope %q without assignments.json, want all", d.App.Scope)
	}
	if d.Users[2].Manager != d.Users[1].ObjectID || d.Users[2].AccountEnabled {
		t.Errorf("third = %+v", d.Users[2])
	}
	if d.Users[3].Deleted != directory.SoftDeleted || d.Users[0].Deleted != directory.NotDeleted {
		t.Errorf("deletedDateTime: %q, %q", d.Users[3].Deleted, d.Users[0].Deleted)
	}
	if d.Users[2].Line != 14 {
		t.Errorf("third's line = %d, want 14", d.Users[2].Line)
	}
	if got := len(d.InScopeUsers()); got != 4 {
		t.Errorf("%d users in scope all, want 4", got)
	}
	if !slices.Equal(d.Groups[0].Members, []string{d.Users[0].ObjectID, d.Users[2].ObjectID}) {
		t.Errorf("members %v", d.Groups[0].Members)
	}
}

// writeExport writes the named files into a new folder.
func writeExport(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const noGroups = `{"value": []}`

func TestLoadGraphErrors(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"users.json missing", map[string]string{"groups.json": noGroups}, "users.json is missing"},
		{"groups.json missing", map[string]string{"users.json": `{"value": []}`}, "groups.json is missing"},
		{"empty file", map[string]string{"users.json": " \n", "groups.json": noGroups}, "users.json:1:1: (document): empty file"},
		{"syntax", map[string]string{"users.json": "{\"value\": [\n  {\"id\": \"a\",}\n]}", "groups.json": noGroups},
			"users.json:2:14: (document): invalid JSON"},
		{"truncated", map[string]string{"users.json": "{\"value\": [{\"id\": \"a\"}", "groups.json": noGroups},
			"(document): invalid JSON: unexpected end of JSON"},
		{"not a list response", map[string]string{"users.json": `"users"`, "groups.json": noGroups},
			`users.json:1:1: (document): expected a Graph list response {"value": [...]} or an array of them, got a string`},
		{"error response", map[string]string{"users.json": `{"error": {"code": "Authorization_RequestDenied"}}`, "groups.json": noGroups},
			`users.json:1:1: (document): page has no "value" array (this is a Graph error response)`},
		{"value not an array", map[string]string{"users.json": `{"value": {"id": "a"}}`, "groups.json": noGroups},
			"users.json:1:11: value: expected an array of objects, got an object"},
		{"page not an object", map[string]string{"users.json": `[{"value": []}, ["x"]]`, "groups.json": noGroups},
			"users.json:1:17: [1]: expected a page object"},
		{"page without value", map[string]string{"users.json": "[{\"value\": []},\n {\"@odata.context\": \"x\"}]", "groups.json": noGroups},
			`users.json:2:2: [1]: page has no "value" array`},
		{"trailing data", map[string]string{"users.json": `{"value": []} {"value": []}`, "groups.json": noGroups},
			"users.json:1:15: (document): unexpected data after the end"},
		{"record not an object", map[string]string{"users.json": `{"value": ["a"]}`, "groups.json": noGroups},
			"users.json:1:12: value[0]: (record): expected an object, got a string"},
		{"id missing", map[string]string{"users.json": "{\"value\": [\n    {\"mail\": \"a@x\"}]}", "groups.json": noGroups},
			"users.json:2:5: value[0]: id: required field missing"},
		{"id not a string", map[string]string{"users.json": `{"value": [{"id": 7}]}`, "groups.json": noGroups},
			"value[0]: id: expected a string, got a number"},
		{"accountEnabled string", map[string]string{"users.json": `{"value": [{"id": "a"}, {"id": "b", "accountEnabled": "yes"}]}`, "groups.json": noGroups},
			`users.json:1:25: value[1] (id "b"): accountEnabled: expected true, false or null, got a string`},
		{"mail not a string", map[string]string{"users.json": `{"value": [{"id": "a", "mail": ["a@x"]}]}`, "groups.json": noGroups},
			`value[0] (id "a"): mail: expected a string or null, got an array`},
		{"manager not expanded", map[string]string{"users.json": `{"value": [{"id": "a", "manager": "b"}]}`, "groups.json": noGroups},
			`value[0] (id "a"): manager: expected the expanded manager object (with an id) or null, got a string (was the list requested with $expand=manager?)`},
		{"manager without id", map[string]string{"users.json": `{"value": [{"id": "a", "manager": {"displayName": "B"}}]}`, "groups.json": noGroups},
			`value[0] (id "a"): manager.id: expected the manager's id (a non-empty string), got null`},
		{"unknown manager", map[string]string{"users.json": "{\"value\": [\n {\"id\": \"a\"},\n {\"id\": \"b\", \"manager\": {\"id\": \"zz\"}}]}", "groups.json": noGroups},
			`users.json:3:2: value[1] (id "b"): manager.id: unknown user "zz"`},
		{"own manager", map[string]string{"users.json": `{"value": [{"id": "a", "manager": {"id": "a"}}]}`, "groups.json": noGroups},
			`value[0] (id "a"): manager.id: user "a" is its own manager`},
		{"duplicate id across pages", map[string]string{"users.json": `[{"value": [{"id": "a"}]}, {"value": [{"id": "a"}]}]`, "groups.json": noGroups},
			`users.json:1:39: [1].value[0] (id "a"): id: duplicate objectId "a" (first defined at users.json [0].value[0] (id "a"))`},
		{"user and group share an id", map[string]string{"users.json": `{"value": [{"id": "a"}]}`, "groups.json": `{"value": [{"id": "a"}]}`},
			`groups.json:1:12: value[0] (id "a"): id: duplicate objectId "a" (first defined at users.json value[0] (id "a"))`},
		{"members not expanded", map[string]string{"users.json": `{"value": []}`, "groups.json": `{"value": [{"id": "g", "members": 3}]}`},
			`value[0] (id "g"): members: expected the expanded members array or null, got a number (was the list requested with $expand=members?)`},
		{"member without id", map[string]string{"users.json": `{"value": []}`, "groups.json": `{"value": [{"id": "g", "members": [{"@odata.type": "#microsoft.graph.user"}]}]}`},
			`value[0] (id "g"): members[0].id: expected the member's id`},
		{"member not an object", map[string]string{"users.json": `{"value": []}`, "groups.json": `{"value": [{"id": "g", "members": ["u"]}]}`},
			`value[0] (id "g"): members[0]: expected a directory object, got a string`},
		// The device at members[1] is left out; the error still names the
		// member by its index in Graph's array.
		{"unknown member", map[string]string{"users.json": `{"value": [{"id": "a"}]}`,
			"groups.json": `{"value": [{"id": "g", "members": [{"id": "a"}, {"@odata.type": "#microsoft.graph.device", "id": "d"}, {"id": "nope"}]}]}`},
			`groups.json:1:12: value[0] (id "g"): members[2].id: unknown user or group "nope"`},
		{"group member of itself", map[string]string{"users.json": `{"value": []}`, "groups.json": `{"value": [{"id": "g", "members": [{"id": "g"}]}]}`},
			`value[0] (id "g"): members[0].id: group "g" is a member of itself`},
		{"unknown assigned user", map[string]string{"users.json": `{"value": [{"id": "a"}]}`, "groups.json": noGroups,
			"assignments.json": `{"value": [{"id": "as1", "principalId": "x", "principalType": "User"}]}`},
			`assignments.json:1:12: value[0] (id "as1"): principalId: unknown user "x"`},
		{"unknown assigned group", map[string]string{"users.json": `{"value": [{"id": "a"}]}`, "groups.json": noGroups,
			"assignments.json": `{"value": [{"id": "as1", "principalId": "a", "principalType": "User"}, {"id": "as2", "principalId": "a", "principalType": "Group"}]}`},
			`value[1] (id "as2"): principalId: unknown group "a"`},
		{"bad principalType", map[string]string{"users.json": `{"value": []}`, "groups.json": noGroups,
			"assignments.json": `{"value": [{"id": "as1", "principalId": "x", "principalType": "Device"}]}`},
			`value[0] (id "as1"): principalType: invalid value "Device" (want User, Group or ServicePrincipal)`},
		{"principalId missing", map[string]string{"users.json": `{"value": []}`, "groups.json": noGroups,
			"assignments.json": `{"value": [{"id": "as1", "principalType": "User"}]}`},
			`value[0] (id "as1"): principalId: required field missing`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d, err := directory.Load(writeExport(t, c.files))
			if err == nil {
				t.Fatalf("no error, want %q", c.want)
			}
			if d != nil {
				t.Error("a directory returned with an error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %q\ndoes not contain %q", err, c.want)
			}
		})
	}
}

// Problems in several records and files are reported together, each a
// *FieldError naming its record.
func TestLoadGraphErrorsAreCollected(t *testing.T) {
	dir := writeExport(t, map[string]string{
		"users.json":  `{"value": [{"id": "a", "accountEnabled": 1}, {"id": "b", "mail": false}]}`,
		"groups.json": `{"value": [{"id": "g", "displayName": 2}]}`,
	})
	_, err := directory.Load(dir)
	var le *directory.LoadError
	if !errors.As(err, &le) || len(le.Errs) != 3 {
		t.Fatalf("want 3 collected errors, got %v", err)
	}
	wantFiles := []string{"users.json", "users.json", "groups.json"}
	wantRecords := []string{`value[0] (id "a")`, `value[1] (id "b")`, `value[0] (id "g")`}
	wantFields := []string{"accountEnabled", "mail", "displayName"}
	for i, fe := range le.Errs {
		if filepath.Base(fe.File) != wantFiles[i] || fe.Record != wantRecords[i] || fe.Field != wantFields[i] {
			t.Errorf("error %d = %+v, want %s %s %s", i, fe, wantFiles[i], wantRecords[i], wantFields[i])
		}
	}
}

// graphExportOf writes d as a Graph export (one page per file, 999
// records a page as Graph's $top allows) into a new folder.
func graphExportOf(tb testing.TB, d *directory.Directory) string {
	tb.Helper()
	pages := func(records []map[string]any) []map[string]any {
		var out []map[string]any
		for len(records) > 0 {
			n := min(999, len(records))
			out = append(out, map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#x", "value": records[:n]})
			records = records[n:]
		}
		return out
	}
	var users, groups, assigned []map[string]any
	for _, u := range d.Users {
		r := map[string]any{"id": u.ObjectID, "userPrincipalName": u.UserPrincipalName, "mailNickname": u.MailNickname,
			"mail": u.Mail, "givenName": u.GivenName, "surname": u.Surname, "displayName": u.DisplayName,
			"jobTitle": u.JobTitle, "department": u.Department, "employeeId": u.EmployeeID,
			"accountEnabled": u.AccountEnabled, "businessPhones": []string{}, "manager": nil}
		if u.Manager != "" {
			r["manager"] = map[string]any{"@odata.type": "#microsoft.graph.user", "id": u.Manager}
		}
		users = append(users, r)
	}
	for _, g := range d.Groups {
		var ms []map[string]any
		for _, m := range g.Members {
			ms = append(ms, map[string]any{"@odata.type": "#microsoft.graph.user", "id": m})
		}
		groups = append(groups, map[string]any{"id": g.ObjectID, "displayName": g.DisplayName, "members": ms})
	}
	for _, id := range d.App.AssignedUsers {
		assigned = append(assigned, map[string]any{"principalId": id, "principalType": "User"})
	}
	dir := tb.TempDir()
	for name, v := range map[string]any{"users.json": pages(users), "groups.json": pages(groups), "assignments.json": pages(assigned)} {
		b, err := json.Marshal(v)
		if err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return dir
}

// A directory written as a Graph export loads back with the same users,
// managers, groups and members.
func TestGraphRoundTrip(t *testing.T) {
	d, err := directory.Parse("gen", fixtures.GenerateRealisticDirectory(2500, 40, 3))
	if err != nil {
		t.Fatal(err)
	}
	g, err := directory.Load(graphExportOf(t, d))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Users) != len(d.Users) || len(g.Groups) != len(d.Groups) {
		t.Fatalf("%d/%d users, %d/%d groups", len(g.Users), len(d.Users), len(g.Groups), len(d.Groups))
	}
	for i, u := range d.Users {
		w := *u
		w.Deleted, w.Line, w.Attributes = directory.NotDeleted, g.Users[i].Line, g.Users[i].Attributes
		if !reflect.DeepEqual(*g.Users[i], w) {
			t.Fatalf("user %d:\n%+v\nwant\n%+v", i, g.Users[i], w)
		}
	}
	for i, gr := range d.Groups {
		if !slices.Equal(g.Groups[i].Members, gr.Members) {
			t.Fatalf("group %d members differ", i)
		}
	}
}

func BenchmarkLoadGraph10k(b *testing.B) {
	benchmarkLoadGraph(b, 10000, 500)
}

// BenchmarkLoadGraph100k loads the realistic 100k-user directory of
// BenchmarkLoadRealistic100k written as a Graph export, reporting the same
// CPU and memory figures.
func BenchmarkLoadGraph100k(b *testing.B) {
	benchmarkLoadGraph(b, 100000, 5000)
}

func benchmarkLoadGraph(b *testing.B, users, groups int) {
	// The parsed directory is not kept while the export is loaded.
	dir := func() string {
		d, err := directory.Parse("gen", fixtures.GenerateRealisticDirectory(users, groups, 1))
		if err != nil {
			b.Fatal(err)
		}
		return graphExportOf(b, d)
	}()
	var size int64
	for _, name := range []string{directory.GraphUsersFile, directory.GraphGroupsFile, directory.GraphAssignmentsFile} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		size += fi.Size()
	}
	b.SetBytes(size)
	measureLoads(b, func() (*directory.Directory, error) { return directory.Load(dir) })
}

// Whatever the files hold, loading returns a directory or an error, never
// both, and never panics.
func FuzzLoadGraph(f *testing.F) {
	for _, dir := range []string{"graph", "graph-paged"} {
		u, _ := os.ReadFile(filepath.Join("testdata", dir, "users.json"))
		g, _ := os.ReadFile(filepath.Join("testdata", dir, "groups.json"))
		f.Add(u, g)
	}
	f.Add([]byte(`[{"value": [{"id": "a"}]}, {"value": [{"id": "b", "manager": {"id": "a"}}]}]`), []byte(`{"value": [{"id": "g", "members": [{"id": "a"}, {"id": "g"}]}]}`))
	f.Add([]byte(`{"value": [`), []byte(`[`))
	f.Fuzz(func(t *testing.T, users, groups []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "users.json"), users, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "groups.json"), groups, 0o644); err != nil {
			t.Fatal(err)
		}
		d, err := directory.Load(dir)
		if (d == nil) == (err == nil) {
			t.Fatalf("directory %v with error %v", d != nil, err)
		}
		if d != nil {
			for _, u := range d.Users {
				if _, ok := d.User(u.Manager); u.Manager != "" && !ok {
					t.Fatalf("dangling manager %q", u.Manager)
				}
			}
		}
	})
}
