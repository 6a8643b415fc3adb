package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// buildBinary builds refserver into a temporary directory of the test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "refserver")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// proc is a running refserver binary.
type proc struct {
	cmd    *exec.Cmd
	base   string // http://127.0.0.1:PORT
	tenant string
	mu     sync.Mutex
	stderr bytes.Buffer
	done   chan struct{}
	err    error // of Wait, once done is closed
}

func (p *proc) Stderr() string { p.mu.Lock(); defer p.mu.Unlock(); return p.stderr.String() }

type lockedWriter struct{ p *proc }

func (w lockedWriter) Write(b []byte) (int, error) {
	w.p.mu.Lock()
	defer w.p.mu.Unlock()
	return w.p.stderr.Write(b)
}

// startBinary runs bin with args (and env added to the environment) and
// waits until it serves /healthz.
func startBinary(t *testing.T, bin string, env []string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(bin, args...), done: make(chan struct{})}
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stderr = lockedWriter{p}
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		found := false
		for sc.Scan() {
			if m := tenantLine.FindStringSubmatch(sc.Text()); m != nil && !found {
				found = true
				p.mu.Lock()
				p.tenant = m[1]
				p.mu.Unlock()
			}
		}
	}()
	go func() { p.err = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill(); <-p.done })
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("refserver exited at start: %v\n%s", p.err, p.Stderr())
		default:
		}
		p.mu.Lock()
		tenant := p.tenant
		p.mu.Unlock()
		if tenant != "" {
			p.base, p.tenant = tenant[:strings.Index(tenant, "/api/")], tenant
			if res, err := http.Get(p.base + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == 200 {
					return p
				}
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("refserver never became healthy\n%s", p.Stderr())
	return nil
}

// waitExit waits up to limit for the process to end and returns its exit
// code (-1 if a signal ended it) and whether it ended.
func (p *proc) waitExit(limit time.Duration) (int, bool) {
	select {
	case <-p.done:
		var ee *exec.ExitError
		if errors.As(p.err, &ee) {
			return ee.ExitCode(), true
		}
		if p.err != nil {
			return -2, true
		}
		return 0, true
	case <-time.After(limit):
		return 0, false
	}
}

func adminCall(t *testing.T, method, url, token string, body any) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

// SIGTERM drains: the listener closes at once, requests in flight are
// answered, and the process exits 0 once they are, or, when one outlasts
// --shutdown-timeout, exits 0 at that bound with the request cut.
func TestSIGTERMDrainsInFlightRequests(t *testing.T) {
	bin := buildBinary(t)
	cases := []struct {
		name            string
		delay, shutdown time.Duration
		wantAnswer      bool
	}{
		{"in-flight request finishes", 1500 * time.Millisecond, 10 * time.Second, true},
		{"request outlasting the drain bound is cut", 20 * time.Second, 1 * time.Second, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := startBinary(t, bin, nil, "--addr", "127.0.0.1:0", "--db", ":memory:", "--admin-token", "adm",
				"--seed-account", "acme", "--seed-token", "tok-acme-123", "--shutdown-timeout", c.shutdown.String())
			plan := map[string]any{"rules": []any{map[string]any{"name": "slow", "method": "GET", "path": "^/Users$", "delay": c.delay.String()}}}
			if st, b := adminCall(t, "PUT", p.base+"/admin/accounts/acme/faults", "adm", plan); st >= 300 {
				t.Fatalf("fault plan: %d %s", st, b)
			}
			type result struct {
				status int
				err    error
				at     time.Time
			}
			res := make(chan result, 1)
			go func() {
				st, _, err := scim("GET", p.tenant+"/Users", "tok-acme-123", "")
				res <- result{st, err, time.Now()}
			}()
			// Wait until the request is in its delay (the rule has fired).
			for i := 0; ; i++ {
				_, b := adminCall(t, "GET", p.base+"/admin/accounts/acme/faults", "adm", nil)
				if strings.Contains(string(b), `"hits":1`) {
					break
				}
				if i == 500 {
					t.Fatalf("the request never reached its delay: %s", b)
				}
				time.Sleep(10 * time.Millisecond)
			}
			signalled := time.Now()
			if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
				t.Fatal(err)
			}
			// New connections are refused while the old request drains.
			time.Sleep(200 * time.Millisecond)
			if _, err := net.DialTimeout("tcp", strings.TrimPrefix(p.base, "http://"), time.Second); err == nil {
				t.Errorf("a new connection was accepted during the drain")
			}
			code, ended := p.waitExit(c.shutdown + 10*time.Second)
			exited := time.Now()
			if !ended || code != 0 {
				t.Fatalf("exit: ended=%v code=%d\n%s", ended, code, p.Stderr())
			}
			r := <-res
			if c.wantAnswer {
				if r.err != nil || r.status != 200 || r.at.After(exited) {
					t.Fatalf("in-flight request: %d %v (answered %v, exit %v)", r.status, r.err, r.at, exited)
				}
			} else if r.err == nil {
				t.Fatalf("a request past the drain bound got an answer: %d", r.status)
			}
			took := exited.Sub(signalled)
			if !c.wantAnswer && (took < c.shutdown*9/10 || took > c.delay) {
				t.Fatalf("exited %v after SIGTERM; want the %v drain bound", took, c.shutdown)
			}
			t.Logf("exit 0 %v after SIGTERM (delay %v, --shutdown-timeout %v)", took.Round(time.Millisecond), c.delay, c.shutdown)
		})
	}
}

