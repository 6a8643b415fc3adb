package directory_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// memChunks is a ChunkStore in memory, kept as a state file keeps it:
// after a successful load, exactly the chunks of the file loaded.
type memChunks map[directory.ChunkSum][]byte

func (m memChunks) Chunk(sum directory.ChunkSum) ([]byte, error) { return m[sum], nil }

// save applies a load's ChunkCache.Chunks.
func (m memChunks) save(chunks map[directory.ChunkSum][]byte) {
	for sum := range m {
		if _, ok := chunks[sum]; !ok {
			delete(m, sum)
		}
	}
	for sum, body := range chunks {
		if body != nil {
			m[sum] = bytes.Clone(body)
		}
	}
}

// userBlocks splits a generated directory into the text before the first
// user, one block of lines per user, and the rest.
func userBlocks(t *testing.T, data []byte) (head string, users []string, tail string) {
	t.Helper()
	s := string(data)
	start := strings.Index(s, "\nusers:\n") + len("\nusers:\n")
	end := strings.Index(s, "\ngroups:\n") + 1
	if start < len("\nusers:\n") || end <= start {
		t.Fatal("no users or groups list")
	}
	head, tail = s[:start], s[end:]
	for _, l := range strings.SplitAfter(s[start:end], "\n") {
		if strings.HasPrefix(l, "  - ") || len(users) == 0 {
			users = append(users, "")
		}
		users[len(users)-1] += l
	}
	return head, users, tail
}

func joinBlocks(head string, users []string, tail string) []byte {
	return []byte(head + strings.Join(users, "") + tail)
}

// objectID returns a user block's objectId.
func objectID(block string) string {
	line, _, _ := strings.Cut(strings.TrimPrefix(block, "  - objectId: "), "\n")
	return line
}

// withJobTitle rewrites a user block's jobTitle in place (its
// displayName when it has none).
func withJobTitle(t *testing.T, block, title string) string {
	t.Helper()
	var out []string
	field := "    jobTitle: "
	if !strings.Contains(block, "\n"+field) {
		field = "    displayName: "
	}
	found := false
	for _, l := range strings.SplitAfter(block, "\n") {
		if strings.HasPrefix(l, field) {
			l, found = field+title+"\n", true
		}
		out = append(out, l)
	}
	if !found {
		t.Fatalf("user %s has no jobTitle or displayName", objectID(block))
	}
	return strings.Join(out, "")
}

// A load with a warm chunk cache gives exactly what a cold full parse
// gives, directory and error text, whatever changed in the file since the
// cache was filled, and it parses only the chunks that changed.
func TestChunkCacheMatchesFullParse(t *testing.T) {
	const items = 16 // many chunks: about 200 of users
	data := withAttributes(fixtures.GenerateRealisticDirectory(3000, 200, 7))
	head, users, tail := userBlocks(t, data)
	if len(users) != 3000 {
		t.Fatalf("%d user blocks", len(users))
	}
	// A user referenced nowhere else (deleting it stays valid), and one
	// that manages others (deleting it leaves unknown managers).
	refs, managers := map[string]int{}, map[string]bool{}
	for _, f := range strings.Fields(string(data)) {
		refs[strings.Trim(f, "[],")]++
	}
	for _, l := range strings.Split(string(data), "\n") {
		if id, ok := strings.CutPrefix(l, "    manager: "); ok {
			managers[id] = true
		}
	}
	var loner, manager int
	for i, u := range users {
		if refs[objectID(u)] == 1 && loner == 0 && i > 1000 {
			loner = i
		}
		if managers[objectID(u)] && manager == 0 && i > 10 && i < 500 {
			manager = i
		}
	}
	if loner == 0 || manager == 0 {
		t.Fatal("no user to delete")
	}
	edit := func(f func(u []string) []string) []byte {
		return joinBlocks(head, f(append([]string(nil), users...)), tail)
	}
	cases := []struct {
		name string
		data []byte
		// mostParsed is the most chunks the warm load may parse: a
		// cache that is not used fails the test.
		mostParsed int
		corrupt    func(memChunks)
		// err is in the error of the load ("": no error).
		err string
	}{
		{name: "no edit", data: data, mostParsed: 0},
		{name: "one user edited in place", data: edit(func(u []string) []string {
			u[1234] = withJobTitle(t, u[1234], "Chief Cache Officer")
			return u
		}), mostParsed: 1},
		{name: "edits in many chunks", data: edit(func(u []string) []string {
			for i := 5; i < len(u); i += 300 {
				u[i] = withJobTitle(t, u[i], fmt.Sprintf("\"Title %d\"", i))
			}
			return u
		}), mostParsed: 10},
		{name: "user inserted", data: edit(func(u []string) []string {
			nu := strings.Replace(u[1500], objectID(u[1500]), "inserted-user", 1)
			return append(u[:1500], append([]string{nu}, u[1500:]...)...)
		}), mostParsed: 3},
		{name: "user deleted", data: edit(func(u []string) []string {
			return append(u[:loner], u[loner+1:]...)
		}), mostParsed: 3},
		{name: "chunk moved", data: edit(func(u []string) []string {
			moved := append([]string(nil), u[100:180]...)
			rest := append(append([]string(nil), u[:100]...), u[180:]...)
			return append(rest[:2500], append(moved, rest[2500:]...)...)
		}), mostParsed: 8},
		{name: "syntax error", data: edit(func(u []string) []string {
			u[2000] = withJobTitle(t, u[2000], "[unclosed")
			return u
		}), mostParsed: 1 << 30, err: "did not find expected"},
		{name: "field error", data: edit(func(u []string) []string {
			u[2000] += "    accountEnabled: maybe\n"
			return u
		}), mostParsed: 1, err: "accountEnabled: invalid value"},
		{name: "manager deleted: unknown manager in unchanged chunks", data: edit(func(u []string) []string {
			return append(u[:manager], u[manager+1:]...)
		}), mostParsed: 3, err: ".manager: unknown user"},
		{name: "corrupt entries", data: data, mostParsed: 1 << 30, corrupt: func(m memChunks) {
			i := 0
			for sum, body := range m {
				switch i % 4 {
				case 0:
					body[len(body)/2] ^= 0x55
				case 1:
					m[sum] = body[:len(body)/3]
				case 2:
					body[0]++ // another version
				}
				i++
			}
		}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, "dir.yaml")
			// Warm the cache with the original file.
			write(t, path, data)
			store := memChunks{}
			cache := directory.NewChunkCache(store)
			if _, err := directory.LoadChunkedCached(path, items, cache); err != nil {
				t.Fatal(err)
			}
			store.save(cache.Chunks())
			if _, parsed := cache.Stats(); len(store) < 150 || parsed != len(store) {
				t.Fatalf("cold load cached %d chunks, parsed %d", len(store), parsed)
			}
			if c.corrupt != nil {
				c.corrupt(store)
			}
			write(t, path, c.data)
			want, wantErr := directory.ParseWhole(path, c.data)
			got, gotErr := directory.LoadChunkedCached(path, items, cache)
			if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
				t.Fatalf("error\n%v\nwant\n%v", gotErr, wantErr)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatal("directory differs from the full parse's")
			}
			if c.err == "" && gotErr != nil || !strings.Contains(fmt.Sprint(gotErr), c.err) {
				t.Fatalf("error %v, want one with %q", gotErr, c.err)
			}
			hits, parsed := cache.Stats()
			if parsed > c.mostParsed {
				t.Errorf("parsed %d chunks (%d from the cache), want at most %d", parsed, hits, c.mostParsed)
			}
			if c.mostParsed < 1<<30 && hits < 100 {
				t.Errorf("only %d chunks from the cache", hits)
			}
			if c.corrupt != nil && (hits == 0 || parsed == 0) {
				t.Errorf("corrupt store: %d hits, %d parsed", hits, parsed)
			}
			if gotErr == nil {
				// What the store keeps next serves the same file fully.
				store.save(cache.Chunks())
				if _, err := directory.LoadChunkedCached(path, items, cache); err != nil {
					t.Fatal(err)
				}
				if _, parsed := cache.Stats(); parsed != 0 {
					t.Errorf("reload parsed %d chunks", parsed)
				}
			}
		})
	}
}

