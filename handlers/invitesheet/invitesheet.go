// Package invitesheet draws the printable invite sheet: one slip per
// unlinked member, with their name, cell and a QR code of their one-time
// deep link, cut out and handed over at the cell meeting.
//
// The sheet is a PDF, not an XLSX with pictures: a PDF prints the same on
// any printer and from any phone or office PC (no page setup, no pictures
// drifting off their cells), and the embedded DejaVu Sans font shows every
// Vietnamese diacritic whatever fonts the printing machine has.
package invitesheet

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"

	"codeberg.org/go-fonts/dejavu/dejavusans"
	"codeberg.org/go-fonts/dejavu/dejavusansbold"
	"codeberg.org/go-pdf/fpdf"
	qrcode "github.com/skip2/go-qrcode"
)

// Slip is one member's invite.
type Slip struct {
	Name, Org, Code string
	// Link is the deep link https://t.me/<bot>?start=<token>.
	Link string
	// HasPhone says the member's phone is on the roster, so sharing it in
	// the bot links them too.
	HasPhone bool
	// WebLink, when the web handbook is on, is the member's one-time
	// sign-in link there: a second, smaller QR code, for a phone without
	// Telegram or where Telegram is blocked.
	WebLink string
}

// Sheet is what the whole sheet shares.
type Sheet struct {
	// Title heads every page, e.g. the organisation's name.
	Title string
	// Bot is the bot's username, without @.
	Bot string
	// Expires is the date the links stop working, as printed (dd/mm/yyyy).
	Expires string
	Slips   []Slip
}

// Layout: A4 portrait, two columns of four slips, cut along dashed lines.
const (
	pageW, pageH   = 210.0, 297.0
	margin         = 10.0
	headerH        = 8.0
	cols, rows     = 2, 4
	qrSize         = 40.0 // mm: large enough for a cheap phone camera
	qrPixels       = 400
	slipPad        = 4.0
	PerPage        = cols * rows
	fontRegular    = "DejaVu"
	fontBold       = "DejaVuB"
	textColumnFrom = slipPad
)

// QR is the QR code of link as an 8-bit grayscale PNG with its quiet zone,
// at error correction level M (it survives a crease or a smudge).
func QR(link string) ([]byte, error) {
	q, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("invitesheet: qr: %w", err)
	}
	src := q.Image(qrPixels)
	gray := image.NewGray(src.Bounds())
	draw.Draw(gray, gray.Bounds(), &image.Uniform{color.White}, image.Point{}, draw.Src)
	draw.Draw(gray, gray.Bounds(), src, src.Bounds().Min, draw.Src)
	var b bytes.Buffer
	if err := png.Encode(&b, gray); err != nil {
		return nil, fmt.Errorf("invitesheet: qr png: %w", err)
	}
	return b.Bytes(), nil
}

// WritePDF draws the sheet.
func WritePDF(w io.Writer, s Sheet) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Phiếu mời liên kết Sổ tay đảng viên điện tử", true)
	pdf.SetCreator("sotay", true)
	pdf.AddUTF8FontFromBytes(fontRegular, "", dejavusans.TTF)
	pdf.AddUTF8FontFromBytes(fontBold, "", dejavusansbold.TTF)
	pdf.SetAutoPageBreak(false, 0)
	slipW := (pageW - 2*margin) / cols
	slipH := (pageH - 2*margin - headerH) / rows
	pages := (len(s.Slips) + PerPage - 1) / PerPage
	if pages == 0 {
		pages = 1
	}
	for p := 0; p < pages; p++ {
		pdf.AddPage()
		pdf.SetFont(fontBold, "", 10)
		pdf.SetXY(margin, margin)
		title := "Phiếu mời liên kết Sổ tay đảng viên điện tử"
		if s.Title != "" {
			title += " — " + s.Title
		}
		pdf.CellFormat(pageW-2*margin-25, 6, title, "", 0, "L", false, 0, "")
		pdf.SetFont(fontRegular, "", 8)
		pdf.CellFormat(25, 6, fmt.Sprintf("Trang %d/%d", p+1, pages), "", 0, "R", false, 0, "")
		pdf.SetDashPattern([]float64{1.5, 1.5}, 0)
		pdf.SetDrawColor(150, 150, 150)
		top := margin + headerH
		for c := 0; c <= cols; c++ {
			x := margin + float64(c)*slipW
			pdf.Line(x, top, x, top+rows*slipH)
		}
		for r := 0; r <= rows; r++ {
			y := top + float64(r)*slipH
			pdf.Line(margin, y, margin+cols*slipW, y)
		}
		pdf.SetDashPattern(nil, 0)
		pdf.SetDrawColor(0, 0, 0)
		for i := p * PerPage; i < min((p+1)*PerPage, len(s.Slips)); i++ {
			k := i - p*PerPage
			x := margin + float64(k%cols)*slipW
			y := top + float64(k/cols)*slipH
			if err := drawSlip(pdf, s, s.Slips[i], i, x, y, slipW, slipH); err != nil {
				return err
			}
		}
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("invitesheet: %w", err)
	}
	return pdf.Output(w)
}

