package faults

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// maxPlanBytes bounds a PUT body; real plans are a few KiB.
const maxPlanBytes = 1 << 20

// Admin serves GET, PUT and DELETE /admin/accounts/{id}/faults; the router
// has authenticated the admin and set the {id} path value.
//
//   - PUT takes a PlanFile ({"rules":[...]} plus optional spec, errorCode,
//     description), replaces the plan (hit counts restart) and answers it
//     like GET. A bad plan gets 400 {"error","rule","field"} and changes
//     nothing.
//   - GET answers {"rules":[{...rule, "hits":N}]}.
//   - DELETE clears the plan: 204.
func (e *Engine) Admin() http.Handler {
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

func (e *Engine) put(w http.ResponseWriter, r *http.Request, account string) {
	pf, err := decodePlan(io.LimitReader(r.Body, maxPlanBytes))
	if err == nil {
		err = e.SetPlan(account, pf.Meta, pf.Rules)
	}
	if err != nil {
		var ve *ValidationError
		if errors.As(err, &ve) {
			writeJSON(w, http.StatusBadRequest, adminError{Error: "invalid plan: " + ve.Error(), Rule: &ve.Rule, Field: ve.Field})
			return
		}
		writeJSON(w, http.StatusBadRequest, adminError{Error: "invalid plan: " + err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, e.Plan(account))
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
type adminError struct {
	Error string `json:"error"`
	Rule  *int   `json:"rule,omitempty"`
	Field string `json:"field,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
