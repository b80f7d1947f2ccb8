// The evening-before reminder of an announced meeting: when it goes out,
// and queueing it for one member.

package handlers

import (
	"context"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
)

// reminderHour is when the evening-before reminder goes out: in the
// evening, well before the quiet hours (21:00 to 07:00).
const reminderHour = 19

// remindAt is when the reminder of a meeting goes out: reminderHour the
// evening before.
func (h *Handlers) remindAt(starts time.Time) time.Time {
	day := starts.In(h.deps.Location).AddDate(0, 0, -1)
	return time.Date(day.Year(), day.Month(), day.Day(), reminderHour, 0, 0, 0, h.deps.Location)
}

// queueReminder queues a member's evening-before reminder, unless that
// evening has passed.
func (h *Handlers) queueReminder(ctx context.Context, r *chat.Request, m storage.Meeting, memberID, chatID int64) (bool, error) {
	at := h.remindAt(m.StartsAt)
	if !at.After(r.Now()) {
		return false, nil
	}
	starts := m.StartsAt.In(h.deps.Location)
	text := "🔔 <b>Nhắc lịch họp ngày mai</b>\n" + noticeLines(m.OrgName, starts, m.Place, m.Topic)
	id, err := r.Store.EnqueueAt(ctx, storage.OutboxReminder, chatID, text, answerButtons(m.ID), at)
	if err != nil {
		return false, err
	}
	return true, r.Store.SetReminder(ctx, m.ID, memberID, id)
}
