package notify

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"strings"
	"time"

	"github.com/quantive/entra-scim-harness/client/quarantine"
)

// Sender is the address Entra's quarantine emails come from (QUAR-06).
const Sender = "azure-noreply@microsoft.com"

// Errors for messages that cannot be written.
var (
	// ErrNoRecipient: no Notification Email is configured, so Entra sends
	// nothing (QUAR-06 "a Notification Email must be set").
	ErrNoRecipient = errors.New("no notification email configured")
	// ErrInvalidMessage: a field cannot go into an email as given.
	ErrInvalidMessage = errors.New("invalid notification")
)

// Message is one quarantine notification.
type Message struct {
	// To is the app's Notification Email.
	To string
	// App is the application's display name.
	App string
	// JobID is the provisioning job id, shown for support.
	JobID string
	// Time is when the quarantine began or its reason changed.
	Time time.Time
	// Reason is the quarantine reason now in force.
	Reason quarantine.Reason
	// PreviousReason is set when the reason changed.
	PreviousReason quarantine.Reason
	// Error is quarantine.error, when known.
	Error *quarantine.Error
	// NextAttempt is the next retry (QUAR-04).
	NextAttempt time.Time
	// DisableAt is when the job is disabled if it is still quarantined:
	// 28 days after the first failure by default.
	DisableAt time.Time
}

// FromTransition builds the message for a transition that calls for one
// (tr.Notify()), taking the quarantine details from the job.
func FromTransition(job *quarantine.Machine, tr quarantine.Transition, app, to, jobID string) (Message, error) {
	if !tr.Notify() {
		return Message{}, fmt.Errorf("%w: transition %q sends no email", ErrInvalidMessage, tr.Event)
	}
	q := job.Status.Quarantine
	if q == nil {
		return Message{}, fmt.Errorf("%w: job is not quarantined", ErrInvalidMessage)
	}
	return Message{
		To: to, App: app, JobID: jobID, Time: tr.At,
		Reason: tr.Reason, PreviousReason: tr.PreviousReason, Error: q.Error,
		NextAttempt: q.NextAttempt,
		DisableAt:   q.SeriesBegan.Add(job.Config.WithDefaults().MaxDuration),
	}, nil
}

// FileName is the outbox name of the message: its UTC time and reason, e.g.
// 20260302T104000Z-EncounteredQuarantineException.eml.
func (m Message) FileName() string {
	return m.Time.UTC().Format("20060102T150405Z") + "-" + string(m.Reason) + ".eml"
}

func (m Message) validate() (*mail.Address, error) {
	if strings.TrimSpace(m.To) == "" {
		return nil, ErrNoRecipient
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: notification email %q: %w", ErrInvalidMessage, m.To, err)
	}
	if !m.Reason.Valid() {
		return nil, fmt.Errorf("%w: unknown quarantine reason %q", ErrInvalidMessage, m.Reason)
	}
	if m.PreviousReason != "" && !m.PreviousReason.Valid() {
		return nil, fmt.Errorf("%w: unknown previous reason %q", ErrInvalidMessage, m.PreviousReason)
	}
	if strings.TrimSpace(m.App) == "" {
		return nil, fmt.Errorf("%w: empty application name", ErrInvalidMessage)
	}
	for name, v := range map[string]string{"application name": m.App, "job id": m.JobID} {
		if strings.ContainsAny(v, "\r\n") {
			return nil, fmt.Errorf("%w: %s contains a line break", ErrInvalidMessage, name)
		}
	}
	if m.Time.IsZero() {
		return nil, fmt.Errorf("%w: no time", ErrInvalidMessage)
	}
	return to, nil
}

// maxAppRunes keeps the Subject line within RFC 5322's 998-character limit.
const maxAppRunes = 200

// Subject is the message's subject line (before encoding).
func (m Message) Subject() string {
	app := m.App
	if r := []rune(app); len(r) > maxAppRunes {
		app = string(r[:maxAppRunes]) + "…"
	}
	if m.PreviousReason != "" {
		return fmt.Sprintf("Updated: the provisioning job of %s is in quarantine for a new reason", app)
	}
	return fmt.Sprintf("Action required: the provisioning job of %s has been quarantined", app)
}

