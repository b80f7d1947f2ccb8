package storage

import (
	"context"
	"fmt"
	"time"
)

// Meeting reports (sinh hoạt chi bộ): each version with its kind, day, start
// and end, attendance (counted, and by name where given), topic, the
// documents studied at it and the minutes' photo. Attendance by name is in
// attendance.go, the documents studied in meeting_studied.go; what every
// report shares (versions, review, the filter) in reports.go.

// MeetingKindName is the Vietnamese name of a meeting kind.
func MeetingKindName(kind string) string {
	switch kind {
	case MeetingTopical:
		return "chuyên đề"
	case MeetingCombined:
		return "thường kỳ + chuyên đề"
	}
	return "thường kỳ"
}

// IsRegularMeeting reports whether a meeting of this kind is the cell's
// regular (monthly) one: a regular meeting or a combined session.
func IsRegularMeeting(kind string) bool { return kind == MeetingRegular || kind == MeetingCombined }

// IsThematicMeeting reports whether a meeting of this kind holds a
// thematic part: a thematic meeting or a combined session.
func IsThematicMeeting(kind string) bool { return kind == MeetingTopical || kind == MeetingCombined }

// SQL lists of the kinds IsRegularMeeting and IsThematicMeeting accept, for
// the figures.
const (
	regularKindsSQL  = `('thuong_ky', 'thuong_ky_chuyen_de')`
	thematicKindsSQL = `('chuyen_de', 'thuong_ky_chuyen_de')`
)

// MeetingInput is one version of a meeting report.
type MeetingInput struct {
	// ReportID 0 makes a new report; otherwise this is a new version of it.
	ReportID int64
	// Acted is when the member sent it (a web action sent after the network
	// returned); it is recorded then when plausible (ActionTime, not
	// before the meeting's day in any time zone), and now otherwise.
	// Zero: now.
	Acted time.Time
	// Change is ChangeCorrected or ChangeReplaced for a new version.
	Change string
	OrgID  int64
	Kind   string
	HeldOn time.Time
	// Starts and Ends are the local times the meeting began and ended on
	// HeldOn, both or neither (an end before the start is after midnight).
	Starts, Ends *DayTime
	Present      int
	Total        int
	// Attendance, when given, names every member of the cell on HeldOn
	// (CellMembersOn) as present, absent with a reason, or absent without:
	// Present and Total are then its counts. A count-only report has none,
	// and may say who was absent in AbsentReasons, free text.
	Attendance    []Attendee
	AbsentReasons string
	Topic         string
	// Studied are the campaigns whose documents were studied at the
	// meeting, each assigned in the cell.
	Studied     []int64
	MinutesFile string // Telegram file_id of the minutes photo
	By          int64  // the member who reports

	// MinutesStore is the minutes photo in the file store (0: none, or
	// only its Telegram file_id is kept).
	MinutesStore int64
}

// Validate checks a meeting report by its fields' rules (fields.go,
// attendance.go): the day given, the kind as stored, the start and end,
// present and total and the attendance by name that they count, the
// texts, and the campaigns studied. That the day has come is checked where
// today is known (CheckReportDay); what storage alone knows (a second
// regular meeting in a month, the cell's members, its campaigns) is
// checked as it is stored.
func (in MeetingInput) Validate() error {
	if err := CheckReportDaySet(in.HeldOn); err != nil {
		return err
	}
	if err := stored(in.Kind, ReadMeetingKind, noMeetingKind); err != nil {
		return err
	}
	if err := CheckMeetingTimes(in.Starts, in.Ends); err != nil {
		return err
	}
	if err := CheckAttendance(in.Present, in.Total, true); err != nil {
		return err
	}
	if in.Attendance != nil {
		if err := CheckAttendees(in.Attendance, in.Present, in.Total); err != nil {
			return err
		}
	}
	if err := CheckText(FieldTopic, "Nội dung sinh hoạt", in.Topic); err != nil {
		return err
	}
	if err := CheckText(FieldAbsent, "Phần vắng mặt", in.AbsentReasons); err != nil {
		return err
	}
	return CheckStudiedIDs(in.Studied)
}

// MeetingReport is a meeting report as of one version (the latest, unless
// read from its history).
type MeetingReport struct {
	reportHead
	Kind          string   `db:"kind"`
	Starts        *DayTime `db:"starts_at"`
	Ends          *DayTime `db:"ends_at"`
	Present       int      `db:"present"`
	Total         int      `db:"total"`
	AbsentReasons string   `db:"absent_reasons"`
	Topic         string   `db:"topic"`
	MinutesFile   string   `db:"minutes_file"`
	MinutesStore  int64    `db:"minutes_store_id"`
	// Attendance and Studied are the version's attendance by name (none:
	// a count-only report) and documents studied, read by MeetingReport
	// and MeetingVersions; lists of reports leave them out.
	Attendance []Attendee        `db:"-"`
	Studied    []MeetingDocument `db:"-"`
}

// HasMinutes reports whether the report has a minutes photo, in the file
// store or only as a Telegram file_id.
func (m MeetingReport) HasMinutes() bool { return m.MinutesFile != "" || m.MinutesStore != 0 }

