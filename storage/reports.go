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

// MeetingKindName is the Vietnamese name of a meeting kind.
func MeetingKindName(kind string) string {
	if kind == MeetingTopical {
		return "chuyên đề"
	}
	return "thường kỳ"
}

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

// MeetingInput is one version of a meeting report.
type MeetingInput struct {
	// ReportID 0 makes a new report; otherwise this is a new version of it.
	ReportID int64
	// Change is ChangeCorrected or ChangeReplaced for a new version.
	Change        string
	OrgID         int64
	Kind          string
	HeldOn        time.Time
	Present       int
	Total         int
	AbsentReasons string
	Topic         string
	MinutesFile   string // Telegram file_id of the minutes photo
	By            int64  // the member who reports

	// MinutesStore is the minutes photo in the file store (0: none, or
	// only its Telegram file_id is kept).
	MinutesStore int64
}

// SupervisionInput is one version of an inspection or supervision report.
type SupervisionInput struct {
	ReportID        int64
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

// Validate checks a meeting report by its fields' rules (fields.go): the
// day given, the kind as stored, present and total, and the texts. That
// the day has come is checked where today is known (CheckReportDay); what
// storage alone knows (a second regular meeting in a month) is checked as
// it is stored.
func (in MeetingInput) Validate() error {
	if err := CheckReportDaySet(in.HeldOn); err != nil {
		return err
	}
	if err := stored(in.Kind, ReadMeetingKind, noMeetingKind); err != nil {
		return err
	}
	if err := CheckAttendance(in.Present, in.Total, true); err != nil {
		return err
	}
	if err := CheckText(FieldTopic, "Nội dung sinh hoạt", in.Topic); err != nil {
		return err
	}
	return CheckText(FieldAbsent, "Phần vắng mặt", in.AbsentReasons)
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

// MeetingReport is a meeting report as of one version (the latest, unless
// read from its history).
type MeetingReport struct {
	reportHead
	Kind          string `db:"kind"`
	Present       int    `db:"present"`
	Total         int    `db:"total"`
	AbsentReasons string `db:"absent_reasons"`
	Topic         string `db:"topic"`
	MinutesFile   string `db:"minutes_file"`
	MinutesStore  int64  `db:"minutes_store_id"`
}

// HasMinutes reports whether the report has a minutes photo, in the file
// store or only as a Telegram file_id.
func (m MeetingReport) HasMinutes() bool { return m.MinutesFile != "" || m.MinutesStore != 0 }

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

const meetingSelect = `SELECT ` + reportHeadColumns + `, v.kind, v.present, v.total, v.absent_reasons, v.topic, v.minutes_file,
	COALESCE(v.minutes_store_id, 0) AS minutes_store_id
	FROM reports r JOIN meeting_versions v ON v.report_id = r.id
	JOIN organisations o ON o.id = r.org_id LEFT JOIN members m ON m.id = v.reported_by `

const supervisionSelect = `SELECT ` + reportHeadColumns + `, v.body, v.kind, v.orgs_examined, v.members_examined,
	v.violations, v.content, v.measures
	FROM reports r JOIN supervision_versions v ON v.report_id = r.id
	JOIN organisations o ON o.id = r.org_id LEFT JOIN members m ON m.id = v.reported_by `

// monthStart is the first day of t's month.
func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// SaveMeetingReport stores a new meeting report, or a new version of one.
// A second regular meeting of the same cell in the same month is
// ErrConflict: the caller asks whether to replace the first (a new version
// of it with Change ChangeReplaced).
func (s *Storage) SaveMeetingReport(ctx context.Context, in MeetingInput) (MeetingReport, error) {
	var out MeetingReport
	if err := in.Validate(); err != nil {
		return out, err
	}
	var regular *time.Time
	if in.Kind == MeetingRegular {
		m := monthStart(in.HeldOn)
		regular = &m
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		id, version, err := s.nextVersion(ctx, ReportMeeting, in.ReportID, in.OrgID, regular, in.HeldOn)
		if err != nil {
			return err
		}
		change := versionChange(version, in.Change)
		if _, err := s.exec(ctx, `INSERT INTO meeting_versions (report_id, version, kind, held_on, present, total,
			absent_reasons, topic, minutes_file, minutes_store_id, change, reported_by, reported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
			id, version, in.Kind, day(in.HeldOn), in.Present, in.Total, in.AbsentReasons, in.Topic, in.MinutesFile, nullID(in.MinutesStore),
			change, nullID(in.By), s.now()); err != nil {
			return fmt.Errorf("storage: meeting report %d: %w", id, err)
		}
		out, err = s.MeetingReport(ctx, id)
		return err
	})
	return out, err
}

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
			in.Content, in.Measures, change, nullID(in.By), s.now()); err != nil {
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

func errDuplicateRegular(month *time.Time) error {
	m := ""
	if month != nil {
		m = month.Format("01/2006")
	}
	return Errorf(CodeConflict, "Chi bộ đã có báo cáo sinh hoạt thường kỳ tháng %s.", m)
}

// MeetingReport returns a meeting report as of its latest version.
func (s *Storage) MeetingReport(ctx context.Context, id int64) (MeetingReport, error) {
	return latestReport[MeetingReport](ctx, s, ReportMeeting, meetingSelect, id)
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

// MeetingVersions returns every version of a meeting report, oldest first.
func (s *Storage) MeetingVersions(ctx context.Context, id int64) ([]MeetingReport, error) {
	return selectAll[MeetingReport](ctx, s, fmt.Sprintf("versions of meeting report %d", id), meetingSelect+`WHERE r.id = $1 ORDER BY v.version`, id)
}

// SupervisionVersions returns every version of a supervision report, oldest first.
func (s *Storage) SupervisionVersions(ctx context.Context, id int64) ([]SupervisionReport, error) {
	return selectAll[SupervisionReport](ctx, s, fmt.Sprintf("versions of supervision report %d", id), supervisionSelect+`WHERE r.id = $1 ORDER BY v.version`, id)
}

// RegularMeeting returns the regular meeting report of a cell for the month
// of day, if there is one.
func (s *Storage) RegularMeeting(ctx context.Context, orgID int64, day time.Time) (MeetingReport, error) {
	var id int64
	if err := s.get(ctx, &id, `SELECT id FROM reports WHERE type = 'meeting' AND org_id = $1 AND regular_month = $2`, orgID, monthStart(day)); err != nil {
		return MeetingReport{}, fmt.Errorf("storage: regular meeting of %d: %w", orgID, err)
	}
	return s.MeetingReport(ctx, id)
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

// MeetingReports lists meeting reports (latest versions) by the filter.
func (s *Storage) MeetingReports(ctx context.Context, f ReportFilter) ([]MeetingReport, error) {
	return latestReports[MeetingReport](ctx, s, ReportMeeting, meetingSelect, f)
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

// MembersOn counts the members of an organisation on a day: those whose
// membership covers it, and those recorded there first only later (a
// roster imported after the day: they are taken to have been there).
func (s *Storage) MembersOn(ctx context.Context, orgID int64, on time.Time) (int, error) {
	end := time.Date(on.Year(), on.Month(), on.Day(), 23, 59, 59, 0, s.now().Location())
	var n int
	err := s.get(ctx, &n, `SELECT count(DISTINCT m.id) FROM members m
		WHERE EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.org_id = $1
				AND mo.from_at <= $2 AND (mo.to_at IS NULL OR mo.to_at > $2))
		   OR (SELECT mo.org_id FROM member_organisations mo WHERE mo.member_id = m.id AND mo.from_at > $2
				ORDER BY mo.from_at, mo.id LIMIT 1) = $1
		      AND NOT EXISTS (SELECT 1 FROM member_organisations mo WHERE mo.member_id = m.id AND mo.from_at <= $2)`, orgID, end)
	if err != nil {
		return 0, fmt.Errorf("storage: members of %d on %s: %w", orgID, on.Format("2006-01-02"), err)
	}
	return n, nil
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
