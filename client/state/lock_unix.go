//go:build unix

package state

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes the state file's lock with flock(2) on LockPath(path),
// without waiting: a lock held by another process is an *InUseError.
//
// The lock file is removed on release, while still locked. A process that
// opened it just before then locks a file no longer at the path, so after
// locking it checks that the path still names the file it locked, and
// starts again if not.
func lockFile(path string) (*fileLock, error) {
	lp := LockPath(path)
	for {
		f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o644)
		if err != nil {
			return nil, fmt.Errorf("lock state %s: %w", path, err)
		}
		if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			pid := readPID(f)
			f.Close()
			if errors.Is(err, syscall.EWOULDBLOCK) {
				return nil, &InUseError{Path: path, PID: pid}
			}
			return nil, fmt.Errorf("lock state %s: %w", path, err)
		}
		held, err1 := f.Stat()
		named, err2 := os.Stat(lp)
		if err1 != nil || err2 != nil || !os.SameFile(held, named) {
			f.Close() // released by a holder that removed it: try again
			continue
		}
		if err := writePID(f); err != nil {
			f.Close()
			return nil, fmt.Errorf("lock state %s: %w", path, err)
		}
		return &fileLock{f: f, path: lp}, nil
	}
}

// release removes the lock file and unlocks it (closing it unlocks).
func (l *fileLock) release() {
	_ = os.Remove(l.path)
	_ = l.f.Close()
}
