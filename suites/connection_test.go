package suites_test

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

func randomGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

var _ = Describe("Test Connection and authentication", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-FLOW-01", "ENTRA-REQ-19"), "a userName filter on a random GUID answers 200 with an empty ListResponse", func() {
		x := f.Get("/Users", map[string]string{"filter": fmt.Sprintf("userName eq %q", randomGUID())})
		Expect(x).To(SatisfyAll(matchers.BeAcceptedByEntra(outcome.QueryUsers), matchers.BeListResponseWith(0)))
		Expect(string(x.Body)).To(MatchRegexp(`"totalResults"\s*:\s*0`))
	})

	framework.Spec(framework.Req("ENTRA-REQ-19"), "an externalId filter that matches nothing answers 200 with totalResults 0", func() {
		Expect(f.Get("/Users", map[string]string{"filter": fmt.Sprintf("externalId eq %q", randomGUID())})).To(matchers.BeListResponseWith(0))
	})

	framework.Spec(framework.Req("ENTRA-HTTP-03"), "the given Secret Token is accepted as a bearer token", func() {
		x := f.Get("/Users", map[string]string{"filter": fmt.Sprintf("userName eq %q", randomGUID())})
		Expect(x).NotTo(matchers.HaveStatus(http.StatusUnauthorized, http.StatusForbidden), "the run's token must be accepted")
		Expect(x).To(matchers.BeListResponseWith(0))
	})

	framework.Spec(framework.Req("ENTRA-HTTP-03"), "a request without a token answers 401", func() {
		Expect(f.Do(framework.Request{Method: http.MethodGet, Path: "/Users", NoAuth: true})).To(matchers.HaveStatus(http.StatusUnauthorized))
	})

	framework.Spec(framework.Req("ENTRA-HTTP-03"), "a request with a wrong token answers 401", func() {
		x := f.Do(framework.Request{Method: http.MethodGet, Path: "/Users", NoAuth: true,
			Header: http.Header{"Authorization": {"Bearer not-" + randomGUID()}}})
		Expect(x).To(matchers.HaveStatus(http.StatusUnauthorized))
	})

	framework.Spec(framework.Req("GTM-08"), "a bad token answers 401 with a SCIM Error body", func() {
		x := f.Do(framework.Request{Method: http.MethodGet, Path: "/Users", NoAuth: true,
			Header: http.Header{"Authorization": {"Bearer not-" + randomGUID()}}})
		Expect(x).To(matchers.BeSCIMError(http.StatusUnauthorized, ""))
	})

	framework.SpecTable(framework.Req("ENTRA-REQ-10"), "the one SCIM token authorises every endpoint",
		func(path string, query map[string]string) {
			Expect(f.Get(path, query)).NotTo(matchers.HaveStatus(http.StatusUnauthorized, http.StatusForbidden))
		},
		Entry("/Users", "/Users", map[string]string{"filter": `userName eq "nobody@example.test"`}),
		Entry("/Schemas", "/Schemas", nil),
		Entry("/ResourceTypes", "/ResourceTypes", nil),
		Entry("/ServiceProviderConfig", "/ServiceProviderConfig", nil),
	)

	framework.Spec(framework.Req("ENTRA-HTTP-01"), "unknown query parameters such as aadOptscim062020 are ignored", func() {
		x := f.Do(framework.Request{Method: http.MethodGet, Path: "/Users",
			Query:    url.Values{"filter": {fmt.Sprintf("userName eq %q", randomGUID())}, "someUnknownParameter": {"1"}},
			RawQuery: "aadOptscim062020"})
		Expect(x).To(matchers.BeListResponseWith(0))
	})

	framework.Spec(framework.Req("ENTRA-HTTP-07"), "unknown request headers such as ADSCIMVersion are ignored", func() {
		x := f.Do(framework.Request{Method: http.MethodGet, Path: "/Users",
			Query:  url.Values{"filter": {fmt.Sprintf("userName eq %q", randomGUID())}},
			Header: http.Header{"Adscimversion": {"5.0"}, "X-Unknown-Header": {"1"}}})
		Expect(x).To(matchers.BeListResponseWith(0))
	})
})

var _ = Describe("Matching users by filter", func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-HTTP-05"), "filters with +, %20, raw quotes and encoded quotes all find the user", func() {
		body := f.NewUser("enc")
		Expect(f.Create("Users", body)).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID()))
		ext := body["externalId"].(string)
		for _, raw := range []string{
			"filter=externalId+eq+%22" + ext + "%22",
			"filter=externalId%20eq%20%22" + ext + "%22",
			`filter=externalId+eq+"` + ext + `"`,
		} {
			By("GET /Users?" + raw)
			Expect(f.Do(framework.Request{Method: http.MethodGet, Path: "/Users", RawQuery: raw})).To(matchers.BeListResponseWith(1))
		}
	})

	framework.Spec(framework.Req("ENTRA-FLOW-03"), "a userName eq filter ignores case and returns exactly the user", func() {
		body := f.NewUser("case")
		Expect(f.Create("Users", body)).To(matchers.HaveStatus(http.StatusCreated))
		userName := body["userName"].(string)
		for _, v := range []string{userName, strings.ToUpper(userName)} {
			By("filter userName eq " + v)
			Expect(f.Get("/Users", map[string]string{"filter": fmt.Sprintf("userName eq %q", v)})).To(matchers.BeListResponseWith(1))
		}
	})
})
