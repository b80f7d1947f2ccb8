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

// Offline study: from /hoctap a secretary (or an officer, for any cell in
// their scope) picks an open campaign, the cell, the meeting date, and
// ticks the members who studied at the meeting or in person. Saving marks
// them studied_offline; unticking a tick made within 24 hours takes it
// back. Every id a button names is checked against the scope again.

// offlineDraft is the "off" dialog's state.
type offlineDraft struct {
	Camp int64   `json:"c"`
	Org  int64   `json:"o,omitempty"`
	On   string  `json:"d,omitempty"` // YYYYMMDD, the meeting date
	Tick []int64 `json:"t,omitempty"` // assignments ticked on screen
	Was  []int64 `json:"w,omitempty"` // assignments ticked before (undoable)
}

type offlineConv = chat.Conv[offlineDraft]

type offlineAction = func(context.Context, *offlineConv, chat.Args) error

// The "off" dialog's steps, in the order they are asked: the campaign,
// the cell (when there are several), the day, the ticks.
const (
	stepOfflineCamp chat.StepID[offlineDraft] = "camp"
	stepOfflineOrg  chat.StepID[offlineDraft] = "org"
	stepOfflineDate chat.StepID[offlineDraft] = "date"
	stepOfflineTick chat.StepID[offlineDraft] = "tick"
)

func (h *Handlers) offlineDialog() *chat.Dialog[offlineDraft] {
	return &chat.Dialog[offlineDraft]{
		Name:      "off",
		Cancelled: "Đã hủy việc ghi nhận học tại chi bộ.",
		Stale:     "Thao tác ghi nhận này đã xong hoặc đã hết hạn. Đồng chí gõ /hoctap để làm lại.",
		Steps: []*chat.Step[offlineDraft]{
			{ID: stepOfflineCamp, View: offlineCampsView, Actions: map[string]offlineAction{"c": h.offlinePickCamp}},
			{ID: stepOfflineOrg, View: offlineOrgsView, Actions: map[string]offlineAction{"o": h.offlinePickOrg}},
			{ID: stepOfflineDate, View: h.offlineDate, Text: h.offlineTypedDate, Actions: map[string]offlineAction{"d": h.offlinePickDate}},
			{ID: stepOfflineTick, View: h.offlineTicksView(), Actions: map[string]offlineAction{"t": h.offlineToggle, "ok": h.offlineSave}},
		},
	}
}

// offlineStart is the "📋 Ghi nhận học tại chi bộ" button of /hoctap.
func (h *Handlers) offlineStart(ctx context.Context, r *chat.Request) error {
	if r.Scope(chat.Secretary).Empty() {
		return storage.ErrForbidden
	}
	return h.offline.Start(ctx, r, stepOfflineCamp, offlineDraft{})
}

// campaignsInScope are the open campaigns with members in the asker's
// secretary scope: the one list the campaign pickers (offline study,
// /nhacnho) offer, each keeping those it needs.
func campaignsInScope(ctx context.Context, r *chat.Request) ([]storage.OpenCampaign, error) {
	return r.Store.OpenCampaigns(ctx, r.Scope(chat.Secretary).Roots())
}

// offlineCampItems are the campaigns the camp step offers: every one in
// scope (campaignsInScope).
func offlineCampItems(ctx context.Context, r *chat.Request) ([]chat.Item, error) {
	cs, err := campaignsInScope(ctx, r)
	if err != nil {
		return nil, err
	}
	var items []chat.Item
	for _, x := range cs {
		items = append(items, chat.Item{ID: x.ID, Label: fmt.Sprintf("%s · còn %d/%d chưa học", x.DocNumber, x.Open, x.Assigned)})
	}
	return items, nil
}

var offlineCampsView = chat.Window(func(ctx context.Context, c *offlineConv) ([]chat.Item, error) {
	return offlineCampItems(ctx, c.Request)
}, func(c *offlineConv, items []chat.Item) (string, chat.Keyboard) {
	return chat.Pick(c, "camp", items, "c", "📋 <b>Ghi nhận học tại chi bộ</b>\nChọn văn bản (đợt học tập đang mở):",
		"Không có đợt học tập nào đang mở trong phạm vi của đồng chí.")
})

func (h *Handlers) offlinePickCamp(ctx context.Context, c *offlineConv, a chat.Args) error {
	items, err := offlineCampItems(ctx, c.Request)
	if err != nil {
		return err
	}
	camp, err := chat.Chosen(items, a, 0)
	if err != nil {
		return err
	}
	c.Draft = offlineDraft{Camp: camp.ID}
	orgs, err := offlineOrgItems(ctx, c)
	if err != nil {
		return err
	}
	if len(orgs) == 1 {
		// One cell (a cell's secretary): no need to ask.
		c.Draft.Org = orgs[0].ID
		c.Goto(stepOfflineDate)
		return nil
	}
	c.Goto(stepOfflineOrg)
	return nil
}