// A second refserver on the database file of a running one stops at once
// with a message naming the file and the first one's pid.
func TestSecondRefserverOnSameDatabaseStops(t *testing.T) {
	bin := buildBinary(t)
	db := filepath.Join(t.TempDir(), "ref.db")
	first := startBinary(t, bin, nil, "--addr", "127.0.0.1:0", "--db", db, "--admin-token", "adm")
	second := exec.Command(bin, "--addr", "127.0.0.1:0", "--db", db, "--admin-token", "adm")
	var stderr bytes.Buffer
	second.Stderr = &stderr
	start := time.Now()
	err := second.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("second refserver: %v, want exit 1\n%s", err, stderr.String())
	}
	msg := stderr.String()
	for _, want := range []string{db, fmt.Sprintf("process %d", first.cmd.Process.Pid), "--db"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not name %q", msg, want)
		}
	}
	t.Logf("second start stopped after %v: %s", time.Since(start).Round(time.Millisecond), strings.TrimSpace(msg))
	// The first one is unharmed.
	if res, err := http.Get(first.base + "/healthz"); err != nil || res.StatusCode != 200 {
		t.Fatalf("first refserver: %v %v", res, err)
	}
}

// The seed token from a file or the environment works and is not on the
// command line (ps shows the command line: /proc/PID/cmdline).
func TestSeedTokenFromFileOrEnvironment(t *testing.T) {
	bin := buildBinary(t)
	const tok = "seed-secret-0123456789"
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte(tok+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		env  []string
		args []string
	}{
		{"file", nil, []string{"--seed-token-file", file}},
		{"environment", []string{SeedTokenEnv + "=" + tok}, nil},
		{"file and the same token in the environment", []string{SeedTokenEnv + "=" + tok}, []string{"--seed-token-file", file}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--addr", "127.0.0.1:0", "--db", ":memory:", "--admin-token", "adm", "--seed-account", "acme"}, c.args...)
			p := startBinary(t, bin, c.env, args...)
			if st, body, err := scim("GET", p.tenant+"/Users", tok, ""); err != nil || st != 200 {
				t.Fatalf("seed token refused: %d %s %v", st, body, err)
			}
			cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.cmd.Process.Pid))
			if err != nil {
				t.Skipf("no /proc: %v", err)
			}
			if bytes.Contains(cmdline, []byte(tok)) {
				t.Fatalf("the token is on the command line: %q", cmdline)
			}
			if strings.Contains(p.Stderr(), tok) {
				t.Fatalf("the token is in the log: %s", p.Stderr())
			}
		})
	}
}

