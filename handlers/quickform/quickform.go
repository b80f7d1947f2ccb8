// Package quickform reads the one-message report forms of /sinhhoat and
// /kiemtra: fields split by ";" or new lines, with or without diacritics,
// in any case, with extra spaces. The parsers are pure: they know today's
// date and nothing of the database, so the organisation's founding date,
// its members and who may report are checked by the caller. A field that
// is wrong is an *Error naming the field, why, and the right form; a field
// left out is reported by Missing, so that the caller can ask for it.
// Each field's rule is one function (check.go) that the dialogs call too,
// on a typed answer and on the value a button carries.
package quickform

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sotay/storage/vn"
)

// Field names a field of a form.
type Field string

// The fields, as the dialogs name their steps.
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
)

// Error is a field that cannot be taken; Message is Vietnamese and says
// which field, why, and an example.
type Error struct {
	Field   Field
	Message string
}

func (e *Error) Error() string { return e.Message }

func fail(f Field, format string, args ...any) error {
	return &Error{Field: f, Message: fmt.Sprintf(format, args...)}
}

// Limits on what a person can mean.
const (
	MaxCount = 100000 // members or organisations in one report
	MaxText  = 1000   // characters of a topic, content or measures
)

// Meeting is a parsed /sinhhoat form. Has* say which fields were given.
type Meeting struct {
	OrgCode    string
	Date       time.Time // midnight UTC of the day
	HasDate    bool
	Kind       string // storage.MeetingRegular or MeetingTopical; "" not given
	Present    int
	Total      int
	HasPresent bool
	HasTotal   bool // Total was written (otherwise the caller counts the cell)
	Topic      string
	Absent     string // who was absent and why, as written
}

// Org is the organisation code written in the form, "" when none.
func (m Meeting) Org() string { return m.OrgCode }

// Missing is the first field a complete report still needs, FieldNone when
// nothing is missing.
func (m Meeting) Missing() Field {
	switch {
	case !m.HasDate:
		return FieldDate
	case m.Kind == "":
		return FieldKind
	case !m.HasPresent:
		return FieldAttendance
	case m.Topic == "":
		return FieldTopic
	}
	return FieldNone
}

// Supervision is a parsed /kiemtra form.
type Supervision struct {
	OrgCode       string
	Date          time.Time
	HasDate       bool
	Body          string // storage.BodyCommittee (default) or BodyCommission
	Kind          string // storage.SupervisionInspection or SupervisionMonitoring
	Orgs          int
	HasOrgs       bool
	Members       int
	HasMembers    bool
	Content       string
	Violations    int
	HasConclusion bool
	Measures      string
}

// Org is the organisation code written in the form, "" when none.
func (s Supervision) Org() string { return s.OrgCode }

// Missing is the first field a complete report still needs.
func (s Supervision) Missing() Field {
	switch {
	case !s.HasDate:
		return FieldDate
	case s.Kind == "":
		return FieldKind
	case !s.HasOrgs:
		return FieldOrgs
	case !s.HasMembers:
		return FieldMembers
	case s.Content == "":
		return FieldContent
	case !s.HasConclusion:
		return FieldConclusion
	}
	return FieldNone
}

// Examples shown under an error.
const (
	MeetingExample     = "/sinhhoat 15/11/2026; thường kỳ; 18/20; Quán triệt Kết luận 21-KL/TW"
	SupervisionExample = "/kiemtra 20/11/2026; giám sát; 2 tổ chức; 5 đảng viên; Việc thực hiện quy chế làm việc; không vi phạm"
)

