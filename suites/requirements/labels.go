package requirements

import (
	"fmt"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reports"
)

// Label scheme. Every spec carries its spec ID(s) as plain labels plus
// key:value labels (Ginkgo label sets), so runs can be narrowed with e.g.
//
//	ginkgo --label-filter='ENTRA-FLOW-04' ./suites
//	ginkgo --label-filter='profile: containsAny entra-core' ./suites
//	ginkgo --label-filter='feature: containsAny {groups, manager}' ./suites
const (
	LabelProfile    = "profile:"
	LabelFeature    = "feature:"
	LabelLevel      = "level:"
	LabelDialect    = "dialect:"
	LabelNeedsAdmin = "needs:admin"
)

// Labels returns the labels of a spec that checks the given behaviours: the
// IDs, and the profile, feature and level of each. It fails on an unknown ID
// so a typo in a spec cannot silently drop a behaviour from the report.
func Labels(ids ...string) ([]string, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("requirements.Labels: no spec ID given")
	}
	var out []string
	add := func(l string) {
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	for _, id := range ids {
		r, ok := Lookup(id)
		if !ok {
			return nil, fmt.Errorf("requirements.Labels: %q is not in the catalogue (suites/requirements/catalogue.go)", id)
		}
		add(r.ID)
		add(LabelProfile + string(r.Profile))
		add(LabelFeature + r.Feature)
		add(LabelLevel + string(r.Level))
		if r.NeedsAdmin {
			add(LabelNeedsAdmin)
		}
	}
	return out, nil
}

// DialectLabel is the label of a spec run in one PATCH dialect.
func DialectLabel(dialect scim.Dialect) string { return LabelDialect + string(dialect) }

// ParsedLabels is what a spec's labels say about it.
type ParsedLabels struct {
	IDs        []string
	Profiles   []reports.Profile
	Features   []Feature
	Dialect    scim.Dialect
	NeedsAdmin bool
}

// ParseLabels reads a spec's labels (its own and its containers').
func ParseLabels(labels []string) ParsedLabels {
	var p ParsedLabels
	for _, l := range labels {
		switch {
		case IsID(l):
			if !slices.Contains(p.IDs, l) {
				p.IDs = append(p.IDs, l)
			}
		case strings.HasPrefix(l, LabelProfile):
			p.Profiles = append(p.Profiles, reports.Profile(strings.TrimPrefix(l, LabelProfile)))
		case strings.HasPrefix(l, LabelFeature):
			p.Features = append(p.Features, Feature(strings.TrimPrefix(l, LabelFeature)))
		case strings.HasPrefix(l, LabelDialect):
			p.Dialect = scim.Dialect(strings.TrimPrefix(l, LabelDialect))
		case l == LabelNeedsAdmin:
			p.NeedsAdmin = true
		}
	}
	return p
}

// BlockedMessage is the message of a row blocked by behaviour by:
// "blocked by ENTRA-FLOW-04: …". Whether a spec was blocked is told by a
// report entry (framework.BlockedByEntry), never by parsing this text.
func BlockedMessage(by, reason string) string { return "blocked by " + by + ": " + reason }
