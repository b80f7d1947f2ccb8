package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/storage"
)

// Campaigns: /gui picks a document, a scope and a deadline with buttons
// (the "gui" dialog) and pushes; the pusher's status message ends with
// "gbc:<campaign>", the delivery report. The member's side is in study.go.

const (
	msgPushNoDocs = "Chưa có văn bản nào đang công bố để gửi. Đồng chí hãy đăng văn bản trước (gửi tệp PDF kèm chú thích /dang)."
	msgPushNoOrgs = "Chưa chọn chi bộ nào: đồng chí bấm vào tên chi bộ để chọn (☑), rồi bấm «Xong»."
)

// pushDraft is the /gui dialog's state.
type pushDraft struct {
	DocID int64   `json:"doc"`
	Orgs  []int64 `json:"orgs,omitempty"`
	Due   string  `json:"due,omitempty"`   // YYYY-MM-DD
	Dated bool    `json:"dated,omitempty"` // a deadline was chosen (Due may be empty: none)
	All   bool    `json:"all,omitempty"`
	Quiz  bool    `json:"quiz,omitempty"` // the document's quiz is required (quiz.go)
}

type pushConv = Conv[pushDraft]

type pushAction = func(context.Context, *pushConv, Args) error

// The /gui dialog's steps, in the order they are asked: the document, the
// scope (or the cells one by one), the deadline, the confirmation.
const (
	stepPushDoc     StepID[pushDraft] = "doc"
	stepPushScope   StepID[pushDraft] = "scope"
	stepPushCells   StepID[pushDraft] = "cells"
	stepPushDue     StepID[pushDraft] = "due"
	stepPushConfirm StepID[pushDraft] = "confirm"
)

// pushDialog: document, scope (or cells one by one), deadline, confirm.
func (h *Handlers) pushDialog() *Dialog[pushDraft] {
	toggleAll := func(_ context.Context, c *pushConv, _ Args) error {
		c.Draft.All = !c.Draft.All
		return nil
	}
	return &Dialog[pushDraft]{
		Name:      "gui",
		Cancelled: "Đã hủy việc gửi văn bản.",
		Stale:     "Thao tác gửi văn bản này đã xong hoặc đã hết hạn. Đồng chí gõ /gui để gửi văn bản khác.",
		Steps: []*Step[pushDraft]{
			{ID: stepPushDoc, View: pushDocsView, Actions: map[string]pushAction{"d": h.pushPickDocument}},
			{ID: stepPushScope, View: pushScopeView, Actions: map[string]pushAction{
				"s": func(ctx context.Context, c *pushConv, a Args) error {
					items, err := pushTargets(ctx, c.Request)
					if err != nil {
						return err
					}
					o, err := Chosen(items, a, 0)
					if err != nil {
						return err
					}
					c.Draft.Orgs = []int64{o.ID}
					c.Goto(stepPushDue)
					return nil
				},
				"c": func(_ context.Context, c *pushConv, _ Args) error {
					c.Draft.Orgs = nil
					c.Goto(stepPushCells)
					return nil
				},
			}},
			{ID: stepPushCells, View: pushCellsView, Actions: map[string]pushAction{
				"t": func(ctx context.Context, c *pushConv, a Args) error {
					items, err := pushCellItems(ctx, c.Request)
					if err != nil {
						return err
					}
					o, err := Chosen(items, a, 0)
					if err != nil {
						return err
					}
					c.Draft.Orgs = Toggle(c.Draft.Orgs, o.ID)
					return nil
				},
				"n": func(_ context.Context, c *pushConv, _ Args) error {
					if len(c.Draft.Orgs) == 0 {
						c.Toast = msgPushNoOrgs
						c.Keep()
						return nil
					}
					c.Goto(stepPushDue)
					return nil
				},
			}},
			{ID: stepPushDue, View: pushDueView, Actions: map[string]pushAction{
				"h": func(_ context.Context, c *pushConv, a Args) error {
					days, err := a.Number(0)
					if err != nil {
						return err
					}
					c.Draft.Dated, c.Draft.Due = true, ""
					if days != 0 {
						// The deadline a button carries is checked as
						// `sotay push --due` checks a typed one.
						now := c.Now()
						due := time.Date(now.Year(), now.Month(), now.Day()+days, 0, 0, 0, 0, time.UTC)
						if err := storage.CheckDueDay(due, now); err != nil {
							c.Draft.Dated = false
							return err
						}
						c.Draft.Due = due.Format("2006-01-02")
					}
					c.Goto(stepPushConfirm)
					return nil
				},
				"a":     toggleAll,
				"scope": pushBackToScope,
			}},
			{ID: stepPushConfirm, View: pushConfirmView, Actions: map[string]pushAction{
				"ok":    h.pushStart,
				"a":     toggleAll,
				"q":     h.pushToggleQuiz,
				"scope": pushBackToScope,
			}},
		},
	}
}

