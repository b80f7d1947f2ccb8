package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/xuri/excelize/v2"

	"sotay/storage"
)

// Campaigns: /gui picks a document, a scope and a deadline with buttons
// and pushes; "hoc:<assignment>" is the member's "Tôi đã học"; the pusher's
// status message ends with "gbc:<campaign>", the delivery report.

const (
	pushDialog   = "gui"
	pushPageSize = 8

	msgPushExpired = "Thao tác gửi văn bản này đã xong hoặc đã hết hạn. Đồng chí gõ /gui để gửi văn bản khác."
	msgPushNoDocs  = "Chưa có văn bản nào đang công bố để gửi. Đồng chí hãy đăng văn bản trước (gửi tệp PDF kèm chú thích /dang)."
	msgPushNoOrgs  = "Chưa chọn chi bộ nào: đồng chí bấm vào tên chi bộ để chọn (☑), rồi bấm «Xong»."
	msgPushUseKeys = "Đồng chí hãy bấm các nút bên dưới tin nhắn để chọn, hoặc gõ /huy để hủy việc gửi văn bản."
)

// pushDraft is the /gui dialog's state.
type pushDraft struct {
	DocID int64   `json:"doc"`
	Orgs  []int64 `json:"orgs,omitempty"`
	Cells bool    `json:"cells,omitempty"` // picking cells one by one
	Due   string  `json:"due,omitempty"`   // YYYY-MM-DD
	Dated bool    `json:"dated,omitempty"` // a deadline was chosen (Due may be empty: none)
	All   bool    `json:"all,omitempty"`
}

