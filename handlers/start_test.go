package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestConcurrentWrongGuessesLimited sends 30 wrong codes from one Telegram
// user at once, as several replicas behind a webhook may handle them: the
// limit holds exactly, however the transactions interleave.
func TestConcurrentWrongGuessesLimited(t *testing.T) {
	e := newEnv(t)
	const user, guesses = 1101, 30
	updates := make([]tgbotapi.Update, guesses)
	for i := range updates {
		e.id++
		text := fmt.Sprintf("/start wrongcode%02d", i)
		updates[i] = tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
			MessageID: e.id, From: &tgbotapi.User{ID: user, FirstName: "U"},
			Chat: &tgbotapi.Chat{ID: user, Type: "private"}, Text: text,
			Entities: []tgbotapi.MessageEntity{{Type: "bot_command", Length: len("/start")}},
		}}
	}
	storagetest.AllAtOnce(t, guesses, func(i int) error {
		return e.h.HandleUpdate(context.Background(), updates[i])
	})
	var checked, told int
	for _, s := range e.rec.texts() {
		switch {
		case strings.Contains(s, "Mã liên kết không đúng"):
			checked++
		case strings.Contains(s, "thử sai quá nhiều lần"):
			told++
		}
	}
	if checked != storage.MaxLinkFailures || told != guesses-storage.MaxLinkFailures {
		t.Fatalf("%d guesses checked and %d told to wait; want %d and %d", checked, told, storage.MaxLinkFailures, guesses-storage.MaxLinkFailures)
	}
	var failures int
	if err := e.s.DB().Get(&failures, `SELECT count(*) FROM link_attempts WHERE telegram_user_id = $1 AND NOT ok`, user); err != nil || failures != storage.MaxLinkFailures {
		t.Fatalf("failures recorded %d %v", failures, err)
	}
}

