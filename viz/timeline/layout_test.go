package timeline

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vrcheck/vrcheck/impl/sim"
	"github.com/vrcheck/vrcheck/traces"
)

// harness runs the page's script under node with a minimal fake DOM (a 1400 x 800 viewport,
// text 6.5 px per character), scrolls through the whole trace, and prints what was drawn.
const harness = `
const fs = require("fs");
const [pagePath, vw, vh] = process.argv.slice(2);
const page = fs.readFileSync(pagePath, "utf8");
const data = /<script id="data" type="application\/json">([\s\S]*?)<\/script>/.exec(page)[1];
const code = /<script>\n([\s\S]*?)<\/script>/.exec(page)[1];
const texts = [];
const ctx = new Proxy({ textAlign: "left" }, {
  get(t, k) {
    if (k in t) return t[k];
    if (k === "measureText") return (s) => ({ width: s.length * 6.5 });
    if (k === "fillText") return (s, x, y) => texts.push({ s, x: x + els.scroller.scrollLeft, w: s.length * 6.5, align: t.textAlign, colour: t.fillStyle });
    return () => {};
  },
  set(t, k, v) { t[k] = v; return true; },
});
const handlers = {};
function el(id) {
  return {
    id, style: {}, children: [], hidden: false, textContent: "", clientWidth: +vw, clientHeight: +vh,
    scrollTop: 0, scrollLeft: 0, width: 0, height: 0,
    append(...c) { this.children.push(...c); },
    addEventListener(ev, f) { handlers[id + ":" + ev] = f; },
    getBoundingClientRect() { return { width: +vw, height: +vh, top: 0, left: 0 }; },
    getContext() { return ctx; },
    scrollTo(o) { this.scrollTop = Math.max(0, o.top); },
    get offsetWidth() { return 0; }, get offsetHeight() { return 0; },
  };
}
const els = {};
global.document = {
  getElementById(id) { if (!els[id]) { els[id] = el(id); if (id === "data") els[id].textContent = data; } return els[id]; },
  createElement(tag) { return el(tag); },
  createTextNode(s) { return { textContent: s }; },
};
global.window = { devicePixelRatio: 1, addEventListener() {} };
global.location = { hash: "" };
global.requestAnimationFrame = (f) => f();
new Function(code)();
const text = (n) => (n.textContent || "") + (n.children || []).map(text).join("");
const D = JSON.parse(data);
const sc = els.scroller;
// Scroll over the whole page: down, and across when it is wider than the viewport.
const width = parseFloat(els.spacer.style.width);
for (let left = 0; ; left = Math.min(left + +vw / 2, width - +vw)) {
  sc.scrollLeft = Math.max(0, left);
  for (let top = 0; top < 26 + D.events.length * 18; top += +vh / 2) {
    sc.scrollTop = top;
    handlers["scroller:scroll"]();
  }
  if (left >= width - +vw) break;
}
console.log(JSON.stringify({ texts, width: parseFloat(els.spacer.style.width), legend: text(els.legend) }));
`

type drawn struct {
	Texts []struct {
		S      string  `json:"s"`
		X      float64 `json:"x"`
		W      float64 `json:"w"`
		Align  string  `json:"align"`
		Colour string  `json:"colour"`
	} `json:"texts"`
	Width  float64 `json:"width"`
	Legend string  `json:"legend"`
}

func draw(t *testing.T, h *traces.Header, es []*traces.Event, viewW int) drawn {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed: the page's layout is not tested")
	}
	dir := t.TempDir()
	var page bytes.Buffer
	require.NoError(t, Write(&page, h, es, nil))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "p.html"), page.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "h.js"), []byte(harness), 0o644))
	out, err := exec.Command(node, filepath.Join(dir, "h.js"), filepath.Join(dir, "p.html"), itoa(viewW), "800").CombinedOutput()
	require.NoError(t, err, "%s", out)
	var d drawn
	require.NoError(t, json.Unmarshal(out, &d), "%s", out)
	return d
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// Labels use the full action names, a legend explains them, and every label fits in its lane:
// none runs into the next lane, and the right-most lane's are inside the page at 1400 px
// (which scrolls sideways when the lanes need more).
func TestLabelsFitTheirLanes(t *testing.T) {
	for _, clients := range []int{3, 5, 12} {
		sc := sim.Default()
		sc.Seed, sc.Clients = 3, clients
		sc.Faults.Crash = 0.03
		var buf bytes.Buffer
		_, err := sim.Run(sc, &buf)
		require.NoError(t, err)
		h, es, err := traces.ReadAll(&buf, "trace")
		require.NoError(t, err)
		d := draw(t, h, es, 1400)

		assert.Contains(t, d.Legend, "v view-number, n op-number, k commit-number, ★ normal primary")
		assert.Contains(t, d.Legend, "# request-number")
		assertLabelsFit(t, h, es, d, clients)
	}
}

// assertLabelsFit checks that every drawn label is a full action name and stays inside its
// lane and the page.
func assertLabelsFit(t *testing.T, h *traces.Header, es []*traces.Event, d drawn, clients int) {
	t.Helper()
	// Lane names are drawn centred on the lane's dots, in lane order.
	lanes := map[string]float64{}
	var dots []float64
	for _, x := range d.Texts {
		if x.Align == "center" {
			if _, ok := lanes[x.S]; !ok {
				lanes[x.S] = x.X
				dots = append(dots, x.X)
			}
		}
	}
	require.Len(t, dots, max(h.Replicas, h.Universe)+clients)
	// The right-most lane, its name included, is inside the page (not clipped at the window).
	require.Less(t, dots[len(dots)-1]+6.5, d.Width, "the right-most lane's name is past the page's edge")
	labels := 0
	for _, x := range d.Texts {
		act, _, ok := strings.Cut(x.S, "  ")
		if x.Align == "center" || !ok || gutterRE.MatchString(x.S) { // lane names; the gutter's line and tick
			continue
		}
		labels++
		_, known := traces.Actions[act]
		require.True(t, known, "label %q: not a full action name", x.S)
		// The label's lane: the last dot left of it.
		l := 0
		for l+1 < len(dots) && dots[l+1] < x.X {
			l++
		}
		end := x.X + x.W
		if l+1 < len(dots) {
			require.LessOrEqual(t, end, dots[l+1]-DotOffset, "clients=%d: label %q of lane %d runs into the next lane", clients, x.S, l)
		}
		require.LessOrEqual(t, end, d.Width, "clients=%d: label %q of lane %d is past the page's edge", clients, x.S, l)
	}
	assert.Greater(t, labels, len(es)/2, "clients=%d: most events are labelled", clients)
}

var gutterRE = regexp.MustCompile(`^(\d+  t\d+|line  tick)$`)

// DotOffset is the least distance from a lane's left edge to its dots (DOT in timeline.js).
const DotOffset = 12
