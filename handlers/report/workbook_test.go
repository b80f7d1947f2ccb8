package report_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/storagetest"
)

func TestWorkbookReadBack(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	ctx := context.Background()
	from, to := day(2026, 9, 1), day(2026, 11, 30)
	sum, err := c.S.PeriodSummary(ctx, from, to, c.Orgs["ROOT"])
	if err != nil {
		t.Fatal(err)
	}
	study, err := c.S.StudyRates(ctx, storage.StudyFilter{From: time.Date(2026, 9, 1, 0, 0, 0, 0, c.Loc), To: time.Date(2026, 12, 1, 0, 0, 0, 0, c.Loc)}, c.Orgs["ROOT"])
	if err != nil {
		t.Fatal(err)
	}
	oct, err := c.S.MeetingStats(ctx, day(2026, 10, 1), c.Orgs["ROOT"])
	if err != nil {
		t.Fatal(err)
	}
	sup, err := c.S.SupervisionStats(ctx, from, to, c.Orgs["ROOT"])
	if err != nil {
		t.Fatal(err)
	}
	lag, err := c.S.Laggards(ctx, storage.StudyFilter{DocumentID: c.Docs["21-KL/TW"]}, c.Orgs["ROOT"])
	if err != nil {
		t.Fatal(err)
	}
	b, err := report.Workbook{Summary: report.SummaryParagraphs(sum, true, day(2026, 12, 1)), Study: study, Laggards: lag,
		Meetings: []report.MonthMeetings{{Month: day(2026, 10, 1), Rows: oct}}, Supervision: sup}.XLSX()
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); len(got) != 5 || got[0] != report.SheetSummary || got[1] != report.SheetStudy || got[2] != report.SheetLaggards ||
		got[3] != report.SheetMeetings || got[4] != report.SheetSupervision {
		t.Fatalf("sheets = %q", got)
	}
	cell := func(sheet, at string) string {
		t.Helper()
		v, err := f.GetCellValue(sheet, at)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, tc := range []struct{ sheet, at, want string }{
		{report.SheetSummary, "B1", "Nội dung"},
		{report.SheetSummary, "B4", "Tỷ lệ đảng viên tham gia học tập trực tuyến đạt 53,8 %, tính cả học tập trực tiếp tại chi bộ đạt 69,2 % (02 đợt học tập, 13 lượt đảng viên được giao)."},
		{report.SheetStudy, "B1", "Tổ chức"}, {report.SheetStudy, "L1", "Tỷ lệ học tập (%)"},
		{report.SheetStudy, "A2", "ROOT"}, {report.SheetStudy, "D2", "13"}, {report.SheetStudy, "H2", "7"}, {report.SheetStudy, "I2", "2"},
		{report.SheetStudy, "L2", "69.2"}, {report.SheetStudy, "M2", "53.8"},
		{report.SheetStudy, "B7", "      Chi bộ Thôn cũ (đã giải thể)"}, {report.SheetStudy, "L6", "0.0"},
		{report.SheetLaggards, "B2", "C2"}, {report.SheetLaggards, "E2", storage.AssignmentStateName(storage.AssignUnreachable)}, {report.SheetLaggards, "C3", "Giàng A Cử"},
		{report.SheetMeetings, "F1", "Chi bộ đã sinh hoạt thường kỳ"},
		{report.SheetMeetings, "A2", "10/2026"}, {report.SheetMeetings, "E2", "4"}, {report.SheetMeetings, "F2", "2"}, {report.SheetMeetings, "K2", "75.0"},
		{report.SheetMeetings, "C3", "   Chi bộ bản Pà Pao"}, {report.SheetMeetings, "K5", ""},
		{report.SheetSupervision, "D2", "3"}, {report.SheetSupervision, "E2", "2"}, {report.SheetSupervision, "F2", "11"},
		{report.SheetSupervision, "G2", "9"}, {report.SheetSupervision, "H2", "2"}, {report.SheetSupervision, "I2", "1"}, {report.SheetSupervision, "J2", "0"},
	} {
		if got := cell(tc.sheet, tc.at); got != tc.want {
			t.Errorf("%s!%s = %q, want %q", tc.sheet, tc.at, got, tc.want)
		}
	}
	for _, sheet := range f.GetSheetList() {
		panes, err := f.GetPanes(sheet)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: panes %+v, %v", sheet, panes, err)
		}
		if w, _ := f.GetColWidth(sheet, "B"); w < 10 {
			t.Errorf("%s: column B width %v", sheet, w)
		}
	}
	// Percentages are numbers shown with one decimal.
	style, _ := f.GetCellStyle(report.SheetStudy, "L2")
	st, _ := f.GetStyle(style)
	if st == nil || st.CustomNumFmt == nil || *st.CustomNumFmt != "0.0" {
		t.Errorf("L2 style = %+v", st)
	}
	if typ, _ := f.GetCellType(report.SheetStudy, "L2"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("L2 type = %v", typ)
	}
}
