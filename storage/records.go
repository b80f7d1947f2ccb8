package storage

import (
	"context"
	"sort"
	"time"
)

// A member's record of a quarter, for their self-evaluation (Quy định
// 366-QĐ/TW): the documents they studied in it and how, the meetings of
// their cell and whether they attended, and the documents they had not
// studied by its end. handlers/papers prints it, a page a member.
//
// Attendance is read by name from meeting_attendance, at each report's
// latest version only; a report whose latest version gives no names (the
// count-only form) leaves the member's attendance unrecorded, and the
// paper says so rather than guessing. A member who moved between cells has
// the meetings of the cell they belonged to on each meeting's day (and
// any meeting that names them).

// The attendance statuses as meeting_attendance stores them.
const (
	recPresent      = "present"
	recAbsentReason = "absent_reason"
	recAbsent       = "absent"
)

// RecordStudy is a document a member studied in the period.
type RecordStudy struct {
	DocNumber, DocTitle string
	// On is the day they studied it: the meeting's day for study at the
	// cell, else the day they confirmed it (local).
	On time.Time
	// How is StudiedOnline, StudiedByQuiz or StudiedOffline.
	How       string
	QuizScore *int
}

// RecordMeeting is a meeting of the member's cell in the period and the
// member's attendance at it.
type RecordMeeting struct {
	ReportID       int64
	OrgName        string
	HeldOn         time.Time
	Kind           string
	Topic          string
	Present, Total int
	status         string
	// Reason is the reason given for an absence with one.
	Reason string
}

// Recorded reports whether the report names the member's attendance.
func (m RecordMeeting) Recorded() bool { return m.status != "" }

// Attended reports whether the member is recorded present.
func (m RecordMeeting) Attended() bool { return m.status == recPresent }

// AbsentWithReason reports whether the member is recorded absent with a reason.
func (m RecordMeeting) AbsentWithReason() bool { return m.status == recAbsentReason }

// AbsentWithoutReason reports whether the member is recorded absent without one.
func (m RecordMeeting) AbsentWithoutReason() bool { return m.status == recAbsent }

// RecordPending is a document assigned to the member that they had not
// studied by the period's end.
type RecordPending struct {
	DocNumber, DocTitle string
	// DueOn is the deadline of its newest campaign, if it has one.
	DueOn *time.Time
	// Closed: every campaign of it is closed; it can no longer be confirmed.
	Closed bool
	// StudiedOn is the day they studied it after the period, if they did.
	StudiedOn *time.Time
}

// QuarterRecord is one member's record of a quarter.
type QuarterRecord struct {
	Member Member
	// OrgID and OrgName are the member's organisation at the period's end.
	OrgID   int64
	OrgName string
	// Committee is the organisation above it, "" at the root.
	Committee string
	Quarter   Quarter
	// From and To are the period: the quarter, up to today while it runs.
	From, To time.Time
	Studied  []RecordStudy
	Meetings []RecordMeeting
	Pending  []RecordPending
}

// Attendance counts the record's meetings: present, absent with a reason,
// absent without one, and not recorded by name.
func (r QuarterRecord) Attendance() (present, withReason, without, unrecorded int) {
	for _, m := range r.Meetings {
		switch {
		case m.Attended():
			present++
		case m.AbsentWithReason():
			withReason++
		case m.AbsentWithoutReason():
			without++
		default:
			unrecorded++
		}
	}
	return present, withReason, without, unrecorded
}

// StudiedHow counts the documents studied by each way: online, by the
// quiz, at the cell.
func (r QuarterRecord) StudiedHow() (online, quiz, offline int) {
	for _, s := range r.Studied {
		switch s.How {
		case StudiedByQuiz:
			quiz++
		case StudiedOffline:
			offline++
		default:
			online++
		}
	}
	return online, quiz, offline
}

// recordPeriod is the quarter, checked, and its days up to today.
func (s *Storage) recordPeriod(q Quarter) (from, to time.Time, err error) {
	today := s.now()
	if err := CheckQuarter(q, today); err != nil {
		return from, to, err
	}
	from, to = q.First(), q.Last()
	if t := day(today); t.Before(to) {
		to = t
	}
	return from, to, nil
}

// MemberQuarterRecord is one member's record of quarter q.
func (s *Storage) MemberQuarterRecord(ctx context.Context, memberID int64, q Quarter) (QuarterRecord, error) {
	from, to, err := s.recordPeriod(q)
	if err != nil {
		return QuarterRecord{}, err
	}
	m, err := s.MemberByID(ctx, memberID)
	if err != nil {
		return QuarterRecord{}, err
	}
	rs, err := s.quarterRecords(ctx, []Member{m}, q, from, to)
	if err != nil {
		return QuarterRecord{}, err
	}
	return rs[0], nil
}

