package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/storagetest"
)

func TestReminderMessage(t *testing.T) {
	due := time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)
	items := []storage.StudyTarget{
		{Assignment: storage.Assignment{ID: 7}, DocNumber: "21-KL/TW", DocTitle: "Về xây dựng Đảng", DueOn: &due},
		{Assignment: storage.Assignment{ID: 9}, DocNumber: "05-NQ/TU", DocTitle: "Về kinh tế"},
	}
	text, markup := handlers.ReminderMessage(items, time.Date(2026, 12, 1, 9, 0, 0, 0, hcm))
	kb := markup.(chat.Markup)
	var data []string
	for _, row := range kb.InlineKeyboard {
		data = append(data, *row[0].CallbackData)
	}
	if !strings.Contains(text, "còn 2 văn bản") || !strings.Contains(text, "Hạn 03/12/2026 (còn 2 ngày)") || !strings.Contains(text, "Không có hạn") {
		t.Fatalf("text %s", text)
	}
	if strings.Join(data, " ") != "hp:7 hp:9 nls" {
		t.Fatalf("buttons %q", data)
	}
}

func TestRemindCommand(t *testing.T) {
	e := newStudyEnv(t)
	ctx := context.Background()
	c := e.pushTo(t, e.doc1, 2, "ROOT")
	for _, code := range []string{"DV1", "DV2", "DV3"} {
		if err := e.s.RecordAssignmentState(ctx, e.assignment(t, c, code), storage.AssignDelivered, "", e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	reminders := func(code string) int {
		return count(t, e.s, `SELECT count(*) FROM outbox o JOIN members m ON m.telegram_user_id = o.chat_id WHERE o.kind = 'reminder' AND m.code = $1`, code)
	}
	t.Run("MemberMayNotAsk", func(t *testing.T) {
		e.replyTo(t, 702, "/nhacnho", "không có quyền")
	})
	t.Run("SecretaryRemindsOwnCellOnly", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 701, "/nhacnho")
		e.tap(t, 701, "nn", fmt.Sprintf("c:%d", c.ID))
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "đã nhắc <b>2</b> đồng chí") {
			t.Fatalf("got %s", got)
		}
		if reminders("DV1") != 1 || reminders("DV2") != 1 || reminders("DV3") != 0 {
			t.Fatal("reminded outside the cell")
		}
	})
	t.Run("SecondAskSameDaySaysWhySkipped", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 701, "/nhacnho")
		e.tap(t, 701, "nn", fmt.Sprintf("c:%d", c.ID))
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "đã nhắc <b>0</b>") || !strings.Contains(got, "2 đã được nhắc trong ngày") || reminders("DV2") != 1 {
			t.Fatalf("got %s", got)
		}
	})
	t.Run("AtNightQueuedForSevenOClock", func(t *testing.T) {
		storagetest.MustGrant(t, e.s, "DV3", storage.RoleOfficer, "ROOT")
		e.clock.Set(time.Date(2026, 12, 1, 21, 30, 0, 0, hcm))
		e.rec.reset()
		e.text(t, 703, "/nhacnho")
		e.tap(t, 703, "nn", fmt.Sprintf("c:%d", c.ID))
		got := strings.Join(e.rec.texts(), "\n")
		if !strings.Contains(got, "đã nhắc <b>3</b>") || !strings.Contains(got, "07:00 ngày 02/12") {
			t.Fatalf("got %s", got)
		}
		var at time.Time
		if err := e.s.DB().Get(&at, `SELECT max(next_attempt_at) FROM outbox WHERE kind = 'reminder'`); err != nil {
			t.Fatal(err)
		}
		if !at.Equal(time.Date(2026, 12, 2, 7, 0, 0, 0, hcm)) {
			t.Fatalf("queued for %v", at.In(hcm))
		}
	})
	t.Run("ForgedCampaignOutsideScopeRefused", func(t *testing.T) {
		e.clock.Set(time.Date(2026, 12, 3, 9, 0, 0, 0, hcm))
		other := e.pushTo(t, e.doc2, 2, "CB2")
		e.text(t, 701, "/nhacnho")
		intent := strings.Split(e.rec.find("nn", "x"), ":")[1]
		e.replyToPress(t, 701, fmt.Sprintf("nn:%s:c:%d", intent, other.ID), "callback:Mục này không còn trong danh sách")
		if got := dialogStep(t, e.s, 701); got != "nn/camp" {
			t.Fatalf("the dialog moved on: %q", got)
		}
	})
	t.Run("RemindLaterSetsTomorrow", func(t *testing.T) {
		e.replyToPress(t, 702, "nls", "ngày mai")
		if n := count(t, e.s, `SELECT count(*) FROM assignments a JOIN members m ON m.id = a.member_id WHERE m.code = 'DV2' AND a.remind_on = '2026-12-04'`); n != 1 {
			t.Fatalf("%d assignments to remind tomorrow", n)
		}
	})
}
