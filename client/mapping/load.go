package mapping

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/quantive/entra-scim-harness/client/scope"
)

// FileError is a problem in a mapping file: "file:line:col: field: msg".
type FileError struct {
	File         string
	Line, Column int
	Field        string
	Err          error
}

// Error implements error.
func (e *FileError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s: %v", e.File, e.Line, e.Column, e.Field, e.Err)
}

// Unwrap returns the underlying error.
func (e *FileError) Unwrap() error { return e.Err }

// LoadFile reads a mapping file. See Parse for the format.
func LoadFile(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read mapping file: %w", err)
	}
	return Parse(path, b)
}

// Parse reads a YAML mapping file:
//
//	base: gtmhub                 # gtmhub (default) | nonGallery | none
//	skipOutOfScopeDeletions: false
//	accidentalDeletions: {enabled: true, threshold: 500}
//	users:                       # same keys under groups
//	  enabled: true              # groups only; users cannot be disabled
//	  actions: {create: true, update: true, delete: true}
//	  ampersand: attributeInValue  # or valueInAttribute (scope.AmpersandMode)
//	  scopingFilters:
//	    - name: sales
//	      clauses:
//	        - {attribute: department, operator: EQUALS, value: Sales}
//	  attributes:                # merged into the base by target
//	    - target: title
//	      type: Expression       # Direct | Constant | Expression | None
//	      expression: 'ToUpper([jobTitle])'
//	      source: jobTitle       # Direct
//	      constant: x            # Constant
//	      default: n/a           # default value if null (create only)
//	      apply: Always          # or OnlyDuringCreation
//	      matching: 0            # matching precedence, 0 = not matching
//	      reference: false
//	      remove: true           # drop this target from the base
//
// Rows in attributes replace the base row with the same target, or are
// appended. Every error names file, line and field.
func Parse(name string, data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l := &loader{file: name}
	cfg := Gtmhub()
	if len(doc.Content) == 0 {
		return cfg, nil // an empty file means the defaults
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, l.err(root, "(document)", fmt.Errorf("expected a mapping"))
	}
	// base first, so the other keys apply on top of it wherever they are.
	if v := lookup(root, "base"); v != nil {
		switch v.Value {
		case BaseGtmhub:
		case BaseNonGallery:
			cfg = NonGallery()
		case "none":
			cfg = &Config{Users: userMapping(),
				Groups: ObjectMapping{Name: "Provision Microsoft Entra ID Groups", Actions: Actions{true, true, true}}, DeletionThreshold: DefaultDeletionThreshold}
		default:
			return nil, l.err(v, "base", fmt.Errorf("invalid value %q (want gtmhub, nonGallery or none)", v.Value))
		}
	}
	err := l.each(root, "", func(key string, k, v *yaml.Node) error {
		switch key {
		case "base":
			return nil
		case "skipOutOfScopeDeletions":
			return l.boolean(v, key, &cfg.SkipOutOfScopeDeletions)
		case "accidentalDeletions":
			return l.each(v, key, func(key2 string, k2, v2 *yaml.Node) error {
				f := key + "." + key2
				switch key2 {
				case "enabled":
					return l.boolean(v2, f, &cfg.AccidentalDeletionPrevention)
				case "threshold":
					n, err := strconv.Atoi(v2.Value)
					if err != nil || n < 1 || v2.Kind != yaml.ScalarNode {
						return l.err(v2, f, fmt.Errorf("want a positive integer, got %q", v2.Value))
					}
					cfg.DeletionThreshold = n
					return nil
				}
				return l.err(k2, f, fmt.Errorf("unknown field (want enabled, threshold)"))
			})
		case "users":
			return l.object(v, key, &cfg.Users)
		case "groups":
			return l.object(v, key, &cfg.Groups)
		}
		return l.err(k, key, fmt.Errorf("unknown field (want base, skipOutOfScopeDeletions, accidentalDeletions, users, groups)"))
	})
	if err != nil {
		return nil, err
	}
	if err := cfg.Compile(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return cfg, nil
}

type loader struct{ file string }

func (l *loader) err(n *yaml.Node, field string, err error) error {
	return &FileError{File: l.file, Line: n.Line, Column: n.Column, Field: field, Err: err}
}

func lookup(m *yaml.Node, key string) *yaml.Node {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + "." + b
}

func (l *loader) each(n *yaml.Node, field string, fn func(key string, k, v *yaml.Node) error) error {
	if n.Kind != yaml.MappingNode {
		return l.err(n, field, fmt.Errorf("expected a mapping"))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if seen[k.Value] {
			return l.err(k, join(field, k.Value), fmt.Errorf("duplicate field"))
		}
		seen[k.Value] = true
		if err := fn(k.Value, k, v); err != nil {
			return err
		}
	}
	return nil
}

func (l *loader) str(v *yaml.Node, field string) (string, error) {
	if v.Kind != yaml.ScalarNode {
		return "", l.err(v, field, fmt.Errorf("expected a scalar value"))
	}
	if v.Tag == "!!null" {
		return "", nil
	}
	return v.Value, nil
}

func (l *loader) boolean(v *yaml.Node, field string, dst *bool) error {
	if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" {
		return l.err(v, field, fmt.Errorf("want true or false, got %q", v.Value))
	}
	*dst, _ = strconv.ParseBool(v.Value)
	return nil
}

