// Package journal records the authorised requests to an account in a
// bounded ring, readable through the admin API, so that tests can assert on
// exactly what a client sent and what it was answered.
//
// Only requests the server's token check marked authorised
// (tenant.Info.Authorized) are recorded; every other request to an existing
// account is only counted (Unauthenticated), and a request to an unknown
// account allocates nothing here. So no unauthenticated client can make the
// journal hold its bodies, grow, or push an account's entries out.
//
// Memory is bounded twice: each account keeps at most its capacity of
// entries (DefaultCapacity), and all accounts together at most MaxBytes
// (DefaultMaxBytes, 64 MiB): past it, the oldest entries across all
// accounts are dropped first. The size of an entry is counted as the bytes
// of its strings (the capacity of the buffers they share) plus a fixed
// overhead; the rings' slot arrays and the cross-account order count too.
//
// Headers are never recorded, so neither is the Authorization header; the
// request's bearer token and query parameters that carry secrets are
// blanked wherever they appear in a recorded path, query or body (also
// percent-encoded, or JSON-escaped inside a string).
package journal

import (
	"sync"
	"sync/atomic"
	"unsafe"

	"github.com/quantive/entra-scim-harness/reference-server/adminapi"
)

// DefaultCapacity is the ring size per account used when New gets 0 or less.
const DefaultCapacity = 1000

// DefaultBodyLimit caps each recorded request and response body.
const DefaultBodyLimit = 64 << 10

// DefaultMaxBytes bounds the memory of the kept entries of all accounts
// together (refserver --journal-max-bytes).
const DefaultMaxBytes = 64 << 20

// MaxAccounts bounds how many accounts get a ring; requests to further
// accounts are not recorded. Only existing accounts get one.
const MaxAccounts = 10000

// Entry is one recorded request and its answer, as the admin API shows it.
// It is the admin API's wire type (adminapi.JournalEntry documents the
// fields).
type Entry = adminapi.JournalEntry

// Stats describe the journal as a whole.
type Stats struct {
	// Accounts is the number of accounts with a ring.
	Accounts int `json:"accounts"`
	// Entries is the number of kept entries.
	Entries int `json:"entries"`
	// Bytes is the counted memory of the kept entries, rings and order.
	Bytes int64 `json:"bytes"`
	// MaxBytes is the bound on Bytes.
	MaxBytes int64 `json:"maxBytes"`
	// Evicted counts entries dropped to stay under MaxBytes.
	Evicted int64 `json:"evicted"`
	// Unauthenticated counts requests that were not recorded because they
	// carried no live token of their account, unknown accounts included.
	Unauthenticated int64 `json:"unauthenticated"`
}

// Journal keeps the recent requests of every account. It is safe for
// concurrent use.
type Journal struct {
	capacity  int
	bodyLimit int
	maxBytes  int64

	unauth atomic.Int64 // every request counted by countUnauthenticated

	mu    sync.Mutex
	rings map[string]*ring
	// order has a ref to every kept entry, oldest first across accounts,
	// from orderHead on; refs to entries already gone (ring capacity,
	// Clear) are skipped and dropped by compact.
	order     []ref
	orderHead int
	live      int   // kept entries
	bytes     int64 // entries' strings and overheads, slot arrays, rings; not order
	evicted   int64
}

// ref names one kept entry in order.
type ref struct {
	r   *ring
	seq int64
}

// slot is a kept entry and its counted size.
type slot struct {
	e    Entry
	size int64
}

// Fixed parts of the count.
const (
	slotSize     = int64(unsafe.Sizeof(slot{}))
	refSize      = int64(unsafe.Sizeof(ref{}))
	ringOverhead = int64(unsafe.Sizeof(ring{})) + 64 // and its map entry and key
)

// New returns a journal keeping at most capacity requests per account
// (DefaultCapacity when capacity <= 0), DefaultBodyLimit bytes per body and
// DefaultMaxBytes in all.
func New(capacity int) *Journal {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Journal{capacity: capacity, bodyLimit: DefaultBodyLimit, maxBytes: DefaultMaxBytes, rings: map[string]*ring{}}
}

// SetBodyLimit changes how many bytes of each body are kept (at least 1).
// Call it before serving.
func (j *Journal) SetBodyLimit(n int) {
	if n < 1 {
		n = 1
	}
	j.bodyLimit = n
}

// SetMaxBytes changes the bound on the memory of all kept entries
// (DefaultMaxBytes when n <= 0). Call it before serving.
func (j *Journal) SetMaxBytes(n int64) {
	if n <= 0 {
		n = DefaultMaxBytes
	}
	j.maxBytes = n
}

// ring is one account's entries, oldest first: buf[head], then on
// circularly for n slots. buf grows up to the capacity as entries come and
// shrinks when few are left.
type ring struct {
	buf     []slot
	head, n int
	lastSeq int64
	// unauth counts the account's requests that were not recorded
	// (no live token).
	unauth int64
}

// firstSeq is the seq of the oldest kept entry (lastSeq+1 when empty):
// the kept seqs are always lastSeq-n+1 … lastSeq.
func (r *ring) firstSeq() int64 { return r.lastSeq - int64(r.n) + 1 }

