package notify

import (
	"github.com/quantive/entra-scim-harness/golden"

	"bytes"
	"errors"
	"io"
	"mime"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/quantive/entra-scim-harness/client/quarantine"
)

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

// credentialQuarantine returns a job quarantined by a 401 at t0+40m, and the
// transition that did it.
func credentialQuarantine(t *testing.T) (*quarantine.Machine, quarantine.Transition) {
	t.Helper()
	j := quarantine.New(quarantine.Config{})
	at := t0.Add(40 * time.Minute)
	if err := j.CycleStarted(at); err != nil {
		t.Fatal(err)
	}
	tr, err := j.CycleFinished(at, quarantine.Summary{Fatal: &quarantine.Fatal{
		Reason:  quarantine.ReasonQuarantineException,
		Code:    "SystemForCrossDomainIdentityManagementCredentialValidationFailure",
		Message: "The target application answered 401 Unauthorized: the secret token is invalid or expired.",
	}})
	if err != nil {
		t.Fatal(err)
	}
	return j, tr
}

func matchGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Assert(t, filepath.Join("testdata", name), got)
}

// QUAR-06: the email for a job entering quarantine on invalid credentials.
func TestRender_QUAR06_CredentialQuarantineGolden(t *testing.T) {
	j, tr := credentialQuarantine(t)
	m, err := FromTransition(j, tr, "Gtmhub", "it-admins@contoso.com", "scim.7f1c2e3d4b5a4c6d8e9f0a1b2c3d4e5f.a1b2c3d4-e5f6-4789-abcd-ef0123456789")
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Render()
	if err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "quarantine-credentials.eml", got)
	if m.FileName() != "20260302T084000Z-EncounteredQuarantineException.eml" {
		t.Fatalf("file name = %s", m.FileName())
	}
}

// QUAR-06: "a new one if the reason changes".
func TestRender_QUAR06_ReasonChangedGolden(t *testing.T) {
	j, _ := credentialQuarantine(t)
	at := t0.Add(40*time.Minute + 6*time.Hour)
	if err := j.CycleStarted(at); err != nil {
		t.Fatal(err)
	}
	tr, err := j.CycleFinished(at, quarantine.Summary{Exports: 35_000, Exported: 5_000, Escrowed: 30_000})
	if err != nil || tr.Event != quarantine.EventReasonChanged {
		t.Fatalf("%s %v", tr, err)
	}
	m, err := FromTransition(j, tr, "Gtmhub", "it-admins@contoso.com", "")
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Render()
	if err != nil {
		t.Fatal(err)
	}
	matchGolden(t, "quarantine-reason-changed.eml", got)
}

// Every reason renders a well-formed RFC 5322 message that a mail parser
// reads back, with CRLF line ends, short lines, and the reason's own text.
func TestRender_EveryReasonIsWellFormed(t *testing.T) {
	seen := map[string]quarantine.Reason{}
	for _, r := range quarantine.Reasons {
		m := Message{To: "Admin Team <admins@contoso.com>", App: "Gtmhub", Time: t0, Reason: r,
			NextAttempt: t0.Add(6 * time.Hour), DisableAt: t0.Add(28 * 24 * time.Hour)}
		raw, err := m.Render()
		if err != nil {
			t.Fatalf("%s: %v", r, err)
		}
		if bytes.Contains(bytes.ReplaceAll(raw, []byte("\r\n"), nil), []byte("\n")) {
			t.Fatalf("%s: bare LF in message", r)
		}
		for _, line := range strings.Split(string(raw), "\r\n") {
			if len(line) > 78 && !strings.HasPrefix(line, "Message-ID:") {
				t.Errorf("%s: line longer than 78 characters: %q", r, line)
			}
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: parse: %v", r, err)
		}
		from, err := mail.ParseAddress(msg.Header.Get("From"))
		if err != nil || from.Address != Sender {
			t.Fatalf("%s: From = %q (%v)", r, msg.Header.Get("From"), err)
		}
		to, err := mail.ParseAddress(msg.Header.Get("To"))
		if err != nil || to.Address != "admins@contoso.com" || to.Name != "Admin Team" {
			t.Fatalf("%s: To = %q (%v)", r, msg.Header.Get("To"), err)
		}
		if d, err := msg.Header.Date(); err != nil || !d.Equal(t0) {
			t.Fatalf("%s: Date = %v (%v)", r, d, err)
		}
		if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, ">") || !strings.Contains(id, "@") {
			t.Fatalf("%s: Message-ID = %q", r, id)
		}
		body, _ := io.ReadAll(msg.Body)
		text := strings.Join(strings.Fields(string(body)), " ")
		for _, want := range []string{"Gtmhub", "Quarantine reason: " + string(r), explanations[r].meaning, explanations[r].action,
			"The next attempt is on Monday, 2 March 2026 14:00 UTC",  // +6 h
			"still in quarantine on Monday, 30 March 2026 08:00 UTC", // +28 days
		} {
			if !strings.Contains(text, strings.Join(strings.Fields(want), " ")) {
				t.Errorf("%s: body lacks %q", r, want)
			}
		}
		if explanations[r].meaning == "" || explanations[r].action == "" {
			t.Errorf("%s: no explanation", r)
		}
		if other, dup := seen[explanations[r].meaning]; dup {
			t.Errorf("%s and %s share the same explanation", r, other)
		}
		seen[explanations[r].meaning] = r
	}
}

