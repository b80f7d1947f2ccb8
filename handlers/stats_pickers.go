// The /thongke pickers: the organisation (drilling down the tree within the
// asker's scope), the document, the month, and the period (shortcuts or a
// typed range).

package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// statsOrg loads the organisation of the draft after checking the scope.
func statsOrg(ctx context.Context, c *statsConv, id int64) (storage.Organisation, error) {
	if err := statsScopeOf(c.Request).Check(ctx, id); err != nil {
		return storage.Organisation{}, err
	}
	return c.Store.OrganisationByID(ctx, id)
}

// statsOrgChoices are the organisations the scope step offers: with no
// cursor, those the asker's roles are on; otherwise the cursor's children
// and, when the scope covers it, its parent (up, nil when not offered).
// The step draws them and takes a press only on one of them.
func statsOrgChoices(ctx context.Context, c *statsConv) (children []chat.Item, up *chat.Item, err error) {
	scope := statsScopeOf(c.Request)
	if c.Draft.Org == 0 {
		for _, id := range scope.Roots() {
			o, err := c.Store.OrganisationByID(ctx, id)
			if err != nil {
				return nil, nil, err
			}
			children = append(children, chat.Item{ID: o.ID, Label: o.Name})
		}
		return children, nil, nil
	}
	o, err := statsOrg(ctx, c, c.Draft.Org)
	if err != nil {
		return nil, nil, err
	}
	sub, err := c.Store.Subtree(ctx, o.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, x := range sub {
		if x.ParentID != nil && *x.ParentID == o.ID {
			label := x.Name
			if x.Kind == storage.KindDangBo {
				label += " ▸"
			}
			children = append(children, chat.Item{ID: x.ID, Label: label})
		}
	}
	if o.ParentID != nil {
		if ok, err := scope.Covers(ctx, *o.ParentID); err != nil {
			return nil, nil, err
		} else if ok {
			p, err := c.Store.OrganisationByID(ctx, *o.ParentID)
			if err != nil {
				return nil, nil, err
			}
			up = &chat.Item{ID: p.ID, Label: p.Name}
		}
	}
	return children, up, nil
}

// statsChoices is what the scope step shows: the organisation looked at
// (none yet: the roots to start from), its children and the way up.
type statsChoices struct {
	org      *storage.Organisation
	children []chat.Item
	up       *chat.Item
}

var statsScopeView = chat.Window(func(ctx context.Context, c *statsConv) (statsChoices, error) {
	children, up, err := statsOrgChoices(ctx, c)
	if err != nil || c.Draft.Org == 0 {
		return statsChoices{children: children, up: up}, err
	}
	o, err := statsOrg(ctx, c, c.Draft.Org)
	return statsChoices{org: &o, children: children, up: up}, err
}, func(c *statsConv, v statsChoices) (string, chat.Keyboard) {
	o := v.org
	if o == nil {
		// Several roles: start from the organisations they are on.
		kb := append(chat.Select(c, "roots", v.children, "o"), c.CancelRow())
		return "Đồng chí chọn tổ chức cần xem:", kb
	}
	kb := chat.Keyboard{chat.NewRow(c.Button("✅ Xem "+vn.Cut(o.Name, 40), "ok"))}
	kb = append(kb, chat.Select(c, fmt.Sprintf("orgs%d", o.ID), v.children, "o")...)
	if v.up != nil {
		kb = append(kb, chat.NewRow(c.Button("⬆ "+vn.Cut(v.up.Label, 40), "o", v.up.ID)))
	}
	kb = append(kb, c.CancelRow())
	text := fmt.Sprintf("Phạm vi thống kê: <b>%s</b>\nBấm «Xem» để xem tổ chức này (gồm mọi cấp dưới), hoặc chọn một tổ chức cấp dưới.", esc(o.Name))
	return text, kb
})

// statsMove moves the cursor to the organisation a button names, if the
// step offers it (a forged button may name any).
func (h *Handlers) statsMove(ctx context.Context, c *statsConv, a chat.Args) error {
	children, up, err := statsOrgChoices(ctx, c)
	if err != nil {
		return err
	}
	if up != nil {
		children = append(children, *up)
	}
	o, err := chat.Chosen(children, a, 0)
	if err != nil {
		return err
	}
	c.Draft.Org = o.ID
	return nil
}

func (h *Handlers) statsScopeChosen(ctx context.Context, c *statsConv, _ chat.Args) error {
	if _, err := statsOrg(ctx, c, c.Draft.Org); err != nil {
		return err
	}
	c.Goto(statsNextStep(c.Draft.Topic))
	return nil
}

// statsDocuments are the documents the study step offers for an
// organisation: those pushed to its members (the newest 40) that the asker
// may open (visibleDocuments: not a draft, not withdrawn, not outside an
// audience that excludes them). The step draws them, takes a press only on
// one of them, and the answer counts only one of them.
func statsDocuments(ctx context.Context, c *statsConv, orgID int64) ([]chat.Item, error) {
	ds, err := c.Store.StudiedDocuments(ctx, orgID, 40)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	visible, err := visibleDocuments(ctx, c.Request, ids)
	if err != nil {
		return nil, err
	}
	var items []chat.Item
	for _, d := range ds {
		if visible[d.ID] {
			items = append(items, chat.Item{ID: d.ID, Label: d.Number + " — " + d.Title})
		}
	}
	return items, nil
}

// statsDocChoices is what the document step shows: the organisation and
// the documents it offers (statsDocuments).
type statsDocChoices struct {
	org   storage.Organisation
	items []chat.Item
}

var statsDocsView = chat.Window(func(ctx context.Context, c *statsConv) (statsDocChoices, error) {
	o, err := statsOrg(ctx, c, c.Draft.Org)
	if err != nil {
		return statsDocChoices{}, err
	}
	items, err := statsDocuments(ctx, c, o.ID)
	return statsDocChoices{org: o, items: items}, err
}, func(c *statsConv, v statsDocChoices) (string, chat.Keyboard) {
	kb := chat.Select(c, "docs", v.items, "d")
	kb = append(kb, chat.NewRow(c.Button("🗓 Theo thời gian (mọi đợt gửi)", "per")), c.CancelRow())
	text := fmt.Sprintf("Học tập — <b>%s</b>\nĐồng chí chọn văn bản, hoặc xem mọi đợt gửi trong một khoảng thời gian.", esc(v.org.Name))
	if len(v.items) == 0 {
		text = fmt.Sprintf("Học tập — <b>%s</b>\nChưa có văn bản nào được gửi cho đảng viên ở đây. Đồng chí có thể xem theo thời gian.", esc(v.org.Name))
	}
	return text, kb
})

// statsPickDoc takes the document a button names, if the step offers it:
// a forged id (a draft, a withdrawn document, one whose audience excludes
// the asker, one never pushed here) is answered as a stale one.
func (h *Handlers) statsPickDoc(ctx context.Context, c *statsConv, a chat.Args) error {
	o, err := statsOrg(ctx, c, c.Draft.Org)
	if err != nil {
		return err
	}
	items, err := statsDocuments(ctx, c, o.ID)
	if err != nil {
		return err
	}
	d, err := chat.Chosen(items, a, 0)
	if err != nil {
		return err
	}
	c.Draft.Doc, c.Draft.Page = d.ID, 0
	c.Goto(stepStatsResult)
	return nil
}

func (h *Handlers) statsMonths(_ context.Context, c *statsConv) (string, chat.Keyboard, error) {
	now := c.Now()
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	label := func(m time.Time) string { return fmt.Sprintf("%d/%d", m.Month(), m.Year()) }
	kb := chat.Keyboard{
		{c.Button("Tháng này ("+label(this)+")", "m", this.Format("200601")), c.Button("Tháng trước ("+label(this.AddDate(0, -1, 0))+")", "m", this.AddDate(0, -1, 0).Format("200601"))},
	}
	var row chat.Row
	for i := 2; i < 8; i++ {
		m := this.AddDate(0, -i, 0)
		row = append(row, c.Button(label(m), "m", m.Format("200601")))
		if len(row) == 3 {
			kb, row = append(kb, row), nil
		}
	}
	kb = append(kb, c.CancelRow())
	return "Sinh hoạt chi bộ — đồng chí chọn tháng:", kb, nil
}

func (h *Handlers) statsPickMonth(_ context.Context, c *statsConv, a chat.Args) error {
	m, err := time.Parse("200601", a.Arg(0))
	if err != nil || m.After(c.Now()) || m.Year() < 2000 {
		return storage.ErrNotFound
	}
	c.Draft.Month, c.Draft.Page = m.Format("2006-01"), 0
	c.Goto(stepStatsResult)
	return nil
}

// Period shortcuts.
var statsPeriodNames = []struct{ code, label string }{
	{"m0", "Tháng này"}, {"m1", "Tháng trước"}, {"q", "Quý này"}, {"y", "Năm nay"}, {"t", "Từ 01/7"},
}

// statsPeriod is the days a shortcut means on today.
func statsPeriod(code string, today time.Time) (from, to time.Time, ok bool) {
	d := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch code {
	case "m0":
		return time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC), d, true
	case "m1":
		first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, time.UTC)
		return first.AddDate(0, -1, 0), first.AddDate(0, 0, -1), true
	case "q":
		q := (int(d.Month()) - 1) / 3 * 3
		return time.Date(d.Year(), time.Month(q+1), 1, 0, 0, 0, 0, time.UTC), d, true
	case "y":
		return time.Date(d.Year(), 1, 1, 0, 0, 0, 0, time.UTC), d, true
	case "t":
		// The report year of a term runs from 1 July.
		y := d.Year()
		if d.Month() < time.July {
			y--
		}
		return time.Date(y, 7, 1, 0, 0, 0, 0, time.UTC), d, true
	}
	return from, to, false
}

