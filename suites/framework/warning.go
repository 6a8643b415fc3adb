package framework

import (
	"fmt"

	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// WarningEntry names the report entry the suite shows before it starts,
// whatever the verbosity.
const WarningEntry = "warning"

// LoadWarning says, before any spec runs, what the load specs will put on a
// tenant that is not one the suite started itself (a URL target): how many
// users and groups they create and at what pace, how to shrink or skip them,
// and that a real tenant may have licence (seat) limits. "" when the load
// specs do not apply or the target is the suite's own.
func LoadWarning(c *Config, t *Target) string {
	if t == nil || t.Kind != TargetURL {
		return ""
	}
	if NotApplicable(c, t, requirements.ParsedLabels{Features: []requirements.Feature{requirements.FeatureLoad}}) != "" {
		return ""
	}
	return fmt.Sprintf("the load specs will create %d users and %d groups in %s (names prefixed %q, deleted afterwards) "+
		"with up to %d objects in flight, and send 25 filter queries per second for 2 s. A tenant with licence or seat limits "+
		"may refuse or bill them: lower load.users/load.groups in the options file, or skip them with features: {skip: [load]} "+
		"or --label-filter='!feature: containsAny load'",
		c.Load.Users, c.Load.Groups, t.TenantURL, c.RunPrefix, c.Load.Concurrency)
}
