package framework

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
	"github.com/quantive/entra-scim-harness/reports"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// TargetKind says what the suite talks to.
type TargetKind string

// Target kinds (architecture note, "suites").
const (
	// TargetEmbedded is the in-process reference server (the default).
	TargetEmbedded TargetKind = "embedded"
	// TargetURL is any endpoint given by tenant URL and token.
	TargetURL TargetKind = "url"
	// TargetContainer is the reference server image started through testcontainers.
	TargetContainer TargetKind = "container"
)

// Environment variable names (contract).
const (
	EnvTarget     = "SCIM_TARGET"
	EnvTenantURL  = "SCIM_TENANT_URL"
	EnvToken      = "SCIM_TOKEN"
	EnvAdminURL   = "SCIM_ADMIN_URL"
	EnvAdminToken = "SCIM_ADMIN_TOKEN"
	EnvAccountID  = "SCIM_ACCOUNT_ID"
	EnvReportDir  = "SCIM_REPORT_DIR"
	EnvOptions    = "SCIM_OPTIONS"
	EnvDialects   = "SCIM_DIALECTS"
	EnvRunPrefix  = "SCIM_RUN_PREFIX"
	EnvProfiles   = "SCIM_PROFILES"
	// EnvReferenceCheck is true or false (ENTRA-FLOW-06; default true).
	EnvReferenceCheck = "SCIM_REFERENCE_CHECK"
	// EnvManagerForm is observed or documented (ENTRA-FLOW-08).
	EnvManagerForm = "SCIM_MANAGER_FORM"
)

// DefaultReportDir is where reports go, relative to the module root.
const DefaultReportDir = "reports/out"

// Config is the validated configuration of one run.
type Config struct {
	Target    TargetKind
	TenantURL string
	Token     string
	// AdminURL, AdminToken and AccountID reach the reference server's admin
	// API (faults, journal); empty when the target offers none.
	AdminURL   string
	AdminToken string
	AccountID  string
	// ReportDir is absolute.
	ReportDir      string
	OptionsFile    string
	Implementation reports.Implementation
	Dialects       []scim.Dialect
	SkipFeatures   []requirements.Feature
	ForceFeatures  []requirements.Feature
	RequestTimeout time.Duration
	SpecTimeout    time.Duration
	RunPrefix      string
	// Profiles are asked for explicitly (options profiles:, SCIM_PROFILES),
	// beyond those that apply to every target.
	Profiles []reports.Profile
	// ReferenceCheck is whether cycles send ENTRA-FLOW-06's reference check.
	ReferenceCheck bool
	// ManagerForm is the manager PATCH form of Entra's requests (ENTRA-FLOW-08).
	ManagerForm scim.ManagerShape
	// Load sizes the load spec (defaults filled in by Load).
	Load LoadOptions
}

// Flags are the command-line flags, passed after `--` to ginkgo or with
// `-args` to go test. Empty values leave lower layers in place.
type Flags struct {
	TenantURL  string
	Token      string
	Options    string
	Target     string
	ReportDir  string
	AdminURL   string
	AdminToken string
	Dialects   string
}

// Register binds the flags to fs.
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.StringVar(&f.TenantURL, "tenant-url", "", "SCIM tenant URL of the endpoint under test (env "+EnvTenantURL+")")
	fs.StringVar(&f.Token, "token", "", "bearer token for the tenant URL (env "+EnvToken+")")
	fs.StringVar(&f.Options, "options", "", "YAML options file (env "+EnvOptions+")")
	fs.StringVar(&f.Target, "target", "", "embedded, url or container (env "+EnvTarget+")")
	fs.StringVar(&f.ReportDir, "report-dir", "", "directory for the conformance report (env "+EnvReportDir+", default "+DefaultReportDir+")")
	fs.StringVar(&f.AdminURL, "admin-url", "", "base URL of the reference server's admin API (env "+EnvAdminURL+")")
	fs.StringVar(&f.AdminToken, "admin-token", "", "admin API token (env "+EnvAdminToken+")")
	fs.StringVar(&f.Dialects, "dialects", "", "comma-separated PATCH dialects to test (env "+EnvDialects+")")
}