// Minutes is how long the meeting lasted, when its start and end are
// recorded.
func (m MeetingReport) Minutes() (int, bool) {
	if m.Starts == nil || m.Ends == nil {
		return 0, false
	}
	return MeetingMinutes(*m.Starts, *m.Ends), true
}

const meetingSelect = `SELECT ` + reportHeadColumns + `, v.kind, v.starts_at, v.ends_at, v.present, v.total, v.absent_reasons, v.topic, v.minutes_file,
	COALESCE(v.minutes_store_id, 0) AS minutes_store_id
	FROM reports r JOIN meeting_versions v ON v.report_id = r.id
	JOIN organisations o ON o.id = r.org_id LEFT JOIN members m ON m.id = v.reported_by `

// SaveMeetingReport stores a new meeting report, or a new version of one,
// with its attendance by name and the campaigns studied at it (each
// version keeps its own). A second regular meeting (or combined session)
// of the same cell in the same month is ErrConflict: the caller asks
// whether to replace the first (a new version of it with Change
// ChangeReplaced).
func (s *Storage) SaveMeetingReport(ctx context.Context, in MeetingInput) (MeetingReport, error) {
	var out MeetingReport
	if err := in.Validate(); err != nil {
		return out, err
	}
	var regular *time.Time
	if IsRegularMeeting(in.Kind) {
		m := monthStart(in.HeldOn)
		regular = &m
	}
	err := s.WithTx(ctx, func(s *Storage) error {
		id, version, err := s.nextVersion(ctx, ReportMeeting, in.ReportID, in.OrgID, regular, in.HeldOn)
		if err != nil {
			return err
		}
		change := versionChange(version, in.Change)
		if _, err := s.exec(ctx, `INSERT INTO meeting_versions (report_id, version, kind, held_on, starts_at, ends_at, present, total,
			absent_reasons, topic, minutes_file, minutes_store_id, change, reported_by, reported_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
			id, version, in.Kind, day(in.HeldOn), in.Starts, in.Ends, in.Present, in.Total, in.AbsentReasons, in.Topic, in.MinutesFile,
			nullID(in.MinutesStore), change, nullID(in.By), ActionTime(in.Acted, s.now(), day(in.HeldOn).Add(-14*time.Hour))); err != nil {
			return fmt.Errorf("storage: meeting report %d: %w", id, err)
		}
		if err := s.saveAttendance(ctx, id, version, in); err != nil {
			return err
		}
		if err := s.saveStudied(ctx, id, version, in.OrgID, in.Studied); err != nil {
			return err
		}
		out, err = s.MeetingReport(ctx, id)
		return err
	})
	return out, err
}

func errDuplicateRegular(month *time.Time) error {
	m := ""
	if month != nil {
		m = month.Format("01/2006")
	}
	return Errorf(CodeConflict, "Chi bộ đã có báo cáo sinh hoạt thường kỳ tháng %s.", m)
}

// MeetingReport returns a meeting report as of its latest version, with
// its attendance by name and documents studied.
func (s *Storage) MeetingReport(ctx context.Context, id int64) (MeetingReport, error) {
	m, err := latestReport[MeetingReport](ctx, s, ReportMeeting, meetingSelect, id)
	if err != nil {
		return m, err
	}
	return m, s.meetingDetails(ctx, &m)
}

// MeetingVersions returns every version of a meeting report, oldest first,
// each with its own attendance by name and documents studied.
func (s *Storage) MeetingVersions(ctx context.Context, id int64) ([]MeetingReport, error) {
	vs, err := selectAll[MeetingReport](ctx, s, fmt.Sprintf("versions of meeting report %d", id), meetingSelect+`WHERE r.id = $1 ORDER BY v.version`, id)
	for i := range vs {
		if err == nil {
			err = s.meetingDetails(ctx, &vs[i])
		}
	}
	return vs, err
}

// meetingDetails reads a version's attendance by name and documents studied.
func (s *Storage) meetingDetails(ctx context.Context, m *MeetingReport) error {
	var err error
	if m.Attendance, err = s.MeetingAttendance(ctx, m.ID, m.Version); err != nil {
		return err
	}
	if m.Studied, err = s.MeetingStudied(ctx, m.ID, m.Version); err != nil {
		return err
	}
	// None is nil: a count-only version has no attendance by name.
	if len(m.Attendance) == 0 {
		m.Attendance = nil
	}
	if len(m.Studied) == 0 {
		m.Studied = nil
	}
	return nil
}

// RegularMeeting returns the regular meeting report (or combined session)
// of a cell for the month of day, if there is one.
func (s *Storage) RegularMeeting(ctx context.Context, orgID int64, day time.Time) (MeetingReport, error) {
	var id int64
	if err := s.get(ctx, &id, `SELECT id FROM reports WHERE type = 'meeting' AND org_id = $1 AND regular_month = $2`, orgID, monthStart(day)); err != nil {
		return MeetingReport{}, fmt.Errorf("storage: regular meeting of %d: %w", orgID, err)
	}
	return s.MeetingReport(ctx, id)
}

// MeetingReports lists meeting reports (latest versions) by the filter.
func (s *Storage) MeetingReports(ctx context.Context, f ReportFilter) ([]MeetingReport, error) {
	return latestReports[MeetingReport](ctx, s, ReportMeeting, meetingSelect, f)
}
