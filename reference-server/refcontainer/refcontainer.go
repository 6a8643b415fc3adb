// Package refcontainer runs the reference SCIM server's container image
// (refserver:dev, built by `make image`) from Go tests, in the style of the
// testcontainers-go modules:
//
//	ctr, err := refcontainer.Run(ctx, "refserver:dev", refcontainer.WithSeedAccount("acme"))
//	defer testcontainers.TerminateContainer(ctr)
//	resp, err := http.Get(ctr.TenantURL() + "/Users") // with "Authorization: Bearer " + ctr.Token()
//
// The container uses host networking and listens on a free 127.0.0.1 port
// picked by Run: no bridge network is created or needed (this machine's
// dockerd runs with --bridge=none). The Ryuk reaper must be off
// (TESTCONTAINERS_RYUK_DISABLED=true): Run sets it when unset, which takes
// effect only if no testcontainers call has read the configuration before,
// so tests set it in TestMain (or the environment) and terminate the
// container themselves.
package refcontainer

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/moby/api/types/container"
	"github.com/testcontainers/testcontainers-go"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// DefaultImage is the image `make image` builds.
const DefaultImage = "refserver:dev"

// DefaultAccount is the account seeded when WithSeedAccount is not given.
const DefaultAccount = "refcontainer"

// faultsPath is where WithFaultsFile puts the file inside the container;
// the extension is kept so that the server picks JSON or YAML.
const faultsPath = "/etc/refserver/faults"

// Container is a running reference server.
type Container struct {
	*testcontainers.DockerContainer
	addr       string
	account    string
	token      string
	adminToken string
}

// BaseURL is the server's root, e.g. http://127.0.0.1:41234.
func (c *Container) BaseURL() string { return "http://" + c.addr }

// TenantURL is the seeded account's SCIM tenant URL
// (BaseURL + adminapi.TenantPrefix + account).
func (c *Container) TenantURL() string { return adminapi.TenantURL(c.BaseURL(), c.account) }

// AccountID is the seeded account's id.
func (c *Container) AccountID() string { return c.account }

// Token is the seeded account's SCIM bearer token.
func (c *Container) Token() string { return c.token }

// AdminToken is the bearer token of the admin API (/admin/...).
func (c *Container) AdminToken() string { return c.adminToken }

// Admin is a client of the server's admin API.
func (c *Container) Admin() *adminapi.Client { return adminapi.New(c.BaseURL(), c.adminToken, nil) }

// Addr is the host:port the server listens on.
func (c *Container) Addr() string { return c.addr }

type options struct {
	account    string
	token      string
	adminToken string
	faultsFile string
	faultsData []byte
	faultsExt  string
	addr       string
	extraArgs  []string
}

// Option configures the reference server; it is a
// testcontainers.ContainerCustomizer, so it mixes with the generic
// testcontainers options given to Run.
type Option func(*options) error

// Customize implements testcontainers.ContainerCustomizer; Run applies
// Options itself.
func (o Option) Customize(*testcontainers.GenericContainerRequest) error { return nil }

// WithSeedAccount makes sure account id exists (refserver --seed-account).
func WithSeedAccount(id string) Option {
	return func(o *options) error {
		if id == "" {
			return errors.New("refcontainer: empty seed account id")
		}
		o.account = id
		return nil
	}
}

// WithToken sets the seeded account's SCIM token (refserver --seed-token);
// a random one is used otherwise.
func WithToken(token string) Option {
	return func(o *options) error {
		if token == "" {
			return errors.New("refcontainer: empty token")
		}
		o.token = token
		return nil
	}
}

// WithAdminToken sets the admin API token (REFSERVER_ADMIN_TOKEN); a random
// one is used otherwise.
func WithAdminToken(token string) Option {
	return func(o *options) error {
		if token == "" {
			return errors.New("refcontainer: empty admin token")
		}
		o.adminToken = token
		return nil
	}
}

// WithFaultsFile copies a fault file (YAML or JSON, see
// fixtures/faults/README.md) into the container and loads it at start
// (refserver --faults).
func WithFaultsFile(path string) Option {
	return func(o *options) error {
		if _, err := os.Stat(path); err != nil {
			return fmt.Errorf("refcontainer: fault file: %w", err)
		}
		o.faultsFile, o.faultsData, o.faultsExt = path, nil, filepath.Ext(path)
		return nil
	}
}

// WithFaults is WithFaultsFile for a plan held in memory, e.g.
// fixtures.LookupFaultPlan(name).YAML; ext is ".yaml" or ".json".
func WithFaults(data []byte, ext string) Option {
	return func(o *options) error {
		if ext != ".yaml" && ext != ".yml" && ext != ".json" {
			return fmt.Errorf("refcontainer: fault data extension %q: want .yaml or .json", ext)
		}
		o.faultsFile, o.faultsData, o.faultsExt = "", data, ext
		return nil
	}
}

