package matchers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/quantive/entra-scim-harness/suites/exchange"
)

// HaveAttribute succeeds when the body is a JSON object whose top-level
// attribute name equals value after both go through JSON (so 1 and 1.0, or
// a map and the equivalent struct, compare equal). Attribute names compare
// case-insensitively, as SCIM attribute names do (RFC-09).
func HaveAttribute(name string, value any) types.GomegaMatcher {
	want, _ := json.Marshal(value)
	return &check{
		want: fmt.Sprintf("attribute %s = %s", name, want),
		problem: func(r *exchange.Response) string {
			var obj map[string]any
			if err := json.Unmarshal(r.Body, &obj); err != nil {
				return fmt.Sprintf("the body is not a JSON object (%v)", err)
			}
			got, ok := lookupFold(obj, name)
			if !ok {
				return fmt.Sprintf("%s is absent", name)
			}
			var wantV any
			_ = json.Unmarshal(want, &wantV)
			if !reflect.DeepEqual(got, wantV) {
				g, _ := json.Marshal(got)
				return fmt.Sprintf("%s is %s", name, g)
			}
			return ""
		},
	}
}

func lookupFold(obj map[string]any, name string) (any, bool) {
	if v, ok := obj[name]; ok {
		return v, true
	}
	for k, v := range obj {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}