func (h *Handlers) statsPeriods(_ context.Context, c *statsConv) (string, chat.Keyboard, error) {
	today := c.Now()
	var kb chat.Keyboard
	var row chat.Row
	for _, p := range statsPeriodNames {
		label := p.label
		if p.code == "t" {
			from, _, _ := statsPeriod("t", today)
			label = "Từ " + vn.FormatDate(from)
		}
		row = append(row, c.Button(label, "p", p.code))
		if len(row) == 2 {
			kb, row = append(kb, row), nil
		}
	}
	if len(row) > 0 {
		kb = append(kb, row)
	}
	kb = append(kb, c.CancelRow())
	return msgStatsPeriod, kb, nil
}

func (h *Handlers) statsPickPeriod(_ context.Context, c *statsConv, a chat.Args) error {
	from, to, ok := statsPeriod(a.Arg(0), c.Now())
	if !ok {
		return storage.ErrNotFound
	}
	c.Draft.From, c.Draft.To, c.Draft.Page = from.Format("2006-01-02"), to.Format("2006-01-02"), 0
	c.Goto(stepStatsResult)
	return nil
}

// statsTypedPeriod reads a typed period (parsePeriod).
func (h *Handlers) statsTypedPeriod(_ context.Context, c *statsConv, text string) error {
	from, to, err := parsePeriod(text, c.Now())
	if err != nil {
		return err
	}
	c.Draft.From, c.Draft.To, c.Draft.Page = from.Format("2006-01-02"), to.Format("2006-01-02"), 0
	c.Goto(stepStatsResult)
	return nil
}

