package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrLocked means another process (or another Open in this one) holds the
// database file.
var ErrLocked = errors.New("database is in use")

// LockSuffix names the lock file beside a database file: "<db>.lock".
const LockSuffix = ".lock"

// fileLock is an exclusive OS lock (flock) on "<db>.lock" for as long as a
// store has the database open, so that a second refserver on the same file
// stops at start instead of interleaving its writes and its in-memory
// mirror with ours. The file holds the holder's pid, for the message the
// next one gets. It is left in place on close: removing it would let two
// later processes lock two different files of the same name.
type fileLock struct {
	f    *os.File
	path string
}

// lockDatabase takes the lock of the database file db, or fails with
// ErrLocked naming the file and, when it can be read, the holder's pid.
func lockDatabase(db string) (*fileLock, error) {
	path := db + LockSuffix
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	if err := flockExclusive(f); err != nil {
		holder := "another process"
		if b, rerr := os.ReadFile(path); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil && pid > 0 {
				holder = "process " + strconv.Itoa(pid)
				if pid == os.Getpid() {
					holder += " (this one: the database is already open here)"
				}
			}
		}
		f.Close()
		if errors.Is(err, errWouldBlock) {
			return nil, fmt.Errorf("%w: database file %s is held by %s (lock file %s); stop that refserver or use another --db",
				ErrLocked, db, holder, path)
		}
		return nil, fmt.Errorf("lock file %s: %w", path, err)
	}
	// Ours now: record our pid for whoever comes next.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &fileLock{f: f, path: path}, nil
}

// release gives the lock up (closing the file releases the flock).
func (l *fileLock) release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close()
	l.f = nil
	return err
}

// createPrivate creates the database file with mode 0600 when it does not
// exist yet, before SQLite opens it: SQLite gives its -wal and -shm files
// the database file's mode, so all three stay readable by the owner only.
// An existing file keeps its mode.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	return f.Close()
}