func (l *loader) object(n *yaml.Node, field string, m *ObjectMapping) error {
	return l.each(n, field, func(key string, k, v *yaml.Node) error {
		f := field + "." + key
		switch key {
		case "enabled":
			return l.boolean(v, f, &m.Enabled)
		case "actions":
			return l.each(v, f, func(a string, ak, av *yaml.Node) error {
				switch a {
				case "create":
					return l.boolean(av, f+".create", &m.Actions.Create)
				case "update":
					return l.boolean(av, f+".update", &m.Actions.Update)
				case "delete":
					return l.boolean(av, f+".delete", &m.Actions.Delete)
				}
				return l.err(ak, f+"."+a, fmt.Errorf("unknown field (want create, update, delete)"))
			})
		case "ampersand":
			s, err := l.str(v, f)
			if err != nil {
				return err
			}
			if m.Scoping == nil {
				m.Scoping = &scope.Set{}
			}
			switch s {
			case "attributeInValue":
				m.Scoping.Ampersand = scope.AttributeInValue
			case "valueInAttribute":
				m.Scoping.Ampersand = scope.ValueInAttribute
			default:
				return l.err(v, f, fmt.Errorf("invalid value %q (want attributeInValue or valueInAttribute)", s))
			}
			return nil
		case "scopingFilters":
			return l.filters(v, f, m)
		case "attributes":
			return l.attributes(v, f, m)
		}
		return l.err(k, f, fmt.Errorf("unknown field (want enabled, actions, ampersand, scopingFilters, attributes)"))
	})
}

func (l *loader) filters(n *yaml.Node, field string, m *ObjectMapping) error {
	if n.Kind != yaml.SequenceNode {
		return l.err(n, field, fmt.Errorf("expected a list"))
	}
	if m.Scoping == nil {
		m.Scoping = &scope.Set{}
	}
	for i, fn := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		var filter scope.Filter
		err := l.each(fn, f, func(key string, k, v *yaml.Node) error {
			switch key {
			case "name":
				s, err := l.str(v, f+".name")
				filter.Name = s
				return err
			case "clauses":
				if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
					return l.err(v, f+".clauses", fmt.Errorf("expected a non-empty list"))
				}
				for j, cn := range v.Content {
					cf := fmt.Sprintf("%s.clauses[%d]", f, j)
					var attr, op, val string
					err := l.each(cn, cf, func(ck string, ckn, cv *yaml.Node) error {
						s, err := l.str(cv, cf+"."+ck)
						if err != nil {
							return err
						}
						switch ck {
						case "attribute":
							attr = s
						case "operator":
							op = s
						case "value":
							val = s
						default:
							return l.err(ckn, cf+"."+ck, fmt.Errorf("unknown field (want attribute, operator, value)"))
						}
						return nil
					})
					if err != nil {
						return err
					}
					c, err := scope.NewClause(attr, op, val)
					if err != nil {
						return l.err(cn, cf, err)
					}
					filter.Clauses = append(filter.Clauses, c)
				}
				return nil
			}
			return l.err(k, f+"."+key, fmt.Errorf("unknown field (want name, clauses)"))
		})
		if err != nil {
			return err
		}
		if len(filter.Clauses) == 0 {
			return l.err(fn, f, fmt.Errorf("a scoping filter needs at least one clause"))
		}
		m.Scoping.Filters = append(m.Scoping.Filters, filter)
	}
	return nil
}

func (l *loader) attributes(n *yaml.Node, field string, m *ObjectMapping) error {
	if n.Kind != yaml.SequenceNode {
		return l.err(n, field, fmt.Errorf("expected a list"))
	}
	for i, an := range n.Content {
		f := fmt.Sprintf("%s[%d]", field, i)
		a := &Attribute{Line: an.Line, Apply: Always}
		remove := false
		typeNode := an
		err := l.each(an, f, func(key string, k, v *yaml.Node) error {
			kf := f + "." + key
			if key == "remove" {
				return l.boolean(v, kf, &remove)
			}
			if key == "reference" {
				return l.boolean(v, kf, &a.Reference)
			}
			s, err := l.str(v, kf)
			if err != nil {
				return err
			}
			switch key {
			case "target":
				a.Target = s
			case "type":
				a.Type, typeNode = Type(s), v
			case "source":
				a.Source = s
			case "constant":
				a.Constant = s
			case "expression":
				a.Expression = s
			case "default":
				a.Default, a.HasDefault = s, true
			case "apply":
				a.Apply = Apply(s)
			case "matching":
				p, err := strconv.Atoi(s)
				if err != nil {
					return l.err(v, kf, fmt.Errorf("want an integer precedence, got %q", s))
				}
				a.Matching = p
			default:
				return l.err(k, kf, fmt.Errorf("unknown field"))
			}
			return nil
		})
		if err != nil {
			return err
		}
		if a.Target == "" {
			return l.err(an, f+".target", fmt.Errorf("required field missing"))
		}
		idx := -1
		for j, b := range m.Attributes {
			if strings.EqualFold(b.Target, a.Target) {
				idx = j
			}
		}
		if remove {
			if idx < 0 {
				return l.err(an, f, fmt.Errorf("cannot remove %q: not in the base mapping", a.Target))
			}
			m.Attributes = append(m.Attributes[:idx], m.Attributes[idx+1:]...)
			continue
		}
		if a.Type == "" {
			a.Type = Direct
			if a.Expression != "" {
				a.Type = Expression
			} else if a.Constant != "" {
				a.Type = Constant
			}
		}
		if err := a.compile(); err != nil {
			// Point expression errors at the expression line.
			at := an
			if a.Type == Expression {
				if v := lookup(an, "expression"); v != nil {
					at = v
				}
			} else if typeNode != an {
				at = typeNode
			}
			return l.err(at, f, err)
		}
		if idx >= 0 {
			m.Attributes[idx] = a
		} else {
			m.Attributes = append(m.Attributes, a)
		}
	}
	return nil
}
