package main

import (
	"strings"
	"testing"
	"time"

	"sotay/bot/telegramtest"
)

// TestForgedPressLeavesServeServing sends the menu-button presses "cmd:"
// and "cmd" (data a modified client may choose) from an unlinked user to a
// running `sotay serve`. They once reached the contact handler, which
// panicked; nothing recovered it, and polling redelivered the press after
// every restart. Serve must answer them, keep answering others, and after
// a restart neither see them again nor stop.
func TestForgedPressLeavesServeServing(t *testing.T) {
	_, env := seeded(t)
	tg := telegramtest.NewServer()
	defer tg.Close()
	env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL(), "LOG_LEVEL=debug")

	answered := func(s *serving, u *telegramtest.User) telegramtest.Message {
		t.Helper()
		u.SendText("/start")
		m, err := u.WaitMessage(30*time.Second, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, "liên kết") })
		if err != nil {
			t.Fatalf("user %d got no answer to /start: %v\nsent %d: %+v\nlogs:\n%s", u.ID(), err, tg.Calls("sendMessage"), tg.AllSent(), s.logs())
		}
		return m
	}

	first := serve(t, env)
	attacker := tg.User(31001, "Kẻ lạ")
	onto := answered(first, attacker)
	attacker.Press(onto.ID, "cmd:")
	attacker.Press(onto.ID, "cmd")
	deadline := time.Now().Add(30 * time.Second)
	for len(attacker.CallbackAnswers()) < 2 {
		first.running(t, "after the forged presses")
		if time.Now().After(deadline) {
			t.Fatalf("forged presses not answered: %+v\nlogs:\n%s", attacker.CallbackAnswers(), first.logs())
		}
		time.Sleep(20 * time.Millisecond)
	}
	answered(first, tg.User(31002, "Minh"))
	first.running(t, "after another user's /start")
	first.stop(t)

	second := serve(t, env)
	answered(second, tg.User(31003, "Hoa"))
	second.running(t, "after the restart")
	if n := len(attacker.CallbackAnswers()); n != 2 {
		t.Errorf("the forged presses were handled again after the restart: %d answers", n)
	}
	second.stop(t)
	for _, s := range []*serving{first, second} {
		if strings.Contains(s.logs(), "panic") {
			t.Errorf("a handler panicked:\n%s", s.logs())
		}
		if strings.Contains(s.logs(), tg.Token()) {
			t.Fatal("the bot token appears in the logs")
		}
	}
}
