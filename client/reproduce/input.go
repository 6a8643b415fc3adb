package reproduce

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
)

// ReadPath reads the records at path: a JSON file, a CSV download, or a
// folder holding a CSV download (the three files) or one JSON file. Given
// the ProvisioningLogs CSV file, the steps and modified-properties files
// are read from the same folder: NAME_ProvisioningSteps.csv and
// NAME_ModifiedProperties.csv, else the one file of the folder whose name
// contains ProvisioningSteps (ModifiedProperties). format describes what
// was read.
func ReadPath(path string) (entries []*Entry, format string, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	if fi.IsDir() {
		return readDir(path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, "", fmt.Errorf("%w: %w", ErrBadInput, err)
	}
	if !isCSV(data) {
		return Parse(data)
	}
	base := strings.ToLower(filepath.Base(path))
	if strings.Contains(base, "provisioningsteps") || strings.Contains(base, "modifiedproperties") {
		return nil, "", fmt.Errorf("%w: %s is the steps or modified-properties file of a CSV download; give the ProvisioningLogs file or the folder of the three files", ErrBadInput, path)
	}
	dir := filepath.Dir(path)
	stem := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	steps := sibling(dir, stem+"_ProvisioningSteps.csv", "provisioningsteps")
	props := sibling(dir, stem+"_ModifiedProperties.csv", "modifiedproperties")
	return readCSV(path, steps, props)
}

func isCSV(data []byte) bool {
	data = bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	return len(data) > 0 && data[0] != '{' && data[0] != '['
}

// sibling finds a companion file of a CSV download: the exact name, else
// the only .csv file in dir whose lower-case name contains part.
func sibling(dir, name, part string) string {
	if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
		return filepath.Join(dir, name)
	}
	matches := csvFiles(dir, func(n string) bool { return strings.Contains(n, part) })
	if len(matches) == 1 {
		return matches[0]
	}
	return ""
}

func csvFiles(dir string, keep func(lowerName string) bool) []string {
	ents, _ := os.ReadDir(dir)
	var out []string
	for _, e := range ents {
		n := strings.ToLower(e.Name())
		if !e.IsDir() && strings.HasSuffix(n, ".csv") && keep(n) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out
}

// readDir reads a folder: the three CSV files, or its one JSON file.
func readDir(dir string) ([]*Entry, string, error) {
	logs := csvFiles(dir, func(n string) bool {
		return strings.Contains(n, "provisioninglogs") && !strings.Contains(n, "provisioningsteps") && !strings.Contains(n, "modifiedproperties")
	})
	if len(logs) > 1 {
		return nil, "", fmt.Errorf("%w: %s holds several ProvisioningLogs CSV files (%s); give one of them", ErrBadInput, dir, strings.Join(logs, ", "))
	}
	if len(logs) == 1 {
		return readCSV(logs[0], sibling(dir, "ProvisioningLogs_ProvisioningSteps.csv", "provisioningsteps"),
			sibling(dir, "ProvisioningLogs_ModifiedProperties.csv", "modifiedproperties"))
	}
	jsons, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(jsons) == 1 {
		return ReadPath(jsons[0])
	}
	return nil, "", fmt.Errorf("%w: %s holds neither a ProvisioningLogs CSV download nor exactly one JSON file", ErrBadInput, dir)
}

func readCSV(logs, steps, props string) ([]*Entry, string, error) {
	read := func(p string) ([]byte, error) {
		if p == "" {
			return nil, nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrBadInput, err)
		}
		return b, nil
	}
	lb, err := read(logs)
	if err != nil {
		return nil, "", err
	}
	sb, err := read(steps)
	if err != nil {
		return nil, "", err
	}
	pb, err := read(props)
	if err != nil {
		return nil, "", err
	}
	recs, err := csvRecords(lb, sb, pb)
	if err != nil {
		return nil, "", err
	}
	es, err := toEntries(recs, "csv")
	if err != nil {
		return nil, "", err
	}
	format := "CSV download " + filepath.Base(logs)
	var missing []string
	if steps == "" {
		missing = append(missing, "no ProvisioningSteps file")
	} else {
		format += " + " + filepath.Base(steps)
	}
	if props == "" {
		missing = append(missing, "no ModifiedProperties file")
	} else {
		format += " + " + filepath.Base(props)
	}
	if len(missing) > 0 {
		format += " (" + strings.Join(missing, ", ") + " next to it)"
	}
	return es, format, nil
}