// OrgQuarterRecords are the records of quarter q of the members of an
// organisation and the organisations under it on the period's last day
// (those who left or moved away before it are not; those who came during
// it are), by organisation, then name.
func (s *Storage) OrgQuarterRecords(ctx context.Context, orgID int64, q Quarter) ([]QuarterRecord, error) {
	from, to, err := s.recordPeriod(q)
	if err != nil {
		return nil, err
	}
	ms, err := s.membersOnDay(ctx, orgID, to)
	if err != nil {
		return nil, err
	}
	return s.quarterRecords(ctx, ms, q, from, to)
}

// recordAssignment is an assignment as the record reads it.
type recordAssignment struct {
	MemberID   int64      `db:"member_id"`
	DocumentID int64      `db:"document_id"`
	DocNumber  string     `db:"doc_number"`
	DocTitle   string     `db:"doc_title"`
	DocStatus  string     `db:"doc_status"`
	State      string     `db:"state"`
	StudiedHow string     `db:"studied_how"`
	StudiedAt  *time.Time `db:"studied_at"`
	MeetingOn  *time.Time `db:"offline_meeting_on"`
	QuizScore  *int       `db:"quiz_score"`
	DueOn      *time.Time `db:"due_on"`
	ClosedAt   *time.Time `db:"closed_at"`
}

// studyDay is the day the assignment was studied (nil: not studied): the
// meeting's for study at the cell, else the local day of the confirmation.
func (a recordAssignment) studyDay(loc *time.Location) *time.Time {
	switch {
	case a.State != AssignStudied && a.State != AssignStudiedOffline:
		return nil
	case a.MeetingOn != nil && a.State == AssignStudiedOffline:
		d := day(*a.MeetingOn)
		return &d
	case a.StudiedAt != nil:
		d := day(a.StudiedAt.In(loc))
		return &d
	}
	return nil
}

// recordMeetingRow is a meeting report's latest version in the period.
type recordMeetingRow struct {
	ReportID int64     `db:"report_id"`
	OrgID    int64     `db:"org_id"`
	OrgName  string    `db:"org_name"`
	HeldOn   time.Time `db:"held_on"`
	Kind     string    `db:"kind"`
	Topic    string    `db:"topic"`
	Present  int       `db:"present"`
	Total    int       `db:"total"`
}

// attendanceRow is one member's attendance at a report's latest version.
type attendanceRow struct {
	ReportID int64  `db:"report_id"`
	MemberID int64  `db:"member_id"`
	Status   string `db:"status"`
	Reason   string `db:"reason"`
}

