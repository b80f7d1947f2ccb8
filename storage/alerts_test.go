package storage_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// alertLines writes alerts as sotay alerts --csv writes its rows.
func alertLines(as []storage.Alert) string {
	var b strings.Builder
	for _, a := range as {
		b.WriteString(strings.Join([]string{a.OrgCode, a.OrgName, a.Rule, a.Period, a.MemberCode, a.Detail, a.Due.Format("2006-01-02")}, ",") + "\n")
	}
	return b.String()
}

// ofRule keeps the lines of one rule.
func ofRule(lines, rule string) string {
	var out []string
	for _, l := range strings.SplitAfter(lines, "\n") {
		if strings.Contains(l, ","+rule+",") {
			out = append(out, l)
		}
	}
	return strings.Join(out, "")
}

// The rows of RulesCommune on 20/11/2026 at the default target, computed by
// hand from its description (storagetest/rules.go). CA is named as it was
// renamed on 15/11; CB, founded 15/10, is warned of nothing about October
// or the third quarter (and B1 came after the push); CD, dissolved 10/11, is gone; A4's absence at the
// meeting of 04/09 was corrected to one with a reason; A5 left on 18/11;
// M1 moved from CC to CA and is warned at CA for absences at both.
const rulesNovember20 = `CA,Chi bộ bản Pa Cheo Thượng,monthly_meeting,2026-10,,Chưa có báo cáo sinh hoạt thường kỳ tháng 10/2026,2026-10-31
CA,Chi bộ bản Pa Cheo Thượng,meeting_duration,2026-09-04,,Buổi sinh hoạt thường kỳ ngày 04/09/2026 từ 19:30 đến 20:30 chỉ 60 phút, chưa đủ 90 phút,2026-09-04
CA,Chi bộ bản Pa Cheo Thượng,meeting_duration,2026-11-05,,Buổi sinh hoạt thường kỳ kết hợp chuyên đề ngày 05/11/2026 từ 23:30 đến 01:15 chỉ 105 phút, chưa đủ 120 phút,2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,notice_ahead,2026-09-04,,Không có thông báo họp (/lichhop) trước ít nhất 24 giờ cho buổi sinh hoạt thường kỳ ngày 04/09/2026,2026-09-04
CA,Chi bộ bản Pa Cheo Thượng,absent_no_reason,2026-09-04,A2,Vắng không có lý do tại buổi sinh hoạt thường kỳ ngày 04/09/2026,2026-09-04
CA,Chi bộ bản Pa Cheo Thượng,absent_no_reason,2026-11-05,A2,Vắng không có lý do tại buổi sinh hoạt thường kỳ kết hợp chuyên đề ngày 05/11/2026,2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,absent_no_reason,2026-11-05,M1,Vắng không có lý do tại buổi sinh hoạt thường kỳ kết hợp chuyên đề ngày 05/11/2026,2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,absent_streak,2026-11-05,A2,Vắng 3 buổi sinh hoạt thường kỳ liền: 05/08/2026, 04/09/2026, 05/11/2026,2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,absent_streak,2026-11-05,A3,Vắng 3 buổi sinh hoạt thường kỳ liền: 05/08/2026, 04/09/2026, 05/11/2026,2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,absent_three_months,2026,A2,Vắng sinh hoạt thường kỳ không có lý do 3 tháng trong năm 2026 (tháng 8, 9, 11),2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,absent_three_months,2026,M1,Vắng sinh hoạt thường kỳ không có lý do 3 tháng trong năm 2026 (tháng 3, 6, 11),2026-11-05
CA,Chi bộ bản Pa Cheo Thượng,supervision_coverage,2026,,Năm 2026 chi bộ mới giám sát, kiểm tra 1 lượt đảng viên, chỉ tiêu 2 (30 % của 5 đảng viên),2026-12-31
CA,Chi bộ bản Pa Cheo Thượng,study_overdue,2026-10-31,A3,21-KL/TW,2026-10-31
CA,Chi bộ bản Pa Cheo Thượng,study_overdue,2026-10-31,A4,21-KL/TW,2026-10-31
CA,Chi bộ bản Pa Cheo Thượng,study_overdue,2026-10-31,M1,21-KL/TW,2026-10-31
CC,Chi bộ Tiểu học,quarterly_thematic,2026-Q3,,Chưa có buổi sinh hoạt chuyên đề nào trong quý III/2026,2026-09-30
CC,Chi bộ Tiểu học,notice_ahead,2026-09-15,,Thông báo họp gửi lúc 08:00 15/09/2026, chưa đủ 24 giờ trước buổi sinh hoạt thường kỳ ngày 15/09/2026,2026-09-15
CC,Chi bộ Tiểu học,absent_streak,2026-11-12,C2,Vắng 3 buổi sinh hoạt thường kỳ liền: 12/06/2026, 15/09/2026, 12/11/2026,2026-11-12
CC,Chi bộ Tiểu học,study_overdue,2026-10-31,C1,21-KL/TW,2026-10-31
CC,Chi bộ Tiểu học,study_overdue,2026-10-31,C2,21-KL/TW,2026-10-31
`

