// Package embedded runs the reference SCIM server inside the calling
// process, for tests and suites: Start binds 127.0.0.1 on a free port with
// an in-memory store, seeds one account with a SCIM token, and returns the
// URLs and secrets a client needs. NewAccount gives parallel specs
// isolated accounts.
package embedded

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/reference-server/internal/admin"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/server"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// Options configure Start; the zero value is fine.
type Options struct {
	// Addr to listen on; default "127.0.0.1:0" (a free loopback port).
	Addr string
	// DB is the SQLite path; default ":memory:" (a memory-only store).
	DB string
	// AdminToken; default a random one.
	AdminToken string
	// AccountID and Token of the seeded account; default random ones.
	AccountID, Token string
	// FaultSeed seeds probabilistic fault rules; default 1.
	FaultSeed int64
	// Logger; default discards logs.
	Logger *slog.Logger
	// Connection timeouts; zero takes refserver's defaults (10 s for the
	// headers, 30 s for the body, 120 s from the headers to the end of the
	// answer, 120 s idle).
	ReadHeaderTimeout, ReadBodyTimeout, WriteTimeout, IdleTimeout time.Duration
	// JournalMaxBytes bounds the request journal's memory, all accounts
	// together; default 64 MiB.
	JournalMaxBytes int64
}

// Server is a running reference server.
type Server struct {
	// BaseURL is http://127.0.0.1:PORT.
	BaseURL string
	// AccountID and Token are the seeded account and its SCIM token.
	AccountID, Token string
	// AdminToken authorises the admin API.
	AdminToken string

	st   store.Store
	srv  *server.Server
	http *http.Server
	done chan error
}

// Start starts a server; Close stops it.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Addr == "" {
		opts.Addr = "127.0.0.1:0"
	}
	if opts.DB == "" {
		opts.DB = store.Memory
	}
	if opts.AdminToken == "" {
		opts.AdminToken = auth.NewSecret()
	}
	if opts.AccountID == "" {
		opts.AccountID = admin.NewAccountID()
	}
	if opts.Token == "" {
		opts.Token = auth.NewSecret()
	}
	if opts.FaultSeed == 0 {
		opts.FaultSeed = 1
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	st, err := store.OpenDefault(ctx, opts.DB)
	if err != nil {
		return nil, fmt.Errorf("embedded refserver: %w", err)
	}
	if err := auth.Seed(ctx, st, opts.AccountID, opts.Token, "embedded"); err != nil {
		st.Close()
		return nil, fmt.Errorf("embedded refserver: %w", err)
	}
	jrn := journal.New(0)
	jrn.SetMaxBytes(opts.JournalMaxBytes)
	srv, err := server.New(server.Config{Store: st, AdminToken: opts.AdminToken,
		Faults: faults.New(opts.FaultSeed), Journal: jrn, Logger: opts.Logger})
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("embedded refserver: %w", err)
	}
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("embedded refserver: listen %s: %w", opts.Addr, err)
	}
	s := &Server{
		BaseURL: "http://" + ln.Addr().String(), AccountID: opts.AccountID, Token: opts.Token,
		AdminToken: opts.AdminToken, st: st, srv: srv, done: make(chan error, 1),
		http: server.NewHTTPServer(srv.Handler(), server.Timeouts{ReadHeader: opts.ReadHeaderTimeout,
			ReadBody: opts.ReadBodyTimeout, Write: opts.WriteTimeout, Idle: opts.IdleTimeout}, opts.Logger),
	}
	go func() { s.done <- s.http.Serve(ln) }()
	return s, nil
}

// TenantURL is the tenant URL of the seeded account.
func (s *Server) TenantURL() string { return adminapi.TenantURL(s.BaseURL, s.AccountID) }

// TenantURLOf is the tenant URL of any account.
func (s *Server) TenantURLOf(accountID string) string {
	return adminapi.TenantURL(s.BaseURL, accountID)
}

// Handler is the server's root handler, for httptest-style use.
func (s *Server) Handler() http.Handler { return s.srv.Handler() }

// Admin is a client of the server's admin API.
func (s *Server) Admin() *adminapi.Client { return adminapi.New(s.BaseURL, s.AdminToken, nil) }

// SetFaultPlan replaces an account's fault plan without going through the
// admin API (as PUT /admin/accounts/{id}/faults does; hit counts restart).
// A bad plan is an error naming the rule and field, and changes nothing.
func (s *Server) SetFaultPlan(account string, plan adminapi.FaultPlan) error {
	meta, rules := faults.FromAPI(plan)
	return s.srv.Faults().SetPlan(account, meta, rules)
}

// FaultPlan is an account's fault plan with hit counts.
func (s *Server) FaultPlan(account string) adminapi.FaultPlanStatus {
	return s.srv.Faults().Plan(account).API()
}

// ClearFaults removes an account's fault plan.
func (s *Server) ClearFaults(account string) { s.srv.Faults().Clear(account) }

// NewAccount creates a fresh account with one SCIM token.
func (s *Server) NewAccount(ctx context.Context) (accountID, token string, err error) {
	id := admin.NewAccountID()
	if _, err := s.st.CreateAccount(ctx, id); err != nil {
		return "", "", fmt.Errorf("new account: %w", err)
	}
	_, secret, err := auth.Issue(ctx, s.st, id, "embedded")
	if err != nil {
		return "", "", err
	}
	return id, secret, nil
}

// Close stops the server and closes its store.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	errShut := s.http.Shutdown(ctx)
	if err := <-s.done; err != nil && !errors.Is(err, http.ErrServerClosed) && errShut == nil {
		errShut = err
	}
	return errors.Join(errShut, s.st.Close())
}
