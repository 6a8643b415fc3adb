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
	"testing"
)

// legacyFingerprint is the fingerprint as earlier versions computed it,
// one hash write per field: state files hold its values as watermarks, so
// Fingerprint must give the same, or every object of a job would look
// changed after an upgrade.
func legacyFingerprint(fields []string, members []string, attrs map[string]any) string {
	h := sha256.New()
	write := func(s string) {
		var n [8]byte
		binary.BigEndian.PutUint64(n[:], uint64(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	for _, s := range fields {
		write(s)
	}
	if members != nil {
		ms := append([]string(nil), members...)
		sort.Strings(ms)
		write(fmt.Sprint(len(ms)))
		for _, m := range ms {
			write(m)
		}
	}
	legacyAttrs(h, write, attrs)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func legacyAttrs(_ hash.Hash, write func(string), m map[string]any) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		write(k)
		switch v := m[k].(type) {
		case []string:
			write(fmt.Sprintf("list:%d", len(v)))
			for _, s := range v {
				write(s)
			}
		default:
			write(fmt.Sprintf("%T:%v", v, v))
		}
	}
}

func TestFingerprintKeepsStoredValues(t *testing.T) {
	long := string(make([]byte, 700)) // past the user's stack buffer
	users := []*User{
		{},
		{ObjectID: "u1", UserPrincipalName: "a@contoso.com", MailNickname: "a", Mail: "a@contoso.com", GivenName: "Ann",
			Surname: "Lee", DisplayName: "Ann Lee", JobTitle: "Engineer", Department: "R&D", EmployeeID: "7",
			Manager: "u2", AccountEnabled: true},
		{ObjectID: "u3", Deleted: SoftDeleted, DisplayName: long,
			Attributes: map[string]any{"costCenter": "42", "skills": []string{"go", "sql"}, "level": int64(3), "ok": true}},
	}
	for i, u := range users {
		want := legacyFingerprint([]string{"user", u.ObjectID, u.UserPrincipalName, u.MailNickname, u.Mail,
			u.GivenName, u.Surname, u.DisplayName, u.JobTitle, u.Department, u.EmployeeID,
			u.Manager, fmt.Sprint(u.AccountEnabled), string(u.Deleted)}, nil, u.Attributes)
		if got := u.Fingerprint(); got != want {
			t.Errorf("user %d: fingerprint %s, stored values are %s", i, got, want)
		}
	}
	groups := []*Group{
		{ObjectID: "g1", DisplayName: "Sales", Members: []string{"u3", "u1", "u2"}},
		{ObjectID: "g2", Deleted: HardDeleted, Members: []string{}, Attributes: map[string]any{"mail": "g@contoso.com"}},
	}
	for i, g := range groups {
		want := legacyFingerprint([]string{"group", g.ObjectID, g.DisplayName, string(g.Deleted)}, append([]string{}, g.Members...), g.Attributes)
		if got := g.Fingerprint(); got != want {
			t.Errorf("group %d: fingerprint %s, stored values are %s", i, got, want)
		}
	}
}
