// Package quickform reads the one-message report forms of /sinhhoat and
// /kiemtra: fields split by ";" or new lines, with or without diacritics,
// in any case, with extra spaces. The parsers are pure: they know today's
// date and nothing of the database, so the organisation's founding date,
// its members and who may report are checked by the caller. A field that
// is wrong is an *Error naming the field, why, and the right form; a field
// left out is reported by Missing, so that the caller can ask for it.
// The parsers keep no rule of their own: each field's rule is one function
// in storage (storage/fields.go), which they call on what they read, as the
// dialogs do on a typed answer or a pressed value, and as the inputs'
// Validate does before anything is stored.
package quickform

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"sotay/storage"
	"sotay/storage/vn"
)

// Field names a field of a form: storage's fields, whose rules
// (storage/fields.go) the parsers call on what they read.
type Field = storage.Field

// The fields, as the dialogs name their steps.
const (
	FieldNone       = storage.FieldNone
	FieldOrg        = storage.FieldOrg
	FieldDate       = storage.FieldDate
	FieldKind       = storage.FieldKind
	FieldAttendance = storage.FieldAttendance
	FieldTopic      = storage.FieldTopic
	FieldAbsent     = storage.FieldAbsent
	FieldBody       = storage.FieldBody
	FieldOrgs       = storage.FieldOrgs
	FieldMembers    = storage.FieldMembers
	FieldContent    = storage.FieldContent
	FieldConclusion = storage.FieldConclusion
	FieldMeasures   = storage.FieldMeasures
	FieldTime       = storage.FieldTime
	FieldPlace      = storage.FieldPlace
	FieldReason     = storage.FieldReason
	FieldStudied    = storage.FieldStudied
)

// Error is a field that cannot be taken: storage's one error type, with
// CodeInvalid, the Field, and a Vietnamese Message that says why, with an
// example.
type Error = storage.Error

func fail(f Field, format string, args ...any) error { return storage.FieldErrorf(f, format, args...) }

// Limits on what a person can mean (storage's).
const (
	MaxCount = storage.MaxCount
	MaxText  = storage.MaxText
)

// Meeting is a parsed /sinhhoat form. Has* say which fields were given.
type Meeting struct {
	OrgCode string
	Date    time.Time // midnight UTC of the day
	HasDate bool
	// Starts and Ends were written after the date, "19:30-21:15".
	Starts, Ends storage.DayTime
	HasTimes     bool
	Kind         string // storage.MeetingRegular, MeetingTopical or MeetingCombined; "" not given
	Present      int
	Total        int
	HasPresent   bool
	HasTotal     bool // Total was written (otherwise the caller counts the cell)
	Topic        string
	// Absent are the members named absent ("vắng: DV0003 (ốm), DV0005"),
	// as written: the caller finds them in the cell (storage.MatchMember).
	Absent []storage.NamedAbsence
	// Studied are the numbers of the documents studied ("học: 21-KL/TW").
	Studied []string
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
	return t, storage.CheckReportDay(t, today)
}

// OrgCodeShaped reports whether the first field of a form is an
// organisation's code rather than a date or a kind: a code (storage.IsCode,
// the roster's rule) that starts with a letter, with a digit or in
// capitals ("CB01", "NAHIEN", "CB/01"). One that starts with a digit is
// taken by the organisation that has it (the handlers look it up), not by
// its shape, which a count shares.
func OrgCodeShaped(f string) bool {
	if !storage.IsCode(f) || !unicode.IsLetter(rune(f[0])) || isDate(f) {
		return false
	}
	k := vn.Key(f)
	if meetingKind(f) != "" || supervisionKind(f) != "" || k == "ubkt" || k == "homnay" || k == "homqua" {
		return false
	}
	return strings.ContainsAny(f, "0123456789") || strings.ToUpper(f) == f
}

// meetingKind is the meeting kind a field names, "" when none: how a form
// finds its kind field, by the field's rule (storage.ReadMeetingKind).
func meetingKind(s string) string {
	k, _ := storage.ReadMeetingKind(s)
	return k
}

// supervisionKind is the supervision kind a field names, "" when none (see
// meetingKind).
func supervisionKind(s string) string {
	k, _ := storage.ReadSupervisionKind(s)
	return k
}

