package report

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"sotay/storage"
	"sotay/storage/vn"
)

// The period summary in the words and number style of a commune's report:
// counts with two digits ("02 cuộc kiểm tra"), percentages with a decimal
// comma ("95,4 %"), dates dd/mm/yyyy. A figure without data says so; it is
// never printed as 0 %.

// Count writes a count as reports do: at least two digits, thousands
// grouped ("02", "2.793"; vn.Count).
func Count(n int) string { return vn.Count(n) }

// Percent writes a percentage with one decimal and a decimal comma: "95,4 %"
// (vn.Percent, rounded as storage.RoundRate).
func Percent(p float64) string { return vn.Percent(p) }

// PercentCSV writes a percentage with one decimal and a dot, for CSV.
func PercentCSV(p float64) string { return strconv.FormatFloat(storage.RoundRate(p), 'f', 1, 64) }

// Period says a period as a report opens it: "Từ 01/07/2026 đến nay" when
// it ends today, else "Từ 01/07/2026 đến 30/11/2026".
func Period(from, to, today time.Time) string {
	if sameDay(to, today) {
		return "Từ " + vn.FormatDate(from) + " đến nay"
	}
	return "Từ " + vn.FormatDate(from) + " đến " + vn.FormatDate(to)
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.Month() == b.Month() && a.Day() == b.Day()
}

// Committee names who performs in a đảng bộ's or a cell's own name: "Đảng
// ủy" for the commune's own committee (top is true), "Đảng ủy Trường học"
// for the committee of "Đảng bộ Trường học", the cell's name for a cell.
func Committee(name string, kind storage.OrgKind, top bool) string {
	if kind != storage.KindDangBo {
		return name
	}
	if top {
		return "Đảng ủy"
	}
	if rest, ok := strings.CutPrefix(name, "Đảng bộ "); ok {
		return "Đảng ủy " + rest
	}
	return "Đảng ủy " + name
}

// SummaryParagraphs writes the summary: supervision, meetings, study, one
// paragraph each. top says whether the root is the commune's own root.
func SummaryParagraphs(s storage.Summary, top bool, today time.Time) []string {
	committee := Committee(s.Root.Name, s.Root.Kind, top)
	var parts []string
	own := s.Own.Committee
	if own.Reports() > 0 {
		parts = append(parts, committee+" đã thực hiện "+kinds(own)+examined(own, "đối với", ", "))
	} else {
		parts = append(parts, committee+" chưa thực hiện cuộc kiểm tra, giám sát nào")
	}
	com := s.Own.Commission
	if s.Root.Kind == storage.KindDangBo || com.Reports() > 0 {
		if com.Reports() > 0 {
			parts = append(parts, "Ủy ban Kiểm tra "+committee+" tổ chức "+kinds(com)+examined(com, "với", " và "))
		} else {
			parts = append(parts, "Ủy ban Kiểm tra "+committee+" chưa tổ chức cuộc kiểm tra, giám sát nào")
		}
	}
	if s.Root.Kind == storage.KindDangBo {
		if s.Below.Reports() > 0 {
			parts = append(parts, "các chi bộ cơ sở và đảng bộ trực thuộc tổ chức "+kinds(s.Below)+examined(s.Below, "với", " và "))
		} else {
			parts = append(parts, "các chi bộ cơ sở và đảng bộ trực thuộc chưa báo cáo cuộc kiểm tra, giám sát nào")
		}
	}
	p1 := Period(s.From, s.To, today) + ", " + strings.Join(parts, "; ") + "."

	months := len(s.Months)
	span := ""
	if months > 0 {
		first, last := s.Months[0], s.Months[months-1]
		if months == 1 {
			span = fmt.Sprintf(" (tháng %d/%d)", first.Month(), first.Year())
		} else {
			span = fmt.Sprintf(" (%s tháng, từ tháng %d/%d đến tháng %d/%d)", Count(months), first.Month(), first.Year(), last.Month(), last.Year())
		}
	}
	var p2 string
	switch {
	case s.Cells == 0:
		p2 = "Chưa có chi bộ nào trong phạm vi này để tính sinh hoạt thường kỳ"
	case s.Root.Kind == storage.KindChiBo:
		p2 = fmt.Sprintf("%s sinh hoạt thường kỳ %d/%d tháng%s", s.Root.Name, months-missedMonths(s), months, span)
	default:
		p2 = fmt.Sprintf("%d/%d chi bộ duy trì sinh hoạt thường kỳ hằng tháng%s", s.CellsMaintained, s.Cells, span)
	}
	if p, ok := s.Meetings.Attendance(); ok {
		p2 += ", tỷ lệ đảng viên dự họp bình quân đạt " + Percent(p)
	} else {
		p2 += "; chưa có báo cáo sinh hoạt nào nên chưa có số liệu đảng viên dự họp"
	}
	if s.Meetings.Thematic > 0 {
		p2 += "; tổ chức " + Count(s.Meetings.Thematic) + " buổi sinh hoạt chuyên đề"
	}
	p2 += compliance(s) + "."

	var p3 string
	if s.Study.Assigned == 0 {
		p3 = "Chưa có đợt học tập nào được giao trong thời gian này nên chưa có số liệu về tỷ lệ đảng viên tham gia học tập."
	} else {
		p3 = fmt.Sprintf("Tỷ lệ đảng viên tham gia học tập trực tuyến đạt %s, tính cả học tập trực tiếp tại chi bộ đạt %s (%s đợt học tập, %s lượt đảng viên được giao).",
			Percent(s.Study.OnlineRate()), Percent(s.Study.Rate()), Count(s.Campaigns), Count(s.Study.Assigned))
	}
	return []string{p1, p2, p3}
}

