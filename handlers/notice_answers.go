// The answers to a meeting's notice: a member's "Có mặt" / "Vắng" (the
// "Vắng" reason asked in one message), and the tally the secretary sees.

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

// meetingAnswer is a member's press on a notice: hop:y:<id> or hop:n:<id>.
func (h *Handlers) meetingAnswer(ctx context.Context, r *chat.Request) error {
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
	acted, received, err := r.ActedAt(ctx)
	if err != nil {
		return err
	}
	reminded, at, err := r.Store.AnswerMeetingAt(ctx, id, r.Member.ID, answer, "", acted)
	if err != nil {
		return err
	}
	line := recordedLine(acted, received, at, h.deps.Location)
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
		// A reason question still open belongs to an "absent" that no
		// longer stands: what is typed next is not a reason.
		if _, err := h.absence.Close(ctx, r); err != nil {
			return err
		}
		r.Toast = "Đã ghi: có mặt." + toastLine(line)
		r.Show(body+"\n\n✅ Đồng chí đã báo: <b>có mặt</b>. Có thể đổi trước giờ họp."+line, &kb)
		return nil
	}
	a, err := r.Store.MeetingAnswer(ctx, id, r.Member.ID)
	if err != nil {
		return err
	}
	r.Toast = "Đã ghi: vắng." + toastLine(line)
	r.Show(body+"\n\n🚫 Đồng chí đã báo: <b>vắng</b>. Có thể đổi trước giờ họp."+line, &kb)
	d := absenceDraft{Meeting: id}
	if a.AnsweredAt != nil {
		d.AskedAt = *a.AnsweredAt
	}
	return h.absence.StartNew(ctx, r, stepAbsenceReason, d)
}

const msgAbsentNoReason = "Đã ghi vắng, không kèm lý do."

// stepAbsenceReason is the "vang" dialog's one step.
const stepAbsenceReason chat.StepID[absenceDraft] = "reason"

// absenceDraft asks an absent member's reason: for the "absent" of one
// meeting given at AskedAt, and no other answer.
type absenceDraft struct {
	Meeting int64     `json:"m"`
	AskedAt time.Time `json:"at,omitzero"`
}

func (h *Handlers) absenceDialog() *chat.Dialog[absenceDraft] {
	return &chat.Dialog[absenceDraft]{
		Name:      "vang",
		Title:     "lý do vắng họp",
		Cancelled: msgAbsentNoReason,
		Stale:     "Câu hỏi này đã xong.",
		Steps: []*chat.Step[absenceDraft]{{
			ID: stepAbsenceReason,
			View: func(_ context.Context, c *chat.Conv[absenceDraft]) (string, chat.Keyboard, error) {
				return "Đồng chí vắng vì lý do gì? Gõ một tin nhắn, ví dụ «ốm» hoặc «đi làm xa».", chat.Keyboard{
					chat.NewRow(c.Button("⏭ Bỏ qua", "skip"))}, nil
			},
			// Skipping the reason is no cancel: the absence stands.
			Actions: map[string]func(context.Context, *chat.Conv[absenceDraft], chat.Args) error{
				"skip": func(_ context.Context, c *chat.Conv[absenceDraft], _ chat.Args) error {
					c.End(msgAbsentNoReason, nil)
					return nil
				},
			},
			Text: typedText(storage.FieldReason, "Lý do vắng", func(ctx context.Context, c *chat.Conv[absenceDraft], reason string) error {
				acted, _, err := c.ActedAt(ctx)
				if err != nil {
					return err
				}
				err = c.Store.AbsenceReasonAt(ctx, c.Draft.Meeting, c.Member.ID, c.Draft.AskedAt, reason, acted)
				if code := storage.ErrorCode(err); code == storage.CodeInvalid || code == storage.CodeConflict {
					// The meeting began, or the answer changed, meanwhile.
					c.End(esc(storage.ErrorMessage(err)), nil)
					return nil
				}
				if err != nil {
					return err
				}
				c.End("Đã ghi: đồng chí vắng, lý do: "+esc(sentence(reason))+" Cảm ơn đồng chí đã báo.", nil)
				return nil
			}),
		}},
	}
}

// sentence ends s with a full stop unless it already ends a sentence.
func sentence(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}

// meetingTally shows a meeting's answers to whoever may report for its
// organisation: lh:<id>; lh:<id>:r starts the meeting report from them.
func (h *Handlers) meetingTally(ctx context.Context, r *chat.Request) error {
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
	starts := m.StartsAt.In(h.deps.Location)
	if r.CB.Arg(1) == "r" {
		if err := h.meetingBegun(r, m); err != nil {
			return err
		}
		day := time.Date(starts.Year(), starts.Month(), starts.Day(), 0, 0, 0, 0, time.UTC)
		d := meetingDraft{Org: m.OrgID, Date: isoDay(day), Topic: m.Topic}
		if _, err := h.fromAnswers(ctx, r, m, &d); err != nil {
			return err
		}
		if err := skipStudiedIfNone(ctx, r, &d); err != nil {
			return err
		}
		return h.meetings.StartNew(ctx, r, h.meetings.Next(d), d)
	}
	t, err := r.Store.Tally(ctx, id)
	if err != nil {
		return err
	}
	answers, err := r.Store.MeetingAnswers(ctx, id)
	if err != nil {
		return err
	}
	var present, absent, none, unreached []string
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
			if a.Reached {
				none = append(none, esc(a.FullName))
			} else {
				unreached = append(unreached, esc(a.FullName))
			}
		}
	}
	list := func(names []string) string {
		if len(names) == 0 {
			return "—"
		}
		return vn.Cut(strings.Join(names, ", "), 1200)
	}
	text := fmt.Sprintf("📋 <b>Trả lời lịch họp</b> %s, %s ngày %s\n✅ Có mặt %d: %s\n🚫 Vắng %d: %s\n❔ Chưa trả lời %d: %s",
		esc(m.OrgName), starts.Format("15:04"), vn.FormatDate(starts), t.Present, list(present), t.Absent, list(absent), t.Waiting(), list(none))
	if t.Unreached > 0 {
		// Not linked to Telegram when the notice went out, or the bot is
		// blocked: they cannot answer; the secretary tells them.
		text += fmt.Sprintf("\n📵 Chưa nhận được thông báo %d (chưa liên kết Telegram hoặc đã chặn bot, đồng chí báo trực tiếp): %s", t.Unreached, list(unreached))
	}
	kb := chat.NewMarkup(chat.NewRow(chat.NewButton("🔄 Xem lại", cbMeetingTally, id), chat.NewButton("📝 Báo cáo buổi họp", cbMeetingTally, id, "r")))
	r.Show(text, &kb)
	return nil
}
