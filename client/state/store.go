package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/quantive/entra-scim-harness/client/escrow"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// Store is an open state file. It is safe for concurrent use. Open does
// not keep other processes out: OpenExclusive does, for the length of a
// command that writes the file, and OpenReadOnly reads without writing.
type Store struct {
	db       *sql.DB
	path     string
	readOnly bool
	lock     *fileLock
}

// Open opens the state file at path, creating it and its schema if needed.
// A file that exists must be an entrasim state file (see identify):
// anything else, a SQLite database of another program included, is
// refused with ErrNotStateFile before anything is written into it.
func Open(ctx context.Context, path string) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if err := identifyIfPresent(ctx, path); err != nil {
		return nil, err
	}
	return openReadWrite(ctx, path)
}

// OpenExclusive is Open for a command that writes the state: it first
// takes the state file's lock (a lock file beside it, LockPath), so that a
// second process refuses at once with an *InUseError naming the holder's
// pid. The lock is the operating system's advisory lock on the lock file,
// so it ends with the process that holds it, however that process ends: a
// lock file left behind by a process that crashed does not block. Close
// releases the lock. A file that is not a state file is refused
// (ErrNotStateFile) before the lock file is created.
func OpenExclusive(ctx context.Context, path string) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	if err := identifyIfPresent(ctx, path); err != nil {
		return nil, err
	}
	l, err := lockFile(path)
	if err != nil {
		return nil, err
	}
	// Identified again under the lock: the file may have changed between.
	if err := identifyIfPresent(ctx, path); err != nil {
		l.release()
		return nil, err
	}
	s, err := openReadWrite(ctx, path)
	if err != nil {
		l.release()
		return nil, err
	}
	s.lock = l
	return s, nil
}

// OpenReadOnly opens an existing state file for reading (status, logs):
// nothing is created or written, not even the schema. A missing file is
// ErrNoStateFile; a file that is not an entrasim state, or an empty one, is
// ErrNotStateFile. The store's write methods fail.
func OpenReadOnly(ctx context.Context, path string) (*Store, error) {
	if err := checkPath(path); err != nil {
		return nil, err
	}
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("state file %s: %w", path, ErrNoStateFile)
	case err != nil:
		return nil, fmt.Errorf("open state %s: %w", path, err)
	case fi.IsDir():
		return nil, fmt.Errorf("open state %s: is a directory", path)
	case fi.Size() == 0:
		return nil, fmt.Errorf("%s is an empty file, %w", path, ErrNotStateFile)
	}
	k, err := identify(ctx, path)
	if err != nil {
		return nil, err
	}
	if k == kindEmptyDatabase {
		return nil, fmt.Errorf("%s is a SQLite database without tables, %w", path, ErrNotStateFile)
	}
	db, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if err := checkVersion(ctx, db, path); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, path: path, readOnly: true}, nil
}

// checkPath rejects an empty path.
func checkPath(path string) error {
	if strings.TrimSpace(path) == "" {
		return errors.New("open state: empty path")
	}
	return nil
}

// identifyIfPresent identifies the file at path if it exists and is not
// empty; a missing or empty file is a new state.
func identifyIfPresent(ctx context.Context, path string) error {
	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("open state %s: %w", path, err)
	case fi.IsDir():
		return fmt.Errorf("open state %s: is a directory", path)
	case fi.Size() == 0 && nonEmpty(path+"-wal"):
		// A database of another program before its first checkpoint: ours
		// always have a header in the main file.
		return fmt.Errorf("%s is an empty file beside a write-ahead log (%s-wal) that holds data: "+
			"a SQLite database in use by another program, %w", path, path, ErrNotStateFile)
	case fi.Size() == 0:
		return nil
	}
	_, err = identify(ctx, path)
	return err
}

// openReadWrite opens (or creates) a file already identified as a state
// file, or a new one, creates the schema and stamps the application id.
func openReadWrite(ctx context.Context, path string) (*Store, error) {
	db, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: create schema: %w", path, err)
	}
	var id int64
	if err := db.QueryRowContext(ctx, `PRAGMA application_id`).Scan(&id); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	if id != ApplicationID {
		// A new file, or one written before the id was stamped.
		if _, err := db.ExecContext(ctx, fmt.Sprintf(`PRAGMA application_id = %d`, ApplicationID)); err != nil {
			db.Close()
			return nil, fmt.Errorf("open state %s: %w", path, err)
		}
	}
	var v string
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='schema'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := db.ExecContext(ctx, `INSERT INTO meta(key,value) VALUES('schema',?)`, schemaVersion); err != nil {
			db.Close()
			return nil, fmt.Errorf("open state %s: %w", path, err)
		}
	} else if err := checkVersion(ctx, db, path); err != nil {
		db.Close()
		return nil, err
	}
	return &Store{db: db, path: path}, nil
}

