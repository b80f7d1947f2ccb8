package report_test

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"testing"
	"time"

	xfont "golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"gonum.org/v1/plot/font"

	"sotay/handlers/report"
)

func decodePNG(t *testing.T, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	return img
}

func TestRatesChart(t *testing.T) {
	bars := []report.Bar{{"Chi bộ bản Nậm Đích", 62.5}, {"Chi bộ Mầm non", 80}, {"Đảng bộ Trường học", 96.2}, {"Chi bộ Tiểu học", 100}}
	pics, err := report.RatesCharts("Tỷ lệ học tập 21-KL/TW — Đảng ủy", bars, 95)
	if err != nil {
		t.Fatal(err)
	}
	if len(pics) != 1 {
		t.Fatalf("%d pictures for 4 bars", len(pics))
	}
	b := pics[0]
	img := decodePNG(t, b)
	if w := img.Bounds().Dx(); w != report.ChartWidth {
		t.Errorf("width %d", w)
	}
	if len(b) < 5_000 || len(b) > 500_000 {
		t.Errorf("%d bytes", len(b))
	}
	t.Run("NothingRunsOffTheEdges", func(t *testing.T) {
		// The target's label and full bars stay inside the picture: the
		// outermost columns are blank.
		for _, pic := range pics {
			assertBlankEdges(t, decodePNG(t, pic), 8)
		}
	})
	t.Run("LabelsReadableOnAPhone", func(t *testing.T) {
		one, err := report.RatesCharts("", []report.Bar{{Label: "HHHHHHHH", Value: 100}}, 95)
		if err != nil {
			t.Fatal(err)
		}
		img := decodePNG(t, one[0])
		cap := capHeight(t, img)
		// Shown ShownWidth px wide, a 12 px font (Telegram's small print)
		// has capitals about 8.5 px high (Liberation Sans: 0.69 em).
		if shown := float64(cap) * report.ShownWidth / float64(img.Bounds().Dx()); shown < 8 {
			t.Errorf("capitals %d px high, %.1f px on a phone", cap, shown)
		}
	})
}

// TestPlanRates: a chart shows every organisation under the target, in
// as few pictures as that takes, and counts the ones left out, which all
// reached it.
func TestPlanRates(t *testing.T) {
	bars := func(below, above int) []report.Bar {
		var out []report.Bar
		for i := range below {
			out = append(out, report.Bar{Label: "x", Value: 40 + float64(i)/10})
		}
		for range above {
			out = append(out, report.Bar{Label: "y", Value: 97})
		}
		return out
	}
	for _, tc := range []struct {
		name                   string
		below, above           int
		pictures, drawn, reach int
	}{
		{"FewFitOnePicture", 3, 4, 1, 7, 0},
		{"LowestWithTheRestCounted", 12, 56, 1, report.BarsPerPicture, 68 - report.BarsPerPicture},
		{"SeveralPicturesForManyBelow", 20, 48, 2, 2 * report.BarsPerPicture, 68 - 2*report.BarsPerPicture},
		{"AllBelow", 68, 0, 5, 68, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan := report.PlanRates(bars(tc.below, tc.above), 95)
			drawn, below := 0, 0
			for _, pic := range plan.Pictures {
				if len(pic) > report.BarsPerPicture {
					t.Errorf("a picture of %d bars", len(pic))
				}
				drawn += len(pic)
				for _, b := range pic {
					if b.Value < 95 {
						below++
					}
				}
			}
			if len(plan.Pictures) != tc.pictures || drawn != tc.drawn || plan.Reached != tc.reach || plan.Left != 0 {
				t.Errorf("%d pictures, %d drawn, %d reached, %d left", len(plan.Pictures), drawn, plan.Reached, plan.Left)
			}
			if below != tc.below {
				t.Errorf("%d of %d under the target drawn", below, tc.below)
			}
		})
	}
	t.Run("TheLastPictureSaysHowManyMore", func(t *testing.T) {
		pics, err := report.RatesCharts("x", bars(20, 48), 95)
		if err != nil || len(pics) != 2 {
			t.Fatalf("%d pictures, %v", len(pics), err)
		}
		// The note under the last picture makes it taller than the first,
		// which holds as many bars.
		if a, b := decodePNG(t, pics[0]).Bounds().Dy(), decodePNG(t, pics[1]).Bounds().Dy(); b <= a {
			t.Errorf("heights %d, %d", a, b)
		}
	})
}

func TestMonthsChart(t *testing.T) {
	months := []time.Time{day(2026, 9, 1), day(2026, 10, 1), day(2026, 11, 1)}
	b, err := report.MonthsChart("Sinh hoạt thường kỳ — Đảng bộ xã", months, []int{4, 2, 4}, []int{4, 4, 4})
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b)
	if img.Bounds().Dx() != report.ChartWidth {
		t.Errorf("size %v", img.Bounds())
	}
	assertBlankEdges(t, img, 8)
	t.Run("LegendApartFromThePlot", func(t *testing.T) {
		// The legend's bar swatch is the topmost bar-coloured shape; the
		// plot (its axis, its grid) starts below it.
		_, y1 := topRun(img, isBarBlue)
		if y1 < 0 {
			t.Fatal("no legend swatch")
		}
		if top := plotTop(img); y1 >= top {
			t.Errorf("the legend (down to row %d) lies on the plot (from row %d)", y1, top)
		}
	})
}

