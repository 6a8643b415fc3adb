package directory

import "strings"

// Source is a source-attribute getter: it returns an attribute's value and
// whether it is present. Absent and empty attributes are reported as not
// present, matching Entra's null semantics (ENTRA-NULL-01). It is
// assignable to expr.Getter.
type Source = func(name string) (any, bool)

// Well-known user attribute names (Microsoft Graph spelling).
const (
	AttrObjectID          = "objectId"
	AttrUserPrincipalName = "userPrincipalName"
	AttrMailNickname      = "mailNickname"
	AttrMail              = "mail"
	AttrGivenName         = "givenName"
	AttrSurname           = "surname"
	AttrDisplayName       = "displayName"
	AttrJobTitle          = "jobTitle"
	AttrDepartment        = "department"
	AttrEmployeeID        = "employeeId"
	AttrManager           = "manager"
	AttrAccountEnabled    = "accountEnabled"
	AttrIsSoftDeleted     = "IsSoftDeleted"
	AttrMembers           = "members"
)

// Attr returns the value of a user's source attribute: one of the
// well-known names above (matched case-insensitively) or a key of
// Attributes (exact match first, then case-insensitive). IsSoftDeleted is
// not stored on the user; use UserSource for it. manager yields the
// manager's object id.
func Attr(u *User, name string) (any, bool) {
	switch strings.ToLower(name) {
	case "objectid":
		return str(u.ObjectID)
	case "userprincipalname":
		return str(u.UserPrincipalName)
	case "mailnickname":
		return str(u.MailNickname)
	case "mail":
		return str(u.Mail)
	case "givenname":
		return str(u.GivenName)
	case "surname":
		return str(u.Surname)
	case "displayname":
		return str(u.DisplayName)
	case "jobtitle":
		return str(u.JobTitle)
	case "department":
		return str(u.Department)
	case "employeeid":
		return str(u.EmployeeID)
	case "manager":
		return str(u.Manager)
	case "accountenabled":
		return u.AccountEnabled, true
	}
	return extra(u.Attributes, name)
}

// GroupAttr returns a group's source attribute: objectId, displayName,
// members ([]string of object ids) or a key of Attributes.
func GroupAttr(g *Group, name string) (any, bool) {
	switch strings.ToLower(name) {
	case "objectid":
		return str(g.ObjectID)
	case "displayname":
		return str(g.DisplayName)
	case "members":
		if len(g.Members) == 0 {
			return nil, false
		}
		return append([]string(nil), g.Members...), true
	}
	return extra(g.Attributes, name)
}

// UserSource returns the getter the expression evaluator and scoping
// filters use for a user. It adds the computed IsSoftDeleted (MAP-03),
// which depends on inScope (assignment and scoping, decided by the caller).
func UserSource(u *User, inScope bool) Source {
	return func(name string) (any, bool) {
		if strings.EqualFold(name, AttrIsSoftDeleted) {
			return IsSoftDeleted(u, inScope), true
		}
		return Attr(u, name)
	}
}

// GroupSource returns the getter for a group.
func GroupSource(g *Group) Source {
	return func(name string) (any, bool) { return GroupAttr(g, name) }
}

func str(s string) (any, bool) {
	if s == "" {
		return nil, false
	}
	return s, true
}

func extra(m map[string]any, name string) (any, bool) {
	v, ok := m[name]
	if !ok {
		for k, kv := range m {
			if strings.EqualFold(k, name) {
				v, ok = kv, true
				break
			}
		}
	}
	if !ok || v == nil {
		return nil, false
	}
	switch t := v.(type) {
	case string:
		return str(t)
	case []string:
		if len(t) == 0 {
			return nil, false
		}
		return append([]string(nil), t...), true
	}
	return v, true
}

func equalFold(a, b string) bool { return strings.EqualFold(a, b) }
