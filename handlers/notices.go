package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// /lichhop announces the next meeting: "/lichhop 28/11/2026; 19:30; place;
// topic" at once, or the "lhd" dialog. Every active linked member of the
// cell gets the notice through the outbox with "Có mặt" / "Vắng (có lý
// do)" (hop:<y|n>:<meeting>); "Vắng" asks the reason in one message (the
// "vang" dialog). A reminder is queued for the evening before. The
// secretary sees the tally and the names (lh:<meeting>), and the meeting
// report for that day starts from the answers (lh:<meeting>:r).

// noticeDraft is the /lichhop dialog's state.
type noticeDraft struct {
	Org     int64  `json:"o,omitempty"`
	Date    string `json:"d,omitempty"`
	Hour    int    `json:"h,omitempty"`
	Minute  int    `json:"m,omitempty"`
	HasTime bool   `json:"ht,omitempty"`
	Place   string `json:"p,omitempty"`
	Topic   string `json:"t,omitempty"`
}

func (d noticeDraft) orgID() int64 { return d.Org }

type noticeConv = chat.Conv[noticeDraft]

// noticeTitle heads the dialog's windows.
const noticeTitle = "📅 <b>Thông báo lịch họp</b>"

type noticeAction = func(context.Context, *noticeConv, chat.Args) error

func (h *Handlers) noticeDialog() *chat.Dialog[noticeDraft] {
	// setDay keeps the day, typed (quickform.ParseNotice) or pressed
	// (ShortcutDay), once the field's rule, storage.CheckNoticeDay, has
	// passed it, as it passes the quick form's.
	setDay := func(c *noticeConv, t time.Time) error {
		c.Draft.Date = isoDay(t)
		c.Next()
		return nil
	}
	return &chat.Dialog[noticeDraft]{
		Name:      "lhd",
		Title:     "thông báo lịch họp",
		Cancelled: "Đã hủy, chưa gửi thông báo họp nào.",
		Stale:     "Thông báo này đã gửi hoặc đã hủy. Đồng chí gõ /lichhop để báo lịch họp khác.",
		Steps: []*chat.Step[noticeDraft]{
			orgStep(chat.Step[noticeDraft]{ID: "org", Needed: func(d noticeDraft) bool { return d.Org == 0 }},
				noticeTitle, "Lịch họp của tổ chức nào?", true, func(_ context.Context, c *noticeConv, id int64) error {
					c.Draft.Org = id
					c.Next()
					return nil
				}),
			{ID: "date", Needed: func(d noticeDraft) bool { return d.Date == "" }, View: noticeDateView,
				Text: func(_ context.Context, c *noticeConv, text string) error {
					n, err := quickform.ParseNotice(text, today(c.Request))
					if err != nil {
						return err
					}
					if !n.HasDate {
						return storage.Errorf(storage.CodeInvalid, "Đồng chí ghi ngày họp, ví dụ %s, hoặc bấm một nút.", vn.FormatDate(today(c.Request).AddDate(0, 0, 3)))
					}
					return setDay(c, n.Date)
				},
				Actions: map[string]noticeAction{"d": func(_ context.Context, c *noticeConv, a chat.Args) error {
					t, err := chat.ShortcutDay(a, 0, time.UTC, func(t time.Time) error { return storage.CheckNoticeDay(t, today(c.Request)) })
					if err != nil {
						return err
					}
					return setDay(c, t)
				}}},
			{ID: "time", Needed: func(d noticeDraft) bool { return !d.HasTime }, View: noticeTimeView,
				Text: func(_ context.Context, c *noticeConv, text string) error {
					hh, mm, err := quickform.ParseTime(text)
					if err != nil {
						return err
					}
					c.Draft.Hour, c.Draft.Minute, c.Draft.HasTime = hh, mm, true
					c.Next()
					return nil
				},
				Actions: map[string]noticeAction{"t": func(_ context.Context, c *noticeConv, a chat.Args) error {
					// A time a button carries, checked as a typed one.
					hh, err := a.Number(0)
					if err != nil {
						return err
					}
					mm, err := a.Number(1)
					if err != nil {
						return err
					}
					if err := storage.CheckTime(hh, mm); err != nil {
						return err
					}
					c.Draft.Hour, c.Draft.Minute, c.Draft.HasTime = hh, mm, true
					c.Next()
					return nil
				}}},
			{ID: "place", Needed: func(d noticeDraft) bool { return d.Place == "" }, View: noticeAsk("Họp ở đâu? Gõ địa điểm, ví dụ «Nhà văn hóa bản»."),
				Text: textAnswer(storage.FieldPlace, "Địa điểm", func(d *noticeDraft, s string) { d.Place = s })},
			{ID: "topic", Needed: func(d noticeDraft) bool { return d.Topic == "" }, View: noticeAsk("Nội dung họp? Gõ ngắn gọn, ví dụ «Quán triệt Kết luận 21-KL/TW»."),
				Text: textAnswer(storage.FieldTopic, "Nội dung", func(d *noticeDraft, s string) { d.Topic = s })},
			{ID: "confirm", View: h.noticeConfirmView(), Actions: map[string]noticeAction{"ok": func(ctx context.Context, c *noticeConv, _ chat.Args) error {
				text, kb, err := h.announce(ctx, c.Request, c.Draft)
				if err != nil {
					return err
				}
				c.End(text, kb)
				c.Toast = "Đã gửi thông báo họp."
				return nil
			}}},
		},
	}
}