func drawSlip(pdf *fpdf.Fpdf, s Sheet, sl Slip, i int, x, y, w, h float64) error {
	img, err := QR(sl.Link)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("qr%d", i)
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
	qx := x + w - slipPad - qrSize
	qy := y + slipPad
	pdf.ImageOptions(name, qx, qy, qrSize, qrSize, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")

	textW := w - 2*slipPad - qrSize - 2
	tx := x + textColumnFrom
	pdf.SetXY(tx, y+slipPad)
	pdf.SetFont(fontRegular, "", 7)
	pdf.SetTextColor(90, 90, 90)
	pdf.MultiCell(textW, 3.2, "SỔ TAY ĐẢNG VIÊN ĐIỆN TỬ", "", "L", false)
	pdf.SetTextColor(0, 0, 0)
	pdf.SetX(tx)
	pdf.SetFont(fontBold, "", 11)
	pdf.MultiCell(textW, 5, sl.Name, "", "L", false)
	pdf.SetX(tx)
	pdf.SetFont(fontRegular, "", 8.5)
	pdf.MultiCell(textW, 4, sl.Org, "", "L", false)
	pdf.SetX(tx)
	pdf.MultiCell(textW, 4, "Mã đảng viên: "+sl.Code, "", "L", false)
	if sl.WebLink != "" {
		if err := drawWebQR(pdf, sl.WebLink, i, tx, pdf.GetY()+1, textW, y+slipPad+qrSize); err != nil {
			return err
		}
	}

	pdf.SetXY(x+slipPad, y+slipPad+qrSize+1.5)
	pdf.SetFont(fontRegular, "", 7.5)
	steps := "Mở camera điện thoại, quét mã QR rồi bấm «Bắt đầu» (Start) trong Telegram: sổ tay liên kết ngay với đồng chí."
	if s.Expires != "" {
		steps += " Mã dùng một lần, hết hạn ngày " + s.Expires + "."
	}
	pdf.MultiCell(w-2*slipPad, 3.3, steps, "", "L", false)
	if sl.HasPhone && s.Bot != "" {
		pdf.SetX(x + slipPad)
		pdf.SetFont(fontBold, "", 7.5)
		pdf.MultiCell(w-2*slipPad, 3.3, "Hoặc: số điện thoại của đồng chí đã có trong danh sách — mở @"+s.Bot+
			" trên Telegram và bấm «Chia sẻ số điện thoại».", "", "L", false)
	}
	return nil
}

// webQRSize is the web sign-in QR code's side, in mm: beside the text,
// under the name, above the steps.
const webQRSize = 22.0

// drawWebQR draws the web sign-in QR code at (x, y) in the text column of
// width w, with its caption beside it, if it fits above bottom.
func drawWebQR(pdf *fpdf.Fpdf, link string, i int, x, y, w, bottom float64) error {
	size := min(webQRSize, bottom-y)
	if size < 16 {
		return nil // a long name took the room: the slip keeps its Telegram code
	}
	img, err := QR(link)
	if err != nil {
		return err
	}
	name := fmt.Sprintf("web%d", i)
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(img))
	pdf.ImageOptions(name, x, y, size, size, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	pdf.SetXY(x+size+1, y+1)
	pdf.SetFont(fontRegular, "", 6.5)
	pdf.MultiCell(w-size-1, 3, "Không dùng được Telegram? Quét mã này, bấm «Vào sổ tay»: sổ tay trên web.", "", "L", false)
	return nil
}
