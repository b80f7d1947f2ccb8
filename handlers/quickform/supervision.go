package quickform

import (
	"strings"
	"time"

	"sotay/storage"
	"sotay/storage/vn"
)

// The /kiemtra form: kind, counts examined, content, conclusion, measures.

// ParseSupervision reads a /kiemtra form:
//
//	[CODE;] date; [UBKT;] kind; N tổ chức; N đảng viên; content; không vi phạm | có N vi phạm[; measures]
func ParseSupervision(form string, today time.Time) (Supervision, error) {
	code, fields := splitForm(form)
	s := Supervision{OrgCode: code, Body: "cap_uy"}
	for _, f := range fields {
		k := digitsFirst(vn.Fold(f))
		switch {
		case !s.HasDate && isDate(f):
			t, err := readDate(f, today)
			if err != nil {
				return s, err
			}
			s.Date, s.HasDate = t, true
		case bodyOf(f) != "":
			s.Body = bodyOf(f)
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
			_, err := storage.ReadSupervisionKind(f) // not a kind: its error
			return s, err
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

func readConclusion(s *Supervision, f, k string) error {
	switch k {
	case "khong vi pham", "khong co vi pham", "kvp", "chua phat hien vi pham", "khong phat hien vi pham", "ket luan khong vi pham":
		s.Violations, s.HasConclusion = 0, true
		return nil
	case "co vi pham", "phat hien vi pham", "vi pham":
		return fail(FieldConclusion, "Kết luận «%s» chưa ghi số vi phạm: %s.", f, storage.ConclusionHow)
	}
	p := violRe.FindStringSubmatch(strings.TrimPrefix(k, "ket luan "))
	if p == nil {
		return fail(FieldConclusion, "Không đọc được kết luận «%s»: %s.", f, storage.ConclusionHow)
	}
	n, ok := number(p[1])
	if !ok {
		return fail(FieldConclusion, "Không đọc được số vi phạm «%s»: %s.", f, storage.ConclusionHow)
	}
	if err := storage.CheckViolations(n); err != nil {
		return err
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
		return fail(FieldOrgs, "Không đọc được «%s»: %s.", f, storage.CountHow)
	case !ok:
		return fail(field, "Không đọc được số «%s»: %s.", f, storage.CountHow)
	}
	if err := storage.CheckCount(field, n); err != nil {
		return err
	}
	if field == FieldOrgs {
		if s.HasOrgs {
			return fail(FieldOrgs, "Báo cáo ghi số tổ chức hai lần («%s»): %s.", f, storage.CountHow)
		}
		s.Orgs, s.HasOrgs = n, true
		return nil
	}
	if s.HasMembers {
		return fail(FieldMembers, "Báo cáo ghi số đảng viên hai lần («%s»): %s.", f, storage.CountHow)
	}
	s.Members, s.HasMembers = n, true
	return nil
}
