package handlers

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/quickform"
	"sotay/storage"
	"sotay/storage/vn"
)

// /sinhhoat reports a cell meeting: "/sinhhoat 15/11/2026; thường kỳ; 18/20;
// topic" stores it at once; the command alone, or a form with fields left
// out, opens the "sh" dialog at the first field missing. Both end in the
// same confirmation with "Sửa". A photo whose caption is the form is the
// minutes (kept by file_id).

// meetingDraft is the /sinhhoat dialog's state.
type meetingDraft struct {
	ReportID   int64  `json:"r,omitempty"`  // correcting this report
	Replace    int64  `json:"rp,omitempty"` // replacing this month's regular report
	Org        int64  `json:"o,omitempty"`
	Date       string `json:"d,omitempty"` // yyyy-mm-dd
	Kind       string `json:"k,omitempty"`
	Present    int    `json:"p,omitempty"`
	Total      int    `json:"t,omitempty"`
	HasPresent bool   `json:"hp,omitempty"`
	Topic      string `json:"tp,omitempty"`
	Absent     string `json:"ab,omitempty"`
	AbsentSeen bool   `json:"aa,omitempty"` // the absent question was answered
	Photo      string `json:"ph,omitempty"`
	PhotoAsked bool   `json:"pa,omitempty"`
}

type meetingConv = Conv[meetingDraft]

type meetingAction = func(context.Context, *meetingConv, Args) error

const msgMeetingStale = "Báo cáo này đã gửi, đã hủy hoặc đã hết hạn. Đồng chí gõ /sinhhoat để báo cáo buổi sinh hoạt khác."

// next is the first field the draft still needs, or the summary.
func (d meetingDraft) next() string {
	switch {
	case d.Org == 0:
		return "org"
	case d.Date == "":
		return "date"
	case d.Kind == "":
		return "kind"
	case !d.HasPresent:
		return "attendance"
	case d.Present < d.Total && d.Absent == "" && !d.AbsentSeen:
		return "absent"
	case d.Topic == "":
		return "topic"
	case !d.PhotoAsked:
		return "photo"
	}
	return "summary"
}

