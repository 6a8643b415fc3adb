package outcome

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	emptyList = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":0,"Resources":[]}`
	oneUser   = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":1,"Resources":[{"id":"u1","userName":"a"}]}`
	twoUsers  = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:ListResponse"],"totalResults":2,"Resources":[{"id":"u1"},{"id":"u2"}]}`
	user      = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a"}`
	scimErr   = `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"%d","detail":%q}`
)

func errBody(status int, detail string) string { return fmt.Sprintf(scimErr, status, detail) }

// TestClassifyStatus covers every row of the status table and the call
// dependent 404 (ENTRA-RESP-01..22).
func TestClassifyStatus(t *testing.T) {
	cases := []struct {
		name       string
		call       Call
		status     int
		body       string
		success    bool
		code       string
		spec       string
		quarantine string
	}{
		{"RESP-01 create 201 with id", CreateUser, 201, user, true, "", "ENTRA-RESP-01", ""},
		{"RESP-01 patch 204", PatchUser, 204, "", true, "", "ENTRA-RESP-01", ""},
		{"RESP-01 patch 200 with resource", PatchUser, 200, user, true, "", "ENTRA-RESP-01", ""},
		{"RESP-01 delete 204", DeleteUser, 204, "", true, "", "ENTRA-RESP-01", ""},
		{"RESP-02 empty list", QueryUsers, 200, emptyList, true, "", "ENTRA-RESP-01", ""},
		{"RESP-03 404 on filter", QueryUsers, 404, errBody(404, "no"), false, CodeServiceIncompatible, "ENTRA-RESP-03", QuarantineException},
		{"RESP-03 404 on group filter", QueryGroups, 404, "", false, CodeServiceIncompatible, "ENTRA-RESP-03", QuarantineException},
		{"RESP-04 404 on GET by id", GetUser, 404, errBody(404, "Resource x not found"), false, CodeInvalidAnchor, "ENTRA-RESP-04", ""},
		{"RESP-04 404 on PATCH", PatchGroup, 404, "", false, CodeInvalidAnchor, "ENTRA-RESP-04", ""},
		{"UNC-08 404 on DELETE", DeleteGroup, 404, "", true, "", "UNC-08", ""},
		{"RESP-05 plain 400", CreateUser, 400, errBody(400, "bad"), false, CodeBadRequest, "ENTRA-RESP-05", ""},
		{"RESP-06 401", QueryUsers, 401, "", false, CodeCredentialValidationFailure, "ENTRA-RESP-06", QuarantineException},
		{"RESP-07 403", PatchUser, 403, errBody(403, "no"), false, CodeInsufficientRights, "ENTRA-RESP-07", ""},
		{"RESP-08 405", DeleteUser, 405, "", false, CodeMethodNotAllowed, "ENTRA-RESP-08", ""},
		{"RESP-09 409", CreateUser, 409, errBody(409, "userName taken"), false, CodeEntryConflict, "ENTRA-RESP-09", ""},
		{"RESP-10 412", PatchUser, 412, "", false, CodeBadRequest, "ENTRA-RESP-10", ""},
		{"RESP-11 422", PatchUser, 422, "", false, CodeUnprocessableEntity, "ENTRA-RESP-11", ""},
		{"RESP-12 429", CreateUser, 429, "", false, CodeTooManyRequests, "ENTRA-RESP-12", ""},
		{"RESP-13 500", CreateUser, 500, "boom", false, CodeInternalServerError, "ENTRA-RESP-13", ""},
		{"RESP-14 501", PatchGroup, 501, "", false, CodeNotImplemented, "ENTRA-RESP-14", ""},
		{"RESP-15 502", GetUser, 502, "", false, CodeWebExceptionProtocolError, "ENTRA-RESP-15", ""},
		{"RESP-15 503", GetUser, 503, "", false, CodeWebExceptionProtocolError, "ENTRA-RESP-15", ""},
		{"RESP-15 504", GetUser, 504, "", false, CodeWebExceptionProtocolError, "ENTRA-RESP-15", ""},
		{"RESP-15 unexpected 302", GetUser, 302, "", false, CodeWebExceptionProtocolError, "ENTRA-RESP-15", ""},
		{"RESP-17 create without id", CreateUser, 201, `{"userName":"a"}`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 create with empty body", CreateUser, 201, "", false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 create with HTML", CreateGroup, 201, "<html>ok</html>", false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 create with numeric id", CreateUser, 201, `{"id":42}`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 get returns a JSON array", GetUser, 200, `[]`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 manager as string", GetUser, 200,
			`{"id":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m1"}}`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 manager as array", GetUser, 200,
			`{"id":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":[{"value":"m1"}]}}`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 manager complex is fine", GetUser, 200,
			`{"id":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":{"value":"m1"}}}`, true, "", "ENTRA-RESP-01", ""},
		{"RESP-17 manager string in a query", QueryUsers, 200,
			`{"totalResults":1,"Resources":[{"id":"u1","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m1"}}]}`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 patch 200 with garbage", PatchUser, 200, "not json", false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 query not a ListResponse", QueryUsers, 200, user, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 query truncated JSON", QueryUsers, 200, `{"totalResults":0,"Resources":[`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-17 query resource without id", QueryUsers, 200, `{"totalResults":1,"Resources":[{"userName":"a"}]}`, false, CodeServiceIncompatible, "ENTRA-RESP-17", ""},
		{"RESP-18 group get with members", GetGroup, 200, `{"id":"g1","members":[{"value":"u1"}]}`, false, CodeMultipleEntriesInResponse, "ENTRA-RESP-18", ""},
		{"RESP-18 group query with members", QueryGroups, 200,
			`{"totalResults":1,"Resources":[{"id":"g1","members":[{"value":"u1"}]}]}`, false, CodeMultipleEntriesInResponse, "ENTRA-RESP-18", ""},
		{"RESP-18 empty members array tolerated", GetGroup, 200, `{"id":"g1","members":[]}`, true, "", "ENTRA-RESP-01", ""},
		{"RESP-19 two matches", QueryUsers, 200, twoUsers, false, CodeDuplicateTargetEntries, "ENTRA-RESP-19", ""},
		{"RESP-20 400 naming a required field", CreateUser, 400, errBody(400, "userName is required"), false, CodeMandatoryFieldsMissing, "ENTRA-RESP-20", ""},
		{"RESP-21 400 unknown attribute", PatchUser, 400, errBody(400, "Attribute 'foo' is unknown"), false, CodeSchemaAttributeNotFound, "ENTRA-RESP-21", ""},
		{"RESP-21 400 invalidPath", PatchUser, 400, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"400","scimType":"invalidPath","detail":"bad path"}`, false, CodeSchemaAttributeNotFound, "ENTRA-RESP-21", ""},
		{"ERR-12 400 refusing the domain", CreateUser, 400, errBody(400, "Domain contoso.com of userName is not an accepted domain of this account"), false, CodeInvalidDomain, "ERR-12", ""},
		{"ERR-12 domain word without a refusal stays plain 400", CreateUser, 400, errBody(400, "domain field malformed"), false, CodeBadRequest, "ENTRA-RESP-05", ""},
		{"RESP-22 licence limit 400", CreateUser, 400, errBody(400, "License limit reached"), false, CodeLicenseLimitExceeded, "ENTRA-RESP-22", ""},
		{"RESP-22 seat limit 403", CreateUser, 403, errBody(403, "No seats left in the plan"), false, CodeLicenseLimitExceeded, "ENTRA-RESP-22", ""},
		{"schemas list", ListSchemas, 200, `{"totalResults":1,"Resources":[{"id":"urn:x"}]}`, true, "", "ENTRA-RESP-01", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := Classify(c.call, Response{Status: c.status, Header: http.Header{}, Body: []byte(c.body)})
			if o.Success != c.success || o.ErrorCode != c.code {
				t.Fatalf("got success=%v code=%q (%s), want success=%v code=%q", o.Success, o.ErrorCode, o.Reason, c.success, c.code)
			}
			if !strings.Contains(o.SpecID, c.spec) {
				t.Errorf("spec id %q, want it to name %s", o.SpecID, c.spec)
			}
			if o.QuarantineReason != c.quarantine {
				t.Errorf("quarantine %q, want %q", o.QuarantineReason, c.quarantine)
			}
			if o.HTTPStatus != c.status {
				t.Errorf("status %d, want %d", o.HTTPStatus, c.status)
			}
			if !c.success {
				if o.AdditionalDetails != c.body {
					t.Errorf("additional details %q, want the body %q (ENTRA-RESP-24)", o.AdditionalDetails, c.body)
				}
				if o.Reason == "" || strings.Contains(o.Reason, "\n") || o.RecommendedAction == "" {
					t.Errorf("reason %q / action %q: want one non-empty line each", o.Reason, o.RecommendedAction)
				}
				if o.ErrorCategory != CategoryNonServiceFailure {
					t.Errorf("category %q", o.ErrorCategory)
				}
				if o.Err() == nil {
					t.Error("Err() is nil on a failure")
				}
			} else if o.Err() != nil {
				t.Errorf("Err() = %v on success", o.Err())
			}
		})
	}
}

func TestDeleteNotFoundWarns_UNC08(t *testing.T) {
	o := Classify(DeleteUser, Response{Status: 404, Body: []byte("gone")})
	if !o.Success || o.Warning == "" {
		t.Fatalf("want success with a warning, got %+v", o)
	}
}

func TestInspectReturnsIDs(t *testing.T) {
	o, p := Inspect(QueryUsers, Response{Status: 200, Body: []byte(oneUser)})
	if !o.Success || p.ID() != "u1" || len(p.Resources) != 1 {
		t.Fatalf("got %+v %+v", o, p)
	}
	o, p = Inspect(CreateUser, Response{Status: 201, Body: []byte(user)})
	if !o.Success || p.ID() != "u1" {
		t.Fatalf("got %+v %+v", o, p)
	}
	_, p = Inspect(QueryUsers, Response{Status: 200, Body: []byte(emptyList)})
	if p.ID() != "" || len(p.IDs) != 0 {
		t.Fatalf("empty list gave ids %v", p.IDs)
	}
}

func TestRetryAfterParsing_RESP12(t *testing.T) {
	now := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		header string
		want   time.Duration
		has    bool
	}{
		{"", 0, false},
		{"7", 7 * time.Second, true},
		{"0", 0, true},
		{"-3", 0, true},
		{"soon", 0, false},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second, true},
		{now.Add(-30 * time.Second).Format(http.TimeFormat), 0, true},
	}
	for _, c := range cases {
		h := http.Header{}
		if c.header != "" {
			h.Set("Retry-After", c.header)
		}
		if got := RetryAfter(h, now); got != c.want {
			t.Errorf("Retry-After %q: got %v, want %v", c.header, got, c.want)
		}
		if got := HasRetryAfter(h); got != c.has {
			t.Errorf("Retry-After %q: has=%v, want %v", c.header, got, c.has)
		}
	}
	o := Classify(CreateUser, Response{Status: 429, Header: http.Header{"Retry-After": {"12"}}})
	if o.RetryAfter != 12*time.Second || o.ErrorCode != CodeTooManyRequests {
		t.Fatalf("429 outcome %+v", o)
	}
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func TestClassifyTransport_RESP15_RESP16(t *testing.T) {
	cases := []struct {
		err  error
		code string
	}{
		{context.DeadlineExceeded, CodeTimeout},
		{fmt.Errorf("get: %w", timeoutErr{}), CodeTimeout},
		{errors.New("EOF"), CodeWebExceptionProtocolError},
		{&net.OpError{Op: "dial", Err: errors.New("connection refused")}, CodeWebExceptionProtocolError},
	}
	for _, c := range cases {
		o := ClassifyTransport(c.err)
		if o.Success || o.ErrorCode != c.code || o.HTTPStatus != 0 || o.AdditionalDetails == "" {
			t.Errorf("%v: got %+v, want %s", c.err, o, c.code)
		}
	}
}

// FuzzClassify proves that no answer, however malformed, panics or comes
// back without a code (seed corpus runs in go test).
func FuzzClassify(f *testing.F) {
	for _, s := range []string{emptyList, oneUser, twoUsers, user, "", "null", "[]", `{"id":null}`, `{"Resources":null,"totalResults":1}`,
		`{"id":"g","members":"x"}`, `{"id":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":null}`} {
		for _, st := range []int{200, 201, 204, 400, 404} {
			f.Add(st, int(QueryUsers), []byte(s))
			f.Add(st, int(GetGroup), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, status, call int, body []byte) {
		c := Call(((call % 11) + 11) % 11)
		o := Classify(c, Response{Status: status, Body: body})
		if !o.Success && o.ErrorCode == "" {
			t.Fatalf("failure without code: %+v", o)
		}
		if o.Success && o.ErrorCode != "" {
			t.Fatalf("success with code: %+v", o)
		}
	})
}

// TestCauses proves that 2xx answers sharing an error code keep their own
// cause (unparseable, not a ListResponse, missing id, manager as a string,
// members returned, several matches).
func TestCauses(t *testing.T) {
	cases := []struct {
		call  Call
		body  string
		cause string
	}{
		{GetUser, "{not json", CauseUnparseable},
		{QueryUsers, user, CauseNotListResponse},
		{CreateUser, `{"userName":"a"}`, CauseMissingID},
		{QueryUsers, `{"totalResults":1,"Resources":[{"userName":"a"}]}`, CauseMissingID},
		{GetUser, `{"id":"u","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"manager":"m"}}`, CauseManagerString},
		{GetGroup, `{"id":"g","members":[{"value":"u"}]}`, CauseMembersReturned},
		{QueryUsers, twoUsers, CauseMultipleMatches},
		{QueryUsers, emptyList, ""},
	}
	for _, c := range cases {
		o := Classify(c.call, Response{Status: 200, Body: []byte(c.body)})
		if o.Cause != c.cause {
			t.Errorf("%s %s: cause %q, want %q (%s)", c.call, c.body, o.Cause, c.cause, o.Reason)
		}
	}
}
