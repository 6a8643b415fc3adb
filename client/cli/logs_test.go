package cli

// `entrasim logs --format json` writes Graph's answer to GET
// /auditLogs/provisioning (List provisioningObjectSummary, v1.0, Examples
// 1 and 2): the @odata.context and the records in value.

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
	"github.com/quantive/entra-scim-harness/client/state"
)

// graphList is the list response as a client of Graph decodes it.
type graphList struct {
	Context string           `json:"@odata.context"`
	Value   []map[string]any `json:"value"`
}

// graphProperties are the properties of provisioningObjectSummary, v1.0,
// "Properties".
var graphProperties = []string{"activityDateTime", "changeId", "cycleId", "durationInMilliseconds", "id", "initiatedBy",
	"jobId", "modifiedProperties", "provisioningAction", "provisioningStatusInfo", "provisioningSteps", "servicePrincipal",
	"sourceIdentity", "sourceSystem", "targetIdentity", "targetSystem", "tenantId"}

// TestLogsJSONIsGraphList_LOG01: logs --format json, to stdout and into
// --out, is Graph's list response; its records have Graph's properties and
// the values of List provisioningObjectSummary's Example 2 for the failed
// group create (409).
func TestLogsJSONIsGraphList_LOG01(t *testing.T) {
	st := sourcedState(t, "faulted")
	outDir := filepath.Join(t.TempDir(), "out")
	for _, tc := range []struct {
		name string
		args []string
		read func(t *testing.T, stdout string) []byte
	}{
		{"stdout", []string{"logs", "--state", st, "--format", "json"},
			func(_ *testing.T, stdout string) []byte { return []byte(stdout) }},
		{"default format", []string{"logs", "--state", st},
			func(_ *testing.T, stdout string) []byte { return []byte(stdout) }},
		{"out dir", []string{"logs", "--state", st, "--format", "json", "--out", outDir},
			func(t *testing.T, stdout string) []byte {
				file := filepath.Join(outDir, "provisioningLogs.json")
				if !strings.Contains(stdout, "records written to "+file) {
					t.Errorf("stdout %q does not name %s", stdout, file)
				}
				b, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				return b
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := run(tc.args...)
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			data := tc.read(t, out)
			var top map[string]json.RawMessage
			if err := json.Unmarshal(data, &top); err != nil {
				t.Fatalf("not a JSON object: %v\n%.300s", err, data)
			}
			if len(top) != 2 || top["@odata.context"] == nil || top["value"] == nil {
				t.Fatalf("top-level keys of %.300s: want exactly @odata.context and value", data)
			}
			var l graphList
			if err := json.Unmarshal(data, &l); err != nil {
				t.Fatal(err)
			}
			if l.Context != "https://graph.microsoft.com/v1.0/$metadata#auditLogs/provisioning" {
				t.Errorf("@odata.context %q", l.Context)
			}
			if len(l.Value) == 0 {
				t.Fatal("no records")
			}
			var conflict map[string]any
			for _, r := range l.Value {
				keys := make([]string, 0, len(r))
				for k := range r {
					keys = append(keys, k)
				}
				slices.Sort(keys)
				if !slices.Equal(keys, graphProperties) {
					t.Errorf("record %v has properties %v, want %v", r["id"], keys, graphProperties)
				}
				if si, _ := r["sourceIdentity"].(map[string]any); si["id"] == "g-sales" {
					conflict = r
				}
			}
			if conflict == nil {
				t.Fatal("no record of the group create that got the 409")
			}
			ei, _ := conflict["provisioningStatusInfo"].(map[string]any)["errorInformation"].(map[string]any)
			reason, _ := ei["reason"].(string)
			if !strings.HasPrefix(reason, "Message: Gtmhub returned an error response with the HTTP status code 409.  ") {
				t.Errorf("409 reason %q, want Graph's wording", reason)
			}
			ti, _ := conflict["targetIdentity"].(map[string]any)
			ts, _ := conflict["targetSystem"].(map[string]any)
			tsd, _ := ts["details"].(map[string]any)
			ss, _ := conflict["sourceSystem"].(map[string]any)
			if _, ok := ss["details"].(map[string]any); !ok {
				t.Errorf("sourceSystem.details %#v, want an object", ss["details"])
			}
			if ti["identityType"] != "Group" || ti["id"] != "" {
				t.Errorf("targetIdentity %v, want an empty Group", ti)
			}
			id, _ := ts["id"].(string)
			if !provlog.IsGUID(id) || len(tsd) != 3 || tsd["ApplicationId"] == nil || tsd["ServicePrincipalId"] == nil || tsd["ServicePrincipalDisplayName"] != "Gtmhub" {
				t.Errorf("targetSystem %v, want a GUID id and ApplicationId, ServicePrincipalId, ServicePrincipalDisplayName", ts)
			}
		})
	}
}

// TestLogsJSONEmpty: a state without records gives an empty value array.
func TestLogsJSONEmpty(t *testing.T) {
	st := filepath.Join(t.TempDir(), "s.db")
	s, err := state.Open(context.Background(), st)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, errOut := run("logs", "--state", st, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var l graphList
	if err := json.Unmarshal([]byte(out), &l); err != nil || l.Context != provlog.GraphListContext || l.Value == nil || len(l.Value) != 0 {
		t.Fatalf("%v: %s", err, out)
	}
}
