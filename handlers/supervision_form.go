// The /kiemtra command: a quick form stored at once, or the "kt" dialog
// opened at the first field the form left out.

package handlers

import (
	"context"
	"strings"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
)

// supervisionCommand is /kiemtra: a quick form, or the dialog.
func (h *Handlers) supervisionCommand(ctx context.Context, r *chat.Request) error {
	form, o, ask, err := reportForm(ctx, r, quickform.SupervisionExample, quickform.ParseSupervision)
	if err != nil {
		return err
	}
	d := supervisionDraft{Body: form.Body, Kind: form.Kind, Orgs: form.Orgs, HasOrgs: form.HasOrgs, Members: form.Members, HasMembers: form.HasMembers,
		Content: form.Content, Violations: form.Violations, HasConclusion: form.HasConclusion, Measures: form.Measures}
	// A form written out to the conclusion says all it means to: its
	// measures are none rather than a question.
	d.MeasuresAsked = form.HasConclusion
	d.BodyAsked = strings.TrimSpace(r.Args) != "" // without UBKT written, the committee
	if form.HasDate {
		d.Date = isoDay(form.Date)
	}
	if !ask {
		d.Org = o.ID
		if form.HasDate {
			if err := checkOrgDay(o, form.Date, h.deps.Location); err != nil {
				return storage.WithExample(err, quickform.SupervisionExample)
			}
		}
		if err := h.checkBody(ctx, r, d); err != nil {
			return storage.WithExample(err, quickform.SupervisionExample)
		}
		if err := h.checkExamined(ctx, r, d); err != nil {
			return storage.WithExample(err, quickform.SupervisionExample)
		}
		if o.Kind != storage.KindDangBo {
			d.BodyAsked = true
		}
	}
	if strings.TrimSpace(r.Args) == "" {
		if many, err := pickInDialog(ctx, r, false); err != nil {
			return err
		} else if many {
			d.Org, d.BodyAsked = 0, false
		}
	}
	if strings.TrimSpace(r.Args) == "" || form.Missing() != quickform.FieldNone || ask {
		return h.supervisions.Start(ctx, r, h.supervisions.Next(d), d)
	}
	rep, err := h.saveSupervision(ctx, r, d)
	if err != nil {
		return storage.WithExample(err, quickform.SupervisionExample)
	}
	text, kb := supervisionConfirmation(rep)
	r.Reply(text, *kb)
	return nil
}
