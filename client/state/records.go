package state

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// writeRecords inserts a commit's log records, Records then those of
// RecordStream, in the commit's transaction. Each record is encoded and
// written as it comes, so that the stream's producer can drop it at once.
func writeRecords(ctx context.Context, tx *sql.Tx, jt *jsonText, c Commit) error {
	if len(c.Records) == 0 && c.RecordStream == nil {
		return nil
	}
	st, err := tx.PrepareContext(ctx, `INSERT INTO logs(cycle_id, change_id, source_id, action, status, body) VALUES(?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("commit cycle: %w", err)
	}
	defer st.Close()
	put := func(r *provlog.Record) error {
		body, err := jt.text(r)
		if err != nil {
			return fmt.Errorf("commit log record %s: %w", r.ID, err)
		}
		if _, err := st.ExecContext(ctx, r.CycleID, r.ChangeID, r.SourceIdentity.ID, string(r.ProvisioningAction),
			string(r.ProvisioningStatusInfo.Status), body); err != nil {
			return fmt.Errorf("commit log record: %w", err)
		}
		return nil
	}
	for i := range c.Records {
		if err := put(&c.Records[i]); err != nil {
			return err
		}
	}
	if c.RecordStream == nil {
		return nil
	}
	if err := c.RecordStream(put); err != nil {
		return fmt.Errorf("commit log records: %w", err)
	}
	return nil
}
