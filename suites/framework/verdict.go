package framework

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/suites/exchange"
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
	// NotApplicableEntry names a behaviour of a running spec that does not
	// apply to the target (a Gtmhub-only ID beside an Entra one).
	NotApplicableEntry = "not applicable behaviour"
	// NotApplicableSpecEntry carries why a whole spec does not apply to the
	// target (see SkipNotApplicable): its rows are not applicable.
	NotApplicableSpecEntry = "not applicable"
	// BlockedByEntry names the behaviour whose failure blocked the spec (see
	// Block): its rows are blocked by it, not failed.
	BlockedByEntry = "blocked by"
)

// SkipNotApplicable ends the running spec as not applicable to the target,
// for the reason given (e.g. "feature etag declared unsupported"); the report
// shows its rows as not applicable with that reason. Never let such a spec
// pass instead.
func SkipNotApplicable(reason string) {
	GinkgoHelper()
	AddReportEntry(NotApplicableSpecEntry, reason)
	Skip("not applicable: " + reason)
}

// GtmhubNotApplicable is why Gtmhub-only behaviours do not apply to a target.
const GtmhubNotApplicable = "a Gtmhub-only behaviour, and the tenant URL does not have Gtmhub's shape (…" + adminapi.TenantPrefix + "{account}, GTM-01); ask for it with profiles: [gtmhub] in the options file or " + EnvProfiles + "=gtmhub"

// Owns reports whether the running spec checks behaviour id itself (it is one
// of the spec IDs of its labels).
func (f *Framework) Owns(id string) bool { return slices.Contains(f.ids, id) }

// ID is the first spec ID of the running spec (the one its text starts with).
func (f *Framework) ID() string {
	if len(f.ids) == 0 {
		return ""
	}
	return f.ids[0]
}

// Block ends the spec as blocked by behaviour id: something the spec needs
// (its precondition) failed, so its own behaviours could not be checked. The
// report shows its rows as blocked, naming id, never as failures of their own.
func (f *Framework) Block(id, reason string) {
	GinkgoHelper()
	f.blocked = true
	AddReportEntry(BlockedByEntry, id)
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
	if x, isExchange := actual.(*exchange.Response); isExchange && (err != nil || !ok) {
		f.SetCause(ExchangeCause(f.Target.TenantURL, x))
	}
	switch {
	case err != nil:
		f.Block(id, fmt.Sprintf("%s: %v", what, err))
	case !ok:
		f.Block(id, what+": "+m.FailureMessage(actual))
	}
}

// SetCause names the exchange a failure or block comes down to when it is not
// the spec's last one (see Cause), e.g. the request of a cycle that failed.
func (f *Framework) SetCause(cause string) { f.cause = cause }

// RecordedExchange returns the last recorded exchange with this method, URL
// path and status, or nil: the full answer of a request seen elsewhere (the
// engine's wire log) for SetCause.
func (f *Framework) RecordedExchange(method, path string, status int) *exchange.Response {
	xs := f.rec.Exchanges()
	for i := len(xs) - 1; i >= 0; i-- {
		x := xs[i]
		if x.Request.Method == method && x.Status == status && urlPath(x.Request.URL) == path {
			return x
		}
	}
	return nil
}

func urlPath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}

// Unmet reports a precondition of behaviour id that did not hold: a failure
// in a spec that checks id itself, a block anywhere else.
func (f *Framework) Unmet(id, reason string) {
	GinkgoHelper()
	if f.Owns(id) {
		f.checking = id // the failure is this behaviour's, the spec's others are not reached
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

// Ensure fails the spec with a message in the domain's words ("the 201
// carries no Location header") when ok is false, where a matcher would
// print its own internals.
func Ensure(ok bool, format string, args ...any) {
	GinkgoHelper()
	if !ok {
		Fail(fmt.Sprintf(format, args...))
	}
}
