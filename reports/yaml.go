package reports

import (
	"bytes"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// WriteYAML writes the report as a YAML document. The output depends only on
// the report's content, so it can be compared with golden files.
func WriteYAML(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(yamlReport(r)); err != nil {
		return fmt.Errorf("encode report as YAML: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("encode report as YAML: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write YAML report: %w", err)
	}
	return nil
}

// ReadYAML parses a report written by WriteYAML.
func ReadYAML(data []byte) (*Report, error) {
	var y yamlDoc
	if err := yaml.Unmarshal(data, &y); err != nil {
		return nil, fmt.Errorf("parse YAML report: %w", err)
	}
	r := y.Report
	d, err := parseDuration(y.Duration)
	if err != nil {
		return nil, fmt.Errorf("parse YAML report: duration: %w", err)
	}
	r.Duration = d
	return &r, nil
}

// yamlDoc renders the duration as text ("1m2.5s") rather than nanoseconds.
type yamlDoc struct {
	Report   `yaml:",inline"`
	Duration string `yaml:"duration"`
}

func yamlReport(r *Report) yamlDoc {
	return yamlDoc{Report: *r, Duration: r.Duration.String()}
}
