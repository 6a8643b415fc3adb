package suites_test

import (
	"context"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/framework"
)

// The in-process reference server is the default target. Its admin API is
// available, so fault and journal specs run against it.
func init() {
	framework.RegisterStarter(framework.TargetEmbedded, func(ctx context.Context, _ *framework.Config) (*framework.Target, func(), error) {
		srv, err := embedded.Start(ctx, embedded.Options{})
		if err != nil {
			return nil, nil, err
		}
		t := &framework.Target{
			Kind:           framework.TargetEmbedded,
			TenantURL:      srv.TenantURL(),
			Token:          srv.Token,
			Admin:          &framework.Admin{URL: srv.BaseURL, Token: srv.AdminToken, AccountID: srv.AccountID},
			Implementation: reports.Implementation{Name: "entra-scim-harness reference server (embedded)"},
		}
		return t, func() { _ = srv.Close() }, nil
	})
}
