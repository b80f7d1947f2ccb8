package report

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Charts for a small phone screen (chart_layout.go), drawn in Liberation
// Sans (embedded with gonum/plot, Latin Extended Additional included:
// every Vietnamese letter).

// ChartFont is the typeface every chart uses.
var ChartFont = font.Font{Typeface: "Liberation", Variant: "Sans"}

const (
	// BarsPerPicture is how many organisations one picture of a rates
	// chart shows: at rowPx a row the picture stays under 1000 px high,
	// about 4:3, which a phone shows whole.
	BarsPerPicture = 15
	// MaxPictures caps the pictures of one chart.
	MaxPictures = 10
	rowPx       = 46
	nameRunes   = 26
)

// Bar is one labelled value.
type Bar struct {
	Label string
	Value float64
}

var (
	barColor    = color.RGBA{R: 0x2e, G: 0x75, B: 0xb6, A: 0xff}
	lowColor    = color.RGBA{R: 0xc0, G: 0x39, B: 0x2b, A: 0xff}
	targetColor = color.RGBA{R: 0xe6, G: 0x7e, B: 0x22, A: 0xff}
	gridColor   = color.Gray{Y: 0xdd}
)

// RatesPlan is which organisations a rates chart draws: every one under
// the target, and as many more as fill the pictures those need.
type RatesPlan struct {
	// Pictures are the bars of each picture, lowest first.
	Pictures [][]Bar
	// Reached is how many more reached the target and are not drawn.
	Reached int
	// Left is how many under the target are not drawn either (more than
	// MaxPictures hold).
	Left int
}

// PlanRates splits bars (sorted lowest first) into pictures: as few as
// show every bar under the target, evenly filled, the lowest first.
func PlanRates(bars []Bar, target float64) RatesPlan {
	below := 0
	for _, b := range bars {
		if b.Value < target {
			below++
		}
	}
	pictures := min(max(1, (below+BarsPerPicture-1)/BarsPerPicture), MaxPictures)
	shown := min(len(bars), pictures*BarsPerPicture)
	var plan RatesPlan
	for i := range pictures {
		from, to := i*shown/pictures, (i+1)*shown/pictures
		if to > from {
			plan.Pictures = append(plan.Pictures, bars[from:to])
		}
	}
	for _, b := range bars[shown:] {
		if b.Value < target {
			plan.Left++
		} else {
			plan.Reached++
		}
	}
	return plan
}

// RatesCharts draws percentages, one bar per organisation in the order
// given (lowest first, the first at the top), as the pictures PlanRates
// says: bars under the target red, a dashed line at the target, and under
// the last picture how many more reached it.
func RatesCharts(title string, bars []Bar, target float64) ([][]byte, error) {
	if len(bars) == 0 {
		return nil, fmt.Errorf("report: chart without bars")
	}
	plan := PlanRates(bars, target)
	prefix := commonPrefix(bars, "Chi bộ ")
	// The widest name of the chart: every picture makes room for it, so
	// that the bars of all of them start at the same place.
	widest, sty := "", style(textPx, false)
	for _, b := range bars {
		if n := barName(b, prefix); sty.Width(n) > sty.Width(widest) {
			widest = n
		}
	}
	var out [][]byte
	// The legend names the colours the chart uses.
	var legend []legendItem
	if bars[0].Value < target {
		legend = append(legend, legendItem{"Dưới mục tiêu", barThumb(lowColor)})
	}
	if bars[len(bars)-1].Value >= target {
		legend = append(legend, legendItem{"Đạt", barThumb(barColor)})
	}
	legend = append(legend, legendItem{"Mục tiêu " + Percent(target), targetThumb()})
	for i, pic := range plan.Pictures {
		f := frame{title: title, legend: legend}
		if len(plan.Pictures) > 1 {
			f.title += fmt.Sprintf(" (ảnh %d/%d)", i+1, len(plan.Pictures))
		}
		if i == len(plan.Pictures)-1 {
			if plan.Reached > 0 {
				f.notes = append(f.notes, fmt.Sprintf("Còn %d chi bộ khác đã đạt mục tiêu %s (không vẽ).", plan.Reached, Percent(target)))
			}
			if plan.Left > 0 {
				f.notes = append(f.notes, fmt.Sprintf("Còn %d chi bộ dưới mục tiêu không vẽ hết: xem bảng Excel.", plan.Left))
			}
		}
		png, err := ratesPicture(pic, target, prefix, widest, f)
		if err != nil {
			return nil, err
		}
		out = append(out, png)
	}
	return out, nil
}

