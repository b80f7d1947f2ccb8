package storage

import (
	"context"
	"fmt"
	"time"
)

// Officer figures over organisation subtrees: meetings per month,
// inspections and supervisions per period, and the period summary a report
// quotes. Study rates live in rates.go.
//
// Historical truth: an organisation counts for the days it existed (from
// its founding day when known, until it was dissolved), under the name it
// had at the end of the period asked; every report counts at its latest
// version, on the day that version says it was held. The tree is today's:
// a dissolved organisation stays under the parent it had.

// MeetingCounts are the meeting figures of one organisation or subtree.
type MeetingCounts struct {
	// Cells counts the cells (chi bộ) that existed; CellsHeldRegular those
	// of them with a regular meeting reported.
	Cells            int
	CellsHeldRegular int
	Regular          int // regular (thường kỳ) meeting reports
	Thematic         int // thematic (chuyên đề) meeting reports
	// Present and Expected are summed over every meeting reported.
	Present  int
	Expected int
}

// Add adds o to c.
func (c *MeetingCounts) Add(o MeetingCounts) {
	c.Cells += o.Cells
	c.CellsHeldRegular += o.CellsHeldRegular
	c.Regular += o.Regular
	c.Thematic += o.Thematic
	c.Present += o.Present
	c.Expected += o.Expected
}

// Attendance is 100 × present / expected; ok is false when no meeting was
// reported (no figure, rather than 0 %).
func (c MeetingCounts) Attendance() (p float64, ok bool) {
	if c.Expected == 0 {
		return 0, false
	}
	return percent(c.Present, c.Expected), true
}

// OrgMeetings is one organisation's meeting row.
type OrgMeetings struct {
	OrgID      int64
	Code       string
	Name       string // as it was then
	Kind       OrgKind
	ParentCode string
	Dissolved  bool
	Depth      int
	Own        MeetingCounts
	Total      MeetingCounts
}

// IsCell reports whether the row is a cell.
func (o OrgMeetings) IsCell() bool { return o.Kind == KindChiBo }

// existed reports whether the organisation existed on some day of
// [from, to] (days). An organisation without a founding day is taken to
// have existed before it was recorded, as a roster imported late would say.
func (o Organisation) existed(from, to time.Time, loc *time.Location) bool {
	if o.FoundedOn != nil && day(*o.FoundedOn).After(day(to)) {
		return false
	}
	if o.DissolvedAt != nil {
		d := o.DissolvedAt.In(loc)
		if day(d).Before(day(from)) {
			return false
		}
	}
	return true
}

// statTree is every organisation, named as it was at a moment, with its
// children in order.
type statTree struct {
	byID     map[int64]*Organisation
	children map[int64][]int64
}

// statOrgs loads the tree with each organisation's name as it was at at:
// the old name of the first rename after at, else today's name.
func (s *Storage) statOrgs(ctx context.Context, at time.Time) (statTree, error) {
	var orgs []Organisation
	err := s.sel(ctx, &orgs, `SELECT o.id, o.code, o.kind, o.parent_id, COALESCE(p.code, '') AS parent_code, o.created_at, o.dissolved_at, o.founded_on,
		COALESCE((SELECT h.old_value FROM organisation_history h WHERE h.org_id = o.id AND h.change = 'renamed' AND h.at > $1
			ORDER BY h.at, h.id LIMIT 1), o.name) AS name
		FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id ORDER BY o.name COLLATE sotay_vi, o.code`, at)
	if err != nil {
		return statTree{}, fmt.Errorf("storage: organisations for figures: %w", err)
	}
	t := statTree{byID: make(map[int64]*Organisation, len(orgs)), children: map[int64][]int64{}}
	for i := range orgs {
		o := &orgs[i]
		t.byID[o.ID] = o
		if o.ParentID != nil {
			t.children[*o.ParentID] = append(t.children[*o.ParentID], o.ID)
		}
	}
	return t, nil
}

// statRoot loads the tree as statOrgs does and finds the root of the
// figures of what in it.
func (s *Storage) statRoot(ctx context.Context, at time.Time, rootID int64, what string) (statTree, *Organisation, error) {
	tree, err := s.statOrgs(ctx, at)
	if err != nil {
		return tree, nil, err
	}
	root, ok := tree.byID[rootID]
	if !ok {
		return tree, nil, fmt.Errorf("storage: %s figures: organisation %d: %w", what, rootID, ErrNotFound)
	}
	return tree, root, nil
}

