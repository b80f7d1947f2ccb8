package handlers

import (
	"context"
	"fmt"
	"strings"
	"time"

	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/vn"
)

// The member's side of a campaign: the pushed message and its "✅ Tôi đã
// học" button (hoc:<assignment>[:c] — c when pressed on a document card),
// the push shown again (hp:<assignment>), /hoctap (what is left to study)
// and /cuatoi (the member's record). Offline study is in offline.go,
// reminders in reminders.go.

const (
	labelStudied    = "✅ Tôi đã học"
	msgStudyThanks  = "✅ Đã ghi nhận đồng chí đã học văn bản. Cảm ơn đồng chí!"
	msgStudyNothing = "🎉 Đồng chí không còn văn bản nào phải học. Cảm ơn đồng chí!"
)

// pushText is the pushed message without its closing instruction.
func pushText(d storage.Document, c storage.Campaign) string {
	var b strings.Builder
	fmt.Fprintf(&b, "📢 <b>%s số %s</b>\n", esc(storage.DocumentKindName(d.Kind)), esc(d.Number))
	if d.Issuer != "" {
		fmt.Fprintf(&b, "%s, ", esc(d.Issuer))
	}
	fmt.Fprintf(&b, "ngày %s\n<b>%s</b>\n", d.IssuedOn.Format("02/01/2006"), esc(vn.Cut(d.Title, 500)))
	if s := strings.TrimSpace(d.Summary); s != "" {
		fmt.Fprintf(&b, "\n%s\n", esc(vn.Cut(s, 2500)))
	}
	if c.DueOn != nil {
		fmt.Fprintf(&b, "\n⏰ Hạn học tập: <b>%s</b>", c.DueOn.Format("02/01/2006"))
	}
	return b.String()
}

// PushMessage is the message a member receives for one assignment: kind,
// number, date, title, summary, deadline, and the buttons to read the text,
// get the file and confirm studying.
func PushMessage(d storage.Document, c storage.Campaign, assignmentID int64) (string, any) {
	hint := "\nĐồng chí đọc văn bản rồi bấm «✅ Tôi đã học» để xác nhận."
	if c.QuizRequired {
		hint = fmt.Sprintf("\nĐồng chí đọc văn bản rồi bấm «%s» (đạt từ %d%%) để xác nhận đã học.", labelQuiz, c.PassPercent)
	}
	return pushText(d, c) + hint, pushKeyboard(d, c, assignmentID, false, nil)
}

// studiedLine is what a pushed message shows once studied.
func studiedLine(at time.Time, loc *time.Location) string {
	return "\n\n✅ <b>Đã học ngày " + dateVN(at.In(loc)) + "</b>"
}

// pushKeyboard: read, get the file, hear the summary offered (voice, nil
// for none, listen.go), and confirm studying.
func pushKeyboard(d storage.Document, c storage.Campaign, assignmentID int64, studied bool, voice *storage.VoiceSummary) chat.Markup {
	var rows chat.Keyboard
	var first chat.Row
	if d.Body != "" {
		first = append(first, chat.NewButton(labelReadText, cbText, d.ID, 1))
	}
	if d.HasFile() {
		first = append(first, chat.NewButton(labelGetFile, cbFile, d.ID))
	}
	if len(first) > 0 {
		rows = append(rows, first)
	}
	if voice != nil {
		rows = append(rows, chat.NewRow(listenButton(*voice)))
	}
	if !studied {
		rows = append(rows, studyButtons(c.QuizRequired, c.HasQuiz, assignmentID, ""))
	}
	return chat.NewMarkup(rows...)
}

