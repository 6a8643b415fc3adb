package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// The digest of a Graph export folder covers each file LoadGraph reads,
// and whether the optional assignments.json is there.
func TestSourceFileHashGraphFolder_Issue16(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hash := func() string {
		t.Helper()
		h, err := sourceFileHash(dir)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	write("users.json", `{"value":[]}`)
	write("groups.json", `{"value":[]}`)
	seen := map[string]string{}
	note := func(step string) {
		t.Helper()
		h := hash()
		if prev, dup := seen[h]; dup {
			t.Fatalf("%s: same digest as %s", step, prev)
		}
		seen[h] = step
	}
	note("users and groups")
	if first := hash(); first != hash() {
		t.Fatal("digest not stable")
	}
	write("assignments.json", `{"value":[]}`)
	note("with assignments")
	write("assignments.json", "")
	note("empty assignments")
	write("groups.json", `{"value":[] }`)
	note("groups edited")
	write("other.json", `{}`)
	if _, ok := seen[hash()]; !ok {
		t.Fatal("a file LoadGraph does not read changed the digest")
	}
	// The same bytes as a YAML file are another source.
	yaml := filepath.Join(t.TempDir(), "users.json")
	if err := os.WriteFile(yaml, []byte(`{"value":[]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if h, err := sourceFileHash(yaml); err != nil || seen[h] != "" {
		t.Fatalf("file digest %s (%v) equals %q", h, err, seen[h])
	}
	if _, err := sourceFileHash(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("a missing source has a digest")
	}
}
