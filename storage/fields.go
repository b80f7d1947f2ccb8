package storage

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"sotay/storage/vn"
)

// The rule of each field people enter, one function per field, and the
// one place each rule lives. Every way in uses it: the quick forms
// (handlers/quickform) parse and then call it, the dialogs call it on a
// typed answer and on the value a button carries (a modified client can
// put any value in a button), and the inputs' Validate calls it before
// anything is stored. A field that breaks its rule is an *Error with
// CodeInvalid naming the Field, saying why and giving an example. The
// rules are pure: what they need (today) is passed in.

// Field names a field of an input, as the dialogs name their steps.
type Field string

// The fields.
const (
	FieldNone       Field = ""
	FieldOrg        Field = "org"
	FieldDate       Field = "date"
	FieldKind       Field = "kind"
	FieldAttendance Field = "attendance"
	FieldTopic      Field = "topic"
	FieldAbsent     Field = "absent"
	FieldBody       Field = "body"
	FieldOrgs       Field = "orgs"
	FieldMembers    Field = "members"
	FieldContent    Field = "content"
	FieldConclusion Field = "conclusion"
	FieldMeasures   Field = "measures"
	FieldTime       Field = "time"  // the time of an announced meeting, or a meeting's start and end
	FieldPlace      Field = "place" // where an announced meeting is held
	FieldReason     Field = "reason"
	FieldComment    Field = "comment"
	FieldDue        Field = "due" // a campaign's study deadline
	FieldCode       Field = "code"
	FieldName       Field = "name"
	FieldParent     Field = "parent"
	FieldStudied    Field = "studied" // the documents studied at a meeting
)

// Limits on what a person can mean.
const (
	MaxCount = 100000 // members or organisations in one report
	MaxText  = 1000   // characters of a topic, content or measures
)

// maxTextOf bounds the free-text fields shorter than MaxText.
var maxTextOf = map[Field]int{FieldReason: 300}

// textExamples show a free-text field written right.
var textExamples = map[Field]string{
	FieldTopic:    "Quán triệt Kết luận 21-KL/TW",
	FieldAbsent:   "Lò Văn Minh (ốm)",
	FieldContent:  "Việc thực hiện quy chế làm việc",
	FieldMeasures: "Nhắc nhở, yêu cầu khắc phục",
	FieldPlace:    "Nhà văn hóa bản",
	FieldReason:   "ốm",
	FieldComment:  "Ghi rõ người vắng và lý do",
}

// TextExample is a free-text field written right, for the messages that
// ask for it.
func TextExample(f Field) string { return textExamples[f] }

// CheckText checks a free-text field (label names it in the message): its
// length (MaxText, shorter for some fields), and that it says something in
// words or numbers (vn.HasLetterOrDigit), not only emoji or marks. Empty
// is not given, and passes: whether a field is required is the input's.
func CheckText(f Field, label, s string) error {
	max := MaxText
	if m, ok := maxTextOf[f]; ok {
		max = m
	}
	if n := utf8.RuneCountInString(s); n > max {
		return FieldErrorf(f, "%s dài quá %d ký tự (đồng chí gõ %d): đồng chí viết gọn lại.", label, max, n)
	}
	if s != "" && !vn.HasLetterOrDigit(s) {
		return FieldErrorf(f, "%s «%s» không có chữ hoặc số nào: đồng chí ghi bằng chữ, ví dụ «%s».", label, clip(s, 40), textExamples[f])
	}
	return nil
}

// RequireText is CheckText for a field that must be given.
func RequireText(f Field, label, s string) error {
	if strings.TrimSpace(s) == "" {
		return FieldErrorf(f, "Thiếu %s, ví dụ «%s».", lowerFirst(label), textExamples[f])
	}
	return CheckText(f, label, s)
}

// clip keeps the first n characters of s, marking a cut with "…".
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// CheckReportDay checks the day of a meeting or supervision report: it has
// come, and is not before 1930 (CheckReportDaySet).
func CheckReportDay(on, today time.Time) error {
	today = day(today)
	if on.After(today) {
		return FieldErrorf(FieldDate, "Ngày %s chưa đến: chỉ báo cáo việc đã diễn ra (hôm nay là %s). Ví dụ: hôm qua, hoặc %s.",
			vn.FormatDate(on), vn.FormatDate(today), vn.FormatDate(today.AddDate(0, 0, -1)))
	}
	if err := CheckReportDaySet(on); err != nil && !on.IsZero() {
		return FieldErrorf(FieldDate, "Ngày %s quá xa: đồng chí kiểm tra lại năm, ví dụ %s.", vn.FormatDate(on), vn.FormatDate(today))
	}
	return nil
}