func TestRender_NonASCIIAppNameEncodedInSubject(t *testing.T) {
	m := Message{To: "a@b.example", App: "Überprüfung – Ziele", Time: t0, Reason: quarantine.ReasonTooManyDeletes}
	raw, err := m.Render()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	enc := msg.Header.Get("Subject")
	for _, c := range enc {
		if c > 127 {
			t.Fatalf("raw Subject has non-ASCII: %q", enc)
		}
	}
	dec, err := new(mime.WordDecoder).DecodeHeader(enc)
	if err != nil || dec != m.Subject() || !strings.Contains(dec, "Überprüfung – Ziele") {
		t.Fatalf("decoded Subject = %q (%v)", dec, err)
	}
}

func TestRender_BadInput(t *testing.T) {
	ok := Message{To: "a@b.example", App: "App", Time: t0, Reason: quarantine.ReasonUnknown}
	tests := []struct {
		name string
		mod  func(*Message)
		want error
	}{
		{"no recipient", func(m *Message) { m.To = " " }, ErrNoRecipient},
		{"bad recipient", func(m *Message) { m.To = "not an address" }, ErrInvalidMessage},
		{"header injection via recipient", func(m *Message) { m.To = "a@b.example\r\nBcc: x@y.example" }, ErrInvalidMessage},
		{"header injection via app", func(m *Message) { m.App = "App\r\nBcc: x@y.example" }, ErrInvalidMessage},
		{"empty app", func(m *Message) { m.App = "" }, ErrInvalidMessage},
		{"unknown reason", func(m *Message) { m.Reason = "QuarantineOnDemand" }, ErrInvalidMessage},
		{"unknown previous reason", func(m *Message) { m.PreviousReason = "Nope" }, ErrInvalidMessage},
		{"no time", func(m *Message) { m.Time = time.Time{} }, ErrInvalidMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.mod(&m)
			if _, err := m.Render(); !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			dir := t.TempDir()
			if _, err := (Outbox{Dir: dir}).Write(m); !errors.Is(err, tt.want) {
				t.Fatalf("Write err = %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("a rejected message left files: %v", entries)
			}
		})
	}
	if _, err := (Message{To: "a@b.example", App: "A", Time: t0, Reason: quarantine.ReasonUnknown}).Render(); err != nil {
		t.Fatalf("valid message rejected: %v", err)
	}
}

func TestFromTransition_OnlyWhenEntraWouldSend(t *testing.T) {
	j, tr := credentialQuarantine(t)
	m, err := FromTransition(j, tr, "App", "a@b.example", "")
	if err != nil {
		t.Fatal(err)
	}
	if !m.NextAttempt.Equal(t0.Add(40*time.Minute+6*time.Hour)) || !m.DisableAt.Equal(t0.Add(40*time.Minute+28*24*time.Hour)) ||
		m.Error == nil || m.Error.Code != "SystemForCrossDomainIdentityManagementCredentialValidationFailure" {
		t.Fatalf("message = %+v", m)
	}
	at := t0.Add(40*time.Minute + 6*time.Hour)
	_ = j.CycleStarted(at)
	retry, _ := j.CycleFinished(at, quarantine.Summary{Fatal: &quarantine.Fatal{Reason: quarantine.ReasonQuarantineException}})
	if _, err := FromTransition(j, retry, "App", "a@b.example", ""); !errors.Is(err, ErrInvalidMessage) {
		t.Fatalf("a retry with the same reason must not build an email: %v", err)
	}
}

func TestOutbox_WriteDeterministic(t *testing.T) {
	j, tr := credentialQuarantine(t)
	m, err := FromTransition(j, tr, "Gtmhub", "it-admins@contoso.com", "")
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "outbox")
	path, err := Outbox{Dir: dir}.Write(m)
	if err != nil {
		t.Fatal(err)
	}
	if path != filepath.Join(dir, "20260302T084000Z-EncounteredQuarantineException.eml") {
		t.Fatalf("path = %s", path)
	}
	want, _ := m.Render()
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("file content differs from Render (%v)", err)
	}
	// Writing again replaces the file with identical bytes; nothing else
	// (no temporary files) is left in the folder.
	if _, err := (Outbox{Dir: dir}).Write(m); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("outbox holds %d files, want 1", len(entries))
	}
}
