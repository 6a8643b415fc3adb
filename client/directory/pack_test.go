package directory

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"
)

// A chunk's users are packed into one block, their ids into one string
// and their other own strings into another; every value is as decoded,
// and the mail that equals the UPN is the same string (issue 16).
func TestPackUsers(t *testing.T) {
	var users []*User
	for i := range 5 {
		users = append(users, &User{ObjectID: fmt.Sprintf("id-%d", i), UserPrincipalName: fmt.Sprintf("u%d@contoso.com", i),
			Mail: fmt.Sprintf("u%d@contoso.com", i), MailNickname: fmt.Sprintf("u%d", i), GivenName: "Ana",
			DisplayName: fmt.Sprintf("User %d", i), EmployeeID: fmt.Sprint(100 + i), Manager: "id-0",
			AccountEnabled: i%2 == 0, Line: 10 * i, Attributes: map[string]any{"k": i}})
	}
	users[3].Mail = "other@contoso.com"
	want := make([]User, len(users))
	for i, u := range users {
		want[i] = *u
	}
	b := &builder{d: &Directory{Users: append([]*User(nil), users...)}}
	b.packUsers()
	for i, u := range b.d.Users {
		if !reflect.DeepEqual(*u, want[i]) {
			t.Fatalf("user %d = %+v, want %+v", i, *u, want[i])
		}
		if u == users[i] {
			t.Fatalf("user %d not moved", i)
		}
		if i > 0 && u != &unsafe.Slice(b.d.Users[0], len(users))[i] {
			t.Fatalf("user %d is not in the chunk's block", i)
		}
		if unsafe.StringData(u.ObjectID) == unsafe.StringData(users[i].ObjectID) ||
			unsafe.StringData(u.DisplayName) == unsafe.StringData(users[i].DisplayName) {
			t.Fatalf("user %d still shares the decoded strings", i)
		}
		// The ids are apart from the rest: groups keep them alive.
		if prev := b.d.Users[max(i-1, 0)].ObjectID; i > 0 && unsafe.Pointer(unsafe.StringData(u.ObjectID)) != unsafe.Add(unsafe.Pointer(unsafe.StringData(prev)), len(prev)) {
			t.Fatalf("user %d: the ids are not one string", i)
		}
		if (u.Mail == u.UserPrincipalName) != (unsafe.StringData(u.Mail) == unsafe.StringData(u.UserPrincipalName)) {
			t.Fatalf("user %d: mail and UPN shared %v, equal %v", i, unsafe.StringData(u.Mail) == unsafe.StringData(u.UserPrincipalName), u.Mail == u.UserPrincipalName)
		}
	}
}
