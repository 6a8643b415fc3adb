package suites_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// placeholder is replaced in directory fixtures by the spec's unique name.
const placeholder = "PFX"

// cycleRun is one provisioning job of a cycle spec: the engine with its own
// state file (in the spec's temp dir, so parallel specs never share one), a
// client in the spec's dialect whose requests are recorded, and the
// directory text with the run prefix filled in.
type cycleRun struct {
	f      *framework.Framework
	pfx    string
	yaml   string
	store  *state.Store
	wire   *wire
	client *scim.Client
	eng    *engine.Engine
	events *eventLog
	// last are the requests of the last cycle (kept when a spec takes them
	// from wire), so a failure can be traced to the request behind it.
	last []wireCall
	// groups is false when the target does not offer groups (options or
	// discovery): the job then provisions users only, as an admin would
	// configure it, and specs leave the group checks out.
	groups bool

	// seen collects, per source object id, every userName, externalId and
	// group name this job may have provisioned it under, for the cleanup
	// sweep of objects the state file does not link.
	mu   sync.Mutex
	seen map[string]map[string]bool // id → "u:"+userName, "x:"+externalId, "g:"+displayName
}

// eventLog is an engine.Observer that keeps the outcome events of every
// cycle (the hook escrow and quarantine attach to).
type eventLog struct {
	mu     sync.Mutex
	events []engine.Event
}

func (l *eventLog) Exported(_ context.Context, e engine.Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
}

func (l *eventLog) CycleDone(context.Context, *engine.Summary) {}

func (l *eventLog) all() []engine.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]engine.Event(nil), l.events...)
}

// fixtureDirectory reads a directory fixture and fills in the prefix.
func fixtureDirectory(name, pfx string) string {
	GinkgoHelper()
	b, err := fixtures.Directory(name)
	Expect(err).NotTo(HaveOccurred())
	return strings.ReplaceAll(string(b), placeholder, pfx)
}

// newCycleRun sets up a provisioning job against the spec's target (call it
// after IsolateAccount, if any). Everything the job provisions is deleted
// after the spec, even when it fails: every linked object in the state file,
// and every object found by the directory's userNames, externalIds and group
// names (in case a cycle died before committing its links).
func newCycleRun(f *framework.Framework, fixture string, mod func(*engine.Options)) *cycleRun {
	GinkgoHelper()
	pfx := f.Name("cyc")
	r := &cycleRun{f: f, pfx: pfx, yaml: fixtureDirectory(fixture, pfx), wire: newWire(f), events: &eventLog{}, seen: map[string]map[string]bool{}}
	dialect := scim.Legacy
	if f.Dialect == scim.Compliant {
		dialect = scim.Compliant
	}
	c, err := scim.New(scim.Options{TenantURL: f.Target.TenantURL, Token: f.Target.Token, Dialect: dialect,
		Timeout: f.Config.RequestTimeout, Transport: r.wire, ManagerShape: f.Config.ManagerForm})
	Expect(err).NotTo(HaveOccurred())
	r.client = c
	ctx, cancel := f.Ctx()
	defer cancel()
	st, err := state.Open(ctx, filepath.Join(GinkgoT().TempDir(), "state.db"))
	Expect(err).NotTo(HaveOccurred())
	r.store = st
	DeferCleanup(func() { _ = st.Close() })
	cleaner, err := scim.New(scim.Options{TenantURL: f.Target.TenantURL, Token: f.Target.Token, Timeout: f.Config.RequestTimeout})
	Expect(err).NotTo(HaveOccurred())
	DeferCleanup(func() { r.cleanup(cleaner) })
	opt := engine.Options{Client: c, Store: st, Observer: r.events, SkipReferenceCheck: !f.Config.ReferenceCheck,
		KeepRecords: true}
	r.groups = f.Supports(requirements.FeatureGroups)
	if !r.groups {
		cfg := mapping.Gtmhub()
		cfg.Groups.Enabled = false
		opt.Config = cfg
	}
	if mod != nil {
		mod(&opt)
	}
	r.eng, err = engine.New(opt)
	Expect(err).NotTo(HaveOccurred())
	return r
}

