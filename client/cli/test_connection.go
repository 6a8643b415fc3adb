package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
)

// testConnectionOptions are the flags of `entrasim test-connection`.
type testConnectionOptions struct {
	cmdPath      string // "entrasim test-connection", for messages
	common       *commonOptions
	matching     string
	noGroupProbe bool
	keepFlags    bool
}

func newTestConnectionCmd(common *commonOptions) *cobra.Command {
	opts := &testConnectionOptions{common: common}
	cmd := &cobra.Command{
		Use:   "test-connection",
		Short: "Test the tenant URL and token as Entra's Test Connection does (ENTRA-FLOW-01)",
		Long: "Sends Entra's Test Connection probes: GET /Users?filter=<matching attribute> eq \"<random GUID>\" and\n" +
			"a group query with a random displayName. Exit 0 when Entra would accept the credentials, 1 with\n" +
			"the error code Entra would show otherwise, 2 on bad flags (a tenant URL without https:// or http://\n" +
			"among them).\n\n" + tenantURLHelp,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.cmdPath = cmd.CommandPath()
			return runTestConnection(cmd.Context(), opts, cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVar(&opts.matching, "matching-attribute", "userName", "attribute of the user probe filter")
	cmd.Flags().BoolVar(&opts.noGroupProbe, "no-group-probe", false, "leave out the group probe")
	cmd.Flags().BoolVar(&opts.keepFlags, "keep-url-flags", false, "repeat the tenant URL's query (feature flags) on each request (UNC-05)")
	return cmd
}

func runTestConnection(ctx context.Context, opts *testConnectionOptions, out io.Writer) error {
	if strings.TrimSpace(opts.matching) == "" {
		return usagef("%s: --matching-attribute must not be empty", opts.cmdPath)
	}
	tgt := opts.common.flagTarget()
	if err := checkTenantURLScheme(opts.cmdPath, tgt.tenantURL); err != nil {
		return err
	}
	c, err := opts.common.newClient(opts.cmdPath, tgt, func(o *scim.Options) {
		o.MatchingAttribute = opts.matching
		o.SkipGroupProbe = opts.noGroupProbe
		o.KeepURLFlags = opts.keepFlags
	})
	if err != nil {
		return err
	}
	rep, err := c.TestConnection(ctx)
	if err != nil {
		return failure(err)
	}
	adv := connectionAdvice(tgt.tenantURL, rep)
	printConnectionReport(out, c, rep, adv)
	if !rep.OK {
		f := rep.Failure
		msg := "test connection failed: " + f.ErrorCode + ": " + f.Reason
		if adv.core != "" {
			msg += "\n  " + adv.short()
		}
		return failure(errors.New(msg))
	}
	return nil
}

func printConnectionReport(w io.Writer, c *scim.Client, rep *scim.ConnectionReport, adv urlAdvice) {
	fmt.Fprintf(w, "Tenant URL %s, dialect %s\n", c.BaseURL(), c.Dialect())
	for _, chk := range rep.Checks {
		r := chk.Result
		status := "ok  "
		if !r.Outcome.Success {
			status = "FAIL"
		}
		fmt.Fprintf(w, "%s %s: %s %s -> %s\n", status, chk.Name, r.Request.Method, r.URL, httpStatus(r.Outcome.HTTPStatus))
		if chk.Warning != "" {
			fmt.Fprintf(w, "     warning: %s\n", chk.Warning)
		}
	}
	if rep.OK {
		fmt.Fprintln(w, "Test Connection succeeded: Entra would accept these credentials.")
		return
	}
	f := rep.Failure
	fmt.Fprintf(w, "Test Connection failed: %s\n", f.ErrorCode)
	fmt.Fprintf(w, "  reason: %s\n", f.Reason)
	switch {
	case adv.core != "":
		fmt.Fprintf(w, "  recommended action: %s\n", adv.long())
		if f.RecommendedAction != "" && !adv.replaces {
			fmt.Fprintf(w, "  if the tenant URL is right: %s\n", f.RecommendedAction)
		}
	case f.RecommendedAction != "":
		fmt.Fprintf(w, "  recommended action: %s\n", f.RecommendedAction)
	}
	if f.QuarantineReason != "" {
		fmt.Fprintf(w, "  during provisioning cycles: quarantine (%s)\n", f.QuarantineReason)
	}
	if d := strings.TrimSpace(f.AdditionalDetails); d != "" {
		if len(d) > 2000 {
			d = d[:2000] + "…"
		}
		fmt.Fprintf(w, "  details: %s\n", d)
	}
	fmt.Fprintf(w, "  spec: %s\n", f.SpecID)
}

func httpStatus(s int) string {
	if s == 0 {
		return "no HTTP answer"
	}
	return fmt.Sprintf("HTTP %d", s)
}

// tenantURLHelp explains the advice given for tenant URL mistakes, by
// test-connection and by the cycles.
const tenantURLHelp = "Tenant URL mistakes are named as such, rather than as a token or SCIM problem:\n" +
	"  - no scheme: the tenant URL must start with https://, or http:// for a local server (exit 2);\n" +
	"  - a URL that cannot be a SCIM base (a 404 that is not a SCIM error, an HTML page, a 2xx without a\n" +
	"    ListResponse): Entra adds /Users and /Groups to the tenant URL, so it must be the SCIM base itself;\n" +
	"    the answer is quoted;\n" +
	"  - a 401 on a Gtmhub URL without the account id (…/api/v1/scim/azure, …/api/v1/scim/azure/Users):\n" +
	"    the URL must end in /api/v1/scim/azure/{account_id}; rotating the token would not help."

// checkTenantURLScheme is a usage error for a tenant URL that does not
// start with https:// or http://; "" is left to ClientOptions.
func checkTenantURLScheme(cmdPath, raw string) error {
	u := strings.TrimSpace(raw)
	lower := strings.ToLower(u)
	if u == "" || strings.HasPrefix(lower, "https://") || strings.HasPrefix(lower, "http://") {
		return nil
	}
	what := "has no scheme"
	if i := strings.Index(u, "://"); i > 0 {
		what = "starts with " + u[:i+3]
	}
	return usagef("%s: tenant URL %q %s: the tenant URL must start with https://, or http:// for a local server",
		cmdPath, raw, what)
}

// urlAdvice is advice about the tenant URL drawn from a failed answer.
type urlAdvice struct {
	// core is the advice, "" when the answer does not point at the URL.
	core string
	// what is the request ("GET https://…"), answer what it was answered
	// ("HTTP 404: …").
	what, answer string
	// replaces: the answer's own recommended action (rotate the token)
	// would mislead, so it is not shown; otherwise it is shown as what to
	// do if the URL is right.
	replaces bool
}

// long is the advice with the request and its answer.
func (a urlAdvice) long() string {
	if a.core == "" {
		return ""
	}
	return a.core + " (" + a.what + " answered " + a.answer + ")"
}

// short is the advice with the answer.
func (a urlAdvice) short() string {
	if a.core == "" {
		return ""
	}
	return a.core + " (the target answered " + a.answer + ")"
}

// connectionAdvice reads Test Connection's failed probe.
func connectionAdvice(tenantURL string, rep *scim.ConnectionReport) urlAdvice {
	if rep == nil || rep.OK || rep.Failure == nil || len(rep.Checks) == 0 {
		return urlAdvice{}
	}
	last := rep.Checks[len(rep.Checks)-1].Result
	return adviseTenantURL(tenantURL, *rep.Failure, last.Request.Method+" "+last.URL)
}

// adviseTenantURL tells whether the failed answer o to the query what
// ("GET https://…/Users?filter=…", or "" for "a request") points at a
// mistake in the tenant URL:
//
//   - a 401 on a Gtmhub-shaped URL without an account id: the token is
//     checked against no account, so the URL must end in
//     /api/v1/scim/azure/{account_id};
//   - a 404, an HTML page, a 2xx that is not a ListResponse, a redirect,
//     or any failure of a tenant URL that ends in /Users or /Groups: the
//     path is not a SCIM base.
//
// A 401 on a well-formed URL and other failures are the endpoint's or the
// token's: no advice.
func adviseTenantURL(tenantURL string, o outcome.Outcome, what string) urlAdvice {
	if o.Success {
		return urlAdvice{}
	}
	gtm := gtmhubAccountless(tenantURL)
	gtmAdvice := "the URL must end in /api/v1/scim/azure/{account_id}: " + gtm.why
	adv := urlAdvice{what: what, answer: answered(o)}
	switch {
	case o.HTTPStatus == http.StatusUnauthorized && gtm.yes:
		adv.core, adv.replaces = gtmAdvice, true
		return adv
	case !notSCIMBase(o) && resourceSuffix(tenantURL) == "":
		return urlAdvice{}
	}
	adv.core = "check the tenant URL: Entra adds /Users and /Groups to it, so it must be the SCIM base URL"
	if !gtm.yes {
		adv.core += " (for Gtmhub https://<host>/api/v1/scim/azure/{account_id})"
	}
	if suffix := resourceSuffix(tenantURL); suffix != "" {
		adv.core += "; drop the " + suffix + " at its end"
	}
	if gtm.yes {
		adv.core += "; " + gtmAdvice
	}
	return adv
}

// notSCIMBase reports whether an answer shows that the request did not
// reach a SCIM endpoint.
func notSCIMBase(o outcome.Outcome) bool {
	s := o.HTTPStatus
	switch {
	case s == http.StatusNotFound:
		// Whatever the body: a server that answers 404 to a filter on
		// /Users is far more often reached at the wrong path than
		// non-compliant (ENTRA-RESP-03, kept as the advice if the URL is right).
		return true
	case s >= 300 && s < 400:
		return true
	case s >= 200 && s < 300:
		return o.Cause == outcome.CauseUnparseable || o.Cause == outcome.CauseNotListResponse || looksHTML(o.AdditionalDetails)
	}
	return looksHTML(o.AdditionalDetails) && s != http.StatusUnauthorized && s != http.StatusForbidden
}

// answered describes an answer: its status and, shortened, its body.
func answered(o outcome.Outcome) string {
	body := strings.Join(strings.Fields(o.AdditionalDetails), " ")
	out := fmt.Sprintf("HTTP %d", o.HTTPStatus)
	switch {
	case body == "":
		return out + " with an empty body"
	case looksHTML(body):
		out += " with an HTML page"
		if t := htmlTitle(body); t != "" {
			out += fmt.Sprintf(" (title %q)", t)
		}
		return out
	case o.Cause == outcome.CauseUnparseable || o.Cause == outcome.CauseNotListResponse:
		out += " with a body that is not a SCIM ListResponse"
	}
	if len(body) > 160 {
		body = body[:160] + "…"
	}
	return out + ": " + body
}

func looksHTML(body string) bool {
	b := strings.ToLower(strings.TrimSpace(body))
	return strings.HasPrefix(b, "<!doctype html") || strings.HasPrefix(b, "<html") || strings.HasPrefix(b, "<head") ||
		strings.HasPrefix(b, "<body") || (strings.HasPrefix(b, "<") && strings.Contains(b, "</html>"))
}

func htmlTitle(body string) string {
	lower := strings.ToLower(body)
	i := strings.Index(lower, "<title>")
	j := strings.Index(lower, "</title>")
	if i < 0 || j < i {
		return ""
	}
	t := strings.TrimSpace(body[i+len("<title>") : j])
	if len(t) > 80 {
		t = t[:80] + "…"
	}
	return t
}

// scimResources are the endpoint names Entra appends to the tenant URL,
// and the other SCIM endpoints (RFC 7644 section 3.2), lowercased.
var scimResources = []string{"users", "groups", "schemas", "serviceproviderconfig", "resourcetypes", "bulk", "me"}

// resourceSuffix is "/Users" (as written) when the tenant URL's path ends
// in a SCIM endpoint name, "" otherwise.
func resourceSuffix(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return ""
	}
	p := strings.TrimRight(u.Path, "/")
	last := p[strings.LastIndex(p, "/")+1:]
	if last != "" && slices.Contains(scimResources, strings.ToLower(last)) {
		return "/" + last
	}
	return ""
}

// gtmhubShape says whether a tenant URL is Gtmhub's (…/api/v1/scim…)
// without an account id, and why.
type gtmhubShape struct {
	yes bool
	why string
}

// gtmhubAccountless recognises Gtmhub's tenant URL,
// https://<host>/api/v1/scim/azure/{account_id}, written without its
// account id: …/api/v1/scim, …/api/v1/scim/azure, …/azure/Users (the
// endpoint taken for the id), …/azure/{account_id} left as a placeholder.
func gtmhubAccountless(raw string) gtmhubShape {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return gtmhubShape{}
	}
	p := strings.TrimRight(u.Path, "/")
	i := strings.Index(strings.ToLower(p), "/api/v1/scim")
	if i < 0 {
		return gtmhubShape{}
	}
	rest := strings.Trim(p[i+len("/api/v1/scim"):], "/")
	segs := strings.Split(rest, "/")
	switch {
	case rest == "":
		return gtmhubShape{true, fmt.Sprintf("%s has no /azure/{account_id} after /api/v1/scim", u.Path)}
	case !strings.EqualFold(segs[0], "azure"):
		return gtmhubShape{true, fmt.Sprintf("%s has /%s where /azure/{account_id} belongs", u.Path, segs[0])}
	case len(segs) == 1:
		return gtmhubShape{true, fmt.Sprintf("%s has no account id after /api/v1/scim/azure", u.Path)}
	case slices.Contains(scimResources, strings.ToLower(segs[1])):
		return gtmhubShape{true, fmt.Sprintf("%s has /%s where the account id belongs", u.Path, segs[1])}
	case strings.ContainsAny(segs[1], "{}<>") || strings.EqualFold(segs[1], "account_id") || strings.EqualFold(segs[1], "accountid"):
		return gtmhubShape{true, fmt.Sprintf("%s has the placeholder %s where the account id belongs", u.Path, segs[1])}
	}
	return gtmhubShape{}
}
