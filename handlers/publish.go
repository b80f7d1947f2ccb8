package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// Publishing in chat: an admin sends a file with the caption
// "/dang <số hiệu> | <trích yếu> | <cơ quan ban hành> | <ngày>"; the "dang"
// dialog then asks the kind, a summary, and shows a preview to confirm.

const (
	msgDangExample = "<code>" + dangExamplePlain + "</code>"
	// dangExamplePlain goes into error messages, which are sent as plain text.
	dangExamplePlain = "/dang 21-KL/TW | Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng | Ban Chấp hành Trung ương | 25/10/2021"
	msgDangHowTo     = "Để đăng văn bản, đồng chí gửi tệp (PDF, DOCX hoặc ảnh) kèm chú thích theo mẫu:\n" + msgDangExample
)

// publishDraft is the /dang dialog's state.
type publishDraft struct {
	Number   string `json:"number"`
	Title    string `json:"title"`
	Issuer   string `json:"issuer"`
	Date     string `json:"date"` // 2006-01-02
	Kind     string `json:"kind,omitempty"`
	Summary  string `json:"summary,omitempty"`
	FileID   string `json:"file_id"` // a Telegram file_id or a storage.StoreRef
	FileName string `json:"file_name,omitempty"`
	FileMime string `json:"file_mime,omitempty"`
}

// The /dang dialog's steps, in the order they are asked.
const (
	stepPublishKind    chat.StepID[publishDraft] = "kind"
	stepPublishSummary chat.StepID[publishDraft] = "summary"
	stepPublishConfirm chat.StepID[publishDraft] = "confirm"
)

// publishDialog: kind, then summary, then a preview to confirm.
func (h *Handlers) publishDialog() *chat.Dialog[publishDraft] {
	return &chat.Dialog[publishDraft]{
		Name:      "dang",
		Cancelled: "Đã hủy, văn bản chưa được đăng.",
		Stale:     "Thao tác này đã xong hoặc đã hủy.",
		Steps: []*chat.Step[publishDraft]{
			{
				ID:   stepPublishKind,
				Hint: "Đồng chí chọn loại văn bản bằng nút bên dưới.",
				View: func(_ context.Context, c *chat.Conv[publishDraft]) (string, chat.Keyboard, error) {
					return kindQuestion(c)
				},
				Actions: map[string]func(context.Context, *chat.Conv[publishDraft], chat.Args) error{
					"k": func(_ context.Context, c *chat.Conv[publishDraft], a chat.Args) error {
						// The kind's one rule, as `sotay doc add --kind` reads it.
						k, ok := storage.ParseDocumentKind(a.Arg(0))
						if !ok {
							return storage.ErrNotFound
						}
						c.Draft.Kind = k
						c.Goto(stepPublishSummary)
						return nil
					},
				},
			},
			{
				ID: stepPublishSummary,
				View: func(_ context.Context, c *chat.Conv[publishDraft]) (string, chat.Keyboard, error) {
					return fmt.Sprintf("📄 Đăng văn bản số <b>%s</b>\nLoại: %s ✓\n\nBước 2/3: đồng chí gửi tóm tắt nội dung (một đoạn ngắn), hoặc bấm <b>Bỏ qua</b>.",
						esc(c.Draft.Number), esc(storage.DocumentKindName(c.Draft.Kind))), skipRows(c), nil
				},
				Text: publishSummary,
				Actions: map[string]func(context.Context, *chat.Conv[publishDraft], chat.Args) error{
					"skip": func(_ context.Context, c *chat.Conv[publishDraft], _ chat.Args) error {
						c.Draft.Summary = ""
						c.Goto(stepPublishConfirm)
						return nil
					},
				},
			},
			{
				ID:   stepPublishConfirm,
				View: publishPreview,
				// A summary typed again replaces the first.
				Text: publishSummary,
				Actions: map[string]func(context.Context, *chat.Conv[publishDraft], chat.Args) error{
					"ok": h.publishConfirmed,
				},
			},
		},
	}
}

