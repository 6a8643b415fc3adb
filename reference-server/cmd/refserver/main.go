// Command refserver is the reference SCIM server: a Gtmhub-compatible SCIM
// endpoint for Microsoft Entra ID provisioning, with an admin API for
// accounts, tokens, settings, fault injection and the request journal.
//
//	refserver [--addr 127.0.0.1:8080] [--db refserver.db|:memory:]
//	          [--admin-token T] [--seed-account ID [--seed-token-file F | --seed-token T]]
//	          [--faults FILE] [--read-header-timeout 10s] [--read-body-timeout 30s]
//	          [--write-timeout 2m] [--idle-timeout 2m] [--shutdown-timeout 15s]
//	          [--journal-max-bytes 64MiB] [--memory-limit 2560MiB]
//
// The seed token can also come from REFSERVER_SEED_TOKEN; see parseFlags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/admin"
	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/server"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
	"github.com/quantive/entra-scim-harness/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Further signals during the drain are ignored: it is bounded by
	// --shutdown-timeout, and a supervisor that signals both the process
	// and its group must not turn a drain into a kill.
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exitCode is 0 after a clean stop, --help or --version, else 1 with the
// error on stderr.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) || errors.Is(err, errVersion) {
		return 0
	}
	fmt.Fprintln(stderr, "refserver:", err)
	return 1
}

// DefaultShutdownTimeout bounds the drain after SIGTERM/SIGINT
// (--shutdown-timeout).
const DefaultShutdownTimeout = 15 * time.Second

// errVersion ends a run that printed the version (--version).
var errVersion = errors.New("version printed")

// SeedTokenEnv names the environment variable that can hold the seed token.
const SeedTokenEnv = "REFSERVER_SEED_TOKEN"

type options struct {
	addr, db, adminToken, seedAccount, seedToken, faultsFile string
	// seedTokenFrom says where seedToken came from, for messages.
	seedTokenFrom   string
	timeouts        server.Timeouts
	shutdownTimeout time.Duration
	journalMaxBytes int64
	memoryLimit     int64
}

// DefaultMemoryLimit is the Go runtime's soft memory limit the server sets
// when GOMEMLIMIT is not in its environment (--memory-limit).
//
// Why: the server's heap is mostly the mirror of every user and group
// (store.Cached), about 1.7 KB per user (BenchmarkCachedHeapPerUser), so
// 1.7 GB at 1M users. At the default GOGC=100 the collector lets the heap
// grow to twice the live heap before it runs, 3.4 GB at 1M users: more
// than the 3 GiB the issue 16 target gives the whole process. A soft
// limit makes the collector run earlier once the heap nears it, and
// changes nothing while it is far (100k users: the heap never gets
// there). 2.5 GiB leaves room under 3 GiB for what the limit does not
// count (SQLite's page cache, allocated outside the Go heap) and is far
// enough above a 1M-user live heap that the collector does not run
// back to back. It is a soft limit: a bigger live heap still grows,
// at the cost of more collector CPU (the runtime caps it at about 50%).
const DefaultMemoryLimit = 2560 << 20

