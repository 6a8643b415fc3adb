package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Memory is the --db value for an ephemeral store.
const Memory = ":memory:"

// SQLite is the Store on an embedded SQLite database (modernc.org/sqlite,
// no cgo). A file database runs in WAL mode with synchronous=NORMAL: a
// commit is written to the WAL (in the OS page cache) before Update
// returns, so an acknowledged write survives a kill -9 of the process and
// a restart; only a power loss or OS crash can roll back the last commits
// (SQLite's WAL docs; the database stays consistent). FULL would add an
// fsync per commit, about half the cost of a create, for a guarantee the
// harness does not need (kill -9 test: cmd/refserver).
//
// Accounts and token hashes are mirrored in memory (this process is the only
// writer), because every request needs them.
type SQLite struct {
	db   *sql.DB
	lock *fileLock  // nil for Memory
	wmu  sync.Mutex // serialises writes: one writer at a time, in Go, never SQLITE_BUSY
	st   statements
	accountTable
}

var _ Store = (*SQLite)(nil)

const schemaSQL = `
CREATE TABLE IF NOT EXISTS accounts(
  id TEXT PRIMARY KEY, created INTEGER NOT NULL, settings TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tokens(
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL,
  hash BLOB NOT NULL, created INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS tokens_account ON tokens(account_id);
CREATE TABLE IF NOT EXISTS scim_users(
  seq INTEGER PRIMARY KEY, account_id TEXT NOT NULL, id TEXT NOT NULL,
  user_name TEXT NOT NULL, user_name_key TEXT NOT NULL, external_id TEXT NOT NULL,
  manager_id TEXT NOT NULL, department TEXT NOT NULL, display_name TEXT NOT NULL,
  work_email_key TEXT NOT NULL, active INTEGER NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS users_id ON scim_users(account_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS users_name ON scim_users(account_id, user_name_key);
CREATE INDEX IF NOT EXISTS users_external ON scim_users(account_id, external_id);
CREATE INDEX IF NOT EXISTS users_manager ON scim_users(account_id, manager_id);
CREATE INDEX IF NOT EXISTS users_department ON scim_users(account_id, department);
CREATE INDEX IF NOT EXISTS users_work_email ON scim_users(account_id, work_email_key);
CREATE TABLE IF NOT EXISTS scim_groups(
  seq INTEGER PRIMARY KEY, account_id TEXT NOT NULL, id TEXT NOT NULL, derived INTEGER NOT NULL,
  display_name TEXT NOT NULL, display_name_key TEXT NOT NULL, external_id TEXT NOT NULL,
  department TEXT NOT NULL, doc TEXT NOT NULL, version INTEGER NOT NULL,
  created INTEGER NOT NULL, modified INTEGER NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS groups_id ON scim_groups(account_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS groups_name ON scim_groups(account_id, derived, display_name_key);
CREATE INDEX IF NOT EXISTS groups_external ON scim_groups(account_id, derived, external_id);
CREATE INDEX IF NOT EXISTS groups_department ON scim_groups(account_id, derived, department);
CREATE TABLE IF NOT EXISTS scim_members(
  seq INTEGER PRIMARY KEY, account_id TEXT NOT NULL, group_id TEXT NOT NULL, user_id TEXT NOT NULL);
CREATE UNIQUE INDEX IF NOT EXISTS members_group ON scim_members(account_id, group_id, user_id);
CREATE INDEX IF NOT EXISTS members_user ON scim_members(account_id, user_id);
`

// Open opens (creating if needed) the database at path; path Memory gives
// an ephemeral store. A file database is locked for this store (an OS lock
// on "<path>.lock"; a second Open, here or in another process, fails with
// ErrLocked naming the holder's pid) and, when Open creates it, is created
// with mode 0600, which SQLite passes on to its -wal and -shm files.
func Open(ctx context.Context, path string) (*SQLite, error) {
	if path == "" {
		return nil, errors.New("open store: empty database path")
	}
	var dsn string
	var lock *fileLock
	conns := 2 * runtime.GOMAXPROCS(0)
	if path != Memory {
		l, err := lockDatabase(path)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		if err := createPrivate(path); err != nil {
			_ = l.release()
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		lock = l
	}
	if path == Memory {
		// Every connection to :memory: is a separate database: keep one.
		dsn, conns = Memory+"?_pragma=foreign_keys(on)", 1
	} else {
		dsn = path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
			"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(on)&_txlock=immediate"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		_ = lock.release()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
		db.Close()
		_ = lock.release()
		return nil, fmt.Errorf("open store %s: create schema: %w", path, err)
	}
	s := &SQLite{db: db, lock: lock, accountTable: newAccountTable()}
	if err := s.st.prepare(ctx, db); err != nil {
		db.Close()
		_ = lock.release()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	if err := s.loadAccounts(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// Close closes the database, then gives up its lock file.
func (s *SQLite) Close() error {
	s.st.close()
	err := s.db.Close()
	if lerr := s.lock.release(); err == nil && lerr != nil {
		err = lerr
	}
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// Update runs fn in one immediate transaction under the store's write lock.
func (s *SQLite) Update(ctx context.Context, fn func(tx Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer func() {
		// A panic in fn (a bug) must not leave the write transaction open:
		// every later write would wait for it forever.
		if p := recover(); p != nil {
			_ = sqlTx.Rollback()
			panic(p)
		}
	}()
	t := &tx{reader: reader{st: &s.st, tx: sqlTx}}
	if err := fn(t); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// reader methods on the store itself read outside any transaction.
func (s *SQLite) r() reader { return reader{st: &s.st} }

// User implements Reader.
func (s *SQLite) User(ctx context.Context, account, id string) (*User, error) {
	return s.r().User(ctx, account, id)
}

// UsersBy implements Reader.
func (s *SQLite) UsersBy(ctx context.Context, account string, f UserField, v string) ([]*User, error) {
	return s.r().UsersBy(ctx, account, f, v)
}

// Users implements Reader.
func (s *SQLite) Users(ctx context.Context, account string, p Page) ([]*User, int, error) {
	return s.r().Users(ctx, account, p)
}

// Group implements Reader.
func (s *SQLite) Group(ctx context.Context, account, id string, derived bool) (*Group, error) {
	return s.r().Group(ctx, account, id, derived)
}

// GroupsBy implements Reader.
func (s *SQLite) GroupsBy(ctx context.Context, account string, derived bool, f GroupField, v string) ([]*Group, error) {
	return s.r().GroupsBy(ctx, account, derived, f, v)
}

// Groups implements Reader.
func (s *SQLite) Groups(ctx context.Context, account string, derived bool, p Page) ([]*Group, int, error) {
	return s.r().Groups(ctx, account, derived, p)
}

// Members implements Reader.
func (s *SQLite) Members(ctx context.Context, account, groupID string) ([]Member, error) {
	return s.r().Members(ctx, account, groupID)
}

// GroupsOf implements Reader.
func (s *SQLite) GroupsOf(ctx context.Context, account, userID string, derived bool) ([]GroupRef, error) {
	return s.r().GroupsOf(ctx, account, userID, derived)
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// key is the case-insensitive form of a unique string attribute.
func key(s string) string { return strings.ToLower(s) }
