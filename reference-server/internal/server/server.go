// Package server is the HTTP layer of the reference SCIM server: the tenant
// routes /api/v1/scim/azure/{account_id}/… (Users, Groups, discovery,
// .search), the admin API under /admin/ and /healthz.
//
// A tenant request passes, in order: tenant.Info in the context ->
// journal -> faults -> SCIM token check -> SCIM handlers, so that the
// journal records every request with the fault that fired, and a fault
// answers before any authentication or write.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/admin"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// TenantPrefix is the path of every tenant URL, followed by the account id
// (GTM-01).
const TenantPrefix = "/api/v1/scim/azure/"

// MaxBodyBytes is the largest request body accepted; larger ones get 413.
// 1 MiB holds any request Entra sends (a PATCH of 50 members is ~5 KiB).
const MaxBodyBytes = 1 << 20

// Config configures a Server.
type Config struct {
	// Store holds the state; required.
	Store store.Store
	// AdminToken protects /admin/; empty disables the admin API.
	AdminToken string
	// Faults and Journal are the fault injector and request journal; nil
	// gives fresh ones.
	Faults  *faults.Engine
	Journal *journal.Journal
	// Logger receives the server's logs; nil uses slog.Default().
	Logger *slog.Logger
}

// Server answers SCIM and admin requests.
type Server struct {
	st      store.Store
	log     *slog.Logger
	faults  *faults.Engine
	journal *journal.Journal
	docs    *docCache
	handler http.Handler
}

// New builds a server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: a store is required")
	}
	s := &Server{st: cfg.Store, log: cfg.Logger, faults: cfg.Faults, journal: cfg.Journal, docs: newDocCache(100000)}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.faults == nil {
		s.faults = faults.New(1)
	}
	if s.journal == nil {
		s.journal = journal.New(0)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	scim := s.journal.Middleware(s.faults.Middleware(s.authenticate(http.HandlerFunc(s.serveSCIM))))
	tenantChain := s.withTenant(scim)
	mux.Handle(TenantPrefix+"{account}", tenantChain)
	mux.Handle(TenantPrefix+"{account}/{rest...}", tenantChain)
	adm := admin.New(admin.Config{
		Store:      cfg.Store,
		AdminToken: cfg.AdminToken,
		Faults:     s.faults.Admin(),
		Journal:    s.journal.Admin(),
		TenantURL:  TenantURL,
		OnSettings: s.settingsChanged,
		Logger:     s.log,
	})
	mux.Handle("/admin/", adm)
	mux.Handle("/admin", adm)
	s.handler = recoverer(s.log, tenantFastPath(mux, scim))
	return s, nil
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Faults returns the fault injector, e.g. to load a plan file.
func (s *Server) Faults() *faults.Engine { return s.faults }

// Journal returns the request journal.
func (s *Server) Journal() *journal.Journal { return s.journal }

// TenantURL is the tenant URL of account as seen by a client that sent r.
func TenantURL(r *http.Request, account string) string {
	return scheme(r) + "://" + r.Host + TenantPrefix + account // one concatenation, one allocation
}

func scheme(r *http.Request) string {
	s := "http"
	if r.TLS != nil {
		s = "https"
	}
	if p := r.Header.Get("X-Forwarded-Proto"); p == "http" || p == "https" {
		s = p
	}
	return s
}

// withTenant puts the tenant.Info of the request in its context.
func (s *Server) withTenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, _ := tenant.New(r.Context(), r.PathValue("account"), "/"+r.PathValue("rest"))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// tenantFastPath routes a plain tenant URL (see plainTenantPath) to scim
// itself, without the ServeMux pattern match, which allocates for every
// wildcard it tries (8 allocations a request); every other request goes
// to mux, whose answer for a plain tenant URL would be the same
// (TestTenantFastPathAgreesWithServeMux).
func tenantFastPath(mux, scim http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		account, rest, ok := plainTenantPath(r)
		if !ok {
			mux.ServeHTTP(w, r)
			return
		}
		ctx, _ := tenant.New(r.Context(), account, rest)
		scim.ServeHTTP(w, r.WithContext(ctx))
	})
}

// plainTenantPath reads the account and the path below the tenant URL
// ("/" + the {rest...} wildcard) from a request the ServeMux would route
// to the tenant patterns as it is: not CONNECT, an unescaped path of
// letters, digits and -._~ with no empty, "." or ".." segment below the
// prefix, and a non-empty account. ok is false for anything else.
func plainTenantPath(r *http.Request) (account, rest string, ok bool) {
	p := r.URL.Path
	if r.Method == http.MethodConnect || r.URL.RawPath != "" || !strings.HasPrefix(p, TenantPrefix) {
		return "", "", false
	}
	below := p[len(TenantPrefix):]
	for i := 0; i < len(below); i++ {
		c := below[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
			return "", "", false
		}
	}
	// Every segment but a trailing empty one must be a plain name.
	for rem := below; ; {
		seg, after, more := strings.Cut(rem, "/")
		if seg == "." || seg == ".." || (seg == "" && more) || (seg == "" && rem == below) {
			return "", "", false
		}
		if !more {
			break
		}
		rem = after
	}
	account, after, more := strings.Cut(below, "/")
	if !more || after == "" {
		return account, "/", true
	}
	return account, below[len(account):], true
}

// authenticate answers 401 unless the request carries a live SCIM token of
// the addressed account; an unknown account looks the same (GTM-08).
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := tenant.From(r.Context())
		tok := auth.Bearer(r)
		var detail string
		switch {
		case tok == "" && r.Header.Get("Authorization") == "":
			detail = "missing Authorization header; send Authorization: Bearer <SCIM token>"
		case tok == "":
			detail = "Authorization header is not a Bearer token"
		default:
			ok, err := auth.Valid(r.Context(), s.st, info.AccountID, tok)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			if ok {
				next.ServeHTTP(w, r)
				return
			}
			detail = "the bearer token is not a valid SCIM token of this account"
		}
		writeSCIMError(w, protocol.NewError(http.StatusUnauthorized, "", detail))
	})
}

// settingsChanged keeps derived state in line with new account settings.
func (s *Server) settingsChanged(ctx context.Context, account string, old, cur store.Settings) error {
	if cur.TeamsFromDepartment && !old.TeamsFromDepartment {
		return s.rebuildTeams(ctx, account)
	}
	return nil
}

// segments appends the non-empty segments of a tenant path to out (a
// caller's array, so that the usual one to three segments cost nothing).
func segments(p string, out []string) []string {
	for p != "" {
		var s string
		s, p, _ = strings.Cut(p, "/")
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}
