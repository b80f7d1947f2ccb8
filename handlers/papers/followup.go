package papers

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"sotay/storage"
)

// The follow-up list: a table of the members to follow up, with what
// each has left to study, the meetings they missed, whether the bot
// reaches them (a grey cell when it does not: they need a word in
// person), and an empty box to tick at the next meeting. Rows wrap; a
// row never splits across pages, and each page repeats the header.

const (
	fuLineH = 4.0
	fuPad   = 1.2
	fuHeadH = 9.0
	fuBoxW  = 5.0
)

var followCols = []column{{"STT", 8, "C"}, {"Đảng viên", 38, "L"}, {"Văn bản chưa học", 47, "L"},
	{fmt.Sprintf("Vắng họp (%d ngày qua)", storage.FollowUpDays), 51, "L"}, {"Liên lạc", 22, "L"}, {"Đã nhắc", 14, "C"}}

// WriteFollowUp draws the follow-up list.
func WriteFollowUp(w io.Writer, f storage.FollowUp) error {
	pdf := newPDF("Danh sách đảng viên cần nhắc", func(pdf *fpdf.Fpdf) {
		footerLine(pdf, fmt.Sprintf("In từ Sổ tay đảng viên điện tử ngày %s · Danh sách cần nhắc — %s", date(f.On), f.Org.Name))
	})
	pdf.AddPage()
	y := partyHeader(pdf, f.Committee, f.Org.Name, f.On)
	pdf.SetY(y)
	centred(pdf, fontBold, 12.5, 6.5, "DANH SÁCH ĐẢNG VIÊN CẦN NHẮC")
	centred(pdf, fontRegular, 10, 5.5, fmt.Sprintf("Văn bản chưa học và buổi sinh hoạt vắng mặt, tính đến ngày %s", date(f.On)))
	pdf.SetY(pdf.GetY() + 2)
	pdf.SetFont(fontRegular, "", 8.5)
	pdf.SetX(marginX)
	pdf.MultiCell(bodyW, 4, fmt.Sprintf("%d/%d đảng viên cần nhắc. Văn bản chưa học: các đợt học tập đang mở. Vắng họp: các buổi sinh hoạt "+
		"từ %s đến nay có ghi điểm danh theo tên. Ô «Liên lạc» tô xám: bot không nhắn tới được đồng chí đó (chưa liên kết "+
		"Telegram hoặc đã chặn bot), cần nhắc trực tiếp. Cột «Đã nhắc»: đánh dấu khi đã nhắc tại buổi sinh hoạt.",
		len(f.Rows), f.Members, date(f.Since)), "", "L", false)
	y = pdf.GetY() + 3
	if len(f.Rows) == 0 {
		pdf.SetXY(marginX, y)
		pdf.SetFont(fontBold, "", 10)
		pdf.MultiCell(bodyW, 5, fmt.Sprintf("Mọi đảng viên đã học đủ các văn bản đang mở và không vắng buổi sinh hoạt nào có ghi tên trong %d ngày qua.",
			storage.FollowUpDays), "", "L", false)
	} else {
		drawFollowTable(pdf, f, y)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("papers: follow-up: %w", err)
	}
	return pdf.Output(w)
}

func drawFollowTable(pdf *fpdf.Fpdf, f storage.FollowUp, y float64) {
	bottom := pageH - marginY - footerH
	head := func(y float64) float64 { return tableHeadWrapped(pdf, followCols, y) }
	y = head(y)
	groups := false
	for _, r := range f.Rows {
		if r.Member.OrgID != f.Org.ID {
			groups = true
		}
	}
	org := int64(0)
	for i, r := range f.Rows {
		cells := followCells(i, r, f.On)
		h := rowHeight(pdf, cells)
		groupH := 0.0
		if groups && r.Member.OrgID != org {
			groupH = 6
		}
		if y+groupH+h > bottom {
			pdf.AddPage()
			y = head(marginY)
		}
		if groupH > 0 {
			org = r.Member.OrgID
			pdf.SetFont(fontBold, "", 9)
			pdf.SetFillColor(245, 245, 245)
			pdf.SetXY(marginX, y)
			pdf.CellFormat(bodyW, groupH, fit(pdf, r.Member.OrgName, bodyW), "1", 0, "L", true, 0, "")
			y += groupH
		}
		y = followRow(pdf, r, cells, y, h)
	}
}

