package storage

import (
	"context"
	"fmt"
)

// MeetingHistory is what a meeting report held elsewhere says beyond its
// figures (migration 0015): the combined session, the start and end time,
// attendance by name. The demo loads its history with it; reports made in
// Telegram or by the quick form carry the same through SaveMeetingReport.
type MeetingHistory struct {
	// Combined makes the report a regular meeting with a thematic part in
	// the same session (thuong_ky_chuyen_de).
	Combined bool
	// Starts and Ends are local times such as "19:30", both or neither.
	Starts, Ends string
	// Attendance is one row per member of the cell, none for a count-only
	// report.
	Attendance []HistoryAttendance
}

// HistoryAttendance is one member's attendance: status present,
// absent_reason (with the reason) or absent.
type HistoryAttendance struct {
	MemberID int64
	Status   string
	Reason   string
}

// RecordMeetingHistory writes h on the latest version of meeting report id,
// as history loaded from elsewhere: the version's kind, times and
// attendance are set as h says (present and total follow the names).
func (s *Storage) RecordMeetingHistory(ctx context.Context, id int64, h MeetingHistory) error {
	return s.WithTx(ctx, func(s *Storage) error {
		var r struct {
			Version int    `db:"version"`
			Kind    string `db:"kind"`
		}
		if err := s.get(ctx, &r, `SELECT r.version, v.kind FROM reports r JOIN meeting_versions v ON v.report_id = r.id AND v.version = r.version
			WHERE r.id = $1 AND r.type = 'meeting' FOR UPDATE OF r`, id); err != nil {
			return fmt.Errorf("storage: meeting history %d: %w", id, err)
		}
		kind := r.Kind
		if h.Combined {
			kind = MeetingCombined
		}
		var starts, ends any
		if h.Starts != "" || h.Ends != "" {
			starts, ends = h.Starts, h.Ends
		}
		if _, err := s.exec(ctx, `UPDATE meeting_versions SET kind = $3, starts_at = $4::time, ends_at = $5::time WHERE report_id = $1 AND version = $2`,
			id, r.Version, kind, starts, ends); err != nil {
			return fmt.Errorf("storage: meeting history %d: %w", id, err)
		}
		if kind == MeetingCombined {
			if _, err := s.exec(ctx, `UPDATE reports SET regular_month = date_trunc('month', held_on)::date WHERE id = $1`, id); err != nil {
				return fmt.Errorf("storage: meeting history %d: %w", id, err)
			}
		}
		if len(h.Attendance) == 0 {
			return nil
		}
		present := 0
		for _, a := range h.Attendance {
			if _, err := s.exec(ctx, `INSERT INTO meeting_attendance (report_id, version, member_id, status, reason) VALUES ($1, $2, $3, $4, $5)
				ON CONFLICT (report_id, version, member_id) DO UPDATE SET status = EXCLUDED.status, reason = EXCLUDED.reason`,
				id, r.Version, a.MemberID, a.Status, a.Reason); err != nil {
				return fmt.Errorf("storage: meeting history %d: attendance: %w", id, err)
			}
			if a.Status == "present" {
				present++
			}
		}
		if _, err := s.exec(ctx, `UPDATE meeting_versions SET present = $3, total = $4 WHERE report_id = $1 AND version = $2`,
			id, r.Version, present, len(h.Attendance)); err != nil {
			return fmt.Errorf("storage: meeting history %d: %w", id, err)
		}
		return nil
	})
}
