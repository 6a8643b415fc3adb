package scim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// BenchmarkBuildCreateUser measures building the FLOW-04 body.
func BenchmarkBuildCreateUser(b *testing.B) {
	bld := Builder{}
	attrs := flow04Attributes()
	b.ReportAllocs()
	for b.Loop() {
		_ = bld.CreateUser(attrs)
	}
}

// BenchmarkBuildUpdateUser measures diff plus PATCH building (FLOW-07) in
// both dialects.
func BenchmarkBuildUpdateUser(b *testing.B) {
	old := Attributes{"displayName": "Old", "name.givenName": "Old", `emails[type eq "work"].value`: "o@x", "active": true}
	nw := Attributes{"displayName": "New", "name.givenName": "New", `emails[type eq "work"].value`: "n@x", "active": false}
	for _, d := range []Dialect{Legacy, Compliant} {
		b.Run(string(d), func(b *testing.B) {
			bld := Builder{Dialect: d}
			b.ReportAllocs()
			for b.Loop() {
				_ = bld.UpdateUser("u1", Diff(old, nw))
			}
		})
	}
}

// BenchmarkBuildMatchUser measures building a filter query (FLOW-03).
func BenchmarkBuildMatchUser(b *testing.B) {
	bld := Builder{}
	b.ReportAllocs()
	for b.Loop() {
		_ = bld.MatchUser("userName", "jyoung@contoso.com")
	}
}

// BenchmarkBuildAddMembers50 measures one full member batch (FLOW-16).
func BenchmarkBuildAddMembers50(b *testing.B) {
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = "f648f8d5ea4e4cd38e9c" + string(rune('a'+i%26))
	}
	bld := Builder{}
	b.ReportAllocs()
	for b.Loop() {
		_ = bld.AddMembers("g1", ids)
	}
}

// BenchmarkClassify measures reading answers as Entra does.
func BenchmarkClassify(b *testing.B) {
	cases := []struct {
		name string
		call outcome.Call
		resp outcome.Response
	}{
		{"query-empty", outcome.QueryUsers, outcome.Response{Status: 200, Body: []byte(emptyListBody)}},
		{"query-one", outcome.QueryUsers, outcome.Response{Status: 200, Body: []byte(oneMatchBody)}},
		{"create-201", outcome.CreateUser, outcome.Response{Status: 201, Body: []byte(userBody)}},
		{"patch-204", outcome.PatchUser, outcome.Response{Status: 204}},
		{"conflict-409", outcome.CreateUser, outcome.Response{Status: 409, Header: http.Header{},
			Body: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness","detail":"userName taken"}`)}},
		{"bad-request-400", outcome.CreateUser, outcome.Response{Status: 400, Header: http.Header{},
			Body: []byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","detail":"userName is required"}`)}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = outcome.Inspect(c.call, c.resp)
			}
		})
	}
}

// BenchmarkRoundTripMatchUser measures one FLOW-03 query through the
// whole client (resty, net/http, classification) against a loopback
// server that answers a canned empty ListResponse: the client's cost per
// call, which the engine pays about five times per user.
func BenchmarkRoundTripMatchUser(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/scim+json")
		_, _ = w.Write([]byte(emptyListBody))
	}))
	b.Cleanup(srv.Close)
	c, err := New(Options{TenantURL: srv.URL, Token: "t"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.MatchUser(ctx, "userName", "jyoung@contoso.com")
		if err != nil || !res.Outcome.Success {
			b.Fatalf("match: %v %+v", err, res)
		}
	}
}
