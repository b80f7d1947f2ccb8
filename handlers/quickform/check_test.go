package quickform_test

import (
	"errors"
	"strings"
	"testing"

	"sotay/handlers/quickform"
)

// Each field's rule accepts what a report could be and refuses the rest
// with a field error; the parsers give the same answer for the same value
// written in a form, since they call it.
func TestFieldChecks(t *testing.T) {
	cases := []struct {
		name  string
		err   error
		field quickform.Field // FieldNone: accepted
		says  string
	}{
		{"ReportDayToday", quickform.CheckReportDay(d(2026, 11, 25), today), quickform.FieldNone, ""},
		{"ReportDayToCome", quickform.CheckReportDay(d(2026, 11, 26), today), quickform.FieldDate, "chưa đến"},
		{"ReportDayTooOld", quickform.CheckReportDay(d(1929, 12, 31), today), quickform.FieldDate, "quá xa"},
		{"NoticeDayToday", quickform.CheckNoticeDay(d(2026, 11, 25), today), quickform.FieldNone, ""},
		{"NoticeDayInAYear", quickform.CheckNoticeDay(d(2027, 11, 25), today), quickform.FieldNone, ""},
		{"NoticeDayPast", quickform.CheckNoticeDay(d(2026, 11, 24), today), quickform.FieldDate, "đã qua"},
		{"NoticeDay400DaysAhead", quickform.CheckNoticeDay(today.AddDate(0, 0, 400), today), quickform.FieldDate, "còn hơn một năm nữa"},
		{"TimeMidnight", quickform.CheckTime(0, 0), quickform.FieldNone, ""},
		{"TimeHour24", quickform.CheckTime(24, 0), quickform.FieldTime, "Giờ họp 24:00 không có"},
		{"TimeMinute60", quickform.CheckTime(19, 60), quickform.FieldTime, "không có"},
		{"TimeNegative", quickform.CheckTime(-1, 30), quickform.FieldTime, "không có"},
		{"AttendanceWhole", quickform.CheckAttendance(20, 20, true), quickform.FieldNone, ""},
		{"AttendancePresentOnly", quickform.CheckAttendance(18, 0, false), quickform.FieldNone, ""},
		{"AttendanceAboveTotal", quickform.CheckAttendance(5, 3, true), quickform.FieldAttendance, "Số có mặt (5) lớn hơn tổng số (3)"},
		{"AttendanceNegative", quickform.CheckAttendance(-1, 3, true), quickform.FieldAttendance, "không được âm"},
		{"AttendanceZeroTotal", quickform.CheckAttendance(0, 0, true), quickform.FieldAttendance, "lớn hơn 0"},
		{"AttendanceHuge", quickform.CheckAttendance(quickform.MaxCount+1, 0, false), quickform.FieldAttendance, "quá lớn"},
		{"CountZero", quickform.CheckCount(quickform.FieldOrgs, 0), quickform.FieldNone, ""},
		{"CountNegativeOrgs", quickform.CheckCount(quickform.FieldOrgs, -1), quickform.FieldOrgs, "Số tổ chức không được âm"},
		{"CountHugeMembers", quickform.CheckCount(quickform.FieldMembers, quickform.MaxCount+1), quickform.FieldMembers, "Số đảng viên quá lớn"},
		{"ViolationsNegative", quickform.CheckViolations(-2), quickform.FieldConclusion, "không được âm"},
		{"ViolationsHuge", quickform.CheckViolations(quickform.MaxCount + 1), quickform.FieldConclusion, "quá lớn"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.field == quickform.FieldNone {
				if c.err != nil {
					t.Fatalf("refused: %v", c.err)
				}
				return
			}
			var fe *quickform.Error
			if !errors.As(c.err, &fe) || fe.Field != c.field || !strings.Contains(fe.Message, c.says) {
				t.Fatalf("got %v, want field %q saying %q", c.err, c.field, c.says)
			}
		})
	}
}

// A kind or body reads the same from a form's words and from a button's
// code, and anything else is refused with the field's message.
func TestReadKinds(t *testing.T) {
	reads := []struct {
		read func(string) (string, error)
		in   string
		want string
	}{
		{quickform.ReadMeetingKind, "thường kỳ", "thuong_ky"},
		{quickform.ReadMeetingKind, "thuong_ky", "thuong_ky"},
		{quickform.ReadMeetingKind, "chuyen_de", "chuyen_de"},
		{quickform.ReadSupervisionKind, "Giám sát", "giam_sat"},
		{quickform.ReadSupervisionKind, "kiem_tra", "kiem_tra"},
		{quickform.ReadBody, "UBKT", "ubkt"},
		{quickform.ReadBody, "cap_uy", "cap_uy"},
	}
	for _, r := range reads {
		if got, err := r.read(r.in); err != nil || got != r.want {
			t.Errorf("read(%q) = %q, %v; want %q", r.in, got, err, r.want)
		}
	}
	refused := []struct {
		read  func(string) (string, error)
		in    string
		field quickform.Field
		says  string
	}{
		{quickform.ReadMeetingKind, "hop_mat", quickform.FieldKind, "«hop_mat» không có"},
		{quickform.ReadSupervisionKind, "thanh tra", quickform.FieldKind, "«thanh tra» không có"},
		{quickform.ReadBody, "thanh_tra", quickform.FieldBody, "Không rõ ai thực hiện"},
		{quickform.ReadMeetingKind, strings.Repeat("x", 100), quickform.FieldKind, strings.Repeat("x", 40) + "…»"},
	}
	for _, r := range refused {
		_, err := r.read(r.in)
		var fe *quickform.Error
		if !errors.As(err, &fe) || fe.Field != r.field || !strings.Contains(fe.Message, r.says) {
			t.Errorf("read(%q) = %v, want field %q saying %q", r.in, err, r.field, r.says)
		}
	}
	// The quick form refuses an unknown kind with the same words.
	_, err := quickform.ParseMeeting("15/11/2026; hop mat; 18/20; A", today)
	if _, want := quickform.ReadMeetingKind("hop mat"); err == nil || err.Error() != want.Error() {
		t.Errorf("ParseMeeting: %v, want %v", err, want)
	}
	if _, err := quickform.ParseNotice("20/12/2027; 19:30; A; B", today); err == nil || !strings.Contains(err.Error(), "còn hơn một năm nữa") {
		t.Errorf("ParseNotice 390 days ahead: %v", err)
	}
}
