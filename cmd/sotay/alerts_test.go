package main

import (
	"strings"
	"testing"

	"sotay/storage/storagetest"
)

// TestAlertsCommand: sotay alerts on the hand-made commune of the rules
// (storagetest.RulesCommune, whose rows storage's tests compute by hand).
func TestAlertsCommand(t *testing.T) {
	c := storagetest.NewRulesCommune(t)
	env := []string{"DATABASE_URL=" + c.DSN, "TZ=Asia/Ho_Chi_Minh", "SOTAY_NOW=2026-11-20T10:00:00+07:00"}
	// Rule, organisation, period and member of each row, in order.
	const november20 = "CA monthly_meeting 2026-10 ; CA meeting_duration 2026-09-04 ; CA meeting_duration 2026-11-05 ; " +
		"CA notice_ahead 2026-09-04 ; CA absent_no_reason 2026-09-04 A2; CA absent_no_reason 2026-11-05 A2; CA absent_no_reason 2026-11-05 M1; " +
		"CA absent_streak 2026-11-05 A2; CA absent_streak 2026-11-05 A3; CA absent_three_months 2026 A2; CA absent_three_months 2026 M1; " +
		"CA supervision_coverage 2026 ; CA study_overdue 2026-10-31 A3; CA study_overdue 2026-10-31 A4; CA study_overdue 2026-10-31 M1; " +
		"CC quarterly_thematic 2026-Q3 ; CC notice_ahead 2026-09-15 ; CC absent_streak 2026-11-12 C2; CC study_overdue 2026-10-31 C1; " +
		"CC study_overdue 2026-10-31 C2"
	rows := func(t *testing.T, env []string, args ...string) (string, [][]string) {
		t.Helper()
		recs := csvRows(t, mustRun(t, env, append([]string{"alerts", "--csv"}, args...)...).stdout)
		if got := strings.Join(recs[0], ","); got != "org_code,org_name,rule,period,member_code,detail,due_date" {
			t.Fatalf("header %s", got)
		}
		var keys []string
		for _, r := range recs[1:] {
			keys = append(keys, r[0]+" "+r[2]+" "+r[3]+" "+r[4])
		}
		return strings.Join(keys, "; "), recs[1:]
	}
	t.Run("CSVToday", func(t *testing.T) {
		got, recs := rows(t, env)
		if got != november20 {
			t.Fatalf("got  %s\nwant %s", got, november20)
		}
		want := []string{"CA", "Chi bộ bản Pa Cheo Thượng", "meeting_duration", "2026-11-05", "",
			"Buổi sinh hoạt thường kỳ kết hợp chuyên đề ngày 05/11/2026 từ 23:30 đến 01:15 chỉ 105 phút, chưa đủ 120 phút", "2026-11-05"}
		if strings.Join(recs[2], "|") != strings.Join(want, "|") {
			t.Errorf("row 3 %q", recs[2])
		}
		if last := recs[len(recs)-1]; last[5] != "21-KL/TW" || last[6] != "2026-10-31" {
			t.Errorf("last row %q", last)
		}
	})
	t.Run("ThePastAndTheTarget", func(t *testing.T) {
		got, _ := rows(t, env, "--on", "2026-10-26", "--org", "ROOT", "--coverage-target", "0")
		for _, want := range []string{"CA monthly_meeting 2026-10 ", "CD monthly_meeting 2026-10 ", "CA study_overdue 2026-10-15 A5"} {
			if !strings.Contains(got, want) {
				t.Errorf("no %q in %s", want, got)
			}
		}
		if strings.Contains(got, "supervision_coverage") || strings.Contains(got, "CB ") {
			t.Errorf("%s", got)
		}
		got, _ = rows(t, append(env, "SUPERVISION_TARGET=60"), "--org", "DB")
		if !strings.HasPrefix(got, "CC quarterly_thematic") || !strings.Contains(got, "CC supervision_coverage 2026 ") {
			t.Errorf("SUPERVISION_TARGET=60 under DB: %s", got)
		}
		got, _ = rows(t, append(env, "SUPERVISION_TARGET=60"), "--org", "DB", "--coverage-target", "30 %")
		if strings.Contains(got, "supervision_coverage") {
			t.Errorf("--coverage-target does not win: %s", got)
		}
	})
	t.Run("GroupedWithWhatToDo", func(t *testing.T) {
		r := mustRun(t, env, "alerts", "--org", "DB")
		for _, want := range []string{
			"Cảnh báo ngày 20/11/2026 — Đảng bộ Trường học: 5 cảnh báo ở 1 tổ chức (chỉ tiêu giám sát 30 %).",
			"CC · Chi bộ Tiểu học — 5 cảnh báo\n  Sinh hoạt chuyên đề mỗi quý\n    • Chưa có buổi sinh hoạt chuyên đề nào trong quý III/2026\n    → Tổ chức sinh hoạt chuyên đề",
			"    • Trần Thị Bình (C2): vắng 3 buổi sinh hoạt thường kỳ liền: 12/06/2026, 15/09/2026, 12/11/2026\n",
			"    • Nguyễn Văn An (C1): chưa học văn bản 21-KL/TW, hạn 31/10/2026\n",
			"→ Nhắc đảng viên học bằng /nhacnho",
		} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("no %q in\n%s", want, r.stdout)
			}
		}
	})
	t.Run("NothingToSayExitsZero", func(t *testing.T) {
		// CB was founded on 15/10.
		r := mustRun(t, env, "alerts", "--on", "15/01/2026", "--org", "CB")
		if r.stdout != "Không có cảnh báo nào ngày 15/01/2026 — Chi bộ bản Lũng Phìn.\n" {
			t.Errorf("%q", r.stdout)
		}
		if r := mustRun(t, env, "alerts", "--on", "15/01/2026", "--org", "CB", "--csv"); r.stdout != "org_code,org_name,rule,period,member_code,detail,due_date\n" {
			t.Errorf("%q", r.stdout)
		}
	})
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"BadDay", env, []string{"--on", "31/02/2026"}, `--on "31/02/2026" không phải ngày`},
		{"NotADay", env, []string{"--on", "mai"}, `--on "mai" không phải ngày`},
		{"UnknownOrg", env, []string{"--org", "XYZ"}, "không có tổ chức mã XYZ"},
		{"BadTarget", env, []string{"--coverage-target", "120"}, `--coverage-target "120" không hợp lệ`},
		{"BadSetting", append(env, "SUPERVISION_TARGET=ba mươi"), nil, `SUPERVISION_TARGET="ba mươi" không hợp lệ`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, tc.env, append([]string{"alerts"}, tc.args...)...)
			if r.code == 0 || !strings.Contains(r.stderr, tc.want) || r.stdout != "" {
				t.Fatalf("want %q: %+v", tc.want, r)
			}
		})
	}
}