// Split cuts a form into its fields: by ";" or new lines, each trimmed,
// empty ones dropped.
func Split(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '\n' || r == '\r' }) {
		if f = strings.Join(strings.Fields(f), " "); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// splitForm is Split, with the organisation code written first (if any)
// taken off the fields.
func splitForm(form string) (code string, fields []string) {
	fields = Split(form)
	if len(fields) > 0 && OrgCodeShaped(fields[0]) {
		return fields[0], fields[1:]
	}
	return "", fields
}

var (
	dateShape = regexp.MustCompile(`^(ngay\s*)?\d{1,4}\s*[/.-]\s*\d{1,2}(\s*[/.-]\s*\d+)?$`)
	codeShape = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,31}$`)
	numShape  = regexp.MustCompile(`^[-−]?\s*\d+`)
	attShape  = regexp.MustCompile(`^(co mat|hien dien|tham du|du)?\s*:?\s*([-−]?\d+)\s*(?:/\s*([-−]?\d+))?\s*(dang vien|dv|d/v|nguoi|dong chi|d/c)?\s*(co mat)?$`)
	countRe   = regexp.MustCompile(`^([-−]?\d+)\s*(.*)$`)
	violRe    = regexp.MustCompile(`^(?:co|phat hien)?\s*([-−]?\d+)\s*(?:truong hop\s*)?vi pham$`)
)

// fullDate is a date no count can be mistaken for: with its year, or
// hôm nay / hôm qua.
func fullDate(f string) bool {
	k := vn.Key(f)
	return k == "homnay" || k == "homqua" || strings.Count(vn.Fold(f), "/")+strings.Count(vn.Fold(f), "-")+strings.Count(vn.Fold(f), ".") >= 2
}

// isDate reports whether a field is meant as a date.
func isDate(f string) bool {
	k := vn.Key(f)
	return k == "homnay" || k == "homqua" || dateShape.MatchString(vn.Fold(f))
}

// readDate reads a date field and refuses days to come.
func readDate(f string, today time.Time) (time.Time, error) {
	s := vn.Fold(f)
	s = strings.TrimSpace(strings.TrimPrefix(s, "ngay"))
	if k := vn.Key(f); k == "homnay" || k == "homqua" {
		s = f
	}
	t, err := vn.ParseDate(s, today)
	switch {
	case errors.Is(err, vn.ErrNoSuchDay):
		return t, fail(FieldDate, "Ngày «%s» không có trong lịch. Đồng chí ghi ngày/tháng/năm, ví dụ 15/11/2026, hoặc «hôm nay», «hôm qua».", f)
	case err != nil:
		return t, fail(FieldDate, "Không đọc được ngày «%s». Đồng chí ghi ngày/tháng/năm, ví dụ 15/11/2026, 15/11, hoặc «hôm nay», «hôm qua».", f)
	}
	return t, CheckReportDay(t, today)
}

// OrgCodeShaped reports whether the first field of a form is an
// organisation's code rather than a date or a kind: a short ASCII word
// with a digit or in capitals ("CB01", "NAHIEN").
func OrgCodeShaped(f string) bool {
	if !codeShape.MatchString(f) || isDate(f) {
		return false
	}
	k := vn.Key(f)
	if meetingKind(f) != "" || supervisionKind(f) != "" || k == "ubkt" || k == "homnay" || k == "homqua" {
		return false
	}
	return strings.ContainsAny(f, "0123456789") || strings.ToUpper(f) == f
}

// meetingKind is the meeting kind a field names, "" when none: the rule of
// ReadMeetingKind, and how a form finds its kind field.
func meetingKind(s string) string {
	k := vn.Key(s)
	k = strings.TrimPrefix(k, "sinhhoat")
	k = strings.TrimPrefix(k, "chibo")
	switch k {
	case "thuongky", "thuongki", "dinhky", "dinhki", "hangthang":
		return "thuong_ky"
	case "chuyende":
		return "chuyen_de"
	}
	return ""
}

// supervisionKind is the supervision kind a field names, "" when none (see
// meetingKind).
func supervisionKind(s string) string {
	k := vn.Key(s)
	k = strings.TrimPrefix(k, "cuoc")
	switch k {
	case "kiemtra":
		return "kiem_tra"
	case "giamsat":
		return "giam_sat"
	}
	return ""
}

func words(s string) int { return len(strings.Fields(s)) }

func hasDigit(s string) bool { return strings.ContainsAny(s, "0123456789") }

// number reads an integer; one too long to hold is MaxCount+1 (too large).
func number(s string) (int, bool) {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "−", "-"), " ", "")
	n, err := strconv.Atoi(s)
	if errors.Is(err, strconv.ErrRange) {
		return MaxCount + 1, true
	}
	return n, err == nil
}

// textExamples show a free-text field written right.
var textExamples = map[Field]string{
	FieldTopic:    "Quán triệt Kết luận 21-KL/TW",
	FieldAbsent:   "Lò Văn Minh (ốm)",
	FieldContent:  "Việc thực hiện quy chế làm việc",
	FieldMeasures: "Nhắc nhở, yêu cầu khắc phục",
	"place":       "Nhà văn hóa bản",
}

// text checks a free-text field: its length, and that it says something
// in words or numbers (vn.HasLetterOrDigit), not only emoji or marks.
func text(f Field, label, s string) (string, error) {
	if utf8.RuneCountInString(s) > MaxText {
		return "", fail(f, "%s dài quá %d ký tự: đồng chí viết gọn lại.", label, MaxText)
	}
	if s != "" && !vn.HasLetterOrDigit(s) {
		return "", fail(f, "%s «%s» không có chữ hoặc số nào: đồng chí ghi bằng chữ, ví dụ «%s».", label, s, textExamples[f])
	}
	return s, nil
}

// addText appends s to the text *dst, refusing a text over MaxText
// (label names it in the message).
func addText(dst *string, f Field, label, s string) error {
	t, err := text(f, label, appendText(*dst, s))
	if err != nil {
		return err
	}
	*dst = t
	return nil
}

func appendText(cur, s string) string {
	if cur == "" {
		return s
	}
	return cur + "; " + s
}

// ParseMeeting reads a /sinhhoat form:
//
//	[CODE;] date; kind; present[/total]; topic[; vắng: who and why]
func ParseMeeting(form string, today time.Time) (Meeting, error) {
	code, fields := splitForm(form)
	m := Meeting{OrgCode: code}
	for i, f := range fields {
		k := vn.Fold(f)
		switch {
		case !m.HasDate && isDate(f) && (i == 0 || fullDate(f)):
			t, err := readDate(f, today)
			if err != nil {
				return m, err
			}
			m.Date, m.HasDate = t, true
		case m.Kind == "" && meetingKind(f) != "":
			m.Kind = meetingKind(f)
		case k == "vang" || strings.HasPrefix(k, "vang ") || strings.HasPrefix(k, "vang:"):
			rest := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(f[len(firstWord(f)):]), ":-– "))
			if err := addText(&m.Absent, FieldAbsent, "Phần vắng mặt", rest); err != nil {
				return m, err
			}
		case !m.HasPresent && (attShape.MatchString(k) || numShape.MatchString(k) && words(k) <= 2):
			if err := readAttendance(&m, f, k); err != nil {
				return m, err
			}
		case m.Kind == "" && !m.HasPresent && m.Topic == "" && words(k) <= 2 && !hasDigit(k):
			_, err := ReadMeetingKind(f) // not a kind: its error
			return m, err
		case isDate(f):
			return m, fail(FieldDate, "Báo cáo có hai ngày (%s): mỗi báo cáo ghi một ngày họp, ở trường đầu tiên.", f)
		default:
			if err := addText(&m.Topic, FieldTopic, "Nội dung sinh hoạt", f); err != nil {
				return m, err
			}
		}
	}
	return m, nil
}

func firstWord(s string) string {
	if i := strings.IndexAny(s, " :"); i >= 0 {
		return s[:i]
	}
	return s
}

// readAttendance reads "18/20", "18", "có mặt 18/20", "18 đảng viên".
func readAttendance(m *Meeting, f, k string) error {
	p := attShape.FindStringSubmatch(k)
	if p == nil {
		return fail(FieldAttendance, "Không đọc được số đảng viên có mặt «%s»: %s.", f, attendanceHow)
	}
	present, ok := number(p[2])
	if !ok {
		return fail(FieldAttendance, "Số có mặt «%s» không phải là số: %s.", f, attendanceHow)
	}
	total, hasTotal := 0, p[3] != ""
	if hasTotal {
		if total, ok = number(p[3]); !ok {
			return fail(FieldAttendance, "Tổng số «%s» không phải là số: %s.", f, attendanceHow)
		}
	}
	if err := CheckAttendance(present, total, hasTotal); err != nil {
		return err
	}
	m.Present, m.HasPresent = present, true
	m.Total, m.HasTotal = total, hasTotal
	return nil
}