func (h *Handlers) meetingDialog() *Dialog[meetingDraft] {
	advance := func(c *meetingConv) { c.Goto(c.Draft.next()) }
	return &Dialog[meetingDraft]{
		Name:      "sh",
		Title:     "báo cáo sinh hoạt chi bộ",
		Cancelled: "Đã hủy báo cáo sinh hoạt, chưa lưu gì.",
		Stale:     msgMeetingStale,
		Steps: []*Step[meetingDraft]{
			{ID: "org", View: h.meetingOrgView, Actions: map[string]meetingAction{
				"o": func(ctx context.Context, c *meetingConv, a Args) error {
					id, err := a.ID(0)
					if err != nil {
						return err
					}
					if err := mayReport(ctx, c.Request, id); err != nil {
						return err
					}
					c.Draft.Org = id
					if err := h.fillTotal(ctx, c.Request, &c.Draft); err != nil {
						return err
					}
					advance(c)
					return nil
				},
			}},
			{ID: "date", View: h.meetingDateView,
				Text: func(ctx context.Context, c *meetingConv, text string) error {
					t, err := quickform.ParseDay(text, today(c.Request))
					if err != nil {
						return fieldError(err)
					}
					return h.meetingSetDate(ctx, c, t)
				},
				Actions: map[string]meetingAction{"d": func(ctx context.Context, c *meetingConv, a Args) error {
					t, err := pickDay(c.Request, a)
					if err != nil {
						return err
					}
					return h.meetingSetDate(ctx, c, t)
				}}},
			{ID: "kind", View: h.meetingKindView,
				Text: func(_ context.Context, c *meetingConv, text string) error {
					k := quickform.MeetingKind(text)
					if k == "" {
						return storage.Errorf(storage.CodeInvalid, "Loại sinh hoạt «%s» không có: đồng chí bấm «Thường kỳ» hoặc «Chuyên đề».", cut(text, 40))
					}
					c.Draft.Kind = k
					advance(c)
					return nil
				},
				Actions: map[string]meetingAction{"k": func(_ context.Context, c *meetingConv, a Args) error {
					switch a.Arg(0) {
					case storage.MeetingRegular, storage.MeetingTopical:
						c.Draft.Kind = a.Arg(0)
					default:
						return storage.ErrNotFound
					}
					advance(c)
					return nil
				}}},
			{ID: "attendance", View: h.meetingAttendanceView,
				Text: func(ctx context.Context, c *meetingConv, text string) error {
					p, t, hasTotal, err := quickform.ParseAttendance(text)
					if err != nil {
						return fieldError(err)
					}
					if err := h.meetingSetAttendance(ctx, c, p, t, hasTotal); err != nil {
						return err
					}
					advance(c)
					return nil
				},
				Actions: map[string]meetingAction{"rsvp": h.meetingFromAnswers, "a": func(ctx context.Context, c *meetingConv, a Args) error {
					p, err := a.Int(0, 0, quickform.MaxCount)
					if err != nil {
						return err
					}
					t, err := a.Int(1, 1, quickform.MaxCount)
					if err != nil || p > t {
						return storage.ErrNotFound
					}
					c.Draft.Present, c.Draft.Total, c.Draft.HasPresent = p, t, true
					advance(c)
					return nil
				}}},
			{ID: "topic", View: h.meetingTopicView,
				Text: func(_ context.Context, c *meetingConv, text string) error {
					t, err := reportText(text, "Nội dung sinh hoạt", "Quán triệt Kết luận 21-KL/TW")
					if err != nil {
						return err
					}
					c.Draft.Topic = t
					advance(c)
					return nil
				}},
			{ID: "absent", View: h.meetingAbsentView,
				Text: func(_ context.Context, c *meetingConv, text string) error {
					t, err := reportText(text, "Người vắng và lý do", "Lò Văn Minh (ốm)")
					if err != nil {
						return err
					}
					c.Draft.Absent, c.Draft.AbsentSeen = t, true
					advance(c)
					return nil
				},
				Actions: map[string]meetingAction{"none": func(_ context.Context, c *meetingConv, _ Args) error {
					c.Draft.Absent, c.Draft.AbsentSeen = "", true
					advance(c)
					return nil
				}}},
			{ID: "photo", View: h.meetingPhotoView,
				Text: func(_ context.Context, c *meetingConv, _ string) error {
					id := photoID(c.Message())
					if id == "" {
						return storage.Errorf(storage.CodeInvalid, "Đồng chí gửi ảnh chụp biên bản (bấm 📎 rồi chọn ảnh), hoặc bấm «Bỏ qua».")
					}
					c.Draft.Photo, c.Draft.PhotoAsked = id, true
					advance(c)
					return nil
				},
				Actions: map[string]meetingAction{
					"skip": func(_ context.Context, c *meetingConv, _ Args) error {
						c.Draft.PhotoAsked = true
						advance(c)
						return nil
					},
					"del": func(_ context.Context, c *meetingConv, _ Args) error {
						c.Draft.Photo, c.Draft.PhotoAsked = "", true
						advance(c)
						return nil
					},
				}},
			{ID: "summary", View: h.meetingSummaryView, Actions: map[string]meetingAction{
				"ok": h.meetingSend,
				"e": func(_ context.Context, c *meetingConv, _ Args) error {
					c.Goto("edit")
					return nil
				},
			}},
			{ID: "edit", View: h.meetingEditView, Actions: map[string]meetingAction{
				"f": func(_ context.Context, c *meetingConv, a Args) error {
					switch f := a.Arg(0); f {
					case "date", "kind", "attendance", "topic", "absent", "photo":
						c.Goto(f)
					case "org":
						if c.Draft.ReportID != 0 || c.Draft.Replace != 0 {
							return storage.ErrNotFound // a stored report stays with its organisation
						}
						c.Goto("org")
					default:
						return storage.ErrNotFound
					}
					return nil
				},
			}},
			{ID: "dup", View: h.meetingDupView, Actions: map[string]meetingAction{
				"rp": func(ctx context.Context, c *meetingConv, a Args) error {
					id, err := a.ID(0)
					if err != nil {
						return err
					}
					c.Draft.Replace = id
					return h.meetingSend(ctx, c, nil)
				},
				"e": func(_ context.Context, c *meetingConv, _ Args) error {
					c.Goto("edit")
					return nil
				},
			}},
		},
	}
}