// studied is "✅ Tôi đã học", on a pushed message or a document card. Only
// the member the assignment belongs to may press it (the data names an
// assignment; the storage checks whose); a second press, or one after the
// document was withdrawn or the campaign closed, answers and changes nothing.
func (h *Handlers) studied(ctx context.Context, r *chat.Request) error {
	id, err := r.ArgID(0)
	if err != nil {
		return err
	}
	acted, received, err := r.ActedAt(ctx)
	if err != nil {
		return err
	}
	t, changed, err := r.Store.MarkStudiedAt(ctx, id, r.Member.ID, acted)
	if storage.IsExpected(err) && storage.ErrorCode(err) == storage.CodeConflict {
		r.Toast = storage.ErrorMessage(err)
		return nil
	}
	if err != nil {
		return err
	}
	if !changed {
		r.Toast = "Đồng chí đã xác nhận học văn bản này rồi."
		if t.StudiedAt != nil {
			r.Toast = fmt.Sprintf("Đồng chí đã xác nhận học văn bản này ngày %s rồi.", dateVN(t.StudiedAt.In(h.deps.Location)))
		}
		return nil
	}
	d, err := r.Store.DocumentByID(ctx, t.DocumentID)
	if err != nil {
		return err
	}
	line := recordedLine(acted, received, *t.StudiedAt, h.deps.Location)
	r.Toast = msgStudyThanks + toastLine(line)
	if r.CB.Arg(1) == "c" {
		text, kb, err := h.documentCard(ctx, r, d)
		if err != nil {
			return err
		}
		r.Show(text+line, &kb)
		return nil
	}
	c, err := r.Store.Campaign(ctx, t.CampaignID)
	if err != nil {
		return err
	}
	voice, err := offeredVoice(ctx, r, d.ID)
	if err != nil {
		return err
	}
	kb := pushKeyboard(d, c, t.ID, true, voice)
	r.Show(pushText(d, c)+studiedLine(*t.StudiedAt, h.deps.Location)+line, &kb)
	return nil
}

// memberTarget loads an assignment the pressing member owns.
func (h *Handlers) memberTarget(ctx context.Context, r *chat.Request) (storage.StudyTarget, error) {
	id, err := r.ArgID(0)
	if err != nil {
		return storage.StudyTarget{}, err
	}
	t, err := r.Store.StudyTarget(ctx, id)
	if err != nil {
		return t, err
	}
	if t.MemberID != r.Member.ID {
		return t, storage.ErrForbidden
	}
	return t, nil
}

// pushAgain is hp:<assignment>: the pushed message of one of the member's
// assignments, again, as a new message (from /hoctap or a reminder).
func (h *Handlers) pushAgain(ctx context.Context, r *chat.Request) error {
	t, err := h.memberTarget(ctx, r)
	if err != nil {
		return err
	}
	d, err := r.Store.DocumentByID(ctx, t.DocumentID)
	if err != nil {
		return err
	}
	if d.Status != storage.DocPublished {
		return storage.Errorf(storage.CodeNotFound, msgDocWithdrawn)
	}
	c, err := r.Store.Campaign(ctx, t.CampaignID)
	if err != nil {
		return err
	}
	voice, err := offeredVoice(ctx, r, d.ID)
	if err != nil {
		return err
	}
	if t.Studied() {
		kb := pushKeyboard(d, c, t.ID, true, voice)
		r.Reply(pushText(d, c)+studiedLine(*t.StudiedAt, h.deps.Location), kb)
		return nil
	}
	text, kb := PushMessage(d, c, t.ID)
	if voice != nil {
		text, kb = PushVoiceMessage(d, c, t.ID, *voice)
	}
	r.Reply(text, kb)
	return nil
}

// studyCommand is /hoctap: the member's documents still to study, nearest
// deadline first; secretaries and officers also get their tools.
func (h *Handlers) studyCommand(ctx context.Context, r *chat.Request) error {
	ts, err := r.Store.OpenStudy(ctx, r.Member.ID)
	if err != nil {
		return err
	}
	today := r.Now()
	var b strings.Builder
	var rows chat.Keyboard
	if len(ts) == 0 {
		b.WriteString(msgStudyNothing)
	} else {
		fmt.Fprintf(&b, "📚 <b>Văn bản đồng chí cần học</b> (%d):\n", len(ts))
		for i, t := range ts {
			fmt.Fprintf(&b, "\n%d. <b>%s</b> — %s", i+1, esc(t.DocNumber), esc(vn.Cut(t.DocTitle, 120)))
			b.WriteString("\n    " + dueLabel(t, today))
			label := fmt.Sprintf("%d. %s", i+1, t.DocNumber)
			if t.Overdue(today) {
				label = "⚠️ " + label
			}
			rows = append(rows, chat.NewRow(chat.NewButton(vn.Cut(label, 40), cbPushAgain, t.ID)))
		}
		b.WriteString("\n\nBấm vào văn bản để mở lại, đọc rồi bấm «✅ Tôi đã học».")
	}
	rows = append(rows, h.studyTools(r)...)
	rows = append(rows, chat.NewRow(chat.CommandButton("📒 Kết quả của tôi", "cuatoi")))
	kb := chat.NewMarkup(rows...)
	r.Show(b.String(), &kb)
	return nil
}

