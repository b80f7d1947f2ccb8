package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotay/storage/demodata"
	"sotay/storage/pdftext"
	"sotay/storage/storagetest"
)

// demoNow is the day the figures below are read on: the README's example
// period (from 01/07/2026 to today) lies inside the demo's year.
var demoNow = time.Date(2026, 12, 7, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600))

// demoCommune makes the demo on a database of its own, for the commands
// given --demo (SOTAY_DEMO_DATABASE names it), read at demoNow.
func demoCommune(t *testing.T) (dsn string, env []string) {
	t.Helper()
	name := fmt.Sprintf("sotay_demo_figures_%d", os.Getpid())
	storagetest.DropAtCleanup(t, name)
	env = []string{"DATABASE_URL=" + storagetest.DSN("sotay_not_this_one"), "SOTAY_DEMO_DATABASE=" + name,
		"SOTAY_NOW=" + demoNow.Format(time.RFC3339), "TZ=Asia/Ho_Chi_Minh"}
	mustRun(t, env, "migrate", "--demo")
	dsn = storagetest.DSN(name)
	if _, err := demodata.Generate(context.Background(), open(t, dsn), demoNow); err != nil {
		t.Fatal(err)
	}
	return dsn, env
}

// TestDemoFigures reads the demo's figures as the README shows them: text in
// the Vietnamese style (2.793, 95,2 %), CSV in its contract (2793, 95.2).
func TestDemoFigures(t *testing.T) {
	dsn, env := demoCommune(t)
	grouped := regexp.MustCompile(`^[0-9]{1,3}(\.[0-9]{3})*$`)
	plain := regexp.MustCompile(`^[0-9]+$`)

	t.Run("ReadmeReportExampleHasItsMeetings", func(t *testing.T) {
		r := mustRun(t, env, "report", "--demo", "--from", "01/07/2026", "--to", "hôm nay")
		m := regexp.MustCompile(`([0-9]+)/([0-9]+) chi bộ duy trì sinh hoạt thường kỳ hằng tháng \(05 tháng, từ tháng 7/2026 đến tháng 11/2026\), ` +
			`tỷ lệ đảng viên dự họp bình quân đạt [0-9]{2},[0-9] %`).FindStringSubmatch(r.stdout)
		if m == nil {
			t.Fatalf("no meetings paragraph in\n%s", r.stdout)
		}
		if kept, cells := atoi(t, m[1]), atoi(t, m[2]); cells != 68 || kept < cells/3 {
			t.Errorf("%d/%d cells kept up their meetings from July: the demo's history does not cover the README's period", kept, cells)
		}
		// Counts of a report: two digits at least, thousands grouped.
		if !regexp.MustCompile(`\(0[1-9] đợt học tập, [0-9]\.[0-9]{3} lượt đảng viên được giao\)`).MatchString(r.stdout) {
			t.Errorf("study counts not in the report's style:\n%s", r.stdout)
		}
	})

	t.Run("MeetingReportsTextGroupedCSVPlain", func(t *testing.T) {
		text := mustRun(t, env, "reports", "meetings", "--demo", "--from", "01/07/2026", "--to", "hôm nay").stdout
		m := regexp.MustCompile(`\n([0-9.]+) báo cáo sinh hoạt từ 01/07/2026 đến 07/12/2026; có mặt ([0-9.]+)/([0-9.]+) lượt đảng viên \(([0-9]+,[0-9]) %\)\.\n$`).
			FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("summary line not in Vietnamese style:\n%s", text[max(0, len(text)-300):])
		}
		for _, n := range m[1:4] {
			if !grouped.MatchString(n) {
				t.Errorf("%q is not a count grouped by dots", n)
			}
		}
		if !strings.Contains(m[2], ".") {
			t.Errorf("present %q: the demo's attendance since July runs into thousands, written 4.000", m[2])
		}
		rows := csvRows(t, mustRun(t, env, "reports", "meetings", "--demo", "--from", "01/07/2026", "--to", "hôm nay", "--csv").stdout)
		if got := strings.Join(rows[0], ","); got != strings.Join(meetingsCSVHeader, ",") {
			t.Fatalf("CSV header %q", got)
		}
		present, total := 0, 0
		for _, row := range rows[1:] {
			if !plain.MatchString(row[4]) || !plain.MatchString(row[5]) {
				t.Fatalf("CSV row %q: present and total are plain digits", row)
			}
			present, total = present+atoi(t, row[4]), total+atoi(t, row[5])
		}
		if undot := func(s string) string { return strings.ReplaceAll(s, ".", "") }; strconv.Itoa(len(rows)-1) != undot(m[1]) ||
			strconv.Itoa(present) != undot(m[2]) || strconv.Itoa(total) != undot(m[3]) {
			t.Errorf("text says %s reports, %s/%s; CSV %d reports, %d/%d", m[1], m[2], m[3], len(rows)-1, present, total)
		}
	})

	t.Run("StudyRateCommaInTextDotInCSV", func(t *testing.T) {
		text := mustRun(t, env, "stats", "study", "--demo", "--doc", "21-KL/TW").stdout
		lines := strings.Split(text, "\n")
		if len(lines) < 3 || !strings.HasPrefix(lines[2], "BINHLU") {
			t.Fatalf("table:\n%s", text)
		}
		root := strings.Fields(lines[2])
		if rate := strings.Join(root[len(root)-2:], " "); !regexp.MustCompile(`^[0-9]{2,3},[0-9] %$`).MatchString(rate) {
			t.Errorf("root's rate %q, want like 95,2 %%", rate)
		}
		if regexp.MustCompile(`[0-9]\.[0-9] *$`).MatchString(lines[2]) {
			t.Errorf("a decimal dot in text: %q", lines[2])
		}
		rows := csvRows(t, mustRun(t, env, "stats", "study", "--demo", "--doc", "21-KL/TW", "--csv").stdout)
		if strings.Join(rows[0], ",") != strings.Join(studyCSVHeader, ",") || rows[1][0] != "BINHLU" || rows[1][3] != "870" ||
			!regexp.MustCompile(`^[0-9]{2,3}\.[0-9]$`).MatchString(rows[1][12]) {
			t.Errorf("CSV %q", rows[:2])
		}
		if want := strings.Replace(rows[1][12], ".", ",", 1) + " %"; !strings.HasSuffix(strings.TrimSpace(lines[2]), want) {
			t.Errorf("text rate of %q, CSV %s", lines[2], rows[1][12])
		}
	})

	t.Run("SupervisionTableWithoutReportZeros", func(t *testing.T) {
		text := mustRun(t, env, "stats", "supervision", "--demo", "--from", "01/07/2026").stdout
		if z := regexp.MustCompile(`(?m)\s0[0-9](\s|$)`).FindString(text); z != "" {
			t.Errorf("a count written %q in the table (two digits are for the report's wording):\n%s", z, text)
		}
	})

	t.Run("XLSXSaysWhatItWroteInsteadOfTheTable", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "hoc-tap.xlsx")
		r := mustRun(t, env, "stats", "study", "--demo", "--from", "01/07/2026", "--xlsx", path)
		if r.stdout != "Đã ghi tệp "+path+".\n" {
			t.Errorf("stdout %q, want only that the file was written", r.stdout)
		}
		if st, err := os.Stat(path); err != nil || st.Size() == 0 {
			t.Errorf("no workbook: %v", err)
		}
		path = filepath.Join(t.TempDir(), "sinh-hoat.xlsx")
		r = mustRun(t, env, "stats", "meetings", "--demo", "--month", "2026-11", "--xlsx", path)
		if r.stdout != "Đã ghi tệp "+path+".\n" {
			t.Errorf("stdout %q, want only that the file was written", r.stdout)
		}
		// With --csv the CSV stays alone on stdout, for scripts.
		path = filepath.Join(t.TempDir(), "kiem-tra.xlsx")
		r = mustRun(t, env, "stats", "supervision", "--demo", "--from", "01/07/2026", "--csv", "--xlsx", path)
		if rows := csvRows(t, r.stdout); strings.Join(rows[0], ",") != strings.Join(supervisionStatsCSVHeader, ",") {
			t.Errorf("CSV header %q", rows[0])
		}
		if !strings.Contains(r.stderr, "Đã ghi tệp "+path+".") {
			t.Errorf("stderr %q", r.stderr)
		}
	})

	t.Run("InviteSheetNamesTheDemosBot", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "phieu-moi.pdf")
		r := mustRun(t, env, "invite", "--demo", "--org", "CBBINHLU1", "--sheet", path)
		if !strings.Contains(r.stdout, "Đã ghi 38 phiếu mời (5 trang A4)") || !strings.Contains(r.stderr, "@sotay_test_bot") {
			t.Fatalf("%+v", r)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		page, err := pdftext.FirstPage(data)
		if err != nil || !strings.Contains(page, "@sotay_test_bot") || !strings.Contains(page, "Chi bộ bản Bình Lư 1") {
			t.Fatalf("sheet: %v\n%s", err, page)
		}
		var made int
		if err := open(t, dsn).DB().Get(&made, `SELECT count(*) FROM invites i JOIN members m ON m.id = i.member_id
			JOIN organisations o ON o.id = m.org_id WHERE o.code = 'CBBINHLU1' AND i.created_by = 'cli'`); err != nil || made != 38 {
			t.Errorf("%d invites made by the command (%v)", made, err)
		}
	})
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
