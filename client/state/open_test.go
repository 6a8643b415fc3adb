package state

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// foreignDB writes a SQLite database of another program at path: tables
// like the reference server's, and optionally an application id.
func foreignDB(t *testing.T, path string, appID int, wal bool) []byte {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	stmts := []string{`CREATE TABLE accounts (id TEXT PRIMARY KEY)`, `CREATE TABLE users (id TEXT PRIMARY KEY, body TEXT)`,
		`INSERT INTO accounts VALUES ('acme')`}
	if appID != 0 {
		stmts = append(stmts, `PRAGMA application_id = `+strconv.Itoa(appID))
	}
	if wal {
		stmts = append([]string{`PRAGMA journal_mode=WAL`}, stmts...)
	}
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// siblings lists the files beside path whose names start with its base.
func siblings(t *testing.T, path string) []string {
	t.Helper()
	m, _ := filepath.Glob(path + "*")
	var out []string
	for _, f := range m {
		out = append(out, filepath.Base(f))
	}
	return out
}

// TestForeignSQLiteFileIsRefusedUnwritten: a SQLite database that is not a
// state file (a refserver-like database, one with another application id)
// is refused by every way of opening, with a message saying what it is,
// and left byte for byte as it was, with no lock, WAL or journal file
// beside it.
func TestForeignSQLiteFileIsRefusedUnwritten(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		appID int
		wal   bool
		want  string
	}{
		{"refserver-like tables", 0, false, "is a SQLite database with the tables accounts, users, not an entrasim state file"},
		{"refserver-like tables, WAL", 0, true, "is a SQLite database with the tables accounts, users, not an entrasim state file"},
		{"another application id", 0x47504B47, false, "of another application (application_id 0x47504b47)"},
	}
	opens := map[string]func(context.Context, string) (*Store, error){
		"Open": Open, "OpenExclusive": OpenExclusive, "OpenReadOnly": OpenReadOnly,
	}
	for _, c := range cases {
		for name, open := range opens {
			t.Run(c.name+"/"+name, func(t *testing.T) {
				p := filepath.Join(t.TempDir(), "ref.db")
				before := foreignDB(t, p, c.appID, c.wal)
				s, err := open(ctx, p)
				if err == nil {
					s.Close()
					t.Fatal("opened")
				}
				if !errors.Is(err, ErrNotStateFile) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("error %q, want ErrNotStateFile and %q", err, c.want)
				}
				after, _ := os.ReadFile(p)
				if !bytes.Equal(before, after) {
					t.Fatal("the foreign database was written")
				}
				if got := siblings(t, p); len(got) != 1 {
					t.Fatalf("files beside it: %v", got)
				}
			})
		}
	}
}

// TestStateFileCarriesApplicationID: a new state file has entrasim's
// application id in its header; one written before the id existed (id 0,
// the state's tables) still opens, read-only without being written, and
// gets the id when opened for writing.
func TestStateFileCarriesApplicationID(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "s.db")
	s, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	j, _ := s.Job(ctx)
	j.Cycles = 3
	if err := s.SaveJob(ctx, j); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if id := headerAppID(t, p); id != ApplicationID {
		t.Fatalf("application_id %#x", id)
	}

	// An older state file: no application id.
	db, _ := sql.Open("sqlite", p)
	if _, err := db.Exec(`PRAGMA application_id = 0`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	before, _ := os.ReadFile(p)
	ro, err := OpenReadOnly(ctx, p)
	if err != nil {
		t.Fatalf("older state file refused: %v", err)
	}
	if j, err := ro.Job(ctx); err != nil || j.Cycles != 3 {
		t.Fatalf("job %+v, %v", j, err)
	}
	ro.Close()
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Fatal("OpenReadOnly wrote the file")
	}
	s, err = OpenExclusive(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if id := headerAppID(t, p); id != ApplicationID {
		t.Fatalf("application_id after a write %#x", id)
	}
}

func headerAppID(t *testing.T, p string) uint32 {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil || len(b) < 72 {
		t.Fatalf("read %s: %v", p, err)
	}
	return binary.BigEndian.Uint32(b[68:72])
}

// TestOpenReadOnly: a missing file is ErrNoStateFile and nothing is
// created; an empty file is not a state; the store reads but cannot write.
func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing.db")
	if _, err := OpenReadOnly(ctx, missing); !errors.Is(err, ErrNoStateFile) || !strings.Contains(err.Error(), missing) {
		t.Fatalf("missing: %v", err)
	}
	if got := siblings(t, missing); len(got) != 0 {
		t.Fatalf("created %v", got)
	}
	empty := filepath.Join(dir, "empty.db")
	_ = os.WriteFile(empty, nil, 0o644)
	if _, err := OpenReadOnly(ctx, empty); !errors.Is(err, ErrNotStateFile) {
		t.Fatalf("empty: %v", err)
	}

	p := filepath.Join(dir, "s.db")
	s, err := Open(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := OpenReadOnly(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if !ro.ReadOnly() {
		t.Fatal("ReadOnly false")
	}
	j, err := ro.Job(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := ro.SaveJob(ctx, j); err == nil {
		t.Fatal("a read-only store wrote")
	}
}

// TestOpenExclusiveLock: a second OpenExclusive of the same file is
// refused at once with the holder's pid; the lock file goes with the
// lock, and a lock file nobody holds (left by a process that died) does
// not block.
func TestOpenExclusiveLock(t *testing.T) {
	ctx := context.Background()
	p := filepath.Join(t.TempDir(), "s.db")
	s, err := OpenExclusive(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(LockPath(p)); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q", b)
	}
	_, err = OpenExclusive(ctx, p)
	var inUse *InUseError
	if !errors.As(err, &inUse) || !errors.Is(err, ErrInUse) || inUse.PID != os.Getpid() ||
		err.Error() != "state file "+p+" in use by pid "+strconv.Itoa(os.Getpid()) {
		t.Fatalf("second open: %v", err)
	}
	// Readers are not kept out.
	ro, err := OpenReadOnly(ctx, p)
	if err != nil {
		t.Fatalf("read while locked: %v", err)
	}
	ro.Close()
	s.Close()
	if _, err := os.Stat(LockPath(p)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("lock file after release: %v", err)
	}

	// A stale lock file: a pid, no lock.
	if err := os.WriteFile(LockPath(p), []byte("999999999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = OpenExclusive(ctx, p)
	if err != nil {
		t.Fatalf("stale lock file blocked: %v", err)
	}
	if b, _ := os.ReadFile(LockPath(p)); strings.TrimSpace(string(b)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q", b)
	}
	s.Close()
}
