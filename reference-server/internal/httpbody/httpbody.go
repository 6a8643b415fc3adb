// Package httpbody reads HTTP bodies into one buffer sized from their
// declared length, for the router and the journal, which both hold whole
// bodies: a typical body then costs one allocation instead of io.ReadAll's
// doubling from 512 bytes.
package httpbody

import "io"

// Read reads r to EOF. declared is the Content-Length (-1 when unknown);
// it sizes the buffer only when below max, so a lying header cannot make
// the reader allocate more than max up front.
func Read(r io.Reader, declared int64, max int64) ([]byte, error) {
	size := 512
	if declared >= 0 && declared < max {
		size = int(declared) + 1 // +1 leaves room for the read that sees EOF
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
