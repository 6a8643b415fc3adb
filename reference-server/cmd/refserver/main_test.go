package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// The test binary doubles as the refserver binary: with REFSERVER_CHILD=1
// it runs the server with the remaining arguments.
func TestMain(m *testing.M) {
	if os.Getenv("REFSERVER_CHILD") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		os.Exit(exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
	}
	os.Exit(m.Run())
}

var tenantLine = regexp.MustCompile(`tenant URL: (\S+)`)

// child starts the server as a subprocess and returns it with its tenant
// URL and everything it printed on stdout.
func child(t *testing.T, args ...string) (*exec.Cmd, string, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "REFSERVER_CHILD=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	sc := bufio.NewScanner(out)
	var printed strings.Builder
	tenant := ""
	for sc.Scan() {
		printed.WriteString(sc.Text() + "\n")
		if m := tenantLine.FindStringSubmatch(sc.Text()); m != nil {
			tenant = m[1]
		}
		if tenant != "" && (strings.Contains(sc.Text(), "SCIM token") || len(args) > 0 && contains(args, "--seed-token")) {
			break
		}
	}
	if tenant == "" {
		t.Fatalf("no tenant URL printed: %q", printed.String())
	}
	go io.Copy(io.Discard, out)
	base := tenant[:strings.Index(tenant, "/api/")]
	for range 100 {
		if res, err := http.Get(base + "/healthz"); err == nil && res.StatusCode == 200 {
			res.Body.Close()
			return cmd, tenant, printed.String()
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("healthz never answered 200")
	return nil, "", ""
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func scim(method, u, token, body string) (int, string, error) {
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/scim+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), nil
}

func TestFlags(t *testing.T) {
	t.Setenv(SeedTokenEnv, "")
	for _, bad := range [][]string{{"--seed-account", "a"}, {"--seed-token", "t"}, {"--seed-account", "a/b", "--seed-token", "t"}, {"extra"}, {"--nope"},
		{"--read-body-timeout", "0s"}, {"--write-timeout", "-1s"}, {"--idle-timeout", "x"}, {"--shutdown-timeout", "0"},
		{"--journal-max-bytes", "0"}, {"--journal-max-bytes", "12 parsecs"}, {"--journal-max-bytes", "-5"}} {
		if _, err := parseFlags(bad, io.Discard, io.Discard); err == nil {
			t.Errorf("%v: want an error", bad)
		}
	}
	t.Setenv("REFSERVER_ADMIN_TOKEN", "from-env")
	o, err := parseFlags(nil, io.Discard, io.Discard)
	if err != nil || o.addr != "127.0.0.1:8080" || o.db != "refserver.db" || o.adminToken != "from-env" {
		t.Fatalf("defaults: %+v %v", o, err)
	}
	if o.timeouts.ReadHeader != 10*time.Second || o.timeouts.ReadBody != 30*time.Second || o.timeouts.Write != 2*time.Minute ||
		o.timeouts.Idle != 2*time.Minute || o.shutdownTimeout != 15*time.Second || o.journalMaxBytes != 64<<20 {
		t.Fatalf("default limits: %+v", o)
	}
	if o, _ := parseFlags([]string{"--admin-token", "flag"}, io.Discard, io.Discard); o.adminToken != "flag" {
		t.Fatalf("flag must win over env: %+v", o)
	}
	o, err = parseFlags([]string{"--read-header-timeout", "1s", "--read-body-timeout", "2s", "--write-timeout", "3s", "--idle-timeout", "4s",
		"--shutdown-timeout", "5s", "--journal-max-bytes", "8MiB"}, io.Discard, io.Discard)
	if err != nil || o.timeouts.ReadHeader != time.Second || o.timeouts.ReadBody != 2*time.Second || o.timeouts.Write != 3*time.Second ||
		o.timeouts.Idle != 4*time.Second || o.shutdownTimeout != 5*time.Second || o.journalMaxBytes != 8<<20 {
		t.Fatalf("limits: %+v %v", o, err)
	}
}

func TestJournalMaxBytesSizes(t *testing.T) {
	cases := []struct {
		in   string
		want int64
	}{{"67108864", 64 << 20}, {"64MiB", 64 << 20}, {"64 MiB", 64 << 20}, {"64mb", 64 << 20}, {"512KiB", 512 << 10}, {"1G", 1 << 30}, {"100B", 100}}
	for _, c := range cases {
		var b byteSize
		if err := b.Set(c.in); err != nil || int64(b) != c.want {
			t.Errorf("%q: %d %v, want %d", c.in, b, err, c.want)
		}
	}
	if s := (*byteSize)(new(int64)); s.Set("64MiB") != nil || s.String() != "64MiB" {
		t.Errorf("String: %q", s.String())
	}
}

// The seed token comes from --seed-token-file, --seed-token or
// REFSERVER_SEED_TOKEN; the flags exclude each other, a flag and a
// different token in the environment conflict, and a token needs an
// account and an account a token.
func TestSeedTokenSources(t *testing.T) {
	dir := t.TempDir()
	file := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good, other := file("good", "  tok-from-file\n"), file("empty", "\n")
	spaced := file("spaced", "two words\n")
	cases := []struct {
		name      string
		env       string
		args      []string
		want, err string
	}{
		{"flag", "", []string{"--seed-account", "a", "--seed-token", "tok-flag"}, "tok-flag", ""},
		{"file, trimmed", "", []string{"--seed-account", "a", "--seed-token-file", good}, "tok-from-file", ""},
		{"environment", "tok-env", []string{"--seed-account", "a"}, "tok-env", ""},
		{"flag and the same token in the environment", "tok-flag", []string{"--seed-account", "a", "--seed-token", "tok-flag"}, "tok-flag", ""},
		{"file and the same token in the environment", "tok-from-file", []string{"--seed-account", "a", "--seed-token-file", good}, "tok-from-file", ""},
		{"both flags", "", []string{"--seed-account", "a", "--seed-token", "x", "--seed-token-file", good}, "", "exclusive"},
		{"flag and another token in the environment", "tok-env", []string{"--seed-account", "a", "--seed-token", "tok-flag"}, "", "different seed tokens"},
		{"file and another token in the environment", "tok-env", []string{"--seed-account", "a", "--seed-token-file", good}, "", "different seed tokens"},
		{"empty file", "", []string{"--seed-account", "a", "--seed-token-file", other}, "", "is empty"},
		{"token with a space", "", []string{"--seed-account", "a", "--seed-token-file", spaced}, "", "one line without spaces"},
		{"missing file", "", []string{"--seed-account", "a", "--seed-token-file", filepath.Join(dir, "nope")}, "", "--seed-token-file"},
		{"environment without an account", "tok-env", nil, "", "--seed-account is missing"},
		{"account without a token", "", []string{"--seed-account", "a"}, "", "needs a token"},
		{"nothing", "", nil, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv(SeedTokenEnv, c.env)
			o, err := parseFlags(c.args, io.Discard, io.Discard)
			switch {
			case c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)):
				t.Fatalf("error %v, want one with %q", err, c.err)
			case c.err == "" && err != nil:
				t.Fatal(err)
			case c.err == "" && o.seedToken != c.want:
				t.Fatalf("seed token %q, want %q", o.seedToken, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "tok-") {
				t.Fatalf("the error shows a token: %v", err)
			}
		})
	}
}

