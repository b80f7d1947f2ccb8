package handlers

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// /baocao reads reports back: a secretary's recent reports with their
// versions, and for officers the reports in their scope to mark reviewed
// or return with a comment that reaches the reporter (who corrects it: a
// new version). Buttons: rv:l:<offset> a page, rv:v:<id> one report,
// rv:p:<id> its minutes photo, rv:ok:<id> reviewed, rv:back:<id> return
// (the "tl" dialog asks why).

const reportPage = 8

// reportItem is one line of the list, of either type.
type reportItem struct {
	ID         int64
	Type       string
	Label      string
	State      string
	ReportedAt time.Time
}

func stateMark(state string) string {
	switch state {
	case storage.ReportReviewed:
		return "✔"
	case storage.ReportReturned:
		return "↩"
	}
	return "⏳"
}

// reportList is /baocao and rv:l:<offset>.
func (h *Handlers) reportList(ctx context.Context, r *chat.Request) error {
	off, waiting := 0, false
	if r.Update.CallbackQuery != nil {
		off, waiting = r.CB.Offset(1), r.CB.Arg(2) == "s"
	}
	roots := reportScope(r).Roots()
	f := storage.ReportFilter{Roots: roots, Newest: true, Limit: off + reportPage + 1}
	if waiting {
		f.State = storage.ReportSubmitted
	}
	filter := func(args ...any) []any {
		if waiting {
			return append(args, "s")
		}
		return args
	}
	ms, err := r.Store.MeetingReports(ctx, f)
	if err != nil {
		return err
	}
	ss, err := r.Store.SupervisionReports(ctx, f)
	if err != nil {
		return err
	}
	var items []reportItem
	for _, m := range ms {
		items = append(items, reportItem{ID: m.ID, Type: rtMeeting, State: m.State, ReportedAt: m.ReportedAt,
			Label: fmt.Sprintf("%s 📝 %s %s · %d/%d", stateMark(m.State), m.HeldOn.Format("02/01"), m.OrgName, m.Present, m.Total)})
	}
	for _, s := range ss {
		items = append(items, reportItem{ID: s.ID, Type: rtSupervision, State: s.State, ReportedAt: s.ReportedAt,
			Label: fmt.Sprintf("%s 🔍 %s %s · %s", stateMark(s.State), s.HeldOn.Format("02/01"), s.OrgName, storage.SupervisionKindName(s.Kind))})
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].ReportedAt.After(items[j].ReportedAt) })
	if len(items) == 0 && off == 0 && waiting {
		kb := chat.NewMarkup(chat.NewRow(chat.NewButton("🗂 Tất cả báo cáo", cbReview, "l", 0)))
		r.Show("Không còn báo cáo nào chờ xem.", &kb)
		return nil
	}
	if len(items) == 0 && off == 0 {
		r.Show("Chưa có báo cáo nào. Đồng chí gõ /sinhhoat để báo cáo buổi sinh hoạt, /kiemtra để báo cáo kiểm tra, giám sát.", nil)
		return nil
	}
	if off > len(items) {
		off = 0
	}
	end := min(off+reportPage, len(items))
	var rows chat.Keyboard
	for _, it := range items[off:end] {
		rows = append(rows, chat.NewRow(chat.NewButton(vn.Cut(it.Label, 60), cbReview, "v", it.ID)))
	}
	var nav chat.Row
	if off > 0 {
		nav = append(nav, chat.NewButton(chat.LabelPrev, cbReview, filter("l", max(off-reportPage, 0))...))
	}
	if len(items) > end {
		nav = append(nav, chat.NewButton(chat.LabelNext, cbReview, filter("l", end)...))
	}
	if nav != nil {
		rows = append(rows, nav)
	}
	if !r.Scope(chat.Officer).Empty() {
		if waiting {
			rows = append(rows, chat.NewRow(chat.NewButton("🗂 Tất cả báo cáo", cbReview, "l", 0)))
		} else {
			rows = append(rows, chat.NewRow(chat.NewButton("⏳ Chỉ báo cáo chờ xem", cbReview, "l", 0, "s")))
		}
	}
	kb := chat.NewMarkup(rows...)
	r.Show("🗂 <b>Báo cáo gần đây</b> (⏳ chờ xem, ✔ đã xem, ↩ trả lại để sửa). Bấm để xem, sửa hoặc xem các phiên bản:", &kb)
	return nil
}

