package papers

import (
	"fmt"
	"io"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"sotay/storage"
)

// Records are the quarterly records to print: one member's, or a cell's
// for its evaluation meeting, one A4 page a member whatever their record
// holds (a long list is cut, saying how many more).
type Records struct {
	Printed time.Time // the day printed
	Records []storage.QuarterRecord
}

// Vertical sizes of the record's parts, in mm.
const (
	recRowH     = 5.5
	recHeadH    = 6.0
	recTitleH   = 7.0
	recLineH    = 4.5
	recSignH    = 30.0
	recGapAfter = 2.0
)

var (
	studyCols = []column{{"STT", 10, "C"}, {"Số hiệu", 30, "L"}, {"Trích yếu", 72, "L"}, {"Ngày học", 22, "C"}, {"Hình thức", 46, "L"}}
	meetCols  = []column{{"STT", 10, "C"}, {"Ngày", 22, "C"}, {"Loại", 34, "L"}, {"Nội dung", 60, "L"}, {"Tham dự", 54, "L"}}
	leftCols  = []column{{"STT", 10, "C"}, {"Số hiệu", 30, "L"}, {"Trích yếu", 72, "L"}, {"Hạn học", 22, "C"}, {"Ghi chú", 46, "L"}}
)

// WriteRecords draws the records, a page each; no record gives one page
// that says so.
func WriteRecords(w io.Writer, rs Records) error {
	var current *storage.QuarterRecord
	pdf := newPDF("Phiếu tổng hợp kết quả hoạt động của đảng viên", func(pdf *fpdf.Fpdf) {
		left := "In từ Sổ tay đảng viên điện tử ngày " + date(rs.Printed)
		if current != nil {
			left += " · " + current.Member.FullName + " (" + current.Member.Code + ")"
		}
		footerLine(pdf, left)
	})
	if len(rs.Records) == 0 {
		pdf.AddPage()
		pdf.SetY(marginY + 20)
		centred(pdf, fontRegular, 11, 6, "Không có đảng viên nào trong danh sách.")
	}
	for i := range rs.Records {
		pdf.AddPage() // the footer of the page before is drawn here
		current = &rs.Records[i]
		drawRecord(pdf, rs.Records[i], rs.Printed)
	}
	if err := pdf.Error(); err != nil {
		return fmt.Errorf("papers: record: %w", err)
	}
	return pdf.Output(w)
}

// section is one of the record's three parts, measured before it is drawn.
type section struct {
	title   string
	summary string
	cols    []column
	rows    [][]string
	more    string // "… và %d văn bản khác": the row that says what was cut
	shown   int    // rows it gets on the page
}

func (s *section) fixedH(pdf *fpdf.Fpdf) float64 {
	pdf.SetFont(fontRegular, "", 9)
	h := recTitleH + float64(len(pdf.SplitText(s.summary, bodyW)))*recLineH + recGapAfter
	if len(s.rows) > 0 {
		h += recHeadH
	}
	return h
}

func drawRecord(pdf *fpdf.Fpdf, r storage.QuarterRecord, printed time.Time) {
	y := partyHeader(pdf, r.Committee, r.OrgName, printed)
	pdf.SetY(y)
	centred(pdf, fontBold, 12.5, 6.5, "PHIẾU TỔNG HỢP KẾT QUẢ HOẠT ĐỘNG CỦA ĐẢNG VIÊN")
	period := fmt.Sprintf("%s (từ %s đến %s)", r.Quarter.Title(), date(r.From), date(r.To))
	if !r.To.Equal(r.Quarter.Last()) {
		period = fmt.Sprintf("%s (từ %s đến nay, %s)", r.Quarter.Title(), date(r.From), date(r.To))
	}
	centred(pdf, fontRegular, 10.5, 5.5, period)
	pdf.SetTextColor(90, 90, 90)
	centred(pdf, fontRegular, 8.5, 5, "Dùng khi đảng viên tự kiểm điểm, đánh giá, xếp loại (Quy định 366-QĐ/TW)")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetY(pdf.GetY() + 2)
	labelled(pdf, "Họ và tên: ", r.Member.FullName, "Mã đảng viên: ", r.Member.Code)
	labelled(pdf, "Tổ chức đảng: ", r.OrgName, "", "")
	y = pdf.GetY() + 2

	secs := recordSections(r)
	limit := pageH - marginY - footerH - recSignH
	avail := limit - y
	var want []int
	for _, s := range secs {
		avail -= s.fixedH(pdf)
		want = append(want, len(s.rows))
	}
	for i, n := range share(want, int(avail/recRowH)) {
		secs[i].shown = n
	}
	for _, s := range secs {
		y = drawSection(pdf, s, y)
	}
	signatures(pdf, max(y+2, limit), r.Member.FullName)
}

