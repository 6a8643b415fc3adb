package directory_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// sameParse checks that the chunked parse of data (items list items per
// chunk) gives what the whole-document parse gives: the same directory,
// Line fields included, or the same error. It returns whether the
// chunked parse streamed rather than fell back.
func sameParse(t *testing.T, name string, data []byte, items int) bool {
	t.Helper()
	want, wantErr := directory.ParseWhole(name, data)
	got, gotErr, streamed := directory.ParseChunked(name, data, items, 1<<20)
	if (wantErr == nil) != (gotErr == nil) || wantErr != nil && wantErr.Error() != gotErr.Error() {
		t.Fatalf("%s (items %d, streamed %v): error\n%v\nwant\n%v", name, items, streamed, gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s (items %d, streamed %v): directories differ", name, items, streamed)
	}
	return streamed
}

func TestChunkedParseMatchesWhole(t *testing.T) {
	type input struct {
		name string
		data []byte
	}
	var inputs []input
	for _, f := range []string{"small.yaml", "conformance.yaml"} {
		b, err := fixtures.Directory(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, input{f, b})
	}
	for _, size := range []struct{ users, groups int }{{1, 0}, {3, 1}, {10, 2}, {57, 5}, {600, 40}, {2000, 150}} {
		for seed := int64(1); seed <= 3 && (seed == 1 || size.users < 1000); seed++ {
			inputs = append(inputs, input{fmt.Sprintf("realistic-%d-%d-%d", size.users, size.groups, seed),
				fixtures.GenerateRealisticDirectory(size.users, size.groups, seed)})
		}
	}
	inputs = append(inputs, input{"generated-2000-100", fixtures.GenerateDirectory(2000, 100)})
	for _, in := range inputs {
		for _, items := range []int{1, 2, 7, 256} {
			if !sameParse(t, in.name, in.data, items) {
				t.Errorf("%s (items %d) fell back to the whole parse", in.name, items)
			}
		}
	}
	// Chunks closed by size rather than item count.
	data := fixtures.GenerateRealisticDirectory(300, 30, 4)
	if d, _, streamed := directory.ParseChunked("x", data, 1000, 2000); !streamed || len(d.Users) != 300 {
		t.Fatal("chunks cut by size did not stream")
	}
}

// Layouts the chunked parse handles itself, and layouts for which it
// falls back to the whole-document parse: either way the results and
// errors are the whole parse's.
func TestChunkedParseLayouts(t *testing.T) {
	huge := "app:\n  assignments:\n    users: [" + strings.Repeat("a, ", 100000) + "a]\nusers:\n- objectId: a\n"
	cases := []struct {
		name, yaml string
		streams    bool
	}{
		{"indentation 0", "users:\n- objectId: a\n- objectId: b\n  manager: a\ngroups:\n- objectId: g\n  members: [a]\n", true},
		{"comments between items", "# head\nusers: # the users\n  # first\n  - objectId: a\n# col 0\n\n  - objectId: b # b\n    # in b\n    manager: a\n\n# end\ngroups:\n- objectId: g\n", true},
		{"block scalar", "users:\n- objectId: a\n  attributes:\n    note: |\n      - not an item\n      x: y\n- objectId: b\n", true},
		{"huge single line", huge, true},
		{"flow users", "users: [{objectId: a}, {objectId: b}]\n", true},
		{"null users", "users:\n# none\ngroups:\n", true},
		{"users mapping", "users:\n  a: 1\n", true},
		{"app last", "users:\n- objectId: a\napp: {scope: all}\n", true},
		{"error in later chunk", "users:\n- objectId: a\n- objectId: b\n- objectId: c\n  manager: x\n- objectId: d\n  emial: y\n", true},
		{"alias across items", "users:\n- &u {objectId: a}\n- *u\n", false},
		{"alias across fields", "app: {scope: &s all}\nusers:\n- {objectId: *s}\n", false},
		{"document marker", "---\nusers:\n- objectId: a\n- objectId: b\n", false},
		{"document end", "users:\n- objectId: a\n- objectId: b\n...\n", false},
		{"directive", "%YAML 1.1\n---\nusers:\n- objectId: a\n", false},
		{"multi-line quoted scalar", "users:\n- objectId: a\n  displayName: \"x\n- y\"\n- objectId: b\n", false},
		{"multi-line quoted at column 0", "users:\n  - objectId: a\n    displayName: \"x\ngroups: y\"\n  - objectId: b\n", false},
		{"multi-line flow", "users:\n- {objectId: a,\n- b: 1}\n- objectId: c\n", false},
		{"CRLF", "users:\r\n- objectId: a\r\n- objectId: b\r\n  manager: a\r\n", false},
		{"NEL", "users:\n- objectId: a\n  displayName: x\u0085- objectId: b\n", false},
		{"LS", "users:\n- objectId: a\n  displayName: x\u2028- objectId: b\n", false},
		{"PS", "users:\n- objectId: a\n  displayName: x\u2029- objectId: b\n", false},
		{"other non-ASCII", "users:\n- objectId: a\n  displayName: Zoë Ça \u20ac \u00a0x\n- objectId: b\n", true},
		{"duplicate top-level key", "users:\n- objectId: a\nusers:\n- objectId: b\n", false},
		{"unknown top-level key", "users:\n- objectId: a\nusres: []\n", false},
		{"quoted key", "\"users\":\n- objectId: a\n", false},
		{"syntax error", "users:\n- objectId: a\n- objectId: [b\n- objectId: c\n", false},
		{"tab indentation", "users:\n- objectId: a\n\t- objectId: b\n", false},
		{"less indented item", "users:\n  - objectId: a\n - objectId: b\n", false},
		{"item at column 0 after indented ones", "users:\n  - objectId: a\n- objectId: b\n", false},
		{"empty", "", false},
		{"comments only", "# nothing\n", false},
		{"BOM", "\ufeffusers:\n- objectId: a\n", false},
		{"no final newline", "users:\n- objectId: a\n- objectId: b", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, items := range []int{1, 2, 100} {
				streamed := sameParse(t, "x.yaml", []byte(c.yaml), items)
				// Items in one chunk may share anchors: only one item
				// per chunk is sure to cut everything.
				if streamed != c.streams && (items == 1 || c.streams) {
					t.Errorf("items %d: streamed = %v, want %v", items, streamed, c.streams)
				}
			}
		})
	}
}

