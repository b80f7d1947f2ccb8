package handlers

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/handlers/report"
	"sotay/storage"
	"sotay/storage/vn"
)

// What the pusher sees once a campaign runs: the status message the outbox
// sender edits as it goes, and the delivery report behind its button
// (gbc:<campaign>).

// PushProgress is the pusher's status message: progress while sending,
// then the final summary with the delivery report button. rate (messages
// per second) gives the time left; 0 leaves it out.
func PushProgress(st storage.CampaignStats, final bool, rate float64) (string, *chat.Markup) {
	doc := fmt.Sprintf("%s số %s", storage.DocumentKindName(st.DocKind), st.DocNumber)
	if !final {
		// Counted against the messages to send: members without Telegram
		// get none and are said apart, so the count ends at its total.
		toSend := st.Total - st.NotLinked
		refused := st.Unreachable - st.NotLinked + st.Failed
		text := fmt.Sprintf("📤 <b>Đang gửi %s</b>\nĐang gửi %s/%s", esc(doc), vn.Number(st.Reached()+refused), vn.Number(toSend))
		if refused > 0 {
			text += fmt.Sprintf(" · %s không liên lạc được", vn.Number(refused))
		}
		if st.NotLinked > 0 {
			text += fmt.Sprintf(" · %s chưa liên kết Telegram", vn.Number(st.NotLinked))
		}
		if rate > 0 && st.Queued > 0 {
			text += " · còn khoảng " + durationVI(time.Duration(math.Ceil(float64(st.Queued)/rate))*time.Second)
		}
		return text, nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ <b>Đã gửi xong %s</b>\n", esc(doc))
	fmt.Fprintf(&b, "Đã nhận: <b>%s/%s</b> đảng viên", vn.Number(st.Reached()), vn.Number(st.Total))
	if st.Unreachable > 0 {
		fmt.Fprintf(&b, "\nKhông liên lạc được: %s", vn.Number(st.Unreachable))
		switch blocked := st.Unreachable - st.NotLinked; {
		case st.NotLinked > 0 && blocked > 0:
			fmt.Fprintf(&b, " (chưa liên kết Telegram: %s; đã chặn bot hoặc không mở được cuộc trò chuyện: %s)", vn.Number(st.NotLinked), vn.Number(blocked))
		case st.NotLinked > 0:
			fmt.Fprintf(&b, " (chưa liên kết Telegram: %s)", vn.Number(st.NotLinked))
		default:
			fmt.Fprintf(&b, " (đã chặn bot hoặc không mở được cuộc trò chuyện)")
		}
	}
	if st.Failed > 0 {
		fmt.Fprintf(&b, "\nGửi lỗi: %s", vn.Number(st.Failed))
	}
	if st.LastSentAt != nil {
		fmt.Fprintf(&b, "\nThời gian gửi: %s", durationVI(st.LastSentAt.Sub(st.CreatedAt)))
	}
	if st.DueOn != nil {
		fmt.Fprintf(&b, "\nHạn học tập: %s", st.DueOn.Format("02/01/2006"))
	}
	kb := chat.NewMarkup(chat.NewRow(
		chat.NewButton("📊 Báo cáo gửi", cbDeliveryReport, st.ID)))
	return b.String(), &kb
}

// deliveryReport sends a campaign's delivery report as XLSX to whoever
// pushed it or an officer over all its organisations.
func (h *Handlers) deliveryReport(ctx context.Context, r *chat.Request) error {
	id, err := r.ArgID(0)
	if err != nil {
		return err
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
			ok, err := r.CanSee(ctx, chat.Officer, o)
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
	data, err := report.DeliveryXLSX(rows, h.deps.Location)
	if err != nil {
		return err
	}
	doc := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileBytes{Name: report.DeliveryFileName(c), Bytes: data})
	doc.Caption = fmt.Sprintf("📊 Báo cáo gửi %s số %s (%s đảng viên)", storage.DocumentKindName(c.DocKind), c.DocNumber, vn.Number(len(rows)))
	if err := h.queueFile(ctx, r, doc, 0); err != nil {
		return err
	}
	r.Toast = "Đang gửi báo cáo…"
	return nil
}
