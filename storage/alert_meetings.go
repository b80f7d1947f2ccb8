package storage

import (
	"context"
	"fmt"
	"time"
)

// The rules about a cell's meetings (Hướng dẫn 42-HD/BTCTW): a regular
// meeting every month, a thematic one every quarter, at least 90 minutes
// (120 with a thematic part in the same session), members told at least a
// day before. One function per rule; see alerts.go for what D and scope
// mean.

// recentDays is how far back the rules about single meetings look: the 90
// days up to D, both included.
const recentDays = 90

// heldIn returns, for each cell evaluated, the months (trunc "month") or
// quarters (trunc "quarter") in which it held a meeting of one of kinds
// (regularKindsSQL, thematicKindsSQL) dated from from to to.
func (e *alertEval) heldIn(ctx context.Context, kinds, trunc string, from, to time.Time) (map[int64]map[time.Time]bool, error) {
	var rows []struct {
		OrgID int64     `db:"org_id"`
		Start time.Time `db:"start"`
	}
	err := e.s.sel(ctx, &rows, `SELECT DISTINCT r.org_id, date_trunc('`+trunc+`', v.held_on)::date AS start
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.kind IN `+kinds+` AND v.held_on BETWEEN $2 AND $3`,
		int64Array(e.cellIDs()), day(from), day(to))
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: meetings held: %w", err)
	}
	held := map[int64]map[time.Time]bool{}
	for _, r := range rows {
		if held[r.OrgID] == nil {
			held[r.OrgID] = map[time.Time]bool{}
		}
		held[r.OrgID][day(r.Start)] = true
	}
	return held, nil
}

// monthlyMeeting: for the month before D's, a cell that existed on every
// day of it and has no regular meeting dated in it; from day 25 of D's
// month, a cell (existing since its first day) with none yet in D's month.
func (e *alertEval) monthlyMeeting(ctx context.Context) ([]Alert, error) {
	cur := monthStart(e.on)
	prev := cur.AddDate(0, -1, 0)
	held, err := e.heldIn(ctx, regularKindsSQL, "month", prev, e.on)
	if err != nil {
		return nil, err
	}
	months := []time.Time{prev}
	if e.on.Day() >= 25 {
		months = append(months, cur)
	}
	var out []Alert
	for _, c := range e.cells {
		for _, m := range months {
			if c.foundedBy(m) && !held[c.ID][m] {
				_, last := MonthBounds(m)
				out = append(out, e.alert(c, RuleMonthlyMeeting, monthPeriod(m), last,
					fmt.Sprintf("Chưa có báo cáo sinh hoạt thường kỳ tháng %s", m.Format("01/2006"))))
			}
		}
	}
	return out, nil
}

// quarterlyThematic: the same for thematic meetings (a combined session
// counts) per calendar quarter: the quarter before D's and, on any day of
// the last month of D's quarter, D's quarter.
func (e *alertEval) quarterlyThematic(ctx context.Context) ([]Alert, error) {
	cur := quarterStart(e.on)
	prev := cur.AddDate(0, -3, 0)
	held, err := e.heldIn(ctx, thematicKindsSQL, "quarter", prev, e.on)
	if err != nil {
		return nil, err
	}
	quarters := []time.Time{prev}
	if e.on.Month() == cur.Month()+2 {
		quarters = append(quarters, cur)
	}
	var out []Alert
	for _, c := range e.cells {
		for _, q := range quarters {
			if c.foundedBy(q) && !held[c.ID][q] {
				out = append(out, e.alert(c, RuleQuarterlyThematic, quarterPeriod(q), q.AddDate(0, 3, -1),
					"Chưa có buổi sinh hoạt chuyên đề nào trong "+QuarterOf(q).Name()))
			}
		}
	}
	return out, nil
}

// ruleMeeting is a meeting report at its latest version, as the rules
// about single meetings read it.
type ruleMeeting struct {
	ID     int64     `db:"id"`
	OrgID  int64     `db:"org_id"`
	Kind   string    `db:"kind"`
	HeldOn time.Time `db:"held_on"`
	// StartMin and EndMin are the start and end, in minutes after
	// midnight, when recorded.
	StartMin *int `db:"start_min"`
	EndMin   *int `db:"end_min"`
}

// recentMeetings are the meetings of the cells evaluated dated in the 90
// days up to D whose kind is one of kinds.
func (e *alertEval) recentMeetings(ctx context.Context, kinds string) ([]ruleMeeting, error) {
	var ms []ruleMeeting
	err := e.s.sel(ctx, &ms, `SELECT r.id, r.org_id, v.kind, v.held_on,
			(extract(epoch FROM v.starts_at) / 60)::int AS start_min, (extract(epoch FROM v.ends_at) / 60)::int AS end_min
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND r.org_id IN (SELECT unnest($1::bigint[])) AND v.kind IN `+kinds+` AND v.held_on BETWEEN $2 AND $3
		ORDER BY v.held_on, r.id`, int64Array(e.cellIDs()), e.on.AddDate(0, 0, -recentDays), e.on)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: recent meetings: %w", err)
	}
	for i := range ms {
		ms[i].HeldOn = day(ms[i].HeldOn)
	}
	return ms, nil
}

