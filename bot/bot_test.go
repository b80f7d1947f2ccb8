package bot_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/cmd/sotay/wire"
	"sotay/storage"
	"sotay/storage/storagetest"
)

const wait = 10 * time.Second

// longWait is for what takes its time by design: token probes with backoff,
// /readyz turning, a push through the outbox.
const longWait = 30 * time.Second

type harness struct {
	t      *testing.T
	s      *storage.Storage
	tg     *telegramtest.Server
	b      *bot.Bot
	cancel context.CancelFunc
	done   chan error
}

// start runs a bot on a fresh database with a small commune, against the
// fake Bot API.
func start(t *testing.T, cfg bot.Config, opts ...telegramtest.Option) *harness {
	t.Helper()
	tg := telegramtest.NewServer(opts...)
	t.Cleanup(tg.Close)
	return startOn(t, cfg, tg)
}

// startOn is start against a fake Bot API the test serves itself.
func startOn(t *testing.T, cfg bot.Config, tg *telegramtest.Server) *harness {
	t.Helper()
	ctx := context.Background()
	s := storagetest.New(t)
	seed(t, s)
	cfg.Token, cfg.APIURL = tg.Token(), tg.URL()
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = "127.0.0.1:0"
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	b, err := wire.Bot(ctx, cfg, s, log)
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	rctx, cancel := context.WithCancel(ctx)
	h := &harness{t: t, s: s, tg: tg, b: b, cancel: cancel, done: make(chan error, 1)}
	go func() { h.done <- b.Run(rctx) }()
	select {
	case <-b.Ready:
	case err := <-h.done:
		t.Fatalf("bot stopped at start: %v", err)
	case <-time.After(wait):
		t.Fatal("bot not ready")
	}
	t.Cleanup(func() { h.stop() })
	return h
}

func (h *harness) stop() error {
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err
		return err
	case <-time.After(wait):
		h.t.Fatal("bot did not stop")
	}
	return nil
}

func seed(t *testing.T, s *storage.Storage) { storagetest.SeedCommune(t, s) }

func (h *harness) invite(code string) string {
	h.t.Helper()
	m, err := h.s.Member(context.Background(), code)
	if err != nil {
		h.t.Fatal(err)
	}
	tok, err := h.s.CreateInvite(context.Background(), m.ID, 0, "test")
	if err != nil {
		h.t.Fatal(err)
	}
	return tok
}

// linkedUser is a Telegram user who opened a fresh invite of member code
// and was told the link is made.
func (h *harness) linkedUser(code string, id int64, name string) *telegramtest.User {
	h.t.Helper()
	u := h.tg.User(id, name)
	u.SendText("/start " + h.invite(code))
	waitText(h.t, u, "Đã liên kết")
	return u
}

// grant gives a member of the commune a role, as the CLI would.
func (h *harness) grant(code, role, org string) {
	h.t.Helper()
	storagetest.MustGrant(h.t, h.s, code, role, org)
}

func waitText(t *testing.T, u *telegramtest.User, sub string) telegramtest.Message {
	t.Helper()
	m, err := u.WaitMessage(wait, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, sub) })
	if err != nil {
		t.Fatalf("waiting for %q: %v", sub, err)
	}
	return m
}

// mustPress presses the button labelled label on u's newest message that has it.
func mustPress(t *testing.T, u *telegramtest.User, label string) {
	t.Helper()
	if _, err := u.PressButton(label); err != nil {
		t.Fatal(err)
	}
}

func linkedTo(t *testing.T, s *storage.Storage, userID int64) string {
	t.Helper()
	m, err := s.MemberByTelegram(context.Background(), userID)
	if err != nil {
		return ""
	}
	return m.Code
}

