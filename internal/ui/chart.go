package ui

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
)

// The admin dashboard's charts are drawn here as SVG, on the server, with
// html/template: no chart library, no script (issue 5). Geometry uses
// presentation attributes and classes only — console.css colours them — so
// the strict CSP, which forbids inline style, holds.

// chartBar is one bar: its label on the axis (may be empty, to thin out
// crowded labels), its value, and the full text of its tooltip.
type chartBar struct {
	Label string
	Value int
	Title string // e.g. "14 Mar, 09:00–10:00 UTC: 5 chat turns"
}

// chart describes a bar chart to draw.
type chart struct {
	ID         string // element id prefix, unique on the page: "chart-turns"
	Title      string // the SVG's accessible name
	Desc       string // a one-line summary of the numbers, for screen readers
	XLabel     string // axis titles
	YLabel     string
	Empty      string // shown instead of bars when every value is 0: "No chat turns yet"
	Horizontal bool   // bars grow to the right, one row per bar (labels are long)
	Class      string // extra class of the bars, e.g. "bar-alert"
	Bars       []chartBar
}

// Canvas sizes in SVG user units; the SVG scales to its container.
const (
	chartWidth    = 600
	chartHeight   = 260
	chartTop      = 12
	chartRight    = 16
	chartLeft     = 56  // room for the value ticks and the y title
	chartBottom   = 48  // room for the hour labels and the x title
	hbarLeft      = 150 // room for intent names
	hbarRow       = 28
	hbarGap       = 6
	chartMaxTicks = 5
)

// chartScale is the value axis: 0 to Max in steps of Step, Step a 1, 2 or 5
// times a power of ten and at least 1 (counts are whole numbers).
type chartScale struct {
	Max, Step int
}

// niceScale returns the axis for values up to top with at most
// chartMaxTicks steps.
func niceScale(top int) chartScale {
	if top <= 0 {
		return chartScale{Max: 1, Step: 1}
	}
	raw := float64(top) / (chartMaxTicks - 1)
	step := 1
	if raw > 1 {
		mag := math.Pow(10, math.Floor(math.Log10(raw)))
		for _, m := range []float64{1, 2, 5, 10} {
			if m*mag >= raw {
				step = int(m * mag)
				break
			}
		}
	}
	return chartScale{Max: (top + step - 1) / step * step, Step: step}
}

// ticks returns the axis values 0, Step, …, Max.
func (s chartScale) ticks() []int {
	var out []int
	for v := 0; v <= s.Max; v += s.Step {
		out = append(out, v)
	}
	return out
}

