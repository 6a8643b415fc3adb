package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// Start applies the connection timeouts and the journal bound it is given.
func TestStartAppliesLimits(t *testing.T) {
	ctx := context.Background()
	const bodyTimeout = 400 * time.Millisecond
	s, err := Start(ctx, Options{ReadBodyTimeout: bodyTimeout, JournalMaxBytes: 256 << 10, AccountID: "acme", Token: "tok-acme-1"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	t.Run("stalled body", func(t *testing.T) {
		c, err := net.Dial("tcp", strings.TrimPrefix(s.BaseURL, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		fmt.Fprintf(c, "POST /api/v1/scim/azure/acme/Users HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer tok-acme-1\r\nContent-Length: 100\r\n\r\n{\"userName\":")
		_ = c.SetReadDeadline(start.Add(10 * time.Second))
		_, err = io.ReadAll(c)
		lived := time.Since(start)
		var ne net.Error
		if (errors.As(err, &ne) && ne.Timeout()) || lived < bodyTimeout*9/10 {
			t.Fatalf("connection lived %v (%v); want it closed after %v", lived, err, bodyTimeout)
		}
	})

	t.Run("journal bound", func(t *testing.T) {
		body := `{"userName":"x","pad":"` + strings.Repeat("p", 30<<10) + `"}`
		for range 40 { // ~40 × 30 KiB of request bodies, over the 256 KiB bound
			call(t, "POST", s.TenantURL()+"/Users/.search", s.Token, body)
		}
		req, _ := http.NewRequest("GET", s.BaseURL+"/admin/accounts/acme/requests", nil)
		req.Header.Set("Authorization", "Bearer "+s.AdminToken)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var j struct{ Requests []struct{ Seq int64 } }
		if err := json.NewDecoder(res.Body).Decode(&j); err != nil {
			t.Fatal(err)
		}
		if n := len(j.Requests); n == 0 || n > 256/30 || j.Requests[n-1].Seq < 40 {
			t.Fatalf("journal keeps %d entries (last %+v); want the newest few under 256 KiB", n, j.Requests)
		}
	})
}
