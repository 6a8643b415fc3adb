package engine

import (
	"fmt"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// DefaultSpillRecordsAbove is the number of objects with work above which
// a cycle moves its waiting records out of the heap (Options.
// SpillRecordsAbove): a record is about 3 KB, so a cycle below it holds
// at most ~150 MB of records and pays nothing for spilling (the 10k-user
// benchmarks keep everything in memory).
const DefaultSpillRecordsAbove = 50_000

// A large cycle's records would be its biggest share of memory: every
// object's record lives from its export to the commit (issue 16). Once a
// phase is done with an item, its record waits for the item's next phase
// or the commit, so park moves it to a spill file in the meantime
// (provlog.Builder.Spill); the commit brings each back as it writes it
// (item.record). The file lives as long as the cycle. At 100k users and
// 5k groups this took the peak live heap from 559 MB to 325 MB, the
// records' ~2.3 KB an object (figures in the commit that added this note).

// spillDone, when set (tests), sees the spill file as the cycle ends,
// just before it is removed.
var spillDone func(*provlog.SpillFile)

// startSpill opens the cycle's spill file when the cycle is large enough
// (Options.SpillRecordsAbove). Provision on demand never spills.
func (r *run) startSpill() error {
	limit := r.e.opt.SpillRecordsAbove
	if limit == 0 {
		limit = DefaultSpillRecordsAbove
	}
	if r.onDemand || (limit > 0 && r.withWork() <= limit) {
		return nil
	}
	sf, err := provlog.NewNamedSpillFile(r.e.opt.SpillDir, r.e.opt.SpillName)
	if err != nil {
		return fmt.Errorf("cycle: %w", err)
	}
	r.spill = sf
	return nil
}

// withWork counts the items that log or may log a record.
func (r *run) withWork() int {
	n := 0
	for _, items := range [][]*item{r.users, r.groups} {
		for _, it := range items {
			if it.op != opNone || it.rec != nil {
				n++
			}
		}
	}
	return n
}

// closeSpill removes the spill file, whatever way the cycle ended.
func (r *run) closeSpill() {
	if r.spill == nil {
		return
	}
	if spillDone != nil {
		spillDone(r.spill)
	}
	if err := r.spill.Close(); err != nil {
		r.e.log.Warn("cycle: removing the records spill file", "err", err)
	}
	r.spill = nil
}

// spillFile is the cycle's spill file, nil when it has none or it failed.
func (r *run) spillFile() *provlog.SpillFile {
	if r.spillFailed.Load() {
		return nil
	}
	return r.spill
}

// park moves the item's record to the spill file while it waits for its
// next phase or the commit. Should the file fail, the cycle goes on with
// its records in memory, as a small cycle does.
func (r *run) park(it *item) {
	if r.spill == nil || it.rec == nil || r.spillFailed.Load() {
		return
	}
	b, err := it.rec.Spill(r.spill)
	if err != nil {
		if !r.spillFailed.Swap(true) {
			r.e.log.Warn("cycle: records stay in memory", "err", err)
		}
		return
	}
	it.rec = b
}
