package framework

import (
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified

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
//	It("ENTRA-FLOW-04 creates a user with 201 and an id", Req("ENTRA-FLOW-04"), func(ctx SpecContext) {…})
func Req(ids ...string) Labels {
	ls, err := requirements.Labels(ids...)
	if err != nil {
		panic(err)
	}
	return Labels(ls)
}

// ForEachDialect declares body once per PATCH dialect, each inside a
// container labelled dialect:<name>. Dialects not selected for the run are
// reported as not applicable when they would run.
func ForEachDialect(body func(dialect string)) {
	for _, d := range requirements.Dialects {
		Context(fmt.Sprintf("dialect %s", d), Label(requirements.DialectLabel(d)), func() { body(d) })
	}
}