// ifGroups returns n when the job provisions groups, else 0.
func (r *cycleRun) ifGroups(n int) int {
	if r.groups {
		return n
	}
	return 0
}

// id is the source object id of a fixture object ("u1" → "<prefix>-u1").
func (r *cycleRun) id(short string) string { return r.pfx + "-" + short }

// edit replaces exactly one occurrence of old (with PFX filled in) in the
// directory text, so a typo in a spec cannot silently edit nothing.
func (r *cycleRun) edit(old, new string) {
	GinkgoHelper()
	old = strings.ReplaceAll(old, placeholder, r.pfx)
	new = strings.ReplaceAll(new, placeholder, r.pfx)
	Expect(strings.Count(r.yaml, old)).To(Equal(1), "directory edit %q", old)
	r.yaml = strings.Replace(r.yaml, old, new, 1)
}

// cycle runs one cycle on the current directory text and returns its
// summary; the engine's requests since the last cycle are in r.wire.
func (r *cycleRun) cycle() *engine.Summary {
	GinkgoHelper()
	d, err := directory.Parse("conformance.yaml", []byte(r.yaml))
	Expect(err).NotTo(HaveOccurred())
	r.remember(d)
	ctx, cancel := context.WithTimeout(context.Background(), r.f.Config.SpecTimeout)
	defer cancel()
	r.wire.take()
	s, err := r.eng.Cycle(ctx, d)
	r.last = r.wire.peek()
	Expect(err).NotTo(HaveOccurred(), "the cycle could not run")
	return s
}

func (r *cycleRun) remember(d *directory.Directory) {
	r.mu.Lock()
	defer r.mu.Unlock()
	add := func(id, key string) {
		if r.seen[id] == nil {
			r.seen[id] = map[string]bool{}
		}
		r.seen[id][key] = true
	}
	for _, u := range d.Users {
		add(u.ObjectID, "u:"+u.UserPrincipalName)
		if u.MailNickname != "" {
			add(u.ObjectID, "x:"+u.MailNickname)
		}
	}
	for _, g := range d.Groups {
		add(g.ObjectID, "g:"+g.DisplayName)
	}
}

// link returns the target id the job linked to a fixture object.
func (r *cycleRun) link(kind state.Kind, short string) string {
	GinkgoHelper()
	ctx, cancel := r.f.Ctx()
	defer cancel()
	objs, err := r.store.Objects(ctx)
	Expect(err).NotTo(HaveOccurred())
	o := objs[state.Key{Kind: kind, SourceID: r.id(short)}]
	Expect(o).NotTo(BeNil(), "the job has no %s %s", kind, short)
	Expect(o.Linked()).To(BeTrue(), "the job did not link %s %s to a target object", kind, short)
	return o.TargetID
}

// object returns the job's memory of a fixture object (nil if none).
func (r *cycleRun) object(kind state.Kind, short string) *state.Object {
	GinkgoHelper()
	ctx, cancel := r.f.Ctx()
	defer cancel()
	objs, err := r.store.Objects(ctx)
	Expect(err).NotTo(HaveOccurred())
	return objs[state.Key{Kind: kind, SourceID: r.id(short)}]
}

// recordsOf returns the cycle's provisioning-log records of a fixture object.
func (r *cycleRun) recordsOf(s *engine.Summary, short string) []provlog.Record {
	var out []provlog.Record
	for _, rec := range s.Records {
		if rec.SourceIdentity.ID == r.id(short) {
			out = append(out, rec)
		}
	}
	return out
}

// expectRecord asserts the cycle logged exactly one record for the object,
// with the action and status.
func (r *cycleRun) expectRecord(s *engine.Summary, short string, action provlog.Action, status provlog.Status) provlog.Record {
	GinkgoHelper()
	recs := r.recordsOf(s, short)
	Expect(recs).To(HaveLen(1), "provisioning-log records of %s", short)
	rec := recs[0]
	Expect(rec.ProvisioningStatusInfo.Status).To(Equal(status), "status of %s's record: %s", short, describeRecord(rec))
	Expect(rec.ProvisioningAction).To(Equal(action), "action of %s's record", short)
	return rec
}