func (e *env) invite(t *testing.T, code string) string {
	t.Helper()
	m, err := e.s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	tok, err := e.s.CreateInvite(context.Background(), m.ID, 0, "test")
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func failures(t *testing.T, s *storage.Storage, user int64) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM link_attempts WHERE telegram_user_id = $1 AND NOT ok`, user); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestOldInviteCannotTakeOverAccount(t *testing.T) {
	e := newEnv(t)
	first, second := e.invite(t, "DV1"), e.invite(t, "DV1")
	e.text(t, 1201, "/start "+first)
	if !contains(e.rec.texts(), "Đã liên kết") {
		t.Fatalf("not linked: %q", e.rec.texts())
	}
	t.Run("SecondInviteGetsGenericAnswer", func(t *testing.T) {
		e.replyTo(t, 1202, "/start "+second, "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn")
		if got := storagetest.LinkedUser(t, e.s, "DV1"); got != 1201 {
			t.Fatalf("DV1 moved to %d by an old invite", got)
		}
		if n := failures(t, e.s, 1202); n != 1 {
			t.Fatalf("%d failed attempts recorded, want 1", n)
		}
	})
	t.Run("InviteLeftOpenBeforeTheFixGetsGenericAnswer", func(t *testing.T) {
		// An invite an earlier link did not revoke.
		if _, err := e.s.DB().Exec(`UPDATE invites SET revoked_at = NULL WHERE used_at IS NULL`); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		e.text(t, 1203, "/start "+second)
		if !contains(e.rec.texts(), "Mã liên kết không đúng") || storagetest.LinkedUser(t, e.s, "DV1") != 1201 || failures(t, e.s, 1203) != 1 {
			t.Fatalf("got %q, DV1 linked to %d", e.rec.texts(), storagetest.LinkedUser(t, e.s, "DV1"))
		}
	})
}

func TestPhoneShareNeverMovesALink(t *testing.T) {
	e := newEnv(t)
	e.text(t, 1251, "/start "+e.invite(t, "DV1"))
	open := e.invite(t, "DV2")
	share := func(user int64, phone string) {
		e.id++
		u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
			MessageID: e.id, From: &tgbotapi.User{ID: user}, Chat: &tgbotapi.Chat{ID: user, Type: "private"},
			Contact: &tgbotapi.Contact{PhoneNumber: phone, UserID: user},
		}}
		if err := e.h.HandleUpdate(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	e.rec.reset()
	share(1252, "+84912000001") // DV1's phone, from another account
	if !contains(e.rec.texts(), "Không liên kết được bằng số điện thoại này") || storagetest.LinkedUser(t, e.s, "DV1") != 1251 {
		t.Fatalf("got %q, DV1 linked to %d", e.rec.texts(), storagetest.LinkedUser(t, e.s, "DV1"))
	}
	t.Run("PhoneLinkRevokesOpenInvites", func(t *testing.T) {
		share(1253, "+84912000002")
		if storagetest.LinkedUser(t, e.s, "DV2") != 1253 {
			t.Fatal("DV2 not linked by phone")
		}
		e.rec.reset()
		e.text(t, 1254, "/start "+open)
		if !contains(e.rec.texts(), "Mã liên kết không đúng") || storagetest.LinkedUser(t, e.s, "DV2") != 1253 {
			t.Fatalf("got %q, DV2 linked to %d", e.rec.texts(), storagetest.LinkedUser(t, e.s, "DV2"))
		}
	})
}

func TestLinkedAccountOpeningAnotherInvite(t *testing.T) {
	e := newEnv(t)
	e.text(t, 1301, "/start "+e.invite(t, "DV1"))
	tok := e.invite(t, "DV3")
	e.rec.reset()
	e.text(t, 1301, "/start "+tok)
	if got := e.rec.texts(); !contains(got, "đã liên kết với đồng chí <b>Lò Văn Minh</b>, nên không dùng được mã mời") {
		t.Fatalf("got %q", got)
	}
	if storagetest.LinkedUser(t, e.s, "DV1") != 1301 || storagetest.LinkedUser(t, e.s, "DV3") != 0 {
		t.Fatal("links changed")
	}
	// The invite was not used up: its member can still open it.
	e.replyTo(t, 1302, "/start "+tok, "Đã liên kết tài khoản với đồng chí <b>Giàng A Páo</b>")
}

func TestRelinkThroughInviteMenu(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.link(t, "DV2", 1401) // secretary of CB1
	storagetest.MustGrant(t, e.s, "DV2", storage.RoleSecretary, "CB1")
	e.link(t, "DV1", 1402) // the member's old phone
	e.link(t, "DV3", 1403) // another cell
	dv1, _ := e.s.Member(ctx, "DV1")
	dv3, _ := e.s.Member(ctx, "DV3")

	e.text(t, 1401, "/moi")
	relink, ok := e.rec.buttons()["🔁 Đổi tài khoản Telegram"]
	if !ok {
		t.Fatalf("no relink button in /moi: %q", e.rec.texts())
	}
	e.press(t, 1401, relink)
	pick, ok := e.rec.buttons()["Lò Văn Minh · Chi bộ bản Nà Hiên"]
	if !ok || pick != "moi:c:"+itoa(dv1.ID) {
		t.Fatalf("linked member not listed: %v %q", e.rec.buttons(), e.rec.texts())
	}
	if _, listed := e.rec.buttons()["Giàng A Páo · Chi bộ bản Pà Pao"]; listed {
		t.Fatal("a member outside the secretary's cell is listed")
	}
	e.rec.reset()
	e.press(t, 1401, pick)
	confirm := e.rec.buttons()["🔁 Đổi tài khoản Telegram"]
	if confirm != "moi:r:"+itoa(dv1.ID) {
		t.Fatalf("no confirm button: %v %q", e.rec.buttons(), e.rec.texts())
	}
	t.Run("OutsideScopeRefused", func(t *testing.T) {
		e.replyToPress(t, 1401, "moi:r:"+itoa(dv3.ID), "callback:Đồng chí không có quyền")
		assertNoInvites(t, e.s, dv3.ID)
	})
	e.rec.reset()
	e.press(t, 1401, confirm)
	var link string
	for _, s := range e.rec.texts() {
		if i := strings.Index(s, "https://t.me/sotay_test_bot?start="); i >= 0 {
			link = strings.Fields(s[i:])[0]
		}
	}
	if link == "" {
		t.Fatalf("no relink link: %q", e.rec.texts())
	}
	tok := link[strings.Index(link, "=")+1:]

	e.rec.reset()
	e.text(t, 1404, "/start "+tok) // the member's new account
	if !contains(e.rec.texts(), "Đã liên kết tài khoản với đồng chí <b>Lò Văn Minh</b>") || storagetest.LinkedUser(t, e.s, "DV1") != 1404 {
		t.Fatalf("not moved: %q, DV1 linked to %d", e.rec.texts(), storagetest.LinkedUser(t, e.s, "DV1"))
	}
	var notice string
	if err := e.s.DB().Get(&notice, `SELECT text FROM outbox WHERE chat_id = 1402 AND kind = $1`, storage.OutboxNotice); err != nil {
		t.Fatalf("the old account is not told: %v", err)
	}
	if !strings.Contains(notice, "chuyển sang một tài khoản Telegram khác") || !strings.Contains(notice, "Chi bộ bản Nà Hiên") {
		t.Fatalf("notice %q", notice)
	}
	log, err := e.s.AuditLog(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	var audited bool
	for _, a := range log {
		if a.Action == "member.relink" && a.Subject == "DV1" && a.Actor == "tg:1401" &&
			strings.Contains(a.Details, `"old_telegram_id": 1402`) && strings.Contains(a.Details, `"new_telegram_id": 1404`) {
			audited = true
		}
	}
	if !audited {
		t.Fatalf("relink not audited: %+v", log)
	}
	t.Run("OldAccountSeesOnlyHowToLink", func(t *testing.T) {
		e.replyTo(t, 1402, "/menu", "chưa liên kết")
	})
	t.Run("UsedRelinkLinkGenericAnswer", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 1405, "/start "+tok)
		if !contains(e.rec.texts(), "Mã liên kết không đúng") || storagetest.LinkedUser(t, e.s, "DV1") != 1404 {
			t.Fatalf("got %q", e.rec.texts())
		}
	})
}

// TestMenuButtonsHaveDistinctEmoji: every button of the fullest menu (an
// admin at the root, who may use everything) starts with an emoji no
// other one has, so that they are told apart at a glance.
func TestMenuButtonsHaveDistinctEmoji(t *testing.T) {
	e := adminEnv(t, 951)
	e.rec.reset()
	e.text(t, 951, "/menu")
	seen := map[string]string{}
	labels := e.rec.buttonLabels()
	if len(labels) < 10 {
		t.Fatalf("menu %q", labels)
	}
	for _, l := range labels {
		emoji, _, _ := strings.Cut(l, " ")
		if other, ok := seen[emoji]; ok {
			t.Errorf("%q and %q share %s", other, l, emoji)
		}
		seen[emoji] = l
	}
}