// quarterRecords gathers the records of members for [from, to] in four
// queries, whatever their number.
func (s *Storage) quarterRecords(ctx context.Context, ms []Member, q Quarter, from, to time.Time) ([]QuarterRecord, error) {
	loc := s.location()
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	periods, err := s.membershipsOf(ctx, ids)
	if err != nil {
		return nil, err
	}
	as, err := selectAll[recordAssignment](ctx, s, "assignments of the record", `SELECT a.member_id, a.document_id,
			d.number AS doc_number, d.title AS doc_title, d.status AS doc_status, a.state, a.studied_how, a.studied_at,
			a.offline_meeting_on, a.quiz_score, c.due_on, c.closed_at
		FROM assignments a JOIN campaigns c ON c.id = a.campaign_id JOIN documents d ON d.id = a.document_id
		WHERE a.member_id = ANY($1) AND c.created_at < $2
		ORDER BY a.member_id, a.document_id, c.created_at, a.id`, int64Array(ids), periodEnd(to, loc))
	if err != nil {
		return nil, err
	}
	orgSet := map[int64]bool{}
	for _, ps := range periods {
		for _, p := range ps {
			orgSet[p.OrgID] = true
		}
	}
	orgIDs := make([]int64, 0, len(orgSet))
	for id := range orgSet {
		orgIDs = append(orgIDs, id)
	}
	meetings, err := selectAll[recordMeetingRow](ctx, s, "meetings of the record", `SELECT r.id AS report_id, r.org_id,
			o.name AS org_name, v.held_on, v.kind, v.topic, v.present, v.total
		FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		JOIN organisations o ON o.id = r.org_id
		WHERE r.type = 'meeting' AND v.held_on BETWEEN $1 AND $2
		  AND (r.org_id = ANY($3) OR EXISTS (SELECT 1 FROM meeting_attendance a
		       WHERE a.report_id = r.id AND a.version = r.version AND a.member_id = ANY($4)))
		ORDER BY v.held_on, r.id`, from, to, int64Array(orgIDs), int64Array(ids))
	if err != nil {
		return nil, err
	}
	att, err := selectAll[attendanceRow](ctx, s, "attendance of the record", `SELECT a.report_id, a.member_id, a.status, a.reason
		FROM meeting_attendance a JOIN reports r ON r.id = a.report_id AND a.version = r.version
		JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
		WHERE r.type = 'meeting' AND a.member_id = ANY($1) AND v.held_on BETWEEN $2 AND $3`, int64Array(ids), from, to)
	if err != nil {
		return nil, err
	}
	type key struct{ report, member int64 }
	attended := make(map[key]attendanceRow, len(att))
	for _, a := range att {
		attended[key{a.ReportID, a.MemberID}] = a
	}
	byMember := map[int64][]recordAssignment{}
	for _, a := range as {
		byMember[a.MemberID] = append(byMember[a.MemberID], a)
	}
	out := make([]QuarterRecord, len(ms))
	for i, m := range ms {
		r := QuarterRecord{Member: m, OrgID: m.OrgID, OrgName: m.OrgName, Quarter: q, From: from, To: to}
		if mo, ok := periods[m.ID].on(s.dayEnd(to)); ok {
			r.OrgID, r.OrgName, r.Committee = mo.OrgID, mo.OrgName, mo.Committee
		}
		r.Studied, r.Pending = studyOfRecord(byMember[m.ID], from, to, loc)
		for _, mt := range meetings {
			rm := RecordMeeting{ReportID: mt.ReportID, OrgName: mt.OrgName, HeldOn: mt.HeldOn, Kind: mt.Kind, Topic: mt.Topic,
				Present: mt.Present, Total: mt.Total}
			if a, ok := attended[key{mt.ReportID, m.ID}]; ok {
				rm.status, rm.Reason = a.Status, a.Reason
			} else if mo, ok := periods[m.ID].on(s.dayEnd(mt.HeldOn)); !ok || mo.OrgID != mt.OrgID {
				continue // not the member's cell that day
			}
			r.Meetings = append(r.Meetings, rm)
		}
		out[i] = r
	}
	return out, nil
}

// studyOfRecord sorts a member's assignments (ordered by document, then
// campaign) into the documents studied in [from, to] and those not
// studied by to. A document counts once, at the first day it was studied
// whatever the campaign; one withdrawn, or whose campaigns all closed
// before the period, is no longer to study.
func studyOfRecord(as []recordAssignment, from, to time.Time, loc *time.Location) ([]RecordStudy, []RecordPending) {
	var studied []RecordStudy
	var pending []RecordPending
	for i := 0; i < len(as); {
		j := i
		for j < len(as) && as[j].DocumentID == as[i].DocumentID {
			j++
		}
		doc := as[i:j]
		i = j
		var first *recordAssignment
		var on *time.Time
		for k := range doc {
			if d := doc[k].studyDay(loc); d != nil && (on == nil || d.Before(*on)) {
				first, on = &doc[k], d
			}
		}
		switch {
		case on != nil && !on.After(to) && !on.Before(from):
			how := first.StudiedHow
			if first.State == AssignStudiedOffline {
				how = StudiedOffline
			} else if how == "" {
				how = StudiedOnline
			}
			studied = append(studied, RecordStudy{DocNumber: first.DocNumber, DocTitle: first.DocTitle, On: *on, How: how, QuizScore: first.QuizScore})
			continue
		case on != nil && on.Before(from):
			continue
		}
		newest := doc[len(doc)-1]
		closed, closedBefore := true, true
		for _, a := range doc {
			if a.ClosedAt == nil {
				closed, closedBefore = false, false
			} else if !day(a.ClosedAt.In(loc)).Before(from) {
				closedBefore = false
			}
		}
		if newest.DocStatus != DocPublished || closedBefore {
			continue
		}
		p := RecordPending{DocNumber: newest.DocNumber, DocTitle: newest.DocTitle, DueOn: newest.DueOn, Closed: closed}
		if on != nil {
			p.StudiedOn = on
		}
		pending = append(pending, p)
	}
	sort.SliceStable(studied, func(i, j int) bool { return studied[i].On.Before(studied[j].On) })
	sort.SliceStable(pending, func(i, j int) bool {
		a, b := pending[i].DueOn, pending[j].DueOn
		return a != nil && (b == nil || a.Before(*b))
	})
	return studied, pending
}