// ringLocked returns the account's ring, making it if create and there is
// room (nil otherwise).
func (j *Journal) ringLocked(account string, create bool) *ring {
	r := j.rings[account]
	if r == nil && create && len(j.rings) < MaxAccounts {
		r = &ring{}
		j.rings[account] = r
		j.bytes += ringOverhead + int64(len(account))
	}
	return r
}

// add stores e under the next sequence number, which it returns (0 when
// the account cannot get a ring: MaxAccounts reached). size is e's counted
// size without the slot.
func (j *Journal) add(account string, e Entry, size int64) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.ringLocked(account, true)
	if r == nil {
		return 0
	}
	if r.n == j.capacity {
		j.popLocked(r)
	}
	if r.n == len(r.buf) {
		j.resizeLocked(r, min(max(2*len(r.buf), 4), j.capacity))
	}
	r.lastSeq++
	e.Seq = r.lastSeq
	r.buf[(r.head+r.n)%len(r.buf)] = slot{e: e, size: size}
	r.n++
	j.live++
	j.bytes += size
	j.order = append(j.order, ref{r, e.Seq})
	if len(j.order)-j.orderHead > 2*j.live+64 || j.orderHead > len(j.order)/2+64 {
		j.compactLocked()
	}
	for j.live > 0 && j.bytes+int64(cap(j.order))*refSize > j.maxBytes {
		j.evictOldestLocked()
	}
	return e.Seq
}

// popLocked drops r's oldest entry.
func (j *Journal) popLocked(r *ring) {
	s := &r.buf[r.head]
	j.bytes -= s.size
	*s = slot{}
	r.head = (r.head + 1) % len(r.buf)
	r.n--
	j.live--
	switch {
	case r.n == 0:
		j.resizeLocked(r, 0)
	case len(r.buf) > 16 && r.n <= len(r.buf)/4:
		j.resizeLocked(r, len(r.buf)/2)
	}
}

// resizeLocked gives r a slot array of size slots (>= r.n), keeping its
// entries in order.
func (j *Journal) resizeLocked(r *ring, size int) {
	var buf []slot
	if size > 0 {
		buf = make([]slot, size)
		for i := range r.n {
			buf[i] = r.buf[(r.head+i)%len(r.buf)]
		}
	}
	j.bytes += int64(size-len(r.buf)) * slotSize
	r.buf, r.head = buf, 0
}

// evictOldestLocked drops the oldest kept entry across all accounts.
func (j *Journal) evictOldestLocked() {
	for j.orderHead < len(j.order) {
		x := j.order[j.orderHead]
		j.order[j.orderHead] = ref{}
		j.orderHead++
		if x.r.n > 0 && x.seq == x.r.firstSeq() {
			j.popLocked(x.r)
			j.evicted++
			return
		}
	}
}

// compactLocked drops the refs to entries that are gone and the consumed
// head of order, and gives back its memory when it is mostly empty.
func (j *Journal) compactLocked() {
	out := j.order[:0]
	for _, x := range j.order[j.orderHead:] {
		if x.r.n > 0 && x.seq >= x.r.firstSeq() {
			out = append(out, x)
		}
	}
	clear(j.order[len(out):])
	switch {
	case len(out) == 0:
		out = nil
	case cap(j.order) > 4*len(out)+256:
		out = append(make([]ref, 0, 2*len(out)+64), out...)
	}
	j.order, j.orderHead = out, 0
}

// countUnauthenticated counts a request that is not recorded: in the
// account's ring when the account exists (known), else only in the total.
func (j *Journal) countUnauthenticated(account string, known bool) {
	j.unauth.Add(1)
	if !known {
		return
	}
	j.mu.Lock()
	if r := j.ringLocked(account, true); r != nil {
		r.unauth++
	}
	j.mu.Unlock()
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
	for i := range r.n {
		if e := &r.buf[(r.head+i)%len(r.buf)].e; e.Seq > since {
			out = append(out, *e)
		}
	}
	return out
}

// Unauthenticated is how many requests to account were not recorded
// because they carried no live token of it.
func (j *Journal) Unauthenticated(account string) int64 {
	j.mu.Lock()
	defer j.mu.Unlock()
	if r := j.rings[account]; r != nil {
		return r.unauth
	}
	return 0
}

// Stats returns the journal's totals.
func (j *Journal) Stats() Stats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return Stats{Accounts: len(j.rings), Entries: j.live, Bytes: j.bytes + int64(cap(j.order))*refSize,
		MaxBytes: j.maxBytes, Evicted: j.evicted, Unauthenticated: j.unauth.Load()}
}

// Forget drops everything kept about the account, its ring included (a
// deleted account): an account of the same id starts again at seq 1.
func (j *Journal) Forget(account string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	r := j.rings[account]
	if r == nil {
		return
	}
	for r.n > 0 {
		j.popLocked(r)
	}
	delete(j.rings, account)
	j.bytes -= ringOverhead + int64(len(account))
	j.compactLocked() // its refs in order are stale now: let the ring go
}

// Clear forgets the account's entries; sequence numbers keep growing so
// that a reader's `since` stays meaningful.
func (j *Journal) Clear(account string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if r := j.rings[account]; r != nil {
		for r.n > 0 {
			j.popLocked(r)
		}
	}
}
