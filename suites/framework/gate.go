package framework

import (
	"fmt"
	"slices"

	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// NotApplicable returns why a spec with these labels cannot apply to the
// target under this configuration, or "" when it should run. Forced
// features override what discovery says, never an explicit skip.
func NotApplicable(c *Config, t *Target, p requirements.ParsedLabels) string {
	if p.Dialect != "" && !slices.Contains(c.Dialects, p.Dialect) {
		return fmt.Sprintf("dialect %s not selected (dialects: %v)", p.Dialect, c.Dialects)
	}
	features := slices.Clone(p.Features)
	if p.Dialect != "" {
		features = append(features, requirements.DialectFeature(p.Dialect))
	}
	for _, f := range features {
		if slices.Contains(c.SkipFeatures, f) {
			return fmt.Sprintf("feature %s declared unsupported in the options file", f)
		}
		if t != nil && slices.Contains(t.Unsupported, f) && !slices.Contains(c.ForceFeatures, f) {
			return fmt.Sprintf("the target's discovery endpoints say feature %s is unsupported (list it under features.force to test it anyway)", f)
		}
	}
	if len(p.Profiles) > 0 && !slices.ContainsFunc(p.Profiles, func(name reports.Profile) bool { return name != reports.ProfileGtmhub }) && !c.GtmhubApplies(t) {
		return GtmhubNotApplicable
	}
	if !c.ReferenceCheck && slices.Contains(p.IDs, "ENTRA-FLOW-06") && len(p.IDs) == 1 {
		return "the reference check (ENTRA-FLOW-06) is switched off (referenceCheck: false, " + EnvReferenceCheck + ")"
	}
	if p.NeedsAdmin && (t == nil || t.Admin == nil) {
		return "needs the reference server's admin API (faults, journal); set SCIM_ADMIN_TOKEN for a reference-server target"
	}
	return ""
}

// Supports reports whether the run tests feature on this target: not
// declared unsupported in the options, and not reported unsupported by
// discovery unless forced. Specs use it to leave out parts a target lacks
// (e.g. groups in a provisioning cycle) rather than fail on them.
func (f *Framework) Supports(feature requirements.Feature) bool {
	return NotApplicable(f.Config, f.Target, requirements.ParsedLabels{Features: []requirements.Feature{feature}}) == ""
}
