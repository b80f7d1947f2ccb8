package report

import (
	"bytes"
	"fmt"
	"image/color"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Charts for a small phone screen, drawn in Liberation Sans (embedded with
// gonum/plot, Latin Extended Additional included: every Vietnamese letter).

// ChartFont is the typeface every chart uses.
var ChartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

// MaxChartBars caps the bars of one chart; the lowest come first.
const MaxChartBars = 30

// Bar is one labelled value.
type Bar struct {
	Label string
	Value float64
}

var (
	barColor    = color.RGBA{R: 0x2e, G: 0x75, B: 0xb6, A: 0xff}
	lowColor    = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
	targetColor = color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}
)

func styled(p *plot.Plot) {
	p.Title.TextStyle.Font = font.From(ChartFont, 15)
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = font.From(ChartFont, 12)
		a.Tick.Label.Font = font.From(ChartFont, 12)
	}
	p.Legend.TextStyle.Font = font.From(ChartFont, 12)
}

// RatesChart is a horizontal bar chart of percentages (one bar per
// organisation, in the order given, the first at the top) with a dashed
// target line; bars under the target are red.
func RatesChart(title string, bars []Bar, target float64) ([]byte, error) {
	if len(bars) == 0 {
		return nil, fmt.Errorf("report: chart without bars")
	}
	if len(bars) > MaxChartBars {
		bars = bars[:MaxChartBars]
	}
	p := plot.New()
	styled(p)
	p.Title.Text = title
	p.X.Min, p.X.Max = 0, 100
	p.X.Label.Text = "%"
	// Bars are drawn bottom up: reverse so that the first is at the top.
	n := len(bars)
	labels := make([]string, n)
	var ok, low plotter.Values
	for i := range bars {
		b := bars[n-1-i]
		labels[i] = fmt.Sprintf("%s  %s", cutRunes(b.Label, 28), Percent(b.Value))
		if b.Value < target {
			ok, low = append(ok, 0), append(low, b.Value)
		} else {
			ok, low = append(ok, b.Value), append(low, 0)
		}
	}
	for _, set := range []struct {
		v plotter.Values
		c color.Color
	}{{ok, barColor}, {low, lowColor}} {
		bc, err := plotter.NewBarChart(set.v, vg.Points(14))
		if err != nil {
			return nil, err
		}
		bc.Horizontal = true
		bc.Color = set.c
		bc.LineStyle.Width = 0
		p.Add(bc)
	}
	line, err := plotter.NewLine(plotter.XYs{{X: target, Y: -0.6}, {X: target, Y: float64(n) - 0.4}})
	if err != nil {
		return nil, err
	}
	line.Color = targetColor
	line.Width = vg.Points(2)
	line.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
	p.Add(line)
	p.Legend.Add(fmt.Sprintf("Mục tiêu %s", Percent(target)), line)
	p.Legend.Top = true
	p.NominalY(labels...)
	p.Add(plotter.NewGrid())
	return png(p, 720, 120+28*n)
}

// MonthsChart is a vertical bar chart of how many cells held their regular
// meeting each month, with the number of cells as a line above.
func MonthsChart(title string, months []time.Time, held, cells []int) ([]byte, error) {
	if len(months) == 0 {
		return nil, fmt.Errorf("report: chart without months")
	}
	p := plot.New()
	styled(p)
	p.Title.Text = title
	p.Y.Label.Text = "Số chi bộ"
	p.Y.Min = 0
	labels := make([]string, len(months))
	vals := make(plotter.Values, len(months))
	total := make(plotter.XYs, len(months))
	for i, m := range months {
		labels[i] = fmt.Sprintf("%d/%d", m.Month(), m.Year()%100)
		vals[i] = float64(held[i])
		total[i] = plotter.XY{X: float64(i), Y: float64(cells[i])}
	}
	top := 1
	for _, c := range cells {
		top = max(top, c)
	}
	p.Y.Max = float64(top) * 1.3 // room for the legend
	p.X.Min, p.X.Max = -0.6, float64(len(months))-0.4
	bc, err := plotter.NewBarChart(vals, vg.Points(min(60, 360/float64(len(months)))))
	if err != nil {
		return nil, err
	}
	bc.Color = barColor
	bc.LineStyle.Width = 0
	p.Add(bc)
	line, points, err := plotter.NewLinePoints(total)
	if err != nil {
		return nil, err
	}
	line.Color = targetColor
	points.Color = targetColor
	points.Shape = draw.CircleGlyph{}
	p.Add(line, points)
	p.Legend.Add("Đã sinh hoạt thường kỳ", bc)
	p.Legend.Add("Tổng số chi bộ", line)
	p.Legend.Top = true
	p.Legend.Left = true
	p.NominalX(labels...)
	p.Add(plotter.NewGrid())
	return png(p, 720, 480)
}

// png renders at w×h pixels (96 dpi).
func png(p *plot.Plot, w, h int) ([]byte, error) {
	c := vgimg.NewWith(vgimg.UseWH(vg.Length(w)*vg.Inch/96, vg.Length(h)*vg.Inch/96), vgimg.UseDPI(96))
	p.Draw(draw.New(c))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
