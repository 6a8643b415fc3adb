package directory

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// validate checks uniqueness and references. pos maps field paths to yaml
// nodes (nil for directories built in memory, which report line 0).
func (d *Directory) validate(file string, pos map[string]*yaml.Node) error {
	var errs []*FieldError
	add := func(field, format string, args ...any) {
		if len(errs) >= maxErrors {
			return
		}
		line, col := 0, 0
		if n := pos[field]; n != nil {
			line, col = n.Line, n.Column
		}
		errs = append(errs, &FieldError{File: file, Line: line, Column: col, Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	ids := map[string]string{} // object id -> field of first definition
	users, groups := map[string]bool{}, map[string]bool{}
	// define adds the object at field to kind's set, unless its id (unique
	// across users and groups) is already taken.
	define := func(field, id string, kind map[string]bool) {
		if prev, dup := ids[id]; dup {
			add(field+".objectId", "duplicate objectId %q (first defined at %s)", id, prev)
			return
		}
		ids[id] = field
		kind[id] = true
	}
	for i, u := range d.Users {
		define(fmt.Sprintf("users[%d]", i), u.ObjectID, users)
	}
	for i, g := range d.Groups {
		define(fmt.Sprintf("groups[%d]", i), g.ObjectID, groups)
	}
	for i, u := range d.Users {
		if u.Manager == "" {
			continue
		}
		f := fmt.Sprintf("users[%d].manager", i)
		switch {
		case u.Manager == u.ObjectID:
			add(f, "user %q is its own manager", u.ObjectID)
		case !users[u.Manager]:
			add(f, "unknown user %q", u.Manager)
		}
	}
	for i, g := range d.Groups {
		for j, m := range g.Members {
			if !users[m] && !groups[m] {
				add(fmt.Sprintf("groups[%d].members[%d]", i, j), "unknown user or group %q", m)
			} else if m == g.ObjectID {
				add(fmt.Sprintf("groups[%d].members[%d]", i, j), "group %q is a member of itself", m)
			}
		}
	}
	for i, id := range d.App.AssignedUsers {
		if !users[id] {
			add(fmt.Sprintf("app.assignments.users[%d]", i), "unknown user %q", id)
		}
	}
	for i, id := range d.App.AssignedGroups {
		if !groups[id] {
			add(fmt.Sprintf("app.assignments.groups[%d]", i), "unknown group %q", id)
		}
	}
	if len(errs) > 0 {
		return &LoadError{Errs: errs}
	}
	return nil
}
