package handlers

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/roster"
	"sotay/storage"
)

// Files fetches files users send.
type Files interface {
	Download(ctx context.Context, fileID string) ([]byte, error)
}

const msgImportHowTo = "📥 <b>Nhập danh sách</b>\nĐồng chí hãy gửi tệp Excel (XLSX) hoặc CSV, ghi chú thích <code>/nhap</code> khi gửi.\n" +
	"• Danh sách đảng viên: cột Mã đảng viên, Họ và tên, Mã chi bộ (bắt buộc); Giới tính, Năm sinh, Dân tộc, Trạng thái, Số điện thoại (không bắt buộc).\n" +
	"• Danh sách tổ chức: cột Mã, Tên, Loại, Mã cấp trên."

// importDraft is what the "nhap" dialog keeps while the admin decides
// whether to import the valid rows of a file with rejected rows.
type importDraft struct {
	FileID string `json:"file_id"`
	Name   string `json:"name"`
	Report string `json:"report"` // the first import's report, HTML
	Valid  int    `json:"valid"`
}

// stepImportConfirm is the "nhap" dialog's one step.
const stepImportConfirm chat.StepID[importDraft] = "confirm"

// importDialog has one step: import the valid rows, or nothing.
func (h *Handlers) importDialog() *chat.Dialog[importDraft] {
	return &chat.Dialog[importDraft]{
		Name:      "nhap",
		Cancelled: "Đã hủy. Không có thay đổi nào trong danh sách.",
		Stale:     "Lựa chọn này đã xong hoặc đã hết hiệu lực.",
		Steps: []*chat.Step[importDraft]{{
			ID: stepImportConfirm,
			View: func(_ context.Context, c *chat.Conv[importDraft]) (string, chat.Keyboard, error) {
				return c.Draft.Report, chat.Keyboard{chat.NewRow(
					c.Button(fmt.Sprintf("✅ Nhập %d dòng hợp lệ", c.Draft.Valid), "ok"),
					c.CancelButton(),
				)}, nil
			},
			Actions: map[string]func(context.Context, *chat.Conv[importDraft], chat.Args) error{
				"ok": func(ctx context.Context, c *chat.Conv[importDraft], _ chat.Args) error {
					rep, err := h.importFile(ctx, c.Request, c.Draft.FileID, c.Draft.Name, true)
					if err != nil {
						return err
					}
					c.End(importReport(c.Draft.Name, rep), nil)
					return nil
				},
			},
		}},
	}
}

// rosterImport takes a roster file sent with the caption /nhap. A file
// whose rows are all valid is imported at once; otherwise nothing changes
// and the admin may choose to import the valid rows.
func (h *Handlers) rosterImport(ctx context.Context, r *chat.Request) error {
	var doc *tgbotapi.Document
	if r.Update.Message != nil {
		doc = r.Update.Message.Document
	}
	if doc == nil {
		r.Reply(msgImportHowTo, nil)
		return nil
	}
	rep, err := h.importFile(ctx, r, doc.FileID, doc.FileName, false)
	if err != nil {
		return err
	}
	if valid := rep.Created + rep.Updated + rep.Unchanged; rep.Rejected > 0 && valid > 0 {
		return h.roster.Start(ctx, r, stepImportConfirm, importDraft{FileID: doc.FileID, Name: doc.FileName,
			Report: importReport(doc.FileName, rep), Valid: valid})
	}
	r.Reply(importReport(doc.FileName, rep), nil)
	return nil
}

// importFile imports a roster file, members or organisations by its
// columns. The file is kept in the file store the first time (fileID is
// its Telegram file_id or a storage.StoreRef): choosing to import the valid
// rows reads it from there.
func (h *Handlers) importFile(ctx context.Context, r *chat.Request, fileID, name string, skipInvalid bool) (storage.ImportReport, error) {
	_, data, err := h.keepReceived(ctx, r, received{Ref: fileID, Kind: storage.AsDocument, Name: name, Mime: mimeOf(name)})
	if errors.Is(err, errNotFetched) {
		return storage.ImportReport{}, storage.Errorf(storage.CodeInvalid, "Không tải được tệp từ Telegram (tệp tối đa 20 MB). Đồng chí hãy gửi lại.")
	}
	if err != nil {
		return storage.ImportReport{}, err
	}
	opts := storage.ImportOptions{Actor: r.Actor(), SkipInvalid: skipInvalid}
	members, mRejected, mErr := roster.ParseMembers(bytes.NewReader(data), name)
	if mErr == nil {
		return r.Store.ImportMembers(ctx, members, mRejected, opts)
	}
	orgs, oRejected, oErr := roster.ParseOrgs(bytes.NewReader(data), name)
	if oErr == nil {
		return r.Store.ImportOrgs(ctx, orgs, oRejected, opts)
	}
	// Neither: explain with the members format, the common case.
	return storage.ImportReport{}, mErr
}

// importReport is the Vietnamese summary of an import, with the first
// rejected rows, short enough for one message.
func importReport(name string, rep storage.ImportReport) string {
	var b strings.Builder
	fmt.Fprintf(&b, "📥 <b>Nhập tệp %s</b>\nTạo mới: %d · Cập nhật: %d · Không đổi: %d · Từ chối: %d\n",
		esc(name), rep.Created, rep.Updated, rep.Unchanged, rep.Rejected)
	if rep.Left > 0 {
		fmt.Fprintf(&b, "Thôi sinh hoạt: %d đảng viên (hủy liên kết tài khoản, thu hồi mã mời và vai trò).\n", rep.Left)
	}
	shown := 0
	for _, row := range rep.Rows {
		if row.Result != storage.ImportRejected {
			continue
		}
		line := fmt.Sprintf("\n• Dòng %d", row.Line)
		if row.Code != "" {
			line += " (" + esc(row.Code) + ")"
		}
		line += ": " + esc(row.Reason)
		if shown == 15 || b.Len()+len(line) > 3500 {
			fmt.Fprintf(&b, "\n… và %d dòng khác bị từ chối.", rep.Rejected-shown)
			break
		}
		b.WriteString(line)
		shown++
	}
	switch {
	case rep.Rejected > 0 && !rep.Written && rep.Created+rep.Updated+rep.Unchanged > 0:
		b.WriteString("\n\nChưa ghi gì vào danh sách. Đồng chí sửa các dòng trên rồi gửi lại tệp, hoặc chọn chỉ nhập các dòng hợp lệ.")
	case rep.Rejected > 0 && !rep.Written:
		b.WriteString("\n\nKhông có dòng hợp lệ nào; danh sách không thay đổi.")
	case rep.Rejected > 0:
		b.WriteString("\n\n✅ Đã nhập các dòng hợp lệ; các dòng bị từ chối chưa được nhập.")
	default:
		b.WriteString("\n\n✅ Đã cập nhật danh sách.")
	}
	return b.String()
}