// withAttributes adds free-form attributes of every kind the parser
// keeps to some users and groups of a generated directory, which has
// none.
func withAttributes(data []byte) []byte {
	lines := strings.SplitAfter(string(data), "\n")
	var b strings.Builder
	n := 0
	for _, l := range lines {
		b.WriteString(l)
		if !strings.HasPrefix(l, "  - objectId: ") {
			continue
		}
		switch n++; n % 50 {
		case 1:
			b.WriteString("    attributes:\n      costCenter: \"CC-1\"\n      level: 3\n      ratio: 0.5\n" +
				"      remote: true\n      onsite: false\n      skills: [go, yaml]\n      none: []\n      gone: null\n      big: 1e400\n")
		case 2:
			b.WriteString("    attributes: {}\n")
		}
	}
	return []byte(b.String())
}

func write(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// A sink takes each parsed chunk's encoding as it is made, which Chunks
// then lists with a nil body; the bodies it took serve the next load
// whole. A sink that fails leaves the encoding in Chunks (issue 16).
func TestChunkCacheSink(t *testing.T) {
	path := filepath.Join(t.TempDir(), "dir.yaml")
	write(t, path, fixtures.GenerateDirectory(3000, 40))
	sunk := memChunks{}
	cache := directory.NewChunkCache(nil)
	fail := 0
	cache.SetSink(func(sum directory.ChunkSum, body []byte) error {
		if fail++; fail%5 == 0 {
			return fmt.Errorf("disk full")
		}
		sunk[sum] = bytes.Clone(body)
		return nil
	})
	if _, err := directory.LoadChunkedCached(path, 256, cache); err != nil {
		t.Fatal(err)
	}
	chunks := cache.Chunks()
	kept := 0
	for sum, body := range chunks {
		_, inSink := sunk[sum]
		if inSink == (body != nil) {
			t.Fatalf("chunk in the sink %v, body kept %v", inSink, body != nil)
		}
		if body != nil {
			sunk[sum], kept = body, kept+1
		}
	}
	if kept == 0 || kept == len(chunks) || len(chunks) < 10 {
		t.Fatalf("%d of %d chunks kept", kept, len(chunks))
	}
	again := directory.NewChunkCache(sunk)
	if _, err := directory.LoadChunkedCached(path, 256, again); err != nil {
		t.Fatal(err)
	}
	if hits, parsed := again.Stats(); parsed != 0 || hits != len(chunks) {
		t.Errorf("second load: %d from the store, %d parsed", hits, parsed)
	}
}
