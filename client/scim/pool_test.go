package scim

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentCallsReuseConnections_ENTRA_HTTP_06 proves that a client running several
// calls at once keeps its connections alive between bursts: rounds of 8
// parallel queries open at most 8 connections in all, not a new one per
// call beyond a small idle pool.
func TestConcurrentCallsReuseConnections_ENTRA_HTTP_06(t *testing.T) {
	var conns atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(emptyListBody))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c := newClient(t, srv.URL, nil)
	const parallel, rounds = 8, 20
	for r := 0; r < rounds; r++ {
		var wg sync.WaitGroup
		for i := 0; i < parallel; i++ {
			wg.Go(func() {
				res, err := c.MatchUser(context.Background(), "userName", "someone@contoso.com")
				if err != nil || !res.Outcome.Success {
					t.Errorf("match: %v %+v", err, res)
				}
			})
		}
		wg.Wait()
	}
	// A connection goes back to the idle pool just after its caller has
	// read the answer, so a round may now and then dial once more before
	// the last one is back: allow twice the parallelism. Without reuse
	// (resty's default of GOMAXPROCS+1 idle connections) the 20 rounds
	// open about a hundred.
	if n := conns.Load(); n > 2*parallel {
		t.Fatalf("%d rounds of %d parallel calls opened %d connections, want at most %d", rounds, parallel, n, 2*parallel)
	}
}
