package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strconv"

	"github.com/quantive/entra-scim-harness/protocol"
	"github.com/quantive/entra-scim-harness/reference-server/internal/journal"
	"github.com/quantive/entra-scim-harness/reference-server/internal/store"
)

// ContentType is the media type of every SCIM answer (ENTRA-REQ-16).
const ContentType = "application/scim+json"

// writeJSON answers status with body b (already JSON). b is handed over:
// the journal keeps it without a copy (journal.OwnedWriter), so it must
// never be modified afterwards; every caller renders a fresh b.
func writeJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", ContentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	if ow, ok := w.(journal.OwnedWriter); ok {
		_, _ = ow.WriteOwned(b)
		return
	}
	_, _ = w.Write(b)
}

// marshal encodes v without HTML escaping, so that "<" in a detail stays
// readable.
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// writeSCIMError answers a SCIM Error body (RFC 7644 §3.12, RFC-01).
func writeSCIMError(w http.ResponseWriter, e *protocol.Error) {
	if e.StatusCode() == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="SCIM"`)
	}
	b, _ := marshal(e) // flat struct of strings: cannot fail
	status := e.StatusCode()
	if status < 400 || status > 599 {
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, b)
}

// writeError maps err to a SCIM Error: *protocol.Error as it is, store
// errors to 404/409, anything else to a logged 500 (a genuine bug).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var pe *protocol.Error
	switch {
	case errors.As(err, &pe):
		if pe.StatusCode() == http.StatusNotImplemented || pe.StatusCode() >= 500 {
			s.log.Error("SCIM request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		}
		writeSCIMError(w, pe)
	case errors.Is(err, store.ErrNotFound):
		writeSCIMError(w, protocol.NewError(http.StatusNotFound, "", err.Error()))
	case errors.Is(err, store.ErrConflict):
		writeSCIMError(w, protocol.NewError(http.StatusConflict, protocol.ScimTypeUniqueness, err.Error()))
	default:
		s.log.Error("SCIM request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeSCIMError(w, protocol.NewError(http.StatusInternalServerError, "", "internal error; the server log has the details"))
	}
}

// recoverer turns a panic in a handler into a logged SCIM 500, so that a
// bug shows as an error body and the server stays up.
func recoverer(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as the net/http docs do
				panic(v)
			}
			log.Error("panic in handler", "method", r.Method, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			writeSCIMError(w, protocol.NewError(http.StatusInternalServerError, "", "internal error; the server log has the details"))
		}()
		next.ServeHTTP(w, r)
	})
}