// meetingCommand is /sinhhoat: a quick form, or the dialog.
func (h *Handlers) meetingCommand(ctx context.Context, r *Request) error {
	photo := photoID(r.Update.Message)
	code, args, err := leadingOrgCode(ctx, r, r.Args)
	if err != nil {
		return err
	}
	form, err := quickform.ParseMeeting(args, today(r))
	if err != nil {
		return formError(err, quickform.MeetingExample)
	}
	if code == "" {
		code = form.OrgCode
	}
	o, ask, err := reportOrg(ctx, r, code)
	if err != nil {
		return formError(err, quickform.MeetingExample)
	}
	d := meetingDraft{Kind: form.Kind, Topic: form.Topic, Absent: form.Absent, Photo: photo, PhotoAsked: photo != "", AbsentSeen: form.Absent != ""}
	if !ask {
		d.Org = o.ID
	}
	if form.HasDate {
		if !ask {
			if err := checkOrgDay(o, form.Date, h.deps.Location); err != nil {
				return formError(err, quickform.MeetingExample)
			}
		}
		d.Date = isoDay(form.Date)
	}
	if form.HasPresent {
		d.Present, d.Total, d.HasPresent = form.Present, form.Total, true
		if !form.HasTotal {
			d.Total = -1 // counted once the organisation and the day are known
		}
		if !ask && form.HasDate {
			if err := h.fillTotal(ctx, r, &d); err != nil {
				return formError(err, quickform.MeetingExample)
			}
		}
	}
	if !d.HasPresent && d.Org != 0 {
		if _, err := h.prefillFromAnswers(ctx, r, &d); err != nil {
			return err
		}
	}
	if strings.TrimSpace(r.Args) == "" && photo == "" {
		if many, err := pickInDialog(ctx, r, false); err != nil {
			return err
		} else if many {
			d.Org = 0
		}
		return h.meetings.Start(ctx, r, d.next(), d)
	}
	if form.Missing() == quickform.FieldNone {
		d.PhotoAsked = true // a whole form said all it means to
	}
	if form.Missing() != quickform.FieldNone || ask {
		return h.meetings.Start(ctx, r, d.next(), d)
	}
	// A complete form: stored at once, without a summary; the form was
	// the secretary's summary.
	d.PhotoAsked = true
	rep, err := h.saveMeeting(ctx, r, d)
	var dup *duplicateMeeting
	if errors.As(err, &dup) {
		return h.meetings.Start(ctx, r, "dup", d)
	}
	if err != nil {
		return formError(err, quickform.MeetingExample)
	}
	text, kb := meetingConfirmation(rep)
	r.Reply(text, *kb)
	return nil
}

// meetingFromAnswers is the attendance step's "theo trả lời lịch họp".
func (h *Handlers) meetingFromAnswers(ctx context.Context, c *meetingConv, _ Args) error {
	ok, err := h.prefillFromAnswers(ctx, c.Request, &c.Draft)
	if err != nil {
		return err
	}
	if !ok {
		return storage.ErrNotFound
	}
	c.Goto(c.Draft.next())
	return nil
}

// prefillFromAnswers takes present, total and who is absent (with their
// reasons) from the answers to the meeting announced for the draft's day,
// when there is one with answers.
func (h *Handlers) prefillFromAnswers(ctx context.Context, r *Request, d *meetingDraft) (bool, error) {
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return false, nil
	}
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.deps.Location)
	t, ok, err := r.Store.AnswersOn(ctx, d.Org, from, from.AddDate(0, 0, 1))
	if err != nil || !ok || t.Invited == 0 || t.Present+t.Absent == 0 {
		return false, err
	}
	absent, err := absentFromAnswers(ctx, r, t.MeetingID)
	if err != nil {
		return false, err
	}
	d.Present, d.Total, d.HasPresent = t.Present, t.Invited, true
	if absent != "" {
		d.Absent, d.AbsentSeen = absent, true
	}
	return true, nil
}

// noticePrefilled is said above the next step when the answers filled it.
const noticePrefilled = "📋 Số có mặt lấy theo trả lời lịch họp: %d/%d. Đồng chí sửa được ở bước cuối (✏️ Sửa)."

