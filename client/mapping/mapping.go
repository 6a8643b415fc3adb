// Package mapping is the attribute-mapping model of an Entra provisioning
// job (MAP-01..05): per object type a list of target attributes, each fed
// by a source attribute (Direct), a constant (Constant) or an expression
// (Expression), with "default value if null" (create only), "apply this
// mapping" (Always or only during creation), matching precedence and a
// reference flag (manager, members). It also holds the job settings that
// travel with mappings in Entra's UI: scoping filters, target object
// actions, SkipOutOfScopeDeletions and accidental-deletion prevention.
//
// Built-in configurations: Gtmhub (the gallery app, default), NonGallery
// (the full MAP-01 user set) and the MAP-02 group mapping. LoadFile reads
// a YAML mapping file on top of a built-in; Evaluate turns a source object
// into target values keyed by SCIM path, ready for the SCIM client.
package mapping

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/client/expr"
	"github.com/quantive/entra-scim-harness/client/scope"
)

// Type is a mapping type (MAP-04).
type Type string

// Mapping types.
const (
	Direct     Type = "Direct"
	Constant   Type = "Constant"
	Expression Type = "Expression"
	// None writes only when the target value is empty, using the default
	// value (MAP-04).
	None Type = "None"
)

// Apply says when a mapping is applied (MAP-04).
type Apply string

// Apply values.
const (
	Always             Apply = "Always"
	OnlyDuringCreation Apply = "OnlyDuringCreation"
)

// Attribute is one row of the attribute-mapping table.
type Attribute struct {
	// Target is the SCIM attribute path, e.g. "userName",
	// `emails[type eq "work"].value` or
	// "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department".
	Target string
	Type   Type
	// Source is the source attribute name (Direct).
	Source string
	// Constant is the constant value (Constant).
	Constant string
	// Expression is the expression source (Expression).
	Expression string
	// Default is "default value if null", used on create only
	// (ENTRA-NULL-01); HasDefault tells an empty default from none.
	Default    string
	HasDefault bool
	Apply      Apply
	// Matching is the matching precedence (1 = tried first); 0 means the
	// attribute is not used for matching (ENTRA-MATCH-01).
	Matching int
	// Reference marks reference attributes (manager, members): their
	// values are source object ids that the engine resolves to target ids
	// after the referenced objects exist (ENTRA-REF-01).
	Reference bool
	// Line is where the row was defined in a mapping file (0 for built-ins).
	Line int

	expr *expr.Expr
}

// Compiled returns the parsed expression of an Expression mapping.
func (a *Attribute) Compiled() *expr.Expr { return a.expr }

// compile validates the row and parses its expression.
func (a *Attribute) compile() error {
	if strings.TrimSpace(a.Target) == "" {
		return fmt.Errorf("target is required")
	}
	if strings.EqualFold(a.Target, "id") {
		return fmt.Errorf("target %q: the primary key id cannot be mapped (MAP-04)", a.Target)
	}
	if _, err := ParseTarget(a.Target); err != nil {
		return err
	}
	if a.Apply == "" {
		a.Apply = Always
	}
	if a.Apply != Always && a.Apply != OnlyDuringCreation {
		return fmt.Errorf("apply %q: want Always or OnlyDuringCreation", a.Apply)
	}
	if a.Matching < 0 {
		return fmt.Errorf("matching precedence must be 1 or more (0 = not matching)")
	}
	switch a.Type {
	case Direct:
		if a.Source == "" {
			return fmt.Errorf("a Direct mapping needs a source attribute")
		}
	case Constant:
		if a.Source != "" || a.Expression != "" {
			return fmt.Errorf("a Constant mapping takes only a constant")
		}
	case Expression:
		if a.Expression == "" {
			return fmt.Errorf("an Expression mapping needs an expression")
		}
		e, err := expr.Parse(a.Expression)
		if err != nil {
			return err
		}
		if c, ok := e.Root.(*expr.Call); ok && c.Name == "SelectUniqueValue" && a.Matching > 0 {
			return fmt.Errorf("SelectUniqueValue cannot be used on a matching attribute")
		}
		a.expr = e
	case None:
		if !a.HasDefault {
			return fmt.Errorf("a None mapping needs a default value")
		}
	default:
		return fmt.Errorf("type %q: want Direct, Constant, Expression or None", a.Type)
	}
	if a.Reference && a.Type != Direct {
		return fmt.Errorf("a reference attribute must be a Direct mapping")
	}
	if a.Reference && a.Matching > 0 {
		return fmt.Errorf("a reference attribute cannot be a matching attribute")
	}
	return nil
}