// bodyOf is the body a field names, "" when none.
func bodyOf(s string) string {
	b, _ := storage.ReadBody(s)
	return b
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

// addText appends s to the text *dst, refusing a text over MaxText
// (label names it in the message).
func addText(dst *string, f Field, label, s string) error {
	t := appendText(*dst, s)
	if err := storage.CheckText(f, label, t); err != nil {
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
//	[CODE;] date[ start-end]; kind; present[/total]; topic[; vắng: who (why), …][; học: number, …]
func ParseMeeting(form string, today time.Time) (Meeting, error) {
	code, fields := splitForm(form)
	m := Meeting{OrgCode: code}
	for i, f := range fields {
		k := vn.Fold(f)
		date, times := splitDateTimes(f)
		switch {
		case !m.HasDate && isDate(date) && (i == 0 || fullDate(date)):
			t, err := readDate(date, today)
			if err != nil {
				return m, err
			}
			m.Date, m.HasDate = t, true
			if times != "" {
				if m.Starts, m.Ends, err = ParseMeetingTimes(times); err != nil {
					return m, err
				}
				m.HasTimes = true
			}
		case m.Kind == "" && meetingKind(f) != "":
			m.Kind = meetingKind(f)
		case isAbsentField(f):
			list, err := ParseAbsent(f)
			if err != nil {
				return m, err
			}
			if err := addAbsent(&m, list); err != nil {
				return m, err
			}
		case isStudiedField(f):
			list, err := ParseStudied(f)
			if err != nil {
				return m, err
			}
			if m.Studied != nil {
				return m, fail(FieldStudied, "Báo cáo có hai trường «học:»: đồng chí ghi mọi văn bản đã học trong một trường, ví dụ «học: 21-KL/TW, 62-KH/TU».")
			}
			m.Studied = list
		case !m.HasPresent && (attShape.MatchString(k) || numShape.MatchString(k) && words(k) <= 2):
			if err := readAttendance(&m, f, k); err != nil {
				return m, err
			}
		case m.Kind == "" && !m.HasPresent && m.Topic == "" && words(k) <= 2 && !hasDigit(k):
			_, err := storage.ReadMeetingKind(f) // not a kind: its error
			return m, err
		case isDate(date):
			return m, fail(FieldDate, "Báo cáo có hai ngày (%s): mỗi báo cáo ghi một ngày họp, ở trường đầu tiên.", f)
		default:
			if err := addText(&m.Topic, FieldTopic, "Nội dung sinh hoạt", f); err != nil {
				return m, err
			}
		}
	}
	if len(m.Absent) > 0 && m.HasPresent && m.HasTotal {
		if err := storage.CheckAbsentNamed(m.Present, m.Total, len(m.Absent)); err != nil {
			return m, err
		}
	}
	return m, nil
}

func isAbsentField(f string) bool { _, ok := absentField(f); return ok }

func isStudiedField(f string) bool { _, ok := studiedField(f); return ok }

// addAbsent adds the members a "vắng:" field names to those named before
// (a form may name them in two fields), each once.
func addAbsent(m *Meeting, list []storage.NamedAbsence) error {
	for _, a := range list {
		for _, b := range m.Absent {
			if vn.Key(a.Who) == vn.Key(b.Who) {
				return fail(FieldAbsent, "«%s» ghi hai lần trong danh sách vắng: mỗi người vắng ghi một lần.", vn.Cut(a.Who, 40))
			}
		}
		m.Absent = append(m.Absent, a)
	}
	return nil
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
		return fail(FieldAttendance, "Không đọc được số đảng viên có mặt «%s»: %s.", f, storage.AttendanceHow)
	}
	present, ok := number(p[2])
	if !ok {
		return fail(FieldAttendance, "Số có mặt «%s» không phải là số: %s.", f, storage.AttendanceHow)
	}
	total, hasTotal := 0, p[3] != ""
	if hasTotal {
		if total, ok = number(p[3]); !ok {
			return fail(FieldAttendance, "Tổng số «%s» không phải là số: %s.", f, storage.AttendanceHow)
		}
	}
	if err := storage.CheckAttendance(present, total, hasTotal); err != nil {
		return err
	}
	m.Present, m.HasPresent = present, true
	m.Total, m.HasTotal = total, hasTotal
	return nil
}
