package reproduce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
)

// Options configure Replay.
type Options struct {
	// Client sends the requests to the tenant URL; required.
	Client *scim.Client
	// Seed creates stand-ins for the objects the action works on (the user
	// to update, disable or delete, a manager, group members) instead of
	// using the record's target ids, for a target that does not hold the
	// record's objects, such as a throwaway server. A record that does not
	// name a referenced object (a failed manager or member update) is
	// always replayed on stand-ins, so that no existing object gets a
	// reference the record never had.
	Seed bool
	// DryRun says that Client sends nothing (its transport is
	// DryRunTransport): the requests are printed, the answers are invented.
	DryRun bool
	// Out receives each request and answer; nil discards them.
	Out io.Writer
	// BeforeCleanup, if set, runs before the objects the replay created are
	// removed (the throwaway server clears its fault plan there).
	BeforeCleanup func(context.Context) error
}

// Verdict is the outcome of one replay.
type Verdict string

// Verdicts.
const (
	// Reproduced: the replay ends with the record's error code (app prefix
	// aside, BaseCode), or succeeds like the record.
	Reproduced Verdict = "REPRODUCED"
	// NotReproduced: another answer, or the action was not sent because it
	// would have changed an object that existed before (Report.Blocked).
	NotReproduced Verdict = "NOT REPRODUCED"
	// NothingToReplay: Entra sent nothing for this record (skipped,
	// stagedDelete, a source-side failure, nothing left to change).
	NothingToReplay Verdict = "NOTHING TO REPLAY"
	// DryRun: the requests were shown, none was sent.
	DryRun Verdict = "DRY RUN"
)

// Exchange is one request sent and Entra's reading of the answer.
type Exchange struct {
	// Setup is true for a request that prepares the action (a stand-in
	// object, a member to remove), not part of the replayed action.
	Setup  bool
	Result *scim.Result
}

// Object is an object the replay created on the target.
type Object struct {
	// Kind is "user" or "group"; Name its userName or displayName.
	Kind, ID, Name string
}

// Report is the replay's result.
type Report struct {
	Entry *Entry
	// Expected is the record's errorCode ("" for a success).
	Expected string
	// Got is the replay's error code ("" for a success): that of the first
	// failed request of the action, else that of a failed reference check
	// (a warning, ENTRA-FLOW-06). Final is that request, else the last.
	Got   string
	Final *scim.Result
	// Verdict sums up; Reproduced is Verdict == Reproduced.
	Verdict    Verdict
	Reproduced bool
	// Blocked says why the action was not sent (it would have changed an
	// object that existed before the replay).
	Blocked   string
	Exchanges []Exchange
	// Gaps lists what the record does not hold and the replay assumed.
	Gaps []string
	// Warnings are problems with the record itself (attribute names that
	// are not SCIM attributes).
	Warnings []string
	// Created are the objects the replay created; Cleanup the requests that
	// removed them; Leftovers those it could not remove.
	Created   []Object
	Cleanup   []Exchange
	Leftovers []string
	// FaultPlans are the catalogue's plans producing Expected, listed when
	// the record is not reproduced.
	FaultPlans []string
}

// Replay sends the requests of the record's action, compares the outcome
// with the record's error code and removes what it created, even when the
// replay fails.
func Replay(ctx context.Context, e *Entry, opt Options) (*Report, error) {
	if opt.Client == nil {
		return nil, fmt.Errorf("reproduce: a SCIM client is required")
	}
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	r := &replay{e: e, opt: opt, c: opt.Client, seed: opt.Seed, paths: map[string]string{},
		rep: &Report{Entry: e, Expected: e.ErrorCode}}
	if e.Status == "success" || e.Status == "skipped" {
		r.rep.Expected = ""
	}
	fmt.Fprintf(opt.Out, "Record %s\n  %s of %s %q (source %s, target %s), status %s, errorCode %q\n",
		e.Label(), e.Action, kindOf(e), displayName(e), orNone(e.Source.ID), orNone(e.Target.ID), orNone(e.Status), e.ErrorCode)
	r.checkAttributes()
	r.need = r.analyze()
	if why := r.nothingToSend(); why != "" {
		r.rep.Verdict = NothingToReplay
		fmt.Fprintf(opt.Out, "\nNOTHING TO REPLAY: %s.\n", why)
		return r.rep, nil
	}
	r.gap("The attribute mapping and its expressions: the values replayed are the ones the record lists, already mapped.")
	err := r.run(ctx)
	if errors.Is(err, errSetup) {
		fmt.Fprintln(opt.Out, "  the target refused a setup request, so the action itself was not sent; that answer counts as the result")
		err = nil
	}
	r.cleanup(ctx)
	if err != nil {
		return nil, err
	}
	r.verdict()
	return r.rep, nil
}