// withSubtree starts a query with t, the organisation whose id is id (a
// parameter such as "$1", or "ANY($2)" for several) and every one under it.
func withSubtree(id string) string {
	return `WITH RECURSIVE t AS (SELECT id FROM organisations WHERE id = ` + id + `
			UNION SELECT c.id FROM organisations c JOIN t ON c.parent_id = t.id)`
}

// periodEnd is the moment just after the last day of a period, in loc.
func periodEnd(to time.Time, loc *time.Location) time.Time {
	return time.Date(to.Year(), to.Month(), to.Day()+1, 0, 0, 0, 0, loc)
}

func (s *Storage) location() *time.Location { return s.now().Location() }

// MonthBounds returns the first and last day of the month of t.
func MonthBounds(t time.Time) (first, last time.Time) {
	first = monthStart(t)
	return first, first.AddDate(0, 1, -1)
}

// MeetingStats returns the meeting figures of the month of month under
// root: the root's row first, then every organisation under it that
// existed that month (or reported a meeting in it), in tree order, each
// counting its subtree.
func (s *Storage) MeetingStats(ctx context.Context, month time.Time, rootID int64) ([]OrgMeetings, error) {
	from, to := MonthBounds(month)
	var own []struct {
		OrgID    int64 `db:"org_id"`
		Regular  int   `db:"regular"`
		Thematic int   `db:"thematic"`
		Present  int   `db:"present"`
		Expected int   `db:"expected"`
	}
	err := s.sel(ctx, &own, `SELECT r.org_id,
			count(*) FILTER (WHERE v.kind IN `+regularKindsSQL+`) AS regular,
			count(*) FILTER (WHERE v.kind IN `+thematicKindsSQL+`) AS thematic,
			COALESCE(sum(v.present), 0) AS present, COALESCE(sum(v.total), 0) AS expected
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND r.held_on BETWEEN $1 AND $2 GROUP BY r.org_id`, from, to)
	if err != nil {
		return nil, fmt.Errorf("storage: meeting figures: %w", err)
	}
	counts := map[int64]MeetingCounts{}
	for _, c := range own {
		counts[c.OrgID] = MeetingCounts{Regular: c.Regular, Thematic: c.Thematic, Present: c.Present, Expected: c.Expected}
	}
	row := func(o *Organisation, depth int, c MeetingCounts) OrgMeetings {
		if o.Kind == KindChiBo {
			c.Cells = 1
			if c.Regular > 0 {
				c.CellsHeldRegular = 1
			}
		}
		return OrgMeetings{OrgID: o.ID, Code: o.Code, Name: o.Name, Kind: o.Kind, ParentCode: o.ParentCode,
			Dissolved: o.DissolvedAt != nil, Depth: depth, Own: c, Total: c}
	}
	return periodRows(ctx, s, from, to, rootID, "meeting", counts, row, func(r *OrgMeetings, sub OrgMeetings) { r.Total.Add(sub.Total) })
}

// periodRows lists root and the organisations under it that existed on
// some day of [from, to] or have figures in own for it, in tree order,
// named as at the end of the period; row makes an organisation's row of
// its own figures (zero when it has none) and add counts a subtree in.
func periodRows[C, R any](ctx context.Context, s *Storage, from, to time.Time, rootID int64, what string, own map[int64]C,
	row func(o *Organisation, depth int, c C) R, add func(r *R, sub R)) ([]R, error) {
	loc := s.location()
	tree, root, err := s.statRoot(ctx, periodEnd(to, loc), rootID, what)
	if err != nil {
		return nil, err
	}
	listed := func(o *Organisation, depth int) (R, bool) {
		c, reported := own[o.ID]
		if !reported && !o.existed(from, to, loc) && depth > 0 {
			var none R
			return none, false
		}
		return row(o, depth, c), true
	}
	return rollUp(tree, root, listed, add, nil), nil
}