// An error in a user far into a big file is reported at the same place by
// the chunked parse as by the whole parse.
func TestChunkedParseErrorPositions(t *testing.T) {
	data := string(fixtures.GenerateRealisticDirectory(3000, 100, 2))
	lines := strings.Split(data, "\n")
	// Break the 2500th user: an unknown field and a dangling manager.
	n, target := 0, -1
	for i, l := range lines {
		if strings.HasPrefix(l, "  - objectId: ") && len(lines) > 0 && i > 0 {
			if n++; n == 2500 {
				target = i
				break
			}
		}
	}
	if target < 0 {
		t.Fatal("user not found")
	}
	lines[target] += "\n    emial: x"
	broken := strings.Join(lines, "\n")
	want := fmt.Sprintf("x.yaml:%d:5: users[2499].emial: unknown field", target+2)
	if !sameParse(t, "x.yaml", []byte(broken), 64) {
		t.Fatal("fell back")
	}
	_, err, _ := directory.ParseChunked("x.yaml", []byte(broken), 64, 1<<20)
	if err == nil || err.Error() != want {
		t.Fatalf("error %v, want %s", err, want)
	}
	// A validation error: the manager of that user refers to nobody.
	lines = strings.Split(data, "\n")
	lines[target] += "\n    manager: nobody"
	dangling := strings.Join(lines, "\n")
	if !strings.Contains(dangling, "manager: nobody") {
		t.Fatal("not injected")
	}
	_, err, streamed := directory.ParseChunked("x.yaml", []byte(dangling), 64, 1<<20)
	_, whole := directory.ParseWhole("x.yaml", []byte(dangling))
	if !streamed || err == nil || whole == nil || err.Error() != whole.Error() {
		t.Fatalf("chunked %v (streamed %v)\nwhole %v", err, streamed, whole)
	}
	if !strings.Contains(err.Error(), fmt.Sprintf("x.yaml:%d:14: users[2499].manager: unknown user \"nobody\"", target+2)) &&
		!strings.Contains(err.Error(), "duplicate field") {
		t.Fatalf("error %v", err)
	}
}

// Load reads a big file in chunks with the same result as Parse.
func TestLoadChunked(t *testing.T) {
	data := fixtures.GenerateRealisticDirectory(1500, 80, 5)
	path := filepath.Join(t.TempDir(), "dir.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := directory.LoadChunked(path, 50)
	if err != nil {
		t.Fatal(err)
	}
	want, err := directory.ParseWhole(path, data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("Load in chunks differs from Parse")
	}
	if _, err := directory.LoadChunked(filepath.Join(t.TempDir(), "none.yaml"), 50); err == nil || !strings.HasPrefix(err.Error(), "read directory: ") {
		t.Fatalf("missing file: %v", err)
	}
}