// svgNum formats an SVG coordinate: at most one decimal, no exponent.
func svgNum(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// svgRect, svgText and svgLine are the drawn shapes, as formatted strings.
type svgRect struct {
	X, Y, W, H string
	Title      string
}

type svgText struct {
	X, Y   string
	Anchor string // text-anchor: start, middle, end
	Text   string
}

type svgLine struct {
	X1, Y1, X2, Y2 string
}

// svgChart is a chart laid out for the template.
type svgChart struct {
	Title, Desc      string
	Horizontal       bool
	Class            string
	Width, Height    int
	Empty            bool
	Bars             []svgRect
	Values           []svgText // value labels of horizontal bars
	XTicks, YTicks   []svgText // tick labels
	Grid             []svgLine
	Axis             svgLine // the base line
	XTitle, YTitle   svgText // axis titles
	YTitleX, YTitleY string  // rotation centre of the y title
	EmptyText        svgText // where Empty is written
	TitleID, DescID  string  // ids for aria-labelledby
}

// layout computes the chart's geometry.
func (c chart) layout() svgChart {
	s := svgChart{Title: c.Title, Desc: c.Desc, Horizontal: c.Horizontal, Class: c.Class,
		Width: chartWidth, Height: chartHeight, TitleID: c.ID + "-title", DescID: c.ID + "-desc"}
	top := 0
	for _, b := range c.Bars {
		top = max(top, b.Value)
	}
	s.Empty = top == 0
	sc := niceScale(top)
	if c.Horizontal {
		c.layoutHorizontal(&s, sc)
	} else {
		c.layoutVertical(&s, sc)
	}
	return s
}

func (c chart) layoutVertical(s *svgChart, sc chartScale) {
	left, right := float64(chartLeft), float64(chartWidth-chartRight)
	top, bottom := float64(chartTop), float64(chartHeight-chartBottom)
	y := func(v int) float64 { return bottom - (bottom-top)*float64(v)/float64(sc.Max) }
	for _, t := range sc.ticks() {
		s.YTicks = append(s.YTicks, svgText{X: svgNum(left - 6), Y: svgNum(y(t) + 4), Anchor: "end", Text: strconv.Itoa(t)})
		if t > 0 {
			s.Grid = append(s.Grid, svgLine{X1: svgNum(left), Y1: svgNum(y(t)), X2: svgNum(right), Y2: svgNum(y(t))})
		}
	}
	s.Axis = svgLine{X1: svgNum(left), Y1: svgNum(bottom), X2: svgNum(right), Y2: svgNum(bottom)}
	if n := len(c.Bars); n > 0 {
		slot := (right - left) / float64(n)
		width := math.Max(slot*0.75, 1)
		for i, b := range c.Bars {
			x := left + slot*float64(i) + (slot-width)/2
			if b.Value > 0 {
				s.Bars = append(s.Bars, svgRect{X: svgNum(x), Y: svgNum(y(b.Value)), W: svgNum(width), H: svgNum(bottom - y(b.Value)), Title: b.Title})
			}
			if b.Label != "" {
				s.XTicks = append(s.XTicks, svgText{X: svgNum(x + width/2), Y: svgNum(bottom + 16), Anchor: "middle", Text: b.Label})
			}
		}
	}
	s.XTitle = svgText{X: svgNum((left + right) / 2), Y: svgNum(float64(chartHeight) - 8), Anchor: "middle", Text: c.XLabel}
	s.YTitleX, s.YTitleY = "14", svgNum((top+bottom)/2)
	s.YTitle = svgText{X: s.YTitleX, Y: s.YTitleY, Anchor: "middle", Text: c.YLabel}
	s.EmptyText = svgText{X: svgNum((left + right) / 2), Y: svgNum((top + bottom) / 2), Anchor: "middle", Text: c.Empty}
}

func (c chart) layoutHorizontal(s *svgChart, sc chartScale) {
	rows := max(len(c.Bars), 1)
	left, right := float64(hbarLeft), float64(chartWidth-chartRight-40) // 40: room for the value
	top := float64(chartTop)
	bottom := top + float64(rows*hbarRow)
	s.Height = int(bottom) + chartBottom
	x := func(v int) float64 { return left + (right-left)*float64(v)/float64(sc.Max) }
	for _, t := range sc.ticks() {
		s.XTicks = append(s.XTicks, svgText{X: svgNum(x(t)), Y: svgNum(bottom + 16), Anchor: "middle", Text: strconv.Itoa(t)})
		if t > 0 {
			s.Grid = append(s.Grid, svgLine{X1: svgNum(x(t)), Y1: svgNum(top), X2: svgNum(x(t)), Y2: svgNum(bottom)})
		}
	}
	s.Axis = svgLine{X1: svgNum(left), Y1: svgNum(top), X2: svgNum(left), Y2: svgNum(bottom)}
	for i, b := range c.Bars {
		y := top + float64(i*hbarRow) + hbarGap/2
		h := float64(hbarRow - hbarGap)
		mid := y + h/2 + 4
		s.YTicks = append(s.YTicks, svgText{X: svgNum(left - 8), Y: svgNum(mid), Anchor: "end", Text: b.Label})
		if b.Value > 0 {
			s.Bars = append(s.Bars, svgRect{X: svgNum(left), Y: svgNum(y), W: svgNum(x(b.Value) - left), H: svgNum(h), Title: b.Title})
		}
		s.Values = append(s.Values, svgText{X: svgNum(x(b.Value) + 6), Y: svgNum(mid), Anchor: "start", Text: strconv.Itoa(b.Value)})
	}
	s.XTitle = svgText{X: svgNum((left + right) / 2), Y: svgNum(float64(s.Height) - 8), Anchor: "middle", Text: c.XLabel}
	s.YTitleX, s.YTitleY = "14", svgNum((top+bottom)/2)
	s.YTitle = svgText{X: s.YTitleX, Y: s.YTitleY, Anchor: "middle", Text: c.YLabel}
	s.EmptyText = svgText{X: svgNum((left + right) / 2), Y: svgNum((top + bottom) / 2), Anchor: "middle", Text: c.Empty}
}

// chartTemplate draws an svgChart. Every text goes through html/template's
// escaping; the numbers are formatted by num. The SVG is an image with an
// accessible name and description; the bars' <title>s are tooltips.
var chartTemplate = template.Must(template.New("chart").Parse(`<svg class="chart{{if .Horizontal}} chart-h{{end}}" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" role="img" aria-labelledby="{{.TitleID}} {{.DescID}}">
<title id="{{.TitleID}}">{{.Title}}</title>
<desc id="{{.DescID}}">{{.Desc}}</desc>
<g class="chart-grid">{{range .Grid}}<line x1="{{.X1}}" y1="{{.Y1}}" x2="{{.X2}}" y2="{{.Y2}}"/>{{end}}</g>
<line class="chart-axis" x1="{{.Axis.X1}}" y1="{{.Axis.Y1}}" x2="{{.Axis.X2}}" y2="{{.Axis.Y2}}"/>
<g class="chart-ticks">{{range .YTicks}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>{{end}}{{range .XTicks}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>{{end}}</g>
{{if .Empty}}<text class="chart-empty" x="{{.EmptyText.X}}" y="{{.EmptyText.Y}}" text-anchor="middle">{{.EmptyText.Text}}</text>
{{else}}<g class="chart-bars{{with .Class}} {{.}}{{end}}">{{range .Bars}}<rect x="{{.X}}" y="{{.Y}}" width="{{.W}}" height="{{.H}}"><title>{{.Title}}</title></rect>{{end}}</g>
{{with .Values}}<g class="chart-values">{{range .}}<text x="{{.X}}" y="{{.Y}}" text-anchor="{{.Anchor}}">{{.Text}}</text>{{end}}</g>
{{end}}{{end}}{{with .XTitle.Text}}<text class="chart-label" x="{{$.XTitle.X}}" y="{{$.XTitle.Y}}" text-anchor="middle">{{.}}</text>
{{end}}{{with .YTitle.Text}}<text class="chart-label" x="{{$.YTitle.X}}" y="{{$.YTitle.Y}}" text-anchor="middle" transform="rotate(-90 {{$.YTitleX}} {{$.YTitleY}})">{{.}}</text>
{{end}}</svg>`))

// SVG draws the chart as inline SVG markup.
func (c chart) SVG() (template.HTML, error) {
	var buf bytes.Buffer
	if err := chartTemplate.Execute(&buf, c.layout()); err != nil {
		return "", fmt.Errorf("ui: draw %s: %w", c.ID, err)
	}
	// #nosec G203 -- rendered by html/template above: every text is escaped
	return template.HTML(buf.String()), nil
}