// plotTop is the first row of the plot: where the highest long vertical
// line (an axis, a grid line: ink down two fifths of the picture) starts.
func plotTop(img image.Image) int {
	b := img.Bounds()
	white := func(x, y int) bool {
		r, g, bl, _ := img.At(x, y).RGBA()
		return r == 0xffff && g == 0xffff && bl == 0xffff
	}
	top := b.Dy()
	for x := range b.Dx() {
		start := -1
		for y := 0; y <= b.Dy(); y++ {
			switch {
			case y < b.Dy() && !white(x, y):
				if start < 0 {
					start = y
				}
			case start >= 0:
				if y-start >= b.Dy()*2/5 {
					top = min(top, start)
				}
				start = -1
			}
		}
	}
	return top
}

func isDark(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r < 0x6000 && g < 0x6000 && b < 0x6000
}

func isBarBlue(c color.Color) bool {
	r, g, b, _ := c.RGBA()
	return r>>8 < 0x50 && g>>8 > 0x60 && g>>8 < 0x90 && b>>8 > 0xa0
}

// topRun is the first run of rows, from the top, holding a pixel that is.
func topRun(img image.Image, is func(color.Color) bool) (int, int) {
	y0 := -1
	for y := range img.Bounds().Dy() {
		found := false
		for x := range img.Bounds().Dx() {
			if is(img.At(x, y)) {
				found = true
				break
			}
		}
		switch {
		case found && y0 < 0:
			y0 = y
		case !found && y0 >= 0:
			return y0, y - 1
		}
	}
	return y0, img.Bounds().Dy() - 1
}

func assertBlankEdges(t *testing.T, img image.Image, n int) {
	t.Helper()
	b := img.Bounds()
	for y := range b.Dy() {
		for _, x := range []int{0, n - 1, b.Dx() - n, b.Dx() - 1} {
			if r, g, bl, _ := img.At(x, y).RGBA(); r>>8 < 0xf0 || g>>8 < 0xf0 || bl>>8 < 0xf0 {
				t.Fatalf("ink at the edge (%d, %d) of a %dx%d chart", x, y, b.Dx(), b.Dy())
			}
		}
	}
}

// capHeight is the height in pixels of the name left of the one bar of a
// chart (a name of capitals): the dark rows, around the bar's middle, left
// of where the bar starts.
func capHeight(t *testing.T, img image.Image) int {
	t.Helper()
	// The bar: the middle row of the bar-coloured run in the right half.
	y0, y1 := -1, -1
	for y := range img.Bounds().Dy() {
		if isBarBlue(img.At(img.Bounds().Dx()*3/4, y)) {
			if y0 < 0 {
				y0 = y
			}
			y1 = y
		}
	}
	if y0 < 0 {
		t.Fatal("no bar")
	}
	mid := (y0 + y1) / 2
	left := 0
	for left < img.Bounds().Dx() && !isBarBlue(img.At(left, mid)) {
		left++
	}
	dark := func(y int) bool {
		for x := range left - 16 {
			if isDark(img.At(x, y)) {
				return true
			}
		}
		return false
	}
	top, bottom := mid, mid
	for top > 0 && dark(top-1) {
		top--
	}
	for bottom < img.Bounds().Dy()-1 && dark(bottom+1) {
		bottom++
	}
	if !dark(mid) {
		t.Fatal("no name beside the bar")
	}
	return bottom - top + 1
}

// TestChartFontDrawsVietnamese checks that the chart's font has a glyph
// for every letter of the names the charts show, and that "Đ" is drawn as
// a letter, not as the missing-glyph box or nothing.
func TestChartFontDrawsVietnamese(t *testing.T) {
	face := font.DefaultCache.Lookup(report.ChartFont, 40)
	if face.Face == nil {
		t.Fatal("no chart font")
	}
	var buf sfnt.Buffer
	for _, r := range "Đảng ủy Chi bộ bản Nậm Đích ư ơ ạ ế ộ Ủy ban Kiểm tra Tỷ lệ đạt" {
		if r == ' ' {
			continue
		}
		if g, err := face.Face.GlyphIndex(&buf, r); err != nil || g == 0 {
			t.Errorf("no glyph for %q (%v)", r, err)
		}
	}
	ff, err := opentype.NewFace(face.Face, &opentype.FaceOptions{Size: 40, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	render := func(s string) *image.Gray {
		img := image.NewGray(image.Rect(0, 0, 60, 60))
		draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
		d := xfont.Drawer{Dst: img, Src: image.Black, Face: ff, Dot: fixed.P(5, 45)}
		d.DrawString(s)
		return img
	}
	ink := func(img *image.Gray) int {
		n := 0
		for _, p := range img.Pix {
			if p < 128 {
				n++
			}
		}
		return n
	}
	d, tofu, blank := render("Đ"), render("\uE000"), render(" ")
	if ink(d) < 50 {
		t.Errorf("Đ has %d dark pixels", ink(d))
	}
	if bytes.Equal(d.Pix, tofu.Pix) || bytes.Equal(d.Pix, blank.Pix) {
		t.Error("Đ is drawn as the missing glyph or blank")
	}
	if bytes.Equal(render("Đ").Pix, render("D").Pix) {
		t.Error("Đ is drawn as D")
	}
}
