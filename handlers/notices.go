package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

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

// reminderHour is when the evening-before reminder goes out: in the
// evening, well before the quiet hours (21:00 to 07:00).
const reminderHour = 19

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

func (d noticeDraft) next() string {
	switch {
	case d.Org == 0:
		return "org"
	case d.Date == "":
		return "date"
	case !d.HasTime:
		return "time"
	case d.Place == "":
		return "place"
	case d.Topic == "":
		return "topic"
	}
	return "confirm"
}

type noticeConv = Conv[noticeDraft]

type noticeAction = func(context.Context, *noticeConv, Args) error

func (h *Handlers) noticeDialog() *Dialog[noticeDraft] {
	advance := func(c *noticeConv) { c.Goto(c.Draft.next()) }
	setDay := func(c *noticeConv, t time.Time) error {
		if t.Before(today(c.Request)) {
			return storage.Errorf(storage.CodeInvalid, "Ngày %s đã qua: đồng chí chọn ngày họp sắp tới.", vn.FormatDate(t))
		}
		c.Draft.Date = isoDay(t)
		advance(c)
		return nil
	}
	textStep := func(set func(*noticeDraft, string), label, example string) func(context.Context, *noticeConv, string) error {
		return func(_ context.Context, c *noticeConv, text string) error {
			t, err := reportText(text, label, example)
			if err != nil {
				return err
			}
			set(&c.Draft, t)
			advance(c)
			return nil
		}
	}
	return &Dialog[noticeDraft]{
		Name:      "lhd",
		Title:     "thông báo lịch họp",
		Cancelled: "Đã hủy, chưa gửi thông báo họp nào.",
		Stale:     "Thông báo này đã gửi hoặc đã hủy. Đồng chí gõ /lichhop để báo lịch họp khác.",
		Steps: []*Step[noticeDraft]{
			{ID: "org", View: h.noticeOrgView, Actions: map[string]noticeAction{"o": func(ctx context.Context, c *noticeConv, a Args) error {
				id, err := a.ID(0)
				if err != nil {
					return err
				}
				if err := mayReport(ctx, c.Request, id); err != nil {
					return err
				}
				c.Draft.Org = id
				advance(c)
				return nil
			}}},
			{ID: "date", View: h.noticeDateView,
				Text: func(_ context.Context, c *noticeConv, text string) error {
					n, err := quickform.ParseNotice(text, today(c.Request))
					if err != nil {
						return fieldError(err)
					}
					if !n.HasDate {
						return storage.Errorf(storage.CodeInvalid, "Đồng chí ghi ngày họp, ví dụ %s, hoặc bấm một nút.", vn.FormatDate(today(c.Request).AddDate(0, 0, 3)))
					}
					return setDay(c, n.Date)
				},
				Actions: map[string]noticeAction{"d": func(_ context.Context, c *noticeConv, a Args) error {
					t, ok := ShortcutDate(a, 0, time.UTC)
					if !ok {
						return storage.ErrNotFound
					}
					return setDay(c, t)
				}}},
			{ID: "time", View: h.noticeTimeView,
				Text: func(_ context.Context, c *noticeConv, text string) error {
					hh, mm, err := quickform.ParseTime(text)
					if err != nil {
						return fieldError(err)
					}
					c.Draft.Hour, c.Draft.Minute, c.Draft.HasTime = hh, mm, true
					advance(c)
					return nil
				},
				Actions: map[string]noticeAction{"t": func(_ context.Context, c *noticeConv, a Args) error {
					hh, err := a.Int(0, 0, 23)
					if err != nil {
						return err
					}
					mm, err := a.Int(1, 0, 59)
					if err != nil {
						return err
					}
					c.Draft.Hour, c.Draft.Minute, c.Draft.HasTime = hh, mm, true
					advance(c)
					return nil
				}}},
			{ID: "place", View: h.noticeAsk("Họp ở đâu? Gõ địa điểm, ví dụ «Nhà văn hóa bản»."),
				Text: textStep(func(d *noticeDraft, s string) { d.Place = s }, "Địa điểm", "Nhà văn hóa bản")},
			{ID: "topic", View: h.noticeAsk("Nội dung họp? Gõ ngắn gọn, ví dụ «Quán triệt Kết luận 21-KL/TW»."),
				Text: textStep(func(d *noticeDraft, s string) { d.Topic = s }, "Nội dung", "Quán triệt Kết luận 21-KL/TW")},
			{ID: "confirm", View: h.noticeConfirmView, Actions: map[string]noticeAction{"ok": func(ctx context.Context, c *noticeConv, _ Args) error {
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
func (h *Handlers) noticeCommand(ctx context.Context, r *Request) error {
	code, args, err := leadingOrgCode(ctx, r, r.Args)
	if err != nil {
		return err
	}
	form, err := quickform.ParseNotice(args, today(r))
	if err != nil {
		return formError(err, quickform.NoticeExample)
	}
	if code == "" {
		code = form.OrgCode
	}
	o, ask, err := reportOrg(ctx, r, code)
	if err != nil {
		return formError(err, quickform.NoticeExample)
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
		return h.notices.StartNew(ctx, r, d.next(), d)
	}
	if form.Missing() != quickform.FieldNone || ask {
		return h.notices.Start(ctx, r, d.next(), d)
	}
	text, kb, err := h.announce(ctx, r, d)
	if err != nil {
		return formError(err, quickform.NoticeExample)
	}
	r.Reply(text, *kb)
	return nil
}

// upcoming lists the meetings already announced in the sender's scope,
// each with a button to its answers.
func (h *Handlers) upcoming(ctx context.Context, r *Request) error {
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
	var rows [][]tgbotapi.InlineKeyboardButton
	for _, m := range ms {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(button(cut(fmt.Sprintf("📋 %s · %s", m.StartsAt.In(h.deps.Location).Format("15:04 02/01"), m.OrgName), 60), cbMeetingTally, m.ID)))
	}
	r.Reply("📅 Các buổi họp đã thông báo: bấm để xem ai có mặt, ai vắng.", tgbotapi.NewInlineKeyboardMarkup(rows...))
	return nil
}

func (h *Handlers) noticeHead(ctx context.Context, c *noticeConv) (string, error) {
	var b strings.Builder
	b.WriteString("📅 <b>Thông báo lịch họp</b>")
	if c.Draft.Org != 0 {
		o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
		if err != nil {
			return "", err
		}
		b.WriteString("\n" + esc(o.Name))
	}
	if t, ok := parseISODay(c.Draft.Date); ok {
		b.WriteString(" · " + vn.FormatDate(t))
	}
	if c.Draft.HasTime {
		fmt.Fprintf(&b, " · %02d:%02d", c.Draft.Hour, c.Draft.Minute)
	}
	return b.String() + "\n\n", nil
}

func (h *Handlers) noticeOrgView(ctx context.Context, c *noticeConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	items, err := reportOrgItems(ctx, c.Request, true)
	if err != nil {
		return "", nil, err
	}
	return "📅 <b>Thông báo lịch họp</b>\n\nLịch họp của tổ chức nào?", append(Select(c, "orgs", items, "o"), c.CancelRow()), nil
}

func (h *Handlers) noticeDateView(ctx context.Context, c *noticeConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.noticeHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	t := today(c.Request)
	day := func(n int) string { return t.AddDate(0, 0, n).Format("20060102") }
	rows := [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Hôm nay ("+t.Format("02/01")+")", "d", day(0)), c.Button("Ngày mai ("+t.AddDate(0, 0, 1).Format("02/01")+")", "d", day(1))),
		tgbotapi.NewInlineKeyboardRow(c.Button(t.AddDate(0, 0, 2).Format("02/01/2006"), "d", day(2)), c.Button(t.AddDate(0, 0, 3).Format("02/01/2006"), "d", day(3)),
			c.Button(t.AddDate(0, 0, 7).Format("02/01/2006"), "d", day(7))),
		c.CancelRow(),
	}
	return head + "Ngày họp? Bấm nút, hoặc gõ ngày (ví dụ " + vn.FormatDate(t.AddDate(0, 0, 3)) + ").", rows, nil
}

func (h *Handlers) noticeTimeView(ctx context.Context, c *noticeConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.noticeHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Mấy giờ? Bấm nút, hoặc gõ giờ (ví dụ 19:30).", [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("07:30", "t", 7, 30), c.Button("14:00", "t", 14, 0), c.Button("19:30", "t", 19, 30)),
		c.CancelRow(),
	}, nil
}

func (h *Handlers) noticeAsk(question string) func(context.Context, *noticeConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	return func(ctx context.Context, c *noticeConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
		head, err := h.noticeHead(ctx, c)
		if err != nil {
			return "", nil, err
		}
		return head + question, [][]tgbotapi.InlineKeyboardButton{c.CancelRow()}, nil
	}
}

func (h *Handlers) noticeConfirmView(ctx context.Context, c *noticeConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return "", nil, err
	}
	starts, err := h.noticeStart(c.Draft)
	if err != nil {
		return "", nil, err
	}
	return "📅 <b>Thông báo lịch họp</b> — đồng chí kiểm tra lại:\n" + noticeLines(o.Name, starts, c.Draft.Place, c.Draft.Topic),
		[][]tgbotapi.InlineKeyboardButton{
			tgbotapi.NewInlineKeyboardRow(c.Button("✅ Gửi cho đảng viên", "ok")),
			c.CancelRow(),
		}, nil
}

func noticeLines(org string, starts time.Time, place, topic string) string {
	return fmt.Sprintf("%s họp lúc <b>%s ngày %s</b>\nĐịa điểm: %s\nNội dung: %s",
		esc(org), starts.Format("15:04"), vn.FormatDate(starts), esc(place), esc(cut(topic, 500)))
}

func (h *Handlers) noticeStart(d noticeDraft) (time.Time, error) {
	day, ok := parseISODay(d.Date)
	if !ok {
		return time.Time{}, storage.ErrNotFound
	}
	return time.Date(day.Year(), day.Month(), day.Day(), d.Hour, d.Minute, 0, 0, h.deps.Location), nil
}

// answerButtons are the notice's buttons.
func answerButtons(meetingID int64) tgbotapi.InlineKeyboardMarkup {
	return tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(
		button("✅ Có mặt", cbMeetingAnswer, "y", meetingID),
		button("🚫 Vắng (có lý do)", cbMeetingAnswer, "n", meetingID)))
}

// announce records the meeting and queues the notices and reminders.
func (h *Handlers) announce(ctx context.Context, r *Request, d noticeDraft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
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
		if mem.TelegramUserID == nil {
			notLinked++
			continue
		}
		if _, err := r.Store.Enqueue(ctx, storage.OutboxNotice, *mem.TelegramUserID, notice, answerButtons(m.ID)); err != nil {
			return "", nil, err
		}
		sent++
		// The evening before, not at night; a meeting announced after
		// that evening gets no reminder (the notice itself is fresh).
		queued, err := h.queueReminder(ctx, r, m, mem.ID, *mem.TelegramUserID)
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
		fmt.Fprintf(&b, "\n%d đồng chí chưa liên kết Telegram: đồng chí báo trực tiếp.", notLinked)
	}
	if reminders > 0 {
		fmt.Fprintf(&b, "\nSẽ nhắc lúc %02d:00 ngày %s.", reminderHour, vn.FormatDate(remindAt))
	}
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(button("📋 Xem trả lời", cbMeetingTally, m.ID)))
	return b.String(), &kb, nil
}