func TestLinking(t *testing.T) {
	h := start(t, bot.Config{})

	t.Run("InviteLinksAndMenuAnswers", func(t *testing.T) {
		u := h.tg.User(1001, "Minh")
		u.SendText("/start " + h.invite("DV1"))
		waitText(t, u, "Đã liên kết tài khoản với đồng chí Lò Văn Minh")
		menu := waitText(t, u, "Sổ tay đảng viên")
		if len(menu.InlineKeyboard) == 0 {
			t.Fatal("menu without buttons")
		}
		u.SendText("/menu")
		if _, err := u.WaitMessages(wait, 3); err != nil {
			t.Fatal(err)
		}
		last, _ := u.LastMessage()
		if !strings.Contains(last.Plain, "Lò Văn Minh") || !strings.Contains(last.Plain, "Chi bộ bản Nà Hiên") {
			t.Fatalf("/menu: %q", last.Plain)
		}
	})
	t.Run("ReusedCodeGenericAnswer", func(t *testing.T) {
		tok := h.invite("DV2")
		a := h.tg.User(1002, "Hoa")
		a.SendText("/start " + tok)
		waitText(t, a, "Đã liên kết")
		b := h.tg.User(1003, "Kẻ lạ")
		b.SendText("/start " + tok)
		waitText(t, b, "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn")
		if code := linkedTo(t, h.s, 1003); code != "" {
			t.Fatalf("reused code linked %s", code)
		}
	})
	t.Run("ForgedContactRefused", func(t *testing.T) {
		u := h.tg.User(1004, "Giả")
		u.SendContact("0912000003", 9999) // someone else's contact card
		waitText(t, u, "chỉ có thể chia sẻ số điện thoại của chính mình")
		if code := linkedTo(t, h.s, 1004); code != "" {
			t.Fatalf("forged contact linked %s", code)
		}
	})
	t.Run("OwnPhoneLinksInAnyFormat", func(t *testing.T) {
		u := h.tg.User(1005, "Páo")
		u.SendContact("+84 912 000 003", 1005)
		m := waitText(t, u, "Đã liên kết tài khoản với đồng chí Giàng A Páo")
		if !m.RemoveKeyboard {
			t.Error("the phone-share keyboard was not removed after linking")
		}
		if code := linkedTo(t, h.s, 1005); code != "DV3" {
			t.Fatalf("linked to %q", code)
		}
	})
	t.Run("UnlinkedSeesHowToLinkWithPhoneButton", func(t *testing.T) {
		u := h.tg.User(1006, "Lạ")
		u.SendText("/start")
		m := waitText(t, u, "liên kết tài khoản Telegram")
		if m.ReplyKeyboard == nil || !m.ReplyKeyboard.Keyboard[0][0].RequestContact {
			t.Fatalf("no phone-share button: %+v", m.ReplyKeyboard)
		}
	})
	t.Run("BruteForceStopped", func(t *testing.T) {
		u := h.tg.User(1007, "Dò mã")
		for i := 0; i < 5; i++ {
			u.SendText(fmt.Sprintf("/start wrongtoken%d", i))
		}
		if _, err := u.WaitMessages(wait, 5); err != nil {
			t.Fatal(err)
		}
		// Even a good code is not checked now (every member is linked by
		// now, so the good code is a relink invite).
		dv1, _ := h.s.Member(context.Background(), "DV1")
		tok, err := h.s.CreateRelinkInvite(context.Background(), dv1.ID, 0, "test")
		if err != nil {
			t.Fatal(err)
		}
		u.SendText("/start " + tok)
		waitText(t, u, "thử sai quá nhiều lần")
		if code := linkedTo(t, h.s, 1007); code != "" {
			t.Fatalf("linked after 5 failures: %s", code)
		}
	})
}