// Load builds the configuration from the options file, then the environment,
// then the flags (each overriding the one before) and validates it. Every
// problem is reported, each naming the setting and where it came from.
func Load(fl Flags, getenv func(string) string) (*Config, error) {
	pick := func(flagVal, envName string) (string, string) {
		if flagVal != "" {
			return flagVal, "flag"
		}
		if v := getenv(envName); v != "" {
			return v, envName
		}
		return "", ""
	}
	var problems []error
	bad := func(format string, args ...any) { problems = append(problems, fmt.Errorf(format, args...)) }

	c := &Config{RequestTimeout: 30 * time.Second, SpecTimeout: 2 * time.Minute, Dialects: slices.Clone(requirements.Dialects), ReferenceCheck: true,
		Load: LoadOptions{Users: DefaultLoadUsers, Groups: DefaultLoadGroups, Concurrency: DefaultLoadConcurrency, EntraTimeout: DefaultLoadEntraTimeout}}

	// Layer 1: the options file.
	c.OptionsFile, _ = pick(fl.Options, EnvOptions)
	if c.OptionsFile != "" {
		o, err := ReadOptions(c.OptionsFile)
		if err != nil {
			return nil, err
		}
		c.applyOptions(o, bad)
	}

	// Layers 2 and 3: environment, then flags.
	target, targetSrc := pick(fl.Target, EnvTarget)
	tenantURL, tenantSrc := pick(fl.TenantURL, EnvTenantURL)
	c.TenantURL = tenantURL
	c.Token, _ = pick(fl.Token, EnvToken)
	c.AdminURL, _ = pick(fl.AdminURL, EnvAdminURL)
	c.AdminToken, _ = pick(fl.AdminToken, EnvAdminToken)
	c.AccountID = getenv(EnvAccountID)
	if v, src := pick(fl.Dialects, EnvDialects); v != "" {
		c.Dialects = splitList[scim.Dialect](v)
		if err := validateDialects(c.Dialects); err != nil {
			bad("%s: %w", src, err)
		}
	}
	if v := getenv(EnvRunPrefix); v != "" {
		c.RunPrefix = v
	}
	if v := getenv(EnvReferenceCheck); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad("%s=%q: want true or false", EnvReferenceCheck, v)
		}
		c.ReferenceCheck = b
	}
	if v := getenv(EnvManagerForm); v != "" {
		c.setManagerForm(v, EnvManagerForm, bad)
	}
	if v := getenv(EnvProfiles); v != "" {
		c.Profiles = splitList[reports.Profile](v)
		if err := validateProfiles(c.Profiles); err != nil {
			bad("%s: %w", EnvProfiles, err)
		}
	}
	reportDir, _ := pick(fl.ReportDir, EnvReportDir)

	switch TargetKind(target) {
	case "":
		c.Target = TargetEmbedded
		if c.TenantURL != "" {
			c.Target = TargetURL
		}
	case TargetEmbedded, TargetURL, TargetContainer:
		c.Target = TargetKind(target)
	default:
		bad("%s=%q: want embedded, url or container", sourceName(targetSrc, EnvTarget, "--target"), target)
	}

	switch c.Target {
	case TargetURL:
		if c.TenantURL == "" {
			bad("%s=url needs %s (or --tenant-url)", EnvTarget, EnvTenantURL)
		} else if err := validateTenantURL(c.TenantURL); err != nil {
			bad("%s: %w", sourceName(tenantSrc, EnvTenantURL, "--tenant-url"), err)
		}
		if c.TenantURL != "" && c.Token == "" {
			bad("%s is set but %s is empty: give the bearer token Entra would use (or --token)", EnvTenantURL, EnvToken)
		}
		c.resolveAdmin(bad)
	case TargetEmbedded, TargetContainer:
		if c.TenantURL != "" || c.Token != "" {
			bad("%s/%s cannot be combined with %s=%s: the suite starts that target itself", EnvTenantURL, EnvToken, EnvTarget, c.Target)
		}
	}

	if c.RunPrefix == "" {
		c.RunPrefix = newRunPrefix(time.Now())
	} else if !runPrefixPattern.MatchString(c.RunPrefix) {
		bad("run prefix %q: use 3-24 characters a-z, 0-9 and -, starting with a letter", c.RunPrefix)
	}

	dir, err := resolveReportDir(reportDir)
	if err != nil {
		bad("%s: %w", EnvReportDir, err)
	}
	c.ReportDir = dir

	if c.Implementation.Name == "" {
		c.Implementation.Name = c.defaultImplementationName()
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("suite configuration: %w", errors.Join(problems...))
	}
	return c, nil
}