// publishCommand is /dang: with a file it starts the dialog, without one
// (or pressed in the menu) it says how. The file is kept in the file store
// at once (unless it carries a secrecy stamp), so the document is readable
// wherever Telegram is not; one Telegram will not give (over the 20 MB bots
// may fetch) is kept by its file_id alone.
func (h *Handlers) publishCommand(ctx context.Context, r *chat.Request) error {
	up, ok := receivedFile(r.Update.Message)
	if !ok || (up.Kind != storage.AsDocument && up.Kind != storage.AsPhoto) {
		r.Reply(msgDangHowTo, nil)
		return nil
	}
	name := up.Name
	if up.Kind == storage.AsDocument && name == "" {
		name = "van-ban"
	}
	// A stamp first: whatever else is wrong, the admin must delete the upload.
	if sec, ok := uploadCaptionSecrecy(r); ok {
		return storage.Errorf(storage.CodeForbidden, "%s", secretUploadMessage(sec))
	}
	data, stored, err := h.fetchReceived(ctx, r, up)
	if err != nil && !errors.Is(err, errNotFetched) {
		return err
	}
	if sec, ok := (storage.DocumentInput{FileName: name, FileData: data}).Secrecy(); ok {
		return storage.Errorf(storage.CodeForbidden, "%s", secretUploadMessage(sec))
	}
	d, err := parseDangCaption(r.Args, r.Now())
	if err != nil {
		return err
	}
	d.FileID, d.FileName, d.FileMime = up.Ref, name, up.Mime
	if _, err := r.Store.DocumentByNumber(ctx, d.Number, d.Issuer); err == nil || storage.ErrorCode(err) == storage.CodeConflict {
		return storage.Errorf(storage.CodeConflict, "Văn bản số %s của %s đã có trong sổ tay. Nếu cần sửa, đồng chí hãy báo Văn phòng Đảng ủy sửa văn bản đã có, hoặc thu hồi văn bản cũ rồi đăng lại.", d.Number, d.Issuer)
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	if data != nil {
		if _, err := h.keepFetched(ctx, r, up, data, stored); err != nil {
			return err
		}
	}
	return h.publish.Start(ctx, r, stepPublishKind, d)
}

// uploadCaptionSecrecy looks for a secrecy stamp in a /dang caption; the
// file's name and first page are the document's own check (storage's
// Secrecy), made on the bytes fetched before anything is kept.
func uploadCaptionSecrecy(r *chat.Request) (storage.Secrecy, bool) {
	if d := vn.SecrecyStamp(strings.ReplaceAll(r.Args, "|", "\n")); d != "" {
		return storage.Secrecy{Degree: d, Where: "chú thích"}, true
	}
	return storage.Secrecy{}, false
}

// secretUploadMessage refuses a stamped upload and asks the admin to
// delete it: the file already sits on Telegram's servers.
func secretUploadMessage(sec storage.Secrecy) string {
	return "⛔ " + storage.ErrorMessage(sec.Refusal()) + "\n\nTệp đồng chí vừa gửi đã nằm trên Telegram: đồng chí hãy xóa ngay tin nhắn đó " +
		"(nhấn giữ tin nhắn → Xóa, chọn xóa cả ở phía bot)."
}

// refuseSecret ends the /dang dialog when what was added to the document
// carries a secrecy stamp; false when it carries none.
func refuseSecret(c *chat.Conv[publishDraft]) bool {
	d := c.Draft
	sec, ok := storage.DocumentInput{Title: d.Title, Summary: d.Summary, FileName: d.FileName}.Secrecy()
	if ok {
		c.End(esc(secretUploadMessage(sec)), nil)
	}
	return ok
}

func publishSummary(_ context.Context, c *chat.Conv[publishDraft], text string) error {
	if text == "" {
		return storage.Errorf(storage.CodeInvalid, "Đồng chí gửi tóm tắt bằng tin nhắn chữ, hoặc bấm «Bỏ qua».")
	}
	if err := storage.CheckDocSummary(text); err != nil {
		return err
	}
	c.Draft.Summary = text
	if refuseSecret(c) {
		return nil
	}
	c.Goto(stepPublishConfirm)
	return nil
}

func skipRows(c *chat.Conv[publishDraft]) chat.Keyboard {
	return chat.Keyboard{chat.NewRow(
		c.Button("⏭ Bỏ qua", "skip"), c.CancelButton())}
}

// kindQuestion asks the kind, the guess from the number's letters first.
func kindQuestion(c *chat.Conv[publishDraft]) (string, chat.Keyboard, error) {
	d := c.Draft
	var rows chat.Keyboard
	if d.Kind != "" {
		rows = append(rows, chat.NewRow(c.Button(
			"✅ "+storage.DocumentKindName(d.Kind)+" (theo số hiệu)", "k", d.Kind)))
	}
	var row chat.Row
	for _, k := range storage.DocumentKinds {
		if k.Code == d.Kind {
			continue
		}
		row = append(row, c.Button(k.Name, "k", k.Code))
		if len(row) == 3 {
			rows, row = append(rows, row), nil
		}
	}
	if len(row) > 0 {
		rows = append(rows, row)
	}
	rows = append(rows, chat.NewRow(c.CancelButton()))
	return fmt.Sprintf("📄 Đăng văn bản số <b>%s</b>\n%s\n\nBước 1/3: chọn loại văn bản:", esc(d.Number), esc(d.Title)), rows, nil
}

func publishPreview(_ context.Context, c *chat.Conv[publishDraft]) (string, chat.Keyboard, error) {
	d := c.Draft
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
		esc(storage.DocumentKindName(d.Kind)), esc(d.Number), dateVN(date), esc(d.Issuer), esc(d.Title), esc(vn.Cut(summary, 1500)), esc(file))
	return text, chat.Keyboard{chat.NewRow(
		c.Button("✅ Đăng", "ok"), c.CancelButton())}, nil
}

