package directory

import "strings"

// packUsers moves a chunk's users into one block, their object ids into
// one string and their other own strings (names, addresses; interned
// values stay shared) into another. Decoded one by one, a chunk's users
// and strings sat among the parse's garbage, and the spans they kept in
// use held about as much garbage as directory (issue 16). A cycle frees a
// chunk's block and strings once it exported the chunk's users; only the
// ids stay, which groups' member lists point at (shareIDs).
func (b *builder) packUsers() {
	us := b.d.Users
	if len(us) == 0 {
		return
	}
	nid, n := 0, 0
	for _, u := range us {
		nid += len(u.ObjectID)
		for _, f := range ownStrings(u) {
			n += len(*f)
		}
	}
	var ids, rest strings.Builder
	ids.Grow(nid)
	rest.Grow(n)
	block := make([]User, len(us))
	for i, u := range us {
		block[i] = *u
		v := &block[i]
		v.ObjectID = put(&ids, v.ObjectID)
		for _, f := range ownStrings(v) {
			if f == &v.Mail && v.Mail == v.UserPrincipalName {
				*f = v.UserPrincipalName // mail is often the UPN: one copy (UPN comes first)
				continue
			}
			*f = put(&rest, *f)
		}
		us[i] = v
	}
}

// put appends s to sb and returns it as a slice of sb's string: sb never
// grows past the room reserved for it, so earlier slices stay valid.
func put(sb *strings.Builder, s string) string {
	start := sb.Len()
	sb.WriteString(s)
	return sb.String()[start:]
}

// ownStrings are the user's string fields other than the object id that
// are not interned, the UPN before the mail. The manager is left out:
// loading points it at the manager's own id (shareIDs).
func ownStrings(u *User) [5]*string {
	return [5]*string{&u.UserPrincipalName, &u.Mail, &u.MailNickname, &u.DisplayName, &u.EmployeeID}
}