// parseFlags reads the flags and the environment.
//
// The seed token comes from one of --seed-token-file FILE (its content,
// surrounding white space dropped), --seed-token TOKEN (which anyone on
// the machine can read in ps) or the environment variable
// REFSERVER_SEED_TOKEN. The two flags together are an error; a flag wins
// over the variable, but only when both hold the same token: a variable
// left over in the environment with another token is an error rather than
// silently ignored. A seed token without --seed-account, and
// --seed-account without a token, are errors too.
func parseFlags(args []string, stdout, stderr io.Writer) (options, error) {
	var o options
	var seedTokenFile string
	fs := flag.NewFlagSet("refserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&o.db, "db", "refserver.db", "SQLite database file (locked while in use, created 0600), or :memory: for an ephemeral store")
	fs.StringVar(&o.adminToken, "admin-token", "", "admin API bearer token (default: env REFSERVER_ADMIN_TOKEN, else generated and printed)")
	fs.StringVar(&o.seedAccount, "seed-account", "", "make sure this account exists, with the seed token")
	fs.StringVar(&o.seedToken, "seed-token", "", "make sure this is a valid SCIM token of --seed-account (visible in ps: prefer --seed-token-file or env "+SeedTokenEnv+")")
	fs.StringVar(&seedTokenFile, "seed-token-file", "", "read the seed token from this file")
	fs.StringVar(&o.faultsFile, "faults", "", "fault plan file (YAML or JSON) to load at start")
	fs.DurationVar(&o.timeouts.ReadHeader, "read-header-timeout", server.DefaultReadHeaderTimeout, "a request's headers must arrive within this")
	fs.DurationVar(&o.timeouts.ReadBody, "read-body-timeout", server.DefaultReadBodyTimeout, "a request's body must arrive within this once its headers are in; a stalled body loses its connection")
	fs.DurationVar(&o.timeouts.Write, "write-timeout", server.DefaultWriteTimeout, "from a request's headers to the end of its answer (fault delays included)")
	fs.DurationVar(&o.timeouts.Idle, "idle-timeout", server.DefaultIdleTimeout, "close a keep-alive connection idle for this long")
	fs.DurationVar(&o.shutdownTimeout, "shutdown-timeout", DefaultShutdownTimeout, "on SIGTERM/SIGINT, wait this long for in-flight requests, then cut them and exit")
	o.journalMaxBytes = journal.DefaultMaxBytes
	showVersion := fs.Bool("version", false, "print the version (module version, VCS revision, Go version) and exit")
	fs.Var((*byteSize)(&o.journalMaxBytes), "journal-max-bytes", "memory bound of the request journal, all accounts together (bytes, or with KiB/MiB/GiB); oldest entries go first")
	o.memoryLimit = DefaultMemoryLimit
	fs.Var((*byteSize)(&o.memoryLimit), "memory-limit", "soft memory limit of the Go runtime (bytes, or with KiB/MiB/GiB; 0: none): the collector runs more often near it; GOMEMLIMIT in the environment wins")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *showVersion {
		fmt.Fprintln(stdout, version.String("refserver"))
		return o, errVersion
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	for name, d := range map[string]time.Duration{"--read-header-timeout": o.timeouts.ReadHeader, "--read-body-timeout": o.timeouts.ReadBody,
		"--write-timeout": o.timeouts.Write, "--idle-timeout": o.timeouts.Idle, "--shutdown-timeout": o.shutdownTimeout} {
		if d <= 0 {
			return o, fmt.Errorf("%s must be positive, got %v", name, d)
		}
	}
	if o.journalMaxBytes <= 0 {
		return o, fmt.Errorf("--journal-max-bytes must be positive, got %d", o.journalMaxBytes)
	}
	if o.memoryLimit < 0 {
		return o, fmt.Errorf("--memory-limit must be 0 (none) or positive, got %d", o.memoryLimit)
	}
	if err := o.resolveSeedToken(seedTokenFile, os.Getenv(SeedTokenEnv)); err != nil {
		return o, err
	}
	if o.seedAccount != "" && !admin.AccountIDPattern.MatchString(o.seedAccount) {
		return o, fmt.Errorf("--seed-account %q: use letters, digits, '.', '_' or '-'", o.seedAccount)
	}
	if o.adminToken == "" {
		o.adminToken = os.Getenv("REFSERVER_ADMIN_TOKEN")
	}
	return o, nil
}

// resolveSeedToken picks the seed token from --seed-token (already in
// o.seedToken), the file and the environment (see parseFlags).
func (o *options) resolveSeedToken(file, env string) error {
	switch {
	case file != "" && o.seedToken != "":
		return errors.New("--seed-token and --seed-token-file are exclusive; give one")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("--seed-token-file: %w", err)
		}
		o.seedToken = strings.TrimSpace(string(b))
		if o.seedToken == "" {
			return fmt.Errorf("--seed-token-file %s is empty", file)
		}
		if strings.ContainsAny(o.seedToken, " \t\r\n") {
			return fmt.Errorf("--seed-token-file %s: the token must be one line without spaces", file)
		}
		o.seedTokenFrom = "--seed-token-file"
	case o.seedToken != "":
		o.seedTokenFrom = "--seed-token"
	case env != "":
		o.seedToken, o.seedTokenFrom = env, SeedTokenEnv
	}
	if env != "" && o.seedTokenFrom != SeedTokenEnv && env != o.seedToken {
		return fmt.Errorf("%s and %s hold different seed tokens; unset one", o.seedTokenFrom, SeedTokenEnv)
	}
	switch {
	case o.seedAccount == "" && o.seedToken != "":
		return fmt.Errorf("%s gives a seed token but --seed-account is missing", o.seedTokenFrom)
	case o.seedAccount != "" && o.seedToken == "":
		return errors.New("--seed-account needs a token: --seed-token-file, env " + SeedTokenEnv + " or --seed-token")
	}
	return nil
}

// byteSize is a flag of a size in bytes: a number, optionally with a unit
// of B, KiB, MiB or GiB (also KB/MB/GB, K/M/G, as powers of 1024).
type byteSize int64

func (b *byteSize) String() string {
	n := int64(*b)
	for _, u := range []struct {
		name string
		size int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}} {
		if n >= u.size && n%u.size == 0 {
			return strconv.FormatInt(n/u.size, 10) + u.name
		}
	}
	return strconv.FormatInt(n, 10)
}

