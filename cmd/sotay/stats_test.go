package main

import (
	"encoding/csv"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"sotay/storage/storagetest"
)

func TestStatsCommands(t *testing.T) {
	c := storagetest.NewStatsCommune(t)
	env := []string{"DATABASE_URL=" + c.DSN, "TZ=Asia/Ho_Chi_Minh"}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"MeetingsCSV", []string{"stats", "meetings", "--month", "2026-10", "--csv"},
			"org_code,org_name,parent_code,cells,cells_held_regular,regular_meetings,thematic_meetings,present,expected,attendance_percent\n" +
				"ROOT,Đảng bộ xã,,4,2,2,0,3,4,75.0\n" +
				"CB3,Chi bộ bản Pà Pao,ROOT,1,1,1,0,1,2,50.0\n" +
				"DB1,Đảng bộ Trường học,ROOT,3,1,1,0,2,2,100.0\n" +
				"CB2,Chi bộ Mầm non,DB1,1,0,0,0,0,0,\n" +
				"CB4,Chi bộ Thôn cũ,DB1,1,0,0,0,0,0,\n" +
				"CB1,Chi bộ Tiểu học,DB1,1,1,1,0,2,2,100.0\n"},
		{"SupervisionCSV", []string{"stats", "supervision", "--from", "01/07/2026", "--to", "30/11/2026", "--csv"},
			"org_code,org_name,parent_code,inspections,supervisions,orgs_examined,members_examined,violations\n" +
				"ROOT,Đảng bộ xã,,4,2,14,11,2\n" +
				"CB3,Chi bộ bản Nậm Đích,ROOT,0,0,0,0,0\n" +
				"CB5,Chi bộ Tân Lập,ROOT,0,0,0,0,0\n" +
				"DB1,Đảng bộ Trường học,ROOT,1,1,2,4,0\n" +
				"CB2,Chi bộ Mầm non,DB1,0,0,0,0,0\n" +
				"CB4,Chi bộ Thôn cũ,DB1,1,0,0,1,0\n" +
				"CB1,Chi bộ Tiểu học,DB1,0,0,0,0,0\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if r := mustRun(t, env, tc.args...); r.stdout != tc.want {
				t.Fatalf("got\n%s\nwant\n%s", r.stdout, tc.want)
			}
		})
	}
	t.Run("MeetingsOfOneCommitteeAsTable", func(t *testing.T) {
		r := mustRun(t, env, "stats", "meetings", "--month", "10/2026", "--org", "DB1")
		for _, want := range []string{"Sinh hoạt chi bộ tháng 10/2026 — Đảng bộ Trường học", "Chi bộ Thôn cũ (đã giải thể)", "100,0 %",
			"1/3 chi bộ đã sinh hoạt thường kỳ; chưa báo cáo: Chi bộ Mầm non (CB2), Chi bộ Thôn cũ (CB4)."} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("no %q in\n%s", want, r.stdout)
			}
		}
		if strings.Contains(r.stdout, "Pà Pao") {
			t.Errorf("outside DB1:\n%s", r.stdout)
		}
	})
	t.Run("StudyPeriodCSV", func(t *testing.T) {
		r := mustRun(t, env, "stats", "study", "--from", "01/09/2026", "--to", "30/11/2026", "--csv")
		rows, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if strings.Join(rows[0], ",") != strings.Join(studyCSVHeader, ",") {
			t.Fatalf("header %v", rows[0])
		}
		got := []string{}
		for _, row := range rows[1:] {
			got = append(got, row[0]+" "+row[3]+" "+row[8]+" "+row[9]+" "+row[12])
		}
		want := "ROOT 13 7 2 69.2; CB3 6 3 1 66.7; CB5 1 1 0 100.0; DB1 6 3 1 66.7; CB2 2 0 0 0.0; CB4 1 1 0 100.0; CB1 3 2 1 100.0"
		if strings.Join(got, "; ") != want {
			t.Fatalf("got  %s\nwant %s", strings.Join(got, "; "), want)
		}
		r = mustRun(t, env, "stats", "study", "--from", "01/11/2026", "--to", "30/11/2026", "--org", "CB3", "--csv")
		if !strings.Contains(r.stdout, "\nCB3,Chi bộ bản Nậm Đích,ROOT,4,") {
			t.Errorf("November CB3:\n%s", r.stdout)
		}
	})
	t.Run("StudyXLSXForOneDocument", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hoc-tap.xlsx")
		mustRun(t, env, "stats", "study", "--doc", "21-KL/TW", "--xlsx", path)
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if v, _ := f.GetCellValue("Học tập", "D2"); v != "6" {
			t.Errorf("Học tập!D2 = %q", v)
		}
		if v, _ := f.GetCellValue("Chưa học", "C3"); v != "Giàng A Cử" {
			t.Errorf("Chưa học!C3 = %q", v)
		}
	})
	t.Run("Report", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "bao-cao.xlsx")
		r := mustRun(t, env, "report", "--from", "01/09/2026", "--to", "30/11/2026", "--xlsx", path)
		for _, want := range []string{
			"Từ 01/09/2026 đến 30/11/2026, Đảng ủy đã thực hiện 01 cuộc kiểm tra, 01 cuộc giám sát đối với 06 tổ chức đảng, 01 đảng viên (phát hiện 01 vi phạm);",
			"3/5 chi bộ duy trì sinh hoạt thường kỳ hằng tháng (03 tháng, từ tháng 9/2026 đến tháng 11/2026), tỷ lệ đảng viên dự họp bình quân đạt 85,0 %",
			"Tỷ lệ đảng viên tham gia học tập trực tuyến đạt 53,8 %, tính cả học tập trực tiếp tại chi bộ đạt 69,2 %",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("no %q in\n%s", want, r.stdout)
			}
		}
		f, err := excelize.OpenFile(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if got := strings.Join(f.GetSheetList(), "|"); got != "Tổng hợp|Học tập|Chưa học|Sinh hoạt|Kiểm tra, giám sát" {
			t.Fatalf("sheets %s", got)
		}
		rows, _ := f.GetRows("Sinh hoạt")
		if len(rows) != 1+6+6+6 { // September (CB5 not yet), October, November (CB4 gone)
			t.Errorf("Sinh hoạt has %d rows", len(rows))
		}
	})
	t.Run("BadArguments", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"stats", "meetings"}, "thiếu --month"},
			{[]string{"stats", "meetings", "--month", "13/2026"}, "không phải tháng"},
			{[]string{"stats", "meetings", "--month", "2026-11", "--org", "NOPE"}, "không có tổ chức mã NOPE"},
			{[]string{"stats", "supervision", "--to", "30/11/2026"}, "thiếu --from"},
			{[]string{"stats", "supervision", "--from", "31/11/2026"}, "không phải ngày"},
			{[]string{"report", "--from", "30/11/2026", "--to", "01/11/2026"}, "trước --from"},
			{[]string{"stats", "study", "--doc", "21-KL/TW", "--from", "01/11/2026"}, "chỉ chọn một"},
		} {
			r := run(t, env, tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
				t.Errorf("%v: code %d, stderr %q, want %q", tc.args, r.code, r.stderr, tc.want)
			}
		}
	})
}
