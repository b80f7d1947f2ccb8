package bot_test

import (
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/storage"
)

// TestOutboxStopRecordsEveryOutcome stops a sender that sends many
// messages at once in the middle of a push: every message the API
// accepted is recorded sent by the time Run returns (none is left to be
// sent again), and every other message is given back, not left claimed.
func TestOutboxStopRecordsEveryOutcome(t *testing.T) {
	c := newCommune(t, 1500)
	c.push(t)
	stop := c.sender(t, bot.OutboxConfig{Rate: -1, Workers: 16, Batch: 100, Poll: 20 * time.Millisecond})
	for c.tg.Calls("sendMessage") < 300 {
		time.Sleep(time.Millisecond)
	}
	stop()
	got := c.received()
	if len(got) == 0 || len(got) == c.n {
		t.Fatalf("%d of %d received: the sender was not stopped in the middle", len(got), c.n)
	}
	var sent []int64
	if err := c.s.DB().Select(&sent, `SELECT chat_id FROM outbox WHERE state = 'sent'`); err != nil {
		t.Fatal(err)
	}
	recorded := map[int64]bool{}
	for _, chat := range sent {
		recorded[chat] = true
	}
	for chat, k := range got {
		if k != 1 {
			t.Errorf("chat %d got %d messages", chat, k)
		}
		if !recorded[chat] {
			t.Errorf("chat %d got the message, but it is not recorded sent", chat)
		}
	}
	if len(sent) != len(got) {
		t.Errorf("%d recorded sent, %d received", len(sent), len(got))
	}
	var claimed int
	if err := c.s.DB().Get(&claimed, `SELECT count(*) FROM outbox WHERE state = 'pending' AND claimed_by IS NOT NULL`); err != nil {
		t.Fatal(err)
	}
	if claimed != 0 {
		t.Errorf("%d messages left claimed by the stopped sender", claimed)
	}
	if st := c.states(t); st[storage.AssignDelivered] != len(got) {
		t.Errorf("assignments %v, %d received", st, len(got))
	}
	// A new sender finishes the push with no duplicate.
	c.sender(t, bot.OutboxConfig{Rate: -1, Workers: 16, Poll: 20 * time.Millisecond})
	c.waitDone(t, 60*time.Second)
	for i := int64(1); i <= int64(c.n); i++ {
		if k := c.received()[i]; k != 1 {
			t.Fatalf("user %d got %d messages", i, k)
		}
	}
}

// TestOutboxConcurrentFloodWait: 429s met by several sends at once are
// each retried after retry_after, the member gets the message once and
// nothing fails.
func TestOutboxConcurrentFloodWait(t *testing.T) {
	c := newCommune(t, 200)
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 429, RetryAfter: 1, Times: 5})
	c.push(t)
	c.sender(t, bot.OutboxConfig{Rate: 1e6, Workers: 16, Poll: 20 * time.Millisecond})
	c.waitDone(t, 60*time.Second)
	got := c.received()
	for i := int64(1); i <= int64(c.n); i++ {
		if got[i] != 1 {
			t.Fatalf("user %d got %d messages", i, got[i])
		}
	}
	if st := c.states(t); st[storage.AssignDelivered] != c.n {
		t.Fatalf("assignments %v", st)
	}
	if n := c.tg.Calls("sendMessage"); n != c.n+5 {
		t.Fatalf("%d calls for %d members and 5 flood waits", n, c.n)
	}
}

// TestOutboxFloodPauseHoldsWithoutRate: with no rate limit (--rate -1),
// three 429s close together still pause every sender for retry_after:
// nothing is sent before the pause ends, and then everything is, once.
func TestOutboxFloodPauseHoldsWithoutRate(t *testing.T) {
	c := newCommune(t, 20)
	c.tg.InjectFault("sendMessage", telegramtest.Fault{Code: 429, RetryAfter: 2, Times: 3})
	c.push(t)
	started := time.Now()
	c.sender(t, bot.OutboxConfig{Rate: -1, Workers: 1, Poll: 20 * time.Millisecond})
	c.waitDone(t, 60*time.Second)
	var until time.Time
	if err := c.s.DB().Get(&until, `SELECT tat FROM send_budget WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	if until.Before(started.Add(2 * time.Second)) {
		t.Fatalf("no flood pause was recorded: the budget's next slot is %v", until)
	}
	var sent int
	for i := int64(1); i <= int64(c.n); i++ {
		for _, m := range c.tg.Sent(i) {
			sent++
			if m.Time.Before(until) {
				t.Errorf("user %d got a message at %v, %v before the flood pause ended", i, m.Time.Format("15:04:05.000"), until.Sub(m.Time))
			}
		}
	}
	if sent != c.n {
		t.Fatalf("%d messages for %d members", sent, c.n)
	}
}
