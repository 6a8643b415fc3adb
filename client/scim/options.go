package scim

import (
	"crypto/tls"
	"log/slog"
	"net/http"
	"time"
)

// Defaults for Options (spec UNC-01, UNC-02, UNC-07).
const (
	DefaultTimeout       = 60 * time.Second
	DefaultRetryAfterCap = 60 * time.Second
	DefaultMaxAttempts   = 3
)

// Options configure a Client. Zero values select Entra's behaviour as the
// spec's UNC register fixes it.
type Options struct {
	// TenantURL is the base URL an admin types into Entra, flags included
	// (e.g. https://host/scim?aadOptscim062020).
	TenantURL string
	// Token is the Secret Token sent as Authorization: Bearer (ENTRA-HTTP-03).
	Token string
	// Dialect forces a PATCH dialect; empty selects compliant when the tenant
	// URL carries aadOptscim062020 and legacy otherwise (ENTRA-PATCH-06).
	Dialect Dialect
	// KeepURLFlags repeats the tenant URL's query string (the feature flags)
	// on every request; by default it is stripped (UNC-05).
	KeepURLFlags bool
	// Timeout is the per-request timeout (ENTRA-HTTP-08); 0 means 60 s.
	Timeout time.Duration
	// RetryAfterCap is the most a call waits in total for 429 Retry-After
	// before giving up with TooManyRequests (UNC-01); 0 means 60 s.
	RetryAfterCap time.Duration
	// MaxAttempts bounds the attempts of one call under 429; 0 means 3.
	MaxAttempts int
	// BatchSize is the number of members per PATCH (UNC-07); 0 means 50.
	BatchSize int
	// ManagerShape is the form of the manager PATCH (ENTRA-FLOW-08):
	// ManagerObserved (the default when empty), ManagerDocumented or
	// ManagerObject. ParseManagerShape reads "observed" / "documented" /
	// "object", the values of entrasim's --manager-form.
	ManagerShape ManagerShape
	// AttributeOrder is the attribute mapping's row order (target paths):
	// PATCH operations and the keys of request objects follow it. Empty
	// means DefaultAttributeOrder (MAP-01, the order of Microsoft's
	// examples), which the built-in mappings follow.
	AttributeOrder []string
	// SkipReferenceCheck turns off the FLOW-06 manager check (on by default,
	// UNC-04).
	SkipReferenceCheck bool
	// ClearManager sends the empty-value replace when the source manager is
	// removed (UNC-10, off by default).
	ClearManager bool
	// MatchingAttribute is the attribute of the Test Connection probe;
	// empty means userName (ENTRA-FLOW-01).
	MatchingAttribute string
	// SkipGroupProbe leaves out the Test Connection group probe.
	SkipGroupProbe bool
	// TLSConfig is used for https URLs; its MinVersion is raised to TLS 1.2
	// (ENTRA-HTTP-02). Tests pass the httptest server's roots here.
	TLSConfig *tls.Config
	// Transport replaces the HTTP transport (tests); TLSConfig is then unused.
	Transport http.RoundTripper
	// Logger receives debug lines; nil discards them.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.RetryAfterCap <= 0 {
		o.RetryAfterCap = DefaultRetryAfterCap
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.BatchSize <= 0 {
		o.BatchSize = DefaultBatchSize
	}
	if o.ManagerShape == "" {
		o.ManagerShape = ManagerString
	}
	if o.MatchingAttribute == "" {
		o.MatchingAttribute = "userName"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}