// rollUp lists root and the organisations under it in tree order, each
// row made by row and counting its subtree through add. An organisation
// row leaves out is left out with its subtree, and so is one below the
// root that drop, once its subtree is counted, says to leave out (its
// counts still added to its parent's).
func rollUp[R any](tree statTree, root *Organisation, row func(o *Organisation, depth int) (R, bool), add func(r *R, sub R), drop func(R) bool) []R {
	var out []R
	var walk func(o *Organisation, depth int) (R, bool)
	walk = func(o *Organisation, depth int) (R, bool) {
		r, ok := row(o, depth)
		if !ok {
			return r, false
		}
		at := len(out)
		out = append(out, r) // the row comes before its children
		for _, id := range tree.children[o.ID] {
			if sub, ok := walk(tree.byID[id], depth+1); ok {
				add(&out[at], sub)
			}
		}
		r = out[at]
		if depth > 0 && drop != nil && drop(r) {
			out = out[:at] // the children were dropped too
		}
		return r, true
	}
	walk(root, 0)
	return out
}

// SupervisionCounts are the inspection and supervision figures of one
// organisation or subtree, for one body or both.
type SupervisionCounts struct {
	Inspections     int `db:"inspections"`
	Supervisions    int `db:"supervisions"`
	OrgsExamined    int `db:"orgs_examined"`
	MembersExamined int `db:"members_examined"`
	Violations      int `db:"violations"`
}

// Add adds o to c.
func (c *SupervisionCounts) Add(o SupervisionCounts) {
	c.Inspections += o.Inspections
	c.Supervisions += o.Supervisions
	c.OrgsExamined += o.OrgsExamined
	c.MembersExamined += o.MembersExamined
	c.Violations += o.Violations
}

// Reports counts inspections and supervisions together.
func (c SupervisionCounts) Reports() int { return c.Inspections + c.Supervisions }

// SupervisionFigures split the counts by the body that performed them.
type SupervisionFigures struct {
	Committee  SupervisionCounts // the committee or cell itself (cấp ủy)
	Commission SupervisionCounts // the đảng bộ's inspection commission (ủy ban kiểm tra)
}

// Add adds o to f.
func (f *SupervisionFigures) Add(o SupervisionFigures) {
	f.Committee.Add(o.Committee)
	f.Commission.Add(o.Commission)
}

// Sum is both bodies together.
func (f SupervisionFigures) Sum() SupervisionCounts {
	c := f.Committee
	c.Add(f.Commission)
	return c
}

// OrgSupervision is one organisation's supervision row.
type OrgSupervision struct {
	OrgID      int64
	Code       string
	Name       string
	Kind       OrgKind
	ParentCode string
	Dissolved  bool
	Depth      int
	// Own counts the reports the organisation performed; Total those
	// performed in its subtree.
	Own   SupervisionFigures
	Total SupervisionFigures
}

// SupervisionStats returns the inspection and supervision figures of the
// reports held on the days [from, to] under root: the root's row first,
// then every organisation under it that existed in the period (or
// reported in it), in tree order, each counting its subtree.
func (s *Storage) SupervisionStats(ctx context.Context, from, to time.Time, rootID int64) ([]OrgSupervision, error) {
	var own []struct {
		OrgID int64  `db:"org_id"`
		Body  string `db:"body"`
		SupervisionCounts
	}
	err := s.sel(ctx, &own, `SELECT r.org_id, v.body,
			count(*) FILTER (WHERE v.kind = 'kiem_tra') AS inspections,
			count(*) FILTER (WHERE v.kind = 'giam_sat') AS supervisions,
			COALESCE(sum(v.orgs_examined), 0) AS orgs_examined, COALESCE(sum(v.members_examined), 0) AS members_examined,
			COALESCE(sum(v.violations), 0) AS violations
		FROM reports r JOIN supervision_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'supervision' AND r.held_on BETWEEN $1 AND $2 GROUP BY r.org_id, v.body`, day(from), day(to))
	if err != nil {
		return nil, fmt.Errorf("storage: supervision figures: %w", err)
	}
	figures := map[int64]SupervisionFigures{}
	for _, c := range own {
		f := figures[c.OrgID]
		if c.Body == BodyCommission {
			f.Commission.Add(c.SupervisionCounts)
		} else {
			f.Committee.Add(c.SupervisionCounts)
		}
		figures[c.OrgID] = f
	}
	row := func(o *Organisation, depth int, f SupervisionFigures) OrgSupervision {
		return OrgSupervision{OrgID: o.ID, Code: o.Code, Name: o.Name, Kind: o.Kind, ParentCode: o.ParentCode,
			Dissolved: o.DissolvedAt != nil, Depth: depth, Own: f, Total: f}
	}
	return periodRows(ctx, s, from, to, rootID, "supervision", figures, row, func(r *OrgSupervision, sub OrgSupervision) { r.Total.Add(sub.Total) })
}