// offlineOrgItems are the cells the org step offers: those in scope with
// members assigned the draft's campaign who have not studied it (or were
// ticked lately).
func offlineOrgItems(ctx context.Context, c *offlineConv) ([]chat.Item, error) {
	orgs, err := c.Store.OfflineOrgs(ctx, c.Draft.Camp, c.Scope(chat.Secretary).Roots())
	if err != nil {
		return nil, err
	}
	var items []chat.Item
	for _, o := range orgs {
		items = append(items, chat.Item{ID: o.ID, Label: fmt.Sprintf("%s · %d chưa học", o.Name, o.Open)})
	}
	return items, nil
}

var offlineOrgsView = chat.Window(offlineOrgItems, func(c *offlineConv, items []chat.Item) (string, chat.Keyboard) {
	return chat.Pick(c, "org", items, "o", "Chọn chi bộ:", "Mọi đảng viên trong phạm vi của đồng chí đã học văn bản này. Cảm ơn đồng chí!")
})

func (h *Handlers) offlinePickOrg(ctx context.Context, c *offlineConv, a chat.Args) error {
	items, err := offlineOrgItems(ctx, c)
	if err != nil {
		return err
	}
	o, err := chat.Chosen(items, a, 0)
	if err != nil {
		return err
	}
	c.Draft.Org = o.ID
	c.Goto(stepOfflineDate)
	return nil
}

func (h *Handlers) offlineDate(_ context.Context, c *offlineConv) (string, chat.Keyboard, error) {
	today := c.Now()
	var earlier []time.Time
	for i := 2; i <= 7; i++ {
		earlier = append(earlier, today.AddDate(0, 0, -i))
	}
	rows := append(chat.DateShortcuts(c, "d", today, earlier...), c.CancelRow())
	return "Buổi sinh hoạt (hoặc buổi học) ngày nào? Bấm một ngày, hoặc gõ ngày, ví dụ <i>15/11/2026</i>.", rows, nil
}

func (h *Handlers) offlineTypedDate(ctx context.Context, c *offlineConv, text string) error {
	d, err := vn.ParseDate(text, c.Now())
	if err != nil {
		return storage.Errorf(storage.CodeInvalid, "«%s» không phải ngày. Đồng chí gõ ngày dạng ngày/tháng/năm, ví dụ 15/11/2026.", vn.Cut(text, 40))
	}
	if err := storage.CheckOfflineDay(d, c.Now()); err != nil {
		return err
	}
	return h.offlineSetDate(ctx, c, d)
}

func (h *Handlers) offlinePickDate(ctx context.Context, c *offlineConv, a chat.Args) error {
	d, err := chat.ShortcutDay(a, 0, h.deps.Location, func(d time.Time) error { return storage.CheckOfflineDay(d, c.Now()) })
	if err != nil {
		return err
	}
	return h.offlineSetDate(ctx, c, d)
}

func (h *Handlers) offlineSetDate(ctx context.Context, c *offlineConv, d time.Time) error {
	c.Draft.On = d.Format("20060102")
	c.Draft.Tick, c.Draft.Was = nil, nil
	rows, err := c.Store.OfflineCandidates(ctx, c.Draft.Camp, c.Draft.Org)
	if err != nil {
		return err
	}
	for _, x := range rows {
		if x.Undoable(c.Now()) {
			c.Draft.Tick = append(c.Draft.Tick, x.AssignmentID)
			c.Draft.Was = append(c.Draft.Was, x.AssignmentID)
		}
	}
	c.Goto(stepOfflineTick)
	return nil
}

// offlineTicked is what the tick step shows: the members to tick, the
// campaign and the cell.
type offlineTicked struct {
	rows []storage.OfflineRow
	camp storage.Campaign
	org  storage.Organisation
}