// CheckReportDaySet is the part of CheckReportDay that needs no clock, for
// a stored report's Validate: the day is given and not before 1930.
func CheckReportDaySet(on time.Time) error {
	switch {
	case on.IsZero():
		return FieldErrorf(FieldDate, "Thiếu ngày: đồng chí ghi ngày/tháng/năm, ví dụ 05/11/2026.")
	case on.Year() < 1930:
		return FieldErrorf(FieldDate, "Ngày %s quá xa: đồng chí kiểm tra lại năm, ví dụ 05/11/2026.", vn.FormatDate(on))
	}
	return nil
}

// CheckNoticeDay checks the day of an announced meeting: today or later,
// and not more than a year ahead.
func CheckNoticeDay(on, today time.Time) error {
	today = day(today)
	switch {
	case on.Before(today):
		return FieldErrorf(FieldDate, "Ngày %s đã qua: lịch họp là cho buổi họp sắp tới, ví dụ %s.", vn.FormatDate(on), vn.FormatDate(today.AddDate(0, 0, 3)))
	case on.After(today.AddDate(1, 0, 0)):
		return FieldErrorf(FieldDate, "Ngày %s còn hơn một năm nữa: đồng chí kiểm tra lại năm, ví dụ %s.", vn.FormatDate(on), vn.FormatDate(today.AddDate(0, 0, 3)))
	}
	return nil
}

// TimeHow says how to write a time of day.
const TimeHow = "đồng chí ghi giờ:phút, ví dụ 19:30 hoặc 7h30"

// CheckTime checks a time of day.
func CheckTime(hour, minute int) error {
	if hour < 0 || hour > 23 || minute < 0 || minute > 59 {
		return FieldErrorf(FieldTime, "Giờ họp %02d:%02d không có: %s.", hour, minute, TimeHow)
	}
	return nil
}

// AttendanceHow says how to write the members present.
const AttendanceHow = "đồng chí ghi số có mặt/tổng số, ví dụ 18/20, hoặc chỉ số có mặt, ví dụ 18 (tổng số lấy theo danh sách chi bộ)"

// CheckAttendance checks the members present and, when hasTotal, the
// total: present from 0 to MaxCount, total from 1 to MaxCount and not
// below present.
func CheckAttendance(present, total int, hasTotal bool) error {
	switch {
	case present < 0:
		return FieldErrorf(FieldAttendance, "Số có mặt không được âm (%d): %s.", present, AttendanceHow)
	case present > MaxCount:
		return FieldErrorf(FieldAttendance, "Số có mặt quá lớn (tối đa %d): %s.", MaxCount, AttendanceHow)
	case !hasTotal:
		return nil
	case total > MaxCount:
		return FieldErrorf(FieldAttendance, "Tổng số quá lớn (tối đa %d): %s.", MaxCount, AttendanceHow)
	case total <= 0:
		return FieldErrorf(FieldAttendance, "Tổng số đảng viên phải lớn hơn 0 (%d): %s.", total, AttendanceHow)
	case present > total:
		return FieldErrorf(FieldAttendance, "Số có mặt (%d) lớn hơn tổng số (%d): %s.", present, total, AttendanceHow)
	}
	return nil
}

// CountHow says how to write the organisations and members examined.
const CountHow = "đồng chí ghi số tổ chức rồi số đảng viên được kiểm tra, giám sát, ví dụ «2 tổ chức; 5 đảng viên» (0 nếu không có)"

// CheckCount checks the number of organisations (FieldOrgs) or of members
// (FieldMembers) examined: from 0 to MaxCount.
func CheckCount(field Field, n int) error {
	label := map[Field]string{FieldOrgs: "Số tổ chức", FieldMembers: "Số đảng viên"}[field]
	switch {
	case n > MaxCount:
		return FieldErrorf(field, "%s quá lớn (tối đa %d): %s.", label, MaxCount, CountHow)
	case n < 0:
		return FieldErrorf(field, "%s không được âm (%d): %s.", label, n, CountHow)
	}
	return nil
}

