package sweep

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
)

// Series is one line (or one set of bars) of a figure.
type Series struct {
	Name string
	// Group is the combination of the other swept axes this series belongs to (index into
	// Figure.Groups); Kind distinguishes series within a group (a percentile; passed/failed).
	Group, Kind int
	X, Y        []float64
	// Lo and Hi, if set, are the least and greatest value over the seeds at each X.
	Lo, Hi []float64
}

// Figure is the data of one plot: what Render draws, and what tests check.
type Figure struct {
	File, Title, XLabel, YLabel string
	Groups                      []string
	Series                      []Series
	// Bars draws the series as bars stacked per group over the X values as categories.
	Bars bool
	XInt bool // the X values are integers
	// XNames, for a choice axis on x (Axis.Choices), names the X values 0, 1, ...
	XNames []string
}

// group is a combination of the values of the swept axes other than x.
type group struct {
	label string
	pts   []int // indices into the summaries, sorted by x
}

// groups splits the summaries by the values of the swept axes other than x.
func groups(sums []Summary, x int, swept []bool) []group {
	var gs []group
	index := map[string]int{}
	for i, s := range sums {
		var parts []string
		for a := range Axes {
			if a != x && swept[a] {
				parts = append(parts, Axes[a].Name+"="+Axes[a].Format(s.Point.Values[a]))
			}
		}
		key := strings.Join(parts, " ")
		k, ok := index[key]
		if !ok {
			k = len(gs)
			index[key] = k
			gs = append(gs, group{label: key})
		}
		gs[k].pts = append(gs[k].pts, i)
	}
	for _, g := range gs {
		sort.SliceStable(g.pts, func(i, j int) bool {
			return sums[g.pts[i]].Point.Values[x] < sums[g.pts[j]].Point.Values[x]
		})
	}
	return gs
}