// absentFromAnswers lists who answered absent, with their reasons.
func absentFromAnswers(ctx context.Context, r *Request, meetingID int64) (string, error) {
	answers, err := r.Store.MeetingAnswers(ctx, meetingID)
	if err != nil {
		return "", err
	}
	var out []string
	for _, a := range answers {
		if a.Answer != storage.AnswerAbsent {
			continue
		}
		s := a.FullName
		if a.Reason != "" {
			s += " (" + a.Reason + ")"
		}
		out = append(out, s)
	}
	return cut(strings.Join(out, "; "), quickform.MaxText), nil
}

// fillTotal counts the cell's members on the day when the form gave only
// those present, and checks present against it.
func (h *Handlers) fillTotal(ctx context.Context, r *Request, d *meetingDraft) error {
	if !d.HasPresent || d.Total >= 0 {
		return nil
	}
	day, ok := parseISODay(d.Date)
	if !ok || d.Org == 0 {
		return nil
	}
	n, err := r.Store.MembersOn(ctx, d.Org, day)
	if err != nil {
		return err
	}
	if d.Present > n {
		return storage.Errorf(storage.CodeInvalid, "Số có mặt (%d) lớn hơn số đảng viên của tổ chức ngày %s theo danh sách (%d): đồng chí ghi có mặt/tổng số, ví dụ %d/%d.",
			d.Present, vn.FormatDate(day), n, d.Present, d.Present)
	}
	d.Total = n
	return nil
}

// photoID is the file_id of a photo sent, or of an image sent as a file
// (phones offer both); "" when the message has none.
func photoID(m *tgbotapi.Message) string {
	switch {
	case m == nil:
		return ""
	case len(m.Photo) > 0:
		return m.Photo[len(m.Photo)-1].FileID // the largest size
	case m.Document != nil && strings.HasPrefix(m.Document.MimeType, "image/"):
		return m.Document.FileID
	}
	return ""
}

// reportText checks a typed free-text answer.
func reportText(text, label, example string) (string, error) {
	text = strings.TrimSpace(text)
	switch {
	case text == "":
		return "", storage.Errorf(storage.CodeInvalid, "%s: đồng chí gõ bằng tin nhắn chữ, ví dụ «%s».", label, example)
	case len([]rune(text)) > quickform.MaxText:
		return "", storage.Errorf(storage.CodeInvalid, "%s dài quá %d ký tự: đồng chí viết gọn lại.", label, quickform.MaxText)
	}
	return text, nil
}

func (h *Handlers) meetingSetDate(ctx context.Context, c *meetingConv, t time.Time) error {
	o, err := c.Store.OrganisationByID(ctx, c.Draft.Org)
	if err != nil {
		return err
	}
	if err := checkOrgDay(o, t, h.deps.Location); err != nil {
		return err
	}
	c.Draft.Date = isoDay(t)
	if c.Draft.HasPresent && c.Draft.Total < 0 {
		if err := h.fillTotal(ctx, c.Request, &c.Draft); err != nil {
			return err
		}
	}
	if !c.Draft.HasPresent {
		ok, err := h.prefillFromAnswers(ctx, c.Request, &c.Draft)
		if err != nil {
			return err
		}
		if ok {
			c.Notice(fmt.Sprintf(noticePrefilled, c.Draft.Present, c.Draft.Total))
		}
	}
	c.Goto(c.Draft.next())
	return nil
}

func (h *Handlers) meetingSetAttendance(ctx context.Context, c *meetingConv, p, t int, hasTotal bool) error {
	c.Draft.Present, c.Draft.HasPresent = p, true
	if hasTotal {
		c.Draft.Total = t
		return nil
	}
	c.Draft.Total = -1
	return h.fillTotal(ctx, c.Request, &c.Draft)
}

// meetingHead is the first lines of every step: the report and what is filled.
func (h *Handlers) meetingHead(ctx context.Context, c *meetingConv) (string, error) {
	var b strings.Builder
	b.WriteString("📝 <b>Báo cáo sinh hoạt chi bộ</b>")
	if c.Draft.ReportID != 0 {
		b.WriteString(" (sửa)")
	}
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
	if c.Draft.Kind != "" {
		b.WriteString(" · " + storage.MeetingKindName(c.Draft.Kind))
	}
	if c.Draft.HasPresent && c.Draft.Total >= 0 {
		fmt.Fprintf(&b, " · có mặt %d/%d", c.Draft.Present, c.Draft.Total)
	}
	return b.String() + "\n\n", nil
}