func (b *byteSize) Set(s string) error {
	num, mult := strings.TrimSpace(s), int64(1)
	if i := strings.IndexFunc(num, func(r rune) bool { return r < '0' || r > '9' }); i > 0 {
		unit := strings.ToUpper(strings.TrimSpace(num[i:]))
		num = num[:i]
		switch unit {
		case "B":
		case "K", "KB", "KIB":
			mult = 1 << 10
		case "M", "MB", "MIB":
			mult = 1 << 20
		case "G", "GB", "GIB":
			mult = 1 << 30
		default:
			mult = 0
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || mult == 0 || n > (1<<62)/mult {
		return fmt.Errorf("%q is not a size such as 67108864, 64MiB or 512KiB", s)
	}
	*b = byteSize(n * mult)
	return nil
}

// run starts the server and blocks until ctx ends, then shuts down
// gracefully.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stdout, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	// Before the store loads its mirror, which is most of the heap.
	memLimit := applyMemoryLimit(o.memoryLimit, os.Getenv("GOMEMLIMIT"))
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
	if o.seedTokenFrom == "--seed-token" {
		log.Warn("--seed-token can be read by anyone on this machine (ps); prefer --seed-token-file or env " + SeedTokenEnv)
	}
	jrn := journal.New(0)
	jrn.SetMaxBytes(o.journalMaxBytes)
	srv, err := server.New(server.Config{Store: st, AdminToken: o.adminToken, Faults: eng, Journal: jrn, Logger: log})
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
	hs := server.NewHTTPServer(srv.Handler(), o.timeouts, log)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("refserver listening", "addr", ln.Addr().String(), "db", o.db,
		"read_header_timeout", o.timeouts.ReadHeader, "read_body_timeout", o.timeouts.ReadBody,
		"write_timeout", o.timeouts.Write, "idle_timeout", o.timeouts.Idle, "journal_max_bytes", o.journalMaxBytes,
		"memory_limit", memLimit)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	// Drain: stop accepting, close idle connections, let in-flight requests
	// finish for up to --shutdown-timeout; cut whatever is left then. Either
	// way the process exits 0: stopping was asked for.
	log.Info("shutting down: draining in-flight requests", "shutdown_timeout", o.shutdownTimeout)
	start := time.Now()
	sctx, cancel := context.WithTimeout(context.Background(), o.shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		log.Warn("shutdown: requests still in flight at the drain bound were cut", "shutdown_timeout", o.shutdownTimeout, "err", err)
		_ = hs.Close()
	}
	log.Info("stopped", "drain", time.Since(start).Round(time.Millisecond))
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

// applyMemoryLimit sets the runtime's soft memory limit to limit (0: no
// limit) unless GOMEMLIMIT (env) is set, in which case the runtime
// already applied it and it wins. It returns the limit in force, for the
// log ("off" when there is none).
func applyMemoryLimit(limit int64, env string) string {
	if env == "" && limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	cur := debug.SetMemoryLimit(-1) // -1 reads it
	if cur == math.MaxInt64 {
		return "off"
	}
	b := byteSize(cur)
	return b.String()
}
