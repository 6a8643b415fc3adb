//go:build unix

package cli

// Tests with entrasim as a child process: the state file's lock (issue 13
// item 9) and SIGTERM in the middle of a cycle (item 10). The child talks
// to the in-process reference server through a gate that can hold a
// request, so that "mid-cycle" is a state the test waits for, not a time.

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// entrasimBinary builds entrasim once for the package's tests.
func entrasimBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "entrasim-cli-test-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "entrasim")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/quantive/entra-scim-harness/client/cmd/entrasim").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		_ = os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// gate forwards to the reference server and holds the holdAt-th POST
// /Users (1-based) until release: held is closed when it arrives. With
// drop set at release, the held request is answered 503 instead of being
// passed on.
type gate struct {
	next    http.Handler
	holdAt  int
	held    chan struct{}
	release chan struct{}
	once    sync.Once

	mu    sync.Mutex
	posts int
	drop  bool
}

func newGate(t *testing.T, srv *embedded.Server, holdAt int) (*gate, string) {
	g := &gate{next: srv.Handler(), holdAt: holdAt, held: make(chan struct{}), release: make(chan struct{})}
	hs := httptest.NewServer(g)
	t.Cleanup(func() { g.open(false); hs.Close() })
	return g, hs.URL + strings.TrimPrefix(srv.TenantURL(), srv.BaseURL)
}

func (g *gate) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Users") {
		g.mu.Lock()
		g.posts++
		n := g.posts
		g.mu.Unlock()
		if n == g.holdAt {
			close(g.held)
			<-g.release
			g.mu.Lock()
			drop := g.drop
			g.mu.Unlock()
			if drop {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		}
	}
	g.next.ServeHTTP(w, r)
}

// open releases the held request (dropped if drop).
func (g *gate) open(drop bool) {
	g.once.Do(func() {
		g.mu.Lock()
		g.drop = drop
		g.mu.Unlock()
		close(g.release)
	})
}

func (g *gate) postCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.posts
}

// wait fails the test if ch is not closed within a minute (a hang, not a
// measurement).
func wait(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(time.Minute):
		t.Fatalf("timed out waiting for %s", what)
	}
}

// child is a running entrasim with its stderr read line by line.
type child struct {
	cmd    *exec.Cmd
	stdout strings.Builder
	mu     sync.Mutex
	lines  []string
	linec  chan string
	done   chan struct{}
	code   int
}

func startChild(t *testing.T, args ...string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(entrasimBinary(t), args...), linec: make(chan string, 64), done: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), EnvTenantURL+"=", EnvToken+"=")
	c.cmd.Stdout = &c.stdout
	stderr, err := c.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			c.mu.Lock()
			c.lines = append(c.lines, sc.Text())
			c.mu.Unlock()
			select {
			case c.linec <- sc.Text():
			default:
			}
		}
		_ = c.cmd.Wait()
		c.code = c.cmd.ProcessState.ExitCode()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			_ = c.cmd.Process.Kill()
			<-c.done
		}
	})
	return c
}

// waitLine waits for a stderr line containing s.
func (c *child) waitLine(t *testing.T, s string) {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case l := <-c.linec:
			if strings.Contains(l, s) {
				return
			}
		case <-c.done:
			t.Fatalf("entrasim ended (exit %d) before printing %q; stderr:\n%s", c.code, s, c.stderr())
		case <-deadline:
			t.Fatalf("timed out waiting for %q; stderr:\n%s", s, c.stderr())
		}
	}
}

func (c *child) stderr() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.lines, "\n")
}

