package handlers

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/vn"
)

// The handbook library: /vanban browses by kind, a document opens as its
// header and summary, its text pages in place, its file is uploaded once
// and then sent by file_id; /tim searches; /dang publishes a file sent in
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
	msgNoDocuments  = "Hiện chưa có văn bản nào dành cho đồng chí."
	msgDocWithdrawn = "Văn bản này đã được thu hồi hoặc chưa được đăng."
	msgSearchAsk    = "🔎 Đồng chí gõ từ cần tìm: số hiệu, tên hoặc vài từ trong nội dung văn bản, ví dụ <i>ket luan 21</i> hoặc <i>21-KL/TW</i>.\nGõ /huy để thôi."
	msgSearchNone   = "Không tìm thấy văn bản nào với «%s». Đồng chí thử từ khác: số hiệu (ví dụ 21-KL/TW) hoặc vài từ trong tên văn bản."
	msgDialogGone   = "Thao tác này đã xong hoặc đã hủy."
	msgDangExample  = "<code>" + dangExamplePlain + "</code>"
	// dangExamplePlain goes into error messages, which are sent as plain text.
	dangExamplePlain = "/dang 21-KL/TW | Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng | Ban Chấp hành Trung ương | 25/10/2021"
	msgDangHowTo     = "Để đăng văn bản, đồng chí gửi tệp (PDF, DOCX hoặc ảnh) kèm chú thích theo mẫu:\n" + msgDangExample
	labelReadText    = "📖 Đọc toàn văn"
	labelGetFile     = "📎 Tải tệp"
	labelBackToList  = "⬅ Danh sách"
	labelBackToKinds = "⬅ Loại văn bản"
	labelBackToDoc   = "⬅ Về văn bản"
	labelPrev        = "◀ Trước"
	labelNext        = "Sau ▶"
	labelWithdraw    = "🗑 Thu hồi"
	labelSearch      = "🔎 Tìm kiếm"
)

// documentOpened is called whenever a member opens a document's full text
// or file. The campaigns feature records reading here.
func (h *Handlers) documentOpened(ctx context.Context, r *Request, d storage.Document) error {
	if r.Member == nil {
		return nil
	}
	// Telegram gives no read receipts: opening is the reading we record.
	return r.Store.MarkDocumentRead(ctx, r.Member.ID, d.ID)
}

// dateVN formats a date as Vietnamese documents write it.
func dateVN(t time.Time) string { return t.Format("02/01/2006") }

// docHeading is "Kết luận số 21-KL/TW".
func docHeading(d storage.Document) string { return d.KindName() + " số " + d.Number }

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// readable loads a document and checks that this member may read it: the
// callback data names a document, the server decides. Admins may open any
// published document (to withdraw it).
func (h *Handlers) readable(ctx context.Context, r *Request, id int64) (storage.Document, error) {
	d, err := r.Store.DocumentByID(ctx, id)
	if err != nil {
		return d, err
	}
	ok, err := r.Store.MayRead(ctx, *r.Member, d.ID)
	if err != nil {
		return d, err
	}
	if ok || (d.Status == storage.DocPublished && r.Has(Admin)) {
		return d, nil
	}
	if d.Status != storage.DocPublished {
		return d, storage.Errorf(storage.CodeNotFound, msgDocWithdrawn)
	}
	return d, storage.ErrForbidden
}

// browseDocuments is /vanban and the vb: buttons: the kinds, then a page of
// one kind, newest first.
func (h *Handlers) browseDocuments(ctx context.Context, r *Request) error {
	if r.Data == "" {
		return h.documentKinds(ctx, r)
	}
	kind, offStr, _ := strings.Cut(r.Data, ":")
	off, err := strconv.Atoi(offStr)
	if err != nil || off < 0 {
		off = 0
	}
	if storage.DocumentKindName(kind) == kind {
		return h.documentKinds(ctx, r)
	}
	return h.documentList(ctx, r, kind, off)
}

func (h *Handlers) documentKinds(ctx context.Context, r *Request) error {
	counts, err := r.Store.DocumentKindCounts(ctx, *r.Member)
	if err != nil {
		return err
	}
	if len(counts) == 0 {
		r.Show(msgNoDocuments, nil)
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	total := 0
	for _, k := range counts {
		total += k.Count
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(fmt.Sprintf("%s (%d)", k.Name(), k.Count), "vb:"+k.Kind+":0"))
		if len(row) == 2 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelSearch, "cmd:tim")))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	r.Show(fmt.Sprintf("📄 <b>Văn bản</b>: %d văn bản dành cho đồng chí. Chọn loại văn bản:", total), &kb)
	return nil
}

