package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/storage/storagetest"
)

// TestForgedPressLeavesServeServing sends the menu-button presses "cmd:"
// and "cmd" (data a modified client may choose) from an unlinked user to a
// running `sotay serve`. They once reached the contact handler, which
// panicked; nothing recovered it, and polling redelivered the press after
// every restart. Serve must answer them, keep answering others, and after
// a restart neither see them again nor stop.
func TestForgedPressLeavesServeServing(t *testing.T) {
	dsn := storagetest.NewDatabase(t)
	env := []string{"DATABASE_URL=" + dsn}
	if r := run(t, env, "import", "orgs", write(t, "o.csv", orgsCSV)); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if r := run(t, env, "import", "members", write(t, "m.csv", membersCSV)); r.code != 0 {
		t.Fatalf("%+v", r)
	}
	tg := telegramtest.NewServer()
	defer tg.Close()
	env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL(), "LOG_LEVEL=debug")

	type serving struct {
		cmd    *exec.Cmd
		logs   *bytes.Buffer
		exited chan error
	}
	serve := func() *serving {
		cmd := exec.Command(binary, "serve")
		cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
		s := &serving{cmd: cmd, logs: &bytes.Buffer{}, exited: make(chan error, 1)}
		cmd.Stderr, cmd.Stdout = s.logs, s.logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { s.exited <- cmd.Wait() }()
		t.Cleanup(func() { cmd.Process.Kill() })
		return s
	}
	alive := func(s *serving, when string) {
		t.Helper()
		select {
		case err := <-s.exited:
			t.Fatalf("sotay serve exited %s: %v\nlogs:\n%s", when, err, s.logs.String())
		default:
		}
	}
	answered := func(s *serving, u *telegramtest.User) telegramtest.Message {
		t.Helper()
		u.SendText("/start")
		m, err := u.WaitMessage(30*time.Second, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, "liên kết") })
		if err != nil {
			t.Fatalf("user %d got no answer to /start: %v\nsent %d: %+v\nlogs:\n%s", u.ID(), err, tg.Calls("sendMessage"), tg.AllSent(), s.logs.String())
		}
		return m
	}
	stop := func(s *serving) {
		t.Helper()
		if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-s.exited:
			if err != nil {
				t.Fatalf("exit: %v\nlogs:\n%s", err, s.logs.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatal("sotay serve did not stop after SIGTERM")
		}
	}

	first := serve()
	attacker := tg.User(31001, "Kẻ lạ")
	onto := answered(first, attacker)
	attacker.Press(onto.ID, "cmd:")
	attacker.Press(onto.ID, "cmd")
	deadline := time.Now().Add(30 * time.Second)
	for len(attacker.CallbackAnswers()) < 2 {
		alive(first, "after the forged presses")
		if time.Now().After(deadline) {
			t.Fatalf("forged presses not answered: %+v\nlogs:\n%s", attacker.CallbackAnswers(), first.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	answered(first, tg.User(31002, "Minh"))
	alive(first, "after another user's /start")
	stop(first)

	second := serve()
	answered(second, tg.User(31003, "Hoa"))
	alive(second, "after the restart")
	if n := len(attacker.CallbackAnswers()); n != 2 {
		t.Errorf("the forged presses were handled again after the restart: %d answers", n)
	}
	stop(second)
	for _, s := range []*serving{first, second} {
		if strings.Contains(s.logs.String(), "panic") {
			t.Errorf("a handler panicked:\n%s", s.logs.String())
		}
		if strings.Contains(s.logs.String(), tg.Token()) {
			t.Fatal("the bot token appears in the logs")
		}
	}
}
