package requirements

import (
	"fmt"
	"regexp"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reports"
)

// Requirement is one catalogue entry.
type Requirement struct {
	reports.Requirement
	// PerDialect is true when the behaviour depends on the PATCH dialect, so
	// its specs run once per dialect (legacy, compliant).
	PerDialect bool
	// NeedsAdmin is true when checking the behaviour needs the target's admin
	// API (fault injection or the request journal); without it the spec is
	// reported as not applicable.
	NeedsAdmin bool
}

// Feature groups behaviours a target may or may not support (users, groups,
// ...); its name is the text of the feature: label.
type Feature string

// Features: a target may lack some (declared in the options file); specs of
// a missing feature are reported as not applicable.
const (
	FeatureAuth           Feature = "auth"
	FeatureHTTP           Feature = "http"
	FeatureDiscovery      Feature = "discovery"
	FeatureUsers          Feature = "users"
	FeatureGroups         Feature = "groups"
	FeatureManager        Feature = "manager"
	FeatureFilters        Feature = "filters"
	FeaturePagination     Feature = "pagination"
	FeaturePatch          Feature = "patch"
	FeaturePatchLegacy    Feature = "patch-legacy"
	FeaturePatchCompliant Feature = "patch-compliant"
	FeatureErrors         Feature = "errors"
	FeatureETag           Feature = "etag"
	FeatureValidator      Feature = "validator"
	FeatureFaults         Feature = "faults"
	FeatureJournal        Feature = "journal"
	FeatureCycle          Feature = "cycle"
	FeatureLoad           Feature = "load"
)

// Features lists every feature name, in display order.
var Features = []Feature{
	FeatureAuth, FeatureHTTP, FeatureDiscovery, FeatureUsers, FeatureGroups, FeatureManager,
	FeatureFilters, FeaturePagination, FeaturePatch, FeaturePatchLegacy, FeaturePatchCompliant,
	FeatureErrors, FeatureETag, FeatureValidator, FeatureFaults, FeatureJournal, FeatureCycle, FeatureLoad,
}

// Dialects are Entra's two PATCH dialects (ENTRA-PATCH-06).
var Dialects = []scim.Dialect{scim.Legacy, scim.Compliant}

// DialectFeature is the feature a dialect's specs belong to in addition to
// their own, so a target can declare one dialect unsupported.
func DialectFeature(dialect scim.Dialect) Feature { return Feature("patch-" + string(dialect)) }

var idPattern = regexp.MustCompile(`^(ENTRA-[A-Z]+|GTM|RFC|VAL)-\d{2}$`)

// IsID reports whether s looks like a spec ID (ENTRA-FLOW-04, GTM-06, RFC-01, VAL-04).
func IsID(s string) bool { return idPattern.MatchString(s) }

var byID = func() map[string]Requirement {
	m := make(map[string]Requirement, len(catalogue))
	for _, r := range catalogue {
		if _, dup := m[r.ID]; dup {
			panic(fmt.Sprintf("requirements: duplicate catalogue entry %s", r.ID))
		}
		m[r.ID] = r
	}
	return m
}()

// All returns the catalogue in its declared order (a copy).
func All() []Requirement { return append([]Requirement(nil), catalogue...) }

// Lookup returns the entry for a spec ID.
func Lookup(id string) (Requirement, bool) {
	r, ok := byID[id]
	return r, ok
}

// Describe returns the report view of a spec ID (for the report builder).
func Describe(id string) (reports.Requirement, bool) {
	r, ok := byID[id]
	return r.Requirement, ok
}