func (h *Handlers) offlineTicksView() func(context.Context, *offlineConv) (string, chat.Keyboard, error) {
	return chat.Window(func(ctx context.Context, c *offlineConv) (offlineTicked, error) {
		var v offlineTicked
		var err error
		if v.rows, err = c.Store.OfflineCandidates(ctx, c.Draft.Camp, c.Draft.Org); err != nil {
			return v, err
		}
		if v.camp, err = c.Store.Campaign(ctx, c.Draft.Camp); err != nil {
			return v, err
		}
		v.org, err = c.Store.OrganisationByID(ctx, c.Draft.Org)
		return v, err
	}, func(c *offlineConv, v offlineTicked) (string, chat.Keyboard) {
		on, _ := time.ParseInLocation("20060102", c.Draft.On, h.deps.Location)
		var items []chat.Item
		unreachable := 0
		for _, x := range v.rows {
			label := x.FullName
			if x.Unreachable {
				label = "📵 " + label
				unreachable++
			}
			items = append(items, chat.Item{ID: x.AssignmentID, Label: label})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "📋 <b>%s</b> · %s\nBuổi sinh hoạt ngày %s\n", esc(v.camp.DocNumber), esc(v.org.Name), dateVN(on))
		if len(items) == 0 {
			b.WriteString("\nMọi đảng viên của chi bộ đã học văn bản này.")
			return b.String(), chat.Keyboard{c.CancelRow()}
		}
		fmt.Fprintf(&b, "\nBấm tên các đồng chí đã học tại buổi sinh hoạt (☑), rồi bấm «💾 Lưu». %d đồng chí chưa học", len(items)-len(c.Draft.Was))
		if unreachable > 0 {
			fmt.Fprintf(&b, ", trong đó 📵 %d không nhận được tin qua Telegram", unreachable)
		}
		b.WriteString(".")
		if len(c.Draft.Was) > 0 {
			b.WriteString("\nCác dấu ☑ ghi trong 24 giờ qua có thể bỏ nếu ghi nhầm.")
		}
		kb := chat.Multiselect(c, "tick", items, c.Draft.Tick, "t")
		kb = append(kb, chat.NewRow(c.Button(fmt.Sprintf("💾 Lưu (%d)", len(c.Draft.Tick)), "ok")), c.CancelRow())
		return b.String(), kb
	})
}

func (h *Handlers) offlineToggle(ctx context.Context, c *offlineConv, a chat.Args) error {
	id, err := a.ID(0)
	if err != nil {
		return err
	}
	rows, err := c.Store.OfflineCandidates(ctx, c.Draft.Camp, c.Draft.Org)
	if err != nil {
		return err
	}
	for _, x := range rows {
		if x.AssignmentID == id {
			c.Draft.Tick = chat.Toggle(c.Draft.Tick, id)
			return nil
		}
	}
	c.Toast = "Đồng chí này không còn trong danh sách (có thể vừa tự xác nhận đã học)."
	return nil
}

// offlineSave applies the ticks: new ones become studied_offline, unticked
// earlier ones are taken back. The scope is checked once more here, on the
// organisation the assignments belong to.
func (h *Handlers) offlineSave(ctx context.Context, c *offlineConv, _ chat.Args) error {
	if err := c.Scope(chat.Secretary).Check(ctx, c.Draft.Org); err != nil {
		return err
	}
	on, err := time.ParseInLocation("20060102", c.Draft.On, h.deps.Location)
	if err != nil {
		return storage.ErrNotFound
	}
	rows, err := c.Store.OfflineCandidates(ctx, c.Draft.Camp, c.Draft.Org)
	if err != nil {
		return err
	}
	ticked, was := map[int64]bool{}, map[int64]bool{}
	for _, id := range c.Draft.Tick {
		ticked[id] = true
	}
	for _, id := range c.Draft.Was {
		was[id] = true
	}
	by := storage.OfflineBy{Actor: c.Actor(), MemberID: &c.Member.ID}
	var added, removed int
	var problems []string
	// tally counts a change made; one refused is a problem to tell.
	tally := func(name string, n *int, ok bool, err error) error {
		if storage.IsExpected(err) {
			problems = append(problems, name+": "+storage.ErrorMessage(err))
			return nil
		}
		if err != nil {
			return err
		}
		if ok {
			*n++
		}
		return nil
	}
	for _, x := range rows {
		switch {
		case ticked[x.AssignmentID] && x.State != storage.AssignStudiedOffline:
			ok, err := c.Store.MarkStudiedOffline(ctx, x.AssignmentID, by, on)
			if err := tally(x.FullName, &added, ok, err); err != nil {
				return err
			}
		case !ticked[x.AssignmentID] && was[x.AssignmentID] && x.State == storage.AssignStudiedOffline:
			ok, err := c.Store.UndoStudiedOffline(ctx, x.AssignmentID, by.Actor)
			if err := tally(x.FullName, &removed, ok, err); err != nil {
				return err
			}
		}
	}
	camp, err := c.Store.Campaign(ctx, c.Draft.Camp)
	if err != nil {
		return err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ Đã ghi nhận <b>%d</b> đồng chí học %s tại buổi sinh hoạt ngày %s.", added, esc(camp.DocNumber), dateVN(on))
	if removed > 0 {
		fmt.Fprintf(&b, "\nĐã bỏ đánh dấu %d đồng chí.", removed)
	}
	for _, p := range problems {
		b.WriteString("\n⚠️ " + esc(p))
	}
	kb := chat.NewMarkup(chat.NewRow(chat.NewButton("📋 Ghi nhận chi bộ khác", cbOfflineStart)))
	c.End(b.String(), &kb)
	return nil
}