// dueLabel says a deadline: "⏰ Hạn 30/11/2026 (còn 3 ngày)", overdue marked.
func dueLabel(t storage.StudyTarget, today time.Time) string {
	if t.DueOn == nil {
		return "Không có hạn"
	}
	due := time.Date(t.DueOn.Year(), t.DueOn.Month(), t.DueOn.Day(), 0, 0, 0, 0, time.UTC)
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	days := int(due.Sub(day).Hours() / 24)
	switch {
	case days < 0:
		return fmt.Sprintf("⚠️ <b>Quá hạn</b> %d ngày (hạn %s)", -days, dateVN(due))
	case days == 0:
		return fmt.Sprintf("⏰ Hạn <b>hôm nay</b> %s", dateVN(due))
	}
	return fmt.Sprintf("⏰ Hạn %s (còn %d ngày)", dateVN(due), days)
}

// studiedHow says how a studied assignment was studied.
func studiedHow(t storage.StudyTarget) string {
	switch {
	case t.State == storage.AssignStudiedOffline:
		s := "tại chi bộ"
		if t.OfflineMeetingOn != nil {
			s += " (buổi sinh hoạt " + dateVN(*t.OfflineMeetingOn) + ")"
		}
		return s
	case t.StudiedHow == storage.StudiedByQuiz:
		if t.QuizScore != nil {
			return fmt.Sprintf("qua bài kiểm tra (%d điểm/100)", *t.QuizScore)
		}
		return "qua bài kiểm tra"
	}
	return "trực tuyến"
}

// myRecord is /cuatoi: every document the member was assigned, studied
// (when and how) or not yet.
func (h *Handlers) myRecord(ctx context.Context, r *chat.Request) error {
	ts, err := r.Store.StudyRecord(ctx, r.Member.ID)
	if err != nil {
		return err
	}
	today := r.Now()
	var done, left []string
	for _, t := range ts {
		line := fmt.Sprintf("• <b>%s</b> — %s", esc(t.DocNumber), esc(vn.Cut(t.DocTitle, 80)))
		if t.Studied() && t.StudiedAt != nil {
			done = append(done, line+fmt.Sprintf("\n   ✅ %s, %s", dateVN(t.StudiedAt.In(h.deps.Location)), studiedHow(t)))
			continue
		}
		switch {
		case t.DocStatus != storage.DocPublished:
			left = append(left, line+"\n   (văn bản đã thu hồi)")
		case t.ClosedAt != nil:
			left = append(left, line+"\n   (đợt học tập đã kết thúc)")
		default:
			left = append(left, line+"\n   "+dueLabel(t, today))
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "📒 <b>Kết quả học tập của đồng chí %s</b>\n", esc(r.Member.FullName))
	if len(ts) == 0 {
		b.WriteString("\nĐồng chí chưa được giao văn bản nào để học.\n")
	} else {
		fmt.Fprintf(&b, "Đã học %d/%d văn bản được giao.\n", len(done), len(ts))
	}
	// What the member answered to notices, not attendance: who came is
	// the meeting report's to say.
	present, err := r.Store.NoticesAnsweredPresent(ctx, r.Member.ID)
	if err != nil {
		return err
	}
	if present > 0 {
		fmt.Fprintf(&b, "Đã trả lời «Có mặt» %d thông báo lịch họp chi bộ.\n", present)
	}
	attendance, err := h.myAttendance(ctx, r)
	if err != nil {
		return err
	}
	b.WriteString(attendance)
	// Whole lines only, within one message: a cut tag would make
	// Telegram refuse the message.
	room := MaxMessageLen - 200
	list := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		b.WriteString("\n" + title + "\n")
		for i, l := range lines {
			if htmlLen(b.String())+htmlLen(l) > room {
				fmt.Fprintf(&b, "… và %d văn bản khác.\n", len(lines)-i)
				return
			}
			b.WriteString(l + "\n")
		}
	}
	list("<b>Đã học:</b>", done)
	list("<b>Chưa học:</b>", left)
	text := b.String()
	kb := chat.NewMarkup(chat.NewRow(chat.CommandButton("📚 Văn bản cần học", "hoctap")),
		chat.NewRow(chat.NewButton(labelRecordPaper, cbRecordPaper)))
	r.Show(text, &kb)
	return nil
}

