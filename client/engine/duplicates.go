package engine

import (
	"context"
	"fmt"
	"strings"

	"github.com/quantive/entra-scim-harness/client/arena"
	"github.com/quantive/entra-scim-harness/client/mapping"
	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// dupCheck fails users whose first matching value another user being
// provisioned already has (ENTRA-MATCH-05 DuplicateSourceEntries). It
// runs as planning goes, in the directory's order, while each user is at
// hand (planning may evict users, evict.go): the first user with a value
// owns it, as do the linked users of the state, read once the first user
// to match turns up.
type dupCheck struct {
	r     *run
	first *mapping.Attribute
	// owner is the owner's source id by lowercased value; the values are
	// copied into keys, so that the owner map holds no user's strings.
	owner map[string]string
	keys  arena.Strings
}

// newDupCheck returns the check, nil when the mapping has no matching
// attribute.
func (r *run) newDupCheck() *dupCheck {
	ms := r.e.cfg.Users.Matching()
	if len(ms) == 0 {
		return nil
	}
	return &dupCheck{r: r, first: ms[0]}
}

// check claims the item's first matching value for it, or fails it when
// another source object has it. The item still holds its user.
func (d *dupCheck) check(ctx context.Context, it *item) error {
	if d == nil || it.op != opExport || it.obj.Linked() {
		return nil
	}
	if d.owner == nil {
		if err := d.readLinked(ctx); err != nil {
			return err
		}
	}
	r := d.r
	v, err := r.matchValue(it, 0)
	if err != nil || v == "" {
		return nil
	}
	lv := strings.ToLower(v)
	if o, ok := d.owner[lv]; ok && o != it.key().SourceID {
		it.op = opFail
		r.begin(it, provlog.ActionOther)
		it.rec.Step(provlog.StepImport, provlog.NameImportAdd, provlog.StatusSuccess, "Retrieved the user from Entra ID.", nil)
		it.rec.Step(provlog.StepMatching, provlog.NameMatching, provlog.StatusFailure,
			fmt.Sprintf("Another source object (%s) has the same value %q for the matching attribute %s.", o, v, d.first.Target), nil)
		it.result = resultFailed
		out := it.failure()
		out.ErrorCode = "DuplicateSourceEntries"
		out.Reason = fmt.Sprintf("Two source objects match the same target value %s=%q.", d.first.Target, v)
		it.rec.Fail(provlog.ErrorInfo{ErrorCode: "DuplicateSourceEntries", Reason: out.Reason,
			RecommendedAction: "Make the matching attribute unique in the source directory."})
		return nil
	}
	d.owner[d.keys.Keep(lv)] = it.key().SourceID
	return nil
}

// readLinked makes the linked users of the state owners of their values.
func (d *dupCheck) readLinked(ctx context.Context) error {
	d.owner = map[string]string{}
	for _, o := range d.r.objs {
		if o.Kind == state.KindUser && o.Linked() {
			if err := o.Decode(ctx); err != nil {
				return err
			}
			if v, ok := o.Exported[d.first.Target].(string); ok && v != "" {
				d.owner[d.keys.Keep(strings.ToLower(v))] = o.SourceID
			}
		}
	}
	return nil
}
