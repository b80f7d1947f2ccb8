// Filling and storing a meeting report: the figures taken from the answers
// to a meeting's notice, the member count of the cell, the last checks,
// storing (or replacing) and the confirmation with "Sửa".

package handlers

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

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
	var cell []storage.Member
	if d.Names != nil {
		if cell, err = cellOn(ctx, r, d); err != nil {
			return rep, err
		}
		d.Present, d.Total = countNames(d.Names)
		d.Absent = ""
	}
	minutes, err := storedRef(ctx, r, d.Photo)
	if err != nil {
		return rep, err
	}
	acted, _, err := r.ActedAt(ctx)
	if err != nil {
		return rep, err
	}
	in := storage.MeetingInput{ReportID: d.ReportID, Acted: acted, OrgID: d.Org, Kind: d.Kind, HeldOn: day, Starts: d.Starts, Ends: d.Ends,
		Present: d.Present, Total: d.Total, Attendance: draftAttendees(d, cell), AbsentReasons: d.Absent, Topic: d.Topic,
		Studied: d.Studied, MinutesFile: telegramRef(d.Photo), MinutesStore: minutes, By: r.Member.ID, Change: storage.ChangeCorrected}
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
	if in.ReportID == 0 && storage.IsRegularMeeting(d.Kind) {
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

// meetingSend is "Gửi" on the summary (and "Thay báo cáo cũ", and the
// answer to the study question): a report naming documents studied asks
// first whether the members present studied them (stepMeetingTick); then
// the report is stored, and the members present ticked if so answered.
func (h *Handlers) meetingSend(ctx context.Context, c *meetingConv, _ chat.Args) error {
	if unfinished(c) {
		return nil
	}
	if c.Draft.needsTickQuestion() && !c.Draft.TickAsked {
		c.Goto(stepMeetingTick)
		return nil
	}
	rep, err := h.saveMeeting(ctx, c.Request, c.Draft)
	var dup *duplicateMeeting
	if errors.As(err, &dup) {
		c.Goto(stepMeetingDup)
		return nil
	}
	if err != nil {
		return err
	}
	text, kb := meetingConfirmation(rep)
	acted, received, err := c.ActedAt(ctx)
	if err != nil {
		return err
	}
	text += recordedLine(acted, received, rep.ReportedAt, h.deps.Location)
	if c.Draft.Tick && c.Draft.needsTickQuestion() {
		ticks, err := c.Store.TickStudiedAtMeeting(ctx, rep.ID, storage.OfflineBy{Actor: c.Actor(), MemberID: &c.Member.ID})
		if err != nil {
			return err
		}
		text += "\n" + ticksText(ticks, rep.HeldOn)
	}
	c.End(text, kb)
	c.Toast = "Đã lưu báo cáo."
	return nil
}

// meetingConfirmation names what was stored, with "Sửa".
func meetingConfirmation(rep storage.MeetingReport) (string, *chat.Markup) {
	text := fmt.Sprintf("✅ Đã lưu báo cáo sinh hoạt chi bộ số %d%s:\n%s", rep.ID, versionNote(rep.Version, rep.Change), factsOf(rep).lines())
	kb := chat.NewMarkup(chat.NewRow(editButton(rtMeeting, rep.ID)))
	return text, &kb
}

// meetingDraftOf is the dialog draft that corrects a stored report: its
// figures, times, attendance by name and documents studied (the members
// present are asked about again, and ticking twice changes nothing).
func meetingDraftOf(m storage.MeetingReport) meetingDraft {
	d := meetingDraft{ReportID: m.ID, Org: m.OrgID, Date: isoDay(m.HeldOn), Starts: m.Starts, Ends: m.Ends, TimesAsked: true, Kind: m.Kind,
		Present: m.Present, Total: m.Total, HasPresent: true, Topic: m.Topic, Absent: m.AbsentReasons, AbsentSeen: true,
		StudiedAsked: true, Photo: minutesRef(m), PhotoAsked: true}
	if m.Attendance != nil {
		setNames(&d, m.Attendance)
		d.NamesSeen = true
	}
	for _, s := range m.Studied {
		d.Studied = append(d.Studied, s.CampaignID)
	}
	return d
}
