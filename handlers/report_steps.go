// The steps and windows the report dialogs (/sinhhoat, /kiemtra) and the
// meeting notice (/lichhop) share: the organisation their heads name, the
// organisation picker, the date step, typed text answers, a question under
// the dialog's head, the summary and its "Gửi", the edit menu, and the
// checks of an organisation's day.

package handlers

import (
	"context"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// reportDraft is a report dialog's draft: the organisation it is for is
// named in the head of every window.
type reportDraft interface{ orgID() int64 }

// draftOrg is the getter of a report dialog's windows: the organisation
// the draft is for, which heads them (none chosen yet: the zero one).
func draftOrg[D reportDraft](ctx context.Context, c *chat.Conv[D]) (storage.Organisation, error) {
	if c.Draft.orgID() == 0 {
		return storage.Organisation{}, nil
	}
	return c.Store.OrganisationByID(ctx, c.Draft.orgID())
}

// reportForm reads a command's quick form (parse) and the organisation it
// is for: a code written first, or the form's own, or the sender's role
// (reportOrg; ask when the dialog must ask). A wrong form or organisation
// is answered with example.
func reportForm[F interface{ Org() string }](ctx context.Context, r *chat.Request, example string,
	parse func(form string, today time.Time) (F, error)) (form F, o storage.Organisation, ask bool, err error) {
	code, args, err := leadingOrgCode(ctx, r, r.Args)
	if err != nil {
		return form, o, false, err
	}
	form, err = parse(args, today(r))
	if err != nil {
		return form, o, false, storage.WithExample(err, example)
	}
	if code == "" {
		code = form.Org()
	}
	o, ask, err = reportOrg(ctx, r, code)
	if err != nil {
		return form, o, false, storage.WithExample(err, example)
	}
	return form, o, ask, nil
}

// reportView is a step's window.
type reportView[D any] func(ctx context.Context, c *chat.Conv[D]) (string, chat.Keyboard, error)

// unfinished sends a draft that still needs a field to it (a press of an
// old "Gửi"), and says whether it did.
func unfinished[D any](c *chat.Conv[D]) bool {
	if c.Missing() {
		c.Next()
		return true
	}
	return false
}

// gotoStep is a button that only moves to another step.
func gotoStep[D any](step chat.StepID[D]) func(context.Context, *chat.Conv[D], chat.Args) error {
	return func(_ context.Context, c *chat.Conv[D], _ chat.Args) error {
		c.Goto(step)
		return nil
	}
}

// answered is a button that changes the draft (skip, none) and moves on.
func answered[D any](set func(*D)) func(context.Context, *chat.Conv[D], chat.Args) error {
	return func(_ context.Context, c *chat.Conv[D], _ chat.Args) error {
		set(&c.Draft)
		c.Next()
		return nil
	}
}

// orgStep picks the organisation with buttons (reportOrgItems; cellsOnly
// keeps the cells). A press names one of the organisations the step offers
// (a forged button may name any: Chosen); set takes it into the draft. s
// is the step as its dialog declares it (its id, Needed, Edit).
func orgStep[D any](s chat.Step[D], title, question string, cellsOnly bool, set func(context.Context, *chat.Conv[D], int64) error) *chat.Step[D] {
	items := func(ctx context.Context, c *chat.Conv[D]) ([]chat.Item, error) {
		return reportOrgItems(ctx, c.Request, cellsOnly)
	}
	s.View = chat.Window(items, func(c *chat.Conv[D], items []chat.Item) (string, chat.Keyboard) {
		return title + "\n\n" + question, append(chat.Select(c, "orgs", items, "o"), c.CancelRow())
	})
	s.Actions = map[string]func(context.Context, *chat.Conv[D], chat.Args) error{
		"o": func(ctx context.Context, c *chat.Conv[D], a chat.Args) error {
			items, err := items(ctx, c)
			if err != nil {
				return err
			}
			o, err := chat.Chosen(items, a, 0)
			if err != nil {
				return err
			}
			return set(ctx, c, o.ID)
		},
	}
	return &s
}

// dateStep takes the day of a report: typed (quickform.ParseDay) or a
// shortcut (pickDay), both checked by storage.CheckReportDay; set checks
// it against the organisation and keeps it.
func dateStep[D any](s chat.Step[D], view reportView[D], set func(context.Context, *chat.Conv[D], time.Time) error) *chat.Step[D] {
	s.View = view
	s.Text = func(ctx context.Context, c *chat.Conv[D], text string) error {
		t, err := quickform.ParseDay(text, today(c.Request))
		if err != nil {
			return err
		}
		return set(ctx, c, t)
	}
	s.Actions = map[string]func(context.Context, *chat.Conv[D], chat.Args) error{"d": func(ctx context.Context, c *chat.Conv[D], a chat.Args) error {
		t, err := pickDay(c.Request, a)
		if err != nil {
			return err
		}
		return set(ctx, c, t)
	}}
	return &s
}

// kindStep takes the kind of a report: typed, or the code a button ("k")
// carries, both read by the field's one rule (read, a storage.Read*Kind).
func kindStep[D any](s chat.Step[D], view reportView[D], read func(string) (string, error), set func(*D, string)) *chat.Step[D] {
	take := func(c *chat.Conv[D], str string) error {
		k, err := read(str)
		if err != nil {
			return err
		}
		set(&c.Draft, k)
		c.Next()
		return nil
	}
	s.View = view
	s.Text = func(_ context.Context, c *chat.Conv[D], text string) error { return take(c, text) }
	s.Actions = map[string]func(context.Context, *chat.Conv[D], chat.Args) error{"k": func(_ context.Context, c *chat.Conv[D], a chat.Args) error {
		return take(c, a.Arg(0))
	}}
	return &s
}

// typedText is a step's Text that takes a typed free-text answer to field
// f (reportText: label names it in the error) and hands it to take.
func typedText[D any](f storage.Field, label string, take func(context.Context, *chat.Conv[D], string) error) func(context.Context, *chat.Conv[D], string) error {
	return func(ctx context.Context, c *chat.Conv[D], text string) error {
		t, err := reportText(f, label, text)
		if err != nil {
			return err
		}
		return take(ctx, c, t)
	}
}

// textAnswer takes a typed free-text answer (typedText) into the draft.
func textAnswer[D any](f storage.Field, label string, set func(*D, string)) func(context.Context, *chat.Conv[D], string) error {
	return typedText(f, label, func(_ context.Context, c *chat.Conv[D], t string) error {
		set(&c.Draft, t)
		c.Next()
		return nil
	})
}

// askView is a window that asks one question under the dialog's head
// (drawn by head from the draft's organisation, draftOrg), with a row of
// buttons (none when row is nil) above the cancel row.
func askView[D reportDraft](head func(*chat.Conv[D], storage.Organisation) string, question string, row func(*chat.Conv[D]) chat.Row) reportView[D] {
	return chat.Window(draftOrg[D], func(c *chat.Conv[D], o storage.Organisation) (string, chat.Keyboard) {
		var rows chat.Keyboard
		if row != nil {
			rows = append(rows, row(c))
		}
		return head(c, o) + question, append(rows, c.CancelRow())
	})
}

// reportHead is the first lines of a dialog's steps: its title, "(sửa)"
// when it corrects a stored report, then the organisation (org, its name;
// none chosen yet: ""), the day and the facts given (empty ones left out)
// once they are known.
func reportHead(title string, editing bool, org, date string, facts ...string) string {
	var b strings.Builder
	b.WriteString(title)
	if editing {
		b.WriteString(" (sửa)")
	}
	if org != "" {
		b.WriteString("\n" + esc(org))
	}
	if t, ok := parseISODay(date); ok {
		b.WriteString(" · " + vn.FormatDate(t))
	}
	for _, f := range facts {
		if f != "" {
			b.WriteString(" · " + f)
		}
	}
	return b.String() + "\n\n"
}

// reportSummary draws a report's summary: the title (checking a new
// report, or what sending a correction does: editTitle), the report's
// lines for its organisation and day, and "Gửi", "Sửa" and "Hủy".
func reportSummary[D any](c *chat.Conv[D], title, editTitle string, editing bool, org, date string,
	lines func(orgName string, day time.Time) string) (string, chat.Keyboard) {
	day, _ := parseISODay(date)
	head := title + " — đồng chí kiểm tra lại:\n"
	if editing {
		head = editTitle + " — gửi sẽ lưu phiên bản mới, bản cũ vẫn giữ:\n"
	}
	return head + lines(org, day), chat.Keyboard{chat.NewRow(c.Button("✅ Gửi", "ok"), c.Button("✏️ Sửa", "e"), c.CancelButton())}
}

// editBackRow is the edit menu's last row: back to the summary, or cancel.
func editBackRow[D any](c *chat.Conv[D]) chat.Row {
	return chat.NewRow(c.Button("◀ Quay lại", chat.ActBack), c.CancelButton())
}

// summaryStep is the summary: "Gửi" sends, "Sửa" opens the edit menu (edit).
func summaryStep[D any](s chat.Step[D], view reportView[D], send func(context.Context, *chat.Conv[D], chat.Args) error, edit chat.StepID[D]) *chat.Step[D] {
	s.View = view
	s.Actions = map[string]func(context.Context, *chat.Conv[D], chat.Args) error{
		"ok": send,
		"e":  gotoStep(edit),
	}
	return &s
}

// reportEditMenu is what an edit menu shows: the organisation for its head
// and the steps it offers.
type reportEditMenu[D any] struct {
	org   storage.Organisation
	steps []*chat.Step[D]
}

// editStep is a report's edit menu, under the dialog's head: a button
// for each step the menu offers (the steps with an Edit label that their
// Editable allows, EditMenu), back to the summary, or cancel. A press
// goes to the step it names, if the menu offers it (Edited).
func editStep[D reportDraft](s chat.Step[D], head func(*chat.Conv[D], storage.Organisation) string) *chat.Step[D] {
	s.View = chat.Window(func(ctx context.Context, c *chat.Conv[D]) (reportEditMenu[D], error) {
		o, err := draftOrg(ctx, c)
		if err != nil {
			return reportEditMenu[D]{}, err
		}
		steps, err := c.Editable(ctx)
		return reportEditMenu[D]{org: o, steps: steps}, err
	}, func(c *chat.Conv[D], m reportEditMenu[D]) (string, chat.Keyboard) {
		return head(c, m.org) + "Sửa mục nào?", append(chat.EditMenu(c, m.steps, "f"), editBackRow(c))
	})
	s.Actions = map[string]func(context.Context, *chat.Conv[D], chat.Args) error{
		"f": func(ctx context.Context, c *chat.Conv[D], a chat.Args) error {
			step, err := chat.Edited(ctx, c, a, 0)
			if err != nil {
				return err
			}
			c.Goto(step)
			return nil
		},
	}
	return &s
}

// sendReport is "Gửi" on a summary: a draft that still lacks a field goes
// back to it (a press of an old "Gửi"); a complete one is stored by save,
// and the dialog ends with what confirm says was stored.
func sendReport[D any, R any](ctx context.Context, c *chat.Conv[D], save func(context.Context, *chat.Request, D) (R, error),
	confirm func(R) (string, *chat.Markup)) error {
	if unfinished(c) {
		return nil
	}
	rep, err := save(ctx, c.Request, c.Draft)
	if err != nil {
		return err
	}
	c.End(confirm(rep))
	c.Toast = "Đã lưu báo cáo."
	return nil
}

// checkDay refuses a day outside the organisation's life (checkOrgDay).
func (h *Handlers) checkDay(ctx context.Context, r *chat.Request, org int64, day time.Time) error {
	o, err := r.Store.OrganisationByID(ctx, org)
	if err != nil {
		return err
	}
	return checkOrgDay(o, day, h.deps.Location)
}

// savedDay checks a complete draft's organisation and day once more before
// it is stored: the sender reports for the organisation, and the day
// (label names it in the message) is a real one, passes its rule
// (storage.CheckReportDay) and lies within the organisation's life.
func (h *Handlers) savedDay(ctx context.Context, r *chat.Request, org int64, date, label string) (time.Time, error) {
	if err := mayReport(ctx, r, org); err != nil {
		return time.Time{}, err
	}
	o, err := r.Store.OrganisationByID(ctx, org)
	if err != nil {
		return time.Time{}, err
	}
	day, ok := parseISODay(date)
	if !ok {
		return time.Time{}, storage.Errorf(storage.CodeInvalid, "%s chưa đúng: đồng chí chọn lại ngày.", label)
	}
	if err := storage.CheckReportDay(day, today(r)); err != nil {
		return time.Time{}, err
	}
	if err := checkOrgDay(o, day, h.deps.Location); err != nil {
		return time.Time{}, err
	}
	return day, nil
}
