package handlers

import (
	"context"
	"fmt"
	"strings"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// The handbook library: /vanban browses by kind, a document opens as its
// header and summary, its text pages in place, its file is sent from the
// file store (files.go); /tim searches; /dang publishes a file sent in
// chat. Callback data: vb:[<kind>:<offset>] browse, doc:<id> view,
// dt:<id>:<page> text page, df:<id> file, dw:<id>[:y] withdraw, dang:...
// the publishing dialog.

const (
	// MaxMessageLen is Telegram's limit on a message's text.
	MaxMessageLen = 4096
	// docPageSize is how many documents one page of a list shows.
	docPageSize = 8
	// maxSummaryShown keeps a document view within one message.
	maxSummaryShown = 3000
)

const (
	msgNoDocuments   = "Hiện chưa có văn bản nào dành cho đồng chí."
	msgDocWithdrawn  = "Văn bản này đã được thu hồi hoặc chưa được đăng."
	msgDocGone       = "Văn bản này đã được thu hồi, chưa được đăng hoặc không dành cho đồng chí."
	msgSearchAsk     = "🔎 Đồng chí gõ từ cần tìm: số hiệu, tên hoặc vài từ trong nội dung văn bản, ví dụ <i>ket luan 21</i> hoặc <i>21-KL/TW</i>.\nGõ /huy để thôi."
	msgSearchNone    = "Không tìm thấy văn bản nào với «%s». Đồng chí thử từ khác: số hiệu (ví dụ 21-KL/TW) hoặc vài từ trong tên văn bản."
	labelReadText    = "📖 Đọc toàn văn"
	labelGetFile     = "📎 Tải tệp"
	labelBackToList  = "⬅ Danh sách"
	labelBackToKinds = "⬅ Loại văn bản"
	labelBackToDoc   = "⬅ Về văn bản"
	labelWithdraw    = "🗑 Thu hồi"
	labelSearch      = "🔎 Tìm kiếm"
)

// documentOpened is called whenever a member opens a document's full text
// or file. The campaigns feature records reading here.
func (h *Handlers) documentOpened(ctx context.Context, r *chat.Request, d storage.Document) error {
	if r.Member == nil {
		return nil
	}
	// Telegram gives no read receipts: opening is the reading we record.
	return r.Store.MarkDocumentRead(ctx, r.Member.ID, d.ID)
}

// docHeading is "Kết luận số 21-KL/TW".
func docHeading(d storage.Document) string { return d.KindName() + " số " + d.Number }

// readableArg is readable for the document a button names first.
func (h *Handlers) readableArg(ctx context.Context, r *chat.Request) (storage.Document, error) {
	id, err := r.ArgID(0)
	if err != nil {
		return storage.Document{}, err
	}
	return h.readable(ctx, r, id)
}

// visibleDocuments says which of ids the asker may open: the documents
// readable by them (published, for their organisation or assigned to
// them), and for the commune's admin any published one (to withdraw it).
// The /thongke document list and every button naming a document go
// through it; the library and search list by the same rule in SQL
// (storage's documentReadableSQL).
func visibleDocuments(ctx context.Context, r *chat.Request, ids []int64) (map[int64]bool, error) {
	ok, err := r.Store.Readable(ctx, *r.Member, r.Has(chat.Admin), ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ok))
	for _, id := range ok {
		out[id] = true
	}
	return out, nil
}

// readable loads a document a button names if the asker may open it
// (visibleDocuments): the callback data names a document, the server
// decides. One the asker may not open, whether withdrawn since the button
// was sent, never published, outside their audience or no document at all,
// gets the one answer a withdrawn document gets, and nothing of it shows.
func (h *Handlers) readable(ctx context.Context, r *chat.Request, id int64) (storage.Document, error) {
	visible, err := visibleDocuments(ctx, r, []int64{id})
	if err != nil {
		return storage.Document{}, err
	}
	if !visible[id] {
		return storage.Document{}, storage.Errorf(storage.CodeNotFound, msgDocGone)
	}
	return r.Store.DocumentByID(ctx, id)
}

// browseDocuments is the vb buttons: vb (the kinds) and vb:<kind>:<offset>
// (a page of one kind, newest first).
func (h *Handlers) browseDocuments(ctx context.Context, r *chat.Request) error {
	kind, off := r.CB.Arg(0), r.CB.Offset(1)
	if storage.DocumentKindName(kind) == kind {
		return h.documentKinds(ctx, r)
	}
	return h.documentList(ctx, r, kind, off)
}