// parsePeriod reads "01/07/2026 - 30/11/2026", "01/07/2026 đến 30/11/2026"
// or one day (to today), in any form vn.ParseDate takes; an expected error
// says what is wrong.
func parsePeriod(text string, now time.Time) (from, to time.Time, err error) {
	text = strings.TrimSpace(text)
	var parts []string
	switch {
	case strings.Contains(text, " đến "):
		parts = strings.SplitN(text, " đến ", 2)
	case strings.Contains(text, " - "), strings.Contains(text, "–"), strings.Contains(text, "—"):
		parts = strings.FieldsFunc(text, func(r rune) bool { return r == '–' || r == '—' })
		if len(parts) == 1 {
			parts = strings.SplitN(text, " - ", 2)
		}
	default:
		parts = []string{text}
	}
	if len(parts) == 0 || len(parts) > 2 {
		return from, to, storage.Errorf(storage.CodeInvalid, "Chưa đọc được khoảng thời gian. %s", msgStatsPeriod)
	}
	day := func(s string) (time.Time, error) {
		s = strings.TrimSpace(s)
		t, err := vn.ParseDate(s, now)
		if err != nil {
			return t, storage.Errorf(storage.CodeInvalid, "«%s» không phải ngày. %s", vn.Cut(s, 30), msgStatsPeriod)
		}
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	}
	if from, err = day(parts[0]); err != nil {
		return
	}
	to = time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if len(parts) == 2 {
		if to, err = day(parts[1]); err != nil {
			return
		}
	}
	return from, to, storage.CheckPeriod(from, to)
}
