package faults_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/quantive/entra-scim-harness/reference-server/internal/faults"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLoadFileYAMLForOneAccount(t *testing.T) {
	p := writeFile(t, "plan.yaml", `
account: acme
spec: ERR-01
errorCode: EntryConflict
rules:
  - name: conflict
    method: POST
    path: ^/Users$
    status: 409
    times: 1
`)
	e := faults.New(1)
	if err := e.LoadFile(p); err != nil {
		t.Fatal(err)
	}
	c := newChain(t, e)
	if resp, _ := c.must(t, "POST", "acme", "/Users", "{}"); resp.StatusCode != 409 {
		t.Errorf("acme POST: %d", resp.StatusCode)
	}
	if resp, _ := c.must(t, "POST", "acme", "/Users", "{}"); resp.StatusCode != 200 {
		t.Errorf("second POST (times 1 spent): %d", resp.StatusCode)
	}
	if resp, _ := c.must(t, "POST", "other", "/Users", "{}"); resp.StatusCode != 200 {
		t.Errorf("other account: %d", resp.StatusCode)
	}
	if st := e.Plan("acme"); st.ErrorCode != "EntryConflict" || st.Spec != "ERR-01" {
		t.Errorf("meta = %+v", st.Meta)
	}
}

func TestLoadFileJSONAccountsMap(t *testing.T) {
	p := writeFile(t, "plan.json", `{"accounts":{
		"a":{"rules":[{"name":"a500","status":500}]},
		"b":{"rules":[{"name":"b403","status":403}]}}}`)
	e := faults.New(1)
	if err := e.LoadFile(p); err != nil {
		t.Fatal(err)
	}
	c := newChain(t, e)
	for account, want := range map[string]int{"a": 500, "b": 403, "c": 200} {
		if resp, _ := c.must(t, "GET", account, "/Users", ""); resp.StatusCode != want {
			t.Errorf("%s: %d, want %d", account, resp.StatusCode, want)
		}
	}
}

func TestLoadFileWithoutAccountAppliesToEveryAccountSeparately(t *testing.T) {
	p := writeFile(t, "plan.yml", "rules:\n  - {name: once, status: 500, times: 1}\n")
	e := faults.New(1)
	if err := e.LoadFile(p); err != nil {
		t.Fatal(err)
	}
	c := newChain(t, e)
	for _, account := range []string{"x", "y"} {
		if resp, _ := c.must(t, "GET", account, "/Users", ""); resp.StatusCode != 500 {
			t.Errorf("%s first: %d, want 500 (own budget)", account, resp.StatusCode)
		}
		if resp, _ := c.must(t, "GET", account, "/Users", ""); resp.StatusCode != 200 {
			t.Errorf("%s second: %d, want 200", account, resp.StatusCode)
		}
	}
	// DELETE (Clear) really clears, even for an account fed by the default plan.
	e.Clear("z")
	if resp, _ := c.must(t, "GET", "z", "/Users", ""); resp.StatusCode != 200 {
		t.Errorf("cleared account z: %d", resp.StatusCode)
	}
}

func TestLoadFileErrors(t *testing.T) {
	cases := []struct{ name, content, want string }{
		{"bad.yaml", "rules:\n  - {status: 500}\n  - {path: '(', status: 500}\n", "rules[1].path"},
		{"unknown.yaml", "rules:\n  - {stauts: 500}\n", "stauts"},
		{"acct.json", `{"accounts":{"acme":{"rules":[{"action":"boom"}]}}}`, `account "acme": rules[0].action`},
		{"syntax.json", `{"rules":[`, "syntax.json"},
		{"syntax.yaml", "rules: [", "syntax.yaml"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := faults.New(1).LoadFile(writeFile(t, tc.name, tc.content))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
	if err := faults.New(1).LoadFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("missing file: no error")
	}
}