func (h *Handlers) meetingOrgView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	items, err := reportOrgItems(ctx, c.Request, false)
	if err != nil {
		return "", nil, err
	}
	rows := Select(c, "orgs", items, "o")
	return "📝 <b>Báo cáo sinh hoạt chi bộ</b>\n\nBáo cáo cho tổ chức nào?", append(rows, c.CancelRow()), nil
}

func (h *Handlers) meetingDateView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := DateShortcuts(c, "d", today(c.Request), recentDays(c.Request, 3)...)
	// The days of meetings announced lately: their report starts from the answers.
	now := c.Now()
	ms, err := c.Store.MeetingsBetween(ctx, c.Draft.Org, now.AddDate(0, 0, -30), now)
	if err != nil {
		return "", nil, err
	}
	var row []tgbotapi.InlineKeyboardButton
	for _, m := range ms {
		day := m.StartsAt.In(h.deps.Location)
		row = append(row, c.Button("📅 "+day.Format("02/01")+" (lịch họp)", "d", day.Format("20060102")))
		if len(row) == 2 {
			break
		}
	}
	if row != nil {
		rows = append([][]tgbotapi.InlineKeyboardButton{row}, rows...)
	}
	return head + "Ngày họp? Bấm nút, hoặc gõ ngày (ví dụ 15/11/2026).", append(rows, c.CancelRow()), nil
}

func (h *Handlers) meetingKindView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Loại sinh hoạt?", [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Thường kỳ", "k", storage.MeetingRegular), c.Button("Chuyên đề", "k", storage.MeetingTopical)),
		c.CancelRow(),
	}, nil
}

func (h *Handlers) meetingAttendanceView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	day, _ := parseISODay(c.Draft.Date)
	from := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, h.deps.Location)
	if t, ok, err := c.Store.AnswersOn(ctx, c.Draft.Org, from, from.AddDate(0, 0, 1)); err != nil {
		return "", nil, err
	} else if ok && t.Invited > 0 {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(c.Button(fmt.Sprintf("📋 %d/%d theo trả lời lịch họp", t.Present, t.Invited), "rsvp")))
	}
	n, err := c.Store.MembersOn(ctx, c.Draft.Org, day)
	if err != nil {
		return "", nil, err
	}
	if n > 0 {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(c.Button(fmt.Sprintf("✅ Đủ %d/%d", n, n), "a", n, n)))
	}
	rows = append(rows, c.CancelRow())
	return head + fmt.Sprintf("Số đảng viên có mặt? Gõ có mặt/tổng số, ví dụ 18/%d, hoặc chỉ số có mặt (tổng số theo danh sách: %d).", max(n, 20), n), rows, nil
}

func (h *Handlers) meetingTopicView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Nội dung sinh hoạt? Gõ ngắn gọn, ví dụ «Quán triệt Kết luận 21-KL/TW».", [][]tgbotapi.InlineKeyboardButton{c.CancelRow()}, nil
}

func (h *Handlers) meetingAbsentView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return head + "Ai vắng, lý do gì? Gõ ví dụ «Lò Văn Minh (ốm); Giàng A Páo (đi làm xa)».", [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Không ghi", "none")), c.CancelRow()}, nil
}

func (h *Handlers) meetingPhotoView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := [][]tgbotapi.InlineKeyboardButton{tgbotapi.NewInlineKeyboardRow(c.Button("Bỏ qua", "skip"))}
	if c.Draft.Photo != "" {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(c.Button("🗑 Bỏ ảnh đã gửi", "del")))
	}
	return head + "Ảnh biên bản (không bắt buộc): gửi một ảnh chụp, hoặc bấm «Bỏ qua».", append(rows, c.CancelRow()), nil
}

