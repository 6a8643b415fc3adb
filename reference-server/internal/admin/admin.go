// Package admin serves the reference server's admin API (architecture
// note, "Admin API"): accounts, their SCIM tokens and settings, and the
// mount points of the fault injector and the request journal. Every call
// needs "Authorization: Bearer <admin token>"; bodies are JSON both ways
// and errors are {"error":"<message>"}.
package admin

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"strings"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// Config configures the admin API.
type Config struct {
	Store store.Store
	// AdminToken is the admin bearer token; empty turns the API off (403).
	AdminToken string
	// Faults serves /admin/accounts/{id}/faults and Journal
	// /admin/accounts/{id}/requests, with the {id} path value set.
	Faults, Journal http.Handler
	// TenantURL renders the tenant URL of an account for a request.
	TenantURL func(r *http.Request, account string) string
	// OnSettings runs after an account's settings changed (e.g. to build
	// department teams); an error is reported to the caller.
	OnSettings func(ctx context.Context, account string, old, cur store.Settings) error
	// OnDelete runs after an account was deleted from the store, to drop
	// what other parts of the server keep about it (journal, fault plan,
	// caches).
	OnDelete func(account string)
	Logger   *slog.Logger
}

// API is the admin http.Handler.
type API struct {
	cfg Config
	mux *http.ServeMux
}

// New builds the admin API.
func New(cfg Config) *API {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	a := &API{cfg: cfg, mux: http.NewServeMux()}
	m := a.mux
	m.HandleFunc("POST /admin/accounts", a.createAccount)
	m.HandleFunc("GET /admin/accounts", a.listAccounts)
	m.HandleFunc("GET /admin/accounts/{id}", a.withAccount(a.getAccount))
	m.HandleFunc("DELETE /admin/accounts/{id}", a.withAccount(a.deleteAccount))
	m.HandleFunc("POST /admin/accounts/{id}/tokens", a.withAccount(a.createToken))
	m.HandleFunc("GET /admin/accounts/{id}/tokens", a.withAccount(a.listTokens))
	m.HandleFunc("DELETE /admin/accounts/{id}/tokens/{tokenId}", a.withAccount(a.revokeToken))
	m.HandleFunc("GET /admin/accounts/{id}/settings", a.withAccount(a.getSettings))
	m.HandleFunc("PUT /admin/accounts/{id}/settings", a.withAccount(a.putSettings))
	if cfg.Faults != nil {
		m.Handle("/admin/accounts/{id}/faults", a.withAccount(mount(cfg.Faults)))
	}
	if cfg.Journal != nil {
		m.Handle("/admin/accounts/{id}/requests", a.withAccount(mount(cfg.Journal)))
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, http.StatusNotFound, "no admin endpoint %s %s", r.Method, r.URL.Path)
	})
	return a
}

// ServeHTTP checks the admin token and dispatches.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.cfg.AdminToken == "" {
		writeErr(w, http.StatusForbidden, "the admin API is disabled: start the server with --admin-token")
		return
	}
	if !auth.AdminValid(a.cfg.AdminToken, auth.Bearer(r)) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="admin"`)
		writeErr(w, http.StatusUnauthorized, "send Authorization: Bearer <admin token>")
		return
	}
	// The mux would redirect a path with an empty, "." or ".." segment to
	// its cleaned form; such a path names no admin endpoint.
	if p := r.URL.EscapedPath(); p != path.Clean(p) && p != path.Clean(p)+"/" {
		writeErr(w, http.StatusNotFound, "no admin endpoint %s %s", r.Method, p)
		return
	}
	a.mux.ServeHTTP(w, r)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"cannot encode answer"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func writeErr(w http.ResponseWriter, status int, format string, args ...any) {
	writeJSON(w, status, adminapi.Error{Error: fmt.Sprintf(format, args...)})
}

// decode reads a JSON body into v, rejecting unknown fields; an empty body
// leaves v as it is.
func decode(r *http.Request, v any) error {
	b, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("body is not the expected JSON: %w", err)
	}
	return nil
}

// AccountIDPattern is what an account id may look like: it is a URL path
// segment.
var AccountIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$`)

// NewAccountID returns a random account id shaped like Gtmhub's (24 hex).
func NewAccountID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func (a *API) accountJSON(r *http.Request, acc store.Account) adminapi.Account {
	return adminapi.Account{ID: acc.ID, TenantURL: a.cfg.TenantURL(r, acc.ID), Created: acc.Created, Settings: adminapi.Settings(acc.Settings)}
}

func (a *API) createAccount(w http.ResponseWriter, r *http.Request) {
	var body adminapi.NewAccount
	if err := decode(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, "%v", err)
		return
	}
	if body.ID == "" {
		body.ID = NewAccountID()
	}
	if !AccountIDPattern.MatchString(body.ID) {
		writeErr(w, http.StatusBadRequest, "account id %q: use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit", body.ID)
		return
	}
	acc, err := a.cfg.Store.CreateAccount(r.Context(), body.ID)
	if errors.Is(err, store.ErrExists) {
		writeErr(w, http.StatusConflict, "account %q already exists", body.ID)
		return
	}
	if err != nil {
		a.internal(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, a.accountJSON(r, acc))
}

