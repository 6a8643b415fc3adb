package server

import (
	"log/slog"
	"net/http"
	"time"
)

// Connection timeouts of the HTTP server (refserver flags of the same
// names; README "Limits and timeouts").
const (
	// DefaultReadHeaderTimeout bounds the arrival of a request's headers
	// (--read-header-timeout).
	DefaultReadHeaderTimeout = 10 * time.Second
	// DefaultReadBodyTimeout bounds the arrival of a request's body, from
	// when its headers are in (--read-body-timeout): a client that stalls
	// half-way through a body loses its connection after at most this.
	DefaultReadBodyTimeout = 30 * time.Second
	// DefaultWriteTimeout bounds a request from its headers to the end of
	// its answer (--write-timeout): the handler, an injected fault delay
	// included, and the write. It is longer than the 75 s stall of the
	// ERR-13 fault fixture.
	DefaultWriteTimeout = 120 * time.Second
	// DefaultIdleTimeout closes a keep-alive connection that has carried no
	// request for this long (--idle-timeout).
	DefaultIdleTimeout = 120 * time.Second
)

// Timeouts are the connection timeouts; a zero field takes its default.
type Timeouts struct {
	ReadHeader, ReadBody, Write, Idle time.Duration
}

// WithDefaults fills the zero fields with the defaults.
func (t Timeouts) WithDefaults() Timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadHeader, DefaultReadHeaderTimeout)
	def(&t.ReadBody, DefaultReadBodyTimeout)
	def(&t.Write, DefaultWriteTimeout)
	def(&t.Idle, DefaultIdleTimeout)
	return t
}

// NewHTTPServer is the http.Server of refserver and embedded: h behind the
// body deadline, with every connection timeout set (t, defaults for its
// zero fields) and net/http's own errors logged at warning level.
func NewHTTPServer(h http.Handler, t Timeouts, log *slog.Logger) *http.Server {
	t = t.WithDefaults()
	if log == nil {
		log = slog.Default()
	}
	return &http.Server{
		Handler:           bodyDeadline(h, t.ReadBody),
		ReadHeaderTimeout: t.ReadHeader,
		// ReadTimeout stays 0: it would count the headers' time against the
		// body; bodyDeadline bounds the body alone.
		WriteTimeout: t.Write,
		IdleTimeout:  t.Idle,
		ErrorLog:     slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// bodyDeadline gives a request that has a body d to deliver it: the
// connection's read deadline is set as the handler starts (net/http has
// cleared the header deadline), and net/http clears it again once the body
// has been read to its end, so that the connection is watched for a client
// that goes away while the handler runs. A body that does not arrive in
// time fails to read (the handler answers 400, and the connection is
// closed); one the handler did not read is discarded under the same
// deadline. A request without a body is left alone: net/http is already
// watching its connection, and a deadline would cancel its context.
func bodyDeadline(next http.Handler, d time.Duration) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(d))
		}
		next.ServeHTTP(w, r)
	})
}
