package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sotay/handlers"
	"sotay/storage"
)

type outboxRow struct {
	ChatID int64     `db:"chat_id"`
	Kind   string    `db:"kind"`
	Text   string    `db:"text"`
	At     time.Time `db:"next_attempt_at"`
}

func (e *reportEnv) outbox(t *testing.T) []outboxRow {
	t.Helper()
	var rows []outboxRow
	if err := e.s.DB().Select(&rows, `SELECT chat_id, kind, text, next_attempt_at FROM outbox ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestMeetingNoticeAnswersFlowIntoReport(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt Kết luận 21-KL/TW")
	e.lastHas(t, "Đã gửi thông báo họp cho <b>2</b> đảng viên", "19:00 ngày 27/11/2026")
	rows := e.outbox(t)
	var notices, reminders int
	for _, r := range rows {
		switch r.Kind {
		case storage.OutboxNotice:
			notices++
			if !strings.Contains(r.Text, "19:30 ngày 28/11/2026") || !strings.Contains(r.Text, "Nhà văn hóa bản") {
				t.Fatalf("notice %q", r.Text)
			}
		case storage.OutboxReminder:
			reminders++
			// The evening before, not at night.
			if want := time.Date(2026, 11, 27, 19, 0, 0, 0, hcm); !r.At.Equal(want) {
				t.Fatalf("reminder at %v, want %v", r.At.In(hcm), want)
			}
			if h := r.At.In(hcm).Hour(); h >= 21 || h < 7 {
				t.Fatalf("reminder at night: %v", r.At.In(hcm))
			}
		}
	}
	if notices != 2 || reminders != 2 {
		t.Fatalf("outbox %+v", rows)
	}
	var id int64
	if err := e.s.DB().Get(&id, `SELECT id FROM meetings`); err != nil {
		t.Fatal(err)
	}

	e.press(t, 701, handlers.CallbackData("hop", "y", id))
	if !contains(e.rec.texts(), "Đồng chí đã báo: <b>có mặt</b>") {
		t.Fatalf("answer shown %q", e.rec.texts())
	}
	e.rec.reset()
	e.press(t, 702, handlers.CallbackData("hop", "n", id))
	e.lastHas(t, "vắng vì lý do gì")
	e.text(t, 702, "đi viện")
	e.lastHas(t, "lý do: đi viện")
	var left int
	if err := e.s.DB().Get(&left, `SELECT count(*) FROM outbox WHERE kind = 'reminder' AND chat_id = 702`); err != nil || left != 0 {
		t.Fatalf("the absent member's reminder stays: %d %v", left, err)
	}

	t.Run("NotInvitedCannotAnswer", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("hop", "y", id))
		if !contains(e.rec.texts(), "callback:Không tìm thấy") {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
	t.Run("TallyForTheSecretaryOnly", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, handlers.CallbackData("lh", id))
		got := e.last()
		if !strings.Contains(got, "Có mặt 1: Lò Văn Minh") || !strings.Contains(got, "Vắng 1: Hoàng Thị Hoa (đi viện)") || !strings.Contains(got, "Chưa trả lời 0") {
			t.Fatalf("tally %q", got)
		}
		e.rec.reset()
		e.press(t, 701, handlers.CallbackData("lh", id))
		if !contains(e.rec.texts(), "không có quyền") {
			t.Fatalf("a member saw the tally: %q", e.rec.texts())
		}
	})
	t.Run("AnswersChangeUntilTheMeetingStarts", func(t *testing.T) {
		reminders := func() int {
			return count(t, e.s, `SELECT count(*) FROM outbox WHERE kind = 'reminder' AND chat_id = 701 AND state = 'pending'`)
		}
		e.press(t, 701, handlers.CallbackData("hop", "n", id))
		if n := reminders(); n != 0 {
			t.Fatalf("reminders after absent: %d", n)
		}
		e.press(t, 701, handlers.CallbackData("hop", "y", id))
		e.press(t, 701, handlers.CallbackData("hop", "y", id))
		if n := reminders(); n != 1 {
			t.Fatalf("reminders after present again: %d", n)
		}
		e.clock.Set(time.Date(2026, 11, 28, 19, 30, 0, 0, hcm))
		e.rec.reset()
		e.press(t, 701, handlers.CallbackData("hop", "n", id))
		if !contains(e.rec.texts(), "đã bắt đầu") {
			t.Fatalf("late answer: %q", e.rec.texts())
		}
	})
	t.Run("ReportStartsFromTheAnswers", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 11, 29, 8, 0, 0, 0, hcm))
		e.text(t, 702, "/huy")
		e.rec.reset()
		e.press(t, 702, handlers.CallbackData("lh", id, "r"))
		// The start is offered at the notice's time.
		e.lastHas(t, "28/11/2026", "có mặt 1/2", "bắt đầu lúc mấy giờ?")
		if !contains(e.rec.buttonLabels(), "🕖 19:30 (lịch họp)") {
			t.Fatalf("buttons %q", e.rec.buttonLabels())
		}
		e.tap(t, 702, "sh", "t:1170")
		e.lastHas(t, "từ 19:30", "kết thúc lúc mấy giờ?")
		if !contains(e.rec.buttonLabels(), "21:00 (90 phút)") || !contains(e.rec.buttonLabels(), "21:30 (120 phút)") {
			t.Fatalf("buttons %q", e.rec.buttonLabels())
		}
		e.text(t, 702, "21h15")
		e.lastHas(t, "19:30–21:15", "Loại sinh hoạt?")
		e.tap(t, 702, "sh", "k:thuong_ky")
		// Everyone answered: the list is shown to check all the same.
		e.lastHas(t, "Điểm danh", "Có mặt 1/2")
		e.tap(t, 702, "sh", "ok")
		e.tap(t, 702, "sh", "skip")
		e.lastHas(t, "Vắng có lý do: Hoàng Thị Hoa (đi viện)", "19:30–21:15 (105 phút)")
		e.tap(t, 702, "sh", "ok")
		ms := e.meetings(t)
		if len(ms) != 1 || ms[0].Present != 1 || ms[0].Total != 2 || ms[0].Topic != "Quán triệt Kết luận 21-KL/TW" || ms[0].AbsentReasons != "" {
			t.Fatalf("stored %+v", ms)
		}
		m, err := e.s.MeetingReport(ctx, ms[0].ID)
		if err != nil || len(m.Attendance) != 2 || m.Attendance[0].Code != "DV2" || m.Attendance[0].Status != storage.AttendAbsentReason ||
			m.Attendance[0].Reason != "đi viện" || m.Attendance[1].Status != storage.AttendPresent || m.Starts.String() != "19:30" || m.Ends.String() != "21:15" {
			t.Fatalf("stored %+v %v", m, err)
		}
		// A form without attendance for that day starts from the answers too.
		e.rec.reset()
		e.text(t, 702, "/sinhhoat 28/11/2026; chuyên đề")
		e.lastHas(t, "có mặt 1/2", "bắt đầu lúc mấy giờ?")
		// And so does the dialog, once the day is chosen: it offers the day.
		e.text(t, 702, "/huy")
		e.text(t, 702, "/sinhhoat")
		if !contains(e.rec.buttonLabels(), "📅 28/11 (lịch họp)") {
			t.Fatalf("buttons %q", e.rec.buttonLabels())
		}
		e.tap(t, 702, "sh", "d:20261128")
		e.lastHas(t, "lấy theo trả lời lịch họp: có mặt 1/2", "bắt đầu lúc mấy giờ?")
	})
	_ = ctx
}

func TestMeetingNoticeLateEveningGetsNoNightReminder(t *testing.T) {
	e := newReportEnv(t)
	e.clock.Set(time.Date(2026, 11, 27, 20, 30, 0, 0, hcm))
	e.text(t, 702, "/lichhop ngày mai; 7h30; Nhà văn hóa; Họp đột xuất")
	if got := e.last(); !strings.Contains(got, "Đã gửi thông báo họp") || strings.Contains(got, "Sẽ nhắc") {
		t.Fatalf("confirmation = %q", got)
	}
	for _, r := range e.outbox(t) {
		if r.Kind == storage.OutboxReminder {
			t.Fatalf("a reminder after the evening: %+v", r)
		}
	}
	e.rec.reset()
	e.text(t, 702, "/lichhop 20/11/2026; 19:30; A; B")
	e.lastHas(t, "đã qua")
	e.text(t, 703, "/lichhop 29/11/2026; 19:30; A; B")
	e.lastHas(t, "ghi mã chi bộ")
}

func TestMeetingNoticeDialog(t *testing.T) {
	e := newReportEnv(t)
	t.Run("OfficerPicksACellAndSeesUpcoming", func(t *testing.T) {
		e.text(t, 702, "/lichhop 27/11/2026; 19:30; Nhà văn hóa; Họp tháng")
		e.rec.reset()
		e.text(t, 703, "/lichhop")
		labels := strings.Join(e.rec.buttonLabels(), "|")
		if !strings.Contains(labels, "📋 19:30 27/11 · Chi bộ bản Nà Hiên") || !strings.Contains(labels, "Chi bộ bản Pà Pao") || strings.Contains(labels, "Đảng bộ xã") {
			t.Fatalf("buttons %q", labels)
		}
		e.text(t, 703, "/huy")
	})
	e.text(t, 702, "/lichhop")
	e.tap(t, 702, "lhd", "d:20261126")
	e.tap(t, 702, "lhd", "t:19:30")
	e.text(t, 702, "Nhà văn hóa")
	e.text(t, 702, "Kiểm điểm cuối năm")
	e.lastHas(t, "19:30 ngày 26/11/2026")
	e.tap(t, 702, "lhd", "ok")
	e.lastHas(t, "Đã gửi thông báo họp")
}

// announced is the id of the meeting announced last.
func (e *reportEnv) announced(t *testing.T) int64 {
	t.Helper()
	var id int64
	if err := e.s.DB().Get(&id, `SELECT max(id) FROM meetings`); err != nil {
		t.Fatal(err)
	}
	return id
}

// answerOf is a member's stored answer and reason to a meeting.
func (e *reportEnv) answerOf(t *testing.T, meeting int64, code string) (answer, reason string) {
	t.Helper()
	var row struct {
		Answer string `db:"answer"`
		Reason string `db:"reason"`
	}
	if err := e.s.DB().Get(&row, `SELECT a.answer, a.reason FROM meeting_answers a JOIN members m ON m.id = a.member_id
		WHERE a.meeting_id = $1 AND m.code = $2`, meeting, code); err != nil {
		t.Fatal(err)
	}
	return row.Answer, row.Reason
}

// TestAbsenceReasonBelongsToItsAnswer: the reason question "Vắng" opens is
// closed by a later "Có mặt", and a reason is only ever attached to the
// "absent" that asked for it.
func TestAbsenceReasonBelongsToItsAnswer(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Họp tháng")
	id := e.announced(t)

	t.Run("PresentClosesTheQuestion", func(t *testing.T) {
		e.press(t, 701, handlers.CallbackData("hop", "n", id))
		e.lastHas(t, "vắng vì lý do gì")
		e.press(t, 701, handlers.CallbackData("hop", "y", id))
		e.rec.reset()
		e.text(t, 701, "Chiều nay tôi đến sớm")
		if contains(e.rec.texts(), "lý do:") {
			t.Fatalf("a message after «Có mặt» was taken as a reason: %q", e.rec.texts())
		}
		if a, r := e.answerOf(t, id, "DV1"); a != storage.AnswerPresent || r != "" {
			t.Fatalf("stored %q %q, want present without a reason", a, r)
		}
	})
	t.Run("ANewAbsentAsksAgain", func(t *testing.T) {
		e.press(t, 701, handlers.CallbackData("hop", "n", id))
		e.text(t, 701, "đi làm nương")
		e.lastHas(t, "lý do: đi làm nương.")
		if a, r := e.answerOf(t, id, "DV1"); a != storage.AnswerAbsent || r != "đi làm nương" {
			t.Fatalf("stored %q %q", a, r)
		}
	})
	t.Run("StorageRefusesAReasonForAnotherAnswer", func(t *testing.T) {
		ctx := context.Background()
		dv1, _ := e.s.Member(ctx, "DV1")
		e.clock.Add(time.Minute)
		if _, err := e.s.AnswerMeeting(ctx, id, dv1.ID, storage.AnswerAbsent, ""); err != nil {
			t.Fatal(err)
		}
		asked, err := e.s.MeetingAnswer(ctx, id, dv1.ID)
		if err != nil || asked.AnsweredAt == nil {
			t.Fatalf("%+v %v", asked, err)
		}
		e.clock.Add(time.Minute)
		if _, err := e.s.AnswerMeeting(ctx, id, dv1.ID, storage.AnswerPresent, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.s.AbsenceReason(ctx, id, dv1.ID, *asked.AnsweredAt, "ốm"); storage.ErrorCode(err) != storage.CodeConflict {
			t.Fatalf("a reason for a «Có mặt»: %v", err)
		}
		e.clock.Add(time.Minute)
		if _, err := e.s.AnswerMeeting(ctx, id, dv1.ID, storage.AnswerAbsent, ""); err != nil {
			t.Fatal(err)
		}
		if err := e.s.AbsenceReason(ctx, id, dv1.ID, *asked.AnsweredAt, "ốm"); storage.ErrorCode(err) != storage.CodeConflict {
			t.Fatalf("a reason for a later «Vắng» than the one that asked: %v", err)
		}
		if a, r := e.answerOf(t, id, "DV1"); a != storage.AnswerAbsent || r != "" {
			t.Fatalf("stored %q %q", a, r)
		}
	})
}

// TestAbsenceReasonTooLongIsRefused: an over-long reason is refused with
// the limit and asked again, not cut; the confirmation ends with one full
// stop whatever the reason ends with.
func TestAbsenceReasonTooLongIsRefused(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Họp tháng")
	id := e.announced(t)
	e.press(t, 701, handlers.CallbackData("hop", "n", id))
	e.text(t, 701, strings.Repeat("ố", 301))
	e.lastHas(t, "dài quá 300 ký tự", "vắng vì lý do gì")
	if _, r := e.answerOf(t, id, "DV1"); r != "" {
		t.Fatalf("an over-long reason was stored: %d characters", len([]rune(r)))
	}
	e.text(t, 701, "Đi họp với bí thư.")
	got := e.last()
	if !strings.Contains(got, "lý do: Đi họp với bí thư. Cảm ơn") || strings.Contains(got, "..") {
		t.Fatalf("confirmation %q", got)
	}
	if _, r := e.answerOf(t, id, "DV1"); r != "Đi họp với bí thư." {
		t.Fatalf("reason %q", r)
	}
	e.press(t, 701, handlers.CallbackData("hop", "n", id))
	e.text(t, 701, strings.Repeat("a", 300))
	if _, r := e.answerOf(t, id, "DV1"); len(r) != 300 {
		t.Fatalf("a reason of exactly 300 characters: %d stored", len(r))
	}
}

// TestReportFromNoticeWithoutAnswersAsks: "📝 Báo cáo buổi họp" under the
// tally of a notice nobody answered asks how many came, as /sinhhoat does,
// instead of storing 0 present.
func TestReportFromNoticeWithoutAnswersAsks(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Họp tháng")
	id := e.announced(t)
	e.clock.Set(time.Date(2026, 11, 29, 8, 0, 0, 0, hcm))
	e.rec.reset()
	e.press(t, 702, handlers.CallbackData("lh", id, "r"))
	e.lastHas(t, "28/11/2026", "bắt đầu lúc mấy giờ?")
	e.tap(t, 702, "sh", "none")
	e.tap(t, 702, "sh", "k:thuong_ky")
	e.lastHas(t, "Số đảng viên có mặt?")
	if strings.Contains(strings.Join(e.rec.buttonLabels(), "|"), "theo trả lời lịch họp") {
		t.Fatalf("answers offered when nobody answered: %q", e.rec.buttonLabels())
	}
	// /sinhhoat for that day asks too.
	e.text(t, 702, "/huy")
	e.rec.reset()
	e.text(t, 702, "/sinhhoat 28/11/2026; thường kỳ")
	e.tap(t, 702, "sh", "none")
	e.lastHas(t, "Số đảng viên có mặt?")
	if len(e.meetings(t)) != 0 {
		t.Fatalf("stored %+v", e.meetings(t))
	}
}

// TestReportOnlyForAMeetingThatStarted: a meeting report, begun from the
// notice's tally or by /sinhhoat for the day of a notice, is refused
// before the meeting's time, and taken from then on; the report's day is
// the meeting's local day, at 00:30 as at 23:30.
func TestReportOnlyForAMeetingThatStarted(t *testing.T) {
	for _, tc := range []struct {
		name         string
		hour, minute int
	}{{"AtHalfPastMidnight", 0, 30}, {"AtHalfPastEleven", 23, 30}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newReportEnv(t)
			starts := time.Date(2026, 11, 28, tc.hour, tc.minute, 0, 0, hcm)
			e.text(t, 702, "/lichhop 28/11/2026; "+starts.Format("15:04")+"; Nhà văn hóa bản; Họp tháng")
			id := e.announced(t)
			e.press(t, 701, handlers.CallbackData("hop", "y", id))

			e.clock.Set(starts.Add(-time.Minute))
			e.rec.reset()
			e.press(t, 702, handlers.CallbackData("lh", id, "r"))
			e.said(t, "chưa bắt đầu")
			e.rec.reset()
			e.text(t, 702, "/sinhhoat 28/11/2026; thường kỳ; 1/2; Họp tháng")
			e.said(t, "chưa bắt đầu")
			e.rec.reset()
			e.text(t, 702, "/sinhhoat")
			e.tap(t, 702, "sh", "d:20261128")
			e.said(t, "chưa bắt đầu")
			e.text(t, 702, "/huy")
			if len(e.meetings(t)) != 0 {
				t.Fatalf("a report before the meeting: %+v", e.meetings(t))
			}

			e.clock.Set(starts)
			e.rec.reset()
			e.press(t, 702, handlers.CallbackData("lh", id, "r"))
			// DV2 did not answer: counted present, and named to check.
			e.lastHas(t, "28/11/2026", "có mặt 2/2", "bắt đầu lúc mấy giờ?")
			e.tap(t, 702, "sh", "none")
			e.tap(t, 702, "sh", "k:thuong_ky")
			e.lastHas(t, "Chưa trả lời lịch họp, đang ghi có mặt: Hoàng Thị Hoa")
			e.tap(t, 702, "sh", "t:"+itoa(memberID(t, e.s, "DV2")))
			e.lastHas(t, "Có mặt 1/2")
			if got := e.last(); strings.Contains(got, "Chưa trả lời") {
				t.Fatalf("a member ticked is still to check: %q", got)
			}
			e.tap(t, 702, "sh", "ok")
			e.tap(t, 702, "sh", "skip")
			e.lastHas(t, "Vắng không lý do: Hoàng Thị Hoa")
			e.tap(t, 702, "sh", "ok")
			ms := e.meetings(t)
			if len(ms) != 1 || ms[0].HeldOn.Format("2006-01-02") != "2026-11-28" || ms[0].Present != 1 || ms[0].Total != 2 {
				t.Fatalf("stored %+v", ms)
			}
		})
	}
}

// TestMyRecordNamesNoticeAnswers: /cuatoi counts the notices answered
// «Có mặt» as such, not as meetings attended.
func TestMyRecordNamesNoticeAnswers(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Họp tháng")
	e.press(t, 701, handlers.CallbackData("hop", "y", e.announced(t)))
	e.clock.Set(time.Date(2026, 11, 29, 8, 0, 0, 0, hcm))
	e.rec.reset()
	e.text(t, 701, "/cuatoi")
	got := e.last()
	if !strings.Contains(got, "học.\nĐã trả lời «Có mặt» 1 thông báo lịch họp") || strings.Contains(got, "buổi họp chi bộ") {
		t.Fatalf("record %q", got)
	}
}

// TestMeetingTallyTellsUnreachedApart: members the notice never reached
// (not linked to Telegram when it went out, linked only since, or with
// the bot blocked) are "chưa nhận được", apart from those who got it and
// have not answered yet.
func TestMeetingTallyTellsUnreachedApart(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	if _, err := e.s.ImportMembers(ctx, []storage.MemberInput{
		{Line: 2, Code: "DV5", FullName: "Sùng Thị Dung", OrgCode: "CB1"},
		{Line: 3, Code: "DV6", FullName: "Lý Văn Pao", OrgCode: "CB1"},
	}, nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	dv1, _ := e.s.Member(ctx, "DV1")
	if err := e.s.MarkUnreachable(ctx, dv1.ID); err != nil { // DV1 blocked the bot
		t.Fatal(err)
	}
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt")
	e.lastHas(t, "Đã gửi thông báo họp cho <b>2</b> đảng viên", "2 đồng chí chưa liên kết Telegram")
	var id int64
	if err := e.s.DB().Get(&id, `SELECT id FROM meetings`); err != nil {
		t.Fatal(err)
	}
	e.clock.Set(time.Date(2026, 11, 26, 9, 0, 0, 0, hcm))
	e.link(t, "DV6", 706) // linked after the notice went out: never got it

	e.rec.reset()
	e.press(t, 702, handlers.CallbackData("lh", id))
	e.lastHas(t, "Chưa trả lời 1: Hoàng Thị Hoa",
		"Chưa nhận được thông báo 3 (chưa liên kết Telegram hoặc đã chặn bot, đồng chí báo trực tiếp): Sùng Thị Dung, Lò Văn Minh, Lý Văn Pao")
	tally, err := e.s.Tally(ctx, id)
	if err != nil || tally.Invited != 4 || tally.Unanswered() != 4 || tally.Unreached != 3 || tally.Waiting() != 1 {
		t.Fatalf("tally %+v %v", tally, err)
	}
}

// TestAbsenceReasonSkipped: «⏭ Bỏ qua» at the reason question keeps the
// absence without a reason; it is no cancel button (TestOneCancelLabel).
func TestAbsenceReasonSkipped(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt")
	var id int64
	if err := e.s.DB().Get(&id, `SELECT id FROM meetings`); err != nil {
		t.Fatal(err)
	}
	e.press(t, 701, handlers.CallbackData("hop", "n", id))
	if e.rec.find("vang", "x") != "" {
		t.Fatal("the reason question offers a cancel button")
	}
	e.rec.reset()
	e.tap(t, 701, "vang", "skip")
	e.lastHas(t, "Đã ghi vắng, không kèm lý do.")
	dv1, _ := e.s.Member(context.Background(), "DV1")
	if a, err := e.s.MeetingAnswer(context.Background(), id, dv1.ID); err != nil || a.Answer != storage.AnswerAbsent || a.Reason != "" {
		t.Fatalf("answer %+v %v", a, err)
	}
	if got := dialogStep(t, e.s, 701); got != "" {
		t.Fatalf("dialog %q left open", got)
	}
}