// Actions are the target object actions of an object mapping
// (ENTRA-DEPROV-08).
type Actions struct {
	Create, Update, Delete bool
}

// ObjectMapping maps one source object type to one target object type.
type ObjectMapping struct {
	// Name as shown in the portal, e.g. "Provision Microsoft Entra ID Users".
	Name string
	// Enabled is false for a disabled group mapping; user mappings cannot
	// be disabled (ENTRA-DEPROV-08).
	Enabled    bool
	Actions    Actions
	Attributes []*Attribute
	// Scoping holds the attribute scoping filters (nil: none).
	Scoping *scope.Set
}

// compile validates every row and the uniqueness rules of the table.
func (m *ObjectMapping) compile() error {
	targets := map[string]bool{}
	precedences := map[int]string{}
	for _, a := range m.Attributes {
		if err := a.compile(); err != nil {
			return rowError(a, err)
		}
		key := strings.ToLower(a.Target)
		if targets[key] {
			return rowError(a, fmt.Errorf("target %q is mapped twice", a.Target))
		}
		targets[key] = true
		if a.Matching > 0 {
			if prev, dup := precedences[a.Matching]; dup {
				return rowError(a, fmt.Errorf("matching precedence %d is already used by %q", a.Matching, prev))
			}
			precedences[a.Matching] = a.Target
		}
	}
	return nil
}

func rowError(a *Attribute, err error) error {
	if a.Line > 0 {
		return fmt.Errorf("line %d: attribute %q: %w", a.Line, a.Target, err)
	}
	return fmt.Errorf("attribute %q: %w", a.Target, err)
}

// Matching returns the matching attributes in precedence order
// (ENTRA-MATCH-01).
func (m *ObjectMapping) Matching() []*Attribute {
	var out []*Attribute
	for _, a := range m.Attributes {
		if a.Matching > 0 {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(a, b *Attribute) int { return cmp.Compare(a.Matching, b.Matching) })
	return out
}

// Attribute returns the row for a target path (case-insensitive).
func (m *ObjectMapping) Attribute(target string) (*Attribute, bool) {
	for _, a := range m.Attributes {
		if strings.EqualFold(a.Target, target) {
			return a, true
		}
	}
	return nil, false
}

// Targets returns the target paths of the rows in table order: the
// attribute order requests follow (scim.Options.AttributeOrder).
func (m *ObjectMapping) Targets() []string {
	out := make([]string, len(m.Attributes))
	for i, a := range m.Attributes {
		out[i] = a.Target
	}
	return out
}

// MapsActive reports whether the mapping writes "active", i.e. whether the
// target supports soft delete (ENTRA-DEPROV-01/03).
func (m *ObjectMapping) MapsActive() bool {
	_, ok := m.Attribute("active")
	return ok
}

// DefaultDeletionThreshold is the emulator's accidental-deletion threshold
// (ENTRA-DEL-01 [DESIGN]).
const DefaultDeletionThreshold = 500

// Config is a provisioning job's mapping configuration.
type Config struct {
	Users  ObjectMapping
	Groups ObjectMapping
	// SkipOutOfScopeDeletions stops disables of users leaving scope
	// (ENTRA-DEPROV-04).
	SkipOutOfScopeDeletions bool
	// AccidentalDeletionPrevention enables the deletion threshold
	// (ENTRA-DEL-01); DeletionThreshold is the number of deletes and
	// disables per cycle above which nothing is deleted.
	AccidentalDeletionPrevention bool
	DeletionThreshold            int
}

// Compile validates both object mappings and parses their expressions.
// Built-ins and LoadFile call it; call it again after editing a Config.
func (c *Config) Compile() error {
	if err := c.Users.compile(); err != nil {
		return fmt.Errorf("users: %w", err)
	}
	if len(c.Users.Matching()) == 0 {
		return fmt.Errorf("users: at least one attribute must be used for matching (ENTRA-MATCH-02)")
	}
	if !c.Users.Enabled {
		return fmt.Errorf("users: the user mapping cannot be disabled (ENTRA-DEPROV-08)")
	}
	if err := c.Groups.compile(); err != nil {
		return fmt.Errorf("groups: %w", err)
	}
	if c.Groups.Enabled && len(c.Groups.Matching()) == 0 {
		return fmt.Errorf("groups: at least one attribute must be used for matching (ENTRA-MATCH-02)")
	}
	if c.DeletionThreshold < 0 {
		return fmt.Errorf("accidental deletion threshold must not be negative")
	}
	return nil
}
