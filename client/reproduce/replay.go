package reproduce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/quantive/entra-scim-harness/client/scim"
)

// Options configure Replay.
type Options struct {
	// Client sends the requests to the tenant URL; required.
	Client *scim.Client
	// Seed creates the objects the action needs first (the user to update,
	// disable or delete, a manager, group members), for a target that does
	// not hold the record's objects, such as a throwaway server. Without
	// it the record's target ids are used as they are.
	Seed bool
	// Out receives each request and answer; nil discards them.
	Out io.Writer
}

// Exchange is one request sent and Entra's reading of the answer.
type Exchange struct {
	// Setup is true for a seeding request, not part of the replayed action.
	Setup  bool
	Result *scim.Result
}

// Report is the replay's result.
type Report struct {
	Entry *Entry
	// Expected is the record's errorCode ("" for a success).
	Expected string
	// Got is the errorCode of the replayed action's last request ("" for
	// a success); Final is that request.
	Got   string
	Final *scim.Result
	// Reproduced is true when Got equals Expected.
	Reproduced bool
	Exchanges  []Exchange
	// Gaps lists what the record does not hold and the replay assumed.
	Gaps []string
}

// Replay sends the requests of the record's action and compares the
// outcome with the record's error code.
func Replay(ctx context.Context, e *Entry, opt Options) (*Report, error) {
	if opt.Client == nil {
		return nil, fmt.Errorf("reproduce: a SCIM client is required")
	}
	if opt.Out == nil {
		opt.Out = io.Discard
	}
	r := &replay{e: e, opt: opt, rep: &Report{Entry: e, Expected: e.ErrorCode}}
	r.gap("The attribute mapping and its expressions: the values replayed are the ones the record lists, already mapped.")
	if e.Status == "success" {
		r.rep.Expected = ""
	}
	fmt.Fprintf(opt.Out, "Record %s: %s of %s %q (source %s, target %s), status %s, errorCode %q\n",
		e.ChangeID, e.Action, kindOf(e), e.Source.DisplayName, e.Source.ID, orNone(e.Target.ID), e.Status, e.ErrorCode)
	var err error
	switch {
	case e.Action == "create" && e.IsGroup():
		err = r.createGroup(ctx)
	case e.Action == "create":
		err = r.createUser(ctx)
	case e.Action == "update" && e.IsGroup():
		err = r.updateGroup(ctx)
	case e.Action == "update":
		err = r.updateUser(ctx)
	case e.Action == "disable":
		err = r.disable(ctx)
	case e.Action == "delete":
		err = r.delete(ctx)
	default:
		return nil, fmt.Errorf("%w: action %q sends nothing to the target (stagedDelete waits for Allow deletes; other means no change), so there is nothing to replay",
			ErrBadInput, e.Action)
	}
	if errors.Is(err, errSetup) {
		fmt.Fprintln(opt.Out, "  the target refused the setup request, so the action itself was not sent; its answer counts as the result")
		err = nil
	}
	if err != nil {
		return nil, err
	}
	rep := r.rep
	if rep.Final != nil {
		if !rep.Final.Outcome.Success {
			rep.Got = rep.Final.Outcome.ErrorCode
		}
	}
	rep.Reproduced = rep.Final != nil && rep.Got == rep.Expected
	fmt.Fprintln(opt.Out, "\nNot in the record, assumed by this replay:")
	for _, g := range rep.Gaps {
		fmt.Fprintln(opt.Out, "  - "+g)
	}
	switch {
	case rep.Reproduced && rep.Expected == "":
		fmt.Fprintf(opt.Out, "\nREPRODUCED: the action succeeds, as in the record.\n")
	case rep.Reproduced:
		fmt.Fprintf(opt.Out, "\nREPRODUCED: %s, as in the record.\n", rep.Got)
	default:
		fmt.Fprintf(opt.Out, "\nNOT REPRODUCED: the record says %s, the replay got %s.\n", show(rep.Expected), show(rep.Got))
	}
	return rep, nil
}

// errSetup: a seeding request failed; its answer becomes the result.
var errSetup = errors.New("setup request failed")

type replay struct {
	e   *Entry
	opt Options
	rep *Report
}

func (r *replay) gap(s string) { r.rep.Gaps = append(r.rep.Gaps, s) }