// push runs /gui and its buttons "gui:<step>".
func (h *Handlers) push(ctx context.Context, r *Request) error {
	if r.Update.CallbackQuery == nil {
		if r.Command != "" {
			return h.pushDocs(ctx, r, 0)
		}
		r.Reply(msgPushUseKeys, nil)
		return nil
	}
	data := r.Data
	if data == "" || data[0] == 'p' {
		off, _ := strconv.Atoi(strings.TrimPrefix(data, "p"))
		return h.pushDocs(ctx, r, max(off, 0))
	}
	if data[0] == 'd' {
		id, err := strconv.ParseInt(data[1:], 10, 64)
		if err != nil {
			return storage.ErrNotFound
		}
		d, err := r.Store.DocumentByID(ctx, id)
		if err != nil {
			return err
		}
		if d.Status != storage.DocPublished {
			r.Toast = "Văn bản này không còn công bố."
			return h.pushDocs(ctx, r, 0)
		}
		// The button names a document; a forged one may name any.
		ok, err := r.Store.MayPush(ctx, pusher(r), id)
		if err != nil {
			return err
		}
		if !ok {
			return storage.ErrForbidden
		}
		if err := r.Store.SaveDialog(ctx, r.UserID, pushDialog, "scope", pushDraft{DocID: id}); err != nil {
			return err
		}
		return h.pushScope(ctx, r, pushDraft{DocID: id})
	}
	dl, err := r.Store.Dialog(ctx, r.UserID)
	var draft pushDraft
	if err == nil && dl.Name == pushDialog {
		err = dl.Decode(&draft)
	} else if err == nil {
		err = storage.ErrNotFound
	}
	if errors.Is(err, storage.ErrNotFound) || draft.DocID == 0 {
		// A second press on a finished step: the message already shows
		// the outcome, so only a toast, never an overwrite.
		r.Toast = "Thao tác đã xong hoặc đã hết hạn."
		if r.Update.CallbackQuery == nil {
			r.Reply(msgPushExpired, nil)
		}
		return nil
	}
	if err != nil {
		return err
	}
	save := func(step string) error { return r.Store.SaveDialog(ctx, r.UserID, pushDialog, step, draft) }
	switch {
	case data == "x":
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		r.Show("Đã hủy việc gửi văn bản.", nil)
		return nil
	case data == "b":
		draft = pushDraft{DocID: draft.DocID}
		if err := save("scope"); err != nil {
			return err
		}
		return h.pushScope(ctx, r, draft)
	case data[0] == 's':
		id, err := strconv.ParseInt(data[1:], 10, 64)
		if err != nil {
			return storage.ErrNotFound
		}
		if err := h.mayPushTo(ctx, r, id); err != nil {
			return err
		}
		draft.Orgs, draft.Cells = []int64{id}, false
		if err := save("due"); err != nil {
			return err
		}
		return h.pushDue(ctx, r, draft)
	case data[0] == 'c':
		off, _ := strconv.Atoi(data[1:])
		if !draft.Cells {
			draft.Cells, draft.Orgs = true, nil
			if err := save("cells"); err != nil {
				return err
			}
		}
		return h.pushCells(ctx, r, draft, max(off, 0))
	case data[0] == 't':
		idPart, offPart, _ := strings.Cut(data[1:], ".")
		id, err := strconv.ParseInt(idPart, 10, 64)
		if err != nil {
			return storage.ErrNotFound
		}
		off, _ := strconv.Atoi(offPart)
		if err := h.mayPushTo(ctx, r, id); err != nil {
			return err
		}
		draft.Cells = true
		draft.Orgs = toggle(draft.Orgs, id)
		if err := save("cells"); err != nil {
			return err
		}
		return h.pushCells(ctx, r, draft, max(off, 0))
	case data == "n":
		if len(draft.Orgs) == 0 {
			r.Toast = msgPushNoOrgs
			return nil
		}
		if err := save("due"); err != nil {
			return err
		}
		return h.pushDue(ctx, r, draft)
	case data == "a":
		draft.All = !draft.All
		if err := save("due"); err != nil {
			return err
		}
		if draft.Dated {
			return h.pushConfirm(ctx, r, draft)
		}
		return h.pushDue(ctx, r, draft)
	case data[0] == 'h':
		days, err := strconv.Atoi(data[1:])
		if err != nil || days < 0 || days > 366 {
			return storage.ErrNotFound
		}
		if len(draft.Orgs) == 0 {
			return h.pushScope(ctx, r, draft)
		}
		draft.Dated, draft.Due = true, ""
		if days > 0 {
			draft.Due = r.Now().AddDate(0, 0, days).Format("2006-01-02")
		}
		if err := save("confirm"); err != nil {
			return err
		}
		return h.pushConfirm(ctx, r, draft)
	case data == "ok":
		return h.pushStart(ctx, r, draft)
	}
	return storage.ErrNotFound
}

func toggle(ids []int64, id int64) []int64 {
	for i, x := range ids {
		if x == id {
			return append(ids[:i:i], ids[i+1:]...)
		}
	}
	return append(ids, id)
}

// mayPushTo checks that the organisation named by a button is within the
// pusher's officer scope.
func (h *Handlers) mayPushTo(ctx context.Context, r *Request, orgID int64) error {
	o, err := r.Store.OrganisationByID(ctx, orgID)
	if err != nil {
		return err
	}
	ok, err := r.CanSee(ctx, Officer, o.ID)
	if err != nil {
		return err
	}
	if !ok || o.DissolvedAt != nil {
		return storage.ErrForbidden
	}
	return nil
}

// pusher is who asks to push: the member, their officer scope, and
// whether they are the commune's admin.
func pusher(r *Request) storage.Pusher {
	return storage.Pusher{Member: *r.Member, Roots: officerRoots(r), Anywhere: r.Has(Admin)}
}

