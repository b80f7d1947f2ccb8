package bot_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/cmd/sotay/wire"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// sweepLog is a log that counts the digest sweeps that found nothing to
// send: how the test knows a sweep ran without waiting a fixed time.
type sweepLog struct {
	mu     sync.Mutex
	sweeps int
}

func (l *sweepLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *sweepLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "digest sweep" || r.Message == "digests queued" {
		l.mu.Lock()
		l.sweeps++
		l.mu.Unlock()
	}
	return nil
}
func (l *sweepLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *sweepLog) WithGroup(string) slog.Handler      { return l }

func (l *sweepLog) count() int { l.mu.Lock(); defer l.mu.Unlock(); return l.sweeps }

// TestWeeklyDigestEndToEnd: the bot, on storagetest's RulesCommune and a
// set clock, sends the Monday digest through the outbox and the fake Bot
// API: nothing on Sunday or at night, at 07:30 to the secretary and the
// officer, once however often it restarts that day; the digest's button
// opens /canhbao.
func TestWeeklyDigestEndToEnd(t *testing.T) {
	c := storagetest.NewRulesCommune(t)
	ctx := context.Background()
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	sec, off := tg.User(9301, "Minh"), tg.User(9303, "Chua")
	for code, u := range map[string]*telegramtest.User{"A1": sec, "B1": off} {
		m, err := c.S.Member(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.S.LinkTelegram(ctx, m.ID, u.ID()); err != nil {
			t.Fatal(err)
		}
	}
	storagetest.MustGrant(t, c.S, "A1", storage.RoleSecretary, "CA")
	storagetest.MustGrant(t, c.S, "B1", storage.RoleOfficer, "ROOT")
	digests := func(u *telegramtest.User) int {
		n := 0
		for _, m := range u.Messages() {
			if strings.Contains(m.Plain, "Cảnh báo đầu tuần") {
				n++
			}
		}
		return n
	}
	// run serves from the clock's time until one more digest sweep has
	// run, then stops; while runs is called it serves on.
	run := func(at time.Time, while func()) {
		t.Helper()
		c.Clock.Set(at)
		log := &sweepLog{}
		b, err := wire.Bot(ctx, bot.Config{Token: tg.Token(), APIURL: tg.URL(), Location: storagetest.Local, SupervisionTarget: 30,
			Outbox: bot.OutboxConfig{Poll: 50 * time.Millisecond}}, c.S, slog.New(log))
		if err != nil {
			t.Fatal(err)
		}
		polls := tg.Calls("getUpdates")
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- b.Run(rctx) }()
		select {
		case <-b.Ready:
		case err := <-done:
			t.Fatalf("bot stopped at start: %v", err)
		}
		defer func() {
			cancel()
			if err := <-done; err != nil {
				t.Error(err)
			}
		}()
		telegramtest.Eventually(t, wait, "a digest sweep at "+at.Format("Mon 02/01 15:04"), func() bool { return log.count() > 0 })
		// Stopped once it polls, not while it starts.
		telegramtest.Eventually(t, wait, "polling", func() bool { return tg.Calls("getUpdates") > polls })
		if while != nil {
			while()
		}
	}
	at := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, storagetest.Local) }

	run(at(22, 9, 0), nil)   // Sunday
	run(at(23, 7, 29), nil)  // Monday, too early
	run(at(16, 22, 30), nil) // an earlier Monday, at night
	if n := digests(sec) + digests(off); n != 0 {
		t.Fatalf("%d digests before Monday 07:30", n)
	}
	run(at(23, 7, 30), func() {
		m := waitText(t, sec, "Cảnh báo đầu tuần — 23/11/2026")
		for _, want := range []string{"Có 15 cảnh báo.", "Cảnh báo mới", "Hoàng Thị Hoa (A2): vắng 3 buổi sinh hoạt thường kỳ liền", "… và 3 cảnh báo mới khác."} {
			if !strings.Contains(m.Plain, want) {
				t.Errorf("no %q in the secretary's digest:\n%s", want, m.Plain)
			}
		}
		m = waitText(t, off, "Cảnh báo đầu tuần — 23/11/2026")
		for _, want := range []string{"Có 20 cảnh báo ở 2 tổ chức.", "• Chi bộ bản Pa Cheo Thượng: 15\n", "• Chi bộ Tiểu học: 5\n"} {
			if !strings.Contains(m.Plain, want) {
				t.Errorf("no %q in the officer's digest:\n%s", want, m.Plain)
			}
		}
		mustPress(t, sec, "⚠️ Xem cảnh báo")
		waitText(t, sec, "Chi bộ bản Pa Cheo Thượng (CA) — 15 cảnh báo")
	})
	run(at(23, 12, 0), nil) // restarted the same day
	if a, b := digests(sec), digests(off); a != 1 || b != 1 {
		t.Fatalf("digests: secretary %d, officer %d; want one each", a, b)
	}
}
