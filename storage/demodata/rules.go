package demodata

import (
	"context"
	"fmt"
	"slices"
	"time"

	"sotay/storage"
)

// The rules of party work in the demo (issue 20): the meeting reports get
// what the rules read — start and end times, attendance by name, the
// notice announced a few days before — and some quarters a combined
// regular-and-thematic session, so that /canhbao and sotay alerts have
// something true to say at once. Most cells keep the rules; each rule is
// broken somewhere:
//
//   - monthly_meeting: the cells that skipped last month (the reports
//     step skips a month now and then);
//   - quarterly_thematic: the cells without a thematic meeting last quarter;
//   - meeting_duration: the showcase cell's latest meeting, 75 minutes, and
//     a second cell's combined session, 110 minutes instead of 120;
//   - notice_ahead: the showcase cell announced its latest meeting not at
//     all, the second cell the same morning;
//   - absent_no_reason, absent_streak, absent_three_months: a member of the
//     showcase cell absent without a reason at its last three regular
//     meetings (three months of this year), and now and then someone else;
//   - supervision_coverage: from 1 October, the cells whose own
//     supervisions fall short of the target;
//   - study_overdue: the members who have not studied 21-KL/TW or
//     01-KL/TW, past their deadlines.
//
// The rules about a member's absences count the calendar year's meetings: a
// demo made in January or February has too few of them to show a streak,
// and supervision coverage is only counted from 1 October.

// noShowReasons are why members miss a meeting, when they give one.
var noShowReasons = []string{"ốm", "đi làm xa", "việc gia đình", "đi học", "đi viện thăm người nhà"}

