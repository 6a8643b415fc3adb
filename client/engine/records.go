package engine

import (
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// keepRecords reports whether the summary holds the cycle's records
// (Options.KeepRecords; provision on demand shows them).
func (r *run) keepRecords() bool { return r.e.opt.KeepRecords || r.onDemand }

// commitRecords has the commit write the cycle's records: those the
// summary keeps, or else each logged item's record, built while the
// commit writes it and dropped with its builder right after, so that the
// end of a cycle holds one record at a time instead of all of them (a
// million records are gigabytes, issue 16).
func (r *run) commitRecords(s *Summary, c *state.Commit, all []*item) {
	if r.keepRecords() || s.Logged == 0 {
		c.Records = s.Records
		return
	}
	c.RecordStream = func(put func(*provlog.Record) error) error {
		for _, it := range all {
			if !it.logged {
				continue
			}
			rec, err := it.record()
			if err != nil {
				return err
			}
			it.rec = nil // the record is the builder's last use
			if err := put(&rec); err != nil {
				return err
			}
		}
		return nil
	}
}
