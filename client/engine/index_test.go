package engine

import (
	"fmt"
	"testing"

	"github.com/quantive/entra-scim-harness/client/state"
)

// Planned items are found by key, a user and a group of the same id
// apart; other keys fall back to the state entries read, and a key in
// neither is nil.
func TestIndexFindsItemsThenStoredEntries(t *testing.T) {
	r := &run{objs: map[state.Key]*state.Object{}}
	mk := func(kind state.Kind, id string) *item {
		return &item{obj: &state.Object{Kind: kind, SourceID: id}}
	}
	for i := 999; i >= 0; i-- { // out of order: indexItems sorts
		r.users = append(r.users, mk(state.KindUser, fmt.Sprintf("u%03d", i)))
	}
	r.groups = append(r.groups, mk(state.KindGroup, "g1"), mk(state.KindGroup, "u500"))
	stored := &state.Object{Kind: state.KindUser, SourceID: "s1"}
	r.objs[stored.Key()] = stored
	r.indexItems()
	for _, tc := range []struct {
		key      state.Key
		wantItem bool
		wantObj  bool
	}{
		{state.Key{Kind: state.KindUser, SourceID: "u000"}, true, true},
		{state.Key{Kind: state.KindUser, SourceID: "u999"}, true, true},
		{state.Key{Kind: state.KindUser, SourceID: "u500"}, true, true},
		{state.Key{Kind: state.KindGroup, SourceID: "u500"}, true, true},
		{state.Key{Kind: state.KindGroup, SourceID: "g1"}, true, true},
		{state.Key{Kind: state.KindUser, SourceID: "g1"}, false, false},
		{state.Key{Kind: state.KindUser, SourceID: "s1"}, false, true},
		{state.Key{Kind: state.KindUser, SourceID: "zzz"}, false, false},
		{state.Key{Kind: state.KindUser, SourceID: ""}, false, false},
	} {
		it := r.itemOf(tc.key)
		if (it != nil) != tc.wantItem || (it != nil && it.key() != tc.key) {
			t.Errorf("itemOf(%v) = %v, want found %v", tc.key, it, tc.wantItem)
		}
		o := r.object(tc.key)
		if (o != nil) != tc.wantObj || (o != nil && o.Key() != tc.key) {
			t.Errorf("object(%v) = %v, want found %v", tc.key, o, tc.wantObj)
		}
	}
}