func TestAlertsOnAHandMadeCommune(t *testing.T) {
	c := storagetest.NewRulesCommune(t)
	ctx := context.Background()
	alerts := func(t *testing.T, on string, target int, roots ...string) string {
		t.Helper()
		q := storage.AlertQuery{On: mustDay(t, on), CoverageTarget: target}
		for _, r := range roots {
			q.Roots = append(q.Roots, c.Orgs[r])
		}
		as, err := c.S.Alerts(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		return alertLines(as)
	}
	same := func(t *testing.T, got, want string) {
		t.Helper()
		if got != want {
			t.Fatalf("got\n%s\nwant\n%s", got, want)
		}
	}
	t.Run("EveryRuleOnNovember20", func(t *testing.T) {
		same(t, alerts(t, "2026-11-20", 30), rulesNovember20)
	})
	t.Run("OneSubtree", func(t *testing.T) {
		var want []string
		for _, l := range strings.SplitAfter(rulesNovember20, "\n") {
			if strings.HasPrefix(l, "CC,") {
				want = append(want, l)
			}
		}
		same(t, alerts(t, "2026-11-20", 30, "DB"), strings.Join(want, ""))
	})
	t.Run("TheTargetDecidesCoverage", func(t *testing.T) {
		same(t, ofRule(alerts(t, "2026-11-20", 0), storage.RuleSupervisionCoverage), "")
		same(t, ofRule(alerts(t, "2026-11-20", 60), storage.RuleSupervisionCoverage),
			"CA,Chi bộ bản Pa Cheo Thượng,supervision_coverage,2026,,Năm 2026 chi bộ mới giám sát, kiểm tra 1 lượt đảng viên, chỉ tiêu 3 (60 % của 5 đảng viên),2026-12-31\n"+
				"CC,Chi bộ Tiểu học,supervision_coverage,2026,,Năm 2026 chi bộ mới giám sát, kiểm tra 1 lượt đảng viên, chỉ tiêu 2 (60 % của 2 đảng viên),2026-12-31\n")
		same(t, ofRule(alerts(t, "2026-09-30", 60), storage.RuleSupervisionCoverage), "")
	})
	t.Run("APastDayKeepsTheDissolvedCellAndTheOldName", func(t *testing.T) {
		// 26/10: October is due from day 25; CB, founded 15/10, is not
		// warned for it, CD (dissolved 10/11) is.
		same(t, ofRule(alerts(t, "2026-10-26", 30), storage.RuleMonthlyMeeting),
			"CA,Chi bộ bản Pa Cheo,monthly_meeting,2026-10,,Chưa có báo cáo sinh hoạt thường kỳ tháng 10/2026,2026-10-31\n"+
				"CD,Chi bộ Thôn cũ,monthly_meeting,2026-10,,Chưa có báo cáo sinh hoạt thường kỳ tháng 10/2026,2026-10-31\n")
		// Before day 25 only the month before counts.
		same(t, ofRule(alerts(t, "2026-10-24", 30), storage.RuleMonthlyMeeting), "")
	})
	t.Run("TheCombinedSessionCountsAsBoth", func(t *testing.T) {
		// 26/11: CA's combined session is its November meeting; CB, founded
		// before November began, has none.
		same(t, ofRule(alerts(t, "2026-11-26", 30), storage.RuleMonthlyMeeting),
			"CA,Chi bộ bản Pa Cheo Thượng,monthly_meeting,2026-10,,Chưa có báo cáo sinh hoạt thường kỳ tháng 10/2026,2026-10-31\n"+
				"CB,Chi bộ bản Lũng Phìn,monthly_meeting,2026-11,,Chưa có báo cáo sinh hoạt thường kỳ tháng 11/2026,2026-11-30\n")
		// December is the last month of the fourth quarter: CA's combined
		// session is its thematic meeting, CB was founded after 1 October.
		same(t, ofRule(alerts(t, "2026-12-01", 30), storage.RuleQuarterlyThematic),
			"CC,Chi bộ Tiểu học,quarterly_thematic,2026-Q3,,Chưa có buổi sinh hoạt chuyên đề nào trong quý III/2026,2026-09-30\n"+
				"CC,Chi bộ Tiểu học,quarterly_thematic,2026-Q4,,Chưa có buổi sinh hoạt chuyên đề nào trong quý IV/2026,2026-12-31\n")
	})
	t.Run("AMemberIsWarnedUntilTheyLeave", func(t *testing.T) {
		got := ofRule(alerts(t, "2026-11-17", 30), storage.RuleAbsentNoReason)
		for _, want := range []string{",2026-09-04,A5,", ",2026-11-05,A5,"} {
			if !strings.Contains(got, want) {
				t.Errorf("no %q on 17/11:\n%s", want, got)
			}
		}
		if strings.Contains(got, ",A4,") {
			t.Errorf("A4's corrected absence still counts:\n%s", got)
		}
	})
	t.Run("AClosedCampaignCountsUntilItClosed", func(t *testing.T) {
		got := ofRule(alerts(t, "2026-10-18", 30), storage.RuleStudyOverdue)
		want := ""
		for _, code := range []string{"A1", "A2", "A3", "A4", "A5", "M1"} {
			want += "CA,Chi bộ bản Pa Cheo,study_overdue,2026-10-15," + code + ",62-KH/TU,2026-10-15\n"
		}
		same(t, got, want)
	})
	t.Run("NinetyDaysUpToD", func(t *testing.T) {
		// 04/09 + 90 days is 03/12: the short meeting of 04/09 is warned
		// of on that day, not the day after.
		if got := ofRule(alerts(t, "2026-12-03", 30), storage.RuleMeetingDuration); !strings.Contains(got, ",2026-09-04,") {
			t.Errorf("04/09 missing on 03/12:\n%s", got)
		}
		if got := ofRule(alerts(t, "2026-12-04", 30), storage.RuleMeetingDuration); strings.Contains(got, ",2026-09-04,") {
			t.Errorf("04/09 still there on 04/12:\n%s", got)
		}
	})
	t.Run("ABadTarget", func(t *testing.T) {
		_, err := c.S.Alerts(ctx, storage.AlertQuery{On: mustDay(t, "2026-11-20"), CoverageTarget: 101})
		var se *storage.Error
		if !errors.As(err, &se) || !strings.Contains(se.Message, "101") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestAlertKeys(t *testing.T) {
	a := storage.Alert{Rule: storage.RuleAbsentStreak, OrgCode: "CA", Period: "2026-11-05", MemberCode: "A2", Detail: "x"}
	if a.Key() != "absent_streak|CA|2026-11-05|A2" {
		t.Errorf("key %q", a.Key())
	}
	a.Rule = storage.RuleStudyOverdue
	if a.Key() != "study_overdue|CA|2026-11-05|A2|x" {
		t.Errorf("key %q", a.Key())
	}
}

// mustDay reads a day written yyyy-mm-dd.
func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
