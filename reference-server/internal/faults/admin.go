package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/quantive/entra-scim-harness/fixtures"
	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// maxPlanBytes bounds a PUT body; real plans are a few KiB.
const maxPlanBytes = 1 << 20

// Admin serves GET, PUT and DELETE /admin/accounts/{id}/faults; the router
// has authenticated the admin and set the {id} path value.
//
//   - PUT takes a PlanFile ({"rules":[...]} plus optional spec, errorCode,
//     description) as JSON or as YAML, the catalogue's format (see
//     decodeBody), or, with ?plan=NAME and no body, the catalogue plan
//     fixtures/faults/NAME.yaml (404 listing the known names for another
//     name). It replaces the plan (hit counts restart) and answers it like
//     GET. A bad plan gets 400 {"error","rule","field"} and changes
//     nothing.
//   - GET answers {"rules":[{...rule, "hits":N}]}.
//   - DELETE clears the plan: 204.
func (e *Injector) Admin() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		account := r.PathValue("id")
		if account == "" {
			writeJSON(w, http.StatusBadRequest, adminError{Error: "missing account id in path"})
			return
		}
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, e.Plan(account))
		case http.MethodPut:
			e.put(w, r, account)
		case http.MethodDelete:
			e.Clear(account)
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, PUT, DELETE")
			writeJSON(w, http.StatusMethodNotAllowed, adminError{Error: "method " + r.Method + " not allowed"})
		}
	})
}

func (e *Injector) put(w http.ResponseWriter, r *http.Request, account string) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxPlanBytes+1))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, adminError{Error: "read body: " + err.Error()})
		return
	}
	if len(body) > maxPlanBytes {
		writeJSON(w, http.StatusRequestEntityTooLarge, adminError{Error: fmt.Sprintf("plan larger than %d bytes", maxPlanBytes)})
		return
	}
	var pf *PlanFile
	if names, ok := r.URL.Query()["plan"]; ok {
		if len(bytes.TrimSpace(body)) > 0 {
			writeJSON(w, http.StatusBadRequest, adminError{Error: "send either ?plan=NAME or a plan in the body, not both"})
			return
		}
		var known []string
		if pf, known, err = cataloguePlan(names[0]); err != nil {
			writeJSON(w, http.StatusInternalServerError, adminError{Error: err.Error()})
			return
		}
		if pf == nil {
			writeJSON(w, http.StatusNotFound, adminError{Error: fmt.Sprintf("no fault plan %q in the catalogue (fixtures/faults); known: %s",
				names[0], strings.Join(known, ", ")), Known: known})
			return
		}
	} else if pf, err = decodeBody(r.Header.Get("Content-Type"), body); err != nil {
		writeInvalidPlan(w, err)
		return
	}
	err = e.SetPlan(account, pf.Meta, pf.Rules)
	if err != nil {
		writeInvalidPlan(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e.Plan(account))
}

// decodeBody decodes a PUT body as JSON or YAML: JSON when the
// Content-Type says so (application/json or any +json type), YAML when it
// says so (application/yaml, application/x-yaml, text/yaml, text/x-yaml,
// +yaml), and otherwise (none, text/plain, …) JSON when the body is valid
// JSON, else YAML. Both are read as strictly as a JSON plan: unknown
// fields and type errors are errors, with the rule's index.
func decodeBody(contentType string, body []byte) (*PlanFile, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, errors.New("empty body: send a plan as JSON or YAML, or PUT ?plan=NAME for a catalogue plan")
	}
	isYAML := !json.Valid(body)
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			isYAML = false
		case mt == "application/yaml" || mt == "application/x-yaml" || mt == "text/yaml" ||
			mt == "text/x-yaml" || strings.HasSuffix(mt, "+yaml"):
			isYAML = true
		}
	}
	if isYAML {
		js, err := yamlToJSON(body)
		if err != nil {
			return nil, fmt.Errorf("YAML body: %w", err)
		}
		body = js
	}
	return decodePlan(bytes.NewReader(body))
}

// cataloguePlan returns the catalogue plan called name, or nil and the
// known names when there is none.
func cataloguePlan(name string) (*PlanFile, []string, error) {
	plans, err := fixtures.FaultPlans()
	if err != nil {
		return nil, nil, err
	}
	known := make([]string, 0, len(plans))
	for _, p := range plans {
		if p.Name == name {
			pf, err := decodePlan(bytes.NewReader(p.JSON))
			if err != nil {
				return nil, nil, fmt.Errorf("catalogue plan %s: %w", name, err)
			}
			return pf, nil, nil
		}
		known = append(known, p.Name)
	}
	return nil, known, nil
}

// decodePlan reads a PlanFile strictly, rule by rule, so that a type error or
// an unknown field inside a rule is reported with the rule's index.
func decodePlan(body io.Reader) (*PlanFile, error) {
	var raw struct {
		Meta
		Rules []json.RawMessage `json:"rules"`
	}
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return nil, fmt.Errorf("body: %w", err)
	}
	pf := &PlanFile{Meta: raw.Meta, Rules: make([]Rule, len(raw.Rules))}
	for i, rr := range raw.Rules {
		d := json.NewDecoder(bytes.NewReader(rr))
		d.DisallowUnknownFields()
		if err := d.Decode(&pf.Rules[i]); err != nil {
			return nil, ruleDecodeError(i, err)
		}
	}
	return pf, nil
}

// ruleDecodeError names the field encoding/json complained about.
func ruleDecodeError(i int, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &ValidationError{Rule: i, Field: te.Field, Reason: fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)}
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		return &ValidationError{Rule: i, Field: strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`), Reason: "unknown field"}
	}
	return &ValidationError{Rule: i, Field: "", Reason: err.Error()}
}

// adminError is the admin API's error body.
type adminError = adminapi.Error

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeInvalidPlan answers 400 for a plan that does not decode or validate,
// naming the rule and field when the error says which.
func writeInvalidPlan(w http.ResponseWriter, err error) {
	var ve *ValidationError
	if errors.As(err, &ve) {
		writeJSON(w, http.StatusBadRequest, adminError{Error: "invalid plan: " + ve.Error(), Rule: &ve.Rule, Field: ve.Field})
		return
	}
	writeJSON(w, http.StatusBadRequest, adminError{Error: "invalid plan: " + err.Error()})
}
