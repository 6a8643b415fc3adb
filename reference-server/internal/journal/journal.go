// Package journal records every request to an account in a bounded ring,
// readable through the admin API.
//
// PLACEHOLDER: the request-journal issue replaces this pass-through with
// the real ring; the signatures below are the seam the server is built on.
package journal

import "net/http"

// Journal keeps the recent requests of every account.
type Journal struct{}

// New returns a journal keeping at most capacity requests per account.
func New(capacity int) *Journal { return &Journal{} }

// Middleware records the request and its answer; it wraps the fault
// injector so that the fault that fired is recorded too.
func (j *Journal) Middleware(next http.Handler) http.Handler { return next }

// Admin serves GET and DELETE /admin/accounts/{id}/requests.
func (j *Journal) Admin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "request journal not implemented yet", http.StatusNotImplemented)
	})
}