// pushCommand is /gui: the first page of documents.
func (h *Handlers) pushCommand(ctx context.Context, r *Request) error {
	_, n, err := r.Store.PushableDocuments(ctx, pusher(r), 0, 1)
	if err != nil {
		return err
	}
	if n == 0 {
		r.Show(msgPushNoDocs, nil)
		return nil
	}
	return h.pushing.Start(ctx, r, stepPushDoc, pushDraft{})
}

// pushBackToScope forgets the scope and deadline chosen and asks again.
func pushBackToScope(_ context.Context, c *pushConv, _ Args) error {
	c.Draft = pushDraft{DocID: c.Draft.DocID}
	c.BackTo(stepPushScope)
	return nil
}

// pushPickDocument takes the document a button names, if it is one the
// step offers: the list's own rule, MayPush (PushableDocuments). A forged
// id, or a document withdrawn since, is answered as a stale one.
func (h *Handlers) pushPickDocument(ctx context.Context, c *pushConv, a Args) error {
	id, err := a.ID(0)
	if err != nil {
		return errNotOffered
	}
	ok, err := c.Store.MayPush(ctx, pusher(c.Request), id)
	if err != nil {
		return err
	}
	if !ok {
		return errNotOffered
	}
	c.Draft = pushDraft{DocID: id}
	c.Goto(stepPushScope)
	return nil
}

// pushOrgs are the organisations the pusher may push to: their officer
// scope, without the dissolved ones (mayPushTo's rule). The scope step
// offers its roots and committees, the cells step its cells.
func pushOrgs(ctx context.Context, r *Request) ([]storage.Organisation, error) {
	orgs, err := r.Scope(Officer).Organisations(ctx)
	if err != nil {
		return nil, err
	}
	var out []storage.Organisation
	for _, o := range orgs {
		if o.DissolvedAt == nil {
			out = append(out, o)
		}
	}
	return out, nil
}

// pushTargets are what the scope step offers: the organisations the
// pusher's roles are on ("🏛 Toàn …") and the committees below them.
func pushTargets(ctx context.Context, r *Request) ([]Item, error) {
	orgs, err := pushOrgs(ctx, r)
	if err != nil {
		return nil, err
	}
	scope := r.Scope(Officer)
	var items []Item
	for _, o := range orgs {
		switch {
		case scope.IsRoot(o.ID):
			items = append(items, Item{ID: o.ID, Label: "🏛 Toàn " + cut(o.Name, 50)})
		case o.Kind == storage.KindDangBo:
			items = append(items, Item{ID: o.ID, Label: "🏢 " + cut(o.Name, 50)})
		}
	}
	return items, nil
}

// pushCellItems are what the cells step offers to tick.
func pushCellItems(ctx context.Context, r *Request) ([]Item, error) {
	orgs, err := pushOrgs(ctx, r)
	if err != nil {
		return nil, err
	}
	var cells []Item
	for _, o := range orgs {
		if o.Kind == storage.KindChiBo {
			cells = append(cells, Item{ID: o.ID, Label: o.Name})
		}
	}
	return cells, nil
}

