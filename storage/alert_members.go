package storage

import (
	"context"
	"fmt"
	"time"
)

// The rules about members: absences (Hướng dẫn 12-HD/BTCTW, Điều lệ Đảng
// Điều 8), the cell's supervision of its members (Quy định 296-QĐ/TW) and
// documents not studied by their deadline. One function per rule; see
// alerts.go for what D and scope mean.

// stayedSQL is the condition on members "m" of not having left the Party
// by the end of D ($n, an instant).
func stayedSQL(end string) string { return `(m.active OR m.left_at >= ` + end + `)` }

// memberOrgOnSQL is the organisation of member "m" at the instant end ($n):
// the membership that covers it; for a member recorded only later (a
// roster imported after D), the first one recorded, as if they had been
// there; else none.
func memberOrgOnSQL(end string) string {
	return `COALESCE(
		(SELECT mo.org_id FROM member_organisations mo WHERE mo.member_id = m.id AND mo.from_at < ` + end + `
			AND (mo.to_at IS NULL OR mo.to_at >= ` + end + `) ORDER BY mo.from_at DESC, mo.id DESC LIMIT 1),
		CASE WHEN NOT EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.from_at < ` + end + `)
			THEN COALESCE((SELECT mo.org_id FROM member_organisations mo WHERE mo.member_id = m.id ORDER BY mo.from_at, mo.id LIMIT 1), m.org_id) END)`
}

// everInSQL is the condition on members "m" of having belonged to one of
// the organisations $n (an array) at some time: only they may belong to one
// on D. Subqueries, which PostgreSQL hashes, rather than "= ANY", which
// compares every row with every id of a province's thousand cells.
func everInSQL(orgs string) string {
	in := ` IN (SELECT unnest(` + orgs + `::bigint[]))`
	return `(m.org_id` + in + ` OR m.id IN (SELECT mo.member_id FROM member_organisations mo WHERE mo.org_id` + in + `))`
}

// membersOnSQL selects (member_id, org_id): the members who had not left
// by the instant end ($n) and belonged at some time to one of the
// organisations orgs ($n, an array), each with their organisation at end as
// memberOrgOnSQL says, computed for all of them at once (a province's
// hundred thousand members, where memberOrgOnSQL's subqueries cost a second).
func membersOnSQL(end, orgs string) string {
	return `WITH cand AS (SELECT m.id, m.org_id FROM members m WHERE ` + stayedSQL(end) + ` AND ` + everInSQL(orgs) + `),
		ms AS (SELECT mo.member_id, mo.org_id, mo.from_at, mo.to_at, mo.id FROM member_organisations mo JOIN cand ON cand.id = mo.member_id),
		covering AS (SELECT DISTINCT ON (member_id) member_id, org_id FROM ms WHERE from_at < ` + end + ` AND (to_at IS NULL OR to_at >= ` + end + `)
			ORDER BY member_id, from_at DESC, id DESC),
		earlier AS (SELECT DISTINCT member_id FROM ms WHERE from_at < ` + end + `),
		first AS (SELECT DISTINCT ON (member_id) member_id, org_id FROM ms ORDER BY member_id, from_at, id)
		SELECT cand.id AS member_id,
			COALESCE(covering.org_id, CASE WHEN earlier.member_id IS NULL THEN COALESCE(first.org_id, cand.org_id) END) AS org_id
		FROM cand LEFT JOIN covering ON covering.member_id = cand.id LEFT JOIN earlier ON earlier.member_id = cand.id
		LEFT JOIN first ON first.member_id = cand.id`
}

// memberAlert is a warning about one member at organisation orgID; ok is
// false when that organisation is not in scope.
func (e *alertEval) memberAlert(orgID int64, rule, period string, due time.Time, code, name, detail string) (Alert, bool) {
	o, ok := e.scope[orgID]
	if !ok {
		return Alert{}, false
	}
	a := e.alert(o, rule, period, due, detail)
	a.MemberCode, a.MemberName = code, name
	return a, true
}

