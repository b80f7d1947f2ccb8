package quickform

import (
	"regexp"
	"strings"

	"sotay/storage"
	"sotay/storage/vn"
)

// The parts of a /sinhhoat form that issue 20 added: the meeting's start
// and end after its date ("05/11/2026 19:30-21:15"), the members absent by
// code or name ("vắng: DV0003 (ốm), DV0005") and the documents studied
// ("học: 21-KL/TW, 62-KH/TU"). Which member a name means, and which
// campaign a number, the handlers ask storage (MatchMember,
// MatchCampaigns): the parsers only read.

// timeRange is a start and an optional end, folded: "19:30-21:15",
// "lúc 19h30 đến 21h", "19 giờ 30 - 21 giờ 15".
var timeRange = regexp.MustCompile(`^(?:luc|tu)?\s*(\d{1,2}\s*(?:[:h]|gio)\s*(?:\d{1,2})?(?:\s*phut)?)\s*(?:(?:-|–|—|den)\s*(\d{1,2}\s*(?:[:h]|gio)\s*(?:\d{1,2})?(?:\s*phut)?))?$`)

// splitDateTimes cuts a date field into the date and the times written
// after it, "" when there are none: the shortest run of words that is a
// date, if the words after it are times.
func splitDateTimes(f string) (date, times string) {
	words := strings.Fields(f)
	for k := 1; k < len(words); k++ {
		d, t := strings.Join(words[:k], " "), strings.Join(words[k:], " ")
		if isDate(d) && timeRange.MatchString(vn.Fold(t)) {
			return d, t
		}
	}
	return f, ""
}

// ParseMeetingTimes reads a meeting's start and end, "19:30-21:15" (an end
// before the start is after midnight), by the times' rule
// (storage.CheckMeetingTimes).
func ParseMeetingTimes(f string) (start, end storage.DayTime, err error) {
	p := timeRange.FindStringSubmatch(vn.Fold(f))
	switch {
	case p == nil:
		return 0, 0, fail(FieldTime, "Không đọc được giờ họp «%s»: %s.", vn.Cut(f, 40), storage.MeetingTimesHow)
	case p[2] == "":
		return 0, 0, fail(FieldTime, "Thiếu giờ kết thúc sau %s: %s.", vn.Cut(f, 40), storage.MeetingTimesHow)
	}
	var hm [2]storage.DayTime
	for i, s := range p[1:3] {
		h, m, err := ParseTime(s)
		if err != nil {
			return 0, 0, fail(FieldTime, "Không đọc được giờ «%s»: %s.", s, storage.MeetingTimesHow)
		}
		hm[i] = storage.NewDayTime(h, m)
	}
	if err := storage.CheckMeetingTimes(&hm[0], &hm[1]); err != nil {
		return 0, 0, err
	}
	return hm[0], hm[1], nil
}

// absentField takes "vắng" or "vắng mặt" (and a colon) off a field that
// names the absent, and says whether it was one.
func absentField(f string) (string, bool) {
	words := strings.Fields(f)
	if len(words) == 0 {
		return "", false
	}
	first := vn.Fold(words[0])
	if first != "vang" && !strings.HasPrefix(first, "vang:") {
		return "", false
	}
	rest := strings.TrimSpace(f[len(firstWord(f)):])
	if w := strings.Fields(rest); len(w) > 0 && strings.TrimSuffix(vn.Fold(w[0]), ":") == "mat" {
		rest = strings.TrimSpace(rest[len(firstWord(rest)):])
	}
	return strings.TrimSpace(strings.TrimLeft(rest, ":-– ")), true
}

