package notify

import (
	"fmt"
	"os"
	"path/filepath"
)

// Outbox is a folder that receives the emails as .eml files.
type Outbox struct {
	// Dir is the folder; it is created when missing.
	Dir string
}

// Write renders m and stores it as Dir/m.FileName(), replacing a file of
// the same name (same time and reason means the same message). The file
// appears whole or not at all. It returns the file's path.
func (o Outbox) Write(m Message) (string, error) {
	data, err := m.Render()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return "", fmt.Errorf("create outbox: %w", err)
	}
	path := filepath.Join(o.Dir, m.FileName())
	tmp, err := os.CreateTemp(o.Dir, ".eml-*")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return path, nil
}
