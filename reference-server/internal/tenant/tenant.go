// Package tenant carries, in a request's context, which account a SCIM
// request addresses and what the middlewares learned about it. It is the
// seam between the router (server), the fault injector (faults) and the
// request journal (journal), so that none of them imports another.
package tenant

import "context"

// Info describes one request to a tenant URL
// (/api/v1/scim/azure/{AccountID}{Path}).
type Info struct {
	// AccountID is the {account_id} segment of the tenant URL.
	AccountID string
	// Path is the path below the tenant URL, e.g. "/Users/42".
	Path string
	// Fault names the fault rule that fired for this request, if any; the
	// fault injector sets it and the journal records it.
	Fault string
	// AccountKnown is set by the server's token check when AccountID is an
	// existing account.
	AccountKnown bool
	// Authorized is set by the server's token check, before the journal and
	// the fault injector run, when the request carries exactly one
	// Authorization header with a live SCIM token of AccountID. The journal
	// records only such requests (the others it merely counts), and the
	// SCIM handlers answer only them.
	Authorized bool
}

type ctxKey struct{}

// With returns a context carrying info. The pointer is shared so that inner
// handlers can annotate it (Fault) for outer ones.
func With(ctx context.Context, info *Info) context.Context {
	return context.WithValue(ctx, ctxKey{}, info)
}

// New returns a context carrying a new Info with the given account and
// path, and that Info: one allocation for both, where With needs the Info
// and a context of its own (this runs for every request).
func New(ctx context.Context, accountID, path string) (context.Context, *Info) {
	c := &infoCtx{Context: ctx, info: Info{AccountID: accountID, Path: path}}
	return c, &c.info
}

// infoCtx is a context carrying an Info inline.
type infoCtx struct {
	context.Context
	info Info
}

func (c *infoCtx) Value(key any) any {
	if key == (ctxKey{}) {
		return &c.info
	}
	return c.Context.Value(key)
}

// From returns the request's Info, or nil outside a tenant route.
func From(ctx context.Context) *Info {
	info, _ := ctx.Value(ctxKey{}).(*Info)
	return info
}
