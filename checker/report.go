package checker

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/vrcheck/vrcheck/checker/lin"
)

// Check names, as in spec/VR.tla where they are invariants.
const (
	StepValidation  = "StepValidation"
	Linearizability = "Linearizability"

	TypeOK                            = "TypeOK"
	OpNumberIsLogLength               = "OpNumberIsLogLength"
	CommitNumberAtMostOpNumber        = "CommitNumberAtMostOpNumber"
	NoLogDivergence                   = "NoLogDivergence"
	AcknowledgedWriteNotLost          = "AcknowledgedWriteNotLost"
	AcknowledgedWritesExistOnMajority = "AcknowledgedWritesExistOnMajority"
	OnePrimaryPerView                 = "OnePrimaryPerView"
	ExactlyOnceExecution              = "ExactlyOnceExecution"
	RepliesMatchService               = "RepliesMatchService"
	ViewNumberMonotonic               = "ViewNumberMonotonic"
	CommitNumberMonotonic             = "CommitNumberMonotonic"
	NormalStatusLastNormalView        = "NormalStatusLastNormalView"
	CommittedWriteNotLost             = "CommittedWriteNotLost"
	CommittedWritesExistOnMajority    = "CommittedWritesExistOnMajority"
	CommittedLogHasNoDuplicates       = "CommittedLogHasNoDuplicates"
	BackupLogPrefixOfPrimary          = "BackupLogPrefixOfPrimary"
	OneEntryPerViewOpNumber           = "OneEntryPerViewOpNumber"
	StartViewExtendsFirst             = "StartViewExtendsFirst"
	MessagePromises                   = "MessagePromises"
)

// Invariants lists the invariants in report order.
var Invariants = []string{
	TypeOK, OpNumberIsLogLength, CommitNumberAtMostOpNumber, NormalStatusLastNormalView,
	NoLogDivergence, CommittedWriteNotLost, AcknowledgedWriteNotLost,
	CommittedWritesExistOnMajority, AcknowledgedWritesExistOnMajority, CommittedLogHasNoDuplicates,
	OnePrimaryPerView, BackupLogPrefixOfPrimary, OneEntryPerViewOpNumber, StartViewExtendsFirst,
	MessagePromises, ExactlyOnceExecution, RepliesMatchService, ViewNumberMonotonic,
	CommitNumberMonotonic,
}

// Verdict statuses.
const (
	Pass    = "pass"
	Fail    = "fail"
	Unknown = "unknown" // linearizability timed out: never a pass
	Skipped = "skipped" // switched off by Options
)

// Verdict is the outcome of one check over the whole trace. For a failure, Line, Action and
// Message describe the first violation and Violations counts the events that violated it.
type Verdict struct {
	Check      string `json:"check"`
	Status     string `json:"status"`
	Line       int    `json:"line,omitempty"`
	Action     string `json:"action,omitempty"`
	Replicas   []int  `json:"replicas,omitempty"`
	Clients    []int  `json:"clients,omitempty"`
	Message    string `json:"message,omitempty"`
	Violations int    `json:"violations"`
}

// Diff is one field of a step whose logged value is not what the action produces.
type Diff struct {
	Field    string `json:"field"`
	Expected string `json:"expected"`
	Actual   string `json:"actual"`
}

// RecentEvent is one of a node's latest events, for context.
type RecentEvent struct {
	Line   int    `json:"line"`
	Action string `json:"action"`
}

// Mismatch is an event that is not a legal instance of the action it names.
type Mismatch struct {
	Line    int    `json:"line"`
	Seq     int    `json:"seq"`
	Action  string `json:"action"`
	Replica *int   `json:"replica,omitempty"`
	Client  *int   `json:"client,omitempty"`
	Diffs   []Diff `json:"diffs"`
	// Rule is the paper's rule that decides the step; Inputs what the action weighed (the
	// state before, the message, the quorum recorded); Decision, where the rule makes a
	// choice, what the spec chose and where the trace departs from it.
	Rule     Rule    `json:"rule"`
	Inputs   []Input `json:"inputs"`
	Decision string  `json:"decision,omitempty"`
	// Timeline is the command that draws the trace, scrolled to this line.
	Timeline string        `json:"timeline"`
	Recent   []RecentEvent `json:"recent"`
}

