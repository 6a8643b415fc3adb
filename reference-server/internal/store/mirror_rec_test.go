package store

import (
	"strings"
	"testing"
	"time"
	"unsafe"
)

// within reports whether s points into buf's memory.
func within(s, buf string) bool {
	if len(s) == 0 || len(buf) == 0 {
		return false
	}
	p, b := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.StringData(buf)))
	return p >= b && p < b+uintptr(len(buf))
}

// TestMirrorKeepsNoCallerMemory: the strings a write passes in are often
// cut out of a whole request body; the mirror must keep none of them, or
// each user keeps its bodies alive (issue 16).
func TestMirrorKeepsNoCallerMemory(t *testing.T) {
	body := strings.Repeat("x", 64) + "id-1|Alice@Contoso.com|ext-1|mgr-1|Sales|Alice|alice@contoso.com|g-1|Team"
	cut := func(s string) string {
		i := strings.Index(body, s)
		return body[i : i+len(s)]
	}
	ts := time.Unix(0, 1700000000123456789).UTC()
	m := newMirror()
	u := &User{ID: cut("id-1"), UserName: cut("Alice@Contoso.com"), ExternalID: cut("ext-1"), ManagerID: cut("mgr-1"),
		Department: cut("Sales"), DisplayName: cut("Alice"), WorkEmail: cut("alice@contoso.com"), Active: true,
		Doc: []byte(`{"userName":"Alice@Contoso.com"}`), Version: 3, Created: ts, LastModified: ts.Add(time.Second)}
	m.putUser(u)
	m.putGroup(&Group{ID: cut("g-1"), DisplayName: cut("Team"), Doc: []byte(`{}`)})
	m.addMember(cut("g-1"), cut("id-1"))

	got, err := m.user("id-1")
	if err != nil {
		t.Fatal(err)
	}
	want := *u
	if got.ID != want.ID || got.UserName != want.UserName || got.ExternalID != want.ExternalID || got.ManagerID != want.ManagerID ||
		got.Department != want.Department || got.DisplayName != want.DisplayName || got.WorkEmail != want.WorkEmail ||
		got.Active != want.Active || string(got.Doc) != string(want.Doc) || got.Version != want.Version ||
		got.Created != want.Created || got.LastModified != want.LastModified {
		t.Fatalf("read back %+v, want %+v", *got, want)
	}
	for _, s := range []string{got.ID, got.UserName, got.ExternalID, got.ManagerID, got.Department, got.DisplayName, got.WorkEmail} {
		if within(s, body) {
			t.Errorf("the mirror keeps %q from the caller's buffer", s)
		}
	}
	for k, set := range m.uidx[UserByUserName] {
		if within(k, body) || within(set.one, body) {
			t.Errorf("userName index keeps %q/%q from the caller's buffer", k, set.one)
		}
	}
	for gid, ms := range m.members {
		for uid := range ms {
			if within(gid, body) || within(uid, body) {
				t.Errorf("membership %s/%s kept from the caller's buffer", gid, uid)
			}
		}
	}
	for uid := range m.memberOf {
		if within(uid, body) {
			t.Errorf("memberOf keeps %q from the caller's buffer", uid)
		}
	}
	// An update keeps the id string, so the memberships stay valid.
	u2 := *u
	u2.Department = ""
	m.putUser(&u2)
	if us := m.usersBy(UserByDepartment, "Sales"); len(us) != 0 {
		t.Fatalf("department index kept the old value: %d users", len(us))
	}
	if gs := m.groupsOf("id-1", false); len(gs) != 1 || gs[0].DisplayName != "Team" {
		t.Fatalf("groupsOf after update: %+v", gs)
	}
	if us := m.usersBy(UserByWorkEmail, "ALICE@contoso.com"); len(us) != 1 {
		t.Fatalf("work email lookup: %d users", len(us))
	}
}