// Column names of the CSV downloads, lower case without spaces, dots and
// underscores. Our export (provlog.LogColumns) uses Graph's names; the
// portal's headers are not documented (LOG-11 names only the files and the
// changeId join), so its likely spellings ("Change ID", "Source Identity
// Name", "Error Code") and the Azure Monitor names (LOG-10) are accepted.
var (
	colID          = []string{"id", "activityid"}
	colChangeID    = []string{"changeid"}
	colCycleID     = []string{"cycleid"}
	colJobID       = []string{"jobid"}
	colAction      = []string{"provisioningaction", "action"}
	colStatus      = []string{"status", "resulttype", "provisioningstatusinfostatus"}
	colErrorCode   = []string{"errorcode", "resultsignature", "provisioningstatusinfoerrorinformationerrorcode"}
	colReason      = []string{"reason", "errordescription", "resultdescription", "errorreason", "provisioningstatusinfoerrorinformationreason"}
	colSourceID    = []string{"sourceidentityid", "sourceid"}
	colSourceName  = []string{"sourceidentitydisplayname", "sourceidentityname", "sourcedisplayname", "sourcename"}
	colSourceType  = []string{"sourceidentityidentitytype", "sourceidentitytype", "sourcetype"}
	colTargetID    = []string{"targetidentityid", "targetid"}
	colTargetName  = []string{"targetidentitydisplayname", "targetidentityname", "targetdisplayname", "targetname"}
	colTargetType  = []string{"targetidentityidentitytype", "targetidentitytype", "targettype"}
	colSPName      = []string{"serviceprincipaldisplayname", "serviceprincipalname", "serviceprincipal"}
	colTargetSys   = []string{"targetsystemdisplayname", "targetsystemname", "targetsystem"}
	colStepNumber  = []string{"stepnumber", "step", "order"}
	colStepName    = []string{"name", "stepname"}
	colStepType    = []string{"provisioningsteptype", "steptype", "type"}
	colStepStatus  = []string{"status", "stepstatus"}
	colStepDesc    = []string{"description", "stepdescription"}
	colStepDetails = []string{"details", "stepdetails"}
	colPropName    = []string{"displayname", "name", "propertyname", "attributename", "attribute", "property"}
	colOld         = []string{"oldvalue", "old"}
	colNew         = []string{"newvalue", "new"}
)

type table struct {
	name string
	cols map[string]int
	rows [][]string
}

func readTable(name string, data []byte) (*table, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadInput, name, err)
	}
	t := &table{name: name, cols: map[string]int{}}
	for i, h := range head {
		k := normCol(h)
		if _, dup := t.cols[k]; !dup {
			t.cols[k] = i
		}
	}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %s: %w", ErrBadInput, name, err)
		}
		t.rows = append(t.rows, row)
	}
	return t, nil
}

