package demodata

import (
	"bytes"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"codeberg.org/go-pdf/fpdf"

	"sotay/storage"
)

// documentPDF draws a demo document as its file: one A4 page laid out as a
// Party document is (the issuer and number on the left, the Party's name
// and the place and date on the right, the kind and title centred, then
// the text), in DejaVu Sans, so that every Vietnamese mark shows and the
// text layer reads back (search, the secrecy check). A note at the foot
// says it is the demo's rewording, not the original.
func documentPDF(doc demoDocument, issued, made time.Time) ([]byte, error) {
	const (
		regular, bold = "DejaVu", "DejaVuB"
		left, width   = 20.0, 170.0
		half          = 80.0
	)
	p := fpdf.New("P", "mm", "A4", "")
	p.SetTitle(storage.DocumentKindName(doc.Kind)+" số "+doc.Number, true)
	p.SetSubject(doc.Title, true)
	p.SetAuthor(doc.Issuer, true)
	p.SetCreator("sotay (bản demo)", true)
	p.SetCreationDate(made)
	p.SetModificationDate(made)
	p.SetLang("vi-VN")
	p.AddUTF8FontFromBytes(regular, "", dejavusans.TTF)
	p.AddUTF8FontFromBytes(bold, "", dejavusansbold.TTF)
	p.SetMargins(left, 15, 210-left-width)
	p.SetAutoPageBreak(true, 15)
	p.AddPage()

	top := p.GetY()
	p.SetFont(bold, "", 10)
	p.MultiCell(half, 5, strings.ToUpper(doc.Issuer), "", "C", false)
	p.SetFont(regular, "", 10)
	p.CellFormat(half, 5, "*", "", 1, "C", false, 0, "")
	p.CellFormat(half, 5, "Số "+doc.Number, "", 1, "C", false, 0, "")
	below := p.GetY()
	p.SetXY(left+width-half-5, top)
	p.SetFont(bold, "", 10)
	p.CellFormat(half+5, 5, "ĐẢNG CỘNG SẢN VIỆT NAM", "B", 2, "C", false, 0, "")
	p.SetFont(regular, "", 10)
	p.Ln(2)
	p.SetX(left + width - half - 5)
	p.CellFormat(half+5, 5, fmt.Sprintf("%s, ngày %d tháng %d năm %d", doc.Place, issued.Day(), issued.Month(), issued.Year()), "", 1, "C", false, 0, "")
	p.SetY(max(below, p.GetY()) + 8)

	p.SetFont(bold, "", 14)
	p.CellFormat(width, 7, strings.ToUpper(storage.DocumentKindName(doc.Kind)), "", 1, "C", false, 0, "")
	// "KẾT LUẬN" heads "Hội nghị lần thứ tư…", not "Kết luận Hội nghị…".
	title := doc.Title
	if rest, ok := strings.CutPrefix(title, storage.DocumentKindName(doc.Kind)+" "); ok {
		r, n := utf8.DecodeRuneInString(rest)
		title = string(unicode.ToUpper(r)) + rest[n:]
	}
	p.SetFont(bold, "", 10.5)
	p.MultiCell(width, 5.5, title, "", "C", false)
	p.Ln(6)

	p.SetFont(regular, "", 11)
	for _, para := range doc.Body {
		p.MultiCell(width, 6, para, "", "L", false)
		p.Ln(2)
	}
	p.Ln(4)
	p.SetFont(regular, "", 8)
	p.SetTextColor(110, 110, 110)
	p.MultiCell(width, 4, "Bản trình bày cho bản demo của Sổ tay đảng viên điện tử: nội dung được viết lại để minh họa, "+
		"không phải văn bản gốc.", "T", "L", false)
	if err := p.Error(); err != nil {
		return nil, fmt.Errorf("pdf of %s: %w", doc.Number, err)
	}
	if p.PageNo() != 1 {
		return nil, fmt.Errorf("pdf of %s: %d pages, want one", doc.Number, p.PageNo())
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		return nil, fmt.Errorf("pdf of %s: %w", doc.Number, err)
	}
	return b.Bytes(), nil
}
