//go:build windows

package state

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/windows"
)

// lockFile takes the state file's lock with LockFileEx on LockPath(path),
// without waiting: a lock held by another process is an *InUseError. The
// lock file stays after release (an open file cannot be removed here); a
// file nobody has locked does not block.
func lockFile(path string) (*fileLock, error) {
	lp := LockPath(path)
	f, err := os.OpenFile(lp, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock state %s: %w", path, err)
	}
	err = windows.LockFileEx(windows.Handle(f.Fd()), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, lockedByte())
	if err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, &InUseError{Path: path, PID: pidOf(lp)}
		}
		return nil, fmt.Errorf("lock state %s: %w", path, err)
	}
	if err := writePID(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock state %s: %w", path, err)
	}
	return &fileLock{f: f, path: lp}, nil
}

// lockedByte is the byte locked: at 4 GiB, far past the pid, so that
// another process can read the pid (Windows locks are mandatory).
func lockedByte() *windows.Overlapped { return &windows.Overlapped{OffsetHigh: 1} }

// pidOf reads the holder's pid.
func pidOf(lp string) int {
	f, err := os.Open(lp)
	if err != nil {
		return 0
	}
	defer f.Close()
	return readPID(f)
}

// release unlocks and closes the lock file.
func (l *fileLock) release() {
	_ = windows.UnlockFileEx(windows.Handle(l.f.Fd()), 0, 1, 0, lockedByte())
	_ = l.f.Close()
}
