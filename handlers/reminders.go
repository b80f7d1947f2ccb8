package handlers

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// Reminders: the message a member gets (all their pending documents in
// one, a button each to open the push again, and "⏰ Nhắc lại sau"), and
// /nhacnho, where a secretary or officer reminds the members of one open
// campaign in their scope. The storage decides who is reminded (once a
// day, never at night); see storage/reminders.go.

// maxReminderButtons bounds the document buttons of one reminder.
const maxReminderButtons = 6

// ReminderMessage renders one member's reminder.
func ReminderMessage(items []storage.StudyTarget, today time.Time) (string, any) {
	var b strings.Builder
	if len(items) == 1 {
		b.WriteString("🔔 <b>Nhắc học tập</b>\nĐồng chí còn một văn bản chưa xác nhận đã học:\n")
	} else {
		fmt.Fprintf(&b, "🔔 <b>Nhắc học tập</b>\nĐồng chí còn %d văn bản chưa xác nhận đã học:\n", len(items))
	}
	var rows chat.Keyboard
	for i, t := range items {
		fmt.Fprintf(&b, "\n%d. <b>%s</b> — %s\n    %s", i+1, esc(t.DocNumber), esc(vn.Cut(t.DocTitle, 100)), dueLabel(t, today))
		if i < maxReminderButtons {
			rows = append(rows, chat.NewRow(chat.NewButton(vn.Cut(fmt.Sprintf("📖 %d. %s", i+1, t.DocNumber), 40), cbPushAgain, t.ID)))
		}
	}
	b.WriteString("\n\nBấm vào văn bản để mở, đọc rồi bấm «✅ Tôi đã học».")
	rows = append(rows, chat.NewRow(chat.NewButton("⏰ Nhắc lại sau", cbRemindLater)))
	return b.String(), chat.NewMarkup(rows...)
}

// remindLater is "⏰ Nhắc lại sau": remind the pressing member tomorrow.
func (h *Handlers) remindLater(ctx context.Context, r *chat.Request) error {
	n, err := r.Store.RemindTomorrow(ctx, r.Member.ID, h.deps.Location)
	if err != nil {
		return err
	}
	if n == 0 {
		r.Toast = "Đồng chí không còn văn bản nào phải học. Cảm ơn đồng chí!"
		return nil
	}
	r.Toast = "Đã hẹn: ngày mai hệ thống sẽ nhắc lại đồng chí."
	return nil
}

// remindDraft is the "nn" dialog's state: nothing but the page.
type remindDraft struct{}

type remindConv = chat.Conv[remindDraft]

// stepRemindCamp is the "nn" dialog's one step.
const stepRemindCamp chat.StepID[remindDraft] = "camp"

func (h *Handlers) remindDialog() *chat.Dialog[remindDraft] {
	return &chat.Dialog[remindDraft]{
		Name:      "nn",
		Cancelled: "Đã hủy việc nhắc học tập.",
		Stale:     "Thao tác nhắc này đã xong hoặc đã hết hạn. Đồng chí gõ /nhacnho để nhắc lại.",
		Steps: []*chat.Step[remindDraft]{
			{ID: stepRemindCamp, View: remindCampsView, Actions: map[string]func(context.Context, *remindConv, chat.Args) error{"c": h.remindSend}},
		},
	}
}

// remindCommand is /nhacnho.
func (h *Handlers) remindCommand(ctx context.Context, r *chat.Request) error {
	return h.reminding.Start(ctx, r, stepRemindCamp, remindDraft{})
}

// remindCampaigns are the campaigns the step offers: those in scope
// (campaignsInScope) with members who have not studied yet.
func remindCampaigns(ctx context.Context, r *chat.Request) ([]storage.OpenCampaign, []chat.Item, error) {
	cs, err := campaignsInScope(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	var open []storage.OpenCampaign
	var items []chat.Item
	for _, x := range cs {
		if x.Open > 0 {
			open = append(open, x)
			items = append(items, chat.Item{ID: x.ID, Label: fmt.Sprintf("%s · %d/%d chưa học", x.DocNumber, x.Open, x.Assigned)})
		}
	}
	return open, items, nil
}

var remindCampsView = chat.Window(func(ctx context.Context, c *remindConv) ([]chat.Item, error) {
	_, items, err := remindCampaigns(ctx, c.Request)
	return items, err
}, func(c *remindConv, items []chat.Item) (string, chat.Keyboard) {
	return chat.Pick(c, "camp", items, "c", "🔔 <b>Nhắc học tập</b>\nChọn văn bản để nhắc các đồng chí chưa học (mỗi đồng chí nhiều nhất một lần nhắc mỗi ngày):",
		"Không có đợt học tập nào đang mở còn đảng viên chưa học trong phạm vi của đồng chí.")
})

func (h *Handlers) remindSend(ctx context.Context, c *remindConv, a chat.Args) error {
	cs, items, err := remindCampaigns(ctx, c.Request)
	if err != nil {
		return err
	}
	it, err := chat.Chosen(items, a, 0)
	if err != nil {
		return err
	}
	camp := cs[slices.IndexFunc(cs, func(x storage.OpenCampaign) bool { return x.ID == it.ID })]
	res, err := c.Store.RemindCampaign(ctx, camp.ID, c.Scope(chat.Secretary).Roots(), c.Actor(), h.deps.Location, ReminderMessage)
	if err != nil {
		return err
	}
	c.End(remindSummary(camp.DocNumber, res, h.deps.Location), nil)
	return nil
}

// remindSummary tells the asker how many were reminded and who was skipped, and why.
func remindSummary(number string, res storage.ReminderResult, loc *time.Location) string {
	var b strings.Builder
	fmt.Fprintf(&b, "🔔 <b>%s</b>: đã nhắc <b>%d</b> đồng chí chưa học.", esc(number), res.Reminded)
	if res.Queued && res.Reminded > 0 {
		fmt.Fprintf(&b, "\n🌙 Đang giờ nghỉ (21:00–07:00): tin nhắc sẽ gửi lúc %s.", res.SendAt.In(loc).Format("15:04 ngày 02/01"))
	}
	skipped := res.AlreadyToday + res.Unreachable + res.NotDelivered
	if skipped > 0 {
		fmt.Fprintf(&b, "\nKhông nhắc %d đồng chí:", skipped)
		if res.AlreadyToday > 0 {
			fmt.Fprintf(&b, "\n• %d đã được nhắc trong ngày", res.AlreadyToday)
		}
		if res.Unreachable > 0 {
			fmt.Fprintf(&b, "\n• %d chưa liên kết Telegram hoặc đã chặn bot (đồng chí nhắc trực tiếp hoặc ghi nhận học tại chi bộ)", res.Unreachable)
		}
		if res.NotDelivered > 0 {
			fmt.Fprintf(&b, "\n• %d chưa nhận được văn bản (tin đang chờ gửi)", res.NotDelivered)
		}
	}
	if res.Studied > 0 {
		fmt.Fprintf(&b, "\n✅ %d đồng chí đã học.", res.Studied)
	}
	return b.String()
}
