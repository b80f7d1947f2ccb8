package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"sotay/bot/telegramtest"
)

// fakeReadyz is sotay serve's /readyz, ready or not as the test says.
func fakeReadyz(t *testing.T) (url string, notReady *atomic.Value) {
	t.Helper()
	notReady = &atomic.Value{}
	notReady.Store("")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/readyz" {
			http.NotFound(w, r)
			return
		}
		if why := notReady.Load().(string); why != "" {
			http.Error(w, "not ready: "+why, http.StatusServiceUnavailable)
			return
		}
		io.WriteString(w, "ready\n")
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/readyz", notReady
}

// TestCheckAlarm: sotay check counts failed /readyz answers in its state
// file; the third in a row writes an alarm to the journal at priority err
// and messages the alert chat through the Bot API, once; when /readyz is
// ready again it says so to the chat and counts from zero.
func TestCheckAlarm(t *testing.T) {
	readyz, notReady := fakeReadyz(t)
	tg := telegramtest.NewServer()
	defer tg.Close()
	admin := tg.User(4242, "Quản trị")
	state := t.TempDir()
	env := []string{"TELEGRAM_BOT_TOKEN=" + tg.Token(), "TELEGRAM_API_URL=" + tg.URL(), "ALERT_CHAT_IDS=4242",
		"JOURNAL_STREAM=8:12345", "STATE_DIRECTORY=" + state}
	check := func() result { return run(t, env, "check", "--url", readyz) }

	if r := check(); r.code != 0 {
		t.Fatalf("ready: %+v", r)
	}
	notReady.Store("database unreachable")
	for i := 1; i <= 2; i++ {
		r := check()
		if r.code != 1 || !strings.HasPrefix(r.stderr, "<4>") || !strings.Contains(r.stderr, "sotay is not ready") || strings.Contains(r.stderr, "ALARM") {
			t.Fatalf("failure %d: %+v", i, r)
		}
	}
	if n := len(admin.Messages()); n != 0 {
		t.Fatalf("messaged before the third failure: %v", admin.Messages())
	}
	var st checkState
	b, _ := os.ReadFile(filepath.Join(state, checkStateFile))
	if err := json.Unmarshal(b, &st); err != nil || st.Failures != 2 || st.Alarmed {
		t.Fatalf("state after 2 failures: %s %v", b, err)
	}

	r := check()
	if r.code != 1 || !strings.Contains(r.stderr, "<3>") || !strings.Contains(r.stderr, "ALARM: sotay is not ready") {
		t.Fatalf("third failure: %+v", r)
	}
	msgs := admin.Messages()
	if len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "3 lần kiểm tra liên tiếp") || !strings.Contains(msgs[0].Plain, "database unreachable") {
		t.Fatalf("alarm message: %+v", msgs)
	}
	if r := check(); r.code != 1 || strings.Contains(r.stderr, "ALARM") || len(admin.Messages()) != 1 {
		t.Fatalf("fourth failure alarmed again: %+v %v", r, admin.Messages())
	}

	notReady.Store("")
	if r := check(); r.code != 0 || !strings.Contains(r.stderr, "ready again after an alarm") {
		t.Fatalf("ready again: %+v", r)
	}
	msgs = admin.Messages()
	if len(msgs) != 2 || !strings.Contains(msgs[1].Plain, "đã hoạt động trở lại (sau 4 lần kiểm tra lỗi liên tiếp") {
		t.Fatalf("recovery message: %+v", msgs)
	}
	// Counting starts again: one failure is no alarm.
	notReady.Store("database unreachable")
	if r := check(); r.code != 1 || strings.Contains(r.stderr, "ALARM") {
		t.Fatalf("after recovery: %+v", r)
	}
}

// TestCheckTelegramDown: when the Bot API cannot be reached, the alarm is
// in the journal alone; the message goes at the next failed check that
// reaches Telegram.
func TestCheckTelegramDown(t *testing.T) {
	readyz, notReady := fakeReadyz(t)
	notReady.Store("Telegram refuses the bot token")
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close() // nothing listens there any more
	tg := telegramtest.NewServer()
	defer tg.Close()
	admin := tg.User(4242, "Quản trị")
	state := t.TempDir()
	env := func(api string) []string {
		return []string{"TELEGRAM_BOT_TOKEN=" + tg.Token(), "TELEGRAM_API_URL=" + api, "ALERT_CHAT_IDS=4242", "STATE_DIRECTORY=" + state}
	}
	for i := 1; i <= 4; i++ {
		r := run(t, env(down.URL), "check", "--url", readyz, "--timeout", "3s")
		if i == 3 && (r.code != 1 || !strings.Contains(r.stderr, "ALARM: sotay is not ready") || !strings.Contains(r.stderr, "the alarm is in the journal only")) {
			t.Fatalf("third failure with Telegram down: %+v", r)
		}
	}
	b, _ := os.ReadFile(filepath.Join(state, checkStateFile))
	var st checkState
	if err := json.Unmarshal(b, &st); err != nil || !st.Alarmed || st.Told {
		t.Fatalf("state with Telegram down: %s %v", b, err)
	}
	r := run(t, env(tg.URL()), "check", "--url", readyz)
	if r.code != 1 || !strings.Contains(r.stderr, "alert chat messaged") {
		t.Fatalf("Telegram back: %+v", r)
	}
	if msgs := admin.Messages(); len(msgs) != 1 || !strings.Contains(msgs[0].Plain, "5 lần kiểm tra liên tiếp") {
		t.Fatalf("message once Telegram is back: %+v", msgs)
	}
}

// TestCheckSettings: what sotay check needs is said before anything is
// asked.
func TestCheckSettings(t *testing.T) {
	dir := []string{"STATE_DIRECTORY=" + t.TempDir()}
	for _, tc := range []struct {
		name string
		env  []string
		want string
	}{
		{"BadChatID", []string{"ALERT_CHAT_IDS=4242,@quantri", "LISTEN_ADDR=127.0.0.1:8080"}, `ALERT_CHAT_IDS có "@quantri" không phải mã cuộc trò chuyện`},
		{"NoListenAddr", nil, "chưa đặt LISTEN_ADDR"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append(dir, tc.env...), "check")
			if r.code != 1 || !strings.Contains(r.stderr, tc.want) {
				t.Fatalf("%+v", r)
			}
		})
	}
	t.Run("ServeNotRunning", func(t *testing.T) {
		addr := telegramtest.FreeAddr(t)
		r := run(t, append(dir, "LISTEN_ADDR="+addr), "check")
		if r.code != 1 || !strings.Contains(r.stderr, "cannot reach http://"+addr+"/readyz") {
			t.Fatalf("%+v", r)
		}
	})
}

func TestReadyzURL(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080/readyz",
		":8080":          "http://127.0.0.1:8080/readyz",
		"0.0.0.0:9000":   "http://127.0.0.1:9000/readyz",
		"[::1]:8080":     "http://[::1]:8080/readyz",
	} {
		if got, err := readyzURL(in); err != nil || got != want {
			t.Errorf("readyzURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
