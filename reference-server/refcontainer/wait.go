package refcontainer

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go/wait"
)

// healthz waits until GET url answers 200. testcontainers' wait.ForHTTP
// reaches the container through a mapped port, which host networking does
// not have, so this polls the loopback address directly, and gives up early
// when the container exits.
type healthz struct {
	url     string
	timeout time.Duration
}

var _ wait.Strategy = (*healthz)(nil)

// WaitUntilReady implements wait.Strategy.
func (h *healthz) WaitUntilReady(ctx context.Context, target wait.StrategyTarget) error {
	timeout := h.timeout
	if timeout == 0 {
		timeout = 60 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var last error
	for {
		state, err := target.State(ctx)
		if err == nil && !state.Running && state.Status == "exited" {
			return fmt.Errorf("refserver exited with code %d before %s answered; its output: %s",
				state.ExitCode, h.url, tail(ctx, target))
		}
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, h.url, nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("status %d", resp.StatusCode)
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s not ready within %v: %v", h.url, timeout, last)
		case <-tick.C:
		}
	}
}

// tail returns the end of the container's output, to say why it exited.
func tail(ctx context.Context, target wait.StrategyTarget) string {
	rc, err := target.Logs(ctx)
	if err != nil {
		return fmt.Sprintf("(no logs: %v)", err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	s := strings.TrimSpace(string(b))
	if len(s) > 1000 {
		s = "…" + s[len(s)-1000:]
	}
	return s
}
