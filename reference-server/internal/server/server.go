// Package server is the HTTP layer of the reference SCIM server: the tenant
// routes /api/v1/scim/azure/{account_id}/… (Users, Groups, discovery,
// .search), the admin API under /admin/ and /healthz.
//
// A tenant request passes, in order: tenant.Info in the context -> SCIM
// token check (marks the request authorised or not, answers nothing) ->
// journal -> faults -> 401 for unauthorised requests -> SCIM handlers, so
// that the journal records every authorised request with the fault that
// fired (and only counts the others), and a fault answers before any 401
// or write.
package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/reference-server/internal/admin"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// TenantPrefix is the path of every tenant URL, followed by the account id
// (GTM-01).
const TenantPrefix = adminapi.TenantPrefix

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
	Faults  *faults.Injector
	Journal *journal.Journal
	// Logger receives the server's logs; nil uses slog.Default().
	Logger *slog.Logger
}

// Server answers SCIM and admin requests.
type Server struct {
	st      store.Store
	log     *slog.Logger
	faults  *faults.Injector
	journal *journal.Journal
	handler http.Handler
}

// New builds a server from cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: a store is required")
	}
	s := &Server{st: cfg.Store, log: cfg.Logger, faults: cfg.Faults, journal: cfg.Journal}
	if s.log == nil {
		s.log = slog.Default()
	}
	if s.faults == nil {
		s.faults = faults.New(1)
	}
	if s.journal == nil {
		s.journal = journal.New(0)
	}
	scim := s.checkToken(s.journal.Middleware(s.faults.Middleware(s.requireToken(http.HandlerFunc(s.serveSCIM))))) // authn.go
	adm := admin.New(admin.Config{
		Store:      cfg.Store,
		AdminToken: cfg.AdminToken,
		Faults:     s.faults.Admin(),
		Journal:    s.journal.Admin(),
		TenantURL:  TenantURL,
		OnSettings: s.settingsChanged,
		OnDelete:   s.accountDeleted, // account_delete.go
		Logger:     s.log,
	})
	s.handler = recoverer(s.log, router(scim, adm)) // router.go
	return s, nil
}

// Handler returns the root handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Faults returns the fault injector, e.g. to load a plan file.
func (s *Server) Faults() *faults.Injector { return s.faults }

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
