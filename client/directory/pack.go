package directory

import "strings"

// packUsers moves a chunk's users into one block, and their own strings
// (ids, names, addresses; interned values stay shared) into one string.
// Decoded one by one, a chunk's users and strings sat among the parse's
// garbage, and the spans they kept in use held as much garbage as
// directory (issue 16: at 100k users, 107 MB in use for 55 MB live). A
// cycle frees a chunk's block once it exported the chunk's users.
func (b *builder) packUsers() {
	us := b.d.Users
	if len(us) == 0 {
		return
	}
	n := 0
	for _, u := range us {
		for _, f := range ownStrings(u) {
			n += len(*f)
		}
	}
	var sb strings.Builder
	sb.Grow(n)
	block := make([]User, len(us))
	for i, u := range us {
		block[i] = *u
		v := &block[i]
		for _, f := range ownStrings(v) {
			if f == &v.Mail && v.Mail == v.UserPrincipalName {
				*f = v.UserPrincipalName // mail is often the UPN: one copy (UPN comes first)
				continue
			}
			start := sb.Len()
			sb.WriteString(*f)
			*f = sb.String()[start:]
		}
		us[i] = v
	}
}

// ownStrings are the user's string fields that are not interned, the
// UPN before the mail.
func ownStrings(u *User) [7]*string {
	return [7]*string{&u.ObjectID, &u.UserPrincipalName, &u.Mail, &u.MailNickname, &u.DisplayName, &u.EmployeeID, &u.Manager}
}