// pushDocs lists the documents the pusher may push: published, readable by
// them and meant for some organisation of their scope.
func (h *Handlers) pushDocs(ctx context.Context, r *Request, off int) error {
	ds, n, err := r.Store.PushableDocuments(ctx, pusher(r), off, pushPageSize)
	if err != nil {
		return err
	}
	if n == 0 {
		r.Show(msgPushNoDocs, nil)
		return nil
	}
	if len(ds) == 0 && off > 0 {
		return h.pushDocs(ctx, r, 0)
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, d := range ds {
		label := fmt.Sprintf("%s %s · %s", storage.DocumentKindName(d.Kind), d.Number, d.Title)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(cut(label, 60), fmt.Sprintf("gui:d%d", d.ID))))
	}
	if nav := pageNav("gui:p", off, len(ds), n); nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✖ Hủy", "gui:x")))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(fmt.Sprintf("📤 <b>Gửi văn bản cho đảng viên học tập</b>\nBước 1/3: chọn văn bản (%d văn bản đang công bố):", n), &kb)
	return nil
}

func pageNav(prefix string, off, shown, total int) []tgbotapi.InlineKeyboardButton {
	var nav []tgbotapi.InlineKeyboardButton
	if off > 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData("◀ Trước", fmt.Sprintf("%s%d", prefix, max(off-pushPageSize, 0))))
	}
	if off+shown < total {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData("Sau ▶", fmt.Sprintf("%s%d", prefix, off+shown)))
	}
	return nav
}

// cut shortens s to n characters at most, at a word boundary when it can.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	rs := []rune(s)[:n-1]
	out := string(rs)
	if i := strings.LastIndexByte(out, ' '); i > len(out)/2 {
		out = out[:i]
	}
	return out + "…"
}

// officerRoots are the organisations the pusher holds an officer or admin
// role over.
func officerRoots(r *Request) []int64 {
	var ids []int64
	for _, role := range r.Roles {
		if roleAccess(role) >= Officer {
			ids = append(ids, role.OrgID)
		}
	}
	return ids
}

// scopeOrgs returns the organisations the pusher may push to, tree order.
func (h *Handlers) scopeOrgs(ctx context.Context, r *Request) ([]storage.Organisation, error) {
	seen := map[int64]bool{}
	var out []storage.Organisation
	for _, root := range officerRoots(r) {
		sub, err := r.Store.Subtree(ctx, root)
		if err != nil {
			return nil, err
		}
		for _, o := range sub {
			if !seen[o.ID] {
				seen[o.ID] = true
				out = append(out, o)
			}
		}
	}
	return out, nil
}

func (h *Handlers) pushHeader(ctx context.Context, r *Request, draft pushDraft) (storage.Document, string, error) {
	d, err := r.Store.DocumentByID(ctx, draft.DocID)
	if err != nil {
		return d, "", err
	}
	return d, fmt.Sprintf("📤 <b>Gửi văn bản</b>\n%s số %s: %s\n", esc(storage.DocumentKindName(d.Kind)), esc(d.Number), esc(cut(d.Title, 120))), nil
}

// pushScope asks whom to push to: the whole commune, a base committee, or
// cells chosen one by one.
func (h *Handlers) pushScope(ctx context.Context, r *Request, draft pushDraft) error {
	_, head, err := h.pushHeader(ctx, r, draft)
	if err != nil {
		return err
	}
	orgs, err := h.scopeOrgs(ctx, r)
	if err != nil {
		return err
	}
	roots := map[int64]bool{}
	for _, id := range officerRoots(r) {
		roots[id] = true
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, o := range orgs {
		switch {
		case roots[o.ID]:
			rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("🏛 Toàn "+cut(o.Name, 50), fmt.Sprintf("gui:s%d", o.ID))))
		case o.Kind == storage.KindDangBo:
			rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("🏢 "+cut(o.Name, 50), fmt.Sprintf("gui:s%d", o.ID))))
		}
	}
	rows = append(rows,
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("☑ Chọn từng chi bộ", "gui:c0")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("◀ Chọn văn bản khác", "gui:p0"), tgbotapi.NewInlineKeyboardButtonData("✖ Hủy", "gui:x")))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(head+"\nBước 2/3: gửi cho ai?", &kb)
	return nil
}