func (h *Handlers) documentList(ctx context.Context, r *Request, kind string, off int) error {
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
	back := tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelBackToKinds, "vb:"))
	if total == 0 {
		kb := tgbotapi.NewInlineKeyboardMarkup(back)
		r.Show(fmt.Sprintf("Không còn văn bản loại %s nào dành cho đồng chí.", storage.DocumentKindName(kind)), &kb)
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, d := range ds {
		label := cut(fmt.Sprintf("%s · %s · %s", dateVN(d.IssuedOn), d.Number, d.Title), 60)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, fmt.Sprintf("doc:%d", d.ID))))
	}
	var nav []tgbotapi.InlineKeyboardButton
	if off > 0 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(labelPrev, fmt.Sprintf("vb:%s:%d", kind, max(off-docPageSize, 0))))
	}
	if off+len(ds) < total {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(labelNext, fmt.Sprintf("vb:%s:%d", kind, off+docPageSize)))
	}
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, back)
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	pages := (total + docPageSize - 1) / docPageSize
	r.Show(fmt.Sprintf("📄 <b>%s</b>: %d văn bản, mới nhất trước (trang %d/%d). Chọn văn bản để xem:",
		esc(storage.DocumentKindName(kind)), total, off/docPageSize+1, pages), &kb)
	return nil
}

// viewDocument is doc:<id>: the header and summary, with buttons.
func (h *Handlers) viewDocument(ctx context.Context, r *Request) error {
	id, ok := parseID(r.Data)
	if !ok {
		return storage.ErrNotFound
	}
	d, err := h.readable(ctx, r, id)
	if err != nil {
		return err
	}
	text, kb := h.documentCard(r, d)
	r.Show(text, &kb)
	return nil
}

// documentCard is a document's header, summary and buttons.
func (h *Handlers) documentCard(r *Request, d storage.Document) (string, tgbotapi.InlineKeyboardMarkup) {
	var b strings.Builder
	fmt.Fprintf(&b, "📄 <b>%s</b>\nNgày %s", esc(docHeading(d)), dateVN(d.IssuedOn))
	if d.Issuer != "" {
		fmt.Fprintf(&b, " · %s", esc(d.Issuer))
	}
	fmt.Fprintf(&b, "\n<b>%s</b>", esc(d.Title))
	if d.Summary != "" {
		fmt.Fprintf(&b, "\n\n%s", esc(cut(d.Summary, maxSummaryShown)))
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	var first []tgbotapi.InlineKeyboardButton
	if strings.TrimSpace(d.Body) != "" {
		first = append(first, tgbotapi.NewInlineKeyboardButtonData(labelReadText, fmt.Sprintf("dt:%d:1", d.ID)))
	}
	if d.HasFile() {
		first = append(first, tgbotapi.NewInlineKeyboardButtonData(labelGetFile, fmt.Sprintf("df:%d", d.ID)))
	}
	if len(first) > 0 {
		rows = append(rows, first)
	}
	last := tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelBackToList, "vb:"+d.Kind+":0"))
	if r.Has(Admin) {
		last = append(last, tgbotapi.NewInlineKeyboardButtonData(labelWithdraw, fmt.Sprintf("dw:%d", d.ID)))
	}
	rows = append(rows, last)
	return b.String(), tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// pressedInLibrary reports whether a button was pressed on one of the
// library's own views (a document card or a text page), which are edited in
// place; a press elsewhere (a pushed document) gets a new message, so the
// message it came from keeps its buttons.
func pressedInLibrary(r *Request) bool {
	cq := r.Update.CallbackQuery
	if cq == nil || cq.Message == nil || cq.Message.ReplyMarkup == nil {
		return false
	}
	for _, row := range cq.Message.ReplyMarkup.InlineKeyboard {
		for _, b := range row {
			if b.CallbackData != nil && (strings.HasPrefix(*b.CallbackData, "vb:") || strings.HasPrefix(*b.CallbackData, "doc:")) {
				return true
			}
		}
	}
	return false
}

