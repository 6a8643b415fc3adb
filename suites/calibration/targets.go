// Package calibration starts third-party SCIM servers ("calibration targets")
// on loopback, so the conformance suites can be run against servers we did not
// write and their verdicts checked.
//
// Two targets exist: one built on the Go library github.com/elimity-com/scim
// (package elimity, served in-process) and one built on the Node.js packages
// scimmy and scimmy-routers (folder scimmy, run as a child process).
package calibration

import (
	"bufio"
	"bytes"
	"context"
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
	"time"

	"github.com/quantive/entra-scim-harness/suites/calibration/elimity"
)

// ErrNoNode is wrapped by StartScimmy's error when node or npm is not on PATH.
var ErrNoNode = errors.New("node or npm not found on PATH")

// ScimmyStartTimeout bounds how long StartScimmy waits for the server to
// print its tenant URL.
const ScimmyStartTimeout = 30 * time.Second

// StartElimity serves the elimity target on 127.0.0.1 at a port the OS picks
// and returns its tenant URL (http://127.0.0.1:PORT/scim/v2). stop shuts the
// server down; it may be called more than once.
func StartElimity(token string) (tenantURL string, stop func(), err error) {
	h, err := elimity.Handler(token)
	if err != nil {
		return "", nil, fmt.Errorf("calibration: elimity handler: %w", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("calibration: elimity listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(ln) // returns http.ErrServerClosed after Close
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = srv.Close()
			<-done
		})
	}
	return "http://" + ln.Addr().String() + elimity.BasePath, stop, nil
}

// StartScimmy runs the scimmy target (node server.js in dir) with the given
// Bearer token on 127.0.0.1 at a port the OS picks, and returns its tenant
// URL as printed by the server. When dir has no node_modules it first runs
// "npm ci --no-audit --no-fund" there. ctx bounds the install and the start
// up; the server itself lives until stop, which kills the process and waits
// for it. The error wraps ErrNoNode when node or npm is not on PATH.
func StartScimmy(ctx context.Context, dir, token string) (tenantURL string, stop func(), err error) {
	if token == "" {
		return "", nil, errors.New("calibration: scimmy: empty bearer token")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return "", nil, fmt.Errorf("calibration: scimmy: %w: %v", ErrNoNode, err)
	}
	npm, err := exec.LookPath("npm")
	if err != nil {
		return "", nil, fmt.Errorf("calibration: scimmy: %w: %v", ErrNoNode, err)
	}
	if err := ensureNodeModules(ctx, npm, dir); err != nil {
		return "", nil, err
	}

	cmd := exec.Command(node, "server.js")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "TOKEN="+token, "PORT=0")
	stderr := &capBuffer{limit: 64 << 10}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, fmt.Errorf("calibration: scimmy stdout pipe: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return "", nil, fmt.Errorf("calibration: scimmy start node: %w", err)
	}
	exited := make(chan struct{})
	var waitErr error
	go func() {
		waitErr = cmd.Wait()
		close(exited)
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			_ = cmd.Process.Kill()
			<-exited
		})
	}

	type result struct {
		line string
		err  error
	}
	lines := make(chan result, 1)
	go func() {
		r := bufio.NewReader(stdout)
		line, err := r.ReadString('\n')
		lines <- result{line, err}
		_, _ = io.Copy(io.Discard, r) // keep the pipe drained
	}()

	timer := time.NewTimer(ScimmyStartTimeout)
	defer timer.Stop()
	var first result
	select {
	case first = <-lines:
	case <-timer.C:
		stop()
		return "", nil, fmt.Errorf("calibration: scimmy printed no tenant URL within %s; stderr: %s",
			ScimmyStartTimeout, stderr.String())
	case <-ctx.Done():
		stop()
		return "", nil, fmt.Errorf("calibration: scimmy start: %w; stderr: %s", ctx.Err(), stderr.String())
	}
	if first.err != nil {
		stop()
		return "", nil, fmt.Errorf("calibration: scimmy read tenant URL: %w (exit: %v); stderr: %s",
			first.err, waitErr, stderr.String())
	}
	var announce struct {
		TenantURL string `json:"tenantUrl"`
	}
	if err := json.Unmarshal([]byte(first.line), &announce); err != nil {
		stop()
		return "", nil, fmt.Errorf("calibration: scimmy announce line %q: %w; stderr: %s",
			strings.TrimSpace(first.line), err, stderr.String())
	}
	if !strings.HasPrefix(announce.TenantURL, "http://127.0.0.1:") {
		stop()
		return "", nil, fmt.Errorf("calibration: scimmy announced %q, not a loopback URL", announce.TenantURL)
	}
	return announce.TenantURL, stop, nil
}

// ensureNodeModules runs npm ci in dir when dir has no node_modules.
func ensureNodeModules(ctx context.Context, npm, dir string) error {
	_, err := os.Stat(filepath.Join(dir, "node_modules"))
	if err == nil {
		return nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("calibration: scimmy node_modules: %w", err)
	}
	cmd := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("calibration: npm ci in %s: %w: %s", dir, err, bytes.TrimSpace(out))
	}
	return nil
}

// capBuffer is a goroutine-safe buffer that keeps the first limit bytes.
type capBuffer struct {
	mu    sync.Mutex
	limit int
	buf   bytes.Buffer
}

func (b *capBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if room := b.limit - b.buf.Len(); room > 0 {
		b.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func (b *capBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.TrimSpace(b.buf.String())
}