// pushCells lets the pusher tick cells, a page at a time.
func (h *Handlers) pushCells(ctx context.Context, r *Request, draft pushDraft, off int) error {
	_, head, err := h.pushHeader(ctx, r, draft)
	if err != nil {
		return err
	}
	orgs, err := h.scopeOrgs(ctx, r)
	if err != nil {
		return err
	}
	var cells []storage.Organisation
	for _, o := range orgs {
		if o.Kind == storage.KindChiBo {
			cells = append(cells, o)
		}
	}
	if off >= len(cells) {
		off = max(0, (len(cells)-1)/pushPageSize*pushPageSize)
	}
	end := min(off+pushPageSize, len(cells))
	chosen := map[int64]bool{}
	for _, id := range draft.Orgs {
		chosen[id] = true
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, o := range cells[off:end] {
		mark := "☐ "
		if chosen[o.ID] {
			mark = "☑ "
		}
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(mark+cut(o.Name, 50), fmt.Sprintf("gui:t%d.%d", o.ID, off))))
	}
	if nav := pageNav("gui:c", off, end-off, len(cells)); nav != nil {
		rows = append(rows, nav)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData(fmt.Sprintf("✅ Xong (%d chi bộ)", len(draft.Orgs)), "gui:n"),
		tgbotapi.NewInlineKeyboardButtonData("◀ Quay lại", "gui:b")))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(head+fmt.Sprintf("\nBước 2/3: bấm để chọn chi bộ (đã chọn %d), rồi bấm «Xong»:", len(draft.Orgs)), &kb)
	return nil
}

// pushSummary describes the scope and whom it reaches.
func (h *Handlers) pushSummary(ctx context.Context, r *Request, draft pushDraft) (string, storage.CampaignPreview, error) {
	var names []string
	for _, id := range draft.Orgs {
		o, err := r.Store.OrganisationByID(ctx, id)
		if err != nil {
			return "", storage.CampaignPreview{}, err
		}
		names = append(names, o.Name)
	}
	p, err := r.Store.PreviewCampaign(ctx, draft.DocID, draft.Orgs, draft.All)
	if err != nil {
		return "", p, err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Phạm vi: %s\n", esc(cut(strings.Join(names, ", "), 600)))
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
	return b.String(), p, nil
}

func allButton(draft pushDraft, p storage.CampaignPreview) []tgbotapi.InlineKeyboardButton {
	if p.Already == 0 {
		return nil
	}
	if draft.All {
		return tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("↩️ Chỉ gửi người chưa nhận", "gui:a"))
	}
	return tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(fmt.Sprintf("🔁 Gửi lại cả %d đồng chí đã nhận", p.Already), "gui:a"))
}

// pushDue asks for the deadline.
func (h *Handlers) pushDue(ctx context.Context, r *Request, draft pushDraft) error {
	_, head, err := h.pushHeader(ctx, r, draft)
	if err != nil {
		return err
	}
	sum, p, err := h.pushSummary(ctx, r, draft)
	if err != nil {
		return err
	}
	now := r.Now()
	day := func(n int) string { return now.AddDate(0, 0, n).Format("02/01") }
	rows := [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("7 ngày ("+day(7)+")", "gui:h7"),
			tgbotapi.NewInlineKeyboardButtonData("15 ngày ("+day(15)+")", "gui:h15")),
		tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("30 ngày ("+day(30)+")", "gui:h30"),
			tgbotapi.NewInlineKeyboardButtonData("Không đặt hạn", "gui:h0")),
	}
	if b := allButton(draft, p); b != nil {
		rows = append(rows, b)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("◀ Đổi phạm vi", "gui:b"), tgbotapi.NewInlineKeyboardButtonData("✖ Hủy", "gui:x")))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(head+"\n"+sum+"\n\nBước 3/3: hạn học tập?", &kb)
	return nil
}

