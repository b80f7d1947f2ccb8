package chat

import (
	"context"
	"fmt"
	"slices"
	"time"

	"sotay/storage"
	"sotay/storage/vn"
)

// Widgets draw the parts of a dialog step that every dialog needs: a paged
// list to pick from, a list to tick, date shortcuts, a counter, an edit
// menu. They only draw, from what the step's getter loaded (Window); the
// step's actions decide what a press does and re-check every id (Chosen,
// Edited) and every value (with the field's own rule, as typed text is).

// Window is a step's View in two halves, as aiogram-dialog's windows are:
// load, the step's getter, reads what the step shows besides the draft (a
// list to pick from, the organisation's name, a tally); draw draws from
// the draft and what load returned, and reads nothing more. Drawing the
// step again (after a wrong answer, a page turned, a restart) loads afresh.
func Window[D, T any](load func(context.Context, *Conv[D]) (T, error), draw func(*Conv[D], T) (string, Keyboard)) func(context.Context, *Conv[D]) (string, Keyboard, error) {
	return func(ctx context.Context, c *Conv[D]) (string, Keyboard, error) {
		v, err := load(ctx, c)
		if err != nil {
			return "", nil, err
		}
		text, kb := draw(c, v)
		return text, kb, nil
	}
}

// EditMenu draws an edit menu: a button ("action:<step>") for each step
// it offers (Conv.Editable), labelled with the step's Edit, three a row,
// in the order the steps are asked.
func EditMenu[D any](c *Conv[D], steps []*Step[D], action string) Keyboard {
	var rows Keyboard
	var row Row
	for _, s := range steps {
		row = append(row, c.Button(s.Edit, action, string(s.ID)))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// Edited is the step an edit menu's press names (argument i), if the menu
// offers it for this draft (Conv.Editable); any other is not found.
func Edited[D any](ctx context.Context, c *Conv[D], a Args, i int) (StepID[D], error) {
	steps, err := c.Editable(ctx)
	if err != nil {
		return "", err
	}
	for _, s := range steps {
		if string(s.ID) == a.Arg(i) {
			return s.ID, nil
		}
	}
	return "", storage.ErrNotFound
}

// Item is one choice of a list widget.
type Item struct {
	ID    int64
	Label string
}

// WidgetPageSize is how many items one page of a list widget shows.
const WidgetPageSize = 8

// Select draws one page of items, a button each ("action:<id>"), with ◀ ▶
// to page. The page is the widget's offset in the dialog state.
func Select[D any](c *Conv[D], widget string, items []Item, action string) Keyboard {
	off := clampPage(c, widget, len(items))
	end := min(off+WidgetPageSize, len(items))
	var rows Keyboard
	for _, it := range items[off:end] {
		rows = append(rows, NewRow(c.Button(vn.Cut(it.Label, 60), action, it.ID)))
	}
	if nav := PageButtons(c, widget, off, end-off, len(items)); nav != nil {
		rows = append(rows, nav)
	}
	return rows
}

// msgNotOffered answers a press naming an item the step's list does not
// hold: one gone since the list was drawn, or one it never offered (a
// forged button). Both get this answer and the list as it is now, so a
// forged id learns nothing of what it names.
// The labels of a list's page buttons.
const (
	LabelPrev = "◀ Trước"
	LabelNext = "Sau ▶"
)

const msgNotOffered = "Mục này không còn trong danh sách. Đồng chí chọn lại trong danh sách mới nhất."

// ErrNotOffered is returned by a step's action for a press naming an item
// its list does not hold; the engine answers it like a stale button
// (msgNotOffered) and draws the step again, keeping nothing of the press.
var ErrNotOffered = storage.Errorf(storage.CodeNotFound, msgNotOffered)

// Chosen is the item argument i of a press names, looked up in items, the
// list the step offers (built by the same function that drew it): an id
// not in it, or no id at all, is ErrNotOffered.
func Chosen(items []Item, a Args, i int) (Item, error) {
	id, err := a.ID(i)
	if err != nil {
		return Item{}, ErrNotOffered
	}
	for _, it := range items {
		if it.ID == id {
			return it, nil
		}
	}
	return Item{}, ErrNotOffered
}

// Offered reports whether items holds id: an id kept in a draft is checked
// again, when the answer is drawn, against the list it was chosen from.
func Offered(items []Item, id int64) bool {
	return slices.ContainsFunc(items, func(it Item) bool { return it.ID == id })
}

// Pick is a whole window to choose one item: the question above a Select
// and the cancel row, or, when there is nothing to choose, empty and the
// cancel row alone.
func Pick[D any](c *Conv[D], widget string, items []Item, action, question, empty string) (string, Keyboard) {
	if len(items) == 0 {
		return empty, Keyboard{c.CancelRow()}
	}
	return question, append(Select(c, widget, items, action), c.CancelRow())
}

// Multiselect draws one page of items with ☑ or ☐ before each; a press
// sends "action:<id>" for the step to toggle.
func Multiselect[D any](c *Conv[D], widget string, items []Item, chosen []int64, action string) Keyboard {
	on := map[int64]bool{}
	for _, id := range chosen {
		on[id] = true
	}
	off := clampPage(c, widget, len(items))
	end := min(off+WidgetPageSize, len(items))
	var rows Keyboard
	for _, it := range items[off:end] {
		mark := "☐ "
		if on[it.ID] {
			mark = "☑ "
		}
		rows = append(rows, NewRow(c.Button(mark+vn.Cut(it.Label, 50), action, it.ID)))
	}
	if nav := PageButtons(c, widget, off, end-off, len(items)); nav != nil {
		rows = append(rows, nav)
	}
	return rows
}

// Toggle adds id to ids, or takes it out when it is there.
func Toggle(ids []int64, id int64) []int64 {
	for i, x := range ids {
		if x == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return append(ids, id)
}

func clampPage[D any](c *Conv[D], widget string, n int) int {
	off := c.Page(widget)
	if off >= n {
		off = max(0, (n-1)/WidgetPageSize*WidgetPageSize)
	}
	return max(off, 0)
}

// PageLabel says which page of a list widget of n items the drawing shows,
// "Trang 2/9", or "" when the list fits on one page.
func PageLabel[D any](c *Conv[D], widget string, n int) string {
	if n <= WidgetPageSize {
		return ""
	}
	pages := (n + WidgetPageSize - 1) / WidgetPageSize
	return fmt.Sprintf("Trang %d/%d", clampPage(c, widget, n)/WidgetPageSize+1, pages)
}

func PageButtons[D any](c *Conv[D], widget string, off, shown, total int) Row {
	var nav Row
	if off > 0 {
		nav = append(nav, c.Button(LabelPrev, actPage, widget, max(off-WidgetPageSize, 0)))
	}
	if off+shown < total {
		nav = append(nav, c.Button(LabelNext, actPage, widget, off+shown))
	}
	return nav
}

// DateShortcuts draws "Hôm nay", "Hôm qua" and a few earlier days, each
// "action:<yyyymmdd>"; the step reads the day back with ShortcutDate.
func DateShortcuts[D any](c *Conv[D], action string, today time.Time, earlier ...time.Time) Keyboard {
	day := func(t time.Time) string { return t.Format("20060102") }
	rows := Keyboard{NewRow(
		c.Button("Hôm nay ("+today.Format("02/01")+")", action, day(today)),
		c.Button("Hôm qua ("+today.AddDate(0, 0, -1).Format("02/01")+")", action, day(today.AddDate(0, 0, -1))))}
	var row Row
	for _, t := range earlier {
		row = append(row, c.Button(t.Format("02/01/2006"), action, day(t)))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	return rows
}

// ShortcutDay reads the day a DateShortcuts button (or any day button)
// carries and checks it with check, the rule the field's typed day goes
// through (a storage.Check* rule, say): a button is input like typed text.
// Data that is no day at all is "not found", as for a forged id.
func ShortcutDay(a Args, i int, loc *time.Location, Check func(day time.Time) error) (time.Time, error) {
	t, err := time.ParseInLocation("20060102", a.Arg(i), loc)
	if err != nil {
		return t, storage.ErrNotFound
	}
	return t, Check(t)
}

// Counter draws "− value +" with steps of one and five; a press sends
// "action:<new value>", kept within [lo, hi] when drawn: the step checks
// the value it gets with the field's own rule, as a typed one.
func Counter[D any](c *Conv[D], action string, value, lo, hi int) Row {
	clamp := func(v int) int { return min(max(v, lo), hi) }
	return NewRow(
		c.Button("−5", action, clamp(value-5)),
		c.Button("−1", action, clamp(value-1)),
		c.Button(fmt.Sprint(value), action, value),
		c.Button("+1", action, clamp(value+1)),
		c.Button("+5", action, clamp(value+5)))
}
