package report

import (
	"time"
	"unicode"
	"unicode/utf8"

	"sotay/storage"
	"sotay/storage/vn"
)

// The warnings of the rules of party work in words, for sotay alerts,
// /canhbao and the weekly digest: each rule's heading and what to do about
// it, one warning's line, and the warnings grouped by organisation then
// rule, as they are listed.

// RuleName is a rule's heading.
func RuleName(rule string) string {
	switch rule {
	case storage.RuleMonthlyMeeting:
		return "Sinh hoạt thường kỳ hằng tháng"
	case storage.RuleQuarterlyThematic:
		return "Sinh hoạt chuyên đề mỗi quý"
	case storage.RuleMeetingDuration:
		return "Thời lượng buổi sinh hoạt"
	case storage.RuleNoticeAhead:
		return "Thông báo họp trước 24 giờ"
	case storage.RuleAbsentNoReason:
		return "Vắng sinh hoạt không có lý do"
	case storage.RuleAbsentStreak:
		return "Vắng 3 buổi liền"
	case storage.RuleAbsentThreeMonths:
		return "Vắng không lý do 3 tháng trong năm"
	case storage.RuleSupervisionCoverage:
		return "Giám sát đảng viên trong năm"
	case storage.RuleStudyOverdue:
		return "Quá hạn học tập văn bản"
	}
	return rule
}

// RuleAdvice says what to do about a rule's warnings, and the rule it
// rests on.
func RuleAdvice(rule string) string {
	switch rule {
	case storage.RuleMonthlyMeeting:
		return "Tổ chức sinh hoạt thường kỳ và báo cáo bằng /sinhhoat; chi bộ sinh hoạt mỗi tháng một lần (Hướng dẫn 42-HD/BTCTW)."
	case storage.RuleQuarterlyThematic:
		return "Tổ chức sinh hoạt chuyên đề (có thể kết hợp trong buổi thường kỳ) và báo cáo bằng /sinhhoat; mỗi quý ít nhất một lần (Hướng dẫn 42-HD/BTCTW)."
	case storage.RuleMeetingDuration:
		return "Buổi sinh hoạt cần ít nhất 90 phút, 120 phút khi có chuyên đề (Hướng dẫn 42-HD/BTCTW); nếu giờ ghi nhầm, sửa báo cáo trong /baocao."
	case storage.RuleNoticeAhead:
		return "Thông báo thời gian, địa điểm, nội dung bằng /lichhop ít nhất 24 giờ trước buổi họp và gửi tài liệu trước ít nhất một ngày (Hướng dẫn 42-HD/BTCTW)."
	case storage.RuleAbsentNoReason:
		return "Gặp đồng chí vắng để tìm hiểu, nhắc nhở; nếu có lý do, sửa báo cáo trong /baocao (Hướng dẫn 12-HD/BTCTW)."
	case storage.RuleAbsentStreak:
		return "Chi bộ gặp gỡ, giúp đỡ đồng chí vắng ba buổi liền; không để đảng viên vắng ba lần liên tiếp (Hướng dẫn 12-HD/BTCTW)."
	case storage.RuleAbsentThreeMonths:
		return "Đảng viên bỏ sinh hoạt ba tháng trong năm không có lý do chính đáng thì chi bộ xem xét, đề nghị xóa tên (Điều lệ Đảng, Điều 8)."
	case storage.RuleSupervisionCoverage:
		return "Giám sát thêm đảng viên trước cuối năm và báo cáo bằng /kiemtra (Quy định 296-QĐ/TW)."
	case storage.RuleStudyOverdue:
		return "Nhắc đảng viên học bằng /nhacnho, hoặc ghi nhận đã học tại buổi sinh hoạt chi bộ."
	}
	return ""
}

// AlertLine is one warning in words, without the organisation: the member
// first when it is about one, and the due day when it has not passed on
// D (on). Plain text: escape it for HTML.
func AlertLine(a storage.Alert, on time.Time) string {
	s := a.Detail
	if a.Rule == storage.RuleStudyOverdue {
		s = "Chưa học văn bản " + a.Detail + ", hạn " + vn.FormatDate(a.Due)
	} else if !a.Due.Before(dateOf(on)) {
		s += " (hạn " + vn.FormatDate(a.Due) + ")"
	}
	if a.MemberCode != "" {
		s = a.MemberName + " (" + a.MemberCode + "): " + lowerFirst(s)
	}
	return s
}

// AlertGroup is the warnings of one organisation, rule by rule.
type AlertGroup struct {
	OrgID   int64
	OrgCode string
	OrgName string
	Rules   []RuleAlerts
}

// Count is how many warnings the group holds.
func (g AlertGroup) Count() int {
	n := 0
	for _, r := range g.Rules {
		n += len(r.Alerts)
	}
	return n
}

// RuleAlerts is one rule's warnings within a group.
type RuleAlerts struct {
	Rule   string
	Alerts []storage.Alert
}

// GroupAlerts groups warnings listed in order (storage.Alerts) by
// organisation, then rule.
func GroupAlerts(as []storage.Alert) []AlertGroup {
	var out []AlertGroup
	for _, a := range as {
		if len(out) == 0 || out[len(out)-1].OrgID != a.OrgID {
			out = append(out, AlertGroup{OrgID: a.OrgID, OrgCode: a.OrgCode, OrgName: a.OrgName})
		}
		g := &out[len(out)-1]
		if len(g.Rules) == 0 || g.Rules[len(g.Rules)-1].Rule != a.Rule {
			g.Rules = append(g.Rules, RuleAlerts{Rule: a.Rule})
		}
		r := &g.Rules[len(g.Rules)-1]
		r.Alerts = append(r.Alerts, a)
	}
	return out
}

// dateOf is t's day, as storage keeps days.
func dateOf(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// lowerFirst starts s with a small letter: a detail after a name.
func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}