// createRules writes the rules' details on the demo's meeting reports.
func createRules(ctx context.Context, d *Demo) error {
	reps, err := d.S.MeetingReports(ctx, storage.ReportFilter{})
	if err != nil {
		return err
	}
	today := time.Date(d.Now.Year(), d.Now.Month(), d.Now.Day(), 0, 0, 0, 0, time.UTC)
	jan1 := time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	// The showcase cells: the first two cells (tree order) with three
	// regular meetings this year, the last of them in the 90 days up to today.
	regular := map[int64][]storage.MeetingReport{}
	for _, r := range reps {
		if r.Kind == storage.MeetingRegular && !r.HeldOn.Before(jan1) {
			regular[r.OrgID] = append(regular[r.OrgID], r)
		}
	}
	var showcase []int64
	for _, code := range d.Cells {
		o, err := d.S.Organisation(ctx, code)
		if err != nil {
			return err
		}
		rs := regular[o.ID]
		if len(rs) >= 3 && !rs[len(rs)-1].HeldOn.Before(today.AddDate(0, 0, -90)) && len(showcase) < 2 {
			showcase = append(showcase, o.ID)
		}
	}
	if len(showcase) < 2 {
		return fmt.Errorf("rules: no two cells with three regular meetings this year to show the rules on")
	}
	members := map[int64][]storage.Member{}
	wasAbsent := map[int64]bool{} // at their cell's previous regular meeting
	// The member of the first showcase cell who misses its last three
	// regular meetings without a reason.
	var truant int64
	combined := map[int64]bool{} // quarters (org, first month) already given a thematic session
	for _, r := range reps {
		if r.Kind == storage.MeetingTopical {
			combined[quarterKey(r.OrgID, r.HeldOn)] = true
		}
	}
	for _, r := range reps {
		ms, ok := members[r.OrgID]
		if !ok {
			if ms, err = d.S.MembersInSubtree(ctx, r.OrgID); err != nil {
				return err
			}
			members[r.OrgID] = ms
		}
		if len(ms) == 0 {
			continue
		}
		sec := d.Secretaries[ms[0].OrgCode]
		rs := regular[r.OrgID]
		last := len(rs) > 0 && rs[len(rs)-1].ID == r.ID
		lastThree := r.Kind == storage.MeetingRegular && slices.ContainsFunc(rs[max(len(rs)-3, 0):], func(x storage.MeetingReport) bool { return x.ID == r.ID })
		h := storage.MeetingHistory{Starts: "19:30", Ends: fmt.Sprintf("21:%02d", 30+d.Rnd.IntN(20))}
		if r.Kind == storage.MeetingTopical {
			h.Starts, h.Ends = "14:00", "16:00"
		}
		// A quarter without a thematic meeting often had a combined session.
		if q := quarterKey(r.OrgID, r.HeldOn); r.Kind == storage.MeetingRegular && !combined[q] && d.Rnd.Float64() < 0.6 {
			combined[q] = true
			h.Combined, h.Starts, h.Ends = true, "19:00", "21:15"
		}
		noticeDays := 2 + d.Rnd.IntN(3)
		switch {
		case last && r.OrgID == showcase[0]:
			h.Combined, h.Starts, h.Ends, noticeDays = false, "19:30", "20:45", -1 // 75 minutes, not announced
		case last && r.OrgID == showcase[1]:
			h.Combined, h.Starts, h.Ends, noticeDays = true, "19:00", "20:50", 0 // 110 minutes, announced that morning
		}
		// Who was absent: as many as the report says, never the secretary,
		// and members absent last time only when nobody else is left.
		absent := r.Total - r.Present
		order := d.Rnd.Perm(len(ms))
		slices.SortStableFunc(order, func(a, b int) int { return cmpBool(wasAbsent[ms[a].ID], wasAbsent[ms[b].ID]) })
		for _, m := range ms {
			h.Attendance = append(h.Attendance, storage.HistoryAttendance{MemberID: m.ID, Status: "present"})
		}
		if r.OrgID == showcase[0] && truant == 0 {
			for _, m := range ms {
				if m.Code != sec {
					truant = m.ID
					break
				}
			}
		}
		for _, i := range order {
			m := ms[i]
			if absent == 0 {
				break
			}
			if m.Code == sec || m.ID == truant {
				continue
			}
			h.Attendance[i].Status, h.Attendance[i].Reason = "absent_reason", noShowReasons[d.Rnd.IntN(len(noShowReasons))]
			if d.Rnd.Float64() < 0.04 {
				h.Attendance[i].Status, h.Attendance[i].Reason = "absent", ""
			}
			absent--
		}
		if lastThree && r.OrgID == showcase[0] {
			for i := range h.Attendance {
				if h.Attendance[i].MemberID == truant {
					h.Attendance[i].Status, h.Attendance[i].Reason = "absent", ""
				}
			}
		}
		if r.Kind == storage.MeetingRegular {
			for _, a := range h.Attendance {
				wasAbsent[a.MemberID] = a.Status != "present"
			}
		}
		if noticeDays >= 0 {
			if err := announceBefore(ctx, d, r, sec, noticeDays, h.Starts); err != nil {
				return err
			}
		}
		d.SetClock(time.Date(r.HeldOn.Year(), r.HeldOn.Month(), r.HeldOn.Day(), 21, 45, 0, 0, d.Now.Location()))
		if err := d.S.RecordMeetingHistory(ctx, r.ID, h); err != nil {
			return fmt.Errorf("rules: meeting %d: %w", r.ID, err)
		}
	}
	return nil
}

// announceBefore records the notice of meeting r, announced days days
// before it at 08:00 (0: that morning) by the cell's secretary, for the
// meeting's start time starts ("19:30").
func announceBefore(ctx context.Context, d *Demo, r storage.MeetingReport, secretary string, days int, starts string) error {
	by, err := d.S.Member(ctx, secretary)
	if err != nil {
		return err
	}
	var hh, mm int
	if _, err := fmt.Sscanf(starts, "%d:%d", &hh, &mm); err != nil {
		return err
	}
	loc := d.Now.Location()
	at := time.Date(r.HeldOn.Year(), r.HeldOn.Month(), r.HeldOn.Day(), hh, mm, 0, 0, loc)
	d.SetClock(time.Date(r.HeldOn.Year(), r.HeldOn.Month(), r.HeldOn.Day()-days, 8, 0, 0, 0, loc))
	_, _, err = d.S.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: r.OrgID, StartsAt: at, Place: "Nhà văn hóa", Topic: r.Topic, By: by.ID})
	return err
}

// cmpBool orders false before true.
func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// quarterKey names an organisation's quarter.
func quarterKey(org int64, day time.Time) int64 {
	return org*100000 + int64(day.Year())*10 + int64(storage.QuarterOf(day).N)
}