// tableHeadWrapped is tableHead with titles that may take two lines.
func tableHeadWrapped(pdf *fpdf.Fpdf, cols []column, y float64) float64 {
	pdf.SetFont(fontBold, "", 8)
	pdf.SetFillColor(235, 235, 235)
	x := marginX
	for _, c := range cols {
		pdf.Rect(x, y, c.w, fuHeadH, "FD")
		lines := pdf.SplitText(c.title, c.w)
		top := y + (fuHeadH-float64(len(lines))*3.6)/2
		for k, l := range lines {
			pdf.SetXY(x, top+float64(k)*3.6)
			pdf.CellFormat(c.w, 3.6, l, "", 0, "C", false, 0, "")
		}
		x += c.w
	}
	return y + fuHeadH
}

// followCells are a row's texts, one string a column (lines split by "\n").
func followCells(i int, r storage.FollowUpRow, today time.Time) []string {
	var docs []string
	for _, d := range r.Docs {
		s := d.DocNumber
		switch {
		case d.DueOn != nil && d.DueOn.Before(today):
			s += " (hạn " + date(*d.DueOn) + ", quá hạn)"
		case d.DueOn != nil:
			s += " (hạn " + date(*d.DueOn) + ")"
		}
		docs = append(docs, s)
	}
	var missed []string
	for _, a := range r.Absence {
		s := date(a.HeldOn) + ": vắng không lý do"
		if a.WithReason() {
			s = date(a.HeldOn) + ": vắng có lý do"
			if strings.TrimSpace(a.Reason) != "" {
				s = date(a.HeldOn) + ": vắng (" + a.Reason + ")"
			}
		}
		missed = append(missed, s)
	}
	reach := "Telegram"
	switch {
	case r.NotLinked():
		reach = "Chưa liên kết Telegram"
	case r.Blocked():
		reach = "Đã chặn bot"
	}
	return []string{fmt.Sprint(i + 1), r.Member.FullName + "\n" + r.Member.Code, strings.Join(docs, "\n"),
		strings.Join(missed, "\n"), reach, ""}
}

// line is a line of a cell as drawn.
type line struct {
	text string
	bold bool
}

// cellLines splits a cell's text ("\n" between parts) to the column's
// width; the member's name, the first part of column 1, is bold and split
// in the bold font, so that it wraps rather than being cut.
func cellLines(pdf *fpdf.Fpdf, col int, text string, w float64) []line {
	var out []line
	for k, part := range strings.Split(text, "\n") {
		if part == "" {
			continue
		}
		bold := col == 1 && k == 0
		font := fontRegular
		if bold {
			font = fontBold
		}
		pdf.SetFont(font, "", 8.5)
		for _, l := range pdf.SplitText(part, w) {
			out = append(out, line{l, bold})
		}
	}
	return out
}

func rowHeight(pdf *fpdf.Fpdf, cells []string) float64 {
	n := 1
	for i, c := range followCols {
		n = max(n, len(cellLines(pdf, i, cells[i], c.w)))
	}
	return float64(n)*fuLineH + 2*fuPad
}

func followRow(pdf *fpdf.Fpdf, r storage.FollowUpRow, cells []string, y, h float64) float64 {
	x := marginX
	for i, c := range followCols {
		fill := "D"
		if i == 4 && (r.NotLinked() || r.Blocked()) {
			pdf.SetFillColor(210, 210, 210)
			fill = "FD"
		}
		pdf.Rect(x, y, c.w, h, fill)
		for k, l := range cellLines(pdf, i, cells[i], c.w) {
			font := fontRegular
			if l.bold {
				font = fontBold
			}
			pdf.SetFont(font, "", 8.5)
			pdf.SetXY(x, y+fuPad+float64(k)*fuLineH)
			pdf.CellFormat(c.w, fuLineH, fit(pdf, l.text, c.w), "", 0, c.align, false, 0, "")
		}
		if i == len(followCols)-1 {
			pdf.Rect(x+(c.w-fuBoxW)/2, y+fuPad+0.3, fuBoxW, fuBoxW, "D") // the box to tick
		}
		x += c.w
	}
	return y + h
}