// documentText is dt:<id>:<page>: one page of the full text.
func (h *Handlers) documentText(ctx context.Context, r *Request) error {
	idStr, pageStr, _ := strings.Cut(r.Data, ":")
	id, ok := parseID(idStr)
	if !ok {
		return storage.ErrNotFound
	}
	d, err := h.readable(ctx, r, id)
	if err != nil {
		return err
	}
	if strings.TrimSpace(d.Body) == "" {
		r.Toast = "Văn bản này không có toàn văn, đồng chí hãy bấm Tải tệp."
		return nil
	}
	pages := TextPages(docHeading(d), d.Body)
	n, err := strconv.Atoi(pageStr)
	if err != nil || n < 1 {
		n = 1
	}
	n = min(n, len(pages))
	var nav []tgbotapi.InlineKeyboardButton
	if n > 1 {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(labelPrev, fmt.Sprintf("dt:%d:%d", d.ID, n-1)))
	}
	if n < len(pages) {
		nav = append(nav, tgbotapi.NewInlineKeyboardButtonData(labelNext, fmt.Sprintf("dt:%d:%d", d.ID, n+1)))
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	if len(nav) > 0 {
		rows = append(rows, nav)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelBackToDoc, fmt.Sprintf("doc:%d", d.ID))))
	kb := tgbotapi.NewInlineKeyboardMarkup(rows...)
	if pressedInLibrary(r) {
		r.Show(pages[n-1], &kb)
	} else {
		r.Reply(pages[n-1], kb)
	}
	return h.documentOpened(ctx, r, d)
}

// documentFile is df:<id>: the attached file, uploaded the first time and
// sent by its cached file_id afterwards.
func (h *Handlers) documentFile(ctx context.Context, r *Request) error {
	id, ok := parseID(r.Data)
	if !ok {
		return storage.ErrNotFound
	}
	d, err := h.readable(ctx, r, id)
	if err != nil {
		return err
	}
	if !d.HasFile() {
		r.Toast = "Văn bản này không có tệp đính kèm."
		return nil
	}
	caption := "📎 " + esc(docHeading(d))
	switch {
	case d.IsPhoto():
		p := tgbotapi.NewPhoto(r.ChatID, tgbotapi.FileID(d.FileID))
		p.Caption, p.ParseMode = caption, tgbotapi.ModeHTML
		r.Queue(p)
	case d.FileID != "":
		doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileID(d.FileID))
		doc.Caption, doc.ParseMode = caption, tgbotapi.ModeHTML
		r.Queue(doc)
	default:
		data, err := r.Store.DocumentFile(ctx, d.ID)
		if err != nil {
			return err
		}
		doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileBytes{Name: d.FileName, Bytes: data})
		doc.Caption, doc.ParseMode = caption, tgbotapi.ModeHTML
		// Upload once: the file_id Telegram returns serves every later send.
		r.QueueThen(doc, func(ctx context.Context, m tgbotapi.Message) error {
			if m.Document == nil || m.Document.FileID == "" {
				return nil
			}
			return h.deps.Store.SetDocumentFileID(ctx, d.ID, m.Document.FileID)
		})
	}
	r.Toast = "Đang gửi tệp…"
	return h.documentOpened(ctx, r, d)
}

// withdrawDocument is dw:<id> (asks) and dw:<id>:y (withdraws) for admins.
func (h *Handlers) withdrawDocument(ctx context.Context, r *Request) error {
	idStr, confirm, _ := strings.Cut(r.Data, ":")
	id, ok := parseID(idStr)
	if !ok {
		return storage.ErrNotFound
	}
	d, err := r.Store.DocumentByID(ctx, id)
	if err != nil {
		return err
	}
	if confirm != "y" {
		if d.Status == storage.DocWithdrawn {
			r.Toast = "Văn bản này đã được thu hồi từ trước."
			return nil
		}
		kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("✅ Xác nhận thu hồi", fmt.Sprintf("dw:%d:y", d.ID)),
			tgbotapi.NewInlineKeyboardButtonData("↩ Không", fmt.Sprintf("doc:%d", d.ID))))
		r.Show(fmt.Sprintf("🗑 Thu hồi <b>%s</b>?\n%s\n\nSau khi thu hồi, đảng viên không còn xem được văn bản này.",
			esc(docHeading(d)), esc(d.Title)), &kb)
		return nil
	}
	changed, err := r.Store.WithdrawDocumentByID(ctx, d.ID, fmt.Sprintf("tg:%d", r.UserID))
	if err != nil {
		return err
	}
	if !changed {
		r.Toast = "Văn bản này đã được thu hồi từ trước."
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(labelBackToKinds, "vb:")))
	r.Show(fmt.Sprintf("🗑 Đã thu hồi <b>%s</b>. Đảng viên không còn xem được văn bản này.", esc(docHeading(d))), &kb)
	return nil
}

