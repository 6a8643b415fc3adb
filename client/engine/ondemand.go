package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/client/directory"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// MaxOnDemandMembers is the largest group provisioned on demand
// (ENTRA-CYCLE-08).
const MaxOnDemandMembers = 5

// OnDemandStep is one of the steps the portal shows for provision on
// demand: Test connection (only on failure), Import, Scope, Match, Perform
// action.
type OnDemandStep struct {
	Object string
	Name   string
	Status provlog.Status
	Detail string
}

// OnDemandResult is what provision on demand did.
type OnDemandResult struct {
	Steps   []OnDemandStep
	Records []provlog.Record
	// Failed is true when any object failed.
	Failed bool
}

// ErrNotFound: the object to provision on demand is not in the directory.
var ErrNotFound = errors.New("not found in the directory")

// ProvisionUser provisions one user on demand (ENTRA-CYCLE-08), found by
// object id or userPrincipalName. It can disable an unassigned user, but
// not a user disabled or deleted in Entra.
func (e *Engine) ProvisionUser(ctx context.Context, dir *directory.Directory, idOrUPN string) (*OnDemandResult, error) {
	u, ok := dir.User(idOrUPN)
	if !ok {
		u, ok = dir.UserByUPN(idOrUPN)
	}
	if !ok {
		return nil, fmt.Errorf("provision on demand: user %q: %w", idOrUPN, ErrNotFound)
	}
	return e.onDemand(ctx, dir, []*directory.User{u}, nil)
}

// ProvisionGroup provisions one group with up to 5 members on demand:
// its member users first, then the group and its memberships.
func (e *Engine) ProvisionGroup(ctx context.Context, dir *directory.Directory, id string) (*OnDemandResult, error) {
	g, ok := dir.Group(id)
	if !ok {
		for _, x := range dir.Groups {
			if strings.EqualFold(x.DisplayName, id) {
				g, ok = x, true
				break
			}
		}
	}
	if !ok {
		return nil, fmt.Errorf("provision on demand: group %q: %w", id, ErrNotFound)
	}
	var users []*directory.User
	for _, m := range g.Members {
		if u, ok := dir.User(m); ok {
			users = append(users, u)
		}
	}
	if len(users) > MaxOnDemandMembers {
		return nil, fmt.Errorf("provision on demand: group %q has %d members; on-demand provisioning takes groups with up to %d",
			g.DisplayName, len(users), MaxOnDemandMembers)
	}
	return e.onDemand(ctx, dir, users, g)
}

func (e *Engine) onDemand(ctx context.Context, dir *directory.Directory, users []*directory.User, g *directory.Group) (*OnDemandResult, error) {
	st := e.opt.Store
	job, err := st.Job(ctx)
	if err != nil {
		return nil, err
	}
	r, err := e.newRun(ctx, job, dir)
	if err != nil {
		return nil, err
	}
	r.onDemand, r.kind = true, KindInitial
	r.plog.InitiatedBy = provlog.Initiator{DisplayName: "entrasim provision", InitiatorType: provlog.InitiatorUser}
	for _, u := range users {
		k := state.Key{Kind: state.KindUser, SourceID: u.ObjectID}
		if _, err := r.planUser(u, r.objs[k]); err != nil {
			return nil, err
		}
	}
	if g != nil && e.cfg.Groups.Enabled {
		r.planGroup(g, r.objs[state.Key{Kind: state.KindGroup, SourceID: g.ObjectID}])
	}
	r.indexItems()
	for _, it := range append(append([]*item{}, r.users...), r.groups...) {
		switch {
		case it.op == opNone && it.rec == nil:
			it.op = opSkip // out of scope: show why
		case (it.op == opDisable || it.op == opDelete) && it.reason != reasonUnassigned && it.reason != reasonOutOfScope:
			// On demand cannot disable or delete users disabled or
			// deleted in Entra (ENTRA-CYCLE-08).
			it.op = opSkip
			it.persist = persistKeep
		}
	}
	if err := r.execute(ctx); err != nil {
		return nil, err
	}
	s, err := r.finish(ctx, 0)
	if err != nil {
		return nil, err
	}
	res := &OnDemandResult{Records: s.Records}
	for _, rec := range s.Records {
		if rec.ProvisioningStatusInfo.Status == provlog.StatusFailure {
			res.Failed = true
		}
	}
	if res.Failed {
		rep, err := e.opt.Client.TestConnection(ctx)
		if err != nil {
			return nil, err
		}
		if !rep.OK {
			res.Steps = append(res.Steps, OnDemandStep{Name: "Test connection", Status: provlog.StatusFailure,
				Detail: rep.Failure.ErrorCode + ": " + rep.Failure.Reason})
		}
	}
	for _, rec := range s.Records {
		res.Steps = append(res.Steps, uiSteps(rec)...)
	}
	return res, nil
}

// uiSteps folds a record's steps into the portal's on-demand steps.
func uiSteps(rec provlog.Record) []OnDemandStep {
	obj := rec.SourceIdentity.IdentityType + " " + rec.SourceIdentity.DisplayName + " (" + rec.SourceIdentity.ID + ")"
	kind := strings.ToLower(rec.SourceIdentity.IdentityType)
	names := map[provlog.StepType]string{
		provlog.StepImport:   "Import " + kind,
		provlog.StepScoping:  "Determine if " + kind + " is in scope",
		provlog.StepMatching: "Match " + kind + " between source and target system",
	}
	order := []string{names[provlog.StepImport], names[provlog.StepScoping], names[provlog.StepMatching], "Perform action"}
	agg := map[string]*OnDemandStep{}
	for _, st := range rec.ProvisioningSteps {
		n, ok := names[st.ProvisioningStepType]
		if !ok {
			n = "Perform action"
		}
		a := agg[n]
		if a == nil {
			a = &OnDemandStep{Object: obj, Name: n, Status: st.Status}
			agg[n] = a
		}
		if st.Status == provlog.StatusFailure || (st.Status == provlog.StatusSkipped && a.Status == provlog.StatusSuccess) {
			a.Status = st.Status
		}
		if a.Detail != "" {
			a.Detail += " "
		}
		a.Detail += st.Description
	}
	if a := agg["Perform action"]; a != nil {
		a.Detail = string(rec.ProvisioningAction) + ": " + a.Detail
		if ei := rec.ProvisioningStatusInfo.ErrorInformation; ei != nil {
			a.Detail += " [" + ei.ErrorCode + "] " + ei.Reason
		}
	}
	var out []OnDemandStep
	for _, n := range order {
		if a := agg[n]; a != nil {
			out = append(out, *a)
		}
	}
	return out
}
