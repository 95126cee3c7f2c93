package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The research task of issue 16: find dvc-largest-n-only with explore, reproduce it, and read
// a report that explains the failure: §4.2 step 3, the DOVIEWCHANGEs the new primary weighed
// with their last-normal-view and op-number, which one the rule selects, which log the trace
// took, and the command that shows the line on the timeline.
func TestDoViewChangeBugReportExplains(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := runCmd("explore", "--bug", "dvc-largest-n-only", "--seeds", "200", "--out", dir, "--no-progress")
	require.Equal(t, 1, code, errs)
	m := regexp.MustCompile(`(?m)^  check +vrcheck (check \S+)$`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	// explore's own report says why, and how to see it on the timeline.
	assert.Regexp(t, `(?m)^  why         the spec starts view \d+ with the log of replica \d+'s DOVIEWCHANGE \((the largest last-normal-view, \d+|among the \d+ with the largest last-normal-view \d+, the largest op-number)\): .*; the trace took replica \d+'s log instead`, out)
	assert.Regexp(t, `(?m)^  timeline    vrcheck timeline \S+\.ndjson --mark \d+ --out \S+\.html$`, out)
	code, out, errs = runCmd(strings.Fields(m[1])...)
	require.Equal(t, 1, code, errs)

	mm := regexp.MustCompile(`(?m)^line (\d+) \(seq \d+\): ReceiveDoViewChange replica (\d+) is not a legal step:\n`).FindStringSubmatchIndex(out)
	require.NotNil(t, mm, out)
	report := out[mm[0]:]
	line := out[mm[2]:mm[3]]
	assert.Contains(t, report, "    rule §4.2 step 3: When the new primary has f+1 DOVIEWCHANGEs from different replicas (its own included), it selects as the new log the one in the message with the largest v' (last-normal-view); if several have the same v', the one among them with the largest n (op-number).")
	assert.Regexp(t, `(?m)^    replica \d+ before the step: status view-change, view-number \d+ \(primary of it\), op-number \d+`, report)

	// The weighed DOVIEWCHANGEs: the spec's choice has the largest last-normal-view; the
	// trace's has the largest op-number and a smaller last-normal-view.
	dvc := regexp.MustCompile(`(?m)^      replica (\d+): last-normal-view (\d+), op-number (\d+), commit-number \d+, log of \d+ entr(?:y|ies) \([^)]*\)(?:  <- (.*))?$`)
	rows := dvc.FindAllStringSubmatch(report, -1)
	require.GreaterOrEqual(t, len(rows), 2, report)
	assert.Contains(t, report, "DOVIEWCHANGEs weighed for view ")
	num := func(s string) int { n, err := strconv.Atoi(s); require.NoError(t, err); return n }
	maxLNV, maxOp := -1, -1
	for _, r := range rows {
		maxLNV, maxOp = max(maxLNV, num(r[2])), max(maxOp, num(r[3]))
	}
	var spec, trace []string
	for _, r := range rows {
		switch r[4] {
		case "the spec's choice":
			spec = r
		case "the trace's log":
			trace = r
		}
	}
	require.NotNil(t, spec, report)
	require.NotNil(t, trace, report)
	assert.Equal(t, maxLNV, num(spec[2]))
	assert.Equal(t, maxOp, num(trace[3]))
	assert.Less(t, num(trace[2]), maxLNV)
	assert.Contains(t, report, "spec vs trace: the spec starts view ")
	assert.Contains(t, report, "the trace took replica "+trace[1]+"'s log instead (last-normal-view "+trace[2]+", op-number "+trace[3]+": the largest op-number, though its last-normal-view is not the largest)")
	trace1 := filepath.Join(dir, "") // the saved trace's directory
	assert.Regexp(t, `(?m)^    timeline: vrcheck timeline `+regexp.QuoteMeta(trace1)+`\S+\.ndjson --mark `+line+` --out \S+\.html$`, report)
	assert.Regexp(t, `StepValidation +FAIL at line `+line+` \(ReceiveDoViewChange\) replicas \[\d+\]: state\.opNumber: expected \d+, actual \d+ \(rule: §4\.2 step 3\)`, out)
}

// The HTML report links each failed step to the timeline, scrolled to its line.
func TestHTMLReportLinksFailedStepsToTimeline(t *testing.T) {
	dir := t.TempDir()
	code, _, errs := runCmd("check", "--html", dir, corpusDir+"bad/sim-bug-no-client-table.ndjson")
	require.Equal(t, 1, code, errs)
	page, err := os.ReadFile(filepath.Join(dir, "trace.html"))
	require.NoError(t, err)
	assert.Contains(t, string(page), `<li><a href="timeline.html#line=41">line 41</a>: ReceiveRequest replica 0</li>`)
	assert.Contains(t, string(page), "rule §4.1 steps 2-3: The primary compares the request-number s with the client-table")
	assert.FileExists(t, filepath.Join(dir, "timeline.html"))
}

// A run cut short after a safety failure (as a shrunk scenario is) says so in its summary and
// ends with the check's verdict, not a second failure; a run cut short with every check
// passing fails liveness.
func TestRunCutShortAfterViolation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.ndjson")
	code, stdout, errs := runCmd("run", "--bug", "reply-before-commit", "--seed", "1", "--max-ticks", "5", "--out", out)
	assert.Equal(t, 1, code)
	assert.Empty(t, errs)
	assert.True(t, strings.HasSuffix(stdout, "\nFAILED\n"), "the verdict is the last line:\n%s", stdout)
	summary, _, _ := strings.Cut(stdout, "\n\n")
	assert.Contains(t, summary, "\n  stopped early       at maxTicks = 5 with 47 of 50 requests outstanding: a liveness failure only if every check below passes (explore's shrunk scenarios stop right after their violation)\n")

	code, stdout, errs = runCmd("run", "--seed", "1", "--max-ticks", "30", "--out", out)
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasSuffix(stdout, "\nOK\n"), stdout)
	assert.Equal(t, "vrcheck run: seed 1: run did not complete every request within 30 ticks (7 of 50 completed)\n", errs)
	assert.Contains(t, stdout, "stopped early       at maxTicks = 30 with 43 of 50 requests outstanding")
}

