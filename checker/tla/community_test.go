package tla

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"unicode"
)

// TestCommunityModulesAgainstTLC evaluates the cases of
// testdata/community/CommunityOps.tla and compares each value with what TLC
// printed for it (CommunityOps.out, recorded once with ../shared/tla/tlc:
// tlc -metadir $(mktemp -d) CommunityOps.tla). Whitespace is ignored: TLC
// breaks long values over lines. Record fields are compared in sorted order:
// TLC prints them in the order it first met their names, the engine
// alphabetically.
func TestCommunityModulesAgainstTLC(t *testing.T) {
	dir := filepath.Join("testdata", "community")
	out, err := os.ReadFile(filepath.Join(dir, "CommunityOps.out"))
	if err != nil {
		t.Fatal(err)
	}
	want := sortFields(squeeze(string(out)))
	m, err := Load(filepath.Join(dir, "CommunityOps.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cases, err := m.Eval("Cases")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range asSeq(cases, loc{}) {
		got := sortFields(squeeze(Format(c)))
		name := Format(asSeq(c, loc{})[0])
		if !strings.HasPrefix(want, got) {
			end := strings.Index(want[1:], `<<"`)
			if end < 0 {
				end = len(want) - 1
			}
			t.Errorf("%s: engine %s, TLC %s", name, got, want[:end+1])
			if i := strings.Index(want[1:], `<<"`); i >= 0 {
				want = want[i+1:]
			}
			continue
		}
		want = want[len(got):]
		n++
	}
	if want != "" {
		t.Errorf("TLC printed more than the engine evaluated: %.80s", want)
	}
	if n < 60 {
		t.Errorf("only %d cases compared", n)
	}
}

// sortFields sorts the fields of every record [a|->x,b|->y] in s.
func sortFields(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '[' {
			b.WriteByte(s[i])
			continue
		}
		depth, j := 0, i
		for ; j < len(s); j++ {
			depth += nesting(s, &j)
			if depth == 0 {
				break
			}
		}
		if j >= len(s) {
			b.WriteString(s[i:])
			break
		}
		inner := sortFields(s[i+1 : j])
		var parts []string
		d, start := 0, 0
		for k := 0; k < len(inner); k++ {
			if inner[k] == ',' && d == 0 {
				parts = append(parts, inner[start:k])
				start = k + 1
				continue
			}
			d += nesting(inner, &k)
		}
		parts = append(parts, inner[start:])
		if strings.Contains(parts[0], "|->") {
			sort.Strings(parts)
		}
		b.WriteString("[" + strings.Join(parts, ",") + "]")
		i = j
	}
	return b.String()
}

// nesting is +1 or -1 for a bracket at s[*k] (<< and >> count, their
// second character is skipped), else 0.
func nesting(s string, k *int) int {
	switch c := s[*k]; {
	case c == '[' || c == '(' || c == '{':
		return 1
	case c == ']' || c == ')' || c == '}':
		return -1
	case strings.HasPrefix(s[*k:], "<<"):
		*k++
		return 1
	case strings.HasPrefix(s[*k:], ">>"):
		*k++
		return -1
	}
	return 0
}

func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestCausalOrderAgainstTLC: the native VectorClocks!CausalOrder gives the
// order TLC printed (L4 and L5 are concurrent: TLC orders such lines by
// Java's hash order, which agrees with the engine's here).
func TestCausalOrderAgainstTLC(t *testing.T) {
	jar := "../../../shared/tla/CommunityModules.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Skipf("skipped: %s not present (VectorClocks.tla comes from it)", jar)
	}
	dir := filepath.Join("testdata", "community")
	out, err := os.ReadFile(filepath.Join(dir, "Causal.out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TLA_PATH", jar)
	m, err := Load(filepath.Join(dir, "Causal.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	sorted, err := m.Eval("Sorted")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(out), "\nTRUE", 2)
	if got, want := squeeze(Format(sorted)), squeeze(lines[0]); got != want {
		t.Errorf("CausalOrder: engine %s, TLC %s", got, want)
	}
	if ok, err := m.EvalExpr("IsCausalOrder(Sorted, LAMBDA l : l.vc)"); err != nil || ok != true {
		t.Errorf("IsCausalOrder(Sorted) = %v, %v", ok, err)
	}
}

// TestSVGAgainstTLC: SVG's Java overrides, natively. TLC lists a record's
// fields in the order it first met their names, the engine alphabetically:
// the attributes of each tag are compared as a set.
func TestSVGAgainstTLC(t *testing.T) {
	jar := "../../../shared/tla/CommunityModules.jar"
	if _, err := os.Stat(jar); err != nil {
		t.Skipf("skipped: %s not present (SVG.tla comes from it)", jar)
	}
	dir := filepath.Join("testdata", "community")
	out, err := os.ReadFile(filepath.Join(dir, "Svg.out"))
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("TLA_PATH", jar)
	m, err := Load(filepath.Join(dir, "Svg.tla"), LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	tags := regexp.MustCompile(`<(\w+)((?: [\w-]+='[^']*')*)>`)
	sortAttrs := func(s string) string {
		return tags.ReplaceAllStringFunc(s, func(tag string) string {
			m := tags.FindStringSubmatch(tag)
			attrs := strings.Fields(m[2])
			sort.Strings(attrs)
			return "<" + m[1] + " " + strings.Join(attrs, " ") + ">"
		})
	}
	want := strings.SplitN(string(out), "\n", 2)
	s, err := m.EvalExpr("SVGElemToString(E)")
	if err != nil {
		t.Fatal(err)
	}
	if got := sortAttrs(Format(s)); got != sortAttrs(want[0]) {
		t.Errorf("SVGElemToString: engine %s, TLC %s", got, want[0])
	}
	ring, err := m.EvalExpr("[n \\in 0..4 |-> NodeOfRingNetwork(10, 10, 5, n, 5)]")
	if err != nil {
		t.Fatal(err)
	}
	if got := squeeze(Format(ring)); got != squeeze(want[1]) {
		t.Errorf("NodeOfRingNetwork: engine %s, TLC %s", got, want[1])
	}
}