// MinMeetingMinutes is how long a meeting of kind must last at least: 90
// minutes, 120 for a regular meeting with a thematic part in the same
// session.
func MinMeetingMinutes(kind string) int {
	if kind == MeetingCombined {
		return 120
	}
	return 90
}

// meetingDuration: a meeting dated in the 90 days up to D with start and
// end recorded that lasted under 90 minutes (under 120 for a combined
// session).
func (e *alertEval) meetingDuration(ctx context.Context) ([]Alert, error) {
	ms, err := e.recentMeetings(ctx, `('thuong_ky', 'chuyen_de', 'thuong_ky_chuyen_de')`)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, m := range ms {
		if m.StartMin == nil || m.EndMin == nil {
			continue
		}
		minutes, least := MeetingMinutes(DayTime(*m.StartMin), DayTime(*m.EndMin)), MinMeetingMinutes(m.Kind)
		if minutes >= least {
			continue
		}
		out = append(out, e.alert(e.orgs[m.OrgID], RuleMeetingDuration, dayPeriod(m.HeldOn), m.HeldOn,
			fmt.Sprintf("Buổi sinh hoạt %s ngày %s từ %s đến %s chỉ %d phút, chưa đủ %d phút", ruleKindName(m.Kind),
				shortDate(m.HeldOn), clock(*m.StartMin), clock(*m.EndMin), minutes, least)))
	}
	return out, nil
}

// clock writes minutes after midnight as 19:30.
func clock(min int) string { return fmt.Sprintf("%02d:%02d", min/60%24, min%60) }

// ruleKindName is a meeting kind in the rules' words.
func ruleKindName(kind string) string {
	switch kind {
	case MeetingCombined:
		return "thường kỳ kết hợp chuyên đề"
	case MeetingTopical:
		return "chuyên đề"
	}
	return "thường kỳ"
}

// noticeAhead: a regular meeting dated in the 90 days up to D for which no
// notice of that cell for that day (/lichhop, announced by the secretary)
// was created at least 24 hours before the meeting began: the report's
// start time, else the notice's own time (a notice always has one, so the
// rule's last resort, 00:00 of the day, is never needed).
func (e *alertEval) noticeAhead(ctx context.Context) ([]Alert, error) {
	ms, err := e.recentMeetings(ctx, regularKindsSQL)
	if err != nil || len(ms) == 0 {
		return nil, err
	}
	var notices []struct {
		OrgID     int64     `db:"org_id"`
		StartsAt  time.Time `db:"starts_at"`
		CreatedAt time.Time `db:"created_at"`
	}
	first := ms[0].HeldOn
	from := time.Date(first.Year(), first.Month(), first.Day(), 0, 0, 0, 0, e.loc)
	err = e.s.sel(ctx, &notices, `SELECT org_id, starts_at, created_at FROM meetings
		WHERE org_id IN (SELECT unnest($1::bigint[])) AND starts_at >= $2 AND starts_at < $3 ORDER BY created_at, id`, int64Array(e.cellIDs()), from, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: notices: %w", err)
	}
	type orgDay struct {
		org int64
		day time.Time
	}
	byDay := map[orgDay][]int{}
	for i, n := range notices {
		k := orgDay{n.OrgID, day(n.StartsAt.In(e.loc))}
		byDay[k] = append(byDay[k], i)
	}
	var out []Alert
	for _, m := range ms {
		ns := byDay[orgDay{m.OrgID, m.HeldOn}]
		ok := false
		for _, i := range ns {
			n := notices[i]
			start := n.StartsAt
			if m.StartMin != nil {
				start = time.Date(m.HeldOn.Year(), m.HeldOn.Month(), m.HeldOn.Day(), 0, *m.StartMin, 0, 0, e.loc)
			}
			if !n.CreatedAt.After(start.Add(-24 * time.Hour)) {
				ok = true
				break
			}
		}
		if ok {
			continue
		}
		detail := fmt.Sprintf("Không có thông báo họp (/lichhop) trước ít nhất 24 giờ cho buổi sinh hoạt %s ngày %s",
			ruleKindName(m.Kind), shortDate(m.HeldOn))
		if len(ns) > 0 {
			n := notices[ns[0]]
			detail = fmt.Sprintf("Thông báo họp gửi lúc %s, chưa đủ 24 giờ trước buổi sinh hoạt %s ngày %s",
				n.CreatedAt.In(e.loc).Format("15:04 02/01/2006"), ruleKindName(m.Kind), shortDate(m.HeldOn))
		}
		out = append(out, e.alert(e.orgs[m.OrgID], RuleNoticeAhead, dayPeriod(m.HeldOn), m.HeldOn, detail))
	}
	return out, nil
}
