package handlers_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
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
	handlers.AddForTest(e.h, handlers.Handler{Command: "boom", Access: handlers.Public, Handle: func(context.Context, *handlers.Request) error {
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
	var pe *handlers.PanicError
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
	handlers.AddForTest(e.h, handlers.Handler{Command: "flaky", Access: handlers.Public, Handle: func(context.Context, *handlers.Request) error {
		runs++
		return errors.New("connection reset by peer")
	}})
	u := tgbotapi.Update{UpdateID: 4242, Message: &tgbotapi.Message{
		MessageID: 1, From: &tgbotapi.User{ID: 821, FirstName: "U"},
		Chat: &tgbotapi.Chat{ID: 821, Type: "private"}, Text: "/flaky",
	}}
	ctx := context.Background()
	if err := e.h.HandleUpdate(handlers.WithAttempt(ctx, false), u); err == nil {
		t.Fatal("a failed try returned no error")
	}
	if got := e.rec.texts(); len(got) != 0 {
		t.Fatalf("a try to be repeated was answered: %q", got)
	}
	if err := e.h.HandleUpdate(handlers.WithAttempt(ctx, true), u); err == nil {
		t.Fatal("the failed last try returned no error")
	}
	if got := e.rec.texts(); !contains(got, msgInternal) {
		t.Fatalf("the last try got no apology: %q", got)
	}
	if err := e.h.HandleUpdate(ctx, u); err != nil || runs != 2 {
		t.Fatalf("the given-up update ran again (runs %d, err %v)", runs, err)
	}
}