// ConclusionHow says how to write a conclusion.
const ConclusionHow = "đồng chí ghi «không vi phạm» hoặc «có N vi phạm», ví dụ có 2 vi phạm"

// CheckViolations checks the number of violations a conclusion found: from
// 0 to MaxCount.
func CheckViolations(n int) error {
	switch {
	case n > MaxCount:
		return FieldErrorf(FieldConclusion, "Số vi phạm quá lớn (tối đa %d): %s.", MaxCount, ConclusionHow)
	case n < 0:
		return FieldErrorf(FieldConclusion, "Số vi phạm không được âm (%d): %s.", n, ConclusionHow)
	}
	return nil
}

// ReadMeetingKind reads a meeting kind, written ("thường kỳ", "chuyen de",
// "thường kỳ + chuyên đề") or as its code (a button's "thuong_ky"), and
// refuses any other.
func ReadMeetingKind(s string) (string, error) {
	k := vn.Key(s)
	k = strings.TrimPrefix(k, "sinhhoat")
	k = strings.TrimPrefix(k, "chibo")
	switch k {
	case "thuongky", "thuongki", "dinhky", "dinhki", "hangthang":
		return MeetingRegular, nil
	case "chuyende":
		return MeetingTopical, nil
	}
	// A regular meeting with a thematic part in the same session:
	// "thường kỳ + chuyên đề", "thuong ky va chuyen de", either way round.
	for _, regular := range []string{"thuongky", "thuongki", "dinhky", "dinhki"} {
		for _, and := range []string{"", "va", "kethop"} {
			if k == regular+and+"chuyende" || k == "chuyende"+and+regular {
				return MeetingCombined, nil
			}
		}
	}
	return "", noMeetingKind(s)
}

func noMeetingKind(s string) error {
	return FieldErrorf(FieldKind, "Loại sinh hoạt «%s» không có: đồng chí ghi «thường kỳ», «chuyên đề» hoặc «thường kỳ + chuyên đề» (không dấu cũng được: thuong ky, chuyen de).", clip(s, 40))
}

// MaxMeetingMinutes bounds how long a meeting can have lasted: a longer
// one is a mistyped time.
const MaxMeetingMinutes = 10 * 60

// MeetingTimesHow says how to write a meeting's start and end.
const MeetingTimesHow = "đồng chí ghi giờ bắt đầu và giờ kết thúc, ví dụ 19:30-21:15 (kết thúc sau nửa đêm cũng được, ví dụ 23:30-01:15)"

// CheckMeetingTimes checks a meeting's start and end, local times of its
// day: both or neither, not the same, and not more than MaxMeetingMinutes
// apart (an end before the start is after midnight).
func CheckMeetingTimes(start, end *DayTime) error {
	switch {
	case start == nil && end == nil:
		return nil
	case start == nil || end == nil:
		return FieldErrorf(FieldTime, "Thiếu giờ %s: %s.", map[bool]string{true: "bắt đầu", false: "kết thúc"}[start == nil], MeetingTimesHow)
	case *start < 0 || *start >= minutesPerDay || *end < 0 || *end >= minutesPerDay:
		return FieldErrorf(FieldTime, "Giờ họp không có: %s.", MeetingTimesHow)
	case *start == *end:
		return FieldErrorf(FieldTime, "Giờ kết thúc %s trùng giờ bắt đầu: %s.", end, MeetingTimesHow)
	}
	if n := MeetingMinutes(*start, *end); n > MaxMeetingMinutes {
		return FieldErrorf(FieldTime, "Buổi họp từ %s đến %s dài %s, quá %d giờ: đồng chí kiểm tra lại giờ (%s).",
			start, end, FormatMinutes(n), MaxMeetingMinutes/60, MeetingTimesHow)
	}
	return nil
}

// FormatMinutes says how long n minutes are: "1 giờ 45 phút", "90 phút" is
// not how people say it past an hour.
func FormatMinutes(n int) string {
	switch {
	case n < 60:
		return fmt.Sprintf("%d phút", n)
	case n%60 == 0:
		return fmt.Sprintf("%d giờ", n/60)
	}
	return fmt.Sprintf("%d giờ %d phút", n/60, n%60)
}