// barName is the name a bar is labelled with: without the prefix every
// bar has, cut to fit.
func barName(b Bar, prefix string) string {
	return cutRunes(strings.TrimPrefix(b.Label, prefix), nameRunes)
}

func ratesPicture(bars []Bar, target float64, prefix, widest string, f frame) ([]byte, error) {
	p := plot.New()
	styled(p)
	p.X.Min, p.X.Max = 0, 100
	p.X.Tick.Marker = plot.ConstantTicks{{Value: 0, Label: "0"}, {Value: 25}, {Value: 50, Label: "50"}, {Value: 75}, {Value: 100, Label: "100 %"}}
	// Bars are drawn bottom up: reverse so that the first is at the top.
	n := len(bars)
	names := make([]string, n)
	if prefix != "" {
		// Every bar is a cell: the axis says so once, the names get the room.
		p.Y.Label.Text = "Chi bộ"
	}
	var ok, low plotter.Values
	var inside, outside plotter.XYLabels
	for i := range bars {
		b := bars[n-1-i]
		names[i] = barName(b, prefix)
		if b.Value < target {
			ok, low = append(ok, 0), append(low, b.Value)
		} else {
			ok, low = append(ok, b.Value), append(low, 0)
		}
		// The value sits in the bar's end, or after a short bar.
		l := &outside
		if b.Value >= 30 {
			l = &inside
		}
		l.XYs = append(l.XYs, plotter.XY{X: b.Value, Y: float64(i)})
		l.Labels = append(l.Labels, Percent(b.Value))
	}
	grid := plotter.NewGrid()
	grid.Horizontal.Width = 0
	grid.Vertical.Color = gridColor
	p.Add(grid)
	// The target line behind the bars: it shows in the gaps and beside the
	// bars short of it, and no value is drawn over it.
	line, err := plotter.NewLine(plotter.XYs{{X: target, Y: -0.5}, {X: target, Y: float64(n) - 0.5}})
	if err != nil {
		return nil, err
	}
	line.LineStyle = targetStyle()
	p.Add(line)
	for _, set := range []struct {
		v plotter.Values
		c color.Color
	}{{ok, barColor}, {low, lowColor}} {
		bc, err := plotter.NewBarChart(set.v, px(rowPx*0.66))
		if err != nil {
			return nil, err
		}
		bc.Horizontal = true
		bc.Color = set.c
		bc.LineStyle.Width = 0
		p.Add(bc)
	}
	for _, set := range []struct {
		l     plotter.XYLabels
		color color.Color
		align text.XAlignment
		off   float64
	}{{inside, color.White, draw.XRight, -8}, {outside, color.Black, draw.XLeft, 8}} {
		if len(set.l.Labels) == 0 {
			continue
		}
		labels, err := plotter.NewLabels(set.l)
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i] = style(smallPx, true)
			labels.TextStyle[i].Color = set.color
			labels.TextStyle[i].XAlign = set.align
			labels.TextStyle[i].YAlign = draw.YCenter
		}
		labels.Offset = vg.Point{X: px(set.off), Y: px(3)}
		p.Add(labels)
	}
	p.NominalY(names...)
	// A tick far above the bars, never drawn, that the axis makes room for.
	p.Y.Tick.Marker = append(p.Y.Tick.Marker.(plot.ConstantTicks), plot.Tick{Value: float64(n) + 100, Label: widest})
	p.Y.Padding = 0
	return render(p, f, rowPx*n+60)
}

// commonPrefix is prefix if every bar's label starts with it, else "".
func commonPrefix(bars []Bar, prefix string) string {
	for _, b := range bars {
		if !strings.HasPrefix(b.Label, prefix) {
			return ""
		}
	}
	return prefix
}

func targetStyle() draw.LineStyle {
	return draw.LineStyle{Color: targetColor, Width: px(3), Dashes: []vg.Length{px(8), px(5)}}
}

