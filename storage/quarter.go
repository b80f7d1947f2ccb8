package storage

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"sotay/storage/vn"
)

// A calendar quarter, the period of a member's record for self-evaluation
// (Quy định 366-QĐ/TW: members may be evaluated quarterly), and its one
// rule: how it is written ("2026-Q4") and that it has begun.

// FieldQuarter is the quarter of a quarterly record.
const FieldQuarter Field = "quarter"

// Quarter is a calendar quarter: N is 1 to 4.
type Quarter struct {
	Year, N int
}

// QuarterOf is the quarter of the day t.
func QuarterOf(t time.Time) Quarter { return Quarter{Year: t.Year(), N: (int(t.Month())-1)/3 + 1} }

// First is the quarter's first day.
func (q Quarter) First() time.Time {
	return time.Date(q.Year, time.Month(3*q.N-2), 1, 0, 0, 0, 0, time.UTC)
}

// Last is the quarter's last day.
func (q Quarter) Last() time.Time { return q.First().AddDate(0, 3, -1) }

// Prev is the quarter before.
func (q Quarter) Prev() Quarter {
	if q.N == 1 {
		return Quarter{Year: q.Year - 1, N: 4}
	}
	return Quarter{Year: q.Year, N: q.N - 1}
}

// String is the quarter as the command line and buttons write it: 2026-Q4.
func (q Quarter) String() string { return fmt.Sprintf("%04d-Q%d", q.Year, q.N) }

// Name is the quarter as Vietnamese papers write it: "quý IV/2026".
func (q Quarter) Name() string { return fmt.Sprintf("quý %s/%d", romanQuarter[q.N], q.Year) }

// Title is Name as a heading starts it: "Quý IV/2026".
func (q Quarter) Title() string { return fmt.Sprintf("Quý %s/%d", romanQuarter[q.N], q.Year) }

var romanQuarter = [...]string{"", "I", "II", "III", "IV"}

// quarterForms are the ways a quarter may be written, folded: 2026-q4,
// 2026q4, q4/2026, q4-2026, "quy 4/2026", "quy iv/2026", "quy iv nam 2026".
var quarterForms = []*regexp.Regexp{
	regexp.MustCompile(`^(?P<y>\d{4}) ?[-/ ]? ?q ?(?P<n>[1-4])$`),
	regexp.MustCompile(`^(?:q ?|quy )(?P<n>[1-4]|i{1,3}|iv) ?(?:[-/ ]|nam) ?(?P<y>\d{4})$`),
}

// ReadQuarter reads a quarter as people write it, 2026-Q4 first.
func ReadQuarter(s string) (Quarter, error) {
	f := vn.Fold(s)
	for _, re := range quarterForms {
		m := re.FindStringSubmatch(f)
		if m == nil {
			continue
		}
		y, _ := strconv.Atoi(m[re.SubexpIndex("y")])
		n := m[re.SubexpIndex("n")]
		for i, r := range romanQuarter {
			if i > 0 && strings.EqualFold(r, n) {
				n = strconv.Itoa(i)
			}
		}
		q, _ := strconv.Atoi(n)
		return Quarter{Year: y, N: q}, nil
	}
	if strings.TrimSpace(s) == "" {
		return Quarter{}, FieldErrorf(FieldQuarter, "Chưa ghi quý: hãy ghi năm-quý, ví dụ 2026-Q4 (quý IV năm 2026).")
	}
	return Quarter{}, FieldErrorf(FieldQuarter, "«%s» không phải một quý: hãy ghi năm-quý, ví dụ 2026-Q4 (quý IV năm 2026).", vn.Cut(s, 40))
}

// CheckQuarter is the rule of a quarter asked for: it has begun by today
// (a record of a quarter to come would be empty), and is not before the
// Party (1930).
func CheckQuarter(q Quarter, today time.Time) error {
	if q.Year < 1930 || q.N < 1 || q.N > 4 {
		return FieldErrorf(FieldQuarter, "Quý %s không có dữ liệu: hãy chọn một quý từ năm 1930, ví dụ %s.", q, QuarterOf(today))
	}
	if q.First().Format("2006-01-02") > today.Format("2006-01-02") {
		return FieldErrorf(FieldQuarter, "Quý %s (%s) chưa bắt đầu: hãy chọn quý này (%s) hoặc một quý đã qua.", q, q.Name(), QuarterOf(today))
	}
	return nil
}
