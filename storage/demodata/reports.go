package demodata

import (
	"context"
	"fmt"
	"time"

	"sotay/storage"
)

// The demo's reports by message: a cell meeting each month since the demo
// began (some cells missing a month), so that a report over any period of
// the last year (the README's "sotay report --from 01/07/2026") has its
// meetings; one report corrected, inspections and supervisions
// (one by the inspection commission, Ủy ban Kiểm tra), and a meeting
// announced for next week with some answers already in.

var meetingTopics = []string{
	"Quán triệt Kết luận 21-KL/TW về xây dựng, chỉnh đốn Đảng",
	"Đánh giá kết quả thực hiện nghị quyết tháng, triển khai nhiệm vụ tháng tới",
	"Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
	"Phát triển kinh tế hộ gia đình, trồng rừng và chăn nuôi",
	"Công tác phòng, chống thiên tai, sạt lở đất mùa mưa",
	"Thu nộp đảng phí và kiểm điểm việc thực hiện nhiệm vụ đảng viên",
}

var absentReasons = []string{"ốm", "đi làm xa", "việc gia đình", "đi học"}

// cellSupervisions is how many supervisions the cells report.
const cellSupervisions = 24

// createReports writes the reports of every month since d.Since.
func createReports(ctx context.Context, d *Demo) error {
	orgs, err := d.S.Organisations(ctx)
	if err != nil {
		return err
	}
	memberID := func(code string) (int64, error) {
		m, err := d.S.Member(ctx, code)
		return m.ID, err
	}
	var first int64 // the first cell's first report of the last months, corrected below
	var firstCell storage.Organisation
	last := time.Date(d.Now.Year(), d.Now.Month(), 1, 0, 0, 0, 0, time.UTC)
	for month := time.Date(d.Since.Year(), d.Since.Month(), 1, 0, 0, 0, 0, time.UTC); !month.After(last); month = month.AddDate(0, 1, 0) {
		for _, o := range orgs {
			if o.Kind != storage.KindChiBo {
				continue
			}
			sec, ok := d.Secretaries[o.Code]
			if !ok {
				continue
			}
			// Some cells miss a month: a remote village in the rains.
			if d.Rnd.Float64() < 0.12 {
				continue
			}
			day := month.AddDate(0, 0, 4+d.Rnd.IntN(16))
			if !day.Before(time.Date(d.Now.Year(), d.Now.Month(), d.Now.Day(), 0, 0, 0, 0, time.UTC)) {
				continue // this month's meeting is still to come
			}
			by, err := memberID(sec)
			if err != nil {
				return err
			}
			total, err := d.S.MembersOn(ctx, o.ID, day)
			if err != nil {
				return err
			}
			if total == 0 {
				continue
			}
			absent := min(d.Rnd.IntN(4), total-1)
			in := storage.MeetingInput{OrgID: o.ID, Kind: storage.MeetingRegular, HeldOn: day, Present: total - absent, Total: total,
				Topic: meetingTopics[d.Rnd.IntN(len(meetingTopics))], By: by}
			if absent > 0 {
				in.AbsentReasons = fmt.Sprintf("%d đồng chí vắng (%s)", absent, absentReasons[d.Rnd.IntN(len(absentReasons))])
			}
			d.SetClock(time.Date(day.Year(), day.Month(), day.Day(), 20, 15, 0, 0, d.Now.Location()))
			rep, err := d.S.SaveMeetingReport(ctx, in)
			if err != nil {
				return fmt.Errorf("meeting of %s: %w", o.Code, err)
			}
			if first == 0 && !month.Before(last.AddDate(0, -3, 0)) {
				first, firstCell = rep.ID, o
			}
			// Now and then a topical meeting too.
			if d.Rnd.Float64() < 0.15 {
				in.Kind, in.HeldOn, in.Topic = storage.MeetingTopical, day.AddDate(0, 0, 3), "Chuyên đề: "+meetingTopics[d.Rnd.IntN(len(meetingTopics))]
				if in.HeldOn.Before(d.Now) {
					if _, err := d.S.SaveMeetingReport(ctx, in); err != nil {
						return fmt.Errorf("topical meeting of %s: %w", o.Code, err)
					}
				}
			}
		}
	}
	if first != 0 {
		// One report corrected the next morning: a member came late.
		rep, err := d.S.MeetingReport(ctx, first)
		if err != nil {
			return err
		}
		d.SetClock(time.Date(rep.HeldOn.Year(), rep.HeldOn.Month(), rep.HeldOn.Day()+1, 7, 30, 0, 0, d.Now.Location()))
		in := storage.MeetingInput{ReportID: rep.ID, Change: storage.ChangeCorrected, OrgID: rep.OrgID, Kind: rep.Kind, HeldOn: rep.HeldOn,
			Present: min(rep.Present+1, rep.Total), Total: rep.Total, Topic: rep.Topic, AbsentReasons: rep.AbsentReasons, By: *rep.ReportedBy}
		if _, err := d.S.SaveMeetingReport(ctx, in); err != nil {
			return fmt.Errorf("correction: %w", err)
		}
	}
	if err := createSupervisions(ctx, d, orgs, memberID); err != nil {
		return err
	}
	if firstCell.ID != 0 {
		return announceMeeting(ctx, d, firstCell)
	}
	return nil
}