// mayPushTo checks that the organisation named by a button is within the
// pusher's officer scope.
func (h *Handlers) mayPushTo(ctx context.Context, r *Request, orgID int64) error {
	o, err := r.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	if err := r.Scope(Officer).Check(ctx, o.ID); err != nil {
		return err
	}
	if o.DissolvedAt != nil {
		return storage.ErrForbidden
	}
	return nil
}

// pusher is who asks to push: the member, their officer scope, and
// whether they are the commune's admin.
func pusher(r *Request) storage.Pusher {
	return storage.Pusher{Member: *r.Member, Roots: r.Scope(Officer).Roots(), Anywhere: r.Has(Admin)}
}

// pushDocPage is what the document step shows: one page of the
// documents the pusher may push, from offset off, and how many there are.
type pushDocPage struct {
	docs []storage.Document
	off  int
	n    int
}

// pushDocsView lists the documents the pusher may push: published,
// readable by them and meant for some organisation of their scope.
var pushDocsView = Window(func(ctx context.Context, c *pushConv) (pushDocPage, error) {
	off := c.Page("docs")
	ds, n, err := c.Store.PushableDocuments(ctx, pusher(c.Request), off, widgetPageSize)
	if err != nil {
		return pushDocPage{}, err
	}
	if len(ds) == 0 && off > 0 {
		c.SetPage("docs", 0)
		if ds, n, err = c.Store.PushableDocuments(ctx, pusher(c.Request), 0, widgetPageSize); err != nil {
			return pushDocPage{}, err
		}
		off = 0
	}
	return pushDocPage{docs: ds, off: off, n: n}, nil
}, func(c *pushConv, p pushDocPage) (string, Keyboard) {
	if p.n == 0 {
		return msgPushNoDocs, Keyboard{c.CancelRow()}
	}
	var rows Keyboard
	for _, d := range p.docs {
		label := fmt.Sprintf("%s %s · %s", storage.DocumentKindName(d.Kind), d.Number, d.Title)
		rows = append(rows, newRow(c.Button(cut(label, 60), "d", d.ID)))
	}
	if nav := pageButtons(c, "docs", p.off, len(p.docs), p.n); nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, c.CancelRow())
	return fmt.Sprintf("📤 <b>Gửi văn bản cho đảng viên học tập</b>\nBước 1/3: chọn văn bản (%d văn bản đang công bố):", p.n), rows
})

func pushHeader(d storage.Document) string {
	return fmt.Sprintf("📤 <b>Gửi văn bản</b>\n%s số %s: %s\n", esc(storage.DocumentKindName(d.Kind)), esc(d.Number), esc(cut(d.Title, 120)))
}

// pushChoices is what the scope and cells steps show: the document and
// the organisations to choose from (pushTargets, pushCellItems).
type pushChoices struct {
	doc   storage.Document
	items []Item
}

func pushChoicesOf(items func(context.Context, *Request) ([]Item, error)) func(context.Context, *pushConv) (pushChoices, error) {
	return func(ctx context.Context, c *pushConv) (pushChoices, error) {
		d, err := c.Store.DocumentByID(ctx, c.Draft.DocID)
		if err != nil {
			return pushChoices{}, err
		}
		its, err := items(ctx, c.Request)
		return pushChoices{doc: d, items: its}, err
	}
}

// pushScopeView asks whom to push to: the whole commune, a base
// committee, or cells chosen one by one.
var pushScopeView = Window(pushChoicesOf(pushTargets), func(c *pushConv, v pushChoices) (string, Keyboard) {
	var rows Keyboard
	for _, it := range v.items {
		rows = append(rows, newRow(c.Button(it.Label, "s", it.ID)))
	}
	rows = append(rows,
		newRow(c.Button("☑ Chọn từng chi bộ", "c")),
		newRow(c.Button("◀ Chọn văn bản khác", actBack), c.Button("✖ Hủy", actCancel)))
	return pushHeader(v.doc) + "\nBước 2/3: gửi cho ai?", rows
})

