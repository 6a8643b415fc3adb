package outcome

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
)

// Parsed is what a successful answer told Entra: the resources of a query
// and their ids, or the single resource of a create or get.
type Parsed struct {
	// IDs are the ids of the resources returned (one for create/get).
	IDs []string
	// Resources are the raw resources, in the order returned.
	Resources []json.RawMessage
}

// ID returns the first id, or "" when there is none.
func (p Parsed) ID() string {
	if len(p.IDs) == 0 {
		return ""
	}
	return p.IDs[0]
}

// Inspect classifies like Classify and also returns what a 2xx answer
// contained, so that callers do not parse the body twice.
func Inspect(call Call, r Response) (Outcome, Parsed) {
	if r.Status >= 200 && r.Status < 300 {
		return inspectBody(call, r)
	}
	return Classify(call, r), Parsed{}
}

// checkBody validates a 2xx answer (ENTRA-RESP-01, RESP-17..19).
func checkBody(call Call, r Response) Outcome {
	o, _ := inspectBody(call, r)
	return o
}

// listResponse is the part of a ListResponse Entra reads. TotalResults is a
// pointer so that a body without it (not a ListResponse) is detected.
type listResponse struct {
	TotalResults *int              `json:"totalResults"`
	Resources    []json.RawMessage `json:"Resources"`
}

// resource is the part of a User or Group Entra checks.
type resource struct {
	ID         json.RawMessage `json:"id"`
	Members    json.RawMessage `json:"members"`
	Enterprise *struct {
		Manager json.RawMessage `json:"manager"`
	} `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
}

func inspectBody(call Call, r Response) (Outcome, Parsed) {
	body := bytes.TrimSpace(r.Body)
	switch {
	case call.isDelete():
		return success(r.Status), Parsed{}
	case call.isQuery():
		return inspectList(call, r.Status, r.Body)
	case call == PatchUser || call == PatchGroup:
		// Entra needs no body after PATCH (ENTRA-PATCH-10); one that is sent
		// must still parse.
		if len(body) == 0 || r.Status == http.StatusNoContent {
			return success(r.Status), Parsed{}
		}
	}
	if len(body) == 0 {
		return incompatible(r.Status, r.Body, CauseUnparseable, "the body is empty"), Parsed{}
	}
	id, problem, cause := checkResource(call, body)
	if problem != "" {
		return bodyFailure(r.Status, r.Body, cause, problem), Parsed{}
	}
	if id == "" && call != PatchUser && call != PatchGroup {
		return incompatible(r.Status, r.Body, CauseMissingID, "the resource has no id"), Parsed{}
	}
	p := Parsed{Resources: []json.RawMessage{json.RawMessage(body)}}
	if id != "" {
		p.IDs = []string{id}
	}
	return success(r.Status), p
}

func inspectList(call Call, status int, raw []byte) (Outcome, Parsed) {
	var lr listResponse
	if err := json.Unmarshal(raw, &lr); err != nil {
		return incompatible(status, raw, CauseUnparseable, "the body is not a ListResponse: "+jsonProblem(err)), Parsed{}
	}
	if lr.TotalResults == nil {
		return incompatible(status, raw, CauseNotListResponse, "the body is not a ListResponse: totalResults is missing"), Parsed{}
	}
	if call == ListSchemas {
		return success(status), Parsed{Resources: lr.Resources}
	}
	p := Parsed{Resources: lr.Resources, IDs: make([]string, 0, len(lr.Resources))}
	for i, res := range lr.Resources {
		id, problem, cause := checkResource(call, res)
		if problem == "" && id == "" {
			problem, cause = "the resource has no id", CauseMissingID
		}
		if problem != "" {
			return bodyFailure(status, raw, cause, fmt.Sprintf("Resources[%d]: %s", i, problem)), Parsed{}
		}
		p.IDs = append(p.IDs, id)
	}
	if len(lr.Resources) > 1 {
		o := rowDuplicateTargets.outcomeFor(status, raw)
		o.Reason = fmt.Sprintf("%s: the filter returned %d resources.", o.Reason, len(lr.Resources))
		o.Cause = CauseMultipleMatches
		return o, p
	}
	return success(status), p
}

// checkResource returns the resource's id, or a problem Entra would fail
// on and its cause.
func checkResource(call Call, raw []byte) (id, problem, cause string) {
	var res resource
	if err := json.Unmarshal(raw, &res); err != nil {
		return "", "the body is not a SCIM resource: " + jsonProblem(err), CauseUnparseable
	}
	if len(res.ID) > 0 && string(res.ID) != "null" {
		if err := json.Unmarshal(res.ID, &id); err != nil {
			return "", "id is not a string", CauseUnparseable
		}
	}
	if call.membersExcluded() && hasElements(res.Members) {
		return id, "the group carries members although excludedAttributes=members was requested", CauseMembersReturned
	}
	if res.Enterprise != nil {
		m := bytes.TrimSpace(res.Enterprise.Manager)
		if len(m) > 0 {
			switch m[0] {
			case '"':
				return id, "the manager is a bare string; Entra reads manager.value (complex form)", CauseManagerString
			case '[':
				return id, "the manager is an array; Entra reads manager.value (complex form)", CauseManagerString
			}
		}
	}
	return id, "", ""
}

// hasElements reports whether raw is a non-empty JSON array (or any other
// non-null value, which is just as wrong).
func hasElements(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 || string(t) == "null" {
		return false
	}
	var arr []json.RawMessage
	if err := json.Unmarshal(t, &arr); err == nil {
		return len(arr) > 0
	}
	return true
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("invalid JSON at byte %d", se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Sprintf("%s has the wrong type (%s)", te.Field, te.Value)
		}
		return fmt.Sprintf("expected a JSON object, got %s", te.Value)
	}
	return err.Error()
}

// bodyFailure builds the outcome of a 2xx answer Entra cannot use: members
// despite excludedAttributes is MultipleEntriesInResponse (RESP-18),
// everything else ServiceIncompatible (RESP-17).
func bodyFailure(status int, body []byte, cause, problem string) Outcome {
	if cause == CauseMembersReturned {
		o := rowMultipleEntries.outcomeFor(status, body)
		o.Reason = o.Reason + ": " + problem + "."
		o.Cause = cause
		return o
	}
	return incompatible(status, body, cause, problem)
}

func incompatible(status int, body []byte, cause, problem string) Outcome {
	o := rowIncompatible.outcomeFor(status, body)
	o.Reason = o.Reason + ": " + problem + "."
	o.Cause = cause
	return o
}
