package report

import (
	"bytes"
	"image/color"
	"strings"

	stdfont "golang.org/x/image/font"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The frame every chart is drawn in, sized for a phone: the title, a
// legend on a strip of its own, the plot, and notes under it, one above
// the other, so that none overlaps the plot or runs off the picture.
//
// Telegram shows a photo about 360 px wide on a phone 412 px wide (the
// screen less the chat's margins), so a chart ChartWidth px wide is shown
// at ShownWidth/ChartWidth of its size: its smallest text, smallPx, is
// then 12 px, the size of Telegram's own small print.

const (
	// ChartWidth is the width of every chart, in pixels.
	ChartWidth = 720
	// ShownWidth is how wide Telegram shows a photo on a 412 px phone.
	ShownWidth = 360

	titlePx  = 30 // the title
	textPx   = 26 // the organisations' names, the axes
	smallPx  = 24 // values, the legend, the notes
	marginPx = 16
)

// px is a length of n pixels at the charts' 96 dpi.
func px(n float64) vg.Length { return vg.Length(n) * vg.Inch / 96 }

func style(size float64, bold bool) text.Style {
	f := ChartFont
	if bold {
		f.Weight = stdfont.WeightBold
	}
	return text.Style{Font: font.From(f, px(size)), Handler: plot.DefaultTextHandler, Color: color.Black}
}

// styled gives a plot the charts' fonts.
func styled(p *plot.Plot) {
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		// Only the font: the axes' own styles align their text.
		a.Label.TextStyle.Font = style(smallPx, false).Font
		a.Tick.Label.Font = style(textPx, false).Font
		a.Tick.Label.Color = color.Gray{Y: 0x20}
		a.LineStyle.Color = color.Gray{Y: 0x80}
		a.Tick.LineStyle.Color = color.Gray{Y: 0x80}
	}
}

// legendItem is one entry of a legend strip: a thumbnail and its words.
type legendItem struct {
	label string
	thumb plot.Thumbnailer
}

// frame is what surrounds the plot.
type frame struct {
	title  string
	legend []legendItem
	notes  []string
}

// wrap breaks s into lines no wider than w in sty, between words; a
// title that does not fit on one line breaks first after its " — " (what,
// then whose).
func wrap(sty text.Style, s string, w vg.Length) []string {
	if sty.Width(s) > w {
		s = strings.Replace(s, " — ", "\n", 1)
	}
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		cur := ""
		for _, word := range strings.Fields(para) {
			if cur != "" && sty.Width(cur+" "+word) > w {
				lines, cur = append(lines, cur), word
				continue
			}
			if cur != "" {
				cur += " "
			}
			cur += word
		}
		if cur != "" {
			lines = append(lines, cur)
		}
	}
	return lines
}

func lineHeight(sty text.Style) vg.Length { return sty.FontExtents().Height * 1.15 }

// legendRows lays the legend's items out left to right, wrapping to a new
// row when one would run past w.
func legendRows(sty text.Style, items []legendItem, w vg.Length) [][]legendItem {
	var rows [][]legendItem
	var row []legendItem
	x := vg.Length(0)
	for _, it := range items {
		iw := px(36) + sty.Width(it.label) + px(28)
		if len(row) > 0 && x+iw > w {
			rows, row, x = append(rows, row), nil, 0
		}
		row, x = append(row, it), x+iw
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// render draws the plot, plotH pixels high, in its frame and encodes it
// as a PNG ChartWidth pixels wide.
func render(p *plot.Plot, f frame, plotH int) ([]byte, error) {
	inner := px(ChartWidth - 2*marginPx)
	tsty, lsty, nsty := style(titlePx, true), style(smallPx, false), style(smallPx, false)
	title := wrap(tsty, f.title, inner)
	legend := legendRows(lsty, f.legend, inner)
	var notes []string
	for _, n := range f.notes {
		notes = append(notes, wrap(nsty, n, inner)...)
	}
	top := px(marginPx) + lineHeight(tsty)*vg.Length(len(title)) + px(8)
	if len(legend) > 0 {
		top += lineHeight(lsty)*vg.Length(len(legend)) + px(8)
	}
	bottom := px(marginPx)
	if len(notes) > 0 {
		bottom += lineHeight(nsty)*vg.Length(len(notes)) + px(8)
	}
	h := top + px(float64(plotH)) + bottom
	c := vgimg.NewWith(vgimg.UseWH(px(ChartWidth), h), vgimg.UseDPI(96))
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())

	// Text is placed by its baseline, from the top down.
	y := h - px(marginPx)
	tsty.XAlign = draw.XCenter
	for _, l := range title {
		y -= lineHeight(tsty)
		dc.FillText(tsty, vg.Point{X: px(ChartWidth) / 2, Y: y + tsty.FontExtents().Descent}, l)
	}
	y -= px(8)
	for _, row := range legend {
		y -= lineHeight(lsty)
		x := px(marginPx)
		for _, it := range row {
			box := draw.Canvas{Canvas: c, Rectangle: vg.Rectangle{
				Min: vg.Point{X: x, Y: y + lineHeight(lsty)*0.2},
				Max: vg.Point{X: x + px(30), Y: y + lineHeight(lsty)*0.8}}}
			it.thumb.Thumbnail(&box)
			x += px(36)
			dc.FillText(lsty, vg.Point{X: x, Y: y + lsty.FontExtents().Descent + lineHeight(lsty)*0.05}, it.label)
			x += lsty.Width(it.label) + px(28)
		}
	}
	for i, l := range notes {
		dc.FillText(nsty, vg.Point{X: px(marginPx), Y: bottom - px(8) - lineHeight(nsty)*vg.Length(i+1) + nsty.FontExtents().Descent}, l)
	}
	area := draw.Crop(dc, px(marginPx), -px(marginPx+8), bottom, -(top))
	p.Draw(area)

	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// cutRunes cuts s to n runes, marking the cut with "…".
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