// remindAt is when the reminder of a meeting goes out: reminderHour the
// evening before.
func (h *Handlers) remindAt(starts time.Time) time.Time {
	day := starts.In(h.deps.Location).AddDate(0, 0, -1)
	return time.Date(day.Year(), day.Month(), day.Day(), reminderHour, 0, 0, 0, h.deps.Location)
}

// queueReminder queues a member's evening-before reminder, unless that
// evening has passed.
func (h *Handlers) queueReminder(ctx context.Context, r *Request, m storage.Meeting, memberID, chatID int64) (bool, error) {
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

// meetingAnswer is a member's press on a notice: hop:y:<id> or hop:n:<id>.
func (h *Handlers) meetingAnswer(ctx context.Context, r *Request) error {
	id, err := r.ArgID(1)
	if err != nil {
		return err
	}
	m, err := r.Store.Meeting(ctx, id)
	if err != nil {
		return err
	}
	answer := storage.AnswerPresent
	if r.CB.Arg(0) == "n" {
		answer = storage.AnswerAbsent
	} else if r.CB.Arg(0) != "y" {
		return storage.ErrNotFound
	}
	// The member's own row: a forged id of another cell's meeting has none.
	reminded, err := r.Store.AnswerMeeting(ctx, id, r.Member.ID, answer, "")
	if err != nil {
		return err
	}
	if answer == storage.AnswerPresent && !reminded {
		// Back from "absent": the reminder taken back is queued again.
		if _, err := h.queueReminder(ctx, r, m, r.Member.ID, r.ChatID); err != nil {
			return err
		}
	}
	starts := m.StartsAt.In(h.deps.Location)
	body := "📅 <b>Thông báo họp chi bộ</b>\n" + noticeLines(m.OrgName, starts, m.Place, m.Topic)
	kb := answerButtons(id)
	if answer == storage.AnswerPresent {
		r.Toast = "Đã ghi: có mặt."
		r.Show(body+"\n\n✅ Đồng chí đã báo: <b>có mặt</b>. Có thể đổi trước giờ họp.", &kb)
		return nil
	}
	r.Toast = "Đã ghi: vắng."
	r.Show(body+"\n\n🚫 Đồng chí đã báo: <b>vắng</b>. Có thể đổi trước giờ họp.", &kb)
	return h.absence.StartNew(ctx, r, "reason", absenceDraft{Meeting: id})
}

// absenceDraft asks an absent member's reason.
type absenceDraft struct {
	Meeting int64 `json:"m"`
}

func (h *Handlers) absenceDialog() *Dialog[absenceDraft] {
	return &Dialog[absenceDraft]{
		Name:      "vang",
		Title:     "lý do vắng họp",
		Cancelled: "Đã ghi vắng, không kèm lý do.",
		Stale:     "Câu hỏi này đã xong.",
		Steps: []*Step[absenceDraft]{{
			ID: "reason",
			View: func(_ context.Context, c *Conv[absenceDraft]) (string, [][]tgbotapi.InlineKeyboardButton, error) {
				return "Đồng chí vắng vì lý do gì? Gõ một tin nhắn, ví dụ «ốm» hoặc «đi làm xa».", [][]tgbotapi.InlineKeyboardButton{
					tgbotapi.NewInlineKeyboardRow(c.Button("Bỏ qua", actCancel))}, nil
			},
			Text: func(ctx context.Context, c *Conv[absenceDraft], text string) error {
				reason, err := reportText(text, "Lý do vắng", "ốm")
				if err != nil {
					return err
				}
				_, err = c.Store.AnswerMeeting(ctx, c.Draft.Meeting, c.Member.ID, storage.AnswerAbsent, cut(reason, 300))
				if storage.ErrorCode(err) == storage.CodeInvalid {
					c.End(esc(storage.ErrorMessage(err)), nil) // the meeting began meanwhile
					return nil
				}
				if err != nil {
					return err
				}
				c.End("Đã ghi: đồng chí vắng, lý do: "+esc(cut(reason, 300))+". Cảm ơn đồng chí đã báo.", nil)
				return nil
			},
		}},
	}
}

// meetingTally shows a meeting's answers to whoever may report for its
// organisation: lh:<id>; lh:<id>:r starts the meeting report from them.
func (h *Handlers) meetingTally(ctx context.Context, r *Request) error {
	id, err := r.ArgID(0)
	if err != nil {
		return err
	}
	m, err := r.Store.Meeting(ctx, id)
	if err != nil {
		return err
	}
	if err := mayReport(ctx, r, m.OrgID); err != nil {
		return err
	}
	t, err := r.Store.Tally(ctx, id)
	if err != nil {
		return err
	}
	starts := m.StartsAt.In(h.deps.Location)
	if r.CB.Arg(1) == "r" {
		day := time.Date(starts.Year(), starts.Month(), starts.Day(), 0, 0, 0, 0, time.UTC)
		if day.After(today(r)) {
			return storage.Errorf(storage.CodeInvalid, "Buổi họp ngày %s chưa diễn ra: đồng chí báo cáo sau khi họp.", vn.FormatDate(day))
		}
		absent, err := absentFromAnswers(ctx, r, id)
		if err != nil {
			return err
		}
		d := meetingDraft{Org: m.OrgID, Date: isoDay(day), Present: t.Present, Total: t.Invited, HasPresent: t.Invited > 0, Topic: m.Topic,
			Absent: absent, AbsentSeen: absent != ""}
		return h.meetings.StartNew(ctx, r, d.next(), d)
	}
	answers, err := r.Store.MeetingAnswers(ctx, id)
	if err != nil {
		return err
	}
	var present, absent, none []string
	for _, a := range answers {
		switch a.Answer {
		case storage.AnswerPresent:
			present = append(present, esc(a.FullName))
		case storage.AnswerAbsent:
			s := esc(a.FullName)
			if a.Reason != "" {
				s += " (" + esc(a.Reason) + ")"
			}
			absent = append(absent, s)
		default:
			none = append(none, esc(a.FullName))
		}
	}
	list := func(names []string) string {
		if len(names) == 0 {
			return "—"
		}
		return cut(strings.Join(names, ", "), 1200)
	}
	text := fmt.Sprintf("📋 <b>Trả lời lịch họp</b> %s, %s ngày %s\n✅ Có mặt %d: %s\n🚫 Vắng %d: %s\n❔ Chưa trả lời %d: %s",
		esc(m.OrgName), starts.Format("15:04"), vn.FormatDate(starts), t.Present, list(present), t.Absent, list(absent), t.Unanswered(), list(none))
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(button("🔄 Xem lại", cbMeetingTally, id), button("📝 Báo cáo buổi họp", cbMeetingTally, id, "r")))
	r.Show(text, &kb)
	return nil
}
