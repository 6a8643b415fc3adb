//go:build !unix

package store

import (
	"errors"
	"os"
)

var errWouldBlock = errors.New("would block")

// flockExclusive: no OS lock on this platform; refserver targets Linux
// (Dockerfile) and other Unix systems.
func flockExclusive(*os.File) error { return nil }
