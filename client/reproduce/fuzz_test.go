package reproduce

import (
	"errors"
	"testing"
)

// FuzzSelect: any input gives a record or ErrBadInput, never a panic.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{portalDownload, `{"value":[]}`, `[{"action":"Create","sourceIdentity":{"id":"x"}}]`,
		`{"provisioningAction":"update","targetIdentity":{"id":"t"},"modifiedProperties":[{"displayName":"a","oldValue":1,"newValue":true}]}`,
		`{"provisioningStatusInfo":"x","action":5}`, "\xef\xbb\xbf[]", `null`, `"s"`} {
		f.Add([]byte(s), "", -1)
	}
	f.Add([]byte(portalDownload), "bbbb-2", -1)
	f.Add([]byte(portalDownload), "", 2)
	f.Fuzz(func(t *testing.T, data []byte, changeID string, index int) {
		e, _, err := Select(data, changeID, index)
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("error without ErrBadInput: %v", err)
			}
			return
		}
		if e.Action == "" || (e.Source.ID == "" && e.Target.ID == "") {
			t.Fatalf("accepted an entry without action or identity: %+v", e)
		}
	})
}