// A client that sends its headers and half its body, then stalls, loses
// its connection after --read-body-timeout (here 500ms; default 30s).
func TestStalledBodyIsCut(t *testing.T) {
	bin := buildBinary(t)
	const timeout = 500 * time.Millisecond
	p := startBinary(t, bin, nil, "--addr", "127.0.0.1:0", "--db", ":memory:", "--admin-token", "adm",
		"--seed-account", "acme", "--seed-token", "tok-acme-123", "--read-body-timeout", timeout.String())
	cases := []struct{ name, authz string }{
		{"authorised", "Authorization: Bearer tok-acme-123\r\n"},
		{"no token", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(p.base, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			start := time.Now()
			fmt.Fprintf(conn, "POST /api/v1/scim/azure/acme/Users HTTP/1.1\r\nHost: x\r\n%sContent-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n%s",
				c.authz, strings.Repeat("x", 500))
			_ = conn.SetReadDeadline(start.Add(15 * time.Second))
			_, err = io.ReadAll(conn)
			lived := time.Since(start)
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("connection still open after %v", lived)
			}
			if lived < timeout*9/10 {
				t.Fatalf("closed after %v, before the %v timeout", lived, timeout)
			}
			t.Logf("stalled body: connection closed after %v (--read-body-timeout %v)", lived.Round(time.Millisecond), timeout)
		})
	}
}

// 3,000 unauthenticated 64 KiB requests (no token, a wrong token, two
// Authorization headers, an unknown account) leave the journal of the
// account as it was; the server process's RSS before and after is logged
// (/proc/PID/status VmRSS; VmHWM is the peak).
func TestUnauthenticatedFloodServerMemory(t *testing.T) {
	const n = 3000
	bin := buildBinary(t)
	p := startBinary(t, bin, nil, "--addr", "127.0.0.1:0", "--db", ":memory:", "--admin-token", "adm",
		"--seed-account", "acme", "--seed-token", "tok-acme-123")
	for i := range 20 {
		if st, _, err := scim("GET", p.tenant+fmt.Sprintf("/Users?startIndex=%d", i+1), "tok-acme-123", ""); err != nil || st != 200 {
			t.Fatalf("authorised request: %d %v", st, err)
		}
	}
	journal := func() (string, int64) {
		st, b := adminCall(t, "GET", p.base+"/admin/accounts/acme/requests", "adm", nil)
		var j struct {
			Requests        []json.RawMessage
			Unauthenticated int64
		}
		if err := json.Unmarshal(b, &j); st != 200 || err != nil {
			t.Fatalf("journal: %d %v %s", st, err, b)
		}
		return fmt.Sprint(j.Requests), j.Unauthenticated
	}
	before, _ := journal()
	rss0, _ := procMem(t, p.cmd.Process.Pid)
	body := strings.Repeat("x", 64<<10)
	base := p.base + "/api/v1/scim/azure/"
	kinds := []struct {
		url   string
		authz []string
	}{
		{base + "acme/Users", nil},
		{base + "acme/Users", []string{"Bearer wrong-token"}},
		{base + "acme/Users", []string{"Bearer tok-acme-123", "Bearer tok-acme-123"}},
		{base + "nosuch/Users", []string{"Bearer tok-acme-123"}},
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			for i := w; i < n; i += 4 {
				k := kinds[i%len(kinds)]
				req, _ := http.NewRequest("POST", k.url, strings.NewReader(body))
				for _, a := range k.authz {
					req.Header.Add("Authorization", a)
				}
				res, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 401 {
					errs <- fmt.Errorf("request %d: %d, want 401", i, res.StatusCode)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	after, unauth := journal()
	rss1, hwm := procMem(t, p.cmd.Process.Pid)
	if after != before {
		t.Fatalf("the journal changed:\n before %s\n after  %s", before, after)
	}
	if want := int64(n - n/len(kinds)); unauth != want {
		t.Fatalf("unauthenticated %d, want %d (the unknown account's are not counted per account)", unauth, want)
	}
	t.Logf("server RSS before %.1f MiB, after %d unauthenticated 64 KiB requests %.1f MiB (peak %.1f MiB); journal unchanged, %d counted",
		mib(rss0), n, mib(rss1), mib(hwm), unauth)
}

// procMem reads VmRSS and VmHWM of a process.
func procMem(t *testing.T, pid int) (rss, hwm uint64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb uint64
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			rss = kb << 10
		} else if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			fmt.Sscanf(strings.TrimSpace(rest), "%d", &kb)
			hwm = kb << 10
		}
	}
	return rss, hwm
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