// Figures computes the plots of a sweep: latency percentiles and simulated time against the
// x axis (one line per combination of the other swept axes); if the runs were checked, the
// runs per point in which every check passed; the wall-clock cost of a run; throughput
// (requests completed per 1,000 ticks) against the x axis; and, if runs reconfigured, the
// mean ticks to the new epoch's primary and to complete, and the requests blocked.
func Figures(g *Grid, sums []Summary, checked bool) []Figure {
	x := g.XAxis()
	gs := groups(sums, x, g.Swept())
	xl := Axes[x].Label
	labels := make([]string, len(gs))
	for i, gr := range gs {
		labels[i] = gr.label
	}
	seeds := fmt.Sprintf("mean of %d seeds per point", g.Seeds)
	lat := Figure{File: "latency.png", Title: "Request latency against " + Axes[x].Name + " (" + seeds + ")",
		XLabel: xl, YLabel: "latency (ticks, invocation to return)", Groups: labels, XInt: Axes[x].Int, XNames: Axes[x].Choices}
	ticks := Figure{File: "ticks.png", Title: "Simulated time to complete every request (" + seeds + ", bars: min-max)",
		XLabel: xl, YLabel: "simulated time (ticks)", Groups: labels, XInt: Axes[x].Int, XNames: Axes[x].Choices}
	checks := Figure{File: "checks.png", Title: fmt.Sprintf("Runs in which every check passed (%d checks: step validation, %d invariants, linearizability)", len(Checks), len(Checks)-2),
		XLabel: xl, YLabel: fmt.Sprintf("runs (of %d per point)", g.Seeds), Groups: labels, Bars: true, XNames: Axes[x].Choices}
	thr := Figure{File: "throughput.png", Title: "Throughput against " + Axes[x].Name + " (" + seeds + ")",
		XLabel: xl, YLabel: "requests completed per 1,000 ticks", Groups: labels, XInt: Axes[x].Int, XNames: Axes[x].Choices}
	getf := Figure{File: "get-latency.png", Title: "Latency of the gets against " + Axes[x].Name + " (" + seeds + "; fast reads serve only gets)",
		XLabel: xl, YLabel: "get latency (ticks, invocation to return)", Groups: labels, XInt: Axes[x].Int, XNames: Axes[x].Choices}
	fastReads := false
	rcf := Figure{File: "reconfiguration.png", Title: "Reconfiguration against " + Axes[x].Name + " (" + seeds + " that reconfigured)",
		XLabel: xl, YLabel: "ticks from the RECONFIGURATION; requests blocked", Groups: labels, XInt: Axes[x].Int, XNames: Axes[x].Choices}
	reconfigured := false
	cost := Figure{File: "cost.png", Title: "Wall-clock cost of one run on this machine (" + seeds + "; not deterministic)",
		XLabel: xl, YLabel: "milliseconds", Groups: labels, XInt: Axes[x].Int, XNames: Axes[x].Choices}
	pct := []struct {
		name string
		get  func(*Summary) float64
	}{
		{"p50", func(s *Summary) float64 { return s.MeanP50 }},
		{"p90", func(s *Summary) float64 { return s.MeanP90 }},
		{"p99", func(s *Summary) float64 { return s.MeanP99 }},
	}
	for gi, gr := range gs {
		name := func(what string) string {
			if gr.label == "" {
				return what
			}
			return what + " " + gr.label
		}
		for k, p := range pct {
			s := Series{Name: name(p.name), Group: gi, Kind: k}
			for _, i := range gr.pts {
				s.X = append(s.X, sums[i].Point.Values[x])
				s.Y = append(s.Y, p.get(&sums[i]))
			}
			lat.Series = append(lat.Series, s)
		}
		t := Series{Name: name("mean ticks"), Group: gi}
		passed := Series{Name: name("all checks passed"), Group: gi}
		failed := Series{Name: name("some check did not pass"), Group: gi, Kind: 1}
		for _, i := range gr.pts {
			s := &sums[i]
			xv := s.Point.Values[x]
			t.X, t.Y = append(t.X, xv), append(t.Y, s.MeanTicks)
			t.Lo, t.Hi = append(t.Lo, float64(s.MinTicks)), append(t.Hi, float64(s.MaxTicks))
			passed.X, passed.Y = append(passed.X, xv), append(passed.Y, float64(s.ChecksPassed))
			failed.X, failed.Y = append(failed.X, xv), append(failed.Y, float64(s.Runs-s.ChecksPassed))
		}
		ticks.Series = append(ticks.Series, t)
		tp := Series{Name: name("throughput"), Group: gi}
		for _, i := range gr.pts {
			tp.X, tp.Y = append(tp.X, sums[i].Point.Values[x]), append(tp.Y, sums[i].MeanThroughput)
		}
		thr.Series = append(thr.Series, tp)
		g50 := Series{Name: name("get p50"), Group: gi}
		g99 := Series{Name: name("get p99"), Group: gi, Kind: 2}
		for _, i := range gr.pts {
			s := &sums[i]
			fastReads = fastReads || s.Point.Scenario.Reads != "" && s.Point.Scenario.Reads != "none" && s.Point.Scenario.Reads != "log"
			g50.X, g50.Y = append(g50.X, s.Point.Values[x]), append(g50.Y, s.MeanGetP50)
			g99.X, g99.Y = append(g99.X, s.Point.Values[x]), append(g99.Y, s.MeanGetP99)
		}
		getf.Series = append(getf.Series, g50, g99)
		ready := Series{Name: name("to new primary normal"), Group: gi}
		done := Series{Name: name("to complete (replaced replicas shut down)"), Group: gi, Kind: 1}
		blocked := Series{Name: name("client requests blocked"), Group: gi, Kind: 2}
		for _, i := range gr.pts {
			s := &sums[i]
			if s.Reconfigured == 0 {
				continue
			}
			reconfigured = true
			xv := s.Point.Values[x]
			ready.X, ready.Y = append(ready.X, xv), append(ready.Y, s.MeanReconfigReady)
			done.X, done.Y = append(done.X, xv), append(done.Y, s.MeanReconfigComplete)
			blocked.X, blocked.Y = append(blocked.X, xv), append(blocked.Y, s.MeanReconfigBlocked)
		}
		rcf.Series = append(rcf.Series, ready, done, blocked)
		sim := Series{Name: name("simulate"), Group: gi}
		chk := Series{Name: name("check"), Group: gi, Kind: 1}
		for _, i := range gr.pts {
			s := &sums[i]
			xv := s.Point.Values[x]
			sim.X, sim.Y = append(sim.X, xv), append(sim.Y, s.MeanSimMS)
			chk.X, chk.Y = append(chk.X, xv), append(chk.Y, s.MeanCheckMS)
		}
		cost.Series = append(cost.Series, sim)
		if checked {
			cost.Series = append(cost.Series, chk)
		}
		checks.Series = append(checks.Series, passed, failed)
	}
	figs := []Figure{lat, ticks}
	if checked {
		figs = append(figs, checks)
	}
	figs = append(figs, cost, thr)
	if fastReads { // gets outside the log: their own latency shows what fast reads give
		figs = append(figs, getf)
	}
	if reconfigured {
		figs = append(figs, rcf)
	}
	return figs
}

