package handlers

import (
	"context"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
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
	// Filter is what the pusher typed at the cells step: the cells whose
	// names hold its words (vn.Match) are listed.
	Filter string `json:"f,omitempty"`
}

type pushConv = chat.Conv[pushDraft]

type pushAction = func(context.Context, *pushConv, chat.Args) error

// The /gui dialog's steps, in the order they are asked: the document, the
// scope (or the cells one by one), the deadline, the confirmation.
const (
	stepPushDoc     chat.StepID[pushDraft] = "doc"
	stepPushScope   chat.StepID[pushDraft] = "scope"
	stepPushCells   chat.StepID[pushDraft] = "cells"
	stepPushDue     chat.StepID[pushDraft] = "due"
	stepPushConfirm chat.StepID[pushDraft] = "confirm"
)

// pushDialog: document, scope (or cells one by one), deadline, confirm.
func (h *Handlers) pushDialog() *chat.Dialog[pushDraft] {
	toggleAll := func(_ context.Context, c *pushConv, _ chat.Args) error {
		c.Draft.All = !c.Draft.All
		return nil
	}
	return &chat.Dialog[pushDraft]{
		Name:      "gui",
		Cancelled: "Đã hủy việc gửi văn bản.",
		Stale:     "Thao tác gửi văn bản này đã xong hoặc đã hết hạn. Đồng chí gõ /gui để gửi văn bản khác.",
		Steps: []*chat.Step[pushDraft]{
			{ID: stepPushDoc, View: pushDocsView, Actions: map[string]pushAction{"d": h.pushPickDocument}},
			{ID: stepPushScope, View: pushScopeView, Actions: map[string]pushAction{
				// Back to the documents, also when the dialog began here
				// (pushDocument): BackTo goes there either way.
				"docs": func(_ context.Context, c *pushConv, _ chat.Args) error {
					c.BackTo(stepPushDoc)
					return nil
				},
				"s": func(ctx context.Context, c *pushConv, a chat.Args) error {
					items, err := pushTargets(ctx, c.Request)
					if err != nil {
						return err
					}
					o, err := chat.Chosen(items, a, 0)
					if err != nil {
						return err
					}
					c.Draft.Orgs = []int64{o.ID}
					c.Goto(stepPushDue)
					return nil
				},
				"c": func(_ context.Context, c *pushConv, _ chat.Args) error {
					c.Draft.Orgs, c.Draft.Filter = nil, ""
					c.Goto(stepPushCells)
					return nil
				},
			}},
			{ID: stepPushCells, View: pushCellsView, Text: func(_ context.Context, c *pushConv, text string) error {
				text = strings.TrimSpace(text)
				if !vn.HasLetterOrDigit(text) {
					return storage.Errorf(storage.CodeInvalid, "Đồng chí gõ vài chữ trong tên chi bộ để tìm, ví dụ «na hien», hoặc bấm vào tên chi bộ để chọn.")
				}
				c.Draft.Filter = vn.Cut(text, 60)
				c.SetPage("cells", 0)
				return nil
			}, Actions: map[string]pushAction{
				"t": func(ctx context.Context, c *pushConv, a chat.Args) error {
					items, err := pushCellItems(ctx, c.Request)
					if err != nil {
						return err
					}
					o, err := chat.Chosen(items, a, 0)
					if err != nil {
						return err
					}
					c.Draft.Orgs = chat.Toggle(c.Draft.Orgs, o.ID)
					return nil
				},
				"fx": func(_ context.Context, c *pushConv, _ chat.Args) error {
					c.Draft.Filter = ""
					c.SetPage("cells", 0)
					return nil
				},
				"n": func(_ context.Context, c *pushConv, _ chat.Args) error {
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
				"h": func(_ context.Context, c *pushConv, a chat.Args) error {
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
func (h *Handlers) pushCommand(ctx context.Context, r *chat.Request) error {
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

// pushDocument is gd:<document>, «📤 Gửi văn bản này» under a document
// just published: /gui with the document chosen, if it is one the pusher
// may push (the document step's rule, MayPush).
func (h *Handlers) pushDocument(ctx context.Context, r *chat.Request) error {
	id, err := r.ArgID(0)
	if err != nil {
		return err
	}
	ok, err := r.Store.MayPush(ctx, pusher(r), id)
	if err != nil {
		return err
	}
	if !ok {
		return storage.ErrNotFound
	}
	// A new message: the one the button sits on says what was published.
	return h.pushing.StartNew(ctx, r, stepPushScope, pushDraft{DocID: id})
}

// pushButton is «📤 Gửi văn bản này» for doc, when r may push it.
func pushButton(ctx context.Context, r *chat.Request, doc int64) (chat.Row, error) {
	if !r.Has(chat.Officer) {
		return nil, nil
	}
	ok, err := r.Store.MayPush(ctx, pusher(r), doc)
	if err != nil || !ok {
		return nil, err
	}
	return chat.NewRow(chat.NewButton(labelPushThis, cbPushDocument, doc)), nil
}

const labelPushThis = "📤 Gửi văn bản này"

// pushBackToScope forgets the scope and deadline chosen and asks again.
func pushBackToScope(_ context.Context, c *pushConv, _ chat.Args) error {
	c.Draft = pushDraft{DocID: c.Draft.DocID}
	c.BackTo(stepPushScope)
	return nil
}

// pushPickDocument takes the document a button names, if it is one the
// step offers: the list's own rule, MayPush (PushableDocuments). A forged
// id, or a document withdrawn since, is answered as a stale one.
func (h *Handlers) pushPickDocument(ctx context.Context, c *pushConv, a chat.Args) error {
	id, err := a.ID(0)
	if err != nil {
		return chat.ErrNotOffered
	}
	ok, err := c.Store.MayPush(ctx, pusher(c.Request), id)
	if err != nil {
		return err
	}
	if !ok {
		return chat.ErrNotOffered
	}
	c.Draft = pushDraft{DocID: id}
	c.Goto(stepPushScope)
	return nil
}

// pushOrgs are the organisations the pusher may push to: their officer
// scope, without the dissolved ones (mayPushTo's rule). The scope step
// offers its roots and committees, the cells step its cells.
func pushOrgs(ctx context.Context, r *chat.Request) ([]storage.Organisation, error) {
	orgs, err := r.Scope(chat.Officer).Organisations(ctx)
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
func pushTargets(ctx context.Context, r *chat.Request) ([]chat.Item, error) {
	orgs, err := pushOrgs(ctx, r)
	if err != nil {
		return nil, err
	}
	scope := r.Scope(chat.Officer)
	var items []chat.Item
	for _, o := range orgs {
		switch {
		case scope.IsRoot(o.ID):
			items = append(items, chat.Item{ID: o.ID, Label: "🏛 Toàn " + vn.Cut(o.Name, 50)})
		case o.Kind == storage.KindDangBo:
			items = append(items, chat.Item{ID: o.ID, Label: "🏢 " + vn.Cut(o.Name, 50)})
		}
	}
	return items, nil
}

// pushCellItems are what the cells step offers to tick.
func pushCellItems(ctx context.Context, r *chat.Request) ([]chat.Item, error) {
	orgs, err := pushOrgs(ctx, r)
	if err != nil {
		return nil, err
	}
	var cells []chat.Item
	for _, o := range orgs {
		if o.Kind == storage.KindChiBo {
			cells = append(cells, chat.Item{ID: o.ID, Label: o.Name})
		}
	}
	return cells, nil
}

// mayPushTo checks that the organisation named by a button is within the
// pusher's officer scope.
func (h *Handlers) mayPushTo(ctx context.Context, r *chat.Request, orgID int64) error {
	o, err := r.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	if err := r.Scope(chat.Officer).Check(ctx, o.ID); err != nil {
		return err
	}
	if o.DissolvedAt != nil {
		return storage.ErrForbidden
	}
	return nil
}

// pusher is who asks to push: the member, their officer scope, and
// whether they are the commune's admin.
func pusher(r *chat.Request) storage.Pusher {
	return storage.Pusher{Member: *r.Member, Roots: r.Scope(chat.Officer).Roots(), Anywhere: r.Has(chat.Admin)}
}

// pushStart creates the campaign; the status message it was confirmed on
// becomes the progress message the sender edits.
func (h *Handlers) pushStart(ctx context.Context, c *pushConv, _ chat.Args) error {
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
		if c.Has(chat.Admin) {
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
		NotifyChatID: c.ChatID, Message: PushMessage, WithVoice: PushVoiceMessage, QuizRequired: draft.Quiz,
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
