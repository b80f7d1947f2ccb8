package storage

import (
	"context"
	"fmt"
	"time"
)

// Reports by message: a cell's meeting (sinh hoạt chi bộ) and an inspection
// or supervision (kiểm tra, giám sát). A report is never overwritten: a
// correction or a replacement adds a version with who made it and when,
// and every figure reads the latest version.

// Report types, meeting kinds, supervision kinds and bodies as stored.
const (
	ReportMeeting     = "meeting"
	ReportSupervision = "supervision"

	MeetingRegular = "thuong_ky"
	MeetingTopical = "chuyen_de"
	// MeetingCombined is a regular meeting with a thematic part in the
	// same session: it counts as both.
	MeetingCombined = "thuong_ky_chuyen_de"

	SupervisionInspection = "kiem_tra"
	SupervisionMonitoring = "giam_sat"

	BodyCommittee  = "cap_uy"
	BodyCommission = "ubkt"

	ReportSubmitted = "submitted"
	ReportReviewed  = "reviewed"
	ReportReturned  = "returned"

	ChangeCreated   = "created"
	ChangeCorrected = "corrected"
	ChangeReplaced  = "replaced"
)

// SupervisionKindName is the Vietnamese name of a supervision kind.
func SupervisionKindName(kind string) string {
	if kind == SupervisionInspection {
		return "kiểm tra"
	}
	return "giám sát"
}

// BodyName is who performed a supervision, in Vietnamese.
func BodyName(body string) string {
	if body == BodyCommission {
		return "Ủy ban Kiểm tra"
	}
	return "Cấp ủy"
}

// SupervisionInput is one version of an inspection or supervision report.
type SupervisionInput struct {
	ReportID int64
	// Acted is when the member sent it, as MeetingInput.Acted.
	Acted           time.Time
	Change          string
	OrgID           int64
	Body            string
	Kind            string
	HeldOn          time.Time
	OrgsExamined    int
	MembersExamined int
	Violations      int
	Content         string
	Measures        string
	By              int64
}

// Validate checks an inspection or supervision report by its fields'
// rules (fields.go); a Body left empty is the committee's. That the day
// has come is checked where today is known (CheckReportDay).
func (in SupervisionInput) Validate() error {
	if err := CheckReportDaySet(in.HeldOn); err != nil {
		return err
	}
	if err := stored(in.Kind, ReadSupervisionKind, noSupervisionKind); err != nil {
		return err
	}
	if in.Body != "" {
		if err := stored(in.Body, ReadBody, noBody); err != nil {
			return err
		}
	}
	if err := CheckCount(FieldOrgs, in.OrgsExamined); err != nil {
		return err
	}
	if err := CheckCount(FieldMembers, in.MembersExamined); err != nil {
		return err
	}
	if err := CheckViolations(in.Violations); err != nil {
		return err
	}
	if err := CheckText(FieldContent, "Nội dung", in.Content); err != nil {
		return err
	}
	return CheckText(FieldMeasures, "Biện pháp đã thực hiện", in.Measures)
}

// stored checks a code as stored by the rule that reads its field (read):
// it must read as itself, as a button's code does (words such as "thường
// kỳ" are for people, not for storage); refuse is the field's refusal.
func stored(code string, read func(string) (string, error), refuse func(string) error) error {
	if k, _ := read(code); k == "" || k != code {
		return refuse(code)
	}
	return nil
}

// reportHead is what every report shares.
type reportHead struct {
	ID             int64      `db:"id"`
	OrgID          int64      `db:"org_id"`
	OrgCode        string     `db:"org_code"`
	OrgName        string     `db:"org_name"`
	Version        int        `db:"version"`
	State          string     `db:"state"`
	ReviewComment  string     `db:"review_comment"`
	ReviewedAt     *time.Time `db:"reviewed_at"`
	Change         string     `db:"change"`
	HeldOn         time.Time  `db:"held_on"`
	ReportedBy     *int64     `db:"reported_by"`
	ReportedByCode string     `db:"reported_by_code"`
	ReportedByName string     `db:"reported_by_name"`
	ReportedAt     time.Time  `db:"reported_at"`
}

// SupervisionReport is an inspection or supervision report as of one version.
type SupervisionReport struct {
	reportHead
	Body            string `db:"body"`
	Kind            string `db:"kind"`
	OrgsExamined    int    `db:"orgs_examined"`
	MembersExamined int    `db:"members_examined"`
	Violations      int    `db:"violations"`
	Content         string `db:"content"`
	Measures        string `db:"measures"`
}

const reportHeadColumns = `r.id, r.org_id, o.code AS org_code, o.name AS org_name, v.version, r.state, r.review_comment,
	r.reviewed_at, v.change, v.held_on, v.reported_by, COALESCE(m.code, '') AS reported_by_code,
	COALESCE(m.full_name, '') AS reported_by_name, v.reported_at`