// Render draws every figure as a PNG in dir and returns the files written.
func Render(dir string, figs []Figure) ([]string, error) {
	var files []string
	for _, f := range figs {
		p, err := f.plot()
		if err != nil {
			return files, fmt.Errorf("%s: %w", f.File, err)
		}
		path := filepath.Join(dir, f.File)
		if err := p.Save(12*vg.Inch, 6.5*vg.Inch, path); err != nil {
			return files, fmt.Errorf("%s: %w", f.File, err)
		}
		files = append(files, path)
	}
	return files, nil
}

// errPoints feeds YErrorBars: Lo..Hi drawn around Y.
type errPoints struct {
	plotter.XYs
	plotter.YErrors
}

func (f *Figure) plot() (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = f.Title
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = f.XLabel
	p.Y.Label.Text = f.YLabel
	for _, ts := range []*text.Style{&p.Title.TextStyle, &p.X.Label.TextStyle, &p.Y.Label.TextStyle,
		&p.X.Tick.Label, &p.Y.Tick.Label, &p.Legend.TextStyle} {
		ts.Font.Variant = "Sans"
	}
	p.Title.TextStyle.Font.Size = vg.Points(15)
	p.X.Label.TextStyle.Font.Size = vg.Points(12)
	p.Y.Label.TextStyle.Font.Size = vg.Points(12)
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(10), vg.Points(-6)
	p.Add(plotter.NewGrid())
	// Leave room above the data for the legend.
	ymax := 0.0
	for _, s := range f.Series {
		for i, y := range s.Y {
			if s.Hi != nil {
				y = s.Hi[i]
			}
			ymax = max(ymax, y)
		}
	}
	if f.Bars {
		err := f.bars(p)
		p.Y.Tick.Marker = niceTicks{integer: true}
		p.Y.Max = max(1, ymax) * (1.1 + 0.05*float64(len(f.Groups)))
		return p, err
	}
	p.X.Tick.Marker = niceTicks{integer: f.XInt}
	if f.XNames != nil {
		p.X.Tick.Marker = nameTicks(f.XNames)
	}
	p.Y.Tick.Marker = niceTicks{}
	multi := len(f.Groups) > 1
	for _, s := range f.Series {
		xys := make(plotter.XYs, len(s.X))
		for i := range s.X {
			xys[i].X, xys[i].Y = s.X[i], s.Y[i]
		}
		l, pts, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		// Colour by group when there are several, else by kind; dashes and glyphs by kind.
		ci := s.Kind
		if multi {
			ci = groupColour(s.Group)
		}
		l.Color = plotutil.Color(ci)
		l.Width = vg.Points(1.5)
		l.Dashes = plotutil.Dashes(s.Kind)
		pts.Color = l.Color
		pts.Shape = plotutil.Shape(s.Kind)
		p.Add(l, pts)
		p.Legend.Add(s.Name, l, pts)
		if s.Lo != nil {
			ep := errPoints{XYs: xys, YErrors: make(plotter.YErrors, len(xys))}
			for i := range xys {
				ep.YErrors[i].Low, ep.YErrors[i].High = s.Y[i]-s.Lo[i], s.Hi[i]-s.Y[i]
			}
			eb, err := plotter.NewYErrorBars(ep)
			if err != nil {
				return nil, err
			}
			eb.Color = l.Color
			p.Add(eb)
		}
	}
	p.Y.Min = 0
	p.Y.Max = max(1, ymax) * (1.12 + 0.045*float64(len(f.Series)))
	return p, nil
}