// Report is the result of checking one trace.
type Report struct {
	File       string    `json:"file"`
	Seed       int64     `json:"seed"`
	Replicas   int       `json:"replicas"`
	F          int       `json:"f"`
	Clients    int       `json:"clients"`
	Bugs       []string  `json:"bugs"`
	Events     int       `json:"events"`
	Operations int       `json:"operations"`
	Verdicts   []Verdict `json:"verdicts"`
	// Mismatches lists the first step-validation failures (at most Options.MaxMismatches).
	Mismatches []Mismatch `json:"mismatches"`
	// Excerpt holds the trace lines up to the first failure, for context.
	Excerpt      []ExcerptLine `json:"excerpt"`
	Linearizable string        `json:"linearizability"`

	lin *lin.Result
}

// ExcerptLine is one trace line, re-encoded.
type ExcerptLine struct {
	Line int    `json:"line"`
	Text string `json:"text"`
}

// OK reports whether every check passed (a skipped check is not a failure; an unknown one is).
func (r *Report) OK() bool {
	for _, v := range r.Verdicts {
		if v.Status != Pass && v.Status != Skipped {
			return false
		}
	}
	return true
}

// Verdict returns the verdict of the named check.
func (r *Report) Verdict(check string) (Verdict, bool) {
	for _, v := range r.Verdicts {
		if v.Check == check {
			return v, true
		}
	}
	return Verdict{}, false
}

