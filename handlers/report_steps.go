// The steps and windows the report dialogs (/sinhhoat, /kiemtra) and the
// meeting notice (/lichhop) share: moving on to the next field the draft
// needs, the organisation picker, the date step, typed text answers, a
// question under the dialog's head, the summary and its "Gửi", and the checks
// of an organisation's day.

package handlers

import (
	"context"
	"strings"
	"time"

	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// reportDraft is a dialog draft that knows the first field it still needs.
type reportDraft interface{ next() string }

// reportForm reads a command's quick form (parse) and the organisation it
// is for: a code written first, or the form's own, or the sender's role
// (reportOrg; ask when the dialog must ask). A wrong form or organisation
// is answered with example.
func reportForm[F interface{ Org() string }](ctx context.Context, r *Request, example string,
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
type reportView[D any] func(ctx context.Context, c *Conv[D]) (string, Keyboard, error)

// advance moves to the first field the draft still needs, or its last step.
func advance[D reportDraft](c *Conv[D]) { c.Goto(c.Draft.next()) }

// unfinished sends a draft that is not yet complete to the field it still
// needs (a press of an old "Gửi"), and says whether it did.
func unfinished[D reportDraft](c *Conv[D], last string) bool {
	if step := c.Draft.next(); step != last {
		c.Goto(step)
		return true
	}
	return false
}

// gotoStep is a button that only moves to another step.
func gotoStep[D any](step string) func(context.Context, *Conv[D], Args) error {
	return func(_ context.Context, c *Conv[D], _ Args) error {
		c.Goto(step)
		return nil
	}
}

// answered is a button that changes the draft (skip, none) and moves on.
func answered[D reportDraft](set func(*D)) func(context.Context, *Conv[D], Args) error {
	return func(_ context.Context, c *Conv[D], _ Args) error {
		set(&c.Draft)
		advance(c)
		return nil
	}
}

// orgStep picks the organisation with buttons (reportOrgItems; cellsOnly
// keeps the cells). A press names one of the organisations the step offers
// (a forged button may name any: Chosen); set takes it into the draft.
func orgStep[D any](title, question string, cellsOnly bool, set func(context.Context, *Conv[D], int64) error) *Step[D] {
	return &Step[D]{ID: "org",
		View: func(ctx context.Context, c *Conv[D]) (string, Keyboard, error) {
			items, err := reportOrgItems(ctx, c.Request, cellsOnly)
			if err != nil {
				return "", nil, err
			}
			return title + "\n\n" + question, append(Select(c, "orgs", items, "o"), c.CancelRow()), nil
		},
		Actions: map[string]func(context.Context, *Conv[D], Args) error{
			"o": func(ctx context.Context, c *Conv[D], a Args) error {
				items, err := reportOrgItems(ctx, c.Request, cellsOnly)
				if err != nil {
					return err
				}
				o, err := Chosen(items, a, 0)
				if err != nil {
					return err
				}
				return set(ctx, c, o.ID)
			},
		}}
}

// dateStep takes the day of a report: typed (quickform.ParseDay) or a
// shortcut (pickDay), both checked by storage.CheckReportDay; set checks
// it against the organisation and keeps it.
func dateStep[D any](view reportView[D], set func(context.Context, *Conv[D], time.Time) error) *Step[D] {
	return &Step[D]{ID: "date", View: view,
		Text: func(ctx context.Context, c *Conv[D], text string) error {
			t, err := quickform.ParseDay(text, today(c.Request))
			if err != nil {
				return err
			}
			return set(ctx, c, t)
		},
		Actions: map[string]func(context.Context, *Conv[D], Args) error{"d": func(ctx context.Context, c *Conv[D], a Args) error {
			t, err := pickDay(c.Request, a)
			if err != nil {
				return err
			}
			return set(ctx, c, t)
		}}}
}

// kindStep takes the kind of a report: typed, or the code a button ("k")
// carries, both read by the field's one rule (read, a storage.Read*Kind).
func kindStep[D reportDraft](view reportView[D], read func(string) (string, error), set func(*D, string)) *Step[D] {
	take := func(c *Conv[D], s string) error {
		k, err := read(s)
		if err != nil {
			return err
		}
		set(&c.Draft, k)
		advance(c)
		return nil
	}
	return &Step[D]{ID: "kind", View: view,
		Text: func(_ context.Context, c *Conv[D], text string) error { return take(c, text) },
		Actions: map[string]func(context.Context, *Conv[D], Args) error{"k": func(_ context.Context, c *Conv[D], a Args) error {
			return take(c, a.Arg(0))
		}}}
}

// typedText is a step's Text that takes a typed free-text answer to field
// f (reportText: label names it in the error) and hands it to take.
func typedText[D any](f storage.Field, label string, take func(context.Context, *Conv[D], string) error) func(context.Context, *Conv[D], string) error {
	return func(ctx context.Context, c *Conv[D], text string) error {
		t, err := reportText(f, label, text)
		if err != nil {
			return err
		}
		return take(ctx, c, t)
	}
}

// textAnswer takes a typed free-text answer (typedText) into the draft.
func textAnswer[D reportDraft](f storage.Field, label string, set func(*D, string)) func(context.Context, *Conv[D], string) error {
	return typedText(f, label, func(_ context.Context, c *Conv[D], t string) error {
		set(&c.Draft, t)
		advance(c)
		return nil
	})
}

// askView is a window that asks one question under the dialog's head,
// with a row of buttons (none when row is nil) above the cancel row.
func askView[D any](head func(context.Context, *Conv[D]) (string, error), question string, row func(*Conv[D]) Row) reportView[D] {
	return func(ctx context.Context, c *Conv[D]) (string, Keyboard, error) {
		text, err := head(ctx, c)
		if err != nil {
			return "", nil, err
		}
		var rows Keyboard
		if row != nil {
			rows = append(rows, row(c))
		}
		return text + question, append(rows, c.CancelRow()), nil
	}
}

// reportHead is the first lines of a dialog's steps: its title, "(sửa)"
// when it corrects a stored report, then the organisation, the day and
// the facts given (empty ones left out) once they are known.
func reportHead(ctx context.Context, r *Request, title string, editing bool, org int64, date string, facts ...string) (string, error) {
	var b strings.Builder
	b.WriteString(title)
	if editing {
		b.WriteString(" (sửa)")
	}
	if org != 0 {
		o, err := r.Store.OrganisationByID(ctx, org)
		if err != nil {
			return "", err
		}
		b.WriteString("\n" + esc(o.Name))
	}
	if t, ok := parseISODay(date); ok {
		b.WriteString(" · " + vn.FormatDate(t))
	}
	for _, f := range facts {
		if f != "" {
			b.WriteString(" · " + f)
		}
	}
	return b.String() + "\n\n", nil
}

// summaryView is a report's summary: the title (checking a new report, or
// what sending a correction does: editTitle), the report's lines for its
// organisation and day, and "Gửi", "Sửa" and "Hủy".
func summaryView[D any](ctx context.Context, c *Conv[D], title, editTitle string, editing bool, org int64, date string,
	lines func(orgName string, day time.Time) string) (string, Keyboard, error) {
	o, err := c.Store.OrganisationByID(ctx, org)
	if err != nil {
		return "", nil, err
	}
	day, _ := parseISODay(date)
	head := title + " — đồng chí kiểm tra lại:\n"
	if editing {
		head = editTitle + " — gửi sẽ lưu phiên bản mới, bản cũ vẫn giữ:\n"
	}
	return head + lines(o.Name, day), Keyboard{newRow(c.Button("✅ Gửi", "ok"), c.Button("✏️ Sửa", "e"), c.Button("✖ Hủy", actCancel))}, nil
}

// editBackRow is the edit menu's last row: back to the summary, or cancel.
func editBackRow[D any](c *Conv[D]) Row {
	return newRow(c.Button("◀ Quay lại", actBack), c.Button("✖ Hủy", actCancel))
}

// summaryStep is the summary: "Gửi" sends, "Sửa" opens the edit menu.
func summaryStep[D any](view reportView[D], send func(context.Context, *Conv[D], Args) error) *Step[D] {
	return &Step[D]{ID: "summary", View: view, Actions: map[string]func(context.Context, *Conv[D], Args) error{
		"ok": send,
		"e":  gotoStep[D]("edit"),
	}}
}

// sendReport is "Gửi" on a summary: a draft that still lacks a field goes
// back to it (a press of an old "Gửi"); a complete one is stored by save,
// and the dialog ends with what confirm says was stored.
func sendReport[D reportDraft, R any](ctx context.Context, c *Conv[D], save func(context.Context, *Request, D) (R, error),
	confirm func(R) (string, *Markup)) error {
	if unfinished(c, "summary") {
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
func (h *Handlers) checkDay(ctx context.Context, r *Request, org int64, day time.Time) error {
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
func (h *Handlers) savedDay(ctx context.Context, r *Request, org int64, date, label string) (time.Time, error) {
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
