package store

import (
	"strings"
	"time"
	"unique"
)

// The mirror's compact records (issue 16: 1M users in 3 GiB).
//
// A mirror record holds what the indexes and the reads need and nothing
// else, in few allocations that belong to the mirror alone: the strings
// of a record in one buffer, the document packed (mirror_doc.go), times
// as Unix nanoseconds, and the values many records share (department,
// manager) interned. Reads build a *User or *Group from it.
//
// The records used to be copies of the *User/*Group written, whose strings
// were substrings of the request bodies they came from (the fast decoder
// cuts every string out of the body): each user kept its POST body, PATCH
// bodies and re-read documents alive, about 3.7 KB of heap per user
// (BenchmarkCachedHeapPerUser). Every string the mirror keeps (index keys,
// map keys, member ids) is therefore one of its records' own, or interned.
//
// Records are immutable: a write replaces the record, so MemStore's undo
// log may keep the old one.

// userEntry is the mirror's record of a user.
type userEntry struct {
	// id is its own allocation, kept from record to record of the user,
	// so that the maps and sets holding it (indexes, memberships) never
	// hold a replaced record's memory.
	id string
	// strs is UserName, ExternalID, DisplayName and WorkEmail back to
	// back; ends are where the first three end. WorkEmail is empty in strs
	// when it equals UserName (emailIsName), Entra's usual mail = UPN.
	strs        string
	ends        [3]uint32
	docLen      uint32 // of the unpacked document
	manager     interned
	department  interned
	doc         string // packed (mirror_doc.go) when docPacked
	docPacked   bool
	version     int64
	created     int64 // Unix ns
	modified    int64 // Unix ns
	seq         int64
	active      bool
	emailIsName bool
}

// groupEntry is the mirror's record of a group.
type groupEntry struct {
	id         string // as userEntry.id
	strs       string // DisplayName, ExternalID back to back
	ends       [1]uint32
	docLen     uint32
	department interned
	doc        string
	docPacked  bool
	version    int64
	created    int64
	modified   int64
	seq        int64
	derived    bool
}

// interned is a string shared by every record holding it (departments and
// managers repeat across thousands of users): one pointer in a record.
type interned unique.Handle[string]

func intern(s string) interned {
	if s == "" {
		return interned{}
	}
	return interned(unique.Make(s))
}

func (i interned) String() string {
	if i == (interned{}) {
		return ""
	}
	return unique.Handle[string](i).Value()
}

// packStrings concatenates ss into one new string and returns the end of
// each but the last.
func packStrings(ends []uint32, ss ...string) string {
	n := 0
	for _, s := range ss {
		n += len(s)
	}
	var b strings.Builder
	b.Grow(n)
	for i, s := range ss {
		b.WriteString(s)
		if i < len(ends) {
			ends[i] = uint32(b.Len())
		}
	}
	return b.String()
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(ns int64) time.Time {
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// newUserEntry makes the record of u; id is the id string to keep (the
// replaced record's), or "" for a copy of u.ID.
func newUserEntry(u *User, id string, seq int64) *userEntry {
	if id == "" {
		id = strings.Clone(u.ID)
	}
	e := &userEntry{id: id, manager: intern(u.ManagerID), department: intern(u.Department),
		version: u.Version, created: unixNano(u.Created), modified: unixNano(u.LastModified),
		seq: seq, active: u.Active}
	email := u.WorkEmail
	if email != "" && email == u.UserName {
		e.emailIsName, email = true, ""
	}
	e.strs = packStrings(e.ends[:], u.UserName, u.ExternalID, u.DisplayName, email)
	e.doc, e.docPacked = packDoc(u.Doc)
	e.docLen = uint32(len(u.Doc))
	return e
}

func (e *userEntry) userName() string    { return e.strs[:e.ends[0]] }
func (e *userEntry) externalID() string  { return e.strs[e.ends[0]:e.ends[1]] }
func (e *userEntry) displayName() string { return e.strs[e.ends[1]:e.ends[2]] }

func (e *userEntry) workEmail() string {
	if e.emailIsName {
		return e.userName()
	}
	return e.strs[e.ends[2]:]
}

// fill sets u to the record: a User the caller owns, with its own
// document; its strings are the record's (immutable).
func (e *userEntry) fill(u *User) {
	*u = User{ID: e.id, UserName: e.userName(), ExternalID: e.externalID(),
		ManagerID: e.manager.String(), Department: e.department.String(),
		DisplayName: e.displayName(), WorkEmail: e.workEmail(), Active: e.active,
		Doc: unpackDoc(e.doc, e.docPacked, int(e.docLen)), Version: e.version, Created: fromUnixNano(e.created), LastModified: fromUnixNano(e.modified)}
}

func (e *userEntry) user() *User {
	u := new(User)
	e.fill(u)
	return u
}

// oneUser is a user and the one-element list holding it, allocated
// together: the usual answer of a lookup.
type oneUser struct {
	u    User
	list [1]*User
}

func (e *userEntry) userList() []*User {
	o := new(oneUser)
	e.fill(&o.u)
	o.list[0] = &o.u
	return o.list[:]
}

// newGroupEntry makes the record of g; id as newUserEntry.
func newGroupEntry(g *Group, id string, seq int64) *groupEntry {
	if id == "" {
		id = strings.Clone(g.ID)
	}
	e := &groupEntry{id: id, department: intern(g.Department), version: g.Version,
		created: unixNano(g.Created), modified: unixNano(g.LastModified), seq: seq, derived: g.Derived}
	e.strs = packStrings(e.ends[:], g.DisplayName, g.ExternalID)
	e.doc, e.docPacked = packDoc(g.Doc)
	e.docLen = uint32(len(g.Doc))
	return e
}

func (e *groupEntry) displayName() string { return e.strs[:e.ends[0]] }
func (e *groupEntry) externalID() string  { return e.strs[e.ends[0]:] }

func (e *groupEntry) group() *Group {
	return &Group{ID: e.id, DisplayName: e.displayName(), ExternalID: e.externalID(),
		Derived: e.derived, Department: e.department.String(), Doc: unpackDoc(e.doc, e.docPacked, int(e.docLen)), Version: e.version,
		Created: fromUnixNano(e.created), LastModified: fromUnixNano(e.modified)}
}
