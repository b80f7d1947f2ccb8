// Filling and storing a meeting report: the figures taken from the answers
// to a meeting's notice, the member count of the cell, the last checks,
// storing (or replacing) and the confirmation with "Sửa".

package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// prefillFromAnswers takes present, total and who is absent (with their
// reasons) from the answers to the meeting announced for the draft's day
// (fromAnswers), when there is one.
func (h *Handlers) prefillFromAnswers(ctx context.Context, r *chat.Request, d *meetingDraft) (bool, error) {
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return false, nil
	}
	m, err := h.dayNotice(ctx, r, d.Org, day)
	if errors.Is(err, storage.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return h.fromAnswers(ctx, r, m, d)
}

// fromAnswers takes present, total and who is absent (with their reasons)
// from the answers to the notice of m. Both ways into a report from a
// notice (the tally's button, /sinhhoat for its day) follow it: with no
// answer at all it fills nothing (false), and the report asks.
func (h *Handlers) fromAnswers(ctx context.Context, r *chat.Request, m storage.Meeting, d *meetingDraft) (bool, error) {
	t, err := r.Store.Tally(ctx, m.ID)
	if err != nil || t.Answered() == 0 {
		return false, err
	}
	absent, err := absentFromAnswers(ctx, r, m.ID)
	if err != nil {
		return false, err
	}
	d.Present, d.Total, d.HasPresent = t.Present, t.Invited, true
	if absent != "" {
		d.Absent, d.AbsentSeen = absent, true
	}
	return true, nil
}

// dayNotice is the meeting announced for the organisation's day (a plain
// date) that its report starts from; none is storage.ErrNotFound.
func (h *Handlers) dayNotice(ctx context.Context, r *chat.Request, org int64, day time.Time) (storage.Meeting, error) {
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.deps.Location)
	return r.Store.MeetingOn(ctx, org, from, from.AddDate(0, 0, 1))
}

// meetingBegun refuses a report of an announced meeting that has not
// started yet: reports are for meetings held, whichever way they are begun.
func (h *Handlers) meetingBegun(r *chat.Request, m storage.Meeting) error {
	if r.Now().Before(m.StartsAt) {
		starts := m.StartsAt.In(h.deps.Location)
		return storage.Errorf(storage.CodeInvalid, "Buổi họp lúc %s ngày %s chưa bắt đầu: đồng chí báo cáo sau khi họp.",
			starts.Format("15:04"), vn.FormatDate(starts))
	}
	return nil
}

// dayBegun is meetingBegun for the meeting announced for the
// organisation's day, if there is one.
func (h *Handlers) dayBegun(ctx context.Context, r *chat.Request, org int64, day time.Time) error {
	m, err := h.dayNotice(ctx, r, org, day)
	if errors.Is(err, storage.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return h.meetingBegun(r, m)
}

// noticePrefilled is said above the next step when the answers filled it.
const noticePrefilled = "📋 Số có mặt lấy theo trả lời lịch họp: %d/%d. Đồng chí sửa được ở bước cuối (✏️ Sửa)."

// absentFromAnswers lists who answered absent, with their reasons.
func absentFromAnswers(ctx context.Context, r *chat.Request, meetingID int64) (string, error) {
	answers, err := r.Store.MeetingAnswers(ctx, meetingID)
	if err != nil {
		return "", err
	}
	var out []string
	for _, a := range answers {
		if a.Answer != storage.AnswerAbsent {
			continue
		}
		s := a.FullName
		if a.Reason != "" {
			s += " (" + a.Reason + ")"
		}
		out = append(out, s)
	}
	return vn.Cut(strings.Join(out, "; "), storage.MaxText), nil
}

// fillTotal counts the cell's members on the day when the form gave only
// those present, and checks present against it.
func (h *Handlers) fillTotal(ctx context.Context, r *chat.Request, d *meetingDraft) error {
	if !d.HasPresent || d.Total >= 0 {
		return nil
	}
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return nil
	}
	n, err := r.Store.MembersOn(ctx, d.Org, day)
	if err != nil {
		return err
	}
	if d.Present > n {
		return storage.Errorf(storage.CodeInvalid, "Số có mặt (%d) lớn hơn số đảng viên của tổ chức ngày %s theo danh sách (%d): đồng chí ghi có mặt/tổng số, ví dụ %d/%d.",
			d.Present, vn.FormatDate(day), n, d.Present, d.Present)
	}
	d.Total = n
	return nil
}

