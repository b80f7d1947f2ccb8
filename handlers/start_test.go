package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
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
	var wg sync.WaitGroup
	start := make(chan struct{})
	errs := make(chan error, guesses)
	for _, u := range updates {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs <- e.h.HandleUpdate(context.Background(), u)
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
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