func normCol(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// has reports whether one of names is a column.
func (t *table) has(names []string) bool {
	for _, n := range names {
		if _, ok := t.cols[n]; ok {
			return true
		}
	}
	return false
}

// cell is the first of names present in row ("" when none is).
func (t *table) cell(row []string, names []string) string {
	for _, n := range names {
		if i, ok := t.cols[n]; ok && i < len(row) {
			return strings.TrimSpace(row[i])
		}
	}
	return ""
}

// csvRecords joins the three files of a CSV download on changeId into
// records shaped like Graph's, which toEntry reads. An empty cell is null.
func csvRecords(logs, steps, props []byte) ([]map[string]any, error) {
	lt, err := readTable("ProvisioningLogs CSV", logs)
	if err != nil {
		return nil, err
	}
	if !lt.has(colAction) {
		return nil, fmt.Errorf("%w: ProvisioningLogs CSV: no provisioningAction (or Action) column", ErrBadInput)
	}
	if !lt.has(colChangeID) {
		return nil, fmt.Errorf("%w: ProvisioningLogs CSV: no changeId column to join the steps and modified properties on", ErrBadInput)
	}
	stepsBy := map[string][]any{}
	if steps != nil {
		st, err := readTable("ProvisioningSteps CSV", steps)
		if err != nil {
			return nil, err
		}
		if !st.has(colChangeID) {
			return nil, fmt.Errorf("%w: ProvisioningSteps CSV: no changeId column", ErrBadInput)
		}
		type numbered struct {
			n    int
			step map[string]any
		}
		tmp := map[string][]numbered{}
		for i, row := range st.rows {
			n := i
			if v := st.cell(row, colStepNumber); v != "" {
				fmt.Sscan(v, &n) //nolint:errcheck // a bad number keeps the file order
			}
			cid := st.cell(row, colChangeID)
			tmp[cid] = append(tmp[cid], numbered{n, map[string]any{
				"name": st.cell(row, colStepName), "provisioningStepType": st.cell(row, colStepType),
				"status": st.cell(row, colStepStatus), "description": st.cell(row, colStepDesc),
				"details": st.cell(row, colStepDetails)}})
		}
		for cid, list := range tmp {
			slices.SortStableFunc(list, func(a, b numbered) int { return cmp.Compare(a.n, b.n) })
			for _, s := range list {
				stepsBy[cid] = append(stepsBy[cid], s.step)
			}
		}
	}
	propsBy := map[string][]any{}
	if props != nil {
		pt, err := readTable("ModifiedProperties CSV", props)
		if err != nil {
			return nil, err
		}
		if !pt.has(colChangeID) || !pt.has(colPropName) {
			return nil, fmt.Errorf("%w: ModifiedProperties CSV: want changeId and displayName columns", ErrBadInput)
		}
		for _, row := range pt.rows {
			cid := pt.cell(row, colChangeID)
			propsBy[cid] = append(propsBy[cid], map[string]any{"displayName": pt.cell(row, colPropName),
				"oldValue": nullable(pt.cell(row, colOld)), "newValue": nullable(pt.cell(row, colNew))})
		}
	}
	out := make([]map[string]any, 0, len(lt.rows))
	for _, row := range lt.rows {
		if len(row) == 1 && strings.TrimSpace(row[0]) == "" {
			continue
		}
		cid := lt.cell(row, colChangeID)
		rec := map[string]any{
			"id": lt.cell(row, colID), "changeId": cid, "cycleId": lt.cell(row, colCycleID), "jobId": lt.cell(row, colJobID),
			"provisioningAction": lt.cell(row, colAction),
			"provisioningStatusInfo": map[string]any{"status": lt.cell(row, colStatus),
				"errorInformation": map[string]any{"errorCode": lt.cell(row, colErrorCode), "reason": lt.cell(row, colReason)}},
			"sourceIdentity": map[string]any{"id": lt.cell(row, colSourceID), "displayName": lt.cell(row, colSourceName),
				"identityType": lt.cell(row, colSourceType)},
			"targetIdentity": map[string]any{"id": lt.cell(row, colTargetID), "displayName": lt.cell(row, colTargetName),
				"identityType": lt.cell(row, colTargetType)},
			"servicePrincipal":   map[string]any{"displayName": lt.cell(row, colSPName)},
			"targetSystem":       map[string]any{"displayName": lt.cell(row, colTargetSys)},
			"provisioningSteps":  stepsBy[cid],
			"modifiedProperties": propsBy[cid],
		}
		if stepsBy[cid] == nil {
			rec["provisioningSteps"] = []any{}
		}
		if propsBy[cid] == nil {
			rec["modifiedProperties"] = []any{}
		}
		out = append(out, rec)
	}
	return out, nil
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
