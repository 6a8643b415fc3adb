package directory

import "sync"

// ScopeMode is the "Scope" setting of the provisioning job (ENTRA-CYCLE-07).
type ScopeMode string

const (
	// ScopeAssigned syncs only assigned users and groups (and direct members
	// of assigned groups). It is the default and Microsoft's recommendation.
	ScopeAssigned ScopeMode = "assigned"
	// ScopeAll syncs every user and group in the directory.
	ScopeAll ScopeMode = "all"
)

// Deletion is the deletion state of a source object.
type Deletion string

const (
	// NotDeleted is an object that exists (the YAML field is absent).
	NotDeleted Deletion = ""
	// SoftDeleted is an object in the recycle bin (ENTRA-DEPROV-01 c).
	SoftDeleted Deletion = "soft"
	// HardDeleted is a permanently deleted object (ENTRA-DEPROV-02). The
	// engine treats it as gone from the source.
	HardDeleted Deletion = "hard"
)

// App holds the application's assignment settings.
type App struct {
	Scope          ScopeMode
	AssignedUsers  []string // object ids
	AssignedGroups []string // object ids
}

// User is one Entra user. Empty strings mean "no value" (null).
type User struct {
	ObjectID          string
	UserPrincipalName string
	MailNickname      string
	Mail              string
	GivenName         string
	Surname           string
	DisplayName       string
	JobTitle          string
	Department        string
	EmployeeID        string
	Manager           string // object id of the manager, "" for none
	AccountEnabled    bool
	Deleted           Deletion
	// Attributes holds further source attributes. Values are string, bool,
	// int64, float64 or []string (multi-valued).
	Attributes map[string]any
	// Line is the line of the user's entry in the directory file.
	Line int
}

// Group is one Entra group. Members are object ids of users or groups;
// nested groups are not expanded (ENTRA-CYCLE-07).
type Group struct {
	ObjectID    string
	DisplayName string
	Members     []string
	Deleted     Deletion
	Attributes  map[string]any
	Line        int
}

// Directory is a loaded source directory. It is immutable after loading
// and safe for concurrent readers.
type Directory struct {
	App    App
	Users  []*User  // in file order
	Groups []*Group // in file order

	// users and groups index the objects by id for User and Group. Loading
	// builds them to check references, then drops them: a cycle never
	// looks an object up by id, and at a million users the index is a
	// large share of memory held through the cycle's planning (issue 16).
	// The first lookup builds them again.
	byID   sync.Once
	users  map[string]*User
	groups map[string]*Group
	// assignedUsers caches the set of users in assignment scope.
	assignedUsers map[string]bool
	// evict lets a cycle drop users and load them again (evict.go); nil
	// until ChunkCache.EnableEviction.
	evict *evictable
}

// User returns the user with the given object id.
func (d *Directory) User(id string) (*User, bool) {
	d.indexIDs()
	u, ok := d.users[id]
	return u, ok
}

// Group returns the group with the given object id.
func (d *Directory) Group(id string) (*Group, bool) {
	d.indexIDs()
	g, ok := d.groups[id]
	return g, ok
}

// indexIDs builds the index by id once (the first object of each id, as
// validate keeps).
func (d *Directory) indexIDs() {
	d.byID.Do(func() {
		if d.users != nil {
			return
		}
		d.users = make(map[string]*User, len(d.Users))
		for _, u := range d.Users {
			if _, dup := d.users[u.ObjectID]; !dup {
				d.users[u.ObjectID] = u
			}
		}
		d.groups = make(map[string]*Group, len(d.Groups))
		for _, g := range d.Groups {
			if _, dup := d.groups[g.ObjectID]; !dup {
				d.groups[g.ObjectID] = g
			}
		}
	})
}

// dropIndex lets go of the index by id once loading is done with it.
func (d *Directory) dropIndex() { d.users, d.groups = nil, nil }

// UserByUPN returns the user with the given userPrincipalName
// (case-insensitive, as UPNs are in Entra).
func (d *Directory) UserByUPN(upn string) (*User, bool) {
	for _, u := range d.Users {
		if equalFold(u.UserPrincipalName, upn) {
			return u, true
		}
	}
	return nil, false
}

// IsAssigned reports whether the user is within the job's assignment scope:
// with scope "all" every existing user, with "assigned" users assigned
// directly or direct members of an assigned group (nested groups are not
// expanded, ENTRA-CYCLE-07). Hard-deleted users are never in scope.
// Attribute scoping filters are applied by the caller (package scope).
func (d *Directory) IsAssigned(u *User) bool {
	if u == nil || u.Deleted == HardDeleted {
		return false
	}
	if d.App.Scope == ScopeAll {
		return true
	}
	return d.assignedUsers[u.ObjectID]
}

// IsGroupAssigned reports whether the group is within assignment scope.
func (d *Directory) IsGroupAssigned(g *Group) bool {
	if g == nil || g.Deleted == HardDeleted {
		return false
	}
	if d.App.Scope == ScopeAll {
		return true
	}
	for _, id := range d.App.AssignedGroups {
		if id == g.ObjectID {
			return true
		}
	}
	return false
}

// InScopeUsers returns the users within assignment scope, in file order.
// Soft-deleted and disabled users are included: the engine must see them to
// disable their target accounts (IsSoftDeleted is true for them).
func (d *Directory) InScopeUsers() []*User {
	var out []*User
	for _, u := range d.Users {
		if d.IsAssigned(u) {
			out = append(out, u)
		}
	}
	return out
}

// InScopeGroups returns the groups within assignment scope, in file order.
func (d *Directory) InScopeGroups() []*Group {
	var out []*Group
	for _, g := range d.Groups {
		if d.IsGroupAssigned(g) {
			out = append(out, g)
		}
	}
	return out
}

// IsSoftDeleted computes Entra's IsSoftDeleted attribute (MAP-03): true
// when the user is not in scope (unassigned or failing a scoping filter,
// decided by the caller and passed as inScope), is in the recycle bin, is
// hard deleted, or has accountEnabled=false.
func IsSoftDeleted(u *User, inScope bool) bool {
	return !inScope || u.Deleted != NotDeleted || !u.AccountEnabled
}

// index caches the users in assignment scope; d.users and d.groups were
// built by validate.
func (d *Directory) index() {
	d.assignedUsers = map[string]bool{}
	for _, id := range d.App.AssignedUsers {
		d.assignedUsers[id] = true
	}
	for _, gid := range d.App.AssignedGroups {
		g := d.groups[gid]
		if g == nil || g.Deleted == HardDeleted {
			continue
		}
		for _, m := range g.Members {
			if _, isUser := d.users[m]; isUser {
				d.assignedUsers[m] = true
			}
		}
	}
}

// New builds a Directory from already constructed objects (used by
// generators and tests). It validates references like Load does.
func New(app App, users []*User, groups []*Group) (*Directory, error) {
	d := &Directory{App: app, Users: users, Groups: groups}
	if d.App.Scope == "" {
		d.App.Scope = ScopeAssigned
	}
	if err := d.validate(yamlLocator{file: "<memory>"}); err != nil {
		return nil, err
	}
	d.index()
	d.dropIndex()
	return d, nil
}
