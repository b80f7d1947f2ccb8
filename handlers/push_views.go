package handlers

// The /gui dialog's windows: what each step loads and how it draws it
// (the dialog and its actions are in push.go).

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// pushDocPage is what the document step shows: one page of the
// documents the pusher may push, from offset off, and how many there are.
type pushDocPage struct {
	docs []storage.Document
	off  int
	n    int
}

// pushDocsView lists the documents the pusher may push: published,
// readable by them and meant for some organisation of their scope.
var pushDocsView = chat.Window(func(ctx context.Context, c *pushConv) (pushDocPage, error) {
	off := c.Page("docs")
	ds, n, err := c.Store.PushableDocuments(ctx, pusher(c.Request), off, chat.WidgetPageSize)
	if err != nil {
		return pushDocPage{}, err
	}
	if len(ds) == 0 && off > 0 {
		c.SetPage("docs", 0)
		if ds, n, err = c.Store.PushableDocuments(ctx, pusher(c.Request), 0, chat.WidgetPageSize); err != nil {
			return pushDocPage{}, err
		}
		off = 0
	}
	return pushDocPage{docs: ds, off: off, n: n}, nil
}, func(c *pushConv, p pushDocPage) (string, chat.Keyboard) {
	if p.n == 0 {
		return msgPushNoDocs, chat.Keyboard{c.CancelRow()}
	}
	var rows chat.Keyboard
	for _, d := range p.docs {
		label := fmt.Sprintf("%s %s · %s", storage.DocumentKindName(d.Kind), d.Number, d.Title)
		rows = append(rows, chat.NewRow(c.Button(vn.Cut(label, 60), "d", d.ID)))
	}
	if nav := chat.PageButtons(c, "docs", p.off, len(p.docs), p.n); nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, c.CancelRow())
	return fmt.Sprintf("📤 <b>Gửi văn bản cho đảng viên học tập</b>\nBước 1/3: chọn văn bản (%d văn bản đang công bố):", p.n), rows
})

func pushHeader(d storage.Document) string {
	return fmt.Sprintf("📤 <b>Gửi văn bản</b>\n%s số %s: %s\n", esc(storage.DocumentKindName(d.Kind)), esc(d.Number), esc(vn.Cut(d.Title, 120)))
}

// pushChoices is what the scope and cells steps show: the document and
// the organisations to choose from (pushTargets, pushCellItems).
type pushChoices struct {
	doc   storage.Document
	items []chat.Item
}