// checkVersion refuses a state file of another schema version rather than
// misreading it.
func checkVersion(ctx context.Context, db *sql.DB, path string) error {
	var v string
	if err := db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='schema'`).Scan(&v); err != nil {
		return fmt.Errorf("open state %s: %w", path, err)
	}
	if v != schemaVersion {
		return fmt.Errorf("open state %s: schema version %s, this entrasim reads version %s", path, v, schemaVersion)
	}
	return nil
}

// sqliteDSN is the driver's name for path: a file: URI, so that SQLite
// applies mode=ro and a path holding '?' or '#' stays a path, with the
// connection settings.
func sqliteDSN(path string, readOnly bool) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // a Windows drive letter
	}
	q := "_pragma=busy_timeout(10000)"
	if readOnly {
		q = "mode=ro&" + q
	} else {
		q += "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	}
	return u.String() + "?" + q
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the file and releases the lock of OpenExclusive.
func (s *Store) Close() error {
	err := s.db.Close()
	if s.lock != nil {
		s.lock.release()
		s.lock = nil
	}
	return err
}

// ReadOnly reports whether the store was opened by OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

func (s *Store) getMeta(ctx context.Context, q querier, key string, v any) (bool, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key=?`, key).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", key, err)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return false, fmt.Errorf("read %s: %w", key, err)
	}
	return true, nil
}

