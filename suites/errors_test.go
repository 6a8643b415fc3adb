package suites_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
)

var _ = Describe("Errors and queries (RFC 7644)", func() {
	f := framework.New()

	framework.Spec(framework.Req("RFC-01", "ENTRA-RESP-24"), "error answers carry the Error schema, status as a string and application/scim+json", func() {
		x := f.Get("/Users/no-such-"+randomGUID(), nil)
		Expect(x).To(SatisfyAll(matchers.BeSCIMError(http.StatusNotFound, ""), matchers.HaveSCIMContentType()))
		attrs := f.UserAttributes("err")
		f.CreateUser(attrs)
		Expect(f.Send(f.Entra().CreateUser(attrs))).To(SatisfyAll(matchers.BeSCIMError(http.StatusConflict, "uniqueness"), matchers.HaveSCIMContentType()))
	})

	framework.Spec(framework.Req("RFC-02"), "a malformed filter answers 400 invalidFilter and a malformed body 400 invalidSyntax", func() {
		Expect(f.Get("/Users", map[string]string{"filter": `userName eq`})).To(matchers.BeSCIMError(http.StatusBadRequest, "invalidFilter"))
		x := f.Do(framework.Request{Method: http.MethodPost, Path: "/Users", Body: []byte(`{"userName":`)})
		Expect(x).To(matchers.BeSCIMError(http.StatusBadRequest, "invalidSyntax"))
	})

	framework.Spec(framework.Req("ENTRA-REQ-05"), "an operator Entra does not use either works or answers 400 invalidFilter, never 5xx", func() {
		x := f.Get("/Users", map[string]string{"filter": `userName co "conformance"`})
		if x.Status == http.StatusBadRequest {
			Expect(x).To(matchers.BeSCIMError(http.StatusBadRequest, "invalidFilter"))
		} else {
			Expect(x).To(matchers.BeListResponse())
		}
	})

	framework.Spec(framework.Req("RFC-03", "ENTRA-REQ-14"), "a ListResponse has its schema, totalResults, Resources and a 1-based startIndex", func() {
		attrs := f.UserAttributes("list")
		f.CreateUser(attrs)
		x := f.Get("/Users", map[string]string{"filter": fmt.Sprintf("userName eq %q", attrs["userName"])})
		Expect(x).To(matchers.BeListResponseWith(1))
		var l struct {
			StartIndex *int `json:"startIndex"`
		}
		Expect(json.Unmarshal(x.Body, &l)).To(Succeed())
		if l.StartIndex != nil {
			Expect(*l.StartIndex).To(Equal(1))
		}
	})

	framework.Spec(framework.Req("RFC-04"), "count=0 returns only totalResults and attributes narrows the answer", func() {
		attrs := f.UserAttributes("query")
		f.CreateUser(attrs)
		filter := fmt.Sprintf("userName eq %q", attrs["userName"])
		x := f.Get("/Users", map[string]string{"filter": filter, "count": "0"})
		Expect(x).To(matchers.BeListResponseWith(0))
		Expect(string(x.Body)).To(MatchRegexp(`"totalResults"\s*:\s*1`))

		x = f.Get("/Users", map[string]string{"filter": filter, "attributes": "userName"})
		Expect(x).To(matchers.BeListResponseWith(1))
		var l struct {
			Resources []map[string]any `json:"Resources"`
		}
		Expect(json.Unmarshal(x.Body, &l)).To(Succeed())
		framework.Ensure(hasKey(l.Resources[0], "id"), "attributes=userName: the answer lacks id, which is always returned")
		framework.Ensure(hasKey(l.Resources[0], "userName"), "attributes=userName: the answer lacks userName")
		framework.Ensure(!hasKey(l.Resources[0], "emails"), "attributes=userName is ignored: the answer still carries emails (attributes %v)", keysOf(l.Resources[0]))
	})

	framework.Spec(framework.Req("RFC-05"), "create answers with a Location header equal to meta.location", func() {
		x := f.Send(f.Entra().CreateUser(f.UserAttributes("loc")))
		Expect(x).To(matchers.HaveStatus(http.StatusCreated))
		var u struct {
			Meta struct {
				Location string `json:"location"`
			} `json:"meta"`
		}
		Expect(json.Unmarshal(x.Body, &u)).To(Succeed())
		loc := x.Header.Get("Location")
		framework.Ensure(loc != "", "the 201 carries no Location header (meta.location is %q)", u.Meta.Location)
		framework.Ensure(u.Meta.Location == loc, "the Location header %q differs from meta.location %q", loc, u.Meta.Location)
	})

	framework.Spec(framework.Req("ENTRA-HTTP-04"), "a create sent as application/json is accepted", func() {
		r := f.Entra().CreateUser(f.UserAttributes("json"))
		x := f.Do(framework.Request{Method: r.Method, Path: r.Path, Body: r.Body, Header: http.Header{"Content-Type": {"application/json"}}})
		Expect(x).To(SatisfyAll(matchers.HaveStatus(http.StatusCreated), matchers.HaveResourceID()))
		var created struct {
			ID string `json:"id"`
		}
		Expect(x.DecodeJSON(&created)).To(Succeed())
		DeferCleanup(func() {
			f.Do(framework.Request{Method: http.MethodDelete, Path: "/Users/" + url.PathEscape(created.ID)})
		})
	})

	framework.Spec(framework.Req("RFC-08"), "PATCH without If-Match works, and a stale If-Match answers 412 when ETags are offered", func() {
		id := f.CreateUser(f.UserAttributes("etag"))
		x := f.Get("/Users/"+id, nil)
		Expect(x).To(matchers.HaveStatus(http.StatusOK))
		if x.Header.Get("ETag") == "" {
			Skip("the target sends no ETag header; only the absence of an If-Match requirement applies")
		}
		stale := f.Do(framework.Request{Method: http.MethodPatch, Path: "/Users/" + id, Header: http.Header{"If-Match": {`W/"stale-version"`}},
			Body: patchBody(map[string]any{"op": "replace", "path": "displayName", "value": "Stale"})})
		Expect(stale).To(matchers.HaveStatus(http.StatusPreconditionFailed))
	})
})
