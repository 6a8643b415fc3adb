package engine

import (
	"fmt"

	"github.com/quantive/entra-scim-harness/client/arena"
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
		if recordsStreaming != nil {
			recordsStreaming()
		}
		n := 0
		for _, it := range all {
			if !it.logged {
				continue
			}
			n++
			rec, err := it.record()
			if err != nil {
				return fmt.Errorf("cycle: log record %d of %d: %w", n, s.Logged, err)
			}
			it.rec = nil // the record is the builder's last use
			if err := put(&rec); err != nil {
				return err
			}
		}
		return nil
	}
}

// recordsStreaming, when set (tests), is called as the commit starts
// writing a streamed cycle's records, once its objects are written.
var recordsStreaming func()

// releaseObjects lets go of the cycle's state entries before its commit:
// the commit's Upsert then holds the only references to those it writes,
// and Store.Commit drops each once written, so that the records, written
// last, are written with the objects collected. Every object of an
// initial cycle is written, and at a million users the records were
// written with the objects' few hundred megabytes still live: the memory
// peak of the whole cycle (issue 16). Nothing after the commit reads an
// item's object.
func (r *run) releaseObjects(all []*item) {
	for _, it := range all {
		it.obj, it.watermark = nil, ""
	}
	r.objs, r.byKey, r.reload = nil, nil, nil
	r.newObjs = arena.Slab[state.Object]{}
	r.strs.reset()
}
