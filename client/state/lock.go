package state

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ErrInUse is wrapped by the *InUseError of OpenExclusive.
var ErrInUse = errors.New("state file in use")

// InUseError says that another process holds the state file's lock.
type InUseError struct {
	// Path is the state file.
	Path string
	// PID is the holder's process id, 0 when it could not be read.
	PID int
}

// Error implements error: "state file <path> in use by pid N".
func (e *InUseError) Error() string {
	if e.PID <= 0 {
		return fmt.Sprintf("state file %s in use by another process", e.Path)
	}
	return fmt.Sprintf("state file %s in use by pid %d", e.Path, e.PID)
}

// Is makes errors.Is(err, ErrInUse) true.
func (e *InUseError) Is(target error) bool { return target == ErrInUse }

// LockPath is the lock file of the state file at path: path + ".lock". It
// holds the pid of the process that has the lock; the lock itself is the
// operating system's advisory lock on the file, which ends with the
// process, so a lock file left by a process that died does not block.
func LockPath(path string) string { return path + ".lock" }

// fileLock is a held lock.
type fileLock struct {
	f    *os.File
	path string
}

// readPID reads the pid written into a lock file, 0 if none.
func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil {
		return 0
	}
	return pid
}

// writePID records this process as the holder.
func writePID(f *os.File) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	_, err := f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return err
}