// searchDocuments is /tim <words>; without words it asks for them (dialog "tim").
func (h *Handlers) searchDocuments(ctx context.Context, r *Request) error {
	query := r.Args
	if r.Command == "" && r.Update.Message != nil {
		// The words, answering the question of the "tim" dialog.
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		query = r.Update.Message.Text
	}
	if strings.TrimSpace(query) == "" {
		if err := r.Store.SaveDialog(ctx, r.UserID, "tim", "words", nil); err != nil {
			return err
		}
		r.Reply(msgSearchAsk, nil)
		return nil
	}
	hits, err := r.Store.SearchDocuments(ctx, *r.Member, query, storage.MaxSearchResults)
	if err != nil {
		return err
	}
	again := tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("🔎 Tìm lại", "cmd:tim"))
	if len(hits) == 0 {
		r.Reply(fmt.Sprintf(msgSearchNone, esc(cut(query, 100))), tgbotapi.NewInlineKeyboardMarkup(again))
		return nil
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, hit := range hits {
		label := cut(fmt.Sprintf("%s %s · %s", hit.KindName(), hit.Number, hit.Title), 60)
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(label, fmt.Sprintf("doc:%d", hit.ID))))
	}
	rows = append(rows, again)
	more := ""
	if len(hits) == storage.MaxSearchResults {
		more = " Nếu chưa thấy văn bản cần tìm, đồng chí hãy gõ thêm từ."
	}
	r.Reply(fmt.Sprintf("🔎 Kết quả cho «%s»: %d văn bản.%s Chọn văn bản để xem:", esc(cut(query, 100)), len(hits), more),
		tgbotapi.NewInlineKeyboardMarkup(rows...))
	return nil
}

// TextPages splits a document's text into the pages of "Đọc toàn văn":
// each page is HTML, starts with the heading and "trang n/N", and is at
// most MaxMessageLen characters (UTF-16 code units, as Telegram counts)
// after escaping. Pages break between paragraphs; a paragraph longer than
// a page breaks between sentences, and a sentence longer than a page
// between words, never inside one.
func TextPages(heading, body string) []string {
	header := func(n, total int) string {
		return fmt.Sprintf("📖 <b>%s</b> · trang %d/%d\n\n", esc(heading), n, total)
	}
	room := MaxMessageLen - htmlLen(header(99999, 99999))
	chunks := splitText(body, room)
	if len(chunks) == 0 {
		chunks = []string{""}
	}
	pages := make([]string, len(chunks))
	for i, c := range chunks {
		pages[i] = header(i+1, len(chunks)) + c
	}
	return pages
}

// htmlLen is the length Telegram counts, in UTF-16 code units.
func htmlLen(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

var (
	paragraphBreak = regexp.MustCompile(`\n[ \t]*\n\s*`)
	sentenceEnd    = regexp.MustCompile(`[.!?…;:]["”’)]*\s+`)
)

// splitText packs escaped paragraphs into chunks of at most room.
func splitText(body string, room int) []string {
	body = strings.TrimSpace(strings.ReplaceAll(body, "\r\n", "\n"))
	var units []string // escaped pieces, each within room
	for _, p := range paragraphBreak.Split(body, -1) {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if htmlLen(esc(p)) <= room {
			units = append(units, esc(p))
			continue
		}
		units = append(units, splitParagraph(p, room)...)
	}
	// Escaping works character by character, so lengths add up.
	var chunks []string
	var cur []string
	curLen := 0
	for _, u := range units {
		l := htmlLen(u)
		if len(cur) > 0 && curLen+2+l > room {
			chunks = append(chunks, strings.Join(cur, "\n\n"))
			cur, curLen = nil, 0
		}
		if len(cur) > 0 {
			curLen += 2
		}
		cur, curLen = append(cur, u), curLen+l
	}
	if len(cur) > 0 {
		chunks = append(chunks, strings.Join(cur, "\n\n"))
	}
	return chunks
}

// splitParagraph splits one long paragraph into escaped pieces of at most
// room: whole sentences where they fit, else whole words.
func splitParagraph(p string, room int) []string {
	var sentences []string
	last := 0
	for _, loc := range sentenceEnd.FindAllStringIndex(p, -1) {
		sentences = append(sentences, strings.TrimSpace(p[last:loc[1]]))
		last = loc[1]
	}
	if last < len(p) {
		sentences = append(sentences, strings.TrimSpace(p[last:]))
	}
	var pieces []string
	for _, s := range sentences {
		if htmlLen(esc(s)) <= room {
			pieces = append(pieces, s)
			continue
		}
		pieces = append(pieces, strings.Fields(s)...)
	}
	var out []string
	var cur []string // escaped words of the piece being filled
	curLen := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur, curLen = nil, 0
		}
	}
	for _, w := range pieces {
		e := esc(w)
		l := htmlLen(e)
		if l > room {
			// A "word" longer than a page (a pasted URL, say): cut it.
			flush()
			out = append(out, hardCut(w, room)...)
			continue
		}
		if len(cur) > 0 && curLen+1+l > room {
			flush()
		}
		if len(cur) > 0 {
			curLen++
		}
		cur, curLen = append(cur, e), curLen+l
	}
	flush()
	return out
}

