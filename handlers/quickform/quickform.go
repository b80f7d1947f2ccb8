// Package quickform reads the one-message report forms of /sinhhoat and
// /kiemtra: fields split by ";" or new lines, with or without diacritics,
// in any case, with extra spaces. The parsers are pure: they know today's
// date and nothing of the database, so the organisation's founding date,
// its members and who may report are checked by the caller. A field that
// is wrong is an *Error naming the field, why, and the right form; a field
// left out is reported by Missing, so that the caller can ask for it.
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
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	if t.After(day) {
		return t, fail(FieldDate, "Ngày %s chưa đến: chỉ báo cáo việc đã diễn ra (hôm nay là %s). Ví dụ: hôm qua, hoặc %s.",
			vn.FormatDate(t), vn.FormatDate(day), vn.FormatDate(day.AddDate(0, 0, -1)))
	}
	if t.Year() < 1930 {
		return t, fail(FieldDate, "Ngày %s quá xa: đồng chí kiểm tra lại năm, ví dụ %s.", vn.FormatDate(t), vn.FormatDate(day))
	}
	return t, nil
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

// MeetingKind reads a meeting kind, "" when the text is none.
func MeetingKind(s string) string { return meetingKind(s) }

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

// SupervisionKind reads a supervision kind, "" when the text is none.
func SupervisionKind(s string) string { return supervisionKind(s) }

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