// Summary holds the figures of a period's report for one organisation's
// subtree.
type Summary struct {
	From, To time.Time // days, inclusive
	Root     struct {
		ID   int64
		Code string
		Name string
		Kind OrgKind
	}
	// Own is what the root performed itself, by body; Below what the
	// organisations under it performed.
	Own   SupervisionFigures
	Below SupervisionCounts
	// BelowOrgs counts the organisations under the root that performed
	// at least one inspection or supervision.
	BelowOrgs int

	// Months lists the months counted for regular meetings: those of the
	// period that have ended by its last day (the one month when none has).
	Months []time.Time
	// Cells counts the cells that existed in some counted month;
	// CellsMaintained those that reported a regular meeting in every
	// counted month they existed in.
	Cells, CellsMaintained int
	// Meetings sums every meeting held in the period.
	Meetings MeetingCounts
	// Laggards are the cells that missed a month, with the months missed.
	Laggards []CellMissed

	// Study counts members over the campaigns created in the period;
	// Campaigns how many there were.
	Study     StudyCounts
	Campaigns int

	// Compliance is the rest of what the rules ask (compliance.go).
	Compliance Compliance
}

// CellMissed is a cell that missed its regular meeting in some months.
type CellMissed struct {
	Code, Name string
	Missed     []time.Time
}

// CountedMonths are the months of [from, to] that have ended by to, or the
// month of to when none has.
func CountedMonths(from, to time.Time) []time.Time {
	var out []time.Time
	for m := monthStart(from); !m.After(to); m = m.AddDate(0, 1, 0) {
		if _, last := MonthBounds(m); !last.After(day(to)) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		out = append(out, monthStart(to))
	}
	return out
}

// PeriodSummary gathers the summary of the days [from, to] under root.
func (s *Storage) PeriodSummary(ctx context.Context, from, to time.Time, rootID int64) (Summary, error) {
	loc := s.location()
	sum := Summary{From: day(from), To: day(to), Months: CountedMonths(from, to)}
	sup, err := s.SupervisionStats(ctx, from, to, rootID)
	if err != nil {
		return sum, err
	}
	r := sup[0]
	sum.Root.ID, sum.Root.Code, sum.Root.Name, sum.Root.Kind = r.OrgID, r.Code, r.Name, r.Kind
	sum.Own = r.Own
	for _, o := range sup[1:] {
		if o.Own.Sum().Reports() > 0 {
			sum.BelowOrgs++
			sum.Below.Add(o.Own.Sum())
		}
	}

	tree, err := s.statOrgs(ctx, periodEnd(to, loc))
	if err != nil {
		return sum, err
	}
	var cells []*Organisation
	var subtree []int64
	var collect func(id int64)
	collect = func(id int64) {
		o := tree.byID[id]
		subtree = append(subtree, id)
		if o.Kind == KindChiBo {
			cells = append(cells, o)
		}
		for _, c := range tree.children[id] {
			collect(c)
		}
	}
	collect(rootID)
	var held []struct {
		OrgID int64     `db:"org_id"`
		Month time.Time `db:"month"`
	}
	first, last := sum.Months[0], sum.Months[len(sum.Months)-1]
	_, lastDay := MonthBounds(last)
	if err := s.sel(ctx, &held, `SELECT DISTINCT r.org_id, date_trunc('month', r.held_on)::date AS month
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND v.kind IN `+regularKindsSQL+` AND r.held_on BETWEEN $1 AND $2`, first, lastDay); err != nil {
		return sum, fmt.Errorf("storage: summary meetings: %w", err)
	}
	heldIn := map[int64]map[time.Time]bool{}
	for _, h := range held {
		if heldIn[h.OrgID] == nil {
			heldIn[h.OrgID] = map[time.Time]bool{}
		}
		heldIn[h.OrgID][day(h.Month)] = true
	}
	for _, c := range cells {
		var missed []time.Time
		existed := 0
		for _, m := range sum.Months {
			mFrom, mTo := MonthBounds(m)
			if !heldIn[c.ID][m] && !c.existed(mFrom, mTo, loc) {
				continue
			}
			existed++
			if !heldIn[c.ID][m] {
				missed = append(missed, m)
			}
		}
		if existed == 0 {
			continue
		}
		sum.Cells++
		if len(missed) == 0 {
			sum.CellsMaintained++
		} else {
			sum.Laggards = append(sum.Laggards, CellMissed{Code: c.Code, Name: c.Name, Missed: missed})
		}
	}
	var m MeetingCounts
	if err := s.get(ctx, &m, withSubtree("$1")+`
		SELECT count(*) FILTER (WHERE v.kind IN `+regularKindsSQL+`) AS regular, count(*) FILTER (WHERE v.kind IN `+thematicKindsSQL+`) AS thematic,
			COALESCE(sum(v.present), 0) AS present, COALESCE(sum(v.total), 0) AS expected
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND r.held_on BETWEEN $2 AND $3 AND r.org_id IN (SELECT id FROM t)`, rootID, day(from), day(to)); err != nil {
		return sum, fmt.Errorf("storage: summary attendance: %w", err)
	}
	sum.Meetings = m
	if sum.Compliance, err = s.compliance(ctx, from, to, cells); err != nil {
		return sum, err
	}

	startAt := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	own, err := s.studyOwn(ctx, StudyFilter{From: startAt, To: periodEnd(to, loc)})
	if err != nil {
		return sum, err
	}
	for _, id := range subtree {
		sum.Study.Add(own[id])
	}
	if err := s.get(ctx, &sum.Campaigns, withSubtree("$1")+`
		SELECT count(DISTINCT a.campaign_id) FROM study_counts a JOIN campaigns c ON c.id = a.campaign_id
		WHERE c.created_at >= $2 AND c.created_at < $3 AND a.assigned > 0 AND a.org_id IN (SELECT id FROM t)`, rootID, startAt, periodEnd(to, loc)); err != nil {
		return sum, fmt.Errorf("storage: summary campaigns: %w", err)
	}
	return sum, nil
}

