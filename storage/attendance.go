package storage

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/agnivade/levenshtein"
	"github.com/lib/pq"

	"sotay/storage/vn"
)

// Attendance by name at a meeting (Hướng dẫn 12-HD/BTCTW: the minutes name
// who was absent, with or without a reason). A version of a meeting report
// that gives names records every member of the cell on the meeting's day
// (CellMembersOn) as present, absent with a reason, or absent without; a
// count-only version records none. The rules of the names a secretary
// writes (`vắng: DV0003 (ốm), Lò Văn Minh`) live here: which member a code
// or a name means (MatchMember), and that the names account for every
// absent member (CheckAbsentNamed).

// Attendance statuses as stored.
const (
	AttendPresent      = "present"
	AttendAbsentReason = "absent_reason"
	AttendAbsent       = "absent"
)

// Attendee is one member's attendance at a meeting.
type Attendee struct {
	MemberID int64  `db:"member_id"`
	Code     string `db:"code"`
	FullName string `db:"full_name"`
	Status   string `db:"status"`
	Reason   string `db:"reason"` // only when absent with a reason
}

// Present reports whether the member was there.
func (a Attendee) Present() bool { return a.Status == AttendPresent }

// NamedAbsence is an absent member as a secretary writes one: a code or a
// name (Who), and the reason in brackets ("" for none).
type NamedAbsence struct {
	Who    string
	Reason string
}

// AbsentHow says how to name the absent members.
const AbsentHow = "đồng chí ghi mã hoặc họ tên người vắng, cách nhau bằng dấu phẩy, lý do trong ngoặc, ví dụ «vắng: DV0003 (ốm), Lò Văn Minh»"

// CheckAbsentNamed is the rule that names, when given, account for every
// absent member: present of total leaves total−present absent, and named
// must be that many.
func CheckAbsentNamed(present, total, named int) error {
	if absent := total - present; named != absent {
		return FieldErrorf(FieldAbsent, "Có mặt %d/%d là %d đồng chí vắng, nhưng báo cáo ghi tên %d đồng chí vắng: khi ghi tên, đồng chí ghi đủ tên mọi người vắng (hoặc sửa số có mặt thành %d/%d).",
			present, total, absent, named, total-named, total)
	}
	return nil
}

// CheckAttendees checks an attendance by name against the figures it
// gives: each member once, each status as stored, a reason for (and only
// for) an absence with a reason, total members listed and present of them
// present.
func CheckAttendees(list []Attendee, present, total int) error {
	seen := map[int64]bool{}
	absent := 0
	for _, a := range list {
		switch {
		case a.MemberID <= 0:
			return FieldErrorf(FieldAbsent, "Điểm danh có một dòng không ghi đảng viên nào.")
		case seen[a.MemberID]:
			return FieldErrorf(FieldAbsent, "Điểm danh ghi đồng chí %s hai lần.", attendeeName(a))
		}
		seen[a.MemberID] = true
		switch a.Status {
		case AttendPresent, AttendAbsent:
			if a.Reason != "" {
				return FieldErrorf(FieldReason, "Đồng chí %s không ghi là vắng có lý do, nên không ghi lý do «%s».", attendeeName(a), clip(a.Reason, 40))
			}
		case AttendAbsentReason:
			if err := RequireText(FieldReason, "Lý do vắng của đồng chí "+attendeeName(a), a.Reason); err != nil {
				return err
			}
		default:
			return FieldErrorf(FieldAbsent, "Điểm danh của đồng chí %s không rõ có mặt hay vắng («%s»).", attendeeName(a), clip(a.Status, 40))
		}
		if !a.Present() {
			absent++
		}
	}
	if len(list) != total {
		return FieldErrorf(FieldAttendance, "Điểm danh có %d đảng viên nhưng tổng số ghi %d: khi điểm danh theo tên, tổng số là số đảng viên của chi bộ.", len(list), total)
	}
	return CheckAbsentNamed(present, total, absent)
}

func attendeeName(a Attendee) string {
	if a.FullName != "" {
		return a.FullName
	}
	return fmt.Sprintf("mã số %d", a.MemberID)
}