// ReadSupervisionKind reads a supervision kind, written ("giám sát") or as
// its code ("giam_sat"), and refuses any other.
func ReadSupervisionKind(s string) (string, error) {
	switch strings.TrimPrefix(vn.Key(s), "cuoc") {
	case "kiemtra":
		return SupervisionInspection, nil
	case "giamsat":
		return SupervisionMonitoring, nil
	}
	return "", noSupervisionKind(s)
}

func noSupervisionKind(s string) error {
	return FieldErrorf(FieldKind, "Loại «%s» không có: đồng chí ghi «kiểm tra» hoặc «giám sát» (không dấu cũng được: kiem tra, giam sat).", clip(s, 40))
}

// ReadBody reads who performed a supervision, written ("UBKT", "cấp ủy")
// or as its code ("ubkt", "cap_uy"), and refuses any other.
func ReadBody(s string) (string, error) {
	switch vn.Key(s) {
	case "ubkt", "uybankiemtra", "uybankt":
		return BodyCommission, nil
	case "capuy", "chibo", "dangbo", "danguy":
		return BodyCommittee, nil
	}
	return "", noBody(s)
}

func noBody(s string) error {
	return FieldErrorf(FieldBody, "Không rõ ai thực hiện «%s»: đồng chí chọn «Cấp ủy» hoặc «Ủy ban Kiểm tra» (trong tin nhắn ghi UBKT).", clip(s, 40))
}

// CheckDueDay checks a study deadline: today or later, and not more than a
// year ahead. /gui's deadline buttons and `sotay push --due` both use it.
func CheckDueDay(on, today time.Time) error {
	today = day(today)
	switch {
	case on.Before(today):
		return FieldErrorf(FieldDue, "Hạn học tập %s đã qua: hạn phải từ hôm nay (%s) trở đi, ví dụ %s.",
			vn.FormatDate(on), vn.FormatDate(today), vn.FormatDate(today.AddDate(0, 0, 14)))
	case on.After(today.AddDate(1, 0, 0)):
		return FieldErrorf(FieldDue, "Hạn học tập %s còn hơn một năm nữa: đồng chí kiểm tra lại năm, ví dụ %s.",
			vn.FormatDate(on), vn.FormatDate(today.AddDate(0, 0, 14)))
	}
	return nil
}

// CheckPeriod refuses a period that ends before it starts (days, both
// included).
func CheckPeriod(from, to time.Time) error {
	if to.Before(from) {
		return FieldErrorf(FieldDate, "Ngày kết thúc %s trước ngày bắt đầu %s: đồng chí đổi chỗ hai ngày.", vn.FormatDate(to), vn.FormatDate(from))
	}
	return nil
}

// MaxCodeLen bounds a member's or an organisation's code, in bytes (a code
// is ASCII).
const MaxCodeLen = 32

// IsCode reports whether s is a well-formed member or organisation code:
// ASCII letters, digits and the marks - _ . /, at most MaxCodeLen. It is
// the one definition: a code the roster import accepts is accepted
// wherever a code is written (a quick form's first field, say).
func IsCode(s string) bool {
	if s == "" || len(s) > MaxCodeLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-' || c == '_' || c == '.' || c == '/':
		default:
			return false
		}
	}
	return true
}

// CheckCode is the rule of a code field (label names it, "Mã tổ chức"):
// given, not too long, well-formed (IsCode). Its messages are a roster's
// reasons: no full stop, the value in quotes.
func CheckCode(f Field, label, s string) error {
	switch {
	case s == "":
		return FieldErrorf(f, "Thiếu %s", lowerFirst(label))
	case len(s) > MaxCodeLen:
		return FieldErrorf(f, "%s %s dài quá %d ký tự", label, quoted(s), MaxCodeLen)
	case !IsCode(s):
		return FieldErrorf(f, "%s %s không hợp lệ: chỉ dùng chữ không dấu, chữ số và các dấu - _ . /, không có dấu cách", label, quoted(s))
	}
	return nil
}

// quoted shows a value inside a reason, cut short so that one odd value
// cannot make a list of reasons unreadable.
func quoted(s string) string { return `"` + clip(s, 40) + `"` }

// lowerFirst is label with its first letter in lower case, as a label
// reads inside a sentence ("Thiếu mã tổ chức").
func lowerFirst(label string) string {
	r, n := utf8.DecodeRuneInString(label)
	return string(unicode.ToLower(r)) + label[n:]
}