// labelled writes "label value" pairs on one line, the values in bold.
func labelled(pdf *fpdf.Fpdf, l1, v1, l2, v2 string) {
	pdf.SetX(marginX)
	w := bodyW
	if l2 != "" {
		w = bodyW * 0.62
	}
	pair := func(label, value string, w float64) {
		pdf.SetFont(fontRegular, "", 10)
		lw := pdf.GetStringWidth(label) + 1
		pdf.CellFormat(lw, 6, label, "", 0, "L", false, 0, "")
		pdf.SetFont(fontBold, "", 10)
		pdf.CellFormat(w-lw, 6, fit(pdf, value, w-lw), "", 0, "L", false, 0, "")
	}
	pair(l1, v1, w)
	if l2 != "" {
		pair(l2, v2, bodyW-w)
	}
	pdf.Ln(6)
}

func drawSection(pdf *fpdf.Fpdf, s section, y float64) float64 {
	pdf.SetXY(marginX, y)
	pdf.SetFont(fontBold, "", 10)
	pdf.CellFormat(bodyW, recTitleH, s.title, "", 2, "L", false, 0, "")
	pdf.SetFont(fontRegular, "", 9)
	pdf.SetX(marginX)
	pdf.MultiCell(bodyW, recLineH, s.summary, "", "L", false)
	y = pdf.GetY() + recGapAfter
	if len(s.rows) == 0 {
		return y
	}
	y = tableHead(pdf, s.cols, y, recHeadH)
	cut := s.shown < len(s.rows)
	n := s.shown
	if cut {
		n-- // the last row says how many more
	}
	for i := 0; i < n; i++ {
		y = tableRow(pdf, s.cols, s.rows[i], y, recRowH)
	}
	if cut {
		y = spanRow(pdf, s.cols, fmt.Sprintf(s.more, len(s.rows)-n), y, recRowH)
	}
	return y
}

// share gives the lists, whose lengths are want, room rows in all: all of
// each when they fit; otherwise the room is shared out evenly, a list
// that needs less than its share giving the rest to the others, and a
// cut list gets at least two rows (one shown, one saying how many more).
func share(want []int, room int) []int {
	got := make([]int, len(want))
	total := 0
	for _, n := range want {
		total += n
	}
	if total <= room {
		copy(got, want)
		return got
	}
	left := max(room, 0)
	open := 0
	for _, n := range want {
		if n > 0 {
			open++
		}
	}
	for left > 0 && open > 0 {
		each := max(left/open, 1)
		for i, n := range want {
			if got[i] >= n || left == 0 {
				continue
			}
			add := min(each, n-got[i], left)
			got[i] += add
			left -= add
			if got[i] == n {
				open--
			}
		}
	}
	for i, n := range want {
		if got[i] < n && got[i] < 2 && n >= 2 {
			got[i] = min(2, n)
		}
	}
	return got
}