// compliance is what the meeting paragraph adds about the rules of party
// work (issue 20): the cells with a thematic meeting each quarter and the
// cells' supervision of their members, each left out without figures.
func compliance(s storage.Summary) string {
	c := s.Compliance
	out := ""
	if n := len(c.Quarters); c.ThematicCells > 0 && n > 0 {
		span := " (" + quarterName(c.Quarters[0]) + ")"
		if n > 1 {
			span = fmt.Sprintf(" (%s quý, từ %s đến %s)", Count(n), quarterName(c.Quarters[0]), quarterName(c.Quarters[n-1]))
		}
		switch {
		case s.Root.Kind != storage.KindChiBo:
			out += fmt.Sprintf("; %d/%d chi bộ sinh hoạt chuyên đề mỗi quý ít nhất một lần%s", c.CellsThematic, c.ThematicCells, span)
		case c.CellsThematic > 0:
			out += "; có sinh hoạt chuyên đề mỗi quý" + span
		default:
			out += "; chưa sinh hoạt chuyên đề đủ mỗi quý" + span
		}
	}
	if p, ok := c.Coverage(); ok {
		who := "các chi bộ"
		if s.Root.Kind == storage.KindChiBo {
			who = "chi bộ"
		}
		if c.Examined == 0 {
			out += "; " + who + " chưa giám sát, kiểm tra đảng viên nào"
		} else {
			out += fmt.Sprintf("; %s giám sát, kiểm tra %s lượt đảng viên, bằng %s số đảng viên", who, Count(c.Examined), Percent(p))
		}
	}
	return out
}

// quarterName writes a quarter as reports do: quý III/2026.
func quarterName(q time.Time) string {
	return storage.QuarterOf(q).Name()
}

// missedMonths counts the months the one cell of a cell's summary missed.
func missedMonths(s storage.Summary) int {
	n := 0
	for _, l := range s.Laggards {
		n += len(l.Missed)
	}
	return n
}

// kinds says "02 cuộc kiểm tra, 01 cuộc giám sát", leaving out a kind with none.
func kinds(c storage.SupervisionCounts) string {
	var k []string
	if c.Inspections > 0 {
		k = append(k, Count(c.Inspections)+" cuộc kiểm tra")
	}
	if c.Supervisions > 0 {
		k = append(k, Count(c.Supervisions)+" cuộc giám sát")
	}
	return strings.Join(k, ", ")
}

// examined says " đối với 14 tổ chức đảng, 14 đảng viên (phát hiện 01 vi
// phạm)", leaving out what is zero.
func examined(c storage.SupervisionCounts, prep, sep string) string {
	var e []string
	if c.OrgsExamined > 0 {
		e = append(e, Count(c.OrgsExamined)+" tổ chức đảng")
	}
	if c.MembersExamined > 0 {
		e = append(e, Count(c.MembersExamined)+" đảng viên")
	}
	out := ""
	if len(e) > 0 {
		out = " " + prep + " " + strings.Join(e, sep)
	}
	if c.Violations > 0 {
		out += " (phát hiện " + Count(c.Violations) + " vi phạm)"
	}
	return out
}
