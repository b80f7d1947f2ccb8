// The /sinhhoat command: a quick form stored at once, or the "sh" dialog
// opened at the first field the form left out.

package handlers

import (
	"context"
	"errors"
	"strings"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
)

// meetingCommand is /sinhhoat: a quick form, or the dialog.
func (h *Handlers) meetingCommand(ctx context.Context, r *chat.Request) error {
	photo, err := h.keepMinutes(ctx, r, r.Update.Message)
	if err != nil {
		return err
	}
	form, o, ask, err := reportForm(ctx, r, quickform.MeetingExample, quickform.ParseMeeting)
	if err != nil {
		return err
	}
	d := meetingDraft{Kind: form.Kind, Topic: form.Topic, Photo: photo, PhotoAsked: photo != ""}
	if form.HasTimes {
		d.Starts, d.Ends, d.TimesAsked = &form.Starts, &form.Ends, true
	}
	if !ask {
		d.Org = o.ID
	}
	if ask && (len(form.Absent) > 0 || len(form.Studied) > 0) {
		return storage.WithExample(storage.FieldErrorf(storage.FieldOrg,
			"Đồng chí phụ trách nhiều tổ chức: khi ghi tên người vắng hoặc văn bản đã học, đồng chí ghi mã tổ chức ở đầu báo cáo (ví dụ /sinhhoat CB01; 15/11/2026; …) để biết danh sách của tổ chức nào."),
			quickform.MeetingExample)
	}
	if form.HasDate {
		if !ask {
			if err := checkOrgDay(o, form.Date, h.deps.Location); err != nil {
				return storage.WithExample(err, quickform.MeetingExample)
			}
			if err := h.dayBegun(ctx, r, o.ID, form.Date); err != nil {
				return err
			}
		}
		d.Date = isoDay(form.Date)
	}
	if form.HasPresent {
		d.Present, d.Total, d.HasPresent = form.Present, form.Total, true
		if !form.HasTotal {
			d.Total = -1 // counted once the organisation and the day are known
		}
		if !ask && form.HasDate {
			if err := h.fillTotal(ctx, r, &d); err != nil {
				return storage.WithExample(err, quickform.MeetingExample)
			}
		}
	}
	if len(form.Absent) > 0 {
		if err := h.applyAbsent(ctx, r, &d, form.Absent); err != nil {
			return storage.WithExample(err, quickform.MeetingExample)
		}
		d.NamesSeen = true
	}
	if len(form.Studied) > 0 {
		cs, err := cellCampaigns(ctx, r, d)
		if err != nil {
			return err
		}
		if d.Studied, d.StudiedNote, err = resolveStudied(cs, form.Studied); err != nil {
			return storage.WithExample(err, quickform.MeetingExample)
		}
		d.StudiedAsked = d.StudiedNote == ""
	}
	if !d.HasPresent && d.Org != 0 {
		if _, err := h.prefillFromAnswers(ctx, r, &d); err != nil {
			return err
		}
	}
	if err := skipStudiedIfNone(ctx, r, &d); err != nil {
		return err
	}
	if strings.TrimSpace(r.Args) == "" && photo == "" {
		if many, err := pickInDialog(ctx, r, false); err != nil {
			return err
		} else if many {
			d.Org = 0
		}
		return h.meetings.Start(ctx, r, h.meetings.Next(d), d)
	}
	if form.Missing() == quickform.FieldNone {
		// A whole form said all it means to: no times, no documents and no
		// photo are answers too.
		d.PhotoAsked, d.TimesAsked, d.AbsentSeen = true, true, true
		if len(form.Studied) == 0 {
			d.StudiedAsked = true
		}
	}
	if form.Missing() != quickform.FieldNone || ask || h.meetings.Next(d) != stepMeetingSummary {
		// Something to ask: a field left out, the attendance from the
		// notice's answers to check, a document to pick.
		return h.meetings.Start(ctx, r, h.meetings.Next(d), d)
	}
	if d.needsTickQuestion() {
		// Documents studied: one question before anything is stored.
		return h.meetings.Start(ctx, r, stepMeetingTick, d)
	}
	// A complete form: stored at once, without a summary; the form was
	// the secretary's summary.
	rep, err := h.saveMeeting(ctx, r, d)
	var dup *duplicateMeeting
	if errors.As(err, &dup) {
		return h.meetings.Start(ctx, r, stepMeetingDup, d)
	}
	if err != nil {
		return storage.WithExample(err, quickform.MeetingExample)
	}
	text, kb := meetingConfirmation(rep)
	r.Reply(text, *kb)
	return nil
}
