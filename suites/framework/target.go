package framework

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// Target is the endpoint under test, as every parallel process sees it. It
// travels between Ginkgo processes as JSON (SynchronizedBeforeSuite).
type Target struct {
	Kind      TargetKind `json:"kind"`
	TenantURL string     `json:"tenantUrl"`
	Token     string     `json:"token"`
	// Admin is nil when the target offers no admin API.
	Admin *Admin `json:"admin,omitempty"`
	// Implementation identifies the target when the options do not.
	Implementation reports.Implementation `json:"implementation"`
	// Unsupported lists features the target's discovery endpoints say it lacks.
	Unsupported []requirements.Feature `json:"unsupported,omitempty"`
}

// Admin locates the reference server's admin API for one account.
type Admin struct {
	URL       string `json:"url"`
	Token     string `json:"token"`
	AccountID string `json:"accountId"`
}

// Starter starts a target kind and returns it with a function that stops it.
type Starter func(ctx context.Context, cfg *Config) (*Target, func(), error)

// ErrTargetUnavailable means the target kind is not built into this suite
// binary yet (e.g. the embedded reference server before it exists).
var ErrTargetUnavailable = errors.New("target not available in this build")

var (
	startersMu sync.Mutex
	starters   = map[TargetKind]Starter{}
)

// RegisterStarter makes a target kind available. The suite package registers
// the embedded and container starters from their own files (init), so the
// framework does not depend on the reference server.
func RegisterStarter(kind TargetKind, s Starter) {
	startersMu.Lock()
	defer startersMu.Unlock()
	starters[kind] = s
}

// StartTarget starts (or, for a URL, just describes) the configured target.
func StartTarget(ctx context.Context, cfg *Config) (*Target, func(), error) {
	if cfg.Target == TargetURL {
		t := &Target{Kind: TargetURL, TenantURL: cfg.TenantURL, Token: cfg.Token,
			Implementation: reports.Implementation{Name: cfg.Implementation.Name}}
		if cfg.AdminToken != "" {
			t.Admin = &Admin{URL: cfg.AdminURL, Token: cfg.AdminToken, AccountID: cfg.AccountID}
		}
		return t, func() {}, nil
	}
	startersMu.Lock()
	s, ok := starters[cfg.Target]
	startersMu.Unlock()
	if !ok {
		return nil, nil, fmt.Errorf("target %s: %w", cfg.Target, ErrTargetUnavailable)
	}
	t, stop, err := s(ctx, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("start %s target: %w", cfg.Target, err)
	}
	return t, stop, nil
}
