package suites_test

import (
	"context"
	"fmt"
	"os"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/embedded"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/framework"
)

// envFaultPlan names a fault-catalogue entry (fixtures/faults/NAME.yaml) to
// install on the embedded server's seeded account before any spec runs: a
// deliberately broken target, with which suites/defects proves the suite
// catches each defect. Specs on isolated accounts (IsolateAccount) are not
// affected.
const envFaultPlan = "SCIM_FAULT_PLAN"

// The in-process reference server is the default target. Its admin API is
// available, so fault and journal specs run against it.
func init() {
	framework.RegisterStarter(framework.TargetEmbedded, func(ctx context.Context, cfg *framework.Config) (*framework.Target, func(), error) {
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
		if name := os.Getenv(envFaultPlan); name != "" {
			p, err := fixtures.LookupFaultPlan(name)
			if err == nil {
				err = framework.NewAdminClient(t.Admin, cfg.RequestTimeout).PutFaultPlan(ctx, srv.AccountID, p.JSON)
			}
			if err != nil {
				_ = srv.Close()
				return nil, nil, fmt.Errorf("%s=%s: %w", envFaultPlan, name, err)
			}
			t.Implementation.Name += " with fault plan " + name
		}
		return t, func() { _ = srv.Close() }, nil
	})
}