// duplicateMeeting is a second regular meeting report in a month.
type duplicateMeeting struct{ existing int64 }

func (e *duplicateMeeting) Error() string {
	return fmt.Sprintf("regular meeting report %d exists", e.existing)
}

// saveMeeting checks a complete draft once more and stores it.
func (h *Handlers) saveMeeting(ctx context.Context, r *chat.Request, d meetingDraft) (storage.MeetingReport, error) {
	var rep storage.MeetingReport
	day, err := h.savedDay(ctx, r, d.Org, d.Date, "Ngày họp")
	if err != nil {
		return rep, err
	}
	if err := h.dayBegun(ctx, r, d.Org, day); err != nil {
		return rep, err
	}
	if err := h.fillTotal(ctx, r, &d); err != nil {
		return rep, err
	}
	minutes, err := storedRef(ctx, r, d.Photo)
	if err != nil {
		return rep, err
	}
	in := storage.MeetingInput{ReportID: d.ReportID, OrgID: d.Org, Kind: d.Kind, HeldOn: day, Present: d.Present, Total: d.Total,
		AbsentReasons: d.Absent, Topic: d.Topic, MinutesFile: telegramRef(d.Photo), MinutesStore: minutes, By: r.Member.ID, Change: storage.ChangeCorrected}
	if err := in.Validate(); err != nil { // before asking to replace a month's report
		return rep, err
	}
	if d.ReportID == 0 && d.Replace != 0 {
		old, err := r.Store.MeetingReport(ctx, d.Replace)
		if err != nil {
			return rep, err
		}
		if old.OrgID != d.Org {
			return rep, storage.ErrNotFound
		}
		in.ReportID, in.Change = d.Replace, storage.ChangeReplaced
	}
	if in.ReportID == 0 && d.Kind == storage.MeetingRegular {
		old, err := r.Store.RegularMeeting(ctx, d.Org, day)
		if err == nil {
			return rep, &duplicateMeeting{existing: old.ID}
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return rep, err
		}
	}
	rep, err = r.Store.SaveMeetingReport(ctx, in)
	if storage.ErrorCode(err) == storage.CodeConflict {
		// A correction moved it onto a month that has its regular meeting.
		return rep, storage.Errorf(storage.CodeConflict, "%s Đồng chí sửa báo cáo của tháng đó thay vì báo cáo này, hoặc chọn «Chuyên đề».", storage.ErrorMessage(err))
	}
	return rep, err
}

// meetingSend is "Gửi" on the summary (and "Thay báo cáo cũ").
func (h *Handlers) meetingSend(ctx context.Context, c *meetingConv, _ chat.Args) error {
	err := sendReport(ctx, c, h.saveMeeting, meetingConfirmation)
	var dup *duplicateMeeting
	if errors.As(err, &dup) {
		c.Goto(stepMeetingDup)
		return nil
	}
	return err
}

// meetingConfirmation names what was stored, with "Sửa".
func meetingConfirmation(rep storage.MeetingReport) (string, *chat.Markup) {
	text := fmt.Sprintf("✅ Đã lưu báo cáo sinh hoạt chi bộ số %d%s:\n%s", rep.ID, versionNote(rep.Version, rep.Change),
		meetingLines(rep.OrgName, rep.Kind, rep.HeldOn, rep.Present, rep.Total, rep.Topic, rep.AbsentReasons, rep.HasMinutes()))
	kb := chat.NewMarkup(chat.NewRow(editButton(rtMeeting, rep.ID)))
	return text, &kb
}

// meetingDraftOf is the dialog draft that corrects a stored report.
func meetingDraftOf(m storage.MeetingReport) meetingDraft {
	return meetingDraft{ReportID: m.ID, Org: m.OrgID, Date: isoDay(m.HeldOn), Kind: m.Kind, Present: m.Present, Total: m.Total,
		HasPresent: true, Topic: m.Topic, Absent: m.AbsentReasons, AbsentSeen: true, Photo: minutesRef(m), PhotoAsked: true}
}