// pushConfirm shows everything once more before sending.
func (h *Handlers) pushConfirm(ctx context.Context, r *Request, draft pushDraft) error {
	_, head, err := h.pushHeader(ctx, r, draft)
	if err != nil {
		return err
	}
	sum, p, err := h.pushSummary(ctx, r, draft)
	if err != nil {
		return err
	}
	due := "không đặt hạn"
	if draft.Due != "" {
		t, _ := time.Parse("2006-01-02", draft.Due)
		due = t.Format("02/01/2006")
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	if p.Assigned > 0 {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(fmt.Sprintf("✅ Gửi cho %d đảng viên", p.Reachable), "gui:ok")))
	}
	if b := allButton(draft, p); b != nil {
		rows = append(rows, b)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("◀ Đổi phạm vi", "gui:b"), tgbotapi.NewInlineKeyboardButtonData("✖ Hủy", "gui:x")))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(head+"\n"+sum+"\nHạn học tập: "+due+"\n\nĐồng chí kiểm tra lại rồi bấm gửi.", &kb)
	return nil
}

// pushStart creates the campaign; the status message it was confirmed on
// becomes the progress message the sender edits.
func (h *Handlers) pushStart(ctx context.Context, r *Request, draft pushDraft) error {
	for _, id := range draft.Orgs {
		if err := h.mayPushTo(ctx, r, id); err != nil {
			return err
		}
		// A document meant for some organisations goes only to them; the
		// commune's admin, who sets audiences, may widen it.
		if r.Has(Admin) {
			continue
		}
		ok, err := r.Store.AudienceCovers(ctx, draft.DocID, id)
		if err != nil {
			return err
		}
		if !ok {
			o, err := r.Store.OrganisationByID(ctx, id)
			if err != nil {
				return err
			}
			return storage.Errorf(storage.CodeForbidden, "Văn bản này chỉ dành cho một số tổ chức; %s nằm ngoài phạm vi đó. Đồng chí chọn tổ chức khác, hoặc đề nghị Văn phòng Đảng ủy mở rộng đối tượng của văn bản.", o.Name)
		}
	}
	in := storage.CampaignInput{
		DocumentID: draft.DocID, OrgIDs: draft.Orgs, All: draft.All,
		Actor: fmt.Sprintf("tg:%d", r.UserID), ActorMember: &r.Member.ID,
		NotifyChatID: r.ChatID, Message: PushMessage,
	}
	if cq := r.Update.CallbackQuery; cq != nil && cq.Message != nil {
		in.ProgressMessageID = cq.Message.MessageID
	}
	if draft.Due != "" {
		t, err := time.Parse("2006-01-02", draft.Due)
		if err != nil {
			return storage.ErrNotFound
		}
		in.DueOn = &t
	}
	c, err := r.Store.CreateCampaign(ctx, in)
	if err != nil {
		return err
	}
	if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
		return err
	}
	st, err := r.Store.CampaignStats(ctx, c.ID)
	if err != nil {
		return err
	}
	text, _ := PushProgress(st, false, 0)
	r.Show(text, nil)
	r.Toast = "Đã bắt đầu gửi."
	return nil
}

// PushMessage is the message a member receives for one assignment: kind,
// number, date, title, summary, deadline, and the buttons to read the text,
// get the file and confirm studying.
func PushMessage(d storage.Document, c storage.Campaign, assignmentID int64) (string, any) {
	var b strings.Builder
	fmt.Fprintf(&b, "📢 <b>%s số %s</b>\n", esc(storage.DocumentKindName(d.Kind)), esc(d.Number))
	if d.Issuer != "" {
		fmt.Fprintf(&b, "%s, ", esc(d.Issuer))
	}
	fmt.Fprintf(&b, "ngày %s\n<b>%s</b>\n", d.IssuedOn.Format("02/01/2006"), esc(cut(d.Title, 500)))
	if s := strings.TrimSpace(d.Summary); s != "" {
		fmt.Fprintf(&b, "\n%s\n", esc(cut(s, 2500)))
	}
	if c.DueOn != nil {
		fmt.Fprintf(&b, "\n⏰ Hạn học tập: <b>%s</b>", c.DueOn.Format("02/01/2006"))
	}
	b.WriteString("\nĐồng chí đọc văn bản rồi bấm «✅ Tôi đã học» để xác nhận.")
	return b.String(), pushKeyboard(d, assignmentID, false)
}