// noticeCommand is /lichhop: a quick form, or the upcoming meetings and the dialog.
func (h *Handlers) noticeCommand(ctx context.Context, r *chat.Request) error {
	form, o, ask, err := reportForm(ctx, r, quickform.NoticeExample, quickform.ParseNotice)
	if err != nil {
		return err
	}
	d := noticeDraft{Hour: form.Hour, Minute: form.Minute, HasTime: form.HasTime, Place: form.Place, Topic: form.Topic}
	if !ask {
		d.Org = o.ID
	}
	if form.HasDate {
		d.Date = isoDay(form.Date)
	}
	if strings.TrimSpace(r.Args) == "" {
		if err := h.upcoming(ctx, r); err != nil {
			return err
		}
		if !ask && o.Kind != storage.KindChiBo {
			d.Org = 0 // a committee: pick one of its cells
		} else if many, err := pickInDialog(ctx, r, true); err != nil {
			return err
		} else if many {
			d.Org = 0
		}
		return h.notices.StartNew(ctx, r, h.notices.Next(d), d)
	}
	if form.Missing() != quickform.FieldNone || ask {
		return h.notices.Start(ctx, r, h.notices.Next(d), d)
	}
	text, kb, err := h.announce(ctx, r, d)
	if err != nil {
		return storage.WithExample(err, quickform.NoticeExample)
	}
	r.Reply(text, *kb)
	return nil
}

// upcoming lists the meetings already announced in the sender's scope,
// each with a button to its answers.
func (h *Handlers) upcoming(ctx context.Context, r *chat.Request) error {
	items, err := reportOrgItems(ctx, r, true)
	if err != nil {
		return err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	ms, err := r.Store.UpcomingMeetings(ctx, ids)
	if err != nil || len(ms) == 0 {
		return err
	}
	var rows chat.Keyboard
	for _, m := range ms {
		rows = append(rows, chat.NewRow(chat.NewButton(vn.Cut(fmt.Sprintf("📋 %s · %s", m.StartsAt.In(h.deps.Location).Format("15:04 02/01"), m.OrgName), 60), cbMeetingTally, m.ID)))
	}
	r.Reply("📅 Các buổi họp đã thông báo: bấm để xem ai có mặt, ai vắng.", chat.NewMarkup(rows...))
	return nil
}

func noticeHead(c *noticeConv, o storage.Organisation) string {
	var at string
	if c.Draft.HasTime {
		at = fmt.Sprintf("%02d:%02d", c.Draft.Hour, c.Draft.Minute)
	}
	return reportHead(noticeTitle, false, o.Name, c.Draft.Date, at)
}

var noticeDateView = chat.Window(draftOrg[noticeDraft], func(c *noticeConv, o storage.Organisation) (string, chat.Keyboard) {
	t := today(c.Request)
	day := func(n int) string { return t.AddDate(0, 0, n).Format("20060102") }
	rows := chat.Keyboard{
		chat.NewRow(c.Button("Hôm nay ("+t.Format("02/01")+")", "d", day(0)), c.Button("Ngày mai ("+t.AddDate(0, 0, 1).Format("02/01")+")", "d", day(1))),
		chat.NewRow(c.Button(t.AddDate(0, 0, 2).Format("02/01/2006"), "d", day(2)), c.Button(t.AddDate(0, 0, 3).Format("02/01/2006"), "d", day(3)),
			c.Button(t.AddDate(0, 0, 7).Format("02/01/2006"), "d", day(7))),
		c.CancelRow(),
	}
	return noticeHead(c, o) + "Ngày họp? Bấm nút, hoặc gõ ngày (ví dụ " + vn.FormatDate(t.AddDate(0, 0, 3)) + ").", rows
})

var noticeTimeView = askView(noticeHead, "Mấy giờ? Bấm nút, hoặc gõ giờ (ví dụ 19:30).", func(c *noticeConv) chat.Row {
	return chat.NewRow(c.Button("07:30", "t", 7, 30), c.Button("14:00", "t", 14, 0), c.Button("19:30", "t", 19, 30))
})

func noticeAsk(question string) reportView[noticeDraft] {
	return askView(noticeHead, question, nil)
}

// noticeShown is what the confirm step shows: the organisation's name and
// when the meeting starts.
type noticeShown struct {
	org    string
	starts time.Time
}

func (h *Handlers) noticeConfirmView() reportView[noticeDraft] {
	return chat.Window(func(ctx context.Context, c *noticeConv) (noticeShown, error) {
		o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
		if err != nil {
			return noticeShown{}, err
		}
		starts, err := h.noticeStart(c.Draft)
		return noticeShown{org: o.Name, starts: starts}, err
	}, func(c *noticeConv, v noticeShown) (string, chat.Keyboard) {
		return noticeTitle + " — đồng chí kiểm tra lại:\n" + noticeLines(v.org, v.starts, c.Draft.Place, c.Draft.Topic),
			chat.Keyboard{
				chat.NewRow(c.Button("✅ Gửi cho đảng viên", "ok")),
				c.CancelRow(),
			}
	})
}

func noticeLines(org string, starts time.Time, place, topic string) string {
	return fmt.Sprintf("%s họp lúc <b>%s ngày %s</b>\nĐịa điểm: %s\nNội dung: %s",
		esc(org), starts.Format("15:04"), vn.FormatDate(starts), esc(place), esc(vn.Cut(topic, 500)))
}

func (h *Handlers) noticeStart(d noticeDraft) (time.Time, error) {
	day, ok := parseISODay(d.Date)
	if !ok {
		return time.Time{}, storage.ErrNotFound
	}
	return time.Date(day.Year(), day.Month(), day.Day(), d.Hour, d.Minute, 0, 0, h.deps.Location), nil
}