// MatchMember is the member of cell that who means: their code (any case),
// their full name (diacritics and case as one pleases), or the last words
// of it ("Minh" for Lò Văn Minh) when only one member's name ends so. Two
// members it may mean ask for the code; none is refused with the closest
// names.
func MatchMember(cell []Member, who string) (Member, error) {
	who = strings.Join(strings.Fields(who), " ")
	if !vn.HasLetterOrDigit(who) {
		return Member{}, FieldErrorf(FieldAbsent, "Thiếu tên người vắng: %s.", AbsentHow)
	}
	for _, m := range cell {
		if strings.EqualFold(m.Code, who) {
			return m, nil
		}
	}
	key := vn.Key(who)
	var same, ends []Member
	words := strings.Fields(vn.Fold(who))
	for _, m := range cell {
		name := strings.Fields(vn.Fold(m.FullName))
		switch {
		case vn.Key(m.FullName) == key:
			same = append(same, m)
		case len(words) < len(name) && slices.Equal(name[len(name)-len(words):], words):
			ends = append(ends, m)
		}
	}
	for _, found := range [][]Member{same, ends} {
		switch len(found) {
		case 0:
			continue
		case 1:
			return found[0], nil
		}
		return Member{}, FieldErrorf(FieldAbsent, "«%s» có thể là %s: đồng chí ghi mã đảng viên (hoặc đủ họ tên) cho rõ.", clip(who, 40), memberList(found))
	}
	msg := fmt.Sprintf("Chi bộ không có đồng chí nào mã hoặc tên «%s»", clip(who, 40))
	if near := closestMembers(cell, who, 3); len(near) > 0 {
		msg += ". Tên gần giống nhất: " + memberList(near)
	}
	return Member{}, FieldErrorf(FieldAbsent, "%s. %s.", msg, upperFirst(AbsentHow))
}

// closestMembers are the n members of cell whose code, name or given name
// is nearest to who (Levenshtein over the folded letters and digits).
func closestMembers(cell []Member, who string, n int) []Member {
	key := vn.Key(who)
	type scored struct {
		m Member
		d int
	}
	var all []scored
	for _, m := range cell {
		d := levenshtein.ComputeDistance(key, vn.Key(m.Code))
		name := strings.Fields(vn.Fold(m.FullName))
		for i := range name {
			d = min(d, levenshtein.ComputeDistance(key, vn.Key(strings.Join(name[i:], " "))))
		}
		all = append(all, scored{m, d})
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].d < all[j].d })
	var out []Member
	for _, s := range all[:min(n, len(all))] {
		out = append(out, s.m)
	}
	return out
}