func (h *Handlers) publishConfirmed(ctx context.Context, c *chat.Conv[publishDraft], _ chat.Args) error {
	d := c.Draft
	if d.Kind == "" {
		c.Toast = "Đồng chí hãy hoàn thành các bước trước."
		c.Goto(stepPublishKind)
		return nil
	}
	if refuseSecret(c) {
		return nil
	}
	date, _ := time.Parse("2006-01-02", d.Date)
	store, err := storedRef(ctx, c.Request, d.FileID)
	if err != nil {
		return err
	}
	doc, err := c.Store.CreateDocument(ctx, storage.DocumentInput{
		Kind: d.Kind, Number: d.Number, Issuer: d.Issuer, IssuedOn: date, Title: d.Title, Summary: d.Summary,
		FileName: d.FileName, FileMime: d.FileMime, FileStore: store, FileID: telegramRef(d.FileID), Actor: c.Actor(),
	})
	if err != nil {
		return err
	}
	rows := chat.Keyboard{chat.NewRow(chat.NewButton("📄 Xem văn bản", cbDocument, doc.ID))}
	// Pushing it is what usually comes next: offered at once.
	push, err := pushButton(ctx, c.Request, doc.ID)
	if err != nil {
		return err
	}
	if push != nil {
		rows = append(rows, push)
	}
	kb := chat.NewMarkup(rows...)
	c.End(fmt.Sprintf("✅ Đã đăng <b>%s</b>. Đảng viên xem được ngay trong /vanban.", esc(docHeading(doc))), &kb)
	c.Toast = "Đã đăng văn bản."
	return nil
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
	if err := storage.CheckDocTitle(parts[1]); err != nil {
		return d, storage.WithExample(err, dangExamplePlain)
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
	if err := storage.CheckIssuedOn(date, today); err != nil {
		return d, err
	}
	if err := storage.CheckDocNumber(parts[0]); err != nil {
		return d, err
	}
	d.Number, d.Title, d.Issuer, d.Date = parts[0], parts[1], parts[2], date.Format("2006-01-02")
	d.Kind = storage.KindFromNumber(d.Number)
	return d, nil
}
