package suites_test

import (
	"context"
	"os"

	"github.com/testcontainers/testcontainers-go"

	"github.com/quantive/entra-scim-harness/reference-server/refcontainer"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/framework"
)

// envImage overrides the reference server image for SCIM_TARGET=container.
const envImage = "SCIM_IMAGE"

// SCIM_TARGET=container runs the reference server image (make image) through
// testcontainers, with its admin API, and terminates it after the suite.
func init() {
	framework.RegisterStarter(framework.TargetContainer, func(ctx context.Context, _ *framework.Config) (*framework.Target, func(), error) {
		// The reaper needs a bridge network this machine's Docker lacks; the
		// suite terminates the container itself.
		if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
			_ = os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true")
		}
		img := os.Getenv(envImage)
		if img == "" {
			img = refcontainer.DefaultImage
		}
		ctr, err := refcontainer.Run(ctx, img)
		if err != nil {
			if ctr != nil {
				_ = testcontainers.TerminateContainer(ctr)
			}
			return nil, nil, err
		}
		t := &framework.Target{
			Kind:           framework.TargetContainer,
			TenantURL:      ctr.TenantURL(),
			Token:          ctr.Token(),
			Admin:          &framework.Admin{URL: ctr.BaseURL(), Token: ctr.AdminToken(), AccountID: ctr.AccountID()},
			Implementation: reports.Implementation{Name: "entra-scim-harness reference server (container " + img + ")"},
		}
		return t, func() { _ = testcontainers.TerminateContainer(ctr) }, nil
	})
}
