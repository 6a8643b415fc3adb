package directory

import (
	"fmt"
	"strconv"
	"strings"
)

// locator tells validate where a field of the model ("users[3].manager")
// was written and how the source format names it.
type locator interface {
	// at returns the located error for field, without its message.
	at(field string) FieldError
	// name is how messages refer to the object at an object path
	// ("users[3]").
	name(object string) string
}

// yamlLocator locates fields of a YAML file. pos holds where the fields
// validate can complain about were written (nil for directories built in
// memory, which report line 0).
type yamlLocator struct {
	file string
	pos  *positions
}

func (l yamlLocator) at(field string) FieldError {
	fe := FieldError{File: l.file, Field: field}
	if l.pos != nil {
		p := l.pos.lookup(field)
		fe.Line, fe.Column = int(p.line), int(p.col)
	}
	return fe
}

// pos is a line and column in a YAML file (1-based; 0 when unknown).
type pos struct{ line, col int32 }

// positions records where the fields validate reports on were written,
// compactly: one pos per user, group, member and assignment instead of
// the yaml nodes. Slices are indexed like the Directory's (users as kept,
// members as in Group.Members).
type positions struct {
	userID, userManager []pos
	groupID             []pos
	// members of groups[i] are memberPos[memberStart[i]:memberStart[i+1]]
	// (the last group's run ends at len(memberPos)).
	memberStart                   []int32
	memberPos                     []pos
	assignedUsers, assignedGroups []pos
}

// lookup returns the position of a field path as validate writes them
// ("users[3].manager", "groups[2].members[5]"); the zero pos for any
// other.
func (ps *positions) lookup(field string) pos {
	at := func(s []pos, i int) pos {
		if i >= 0 && i < len(s) {
			return s[i]
		}
		return pos{}
	}
	if rest, ok := strings.CutPrefix(field, "users["); ok {
		i, rest := cutIndex(rest)
		switch rest {
		case ".objectId":
			return at(ps.userID, i)
		case ".manager":
			return at(ps.userManager, i)
		}
		return pos{}
	}
	if rest, ok := strings.CutPrefix(field, "groups["); ok {
		i, rest := cutIndex(rest)
		if rest == ".objectId" {
			return at(ps.groupID, i)
		}
		rest, ok := strings.CutPrefix(rest, ".members[")
		if !ok || i < 0 || i >= len(ps.memberStart) {
			return pos{}
		}
		j, rest := cutIndex(rest)
		if rest != "" {
			return pos{}
		}
		end := len(ps.memberPos)
		if i+1 < len(ps.memberStart) {
			end = int(ps.memberStart[i+1])
		}
		return at(ps.memberPos[ps.memberStart[i]:end], j)
	}
	if rest, ok := strings.CutPrefix(field, "app.assignments.users["); ok {
		if i, rest := cutIndex(rest); rest == "" {
			return at(ps.assignedUsers, i)
		}
	}
	if rest, ok := strings.CutPrefix(field, "app.assignments.groups["); ok {
		if i, rest := cutIndex(rest); rest == "" {
			return at(ps.assignedGroups, i)
		}
	}
	return pos{}
}

// cutIndex parses "12]rest" into 12 and "rest"; -1 when s does not start
// so.
func cutIndex(s string) (int, string) {
	end := strings.IndexByte(s, ']')
	if end < 0 {
		return -1, s
	}
	i, err := strconv.Atoi(s[:end])
	if err != nil {
		return -1, s
	}
	return i, s[end+1:]
}

func (l yamlLocator) name(object string) string { return object }

// validate checks uniqueness and references, reporting each problem where
// loc says the field was written. It indexes users and groups by id as it
// goes (d.users, d.groups: the first object of each id), which index
// relies on: a big directory is hashed once.
func (d *Directory) validate(loc locator) error {
	var errs []*FieldError
	add := func(field, format string, args ...any) {
		if len(errs) >= maxErrors {
			return
		}
		fe := loc.at(field)
		fe.Msg = fmt.Sprintf(format, args...)
		errs = append(errs, &fe)
	}
	// Ids are unique across users and groups.
	users := make(map[string]*User, len(d.Users))
	groups := make(map[string]*Group, len(d.Groups))
	duplicate := func(field, id string) {
		if len(errs) < maxErrors {
			add(field+".objectId", "duplicate objectId %q (first defined at %s)", id, loc.name(d.firstDefined(id)))
		}
	}
	for i, u := range d.Users {
		if _, dup := users[u.ObjectID]; dup {
			duplicate(fmt.Sprintf("users[%d]", i), u.ObjectID)
			continue
		}
		users[u.ObjectID] = u
	}
	for i, g := range d.Groups {
		_, user := users[g.ObjectID]
		if _, group := groups[g.ObjectID]; user || group {
			duplicate(fmt.Sprintf("groups[%d]", i), g.ObjectID)
			continue
		}
		groups[g.ObjectID] = g
	}
	d.users, d.groups = users, groups
	for i, u := range d.Users {
		if u.Manager == "" {
			continue
		}
		switch {
		case u.Manager == u.ObjectID:
			add(fmt.Sprintf("users[%d].manager", i), "user %q is its own manager", u.ObjectID)
		case users[u.Manager] == nil:
			add(fmt.Sprintf("users[%d].manager", i), "unknown user %q", u.Manager)
		}
	}
	for i, g := range d.Groups {
		for j, m := range g.Members {
			if users[m] == nil && groups[m] == nil {
				add(fmt.Sprintf("groups[%d].members[%d]", i, j), "unknown user or group %q", m)
			} else if m == g.ObjectID {
				add(fmt.Sprintf("groups[%d].members[%d]", i, j), "group %q is a member of itself", m)
			}
		}
	}
	for i, id := range d.App.AssignedUsers {
		if users[id] == nil {
			add(fmt.Sprintf("app.assignments.users[%d]", i), "unknown user %q", id)
		}
	}
	for i, id := range d.App.AssignedGroups {
		if groups[id] == nil {
			add(fmt.Sprintf("app.assignments.groups[%d]", i), "unknown group %q", id)
		}
	}
	if len(errs) > 0 {
		return &LoadError{Errs: errs}
	}
	return nil
}

// firstDefined returns the object path ("users[3]") of the first user or
// group with the id. It scans: it is only needed to report a duplicate.
func (d *Directory) firstDefined(id string) string {
	for i, u := range d.Users {
		if u.ObjectID == id {
			return fmt.Sprintf("users[%d]", i)
		}
	}
	for i, g := range d.Groups {
		if g.ObjectID == id {
			return fmt.Sprintf("groups[%d]", i)
		}
	}
	return ""
}
