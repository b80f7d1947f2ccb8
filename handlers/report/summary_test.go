package report_test

import (
	"context"
	"testing"
	"time"

	"sotay/handlers/report"
	"sotay/storage/storagetest"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

func TestNumberStyle(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{report.Count(2), "02"}, {report.Count(0), "00"}, {report.Count(14), "14"}, {report.Count(120), "120"},
		{report.Percent(95.44), "95,4 %"}, {report.Percent(95.45), "95,5 %"}, {report.Percent(100), "100,0 %"}, {report.Percent(0), "0,0 %"},
		{report.PercentCSV(66.666), "66.7"},
		{report.Period(day(2026, 7, 1), day(2026, 12, 1), time.Date(2026, 12, 1, 15, 0, 0, 0, time.Local)), "Từ 01/07/2026 đến nay"},
		{report.Period(day(2026, 7, 1), day(2026, 11, 30), day(2026, 12, 1)), "Từ 01/07/2026 đến 30/11/2026"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

func TestSummaryParagraphs(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	ctx := context.Background()
	today := day(2026, 12, 1)
	for _, tc := range []struct {
		name     string
		root     string
		from, to time.Time
		top      bool
		want     []string
	}{
		{"Commune", "ROOT", day(2026, 9, 1), day(2026, 11, 30), true, []string{
			"Từ 01/09/2026 đến 30/11/2026, Đảng ủy đã thực hiện 01 cuộc kiểm tra, 01 cuộc giám sát đối với 06 tổ chức đảng, 01 đảng viên (phát hiện 01 vi phạm); " +
				"Ủy ban Kiểm tra Đảng ủy tổ chức 01 cuộc kiểm tra với 03 tổ chức đảng và 04 đảng viên (phát hiện 01 vi phạm); " +
				"các chi bộ cơ sở và đảng bộ trực thuộc tổ chức 01 cuộc kiểm tra, 01 cuộc giám sát với 02 tổ chức đảng và 04 đảng viên.",
			"3/5 chi bộ duy trì sinh hoạt thường kỳ hằng tháng (03 tháng, từ tháng 9/2026 đến tháng 11/2026), tỷ lệ đảng viên dự họp bình quân đạt 85,0 %; tổ chức 02 buổi sinh hoạt chuyên đề; " +
				"1/4 chi bộ sinh hoạt chuyên đề mỗi quý ít nhất một lần (quý III/2026); các chi bộ giám sát, kiểm tra 01 lượt đảng viên, bằng 14,3 % số đảng viên.",
			"Tỷ lệ đảng viên tham gia học tập trực tuyến đạt 53,8 %, tính cả học tập trực tiếp tại chi bộ đạt 69,2 % (02 đợt học tập, 13 lượt đảng viên được giao).",
		}},
		{"OneCellUntilToday", "CB1", day(2026, 9, 1), today, false, []string{
			"Từ 01/09/2026 đến nay, Chi bộ Tiểu học đã thực hiện 01 cuộc kiểm tra đối với 01 tổ chức đảng, 01 đảng viên.",
			"Chi bộ Tiểu học sinh hoạt thường kỳ 3/3 tháng (03 tháng, từ tháng 9/2026 đến tháng 11/2026), tỷ lệ đảng viên dự họp bình quân đạt 100,0 %; tổ chức 01 buổi sinh hoạt chuyên đề; " +
				"chưa sinh hoạt chuyên đề đủ mỗi quý (quý III/2026); chi bộ giám sát, kiểm tra 01 lượt đảng viên, bằng 100,0 % số đảng viên.",
			"Tỷ lệ đảng viên tham gia học tập trực tuyến đạt 66,7 %, tính cả học tập trực tiếp tại chi bộ đạt 100,0 % (02 đợt học tập, 03 lượt đảng viên được giao).",
		}},
		{"NoDataSaysSo", "DB1", day(2025, 1, 1), day(2025, 3, 31), false, []string{
			"Từ 01/01/2025 đến 31/03/2025, Đảng ủy Trường học chưa thực hiện cuộc kiểm tra, giám sát nào; Ủy ban Kiểm tra Đảng ủy Trường học chưa tổ chức cuộc kiểm tra, giám sát nào; " +
				"các chi bộ cơ sở và đảng bộ trực thuộc chưa báo cáo cuộc kiểm tra, giám sát nào.",
			"0/3 chi bộ duy trì sinh hoạt thường kỳ hằng tháng (03 tháng, từ tháng 1/2025 đến tháng 3/2025); chưa có báo cáo sinh hoạt nào nên chưa có số liệu đảng viên dự họp; " +
				"0/3 chi bộ sinh hoạt chuyên đề mỗi quý ít nhất một lần (quý I/2025); các chi bộ chưa giám sát, kiểm tra đảng viên nào.",
			"Chưa có đợt học tập nào được giao trong thời gian này nên chưa có số liệu về tỷ lệ đảng viên tham gia học tập.",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := c.S.PeriodSummary(ctx, tc.from, tc.to, c.Orgs[tc.root])
			if err != nil {
				t.Fatal(err)
			}
			got := report.SummaryParagraphs(sum, tc.top, today)
			if len(got) != len(tc.want) {
				t.Fatalf("got %q", got)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("paragraph %d\ngot  %s\nwant %s", i+1, got[i], tc.want[i])
				}
			}
		})
	}
}
