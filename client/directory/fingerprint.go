package directory

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"
	"maps"
	"slices"
	"sort"
)

// Fingerprint returns a stable hash of every source attribute of the user,
// including deletion state, accountEnabled and manager. Two loads of an
// unchanged user give the same value; any attribute change gives another,
// so an incremental cycle can tell what changed (ENTRA-CYCLE-02).
// Scope membership is not part of it: it depends on assignments and
// scoping filters, which the engine evaluates separately.
func (u *User) Fingerprint() string {
	h := sha256.New()
	for _, s := range []string{"user", u.ObjectID, u.UserPrincipalName, u.MailNickname, u.Mail,
		u.GivenName, u.Surname, u.DisplayName, u.JobTitle, u.Department, u.EmployeeID,
		u.Manager, fmt.Sprint(u.AccountEnabled), string(u.Deleted)} {
		writeField(h, s)
	}
	writeAttrs(h, u.Attributes)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// Fingerprint returns a stable hash of the group's attributes and its
// member list (order-insensitive).
func (g *Group) Fingerprint() string {
	h := sha256.New()
	for _, s := range []string{"group", g.ObjectID, g.DisplayName, string(g.Deleted)} {
		writeField(h, s)
	}
	members := append([]string(nil), g.Members...)
	sort.Strings(members)
	writeField(h, fmt.Sprint(len(members)))
	for _, m := range members {
		writeField(h, m)
	}
	writeAttrs(h, g.Attributes)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// writeField writes a length-prefixed string so that field boundaries can
// never be confused ("ab","c" vs "a","bc").
func writeField(h hash.Hash, s string) {
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(s)))
	h.Write(n[:])
	h.Write([]byte(s))
}

func writeAttrs(h hash.Hash, m map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		writeField(h, k)
		switch v := m[k].(type) {
		case []string:
			writeField(h, fmt.Sprintf("list:%d", len(v)))
			for _, s := range v {
				writeField(h, s)
			}
		default:
			writeField(h, fmt.Sprintf("%T:%v", v, v))
		}
	}
}