// meetingLines describes a meeting report's figures.
func meetingLines(orgName string, kind string, day time.Time, present, total int, topic, absent string, photo bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Tổ chức: %s\nNgày: %s · %s\nCó mặt: %d/%d đảng viên", esc(orgName), vn.FormatDate(day), storage.MeetingKindName(kind), present, total)
	if absent != "" {
		fmt.Fprintf(&b, "\nVắng: %s", esc(cut(absent, 300)))
	}
	fmt.Fprintf(&b, "\nNội dung: %s", esc(cut(topic, 500)))
	if photo {
		b.WriteString("\nẢnh biên bản: có")
	}
	return b.String()
}

func (h *Handlers) meetingSummaryView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	d := c.Draft
	o, err := c.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return "", nil, err
	}
	day, _ := parseISODay(d.Date)
	title := "📝 <b>Báo cáo sinh hoạt chi bộ</b> — đồng chí kiểm tra lại:\n"
	if d.ReportID != 0 {
		title = "📝 <b>Sửa báo cáo sinh hoạt chi bộ</b> — gửi sẽ lưu phiên bản mới, bản cũ vẫn giữ:\n"
	}
	return title + meetingLines(o.Name, d.Kind, day, d.Present, d.Total, d.Topic, d.Absent, d.Photo != ""), [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("✅ Gửi", "ok"), c.Button("✏️ Sửa", "e"), c.Button("✖ Hủy", actCancel)),
	}, nil
}

func (h *Handlers) meetingEditView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	head, err := h.meetingHead(ctx, c)
	if err != nil {
		return "", nil, err
	}
	rows := [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("Ngày", "f", "date"), c.Button("Loại", "f", "kind"), c.Button("Số có mặt", "f", "attendance")),
		tgbotapi.NewInlineKeyboardRow(c.Button("Nội dung", "f", "topic"), c.Button("Người vắng", "f", "absent"), c.Button("Ảnh", "f", "photo")),
	}
	if c.Draft.ReportID == 0 && c.Draft.Replace == 0 && len(c.Scope(Secretary).Roots()) > 0 {
		rows = append(rows, tgbotapi.NewInlineKeyboardRow(c.Button("Tổ chức", "f", "org")))
	}
	rows = append(rows, tgbotapi.NewInlineKeyboardRow(c.Button("◀ Quay lại", actBack), c.Button("✖ Hủy", actCancel)))
	return head + "Sửa mục nào?", rows, nil
}

func (h *Handlers) meetingDupView(ctx context.Context, c *meetingConv) (string, [][]tgbotapi.InlineKeyboardButton, error) {
	day, _ := parseISODay(c.Draft.Date)
	old, err := c.Store.RegularMeeting(ctx, c.Draft.Org, day)
	if errors.Is(err, storage.ErrNotFound) {
		// The other report is gone (its date was corrected): send as new.
		return h.meetingSummaryView(ctx, c)
	}
	if err != nil {
		return "", nil, err
	}
	text := fmt.Sprintf("⚠️ %s đã có báo cáo sinh hoạt thường kỳ tháng %s:\n%s\n\nThay báo cáo cũ bằng báo cáo mới (ngày %s, có mặt %d/%d)? Bản cũ vẫn được giữ trong lịch sử.",
		esc(old.OrgName), day.Format("01/2006"),
		meetingLines(old.OrgName, old.Kind, old.HeldOn, old.Present, old.Total, old.Topic, old.AbsentReasons, old.MinutesFile != ""),
		vn.FormatDate(day), c.Draft.Present, c.Draft.Total)
	return text, [][]tgbotapi.InlineKeyboardButton{
		tgbotapi.NewInlineKeyboardRow(c.Button("🔁 Thay báo cáo cũ", "rp", old.ID)),
		tgbotapi.NewInlineKeyboardRow(c.Button("✏️ Sửa báo cáo mới", "e"), c.Button("✖ Hủy", actCancel)),
	}, nil
}

// duplicateMeeting is a second regular meeting report in a month.
type duplicateMeeting struct{ existing int64 }

func (e *duplicateMeeting) Error() string {
	return fmt.Sprintf("regular meeting report %d exists", e.existing)
}