// myAttendance is the member's attendance this year at the meetings whose
// reports name who came: how many they attended, and each absence with
// its reason (reports that only count are not the member's to read).
func (h *Handlers) myAttendance(ctx context.Context, r *chat.Request) (string, error) {
	now := r.Now()
	ms, err := r.Store.MemberMeetings(ctx, r.Member.ID, time.Date(now.Year(), 1, 1, 0, 0, 0, 0, time.UTC), today(r))
	if err != nil || len(ms) == 0 {
		return "", err
	}
	var absences []string
	for _, m := range ms {
		switch m.Status {
		case storage.AttendAbsentReason:
			absences = append(absences, fmt.Sprintf("%s (%s)", dateVN(m.HeldOn), esc(m.Reason)))
		case storage.AttendAbsent:
			absences = append(absences, dateVN(m.HeldOn)+" (không lý do)")
		}
	}
	s := fmt.Sprintf("Sinh hoạt chi bộ năm %d (theo điểm danh): có mặt %d/%d buổi.\n", now.Year(), len(ms)-len(absences), len(ms))
	if len(absences) > 0 {
		if len(absences) > 12 {
			absences = append(absences[:12], fmt.Sprintf("… và %d buổi khác", len(absences)-12))
		}
		s += "Vắng: " + strings.Join(absences, "; ") + ".\n"
	}
	return s, nil
}

// cardStudy is the document card's study block for a member assigned the
// document: state, deadline, and the button when it is still to study.
func (h *Handlers) cardStudy(ctx context.Context, r *chat.Request, d storage.Document) (string, chat.Row, error) {
	if r.Member == nil {
		return "", nil, nil
	}
	t, err := r.Store.DocumentStudy(ctx, r.Member.ID, d.ID)
	if storage.ErrorCode(err) == storage.CodeNotFound {
		return "", nil, nil
	}
	if err != nil {
		return "", nil, err
	}
	var b strings.Builder
	b.WriteString("\n\n📌 <b>Đồng chí được giao học văn bản này.</b>")
	if t.Studied() && t.StudiedAt != nil {
		fmt.Fprintf(&b, "\n✅ Đã học ngày %s, %s.", dateVN(t.StudiedAt.In(h.deps.Location)), studiedHow(t))
		return b.String(), nil, nil
	}
	fmt.Fprintf(&b, "\nTrạng thái: %s · %s", storage.AssignmentStateName(t.State), dueLabel(t, r.Now()))
	if !t.Open() {
		b.WriteString("\n(Đợt học tập đã kết thúc.)")
		return b.String(), nil, nil
	}
	_, err = r.Store.CurrentQuiz(ctx, d.ID)
	if err != nil && storage.ErrorCode(err) != storage.CodeNotFound {
		return "", nil, err
	}
	return b.String(), studyButtons(t.QuizRequired, err == nil, t.ID, "c"), nil
}

// studyTools are the secretaries' and officers' buttons under /hoctap.
func (h *Handlers) studyTools(r *chat.Request) chat.Keyboard {
	if r.Scope(chat.Secretary).Empty() {
		return nil
	}
	return chat.Keyboard{chat.NewRow(
		chat.NewButton("📋 Ghi nhận học tại chi bộ", cbOfflineStart), chat.CommandButton("🔔 Nhắc học tập", "nhacnho")),
		chat.NewRow(chat.NewButton(labelFollowUp, cbFollowUp))}
}

// studyButtons are the ways to confirm study: "Tôi đã học", the quiz, or
// the quiz alone when the campaign requires it. from is "c" on a card.
func studyButtons(required, hasQuiz bool, assignmentID int64, from string) chat.Row {
	quiz := chat.NewButton(labelQuiz, cbQuiz, "s", assignmentID)
	studied := chat.NewButton(labelStudied, cbStudied, assignmentID)
	if from != "" {
		studied = chat.NewButton(labelStudied, cbStudied, assignmentID, from)
	}
	switch {
	case required:
		return chat.NewRow(quiz)
	case hasQuiz:
		return chat.NewRow(studied, quiz)
	}
	return chat.NewRow(studied)
}
