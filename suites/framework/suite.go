package framework

import (
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

var (
	stateMu sync.RWMutex
	config  *Config
	target  *Target
)

// Use installs the run's configuration and target; the suite calls it in
// SynchronizedBeforeSuite on every parallel process.
func Use(c *Config, t *Target) {
	stateMu.Lock()
	defer stateMu.Unlock()
	config, target = c, t
}

// Current returns the run's configuration and target (nil before Use).
func Current() (*Config, *Target) {
	stateMu.RLock()
	defer stateMu.RUnlock()
	return config, target
}

// Req returns the Ginkgo labels of a spec checking the given behaviours (spec
// IDs from the catalogue): the IDs, profile:, feature:, level: and, when
// needed, needs:admin. An unknown ID panics while the spec tree is built, so
// the typo is reported before anything runs.
//
// Declare specs with Spec, SpecTable and SpecEntry, which write the first ID
// into the spec's text:
//
//	Spec(Req("ENTRA-FLOW-04"), "creates a user with 201 and an id", func(ctx SpecContext) {…})
func Req(ids ...string) Labels {
	ls, err := requirements.Labels(ids...)
	if err != nil {
		panic(err)
	}
	return Labels(ls)
}

// Spec declares a spec (Ginkgo's It) that checks the behaviours of req (from
// Req), so each ID is written once: the spec's text is text prefixed with
// the first ID ("ENTRA-FLOW-04 creates a user …"), as artefact names, report
// messages and --focus see it. args are It's decorators and body.
func Spec(req Labels, text string, args ...any) bool {
	GinkgoHelper()
	return It(specText(req, text), append([]any{req}, args...)...)
}

// SpecTable declares a DescribeTable checking the behaviours of req, its text
// prefixed with the first ID like Spec's.
func SpecTable(req Labels, text string, args ...any) bool {
	GinkgoHelper()
	return DescribeTable(specText(req, text), append([]any{req}, args...)...)
}

// SpecEntry declares a table Entry checking the behaviours of req, its text
// prefixed with the first ID like Spec's; the table body reads that ID with
// Framework.ID. params are Entry's decorators and parameters.
func SpecEntry(req Labels, text string, params ...any) TableEntry {
	GinkgoHelper()
	return Entry(specText(req, text), append([]any{req}, params...)...)
}

// specText prefixes text with the first spec ID of req, which Req puts first.
func specText(req Labels, text string) string {
	if len(req) == 0 || !requirements.IsID(req[0]) {
		panic(fmt.Sprintf("framework.Spec: labels %v do not come from Req (no spec ID first)", req))
	}
	return req[0] + " " + text
}

// ForEachDialect declares body once per PATCH dialect, each inside a
// container labelled dialect:<name>. Dialects not selected for the run are
// reported as not applicable when they would run.
func ForEachDialect(body func(dialect scim.Dialect)) {
	for _, d := range requirements.Dialects {
		Context(fmt.Sprintf("dialect %s", d), Label(requirements.DialectLabel(d)), func() { body(d) })
	}
}