func pushChoicesOf(items func(context.Context, *chat.Request) ([]chat.Item, error)) func(context.Context, *pushConv) (pushChoices, error) {
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
var pushScopeView = chat.Window(pushChoicesOf(pushTargets), func(c *pushConv, v pushChoices) (string, chat.Keyboard) {
	var rows chat.Keyboard
	for _, it := range v.items {
		rows = append(rows, chat.NewRow(c.Button(it.Label, "s", it.ID)))
	}
	rows = append(rows,
		chat.NewRow(c.Button("☑ Chọn từng chi bộ", "c")),
		chat.NewRow(c.Button("◀ Chọn văn bản khác", "docs"), c.CancelButton()))
	return pushHeader(v.doc) + "\nBước 2/3: gửi cho ai?", rows
})

// pushCellsView lets the pusher tick cells, a page at a time, those whose
// names hold the words typed (Filter) when some were.
var pushCellsView = chat.Window(pushChoicesOf(pushCellItems), func(c *pushConv, v pushChoices) (string, chat.Keyboard) {
	items := v.items
	if f := c.Draft.Filter; f != "" {
		items = nil
		for _, it := range v.items {
			if vn.Match(it.Label, f) {
				items = append(items, it)
			}
		}
	}
	text := pushHeader(v.doc) + fmt.Sprintf("\nBước 2/3: bấm để chọn chi bộ (đã chọn %d), rồi bấm «Xong».", len(c.Draft.Orgs))
	rows := chat.Multiselect(c, "cells", items, c.Draft.Orgs, "t")
	switch {
	case c.Draft.Filter != "" && len(items) == 0:
		text += fmt.Sprintf("\nKhông có chi bộ nào có «%s» trong tên. Đồng chí gõ tên khác, hoặc bấm «Xem tất cả chi bộ».", esc(c.Draft.Filter))
	case c.Draft.Filter != "":
		text += fmt.Sprintf("\n%d/%d chi bộ có «%s» trong tên.", len(items), len(v.items), esc(c.Draft.Filter))
	case len(items) > chat.WidgetPageSize:
		text += fmt.Sprintf("\n%d chi bộ. Gõ vài chữ trong tên để lọc (không cần dấu), ví dụ «na hien».", len(items))
	}
	if p := chat.PageLabel(c, "cells", len(items)); p != "" {
		text += "\n<i>" + p + "</i>"
	}
	if c.Draft.Filter != "" {
		rows = append(rows, chat.NewRow(c.Button("🔎 Xem tất cả chi bộ", "fx")))
	}
	rows = append(rows, chat.NewRow(
		c.Button(fmt.Sprintf("✅ Xong (%d chi bộ)", len(c.Draft.Orgs)), "n"),
		c.Button("◀ Quay lại", chat.ActBack)))
	return text, rows
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
	fmt.Fprintf(&b, "Phạm vi: %s\n", esc(vn.Cut(strings.Join(v.names, ", "), 600)))
	fmt.Fprintf(&b, "Sẽ giao cho <b>%d</b> đảng viên: %d nhận được qua Telegram hoặc sổ tay trên web", p.Assigned, p.Reachable)
	if p.NotLinked > 0 {
		fmt.Fprintf(&b, ", %d chưa liên kết Telegram và chưa đăng nhập web", p.NotLinked)
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

func allButton(c *pushConv, p storage.CampaignPreview) chat.Row {
	if p.Already == 0 {
		return nil
	}
	if c.Draft.All {
		return chat.NewRow(c.Button("↩️ Chỉ gửi người chưa nhận", "a"))
	}
	return chat.NewRow(c.Button(fmt.Sprintf("🔁 Gửi lại cả %d đồng chí đã nhận", p.Already), "a"))
}

// pushDueView asks for the deadline.
var pushDueView = chat.Window(pushReachOf(false), func(c *pushConv, v pushReach) (string, chat.Keyboard) {
	now := c.Now()
	day := func(n int) string { return now.AddDate(0, 0, n).Format("02/01") }
	rows := chat.Keyboard{
		chat.NewRow(
			c.Button("7 ngày ("+day(7)+")", "h", 7),
			c.Button("15 ngày ("+day(15)+")", "h", 15)),
		chat.NewRow(
			c.Button("30 ngày ("+day(30)+")", "h", 30),
			c.Button("Không đặt hạn", "h", 0)),
	}
	if b := allButton(c, v.preview); b != nil {
		rows = append(rows, b)
	}
	rows = append(rows, chat.NewRow(c.Button("◀ Đổi phạm vi", "scope"), c.CancelButton()))
	return pushHeader(v.doc) + "\n" + pushSummary(c, v) + "\n\nBước 3/3: hạn học tập?", rows
})

// pushConfirmView shows everything once more before sending.
var pushConfirmView = chat.Window(pushReachOf(true), func(c *pushConv, v pushReach) (string, chat.Keyboard) {
	p := v.preview
	due := "không đặt hạn"
	if c.Draft.Due != "" {
		t, _ := time.Parse("2006-01-02", c.Draft.Due)
		due = dateVN(t)
	}
	var rows chat.Keyboard
	if p.Assigned > 0 {
		rows = append(rows, chat.NewRow(c.Button(fmt.Sprintf("✅ Gửi cho %d đảng viên", p.Reachable), "ok")))
	}
	if b := allButton(c, p); b != nil {
		rows = append(rows, b)
	}
	quiz, quizRow := pushQuizChoice(c, v.quiz)
	if quizRow != nil {
		rows = append(rows, quizRow)
	}
	rows = append(rows, chat.NewRow(c.Button("◀ Đổi phạm vi", "scope"), c.CancelButton()))
	return pushHeader(v.doc) + "\n" + pushSummary(c, v) + "\nHạn học tập: " + due + quiz + "\n\nĐồng chí kiểm tra lại rồi bấm gửi.", rows
})