// ParseAbsent reads who was absent: codes or names of members of the cell,
// separated by commas (and, in a dialog's answer, by ";" or new lines),
// each with its reason in brackets, or none for no reason:
// "DV0003 (ốm), Lò Văn Minh". A leading "vắng:" is taken off.
func ParseAbsent(s string) ([]storage.NamedAbsence, error) {
	if rest, ok := absentField(strings.TrimSpace(s)); ok {
		s = rest
	}
	var out []storage.NamedAbsence
	seen := map[string]string{}
	for _, item := range splitOutsideBrackets(s) {
		who, reason, err := readAbsence(item)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[vn.Key(who)]; ok {
			return nil, fail(FieldAbsent, "«%s» ghi hai lần trong danh sách vắng (%s): mỗi người vắng ghi một lần.", vn.Cut(who, 40), vn.Cut(prev, 40))
		}
		seen[vn.Key(who)] = who
		out = append(out, storage.NamedAbsence{Who: who, Reason: reason})
	}
	if len(out) == 0 {
		return nil, fail(FieldAbsent, "Chưa ghi ai vắng: %s.", storage.AbsentHow)
	}
	return out, nil
}

// splitOutsideBrackets cuts s at commas, semicolons and new lines that are
// not inside brackets (a reason may hold a comma), dropping empty parts.
func splitOutsideBrackets(s string) []string {
	var out []string
	depth, start := 0, 0
	add := func(part string) {
		if part = strings.Join(strings.Fields(part), " "); part != "" {
			out = append(out, part)
		}
	}
	for i, r := range s {
		switch {
		case r == '(':
			depth++
		case r == ')' && depth > 0:
			depth--
		case depth == 0 && (r == ',' || r == ';' || r == '\n' || r == '\r'):
			add(s[start:i])
			start = i + 1
		}
	}
	add(s[start:])
	return out
}

// readAbsence reads one absent member: "DV0003 (ốm)" or "Lò Văn Minh".
func readAbsence(item string) (who, reason string, err error) {
	who = item
	if i := strings.Index(item, "("); i >= 0 {
		j := strings.LastIndex(item, ")")
		if j < i || strings.TrimSpace(item[j+1:]) != "" {
			return "", "", fail(FieldAbsent, "Lý do vắng «%s» thiếu dấu đóng ngoặc hoặc ghi sai chỗ: %s.", vn.Cut(item, 40), storage.AbsentHow)
		}
		who, reason = strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+1:j])
		if reason == "" {
			return "", "", fail(FieldReason, "Lý do vắng của «%s» để trống trong ngoặc: đồng chí ghi lý do, ví dụ «%s (%s)», hoặc bỏ ngoặc nếu vắng không lý do.", vn.Cut(who, 40), vn.Cut(who, 40), storage.TextExample(storage.FieldReason))
		}
		if err := storage.CheckText(storage.FieldReason, "Lý do vắng", reason); err != nil {
			return "", "", err
		}
	}
	if who == "" {
		return "", "", fail(FieldAbsent, "Trước lý do «%s» đồng chí ghi mã hoặc tên người vắng: %s.", vn.Cut(reason, 40), storage.AbsentHow)
	}
	if err := storage.CheckText(FieldAbsent, "Tên người vắng", who); err != nil {
		return "", "", err
	}
	return who, reason, nil
}

// studiedField takes "học:" or "đã học:" off a field that names the
// documents studied, and says whether it was one: the colon is required,
// since topics often begin with "Học tập".
func studiedField(f string) (string, bool) {
	i := strings.Index(f, ":")
	if i < 0 {
		return "", false
	}
	switch vn.Fold(f[:i]) {
	case "hoc", "da hoc", "van ban da hoc", "van ban hoc":
		return strings.TrimSpace(f[i+1:]), true
	}
	return "", false
}

// ParseStudied reads the numbers of the documents studied, separated by
// commas (and, in a dialog's answer, by ";" or new lines): "21-KL/TW,
// 62-KH/TU". A leading "học:" is taken off.
func ParseStudied(s string) ([]string, error) {
	if rest, ok := studiedField(strings.TrimSpace(s)); ok {
		s = rest
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range splitOutsideBrackets(s) {
		if err := storage.CheckStudiedNumber(n); err != nil {
			return nil, err
		}
		if seen[storage.NumberKey(n)] {
			return nil, fail(FieldStudied, "Văn bản %s ghi hai lần: mỗi văn bản ghi một lần.", vn.Cut(n, 40))
		}
		seen[storage.NumberKey(n)] = true
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, fail(FieldStudied, "Chưa ghi văn bản nào đã học: %s.", storage.StudiedHow)
	}
	return out, nil
}
