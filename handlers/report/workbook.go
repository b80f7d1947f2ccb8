package report

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/storage"
)

// Workbook is what an officer takes to the office: one sheet per topic it
// holds (the summary, study, meetings, supervision), Vietnamese headers, a
// frozen header row, column widths and number formats.
type Workbook struct {
	Summary     []string
	Study       []storage.OrgStudy
	Meetings    []MonthMeetings
	Supervision []storage.OrgSupervision
	// Laggards are members who have not studied, named for the asker.
	Laggards []storage.Laggard
}

// MonthMeetings are the meeting rows of one month.
type MonthMeetings struct {
	Month time.Time
	Rows  []storage.OrgMeetings
}

// Sheet names, one per topic.
const (
	SheetSummary     = "Tổng hợp"
	SheetStudy       = "Học tập"
	SheetLaggards    = "Chưa học"
	SheetMeetings    = "Sinh hoạt"
	SheetSupervision = "Kiểm tra, giám sát"
)

// column is one column of a sheet: its header, width and whether it holds
// a percentage (number format 0.0) or a count (0).
type column struct {
	head  string
	width float64
	kind  byte // 't' text, 'n' count, 'p' percent
}

type sheet struct {
	name string
	cols []column
	rows [][]any
}

// orgName is the name shown in a row: indented by depth, dissolved marked.
func orgName(name string, depth int, dissolved bool) string {
	s := strings.Repeat("   ", depth) + name
	if dissolved {
		s += " (đã giải thể)"
	}
	return s
}

// rate is a rounded percentage, or nil (an empty cell) when ok is false.
func rate(p float64, ok bool) any {
	if !ok {
		return nil
	}
	return storage.RoundRate(p)
}

// XLSX writes the workbook.
func (w Workbook) XLSX() ([]byte, error) {
	var sheets []sheet
	if len(w.Summary) > 0 {
		sh := sheet{name: SheetSummary, cols: []column{{"STT", 6, 'n'}, {"Nội dung", 120, 't'}}}
		for i, p := range w.Summary {
			sh.rows = append(sh.rows, []any{i + 1, p})
		}
		sheets = append(sheets, sh)
	}
	if len(w.Study) > 0 {
		sh := sheet{name: SheetStudy, cols: []column{{"Mã", 12, 't'}, {"Tổ chức", 36, 't'}, {"Cấp trên", 12, 't'}, {"Được giao", 11, 'n'},
			{"Chưa gửi", 10, 'n'}, {"Đã nhận", 10, 'n'}, {"Đã đọc", 10, 'n'}, {"Đã học trực tuyến", 14, 'n'}, {"Đã học tại chi bộ", 14, 'n'},
			{"Không liên lạc được", 14, 'n'}, {"Gửi lỗi", 10, 'n'}, {"Tỷ lệ học tập (%)", 14, 'p'}, {"Tỷ lệ học trực tuyến (%)", 16, 'p'},
			// Beside the states, last so that the columns before keep their places.
			{"Đã nghe tóm tắt", 14, 'n'}}}
		for _, r := range w.Study {
			t := r.Total
			sh.rows = append(sh.rows, []any{r.Code, orgName(r.Name, r.Depth, r.Dissolved), r.ParentCode, t.Assigned, t.Pending, t.Delivered, t.Read,
				t.Studied, t.StudiedOffline, t.Unreachable, t.Failed, rate(t.Rate(), t.Assigned > 0), rate(t.OnlineRate(), t.Assigned > 0), t.Listened})
		}
		sheets = append(sheets, sh)
	}
	if len(w.Laggards) > 0 {
		sh := sheet{name: SheetLaggards, cols: []column{{"STT", 6, 'n'}, {"Mã đảng viên", 14, 't'}, {"Họ và tên", 28, 't'},
			{"Tổ chức", 32, 't'}, {"Trạng thái", 20, 't'}}}
		for i, l := range w.Laggards {
			sh.rows = append(sh.rows, []any{i + 1, l.Code, l.FullName, l.OrgName, storage.AssignmentStateName(l.State)})
		}
		sheets = append(sheets, sh)
	}
	if len(w.Meetings) > 0 {
		sh := sheet{name: SheetMeetings, cols: []column{{"Tháng", 9, 't'}, {"Mã", 12, 't'}, {"Tổ chức", 36, 't'}, {"Cấp trên", 12, 't'},
			{"Số chi bộ", 10, 'n'}, {"Chi bộ đã sinh hoạt thường kỳ", 16, 'n'}, {"Buổi thường kỳ", 12, 'n'}, {"Buổi chuyên đề", 12, 'n'},
			{"Lượt có mặt", 11, 'n'}, {"Lượt phải dự", 11, 'n'}, {"Tỷ lệ dự họp (%)", 13, 'p'}}}
		for _, m := range w.Meetings {
			for _, r := range m.Rows {
				t := r.Total
				p, ok := t.Attendance()
				sh.rows = append(sh.rows, []any{m.Month.Format("01/2006"), r.Code, orgName(r.Name, r.Depth, r.Dissolved), r.ParentCode,
					t.Cells, t.CellsHeldRegular, t.Regular, t.Thematic, t.Present, t.Expected, rate(p, ok)})
			}
		}
		sheets = append(sheets, sh)
	}
	if len(w.Supervision) > 0 {
		sh := sheet{name: SheetSupervision, cols: []column{{"Mã", 12, 't'}, {"Tổ chức", 36, 't'}, {"Cấp trên", 12, 't'},
			{"Kiểm tra", 10, 'n'}, {"Giám sát", 10, 'n'}, {"Tổ chức đảng được kiểm tra, giám sát", 18, 'n'},
			{"Đảng viên được kiểm tra, giám sát", 18, 'n'}, {"Vi phạm", 10, 'n'},
			{"Trong đó Ủy ban Kiểm tra: kiểm tra", 16, 'n'}, {"Trong đó Ủy ban Kiểm tra: giám sát", 16, 'n'}}}
		for _, r := range w.Supervision {
			t := r.Total.Sum()
			sh.rows = append(sh.rows, []any{r.Code, orgName(r.Name, r.Depth, r.Dissolved), r.ParentCode, t.Inspections, t.Supervisions,
				t.OrgsExamined, t.MembersExamined, t.Violations, r.Total.Commission.Inspections, r.Total.Commission.Supervisions})
		}
		sheets = append(sheets, sh)
	}
	if len(sheets) == 0 {
		return nil, fmt.Errorf("report: empty workbook")
	}
	return writeSheets(sheets)
}

