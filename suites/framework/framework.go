package framework

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2" //nolint:revive // Ginkgo's DSL reads best unqualified

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/exchange"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// Framework is what one spec uses: the configuration, the target, an HTTP
// client recording its exchanges, and helpers that clean up after it.
// Create it with New inside a Describe; its fields are set before each spec.
type Framework struct {
	Config *Config
	Target *Target
	// HTTP talks to the target's tenant URL with the SCIM token.
	HTTP *HTTP
	// Dialect is the spec's PATCH dialect ("" outside ForEachDialect).
	Dialect scim.Dialect

	rec *Recorder
	// deadline ends the spec's HTTP calls once the spec timeout is spent.
	deadline time.Time
	// ids are the spec IDs the running spec checks (its labels).
	ids []string
	// checking is the behaviour whose Check is running ("" outside one).
	checking string
	// blocked is set when the spec ended through Block.
	blocked bool
	// cause, when set, names what a failure or block comes down to.
	cause string
}

var nameSeq atomic.Int64

// New registers the per-spec setup: a spec that cannot apply to the target is
// skipped as not applicable, a fresh recorder and client are made, and when
// the spec fails its HTTP exchanges are written as an artefact.
func New() *Framework {
	f := &Framework{}
	BeforeEach(func() {
		cfg, t := Current()
		if cfg == nil || t == nil {
			Skip("no target: the suite setup did not provide one")
		}
		f.Config, f.Target = cfg, t
		labels := requirements.ParseLabels(CurrentSpecReport().Labels())
		if why := NotApplicable(cfg, t, labels); why != "" {
			SkipNotApplicable(why)
		}
		f.Dialect = labels.Dialect
		f.ids, f.checking, f.blocked, f.cause = labels.IDs, "", false, ""
		// A spec that runs for one profile may carry a Gtmhub-only ID too;
		// that row alone is not applicable on other targets.
		if !cfg.GtmhubApplies(t) {
			for _, id := range labels.IDs {
				if r, ok := requirements.Lookup(id); ok && r.Profile == reports.ProfileGtmhub {
					AddReportEntry(NotApplicableEntry, id)
				}
			}
		}
		f.deadline = time.Now().Add(cfg.SpecTimeout)
		f.rec = &Recorder{}
		h, err := NewHTTP(t.TenantURL, t.Token, cfg.RequestTimeout, f.rec)
		if err != nil {
			Fail(err.Error())
		}
		f.HTTP = h
	})
	AfterEach(func() {
		r := CurrentSpecReport()
		if !(r.Failed() || f.blocked) || f.rec == nil {
			return
		}
		if r.Failed() && f.checking != "" {
			AddReportEntry(FailedCheckEntry, f.checking)
		}
		xs := f.rec.Exchanges()
		cause := f.cause
		if cause == "" {
			cause = Cause(f.Target.TenantURL, xs)
		}
		if cause != "" {
			AddReportEntry(CauseEntry, cause)
		}
		labels := requirements.ParseLabels(r.Labels())
		parts := append(slices.Clone(labels.IDs), string(labels.Dialect), strings.TrimSuffix(filepath.Base(r.FileName()), ".go"), strconv.Itoa(r.LineNumber()))
		parts = slices.DeleteFunc(parts, func(p string) bool { return p == "" })
		name := strings.Join(parts, "_")
		rel, err := WriteArtefact(f.Config.ReportDir, name, r.FullText(), r.FailureMessage(), xs, f.rec.Dropped())
		if err != nil {
			GinkgoWriter.Printf("could not write the artefact of a failed spec: %v\n", err)
			return
		}
		AddReportEntry(ArtefactEntry, rel)
	})
	return f
}

// Name returns a name unique to this run and process, carrying the run
// prefix, so everything the suite creates in a real tenant is recognisable
// and cannot clash with parallel processes.
func (f *Framework) Name(base string) string {
	return fmt.Sprintf("%s-%s-p%d-%d", f.Config.RunPrefix, base, GinkgoParallelProcess(), nameSeq.Add(1))
}

// Ctx returns a context bounded by the request timeout and by what is left
// of the spec timeout (options timeouts.spec).
func (f *Framework) Ctx() (context.Context, context.CancelFunc) {
	return requestContext(time.Now(), f.Config.RequestTimeout, f.deadline)
}

func requestContext(now time.Time, timeout time.Duration, specDeadline time.Time) (context.Context, context.CancelFunc) {
	d := now.Add(timeout)
	if !specDeadline.IsZero() && specDeadline.Before(d) {
		d = specDeadline
	}
	return context.WithDeadline(context.Background(), d)
}

