package main

import (
	"fmt"
	"html"
	"os"
	"path/filepath"

	"github.com/vrcheck/vrcheck/checker"
)

// writeHTMLReports writes everything a person opens after a check into dir: the checker's
// report (trace.html, and porcupine's linearizability.html when it has one), the run's
// timeline (timeline.html, scrolled to the first failure), and index.html linking them.
func writeHTMLReports(rep *checker.Report, data []byte, name, dir string) error {
	if err := rep.WriteHTML(dir, "timeline.html"); err != nil {
		return err
	}
	if err := writeTimeline(data, name, filepath.Join(dir, "timeline.html"), firstFailure(rep), nil); err != nil {
		return fmt.Errorf("timeline: %w", err)
	}
	verdict := "every check passed"
	if !rep.OK() {
		verdict = "a check failed"
	}
	page := fmt.Sprintf(`<!doctype html><meta charset=utf-8><title>vrcheck: %[1]s</title>
<style>body{font-family:sans-serif;margin:2em} li{margin:.4em 0}</style>
<h1>%[1]s</h1><p>%[2]s.</p><ul>
<li><a href="trace.html">the checker's report</a>: every verdict, and the trace up to the first failure</li>
<li><a href="timeline.html">timeline</a>: the run as a space-time diagram</li>
`, html.EscapeString(name), verdict)
	if _, err := os.Stat(filepath.Join(dir, "linearizability.html")); err == nil {
		page += `<li><a href="linearizability.html">client history</a> (porcupine's visualization)</li>` + "\n"
	}
	page += "</ul>\n"
	return os.WriteFile(filepath.Join(dir, "index.html"), []byte(page), 0o644)
}
