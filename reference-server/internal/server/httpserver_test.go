package server

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/reference-server/internal/auth"
	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// startHTTP serves a fresh server (account acme, token tok-acme) through
// NewHTTPServer with the timeouts t on a loopback port.
func startHTTP(t *testing.T, to Timeouts) (addr string, s *Server) {
	t.Helper()
	ctx := context.Background()
	st := store.NewMemStore()
	if err := auth.Seed(ctx, st, "acme", "tok-acme", "test"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	s, err := New(Config{Store: st, Faults: faults.New(1), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := NewHTTPServer(s.Handler(), to, log)
	go func() { _ = hs.Serve(ln) }()
	t.Cleanup(func() { _ = hs.Close() })
	return ln.Addr().String(), s
}

// rawConn sends first on a new connection, then after pause sends then
// (if any), and reads until the server closes the connection or limit
// passes. It returns what it read and how long the connection lived after
// first was sent.
func rawConn(t *testing.T, addr, first string, pause time.Duration, then string, limit time.Duration) (string, time.Duration, bool) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	if _, err := io.WriteString(c, first); err != nil {
		t.Fatal(err)
	}
	if then != "" {
		time.Sleep(pause)
		if _, err := io.WriteString(c, then); err != nil {
			t.Fatal(err)
		}
	}
	_ = c.SetReadDeadline(start.Add(limit))
	b, err := io.ReadAll(c)
	lived := time.Since(start)
	var ne net.Error
	closed := !(errors.As(err, &ne) && ne.Timeout()) // EOF or reset: the server closed it
	return string(b), lived, closed
}

// A body that arrives slowly but well within the body timeout is served,
// then the connection is kept alive until the idle timeout. The body
// timeout is long here, so a loaded machine cannot turn the pause into a
// stall.
func TestSlowBodyWithinTheTimeoutIsServed(t *testing.T) {
	to := Timeouts{ReadHeader: 5 * time.Second, ReadBody: 10 * time.Second, Write: 10 * time.Second, Idle: 450 * time.Millisecond}
	addr, _ := startHTTP(t, to)
	const body = `{"userName":"slow@contoso.com","displayName":"Slow Body"}`
	head := "POST /api/v1/scim/azure/acme/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\n" +
		"Authorization: Bearer tok-acme\r\nContent-Length: " + itoa(len(body)) + "\r\n\r\n"
	const pause = 300 * time.Millisecond
	got, lived, closed := rawConn(t, addr, head+body[:len(body)/2], pause, body[len(body)/2:], 10*time.Second)
	if status, _, _ := strings.Cut(got, "\r\n"); !strings.HasPrefix(got, "HTTP/1.1 201 ") {
		t.Fatalf("read %q, want 201 Created", status)
	}
	if !closed || lived < (pause+to.Idle)*9/10 {
		t.Fatalf("connection lived %v (closed by the server: %v); want it kept until the idle timeout after the answer", lived, closed)
	}
}

// Every connection is bounded: headers, body, the answer and idle
// keep-alive each have their own timeout, and a connection that stalls is
// closed once its timeout passes (not before: the lower bound shows which
// timeout did it).
func TestConnectionTimeouts(t *testing.T) {
	to := Timeouts{ReadHeader: 300 * time.Millisecond, ReadBody: 600 * time.Millisecond, Write: 2 * time.Second, Idle: 450 * time.Millisecond}
	addr, s := startHTTP(t, to)
	if err := s.Faults().SetPlan("acme", faults.Meta{}, []faults.Rule{
		{Name: "slow", Method: "GET", Path: "^/Groups$", Delay: "3s", Status: 200},
		{Name: "slower-than-the-body-timeout", Method: "POST", Path: "^/Groups$", Delay: "1s", Status: 503},
	}); err != nil {
		t.Fatal(err)
	}
	const body = `{"userName":"half@contoso.com","displayName":"` + "padding padding padding padding padding padding padding" + `"}`
	post := func(authz string) string {
		h := "POST /api/v1/scim/azure/acme/Users HTTP/1.1\r\nHost: x\r\nContent-Type: application/scim+json\r\n"
		if authz != "" {
			h += "Authorization: " + authz + "\r\n"
		}
		return h + "Content-Length: " + itoa(len(body)) + "\r\n\r\n"
	}
	half := body[:len(body)/2]
	cases := []struct {
		name, first string
		pause       time.Duration
		then        string
		timeout     time.Duration // after which the server must close it
		wantStatus  string        // in what was read; "" for no answer at all
	}{
		{"headers stall", "POST /api/v1/scim/azure/acme/Users HTTP/1.1\r\nHost: x\r\n", 0, "", to.ReadHeader, ""},
		{"body stalls, authorised", post("Bearer tok-acme") + half, 0, "", to.ReadBody, "HTTP/1.1 400 "},
		{"body stalls, no token", post("") + half, 0, "", to.ReadBody, "HTTP/1.1 401 "},
		{"body stalls, unknown path", strings.Replace(post(""), "/api/v1/scim/azure/acme/Users", "/nowhere", 1) + half, 0, "", to.ReadBody, "HTTP/1.1 404 "},
		{"idle keep-alive", "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 0, "", to.Idle, "HTTP/1.1 200 "},
		{"answer later than the write timeout", "GET /api/v1/scim/azure/acme/Groups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-acme\r\n\r\n", 0, "", 3 * time.Second, ""},
		// The body is in, so its deadline is gone: an answer later than the
		// body timeout (but within the write timeout) is delivered, then the
		// connection idles out.
		{"body in time, answer after the body timeout", strings.Replace(post("Bearer tok-acme"), "/Users", "/Groups", 1) + body, 0, "", time.Second + to.Idle, "HTTP/1.1 503 "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, lived, closed := rawConn(t, addr, c.first, c.pause, c.then, 10*time.Second)
			status, _, _ := strings.Cut(got, "\r\n")
			if !strings.HasPrefix(got, c.wantStatus) || (c.wantStatus == "" && got != "") {
				t.Fatalf("read %q, want an answer starting %q", status, c.wantStatus)
			}
			if !closed || lived < c.timeout*9/10 {
				t.Fatalf("connection lived %v (closed by the server: %v); want it closed after its %v timeout", lived, closed, c.timeout)
			}
			t.Logf("closed after %v (timeout %v)", lived.Round(time.Millisecond), c.timeout)
		})
	}
}

// The zero Timeouts are the documented defaults.
func TestTimeoutDefaults(t *testing.T) {
	hs := NewHTTPServer(http.NotFoundHandler(), Timeouts{}, nil)
	got := Timeouts{ReadHeader: hs.ReadHeaderTimeout, Write: hs.WriteTimeout, Idle: hs.IdleTimeout, ReadBody: Timeouts{}.WithDefaults().ReadBody}
	want := Timeouts{ReadHeader: 10 * time.Second, ReadBody: 30 * time.Second, Write: 120 * time.Second, Idle: 120 * time.Second}
	if got != want || hs.ReadTimeout != 0 {
		t.Fatalf("defaults %+v (ReadTimeout %v), want %+v and 0", got, hs.ReadTimeout, want)
	}
}
