// Package papers draws the papers a cell prints (issue 20, item 6): a
// member's quarterly record for self-evaluation, a page a member, and the
// follow-up list a secretary carries to the village. storage gathers what
// they say (QuarterRecord, FollowUp); this package only draws it.
//
// Like the invite sheet (handlers/invitesheet) they are PDFs drawn with
// go-pdf/fpdf in the embedded DejaVu Sans, so they print the same from
// any phone or office PC and show every Vietnamese diacritic whatever
// fonts the printing machine has.
package papers

import (
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"codeberg.org/go-pdf/fpdf"

	"sotay/storage"
)

// Layout: A4 portrait.
const (
	pageW, pageH = 210.0, 297.0
	marginX      = 15.0
	marginY      = 12.0
	bodyW        = pageW - 2*marginX
	footerH      = 8.0
	fontRegular  = "DejaVu"
	fontBold     = "DejaVuB"
	nbAlias      = "{nb}"
)

// newPDF is an A4 document with the fonts embedded, no automatic page
// breaks (each paper decides where a page ends) and footer as every
// page's footer.
func newPDF(title string, footer func(pdf *fpdf.Fpdf)) *fpdf.Fpdf {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle(title, true)
	pdf.SetCreator("sotay", true)
	pdf.AddUTF8FontFromBytes(fontRegular, "", dejavusans.TTF)
	pdf.AddUTF8FontFromBytes(fontBold, "", dejavusansbold.TTF)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(marginX, marginY, marginX)
	pdf.AliasNbPages(nbAlias)
	pdf.SetFooterFunc(func() { footer(pdf) })
	return pdf
}

// footerLine writes a page's footer: left the text, right the page number.
func footerLine(pdf *fpdf.Fpdf, left string) {
	pdf.SetFont(fontRegular, "", 7.5)
	pdf.SetTextColor(110, 110, 110)
	pdf.SetXY(marginX, pageH-marginY-4)
	pdf.CellFormat(bodyW-25, 4, fit(pdf, left, bodyW-25), "", 0, "L", false, 0, "")
	pdf.CellFormat(25, 4, fmt.Sprintf("Trang %d/%s", pdf.PageNo(), nbAlias), "", 0, "R", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
}

// partyHeader draws the heading of a party paper: on the left the
// committee above and the organisation, on the right the Party's name and
// the day; it returns the y below it.
func partyHeader(pdf *fpdf.Fpdf, committee, org string, on time.Time) float64 {
	left := 90.0
	y := marginY
	pdf.SetXY(marginX, y)
	if committee != "" {
		pdf.SetFont(fontRegular, "", 9.5)
		pdf.CellFormat(left, 5, fit(pdf, strings.ToUpper(committee), left), "", 2, "C", false, 0, "")
	}
	pdf.SetFont(fontBold, "", 9.5)
	pdf.CellFormat(left, 5, fit(pdf, strings.ToUpper(org), left), "", 2, "C", false, 0, "")
	pdf.SetFont(fontRegular, "", 9.5)
	pdf.CellFormat(left, 4, "*", "", 2, "C", false, 0, "")
	ly := pdf.GetY()

	pdf.SetXY(marginX+left, y)
	pdf.SetFont(fontBold, "", 10.5)
	pdf.CellFormat(bodyW-left, 5, "ĐẢNG CỘNG SẢN VIỆT NAM", "", 2, "C", false, 0, "")
	w := pdf.GetStringWidth("ĐẢNG CỘNG SẢN VIỆT NAM")
	cx := marginX + left + (bodyW-left)/2
	pdf.Line(cx-w/2, pdf.GetY()+0.5, cx+w/2, pdf.GetY()+0.5)
	pdf.SetXY(marginX+left, pdf.GetY()+2)
	pdf.SetFont(fontRegular, "", 9)
	pdf.CellFormat(bodyW-left, 5, fmt.Sprintf("ngày %02d tháng %02d năm %d", on.Day(), int(on.Month()), on.Year()), "", 2, "C", false, 0, "")
	return max(ly, pdf.GetY()) + 4
}

// centred writes a line across the body, centred.
func centred(pdf *fpdf.Fpdf, font string, size, h float64, text string) {
	pdf.SetFont(font, "", size)
	pdf.SetX(marginX)
	pdf.CellFormat(bodyW, h, fit(pdf, text, bodyW), "", 2, "C", false, 0, "")
}

// fit cuts text, at a word where it can, with "…" so that it fits w in
// the current font.
func fit(pdf *fpdf.Fpdf, text string, w float64) string {
	text = strings.Join(strings.Fields(text), " ")
	w -= 2 * pdf.GetCellMargin()
	if pdf.GetStringWidth(text) <= w {
		return text
	}
	r := []rune(text)
	lo, hi := 0, len(r)
	for lo < hi { // the longest prefix that fits with the ellipsis
		mid := (lo + hi + 1) / 2
		if pdf.GetStringWidth(string(r[:mid])+"…") <= w {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	cut := string(r[:lo])
	if i := strings.LastIndexByte(cut, ' '); i > len(cut)/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,;:-") + "…"
}

// column is a table's column: its title, width and alignment.
type column struct {
	title string
	w     float64
	align string
}

// tableHead draws a table's header row at y and returns the y below it.
func tableHead(pdf *fpdf.Fpdf, cols []column, y, h float64) float64 {
	pdf.SetFont(fontBold, "", 8)
	pdf.SetFillColor(235, 235, 235)
	x := marginX
	for _, c := range cols {
		pdf.SetXY(x, y)
		pdf.CellFormat(c.w, h, fit(pdf, c.title, c.w), "1", 0, "C", true, 0, "")
		x += c.w
	}
	return y + h
}

// tableRow draws a row of one line a cell, each cut to fit, at y.
func tableRow(pdf *fpdf.Fpdf, cols []column, cells []string, y, h float64) float64 {
	pdf.SetFont(fontRegular, "", 8.5)
	x := marginX
	for i, c := range cols {
		pdf.SetXY(x, y)
		pdf.CellFormat(c.w, h, fit(pdf, cells[i], c.w), "1", 0, c.align, false, 0, "")
		x += c.w
	}
	return y + h
}

// spanRow draws a row of one cell across the table, at y.
func spanRow(pdf *fpdf.Fpdf, cols []column, text string, y, h float64) float64 {
	w := 0.0
	for _, c := range cols {
		w += c.w
	}
	pdf.SetFont(fontRegular, "", 8.5)
	pdf.SetXY(marginX, y)
	pdf.CellFormat(w, h, fit(pdf, text, w), "1", 0, "L", false, 0, "")
	return y + h
}

// date is a day as papers write it.
func date(t time.Time) string { return t.Format("02/01/2006") }

// kindName is a meeting kind in Vietnamese, the combined session included.
func kindName(kind string) string {
	if kind == "thuong_ky_chuyen_de" {
		return "thường kỳ + chuyên đề"
	}
	return storage.MeetingKindName(kind)
}