// text checks a free-text field's length.
func text(f Field, label, s string) (string, error) {
	if utf8.RuneCountInString(s) > MaxText {
		return "", fail(f, "%s dài quá %d ký tự: đồng chí viết gọn lại.", label, MaxText)
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
	var m Meeting
	fields := Split(form)
	if len(fields) > 0 && OrgCodeShaped(fields[0]) {
		m.OrgCode, fields = fields[0], fields[1:]
	}
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
			return m, fail(FieldKind, "Loại sinh hoạt «%s» không có: đồng chí ghi «thường kỳ» hoặc «chuyên đề» (không dấu cũng được: thuong ky, chuyen de).", f)
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
	const how = "đồng chí ghi số có mặt/tổng số, ví dụ 18/20, hoặc chỉ số có mặt, ví dụ 18 (tổng số lấy theo danh sách chi bộ)"
	p := attShape.FindStringSubmatch(k)
	if p == nil {
		return fail(FieldAttendance, "Không đọc được số đảng viên có mặt «%s»: %s.", f, how)
	}
	present, ok1 := number(p[2])
	if !ok1 {
		return fail(FieldAttendance, "Số có mặt «%s» không phải là số: %s.", f, how)
	}
	if present < 0 {
		return fail(FieldAttendance, "Số có mặt không được âm («%s»): %s.", f, how)
	}
	if present > MaxCount {
		return fail(FieldAttendance, "Số có mặt %s quá lớn: %s.", p[2], how)
	}
	m.Present, m.HasPresent = present, true
	if p[3] != "" {
		total, ok := number(p[3])
		switch {
		case !ok || total > MaxCount:
			return fail(FieldAttendance, "Tổng số %s quá lớn: %s.", p[3], how)
		case total <= 0:
			return fail(FieldAttendance, "Tổng số đảng viên phải lớn hơn 0 («%s»): %s.", f, how)
		case present > total:
			return fail(FieldAttendance, "Số có mặt (%d) lớn hơn tổng số (%d) ở «%s»: %s.", present, total, f, how)
		}
		m.Total, m.HasTotal = total, true
	}
	return nil
}

// ParseSupervision reads a /kiemtra form:
//
//	[CODE;] date; [UBKT;] kind; N tổ chức; N đảng viên; content; không vi phạm | có N vi phạm[; measures]
func ParseSupervision(form string, today time.Time) (Supervision, error) {
	s := Supervision{Body: "cap_uy"}
	fields := Split(form)
	if len(fields) > 0 && OrgCodeShaped(fields[0]) {
		s.OrgCode, fields = fields[0], fields[1:]
	}
	for _, f := range fields {
		k := digitsFirst(vn.Fold(f))
		key := vn.Key(f)
		switch {
		case !s.HasDate && isDate(f):
			t, err := readDate(f, today)
			if err != nil {
				return s, err
			}
			s.Date, s.HasDate = t, true
		case key == "ubkt" || key == "uybankiemtra" || key == "uybankt":
			s.Body = "ubkt"
		case key == "capuy" || key == "chibo" || key == "dangbo" || key == "danguy":
			s.Body = "cap_uy"
		case s.Kind == "" && supervisionKind(f) != "":
			s.Kind = supervisionKind(f)
		case isConclusion(k):
			if s.HasConclusion {
				return s, fail(FieldConclusion, "Báo cáo có hai kết luận («%s»): đồng chí chỉ ghi một, «không vi phạm» hoặc «có N vi phạm».", f)
			}
			if err := readConclusion(&s, f, k); err != nil {
				return s, err
			}
		case numShape.MatchString(k) && !isDate(f) && (countUnit(k) != FieldNone || words(k) <= 3):
			if err := readCount(&s, f, k); err != nil {
				return s, err
			}
		case s.Kind == "" && !s.HasOrgs && !s.HasMembers && s.Content == "" && words(k) <= 2 && !hasDigit(k):
			return s, fail(FieldKind, "Loại «%s» không có: đồng chí ghi «kiểm tra» hoặc «giám sát» (không dấu cũng được: kiem tra, giam sat).", f)
		case isDate(f):
			return s, fail(FieldDate, "Báo cáo có hai ngày (%s): mỗi báo cáo ghi một ngày, ở trường đầu tiên.", f)
		case !s.HasConclusion:
			if err := addText(&s.Content, FieldContent, "Nội dung", f); err != nil {
				return s, err
			}
		default:
			if err := addText(&s.Measures, FieldMeasures, "Biện pháp đã thực hiện", f); err != nil {
				return s, err
			}
		}
	}
	return s, nil
}

// numberWords are the small numbers people write out: "hai tổ chức".
var numberWords = map[string]string{"mot": "1", "hai": "2", "ba": "3", "bon": "4", "tu": "4", "nam": "5", "sau": "6", "bay": "7", "tam": "8", "chin": "9", "muoi": "10"}

// digitsFirst writes a leading number word of a folded count as digits
// ("hai to chuc" → "2 to chuc", "co hai vi pham" → "co 2 vi pham"), when
// what follows is a count's unit or "vi pham"; anything else is unchanged.
func digitsFirst(k string) string {
	w := strings.Fields(k)
	for i := 0; i < len(w) && i < 2; i++ {
		d, ok := numberWords[w[i]]
		if !ok {
			continue
		}
		rest := strings.Join(w[i+1:], " ")
		out := strings.TrimSpace(strings.Join(w[:i], " ") + " " + d + " " + rest)
		if countUnit(d+" "+rest) != FieldNone || isConclusion(out) {
			return out
		}
	}
	return k
}

func isConclusion(k string) bool {
	return strings.HasSuffix(k, "vi pham") || k == "kvp"
}

const conclusionHow = "đồng chí ghi «không vi phạm» hoặc «có N vi phạm», ví dụ có 2 vi phạm"

func readConclusion(s *Supervision, f, k string) error {
	switch k {
	case "khong vi pham", "khong co vi pham", "kvp", "chua phat hien vi pham", "khong phat hien vi pham", "ket luan khong vi pham":
		s.Violations, s.HasConclusion = 0, true
		return nil
	case "co vi pham", "phat hien vi pham", "vi pham":
		return fail(FieldConclusion, "Kết luận «%s» chưa ghi số vi phạm: %s.", f, conclusionHow)
	}
	p := violRe.FindStringSubmatch(strings.TrimPrefix(k, "ket luan "))
	if p == nil {
		return fail(FieldConclusion, "Không đọc được kết luận «%s»: %s.", f, conclusionHow)
	}
	n, ok := number(p[1])
	switch {
	case !ok || n > MaxCount:
		return fail(FieldConclusion, "Số vi phạm %s quá lớn: %s.", p[1], conclusionHow)
	case n < 0:
		return fail(FieldConclusion, "Số vi phạm không được âm («%s»): %s.", f, conclusionHow)
	}
	s.Violations, s.HasConclusion = n, true
	return nil
}

// countUnit is what a count's unit counts: organisations, members, or
// FieldNone (no unit, or one it does not know).
func countUnit(k string) Field {
	p := countRe.FindStringSubmatch(k)
	if p == nil {
		return FieldNone
	}
	unit := strings.TrimSpace(p[2])
	unit = strings.TrimSuffix(strings.TrimSuffix(unit, " duoc kiem tra"), " duoc giam sat")
	switch unit {
	case "to chuc", "to chuc dang", "tc", "chi bo", "dang bo", "to chuc co so dang":
		return FieldOrgs
	case "dang vien", "dv", "d/v", "dong chi", "d/c", "nguoi":
		return FieldMembers
	}
	return FieldNone
}

// readCount reads "2 tổ chức", "5 đảng viên" or a bare number (the first
// bare number is organisations, the second members).
func readCount(s *Supervision, f, k string) error {
	const how = "đồng chí ghi số tổ chức rồi số đảng viên được kiểm tra, giám sát, ví dụ «2 tổ chức; 5 đảng viên» (0 nếu không có)"
	p := countRe.FindStringSubmatch(k)
	n, ok := number(p[1])
	field := countUnit(k)
	switch {
	case field == FieldNone && strings.TrimSpace(p[2]) == "":
		field = FieldOrgs
		if s.HasOrgs {
			field = FieldMembers
		}
	case field == FieldNone:
		return fail(FieldOrgs, "Không đọc được «%s»: %s.", f, how)
	}
	label := map[Field]string{FieldOrgs: "Số tổ chức", FieldMembers: "Số đảng viên"}[field]
	switch {
	case !ok || n > MaxCount:
		return fail(field, "%s %s quá lớn: %s.", label, p[1], how)
	case n < 0:
		return fail(field, "%s không được âm («%s»): %s.", label, f, how)
	}
	if field == FieldOrgs {
		if s.HasOrgs {
			return fail(FieldOrgs, "Báo cáo ghi số tổ chức hai lần («%s»): %s.", f, how)
		}
		s.Orgs, s.HasOrgs = n, true
		return nil
	}
	if s.HasMembers {
		return fail(FieldMembers, "Báo cáo ghi số đảng viên hai lần («%s»): %s.", f, how)
	}
	s.Members, s.HasMembers = n, true
	return nil
}

// The fields one at a time, for the dialogs that ask them one by one.

// ParseDay reads a date field: a day that exists and has come.
func ParseDay(f string, today time.Time) (time.Time, error) {
	f = strings.Join(strings.Fields(f), " ")
	if f == "" {
		return time.Time{}, fail(FieldDate, "Đồng chí ghi ngày/tháng/năm, ví dụ 15/11/2026, hoặc bấm một nút ngày.")
	}
	return readDate(f, today)
}

// ParseAttendance reads "18/20", "18" or "có mặt 18/20"; hasTotal says
// whether the total was written.
func ParseAttendance(f string) (present, total int, hasTotal bool, err error) {
	var m Meeting
	f = strings.Join(strings.Fields(f), " ")
	if err := readAttendance(&m, f, vn.Fold(f)); err != nil {
		return 0, 0, false, err
	}
	return m.Present, m.Total, m.HasTotal, nil
}

// ParseCount reads the number of organisations or of members examined:
// "2", "2 tổ chức", "5 đảng viên".
func ParseCount(f string, field Field) (int, error) {
	var s Supervision
	f = strings.Join(strings.Fields(f), " ")
	k := vn.Fold(f)
	if d, ok := numberWords[k]; ok {
		k = d
	}
	k = digitsFirst(k)
	if !numShape.MatchString(k) {
		return 0, fail(field, "Đồng chí gõ một con số, ví dụ 2 (0 nếu không có).")
	}
	if field == FieldMembers {
		s.HasOrgs = true // a bare number is then the members
	}
	if err := readCount(&s, f, k); err != nil {
		return 0, err
	}
	if field == FieldOrgs && s.HasMembers || field == FieldMembers && !s.HasMembers {
		return 0, fail(field, "«%s» không phải số %s: đồng chí gõ một con số, ví dụ 2.", f, map[Field]string{FieldOrgs: "tổ chức", FieldMembers: "đảng viên"}[field])
	}
	if field == FieldOrgs {
		return s.Orgs, nil
	}
	return s.Members, nil
}

// ParseConclusion reads "không vi phạm", "có 2 vi phạm", "2 vi phạm" or a
// bare number of violations.
func ParseConclusion(f string) (int, error) {
	var s Supervision
	f = strings.Join(strings.Fields(f), " ")
	k := digitsFirst(vn.Fold(f))
	if d, ok := numberWords[k]; ok {
		k = d
	}
	if n, ok := number(k); ok {
		k = strconv.Itoa(n) + " vi pham"
	}
	if err := readConclusion(&s, f, k); err != nil {
		return 0, err
	}
	return s.Violations, nil
}

// Notice is a parsed /lichhop form: the next meeting's day, time, place
// and topic.
type Notice struct {
	OrgCode string
	Date    time.Time
	HasDate bool
	Hour    int
	Minute  int
	HasTime bool
	Place   string
	Topic   string
}

// Missing is the first field an announcement still needs.
func (n Notice) Missing() Field {
	switch {
	case !n.HasDate:
		return FieldDate
	case !n.HasTime:
		return "time"
	case n.Place == "":
		return "place"
	case n.Topic == "":
		return FieldTopic
	}
	return FieldNone
}

// NoticeExample is the model of /lichhop.
const NoticeExample = "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt Kết luận 21-KL/TW"

var timeShape = regexp.MustCompile(`^(?:luc\s*)?(\d{1,2})\s*(?:(?:[:h.]|gio)\s*(\d{1,2})?\s*(?:phut|p)?)?\s*(sang|chieu|toi)?$`)

// ParseTime reads a time of day: 19:30, 19h30, 19h, 7 giờ 30, 7:30 tối.
func ParseTime(f string) (hour, minute int, err error) {
	k := vn.Fold(f)
	p := timeShape.FindStringSubmatch(k)
	const how = "đồng chí ghi giờ:phút, ví dụ 19:30 hoặc 7h30"
	if p == nil {
		return 0, 0, fail("time", "Không đọc được giờ họp «%s»: %s.", f, how)
	}
	hour, _ = strconv.Atoi(p[1])
	if p[2] != "" {
		minute, _ = strconv.Atoi(p[2])
	}
	if (p[3] == "chieu" || p[3] == "toi") && hour < 12 {
		hour += 12
	}
	if hour > 23 || minute > 59 {
		return 0, 0, fail("time", "Giờ họp «%s» không có: %s.", f, how)
	}
	return hour, minute, nil
}

// ParseNotice reads a /lichhop form: [CODE;] date; time; place; topic.
// The day may be today or later, not past.
func ParseNotice(form string, today time.Time) (Notice, error) {
	var n Notice
	fields := Split(form)
	if len(fields) > 0 && OrgCodeShaped(fields[0]) {
		n.OrgCode, fields = fields[0], fields[1:]
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	for _, f := range fields {
		switch {
		case !n.HasDate && (isDate(f) || vn.Key(f) == "ngaymai"):
			t, err := vn.ParseDate(strings.TrimSpace(strings.TrimPrefix(vn.Fold(f), "ngay ")), today)
			if vn.Key(f) == "ngaymai" {
				t, err = day.AddDate(0, 0, 1), nil
			}
			switch {
			case errors.Is(err, vn.ErrNoSuchDay):
				return n, fail(FieldDate, "Ngày «%s» không có trong lịch. Đồng chí ghi ngày/tháng/năm, ví dụ %s.", f, vn.FormatDate(day.AddDate(0, 0, 3)))
			case err != nil:
				return n, fail(FieldDate, "Không đọc được ngày họp «%s». Đồng chí ghi ngày/tháng/năm, ví dụ %s, hoặc «ngày mai».", f, vn.FormatDate(day.AddDate(0, 0, 3)))
			case t.Before(day):
				return n, fail(FieldDate, "Ngày %s đã qua: lịch họp là cho buổi họp sắp tới, ví dụ %s.", vn.FormatDate(t), vn.FormatDate(day.AddDate(0, 0, 3)))
			case t.After(day.AddDate(1, 0, 0)):
				return n, fail(FieldDate, "Ngày %s còn hơn một năm nữa: đồng chí kiểm tra lại năm.", vn.FormatDate(t))
			}
			n.Date, n.HasDate = t, true
		case !n.HasTime && timeShape.MatchString(vn.Fold(f)):
			h, m, err := ParseTime(f)
			if err != nil {
				return n, err
			}
			n.Hour, n.Minute, n.HasTime = h, m, true
		case n.Place == "":
			if err := addText(&n.Place, "place", "Địa điểm", f); err != nil {
				return n, err
			}
		default:
			if err := addText(&n.Topic, FieldTopic, "Nội dung", f); err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
