package provlog

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/client/outcome"
)

// WriteJSON writes records as one indented JSON array, like the portal's
// JSON download (LOG-11). An empty list is written as []. Graph's API
// answer, the envelope `entrasim logs --format json` writes, is WriteList.
func WriteJSON(w io.Writer, records []Record) error {
	out := make([]Record, len(records))
	for i, r := range records {
		out[i] = Normalize(r)
	}
	records = out
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(records); err != nil {
		return fmt.Errorf("write provisioning logs as JSON: %w", err)
	}
	return nil
}

// CSV file names of the portal download (LOG-11).
const (
	FileLogs               = "ProvisioningLogs.csv"
	FileSteps              = "ProvisioningLogs_ProvisioningSteps.csv"
	FileModifiedProperties = "ProvisioningLogs_ModifiedProperties.csv"
)

// LogColumns are the columns of ProvisioningLogs.csv. Graph names come
// first; where the Azure Monitor table (AADProvisioningLogs) and the
// portal name a field differently, both names are present as extra
// columns with the same value (LOG-10 [UNC]): TimeGenerated =
// activityDateTime, ResultType = status, errorDescription and
// ResultDescription = reason, ResultSignature = errorCode.
// errorCodeSource is the harness's own column, not the portal's: where the
// errorCode comes from (outcome.CodeSource), e.g. "documented (DOC S5)",
// "observed (OBS O11)", "default (UNC-03)", "unknown" for a code the
// harness's table does not list; empty when there is no errorCode.
var LogColumns = []string{
	"id", "activityDateTime", "TimeGenerated", "changeId", "cycleId", "jobId", "durationInMilliseconds",
	"provisioningAction", "status", "ResultType", "errorCode", "ResultSignature", "errorCodeSource", "reason", "errorDescription",
	"ResultDescription", "additionalDetails", "errorCategory", "recommendedAction",
	"sourceIdentity.id", "sourceIdentity.displayName", "sourceIdentity.identityType",
	"targetIdentity.id", "targetIdentity.displayName", "targetIdentity.identityType",
	"sourceSystem.id", "sourceSystem.displayName", "targetSystem.id", "targetSystem.displayName",
	"servicePrincipal.id", "servicePrincipal.displayName",
	"initiatedBy.id", "initiatedBy.displayName", "initiatedBy.initiatorType", "tenantId",
}

// StepColumns are the columns of ProvisioningLogs_ProvisioningSteps.csv;
// stepNumber starts at 1 and details is a JSON object.
var StepColumns = []string{"changeId", "stepNumber", "name", "provisioningStepType", "status", "description", "details"}

// ModifiedPropertyColumns are the columns of
// ProvisioningLogs_ModifiedProperties.csv; a null value is an empty cell.
var ModifiedPropertyColumns = []string{"changeId", "displayName", "oldValue", "newValue"}