// hardCut cuts w into escaped pieces of at most room, between characters.
func hardCut(w string, room int) []string {
	var out []string
	var b strings.Builder
	n := 0
	for _, r := range w {
		e := esc(string(r))
		l := htmlLen(e)
		if n+l > room {
			out = append(out, b.String())
			b.Reset()
			n = 0
		}
		b.WriteString(e)
		n += l
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}

// publishDraft is the /dang dialog's state.
type publishDraft struct {
	Number   string `json:"number"`
	Title    string `json:"title"`
	Issuer   string `json:"issuer"`
	Date     string `json:"date"` // 2006-01-02
	Kind     string `json:"kind,omitempty"`
	Summary  string `json:"summary,omitempty"`
	FileID   string `json:"file_id"`
	FileName string `json:"file_name,omitempty"`
	FileMime string `json:"file_mime,omitempty"`
}

// parseDangCaption reads "/dang <number> | <title> | <issuer> | <date>";
// the error says what is wrong, with an example.
func parseDangCaption(args string, today time.Time) (publishDraft, error) {
	var d publishDraft
	parts := strings.Split(args, "|")
	for i := range parts {
		parts[i] = strings.Join(strings.Fields(parts[i]), " ")
	}
	names := []string{"số hiệu", "trích yếu (tên văn bản)", "cơ quan ban hành", "ngày ban hành"}
	var missing []string
	for i, n := range names {
		if i >= len(parts) || parts[i] == "" {
			missing = append(missing, n)
		}
	}
	if strings.TrimSpace(args) == "" {
		return d, storage.Errorf(storage.CodeInvalid, "Chú thích chưa có thông tin văn bản. Đồng chí ghi theo mẫu (các phần cách nhau bằng dấu |):\n%s", dangExamplePlain)
	}
	if len(missing) > 0 {
		return d, storage.Errorf(storage.CodeInvalid, "Chú thích còn thiếu: %s. Đồng chí ghi đủ 4 phần, cách nhau bằng dấu |, theo mẫu:\n%s", strings.Join(missing, ", "), dangExamplePlain)
	}
	if len(parts) > 4 {
		return d, storage.Errorf(storage.CodeInvalid, "Chú thích có %d phần, cần đúng 4 phần (số hiệu | trích yếu | cơ quan ban hành | ngày). Nếu trích yếu có dấu |, hãy bỏ dấu đó. Mẫu:\n%s", len(parts), dangExamplePlain)
	}
	date, err := vn.ParseDate(parts[3], today)
	if errors.Is(err, vn.ErrNoSuchDay) {
		return d, storage.Errorf(storage.CodeInvalid, "Ngày ban hành «%s» không có thật (tháng đó không có ngày này): hãy kiểm tra lại ngày trên văn bản.", parts[3])
	}
	if err != nil {
		return d, storage.Errorf(storage.CodeInvalid, "Ngày ban hành «%s» không đúng dạng: hãy ghi ngày/tháng/năm, ví dụ 25/10/2021. Mẫu:\n%s", parts[3], dangExamplePlain)
	}
	if date.After(time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)) {
		return d, storage.Errorf(storage.CodeInvalid, "Ngày ban hành %s ở tương lai: hãy kiểm tra lại ngày.", dateVN(date))
	}
	if storage.NumberKey(parts[0]) == "" {
		return d, storage.Errorf(storage.CodeInvalid, "Số hiệu «%s» không có chữ hoặc số nào: hãy ghi như trên văn bản, ví dụ 21-KL/TW.", parts[0])
	}
	d.Number, d.Title, d.Issuer, d.Date = parts[0], parts[1], parts[2], date.Format("2006-01-02")
	d.Kind = storage.KindFromNumber(d.Number)
	return d, nil
}