func (c *Config) applyOptions(o *Options, bad func(string, ...any)) {
	where := "options file " + c.OptionsFile
	c.Implementation = o.Implementation
	if len(o.Dialects) > 0 {
		c.Dialects = o.Dialects
		if err := validateDialects(o.Dialects); err != nil {
			bad("%s: dialects: %w", where, err)
		}
	}
	for _, f := range append(slices.Clone(o.Features.Skip), o.Features.Force...) {
		if !slices.Contains(requirements.Features, f) {
			bad("%s: features: unknown feature %q (known: %s)", where, f, joinNames(requirements.Features))
		}
	}
	for _, f := range o.Features.Skip {
		if slices.Contains(o.Features.Force, f) {
			bad("%s: features: %q is both skipped and forced", where, f)
		}
	}
	c.SkipFeatures, c.ForceFeatures = o.Features.Skip, o.Features.Force
	if o.Timeouts.Request < 0 || o.Timeouts.Spec < 0 {
		bad("%s: timeouts must be positive", where)
	}
	if o.Timeouts.Request > 0 {
		c.RequestTimeout = o.Timeouts.Request
	}
	if o.Timeouts.Spec > 0 {
		c.SpecTimeout = o.Timeouts.Spec
	}
	if c.RequestTimeout > c.SpecTimeout {
		bad("%s: timeouts.request (%s) exceeds timeouts.spec (%s)", where, c.RequestTimeout, c.SpecTimeout)
	}
	c.RunPrefix = o.RunPrefix
	c.Profiles = o.Profiles
	if o.ReferenceCheck != nil {
		c.ReferenceCheck = *o.ReferenceCheck
	}
	if o.ManagerForm != "" {
		c.setManagerForm(o.ManagerForm, where+": managerForm", bad)
	}
	if err := validateProfiles(o.Profiles); err != nil {
		bad("%s: profiles: %w", where, err)
	}
	c.applyLoad(o.Load, where, bad)
}

func (c *Config) setManagerForm(v, where string, bad func(string, ...any)) {
	shape, err := scim.ParseManagerShape(v)
	if err != nil {
		bad("%s: %w", where, err)
		return
	}
	c.ManagerForm = shape
}

func validateProfiles(ps []reports.Profile) error {
	for _, p := range ps {
		if !slices.Contains(reports.ProfileOrder, p) {
			return fmt.Errorf("unknown profile %q (known: %s)", p, joinNames(reports.ProfileOrder))
		}
	}
	return nil
}

// GtmhubApplies says whether the gtmhub profile's rows apply: the tenant URL
// has Gtmhub's shape (GTM-01), or the profile was asked for. Elsewhere they
// are not applicable, so an Entra-compatible third-party endpoint can pass.
func (c *Config) GtmhubApplies(t *Target) bool {
	if slices.Contains(c.Profiles, reports.ProfileGtmhub) {
		return true
	}
	if t == nil {
		return false
	}
	u, err := url.Parse(t.TenantURL)
	return err == nil && refserverPath.MatchString(u.Path)
}

func (c *Config) applyLoad(l LoadOptions, where string, bad func(string, ...any)) {
	if l.Users < 0 || l.Groups < 0 || l.Concurrency < 0 || l.EntraTimeout < 0 {
		bad("%s: load: sizes and timeouts must be positive", where)
		return
	}
	if l.Users > 0 {
		c.Load.Users = l.Users
	}
	if l.Groups > 0 {
		c.Load.Groups = l.Groups
	}
	if l.Concurrency > 5 {
		bad("%s: load.concurrency %d: Entra exports at most 5 objects at once", where, l.Concurrency)
	} else if l.Concurrency > 0 {
		c.Load.Concurrency = l.Concurrency
	}
	if l.EntraTimeout > 0 {
		c.Load.EntraTimeout = l.EntraTimeout
	}
}