// errSetup: a setup request failed; its answer becomes the result.
var errSetup = errors.New("setup request failed")

type replay struct {
	e    *Entry
	opt  Options
	c    *scim.Client
	rep  *Report
	need refNeed
	// seed: work on stand-ins (Options.Seed, or forced by a record that
	// does not name a referenced object).
	seed bool
	// paths maps a modified property's name to its SCIM path ("" = not a
	// SCIM attribute, left out).
	paths map[string]string
	// last and firstFail are the action's last and first failed requests;
	// checkWarn the code of a failed reference check.
	last, firstFail *scim.Result
	checkWarn       string
	// standInChange: a failed update whose changes the record does not
	// list is given one (displayName) so that the PATCH is sent.
	standInChange bool
	orphans       []orphan
}

// orphan is a create that got no usable answer: the object may exist.
// checked is true when the replay saw that no object with that name
// existed before, so one found afterwards is the replay's.
type orphan struct {
	obj     Object
	checked bool
}

func (r *replay) gap(s string) {
	if !slices.Contains(r.rep.Gaps, s) {
		r.rep.Gaps = append(r.rep.Gaps, s)
	}
}

func (r *replay) warn(s string) {
	r.rep.Warnings = append(r.rep.Warnings, s)
	fmt.Fprintln(r.opt.Out, "  WARNING: "+s)
}

// checkAttributes maps each modified property to its SCIM path and warns
// about names that are not SCIM attributes (for example Entra's source
// names in a record from the source side); those are left out.
func (r *replay) checkAttributes() {
	for _, p := range r.e.Modified {
		if _, done := r.paths[p.Name]; done {
			continue
		}
		ok, q := attributeCheck(p.Name)
		if ok {
			r.paths[p.Name] = q
			if q != p.Name {
				r.gap(fmt.Sprintf("%s is an attribute of the enterprise extension: sent as %s.", p.Name, q))
			}
			continue
		}
		r.paths[p.Name] = ""
		msg := fmt.Sprintf("modifiedProperties lists %q, which is not a SCIM attribute (an Entra source attribute name? the record may describe the source side); it is left out of the requests", p.Name)
		if h := sourceHint(p.Name); h != "" {
			msg += "; Entra's default mapping sends it as " + h
		}
		r.warn(msg)
	}
}

// refNeed is what the record says about references (ENTRA-REF-01).
type refNeed struct {
	manager   bool
	managerID string // "" when the record does not name the manager
	members   bool
	adds      []string
	removes   []string
	// unknownMembers: a member update failed and the record lists no member.
	unknownMembers bool
	// failedRef: a referenceResolution step failed.
	failedRef bool
}

func (r *replay) analyze() refNeed {
	var n refNeed
	for _, p := range r.e.Modified {
		path := r.paths[p.Name]
		switch {
		case path == "":
		case isManager(path):
			if p.New != nil && *p.New != "" {
				n.manager, n.managerID = true, *p.New
			} else {
				r.gap("A manager removal: Entra sends it only with the ClearManager option (UNC-10); it is not replayed.")
			}
		case strings.EqualFold(path, "members"):
			switch {
			case p.New != nil && *p.New != "":
				n.adds = append(n.adds, splitIDs(*p.New)...)
			case p.Old != nil && *p.Old != "":
				n.removes = append(n.removes, splitIDs(*p.Old)...)
			}
		}
	}
	n.members = len(n.adds)+len(n.removes) > 0
	for _, s := range r.e.Steps {
		if !strings.EqualFold(s.Type, "referenceResolution") || s.Status != "failure" {
			continue
		}
		n.failedRef = true
		attr := strings.ToLower(s.Details["attribute"])
		if attr == "" {
			attr = "manager"
			if r.e.IsGroup() {
				attr = "members"
			}
		}
		switch {
		case strings.Contains(attr, "manager"):
			n.manager = true
		case strings.Contains(attr, "member"):
			if !n.members {
				n.members, n.unknownMembers = true, true
			}
		}
	}
	if (n.manager && n.managerID == "") || n.unknownMembers {
		if !r.seed {
			r.gap("The referenced object: the record does not name it, so the whole replay works on stand-ins (as with --seed), and no existing object gets a reference the record never had.")
		}
		r.seed = true
	}
	return n
}