// The README's example of an explained failure is what explore and check print (a line
// ending in "..." is a prefix).
func TestREADMEExplainedFailure(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	m := regexp.MustCompile("(?s)From\n`vrcheck explore --bug dvc-largest-n-only` \\(seed (\\d+), shrunk; then `vrcheck check` on its trace\\):\n\n```\n(.*?)```").FindSubmatch(readme)
	require.NotNil(t, m, "the README shows an explained failure")
	dir := filepath.Join(t.TempDir(), "vrcheck-explore")
	code, out, errs := runCmd("explore", "--bug", "dvc-largest-n-only", "--first-seed", string(m[1]), "--seeds", "1", "--out", dir, "--no-progress")
	require.Equal(t, 1, code, errs)
	trace := filepath.Join(dir, "seed-"+string(m[1])+".ndjson")
	require.FileExists(t, trace, out)
	code, out, errs = runCmd("check", trace)
	require.Equal(t, 1, code, errs)
	out = strings.ReplaceAll(out, dir, "vrcheck-explore")
	for _, line := range strings.Split(strings.TrimSuffix(string(m[2]), "\n"), "\n") {
		if p, ok := strings.CutSuffix(line, " ..."); ok {
			assert.Contains(t, out, p+" ", "README line %q", line)
			continue
		}
		assert.Contains(t, out, line+"\n", "README line %q", line)
	}
}

// timeline --check's mark carries the failed step's explanation.
func TestTimelineMarkExplains(t *testing.T) {
	out := filepath.Join(t.TempDir(), "t.html")
	code, _, errs := runCmd("timeline", "--check", corpusDir+"bad/sim-bug-no-client-table.ndjson", "--out", out)
	require.Equal(t, 1, code, errs)
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Contains(t, string(page), `"mark":{"line":41,"message":"StepValidation fail: state.opNumber: expected 3, actual 4 (rule: §4.1 steps 2-3)\nrequest 1 of client 1 is the client's most recent, already at op-number 1 and executed: the spec appends nothing and re-sends its REPLY; the trace appends it again at op-number 4, so request 1 of client 1 (op-number 1) would be executed a second time"}`)
}
