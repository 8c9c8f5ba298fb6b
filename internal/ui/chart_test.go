package ui

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestNiceScale(t *testing.T) {
	tests := []struct {
		top       int
		max, step int
		ticks     []int
	}{
		{0, 1, 1, []int{0, 1}},
		{1, 1, 1, []int{0, 1}},
		{3, 3, 1, []int{0, 1, 2, 3}},
		{4, 4, 1, []int{0, 1, 2, 3, 4}},
		{7, 8, 2, []int{0, 2, 4, 6, 8}},
		{23, 30, 10, []int{0, 10, 20, 30}},
		{100, 100, 50, []int{0, 50, 100}},
		{101, 150, 50, []int{0, 50, 100, 150}},
		{9999, 10000, 5000, []int{0, 5000, 10000}},
	}
	for _, tt := range tests {
		s := niceScale(tt.top)
		if s.Max != tt.max || s.Step != tt.step || !slices.Equal(s.ticks(), tt.ticks) {
			t.Errorf("niceScale(%d) = %+v ticks %v; want max %d step %d ticks %v", tt.top, s, s.ticks(), tt.max, tt.step, tt.ticks)
		}
		if len(s.ticks()) > chartMaxTicks {
			t.Errorf("niceScale(%d): %d ticks, more than %d", tt.top, len(s.ticks()), chartMaxTicks)
		}
	}
}

// rects returns the x, y, width and height of every bar.
func rects(t *testing.T, svg string) [][4]float64 {
	t.Helper()
	var out [][4]float64
	for _, m := range regexp.MustCompile(`<rect x="([0-9.]+)" y="([0-9.]+)" width="([0-9.]+)" height="([0-9.]+)">`).FindAllStringSubmatch(svg, -1) {
		var r [4]float64
		for i := range r {
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				t.Fatal(err)
			}
			r[i] = v
		}
		out = append(out, r)
	}
	return out
}

func TestVerticalChartScalesBarsToTheAxis(t *testing.T) {
	c := chart{ID: "c", Title: "Turns", Desc: "4 turns", XLabel: "Hour (UTC)", YLabel: "Turns", Empty: "No turns yet",
		Bars: []chartBar{{Label: "09h", Value: 1, Title: "09:00: 1 turn"}, {Value: 0}, {Value: 3}, {Value: 2}}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	bars := rects(t, s)
	if len(bars) != 3 { // a zero bar draws nothing
		t.Fatalf("%d bars, want 3:\n%s", len(bars), s)
	}
	plot := float64(chartHeight - chartBottom - chartTop)
	// The axis runs to 3: the bar of 3 fills the plot, 1 a third of it.
	for i, want := range []float64{plot / 3, plot, plot * 2 / 3} {
		if got := bars[i][3]; got < want-0.2 || got > want+0.2 {
			t.Errorf("bar %d height %v, want %v", i, got, want)
		}
		if bottom := bars[i][1] + bars[i][3]; bottom < chartHeight-chartBottom-0.2 || bottom > chartHeight-chartBottom+0.2 {
			t.Errorf("bar %d stands at %v, not on the axis", i, bottom)
		}
	}
	if bars[0][0] >= bars[1][0] || bars[1][0] >= bars[2][0] {
		t.Errorf("bars not left to right: %v", bars)
	}
	wantAll(t, s,
		`role="img"`, `aria-labelledby="c-title c-desc"`, `<title id="c-title">Turns</title>`, `<desc id="c-desc">4 turns</desc>`,
		`>Hour (UTC)</text>`, `>Turns</text>`, `>09h</text>`, `<title>09:00: 1 turn</title>`,
		`text-anchor="end">3</text>`, `text-anchor="end">0</text>`)
	if strings.Contains(s, "No turns yet") {
		t.Error("a chart with data says it has none")
	}
	checkStrict(t, s)
}

func TestHorizontalChartGrowsRightAndListsValues(t *testing.T) {
	c := chart{ID: "h", Title: "Intents", XLabel: "Messages", Empty: "No intents yet", Horizontal: true,
		Bars: []chartBar{{Label: "order status", Value: 10}, {Label: "faq", Value: 5}}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	bars := rects(t, s)
	if len(bars) != 2 {
		t.Fatalf("%d bars:\n%s", len(bars), s)
	}
	if bars[0][0] != hbarLeft || bars[1][0] != hbarLeft || bars[0][1] >= bars[1][1] {
		t.Errorf("bars do not start at the axis one below the other: %v", bars)
	}
	if w0, w1 := bars[0][2], bars[1][2]; w1 < w0/2-0.2 || w1 > w0/2+0.2 {
		t.Errorf("widths %v and %v: 5 is not half of 10", w0, w1)
	}
	wantAll(t, s, `text-anchor="end">order status</text>`, `>10</text>`, `>5</text>`, `class="chart chart-h"`)
	// The canvas grows with the rows.
	if !strings.Contains(s, `height="`+strconv.Itoa(chartTop+2*hbarRow+chartBottom)+`"`) {
		t.Errorf("height does not fit two rows:\n%s", s)
	}
}

func TestEmptyChartSaysSo(t *testing.T) {
	for _, horizontal := range []bool{false, true} {
		c := chart{ID: "e", Title: "Failed sign-ins", Empty: "No failed sign-ins yet", Horizontal: horizontal,
			Bars: []chartBar{{Label: "09h", Value: 0}, {Value: 0}}}
		if horizontal {
			c.Bars = nil
		}
		svg, err := c.SVG()
		if err != nil {
			t.Fatal(err)
		}
		s := string(svg)
		if len(rects(t, s)) != 0 || !strings.Contains(s, `<text class="chart-empty"`) || !strings.Contains(s, "No failed sign-ins yet") {
			t.Errorf("horizontal=%t: empty chart:\n%s", horizontal, s)
		}
		if strings.Contains(s, "NaN") || strings.Contains(s, "Inf") {
			t.Errorf("horizontal=%t: bad numbers:\n%s", horizontal, s)
		}
	}
}

func TestChartEscapesLabels(t *testing.T) {
	evil := `<script>alert(1)</script>"&'`
	c := chart{ID: `x"><script>`, Title: evil, Desc: evil, XLabel: evil, YLabel: evil, Empty: evil, Horizontal: true,
		Class: `"><script>`, Bars: []chartBar{{Label: evil, Value: 2, Title: evil}}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	if strings.Contains(s, "<script>") || strings.Contains(s, `"><script`) {
		t.Fatalf("label not escaped:\n%s", s)
	}
	if !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("label missing or escaped twice:\n%s", s)
	}
}

func TestSVGNumbersAreShort(t *testing.T) {
	for in, want := range map[float64]string{0: "0", 1.0 / 3: "0.3", 123.456: "123.5", 1e6: "1000000", -2.25: "-2.3"} {
		if got := svgNum(in); got != want {
			t.Errorf("svgNum(%v) = %q, want %q", in, got, want)
		}
	}
}