// recordSections are the record's three parts: study, meetings, documents
// left.
func recordSections(r storage.QuarterRecord) []section {
	study := section{title: "I. HỌC TẬP, QUÁN TRIỆT VĂN BẢN", cols: studyCols, more: "… và %d văn bản khác (xem đủ trong /cuatoi)"}
	if len(r.Studied) == 0 {
		study.summary = "Trong quý đồng chí chưa xác nhận học văn bản nào."
	} else {
		online, quiz, offline := r.StudiedHow()
		study.summary = fmt.Sprintf("Đã học %d văn bản trong quý: %d trực tuyến (bấm «Tôi đã học»), %d qua bài kiểm tra, %d tại chi bộ.",
			len(r.Studied), online, quiz, offline)
	}
	for i, s := range r.Studied {
		study.rows = append(study.rows, []string{fmt.Sprint(i + 1), s.DocNumber, s.DocTitle, date(s.On), studiedHow(s)})
	}

	meet := section{title: "II. SINH HOẠT CHI BỘ", cols: meetCols, more: "… và %d buổi khác"}
	present, withReason, without, unrecorded := r.Attendance()
	switch named := len(r.Meetings) - unrecorded; {
	case len(r.Meetings) == 0:
		meet.summary = "Chưa có báo cáo buổi sinh hoạt nào của chi bộ trong quý."
	case named == 0:
		meet.summary = fmt.Sprintf("Chi bộ có %d buổi sinh hoạt trong quý. Các báo cáo chỉ ghi số người có mặt, không ghi tên: "+
			"việc tham dự của đồng chí chưa được ghi nhận theo tên.", len(r.Meetings))
	default:
		meet.summary = fmt.Sprintf("Chi bộ có %d buổi sinh hoạt trong quý. Đồng chí có mặt %d buổi, vắng có lý do %d, vắng không có lý do %d.",
			len(r.Meetings), present, withReason, without)
		if unrecorded > 0 {
			meet.summary += fmt.Sprintf(" %d buổi báo cáo chỉ ghi số người có mặt, không ghi tên: việc tham dự của đồng chí ở buổi đó chưa được ghi nhận theo tên.", unrecorded)
		}
	}
	for i, m := range r.Meetings {
		meet.rows = append(meet.rows, []string{fmt.Sprint(i + 1), date(m.HeldOn), kindName(m.Kind), m.Topic, attendance(m)})
	}

	left := section{title: fmt.Sprintf("III. VĂN BẢN CHƯA HỌC (tính đến hết ngày %s)", date(r.To)), cols: leftCols,
		more: "… và %d văn bản khác (xem đủ trong /cuatoi)"}
	if len(r.Pending) == 0 {
		left.summary = "Không còn văn bản nào được giao mà đồng chí chưa học."
	} else {
		left.summary = fmt.Sprintf("Còn %d văn bản được giao mà đồng chí chưa học.", len(r.Pending))
	}
	for i, p := range r.Pending {
		due := ""
		if p.DueOn != nil {
			due = date(*p.DueOn)
		}
		left.rows = append(left.rows, []string{fmt.Sprint(i + 1), p.DocNumber, p.DocTitle, due, pendingNote(p, r.To)})
	}
	return []section{study, meet, left}
}

// studiedHow says how a document was studied.
func studiedHow(s storage.RecordStudy) string {
	switch s.How {
	case storage.StudiedOffline:
		return "Tại chi bộ"
	case storage.StudiedByQuiz:
		if s.QuizScore != nil {
			return fmt.Sprintf("Bài kiểm tra (%d điểm/100)", *s.QuizScore)
		}
		return "Bài kiểm tra"
	}
	return "Trực tuyến"
}

// attendance says the member's attendance at a meeting.
func attendance(m storage.RecordMeeting) string {
	switch {
	case m.Attended():
		return "Có mặt"
	case m.AbsentWithReason() && strings.TrimSpace(m.Reason) != "":
		return "Vắng có lý do: " + m.Reason
	case m.AbsentWithReason():
		return "Vắng có lý do"
	case m.AbsentWithoutReason():
		return "Vắng không có lý do"
	}
	return fmt.Sprintf("Không ghi theo tên (có mặt %d/%d)", m.Present, m.Total)
}

// pendingNote says what became of a document not studied by the period's end.
func pendingNote(p storage.RecordPending, to time.Time) string {
	switch {
	case p.StudiedOn != nil:
		return "Đã học sau, ngày " + date(*p.StudiedOn)
	case p.Closed:
		return "Đợt học tập đã kết thúc"
	case p.DueOn != nil && p.DueOn.Before(to):
		return "Quá hạn"
	}
	return "Đang học"
}

// signatures draws the signature block at y: the cell's confirmation on
// the left, the member's on the right.
func signatures(pdf *fpdf.Fpdf, y float64, name string) {
	half := bodyW / 2
	pdf.SetXY(marginX, y)
	pdf.SetFont(fontBold, "", 9.5)
	pdf.CellFormat(half, 5, "XÁC NHẬN CỦA CHI BỘ", "", 0, "C", false, 0, "")
	pdf.CellFormat(half, 5, "ĐẢNG VIÊN", "", 2, "C", false, 0, "")
	pdf.SetFont(fontRegular, "", 8.5)
	pdf.SetX(marginX)
	pdf.CellFormat(half, 4, "(ký, ghi rõ họ tên)", "", 0, "C", false, 0, "")
	pdf.CellFormat(half, 4, "(ký, ghi rõ họ tên)", "", 2, "C", false, 0, "")
	pdf.SetXY(marginX+half, y+recSignH-footerH-4)
	pdf.SetFont(fontBold, "", 10)
	pdf.CellFormat(half, 5, fit(pdf, name, half), "", 0, "C", false, 0, "")
}
