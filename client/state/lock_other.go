//go:build !unix && !windows

package state

// lockFile does not lock where the platform offers no advisory file lock
// (js/wasm, plan9): only one process should write a state file at a time.
func lockFile(path string) (*fileLock, error) { return &fileLock{path: LockPath(path)}, nil }

func (l *fileLock) release() {}
