package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const portalRecords = `[
 {"changeId":"aaaa-1","action":"Create","jobId":"scim.0a1b.11111111-2222-3333-4444-555555555555",
  "statusInfo":{"status":"Failure","errorInformation":{"errorCode":"EntryConflict","reason":"409 Conflict"}},
  "sourceIdentity":{"id":"s1","displayName":"Ken Lee","identityType":"User"},
  "targetIdentity":{"id":"","identityType":"urn:ietf:params:scim:schemas:core:2.0:User"},
  "modifiedProperties":[{"displayName":"userName","oldValue":null,"newValue":"ken@contoso.com"}]},
 {"changeId":"bbbb-2","action":"StagedDelete","jobId":"scim.0a1b.11111111-2222-3333-4444-555555555555",
  "statusInfo":{"status":"Skipped"},"sourceIdentity":{"id":"s2","displayName":"Old","identityType":"User"}}
]`

// TestReproduceCommand: a portal-shaped record replayed on the throwaway
// server with and without the fault plan; bad input exits 2.
func TestReproduceCommand(t *testing.T) {
	file := filepath.Join(t.TempDir(), "download.json")
	_ = os.WriteFile(file, []byte(portalRecords), 0o644)
	code, out, errOut := run("reproduce", "--log", file, "--change-id", "aaaa-1", "--faults", "err-01-conflict-on-create")
	if code != ExitOK || !strings.Contains(out, "[request] POST /Users") || !strings.Contains(out, "REPRODUCED: EntryConflict") {
		t.Fatalf("with fault: %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = run("reproduce", "--log", file, "--index", "0")
	if code != ExitFailure || !strings.Contains(out, "NOT REPRODUCED") || !strings.Contains(errOut, "the record says EntryConflict, the replay got success") {
		t.Fatalf("without fault: %d\n%s\n%s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"reproduce", "--log", file},
		{"reproduce", "--log", file, "--change-id", "bbbb-2"},
		{"reproduce"},
		{"reproduce", "--log", file, "--index", "0", "--faults", "no-such-plan"},
		{"reproduce", "--log", file, "--index", "0", "--faults", "err-01-conflict-on-create", "--tenant-url", "http://127.0.0.1:1", "--token", "x"},
	} {
		if code, _, errOut := run(args...); code != ExitUsage {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
}

// TestReproduceOwnLogAgainstTenant: a failed record from `entrasim cycle
// --logs` replays against the same tenant URL (still failing) to the same
// code.
func TestReproduceOwnLogAgainstTenant(t *testing.T) {
	srv := startRefServer(t)
	tmp := t.TempDir()
	dirFile, _ := writeSmallDirectory(t, tmp)
	logs := filepath.Join(tmp, "logs.json")
	code, out, errOut := run("cycle", "--tenant-url", srv.TenantURL(), "--token", "revoked", "--directory", dirFile,
		"--state", filepath.Join(tmp, "s.db"), "--logs", logs)
	if code != ExitFailure {
		t.Fatalf("cycle: %d %s %s", code, out, errOut)
	}
	var recs []map[string]any
	b, _ := os.ReadFile(logs)
	if json.Unmarshal(b, &recs) != nil || len(recs) != 1 {
		t.Fatalf("logs: %s", b)
	}
	code, out, errOut = run("reproduce", "--log", logs, "--tenant-url", srv.TenantURL(), "--token", "revoked")
	if code != ExitOK || !strings.Contains(out, "REPRODUCED: SystemForCrossDomainIdentityManagementCredentialValidationFailure") {
		t.Fatalf("reproduce: %d\n%s\n%s", code, out, errOut)
	}
	if code, _, _ = run("reproduce", "--log", logs, "--tenant-url", srv.TenantURL(), "--token", srv.Token); code != ExitFailure {
		t.Fatalf("reproduced with the good token: %d", code)
	}
}