// reviewButton takes rv:<l|v|ok|back>:<…>.
func (h *Handlers) reviewButton(ctx context.Context, r *chat.Request) error {
	if r.CB.Arg(0) == "l" {
		return h.reportList(ctx, r)
	}
	info, err := pressedReport(ctx, r)
	if err != nil {
		return err
	}
	switch r.CB.Arg(0) {
	case "v":
		return h.showReport(ctx, r, info)
	case "p":
		return h.minutesPhoto(ctx, r, info)
	case "ok", "back":
		if ok, err := r.Scope(chat.Officer).Covers(ctx, info.OrgID); err != nil {
			return err
		} else if !ok {
			return storage.ErrForbidden
		}
		if r.CB.Arg(0) == "back" {
			return h.returning.StartNew(ctx, r, stepReturnWhy, returnDraft{Report: info.ID})
		}
		if info.State == storage.ReportReviewed {
			// A button of an older drawing: nothing more to mark.
			r.Toast = "Báo cáo này đã được đánh dấu đã xem."
			return h.showReport(ctx, r, info)
		}
		if err := r.Store.ReviewReport(ctx, info.ID, r.Member.ID, ""); err != nil {
			return err
		}
		r.Toast = "Đã đánh dấu đã xem."
		info.State = storage.ReportReviewed
		return h.showReport(ctx, r, info)
	}
	return storage.ErrNotFound
}

// showReport shows a report, its state and every version.
func (h *Handlers) showReport(ctx context.Context, r *chat.Request, info storage.ReportInfo) error {
	var b strings.Builder
	typ, state, photo := rtMeeting, "", false
	switch info.Type {
	case storage.ReportMeeting:
		vs, err := r.Store.MeetingVersions(ctx, info.ID)
		if err != nil || len(vs) == 0 {
			return err
		}
		m := vs[len(vs)-1]
		state, photo = m.State, m.HasMinutes()
		fmt.Fprintf(&b, "📝 <b>Báo cáo sinh hoạt chi bộ số %d</b> %s\n", m.ID, reviewState(m.State, m.ReviewComment))
		b.WriteString(factsOf(m).lines())
		b.WriteString("\n\n<b>Các phiên bản</b>")
		for _, v := range vs {
			fmt.Fprintf(&b, "\n%d. %s — %s · %s/%s %d/%d%s · %s", v.Version, v.ReportedAt.In(h.deps.Location).Format("15:04 02/01/2006"),
				changeName(v.Change), v.HeldOn.Format("02/01"), storage.MeetingKindName(v.Kind), v.Present, v.Total, versionExtras(v), esc(reporter(v.ReportedByName)))
		}
	case storage.ReportSupervision:
		typ = rtSupervision
		vs, err := r.Store.SupervisionVersions(ctx, info.ID)
		if err != nil || len(vs) == 0 {
			return err
		}
		s := vs[len(vs)-1]
		state = s.State
		fmt.Fprintf(&b, "🔍 <b>Báo cáo %s số %d</b> %s\n", storage.SupervisionKindName(s.Kind), s.ID, reviewState(s.State, s.ReviewComment))
		b.WriteString(supervisionLines(s.OrgName, s.Body, s.Kind, s.HeldOn, s.OrgsExamined, s.MembersExamined, s.Violations, s.Content, s.Measures))
		b.WriteString("\n\n<b>Các phiên bản</b>")
		for _, v := range vs {
			fmt.Fprintf(&b, "\n%d. %s — %s · %s %d tổ chức, %d đảng viên, %d vi phạm · %s", v.Version, v.ReportedAt.In(h.deps.Location).Format("15:04 02/01/2006"),
				changeName(v.Change), v.HeldOn.Format("02/01"), v.OrgsExamined, v.MembersExamined, v.Violations, esc(reporter(v.ReportedByName)))
		}
	default:
		return storage.ErrNotFound
	}
	rows := chat.Keyboard{chat.NewRow(editButton(typ, info.ID), chat.NewButton("🗂 Danh sách", cbReview, "l", 0))}
	if photo {
		rows = append(rows, chat.NewRow(chat.NewButton(labelMinutesPhoto, cbReview, "p", info.ID)))
	}
	if ok, err := r.Scope(chat.Officer).Covers(ctx, info.OrgID); err != nil {
		return err
	} else if ok {
		// "Đã xem" only on a report not marked so yet; returning stays
		// open (a second look may find what the first missed).
		var row chat.Row
		if state != storage.ReportReviewed {
			row = append(row, chat.NewButton("✔ Đã xem", cbReview, "ok", info.ID))
		}
		rows = append(rows, append(row, chat.NewButton("↩ Trả lại để sửa", cbReview, "back", info.ID)))
	}
	kb := chat.NewMarkup(rows...)
	r.Show(b.String(), &kb)
	return nil
}

