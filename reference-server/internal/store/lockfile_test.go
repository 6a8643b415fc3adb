package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A database file is held by one store at a time: a second open, by any
// entry point, fails with ErrLocked naming the file and the holder's pid,
// and succeeds again once the first store is closed.
func TestSecondOpenOfADatabaseFileFails(t *testing.T) {
	ctx := context.Background()
	opens := []struct {
		name string
		open func(string) (Store, error)
	}{
		{"Open", func(p string) (Store, error) { return Open(ctx, p) }},
		{"OpenCached", func(p string) (Store, error) { return OpenCached(ctx, p) }},
		{"OpenDefault", func(p string) (Store, error) { return OpenDefault(ctx, p) }},
	}
	for _, first := range opens {
		for _, second := range opens {
			t.Run(first.name+"/"+second.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "ref.db")
				a, err := first.open(path)
				if err != nil {
					t.Fatal(err)
				}
				_, err = second.open(path)
				if !errors.Is(err, ErrLocked) {
					a.Close()
					t.Fatalf("second open: %v, want ErrLocked", err)
				}
				for _, want := range []string{path, "process " + strconv.Itoa(os.Getpid()), path + LockSuffix} {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("message %q does not name %q", err, want)
					}
				}
				if err := a.Close(); err != nil {
					t.Fatal(err)
				}
				b, err := second.open(path)
				if err != nil {
					t.Fatalf("open after close: %v", err)
				}
				b.Close()
			})
		}
	}
	// Memory stores share nothing and lock nothing.
	m1, err1 := Open(ctx, Memory)
	m2, err2 := Open(ctx, Memory)
	if err1 != nil || err2 != nil {
		t.Fatalf("two memory stores: %v, %v", err1, err2)
	}
	m1.Close()
	m2.Close()
}

// A database file Open creates, its -wal and -shm files and the lock file
// are readable and writable by the owner only, whatever the umask allows;
// an existing file keeps its mode.
func TestDatabaseFilesAre0600(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "ref.db")
	s, err := OpenCached(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateAccount(ctx, "acme"); err != nil { // a write, so that the WAL has content
		t.Fatal(err)
	}
	for _, f := range []string{path, path + "-wal", path + "-shm", path + LockSuffix} {
		fi, err := os.Stat(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if m := fi.Mode().Perm(); m != 0o600 {
			t.Errorf("%s has mode %v, want -rw-------", filepath.Base(f), m)
		}
	}
	s.Close()

	existing := filepath.Join(dir, "old.db")
	if err := os.WriteFile(existing, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o640); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(ctx, existing)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if fi, _ := os.Stat(existing); fi.Mode().Perm() != 0o640 {
		t.Errorf("existing file's mode changed to %v", fi.Mode().Perm())
	}
}
