package provlog

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
)

// Job templates (LOG-09).
const (
	TemplateSCIM         = "scim"
	TemplateCustomAppSSO = "customappsso"
	TemplateGtmhub       = "gtmhub"
)

var (
	guidRe  = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	jobIDRe = regexp.MustCompile(`^([A-Za-z0-9]+)\.([0-9a-fA-F-]{8,})\.([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$`)
)

// JobID builds a job id "<template>.<hex id>.<tenant guid>" (LOG-09).
func JobID(template, hexID, tenantID string) (string, error) {
	id := template + "." + hexID + "." + tenantID
	if _, _, _, err := ParseJobID(id); err != nil {
		return "", err
	}
	return id, nil
}

// NewJobID builds a job id with a random 32-digit hex id.
func NewJobID(template, tenantID string) (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("job id: %w", err)
	}
	return JobID(template, hex.EncodeToString(b[:]), tenantID)
}

// ParseJobID splits and validates a job id.
func ParseJobID(id string) (template, hexID, tenantID string, err error) {
	m := jobIDRe.FindStringSubmatch(id)
	if m == nil {
		return "", "", "", fmt.Errorf("job id %q: want <template>.<hex id>.<tenant guid> (LOG-09)", id)
	}
	return m[1], m[2], m[3], nil
}

// IsGUID reports whether s is a GUID in 8-4-4-4-12 form.
func IsGUID(s string) bool { return guidRe.MatchString(s) }

// NewGUID returns a random (version 4) GUID.
func NewGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