// saveMeeting checks a complete draft once more and stores it.
func (h *Handlers) saveMeeting(ctx context.Context, r *Request, d meetingDraft) (storage.MeetingReport, error) {
	var rep storage.MeetingReport
	if err := mayReport(ctx, r, d.Org); err != nil {
		return rep, err
	}
	o, err := r.Store.OrganisationByID(ctx, d.Org)
	if err != nil {
		return rep, err
	}
	day, ok := parseISODay(d.Date)
	if !ok || day.After(today(r)) {
		return rep, storage.Errorf(storage.CodeInvalid, "Ngày họp chưa đúng: đồng chí chọn lại ngày.")
	}
	if err := checkOrgDay(o, day, h.deps.Location); err != nil {
		return rep, err
	}
	if err := h.fillTotal(ctx, r, &d); err != nil {
		return rep, err
	}
	if d.Present < 0 || d.Total <= 0 || d.Present > d.Total {
		return rep, storage.Errorf(storage.CodeInvalid, "Số có mặt (%d) không được lớn hơn tổng số (%d): đồng chí ghi lại, ví dụ 18/20.", d.Present, d.Total)
	}
	in := storage.MeetingInput{ReportID: d.ReportID, OrgID: d.Org, Kind: d.Kind, HeldOn: day, Present: d.Present, Total: d.Total,
		AbsentReasons: d.Absent, Topic: d.Topic, MinutesFile: d.Photo, By: r.Member.ID, Change: storage.ChangeCorrected}
	if d.ReportID == 0 && d.Replace != 0 {
		old, err := r.Store.MeetingReport(ctx, d.Replace)
		if err != nil {
			return rep, err
		}
		if old.OrgID != d.Org {
			return rep, storage.ErrNotFound
		}
		in.ReportID, in.Change = d.Replace, storage.ChangeReplaced
	}
	if in.ReportID == 0 && d.Kind == storage.MeetingRegular {
		old, err := r.Store.RegularMeeting(ctx, d.Org, day)
		if err == nil {
			return rep, &duplicateMeeting{existing: old.ID}
		}
		if !errors.Is(err, storage.ErrNotFound) {
			return rep, err
		}
	}
	rep, err = r.Store.SaveMeetingReport(ctx, in)
	if storage.ErrorCode(err) == storage.CodeConflict {
		// A correction moved it onto a month that has its regular meeting.
		return rep, storage.Errorf(storage.CodeConflict, "%s Đồng chí sửa báo cáo của tháng đó thay vì báo cáo này, hoặc chọn «Chuyên đề».", storage.ErrorMessage(err))
	}
	return rep, err
}

// meetingSend is "Gửi" on the summary (and "Thay báo cáo cũ").
func (h *Handlers) meetingSend(ctx context.Context, c *meetingConv, _ Args) error {
	if step := c.Draft.next(); step != "summary" {
		c.Goto(step)
		return nil
	}
	rep, err := h.saveMeeting(ctx, c.Request, c.Draft)
	var dup *duplicateMeeting
	if errors.As(err, &dup) {
		c.Goto("dup")
		return nil
	}
	if err != nil {
		return err
	}
	text, kb := meetingConfirmation(rep)
	c.End(text, kb)
	c.Toast = "Đã lưu báo cáo."
	return nil
}

// meetingConfirmation names what was stored, with "Sửa".
func meetingConfirmation(rep storage.MeetingReport) (string, *tgbotapi.InlineKeyboardMarkup) {
	text := fmt.Sprintf("✅ Đã lưu báo cáo sinh hoạt chi bộ số %d%s:\n%s", rep.ID, versionNote(rep.Version, rep.Change),
		meetingLines(rep.OrgName, rep.Kind, rep.HeldOn, rep.Present, rep.Total, rep.Topic, rep.AbsentReasons, rep.MinutesFile != ""))
	kb := tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(editButton(rtMeeting, rep.ID)))
	return text, &kb
}

// meetingDraftOf is the dialog draft that corrects a stored report.
func meetingDraftOf(m storage.MeetingReport) meetingDraft {
	return meetingDraft{ReportID: m.ID, Org: m.OrgID, Date: isoDay(m.HeldOn), Kind: m.Kind, Present: m.Present, Total: m.Total,
		HasPresent: true, Topic: m.Topic, Absent: m.AbsentReasons, AbsentSeen: true, Photo: m.MinutesFile, PhotoAsked: true}
}
