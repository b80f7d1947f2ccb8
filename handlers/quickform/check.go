package quickform

import (
	"time"
	"unicode/utf8"

	"sotay/storage/vn"
)

// The rule of each field, one function per field. The parsers call them on
// what a form or a typed answer says, and the dialogs on the value a button
// carries: a modified client can put any value in a button, so a pressed
// value is checked exactly as a typed one. They are pure: what they need
// (today) is passed in.

// dayOf is the plain date (midnight UTC) of t, as the parsers return days.
func dayOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// CheckReportDay checks the day of a meeting or supervision report: it has
// come, and is not before 1930.
func CheckReportDay(day, today time.Time) error {
	today = dayOf(today)
	if day.After(today) {
		return fail(FieldDate, "Ngày %s chưa đến: chỉ báo cáo việc đã diễn ra (hôm nay là %s). Ví dụ: hôm qua, hoặc %s.",
			vn.FormatDate(day), vn.FormatDate(today), vn.FormatDate(today.AddDate(0, 0, -1)))
	}
	if day.Year() < 1930 {
		return fail(FieldDate, "Ngày %s quá xa: đồng chí kiểm tra lại năm, ví dụ %s.", vn.FormatDate(day), vn.FormatDate(today))
	}
	return nil
}

// CheckNoticeDay checks the day of an announced meeting: today or later,
// and not more than a year ahead.
func CheckNoticeDay(day, today time.Time) error {
	today = dayOf(today)
	switch {
	case day.Before(today):
		return fail(FieldDate, "Ngày %s đã qua: lịch họp là cho buổi họp sắp tới, ví dụ %s.", vn.FormatDate(day), vn.FormatDate(today.AddDate(0, 0, 3)))
	case day.After(today.AddDate(1, 0, 0)):
		return fail(FieldDate, "Ngày %s còn hơn một năm nữa: đồng chí kiểm tra lại năm, ví dụ %s.", vn.FormatDate(day), vn.FormatDate(today.AddDate(0, 0, 3)))
	}
	return nil
}

// FieldTime is the time of an announced meeting.
const FieldTime Field = "time"

const timeHow = "đồng chí ghi giờ:phút, ví dụ 19:30 hoặc 7h30"

// CheckTime checks a time of day.
func CheckTime(hour, minute int) error {
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return fail(FieldTime, "Giờ họp %02d:%02d không có: %s.", hour, minute, timeHow)
	}
	return nil
}

const attendanceHow = "đồng chí ghi số có mặt/tổng số, ví dụ 18/20, hoặc chỉ số có mặt, ví dụ 18 (tổng số lấy theo danh sách chi bộ)"

// CheckAttendance checks the members present and, when hasTotal, the
// total: present from 0 to MaxCount, total from 1 to MaxCount and not
// below present.
func CheckAttendance(present, total int, hasTotal bool) error {
	switch {
	case present < 0:
		return fail(FieldAttendance, "Số có mặt không được âm (%d): %s.", present, attendanceHow)
	case present > MaxCount:
		return fail(FieldAttendance, "Số có mặt quá lớn (tối đa %d): %s.", MaxCount, attendanceHow)
	case !hasTotal:
		return nil
	case total > MaxCount:
		return fail(FieldAttendance, "Tổng số quá lớn (tối đa %d): %s.", MaxCount, attendanceHow)
	case total <= 0:
		return fail(FieldAttendance, "Tổng số đảng viên phải lớn hơn 0 (%d): %s.", total, attendanceHow)
	case present > total:
		return fail(FieldAttendance, "Số có mặt (%d) lớn hơn tổng số (%d): %s.", present, total, attendanceHow)
	}
	return nil
}

const countHow = "đồng chí ghi số tổ chức rồi số đảng viên được kiểm tra, giám sát, ví dụ «2 tổ chức; 5 đảng viên» (0 nếu không có)"

// CheckCount checks the number of organisations (FieldOrgs) or of members
// (FieldMembers) examined: from 0 to MaxCount.
func CheckCount(field Field, n int) error {
	label := map[Field]string{FieldOrgs: "Số tổ chức", FieldMembers: "Số đảng viên"}[field]
	switch {
	case n > MaxCount:
		return fail(field, "%s quá lớn (tối đa %d): %s.", label, MaxCount, countHow)
	case n < 0:
		return fail(field, "%s không được âm (%d): %s.", label, n, countHow)
	}
	return nil
}

// CheckViolations checks the number of violations a conclusion found: from
// 0 to MaxCount.
func CheckViolations(n int) error {
	switch {
	case n > MaxCount:
		return fail(FieldConclusion, "Số vi phạm quá lớn (tối đa %d): %s.", MaxCount, conclusionHow)
	case n < 0:
		return fail(FieldConclusion, "Số vi phạm không được âm (%d): %s.", n, conclusionHow)
	}
	return nil
}

// ReadMeetingKind reads a meeting kind, written ("thường kỳ", "chuyen de")
// or as its code (a button's "thuong_ky"), and refuses any other.
func ReadMeetingKind(s string) (string, error) {
	if k := meetingKind(s); k != "" {
		return k, nil
	}
	return "", fail(FieldKind, "Loại sinh hoạt «%s» không có: đồng chí ghi «thường kỳ» hoặc «chuyên đề» (không dấu cũng được: thuong ky, chuyen de).", clip(s, 40))
}

// ReadSupervisionKind reads a supervision kind, written ("giám sát") or as
// its code ("giam_sat"), and refuses any other.
func ReadSupervisionKind(s string) (string, error) {
	if k := supervisionKind(s); k != "" {
		return k, nil
	}
	return "", fail(FieldKind, "Loại «%s» không có: đồng chí ghi «kiểm tra» hoặc «giám sát» (không dấu cũng được: kiem tra, giam sat).", clip(s, 40))
}

// ReadBody reads who performed a supervision, written ("UBKT", "cấp ủy")
// or as its code ("ubkt", "cap_uy"), and refuses any other.
func ReadBody(s string) (string, error) {
	if b := bodyOf(s); b != "" {
		return b, nil
	}
	return "", fail(FieldBody, "Không rõ ai thực hiện «%s»: đồng chí chọn «Cấp ủy» hoặc «Ủy ban Kiểm tra» (trong tin nhắn ghi UBKT).", clip(s, 40))
}

// bodyOf is the body a field names, "" when none.
func bodyOf(s string) string {
	switch vn.Key(s) {
	case "ubkt", "uybankiemtra", "uybankt":
		return "ubkt"
	case "capuy", "chibo", "dangbo", "danguy":
		return "cap_uy"
	}
	return ""
}

// clip keeps the first n characters of s, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// FieldDue is a campaign's study deadline.
const FieldDue Field = "due"

// CheckDueDay checks a study deadline: today or later, and not more than a
// year ahead. /gui's deadline buttons and `sotay push --due` both use it.
func CheckDueDay(day, today time.Time) error {
	today = dayOf(today)
	switch {
	case day.Before(today):
		return fail(FieldDue, "Hạn học tập %s đã qua: hạn phải từ hôm nay (%s) trở đi, ví dụ %s.",
			vn.FormatDate(day), vn.FormatDate(today), vn.FormatDate(today.AddDate(0, 0, 14)))
	case day.After(today.AddDate(1, 0, 0)):
		return fail(FieldDue, "Hạn học tập %s còn hơn một năm nữa: đồng chí kiểm tra lại năm, ví dụ %s.",
			vn.FormatDate(day), vn.FormatDate(today.AddDate(0, 0, 14)))
	}
	return nil
}
