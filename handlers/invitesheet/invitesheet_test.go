package invitesheet_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"regexp"
	"strconv"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"sotay/handlers/invitesheet"
)

// decodeQR reads a QR code back, as a phone camera would.
func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("QR not readable: %v", err)
	}
	return res.GetText()
}

// pdfImages takes the grayscale images out of a PDF: fpdf keeps a PNG's
// compressed rows as they were, so putting them back in a PNG file gives
// the very image the printer prints.
func pdfImages(t *testing.T, pdf []byte) []image.Image {
	t.Helper()
	re := regexp.MustCompile(`(?s)/Subtype /Image\s*/Width (\d+)\s*/Height (\d+)\s*/ColorSpace /DeviceGray\s*/BitsPerComponent 8.*?/Length (\d+)>>\s*stream\r?\n`)
	var out []image.Image
	for _, m := range re.FindAllSubmatchIndex(pdf, -1) {
		w, _ := strconv.Atoi(string(pdf[m[2]:m[3]]))
		h, _ := strconv.Atoi(string(pdf[m[4]:m[5]]))
		n, _ := strconv.Atoi(string(pdf[m[6]:m[7]]))
		data := pdf[m[1] : m[1]+n]
		var b bytes.Buffer
		b.WriteString("\x89PNG\r\n\x1a\n")
		chunk := func(typ string, body []byte) {
			binary.Write(&b, binary.BigEndian, uint32(len(body)))
			c := append([]byte(typ), body...)
			b.Write(c)
			binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(c))
		}
		ihdr := make([]byte, 13)
		binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
		binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
		ihdr[8], ihdr[9] = 8, 0 // 8-bit grayscale
		chunk("IHDR", ihdr)
		chunk("IDAT", data)
		chunk("IEND", nil)
		img, err := png.Decode(&b)
		if err != nil {
			t.Fatalf("image %d in the PDF: %v", len(out), err)
		}
		out = append(out, img)
	}
	return out
}

func TestSheetQRCodesScanBackToTheLinks(t *testing.T) {
	sheet := invitesheet.Sheet{Title: "Chi bộ bản Nà Hiên", Bot: "sotay_binhlu_bot", Expires: "31/12/2026"}
	for i := 0; i < invitesheet.PerPage+1; i++ {
		sheet.Slips = append(sheet.Slips, invitesheet.Slip{
			Name: fmt.Sprintf("Lò Thị Ngọc Huyền %d", i), Org: "Chi bộ bản Nà Hiên", Code: fmt.Sprintf("DV%04d", i),
			Link:     fmt.Sprintf("https://t.me/sotay_binhlu_bot?start=Ab%02d_-xYz0123456789abcdefghijklmnopqrstu", i),
			HasPhone: i%2 == 0,
		})
	}
	var b bytes.Buffer
	if err := invitesheet.WritePDF(&b, sheet); err != nil {
		t.Fatal(err)
	}
	pdf := b.Bytes()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("not a PDF")
	}
	if got := len(regexp.MustCompile(`/Type /Page\b`).FindAll(pdf, -1)); got != 2 {
		t.Fatalf("%d pages for %d slips", got, len(sheet.Slips))
	}
	// DejaVu Sans, regular and bold, embedded (as TrueType subsets).
	if bytes.Count(pdf, []byte("/FontFile2")) != 2 || !bytes.Contains(pdf, []byte("/BaseFont /utf8dejavu")) {
		t.Fatal("the Vietnamese font is not embedded")
	}
	imgs := pdfImages(t, pdf)
	if len(imgs) != len(sheet.Slips) {
		t.Fatalf("%d QR images for %d slips", len(imgs), len(sheet.Slips))
	}
	// fpdf writes the images in its own order: each link once.
	want := map[string]bool{}
	for _, sl := range sheet.Slips {
		want[sl.Link] = true
	}
	for _, img := range imgs {
		got := decodeQR(t, img)
		if !want[got] {
			t.Fatalf("a QR scans to %q: not a slip's link, or twice", got)
		}
		delete(want, got)
	}
}

func TestQRHasQuietZone(t *testing.T) {
	b, err := invitesheet.QR("https://t.me/x_bot?start=abc")
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if r, _, _, _ := img.At(2, 2).RGBA(); r < 0xf000 {
		t.Fatal("no white margin around the code: cameras need one")
	}
	if got := decodeQR(t, img); got != "https://t.me/x_bot?start=abc" {
		t.Fatalf("scans to %q", got)
	}
}
