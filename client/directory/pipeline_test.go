package directory_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/fixtures"
)

// editItems returns data with edit applied to the first line of the
// chosen list items (users then groups, counted together from 0, as
// "  - objectId: " lines of a generated directory).
func editItems(t *testing.T, data []byte, edit func(line string) string, items ...int) []byte {
	t.Helper()
	lines := strings.Split(string(data), "\n")
	want := map[int]bool{}
	for _, i := range items {
		want[i] = true
	}
	n, done := 0, 0
	for i, l := range lines {
		if !strings.HasPrefix(l, "  - objectId: ") {
			continue
		}
		if want[n] {
			lines[i] = edit(l)
			done++
		}
		n++
	}
	if done != len(want) {
		t.Fatalf("edited %d items of %d wanted (the file has %d)", done, len(want), n)
	}
	return []byte(strings.Join(lines, "\n"))
}

// addLine appends a field line to an item's first line.
func addLine(field string) func(string) string {
	return func(l string) string { return l + "\n    " + field }
}

// insertItem inserts an item, given as its lines, before an item.
func insertItem(lines ...string) func(string) string {
	return func(l string) string { return "  - " + strings.Join(lines, "\n    ") + "\n" + l }
}

// The concurrent chunked parse gives exactly the whole-document parse's
// directory or error text, whatever the number of workers, for valid
// files, errors in early, middle and late chunks, more errors than are
// reported, and files it falls back on.
func TestConcurrentParseMatchesWhole(t *testing.T) {
	const users, groups = 2000, 150
	base := fixtures.GenerateRealisticDirectory(users, groups, 7)
	every := func(step, from, to int) []int {
		var out []int
		for i := from; i < to; i += step {
			out = append(out, i)
		}
		return out
	}
	cases := []struct {
		name string
		data []byte
		// streams: the chunked parse handles it without falling back.
		streams bool
		// err is part of the whole parse's error ("" for none).
		err string
	}{
		{"valid", base, true, ""},
		{"unknown field, early chunk", editItems(t, base, addLine("emial: x"), 3), true, "users[3].emial: unknown field"},
		{"unknown field, middle chunk", editItems(t, base, addLine("emial: x"), users/2), true, "users[1000].emial: unknown field"},
		{"unknown field, late chunk", editItems(t, base, addLine("emial: x"), users-1), true, "users[1999].emial: unknown field"},
		{"errors in early, middle and late chunks", editItems(t, base, addLine("accountEnabled: maybe"), 1, users/2, users+groups-1),
			true, "groups[149].accountEnabled: unknown field"},
		{"more errors than reported", editItems(t, base, addLine("deleted: later"), every(13, 0, users+groups)...),
			true, "users[598].deleted: invalid value"}, // the 50th problem
		{"missing objectId in a group", editItems(t, base, insertItem("displayName: nobody"), users+40),
			true, "groups[40].objectId: required field missing"},
		{"dangling manager, late chunk", editItems(t, base, insertItem("objectId: extra", "manager: nobody"), users-5),
			true, "users[1995].manager: unknown user \"nobody\""},
		{"unknown member, late group", editItems(t, base, insertItem("objectId: extra", "members: [a, nobody]"), users+groups-2),
			true, "groups[148].members[1]: unknown user or group \"nobody\""},
		{"groups without objectId in two chunks", editItems(t, base, insertItem("members: [x, y, z]"), users+10, users+100),
			true, "groups[101].objectId: required field missing"},
		{"duplicate objectId across chunks", editItems(t, base, insertItem("objectId: dup"), 5, users-3, users+groups-1),
			true, "duplicate objectId \"dup\" (first defined at users[5])"},
		{"syntax error, middle chunk", editItems(t, base, addLine("displayName: [x"), users/2), false, "did not find expected"},
		{"alias to an earlier chunk", editItems(t, editItems(t, base,
			func(l string) string { return strings.Replace(l, "- objectId:", "- &first objectId:", 1) }, 0),
			insertItem("objectId: *first"), users/2), false, "users[1001].objectId: expected a scalar value, got an alias"},
		{"CRLF in a late chunk", editItems(t, base, func(l string) string { return l + "\r" }, users-2), false, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want, wantErr := directory.ParseWhole("x.yaml", c.data)
			if c.err == "" && wantErr != nil || c.err != "" && (wantErr == nil || !strings.Contains(wantErr.Error(), c.err)) {
				t.Fatalf("whole parse error %v, want one with %q", wantErr, c.err)
			}
			for _, items := range []int{7, 64, 256} {
				for _, workers := range []int{1, 2, 3, 8} {
					got, gotErr, streamed := directory.ParseChunkedWorkers("x.yaml", c.data, items, 1<<20, workers)
					what := fmt.Sprintf("chunks of %d, %d workers (streamed %v)", items, workers, streamed)
					if streamed != c.streams {
						t.Errorf("%s: want streamed %v", what, c.streams)
					}
					if (wantErr == nil) != (gotErr == nil) || wantErr != nil && gotErr.Error() != wantErr.Error() {
						t.Fatalf("%s: error\n%v\nwant\n%v", what, gotErr, wantErr)
					}
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s: directories differ", what)
					}
				}
			}
		})
	}
}
