package scim

import (
	"compress/gzip"
	"io"
	"net/http"
	"strings"

	"github.com/go-resty/resty/v2"
)

// readAnswer reads a raw answer's body the way resty does (gzip when the
// server says so, at most maxResponseBody bytes, resty.ErrResponseBodyTooLarge
// beyond) but into one buffer sized from Content-Length: resty's reader
// grows its slice from 512 bytes, several allocations per answer.
func readAnswer(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	body := io.Reader(resp.Body)
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") && resp.ContentLength != 0 {
		if _, ok := resp.Body.(*gzip.Reader); !ok {
			zr, err := gzip.NewReader(resp.Body)
			if err != nil {
				return nil, err
			}
			defer zr.Close()
			body = zr
		}
	}
	size := 512
	if cl := resp.ContentLength; cl >= 0 && cl < maxResponseBody && resp.Header.Get("Content-Encoding") == "" {
		size = int(cl) + 1 // +1 leaves room for the read that sees EOF
	}
	b := make([]byte, 0, size)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := body.Read(b[len(b):min(cap(b), maxResponseBody+1)])
		b = b[:len(b)+n]
		if len(b) > maxResponseBody {
			return nil, resty.ErrResponseBodyTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}
