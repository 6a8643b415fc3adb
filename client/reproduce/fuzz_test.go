package reproduce

import (
	"errors"
	"testing"
)

// FuzzSelect: any input (JSON or CSV) gives records or ErrBadInput, never a
// panic.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{portalDownload, `{"value":[]}`, `[{"action":"Create","sourceIdentity":{"id":"x"}}]`,
		`{"provisioningAction":"update","targetIdentity":{"id":"t"},"modifiedProperties":[{"displayName":"a","oldValue":1,"newValue":true}]}`,
		`{"provisioningStatusInfo":"x","action":5}`, "\xef\xbb\xbf[]", `null`, `"s"`,
		"changeId,action,sourceIdentity.id\nc1,Create,s1\n", "a,b\n\"x"} {
		f.Add([]byte(s), "", -1)
	}
	f.Add([]byte(portalDownload), "bbbb-2", -1)
	f.Add([]byte(portalDownload), "", 2)
	f.Fuzz(func(t *testing.T, data []byte, changeID string, index int) {
		es, _, err := Parse(data)
		if err == nil {
			es, err = Pick(es, changeID, index)
		}
		if err != nil {
			if !errors.Is(err, ErrBadInput) {
				t.Fatalf("error without ErrBadInput: %v", err)
			}
			return
		}
		for _, e := range es {
			if e.Action == "" || (e.Source.ID == "" && e.Target.ID == "") {
				t.Fatalf("accepted an entry without action or identity: %+v", e)
			}
		}
	})
}