func (a *API) listAccounts(w http.ResponseWriter, r *http.Request) {
	accs, err := a.cfg.Store.Accounts(r.Context())
	if err != nil {
		a.internal(w, err)
		return
	}
	out := adminapi.AccountList{Accounts: make([]adminapi.Account, 0, len(accs))}
	for _, acc := range accs {
		out.Accounts = append(out.Accounts, a.accountJSON(r, acc))
	}
	writeJSON(w, http.StatusOK, out)
}

// withAccount answers 404 unless the {id} account exists.
func (a *API) withAccount(h func(http.ResponseWriter, *http.Request, store.Account)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		acc, err := a.cfg.Store.Account(r.Context(), r.PathValue("id"))
		if errors.Is(err, store.ErrNotFound) {
			writeErr(w, http.StatusNotFound, "account %q does not exist", r.PathValue("id"))
			return
		}
		if err != nil {
			a.internal(w, err)
			return
		}
		h(w, r, acc)
	}
}

// mount adapts a handler of another package to withAccount.
func mount(h http.Handler) func(http.ResponseWriter, *http.Request, store.Account) {
	return func(w http.ResponseWriter, r *http.Request, _ store.Account) { h.ServeHTTP(w, r) }
}

func (a *API) getAccount(w http.ResponseWriter, r *http.Request, acc store.Account) {
	writeJSON(w, http.StatusOK, a.accountJSON(r, acc))
}

// deleteAccount removes an account with its users, groups, tokens and
// settings, then (OnDelete) its request journal and fault plan: 204. Its
// tokens stop working at once; the id may be created again, empty.
func (a *API) deleteAccount(w http.ResponseWriter, r *http.Request, acc store.Account) {
	err := a.cfg.Store.DeleteAccount(r.Context(), acc.ID)
	if errors.Is(err, store.ErrNotFound) { // deleted meanwhile
		writeErr(w, http.StatusNotFound, "account %q does not exist", acc.ID)
		return
	}
	if err != nil {
		a.internal(w, err)
		return
	}
	if a.cfg.OnDelete != nil {
		a.cfg.OnDelete(acc.ID)
	}
	a.cfg.Logger.Info("account deleted", "account", acc.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request, acc store.Account) {
	var body adminapi.NewToken
	if err := decode(r, &body); err != nil {
		writeErr(w, http.StatusBadRequest, "%v", err)
		return
	}
	if body.Type != "" && !strings.EqualFold(body.Type, auth.TypeSCIM) {
		writeErr(w, http.StatusBadRequest, "token type %q: only %q tokens exist", body.Type, auth.TypeSCIM)
		return
	}
	if body.Name == "" {
		body.Name = "scim"
	}
	t, secret, err := auth.Issue(r.Context(), a.cfg.Store, acc.ID, body.Name)
	if err != nil {
		a.internal(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, adminapi.Token{ID: t.ID, Name: t.Name, Type: t.Type, Created: t.Created, Token: secret})
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request, acc store.Account) {
	toks, err := a.cfg.Store.Tokens(r.Context(), acc.ID)
	if err != nil {
		a.internal(w, err)
		return
	}
	out := adminapi.TokenList{Tokens: make([]adminapi.Token, 0, len(toks))}
	for _, t := range toks {
		out.Tokens = append(out.Tokens, adminapi.Token{ID: t.ID, Name: t.Name, Type: t.Type, Created: t.Created})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, acc store.Account) {
	err := a.cfg.Store.RevokeToken(r.Context(), acc.ID, r.PathValue("tokenId"))
	if errors.Is(err, store.ErrNotFound) {
		writeErr(w, http.StatusNotFound, "account %q has no token %q", acc.ID, r.PathValue("tokenId"))
		return
	}
	if err != nil {
		a.internal(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) getSettings(w http.ResponseWriter, r *http.Request, acc store.Account) {
	writeJSON(w, http.StatusOK, acc.Settings)
}

// putSettings replaces the settings; fields left out keep their value.
func (a *API) putSettings(w http.ResponseWriter, r *http.Request, acc store.Account) {
	next := acc.Settings
	if err := decode(r, &next); err != nil {
		writeErr(w, http.StatusBadRequest, "%v (fields: groups, teamsFromDepartment, deleteDeactivates)", err)
		return
	}
	if next.TeamsFromDepartment && !next.Groups {
		writeErr(w, http.StatusBadRequest, "teamsFromDepartment needs groups:true: department teams are served through /Groups")
		return
	}
	if err := a.cfg.Store.PutSettings(r.Context(), acc.ID, next); err != nil {
		a.internal(w, err)
		return
	}
	if a.cfg.OnSettings != nil {
		if err := a.cfg.OnSettings(r.Context(), acc.ID, acc.Settings, next); err != nil {
			a.internal(w, fmt.Errorf("apply settings of account %s: %w", acc.ID, err))
			return
		}
	}
	writeJSON(w, http.StatusOK, next)
}

func (a *API) internal(w http.ResponseWriter, err error) {
	a.cfg.Logger.Error("admin request failed", "err", err)
	writeErr(w, http.StatusInternalServerError, "internal error: %v", err)
}
