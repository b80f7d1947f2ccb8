package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// The rules of party work (issue 20), computed in one place: each rule is
// one function (alert_meetings.go, alert_members.go) that turns what the
// database holds into warnings for a day D. The command line (sotay
// alerts), /canhbao and the Monday digest (alert_digests.go) all read
// Alerts.
//
// Evaluated on D: every cell (chi bộ) in scope active on D — founded on or
// before D (a cell without a founding day has always existed) and not
// dissolved by D; rules about members and study may also fall on another
// organisation active on D (members placed directly under a committee).
// A cell founded after the first day of a period is not warned for that
// period. Organisations are named, typed and placed in the tree as they
// were at the end of D (organisation_history), so one dissolved since
// still appears for a past D. Every report counts at its latest version.
// A member who left the Party on or before D is not warned about.

// The rules, in the order alerts are listed.
const (
	RuleMonthlyMeeting      = "monthly_meeting"
	RuleQuarterlyThematic   = "quarterly_thematic"
	RuleMeetingDuration     = "meeting_duration"
	RuleNoticeAhead         = "notice_ahead"
	RuleAbsentNoReason      = "absent_no_reason"
	RuleAbsentStreak        = "absent_streak"
	RuleAbsentThreeMonths   = "absent_three_months"
	RuleSupervisionCoverage = "supervision_coverage"
	RuleStudyOverdue        = "study_overdue"
)

// Rules lists the rules in order.
var Rules = []string{RuleMonthlyMeeting, RuleQuarterlyThematic, RuleMeetingDuration, RuleNoticeAhead, RuleAbsentNoReason,
	RuleAbsentStreak, RuleAbsentThreeMonths, RuleSupervisionCoverage, RuleStudyOverdue}

// DefaultSupervisionTarget is the yearly supervision coverage target, in
// percent of a cell's members, when SUPERVISION_TARGET does not set one.
const DefaultSupervisionTarget = 30

// The meeting kinds the rules read (MeetingCombined counts as both) are
// regularKindsSQL and thematicKindsSQL of meeting_reports.go.

// Alert is one warning: a rule not kept, by one organisation (and one of
// its members, for the rules about members) in one period.
type Alert struct {
	OrgID   int64
	OrgCode string
	OrgName string // as it was on D
	Rule    string
	// Period is 2026-10 (a month), 2026-Q3 (a quarter), 2026-11-05 (a
	// meeting or a deadline) or 2026 (a year).
	Period     string
	MemberCode string // empty for rules about the organisation
	MemberName string
	// Detail says what is wrong, in Vietnamese, never empty.
	Detail string
	// Due is the period's last day, the meeting's day or the deadline.
	Due time.Time

	pos int // the organisation's place in tree order
}

// Key names an alert across days: what the digest remembers to tell what
// is new. It is "rule|org_code|period|member_code", and for study_overdue
// also "|number": one member may miss two documents of one deadline.
func (a Alert) Key() string {
	k := a.Rule + "|" + a.OrgCode + "|" + a.Period + "|" + a.MemberCode
	if a.Rule == RuleStudyOverdue {
		k += "|" + a.Detail
	}
	return k
}

// AlertQuery is what Alerts is asked.
type AlertQuery struct {
	// On is D, the day the rules are evaluated on (its year, month and day).
	On time.Time
	// Roots are the organisations whose subtrees (as on D) are in scope;
	// none for the whole tree.
	Roots []int64
	// CoverageTarget is the yearly supervision target in percent (0–100).
	CoverageTarget int
}

// CheckCoverageTarget is the rule of a supervision coverage target: a
// whole percent from 0 to 100.
func CheckCoverageTarget(p int) error {
	if p < 0 || p > 100 {
		return FieldErrorf("coverage_target", "Chỉ tiêu giám sát %d %% không hợp lệ: hãy ghi một số phần trăm từ 0 đến 100, ví dụ 30.", p)
	}
	return nil
}

// alertOrg is an organisation as it was on D.
type alertOrg struct {
	ID          int64      `db:"id"`
	Code        string     `db:"code"`
	Name        string     `db:"name"`
	Kind        OrgKind    `db:"kind"`
	ParentCode  string     `db:"parent_code"`
	FoundedOn   *time.Time `db:"founded_on"`
	DissolvedAt *time.Time `db:"dissolved_at"`

	pos    int  // place in tree order
	active bool // exists on D
	cell   bool // a cell active on D
}

// alertEval is one evaluation: D, the tree as on D and the scope.
type alertEval struct {
	s      *Storage
	on     time.Time // D, a day
	end    time.Time // the instant D ends, in the commune's zone
	loc    *time.Location
	target int
	orgs   map[int64]*alertOrg
	// scope holds the organisations in scope that are active on D; cells
	// those of them that are cells, in tree order.
	scope map[int64]*alertOrg
	cells []*alertOrg
	kids  map[int64][]*alertOrg // children()
}

// Alerts evaluates every rule on q.On for the organisations in scope and
// returns the warnings in the order of sotay alerts: tree order (siblings
// by code, as sotay orgs list), then rule (Rules), period, member code, due
// day and detail.
func (s *Storage) Alerts(ctx context.Context, q AlertQuery) ([]Alert, error) {
	if err := CheckCoverageTarget(q.CoverageTarget); err != nil {
		return nil, err
	}
	e, err := s.alertEval(ctx, q)
	if err != nil {
		return nil, err
	}
	return e.run(ctx)
}

