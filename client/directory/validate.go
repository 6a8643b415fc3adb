package directory

import (
	"fmt"

	"go.yaml.in/yaml/v3"
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

// yamlLocator locates fields of a YAML file. pos maps field paths to yaml
// nodes (nil for directories built in memory, which report line 0).
type yamlLocator struct {
	file string
	pos  map[string]*yaml.Node
}

func (l yamlLocator) at(field string) FieldError {
	fe := FieldError{File: l.file, Field: field}
	if n := l.pos[field]; n != nil {
		fe.Line, fe.Column = n.Line, n.Column
	}
	return fe
}

func (l yamlLocator) name(object string) string { return object }

// validate checks uniqueness and references, reporting each problem where
// loc says the field was written.
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
	ids := map[string]string{} // object id -> field of first definition
	users, groups := map[string]bool{}, map[string]bool{}
	// define adds the object at field to kind's set, unless its id (unique
	// across users and groups) is already taken.
	define := func(field, id string, kind map[string]bool) {
		if prev, dup := ids[id]; dup {
			add(field+".objectId", "duplicate objectId %q (first defined at %s)", id, loc.name(prev))
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