// TestStateFileLockedWhileCycleRuns_Issue13_9: while a cycle runs in
// another process, commands that write the state file refuse at once with
// exit 2 and the holder's pid, readers still read; when that process
// dies without releasing anything (SIGKILL), the lock file it leaves does
// not block the next cycle.
func TestStateFileLockedWhileCycleRuns_Issue13_9(t *testing.T) {
	srv := startRefServer(t)
	g, tenant := newGate(t, srv, 1)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	stateFile := filepath.Join(tmp, "state.db")

	c := startChild(t, "cycle", "--tenant-url", tenant, "--token", srv.Token, "--directory", dirFile, "--state", stateFile)
	wait(t, g.held, "the cycle's first create")
	pid := c.cmd.Process.Pid
	want := fmt.Sprintf("state file %s in use by pid %d", stateFile, pid)
	for _, args := range [][]string{
		{"cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile, "--state", stateFile},
		{"run", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile, "--state", stateFile, "--cycles", "2"},
		{"provision", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile, "--state", stateFile, "--user", "u01"},
		{"restart", "--state", stateFile},
		{"stop", "--state", stateFile},
	} {
		code, _, errOut := run(args...)
		if code != ExitUsage || !strings.Contains(errOut, want) {
			t.Errorf("%s while locked: exit %d, stderr %q; want exit 2 and %q", args[0], code, errOut, want)
		}
	}
	if code, out, errOut := run("status", "--state", stateFile); code != ExitOK || !strings.Contains(out, "Status: NotRun") {
		t.Errorf("status while locked: exit %d\n%s%s", code, out, errOut)
	}

	// The holder crashes: its lock file stays, naming a dead process.
	_ = c.cmd.Process.Kill()
	wait(t, c.done, "the killed cycle")
	if b, err := os.ReadFile(state.LockPath(stateFile)); err != nil || strings.TrimSpace(string(b)) != strconv.Itoa(pid) {
		t.Fatalf("lock file after the crash: %q, %v", b, err)
	}
	g.open(true)
	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile, "--state", stateFile)
	if code != ExitOK || !strings.Contains(out, "(initial): created 8,") {
		t.Fatalf("cycle after the crash: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(state.LockPath(stateFile)); !os.IsNotExist(err) {
		t.Fatalf("lock file after a cycle that ended: %v", err)
	}
}

// usersDirectory writes a directory of n assigned users u00…; every
// second user has u00 as manager.
func usersDirectory(t *testing.T, dir string, n int) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("app:\n  scope: assigned\n  assignments:\n    users: [")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "u%02d", i)
	}
	b.WriteString("]\nusers:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - objectId: u%02d\n    userPrincipalName: user%02d@contoso.com\n    mailNickname: user%02d\n"+
			"    mail: user%02d@contoso.com\n    givenName: User\n    surname: N%02d\n    displayName: User %02d\n", i, i, i, i, i, i)
		if i%2 == 1 {
			b.WriteString("    manager: u00\n")
		}
	}
	p := filepath.Join(dir, "users.yaml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// targetUser is a user as the reference server holds it.
type targetUser struct {
	ID         string `json:"id"`
	UserName   string `json:"userName"`
	Enterprise struct {
		Manager struct {
			Value string `json:"value"`
		} `json:"manager"`
	} `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
}

// targetUsers lists the seeded account's users.
func targetUsers(t *testing.T, srv *embedded.Server) []targetUser {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.TenantURL()+"/Users?startIndex=1&count=1000", nil)
	req.Header.Set("Authorization", "Bearer "+srv.Token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var l struct {
		TotalResults int          `json:"totalResults"`
		Resources    []targetUser `json:"Resources"`
	}
	if err := json.Unmarshal(b, &l); err != nil || l.TotalResults != len(l.Resources) {
		t.Fatalf("list users: %v (%d of %d): %.300s", err, len(l.Resources), l.TotalResults, b)
	}
	return l.Resources
}

// logRecord is the part of a provisioning-log record the tests read.
type logRecord struct {
	CycleID            string `json:"cycleId"`
	ProvisioningAction string `json:"provisioningAction"`
	SourceIdentity     struct {
		ID string `json:"id"`
	} `json:"sourceIdentity"`
	TargetIdentity struct {
		ID string `json:"id"`
	} `json:"targetIdentity"`
	ProvisioningStatusInfo struct {
		Status string `json:"status"`
	} `json:"provisioningStatusInfo"`
}

func stateRecords(t *testing.T, stateFile string) []logRecord {
	t.Helper()
	code, out, errOut := run("logs", "--state", stateFile, "--format", "json")
	if code != ExitOK {
		t.Fatalf("logs: exit %d: %s", code, errOut)
	}
	var l struct {
		Value []logRecord `json:"value"`
	}
	if err := json.Unmarshal([]byte(out), &l); err != nil {
		t.Fatal(err)
	}
	return l.Value
}

// TestSIGTERMMidCycleSavesRecordsAndNextCycleContinues_Issue13_10: SIGTERM
// during a cycle's creates (the 4th create held by the gate until the
// signal was seen) lets that create finish, stops the cycle with exit 130
// and one line saying how far it got, and keeps in the state the log
// records of exactly the writes the target saw. The next cycle creates the
// rest, sets the managers the first one did not reach, and sends no create
// twice; the one after has nothing to do.
// interruptedCycle starts entrasim cycle on n users against the reference
// server behind a gate that holds the holdAt-th create, sends SIGTERM once
// it is held and waits for the child to say it is finishing what is in
// flight. It returns what the tests go on with.
func interruptedCycle(t *testing.T, n, holdAt int) (*embedded.Server, *gate, *child, string, []string) {
	t.Helper()
	srv := startRefServer(t)
	g, tenant := newGate(t, srv, holdAt)
	tmp := t.TempDir()
	dirFile := usersDirectory(t, tmp, n)
	stateFile := filepath.Join(tmp, "state.db")
	args := []string{"cycle", "--tenant-url", tenant, "--token", srv.Token, "--directory", dirFile, "--state", stateFile}
	c := startChild(t, args...)
	wait(t, g.held, fmt.Sprintf("create number %d", holdAt))
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	c.waitLine(t, "interrupted by SIGTERM: finishing the objects in flight")
	return srv, g, c, stateFile, args
}

func TestSIGTERMMidCycleSavesRecordsAndNextCycleContinues_Issue13_10(t *testing.T) {
	const n, holdAt = 10, 4
	srv, g, c, stateFile, args := interruptedCycle(t, n, holdAt)
	g.open(false)
	wait(t, c.done, "the interrupted cycle to end")

	wantLine := fmt.Sprintf("entrasim: interrupted by SIGTERM after %d of %d objects; their log records are saved; "+
		"the next cycle continues from there", holdAt, n)
	if c.code != ExitInterrupted || !strings.Contains(c.stderr(), wantLine) {
		t.Fatalf("exit %d, want %d and %q; stderr:\n%s\nstdout:\n%s", c.code, ExitInterrupted, wantLine, c.stderr(), c.stdout.String())
	}
	if !strings.Contains(c.stdout.String(), fmt.Sprintf("(initial) interrupted after %d of %d objects: created %d,", holdAt, n, holdAt)) {
		t.Errorf("summary line:\n%s", c.stdout.String())
	}

	// The state holds one record per write the target saw, and no more.
	users := targetUsers(t, srv)
	recs := stateRecords(t, stateFile)
	if len(users) != holdAt || len(recs) != holdAt || g.postCount() != holdAt {
		t.Fatalf("after SIGTERM: %d users in the target, %d records, %d creates sent; want %d", len(users), len(recs), g.postCount(), holdAt)
	}
	byID := map[string]targetUser{}
	for _, u := range users {
		byID[u.ID] = u
	}
	for i, r := range recs {
		want := fmt.Sprintf("u%02d", i)
		if r.ProvisioningAction != "create" || r.ProvisioningStatusInfo.Status != "success" || r.SourceIdentity.ID != want {
			t.Errorf("record %d: %+v, want a successful create of %s", i, r, want)
		}
		if u, ok := byID[r.TargetIdentity.ID]; !ok || u.UserName != fmt.Sprintf("user%02d@contoso.com", i) {
			t.Errorf("record %d names target %q, not the user the target holds", i, r.TargetIdentity.ID)
		}
	}

	// The next cycle continues: the rest is created, nothing twice.
	code, out, errOut := run(args...)
	if code != ExitOK || !strings.Contains(out, fmt.Sprintf("(initial): created %d,", n-holdAt)) || !strings.Contains(out, "failed 0;") {
		t.Fatalf("next cycle: exit %d\n%s%s", code, out, errOut)
	}
	users = targetUsers(t, srv)
	if len(users) != n || g.postCount() != n {
		t.Fatalf("after the next cycle: %d users, %d creates sent; want %d", len(users), g.postCount(), n)
	}
	created := map[string]int{}
	for _, r := range stateRecords(t, stateFile) {
		if r.ProvisioningAction == "create" {
			created[r.SourceIdentity.ID]++
		}
		if r.ProvisioningStatusInfo.Status == "failure" {
			t.Errorf("failed record %+v", r)
		}
	}
	idOf := map[string]string{}
	for _, u := range users {
		idOf[u.UserName] = u.ID
	}
	for i := range n {
		if created[fmt.Sprintf("u%02d", i)] != 1 {
			t.Errorf("u%02d created %d times", i, created[fmt.Sprintf("u%02d", i)])
		}
	}
	for _, u := range users {
		var i int
		fmt.Sscanf(u.UserName, "user%02d@", &i)
		want := ""
		if i%2 == 1 {
			want = idOf["user00@contoso.com"]
		}
		if u.Enterprise.Manager.Value != want {
			t.Errorf("%s: manager %q, want %q", u.UserName, u.Enterprise.Manager.Value, want)
		}
	}

	code, out, _ = run("status", "--state", stateFile, "--json")
	var st struct {
		Cycles    int    `json:"cycles"`
		NextCycle string `json:"nextCycleKind"`
	}
	if code != ExitOK || json.Unmarshal([]byte(out), &st) != nil || st.Cycles != 1 || st.NextCycle != "incremental" {
		t.Fatalf("status: %d %s", code, out)
	}
	code, out, errOut = run(args...)
	if code != ExitOK || !strings.Contains(out, "(incremental): created 0, updated 0, disabled 0, deleted 0, skipped 0, failed 0; 0 requests") {
		t.Fatalf("third cycle: exit %d\n%s%s", code, out, errOut)
	}
}

// TestSecondSIGTERMAbortsRequestsInFlight_Issue13_10: a second SIGTERM
// aborts the create in flight (the gate never lets it through); the
// creates done before it keep their records, the aborted one has none,
// and the next cycle creates the rest.
func TestSecondSIGTERMAbortsRequestsInFlight_Issue13_10(t *testing.T) {
	const n, holdAt = 6, 3
	srv, g, c, stateFile, args := interruptedCycle(t, n, holdAt)
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	wait(t, c.done, "the aborted cycle to end")
	g.open(true) // the held create never reaches the server

	wantLine := fmt.Sprintf("entrasim: interrupted by SIGTERM after %d of %d objects; their log records are saved", holdAt-1, n)
	if c.code != ExitInterrupted || !strings.Contains(c.stderr(), wantLine) {
		t.Fatalf("exit %d, want %d and %q; stderr:\n%s", c.code, ExitInterrupted, wantLine, c.stderr())
	}
	recs := stateRecords(t, stateFile)
	if users := targetUsers(t, srv); len(users) != holdAt-1 || len(recs) != holdAt-1 {
		t.Fatalf("after the abort: %d users, %d records; want %d", len(users), len(recs), holdAt-1)
	}
	for i, r := range recs {
		if r.ProvisioningAction != "create" || r.SourceIdentity.ID != fmt.Sprintf("u%02d", i) {
			t.Errorf("record %d: %+v", i, r)
		}
	}
	code, out, errOut := run(args...)
	if code != ExitOK || !strings.Contains(out, fmt.Sprintf("(initial): created %d,", n-holdAt+1)) {
		t.Fatalf("next cycle: exit %d\n%s%s", code, out, errOut)
	}
	if users := targetUsers(t, srv); len(users) != n {
		t.Fatalf("%d users, want %d", len(users), n)
	}
}

// A cycle killed mid-way (SIGKILL) leaves its spill file beside the state;
// the next command that opens the state removes it and any chunk spool of
// that state, and no file of another state (issue 16: gigabytes at a
// million users).
func TestKilledCycleLeftoversAreRemoved_Issue16(t *testing.T) {
	srv := startRefServer(t)
	g, tenant := newGate(t, srv, 3)
	tmp := t.TempDir()
	dirFile := usersDirectory(t, tmp, 8)
	stateFile := filepath.Join(tmp, "state.db")
	others := []string{"entrasim-records-other.db-123.spill", "entrasim-records-state.db-2-5.spill",
		"entrasim-chunks-state.db.spool", "entrasim-records-state.db-12x.spill"}
	plant := func(names ...string) {
		for _, name := range names {
			if err := os.WriteFile(filepath.Join(tmp, name), []byte("left"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	plant(others...)
	c := startChild(t, "cycle", "--tenant-url", tenant, "--token", srv.Token, "--directory", dirFile, "--state", stateFile,
		"--spill-above", "-1")
	wait(t, g.held, "the cycle's third create")
	var spills []string
	all, _ := filepath.Glob(filepath.Join(tmp, "entrasim-records-*.spill"))
	for _, p := range all {
		if leftoverOf(filepath.Base(p), "state.db") {
			spills = append(spills, p)
		}
	}
	if len(spills) != 1 {
		t.Fatalf("spill files of the running cycle: %v", spills)
	}
	_ = c.cmd.Process.Kill()
	wait(t, c.done, "the killed cycle")
	g.open(true)
	if _, err := os.Stat(spills[0]); err != nil {
		t.Fatalf("the killed cycle's spill file: %v", err)
	}
	plant("entrasim-chunks-state.db-77.spool") // as a load killed before it took the lock leaves

	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", srv.Token, "--directory", dirFile, "--state", stateFile)
	if code != ExitOK || !strings.Contains(out, "failed 0;") {
		t.Fatalf("cycle after the kill: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "removed 2 temporary file(s) (") {
		t.Errorf("stderr does not report the 2 files removed:\n%s\nstdout:\n%s", errOut, out)
	}
	for _, name := range []string{filepath.Base(spills[0]), "entrasim-chunks-state.db-77.spool"} {
		if _, err := os.Stat(filepath.Join(tmp, name)); !os.IsNotExist(err) {
			t.Errorf("%s left after the next cycle: %v", name, err)
		}
	}
	for _, name := range others {
		if _, err := os.Stat(filepath.Join(tmp, name)); err != nil {
			t.Errorf("%s, not the state's, was removed: %v", name, err)
		}
	}
}