const supervisionSelect = `SELECT ` + reportHeadColumns + `, v.body, v.kind, v.orgs_examined, v.members_examined,
	v.violations, v.content, v.measures
	FROM reports r JOIN supervision_versions v ON v.report_id = r.id
	JOIN organisations o ON o.id = r.org_id LEFT JOIN members m ON m.id = v.reported_by `

// monthStart is the first day of t's month.
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// SaveSupervisionReport stores a new inspection or supervision report, or
// a new version of one.
func (s *Storage) SaveSupervisionReport(ctx context.Context, in SupervisionInput) (SupervisionReport, error) {
	var out SupervisionReport
	if err := in.Validate(); err != nil {
		return out, err
	}
	if in.Body == "" {
		in.Body = BodyCommittee
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		id, version, err := s.nextVersion(ctx, ReportSupervision, in.ReportID, in.OrgID, nil, in.HeldOn)
		if err != nil {
			return err
		}
		// Replacing is for a second regular meeting of a month: a
		// supervision report is only ever corrected.
		change := versionChange(version, ChangeCorrected)
		if _, err := s.exec(ctx, `INSERT INTO supervision_versions (report_id, version, body, kind, held_on, orgs_examined,
			members_examined, violations, content, measures, change, reported_by, reported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			id, version, in.Body, in.Kind, day(in.HeldOn), in.OrgsExamined, in.MembersExamined, in.Violations,
			in.Content, in.Measures, change, nullID(in.By), ActionTime(in.Acted, s.now(), day(in.HeldOn).Add(-14*time.Hour))); err != nil {
			return fmt.Errorf("storage: supervision report %d: %w", id, err)
		}
		out, err = s.SupervisionReport(ctx, id)
		return err
	})
	return out, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// nextVersion creates the report row (id 0) or locks it and moves it to
// its next version; it returns the report's id and the version to write.
func (s *Storage) nextVersion(ctx context.Context, typ string, id, orgID int64, regular *time.Time, heldOn time.Time) (int64, int, error) {
	if id == 0 {
		err := s.get(ctx, &id, `INSERT INTO reports (type, org_id, regular_month, held_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			typ, orgID, regular, day(heldOn), s.now())
		if isUniqueViolation(err) {
			return 0, 0, errDuplicateRegular(regular)
		}
		if err != nil {
			return 0, 0, fmt.Errorf("storage: new %s report: %w", typ, err)
		}
		return id, 1, nil
	}
	var cur struct {
		Type    string `db:"type"`
		OrgID   int64  `db:"org_id"`
		Version int    `db:"version"`
	}
	if err := s.get(ctx, &cur, `SELECT type, org_id, version FROM reports WHERE id = $1 FOR UPDATE`, id); err != nil {
		return 0, 0, fmt.Errorf("storage: report %d: %w", id, err)
	}
	if cur.Type != typ || cur.OrgID != orgID {
		return 0, 0, fmt.Errorf("storage: report %d: %w", id, ErrNotFound)
	}
	_, err := s.exec(ctx, `UPDATE reports SET version = $2, regular_month = $3, held_on = $4, state = 'submitted' WHERE id = $1`,
		id, cur.Version+1, regular, day(heldOn))
	if isUniqueViolation(err) {
		return 0, 0, errDuplicateRegular(regular)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("storage: report %d: %w", id, err)
	}
	return id, cur.Version + 1, nil
}

// versionChange is what a version of a report records: ChangeCreated for
// the first, then ChangeReplaced when asked for, else ChangeCorrected.
func versionChange(version int, asked string) string {
	switch {
	case version == 1:
		return ChangeCreated
	case asked == ChangeReplaced:
		return ChangeReplaced
	}
	return ChangeCorrected
}

// SupervisionReport returns a supervision report as of its latest version.
func (s *Storage) SupervisionReport(ctx context.Context, id int64) (SupervisionReport, error) {
	return latestReport[SupervisionReport](ctx, s, ReportSupervision, supervisionSelect, id)
}

// latestReport reads report id of type typ as of its latest version with
// selectFrom, meetingSelect or supervisionSelect.
func latestReport[T any](ctx context.Context, s *Storage, typ, selectFrom string, id int64) (T, error) {
	var r T
	if err := s.get(ctx, &r, selectFrom+`WHERE r.id = $1 AND r.type = '`+typ+`' AND v.version = r.version`, id); err != nil {
		return r, fmt.Errorf("storage: %s report %d: %w", typ, id, err)
	}
	return r, nil
}

// SupervisionVersions returns every version of a supervision report, oldest first.
func (s *Storage) SupervisionVersions(ctx context.Context, id int64) ([]SupervisionReport, error) {
	return selectAll[SupervisionReport](ctx, s, fmt.Sprintf("versions of supervision report %d", id), supervisionSelect+`WHERE r.id = $1 ORDER BY v.version`, id)
}

// ReportFilter selects reports by the day they were held and by subtree.
type ReportFilter struct {
	From, To time.Time // days, inclusive; zero for no bound
	// Roots are organisations whose subtrees (dissolved parts included)
	// the reports lie in; none for everywhere.
	Roots []int64
	// Newest lists the most recently reported first, at most Limit.
	Newest bool
	Limit  int
	// State, when set, keeps reports in that state.
	State string
}

func (f ReportFilter) where(args *[]any) string {
	w := ""
	if !f.From.IsZero() {
		*args = append(*args, day(f.From))
		w += fmt.Sprintf(" AND r.held_on >= $%d", len(*args))
	}
	if !f.To.IsZero() {
		*args = append(*args, day(f.To))
		w += fmt.Sprintf(" AND r.held_on <= $%d", len(*args))
	}
	if f.State != "" {
		*args = append(*args, f.State)
		w += fmt.Sprintf(" AND r.state = $%d", len(*args))
	}
	if f.Roots != nil {
		*args = append(*args, int64Array(f.Roots))
		w += ` AND r.org_id IN (` + withSubtree(fmt.Sprintf("ANY($%d)", len(*args))) + ` SELECT id FROM t)`
	}
	return w
}

func (f ReportFilter) order() string {
	o := ` ORDER BY r.held_on, o.code, r.id`
	if f.Newest {
		o = ` ORDER BY v.reported_at DESC, r.id DESC`
	}
	if f.Limit > 0 {
		o += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	return o
}

// SupervisionReports lists supervision reports (latest versions) by the filter.
func (s *Storage) SupervisionReports(ctx context.Context, f ReportFilter) ([]SupervisionReport, error) {
	return latestReports[SupervisionReport](ctx, s, ReportSupervision, supervisionSelect, f)
}

// latestReports lists the reports of type typ (latest versions) by the
// filter, read as latestReport reads one.
func latestReports[T any](ctx context.Context, s *Storage, typ, selectFrom string, f ReportFilter) ([]T, error) {
	args := []any{}
	q := selectFrom + `WHERE r.type = '` + typ + `' AND v.version = r.version` + f.where(&args) + f.order()
	return selectAll[T](ctx, s, typ+" reports", q, args...)
}

// ReportInfo is what review needs of any report.
type ReportInfo struct {
	ID         int64  `db:"id"`
	Type       string `db:"type"`
	OrgID      int64  `db:"org_id"`
	Version    int    `db:"version"`
	State      string `db:"state"`
	ReportedBy *int64 `db:"reported_by"`
}

// ReportByID returns the type, organisation, state and latest reporter of a report.
func (s *Storage) ReportByID(ctx context.Context, id int64) (ReportInfo, error) {
	var r ReportInfo
	err := s.get(ctx, &r, `SELECT r.id, r.type, r.org_id, r.version, r.state,
		COALESCE(mv.reported_by, sv.reported_by) AS reported_by
		FROM reports r
		LEFT JOIN meeting_versions mv ON mv.report_id = r.id AND mv.version = r.version
		LEFT JOIN supervision_versions sv ON sv.report_id = r.id AND sv.version = r.version
		WHERE r.id = $1`, id)
	if err != nil {
		return r, fmt.Errorf("storage: report %d: %w", id, err)
	}
	return r, nil
}

// ReviewReport marks a report reviewed (comment "") or returns it with a
// comment for the reporter to correct.
func (s *Storage) ReviewReport(ctx context.Context, id, by int64, comment string) error {
	if err := CheckText(FieldComment, "Ý kiến", comment); err != nil {
		return err
	}
	state := ReportReviewed
	if comment != "" {
		state = ReportReturned
	}
	_, err := s.exec(ctx, `UPDATE reports SET state = $2, review_comment = $3, reviewed_by = $4, reviewed_at = $5 WHERE id = $1`,
		id, state, comment, nullID(by), s.now())
	if err != nil {
		return fmt.Errorf("storage: review report %d: %w", id, err)
	}
	return nil
}

// SubtreeSize counts the organisations in a subtree (not dissolved) and
// their active members.
func (s *Storage) SubtreeSize(ctx context.Context, rootID int64) (orgs, members int, err error) {
	var c struct {
		Orgs    int `db:"orgs"`
		Members int `db:"members"`
	}
	err = s.get(ctx, &c, `WITH RECURSIVE t AS (
			SELECT id FROM organisations WHERE id = $1
			UNION ALL
			SELECT c.id FROM organisations c JOIN t ON c.parent_id = t.id WHERE c.dissolved_at IS NULL)
		SELECT (SELECT count(*) FROM t) AS orgs,
		       (SELECT count(*) FROM members m JOIN t ON t.id = m.org_id WHERE m.active) AS members`, rootID)
	if err != nil {
		return 0, 0, fmt.Errorf("storage: size of %d: %w", rootID, err)
	}
	return c.Orgs, c.Members, nil
}
