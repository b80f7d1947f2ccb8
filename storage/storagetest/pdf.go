package storagetest

import (
	"bytes"
	"strings"
	"testing"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-pdf/fpdf"
)

// PDF is an A4 PDF file whose pages show the texts given, one line of the
// page per line of the text, in DejaVu Sans (every Vietnamese mark), as a
// word processor leaves a text layer. A page given as "" has no text, only
// a frame drawn, as a scan without OCR.
func PDF(t testing.TB, pages ...string) []byte {
	t.Helper()
	p := fpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("dejavu", "", dejavusans.TTF)
	p.SetFont("dejavu", "", 12)
	for _, text := range pages {
		p.AddPage()
		if text == "" {
			p.Rect(20, 20, 170, 250, "D")
			continue
		}
		for _, line := range strings.Split(text, "\n") {
			p.CellFormat(0, 8, line, "", 1, "L", false, 0, "")
		}
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
