package report_test

import (
	"bytes"
	"image"
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
	b, err := report.RatesChart("Tỷ lệ học tập 21-KL/TW — Đảng ủy", bars, 95)
	if err != nil {
		t.Fatal(err)
	}
	img := decodePNG(t, b)
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 720 || h != 120+28*len(bars) {
		t.Errorf("size %dx%d", w, h)
	}
	if len(b) < 5_000 || len(b) > 500_000 {
		t.Errorf("%d bytes", len(b))
	}
	t.Run("ManyBarsAreCapped", func(t *testing.T) {
		many := make([]report.Bar, 80)
		for i := range many {
			many[i] = report.Bar{Label: "Chi bộ bản Nậm Đích", Value: float64(i)}
		}
		b, err := report.RatesChart("x", many, 95)
		if err != nil {
			t.Fatal(err)
		}
		if h := decodePNG(t, b).Bounds().Dy(); h != 120+28*report.MaxChartBars {
			t.Errorf("height %d", h)
		}
	})
}

func TestMonthsChart(t *testing.T) {
	months := []time.Time{day(2026, 9, 1), day(2026, 10, 1), day(2026, 11, 1)}
	b, err := report.MonthsChart("Sinh hoạt thường kỳ — Đảng bộ xã", months, []int{4, 2, 4}, []int{4, 4, 4})
	if err != nil {
		t.Fatal(err)
	}
	if img := decodePNG(t, b); img.Bounds().Dx() != 720 || img.Bounds().Dy() != 480 {
		t.Errorf("size %v", img.Bounds())
	}
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
