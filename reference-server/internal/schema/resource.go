package schema

import (
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
)

// Extension is a schema extension of a resource type.
type Extension struct {
	Schema   *Schema
	Required bool
}

// Resource is a resource type (RFC 7643 §6): User or Group, with its core
// schema and extensions.
type Resource struct {
	// Name is the resource type name, "User" or "Group".
	Name string
	// Endpoint is the path below the tenant URL, "/Users" or "/Groups".
	Endpoint    string
	Description string
	Core        *Schema
	Extensions  []Extension
	// Aliases are further schema URIs accepted in a body's "schemas" (the
	// Microsoft ADSCIM group URI, ENTRA-FLOW-13). They hold no attributes.
	Aliases []string

	all []*Schema // Core then the extensions' schemas, for Schemas
}

var (
	userType = &Resource{
		Name: "User", Endpoint: "/Users", Description: "User Account",
		Core:       userSchema,
		Extensions: []Extension{{Schema: enterpriseSchema}},
	}
	groupType = &Resource{
		Name: "Group", Endpoint: "/Groups", Description: "Group",
		Core:    groupSchema,
		Aliases: []string{protocol.ADSCIMGroupSchema},
	}
)

// User returns the User resource type (core User plus the enterprise
// extension). The definitions are shared and must not be modified.
func User() *Resource { return userType }

// Group returns the Group resource type. The definitions are shared and
// must not be modified.
func Group() *Resource { return groupType }

// ForName returns the resource type called "User" or "Group"
// (case-insensitive), or nil.
func ForName(name string) *Resource {
	switch {
	case strings.EqualFold(name, "User"):
		return userType
	case strings.EqualFold(name, "Group"):
		return groupType
	}
	return nil
}

// Schemas returns the core schema followed by the extensions.
func (r *Resource) Schemas() []*Schema {
	if r.all != nil {
		return r.all[:len(r.all):len(r.all)] // an append copies
	}
	return r.schemas()
}

func (r *Resource) schemas() []*Schema {
	out := []*Schema{r.Core}
	for _, e := range r.Extensions {
		out = append(out, e.Schema)
	}
	return out
}

// The shared types list their schemas once: Schemas is called for every
// attribute of every body, and the types never change.
func init() {
	for _, r := range []*Resource{userType, groupType} {
		r.all = r.schemas()
	}
}

// Schema returns the core schema or extension whose id is uri
// (case-insensitive), or nil.
func (r *Resource) Schema(uri string) *Schema {
	for _, s := range r.Schemas() {
		if s.ID == uri { // ids are unique ignoring case: exact first
			return s
		}
	}
	for _, s := range r.Schemas() {
		if strings.EqualFold(s.ID, uri) {
			return s
		}
	}
	return nil
}

// Extension returns the extension schema whose id is uri (case-insensitive),
// or nil. The core schema is not an extension.
func (r *Resource) Extension(uri string) *Schema {
	for _, e := range r.Extensions {
		if e.Schema.ID == uri { // exact first, as in Schema
			return e.Schema
		}
	}
	for _, e := range r.Extensions {
		if strings.EqualFold(e.Schema.ID, uri) {
			return e.Schema
		}
	}
	return nil
}

// KnownSchema reports whether uri names the core schema, an extension or an
// alias of this resource type.
func (r *Resource) KnownSchema(uri string) bool {
	if r.Schema(uri) != nil {
		return true
	}
	for _, a := range r.Aliases {
		if strings.EqualFold(a, uri) {
			return true
		}
	}
	return false
}

// Ref is a resolved attribute path.
type Ref struct {
	// Schema owns the attribute: the core schema or an extension.
	Schema *Schema
	// Extension is true when the attribute lives inside the extension's
	// object (resource[Schema.ID][Attr.Name]) rather than at the top level.
	Extension bool
	// Attr is the top-level attribute.
	Attr *Attribute
	// Sub is the sub-attribute, or nil.
	Sub *Attribute
}

// Target returns the attribute the path ends on: Sub when set, else Attr.
func (r Ref) Target() *Attribute {
	if r.Sub != nil {
		return r.Sub
	}
	return r.Attr
}

// String renders the canonical path, URN-qualified for extensions:
// "name.givenName", "urn:…:enterprise:2.0:User:manager.value".
func (r Ref) String() string {
	s := r.Attr.Name
	if r.Extension {
		s = r.Schema.ID + ":" + s
	}
	if r.Sub != nil {
		s += "." + r.Sub.Name
	}
	return s
}

// Lookup resolves an attribute given as URI (may be empty), name and
// sub-attribute name (may be empty), case-insensitively. Without a URI the
// core schema is tried first, then the extensions, so that a bare
// "manager" (ENTRA-FLOW-08 doc form) finds the enterprise manager.
func (r *Resource) Lookup(uri, name, sub string) (Ref, bool) {
	var candidates []*Schema
	if uri != "" {
		s := r.Schema(uri)
		if s == nil {
			return Ref{}, false
		}
		candidates = []*Schema{s}
	} else {
		candidates = r.Schemas()
	}
	for _, s := range candidates {
		a := s.Attr(name)
		if a == nil {
			continue
		}
		ref := Ref{Schema: s, Extension: s != r.Core, Attr: a}
		if sub != "" {
			ref.Sub = a.Sub(sub)
			if ref.Sub == nil {
				return Ref{}, false
			}
		}
		return ref, true
	}
	return Ref{}, false
}

// Find resolves a textual attribute path such as "userName",
// "name.givenName", "meta.lastModified", "manager",
// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value"
// or "urn:ietf:params:scim:schemas:core:2.0:User:userName",
// case-insensitively. Value filters ("emails[type eq …]") are not paths for
// Find; parse them with protocol.ParsePath.
func (r *Resource) Find(path string) (Ref, bool) {
	uri, rest := SplitURN(r, path)
	name, sub, _ := strings.Cut(rest, ".")
	if name == "" || strings.Contains(sub, ".") {
		return Ref{}, false
	}
	return r.Lookup(uri, name, sub)
}

// SplitURN splits a URN-qualified path into the schema id it starts with
// (one of r's schemas, matched case-insensitively) and the rest. A path
// without a known schema prefix comes back with an empty uri.
func SplitURN(r *Resource, path string) (uri, rest string) {
	for _, s := range r.Schemas() {
		if len(path) > len(s.ID)+1 && strings.EqualFold(path[:len(s.ID)], s.ID) && path[len(s.ID)] == ':' {
			return s.ID, path[len(s.ID)+1:]
		}
	}
	return "", path
}
