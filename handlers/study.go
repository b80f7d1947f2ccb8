package handlers

import (
	"context"
	"fmt"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// The member's side of a campaign: the pushed message and its "✅ Tôi đã
// học" button (hoc:<assignment>). The study issue grows this file.

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
		first = append(first, button(labelReadText, cbText, d.ID, 1))
	}
	if d.HasFile() {
		first = append(first, button(labelGetFile, cbFile, d.ID))
	}
	if len(first) > 0 {
		rows = append(rows, first)
	}
	label := "✅ Tôi đã học"
	if studied {
		label = "✔️ Đã xác nhận học"
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(button(label, cbStudied, assignmentID)))
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// studied is "✅ Tôi đã học" on a pushed message: only the member the
// assignment belongs to may press it; a second press changes nothing.
func (h *Handlers) studied(ctx context.Context, r *Request) error {
	id, err := r.ArgID(0)
	if err != nil {
		return err
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
