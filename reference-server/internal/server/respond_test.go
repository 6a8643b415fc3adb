package server

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// A genuine bug (panic) answers a logged SCIM 500, and the server lives on.
func TestRecovererAnswersSCIM500AndLogs(t *testing.T) {
	var logs bytes.Buffer
	h := recoverer(slog.New(slog.NewTextHandler(&logs, nil)), http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom")
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || rec.Header().Get("Content-Type") != ContentType ||
		!strings.Contains(rec.Body.String(), `"status":"500"`) || !strings.Contains(rec.Body.String(), "Error") {
		t.Fatalf("panic answer: %d %s", rec.Code, rec.Body.String())
	}
	if !strings.Contains(logs.String(), "boom") || !strings.Contains(logs.String(), "stack") {
		t.Fatalf("panic not logged: %s", logs.String())
	}
}