// publishDocument is /dang with a file, the dang: buttons and the "dang"
// dialog: kind, then summary, then a preview to confirm.
func (h *Handlers) publishDocument(ctx context.Context, r *Request) error {
	if r.Update.CallbackQuery != nil && r.Command == "dang" {
		// The menu button: say how to publish.
		r.Reply(msgDangHowTo, nil)
		return nil
	}
	if r.Update.CallbackQuery != nil {
		return h.publishButton(ctx, r)
	}
	if r.Command == "dang" {
		return h.publishStart(ctx, r)
	}
	// Text in the open dialog.
	var d publishDraft
	if err := r.Dialog.Decode(&d); err != nil {
		return err
	}
	switch r.Dialog.Step {
	case "summary", "confirm":
		text := strings.TrimSpace(r.Update.Message.Text)
		if text == "" {
			r.Reply("Đồng chí gửi tóm tắt bằng tin nhắn chữ, hoặc bấm <b>Bỏ qua</b>.", skipKeyboard())
			return nil
		}
		if n := utf8.RuneCountInString(text); n > storage.MaxSummaryLen {
			r.Reply(fmt.Sprintf("Tóm tắt dài %d ký tự, tối đa %d. Đồng chí rút gọn rồi gửi lại, hoặc bấm <b>Bỏ qua</b>.", n, storage.MaxSummaryLen), skipKeyboard())
			return nil
		}
		d.Summary = text
		if err := r.Store.SaveDialog(ctx, r.UserID, "dang", "confirm", d); err != nil {
			return err
		}
		text, kb := publishPreview(d)
		r.Reply(text, kb)
		return nil
	default: // "kind"
		text, kb := kindQuestion(d)
		r.Reply("Đồng chí chọn loại văn bản bằng nút bên dưới.\n\n"+text, kb)
		return nil
	}
}

func skipKeyboard() tgbotapi.InlineKeyboardMarkup {
	return tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("⏭ Bỏ qua", "dang:skip"),
		tgbotapi.NewInlineKeyboardButtonData("❌ Hủy", "dang:no")))
}

func (h *Handlers) publishStart(ctx context.Context, r *Request) error {
	m := r.Update.Message
	var fileID, name, mime string
	switch {
	case m != nil && m.Document != nil:
		fileID, name, mime = m.Document.FileID, m.Document.FileName, m.Document.MimeType
		if name == "" {
			name = "van-ban"
		}
	case m != nil && len(m.Photo) > 0:
		// The largest size; a photo keeps no file name (Document.IsPhoto).
		fileID, mime = m.Photo[len(m.Photo)-1].FileID, "image/jpeg"
	default:
		r.Reply(msgDangHowTo, nil)
		return nil
	}
	d, err := parseDangCaption(r.Args, r.Now())
	if err != nil {
		return err
	}
	d.FileID, d.FileName, d.FileMime = fileID, name, mime
	if _, err := r.Store.DocumentByNumber(ctx, d.Number, d.Issuer); err == nil || storage.ErrorCode(err) == storage.CodeConflict {
		return storage.Errorf(storage.CodeConflict, "Văn bản số %s của %s đã có trong sổ tay. Nếu cần sửa, đồng chí hãy báo Văn phòng Đảng ủy sửa văn bản đã có, hoặc thu hồi văn bản cũ rồi đăng lại.", d.Number, d.Issuer)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if err := r.Store.SaveDialog(ctx, r.UserID, "dang", "kind", d); err != nil {
		return err
	}
	text, kb := kindQuestion(d)
	r.Reply(text, kb)
	return nil
}

// kindQuestion asks the kind, the guess from the number's letters first.
func kindQuestion(d publishDraft) (string, tgbotapi.InlineKeyboardMarkup) {
	var rows [][]tgbotapi.InlineKeyboardButton
	if d.Kind != "" {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData(
			"✅ "+storage.DocumentKindName(d.Kind)+" (theo số hiệu)", "dang:k:"+d.Kind)))
	}
	var row []tgbotapi.InlineKeyboardButton
	for _, k := range storage.DocumentKinds {
		if k.Code == d.Kind {
			continue
		}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(k.Name, "dang:k:"+k.Code))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("❌ Hủy", "dang:no")))
	return fmt.Sprintf("📄 Đăng văn bản số <b>%s</b>\n%s\n\nBước 1/3: chọn loại văn bản:", esc(d.Number), esc(d.Title)),
		tgbotapi.NewInlineKeyboardMarkup(rows...)
}

