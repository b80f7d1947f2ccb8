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
	d := meetingDraft{Kind: form.Kind, Topic: form.Topic, Absent: form.Absent, Photo: photo, PhotoAsked: photo != "", AbsentSeen: form.Absent != ""}
	if !ask {
		d.Org = o.ID
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
	if !d.HasPresent && d.Org != 0 {
		if _, err := h.prefillFromAnswers(ctx, r, &d); err != nil {
			return err
		}
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
		d.PhotoAsked = true // a whole form said all it means to
	}
	if form.Missing() != quickform.FieldNone || ask {
		return h.meetings.Start(ctx, r, h.meetings.Next(d), d)
	}
	// A complete form: stored at once, without a summary; the form was
	// the secretary's summary.
	d.PhotoAsked = true
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