func TestForgedCallbackRefused(t *testing.T) {
	h := start(t, bot.Config{})
	u := h.tg.User(2001, "Minh")
	u.SendText("/start " + h.invite("DV1"))
	menu := waitText(t, u, "Sổ tay đảng viên")
	dv3, _ := h.s.Member(context.Background(), "DV3")
	u.Press(menu.ID, fmt.Sprintf("moi:m:%d", dv3.ID))
	telegramtest.Eventually(t, wait, "an answer to the press", func() bool { return len(u.CallbackAnswers()) > 0 })
	ans := u.CallbackAnswers()
	if len(ans) == 0 || !strings.Contains(ans[0].Text, "không có quyền") || !ans[0].ShowAlert {
		t.Fatalf("callback answers %+v", ans)
	}
	var n int
	if err := h.s.DB().Get(&n, `SELECT count(*) FROM invites WHERE member_id = $1`, dv3.ID); err != nil || n != 0 {
		t.Fatalf("forged button made %d invites (%v)", n, err)
	}
}

func TestRepliesSurviveFloodAndServerErrors(t *testing.T) {
	h := start(t, bot.Config{})
	u := h.tg.User(3001, "Minh")
	h.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 429, RetryAfter: 1, ChatID: 3001})
	h.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 502, ChatID: 3001})
	u.SendText("/start " + h.invite("DV1"))
	waitText(t, u, "Đã liên kết")
	if n := h.tg.Calls("sendMessage"); n < 3 {
		t.Fatalf("expected retried sends, got %d calls", n)
	}
}

func TestCommandMenusRegistered(t *testing.T) {
	h := start(t, bot.Config{})
	h.grant("DV2", storage.RoleSecretary, "CB1")
	h.linkedUser("DV2", 4001, "Hoa")
	telegramtest.Eventually(t, wait, "the secretary's own command menu", func() bool {
		_, ok := h.tg.Commands()["chat:4001"]
		return ok
	})
	cmds := h.tg.Commands()
	if !hasCommand(cmds["all_private_chats"], "menu") || hasCommand(cmds["all_private_chats"], "moi") {
		t.Fatalf("member commands %+v", cmds["all_private_chats"])
	}
	if !hasCommand(cmds["chat:4001"], "moi") {
		t.Fatalf("secretary commands %+v", cmds)
	}
}

func hasCommand(list []tgbotapi.BotCommand, name string) bool {
	return slices.ContainsFunc(list, func(c tgbotapi.BotCommand) bool { return c.Command == name })
}

func TestShutdownFinishesUpdatesInHand(t *testing.T) {
	h := start(t, bot.Config{})
	u := h.tg.User(5001, "Minh")
	// The reply takes 1.5 s to be accepted; we stop the bot meanwhile.
	h.tg.InjectFault("sendMessage", telegramtest.Fault{Delay: 1500 * time.Millisecond, ChatID: 5001, Times: 1})
	u.SendText("/start " + h.invite("DV1"))
	telegramtest.Eventually(t, wait, "the reply to be sent", func() bool { return h.tg.Calls("sendMessage") > 0 })
	if err := h.stop(); err != nil {
		t.Fatalf("Run returned %v", err)
	}
	if code := linkedTo(t, h.s, 5001); code != "DV1" {
		t.Fatalf("update in hand not applied: %q", code)
	}
	msgs := u.Messages()
	if len(msgs) < 2 || !strings.Contains(msgs[0].Plain, "Đã liên kết") {
		t.Fatalf("replies in hand not sent before exit: %d messages", len(msgs))
	}
}

