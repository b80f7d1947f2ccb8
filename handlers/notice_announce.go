// Announcing a meeting: recording it and queueing the notice, with its
// answer buttons, to every active linked member of the cell.

package handlers

import (
	"context"
	"fmt"
	"strings"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// answerButtons are the notice's buttons.
func answerButtons(meetingID int64) chat.Markup {
	return chat.NewMarkup(chat.NewRow(
		chat.NewButton("✅ Có mặt", cbMeetingAnswer, "y", meetingID),
		chat.NewButton("🚫 Vắng (có lý do)", cbMeetingAnswer, "n", meetingID)))
}

// announce records the meeting and queues the notices and reminders.
func (h *Handlers) announce(ctx context.Context, r *chat.Request, d noticeDraft) (string, *chat.Markup, error) {
	if err := mayReport(ctx, r, d.Org); err != nil {
		return "", nil, err
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return "", nil, err
	}
	if o.DissolvedAt != nil {
		return "", nil, storage.Errorf(storage.CodeInvalid, "%s đã giải thể.", o.Name)
	}
	if o.Kind != storage.KindChiBo {
		return "", nil, storage.Errorf(storage.CodeInvalid, "Lịch họp gửi cho đảng viên của một chi bộ, mà %s là đảng bộ: đồng chí ghi mã chi bộ ở đầu, ví dụ /lichhop MÃ_CHI_BỘ; 28/11/2026; 19:30; Nhà văn hóa; nội dung.", o.Name)
	}
	starts, err := h.noticeStart(d)
	if err != nil {
		return "", nil, err
	}
	now := r.Now()
	if !starts.After(now) {
		return "", nil, storage.Errorf(storage.CodeInvalid, "Giờ họp %s ngày %s đã qua: đồng chí ghi giờ họp sắp tới.", starts.Format("15:04"), vn.FormatDate(starts))
	}
	m, invited, err := r.Store.AnnounceMeeting(ctx, storage.MeetingNotice{OrgID: o.ID, StartsAt: starts, Place: d.Place, Topic: d.Topic, By: r.Member.ID})
	if err != nil {
		return "", nil, err
	}
	body := noticeLines(o.Name, starts, d.Place, d.Topic)
	notice := "📅 <b>Thông báo họp chi bộ</b>\n" + body + "\n\nĐồng chí bấm để báo có mặt hay vắng."
	remindAt := h.remindAt(starts)
	sent, notLinked, reminders := 0, 0, 0
	for _, mem := range invited {
		chatID, ok, err := r.Store.MemberChat(ctx, mem)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			notLinked++
			continue
		}
		if _, err := r.Store.Enqueue(ctx, storage.OutboxNotice, chatID, notice, answerButtons(m.ID)); err != nil {
			return "", nil, err
		}
		sent++
		// The evening before, not at night; a meeting announced after
		// that evening gets no reminder (the notice itself is fresh).
		queued, err := h.queueReminder(ctx, r, m, mem.ID, chatID)
		if err != nil {
			return "", nil, err
		}
		if queued {
			reminders++
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "✅ Đã gửi thông báo họp cho <b>%d</b> đảng viên:\n%s", sent, body)
	if notLinked > 0 {
		fmt.Fprintf(&b, "\n%d đồng chí chưa liên kết Telegram và chưa đăng nhập web: đồng chí báo trực tiếp.", notLinked)
	}
	if reminders > 0 {
		fmt.Fprintf(&b, "\nSẽ nhắc lúc %02d:00 ngày %s.", reminderHour, vn.FormatDate(remindAt))
	}
	kb := chat.NewMarkup(chat.NewRow(chat.NewButton("📋 Xem trả lời", cbMeetingTally, m.ID)))
	return b.String(), &kb, nil
}
