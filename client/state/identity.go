package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
)

// ApplicationID is the SQLite application_id (the database header's bytes
// 68-71) of an entrasim state file: "ESIM". Open stamps it; files written
// before it was stamped are recognised by their tables.
const ApplicationID = 0x4553494D

// ErrNotStateFile is returned for a file that exists but is not an
// entrasim state file: not a SQLite database, a database of another
// program (a refserver database, say), or, for OpenReadOnly, an empty one.
// Such a file is never written into.
var ErrNotStateFile = errors.New("not an entrasim state file")

// ErrNoStateFile is returned by OpenReadOnly for a state file that does
// not exist.
var ErrNoStateFile = errors.New("no such state file")

// stateTables are the tables of the schema; a file without an application
// id that has meta (with the schema version), objects and logs is a state
// file written before the id was stamped.
var stateTables = []string{"cycles", "escrows", "logs", "meta", "objects"}

type fileKind int

const (
	kindState         fileKind = iota
	kindEmptyDatabase          // a SQLite database without tables
)

// identify tells whether the existing, non-empty file at path is an
// entrasim state file, reading it only (a read-only connection): its
// application id is ours, or it is zero and the file has the state's
// tables, or it has no tables at all (an empty database, which a state
// may be created in). Anything else is ErrNotStateFile, with what the
// file is instead.
func identify(ctx context.Context, path string) (fileKind, error) {
	if err := checkHeader(path); err != nil {
		return 0, err
	}
	// Without a write-ahead log the main file holds everything, and an
	// immutable connection reads it without creating -wal or -shm files
	// beside a database that is not ours. With one, the database may be in
	// use: a read-only connection reads the log too.
	dsn := sqliteDSN(path, true)
	if !nonEmpty(path + "-wal") {
		dsn += "&immutable=1"
	}
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return 0, fmt.Errorf("open state %s: %w", path, err)
	}
	defer db.Close()
	var id int64
	if err := db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		return 0, fmt.Errorf("%s: %w (%v)", path, ErrNotStateFile, err)
	}
	id &= 0xFFFFFFFF
	if id == ApplicationID {
		return kindState, nil
	}
	if id != 0 {
		return 0, fmt.Errorf("%s is a SQLite database of another application (application_id %#08x), %w; "+
			"entrasim does not write into it", path, id, ErrNotStateFile)
	}
	tables, err := tableNames(ctx, db)
	if err != nil {
		return 0, fmt.Errorf("%s: %w (%v)", path, ErrNotStateFile, err)
	}
	if len(tables) == 0 {
		return kindEmptyDatabase, nil
	}
	if hasAll(tables, "meta", "objects", "logs") {
		var v string
		err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='schema'`).Scan(&v)
		if err == nil {
			return kindState, nil
		}
	}
	shown := tables
	if len(shown) > 8 {
		shown = append(slices.Clone(shown[:8]), "…")
	}
	return 0, fmt.Errorf("%s is a SQLite database with the tables %s, %w (a state file has %s); entrasim does not write into it",
		path, strings.Join(shown, ", "), ErrNotStateFile, strings.Join(stateTables, ", "))
}

// checkHeader rejects files that are not SQLite databases before the
// driver gives a vaguer "file is not a database".
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open state %s: %w", path, err)
	}
	defer f.Close()
	buf := make([]byte, 16)
	n, _ := f.Read(buf)
	if n < 16 || string(buf[:16]) != "SQLite format 3\x00" {
		return fmt.Errorf("%s is not a SQLite database, %w", path, ErrNotStateFile)
	}
	return nil
}

// nonEmpty reports whether the file at path exists with content.
func nonEmpty(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Size() > 0
}

func tableNames(ctx context.Context, db *sql.DB) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

func hasAll(have []string, want ...string) bool {
	for _, w := range want {
		if !slices.Contains(have, w) {
			return false
		}
	}
	return true
}