// absentNoReason: each member recorded absent without a reason at a
// meeting dated in the 90 days up to D.
func (e *alertEval) absentNoReason(ctx context.Context) ([]Alert, error) {
	var rows []struct {
		OrgID  int64     `db:"org_id"`
		Kind   string    `db:"kind"`
		HeldOn time.Time `db:"held_on"`
		Code   string    `db:"code"`
		Name   string    `db:"full_name"`
	}
	err := e.s.sel(ctx, &rows, `SELECT r.org_id, v.kind, v.held_on, m.code, m.full_name
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		JOIN meeting_attendance a ON a.report_id = r.id AND a.version = r.version JOIN members m ON m.id = a.member_id
		WHERE r.type = 'meeting' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.held_on BETWEEN $2 AND $3 AND a.status = 'absent' AND `+stayedSQL("$4"),
		int64Array(e.scopeIDs()), e.on.AddDate(0, 0, -recentDays), e.on, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: absences: %w", err)
	}
	var out []Alert
	for _, r := range rows {
		held := day(r.HeldOn)
		if a, ok := e.memberAlert(r.OrgID, RuleAbsentNoReason, dayPeriod(held), held, r.Code, r.Name,
			fmt.Sprintf("Vắng không có lý do tại buổi sinh hoạt %s ngày %s", ruleKindName(r.Kind), shortDate(held))); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// absentStreak: a member recorded absent (with or without a reason) at
// each of the cell's last three regular meetings with attendance by name
// dated in D's year up to D. Count-only meetings are skipped: they neither
// break nor extend a streak. The period and due day are the latest of the
// three.
func (e *alertEval) absentStreak(ctx context.Context) ([]Alert, error) {
	var rows []struct {
		OrgID  int64     `db:"org_id"`
		Code   string    `db:"code"`
		Name   string    `db:"full_name"`
		Last   time.Time `db:"last"`
		Dates  string    `db:"dates"`
		Absent int       `db:"absent"`
	}
	err := e.s.sel(ctx, &rows, `WITH named AS (
			SELECT r.id, r.version, r.org_id, v.held_on,
				row_number() OVER (PARTITION BY r.org_id ORDER BY v.held_on DESC, r.id DESC) AS n
			FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
			WHERE r.type = 'meeting' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.kind IN `+regularKindsSQL+` AND v.held_on BETWEEN $2 AND $3
			  AND EXISTS (SELECT 1 FROM meeting_attendance a WHERE a.report_id = r.id AND a.version = r.version))
		SELECT n.org_id, m.code, m.full_name, max(n.held_on) AS last, count(*) AS absent,
			string_agg(to_char(n.held_on, 'DD/MM/YYYY'), ', ' ORDER BY n.held_on) AS dates
		FROM named n JOIN meeting_attendance a ON a.report_id = n.id AND a.version = n.version JOIN members m ON m.id = a.member_id
		WHERE n.n <= 3 AND a.status IN ('absent', 'absent_reason') AND `+stayedSQL("$4")+`
		GROUP BY n.org_id, m.id HAVING count(*) = 3`,
		int64Array(e.scopeIDs()), time.Date(e.on.Year(), 1, 1, 0, 0, 0, 0, time.UTC), e.on, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: absent streaks: %w", err)
	}
	var out []Alert
	for _, r := range rows {
		last := day(r.Last)
		if a, ok := e.memberAlert(r.OrgID, RuleAbsentStreak, dayPeriod(last), last, r.Code, r.Name,
			"Vắng 3 buổi sinh hoạt thường kỳ liền: "+r.Dates); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// absentThreeMonths: a member recorded absent without a reason at regular
// meetings in three different months of D's year up to D, at whichever
// cells they belonged to then (Điều lệ Đảng, Điều 8). The warning belongs
// to the member's organisation on D (the cell that considers removing
// them); the period is the year, the due day the latest of those meetings.
func (e *alertEval) absentThreeMonths(ctx context.Context) ([]Alert, error) {
	var rows []struct {
		OrgID  *int64    `db:"org_id"`
		Code   string    `db:"code"`
		Name   string    `db:"full_name"`
		Last   time.Time `db:"last"`
		Months string    `db:"months"`
		Count  int       `db:"n"`
	}
	err := e.s.sel(ctx, &rows, `WITH x AS (
			SELECT a.member_id, date_trunc('month', v.held_on)::date AS month, max(v.held_on) AS last
			FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
			JOIN meeting_attendance a ON a.report_id = r.id AND a.version = r.version
			WHERE r.type = 'meeting' AND v.kind IN `+regularKindsSQL+` AND v.held_on BETWEEN $1 AND $2 AND a.status = 'absent'
			GROUP BY a.member_id, month)
		SELECT `+memberOrgOnSQL("$3")+` AS org_id, m.code, m.full_name, max(x.last) AS last, count(*) AS n,
			string_agg(extract(month FROM x.month)::text, ', ' ORDER BY x.month) AS months
		FROM x JOIN members m ON m.id = x.member_id
		WHERE `+stayedSQL("$3")+`
		GROUP BY m.id HAVING count(*) >= 3`,
		time.Date(e.on.Year(), 1, 1, 0, 0, 0, 0, time.UTC), e.on, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: absences in the year: %w", err)
	}
	var out []Alert
	for _, r := range rows {
		if r.OrgID == nil {
			continue
		}
		if a, ok := e.memberAlert(*r.OrgID, RuleAbsentThreeMonths, yearPeriod(e.on.Year()), day(r.Last), r.Code, r.Name,
			fmt.Sprintf("Vắng sinh hoạt thường kỳ không có lý do %d tháng trong năm %d (tháng %s)", r.Count, e.on.Year(), r.Months)); ok {
			out = append(out, a)
		}
	}
	return out, nil
}

// CoverageGoal is how many members a cell of members members should
// examine in a year for a target of target percent: rounded up.
func CoverageGoal(target, members int) int { return (target*members + 99) / 100 }

// supervisionCoverage: from 1 October of D's year, a cell (existing since
// 1 January) whose own inspections and supervisions (reported by the
// cell, body cấp ủy) dated in D's year up to D examined fewer members in
// total than the target percent, rounded up, of its members on D.
func (e *alertEval) supervisionCoverage(ctx context.Context) ([]Alert, error) {
	if e.on.Month() < time.October {
		return nil, nil
	}
	jan1 := time.Date(e.on.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	ids := int64Array(e.cellIDs())
	examined, err := pairs(ctx, e.s, `SELECT r.org_id, sum(v.members_examined)::int
		FROM reports r JOIN supervision_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'supervision' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.body = 'cap_uy' AND v.held_on BETWEEN $2 AND $3
		GROUP BY r.org_id`, ids, jan1, e.on)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: supervision: %w", err)
	}
	members, err := pairs(ctx, e.s, `SELECT org_id, count(*)::int FROM (`+membersOnSQL("$2", "$1")+`) x
		WHERE org_id IN (SELECT unnest($1::bigint[])) GROUP BY org_id`, ids, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: members on %s: %w", dayPeriod(e.on), err)
	}
	var out []Alert
	for _, c := range e.cells {
		goal := CoverageGoal(e.target, members[c.ID])
		if !c.foundedBy(jan1) || examined[c.ID] >= goal {
			continue
		}
		out = append(out, e.alert(c, RuleSupervisionCoverage, yearPeriod(e.on.Year()), time.Date(e.on.Year(), 12, 31, 0, 0, 0, 0, time.UTC),
			fmt.Sprintf("Năm %d chi bộ mới giám sát, kiểm tra %d lượt đảng viên, chỉ tiêu %d (%d %% của %d đảng viên)",
				e.on.Year(), examined[c.ID], goal, e.target, members[c.ID])))
	}
	return out, nil
}

// pairs reads a query of (id, count) rows into a map.
func pairs(ctx context.Context, s *Storage, query string, args ...any) (map[int64]int, error) {
	var rows []struct {
		ID int64 `db:"id"`
		N  int   `db:"n"`
	}
	if err := s.sel(ctx, &rows, `SELECT x.* FROM (`+query+`) AS x(id, n)`, args...); err != nil {
		return nil, err
	}
	out := make(map[int64]int, len(rows))
	for _, r := range rows {
		out[r.ID] = r.N
	}
	return out, nil
}

// studyOverdue: one warning per assignment whose deadline is before D, of a
// campaign open on D (created by then, not closed), of a document not
// withdrawn by then, that the member has studied neither online nor
// offline by the end of D, in that campaign or another of the same
// document. It belongs to the organisation the assignment was made for;
// the period and due day are the deadline, the detail the document's number.
func (e *alertEval) studyOverdue(ctx context.Context) ([]Alert, error) {
	var rows []struct {
		OrgID  int64     `db:"org_id"`
		Code   string    `db:"code"`
		Name   string    `db:"full_name"`
		Number string    `db:"number"`
		DueOn  time.Time `db:"due_on"`
	}
	err := e.s.sel(ctx, &rows, `SELECT a.org_id, m.code, m.full_name, d.number, c.due_on
		FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
		JOIN members m ON m.id = a.member_id
		WHERE a.org_id IN (SELECT unnest($1::bigint[])) AND c.due_on < $2 AND c.created_at < $3 AND (c.closed_at IS NULL OR c.closed_at >= $3)
		  AND (d.withdrawn_at IS NULL OR d.withdrawn_at >= $3) AND `+stayedSQL("$3")+`
		  AND NOT EXISTS (SELECT 1 FROM assignments b WHERE b.member_id = a.member_id AND b.document_id = a.document_id
		                  AND b.state IN ('studied', 'studied_offline') AND (b.studied_at IS NULL OR b.studied_at < $3))`,
		int64Array(e.scopeIDs()), e.on, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: study: %w", err)
	}
	var out []Alert
	for _, r := range rows {
		due := day(r.DueOn)
		if a, ok := e.memberAlert(r.OrgID, RuleStudyOverdue, dayPeriod(due), due, r.Code, r.Name, r.Number); ok {
			out = append(out, a)
		}
	}
	return out, nil
}
