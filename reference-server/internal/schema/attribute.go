// Package schema holds the SCIM attribute definitions the reference server
// serves (RFC 7643 §4 User, §4.2 Group, §4.3 enterprise extension), the
// case-insensitive lookup of attribute paths, and the /Schemas and
// /ResourceTypes renderings (ENTRA-FLOW-02, ENTRA-REQ-09).
package schema

import "strings"

// Attribute types (RFC 7643 §2.3).
const (
	TypeString    = "string"
	TypeBoolean   = "boolean"
	TypeDecimal   = "decimal"
	TypeInteger   = "integer"
	TypeDateTime  = "dateTime"
	TypeReference = "reference"
	TypeComplex   = "complex"
	TypeBinary    = "binary"
)

// Mutability values (RFC 7643 §2.2).
const (
	ReadOnly  = "readOnly"
	ReadWrite = "readWrite"
	Immutable = "immutable"
	WriteOnly = "writeOnly"
)

// Returned values (RFC 7643 §2.2).
const (
	ReturnedAlways  = "always"
	ReturnedNever   = "never"
	ReturnedDefault = "default"
	ReturnedRequest = "request"
)

// Uniqueness values (RFC 7643 §2.2).
const (
	UniqueNone   = "none"
	UniqueServer = "server"
	UniqueGlobal = "global"
)

// Attribute is one attribute definition (RFC 7643 §7). The JSON tags give
// the /Schemas rendering: camelCase values, absent values omitted.
type Attribute struct {
	Name            string       `json:"name"`
	Type            string       `json:"type"`
	MultiValued     bool         `json:"multiValued"`
	Description     string       `json:"description,omitempty"`
	Required        bool         `json:"required"`
	CaseExact       bool         `json:"caseExact"`
	Mutability      string       `json:"mutability"`
	Returned        string       `json:"returned"`
	Uniqueness      string       `json:"uniqueness"`
	CanonicalValues []string     `json:"canonicalValues,omitempty"`
	ReferenceTypes  []string     `json:"referenceTypes,omitempty"`
	SubAttributes   []*Attribute `json:"subAttributes,omitempty"`

	// Common marks the RFC 7643 §3.1 common attributes (id, meta), which
	// every resource has but no schema lists; /Schemas leaves them out.
	Common bool `json:"-"`
	// UniqueTypes marks multi-valued complex attributes in which each
	// "type" may appear at most once (one work email, ENTRA-REQ-15). Roles
	// and members are not: Entra sends several roles of one type.
	UniqueTypes bool `json:"-"`
}

// Sub returns the sub-attribute called name (case-insensitive), or nil.
func (a *Attribute) Sub(name string) *Attribute {
	if a == nil {
		return nil
	}
	// Names are unique ignoring case (TestNamesUniqueIgnoringCase), so an
	// exact match, the usual case and the cheaper test, is the answer.
	for _, s := range a.SubAttributes {
		if s.Name == name {
			return s
		}
	}
	for _, s := range a.SubAttributes {
		if strings.EqualFold(s.Name, name) {
			return s
		}
	}
	return nil
}

// IsCanonical reports whether v is one of the attribute's canonical values
// (case-insensitive). An attribute without canonical values accepts none.
func (a *Attribute) IsCanonical(v string) bool {
	for _, c := range a.CanonicalValues {
		if strings.EqualFold(c, v) {
			return true
		}
	}
	return false
}

// Complex reports whether the attribute has sub-attributes.
func (a *Attribute) Complex() bool { return a.Type == TypeComplex }

// Schema is one schema (RFC 7643 §7): the core User or Group schema or an
// extension.
type Schema struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description,omitempty"`
	Attributes  []*Attribute `json:"attributes"`
}

// Attr returns the top-level attribute called name (case-insensitive), or nil.
func (s *Schema) Attr(name string) *Attribute {
	if s == nil {
		return nil
	}
	for _, a := range s.Attributes {
		if a.Name == name { // see Sub
			return a
		}
	}
	for _, a := range s.Attributes {
		if strings.EqualFold(a.Name, name) {
			return a
		}
	}
	return nil
}
