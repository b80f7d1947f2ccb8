package quickform

import (
	"strconv"
	"strings"
	"time"

	"sotay/storage/vn"
)

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