const labelMinutesPhoto = "📷 Xem ảnh biên bản"

// minutesPhoto is rv:p:<id>: the minutes photo of a meeting report, to
// whoever may see the report (pressedReport checked that), from the file
// store as Telegram holds it (a photo, or an image the secretary sent as a
// file); one from before the store, kept only by its file_id, by that
// file_id, its bytes fetched and kept after the send (files.go).
func (h *Handlers) minutesPhoto(ctx context.Context, r *chat.Request, info storage.ReportInfo) error {
	if info.Type != storage.ReportMeeting {
		return storage.ErrNotFound
	}
	m, err := r.Store.MeetingReport(ctx, info.ID)
	if err != nil {
		return err
	}
	if !m.HasMinutes() {
		r.Toast = "Báo cáo này không có ảnh biên bản."
		return nil
	}
	caption := fmt.Sprintf("📷 Ảnh biên bản — báo cáo sinh hoạt chi bộ số %d (%s, ngày %s)", m.ID, esc(m.OrgName), vn.FormatDate(m.HeldOn))
	r.Toast = "Đang gửi ảnh biên bản…"
	if m.MinutesStore != 0 {
		return h.queueSend(ctx, r, outFile{Store: m.MinutesStore}, caption)
	}
	p := tgbotapi.NewPhoto(r.ChatID, tgbotapi.FileID(m.MinutesFile))
	p.Caption, p.ParseMode = caption, tgbotapi.ModeHTML
	// An image the secretary sent as a file is a document to Telegram.
	d := tgbotapi.NewDocument(r.ChatID, tgbotapi.FileID(m.MinutesFile))
	d.Caption, d.ParseMode = caption, tgbotapi.ModeHTML
	r.QueueOrThen(p, d, func(ctx context.Context, sent tgbotapi.Message) error {
		f := outFile{FileID: m.MinutesFile, Kind: storage.AsPhoto, Mime: "image/jpeg"}
		if sent.Document != nil {
			f.Kind, f.Name, f.Mime = storage.AsDocument, sent.Document.FileName, sent.Document.MimeType
		}
		return h.adoptAfterSend(f)(ctx, sent)
	})
	return nil
}

// versionExtras is what a version of a meeting report adds to its line:
// its times, who it names absent, the documents studied.
func versionExtras(v storage.MeetingReport) string {
	var parts []string
	if v.Starts != nil && v.Ends != nil {
		parts = append(parts, v.Starts.String()+"–"+v.Ends.String())
	}
	var absent []string
	for _, a := range v.Attendance {
		if !a.Present() {
			absent = append(absent, a.FullName)
		}
	}
	if len(absent) > 0 {
		parts = append(parts, "vắng: "+vn.Cut(strings.Join(absent, ", "), 120))
	}
	for _, s := range v.Studied {
		parts = append(parts, "học "+s.DocNumber)
	}
	if len(parts) == 0 {
		return ""
	}
	return " · " + esc(strings.Join(parts, " · "))
}

func reviewState(state, comment string) string {
	switch state {
	case storage.ReportReviewed:
		return "(✔ đã xem)"
	case storage.ReportReturned:
		return "(↩ trả lại: " + esc(vn.Cut(comment, 200)) + ")"
	}
	return "(⏳ chờ xem)"
}

