package chat

import (
	"context"
	"errors"
	"html"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
)

// flush sends the queued replies and answers a pressed button.
func (h *Router) flush(ctx context.Context, r *Request) {
	for _, c := range r.replies {
		var then func(context.Context, tgbotapi.Message) error
		var orElse tgbotapi.Chattable
		if a, ok := c.(afterSend); ok {
			c, then, orElse = a.Chattable, a.then, a.orElse
		}
		var err error
		var sent tgbotapi.Message
		switch c.(type) {
		case tgbotapi.SetMyCommandsConfig, tgbotapi.DeleteMessageConfig, tgbotapi.CallbackConfig, tgbotapi.ChatActionConfig:
			err = h.Sender.Request(ctx, c)
		default:
			sent, err = h.Sender.Send(ctx, c)
		}
		if err != nil && orElse != nil && ctx.Err() == nil {
			h.Log.Debug("reply refused, sending its fallback", "user", r.UserID, "err", err)
			sent, err = h.Sender.Send(ctx, orElse)
		}
		if err == nil && then != nil {
			if terr := then(ctx, sent); terr != nil {
				h.Log.Warn("after reply failed", "user", r.UserID, "err", terr)
			}
		}
		if e, ok := c.(tgbotapi.EditMessageTextConfig); ok && err != nil && ctx.Err() == nil {
			// The message can't be edited (too old, deleted, not text):
			// say the same in a new message rather than nothing.
			m := tgbotapi.NewMessage(r.ChatID, e.Text)
			m.ParseMode, m.DisableWebPagePreview = e.ParseMode, e.DisableWebPagePreview
			if e.ReplyMarkup != nil {
				m.ReplyMarkup = *e.ReplyMarkup
			}
			_, err = h.Sender.Send(ctx, m)
		}
		if err != nil {
			h.Log.Warn("reply failed", "user", r.UserID, "err", err)
		}
	}
	if cq := r.Update.CallbackQuery; cq != nil {
		if err := h.Sender.Request(ctx, tgbotapi.NewCallback(cq.ID, r.Toast)); err != nil {
			h.Log.Debug("answer callback failed", "err", err)
		}
	}
}

// Vietnamese answers to errors.
const (
	msgForbidden = "Đồng chí không có quyền thực hiện thao tác này."
	msgNotFound  = "Không tìm thấy nội dung đồng chí yêu cầu. Có thể nó đã bị xóa hoặc thay đổi."
	msgInternal  = "Xin lỗi đồng chí, hệ thống đang gặp sự cố. Đồng chí vui lòng thử lại sau ít phút."
)

// warning is how a wrong answer is said, in a reply or above a dialog's
// step asked again: "⚠️ why", and for a field of a quick form, that nothing
// was stored and the whole form written right.
func warning(err error) string {
	text := "⚠️ " + storage.ErrorMessage(err)
	if ex := storage.ErrorExample(err); ex != "" {
		text += "\nChưa lưu gì. Mẫu: " + ex
	}
	return text
}

// answerError is the one place that turns an error into a reply.
func (h *Router) answerError(ctx context.Context, r *Request, err error) {
	text := storage.ErrorMessage(err)
	switch code := storage.ErrorCode(err); {
	case code == storage.CodeInternal:
		if pe := (*PanicError)(nil); !errors.As(err, &pe) { // a panic is logged with its stack
			h.Log.Error("update failed", "update_id", r.Update.UpdateID, "user", r.UserID, "err", err)
		}
		text = msgInternal
	case text == "" && code == storage.CodeForbidden:
		text = msgForbidden
	case text == "" && code == storage.CodeNotFound:
		text = msgNotFound
	case text == "":
		text = msgInternal
	case storage.ErrorExample(err) != "":
		text = warning(err)
	}
	// Telegram refuses callback alerts over 200 characters: a longer
	// answer goes as a message, with a short alert pointing at it.
	if cq := r.Update.CallbackQuery; cq != nil && utf8.RuneCountInString(text) > 200 {
		if err := h.Sender.Request(ctx, tgbotapi.NewCallback(cq.ID, "Xem thông báo bên dưới.")); err != nil {
			h.Log.Debug("answer callback failed", "err", err)
		}
		r.Update.CallbackQuery = nil
		defer func() { r.Update.CallbackQuery = cq }()
	}
	if cq := r.Update.CallbackQuery; cq != nil {
		a := tgbotapi.NewCallbackWithAlert(cq.ID, text)
		if err := h.Sender.Request(ctx, a); err != nil {
			h.Log.Debug("answer callback failed", "err", err)
		}
		return
	}
	r.Reply(html.EscapeString(text), nil)
	h.flush(ctx, r)
}