func pushKeyboard(d storage.Document, assignmentID int64, studied bool) tgbotapi.InlineKeyboardMarkup {
	var rows [][]tgbotapi.InlineKeyboardButton
	var first []tgbotapi.InlineKeyboardButton
	if d.Body != "" {
		first = append(first, tgbotapi.NewInlineKeyboardButtonData("📖 Đọc toàn văn", fmt.Sprintf("dt:%d:1", d.ID)))
	}
	if d.HasFile() {
		first = append(first, tgbotapi.NewInlineKeyboardButtonData("📎 Tải tệp", fmt.Sprintf("df:%d", d.ID)))
	}
	if len(first) > 0 {
		rows = append(rows, first)
	}
	label := "✅ Tôi đã học"
	if studied {
		label = "✔️ Đã xác nhận học"
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, fmt.Sprintf("hoc:%d", assignmentID))))
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// studied is "✅ Tôi đã học" on a pushed message: only the member the
// assignment belongs to may press it; a second press changes nothing.
func (h *Handlers) studied(ctx context.Context, r *Request) error {
	id, err := strconv.ParseInt(r.Data, 10, 64)
	if err != nil {
		return storage.ErrNotFound
	}
	a, changed, err := r.Store.MarkStudied(ctx, id, r.Member.ID)
	if err != nil {
		return err
	}
	if !changed {
		r.Toast = "Đồng chí đã xác nhận học văn bản này rồi."
		return nil
	}
	d, err := r.Store.DocumentByID(ctx, a.DocumentID)
	if err != nil {
		return err
	}
	if cq := r.Update.CallbackQuery; cq != nil && cq.Message != nil {
		r.Queue(tgbotapi.NewEditMessageReplyMarkup(r.ChatID, cq.Message.MessageID, pushKeyboard(d, a.ID, true)))
	}
	r.Toast = "✅ Đã ghi nhận đồng chí đã học văn bản. Cảm ơn đồng chí!"
	return nil
}

// PushProgress is the pusher's status message: progress while sending,
// then the final summary with the delivery report button. rate (messages
// per second) gives the time left; 0 leaves it out.
func PushProgress(st storage.CampaignStats, final bool, rate float64) (string, *tgbotapi.InlineKeyboardMarkup) {
	doc := fmt.Sprintf("%s số %s", storage.DocumentKindName(st.DocKind), st.DocNumber)
	if !final {
		// Counted against the messages to send: members without Telegram
		// get none and are said apart, so the count ends at its total.
		toSend := st.Total - st.NotLinked
		refused := st.Unreachable - st.NotLinked + st.Failed
		text := fmt.Sprintf("📤 <b>Đang gửi %s</b>\nĐang gửi %d/%d", esc(doc), st.Reached()+refused, toSend)
		if refused > 0 {
			text += fmt.Sprintf(" · %d không liên lạc được", refused)
		}
		if st.NotLinked > 0 {
			text += fmt.Sprintf(" · %d chưa liên kết Telegram", st.NotLinked)
		}
		if rate > 0 && st.Queued > 0 {
			text += " · còn khoảng " + durationVI(time.Duration(math.Ceil(float64(st.Queued)/rate))*time.Second)
		}
		return text, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ <b>Đã gửi xong %s</b>\n", esc(doc))
	fmt.Fprintf(&b, "Đã nhận: <b>%d/%d</b> đảng viên", st.Reached(), st.Total)
	if st.Unreachable > 0 {
		fmt.Fprintf(&b, "\nKhông liên lạc được: %d", st.Unreachable)
		switch blocked := st.Unreachable - st.NotLinked; {
		case st.NotLinked > 0 && blocked > 0:
			fmt.Fprintf(&b, " (chưa liên kết Telegram: %d; đã chặn bot hoặc không mở được cuộc trò chuyện: %d)", st.NotLinked, blocked)
		case st.NotLinked > 0:
			fmt.Fprintf(&b, " (chưa liên kết Telegram: %d)", st.NotLinked)
		default:
			fmt.Fprintf(&b, " (đã chặn bot hoặc không mở được cuộc trò chuyện)")
		}
	}
	if st.Failed > 0 {
		fmt.Fprintf(&b, "\nGửi lỗi: %d", st.Failed)
	}
	if st.LastSentAt != nil {
		fmt.Fprintf(&b, "\nThời gian gửi: %s", durationVI(st.LastSentAt.Sub(st.CreatedAt)))
	}
	if st.DueOn != nil {
		fmt.Fprintf(&b, "\nHạn học tập: %s", st.DueOn.Format("02/01/2006"))
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("📊 Báo cáo gửi", fmt.Sprintf("gbc:%d", st.ID))))
	return b.String(), &kb
}

