package handlers

import (
	"bytes"
	"context"
	"fmt"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/invitesheet"
	"sotay/storage"
)

// labelInviteSheet is the /moi button (moi:s) that makes an invite for
// every unlinked member of the requester's scope and sends them as a PDF
// to print: one slip per member with a QR code of their link.
const labelInviteSheet = "🖨 In phiếu mời (PDF)"

// inviteSheetMax bounds one sheet: a commune fits; a province officer is
// asked to print cell by cell (sotay invite --org CODE --sheet FILE).
const inviteSheetMax = 1000

// inviteSheetKept is how long a sheet stays in the file store.
const inviteSheetKept = 24 * time.Hour

func inviteSheetRow() chat.Row {
	return chat.NewRow(chat.NewButton(labelInviteSheet, cbInvite, "s", 0))
}

func (h *Handlers) inviteSheet(ctx context.Context, r *chat.Request) error {
	ms, err := h.membersInScope(ctx, r, false)
	if err != nil {
		return err
	}
	if len(ms) == 0 {
		r.Toast = "Mọi đảng viên đều đã liên kết tài khoản."
		return h.inviteList(ctx, r, 0)
	}
	if len(ms) > inviteSheetMax {
		return &storage.Error{Code: storage.CodeInvalid, Message: fmt.Sprintf(
			"Phạm vi của đồng chí có %d đảng viên chưa liên kết, quá nhiều cho một lần in (tối đa %d). "+
				"Đồng chí hãy in theo từng chi bộ bằng lệnh trên máy tính: sotay invite --org MÃ --sheet phieu-moi.pdf",
			len(ms), inviteSheetMax)}
	}
	slips := make([]invitesheet.Slip, 0, len(ms))
	phones := 0
	for _, m := range ms {
		tok, err := r.Store.CreateInvite(ctx, m.ID, storage.DefaultInviteTTL, r.Actor())
		if err != nil {
			return err
		}
		if m.Phone != "" {
			phones++
		}
		slip := invitesheet.Slip{Name: m.FullName, Org: m.OrgName, Code: m.Code, Link: h.startLink(tok), HasPhone: m.Phone != ""}
		if h.deps.WebURL != "" {
			// The second QR code: the same member on the web handbook.
			by := r.Member.ID
			l, err := r.Store.CreateWebLink(ctx, storage.WebLinkInput{MemberID: m.ID, Purpose: storage.WebLinkInvite,
				Actor: r.Actor(), ByMember: &by})
			if err != nil {
				return err
			}
			slip.WebLink = h.webLink(l.Token)
		}
		slips = append(slips, slip)
	}
	var b bytes.Buffer
	exp := r.Now().Add(storage.DefaultInviteTTL).Format("02/01/2006")
	if err := invitesheet.WritePDF(&b, invitesheet.Sheet{Bot: h.deps.BotUsername, Expires: exp, Slips: slips}); err != nil {
		return err
	}
	doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileBytes{Name: "phieu-moi.pdf", Bytes: b.Bytes()})
	caption := fmt.Sprintf("🖨 %d phiếu mời, hết hạn ngày %s. In ra, cắt theo đường chấm và trao tận tay từng đảng viên: "+
		"quét mã QR bằng camera điện thoại là liên kết được.", len(slips), exp)
	if phones > 0 {
		caption += fmt.Sprintf(" %d đồng chí có số điện thoại trong danh sách, có thể bấm «📱 Chia sẻ số điện thoại» trong bot thay vì quét mã.", phones)
	}
	doc.Caption = caption
	// The sheet carries live invite links, which the database keeps only
	// hashed: it stays in the file store a day, for a web client to fetch.
	if err := h.queueFile(ctx, r, doc, inviteSheetKept); err != nil {
		return err
	}
	r.Toast = "Đang gửi phiếu mời…"
	return nil
}