// alertEval loads the tree as on q.On and the scope.
func (s *Storage) alertEval(ctx context.Context, q AlertQuery) (*alertEval, error) {
	loc := s.location()
	on := day(q.On)
	e := &alertEval{s: s, on: on, loc: loc, target: q.CoverageTarget,
		end: time.Date(on.Year(), on.Month(), on.Day()+1, 0, 0, 0, 0, loc), orgs: map[int64]*alertOrg{}, scope: map[int64]*alertOrg{}}
	// Name, kind and parent as they were when D ended: the old value of
	// the first change of each after it, else today's.
	var orgs []*alertOrg
	err := s.sel(ctx, &orgs, `SELECT o.id, o.code, o.founded_on, o.dissolved_at,
			COALESCE((SELECT h.old_value FROM organisation_history h WHERE h.org_id = o.id AND h.change = 'renamed' AND h.at >= $1
				ORDER BY h.at, h.id LIMIT 1), o.name) AS name,
			COALESCE((SELECT h.old_value FROM organisation_history h WHERE h.org_id = o.id AND h.change = 'kind' AND h.at >= $1
				ORDER BY h.at, h.id LIMIT 1), o.kind) AS kind,
			COALESCE((SELECT h.old_value FROM organisation_history h WHERE h.org_id = o.id AND h.change = 'moved' AND h.at >= $1
				ORDER BY h.at, h.id LIMIT 1), p.code, '') AS parent_code
		FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id`, e.end)
	if err != nil {
		return nil, fmt.Errorf("storage: alerts: organisations: %w", err)
	}
	for _, o := range orgs {
		e.orgs[o.ID] = o
		o.active = (o.FoundedOn == nil || !day(*o.FoundedOn).After(on)) && (o.DissolvedAt == nil || day(o.DissolvedAt.In(loc)).After(on))
		o.cell = o.active && o.Kind == KindChiBo
	}
	children := e.children()
	below := map[int64]bool{}
	for _, cs := range children {
		for _, c := range cs {
			below[c.ID] = true
		}
	}
	var roots []*alertOrg
	for _, o := range orgs {
		if !below[o.ID] {
			roots = append(roots, o)
		}
	}
	want := map[int64]bool{}
	for _, id := range q.Roots {
		want[id] = true
	}
	pos := 0
	seen := map[int64]bool{} // a cycle in old moves must not loop
	var walk func(level []*alertOrg, in bool)
	walk = func(level []*alertOrg, in bool) {
		slices.SortFunc(level, func(a, b *alertOrg) int { return cmp.Compare(a.Code, b.Code) })
		for _, o := range level {
			if seen[o.ID] {
				continue
			}
			seen[o.ID] = true
			o.pos = pos
			pos++
			here := in || want[o.ID]
			if here && o.active {
				e.scope[o.ID] = o
				if o.cell {
					e.cells = append(e.cells, o)
				}
			}
			walk(children[o.ID], here)
		}
	}
	walk(roots, len(q.Roots) == 0)
	return e, nil
}

// ruleFuncs are the rules' functions, in the order of Rules.
func (e *alertEval) ruleFuncs() []func(context.Context) ([]Alert, error) {
	return []func(context.Context) ([]Alert, error){
		e.monthlyMeeting, e.quarterlyThematic, e.meetingDuration, e.noticeAhead, e.absentNoReason,
		e.absentStreak, e.absentThreeMonths, e.supervisionCoverage, e.studyOverdue,
	}
}

// run evaluates every rule and sorts the alerts.
func (e *alertEval) run(ctx context.Context) ([]Alert, error) {
	var out []Alert
	if len(e.scope) == 0 {
		return out, nil
	}
	for _, rule := range e.ruleFuncs() {
		as, err := rule(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, as...)
	}
	rank := make(map[string]int, len(Rules))
	for i, r := range Rules {
		rank[r] = i
	}
	slices.SortStableFunc(out, func(a, b Alert) int {
		return cmp.Or(cmp.Compare(a.pos, b.pos), cmp.Compare(rank[a.Rule], rank[b.Rule]), cmp.Compare(a.Period, b.Period),
			cmp.Compare(a.MemberCode, b.MemberCode), a.Due.Compare(b.Due), cmp.Compare(a.Detail, b.Detail))
	})
	return out, nil
}

// alert is a warning about organisation o.
func (e *alertEval) alert(o *alertOrg, rule, period string, due time.Time, detail string) Alert {
	return Alert{OrgID: o.ID, OrgCode: o.Code, OrgName: o.Name, Rule: rule, Period: period, Due: day(due), Detail: detail, pos: o.pos}
}

// cellIDs are the ids of the cells evaluated.
func (e *alertEval) cellIDs() []int64 {
	ids := make([]int64, len(e.cells))
	for i, c := range e.cells {
		ids[i] = c.ID
	}
	return ids
}

// scopeIDs are the ids of every organisation in scope active on D.
func (e *alertEval) scopeIDs() []int64 {
	ids := make([]int64, 0, len(e.scope))
	for id := range e.scope {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// foundedBy reports whether o existed on every day from first (a day) on:
// founded on or before it (it is active on D, so not dissolved before).
func (o *alertOrg) foundedBy(first time.Time) bool {
	return o.FoundedOn == nil || !day(*o.FoundedOn).After(first)
}

// Periods, as alerts name them.

func monthPeriod(m time.Time) string { return m.Format("2006-01") }

func dayPeriod(d time.Time) string { return d.Format("2006-01-02") }

func yearPeriod(y int) string { return fmt.Sprintf("%d", y) }

// quarterStart is the first day of t's quarter.
func quarterStart(t time.Time) time.Time {
	return time.Date(t.Year(), time.Month((int(t.Month())-1)/3*3+1), 1, 0, 0, 0, 0, time.UTC)
}

func quarterPeriod(q time.Time) string { return fmt.Sprintf("%d-Q%d", q.Year(), QuarterOf(q).N) }

// shortDate is a day as alerts write it.
func shortDate(t time.Time) string { return t.Format("02/01/2006") }