// createSupervisions writes the committee's inspections and supervisions,
// the figures of its report: 02 inspections (one by the inspection
// commission) and 01 supervision over 14 organisations and 14 members;
// and the cells' 24 supervisions over 02 organisations and 41 members.
func createSupervisions(ctx context.Context, d *Demo, orgs []storage.Organisation, memberID func(string) (int64, error)) error {
	var root storage.Organisation
	for _, o := range orgs {
		if o.Code == RootCode {
			root = o
		}
	}
	var officer int64
	if len(d.Officers) > 0 {
		id, err := memberID(d.Officers[len(d.Officers)-1])
		if err != nil {
			return err
		}
		officer = id
	}
	days := func(n int) time.Time {
		t := d.Now.AddDate(0, 0, -n)
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	}
	committee := []storage.SupervisionInput{
		{Body: storage.BodyCommittee, Kind: storage.SupervisionInspection, HeldOn: days(80), OrgsExamined: 5, MembersExamined: 6,
			Content: "Việc lãnh đạo thực hiện nhiệm vụ phát triển kinh tế - xã hội năm 2026", Measures: "Yêu cầu các chi bộ rút kinh nghiệm"},
		{Body: storage.BodyCommission, Kind: storage.SupervisionInspection, HeldOn: days(45), OrgsExamined: 6, MembersExamined: 4, Violations: 1,
			Content: "Việc chấp hành Điều lệ Đảng và thu, nộp, quản lý đảng phí", Measures: "Nhắc nhở, yêu cầu nộp bổ sung đảng phí"},
		{Body: storage.BodyCommittee, Kind: storage.SupervisionMonitoring, HeldOn: days(20), OrgsExamined: 3, MembersExamined: 4,
			Content: "Việc thực hiện quy chế làm việc và sinh hoạt chi bộ"},
	}
	for _, in := range committee {
		in.OrgID, in.By = root.ID, officer
		d.SetClock(time.Date(in.HeldOn.Year(), in.HeldOn.Month(), in.HeldOn.Day(), 16, 0, 0, 0, d.Now.Location()))
		if _, err := d.S.SaveSupervisionReport(ctx, in); err != nil {
			return fmt.Errorf("supervision of %s: %w", RootCode, err)
		}
	}
	// The cells' own: 24 supervisions over 02 organisations (party groups)
	// and 41 members, as the commune's report has them.
	n := 0
	for _, o := range orgs {
		if o.Kind != storage.KindChiBo || n == cellSupervisions {
			continue
		}
		sec, ok := d.Secretaries[o.Code]
		if !ok {
			continue
		}
		by, err := memberID(sec)
		if err != nil {
			return err
		}
		_, members, err := d.S.SubtreeSize(ctx, o.ID)
		if err != nil {
			return err
		}
		examined := 2 // 17 cells examine 2 members, 7 cells 1: 41
		if n >= 17 {
			examined = 1
		}
		if members < examined {
			continue
		}
		in := storage.SupervisionInput{OrgID: o.ID, Body: storage.BodyCommittee, Kind: storage.SupervisionMonitoring, HeldOn: days(5 + 4*n),
			MembersExamined: examined, Content: "Việc thực hiện nhiệm vụ đảng viên được giao", By: by}
		if n < 2 {
			in.OrgsExamined, in.Content = 1, "Hoạt động của tổ đảng và việc thực hiện nhiệm vụ đảng viên"
		}
		d.SetClock(time.Date(in.HeldOn.Year(), in.HeldOn.Month(), in.HeldOn.Day(), 19, 0, 0, 0, d.Now.Location()))
		if _, err := d.S.SaveSupervisionReport(ctx, in); err != nil {
			return fmt.Errorf("supervision of %s: %w", o.Code, err)
		}
		n++
	}
	return nil
}

// announceMeeting announces the first cell's next meeting, a week ahead,
// with some answers in (no messages are queued: the demo has no chats).
func announceMeeting(ctx context.Context, d *Demo, o storage.Organisation) error {
	sec, err := d.S.Member(ctx, d.Secretaries[o.Code])
	if err != nil {
		return err
	}
	d.SetClock(d.Now.Add(-2 * time.Hour))
	day := d.Now.AddDate(0, 0, 7)
	starts := time.Date(day.Year(), day.Month(), day.Day(), 19, 30, 0, 0, d.Now.Location())
	m, invited, err := d.S.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: o.ID, StartsAt: starts, Place: "Nhà văn hóa bản",
		Topic: "Quán triệt Kết luận 21-KL/TW; kiểm điểm cuối năm", By: sec.ID})
	if err != nil {
		return err
	}
	for i, mem := range invited {
		switch {
		case i%4 == 3:
			continue // not answered yet
		case i == 1:
			_, err = d.S.AnswerMeeting(ctx, m.ID, mem.ID, storage.AnswerAbsent, "đi làm xa")
		default:
			_, err = d.S.AnswerMeeting(ctx, m.ID, mem.ID, storage.AnswerPresent, "")
		}
		if err != nil {
			return err
		}
	}
	return nil
}
