package state

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // database/sql driver "sqlite"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// Store is an open state file. It is safe for concurrent use, but one
// process at a time should run cycles on a file.
type Store struct {
	db   *sql.DB
	path string
}

// ErrNotStateFile is returned by Open for a file that exists but is not an
// entrasim state file.
var ErrNotStateFile = errors.New("not an entrasim state file")

// Open opens the state file at path, creating it and its schema if needed.
func Open(ctx context.Context, path string) (*Store, error) {
	if strings.TrimSpace(path) == "" {
		return nil, errors.New("open state: empty path")
	}
	if fi, err := os.Stat(path); err == nil {
		if fi.IsDir() {
			return nil, fmt.Errorf("open state %s: is a directory", path)
		}
		if fi.Size() > 0 {
			if err := checkHeader(path); err != nil {
				return nil, fmt.Errorf("open state %s: %w", path, err)
			}
		}
	}
	dsn := path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schemaSQL); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state %s: create schema: %w", path, err)
	}
	s := &Store{db: db, path: path}
	var v string
	err = db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key='schema'`).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := db.ExecContext(ctx, `INSERT INTO meta(key,value) VALUES('schema',?)`, schemaVersion); err != nil {
			db.Close()
			return nil, fmt.Errorf("open state %s: %w", path, err)
		}
	case err != nil:
		db.Close()
		return nil, fmt.Errorf("open state %s: %w", path, err)
	case v != schemaVersion:
		db.Close()
		return nil, fmt.Errorf("open state %s: schema version %s, this entrasim reads version %s", path, v, schemaVersion)
	}
	return s, nil
}

// checkHeader rejects files that are not SQLite databases before the
// driver gives a vaguer "file is not a database".
func checkHeader(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	buf := make([]byte, 16)
	n, _ := f.Read(buf)
	if n < 16 || string(buf[:15]) != "SQLite format 3" {
		return ErrNotStateFile
	}
	return nil
}

// Path is the file the store was opened from.
func (s *Store) Path() string { return s.path }

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

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

// Job returns the job status; a new state file gives a NotRun job that
// needs an initial cycle, with a fresh job id (LOG-09).
func (s *Store) Job(ctx context.Context) (Job, error) {
	var j Job
	ok, err := s.getMeta(ctx, s.db, "job", &j)
	if err != nil {
		return j, err
	}
	if !ok {
		tenant := provlog.NewGUID()
		id, err := provlog.NewJobID(provlog.TemplateGtmhub, tenant)
		if err != nil {
			return j, fmt.Errorf("new job id: %w", err)
		}
		j = Job{Code: CodeNotRun, JobID: id, TenantID: tenant, Clock: Epoch, Interval: DefaultInterval, NeedsInitial: true}
	}
	return j, nil
}

// SaveJob writes the job status.
func (s *Store) SaveJob(ctx context.Context, j Job) error { return putMeta(ctx, s.db, "job", j) }

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
	rows, err := s.db.QueryContext(ctx, `SELECT kind, source_id, display_name, target_id, matched_by, status,
		disable_reason, watermark, manager FROM objects`)
	if err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	defer rows.Close()
	out := map[Key]*Object{}
	for rows.Next() {
		o := &Object{store: s, pending: true}
		if err := rows.Scan(&o.Kind, &o.SourceID, &o.DisplayName, &o.TargetID, &o.MatchedBy, &o.Status,
			&o.DisableReason, &o.Watermark, &o.Manager); err != nil {
			return nil, fmt.Errorf("read objects: %w", err)
		}
		out[o.Key()] = o
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read objects: %w", err)
	}
	return out, nil
}

// Commit is what one cycle writes.
type Commit struct {
	// Upsert are objects to write (new or changed).
	Upsert []*Object
	// Forget are objects to drop (hard deleted and deleted in the target).
	Forget []Key
	// Records are the cycle's provisioning-log records, in order.
	Records []provlog.Record
	// Cycle is the history entry; nil writes none.
	Cycle *Cycle
	// Job is the job status after the cycle.
	Job Job
	// JobState, when its parts are set, is the failure state after the
	// cycle (quarantine, escrow). Job is written as given: callers mirror
	// it first (Mirror), so that an engine Observer may still change it.
	JobState JobState
}

// Commit writes a cycle's results in one transaction.
func (s *Store) Commit(ctx context.Context, c Commit) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("commit cycle: %w", err)
	}
	defer tx.Rollback()
	texts := encodeCommit(c)
	defer texts.close()
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
			if o.pending {
				// Values never read: they stay as they are in the file.
				if _, err := tx.ExecContext(ctx, `UPDATE objects SET display_name=?, target_id=?, matched_by=?, status=?,
					disable_reason=?, watermark=?, manager=? WHERE kind=? AND source_id=?`, o.DisplayName, o.TargetID,
					o.MatchedBy, o.Status, o.DisableReason, o.Watermark, o.Manager, o.Kind, o.SourceID); err != nil {
					return fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
				}
				continue
			}
			if err := texts.wait(i); err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, o.Kind, o.SourceID, o.DisplayName, o.TargetID, o.MatchedBy, o.Status,
				o.DisableReason, o.Watermark, texts.exported[i], o.Manager, texts.members[i]); err != nil {
				return fmt.Errorf("commit object %s %s: %w", o.Kind, o.SourceID, err)
			}
		}
	}
	for _, k := range c.Forget {
		if _, err := tx.ExecContext(ctx, `DELETE FROM objects WHERE kind=? AND source_id=?`, k.Kind, k.SourceID); err != nil {
			return fmt.Errorf("commit cycle: forget %s %s: %w", k.Kind, k.SourceID, err)
		}
	}
	if len(c.Records) > 0 {
		st, err := tx.PrepareContext(ctx, `INSERT INTO logs(cycle_id, change_id, source_id, action, status, body) VALUES(?,?,?,?,?,?)`)
		if err != nil {
			return fmt.Errorf("commit cycle: %w", err)
		}
		defer st.Close()
		for i, r := range c.Records {
			if err := texts.wait(len(c.Upsert) + i); err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, r.CycleID, r.ChangeID, r.SourceIdentity.ID, string(r.ProvisioningAction),
				string(r.ProvisioningStatusInfo.Status), texts.bodies[i]); err != nil {
				return fmt.Errorf("commit log record: %w", err)
			}
		}
	}
	if c.Cycle != nil {
		b, _ := json.Marshal(c.Cycle)
		if _, err := tx.ExecContext(ctx, `INSERT INTO cycles(id, body) VALUES(?,?)`, c.Cycle.ID, string(b)); err != nil {
			return fmt.Errorf("commit cycle history: %w", err)
		}
	}
	if err := putJobState(ctx, tx, c.JobState); err != nil {
		return err
	}
	if err := putMeta(ctx, tx, "job", c.Job); err != nil {
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
// keeps its escrow ledger in JobState instead (one entry per object and
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
	js, err := s.JobState(ctx)
	if err != nil {
		return err
	}
	js.Status.Restart(j.Clock)
	if js.Status.Code() == quarantine.CodeNotRun && (j.Cycles > 0 || (j.Code != "" && j.Code != CodeNotRun)) {
		js.Status.Status.Code = quarantine.CodeActive // a job that ran stays Active
	}
	js.Escrow.DropAll()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	defer tx.Rollback()
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
	j.NeedsInitial, j.Quarantine, j.AllowDeletes, j.Stopped = true, nil, false, false
	if err := putJobState(ctx, tx, js); err != nil {
		return err
	}
	if err := putMeta(ctx, tx, "job", Mirror(j, js.Status)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return nil
}
