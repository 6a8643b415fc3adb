package suites_test

import (
	"encoding/json"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

var _ = Describe("Gtmhub specifics", func() {
	f := framework.New()

	framework.Spec(framework.Req("GTM-01"), "the tenant URL has the form …/api/v1/scim/azure/{accountId}", func() {
		Expect(f.Target.TenantURL).To(MatchRegexp(`/api/v1/scim/azure/[^/?]+/?(\?.*)?$`))
	})

	framework.Spec(framework.Req("GTM-03"), "the SCIM token is accepted as a bearer token on users and groups", func() {
		Expect(f.Get("/Users", map[string]string{"filter": `userName eq "nobody@example.test"`})).To(matchers.BeListResponseWith(0))
		Expect(f.Send(f.Entra().MatchGroup("nobody-" + randomGUID()))).To(matchers.BeListResponseWith(0))
	})

	framework.Spec(framework.Req("GTM-04"), "userName and externalId are filterable; name and department are stored", func() {
		attrs := f.UserAttributes("gtm")
		id := f.CreateUser(attrs)
		Expect(f.Send(f.Entra().MatchUser("userName", attrs["userName"].(string)))).To(matchers.BeListResponseWith(1))
		Expect(f.Send(f.Entra().MatchUser("externalId", attrs["externalId"].(string)))).To(matchers.BeListResponseWith(1))
		u := readUser(f, id)
		Expect(u).To(HaveKeyWithValue("name", SatisfyAll(HaveKeyWithValue("givenName", "Given"), HaveKeyWithValue("familyName", "gtm"))))
		Expect(enterprise(u)).To(HaveKeyWithValue("department", "Conformance"))
	})

	framework.Spec(framework.Req("GTM-06"), "groups (teams) are served: /ResourceTypes lists Group and a group can be created", func() {
		x := f.Get("/ResourceTypes", nil)
		Expect(x).To(matchers.BeListResponse())
		var l struct {
			Resources []struct {
				Name string `json:"name"`
			} `json:"Resources"`
		}
		Expect(json.Unmarshal(x.Body, &l)).To(Succeed())
		var names []string
		for _, r := range l.Resources {
			names = append(names, r.Name)
		}
		Expect(names).To(ContainElement("Group"))
		Expect(f.Send(f.Entra().CreateGroup(f.Name("team"), f.Name("team")))).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.BeAcceptedByEntra(outcome.CreateGroup)))
	})
})