// WriteCSV writes the three CSV files, joined on changeId (LOG-11).
func WriteCSV(logs, steps, props io.Writer, records []Record) error {
	lw, sw, pw := csv.NewWriter(logs), csv.NewWriter(steps), csv.NewWriter(props)
	if err := lw.Write(LogColumns); err != nil {
		return fmt.Errorf("write %s: %w", FileLogs, err)
	}
	if err := sw.Write(StepColumns); err != nil {
		return fmt.Errorf("write %s: %w", FileSteps, err)
	}
	if err := pw.Write(ModifiedPropertyColumns); err != nil {
		return fmt.Errorf("write %s: %w", FileModifiedProperties, err)
	}
	for _, r := range records {
		var e ErrorInfo
		if r.ProvisioningStatusInfo.ErrorInformation != nil {
			e = *r.ProvisioningStatusInfo.ErrorInformation
		}
		ts := r.ActivityDateTime.UTC().Format(time.RFC3339Nano)
		st := string(r.ProvisioningStatusInfo.Status)
		row := []string{
			r.ID, ts, ts, r.ChangeID, r.CycleID, r.JobID, strconv.Itoa(int(r.DurationInMilliseconds)),
			string(r.ProvisioningAction), st, st, e.ErrorCode, e.ErrorCode, CodeSource(e.ErrorCode), e.Reason, e.Reason,
			e.Reason, e.AdditionalDetails, string(e.ErrorCategory), e.RecommendedAction,
			r.SourceIdentity.ID, r.SourceIdentity.DisplayName, r.SourceIdentity.IdentityType,
			r.TargetIdentity.ID, r.TargetIdentity.DisplayName, r.TargetIdentity.IdentityType,
			r.SourceSystem.ID, r.SourceSystem.DisplayName, r.TargetSystem.ID, r.TargetSystem.DisplayName,
			r.ServicePrincipal.ID, r.ServicePrincipal.DisplayName,
			r.InitiatedBy.ID, r.InitiatedBy.DisplayName, string(r.InitiatedBy.InitiatorType), r.TenantID,
		}
		if err := lw.Write(row); err != nil {
			return fmt.Errorf("write %s: %w", FileLogs, err)
		}
		for i, s := range r.ProvisioningSteps {
			details := s.Details
			if details == nil {
				details = map[string]string{}
			}
			dj, err := json.Marshal(details)
			if err != nil {
				return fmt.Errorf("step details: %w", err)
			}
			if err := sw.Write([]string{r.ChangeID, strconv.Itoa(i + 1), s.Name, string(s.ProvisioningStepType),
				string(s.Status), s.Description, string(dj)}); err != nil {
				return fmt.Errorf("write %s: %w", FileSteps, err)
			}
		}
		for _, m := range r.ModifiedProperties {
			if err := pw.Write([]string{r.ChangeID, m.DisplayName, deref(m.OldValue), deref(m.NewValue)}); err != nil {
				return fmt.Errorf("write %s: %w", FileModifiedProperties, err)
			}
		}
	}
	for _, w := range []*csv.Writer{lw, sw, pw} {
		w.Flush()
		if err := w.Error(); err != nil {
			return fmt.Errorf("write provisioning logs as CSV: %w", err)
		}
	}
	return nil
}

// CodeSource renders where an errorCode comes from (outcome.CodeSource),
// "" when there is no code.
func CodeSource(code string) string {
	if code == "" {
		return ""
	}
	return outcome.CodeSource(code).String()
}

// WriteText writes records for people: one line per record (time, action,
// status, source object, target id) and, for a record with an errorCode,
// a second line with the code, where it comes from and the reason. It is
// the harness's own view; the JSON and CSV exports keep the portal's form.
func WriteText(w io.Writer, records []Record) error {
	var b strings.Builder
	for _, r := range records {
		target := r.TargetIdentity.ID
		if target == "" {
			target = "-"
		}
		fmt.Fprintf(&b, "%s %s %s %s %q (source %s, target %s)\n",
			r.ActivityDateTime.UTC().Format(time.RFC3339Nano), r.ProvisioningAction, r.ProvisioningStatusInfo.Status,
			r.SourceIdentity.IdentityType, r.SourceIdentity.DisplayName, r.SourceIdentity.ID, target)
		if e := r.ProvisioningStatusInfo.ErrorInformation; e != nil && e.ErrorCode != "" {
			fmt.Fprintf(&b, "    errorCode %s [%s]: %s\n", e.ErrorCode, CodeSource(e.ErrorCode), oneLine(e.Reason))
		}
	}
	fmt.Fprintf(&b, "%d records\n", len(records))
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write provisioning logs as text: %w", err)
	}
	return nil
}

// oneLine folds line breaks so that a reason stays on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// WriteCSVDir writes the three CSV files into dir (created if needed).
func WriteCSVDir(dir string, records []Record) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	files := make([]*os.File, 3)
	for i, name := range []string{FileLogs, FileSteps, FileModifiedProperties} {
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			for _, g := range files[:i] {
				g.Close()
			}
			return fmt.Errorf("create %s: %w", name, err)
		}
		files[i] = f
	}
	werr := WriteCSV(files[0], files[1], files[2], records)
	for _, f := range files {
		if err := f.Close(); err != nil && werr == nil {
			werr = fmt.Errorf("close %s: %w", f.Name(), err)
		}
	}
	return werr
}
