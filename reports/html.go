package reports

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
)

//go:embed report.html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"lower": strings.ToLower,
	"join":  strings.Join,
	"failuresOf": func(r *Report) []Result {
		var out []Result
		for _, res := range r.Results {
			if res.Result == Failed {
				out = append(out, res)
			}
		}
		return out
	},
	"resultsOf": func(r *Report, profile Profile) []Result {
		var out []Result
		for _, res := range r.Results {
			if res.Profile == profile {
				out = append(out, res)
			}
		}
		return out
	},
}).Parse(htmlTemplateText))

// WriteHTML writes the report as one self-contained HTML page: inline CSS, no
// scripts, no external resources, so it can be attached to a ticket or opened
// from disk anywhere.
func WriteHTML(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, htmlView{Report: r, Duration: r.Duration.String()}); err != nil {
		return fmt.Errorf("render HTML report: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write HTML report: %w", err)
	}
	return nil
}

type htmlView struct {
	*Report
	Duration string
}