func putMeta(ctx context.Context, q querier, key string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	if _, err := q.ExecContext(ctx, `INSERT INTO meta(key,value) VALUES(?,?)
		ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, string(raw)); err != nil {
		return fmt.Errorf("write %s: %w", key, err)
	}
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Job returns the job with its status (Job.Status); a new state file gives
// a NotRun job that needs an initial cycle, with a fresh job id (LOG-09).
// The status's Config is left zero: callers set it.
func (s *Store) Job(ctx context.Context) (Job, error) {
	j, ok, err := s.readJob(ctx, s.db)
	if err != nil {
		return j, err
	}
	if !ok {
		tenant := provlog.NewGUID()
		id, err := provlog.NewJobID(provlog.TemplateGtmhub, tenant)
		if err != nil {
			return j, fmt.Errorf("new job id: %w", err)
		}
		j = Job{Status: quarantine.New(quarantine.Config{}), JobID: id, TenantID: tenant, Clock: Epoch,
			Interval: DefaultInterval, NeedsInitial: true}
	}
	return j, nil
}

// SaveJob writes the job and its status in one transaction.
func (s *Store) SaveJob(ctx context.Context, j Job) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save job: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // after a commit, a no-op
	if err := putJob(ctx, tx, j); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("save job: %w", err)
	}
	return nil
}

// Config returns the stored job configuration (zero if none).
func (s *Store) Config(ctx context.Context) (Config, error) {
	var c Config
	_, err := s.getMeta(ctx, s.db, "config", &c)
	return c, err
}

// SaveConfig writes the job configuration.
func (s *Store) SaveConfig(ctx context.Context, c Config) error {
	return putMeta(ctx, s.db, "config", c)
}

// Objects returns every object the job remembers. Call Decode on an
// object before using its Exported or Members, and before closing the
// store.
func (s *Store) Objects(ctx context.Context) (map[Key]*Object, error) {
	// Sized at once: a map of a million objects grown by doubling spent
	// half its insert time rehashing, and left its old tables as garbage
	// (issue 16: an incremental cycle's time).
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM objects`).Scan(&n); err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT kind, source_id, display_name, target_id, matched_by, status,
		disable_reason, watermark, manager FROM objects`)
	if err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	defer rows.Close()
	out := make(map[Key]*Object, n)
	var rd objectReader
	var kind, sourceID, displayName, targetID, matchedBy, status, disableReason, watermark, manager sql.RawBytes
	for rows.Next() {
		if err := rows.Scan(&kind, &sourceID, &displayName, &targetID, &matchedBy, &status,
			&disableReason, &watermark, &manager); err != nil {
			return nil, fmt.Errorf("read objects: %w", err)
		}
		o := rd.next()
		*o = Object{store: s, pending: true,
			Kind: Kind(rd.word(kind)), SourceID: rd.str(sourceID), DisplayName: rd.str(displayName),
			TargetID: rd.str(targetID), MatchedBy: rd.word(matchedBy), Status: ObjectStatus(rd.word(status)),
			DisableReason: rd.word(disableReason), Watermark: rd.str(watermark), Manager: rd.str(manager)}
		out[o.Key()] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	// A manager is the id of another object read: share its string.
	for _, o := range out {
		if m := out[Key{Kind: KindUser, SourceID: o.Manager}]; o.Manager != "" && m != nil {
			o.Manager = m.SourceID
		}
	}
	return out, nil
}

// Commit is what one cycle writes.
type Commit struct {
	// Upsert are objects to write (new or changed). Commit sets each
	// entry to nil once written, whether or not it then fails: a caller that holds the objects nowhere
	// else has them collected while the records that follow are written
	// (a million objects are a few hundred megabytes, issue 16).
	Upsert []*Object
	// Forget are objects to drop (hard deleted and deleted in the target).
	Forget []Key
	// Records are the cycle's provisioning-log records, in order.
	Records []provlog.Record
	// RecordStream, when set, produces the cycle's further records, after
	// Records, one at a time: it calls put once per record, in order, and
	// returns put's first error or its own. It runs inside the commit's
	// transaction, so a failed stream writes nothing, and its caller need
	// not hold every record at once (a million records are gigabytes,
	// issue 16). put does not keep the record once it returns.
	RecordStream func(put func(*provlog.Record) error) error
	// Cycle is the history entry; nil writes none.
	Cycle *Cycle
	// Job is the job after the cycle, with its status (quarantine).
	Job Job
	// Escrow, when set, is the escrow ledger after the cycle.
	Escrow *escrow.Ledger
	// Source is the mark the cycle leaves (SourceMark); nil clears it.
	Source *SourceMark
}

// Commit writes a cycle's results in one transaction.
func (s *Store) Commit(ctx context.Context, c Commit) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("commit cycle: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // after a commit, a no-op
	jt := newJSONText()
	if len(c.Upsert) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO objects(kind, source_id, display_name, target_id, matched_by,
			status, disable_reason, watermark, exported, manager, members) VALUES(?,?,?,?,?,?,?,?,?,?,?)
			ON CONFLICT(kind, source_id) DO UPDATE SET display_name=excluded.display_name, target_id=excluded.target_id,
			matched_by=excluded.matched_by, status=excluded.status, disable_reason=excluded.disable_reason,
			watermark=excluded.watermark, exported=excluded.exported, manager=excluded.manager, members=excluded.members`)
		if err != nil {
			return fmt.Errorf("commit cycle: %w", err)
		}
		defer st.Close()
		for i, o := range c.Upsert {
			c.Upsert[i] = nil // see Upsert
			if o.pending {
				// Values never read: they stay as they are in the file.
				if _, err := tx.ExecContext(ctx, `UPDATE objects SET display_name=?, target_id=?, matched_by=?, status=?,
					disable_reason=?, watermark=?, manager=? WHERE kind=? AND source_id=?`, o.DisplayName, o.TargetID,
					o.MatchedBy, o.Status, o.DisableReason, o.Watermark, o.Manager, o.Kind, o.SourceID); err != nil {
					return fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
				}
				continue
			}
			exported, members, err := encodeObject(jt, o)
			if err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, o.Kind, o.SourceID, o.DisplayName, o.TargetID, o.MatchedBy, o.Status,
				o.DisableReason, o.Watermark, exported, o.Manager, members); err != nil {
				return fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
			}
		}
	}
	for _, k := range c.Forget {
		if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE kind=? AND source_id=?`, k.Kind, k.SourceID); err != nil {
			return fmt.Errorf("commit cycle: forget %s %s: %w", k.Kind, k.SourceID, err)
		}
	}
	if err := writeRecords(ctx, tx, jt, c); err != nil {
		return err
	}
	if c.Cycle != nil {
		b, _ := json.Marshal(c.Cycle)
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycles(id, body) VALUES(?,?)`, c.Cycle.ID, string(b)); err != nil {
			return fmt.Errorf("commit cycle history: %w", err)
		}
	}
	if err := putJob(ctx, tx, c.Job); err != nil {
		return err
	}
	if c.Escrow != nil {
		if err := putMeta(ctx, tx, metaEscrow, c.Escrow); err != nil {
			return err
		}
	}
	if err := putSourceMark(ctx, tx, c.Source); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit cycle: %w", err)
	}
	return nil
}

// LogFilter selects provisioning-log records; zero values select all.
type LogFilter struct {
	CycleID string
}

