package directory

import (
	"fmt"
	"strings"
)

// FieldError is one problem in a directory file, located precisely.
type FieldError struct {
	File   string
	Line   int
	Column int
	// Record names the object in a Microsoft Graph export (its place in
	// the file and its id, e.g. `value[3] (id "6e7b…")`); empty for the
	// YAML format, whose Field is a full path.
	Record string
	Field  string // e.g. "users[3].manager", or "manager.id" within Record
	Msg    string
}

// Error formats as "file:line:col: field: message", or with a Record as
// "file:line:col: record: field: message".
func (e *FieldError) Error() string {
	if e.Record != "" {
		return fmt.Sprintf("%s:%d:%d: %s: %s: %s", e.File, e.Line, e.Column, e.Record, e.Field, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s: %s", e.File, e.Line, e.Column, e.Field, e.Msg)
}

// LoadError collects every problem found in a directory file, in file order.
type LoadError struct {
	Errs []*FieldError
}

// Error lists each problem on its own line.
func (e *LoadError) Error() string {
	lines := make([]string, len(e.Errs))
	for i, fe := range e.Errs {
		lines[i] = fe.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes the individual problems to errors.As / errors.Is.
func (e *LoadError) Unwrap() []error {
	out := make([]error, len(e.Errs))
	for i, fe := range e.Errs {
		out[i] = fe
	}
	return out
}
