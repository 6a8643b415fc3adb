package directory

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Fingerprint returns a stable hash of every source attribute of the user,
// including deletion state, accountEnabled and manager. Two loads of an
// unchanged user give the same value; any attribute change gives another,
// so an incremental cycle can tell what changed (ENTRA-CYCLE-02).
// Scope membership is not part of it: it depends on assignments and
// scoping filters, which the engine evaluates separately.
//
// The hash is SHA-256 of the fields, each length-prefixed, written into
// one buffer: the value must stay what earlier versions stored as
// watermarks, and a cycle fingerprints every user (a million, issue 16).
func (u *User) Fingerprint() string {
	var buf [512]byte
	b := buf[:0]
	for _, s := range [...]string{"user", u.ObjectID, u.UserPrincipalName, u.MailNickname, u.Mail,
		u.GivenName, u.Surname, u.DisplayName, u.JobTitle, u.Department, u.EmployeeID,
		u.Manager, strconv.FormatBool(u.AccountEnabled), string(u.Deleted)} {
		b = appendField(b, s)
	}
	return digest(appendAttrs(b, u.Attributes))
}

// Fingerprint returns a stable hash of the group's attributes and its
// member list (order-insensitive).
func (g *Group) Fingerprint() string {
	b := make([]byte, 0, 128+48*len(g.Members))
	for _, s := range [...]string{"group", g.ObjectID, g.DisplayName, string(g.Deleted)} {
		b = appendField(b, s)
	}
	members := slices.Clone(g.Members)
	slices.Sort(members)
	b = appendField(b, strconv.Itoa(len(members)))
	for _, m := range members {
		b = appendField(b, m)
	}
	return digest(appendAttrs(b, g.Attributes))
}

// digest is the fingerprint of the fields in b.
func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}

// appendField appends a length-prefixed string so that field boundaries
// can never be confused ("ab","c" vs "a","bc").
func appendField(b []byte, s string) []byte {
	b = binary.BigEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

func appendAttrs(b []byte, m map[string]any) []byte {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		b = appendField(b, k)
		switch v := m[k].(type) {
		case []string:
			b = appendField(b, fmt.Sprintf("list:%d", len(v)))
			for _, s := range v {
				b = appendField(b, s)
			}
		default:
			b = appendField(b, fmt.Sprintf("%T:%v", v, v))
		}
	}
	return b
}