func splitIDs(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// sourceSide are codes of failures on the Entra side: nothing was sent.
var sourceSide = map[string]bool{
	outcome.CodeDuplicateSourceEntries:      true,
	outcome.CodeImportSkipped:               true,
	outcome.CodeEntrySynchronizationSkipped: true,
}

// nothingToSend says why Entra sent nothing for the record, "" when it did.
func (r *replay) nothingToSend() string {
	e := r.e
	switch e.Action {
	case "create", "update", "disable", "delete", "other":
	case "stagedDelete":
		return "a stagedDelete waits for Allow deletes (accidental-deletion prevention, ENTRA-DEL-01): Entra sent nothing to the target"
	default:
		return fmt.Sprintf("the action %q sends nothing to the target", e.Action)
	}
	if e.Status == "skipped" {
		return "the record is skipped (out of scope, already in sync, or a required value missing): Entra sent nothing to the target"
	}
	if code := BaseCode(e.ErrorCode, e.App); sourceSide[code] {
		return code + " is a failure on the Entra side: nothing was sent to the target"
	}
	if r.rep.Expected != "" {
		sent, before := false, ""
		for _, s := range e.Steps {
			switch t := strings.ToLower(s.Type); t {
			case "matching", "export", "referenceresolution":
				sent = true
			case "import", "scoping", "processing":
				if s.Status == "failure" && before == "" {
					before = t
				}
			}
		}
		if before != "" && !sent {
			return "the record failed in its " + before + " step, before any request to the target"
		}
	}
	if e.Action == "other" && !r.need.failedRef {
		return "an \"other\" record without a failed reference resolution: Entra found nothing to change and sent nothing"
	}
	return ""
}

func (r *replay) run(ctx context.Context) error {
	e := r.e
	switch {
	case e.Action == "other" && e.IsGroup():
		return r.groupReferences(ctx)
	case e.Action == "other":
		return r.userReferences(ctx)
	case e.Action == "create" && e.IsGroup():
		return r.createGroup(ctx)
	case e.Action == "create":
		return r.createUser(ctx)
	case e.Action == "update" && e.IsGroup():
		return r.updateGroup(ctx)
	case e.Action == "update":
		return r.updateUser(ctx)
	case e.Action == "disable":
		return r.disable(ctx)
	}
	return r.delete(ctx)
}

// kind of a request for record.
type kind int

const (
	kindAction kind = iota
	kindSetup
	kindCheck // the reference check: a failure is a warning
)

// send records and prints one request of the replayed action.
func (r *replay) send(res *scim.Result, err error) (*scim.Result, error) {
	return r.record(res, err, kindAction)
}

// sendAll records the requests of an action that takes several (member
// batches): every batch is sent, as each is its own export.
func (r *replay) sendAll(rs []*scim.Result, err error) error {
	for _, res := range rs {
		if _, err := r.send(res, nil); err != nil {
			return err
		}
	}
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	return nil
}

// record prints an exchange and files it.
func (r *replay) record(res *scim.Result, err error, k kind) (*scim.Result, error) {
	if err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	if !res.Sent {
		fmt.Fprintf(r.opt.Out, "\n(nothing sent: %s)\n", res.Outcome.Reason)
		return res, nil
	}
	r.rep.Exchanges = append(r.rep.Exchanges, Exchange{Setup: k == kindSetup, Result: res})
	label := map[kind]string{kindAction: "request", kindSetup: "setup", kindCheck: "request"}[k]
	r.print(label, res)
	switch k {
	case kindAction:
		r.last = res
		if !res.Outcome.Success && r.firstFail == nil {
			r.firstFail = res
		}
	case kindCheck:
		r.last = res
		if !res.Outcome.Success {
			r.checkWarn = res.Outcome.ErrorCode
			fmt.Fprintln(r.opt.Out, "  the reference check failed (a warning, ENTRA-FLOW-06); the PATCH is sent all the same, as Entra does")
		}
	}
	return res, nil
}

func (r *replay) print(label string, res *scim.Result) {
	out := r.opt.Out
	q := ""
	if res.Request.Query != "" {
		q = "?" + res.Request.Query
	}
	fmt.Fprintf(out, "\n[%s] %s %s%s\n", label, res.Request.Method, res.Request.Path, q)
	if len(res.Request.Body) > 0 {
		fmt.Fprintf(out, "  %s\n", clip(string(res.Request.Body), 2000))
	}
	if r.opt.DryRun {
		fmt.Fprintln(out, "  -> not sent (dry run)")
		return
	}
	o := res.Outcome
	if o.Success {
		fmt.Fprintf(out, "  -> HTTP %d: success", o.HTTPStatus)
		if id := res.ID(); id != "" && res.Request.Method == "POST" {
			fmt.Fprintf(out, " (id %s)", id)
		}
		if len(res.Parsed.IDs) == 0 && strings.Contains(res.Request.Query, "filter=") {
			fmt.Fprint(out, " (no match)")
		}
		fmt.Fprintln(out)
		return
	}
	status := "no answer"
	if o.HTTPStatus != 0 {
		status = fmt.Sprintf("HTTP %d", o.HTTPStatus)
	}
	fmt.Fprintf(out, "  -> %s: %s: %s\n", status, o.ErrorCode, o.Reason)
	if o.AdditionalDetails != "" {
		fmt.Fprintf(out, "     %s\n", clip(o.AdditionalDetails, 2000))
	}
}

// create records a create (kind k) of o; a created object is noted for
// removal, one without a usable answer as a possible orphan.
func (r *replay) create(res *scim.Result, err error, k kind, o Object, checked bool) (*scim.Result, error) {
	res, err = r.record(res, err, k)
	if err != nil || !res.Sent {
		return res, err
	}
	if res.Outcome.Success && res.ID() != "" {
		o.ID = res.ID()
		r.rep.Created = append(r.rep.Created, o)
	} else if s := res.Outcome.HTTPStatus; !res.Outcome.Success && (s == 0 || s >= 500 || (s >= 200 && s < 300)) {
		// No answer, a server error or an unreadable success: the target
		// may have created the object all the same.
		r.orphans = append(r.orphans, orphan{obj: o, checked: checked})
	}
	return res, nil
}

// seeded records a setup create and returns the new object's id; a
// refused create becomes the result (errSetup).
func (r *replay) seeded(res *scim.Result, err error, o Object) (string, error) {
	res, err = r.create(res, err, kindSetup, o, isStandInName(o.Name))
	if err != nil {
		return "", err
	}
	if !res.Outcome.Success || res.ID() == "" {
		r.last, r.firstFail = res, res
		return "", errSetup
	}
	return res.ID(), nil
}

// values are the record's new (or old) values by SCIM path, references and
// names that are not SCIM attributes left out.
func (r *replay) values(useOld bool) scim.Attributes {
	a := scim.Attributes{}
	for _, p := range r.e.Modified {
		v := p.New
		if useOld {
			v = p.Old
		}
		path := r.paths[p.Name]
		if v == nil || path == "" || isManager(path) || strings.EqualFold(path, "members") {
			continue
		}
		a[path] = *v
	}
	return a
}

func isManager(path string) bool {
	n := strings.ToLower(path)
	return n == "manager" || strings.HasSuffix(n, ":manager")
}

// propValue is the record's new value of a modified property, else its old
// one; "" when the record lists neither.
func (r *replay) propValue(name string) string {
	if p, ok := r.e.Prop(name); ok {
		if p.New != nil && *p.New != "" {
			return *p.New
		}
		if p.Old != nil && *p.Old != "" {
			return *p.Old
		}
	}
	return ""
}

// standInDomain marks the names of stand-in objects.
const standInDomain = "@reproduce.invalid"

func isStandInName(n string) bool {
	return strings.HasSuffix(n, standInDomain) || strings.HasPrefix(n, "Replay stand-in")
}

// userName is the record's userName, or a stand-in the gap list names.
func (r *replay) userName() string {
	if v := r.propValue("userName"); v != "" {
		return v
	}
	id := r.e.Source.ID
	if id == "" {
		id = r.e.ChangeID
	}
	u := "reproduce-" + sanitize(id) + standInDomain
	r.gap("The userName: the record's modifiedProperties do not list it, so " + u + " stands in (matching attribute userName assumed).")
	return u
}

// standInUser creates a stand-in user (a manager, a member).
func (r *replay) standInUser(ctx context.Context, role, ref string) (string, error) {
	un := role + "-" + sanitize(ref) + standInDomain
	a := scim.Attributes{"userName": un, "active": "True", "displayName": "Replay stand-in " + role}
	res, err := r.c.CreateUser(ctx, a)
	return r.seeded(res, err, Object{Kind: "user", Name: un})
}

// targetUser returns the target id of the record's user: a stand-in built
// from the record's old values when seeding, else the record's.
func (r *replay) targetUser(ctx context.Context, active bool) (string, error) {
	if !r.seed {
		return r.recordTarget()
	}
	r.gap("The target user's state before the action: a stand-in was created from the record's old values; attributes not in modifiedProperties are absent.")
	a := r.values(true)
	un := r.userName()
	a["userName"] = un
	a["active"] = "False"
	if active {
		a["active"] = "True"
	}
	if r.standInChange {
		a["displayName"] = "Replay stand-in (before)"
	}
	res, err := r.c.CreateUser(ctx, a)
	return r.seeded(res, err, Object{Kind: "user", Name: un})
}

// recordTarget is the record's target id, used as it is without --seed.
func (r *replay) recordTarget() (string, error) {
	if r.e.Target.ID == "" {
		return "", fmt.Errorf("%w: the record has no target id; use --seed to create a stand-in first", ErrBadInput)
	}
	fmt.Fprintf(r.opt.Out, "  acting on the record's target object %s itself (no --seed)\n", r.e.Target.ID)
	return r.e.Target.ID, nil
}

// block stops the replay before it would change an object that existed
// before it.
func (r *replay) block(format string, args ...any) {
	r.rep.Blocked = fmt.Sprintf(format, args...)
	fmt.Fprintln(r.opt.Out, "  stopped: "+r.rep.Blocked)
}

func (r *replay) createUser(ctx context.Context) error {
	un := r.userName()
	r.gap("Attributes not in modifiedProperties (nulls are never sent, ENTRA-NULL-01).")
	m, err := r.send(r.c.MatchUser(ctx, "userName", un))
	if err != nil || !m.Outcome.Success {
		return err
	}
	if m.Found() || len(m.Parsed.IDs) > 0 {
		r.block("the target already holds a user with userName %s (id %s); Entra would match it and update it instead of creating one. The replay leaves existing objects alone, so the create was not sent", un, m.ID())
		return nil
	}
	a := r.values(false)
	a["userName"] = un
	cr, err := r.c.CreateUser(ctx, a)
	cr, err = r.create(cr, err, kindAction, Object{Kind: "user", Name: un}, true)
	if err != nil || !cr.Outcome.Success {
		return err
	}
	return r.manager(ctx, cr.ID())
}

// manager replays a manager update (ENTRA-FLOW-06 check, FLOW-08 PATCH),
// creating the manager first when the record does not name it or when
// seeding.
func (r *replay) manager(ctx context.Context, userID string) error {
	n := r.need
	if !n.manager {
		return nil
	}
	mgr := n.managerID
	if r.seed || mgr == "" {
		if mgr == "" {
			r.gap("The manager: the record does not name it (a failed reference is not listed in modifiedProperties); a stand-in manager user was created and used.")
		} else {
			r.gap("The manager's target id " + mgr + ": a stand-in manager user was created and used instead.")
		}
		id, err := r.standInUser(ctx, "manager", orDefault(mgr, "unlisted"))
		if err != nil {
			return err
		}
		mgr = id
	}
	if r.c.ReferenceCheck() {
		chk, err := r.recordCheck(r.c.CheckManager(ctx, userID, mgr))
		if err != nil {
			return err
		}
		if chk.Found() {
			fmt.Fprintln(r.opt.Out, "  the user already has this manager: no PATCH (ENTRA-FLOW-06)")
			return nil
		}
	}
	_, err := r.send(r.c.SetManager(ctx, userID, mgr))
	return err
}

// record with kindCheck, for the reference check.
func (r *replay) recordCheck(res *scim.Result, err error) (*scim.Result, error) {
	return r.record(res, err, kindCheck)
}

func (r *replay) updateUser(ctx context.Context) error {
	if r.e.Target.ID == "" {
		// The record failed before a target was known: the match query.
		_, err := r.send(r.c.MatchUser(ctx, "userName", r.userName()))
		return err
	}
	desired := r.values(false)
	if len(desired) == 0 && r.rep.Expected != "" && r.seed && r.failedStep("export") {
		r.standInChange = true
		r.gap("The changes of the failed update: the record does not list them; displayName of the stand-in was changed so that the PATCH is sent.")
	}
	id, err := r.targetUser(ctx, true)
	if err != nil {
		return err
	}
	return r.updateLinked(ctx, id)
}

func (r *replay) failedStep(typ string) bool {
	for _, s := range r.e.Steps {
		if strings.EqualFold(s.Type, typ) && s.Status == "failure" {
			return true
		}
	}
	return false
}

// updateLinked reads the linked user and PATCHes what differs, then the
// manager (ENTRA-FLOW-05/07/08). Nothing to change means no read, as in
// Entra's incremental cycles.
func (r *replay) updateLinked(ctx context.Context, id string) error {
	desired := r.values(false)
	if r.standInChange {
		desired["displayName"] = "Replay stand-in (after)"
	}
	if len(desired) == 0 && !r.failedStep("export") {
		return r.manager(ctx, id)
	}
	got, err := r.send(r.c.GetUser(ctx, id))
	if err != nil || !got.Outcome.Success {
		return err
	}
	paths := slices.Sorted(maps.Keys(desired))
	current := scim.Attributes{}
	if len(got.Parsed.Resources) > 0 {
		if current, err = scim.ReadAttributes(got.Parsed.Resources[0], paths); err != nil {
			return fmt.Errorf("reproduce: read user: %w", err)
		}
	}
	if len(desired) > 0 {
		res, err := r.send(r.c.UpdateUser(ctx, id, current, desired))
		if err != nil || (res.Sent && !res.Outcome.Success) {
			return err
		}
	}
	return r.manager(ctx, id)
}

// userReferences replays an "other" record of a user whose manager update
// failed: the user (a stand-in) and the manager first, then the check and
// the PATCH.
func (r *replay) userReferences(ctx context.Context) error {
	id, err := r.targetUser(ctx, true)
	if err != nil {
		return err
	}
	return r.manager(ctx, id)
}

// groupReferences replays an "other" record of a group whose member
// update failed.
func (r *replay) groupReferences(ctx context.Context) error {
	id, own, err := r.targetGroup(ctx)
	if err != nil {
		return err
	}
	return r.members(ctx, id, own)
}

func (r *replay) disable(ctx context.Context) error {
	if r.e.IsGroup() {
		return fmt.Errorf("%w: groups are not disabled, only deleted", ErrBadInput)
	}
	id, err := r.targetUser(ctx, true)
	if err != nil {
		return err
	}
	_, err = r.send(r.c.DisableUser(ctx, id))
	return err
}

func (r *replay) delete(ctx context.Context) error {
	var id string
	var err error
	var res *scim.Result
	if r.e.IsGroup() {
		if id, _, err = r.targetGroup(ctx); err != nil {
			return err
		}
		res, err = r.send(r.c.DeleteGroup(ctx, id))
	} else {
		if id, err = r.targetUser(ctx, true); err != nil {
			return err
		}
		res, err = r.send(r.c.DeleteUser(ctx, id))
	}
	if err == nil && res.Outcome.Success {
		r.forget(id) // gone already: nothing to remove
	}
	return err
}

func (r *replay) forget(id string) {
	r.rep.Created = slices.DeleteFunc(r.rep.Created, func(o Object) bool { return o.ID == id })
}

// groupName is the group's displayName from the record.
func (r *replay) groupName() string {
	if v := r.propValue("displayName"); v != "" {
		return v
	}
	if r.e.Source.DisplayName != "" {
		return r.e.Source.DisplayName
	}
	if r.e.Target.DisplayName != "" {
		return r.e.Target.DisplayName
	}
	r.gap("The group's displayName: the record does not name the group; \"Replay stand-in group\" stands in.")
	return "Replay stand-in group"
}

// targetGroup returns the group to act on and whether the replay created
// it.
func (r *replay) targetGroup(ctx context.Context) (string, bool, error) {
	if !r.seed {
		id, err := r.recordTarget()
		return id, false, err
	}
	r.gap("The target group's state before the action: a stand-in was created for the replay, without members.")
	old := r.groupName()
	if p, ok := r.e.Prop("displayName"); ok && p.Old != nil && *p.Old != "" {
		old = *p.Old
	}
	if r.standInChange {
		old = "Replay stand-in (before)"
	}
	res, err := r.c.CreateGroup(ctx, r.e.Source.ID, old)
	id, err := r.seeded(res, err, Object{Kind: "group", Name: old})
	return id, true, err
}

func (r *replay) createGroup(ctx context.Context) error {
	name := r.groupName()
	m, err := r.send(r.c.MatchGroup(ctx, name))
	if err != nil || !m.Outcome.Success {
		return err
	}
	if len(m.Parsed.IDs) > 0 {
		r.block("the target already holds a group named %q (id %s); Entra would match it and update its members instead of creating one. The replay leaves existing objects alone, so the create was not sent", name, m.ID())
		return nil
	}
	ext := r.e.Source.ID
	if p, ok := r.e.Prop("externalId"); ok && p.New != nil {
		ext = *p.New
	}
	cr, err := r.c.CreateGroup(ctx, ext, name)
	cr, err = r.create(cr, err, kindAction, Object{Kind: "group", Name: name}, true)
	if err != nil || !cr.Outcome.Success {
		return err
	}
	return r.members(ctx, cr.ID(), true)
}

func (r *replay) updateGroup(ctx context.Context) error {
	if r.e.Target.ID == "" {
		_, err := r.send(r.c.MatchGroup(ctx, r.groupName()))
		return err
	}
	rename, hasRename := r.e.Prop("displayName")
	hasRename = hasRename && rename.New != nil && *rename.New != ""
	newName := ""
	if hasRename {
		newName = *rename.New
	}
	if !hasRename && !r.need.members && r.rep.Expected != "" && r.seed && r.failedStep("export") {
		r.standInChange, newName = true, "Replay stand-in (after)"
		r.gap("The changes of the failed update: the record does not list them; the stand-in group was renamed so that the update is sent.")
	}
	id, own, err := r.targetGroup(ctx)
	if err != nil {
		return err
	}
	if newName != "" || (!r.need.members && r.failedStep("export")) {
		got, err := r.send(r.c.GetGroup(ctx, id))
		if err != nil || !got.Outcome.Success {
			return err
		}
		cur := scim.Attributes{}
		if len(got.Parsed.Resources) > 0 {
			if cur, err = scim.ReadAttributes(got.Parsed.Resources[0], []string{"displayName"}); err != nil {
				return fmt.Errorf("reproduce: read group: %w", err)
			}
		}
		if newName != "" && cur["displayName"] != newName {
			if res, err := r.send(r.c.RenameGroup(ctx, id, newName)); err != nil || !res.Outcome.Success {
				return err
			}
		}
	}
	return r.members(ctx, id, own)
}

// members replays member adds and removes (ENTRA-FLOW-16/17), creating
// stand-in members first when seeding or when the record lists none.
func (r *replay) members(ctx context.Context, groupID string, own bool) error {
	n := r.need
	if !n.members {
		return nil
	}
	adds, removes := slices.Clone(n.adds), slices.Clone(n.removes)
	if n.unknownMembers {
		r.gap("The members of the failed member update: the record does not list them; one stand-in member was used.")
		adds = []string{"unlisted"}
	}
	if r.seed {
		if !n.unknownMembers {
			r.gap("The members' target ids: stand-in users were created and used instead.")
		}
		for _, list := range []*[]string{&adds, &removes} {
			for i, m := range *list {
				id, err := r.standInUser(ctx, "member", m)
				if err != nil {
					return err
				}
				(*list)[i] = id
			}
		}
	}
	if len(removes) > 0 && own {
		// The stand-in group gets the members first, so that the removal
		// removes something.
		rs, err := r.c.AddMembers(ctx, groupID, removes)
		for _, res := range rs {
			if _, err := r.record(res, nil, kindSetup); err != nil {
				return err
			}
			if !res.Outcome.Success {
				r.last, r.firstFail = res, res
				return errSetup
			}
		}
		if err != nil {
			return fmt.Errorf("reproduce: %w", err)
		}
	}
	if len(adds) > 0 {
		if err := r.sendAll(r.c.AddMembers(ctx, groupID, adds)); err != nil || r.firstFail != nil {
			return err
		}
	}
	if len(removes) > 0 {
		return r.sendAll(r.c.RemoveMembers(ctx, groupID, removes))
	}
	return nil
}

// cleanup removes what the replay created, newest first, also after a
// failed replay; orphans (creates without a usable answer) are looked up
// when the replay knows the name was free before.
func (r *replay) cleanup(ctx context.Context) {
	rep := r.rep
	if len(rep.Created) == 0 && len(r.orphans) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
	defer cancel()
	out := r.opt.Out
	fmt.Fprintf(out, "\nRemoving what the replay created (%d object(s)):\n", len(rep.Created))
	if r.opt.BeforeCleanup != nil {
		if err := r.opt.BeforeCleanup(ctx); err != nil {
			fmt.Fprintf(out, "  before removing: %v\n", err)
		}
	}
	for _, o := range r.orphans {
		if !o.checked {
			rep.Leftovers = append(rep.Leftovers, fmt.Sprintf("%s %s: its create got no usable answer, so it may exist; it was not looked up, as an object of that name may have existed before", o.obj.Kind, o.obj.Name))
			continue
		}
		var res *scim.Result
		var err error
		if o.obj.Kind == "group" {
			res, err = r.c.MatchGroup(ctx, o.obj.Name)
		} else {
			res, err = r.c.MatchUser(ctx, "userName", o.obj.Name)
		}
		if err != nil || !res.Outcome.Success {
			rep.Leftovers = append(rep.Leftovers, fmt.Sprintf("%s %s: its create got no usable answer and the lookup failed, so it may exist", o.obj.Kind, o.obj.Name))
			continue
		}
		if len(res.Parsed.IDs) == 1 {
			o.obj.ID = res.ID()
			rep.Created = append(rep.Created, o.obj)
			fmt.Fprintf(out, "  %s %s was created although its create got no usable answer (id %s)\n", o.obj.Kind, o.obj.Name, o.obj.ID)
		}
	}
	for i := len(rep.Created) - 1; i >= 0; i-- {
		o := rep.Created[i]
		var res *scim.Result
		var err error
		if o.Kind == "group" {
			res, err = r.c.DeleteGroup(ctx, o.ID)
		} else {
			res, err = r.c.DeleteUser(ctx, o.ID)
		}
		if err != nil {
			rep.Leftovers = append(rep.Leftovers, fmt.Sprintf("%s %s (id %s): %v", o.Kind, o.Name, o.ID, err))
			continue
		}
		rep.Cleanup = append(rep.Cleanup, Exchange{Result: res})
		r.print("cleanup", res)
		if !res.Outcome.Success {
			rep.Leftovers = append(rep.Leftovers, fmt.Sprintf("%s %s (id %s): %s", o.Kind, o.Name, o.ID, res.Outcome.ErrorCode))
		}
	}
	if len(rep.Leftovers) > 0 {
		fmt.Fprintln(out, "  WARNING: not removed; remove by hand:")
		for _, l := range rep.Leftovers {
			fmt.Fprintln(out, "    - "+l)
		}
	}
}

// verdict decides and prints the outcome.
func (r *replay) verdict() {
	rep, out := r.rep, r.opt.Out
	rep.Final = r.last
	switch {
	case r.firstFail != nil:
		rep.Final, rep.Got = r.firstFail, r.firstFail.Outcome.ErrorCode
	case r.checkWarn != "":
		rep.Got = r.checkWarn
	}
	if len(rep.Gaps) > 0 {
		fmt.Fprintln(out, "\nNot in the record, assumed by this replay:")
		for _, g := range rep.Gaps {
			fmt.Fprintln(out, "  - "+g)
		}
	}
	app := r.e.App
	switch {
	case rep.Blocked != "":
		rep.Verdict = NotReproduced
		fmt.Fprintf(out, "\nNOT REPRODUCED: the action was not sent: %s.\n", rep.Blocked)
	case r.opt.DryRun:
		rep.Verdict = DryRun
		n := 0
		for _, x := range rep.Exchanges {
			if !x.Setup {
				n++
			}
		}
		fmt.Fprintf(out, "\nDRY RUN: %d request(s) of the action and %d setup request(s) shown; none was sent. The answers were assumed: queries find nothing, creates, reads and updates succeed.\n",
			n, len(rep.Exchanges)-n)
		return
	case rep.Final == nil && rep.Expected == "":
		rep.Verdict = NothingToReplay
		fmt.Fprintln(out, "\nNOTHING TO REPLAY: the record lists nothing the action would send.")
		return
	case rep.Final == nil:
		rep.Verdict = NotReproduced
		fmt.Fprintf(out, "\nNOT REPRODUCED: the record says %s, but it lists nothing the action would send.\n", show(rep.Expected))
	case SameCode(rep.Expected, rep.Got, app):
		rep.Verdict, rep.Reproduced = Reproduced, true
		if rep.Expected == "" {
			fmt.Fprintf(out, "\nREPRODUCED: the action succeeds, as in the record.\n")
			return
		}
		note := ""
		if rep.Expected != rep.Got {
			note = fmt.Sprintf(" (the record's %s is %s with the app's prefix)", rep.Expected, BaseCode(rep.Expected, app))
		}
		fmt.Fprintf(out, "\nREPRODUCED: %s, as in the record%s.\n", rep.Got, note)
		return
	default:
		rep.Verdict = NotReproduced
		fmt.Fprintf(out, "\nNOT REPRODUCED: the record says %s, the replay got %s.\n", show(rep.Expected), show(rep.Got))
	}
	if rep.Expected == "" {
		return
	}
	plans, err := FaultPlansFor(rep.Expected, app)
	switch {
	case err != nil:
		fmt.Fprintf(out, "The fault catalogue could not be read: %v\n", err)
	case len(plans) == 0:
		fmt.Fprintf(out, "No fault plan of the catalogue (fixtures/faults) produces %s.\n", BaseCode(rep.Expected, app))
	default:
		rep.FaultPlans = plans
		fmt.Fprintf(out, "Fault plan(s) of the catalogue (fixtures/faults) that produce %s: %s. Replay on the throwaway server with --faults %s.\n",
			BaseCode(rep.Expected, app), strings.Join(plans, ", "), plans[0])
	}
}

func kindOf(e *Entry) string {
	if e.IsGroup() {
		return "group"
	}
	return "user"
}

func displayName(e *Entry) string {
	if e.Source.DisplayName != "" {
		return e.Source.DisplayName
	}
	return e.Target.DisplayName
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func show(code string) string {
	if code == "" {
		return "success"
	}
	return code
}

func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-' {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "x"
	}
	return b.String()
}