// pushCellsView lets the pusher tick cells, a page at a time.
var pushCellsView = Window(pushChoicesOf(pushCellItems), func(c *pushConv, v pushChoices) (string, Keyboard) {
	rows := Multiselect(c, "cells", v.items, c.Draft.Orgs, "t")
	rows = append(rows, newRow(
		c.Button(fmt.Sprintf("✅ Xong (%d chi bộ)", len(c.Draft.Orgs)), "n"),
		c.Button("◀ Quay lại", actBack)))
	return pushHeader(v.doc) + fmt.Sprintf("\nBước 2/3: bấm để chọn chi bộ (đã chọn %d), rồi bấm «Xong»:", len(c.Draft.Orgs)), rows
})

// pushReach is what the deadline and confirm steps show: the document,
// the scope's names, whom it reaches, and the document's quiz (nil: none;
// loaded for the confirm step only).
type pushReach struct {
	doc     storage.Document
	names   []string
	preview storage.CampaignPreview
	quiz    *storage.Quiz
}

// pushReachOf loads a pushReach, with the quiz when quiz is set.
func pushReachOf(quiz bool) func(context.Context, *pushConv) (pushReach, error) {
	return func(ctx context.Context, c *pushConv) (pushReach, error) {
		var v pushReach
		var err error
		draft := c.Draft
		if v.doc, err = c.Store.DocumentByID(ctx, draft.DocID); err != nil {
			return v, err
		}
		for _, id := range draft.Orgs {
			o, err := c.Store.OrganisationByID(ctx, id)
			if err != nil {
				return v, err
			}
			v.names = append(v.names, o.Name)
		}
		if v.preview, err = c.Store.PreviewCampaign(ctx, draft.DocID, draft.Orgs, draft.All); err != nil || !quiz {
			return v, err
		}
		v.quiz, err = pushQuiz(ctx, c)
		return v, err
	}
}

// pushSummary describes the scope and whom it reaches.
func pushSummary(c *pushConv, v pushReach) string {
	draft, p := c.Draft, v.preview
	var b strings.Builder
	fmt.Fprintf(&b, "Phạm vi: %s\n", esc(cut(strings.Join(v.names, ", "), 600)))
	fmt.Fprintf(&b, "Sẽ giao cho <b>%d</b> đảng viên: %d nhận được qua Telegram", p.Assigned, p.Reachable)
	if p.NotLinked > 0 {
		fmt.Fprintf(&b, ", %d chưa liên kết Telegram", p.NotLinked)
	}
	if other := p.Assigned - p.Reachable - p.NotLinked; other > 0 {
		fmt.Fprintf(&b, ", %d không liên lạc được", other)
	}
	b.WriteString(".")
	if p.Already > 0 && !draft.All {
		fmt.Fprintf(&b, "\n%d đồng chí đã được giao văn bản này từ trước nên sẽ không gửi lại.", p.Already)
	}
	if p.Already > 0 && draft.All {
		fmt.Fprintf(&b, "\nGửi lại cả cho %d đồng chí đã được giao văn bản này từ trước.", p.Already)
	}
	return b.String()
}

func allButton(c *pushConv, p storage.CampaignPreview) Row {
	if p.Already == 0 {
		return nil
	}
	if c.Draft.All {
		return newRow(c.Button("↩️ Chỉ gửi người chưa nhận", "a"))
	}
	return newRow(c.Button(fmt.Sprintf("🔁 Gửi lại cả %d đồng chí đã nhận", p.Already), "a"))
}