// Without seed flags a fresh database gets one account, and the server
// prints its tenant URL and a token once; a restart prints no new token.
func TestBootstrapPrintsTenantURLAndTokenOnce(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ref.db")
	cmd, tenant, printed := child(t, "--addr", "127.0.0.1:0", "--db", db, "--admin-token", "adm")
	m := regexp.MustCompile(`SCIM token \(shown once\): (\S+)`).FindStringSubmatch(printed)
	if m == nil {
		t.Fatalf("no token printed: %q", printed)
	}
	if st, body, err := scim("GET", tenant+"/Users?aadOptscim062020", m[1], ""); err != nil || st != 200 {
		t.Fatalf("printed token does not work: %d %s %v", st, body, err)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("graceful shutdown exit: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no shutdown on SIGTERM")
	}
	// Second start: account exists, nothing new printed, old token valid.
	cmd2 := exec.Command(os.Args[0], "--addr", "127.0.0.1:0", "--db", db, "--admin-token", "adm")
	cmd2.Env = append(os.Environ(), "REFSERVER_CHILD=1")
	var out bytes.Buffer
	cmd2.Stdout = &out
	if err := cmd2.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond)
	cmd2.Process.Signal(syscall.SIGINT)
	cmd2.Wait()
	if strings.Contains(out.String(), "SCIM token") {
		t.Fatalf("restart printed a new token: %q", out.String())
	}
}

