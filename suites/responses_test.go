package suites_test

import (
	"context"
	"errors"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/quantive/entra-scim-harness/client/outcome"
	"github.com/quantive/entra-scim-harness/client/scim"
	"github.com/quantive/entra-scim-harness/suites/framework"
	"github.com/quantive/entra-scim-harness/suites/matchers"
	"github.com/quantive/entra-scim-harness/suites/requirements"
)

// catalogueCode is the provisioning-log code the catalogue names for id.
func catalogueCode(id string) string {
	r, ok := requirements.Lookup(id)
	Expect(ok).To(BeTrue(), "%s is not in the catalogue", id)
	return r.ErrorCode
}

// These specs inject a failure into an isolated reference-server account
// (admin API) and check that Entra's reading of the answer (client/outcome)
// logs the code the spec and the catalogue name. Without an admin API they
// are not applicable.
var _ = Describe("How Entra reads failed answers", func() {
	f := framework.New()

	// request builds the call on the isolated account; user is an existing user id.
	type request func(b scim.Builder, user string) scim.Request
	create := func(b scim.Builder, _ string) scim.Request {
		return b.CreateUser(scim.Attributes{"userName": "fault-" + randomGUID() + "@conformance.example.test", "active": true})
	}
	get := func(b scim.Builder, user string) scim.Request { return b.GetUser(user) }
	disable := func(b scim.Builder, user string) scim.Request { return b.DisableUser(user) }
	match := func(b scim.Builder, _ string) scim.Request { return b.MatchUser("userName", randomGUID()) }

	DescribeTable("an injected answer is logged with the spec's error code",
		func(rule framework.FaultRule, call outcome.Call, build request) {
			admin, account := f.IsolateAccount()
			user := f.CreateUser(f.UserAttributes("fault"))
			ctx, cancel := f.Ctx()
			defer cancel()
			Expect(admin.SetFaults(ctx, account, rule)).To(Succeed())

			x := f.Send(build(f.Entra(), user))
			o := matchers.EntraOutcome(call, x)
			Expect(o.Success).To(BeFalse(), "Entra would accept the injected answer:\n%s", x)
			want := catalogueCode(f.ID())
			Expect([]string{o.ErrorCode, o.QuarantineReason}).To(ContainElement(want),
				"Entra's reading (%s, quarantine %q) does not match the catalogue's %s", o, o.QuarantineReason, want)
		},
		framework.SpecEntry(framework.Req("ENTRA-RESP-03"), "404 on a filter", framework.FaultRule{Method: "GET", Path: "^/Users$", Status: 404}, outcome.QueryUsers, request(match)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-04"), "404 on GET by id", framework.FaultRule{Method: "GET", Path: "^/Users/", Status: 404}, outcome.GetUser, request(get)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-06"), "401", framework.FaultRule{Path: "^/Users", Status: 401}, outcome.QueryUsers, request(match)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-07"), "403", framework.FaultRule{Method: "POST", Path: "^/Users$", Status: 403}, outcome.CreateUser, request(create)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-08"), "405", framework.FaultRule{Method: "PATCH", Path: "^/Users/", Status: 405}, outcome.PatchUser, request(disable)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-09"), "409", framework.FaultRule{Method: "POST", Path: "^/Users$", Status: 409}, outcome.CreateUser, request(create)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-11"), "422", framework.FaultRule{Method: "POST", Path: "^/Users$", Status: 422}, outcome.CreateUser, request(create)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-12"), "429", framework.FaultRule{Method: "POST", Path: "^/Users$", Status: 429, RetryAfter: 30}, outcome.CreateUser, request(create)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-13"), "500", framework.FaultRule{Method: "POST", Path: "^/Users$", Status: 500}, outcome.CreateUser, request(create)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-14"), "501", framework.FaultRule{Method: "PATCH", Path: "^/Users/", Status: 501}, outcome.PatchUser, request(disable)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-17"), "a 2xx body that is not SCIM", framework.FaultRule{Method: "POST", Path: "^/Users$", Action: "malformed"}, outcome.CreateUser, request(create)),
		framework.SpecEntry(framework.Req("ENTRA-RESP-18"), "a group returned with members despite excludedAttributes", framework.FaultRule{Method: "GET", Path: "^/Groups/", Status: 200,
			Body: `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"id":"g1","displayName":"Sales","members":[{"value":"u1"}]}`}, outcome.GetGroup,
			request(func(b scim.Builder, _ string) scim.Request { return b.GetGroup("g1") })),
		framework.SpecEntry(framework.Req("ENTRA-RESP-19"), "a filter matching two users", framework.FaultRule{Method: "GET", Path: "^/Users$", Status: 200,
			Body: `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"Resources":[{"id":"a","userName":"x"},{"id":"b","userName":"x"}]}`}, outcome.QueryUsers, request(match)),
	)

	DescribeTable("a failed exchange is logged with the spec's error code",
		func(rule framework.FaultRule, timeout time.Duration) {
			admin, account := f.IsolateAccount()
			ctx, cancel := f.Ctx()
			defer cancel()
			Expect(admin.SetFaults(ctx, account, rule)).To(Succeed())

			h, err := framework.NewHTTP(f.Target.TenantURL, f.Target.Token, timeout, nil)
			Expect(err).NotTo(HaveOccurred())
			r := f.Entra().CreateUser(scim.Attributes{"userName": "fault-" + randomGUID() + "@conformance.example.test"})
			_, err = h.Do(context.Background(), framework.Request{Method: r.Method, Path: r.Path, Body: r.Body})
			Expect(err).To(HaveOccurred(), "the injected fault should break the exchange")
			var urlErr interface{ Unwrap() error }
			Expect(errors.As(err, &urlErr)).To(BeTrue())
			o := outcome.ClassifyTransport(urlErr.Unwrap())
			Expect(o.ErrorCode).To(Equal(catalogueCode(f.ID())), "Entra's reading: %s (error %v)", o, err)
		},
		framework.SpecEntry(framework.Req("ENTRA-RESP-15"), "dropped connection", framework.FaultRule{Method: "POST", Path: "^/Users$", Action: "drop"}, 10*time.Second),
		framework.SpecEntry(framework.Req("ENTRA-RESP-16"), "no answer in time", framework.FaultRule{Method: "POST", Path: "^/Users$", Delay: "3s", Status: 504}, 300*time.Millisecond),
	)

	framework.Spec(framework.Req("ENTRA-RESP-01"), "a 2xx answer is a success and the created id is kept", func() {
		f.IsolateAccount()
		x := f.Send(f.Entra().CreateUser(f.UserAttributes("ok")))
		Expect(x).To(matchers.BeAcceptedByEntra(outcome.CreateUser))
		Expect(matchers.EntraOutcome(outcome.CreateUser, x).HTTPStatus).To(Equal(http.StatusCreated))
	})
})