// Do sends a request, failing the spec on a transport error.
func (f *Framework) Do(r Request) *exchange.Response {
	GinkgoHelper()
	ctx, cancel := f.Ctx()
	defer cancel()
	x, err := f.HTTP.Do(ctx, r)
	if err != nil {
		Fail(err.Error())
	}
	return x
}

// Get sends a GET below the tenant URL.
func (f *Framework) Get(path string, query map[string]string) *exchange.Response {
	GinkgoHelper()
	q := map[string][]string{}
	for k, v := range query {
		q[k] = []string{v}
	}
	return f.Do(Request{Method: http.MethodGet, Path: path, Query: q})
}

// Create POSTs body to collection ("Users" or "Groups") and, when the target
// answers with an id, deletes the resource again in DeferCleanup, even when
// the spec fails. It returns the answer; the caller asserts on it.
func (f *Framework) Create(collection string, body any) *exchange.Response {
	GinkgoHelper()
	x := f.Do(Request{Method: http.MethodPost, Path: "/" + collection, Body: body})
	if x.Status/100 == 2 {
		var created struct {
			ID string `json:"id"`
		}
		if err := x.DecodeJSON(&created); err == nil && created.ID != "" {
			f.deleteLater(collection, created.ID)
		}
	}
	return x
}

// deleteLater removes a created resource after the spec. Cleanup talks to the
// target directly (not through the spec's recorder) and tolerates 404, since
// the spec itself may have deleted it.
func (f *Framework) deleteLater(collection, id string) {
	h, err := NewHTTP(f.Target.TenantURL, f.Target.Token, f.Config.RequestTimeout, nil)
	if err != nil {
		return
	}
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), f.Config.RequestTimeout)
		defer cancel()
		x, err := h.Do(ctx, Request{Method: http.MethodDelete, Path: "/" + collection + "/" + id})
		if err != nil {
			GinkgoWriter.Printf("cleanup: delete %s/%s: %v\n", collection, id, err)
			return
		}
		if x.Status/100 != 2 && x.Status != http.StatusNotFound {
			GinkgoWriter.Printf("cleanup: delete %s/%s answered %d\n", collection, id, x.Status)
		}
	})
}

// NewUser returns an Entra-style create body (ENTRA-FLOW-04) for a user
// named from base with the run prefix.
func (f *Framework) NewUser(base string) map[string]any {
	name := f.Name(base)
	return map[string]any{
		"schemas":    []string{protocol.UserSchema, protocol.EnterpriseUserSchema},
		"externalId": name,
		"userName":   name + "@conformance.example.test",
		"active":     true,
		"emails":     []map[string]any{{"primary": true, "type": "work", "value": name + "@conformance.example.test"}},
		"meta":       map[string]any{"resourceType": "User"},
		"name":       map[string]any{"formatted": "Given " + base, "familyName": base, "givenName": "Given"},
		"roles":      []any{},
	}
}

// NewGroup returns an Entra-style group create body (ENTRA-FLOW-13).
func (f *Framework) NewGroup(base string) map[string]any {
	return map[string]any{
		"schemas":     []string{protocol.GroupSchema, protocol.ADSCIMGroupSchema},
		"externalId":  f.Name(base),
		"displayName": f.Name(base),
		"meta":        map[string]any{"resourceType": "Group"},
	}
}

// IsolateAccount moves the spec onto a fresh account of the reference server
// (admin API), so fault plans and the journal of this spec cannot disturb
// specs running in parallel. It returns the admin client and the account id;
// the spec must be labelled needs:admin (catalogue NeedsAdmin), otherwise it
// fails on targets without an admin API.
func (f *Framework) IsolateAccount() (*AdminClient, string) {
	GinkgoHelper()
	if f.Target.Admin == nil {
		Fail("IsolateAccount needs the admin API; label the spec with a needs:admin requirement")
	}
	admin := NewAdminClient(f.Target.Admin, f.Config.RequestTimeout)
	ctx, cancel := f.Ctx()
	defer cancel()
	id, tenantURL, token, err := admin.NewAccount(ctx)
	if err != nil {
		Fail(err.Error())
	}
	// The account goes with the spec, also on a persistent server: its
	// users, groups, tokens, journal and fault plan.
	DeferCleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), f.Config.RequestTimeout)
		defer cancel()
		if err := admin.DeleteAccount(ctx, id); err != nil {
			GinkgoWriter.Printf("cleanup: delete account %s: %v\n", id, err)
		}
	})
	t := *f.Target
	t.TenantURL, t.Token = tenantURL, token
	t.Admin = &Admin{URL: f.Target.Admin.URL, Token: f.Target.Admin.Token, AccountID: id}
	f.Target = &t
	h, err := NewHTTP(tenantURL, token, f.Config.RequestTimeout, f.rec)
	if err != nil {
		Fail(err.Error())
	}
	f.HTTP = h
	return admin, id
}