// kill -9 during a write load loses no acknowledged write.
func TestKill9LosesNoAcknowledgedWrite(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ref.db")
	args := []string{"--addr", "127.0.0.1:0", "--db", db, "--admin-token", "adm", "--seed-account", "acme", "--seed-token", "tok"}
	cmd, tenant, _ := child(t, args...)
	var acked sync.Map
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				name := fmt.Sprintf("w%d-%d@contoso.com", w, i)
				st, _, err := scim("POST", tenant+"/Users", "tok", `{"userName":"`+name+`"}`)
				if err != nil {
					return // the server is gone
				}
				if st == 201 {
					acked.Store(name, true)
					n.Add(1)
				}
			}
		}()
	}
	for n.Load() < 40 {
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill() // SIGKILL mid-load
	close(stop)
	wg.Wait()
	cmd.Wait()

	_, tenant2, _ := child(t, args...)
	missing := 0
	acked.Range(func(k, _ any) bool {
		st, body, err := scim("GET", tenant2+"/Users?filter="+url.QueryEscape(`userName eq "`+k.(string)+`"`), "tok", "")
		if err != nil || st != 200 || !strings.Contains(body, `"totalResults":1`) {
			missing++
			t.Errorf("acknowledged user %s lost: %d %s", k, st, body)
		}
		return missing < 5
	})
	t.Logf("%d acknowledged creates survived kill -9", n.Load())
}

func TestFaultsFileIsLoaded(t *testing.T) {
	err := run(context.Background(), []string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--admin-token", "a", "--faults", filepath.Join(t.TempDir(), "missing.yaml")}, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "--faults") {
		t.Fatalf("a missing fault file must stop the start with a clear error, got %v", err)
	}
}

func TestVersionAndHelpExitZero(t *testing.T) {
	for _, tc := range []struct {
		arg, want string
		stdout    bool
	}{{"--version", "refserver ", true}, {"--help", "-seed-token-file", false}} {
		cmd := exec.Command(os.Args[0], tc.arg)
		cmd.Env = append(os.Environ(), "REFSERVER_CHILD=1")
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Errorf("%s: %v (stderr %q)", tc.arg, err, errb.String())
		}
		got := errb.String()
		if tc.stdout {
			got = out.String()
		}
		if !strings.Contains(got, tc.want) {
			t.Errorf("%s printed %q, want %q in it", tc.arg, got, tc.want)
		}
	}
}

// TestMemoryLimit: --memory-limit sets the runtime's soft limit (issue 16),
// 0 turns it off, and GOMEMLIMIT in the environment wins over the flag.
func TestMemoryLimit(t *testing.T) {
	prev := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(prev) })
	o, err := parseFlags(nil, io.Discard, io.Discard)
	if err != nil || o.memoryLimit != DefaultMemoryLimit {
		t.Fatalf("default: %d %v", o.memoryLimit, err)
	}
	if _, err := parseFlags([]string{"--memory-limit", "-1"}, io.Discard, io.Discard); err == nil {
		t.Error("--memory-limit -1: want an error")
	}
	if got := applyMemoryLimit(3<<30, ""); got != "3GiB" || debug.SetMemoryLimit(-1) != 3<<30 {
		t.Errorf("flag: %s", got)
	}
	debug.SetMemoryLimit(math.MaxInt64)
	if got := applyMemoryLimit(0, ""); got != "off" {
		t.Errorf("0: %s", got)
	}
	// The runtime read GOMEMLIMIT at start; here it stands for that.
	debug.SetMemoryLimit(1 << 30)
	if got := applyMemoryLimit(3<<30, "1GiB"); got != "1GiB" {
		t.Errorf("GOMEMLIMIT must win: %s", got)
	}
}
