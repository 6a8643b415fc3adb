// Package journal records every request to an account in a bounded ring,
// readable through the admin API, so that tests can assert on exactly what
// a client sent and what it was answered.
//
// Headers are never recorded, so neither is the Authorization header; the
// request's bearer token and query parameters that carry secrets are
// blanked wherever they appear in a recorded query or body.
package journal

import (
	"sync"
	"time"
)

// DefaultCapacity is the ring size per account used when New gets 0 or less.
const DefaultCapacity = 1000

// DefaultBodyLimit caps each recorded request and response body.
const DefaultBodyLimit = 64 << 10

// MaxAccounts bounds how many accounts get a ring, so that requests to
// made-up account ids cannot grow memory without end; requests to further
// accounts are not recorded.
const MaxAccounts = 10000

// Entry is one recorded request and its answer, as the admin API shows it.
type Entry struct {
	// Seq numbers the account's requests from 1; it keeps growing across Clear.
	Seq int64 `json:"seq"`
	// Time is when the request arrived (UTC).
	Time time.Time `json:"time"`
	// Method is the HTTP method.
	Method string `json:"method"`
	// Path is the path below the tenant URL, e.g. "/Users/42".
	Path string `json:"path"`
	// Query is the raw query string as sent (secrets blanked).
	Query string `json:"query"`
	// RequestBody is the request body, up to the body limit.
	RequestBody string `json:"requestBody"`
	// RequestBodyTruncated is set when RequestBody was cut at the limit.
	RequestBodyTruncated bool `json:"requestBodyTruncated,omitempty"`
	// Status is the answered HTTP status; 0 when the connection was dropped
	// or the client went away before an answer.
	Status int `json:"status"`
	// ResponseBody is the response body, up to the body limit.
	ResponseBody string `json:"responseBody"`
	// ResponseBodyTruncated is set when ResponseBody was cut at the limit.
	ResponseBodyTruncated bool `json:"responseBodyTruncated,omitempty"`
	// DurationMs is the time from arrival to the end of the answer.
	DurationMs float64 `json:"durationMs"`
	// Fault names the fault rule that fired, if any.
	Fault string `json:"fault"`
}

// Journal keeps the recent requests of every account. It is safe for
// concurrent use.
type Journal struct {
	capacity  int
	bodyLimit int

	mu    sync.Mutex
	rings map[string]*ring
}

// New returns a journal keeping at most capacity requests per account
// (DefaultCapacity when capacity <= 0) and DefaultBodyLimit bytes per body.
func New(capacity int) *Journal {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Journal{capacity: capacity, bodyLimit: DefaultBodyLimit, rings: map[string]*ring{}}
}

// SetBodyLimit changes how many bytes of each body are kept (at least 1).
// Call it before serving.
func (j *Journal) SetBodyLimit(n int) {
	if n < 1 {
		n = 1
	}
	j.bodyLimit = n
}

// ring is one account's entries, oldest overwritten first.
type ring struct {
	entries []Entry // len <= capacity; entries[next] is the oldest once full
	next    int
	lastSeq int64
}

// add stores e under the next sequence number, which it returns (0 when
// the account cannot get a ring: MaxAccounts reached).
func (j *Journal) add(account string, e Entry) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.rings[account]
	if r == nil {
		if len(j.rings) >= MaxAccounts {
			return 0
		}
		r = &ring{entries: make([]Entry, 0, min(j.capacity, 16))}
		j.rings[account] = r
	}
	r.lastSeq++
	e.Seq = r.lastSeq
	if len(r.entries) < j.capacity {
		r.entries = append(r.entries, e)
	} else {
		r.entries[r.next] = e
		r.next = (r.next + 1) % j.capacity
	}
	return e.Seq
}

// Since returns the account's kept entries with seq > since, oldest first
// (never nil).
func (j *Journal) Since(account string, since int64) []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	out := []Entry{}
	r := j.rings[account]
	if r == nil {
		return out
	}
	n := len(r.entries)
	for i := range n {
		e := r.entries[(r.next+i)%n]
		if e.Seq > since {
			out = append(out, e)
		}
	}
	return out
}

// Clear forgets the account's entries; sequence numbers keep growing so
// that a reader's `since` stays meaningful.
func (j *Journal) Clear(account string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if r := j.rings[account]; r != nil {
		r.entries, r.next = r.entries[:0], 0
	}
}