// WithAddr makes the server listen on addr (host networking: a 127.0.0.1
// port of this machine) instead of a free port picked by Run.
func WithAddr(addr string) Option {
	return func(o *options) error {
		if _, _, err := net.SplitHostPort(addr); err != nil {
			return fmt.Errorf("refcontainer: addr: %w", err)
		}
		o.addr = addr
		return nil
	}
}

// WithArgs appends further refserver flags.
func WithArgs(args ...string) Option {
	return func(o *options) error {
		o.extraArgs = append(o.extraArgs, args...)
		return nil
	}
}

// Run starts the reference server image img (DefaultImage when empty) and
// waits until GET /healthz answers 200. On error the container, if one was
// created, is returned too so that the caller can terminate it.
func Run(ctx context.Context, img string, opts ...testcontainers.ContainerCustomizer) (*Container, error) {
	if img == "" {
		img = DefaultImage
	}
	// The reaper would need port mapping on a bridge network; there is none.
	if os.Getenv("TESTCONTAINERS_RYUK_DISABLED") == "" {
		if err := os.Setenv("TESTCONTAINERS_RYUK_DISABLED", "true"); err != nil {
			return nil, fmt.Errorf("refcontainer: %w", err)
		}
	}

	o := options{account: DefaultAccount}
	for _, opt := range opts {
		if ro, ok := opt.(Option); ok {
			if err := ro(&o); err != nil {
				return nil, err
			}
		}
	}
	var err error
	if o.token == "" {
		if o.token, err = randomToken(); err != nil {
			return nil, err
		}
	}
	if o.adminToken == "" {
		if o.adminToken, err = randomToken(); err != nil {
			return nil, err
		}
	}
	if o.addr == "" {
		if o.addr, err = freeLoopbackAddr(); err != nil {
			return nil, err
		}
	}

	args := []string{"--addr", o.addr, "--db", ":memory:",
		"--seed-account", o.account, "--seed-token", o.token}
	var files []testcontainers.ContainerFile
	if o.faultsFile != "" || o.faultsData != nil {
		f := testcontainers.ContainerFile{HostFilePath: o.faultsFile, ContainerFilePath: faultsPath + o.faultsExt, FileMode: 0o644}
		if o.faultsData != nil {
			f.Reader = strings.NewReader(string(o.faultsData))
		}
		files = append(files, f)
		args = append(args, "--faults", faultsPath+o.faultsExt)
	}
	args = append(args, o.extraArgs...)

	req := testcontainers.GenericContainerRequest{
		ContainerRequest: testcontainers.ContainerRequest{
			Image: img,
			Cmd:   args,
			Env:   map[string]string{"REFSERVER_ADMIN_TOKEN": o.adminToken},
			Files: files,
			HostConfigModifier: func(hc *container.HostConfig) {
				hc.NetworkMode = "host"
			},
			WaitingFor: &healthz{url: "http://" + o.addr + "/healthz"},
		},
		Started: true,
	}
	for _, opt := range opts {
		if _, ok := opt.(Option); ok {
			continue
		}
		if err := opt.Customize(&req); err != nil {
			return nil, fmt.Errorf("refcontainer: customize: %w", err)
		}
	}

	// A provider whose default network is "host": the generic path would
	// look for the "bridge" network and, missing it, create one.
	provider, err := testcontainers.NewDockerProvider(testcontainers.WithDefaultBridgeNetwork("host"))
	if err != nil {
		return nil, fmt.Errorf("refcontainer: docker provider: %w", err)
	}
	defer provider.Close()
	if !provider.Config().RyukDisabled {
		return nil, errors.New("refcontainer: the Ryuk reaper is enabled but needs a bridge network, which this setup never creates: " +
			"set TESTCONTAINERS_RYUK_DISABLED=true before the first testcontainers call (e.g. in TestMain)")
	}
	ctr, err := provider.RunContainer(ctx, req.ContainerRequest)
	var c *Container
	if dc, ok := ctr.(*testcontainers.DockerContainer); ok && dc != nil {
		c = &Container{DockerContainer: dc, addr: o.addr, account: o.account, token: o.token, adminToken: o.adminToken}
	}
	if err != nil {
		return c, fmt.Errorf("refcontainer: run %s: %w", img, err)
	}
	return c, nil
}

func randomToken() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("refcontainer: random token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// freeLoopbackAddr asks the kernel for a free 127.0.0.1 port. Another
// process could take it before the container binds it; the wait strategy
// then fails with the container's exit status.
func freeLoopbackAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("refcontainer: pick a port: %w", err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		return "", fmt.Errorf("refcontainer: pick a port: %w", err)
	}
	return addr, nil
}