// Render returns the message as an RFC 5322 document with CRLF line ends.
func (m Message) Render() ([]byte, error) {
	to, err := m.validate()
	if err != nil {
		return nil, fmt.Errorf("render quarantine email: %w", err)
	}
	var b bytes.Buffer
	header := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	header("From", (&mail.Address{Name: "Microsoft Azure", Address: Sender}).String())
	header("To", to.String())
	header("Date", m.Time.UTC().Format(time.RFC1123Z))
	header("Subject", mime.QEncoding.Encode("utf-8", m.Subject()))
	header("Message-ID", m.messageID())
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "8bit")
	header("X-Entrasim-Quarantine-Reason", string(m.Reason))
	b.WriteString("\r\n")
	for _, line := range wrap(m.body(), 72) {
		b.WriteString(line + "\r\n")
	}
	return b.Bytes(), nil
}

// messageID is deterministic: the same notification renders the same bytes.
func (m Message) messageID() string {
	sum := sha256.Sum256([]byte(m.App + "\x00" + m.To + "\x00" + m.JobID))
	return fmt.Sprintf("<%s.%s.%s@entrasim.invalid>", m.Time.UTC().Format("20060102T150405Z"),
		m.Reason, hex.EncodeToString(sum[:6]))
}

// body returns the paragraphs of the message, separated by blank lines.
func (m Message) body() []string {
	ex := explanations[m.Reason]
	stamp := func(t time.Time) string { return t.UTC().Format("Monday, 2 January 2006 15:04 UTC") }
	var p []string
	if m.PreviousReason != "" {
		p = append(p, fmt.Sprintf("The provisioning job of the application %s is still in quarantine, "+
			"and the reason has changed from %s to %s.", m.App, m.PreviousReason, m.Reason))
	} else {
		p = append(p, fmt.Sprintf("The provisioning job of the application %s was placed in quarantine "+
			"on %s because of repeated or critical errors.", m.App, stamp(m.Time)))
	}
	p = append(p, "Quarantine reason: "+string(m.Reason))
	p = append(p, "What this means: "+ex.meaning)
	if m.Error != nil && m.Error.Code != "" {
		p = append(p, "Error code: "+m.Error.Code)
		if m.Error.Message != "" {
			p = append(p, "Error message: "+m.Error.Message)
		}
	}
	p = append(p, "What to do: "+ex.action)
	while := "While the job is in quarantine, provisioning cycles run less often, down to once a day."
	if !m.NextAttempt.IsZero() {
		while += " The next attempt is on " + stamp(m.NextAttempt) + "."
	}
	while += " If an attempt succeeds, the quarantine is lifted and provisioning resumes as usual."
	if !m.DisableAt.IsZero() {
		while += " If the job is still in quarantine on " + stamp(m.DisableAt) +
			", the failed entries are discarded and provisioning is disabled."
	}
	p = append(p, while)
	p = append(p, "Restarting provisioning after you have fixed the cause clears the quarantine at once. "+
		"You can check the quarantine status on the application's Provisioning page, in the audit logs "+
		"(activity Quarantine) and through Microsoft Graph (synchronization job status).")
	if m.JobID != "" {
		p = append(p, "Job ID: "+m.JobID)
	}
	p = append(p, "This message was sent to the notification email of the application's provisioning "+
		"settings. Please do not reply.")
	return p
}

// wrap breaks paragraphs into lines of at most width bytes where spaces
// allow, with a blank line between paragraphs.
func wrap(paragraphs []string, width int) []string {
	var lines []string
	for i, para := range paragraphs {
		if i > 0 {
			lines = append(lines, "")
		}
		line := ""
		for _, w := range strings.Fields(para) {
			switch {
			case line == "":
				line = w
			case len(line)+1+len(w) > width:
				lines = append(lines, line)
				line = w
			default:
				line += " " + w
			}
		}
		lines = append(lines, line)
	}
	return lines
}