// barThumb is a legend's filled square of a bar's colour.
func barThumb(c color.Color) plot.Thumbnailer {
	return thumb(func(cv *draw.Canvas) { cv.SetColor(c); cv.Fill(cv.Rectangle.Path()) })
}

// targetThumb is a legend's dashed line.
func targetThumb() plot.Thumbnailer {
	return thumb(func(cv *draw.Canvas) {
		y := (cv.Min.Y + cv.Max.Y) / 2
		cv.StrokeLine2(targetStyle(), cv.Min.X, y, cv.Max.X, y)
	})
}

// wholeTicks are the default ticks labelled as whole numbers (counts).
type wholeTicks struct{}

func (wholeTicks) Ticks(lo, hi float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(lo, hi)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = fmt.Sprintf("%.0f", ts[i].Value)
		}
	}
	return ts
}

type thumb func(*draw.Canvas)

func (t thumb) Thumbnail(c *draw.Canvas) { t(c) }

// MonthsChart is a vertical bar chart of how many cells held their regular
// meeting each month, with the number of cells as a line above.
func MonthsChart(title string, months []time.Time, held, cells []int) ([]byte, error) {
	if len(months) == 0 {
		return nil, fmt.Errorf("report: chart without months")
	}
	p := plot.New()
	styled(p)
	p.Y.Label.Text = "Số chi bộ"
	p.Y.Min = 0
	p.Y.Tick.Marker = wholeTicks{}
	labels := make([]string, len(months))
	vals := make(plotter.Values, len(months))
	total := make(plotter.XYs, len(months))
	var inside, above plotter.XYLabels
	top := 1
	for _, c := range cells {
		top = max(top, c)
	}
	for i, m := range months {
		labels[i] = fmt.Sprintf("T%d\n%d", m.Month(), m.Year())
		vals[i] = float64(held[i])
		total[i] = plotter.XY{X: float64(i), Y: float64(cells[i])}
		// The count sits in the bar's top, or above a short bar.
		l := &above
		if float64(held[i]) >= 0.2*float64(top) {
			l = &inside
		}
		l.XYs = append(l.XYs, plotter.XY{X: float64(i), Y: float64(held[i])})
		l.Labels = append(l.Labels, fmt.Sprint(held[i]))
	}
	p.Y.Max = float64(top) * 1.12 // room for the values above full bars
	p.X.Min, p.X.Max = -0.6, float64(len(months))-0.4
	grid := plotter.NewGrid()
	grid.Vertical.Width = 0
	grid.Horizontal.Color = gridColor
	p.Add(grid)
	bc, err := plotter.NewBarChart(vals, px(min(80, 440/float64(len(months)))))
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
	line.Color, line.Width = targetColor, px(3)
	points.Color, points.Shape, points.Radius = targetColor, draw.CircleGlyph{}, px(5)
	p.Add(line, points)
	for _, set := range []struct {
		l     plotter.XYLabels
		color color.Color
		align text.YAlignment
		off   float64
	}{{inside, color.White, draw.YTop, -8}, {above, color.Black, draw.YBottom, 8}} {
		if len(set.l.Labels) == 0 {
			continue
		}
		vl, err := plotter.NewLabels(set.l)
		if err != nil {
			return nil, err
		}
		for i := range vl.TextStyle {
			vl.TextStyle[i] = style(smallPx, true)
			vl.TextStyle[i].Color = set.color
			vl.TextStyle[i].XAlign, vl.TextStyle[i].YAlign = draw.XCenter, set.align
		}
		vl.Offset = vg.Point{Y: px(set.off)}
		p.Add(vl)
	}
	p.NominalX(labels...)
	f := frame{title: title, legend: []legendItem{
		{"Đã sinh hoạt thường kỳ", barThumb(barColor)},
		{"Tổng số chi bộ", thumb(func(cv *draw.Canvas) {
			y := (cv.Min.Y + cv.Max.Y) / 2
			cv.StrokeLine2(line.LineStyle, cv.Min.X, y, cv.Max.X, y)
			cv.DrawGlyph(points.GlyphStyle, vg.Point{X: (cv.Min.X + cv.Max.X) / 2, Y: y})
		})},
	}}
	return render(p, f, 480)
}
