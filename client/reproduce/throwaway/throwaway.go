// Package throwaway starts a disposable reference SCIM server inside the
// entrasim process: the target of `entrasim reproduce` unless --tenant-url
// is given on the command line (an exported SCIM_TENANT_URL is not enough),
// and of `entrasim scenario run` unless --admin-url is given. It is the only
// non-test client package that imports the reference server, kept this
// small and apart so that the client proper never depends on the server
// (architecture note: the client does not import the server).
package throwaway

import (
	"context"
	"fmt"

	"github.com/quantive/entra-scim-harness/reference-server/embedded"
)

// Server is a running throwaway reference server: in-memory store, loopback
// port, one seeded account.
type Server struct {
	// BaseURL is http://127.0.0.1:PORT; AdminToken authorises the admin API.
	BaseURL, AdminToken string
	// TenantURL and Token are the seeded account's SCIM endpoint and token.
	TenantURL, Token string
	srv              *embedded.Server
}

// Start starts a server on 127.0.0.1 with a free port.
func Start(ctx context.Context) (*Server, error) {
	s, err := embedded.Start(ctx, embedded.Options{})
	if err != nil {
		return nil, fmt.Errorf("throwaway reference server: %w", err)
	}
	return &Server{BaseURL: s.BaseURL, AdminToken: s.AdminToken, TenantURL: s.TenantURL(), Token: s.Token, srv: s}, nil
}

// Close stops the server; everything it stored is gone.
func (s *Server) Close() error { return s.srv.Close() }
