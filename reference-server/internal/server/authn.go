package server

import (
	"net/http"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// checkToken runs first in the tenant chain: it marks the request's
// tenant.Info AccountKnown and Authorized (exactly one Authorization
// header, a live SCIM token of the addressed account) without answering,
// so that the journal, which runs next, records only authorised requests
// and reads no body before that is known. requireToken answers the rest.
func (s *Server) checkToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := tenant.From(r.Context()); info != nil {
			info.AccountKnown, info.Authorized = false, false
			if _, err := s.st.Account(r.Context(), info.AccountID); err == nil {
				info.AccountKnown = true
				if tok := auth.Bearer(r); tok != "" {
					ok, err := auth.Valid(r.Context(), s.st, info.AccountID, tok)
					if err != nil {
						s.log.Warn("token check", "account", info.AccountID, "err", err)
					}
					info.Authorized = ok && err == nil
				}
			}
		}
		next.ServeHTTP(w, r)
	})
}

// requireToken answers 401 unless checkToken marked the request
// authorised; an unknown account looks the same as a bad token (GTM-08).
func (s *Server) requireToken(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if info := tenant.From(r.Context()); info != nil && info.Authorized {
			next.ServeHTTP(w, r)
			return
		}
		var detail string
		switch hs := r.Header.Values("Authorization"); {
		case len(hs) == 0:
			detail = "missing Authorization header; send Authorization: Bearer <SCIM token>"
		case len(hs) > 1:
			detail = "more than one Authorization header; send exactly one: Authorization: Bearer <SCIM token>"
		case auth.Bearer(r) == "":
			detail = "Authorization header is not a Bearer token"
		default:
			detail = "the bearer token is not a valid SCIM token of this account"
		}
		writeSCIMError(w, protocol.NewError(http.StatusUnauthorized, "", detail))
	})
}
