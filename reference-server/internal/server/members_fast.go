package server

import "strings"

// Fast path: reads member ids from the decoded PATCH value, no JSON round trip (BenchmarkMemRequests/patch-members-20).
//
// appendValueIDs appends the "value" of each element of a members value,
// read as json.Unmarshal into []struct{Value string `json:"value"`} reads
// it (null: no elements; a null element or value: ""); ok is false where
// that fails or where it depends on key order (two spellings of "value").
func appendValueIDs(ids []string, val any) ([]string, bool) {
	if val == nil {
		return ids, true
	}
	arr, isArr := val.([]any)
	if !isArr {
		return nil, false
	}
	for _, e := range arr {
		if e == nil {
			ids = append(ids, "")
			continue
		}
		m, isObj := e.(map[string]any)
		if !isObj {
			return nil, false
		}
		id, found := "", false
		for k, v := range m {
			if !asciiKey(k) {
				return nil, false // Unicode folding: left to the general path
			}
			if !strings.EqualFold(k, "value") {
				continue
			}
			if found {
				return nil, false
			}
			found = true
			switch s := v.(type) {
			case string:
				id = s
			case nil:
			default:
				return nil, false
			}
		}
		ids = append(ids, id)
	}
	return ids, true
}

// asciiKey reports whether k is plain ASCII, whose case folding
// strings.EqualFold and json.Unmarshal agree on.
func asciiKey(k string) bool {
	for i := 0; i < len(k); i++ {
		if k[i] >= 0x80 {
			return false
		}
	}
	return true
}
