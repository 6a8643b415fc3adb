package suites_test

import (
	"encoding/json"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

type page struct {
	TotalResults int `json:"totalResults"`
	StartIndex   int `json:"startIndex"`
	ItemsPerPage int `json:"itemsPerPage"`
	Resources    []struct {
		ID string `json:"id"`
	} `json:"Resources"`
}

// Serial: paging over the whole collection must not race with other specs
// creating and deleting users.
var _ = Describe("Pagination", Serial, func() {
	f := framework.New()

	framework.Spec(framework.Req("ENTRA-FLOW-21", "ENTRA-REQ-07", "VAL-06"), "users are listed in pages of count=5 with startIndex page*5+1", func() {
		By("creating 11 users, as gallery validation does")
		for i := 0; i < 11; i++ {
			f.CreateUser(f.UserAttributes("page"))
		}
		seen := map[string]bool{}
		var total int
		for p := 0; p < 3; p++ {
			start := p*5 + 1
			x := f.Send(f.Entra().ListUsers(start, 5))
			// Not classified as an Entra query: a page legitimately holds several users.
			Expect(x).To(SatisfyAll(matchers.BeListResponse(), matchers.HaveSCIMContentType()))
			var pg page
			Expect(json.Unmarshal(x.Body, &pg)).To(Succeed())
			Expect(pg.StartIndex).To(Equal(start), "gallery validation checks that startIndex equals page*5+1")
			Expect(len(pg.Resources)).To(BeNumerically("<=", 5), "count=5 caps the page")
			Expect(pg.TotalResults).To(BeNumerically(">=", 11))
			if p < 2 {
				Expect(pg.Resources).To(HaveLen(5), "pages before the last are full")
			}
			for _, r := range pg.Resources {
				Expect(seen).NotTo(HaveKey(r.ID), "user %s appears on two pages", r.ID)
				seen[r.ID] = true
			}
			total = pg.TotalResults
		}
		Expect(len(seen)).To(Equal(min(total, 15)))
	})
})
