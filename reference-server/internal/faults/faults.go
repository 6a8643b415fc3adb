// Package faults injects failures into SCIM requests per account, so that
// any error Entra's provisioning logs show can be reproduced.
//
// PLACEHOLDER: the fault-injection issue replaces this pass-through with the
// real engine; the signatures below are the seam the server is built on.
package faults

import "net/http"

// Engine holds the fault plan of every account.
type Engine struct{}

// New returns an engine whose probabilistic rules draw from seed.
func New(seed int64) *Engine { return &Engine{} }

// Middleware applies the plan of the request's account (tenant.From) before
// next runs; a request answered by a fault never reaches next.
func (e *Engine) Middleware(next http.Handler) http.Handler { return next }

// Admin serves GET, PUT and DELETE /admin/accounts/{id}/faults; the router
// has authenticated the admin and set the {id} path value.
func (e *Engine) Admin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "fault injection not implemented yet", http.StatusNotImplemented)
	})
}