func writeSheets(sheets []sheet) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	head, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Alignment: &excelize.Alignment{WrapText: true, Vertical: "center"},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}}})
	if err != nil {
		return nil, err
	}
	count, err := f.NewStyle(&excelize.Style{NumFmt: 1}) // 0
	if err != nil {
		return nil, err
	}
	pct := "0.0"
	percent, err := f.NewStyle(&excelize.Style{CustomNumFmt: &pct})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return nil, err
		}
		sw, err := f.NewStreamWriter(sh.name)
		if err != nil {
			return nil, err
		}
		for c, col := range sh.cols {
			if err := sw.SetColWidth(c+1, c+1, col.width); err != nil {
				return nil, err
			}
		}
		if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
			return nil, err
		}
		cells := make([]any, len(sh.cols))
		for c, col := range sh.cols {
			cells[c] = excelize.Cell{StyleID: head, Value: col.head}
		}
		if err := sw.SetRow("A1", cells, excelize.RowOpts{Height: 32}); err != nil {
			return nil, err
		}
		for r, row := range sh.rows {
			cells := make([]any, len(row))
			for c, v := range row {
				style := 0
				switch sh.cols[c].kind {
				case 'n':
					style = count
				case 'p':
					style = percent
				default:
					if sh.cols[c].width >= 100 {
						style = wrap
					}
				}
				cells[c] = excelize.Cell{StyleID: style, Value: v}
			}
			name, _ := excelize.CoordinatesToCellName(1, r+2)
			if err := sw.SetRow(name, cells); err != nil {
				return nil, err
			}
		}
		if err := sw.Flush(); err != nil {
			return nil, err
		}
	}
	return fileBytes(f)
}

// fileBytes is the whole file f as an .xlsx.
func fileBytes(f *excelize.File) ([]byte, error) {
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