func changeName(c string) string {
	switch c {
	case storage.ChangeCorrected:
		return "sửa"
	case storage.ChangeReplaced:
		return "thay báo cáo cũ"
	}
	return "gửi lần đầu"
}

func reporter(name string) string {
	if name == "" {
		return "nhập từ máy tính"
	}
	return name
}

// returnDraft asks why a report is returned.
type returnDraft struct {
	Report int64 `json:"r"`
}

// stepReturnWhy is the "tl" dialog's one step.
const stepReturnWhy chat.StepID[returnDraft] = "why"

func (h *Handlers) returnDialog() *chat.Dialog[returnDraft] {
	return &chat.Dialog[returnDraft]{
		Name:      "tl",
		Title:     "trả lại báo cáo",
		Cancelled: "Đã hủy, báo cáo không bị trả lại.",
		Stale:     "Việc trả lại báo cáo này đã xong hoặc đã hủy.",
		Steps: []*chat.Step[returnDraft]{{
			ID: stepReturnWhy,
			View: func(_ context.Context, c *chat.Conv[returnDraft]) (string, chat.Keyboard, error) {
				return fmt.Sprintf("↩ Trả lại báo cáo số %d: đồng chí gõ ý kiến để người báo cáo sửa, ví dụ «Ghi rõ người vắng và lý do».", c.Draft.Report),
					chat.Keyboard{c.CancelRow()}, nil
			},
			Text: typedText(storage.FieldComment, "Ý kiến", h.returnReport),
		}},
	}
}

// returnReport stores the comment and tells the reporter through the outbox.
func (h *Handlers) returnReport(ctx context.Context, c *chat.Conv[returnDraft], comment string) error {
	comment = vn.Cut(comment, 500)
	info, err := c.Store.ReportByID(ctx, c.Draft.Report)
	if err != nil {
		return err
	}
	if ok, err := c.Scope(chat.Officer).Covers(ctx, info.OrgID); err != nil {
		return err
	} else if !ok {
		return storage.ErrForbidden
	}
	if err := c.Store.ReviewReport(ctx, info.ID, c.Member.ID, comment); err != nil {
		return err
	}
	what, typ := "", rtMeeting
	switch info.Type {
	case storage.ReportMeeting:
		m, err := c.Store.MeetingReport(ctx, info.ID)
		if err != nil {
			return err
		}
		what = fmt.Sprintf("Báo cáo sinh hoạt chi bộ số %d (%s, ngày %s)", m.ID, esc(m.OrgName), vn.FormatDate(m.HeldOn))
	default:
		typ = rtSupervision
		s, err := c.Store.SupervisionReport(ctx, info.ID)
		if err != nil {
			return err
		}
		what = fmt.Sprintf("Báo cáo %s số %d (%s, ngày %s)", storage.SupervisionKindName(s.Kind), s.ID, esc(s.OrgName), vn.FormatDate(s.HeldOn))
	}
	told := "người báo cáo chưa liên kết Telegram và chưa đăng nhập web, đồng chí báo trực tiếp"
	if info.ReportedBy != nil {
		m, err := c.Store.MemberByID(ctx, *info.ReportedBy)
		if err != nil {
			return err
		}
		chatID, ok, err := c.Store.MemberChat(ctx, m)
		if err != nil {
			return err
		}
		if ok {
			msg := fmt.Sprintf("↩ %s được trả lại để sửa.\nÝ kiến của đồng chí %s: %s\nĐồng chí bấm «Sửa» để gửi bản đã sửa (bản cũ vẫn được giữ).",
				what, esc(c.Member.FullName), esc(comment))
			kb := chat.NewMarkup(chat.NewRow(editButton(typ, info.ID)))
			if _, err := c.Store.Enqueue(ctx, storage.OutboxNotice, chatID, msg, kb); err != nil {
				return err
			}
			told = "đã báo cho đồng chí " + esc(m.FullName)
		}
	}
	c.End(fmt.Sprintf("↩ Đã trả lại %s kèm ý kiến; %s.", what, told), nil)
	return nil
}