// Records returns the stored provisioning-log records in the order written.
func (s *Store) Records(ctx context.Context, f LogFilter) ([]provlog.Record, error) {
	q, args := `SELECT body FROM logs ORDER BY seq`, []any{}
	if f.CycleID != "" {
		q, args = `SELECT body FROM logs WHERE cycle_id=? ORDER BY seq`, []any{f.CycleID}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read logs: %w", err)
	}
	defer rows.Close()
	out := []provlog.Record{}
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("read logs: %w", err)
		}
		var r provlog.Record
		if err := json.Unmarshal([]byte(b), &r); err != nil {
			return nil, fmt.Errorf("read logs: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Cycles returns the cycle history, oldest first.
func (s *Store) Cycles(ctx context.Context) ([]Cycle, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT body FROM cycles ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("read cycles: %w", err)
	}
	defer rows.Close()
	var out []Cycle
	for rows.Next() {
		var b string
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("read cycles: %w", err)
		}
		var c Cycle
		if err := json.Unmarshal([]byte(b), &c); err != nil {
			return nil, fmt.Errorf("read cycles: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// PutEscrow records or replaces an entry of the escrows table. The engine
// keeps its escrow ledger (Store.Escrow) instead (one entry per object and
// kind of failure); the table stays for state files and tools that use it.
func (s *Store) PutEscrow(ctx context.Context, e Escrow) error {
	ref := 0
	if e.Reference {
		ref = 1
	}
	_, err := s.db.ExecContext(ctx, `INSERT INTO escrows(kind, source_id, error_code, reference, first_failure, attempts, next_attempt)
		VALUES(?,?,?,?,?,?,?) ON CONFLICT(kind, source_id) DO UPDATE SET error_code=excluded.error_code,
		reference=excluded.reference, attempts=excluded.attempts, next_attempt=excluded.next_attempt`,
		e.Key.Kind, e.Key.SourceID, e.ErrorCode, ref, e.FirstFailure.UTC().Format(time.RFC3339Nano), e.Attempts,
		fmtTime(e.NextAttempt))
	if err != nil {
		return fmt.Errorf("write escrow %s %s: %w", e.Key.Kind, e.Key.SourceID, err)
	}
	return nil
}

// Escrows returns every escrow entry.
func (s *Store) Escrows(ctx context.Context) ([]Escrow, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, source_id, error_code, reference, first_failure, attempts, next_attempt
		FROM escrows ORDER BY kind, source_id`)
	if err != nil {
		return nil, fmt.Errorf("read escrows: %w", err)
	}
	defer rows.Close()
	var out []Escrow
	for rows.Next() {
		var e Escrow
		var ref int
		var first, next string
		if err := rows.Scan(&e.Key.Kind, &e.Key.SourceID, &e.ErrorCode, &ref, &first, &e.Attempts, &next); err != nil {
			return nil, fmt.Errorf("read escrows: %w", err)
		}
		e.Reference = ref != 0
		e.FirstFailure, _ = time.Parse(time.RFC3339Nano, first)
		if next != "" {
			e.NextAttempt, _ = time.Parse(time.RFC3339Nano, next)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// DeleteEscrow drops one escrow entry (after a successful retry).
func (s *Store) DeleteEscrow(ctx context.Context, k Key) error {
	if _, err := s.db.ExecContext(ctx, `DELETE FROM escrows WHERE kind=? AND source_id=?`, k.Kind, k.SourceID); err != nil {
		return fmt.Errorf("delete escrow %s %s: %w", k.Kind, k.SourceID, err)
	}
	return nil
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Restart does what "Restart provisioning" does (ENTRA-CYCLE-05): the
// next cycle is an initial one; watermarks, escrows and quarantine are
// cleared; links are kept unless resetLinks (resetScope Full) is set.
func (s *Store) Restart(ctx context.Context, resetLinks bool) error {
	j, err := s.Job(ctx)
	if err != nil {
		return err
	}
	ledger, err := s.Escrow(ctx)
	if err != nil {
		return err
	}
	ran := j.Cycles > 0 || j.Code() != CodeNotRun
	j.Status.Restart(j.Clock)
	if j.Status.Code() == quarantine.CodeNotRun && ran {
		j.Status.Status.Code = quarantine.CodeActive // a job that ran stays Active
	}
	ledger.DropAll()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // after a commit, a no-op
	q := `UPDATE objects SET watermark=''`
	if resetLinks {
		q = `DELETE FROM objects`
	}
	if _, err := tx.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM escrows`); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	j.NeedsInitial, j.Resume, j.Stopped = true, false, false
	if err := putJob(ctx, tx, j); err != nil {
		return err
	}
	if err := putMeta(ctx, tx, metaEscrow, ledger); err != nil {
		return err
	}
	if err := putSourceMark(ctx, tx, nil); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return nil
}

// encodeObject returns the JSON columns of an upserted object: its
// exported values and its members.
func encodeObject(jt *jsonText, o *Object) (exported, members string, err error) {
	exp := o.Exported
	if exp == nil {
		exp = map[string]any{}
	}
	if o.sealed {
		if exported, err = o.sealedText(); err != nil {
			return "", "", fmt.Errorf("commit: %w", err)
		}
	} else if exported, err = jt.text(exp); err != nil {
		return "", "", fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
	}
	mem := o.Members
	if mem == nil {
		mem = []string{}
	}
	if members, err = jt.text(mem); err != nil {
		return "", "", fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
	}
	return exported, members, nil
}
