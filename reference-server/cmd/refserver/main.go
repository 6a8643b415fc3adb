// Command refserver is the reference SCIM server: a Gtmhub-compatible SCIM
// endpoint for Microsoft Entra ID provisioning, with an admin API for
// accounts, tokens, settings, fault injection and the request journal.
//
//	refserver [--addr 127.0.0.1:8080] [--db refserver.db|:memory:]
//	          [--admin-token T] [--seed-account ID --seed-token TOKEN] [--faults FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/admin"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/server"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "refserver:", err)
		os.Exit(1)
	}
}

type options struct {
	addr, db, adminToken, seedAccount, seedToken, faultsFile string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("refserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&o.db, "db", "refserver.db", "SQLite database file, or :memory: for an ephemeral store")
	fs.StringVar(&o.adminToken, "admin-token", "", "admin API bearer token (default: env REFSERVER_ADMIN_TOKEN, else generated and printed)")
	fs.StringVar(&o.seedAccount, "seed-account", "", "make sure this account exists (with --seed-token)")
	fs.StringVar(&o.seedToken, "seed-token", "", "make sure this is a valid SCIM token of --seed-account")
	fs.StringVar(&o.faultsFile, "faults", "", "fault plan file (YAML or JSON) to load at start")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if (o.seedAccount == "") != (o.seedToken == "") {
		return o, errors.New("--seed-account and --seed-token go together")
	}
	if o.seedAccount != "" && !admin.AccountIDPattern.MatchString(o.seedAccount) {
		return o, fmt.Errorf("--seed-account %q: use letters, digits, '.', '_' or '-'", o.seedAccount)
	}
	if o.adminToken == "" {
		o.adminToken = os.Getenv("REFSERVER_ADMIN_TOKEN")
	}
	return o, nil
}

// run starts the server and blocks until ctx ends, then shuts down
// gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	st, err := store.OpenDefault(ctx, o.db)
	if err != nil {
		return err
	}
	defer st.Close()

	if o.adminToken == "" {
		o.adminToken = auth.NewSecret()
		fmt.Fprintf(stdout, "admin token (shown once): %s\n", o.adminToken)
	}
	eng := faults.New(time.Now().UnixNano())
	if o.faultsFile != "" {
		if err := eng.LoadFile(o.faultsFile); err != nil {
			return fmt.Errorf("--faults: %w", err)
		}
	}
	srv, err := server.New(server.Config{Store: st, AdminToken: o.adminToken, Faults: eng, Journal: journal.New(0), Logger: log})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("listen %s: %w", o.addr, err)
	}
	base := "http://" + ln.Addr().String()
	if err := bootstrap(ctx, st, o, base, stdout); err != nil {
		ln.Close()
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("refserver listening", "addr", ln.Addr().String(), "db", o.db)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// bootstrap seeds the account of --seed-account/--seed-token, or gives a
// fresh database one account and prints its tenant URL and a new token.
func bootstrap(ctx context.Context, st store.Store, o options, base string, stdout io.Writer) error {
	if o.seedAccount != "" {
		if err := auth.Seed(ctx, st, o.seedAccount, o.seedToken, "seed"); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "tenant URL: %s%s%s\n", base, server.TenantPrefix, o.seedAccount)
		return nil
	}
	accts, err := st.Accounts(ctx)
	if err != nil {
		return err
	}
	if len(accts) > 0 {
		return nil
	}
	acc, err := st.CreateAccount(ctx, admin.NewAccountID())
	if err != nil {
		return err
	}
	_, secret, err := auth.Issue(ctx, st, acc.ID, "bootstrap")
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "tenant URL: %s%s%s\nSCIM token (shown once): %s\n", base, server.TenantPrefix, acc.ID, secret)
	return nil
}
