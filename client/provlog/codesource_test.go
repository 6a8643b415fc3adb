package provlog_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/client/provlog"
)

// codeRecords: one record per kind of errorCode source, a success and a
// skip.
func codeRecords() ([]provlog.Record, []string) {
	j := testJob()
	fail := func(code string) provlog.Record {
		return j.Begin("c", provlog.ActionCreate, provlog.Identity{ID: "u-" + code, DisplayName: "N", IdentityType: provlog.IdentityUser}).
			Fail(provlog.ErrorInfo{ErrorCode: code, Reason: "reason of " + code}).Build()
	}
	recs := []provlog.Record{
		fail("EntryConflict"),
		fail("SystemForCrossDomainIdentityManagementCredentialValidationFailure"),
		fail("SystemForCrossDomainIdentityManagementBadRequest"),
		fail("AttributeMappingEvaluationFailed"),
		j.Begin("c", provlog.ActionUpdate, provlog.Identity{ID: "ok"}).Build(),
		j.Begin("c", provlog.ActionOther, provlog.Identity{ID: "skip"}).Skip().Build(),
	}
	want := []string{"documented (DOC S5)", "observed (OBS O11)", "default (UNC-03)", "unknown", "", ""}
	return recs, want
}

// TestCSVErrorCodeSource: ProvisioningLogs.csv carries errorCodeSource
// beside errorCode/ResultSignature, one value per kind of source, empty
// without a code.
func TestCSVErrorCodeSource(t *testing.T) {
	recs, want := codeRecords()
	var l, s, p bytes.Buffer
	if err := provlog.WriteCSV(&l, &s, &p, recs); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&l).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(rows[0], "errorCodeSource")
	if col < 0 || rows[0][col-1] != "ResultSignature" || rows[0][col-2] != "errorCode" {
		t.Fatalf("header %v: want errorCodeSource right after errorCode, ResultSignature", rows[0])
	}
	if len(rows) != len(recs)+1 {
		t.Fatalf("%d rows", len(rows))
	}
	for i, w := range want {
		if got := rows[i+1][col]; got != w {
			t.Errorf("record %d (%s): errorCodeSource %q, want %q", i, rows[i+1][col-2], got, w)
		}
		if len(rows[i+1]) != len(rows[0]) {
			t.Errorf("record %d has %d cells for %d columns", i, len(rows[i+1]), len(rows[0]))
		}
	}
}

// TestJSONKeepsGraphShape: the JSON export stays Graph's
// provisioningErrorInfo, with no source field added.
func TestJSONKeepsGraphShape(t *testing.T) {
	recs, _ := codeRecords()
	var b bytes.Buffer
	if err := provlog.WriteJSON(&b, recs); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "errorCodeSource") || strings.Contains(b.String(), "DOC S5") {
		t.Fatalf("JSON carries the harness's source:\n%s", b.String())
	}
	var got []struct {
		ProvisioningStatusInfo struct {
			ErrorInformation map[string]any `json:"errorInformation"`
		} `json:"provisioningStatusInfo"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	keys := []string{"additionalDetails", "errorCategory", "errorCode", "reason", "recommendedAction"}
	for i := range 4 {
		var have []string
		for k := range got[i].ProvisioningStatusInfo.ErrorInformation {
			have = append(have, k)
		}
		slices.Sort(have)
		if !slices.Equal(have, keys) {
			t.Errorf("record %d errorInformation keys %v, want %v (LOG-04)", i, have, keys)
		}
	}
}

// TestWriteText: the people's view shows each code with its source.
func TestWriteText(t *testing.T) {
	recs, want := codeRecords()
	var b bytes.Buffer
	if err := provlog.WriteText(&b, recs); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, w := range want {
		ei := recs[i].ProvisioningStatusInfo.ErrorInformation
		if w == "" {
			continue
		}
		line := "    errorCode " + ei.ErrorCode + " [" + w + "]: reason of " + ei.ErrorCode + "\n"
		if !strings.Contains(out, line) {
			t.Errorf("text lacks %q:\n%s", line, out)
		}
	}
	if n := strings.Count(out, "    errorCode "); n != 4 {
		t.Errorf("%d errorCode lines, want 4:\n%s", n, out)
	}
	if !strings.Contains(out, `create failure User "N" (source u-EntryConflict, target -)`) || !strings.HasSuffix(out, "6 records\n") {
		t.Errorf("text:\n%s", out)
	}
}