// Laggard is a member who has not studied a document assigned to them, in
// their furthest state, at the organisation the assignment placed them.
type Laggard struct {
	MemberID int64  `db:"member_id"`
	Code     string `db:"code"`
	FullName string `db:"full_name"`
	OrgCode  string `db:"org_code"`
	OrgName  string `db:"org_name"`
	State    string `db:"state"`
}

// Laggards lists who has not studied yet under root (dissolved parts
// included), for the assignments f picks, by organisation then name.
func (s *Storage) Laggards(ctx context.Context, f StudyFilter, rootID int64) ([]Laggard, error) {
	where, args := f.where()
	if where == "" {
		return nil, Errorf(CodeInvalid, "Chưa chọn văn bản, đợt gửi hoặc khoảng thời gian.")
	}
	args = append(args, rootID)
	return selectAll[Laggard](ctx, s, "laggards", withSubtree(fmt.Sprintf("$%d", len(args)))+`,
		x AS (SELECT DISTINCT ON (a.member_id, a.document_id) a.member_id, a.org_id, a.state
			FROM assignments a JOIN campaigns c ON c.id = a.campaign_id WHERE `+where+`
			ORDER BY a.member_id, a.document_id, `+stateRank("a.state")+` DESC, a.id)
		SELECT * FROM (SELECT DISTINCT ON (x.member_id) x.member_id, m.code, m.full_name, o.code AS org_code, o.name AS org_name, x.state
			FROM x JOIN members m ON m.id = x.member_id JOIN organisations o ON o.id = x.org_id
			WHERE x.org_id IN (SELECT id FROM t) AND x.state NOT IN ('studied', 'studied_offline')
			ORDER BY x.member_id, `+stateRank("x.state")+`) y
		ORDER BY org_name COLLATE sotay_vi, full_name COLLATE sotay_vi, member_id`, args...)
}

// StudiedDocument is a document pushed to some member under an
// organisation, for the study picker.
type StudiedDocument struct {
	ID     int64     `db:"id"`
	Kind   string    `db:"kind"`
	Number string    `db:"number"`
	Title  string    `db:"title"`
	Last   time.Time `db:"last"`
}

// StudiedDocuments lists the documents assigned to members under root
// (dissolved parts included), most recently pushed first, at most limit.
func (s *Storage) StudiedDocuments(ctx context.Context, rootID int64, limit int) ([]StudiedDocument, error) {
	return selectAll[StudiedDocument](ctx, s, fmt.Sprintf("studied documents under %d", rootID), withSubtree("$1")+`
		SELECT d.id, d.kind, d.number, d.title, max(c.created_at) AS last
		FROM campaigns c JOIN documents d ON d.id = c.document_id
		WHERE EXISTS (SELECT 1 FROM assignments a WHERE a.campaign_id = c.id AND a.org_id IN (SELECT id FROM t))
		GROUP BY d.id ORDER BY last DESC, d.id DESC LIMIT $2`, rootID, limit)
}

