package matchers

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

func resp(status int, ct, body string) *exchange.Response {
	h := http.Header{}
	if ct != "" {
		h.Set("Content-Type", ct)
	}
	return &exchange.Response{
		Request: &exchange.Request{Method: "GET", URL: "http://127.0.0.1:9/scim/Users?filter=userName+eq+%22x%22",
			Header: http.Header{"Authorization": {"Bearer tok"}}},
		Status: status, Header: h, Body: []byte(body),
	}
}

const scim = "application/scim+json"

func TestMatchers(t *testing.T) {
	errBody := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","scimType":"uniqueness"}`
	list0 := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`
	list1 := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":3,"startIndex":1,"Resources":[{"id":"a"}]}`
	for _, tc := range []struct {
		name    string
		m       types.GomegaMatcher
		r       *exchange.Response
		ok      bool
		problem string // part of the failure message
	}{
		{"status ok", HaveStatus(201, 200), resp(200, "", ""), true, ""},
		{"status wrong", HaveStatus(201), resp(409, "", ""), false, "Expected status 201, but got 409"},
		{"content type with charset", HaveSCIMContentType(), resp(200, scim+"; charset=utf-8", ""), true, ""},
		{"content type json", HaveSCIMContentType(), resp(200, "application/json", ""), false, `got "application/json"`},
		{"error ok", BeSCIMError(409, "uniqueness"), resp(409, scim, errBody), true, ""},
		{"error any scimType", BeSCIMError(409, ""), resp(409, scim, errBody), true, ""},
		{"error wrong scimType", BeSCIMError(409, "mutability"), resp(409, scim, errBody), false, `scimType is "uniqueness"`},
		{"error wrong status", BeSCIMError(404, ""), resp(409, scim, errBody), false, "the HTTP status is 409"},
		{"error numeric status", BeSCIMError(409, ""), resp(409, scim, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":409}`), false, "not a string (RFC-01)"},
		{"error no schema", BeSCIMError(409, ""), resp(409, scim, `{"status":"409"}`), false, "lacking urn:ietf:params:scim:api:messages:2.0:Error"},
		{"error html", BeSCIMError(409, ""), resp(409, "text/html", `<html>`), false, "the body is not JSON"},
		{"list empty", BeListResponseWith(0), resp(200, scim, list0), true, ""},
		{"list one of three", BeListResponseWith(1), resp(200, scim, list1), true, ""},
		{"list count wrong", BeListResponseWith(0), resp(200, scim, list1), false, "it has 1 resource(s)"},
		{"list 404", BeListResponseWith(0), resp(404, scim, errBody), false, "got status 404"},
		{"list no total", BeListResponse(), resp(200, scim, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"Resources":[]}`), false, "totalResults is missing"},
		{"list bare array", BeListResponse(), resp(200, scim, `[]`), false, "not a JSON object"},
		{"list total without resources", BeListResponse(), resp(200, scim, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2}`), false, "Resources is missing"},
		{"id ok", HaveResourceID(), resp(201, scim, `{"id":"u1"}`), true, ""},
		{"id empty", HaveResourceID(), resp(201, scim, `{"id":""}`), false, "id is "},
		{"attribute bool", HaveAttribute("active", false), resp(200, scim, `{"id":"u","Active":false}`), true, ""},
		{"attribute nested", HaveAttribute("name", map[string]string{"givenName": "A"}), resp(200, scim, `{"name":{"givenName":"A"}}`), true, ""},
		{"attribute string vs bool", HaveAttribute("active", false), resp(200, scim, `{"active":"False"}`), false, `active is "False"`},
		{"attribute absent", HaveAttribute("active", false), resp(200, scim, `{"id":"u"}`), false, "active is absent"},
		{"id number", HaveResourceID(), resp(201, scim, `{"id":5}`), false, "id is 5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, err := tc.m.Match(tc.r)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tc.ok {
				t.Fatalf("match = %v, want %v", ok, tc.ok)
			}
			if tc.ok {
				neg := tc.m.NegatedFailureMessage(tc.r)
				if !strings.HasPrefix(neg, "Expected not ") || !strings.Contains(neg, "> GET ") {
					t.Errorf("negated message: %s", neg)
				}
				return
			}
			msg := tc.m.FailureMessage(tc.r)
			for _, want := range []string{tc.problem, "> GET http://127.0.0.1:9/scim/Users", "> Authorization: Bearer <redacted>", "< " + strconv.Itoa(tc.r.Status)} {
				if !strings.Contains(msg, want) {
					t.Errorf("failure message lacks %q:\n%s", want, msg)
				}
			}
			if strings.Contains(msg, "Bearer tok") {
				t.Errorf("failure message leaks the token:\n%s", msg)
			}
		})
	}
}

func TestMatchersRejectOtherTypes(t *testing.T) {
	if _, err := HaveStatus(200).Match("not a response"); err == nil || !strings.Contains(err.Error(), "string") {
		t.Errorf("err = %v", err)
	}
	var nilResp *exchange.Response
	if _, err := HaveStatus(200).Match(nilResp); err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("err = %v", err)
	}
	if ok, err := HaveStatus(200).Match(*resp(200, "", "")); err != nil || !ok {
		t.Errorf("value response: %v %v", ok, err)
	}
}
