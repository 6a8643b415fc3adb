package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The source_chunks table caches decoded chunks of the directory file
// (directory.ChunkCache), keyed by the digest of their bytes, so that an
// incremental cycle parses only the parts of a big file that changed
// (issue 16). It holds the chunks of the last directory loaded, nothing
// the job's state depends on: losing it only costs a full parse.

// SourceChunk returns the body stored for a chunk digest, nil when there
// is none.
func (s *Store) SourceChunk(ctx context.Context, digest []byte) ([]byte, error) {
	var body []byte
	err := s.db.QueryRowContext(ctx, `SELECT body FROM source_chunks WHERE digest=?`, digest).Scan(&body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read source chunk: %w", err)
	}
	return body, nil
}

// KeepSourceChunks makes the table hold exactly the chunks of keep, in
// one transaction: a digest with a body is written, one with a nil body
// is kept as it is stored, and every other stored chunk is dropped.
func (s *Store) KeepSourceChunks(ctx context.Context, keep map[string][]byte) error {
	return s.KeepSourceChunksFrom(ctx, keep, nil)
}

// KeepSourceChunksFrom is KeepSourceChunks with further bodies, for
// digests keep names with a nil body, written from more in the same
// transaction: more calls put once per body (issue 16: a million users'
// chunks need not all be in memory at once).
func (s *Store) KeepSourceChunksFrom(ctx context.Context, keep map[string][]byte, more func(put func(digest, body []byte) error) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("write source chunks: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // after a commit, a no-op
	var drop [][]byte
	rows, err := tx.QueryContext(ctx, `SELECT digest FROM source_chunks`)
	if err != nil {
		return fmt.Errorf("write source chunks: %w", err)
	}
	for rows.Next() {
		var d []byte
		if err := rows.Scan(&d); err != nil {
			rows.Close()
			return fmt.Errorf("write source chunks: %w", err)
		}
		if _, ok := keep[string(d)]; !ok {
			drop = append(drop, d)
		}
	}
	if err := rows.Close(); err != nil {
		return fmt.Errorf("write source chunks: %w", err)
	}
	for _, d := range drop {
		if _, err := tx.ExecContext(ctx, `DELETE FROM source_chunks WHERE digest=?`, d); err != nil {
			return fmt.Errorf("drop source chunk: %w", err)
		}
	}
	put := func(d, body []byte) error {
		if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO source_chunks(digest, body) VALUES(?,?)`, d, body); err != nil {
			return fmt.Errorf("write source chunk: %w", err)
		}
		return nil
	}
	for d, body := range keep {
		if body == nil {
			continue
		}
		if err := put([]byte(d), body); err != nil {
			return err
		}
	}
	if more != nil {
		if err := more(put); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("write source chunks: %w", err)
	}
	return nil
}

// SourceChunkBytes is the size of the cached chunks' bodies.
func (s *Store) SourceChunkBytes(ctx context.Context) (int64, error) {
	var n sql.NullInt64
	if err := s.db.QueryRowContext(ctx, `SELECT sum(length(body)) FROM source_chunks`).Scan(&n); err != nil {
		return 0, fmt.Errorf("size source chunks: %w", err)
	}
	return n.Int64, nil
}