// send records and prints one exchange of the replayed action.
func (r *replay) send(res *scim.Result, err error) (*scim.Result, error) {
	return r.record(res, err, false)
}

// sendAll records and prints the exchanges of an action that takes several
// requests (a manager change, member batches), stopping at the first error.
func (r *replay) sendAll(rs []*scim.Result, err error) error {
	if err != nil {
		return fmt.Errorf("reproduce: %w", err)
	}
	for _, res := range rs {
		if _, err := r.send(res, nil); err != nil {
			return err
		}
	}
	return nil
}

// setup records and prints one seeding exchange.
func (r *replay) setup(res *scim.Result, err error) (*scim.Result, error) {
	return r.record(res, err, true)
}

// record prints an exchange; a non-setup one becomes the action's current
// last request.
func (r *replay) record(res *scim.Result, err error, setup bool) (*scim.Result, error) {
	if err != nil {
		return nil, fmt.Errorf("reproduce: %w", err)
	}
	if !res.Sent {
		fmt.Fprintf(r.opt.Out, "\n(nothing sent: %s)\n", res.Outcome.Reason)
		return res, nil
	}
	r.rep.Exchanges = append(r.rep.Exchanges, Exchange{Setup: setup, Result: res})
	label := "request"
	if setup {
		label = "setup"
	}
	q := ""
	if res.Request.Query != "" {
		q = "?" + res.Request.Query
	}
	fmt.Fprintf(r.opt.Out, "\n[%s] %s %s%s\n", label, res.Request.Method, res.Request.Path, q)
	if len(res.Request.Body) > 0 {
		fmt.Fprintf(r.opt.Out, "  %s\n", clip(string(res.Request.Body), 2000))
	}
	o := res.Outcome
	if o.Success {
		fmt.Fprintf(r.opt.Out, "  -> HTTP %d: success", o.HTTPStatus)
		if id := res.ID(); id != "" {
			fmt.Fprintf(r.opt.Out, " (id %s)", id)
		}
		fmt.Fprintln(r.opt.Out)
	} else {
		status := "no answer"
		if o.HTTPStatus != 0 {
			status = fmt.Sprintf("HTTP %d", o.HTTPStatus)
		}
		fmt.Fprintf(r.opt.Out, "  -> %s: %s: %s\n", status, o.ErrorCode, o.Reason)
		if o.AdditionalDetails != "" {
			fmt.Fprintf(r.opt.Out, "     %s\n", clip(o.AdditionalDetails, 2000))
		}
	}
	if !setup {
		r.rep.Final = res
	}
	return res, nil
}

// values are the record's new values as SCIM attributes, references left
// out.
func (r *replay) values(useOld bool) scim.Attributes {
	a := scim.Attributes{}
	for _, p := range r.e.Modified {
		v := p.New
		if useOld {
			v = p.Old
		}
		if v == nil || isReference(p.Name) {
			continue
		}
		a[p.Name] = *v
	}
	return a
}

