package scim

import (
	"context"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
)

// TestConcurrentCallsReuseConnections proves that a client running several
// calls at once keeps its connections alive between bursts: rounds of 8
// parallel queries open at most 8 connections in all, not a new one per
// call beyond a small idle pool.
func TestConcurrentCallsReuseConnections(t *testing.T) {
	ft := newTarget(t)
	var conns atomic.Int64
	ft.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	c := newClient(t, ft.URL, nil)
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
	if n := conns.Load(); n > parallel {
		t.Fatalf("%d rounds of %d parallel calls opened %d connections, want at most %d", rounds, parallel, n, parallel)
	}
}