// refserverPath is the reference server's tenant-URL shape (GTM-01, GTM-08),
// from which the admin API's base URL and account id can be derived.
var refserverPath = regexp.MustCompile(`^(.*)` + regexp.QuoteMeta(adminapi.TenantPrefix) + `([^/]+)/?$`)

func (c *Config) resolveAdmin(bad func(string, ...any)) {
	if c.AdminToken == "" {
		if c.AdminURL != "" {
			bad("%s is set but %s is empty", EnvAdminURL, EnvAdminToken)
		}
		return
	}
	u, err := url.Parse(c.TenantURL)
	if err == nil {
		if m := refserverPath.FindStringSubmatch(u.Path); m != nil {
			if c.AdminURL == "" {
				c.AdminURL = (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: m[1]}).String()
			}
			if c.AccountID == "" {
				c.AccountID = m[2]
			}
		}
	}
	if c.AdminURL == "" || c.AccountID == "" {
		bad("%s is set, but the admin API cannot be located: the tenant URL is not of the form …%s{account}; set %s and %s", EnvAdminToken, adminapi.TenantPrefix, EnvAdminURL, EnvAccountID)
		return
	}
	if err := validateTenantURL(c.AdminURL); err != nil {
		bad("%s: %w", EnvAdminURL, err)
	}
}

func validateTenantURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("%q: scheme must be http or https", raw)
	}
	if u.Host == "" {
		return fmt.Errorf("%q has no host", raw)
	}
	if u.User != nil {
		return fmt.Errorf("%q carries credentials in the URL; pass the token separately", redactURL(u))
	}
	if u.Fragment != "" {
		return fmt.Errorf("%q has a fragment", raw)
	}
	return nil
}

func redactURL(u *url.URL) string {
	c := *u
	c.User = url.User("…")
	return c.String()
}

func validateDialects(ds []scim.Dialect) error {
	if len(ds) == 0 {
		return errors.New("no dialect given")
	}
	seen := map[scim.Dialect]bool{}
	for _, d := range ds {
		if !slices.Contains(requirements.Dialects, d) {
			return fmt.Errorf("unknown dialect %q (want legacy or compliant)", d)
		}
		if seen[d] {
			return fmt.Errorf("dialect %q given twice", d)
		}
		seen[d] = true
	}
	return nil
}

func splitList[T ~string](s string) []T {
	var out []T
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, T(p))
		}
	}
	return out
}

// joinNames joins names with ", " for messages.
func joinNames[T ~string](names []T) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = string(n)
	}
	return strings.Join(parts, ", ")
}

func sourceName(src, env, flagName string) string {
	if src == "flag" {
		return flagName
	}
	return env
}

var runPrefixPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{2,23}$`)

// newRunPrefix makes a prefix unique per run and recognisable in a tenant
// ("ct" for conformance test, then time and randomness).
func newRunPrefix(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("ct-%s-%s", now.UTC().Format("0102150405"), hex.EncodeToString(b[:]))
}

func (c *Config) defaultImplementationName() string {
	if c.Target == TargetURL {
		if u, err := url.Parse(c.TenantURL); err == nil && u.Host != "" {
			return u.Host
		}
	}
	return "entra-scim-harness reference server"
}

// ReportDir resolves only the report directory from flags and environment,
// for writing a report even when the rest of the configuration is invalid.
func ReportDir(fl Flags, getenv func(string) string) (string, error) {
	dir := fl.ReportDir
	if dir == "" {
		dir = getenv(EnvReportDir)
	}
	return resolveReportDir(dir)
}

// resolveReportDir makes dir absolute. Relative paths are taken from the
// module root, because ginkgo and go test run the suite from its package
// directory, and users think of paths from the repository root.
func resolveReportDir(dir string) (string, error) {
	if dir == "" {
		dir = DefaultReportDir
	}
	if filepath.IsAbs(dir) {
		return dir, nil
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, dir), nil
}

func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("find module root: %w", err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return dir, nil // outside a module: use the working directory
		}
	}
}
