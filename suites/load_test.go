package suites_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/engine"
	"github.com/quantive/entra-scim-harness/client/state"
	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/suites/framework"
)

// quarantineProportion is QUAR-03's failure-proportion threshold: a job is
// quarantined when more than 40 % of its provisioning events fail
// (reference failures not counted).
const quarantineProportion = 0.40

var (
	genUser = regexp.MustCompile(`\bu(\d{5})\b`)
	genNick = regexp.MustCompile(`\buser(\d{5})\b`)
	genGrp  = regexp.MustCompile(`\bg(\d{4})\b`)
	genName = regexp.MustCompile(`(?m)^(\s+displayName: )`)
)

// prefixGenerated puts pfx on every object id, userName, mailNickname and
// displayName of a fixtures.GenerateDirectory text, and moves the users to
// a reserved example domain.
func prefixGenerated(y, pfx string) string {
	y = genUser.ReplaceAllString(y, pfx+"-u$1")
	y = genNick.ReplaceAllString(y, pfx+"-user$1")
	y = genGrp.ReplaceAllString(y, pfx+"-g$1")
	y = genName.ReplaceAllString(y, "${1}"+pfx+" ")
	return regexp.MustCompile(`@contoso\.com\b`).ReplaceAllString(y, "@conformance.example.test")
}

// percentile returns the p-th percentile (0-100) of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p / 100)
	return sorted[i]
}

var _ = Describe("Load", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-QUAR-03", "ENTRA-HTTP-08"),
		"an Entra-paced initial cycle stays below the quarantine thresholds, every answer within Entra's timeout (ENTRA-HTTP-08)", func() {
			l := f.Config.Load
			r := newCycleRun(f, cycleFixture, func(o *engine.Options) { o.Concurrency = l.Concurrency })
			r.yaml = prefixGenerated(string(fixtures.GenerateDirectory(l.Users, l.Groups)), r.pfx)

			start := time.Now()
			s := r.cycle()
			wall := time.Since(start)
			calls := r.wire.take()
			Expect(calls).NotTo(BeEmpty())

			var lat []time.Duration
			failedReqs := 0
			for _, c := range calls {
				lat = append(lat, c.Latency)
				if c.Status == 0 || c.Status >= 500 || c.Status == 429 {
					failedReqs++
				}
			}
			slices.Sort(lat)
			events := s.Counts.Created + s.Counts.Updated + s.Counts.Disabled + s.Counts.Deleted + s.Counts.Failed
			note := fmt.Sprintf("load (ENTRA-QUAR-03, ENTRA-HTTP-08): %d users + %d groups, concurrency %d, %s dialect: %d requests in %s (%.1f requests/s); latency p50 %s, p95 %s, p99 %s, max %s; %d of %d objects failed, %d reference failures, %d requests failed (5xx, 429 or no answer)",
				l.Users, l.Groups, l.Concurrency, r.client.Dialect(), len(calls), wall.Round(time.Millisecond),
				float64(len(calls))/wall.Seconds(), percentile(lat, 50), percentile(lat, 95), percentile(lat, 99), lat[len(lat)-1],
				s.Counts.Failed, events, s.Counts.ReferenceFailures, failedReqs)
			AddReportEntry(framework.NoteEntry, note)
			GinkgoWriter.Println(note)

			// One behaviour, one verdict: how fast the endpoint answers is
			// judged apart from whether its answers were successes.
			f.Check("ENTRA-HTTP-08", func() {
				Expect(lat[len(lat)-1]).To(BeNumerically("<", l.EntraTimeout), "the slowest answer beats Entra's per-request timeout")
			})
			f.Check("ENTRA-QUAR-03", func() {
				Expect(events).To(BeNumerically(">", 0), "the cycle provisioned something")
				if float64(s.Counts.Failed)/float64(events) > quarantineProportion {
					// Objects that fail because the endpoint rejects one of
					// Entra's requests (4xx) are that behaviour's finding;
					// 5xx, 429 and lost connections are this spec's own.
					if id := behaviourOfFailure(f, calls); id != "" {
						f.Unmet(id, fmt.Sprintf("%d of %d provisioning events failed: %s", s.Counts.Failed, events, firstFailures(s, 3)))
					}
				}
				Expect(float64(s.Counts.Failed)/float64(events)).To(BeNumerically("<=", quarantineProportion),
					"failed provisioning events stay at or below QUAR-03's 40 %%: %s", firstFailures(s, 3))
				Expect(float64(failedReqs)/float64(len(calls))).To(BeNumerically("<=", quarantineProportion), "failed requests")
				Expect(s.Job.Code()).NotTo(Equal(state.CodeQuarantine), "the job is not quarantined: %+v", s.Job.Quarantine())
				Expect(s.Counts.Created).To(BeNumerically(">", l.Users/3), "most in-scope objects were created: %s", firstFailures(s, 3))
			})
		})
})

// entraRate is the request rate per tenant an endpoint must keep up with
// (ENTRA-HTTP-06, ENTRA-REQ-22), and rateWindow how long the spec offers it.
const (
	entraRate  = 25
	rateWindow = 2 * time.Second
)

var _ = Describe("Request rate", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-HTTP-06", "ENTRA-REQ-22"),
		"the endpoint answers 25 requests per second without throttling (ENTRA-REQ-22)", func() {
			// Read-only filter queries, as Entra's matching sends them, so the
			// spec is harmless against a real tenant.
			n := int(rateWindow.Seconds() * entraRate)
			type answer struct {
				status  int
				latency time.Duration
				err     error
			}
			answers := make(chan answer, n)
			tick := time.NewTicker(time.Second / entraRate)
			defer tick.Stop()
			start := time.Now()
			for i := 0; i < n; i++ {
				<-tick.C
				go func(i int) {
					ctx, cancel := f.Ctx()
					defer cancel()
					t0 := time.Now()
					x, err := f.HTTP.Do(ctx, framework.Request{Method: http.MethodGet, Path: "/Users",
						Query: url.Values{"filter": {fmt.Sprintf("userName eq %q", f.Name(fmt.Sprintf("rate%d", i)))}}})
					a := answer{latency: time.Since(t0), err: err}
					if x != nil {
						a.status = x.Status
					}
					answers <- a
				}(i)
			}
			var lat []time.Duration
			statuses := map[int]int{}
			for i := 0; i < n; i++ {
				a := <-answers
				Expect(a.err).NotTo(HaveOccurred())
				statuses[a.status]++
				lat = append(lat, a.latency)
			}
			wall := time.Since(start)
			slices.Sort(lat)
			note := fmt.Sprintf("rate (ENTRA-HTTP-06, ENTRA-REQ-22): %d filter queries offered at %d/s answered in %s (%.1f/s); latency p50 %s, p95 %s, max %s; statuses %v",
				n, entraRate, wall.Round(time.Millisecond), float64(n)/wall.Seconds(), percentile(lat, 50), percentile(lat, 95), lat[len(lat)-1], statuses)
			AddReportEntry(framework.NoteEntry, note)
			Expect(statuses).To(Equal(map[int]int{http.StatusOK: n}), "every query at Entra's rate answers 200 (no 429 or 5xx)")
		})
})

// firstFailures describes up to n failed records of a cycle.
func firstFailures(s *engine.Summary, n int) string {
	var out []string
	for _, rec := range s.Records {
		if rec.ProvisioningStatusInfo.ErrorInformation != nil && len(out) < n {
			out = append(out, describeRecord(rec))
		}
	}
	return fmt.Sprint(out)
}