// cycleFailures describes the failed records of a cycle ("" when none).
func cycleFailures(s *engine.Summary) string {
	var failed []string
	for _, rec := range s.Records {
		if rec.ProvisioningStatusInfo.Status == provlog.StatusFailure {
			failed = append(failed, describeRecord(rec))
		}
	}
	switch {
	case len(failed) > 0:
		return fmt.Sprintf("the cycle logged %d failure(s): %s", len(failed), strings.Join(failed, "; "))
	case s.Counts.Failed > 0:
		return fmt.Sprintf("the cycle counted %d failed object(s)", s.Counts.Failed)
	}
	return ""
}

// initialCycle runs the first cycle a later-cycle spec builds on. It is
// ENTRA-CYCLE-01's behaviour: when it does not run clean, a spec that checks
// something else is blocked (by the behaviour of the request that failed, or
// by ENTRA-CYCLE-01) rather than failed.
func (r *cycleRun) initialCycle() *engine.Summary {
	GinkgoHelper()
	s := r.cycle()
	if msg := cycleFailures(s); msg != "" {
		id := behaviourOfFailure(r.f, r.last)
		if id == "" {
			id = "ENTRA-CYCLE-01"
		}
		r.f.Unmet(id, "initial cycle: "+msg)
	}
	return s
}

// clean requires the last cycle to have run without failures. A failure that
// comes down to a request of one behaviour (the manager PATCH of
// ENTRA-FLOW-08, a member add of ENTRA-FLOW-16, a create of ENTRA-FLOW-04, …)
// blocks the spec by that behaviour, or fails it when the spec checks that
// behaviour itself: one cause, one finding.
func (r *cycleRun) clean(s *engine.Summary) {
	GinkgoHelper()
	msg := cycleFailures(s)
	if msg == "" {
		return
	}
	if id := behaviourOfFailure(r.f, r.last); id != "" {
		r.f.Unmet(id, msg)
	}
	Fail(msg)
}

func describeRecord(rec provlog.Record) string {
	s := fmt.Sprintf("%s %s %s", rec.SourceIdentity.ID, rec.ProvisioningAction, rec.ProvisioningStatusInfo.Status)
	if e := rec.ProvisioningStatusInfo.ErrorInformation; e != nil {
		s += fmt.Sprintf(": Entra would log %s: %s (%s)", e.ErrorCode, e.Reason, strings.TrimSpace(e.AdditionalDetails))
	}
	return s
}

// cleanup deletes what the job provisioned: linked objects first, then a
// sweep by matching attribute for anything left unlinked.
func (r *cycleRun) cleanup(c *scim.Client) {
	ctx, cancel := context.WithTimeout(context.Background(), r.f.Config.SpecTimeout)
	defer cancel()
	ids := map[string]bool{}
	groups := map[string]bool{}
	linked := map[string]bool{}
	if objs, err := r.store.Objects(ctx); err == nil {
		for k, o := range objs {
			if !o.Linked() {
				continue
			}
			linked[k.SourceID] = true
			if k.Kind == state.KindGroup {
				groups[o.TargetID] = true
			} else {
				ids[o.TargetID] = true
			}
		}
	}
	r.mu.Lock()
	var seen []string
	for id, keys := range r.seen {
		if linked[id] {
			continue // deleted by its link; no need to search for it
		}
		for k := range keys {
			seen = append(seen, k)
		}
	}
	r.mu.Unlock()
	for _, k := range seen {
		var res *scim.Result
		var err error
		switch k[:2] {
		case "u:":
			res, err = c.MatchUser(ctx, "userName", k[2:])
		case "x:":
			res, err = c.MatchUser(ctx, "externalId", k[2:])
		case "g:":
			res, err = c.MatchGroup(ctx, k[2:])
		}
		if err != nil || res == nil || !res.Found() {
			continue
		}
		if k[:2] == "g:" {
			groups[res.ID()] = true
		} else {
			ids[res.ID()] = true
		}
	}
	for id := range groups {
		if _, err := c.DeleteGroup(ctx, id); err != nil {
			GinkgoWriter.Printf("cleanup: delete group %s: %v\n", id, err)
		}
	}
	for id := range ids {
		if _, err := c.DeleteUser(ctx, id); err != nil {
			GinkgoWriter.Printf("cleanup: delete user %s: %v\n", id, err)
		}
	}
}