func publishPreview(d publishDraft) (string, tgbotapi.InlineKeyboardMarkup) {
	date, _ := time.Parse("2006-01-02", d.Date)
	summary := d.Summary
	if summary == "" {
		summary = "(không có)"
	}
	file := d.FileName
	if file == "" {
		file = "ảnh"
	}
	text := fmt.Sprintf("📄 <b>Bước 3/3: xem lại trước khi đăng</b>\nLoại: %s\nSố hiệu: %s\nNgày ban hành: %s\nCơ quan ban hành: %s\nTrích yếu: %s\nTóm tắt: %s\nTệp: %s\n\nVăn bản đăng cho toàn Đảng bộ.",
		esc(storage.DocumentKindName(d.Kind)), esc(d.Number), dateVN(date), esc(d.Issuer), esc(d.Title), esc(cut(summary, 1500)), esc(file))
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		tgbotapi.NewInlineKeyboardButtonData("✅ Đăng", "dang:ok"),
		tgbotapi.NewInlineKeyboardButtonData("❌ Hủy", "dang:no")))
	return text, kb
}

// publishButton takes the dang: buttons. A button of a dialog that is over
// (pressed twice, or after /huy) changes nothing.
func (h *Handlers) publishButton(ctx context.Context, r *Request) error {
	dlg, err := r.Store.Dialog(ctx, r.UserID)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && dlg.Name != "dang") {
		r.Toast = msgDialogGone
		return nil
	}
	if err != nil {
		return err
	}
	var d publishDraft
	if err := dlg.Decode(&d); err != nil {
		return err
	}
	action, arg, _ := strings.Cut(r.Data, ":")
	switch action {
	case "k":
		if storage.DocumentKindName(arg) == arg {
			return storage.ErrNotFound
		}
		d.Kind = arg
		if err := r.Store.SaveDialog(ctx, r.UserID, "dang", "summary", d); err != nil {
			return err
		}
		kb := skipKeyboard()
		r.Show(fmt.Sprintf("📄 Đăng văn bản số <b>%s</b>\nLoại: %s ✓\n\nBước 2/3: đồng chí gửi tóm tắt nội dung (một đoạn ngắn), hoặc bấm <b>Bỏ qua</b>.",
			esc(d.Number), esc(storage.DocumentKindName(d.Kind))), &kb)
	case "skip":
		if d.Kind == "" {
			text, kb := kindQuestion(d)
			r.Show(text, &kb)
			return nil
		}
		d.Summary = ""
		if err := r.Store.SaveDialog(ctx, r.UserID, "dang", "confirm", d); err != nil {
			return err
		}
		text, kb := publishPreview(d)
		r.Show(text, &kb)
	case "ok":
		if dlg.Step != "confirm" || d.Kind == "" {
			r.Toast = "Đồng chí hãy hoàn thành các bước trước."
			return nil
		}
		date, _ := time.Parse("2006-01-02", d.Date)
		doc, err := r.Store.CreateDocument(ctx, storage.DocumentInput{
			Kind: d.Kind, Number: d.Number, Issuer: d.Issuer, IssuedOn: date, Title: d.Title, Summary: d.Summary,
			FileName: d.FileName, FileMime: d.FileMime, FileID: d.FileID, Actor: fmt.Sprintf("tg:%d", r.UserID),
		})
		if err != nil {
			return err
		}
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
			tgbotapi.NewInlineKeyboardButtonData("📄 Xem văn bản", fmt.Sprintf("doc:%d", doc.ID))))
		r.Show(fmt.Sprintf("✅ Đã đăng <b>%s</b>. Đảng viên xem được ngay trong /vanban.", esc(docHeading(doc))), &kb)
		r.Toast = "Đã đăng văn bản."
	case "no":
		if _, err := r.Store.EndDialog(ctx, r.UserID); err != nil {
			return err
		}
		r.Show("Đã hủy, văn bản chưa được đăng.", nil)
	default:
		return storage.ErrNotFound
	}
	return nil
}
