package bot_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/storage"
)

// TestPushPausesWhileTokenRefused: Telegram refuses the token in the
// middle of a push (401 for a revoked token, 404 for one it never
// issued), then takes it again. Nothing is given up; everyone gets the
// message once.
func TestPushPausesWhileTokenRefused(t *testing.T) {
	for _, code := range []int{http.StatusUnauthorized, http.StatusNotFound} {
		t.Run(http.StatusText(code), func(t *testing.T) {
			const n = 80
			c := newCommune(t, n)
			ctx, cancel := context.WithCancel(context.Background())
			var logs lockedBuffer
			client, err := bot.NewClient(ctx, c.tg.URL(), c.tg.Token(), slog.New(slog.NewTextHandler(&logs, nil)), nil)
			if err != nil {
				t.Fatal(err)
			}
			client.AuthProbe, client.AuthProbeMax = 20*time.Millisecond, 100*time.Millisecond
			done := make(chan struct{})
			go func() {
				defer close(done)
				_ = bot.NewOutbox(client, c.s, bot.OutboxConfig{Poll: 20 * time.Millisecond, MaxAttempts: 2}, quietLog(), nil).Run(ctx)
			}()
			var once sync.Once
			stop := func() { once.Do(func() { cancel(); <-done }) }
			t.Cleanup(stop)

			c.push(t)
			telegramtest.Eventually(t, longWait, "the push to start", func() bool { return c.total() >= 5 })
			c.tg.InjectFault("", telegramtest.Fault{Code: code, Times: -1})
			telegramtest.Eventually(t, longWait, "the client to see the token refused", func() bool { b, _ := client.AuthBlocked(); return b })
			// Several probes answered with the same refusal: still paused,
			// nothing given up, and something is left to send.
			probes := c.tg.Calls("getMe")
			telegramtest.Eventually(t, longWait, "getMe probes", func() bool { return c.tg.Calls("getMe") >= probes+3 })
			pending, _, failed, err := c.s.OutboxCounts(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if failed != 0 || pending == 0 {
				t.Fatalf("while refused: pending %d, failed %d", pending, failed)
			}
			if b, reason := client.AuthBlocked(); !b || !strings.Contains(reason, "refuses the bot token") || strings.Contains(reason, c.tg.Token()) {
				t.Fatalf("reason %q", reason)
			}
			c.tg.ClearFaults()
			c.waitDone(t, 30*time.Second)
			if b, _ := client.AuthBlocked(); b {
				t.Fatal("still blocked after the token works again")
			}
			got := c.received()
			for i := int64(1); i <= n; i++ {
				if got[i] != 1 {
					t.Fatalf("user %d got %d messages", i, got[i])
				}
			}
			if st := c.states(t); st[storage.AssignDelivered] != n {
				t.Fatalf("assignments %v", st)
			}
			stop()
			out := logs.String()
			if !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "token is refused") ||
				!strings.Contains(out, "sending resumed") || strings.Contains(out, c.tg.Token()) {
				t.Fatalf("logs:\n%s", out)
			}
		})
	}
}

// TestReadyzSaysWhenTokenRefused: /readyz is 503 with the reason while
// Telegram refuses the token, and ready again once it takes it.
func TestReadyzSaysWhenTokenRefused(t *testing.T) {
	h := start(t, bot.Config{AuthProbe: 20 * time.Millisecond})
	get := func() (int, string) {
		resp, err := http.Get("http://" + h.b.Addr + "/readyz")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(); code != 200 || !strings.Contains(body, "ready") {
		t.Fatalf("/readyz %d %q", code, body)
	}
	h.tg.InjectFault("", telegramtest.Fault{Code: 401, Times: -1})
	// A message ends the long poll in hand; what follows meets the 401.
	h.tg.User(7100, "Lạ").SendText("/start")
	var code int
	var body string
	telegramtest.Eventually(t, longWait, "/readyz to say 503", func() bool { code, body = get(); return code == 503 })
	if !strings.Contains(body, "refuses the bot token") || !strings.Contains(body, "401") || strings.Contains(body, h.tg.Token()) {
		t.Fatalf("/readyz %d %q", code, body)
	}
	h.tg.ClearFaults()
	telegramtest.Eventually(t, longWait, "/readyz to say ready", func() bool { code, body = get(); return code == 200 })
	h.linkedUser("DV1", 7101, "Minh")
}

func TestClassifyAuthAndPerMessageErrors(t *testing.T) {
	tests := []struct {
		name string
		code int
		desc string
		want bot.FailKind
	}{
		{"Unauthorized", 401, "Unauthorized", bot.FailAuth},
		{"NotFoundMethodURL", 404, "Not Found", bot.FailAuth},
		{"UploadLostCodeUnauthorized", 0, "Unauthorized", bot.FailAuth},
		{"Blocked", 403, "Forbidden: bot was blocked by the user", bot.FailBlocked},
		{"ChatNotFound", 400, "Bad Request: chat not found", bot.FailBlocked},
		{"MessageTooLong", 400, "Bad Request: message is too long", bot.FailBadRequest},
		{"MessageToEditNotFound", 400, "Bad Request: message to edit not found", bot.FailBadRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := bot.Classify(&tgbotapi.Error{Code: tc.code, Message: tc.desc}).Kind; got != tc.want {
				t.Fatalf("%d %q: %s, want %s", tc.code, tc.desc, got, tc.want)
			}
		})
	}
}

// lockedBuffer is a log destination several goroutines write to.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