// durationVI says a duration in Vietnamese, rounded: "15 giây", "2 phút".
func durationVI(d time.Duration) string {
	s := int(math.Ceil(d.Seconds()))
	switch {
	case s < 1:
		return "1 giây"
	case s < 90:
		return fmt.Sprintf("%d giây", s)
	case s < 90*60:
		return fmt.Sprintf("%d phút", (s+30)/60)
	}
	return fmt.Sprintf("%d giờ %d phút", s/3600, (s%3600)/60)
}

// deliveryReport sends a campaign's delivery report as XLSX to whoever
// pushed it or an officer over all its organisations.
func (h *Handlers) deliveryReport(ctx context.Context, r *Request) error {
	id, err := strconv.ParseInt(r.Data, 10, 64)
	if err != nil {
		return storage.ErrNotFound
	}
	c, err := r.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.CreatedByMember == nil || *c.CreatedByMember != r.Member.ID {
		orgs, err := r.Store.CampaignOrgIDs(ctx, id)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			ok, err := r.CanSee(ctx, Officer, o)
			if err != nil {
				return err
			}
			if !ok {
				return storage.ErrForbidden
			}
		}
	}
	rows, err := r.Store.DeliveryReport(ctx, id)
	if err != nil {
		return err
	}
	data, err := DeliveryReportXLSX(rows, h.deps.Location)
	if err != nil {
		return err
	}
	doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileBytes{Name: ReportFileName(c), Bytes: data})
	doc.Caption = fmt.Sprintf("📊 Báo cáo gửi %s số %s (%d đảng viên)", storage.DocumentKindName(c.DocKind), c.DocNumber, len(rows))
	r.Queue(doc)
	r.Toast = "Đang gửi báo cáo…"
	return nil
}

// ReportFileName names a campaign's delivery report.
func ReportFileName(c storage.Campaign) string {
	num := strings.Map(func(r rune) rune {
		if r == '/' || r == '\\' || r == ' ' {
			return '-'
		}
		return r
	}, c.DocNumber)
	return fmt.Sprintf("bao-cao-gui-%s-%d.xlsx", num, c.ID)
}

// DeliveryReportXLSX writes the delivery report: one row per member with
// organisation, status, time and reason, Vietnamese headers.
func DeliveryReportXLSX(rows []storage.DeliveryRow, loc *time.Location) ([]byte, error) {
	if loc == nil {
		loc = time.UTC
	}
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Báo cáo gửi"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	widths := []float64{6, 28, 14, 30, 20, 18, 40}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	head := []any{}
	for _, hname := range []string{"STT", "Họ và tên", "Mã đảng viên", "Tổ chức", "Trạng thái", "Thời gian", "Lý do"} {
		head = append(head, excelize.Cell{StyleID: bold, Value: hname})
	}
	if err := sw.SetRow("A1", head); err != nil {
		return nil, err
	}
	for i, row := range rows {
		at := ""
		if row.At != nil {
			at = row.At.In(loc).Format("02/01/2006 15:04")
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{i + 1, row.FullName, row.MemberCode, row.OrgName,
			storage.AssignmentStateName(row.State), at, row.Reason}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