// StudyFigures returns the rows StudyRates returns, read from the
// study_counts roll-up (migration 0011) instead of the assignments: a few
// rows per campaign and organisation. Organisations are named as they were
// at the end of the period asked for (StudyRates: today). A document assigned in several of the chosen
// campaigns is counted from its assignments, once per member in the
// furthest state, as StudyRates does.
func (s *Storage) StudyFigures(ctx context.Context, f StudyFilter, rootID int64) ([]OrgStudy, error) {
	own, err := s.studyOwn(ctx, f)
	if err != nil {
		return nil, err
	}
	// Names as they were at the end of a period asked for.
	at := s.now()
	if !f.To.IsZero() && f.To.Before(at) {
		at = f.To
	}
	return s.studyRows(ctx, own, at, rootID)
}

// studyOwn counts the assignments f picks per organisation they placed
// the member in (see StudyFigures).
func (s *Storage) studyOwn(ctx context.Context, f StudyFilter) (map[int64]StudyCounts, error) {
	where, args := f.where()
	if where == "" {
		return nil, Errorf(CodeInvalid, "Chưa chọn văn bản, đợt gửi hoặc khoảng thời gian để tính tỷ lệ.")
	}
	// "a" is a campaign's own (document_id, campaign_id) here, so that the
	// same condition picks campaigns.
	dups := []int64{} // never NULL: x <> ALL(NULL) is not true
	if err := s.sel(ctx, &dups, `SELECT a.document_id FROM campaigns c
		CROSS JOIN LATERAL (SELECT c.document_id, c.id AS campaign_id) a
		WHERE `+where+` GROUP BY a.document_id HAVING count(*) > 1`, args...); err != nil {
		return nil, fmt.Errorf("storage: study figures: %w", err)
	}
	var rows []struct {
		OrgID int64 `db:"org_id"`
		StudyCounts
	}
	dupArg := fmt.Sprintf("$%d", len(args)+1)
	sums := `sum(a.assigned) AS assigned, sum(a.pending) AS pending, sum(a.delivered) AS delivered, sum(a.read) AS read,
		sum(a.studied) AS studied, sum(a.studied_offline) AS studied_offline, sum(a.unreachable) AS unreachable, sum(a.failed) AS failed,
		sum(a.listened) AS listened`
	q := `SELECT a.org_id, ` + sums + ` FROM study_counts a JOIN campaigns c ON c.id = a.campaign_id
		WHERE ` + where + ` AND a.document_id <> ALL(` + dupArg + `) GROUP BY a.org_id`
	if len(dups) > 0 {
		q += ` UNION ALL SELECT org_id, count(*) AS assigned,
			count(*) FILTER (WHERE state = 'pending') AS pending, count(*) FILTER (WHERE state = 'delivered') AS delivered,
			count(*) FILTER (WHERE state = 'read') AS read, count(*) FILTER (WHERE state = 'studied') AS studied,
			count(*) FILTER (WHERE state = 'studied_offline') AS studied_offline,
			count(*) FILTER (WHERE state = 'unreachable') AS unreachable, count(*) FILTER (WHERE state = 'failed') AS failed,
			count(*) FILTER (WHERE listened) AS listened
			FROM (SELECT DISTINCT ON (a.member_id, a.document_id) a.org_id, a.state,
				bool_or(a.listened_at IS NOT NULL) OVER (PARTITION BY a.member_id, a.document_id) AS listened
			FROM assignments a JOIN campaigns c ON c.id = a.campaign_id WHERE ` + where + ` AND a.document_id = ANY(` + dupArg + `)
			ORDER BY a.member_id, a.document_id, ` + stateRank("a.state") + ` DESC, a.id) x GROUP BY org_id`
	}
	if err := s.sel(ctx, &rows, q, append(args, int64Array(dups))...); err != nil {
		return nil, fmt.Errorf("storage: study figures: %w", err)
	}
	own := map[int64]StudyCounts{}
	for _, r := range rows {
		c := own[r.OrgID]
		c.Add(r.StudyCounts)
		own[r.OrgID] = c
	}
	return own, nil
}