// memberList names members with their codes: "Lò Văn Minh (DV0001), …".
func memberList(ms []Member) string {
	var parts []string
	for _, m := range ms {
		parts = append(parts, m.FullName+" ("+m.Code+")")
	}
	return strings.Join(parts, ", ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:])
}

// AttendanceFrom is the attendance of cell (its members in order) when the
// members absent are those named: each named member absent, with the
// reason written or without one; everyone else present. Each name must
// mean one member of the cell (MatchMember), and no member twice.
func AttendanceFrom(cell []Member, absent []NamedAbsence) ([]Attendee, error) {
	named := map[int64]NamedAbsence{}
	for _, n := range absent {
		m, err := MatchMember(cell, n.Who)
		if err != nil {
			return nil, err
		}
		if prev, ok := named[m.ID]; ok {
			return nil, FieldErrorf(FieldAbsent, "«%s» và «%s» là cùng một đồng chí, %s (%s): mỗi người vắng ghi một lần.", clip(prev.Who, 40), clip(n.Who, 40), m.FullName, m.Code)
		}
		if err := CheckText(FieldReason, "Lý do vắng của đồng chí "+m.FullName, n.Reason); err != nil {
			return nil, err
		}
		named[m.ID] = n
	}
	list := make([]Attendee, 0, len(cell))
	for _, m := range cell {
		a := Attendee{MemberID: m.ID, Code: m.Code, FullName: m.FullName, Status: AttendPresent}
		if n, ok := named[m.ID]; ok {
			a.Status, a.Reason = AttendAbsent, n.Reason
			if n.Reason != "" {
				a.Status = AttendAbsentReason
			}
		}
		list = append(list, a)
	}
	return list, nil
}

// memberOnDay is who belonged to organisation $1 at the moment $2: those
// whose membership covers it, and those recorded there first only later (a
// roster imported after the day: they are taken to have been there).
const memberOnDay = `(EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.org_id = $1
				AND mo.from_at <= $2 AND (mo.to_at IS NULL OR mo.to_at > $2))
		   OR (SELECT mo.org_id FROM member_organisations mo WHERE mo.member_id = m.id AND mo.from_at > $2
				ORDER BY mo.from_at, mo.id LIMIT 1) = $1
		      AND NOT EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.from_at <= $2))`

// endOfDay is the last second of a plain date, in the storage's zone.
func (s *Storage) endOfDay(on time.Time) time.Time {
	return time.Date(on.Year(), on.Month(), on.Day(), 23, 59, 59, 0, s.now().Location())
}

// MembersOn counts the members of an organisation on a day (memberOnDay).
func (s *Storage) MembersOn(ctx context.Context, orgID int64, on time.Time) (int, error) {
	var n int
	if err := s.get(ctx, &n, `SELECT count(DISTINCT m.id) FROM members m WHERE `+memberOnDay, orgID, s.endOfDay(on)); err != nil {
		return 0, fmt.Errorf("storage: members of %d on %s: %w", orgID, on.Format("2006-01-02"), err)
	}
	return n, nil
}

// CellMembersOn lists the members of an organisation on a day, those
// MembersOn counts, by name: whom an attendance by name lists.
func (s *Storage) CellMembersOn(ctx context.Context, orgID int64, on time.Time) ([]Member, error) {
	return selectAll[Member](ctx, s, fmt.Sprintf("members of %d on %s", orgID, on.Format("2006-01-02")),
		`SELECT `+memberColumns+memberFrom+`WHERE `+memberOnDay+` ORDER BY `+byName+`, m.code`, orgID, s.endOfDay(on))
}

// saveAttendance stores a version's attendance by name, if it gives one:
// it must list exactly the members of the cell on the meeting's day.
func (s *Storage) saveAttendance(ctx context.Context, reportID int64, version int, in MeetingInput) error {
	if in.Attendance == nil {
		return nil
	}
	cell, err := s.CellMembersOn(ctx, in.OrgID, in.HeldOn)
	if err != nil {
		return err
	}
	ids := map[int64]bool{}
	for _, m := range cell {
		ids[m.ID] = true
	}
	var members []int64
	var statuses, reasons []string
	for _, a := range in.Attendance {
		if !ids[a.MemberID] {
			return errAttendanceRoster(in.HeldOn, len(cell))
		}
		members, statuses, reasons = append(members, a.MemberID), append(statuses, a.Status), append(reasons, a.Reason)
	}
	if len(in.Attendance) != len(cell) {
		return errAttendanceRoster(in.HeldOn, len(cell))
	}
	if _, err := s.exec(ctx, `INSERT INTO meeting_attendance (report_id, version, member_id, status, reason)
		SELECT $1, $2, x.member_id, x.status, x.reason FROM unnest($3::bigint[], $4::text[], $5::text[]) AS x (member_id, status, reason)`,
		reportID, version, int64Array(members), pq.Array(statuses), pq.Array(reasons)); err != nil {
		return fmt.Errorf("storage: attendance of report %d: %w", reportID, err)
	}
	return nil
}

func errAttendanceRoster(on time.Time, n int) error {
	return FieldErrorf(FieldAttendance, "Điểm danh không khớp danh sách chi bộ ngày %s (%d đảng viên): đồng chí mở lại bước «Điểm danh» để điểm danh theo danh sách hiện tại.",
		vn.FormatDate(on), n)
}

// MeetingAttendance is the attendance by name a version of a meeting report
// records, by name; none for a count-only version.
func (s *Storage) MeetingAttendance(ctx context.Context, reportID int64, version int) ([]Attendee, error) {
	return selectAll[Attendee](ctx, s, fmt.Sprintf("attendance of report %d", reportID), `SELECT a.member_id, m.code, m.full_name, a.status, a.reason
		FROM meeting_attendance a JOIN members m ON m.id = a.member_id
		WHERE a.report_id = $1 AND a.version = $2 ORDER BY `+byName+`, m.code`, reportID, version)
}

// MemberMeeting is a meeting with attendance by name, and how one member
// was recorded at it.
type MemberMeeting struct {
	ReportID int64     `db:"report_id"`
	OrgName  string    `db:"org_name"`
	Kind     string    `db:"kind"`
	HeldOn   time.Time `db:"held_on"`
	Status   string    `db:"status"`
	Reason   string    `db:"reason"`
}

// MemberMeetings lists the meetings held from from to to (days, both
// included) whose reports, at their latest version, name the member,
// oldest first.
func (s *Storage) MemberMeetings(ctx context.Context, memberID int64, from, to time.Time) ([]MemberMeeting, error) {
	return selectAll[MemberMeeting](ctx, s, fmt.Sprintf("meetings of member %d", memberID), `SELECT r.id AS report_id, o.name AS org_name,
			v.kind, v.held_on, a.status, a.reason
		FROM meeting_attendance a JOIN reports r ON r.id = a.report_id AND r.version = a.version
		JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		JOIN organisations o ON o.id = r.org_id
		WHERE a.member_id = $1 AND v.held_on BETWEEN $2 AND $3 ORDER BY v.held_on, r.id`, memberID, day(from), day(to))
}
