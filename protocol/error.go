package protocol

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// scimType values (RFC 7644 §3.12, spec RFC-02).
const (
	ScimTypeInvalidFilter = "invalidFilter"
	ScimTypeTooMany       = "tooMany"
	ScimTypeUniqueness    = "uniqueness"
	ScimTypeMutability    = "mutability"
	ScimTypeInvalidSyntax = "invalidSyntax"
	ScimTypeInvalidPath   = "invalidPath"
	ScimTypeNoTarget      = "noTarget"
	ScimTypeInvalidValue  = "invalidValue"
	ScimTypeInvalidVers   = "invalidVers"
	ScimTypeSensitive     = "sensitive"
)

// Error is the SCIM Error body (RFC 7644 §3.12, spec RFC-01). Status is the
// HTTP status as a string on the wire; when reading another endpoint's answer
// a numeric status is tolerated too.
type Error struct {
	Schemas  []string `json:"schemas"`
	ScimType string   `json:"scimType,omitempty"`
	Detail   string   `json:"detail,omitempty"`
	Status   string   `json:"status"`
}

// NewError builds an Error body for an HTTP status.
func NewError(status int, scimType, detail string) *Error {
	return &Error{
		Schemas:  []string{ErrorSchema},
		ScimType: scimType,
		Detail:   detail,
		Status:   strconv.Itoa(status),
	}
}

// Errorf builds an Error body with a formatted detail.
func Errorf(status int, scimType, format string, args ...any) *Error {
	return NewError(status, scimType, fmt.Sprintf(format, args...))
}

// Error implements error.
func (e *Error) Error() string {
	if e.ScimType != "" {
		return fmt.Sprintf("scim error %s (%s): %s", e.Status, e.ScimType, e.Detail)
	}
	return fmt.Sprintf("scim error %s: %s", e.Status, e.Detail)
}

// StatusCode returns the numeric status, or 0 when it is not a number.
func (e *Error) StatusCode() int {
	n, err := strconv.Atoi(e.Status)
	if err != nil {
		return 0
	}
	return n
}

// UnmarshalJSON accepts status as a string (RFC) or a number (seen in the field).
func (e *Error) UnmarshalJSON(b []byte) error {
	var raw struct {
		Schemas  []string        `json:"schemas"`
		ScimType string          `json:"scimType"`
		Detail   string          `json:"detail"`
		Status   json.RawMessage `json:"status"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	e.Schemas, e.ScimType, e.Detail = raw.Schemas, raw.ScimType, raw.Detail
	e.Status = ""
	if len(raw.Status) > 0 && string(raw.Status) != "null" {
		var s string
		if err := json.Unmarshal(raw.Status, &s); err == nil {
			e.Status = s
		} else {
			var n json.Number
			if err := json.Unmarshal(raw.Status, &n); err != nil {
				return fmt.Errorf("scim error status: %w", err)
			}
			e.Status = n.String()
		}
	}
	return nil
}