func (h *Handlers) documentKinds(ctx context.Context, r *chat.Request) error {
	counts, err := r.Store.DocumentKindCounts(ctx, *r.Member)
	if err != nil {
		return err
	}
	if len(counts) == 0 {
		r.Show(msgNoDocuments, nil)
		return nil
	}
	var rows chat.Keyboard
	var row chat.Row
	total := 0
	for _, k := range counts {
		total += k.Count
		row = append(row, chat.NewButton(fmt.Sprintf("%s (%d)", k.Name(), k.Count), cbLibrary, k.Kind, 0))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, chat.NewRow(chat.CommandButton(labelSearch, "tim")))
	kb := chat.NewMarkup(rows...)
	r.Show(fmt.Sprintf("📄 <b>Văn bản</b>: %d văn bản dành cho đồng chí. Chọn loại văn bản:", total), &kb)
	return nil
}

func (h *Handlers) documentList(ctx context.Context, r *chat.Request, kind string, off int) error {
	ds, total, err := r.Store.DocumentsForMember(ctx, *r.Member, kind, off, docPageSize)
	if err != nil {
		return err
	}
	if len(ds) == 0 && total > 0 {
		// A page that no longer exists (documents were withdrawn): the last one.
		off = (total - 1) / docPageSize * docPageSize
		if ds, total, err = r.Store.DocumentsForMember(ctx, *r.Member, kind, off, docPageSize); err != nil {
			return err
		}
	}
	back := chat.NewRow(chat.NewButton(labelBackToKinds, cbLibrary))
	if total == 0 {
		kb := chat.NewMarkup(back)
		r.Show(fmt.Sprintf("Không còn văn bản loại %s nào dành cho đồng chí.", storage.DocumentKindName(kind)), &kb)
		return nil
	}
	var rows chat.Keyboard
	for _, d := range ds {
		label := vn.Cut(fmt.Sprintf("%s · %s · %s", dateVN(d.IssuedOn), d.Number, d.Title), 60)
		rows = append(rows, chat.NewRow(chat.NewButton(label, cbDocument, d.ID)))
	}
	var nav chat.Row
	if off > 0 {
		nav = append(nav, chat.NewButton(chat.LabelPrev, cbLibrary, kind, max(off-docPageSize, 0)))
	}
	if off+len(ds) < total {
		nav = append(nav, chat.NewButton(chat.LabelNext, cbLibrary, kind, off+docPageSize))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, back)
	kb := chat.NewMarkup(rows...)
	pages := (total + docPageSize - 1) / docPageSize
	r.Show(fmt.Sprintf("📄 <b>%s</b>: %d văn bản, mới nhất trước (trang %d/%d). Chọn văn bản để xem:",
		esc(storage.DocumentKindName(kind)), total, off/docPageSize+1, pages), &kb)
	return nil
}

// viewDocument is doc:<id>: the header and summary, with buttons.
func (h *Handlers) viewDocument(ctx context.Context, r *chat.Request) error {
	d, err := h.readableArg(ctx, r)
	if err != nil {
		return err
	}
	text, kb, err := h.documentCard(ctx, r, d)
	if err != nil {
		return err
	}
	r.Show(text, &kb)
	return nil
}

// documentCard is a document's header, summary and buttons, and for a
// member assigned it their state, deadline and "Tôi đã học" (study.go).
func (h *Handlers) documentCard(ctx context.Context, r *chat.Request, d storage.Document) (string, chat.Markup, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "📄 <b>%s</b>\nNgày %s", esc(docHeading(d)), dateVN(d.IssuedOn))
	if d.Issuer != "" {
		fmt.Fprintf(&b, " · %s", esc(d.Issuer))
	}
	fmt.Fprintf(&b, "\n<b>%s</b>", esc(d.Title))
	if d.Summary != "" {
		fmt.Fprintf(&b, "\n\n%s", esc(vn.Cut(d.Summary, maxSummaryShown)))
	}
	study, studyRow, err := h.cardStudy(ctx, r, d)
	if err != nil {
		return "", chat.Markup{}, err
	}
	b.WriteString(study)
	var rows chat.Keyboard
	var first chat.Row
	if strings.TrimSpace(d.Body) != "" {
		first = append(first, chat.NewButton(labelReadText, cbText, d.ID, 1))
	}
	if d.HasFile() {
		first = append(first, chat.NewButton(labelGetFile, cbFile, d.ID))
	}
	if len(first) > 0 {
		rows = append(rows, first)
	}
	if studyRow != nil {
		rows = append(rows, studyRow)
	}
	voice, err := h.cardVoiceRows(ctx, r, d)
	if err != nil {
		return "", chat.Markup{}, err
	}
	rows = append(rows, voice...)
	last := chat.NewRow(chat.NewButton(labelBackToList, cbLibrary, d.Kind, 0))
	if r.Has(chat.Admin) {
		last = append(last, chat.NewButton(labelWithdraw, cbWithdraw, d.ID))
	}
	rows = append(rows, last)
	return b.String(), chat.NewMarkup(rows...), nil
}