func TestWebhookModeChecksSecret(t *testing.T) {
	addr := telegramtest.FreeAddr(t)
	h := start(t, bot.Config{
		ListenAddr: addr, WebhookURL: "http://" + addr + "/telegram/webhook", WebhookSecret: "s3cret-token",
	})
	if got := h.tg.WebhookInfo().URL; got != "http://"+addr+"/telegram/webhook" {
		t.Fatalf("webhook url %q", got)
	}
	h.linkedUser("DV1", 6001, "Minh")

	resp, err := http.Post("http://"+addr+"/telegram/webhook", "application/json",
		strings.NewReader(`{"update_id":1,"message":{"message_id":1,"chat":{"id":6002,"type":"private"},"from":{"id":6002},"text":"/start x"}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("update without the secret: HTTP %d", resp.StatusCode)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	h := start(t, bot.Config{})
	h.linkedUser("DV1", 7001, "Minh")
	get := func(path string) (int, string) {
		resp, err := http.Get("http://" + h.b.Addr + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || !strings.Contains(body, "ok") {
		t.Fatalf("/healthz %d %q", code, body)
	}
	// The counter is bumped just after the reply is sent: poll for it.
	var code int
	var body string
	telegramtest.Eventually(t, wait, "the update counted in /metrics", func() bool {
		code, body = get("/metrics")
		return strings.Contains(body, `sotay_updates_total{result="ok"}`)
	})
	if code != 200 || !strings.Contains(body, `sotay_updates_total{result="ok"}`) || !strings.Contains(body, "sotay_telegram_calls_total") {
		t.Fatalf("/metrics %d %q", code, body[:min(len(body), 500)])
	}
	if strings.Contains(body, h.tg.Token()) {
		t.Fatal("the token leaked into /metrics")
	}
}

func TestChatsRunConcurrentlyAndInOrder(t *testing.T) {
	h := start(t, bot.Config{})
	slow, fast := h.tg.User(8001, "Chậm"), h.tg.User(8002, "Nhanh")
	// Every reply to the slow chat takes 1 s to be accepted.
	h.tg.InjectFault("sendMessage", telegramtest.Fault{Delay: time.Second, ChatID: 8001, Times: -1})
	slow.SendText("/start")
	slow.SendText("/trogiup")
	fast.SendText("/start")
	waitText(t, fast, "Sổ tay đảng viên điện tử")
	if n := len(slow.Messages()); n == 2 {
		t.Fatal("the fast chat waited for the slow one")
	}
	msgs, err := slow.WaitMessages(wait, 2)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(msgs[0].Plain, "Sổ tay đảng viên điện tử") || !strings.Contains(msgs[1].Plain, "Hướng dẫn") {
		t.Fatalf("slow chat out of order: %q / %q", msgs[0].Plain, msgs[1].Plain)
	}
}

func TestRunReturnsWhenWebhookRefused(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	tg.InjectFault("setWebhook", telegramtest.Fault{Code: 400, Description: "Bad Request: bad webhook: HTTPS url must be provided for webhook", Times: -1})
	addr := telegramtest.FreeAddr(t)
	b, err := wire.Bot(ctx, bot.Config{Token: tg.Token(), APIURL: tg.URL(), ListenAddr: addr,
		WebhookURL: "http://" + addr + "/telegram/webhook", WebhookSecret: "s3cret"}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "setWebhook") {
			t.Fatalf("Run returned %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Run hangs after setWebhook was refused")
	}
}

func TestSlowChatDoesNotHoldLaterUpdates(t *testing.T) {
	h := start(t, bot.Config{})
	slow, fast := h.tg.User(8101, "Chậm"), h.tg.User(8102, "Nhanh")
	// The slow chat's reply is held for 3 s by the fake API.
	h.tg.InjectFault("sendMessage", telegramtest.Fault{Delay: 3 * time.Second, ChatID: 8101})
	slow.SendText("/start")
	telegramtest.Eventually(t, wait, "the slow reply in hand", func() bool { return h.tg.Calls("sendMessage") > 0 })
	// Only now, with the slow update in hand, does the other chat write:
	// its update comes in a later poll.
	fast.SendText("/start")
	waitText(t, fast, "Sổ tay đảng viên điện tử")
	if n := len(slow.Messages()); n != 0 {
		t.Fatal("the later update waited for the slow one")
	}
	waitText(t, slow, "Sổ tay đảng viên điện tử")
	// Nothing is answered twice although Telegram resent the update in hand.
	time.Sleep(200 * time.Millisecond)
	if n := len(slow.Messages()); n != 1 {
		t.Fatalf("slow chat got %d messages", n)
	}
}