// pushDueView asks for the deadline.
var pushDueView = Window(pushReachOf(false), func(c *pushConv, v pushReach) (string, Keyboard) {
	now := c.Now()
	day := func(n int) string { return now.AddDate(0, 0, n).Format("02/01") }
	rows := Keyboard{
		newRow(
			c.Button("7 ngày ("+day(7)+")", "h", 7),
			c.Button("15 ngày ("+day(15)+")", "h", 15)),
		newRow(
			c.Button("30 ngày ("+day(30)+")", "h", 30),
			c.Button("Không đặt hạn", "h", 0)),
	}
	if b := allButton(c, v.preview); b != nil {
		rows = append(rows, b)
	}
	rows = append(rows, newRow(c.Button("◀ Đổi phạm vi", "scope"), c.Button("✖ Hủy", actCancel)))
	return pushHeader(v.doc) + "\n" + pushSummary(c, v) + "\n\nBước 3/3: hạn học tập?", rows
})

// pushConfirmView shows everything once more before sending.
var pushConfirmView = Window(pushReachOf(true), func(c *pushConv, v pushReach) (string, Keyboard) {
	p := v.preview
	due := "không đặt hạn"
	if c.Draft.Due != "" {
		t, _ := time.Parse("2006-01-02", c.Draft.Due)
		due = dateVN(t)
	}
	var rows Keyboard
	if p.Assigned > 0 {
		rows = append(rows, newRow(c.Button(fmt.Sprintf("✅ Gửi cho %d đảng viên", p.Reachable), "ok")))
	}
	if b := allButton(c, p); b != nil {
		rows = append(rows, b)
	}
	quiz, quizRow := pushQuizChoice(c, v.quiz)
	if quizRow != nil {
		rows = append(rows, quizRow)
	}
	rows = append(rows, newRow(c.Button("◀ Đổi phạm vi", "scope"), c.Button("✖ Hủy", actCancel)))
	return pushHeader(v.doc) + "\n" + pushSummary(c, v) + "\nHạn học tập: " + due + quiz + "\n\nĐồng chí kiểm tra lại rồi bấm gửi.", rows
})

// pushStart creates the campaign; the status message it was confirmed on
// becomes the progress message the sender edits.
func (h *Handlers) pushStart(ctx context.Context, c *pushConv, _ Args) error {
	draft := c.Draft
	if len(draft.Orgs) == 0 || !draft.Dated {
		c.BackTo(stepPushScope)
		return nil
	}
	for _, id := range draft.Orgs {
		if err := h.mayPushTo(ctx, c.Request, id); err != nil {
			return err
		}
		// A document meant for some organisations goes only to them; the
		// commune's admin, who sets audiences, may widen it.
		if c.Has(Admin) {
			continue
		}
		ok, err := c.Store.AudienceCovers(ctx, draft.DocID, id)
		if err != nil {
			return err
		}
		if !ok {
			o, err := c.Store.OrganisationByID(ctx, id)
			if err != nil {
				return err
			}
			return storage.Errorf(storage.CodeForbidden, "Văn bản này chỉ dành cho một số tổ chức; %s nằm ngoài phạm vi đó. Đồng chí chọn tổ chức khác, hoặc đề nghị Văn phòng Đảng ủy mở rộng đối tượng của văn bản.", o.Name)
		}
	}
	in := storage.CampaignInput{
		DocumentID: draft.DocID, OrgIDs: draft.Orgs, All: draft.All,
		Actor: c.Actor(), ActorMember: &c.Member.ID,
		NotifyChatID: c.ChatID, Message: PushMessage, QuizRequired: draft.Quiz,
	}
	if cq := c.Update.CallbackQuery; cq != nil && cq.Message != nil {
		in.ProgressMessageID = cq.Message.MessageID
	}
	if draft.Due != "" {
		t, err := time.Parse("2006-01-02", draft.Due)
		if err != nil {
			return storage.ErrNotFound
		}
		in.DueOn = &t
	}
	camp, err := c.Store.CreateCampaign(ctx, in)
	if err != nil {
		return err
	}
	st, err := c.Store.CampaignStats(ctx, camp.ID)
	if err != nil {
		return err
	}
	text, _ := PushProgress(st, false, 0)
	c.End(text, nil)
	c.Toast = "Đã bắt đầu gửi."
	return nil
}
