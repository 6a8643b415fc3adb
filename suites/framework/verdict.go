package framework

import (
	"fmt"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// Report entries through which a spec tells the report builder which of its
// behaviours an outcome belongs to (one behaviour, one verdict).
const (
	// CheckedEntry names a behaviour whose Check completed.
	CheckedEntry = "checked behaviour"
	// FailedCheckEntry names the behaviour whose Check was running when the
	// spec failed: the failure counts against it alone.
	FailedCheckEntry = "failed behaviour"
	// CauseEntry carries the cause of a failed or blocked spec (see Cause).
	CauseEntry = "cause"
)

// Owns reports whether the running spec checks behaviour id itself (it is one
// of the spec IDs of its labels).
func (f *Framework) Owns(id string) bool { return slices.Contains(f.ids, id) }

// Block ends the spec as blocked by behaviour id: something the spec needs
// (its precondition) failed, so its own behaviours could not be checked. The
// report shows its rows as blocked, naming id, never as failures of their own.
func (f *Framework) Block(id, reason string) {
	GinkgoHelper()
	f.blocked = true
	Skip(requirements.BlockedMessage(id, oneLine(reason)))
}

// Require asserts a precondition that belongs to behaviour id (e.g. the
// create of ENTRA-FLOW-04 that a PATCH spec needs). In a spec that checks id
// itself a mismatch is an ordinary failure; elsewhere it blocks the spec.
func (f *Framework) Require(id string, actual any, m types.GomegaMatcher, what string) {
	GinkgoHelper()
	if f.Owns(id) {
		gomega.Expect(actual).To(m, what)
		return
	}
	ok, err := m.Match(actual)
	switch {
	case err != nil:
		f.Block(id, fmt.Sprintf("%s: %v", what, err))
	case !ok:
		f.Block(id, what+": "+m.FailureMessage(actual))
	}
}

// Unmet reports a precondition of behaviour id that did not hold: a failure
// in a spec that checks id itself, a block anywhere else.
func (f *Framework) Unmet(id, reason string) {
	GinkgoHelper()
	if f.Owns(id) {
		Fail(reason)
	}
	f.Block(id, reason)
}

// Check runs the assertions of one behaviour of a spec that carries several
// IDs. A failure inside counts against id alone; behaviours whose Check
// completed before it count as passed, and those not reached as blocked by id.
func (f *Framework) Check(id string, body func()) {
	GinkgoHelper()
	if !f.Owns(id) {
		Fail(fmt.Sprintf("Check(%s): the spec is not labelled with %s; add it to Req", id, id))
	}
	f.checking = id
	body()
	f.checking = ""
	AddReportEntry(CheckedEntry, id)
}

// oneLine keeps the first paragraph of a reason: the exchange that explains
// it goes to the artefact, not into the row.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.Index(s, "\n\n"); i >= 0 {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), " ")
}