func isReference(name string) bool {
	n := strings.ToLower(name)
	return n == "manager" || strings.HasSuffix(n, ":manager") || n == "members"
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

// userName is the record's userName, or a stand-in the gap list names.
func (r *replay) userName() string {
	if v := r.propValue("userName"); v != "" {
		return v
	}
	id := r.e.Source.ID
	if id == "" {
		id = r.e.ChangeID
	}
	u := "reproduce-" + sanitize(id) + "@reproduce.invalid"
	r.gap("The userName: the record's modifiedProperties do not list it, so " + u + " stands in (matching attribute userName assumed).")
	return u
}

// seedUser creates a user for the action to work on; its attributes are
// the record's old values plus userName.
func (r *replay) seedUser(ctx context.Context, userName string, active bool) (string, error) {
	a := r.values(true)
	a["userName"] = userName
	if !active {
		a["active"] = "False"
	} else {
		a["active"] = "True"
	}
	return r.seeded(r.opt.Client.CreateUser(ctx, a))
}

// seeded records a seeding create and returns the new object's id; a
// refused create becomes the result (errSetup).
func (r *replay) seeded(res *scim.Result, err error) (string, error) {
	res, err = r.setup(res, err)
	if err != nil {
		return "", err
	}
	if !res.Outcome.Success || res.ID() == "" {
		r.rep.Final = res
		return "", errSetup
	}
	return res.ID(), nil
}

// targetUser returns the target id of the record's user: a seeded one, or
// the record's.
func (r *replay) targetUser(ctx context.Context) (string, error) {
	if r.opt.Seed {
		r.gap("The target user's state before the action: it was created for the replay from the record's old values; attributes not in modifiedProperties are absent.")
		return r.seedUser(ctx, r.userName(), true)
	}
	return r.recordTarget()
}

// recordTarget is the record's target id, used as it is without --seed.
func (r *replay) recordTarget() (string, error) {
	if r.e.Target.ID == "" {
		return "", fmt.Errorf("%w: the record has no target id; use --seed to create the object first", ErrBadInput)
	}
	return r.e.Target.ID, nil
}

func (r *replay) createUser(ctx context.Context) error {
	c := r.opt.Client
	un := r.userName()
	r.gap("Attributes not in modifiedProperties (nulls are never sent, ENTRA-NULL-01).")
	m, err := r.send(c.MatchUser(ctx, "userName", un))
	if err != nil || !m.Outcome.Success {
		return err
	}
	if m.Found() {
		fmt.Fprintf(r.opt.Out, "  a target user with userName %s exists now: matched and updated, as Entra would\n", un)
		return r.updateLinked(ctx, m.ID())
	}
	a := r.values(false)
	a["userName"] = un
	cr, err := r.send(c.CreateUser(ctx, a))
	if err != nil || !cr.Outcome.Success {
		return err
	}
	return r.manager(ctx, cr.ID())
}

// manager replays a manager change listed in the record.
func (r *replay) manager(ctx context.Context, userID string) error {
	var p Property
	found := false
	for _, q := range r.e.Modified {
		if n := strings.ToLower(q.Name); n == "manager" || strings.HasSuffix(n, ":manager") {
			p, found = q, true
		}
	}
	if !found || p.New == nil || *p.New == "" {
		return nil
	}
	mgr := *p.New
	if r.opt.Seed {
		r.gap("The manager's target id " + mgr + ": a stand-in manager user was created and used instead.")
		id, err := r.seedUser(ctx, "manager-"+sanitize(mgr)+"@reproduce.invalid", true)
		if err != nil {
			return err
		}
		mgr = id
	}
	return r.sendAll(r.opt.Client.UpdateManager(ctx, userID, mgr))
}

func (r *replay) updateUser(ctx context.Context) error {
	c := r.opt.Client
	if r.e.Target.ID == "" {
		// The record failed before a target was known: the match query.
		un := r.userName()
		_, err := r.send(c.MatchUser(ctx, "userName", un))
		return err
	}
	id, err := r.targetUser(ctx)
	if err != nil {
		return err
	}
	return r.updateLinked(ctx, id)
}

// updateLinked reads the linked user and PATCHes what differs, then the
// manager (ENTRA-FLOW-05/07/08).
func (r *replay) updateLinked(ctx context.Context, id string) error {
	c := r.opt.Client
	got, err := r.send(c.GetUser(ctx, id))
	if err != nil || !got.Outcome.Success {
		return err
	}
	desired := r.values(false)
	paths := slices.Sorted(maps.Keys(desired))
	current := scim.Attributes{}
	if len(got.Parsed.Resources) > 0 {
		if current, err = scim.ReadAttributes(got.Parsed.Resources[0], paths); err != nil {
			return fmt.Errorf("reproduce: read user: %w", err)
		}
	}
	if len(desired) > 0 {
		if _, err := r.send(c.UpdateUser(ctx, id, current, desired)); err != nil {
			return err
		}
		if f := r.rep.Final; f != nil && !f.Outcome.Success {
			return nil
		}
	}
	return r.manager(ctx, id)
}

func (r *replay) disable(ctx context.Context) error {
	if r.e.IsGroup() {
		return fmt.Errorf("%w: groups are not disabled, only deleted", ErrBadInput)
	}
	id, err := r.targetUser(ctx)
	if err != nil {
		return err
	}
	_, err = r.send(r.opt.Client.DisableUser(ctx, id))
	return err
}

func (r *replay) delete(ctx context.Context) error {
	c := r.opt.Client
	if r.e.IsGroup() {
		id, err := r.targetGroup(ctx)
		if err != nil {
			return err
		}
		_, err = r.send(c.DeleteGroup(ctx, id))
		return err
	}
	id, err := r.targetUser(ctx)
	if err != nil {
		return err
	}
	_, err = r.send(c.DeleteUser(ctx, id))
	return err
}

// groupName is the group's displayName from the record.
func (r *replay) groupName() string {
	if v := r.propValue("displayName"); v != "" {
		return v
	}
	if r.e.Source.DisplayName != "" {
		return r.e.Source.DisplayName
	}
	return r.e.Target.DisplayName
}

func (r *replay) targetGroup(ctx context.Context) (string, error) {
	if !r.opt.Seed {
		return r.recordTarget()
	}
	r.gap("The target group's state before the action: it was created for the replay, without members.")
	old := r.groupName()
	if p, ok := r.e.Prop("displayName"); ok && p.Old != nil && *p.Old != "" {
		old = *p.Old
	}
	return r.seeded(r.opt.Client.CreateGroup(ctx, r.e.Source.ID, old))
}

func (r *replay) createGroup(ctx context.Context) error {
	c := r.opt.Client
	name := r.groupName()
	m, err := r.send(c.MatchGroup(ctx, name))
	if err != nil || !m.Outcome.Success {
		return err
	}
	if m.Found() {
		fmt.Fprintf(r.opt.Out, "  a target group named %q exists now: matched, as Entra would, and its members updated\n", name)
		return r.members(ctx, m.ID())
	}
	ext := r.e.Source.ID
	if p, ok := r.e.Prop("externalId"); ok && p.New != nil {
		ext = *p.New
	}
	cr, err := r.send(c.CreateGroup(ctx, ext, name))
	if err != nil || !cr.Outcome.Success {
		return err
	}
	return r.members(ctx, cr.ID())
}

func (r *replay) updateGroup(ctx context.Context) error {
	c := r.opt.Client
	if r.e.Target.ID == "" {
		_, err := r.send(c.MatchGroup(ctx, r.groupName()))
		return err
	}
	id, err := r.targetGroup(ctx)
	if err != nil {
		return err
	}
	got, err := r.send(c.GetGroup(ctx, id))
	if err != nil || !got.Outcome.Success {
		return err
	}
	if p, ok := r.e.Prop("displayName"); ok && p.New != nil {
		if res, err := r.send(c.RenameGroup(ctx, id, *p.New)); err != nil || !res.Outcome.Success {
			return err
		}
	}
	return r.members(ctx, id)
}

// members replays the member adds and removes the record lists.
func (r *replay) members(ctx context.Context, id string) error {
	c := r.opt.Client
	var adds, removes []string
	for _, p := range r.e.Modified {
		if !strings.EqualFold(p.Name, "members") {
			continue
		}
		switch {
		case p.New != nil && *p.New != "":
			adds = append(adds, strings.Split(*p.New, ",")...)
		case p.Old != nil && *p.Old != "":
			removes = append(removes, strings.Split(*p.Old, ",")...)
		}
	}
	if len(adds)+len(removes) == 0 && r.opt.Seed && r.e.Status == "failure" {
		// Our logs list members only once added; a failed member PATCH
		// leaves them out, so one stand-in member makes the PATCH happen.
		r.gap("The members of the failed member update: the record does not list them; one stand-in member was used.")
		adds = []string{"unlisted"}
	}
	if r.opt.Seed && len(adds)+len(removes) > 0 {
		r.gap("The members' target ids: stand-in users were created and used instead.")
		for _, list := range []*[]string{&adds, &removes} {
			for i, m := range *list {
				sid, err := r.seedUser(ctx, "member-"+sanitize(m)+"@reproduce.invalid", true)
				if err != nil {
					return err
				}
				(*list)[i] = sid
			}
		}
	}
	if len(adds) > 0 {
		if err := r.sendAll(c.AddMembers(ctx, id, adds)); err != nil {
			return err
		}
	}
	if len(removes) > 0 {
		return r.sendAll(c.RemoveMembers(ctx, id, removes))
	}
	return nil
}

func kindOf(e *Entry) string {
	if e.IsGroup() {
		return "group"
	}
	return "user"
}

func orNone(s string) string {
	if s == "" {
		return "none"
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
