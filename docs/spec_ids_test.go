// Package docs holds the behaviour specification (entra-behavior.md), the
// architecture note and the reference of the directory file format: the
// copies this repository maintains. Its test keeps the code honest about
// them.
package docs

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// defined matches the places the spec defines an ID: a bold entry
// ("**ENTRA-FLOW-04 Create a user.**") or the first cell of a table row
// ("| ENTRA-REQ-01 | …").
var defined = regexp.MustCompile(`(?m)(?:\*\*|^\|\s*)((?:ENTRA-[A-Z]+|[A-Z]+)-\d{2})\b`)

// cited matches a spec ID written in full.
var cited = regexp.MustCompile(`\b(ENTRA-[A-Z]+|GTM|RFC|VAL|LOG|ERR|MAP|SCOPE|UNC)-\d{2}\b`)

// short matches an ENTRA family written without its prefix, as the spec
// itself does ("see FLOW-17"): QUAR-03 stands for ENTRA-QUAR-03.
var short = regexp.MustCompile(`(?:^|[^A-Z-])((?:QUAR|DEL|FLOW|HTTP|PATCH|REQ|RESP|CYCLE|MATCH|DEPROV|REF|NULL)-\d{2})\b`)

// deliberate are IDs tests use because they are not in the spec.
var deliberate = []string{"ENTRA-FLOW-99"}

func specIDs(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile("entra-behavior.md")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, m := range defined.FindAllStringSubmatch(string(data), -1) {
		ids[m[1]] = true
	}
	if len(ids) < 150 {
		t.Fatalf("found only %d defined IDs in entra-behavior.md; the pattern no longer reads the spec", len(ids))
	}
	return ids
}

// TestEveryCitedSpecIDIsDefined fails when code, a fixture, a catalogue
// entry or a README cites a spec ID that docs/entra-behavior.md does not
// define, or writes an ENTRA ID without its prefix.
func TestEveryCitedSpecIDIsDefined(t *testing.T) {
	ids := specIDs(t)
	var problems []string
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if name == "node_modules" || name == ".git" || name == "out" || (strings.HasPrefix(name, ".") && name != "..") {
				return filepath.SkipDir
			}
			return nil
		}
		if filepath.Clean(path) == filepath.Join("..", "docs", "entra-behavior.md") {
			return nil
		}
		switch filepath.Ext(name) {
		case ".go", ".yaml", ".yml", ".md", ".tmpl", ".json":
		default:
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, m := range cited.FindAllString(line, -1) {
				if !ids[m] && !slices.Contains(deliberate, m) {
					problems = append(problems, path+":"+strconv.Itoa(i+1)+": "+m+" is not defined in docs/entra-behavior.md")
				}
			}
			for _, m := range short.FindAllStringSubmatch(line, -1) {
				if !ids["ENTRA-"+m[1]] {
					problems = append(problems, path+":"+strconv.Itoa(i+1)+": "+m[1]+" (ENTRA-"+m[1]+") is not defined in docs/entra-behavior.md")
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Error(p)
	}
}
