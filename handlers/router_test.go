package handlers_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/handlers/chat"
)

// msgInternal is the apology for a system error (handlers.msgInternal).
const msgInternal = "hệ thống đang gặp sự cố"

// A button's data is chosen by the client: "cmd:" or "cmd" names no
// command, and must not reach a handler without one (the contact handler,
// which reads a message a button press does not have).
func TestForgedMenuButtonWithoutCommand(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV1", 802)
	for _, data := range []string{"cmd:", "cmd", "cmd:   ", "cmd:nosuch", ":", ""} {
		for _, user := range []int64{801, 802} { // unlinked, linked
			e.rec.reset()
			e.press(t, user, data)
			got := e.rec.texts()
			if len(got) == 0 {
				t.Errorf("press %q by %d: no answer", data, user)
			}
			if contains(got, msgInternal) {
				t.Errorf("press %q by %d: system error %q", data, user, got)
			}
		}
	}
}

// A panic in a handler is answered with the apology, recorded so that a
// redelivery does not run it again, and reported as a PanicError.
func TestPanicInHandlerRecovered(t *testing.T) {
	e := newEnv(t)
	runs := 0
	handlers.AddForTest(e.h, chat.Handler{Command: "boom", Access: chat.Public, Handle: func(context.Context, *chat.Request) error {
		runs++
		var m map[string]int
		m["x"] = 1 // assignment to a nil map panics
		return nil
	}})
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: 811, FirstName: "U"},
		Chat: &tgbotapi.Chat{ID: 811, Type: "private"}, Text: "/boom",
	}}
	err := e.h.HandleUpdate(context.Background(), u)
	var pe *chat.PanicError
	if !errors.As(err, &pe) {
		t.Fatalf("HandleUpdate = %v, want a PanicError", err)
	}
	if !strings.Contains(pe.Stack, "router_test.go") {
		t.Errorf("stack does not name the panicking handler:\n%s", pe.Stack)
	}
	if got := e.rec.texts(); !contains(got, msgInternal) {
		t.Errorf("no apology: %q", got)
	}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil || runs != 1 {
		t.Fatalf("redelivered update ran the handler again (runs %d, err %v)", runs, err)
	}
	// The bot goes on serving.
	e.rec.reset()
	e.text(t, 812, "/start")
	if len(e.rec.texts()) == 0 {
		t.Fatal("no answer to /start after a panic")
	}
}

// A caller that retries (polling) gets no apology and no record for a
// failed try, and both for the last one.
func TestInternalErrorOnLastTryRecorded(t *testing.T) {
	e := newEnv(t)
	runs := 0
	handlers.AddForTest(e.h, chat.Handler{Command: "flaky", Access: chat.Public, Handle: func(context.Context, *chat.Request) error {
		runs++
		return errors.New("connection reset by peer")
	}})
	u := tgbotapi.Update{UpdateID: 4242, Message: &tgbotapi.Message{
		MessageID: 1, From: &tgbotapi.User{ID: 821, FirstName: "U"},
		Chat: &tgbotapi.Chat{ID: 821, Type: "private"}, Text: "/flaky",
	}}
	ctx := context.Background()
	if err := e.h.HandleUpdate(chat.WithAttempt(ctx, false), u); err == nil {
		t.Fatal("a failed try returned no error")
	}
	if got := e.rec.texts(); len(got) != 0 {
		t.Fatalf("a try to be repeated was answered: %q", got)
	}
	if err := e.h.HandleUpdate(chat.WithAttempt(ctx, true), u); err == nil {
		t.Fatal("the failed last try returned no error")
	}
	if got := e.rec.texts(); !contains(got, msgInternal) {
		t.Fatalf("the last try got no apology: %q", got)
	}
	if err := e.h.HandleUpdate(ctx, u); err != nil || runs != 2 {
		t.Fatalf("the given-up update ran again (runs %d, err %v)", runs, err)
	}
}

// Control characters from the client (U+0000 above all, which PostgreSQL
// refuses in text and jsonb) are stripped where the request is built; new
// lines and tabs stay.
func TestControlCharactersStripped(t *testing.T) {
	e, _, _ := docEnv(t)
	cases := []struct {
		user int64
		send func()
	}{
		{701, func() { e.text(t, 701, "/tim ket\x00 luan 21") }},
		{701, func() { e.text(t, 701, "/tim") }},
		{701, func() { e.text(t, 701, "nghi\x00 quyet\x1b 57") }},
		{702, func() { e.sendFile(t, 702, "/dang 99-KL/TW\x00 | Kết luận\x00 mới | Ban Bí thư | 01/11/2024") }},
		{702, func() { e.press(t, 702, "dang:\x00") }},
		{703, func() { e.text(t, 703, "/start \x00\x00") }},
		{799, func() { e.text(t, 799, "/start abc\x00def") }},
	}
	for i, c := range cases {
		e.rec.reset()
		c.send()
		if got := e.rec.texts(); contains(got, msgInternal) {
			t.Errorf("case %d: system error %q", i, got)
		}
	}
}

func TestSanitizeKeepsNewlinesAndTabs(t *testing.T) {
	u := tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{
		Text: "a\x00b\tc\nd\r\ne\x7f\u0085f\xff", Caption: "x\x01y",
		Contact:  &tgbotapi.Contact{PhoneNumber: "0912\x00000001", FirstName: "L\x00ò"},
		Document: &tgbotapi.Document{FileName: "kl\x0021.pdf"},
	}}
	got := handlers.Sanitize(u)
	m := got.Message
	if m.Text != "ab\tc\nd\r\nef\uFFFD" || m.Caption != "xy" || m.Contact.PhoneNumber != "0912000001" || m.Contact.FirstName != "Lò" || m.Document.FileName != "kl21.pdf" {
		t.Fatalf("sanitized %+v %+v %+v", m, m.Contact, m.Document)
	}
	if u.Message.Text != "a\x00b\tc\nd\r\ne\x7f\u0085f\xff" {
		t.Fatal("Sanitize changed the update it was given")
	}
	cq := handlers.Sanitize(tgbotapi.Update{CallbackQuery: &tgbotapi.CallbackQuery{Data: "dt:\x001"}}).CallbackQuery
	if cq.Data != "dt:1" {
		t.Fatalf("callback data %q", cq.Data)
	}
}
