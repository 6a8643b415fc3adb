package journal

import (
	"bytes"
	"io"
	"net/http"
	"time"
	"unsafe"

	"github.com/quantive/entra-scim-harness/reference-server/internal/httpbody"
	"github.com/quantive/entra-scim-harness/reference-server/internal/tenant"
)

// Middleware records the request and its answer; it wraps the fault
// injector so that the fault that fired is recorded too. Requests outside a
// tenant route (no tenant.Info) pass unrecorded; requests the token check
// did not mark authorised are only counted, without reading anything of
// them.
func (j *Journal) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := tenant.From(r.Context())
		if info == nil {
			next.ServeHTTP(w, r)
			return
		}
		if !info.Authorized {
			j.countUnauthenticated(info.AccountID, info.AccountKnown)
			next.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		reqBody, reqCap, reqCut := j.captureRequest(r)
		cw := &captureWriter{ResponseWriter: w, limit: j.bodyLimit}
		// Deferred so that an aborted handler (a dropped connection) is
		// recorded too before the panic goes on up.
		defer func() {
			red := newRedactor(r)
			e := Entry{
				Time:                  start.UTC(),
				Method:                r.Method,
				Path:                  red.text(info.Path),
				Query:                 red.query(r.URL.RawQuery),
				RequestBody:           red.body(reqBody),
				RequestBodyTruncated:  reqCut,
				Status:                cw.status,
				ResponseBody:          red.body(cw.text()),
				ResponseBodyTruncated: cw.cut,
				DurationMs:            float64(time.Since(start).Microseconds()) / 1000,
				Fault:                 info.Fault,
			}
			size := int64(len(e.Method)+len(e.Path)+len(e.Query)+len(e.Fault)) +
				held(reqBody, reqCap, e.RequestBody) + held(cw.first, cw.firstCap, e.ResponseBody)
			j.add(info.AccountID, e, size)
		}()
		next.ServeHTTP(cw, r)
	})
}

// held is how many bytes kept holds: all of orig's buffer (of capacity
// origCap) when kept still points into it, else its own length.
func held(orig string, origCap int, kept string) int64 {
	if len(kept) > 0 && len(orig) > 0 && unsafe.StringData(kept) == unsafe.StringData(orig) {
		return int64(max(origCap, len(kept)))
	}
	return int64(len(kept))
}

// captureRequest keeps up to the body limit of the request body and puts
// the body back, whole, for the handler. It returns the kept part, the
// capacity of the buffer that holds it, and whether it was cut.
func (j *Journal) captureRequest(r *http.Request) (string, int, bool) {
	if r.Body == nil || r.Body == http.NoBody {
		return "", 0, false
	}
	head, err := httpbody.Read(io.LimitReader(r.Body, int64(j.bodyLimit)+1), r.ContentLength, int64(j.bodyLimit)+1)
	cut := len(head) > j.bodyLimit
	switch {
	case err != nil:
		r.Body = readCloser{io.MultiReader(bytes.NewReader(head), errReader{err}), r.Body}
	case cut:
		r.Body = readCloser{io.MultiReader(bytes.NewReader(head), r.Body), r.Body}
	default:
		// The whole body is in head (the limit was not reached, so the
		// body said EOF): nothing is left to chain, and the handler may
		// take head itself (CapturedBody).
		r.Body = &capturedBody{Reader: bytes.NewReader(head), Closer: r.Body, b: head}
	}
	if cut {
		head = head[:j.bodyLimit]
	}
	// head is never written again (the handler reads it, or a copy), so
	// the entry can share its bytes instead of copying them.
	return unsafeString(head), cap(head), cut
}

// unsafeString is b as a string without a copy; b must never be modified
// afterwards.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// CapturedBody is implemented by a request body the journal read whole:
// Bytes returns it without a copy (ok false once anything was read through
// the body), so that the handler need not read it again. The bytes are
// shared with the journal entry and must not be modified.
type CapturedBody interface {
	Bytes() (b []byte, ok bool)
}

type capturedBody struct {
	*bytes.Reader
	io.Closer
	b []byte
}

func (c *capturedBody) Bytes() ([]byte, bool) {
	if c.Reader.Len() != len(c.b) {
		return nil, false
	}
	return c.b, true
}

type readCloser struct {
	io.Reader
	io.Closer
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// OwnedWriter is implemented by the journal's response writer: WriteOwned
// is Write for a body that the caller hands over and never modifies
// afterwards, which the journal then keeps without copying it.
type OwnedWriter interface {
	WriteOwned(p []byte) (int, error)
}

// captureWriter passes the answer through and keeps its status and the
// first limit bytes of its body. Unwrap lets http.ResponseController reach
// the connection (Hijack for dropped connections, Flush).
type captureWriter struct {
	http.ResponseWriter
	limit  int
	status int
	// first is the kept part of the first Write (usually the whole answer,
	// copied once); rest the kept part of later Writes. firstCap is the
	// size of the buffer first points into.
	first    string
	firstCap int
	rest     []byte
	kept     int
	cut      bool
}

// text is the kept body.
func (c *captureWriter) text() string {
	if len(c.rest) == 0 {
		return c.first
	}
	return c.first + string(c.rest)
}

func (c *captureWriter) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *captureWriter) Write(p []byte) (int, error) { return c.write(p, false) }

// WriteOwned is Write for a body the caller never modifies again.
func (c *captureWriter) WriteOwned(p []byte) (int, error) { return c.write(p, true) }

func (c *captureWriter) write(p []byte, owned bool) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	if room := c.limit - c.kept; room > 0 {
		n := min(room, len(p))
		if c.kept == 0 {
			if owned {
				c.first, c.firstCap = unsafeString(p[:n]), cap(p)
			} else {
				c.first, c.firstCap = string(p[:n]), n
			}
		} else {
			c.rest = append(c.rest, p[:n]...)
		}
		c.kept += n
		if len(p) > room {
			c.cut = true
		}
	} else if len(p) > 0 {
		c.cut = true
	}
	return c.ResponseWriter.Write(p)
}

// Unwrap exposes the wrapped writer to http.ResponseController.
func (c *captureWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// Flush keeps streaming handlers working behind the journal.
func (c *captureWriter) Flush() {
	_ = http.NewResponseController(c.ResponseWriter).Flush()
}