// isLibraryButton reports whether callback data belongs to the library's
// own views.
func isLibraryButton(data string) bool {
	p, _ := chat.SplitCallback(data)
	return p == cbLibrary || p == cbDocument
}

// pressedInLibrary reports whether a button was pressed on one of the
// library's own views (a document card or a text page), which are edited in
// place; a press elsewhere (a pushed document) gets a new message, so the
// message it came from keeps its buttons.
func pressedInLibrary(r *chat.Request) bool {
	cq := r.Update.CallbackQuery
	if cq == nil || cq.Message == nil || cq.Message.ReplyMarkup == nil {
		return false
	}
	for _, row := range cq.Message.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && isLibraryButton(*b.CallbackData) {
				return true
			}
		}
	}
	return false
}

// documentText is dt:<id>:<page>: one page of the full text.
func (h *Handlers) documentText(ctx context.Context, r *chat.Request) error {
	d, err := h.readableArg(ctx, r)
	if err != nil {
		return err
	}
	if strings.TrimSpace(d.Body) == "" {
		r.Toast = "Văn bản này không có toàn văn, đồng chí hãy bấm Tải tệp."
		return nil
	}
	pages := TextPages(docHeading(d), d.Body)
	n := min(max(r.CB.Offset(1), 1), len(pages))
	var nav chat.Row
	if n > 1 {
		nav = append(nav, chat.NewButton(chat.LabelPrev, cbText, d.ID, n-1))
	}
	if n < len(pages) {
		nav = append(nav, chat.NewButton(chat.LabelNext, cbText, d.ID, n+1))
	}
	var rows chat.Keyboard
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, chat.NewRow(chat.NewButton(labelBackToDoc, cbDocument, d.ID)))
	kb := chat.NewMarkup(rows...)
	if pressedInLibrary(r) {
		r.Show(pages[n-1], &kb)
	} else {
		r.Reply(pages[n-1], kb)
	}
	return h.documentOpened(ctx, r, d)
}

// documentFile is df:<id>: the attached file, from the file store
// (queueSend): by the file_id Telegram gave it, or uploaded the first time.
func (h *Handlers) documentFile(ctx context.Context, r *chat.Request) error {
	d, err := h.readableArg(ctx, r)
	if err != nil {
		return err
	}
	if !d.HasFile() {
		r.Toast = "Văn bản này không có tệp đính kèm."
		return nil
	}
	if err := h.queueSend(ctx, r, documentOutFile(d), "📎 "+esc(docHeading(d))); err != nil {
		return err
	}
	r.Toast = "Đang gửi tệp…"
	return h.documentOpened(ctx, r, d)
}

// documentOutFile is a document's attached file as the bot sends it: a
// photo received in chat goes back as a photo.
func documentOutFile(d storage.Document) outFile {
	f := outFile{Store: d.FileStore, FileID: d.FileID, Kind: storage.AsDocument, Name: d.FileName, Mime: d.FileMime}
	if d.IsPhoto() {
		f.Kind = storage.AsPhoto
	}
	return f
}

// withdrawDocument is dw:<id> (asks) and dw:<id>:y (withdraws) for admins.
func (h *Handlers) withdrawDocument(ctx context.Context, r *chat.Request) error {
	id, err := r.ArgID(0)
	if err != nil {
		return err
	}
	confirm := r.CB.Arg(1)
	d, err := r.Store.DocumentByID(ctx, id)
	if err != nil {
		return err
	}
	if confirm != "y" {
		if d.Status == storage.DocWithdrawn {
			r.Toast = "Văn bản này đã được thu hồi từ trước."
			return nil
		}
		kb := chat.NewMarkup(chat.NewRow(
			chat.NewButton("✅ Xác nhận thu hồi", cbWithdraw, d.ID, "y"),
			chat.NewButton("↩ Không", cbDocument, d.ID)))
		r.Show(fmt.Sprintf("🗑 Thu hồi <b>%s</b>?\n%s\n\nSau khi thu hồi, đảng viên không còn xem được văn bản này.",
			esc(docHeading(d)), esc(d.Title)), &kb)
		return nil
	}
	changed, err := r.Store.WithdrawDocumentByID(ctx, d.ID, r.Actor())
	if err != nil {
		return err
	}
	if !changed {
		r.Toast = "Văn bản này đã được thu hồi từ trước."
	}
	kb := chat.NewMarkup(chat.NewRow(chat.NewButton(labelBackToKinds, cbLibrary)))
	r.Show(fmt.Sprintf("🗑 Đã thu hồi <b>%s</b>. Đảng viên không còn xem được văn bản này.", esc(docHeading(d))), &kb)
	return nil
}
