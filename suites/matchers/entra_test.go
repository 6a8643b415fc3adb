package matchers

import (
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

func TestBeAcceptedByEntra(t *testing.T) {
	ok := resp(201, scim, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"u1","userName":"a"}`)
	if m, err := BeAcceptedByEntra(outcome.CreateUser).Match(ok); err != nil || !m {
		t.Fatalf("a 201 with id must be accepted: %v %v", m, err)
	}
	for _, tc := range []struct {
		name string
		call outcome.Call
		r    string
		st   int
		want string
	}{
		{"create without id", outcome.CreateUser, `{"userName":"a"}`, 201, "Entra would log SystemForCrossDomainIdentityManagementServiceIncompatible"},
		{"conflict", outcome.CreateUser, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409"}`, 409, "Entra would log EntryConflict"},
		{"404 on a filter", outcome.QueryUsers, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"404"}`, 404, "quarantine the job"},
	} {
		m := BeAcceptedByEntra(tc.call)
		x := resp(tc.st, scim, tc.r)
		matched, err := m.Match(x)
		if err != nil || matched {
			t.Errorf("%s: matched=%v err=%v", tc.name, matched, err)
			continue
		}
		msg := m.FailureMessage(x)
		if !strings.Contains(msg, tc.want) || !strings.Contains(msg, "> GET ") {
			t.Errorf("%s: message lacks %q:\n%s", tc.name, tc.want, msg)
		}
	}
}