// WriteJSON writes the report as one indented JSON object.
func (r *Report) WriteJSON(w io.Writer) error {
	rep := *r
	if rep.Bugs == nil {
		rep.Bugs = []string{}
	}
	if rep.Mismatches == nil {
		rep.Mismatches = []Mismatch{}
	}
	if rep.Excerpt == nil {
		rep.Excerpt = []ExcerptLine{}
	}
	rep.Mismatches = append([]Mismatch{}, rep.Mismatches...)
	for i := range rep.Mismatches {
		if rep.Mismatches[i].Inputs == nil {
			rep.Mismatches[i].Inputs = []Input{}
		}
		if rep.Mismatches[i].Recent == nil {
			rep.Mismatches[i].Recent = []RecentEvent{}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(&rep)
}

// WriteText writes a readable report.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d events, %d client operations; N=%d f=%d clients=%d seed=%d", r.File, r.Events, r.Operations, r.Replicas, r.F, r.Clients, r.Seed)
	if len(r.Bugs) > 0 {
		fmt.Fprintf(&b, " bugs=%s", strings.Join(r.Bugs, ","))
	}
	b.WriteString("\n")
	for _, v := range r.Verdicts {
		fmt.Fprintf(&b, "  %-34s %s", v.Check, strings.ToUpper(v.Status))
		if v.Status == Fail || v.Status == Unknown {
			if v.Line > 0 {
				fmt.Fprintf(&b, " at line %d", v.Line)
			}
			if v.Action != "" {
				fmt.Fprintf(&b, " (%s)", v.Action)
			}
			if len(v.Replicas) > 0 {
				fmt.Fprintf(&b, " replicas %v", v.Replicas)
			}
			if len(v.Clients) > 0 {
				fmt.Fprintf(&b, " clients %v", v.Clients)
			}
			if v.Violations > 1 {
				fmt.Fprintf(&b, " [%d violations]", v.Violations)
			}
			fmt.Fprintf(&b, ": %s", v.Message)
		}
		b.WriteString("\n")
	}
	shown := map[Rule]bool{} // a rule's words once; later steps under it name it only
	for _, m := range r.Mismatches {
		fmt.Fprintf(&b, "\nline %d (seq %d): %s%s is not a legal step:\n", m.Line, m.Seq, m.Action, nodeStr(m.Replica, m.Client))
		switch {
		case m.Rule.Section == "":
		case shown[m.Rule]:
			fmt.Fprintf(&b, "    rule %s (as above)\n", m.Rule.Section)
		default:
			shown[m.Rule] = true
			fmt.Fprintf(&b, "    rule %s: %s\n", m.Rule.Section, m.Rule.Text)
		}
		for _, in := range m.Inputs {
			if len(in.Items) == 1 {
				fmt.Fprintf(&b, "    %s: %s\n", in.What, in.Items[0])
				continue
			}
			fmt.Fprintf(&b, "    %s:\n", in.What)
			for _, it := range in.Items {
				fmt.Fprintf(&b, "      %s\n", it)
			}
		}
		if m.Decision != "" {
			fmt.Fprintf(&b, "    spec vs trace: %s\n", m.Decision)
		}
		for _, d := range m.Diffs {
			fmt.Fprintf(&b, "    %-16s expected %s\n    %-16s actual   %s\n", d.Field, d.Expected, "", d.Actual)
		}
		if m.Timeline != "" {
			fmt.Fprintf(&b, "    timeline: %s\n", m.Timeline)
		}
		if len(m.Recent) > 0 {
			b.WriteString("    recent events of" + nodeStr(m.Replica, m.Client) + ":")
			for _, e := range m.Recent {
				fmt.Fprintf(&b, " %d:%s", e.Line, e.Action)
			}
			b.WriteString("\n")
		}
	}
	if r.OK() {
		b.WriteString("OK\n")
	} else {
		b.WriteString("FAILED\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func nodeStr(r, c *int) string {
	switch {
	case r != nil:
		return fmt.Sprintf(" replica %d", *r)
	case c != nil:
		return fmt.Sprintf(" client %d", *c)
	}
	return ""
}

// WriteHTML writes into dir: linearizability.html (porcupine's visualization of the client
// history, when the history was checked with Options.Visualize) and trace.html (the verdicts
// and the trace excerpt up to the first failure). If timeline names the trace's timeline page
// (relative to dir; "" for none), each failed step links to it at its line.
func (r *Report) WriteHTML(dir, timeline string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if r.lin != nil && r.lin.CanVisualize() {
		if err := r.lin.Visualize(filepath.Join(dir, "linearizability.html")); err != nil {
			return fmt.Errorf("linearizability visualization: %w", err)
		}
	}
	var b strings.Builder
	b.WriteString("<!doctype html><meta charset=utf-8><title>vrcheck report</title>\n")
	b.WriteString("<style>body{font-family:sans-serif} pre{white-space:pre-wrap} .fail{color:#b00} .pass{color:#070}</style>\n")
	fmt.Fprintf(&b, "<h1>%s</h1>\n<pre>", html.EscapeString(r.File))
	var txt strings.Builder
	_ = r.WriteText(&txt)
	b.WriteString(html.EscapeString(txt.String()))
	b.WriteString("</pre>\n")
	if r.lin != nil && r.lin.CanVisualize() {
		b.WriteString("<p><a href=\"linearizability.html\">client history (porcupine)</a></p>\n")
	}
	if timeline != "" && len(r.Mismatches) > 0 {
		b.WriteString("<h2>Failed steps on the timeline</h2>\n<ul>\n")
		for _, m := range r.Mismatches {
			fmt.Fprintf(&b, "<li><a href=\"%s#line=%d\">line %d</a>: %s%s</li>\n", html.EscapeString(timeline), m.Line, m.Line,
				html.EscapeString(m.Action), html.EscapeString(nodeStr(m.Replica, m.Client)))
		}
		b.WriteString("</ul>\n")
	}
	if len(r.Excerpt) > 0 {
		b.WriteString("<h2>Trace up to the first failure</h2>\n<pre>")
		for _, l := range r.Excerpt {
			fmt.Fprintf(&b, "%6d  %s\n", l.Line, html.EscapeString(l.Text))
		}
		b.WriteString("</pre>\n")
	}
	return os.WriteFile(filepath.Join(dir, "trace.html"), []byte(b.String()), 0o644)
}