// groupColour skips plotutil's first colour, red, which the bars keep for failures.
func groupColour(g int) int { return g + 1 }

// niceTicks labels an axis at steps of 1, 2 or 5 times a power of ten, about ten labels,
// with a minor tick halfway.
type niceTicks struct{ integer bool }

func (n niceTicks) Ticks(lo, hi float64) []plot.Tick {
	if !(hi > lo) {
		return []plot.Tick{{Value: lo, Label: FormatValue(lo)}}
	}
	step := math.Pow(10, math.Floor(math.Log10((hi-lo)/10)))
	for _, m := range []float64{1, 2, 5, 10} {
		if (hi-lo)/(step*m) <= 11 {
			step *= m
			break
		}
	}
	if n.integer {
		step = max(step, 1)
	}
	var ts []plot.Tick
	for v := math.Ceil(lo/step) * step; v <= hi+step*1e-9; v += step {
		v = math.Round(v/step) * step
		ts = append(ts, plot.Tick{Value: v, Label: FormatValue(math.Round(v*1e9) / 1e9)})
		if v+step/2 <= hi {
			ts = append(ts, plot.Tick{Value: v + step/2})
		}
	}
	return ts
}

// bars draws, per X value, one stacked bar per group: Kind 0 at the bottom, Kind 1 above.
func (f *Figure) bars(p *plot.Plot) error {
	var xs []float64
	seen := map[float64]bool{}
	for _, s := range f.Series {
		for _, x := range s.X {
			if !seen[x] {
				seen[x] = true
				xs = append(xs, x)
			}
		}
	}
	sort.Float64s(xs)
	pos := map[float64]int{}
	names := make([]string, len(xs))
	for i, x := range xs {
		pos[x] = i
		names[i] = FormatValue(x)
		if k := int(x); f.XNames != nil && float64(k) == x && k >= 0 && k < len(f.XNames) {
			names[i] = f.XNames[k]
		}
	}
	ng := max(len(f.Groups), 1)
	// The data area is about 10.5 inches wide; leave a fifth of each slot as a gap.
	width := min(vg.Length(10.5*72*0.8)/vg.Length(len(xs)*ng), vg.Points(48))
	below := make(map[int]*plotter.BarChart)
	for _, s := range f.Series {
		vals := make(plotter.Values, len(xs))
		for i, x := range s.X {
			vals[pos[x]] = s.Y[i]
		}
		b, err := plotter.NewBarChart(vals, width)
		if err != nil {
			return err
		}
		b.Offset = width * vg.Length(float64(s.Group)-float64(ng-1)/2)
		b.LineStyle.Width = vg.Points(0.5)
		if s.Kind == 0 {
			b.Color = plotutil.Color(groupColour(s.Group))
			if ng == 1 {
				b.Color = color.RGBA{R: 46, G: 160, B: 67, A: 255}
			}
			below[s.Group] = b
		} else {
			b.Color = color.RGBA{R: 214, G: 39, B: 40, A: 255}
			if prev := below[s.Group]; prev != nil {
				b.StackOn(prev)
			}
		}
		p.Add(b)
		if s.Kind == 0 || s.Group == 0 {
			name := s.Name
			if s.Kind == 1 && ng > 1 {
				name = "some check did not pass"
			}
			p.Legend.Add(name, b)
		}
	}
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(xs))-0.4
	p.X.Tick.Label.Font.Size = vg.Points(9)
	p.Y.Min = 0
	return nil
}

// nameTicks labels a choice axis: value i is the i-th name.
type nameTicks []string

func (n nameTicks) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for i, name := range n {
		if v := float64(i); v >= lo && v <= hi {
			ts = append(ts, plot.Tick{Value: v, Label: name})
		}
	}
	return ts
}
