package main

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotay/bot/telegramtest"
	"sotay/storage/storagetest"
)

// tokenForms are the spellings of a token that could show up in output:
// as is, escaped for a URL path, a query or a Go quoted string, and the
// secret after the colon alone.
func tokenForms(token string) []string {
	forms := []string{token, url.PathEscape(token), url.QueryEscape(token), strings.Trim(strconv.Quote(token), `"`)}
	if _, secret, ok := strings.Cut(strings.TrimSpace(token), ":"); ok {
		forms = append(forms, secret, url.QueryEscape(secret))
		for _, part := range strings.Fields(secret) {
			if len(part) >= 12 {
				forms = append(forms, part)
			}
		}
	}
	return forms
}

// TestServeNeverPrintsTheToken runs `sotay serve` at LOG_LEVEL=debug with
// broken settings and looks for the token in everything it prints. Where a
// setting is wrong, serve exits non-zero and says which, in Vietnamese.
func TestServeNeverPrintsTheToken(t *testing.T) {
	dsn := storagetest.NewDatabase(t)
	tg := telegramtest.NewServer()
	defer tg.Close()
	// Knows another bot: it answers 401 to ours.
	other := telegramtest.NewServer(telegramtest.WithToken("654321:another-bot-token-0123456789abcdefgh"))
	defer other.Close()
	token := tg.Token()
	base := []string{"DATABASE_URL=" + dsn, "LOG_LEVEL=debug"}

	tests := []struct {
		name  string
		token string
		env   []string
		want  string // in stderr; "" means serve runs (stopped by SIGTERM, exit 0)
		not   string // must not be in the output
	}{
		{"PercentInAPIURL", token, []string{"TELEGRAM_API_URL=" + tg.URL() + "/%s%d"}, "TELEGRAM_API_URL không phải địa chỉ hợp lệ", ""},
		{"TokenWithTrailingCRLFIsTrimmed", token + "\r\n", []string{"TELEGRAM_API_URL=" + tg.URL()}, "", ""},
		{"TokenWithSpaces", strings.ReplaceAll(token, "-", " "), []string{"TELEGRAM_API_URL=" + tg.URL()},
			"Mã bot (TELEGRAM_BOT_TOKEN) không đúng dạng: có khoảng trắng", ""},
		{"MalformedTokenNoDNSLookup", "abc", nil, "Mã bot (TELEGRAM_BOT_TOKEN) không đúng dạng", "lookup"},
		{"UnreachableAPIURL", token, []string{"TELEGRAM_API_URL=http://127.0.0.1:1"}, "không kết nối được Bot API tại http://127.0.0.1:1", ""},
		{"APIAnswers401", token, []string{"TELEGRAM_API_URL=" + other.URL()}, "Telegram không nhận mã bot (Unauthorized)", ""},
		{"APIURLWithPathAndQuery", token, []string{"TELEGRAM_API_URL=" + tg.URL() + "/tg?key=1"}, "TELEGRAM_API_URL không được có phần ?", ""},
		{"TokenInAPIURL", token, []string{"TELEGRAM_API_URL=" + tg.URL() + "/bot" + token}, "TELEGRAM_API_URL chỉ ghi địa chỉ gốc", ""},
		{"BadWebhookURL", token, []string{"TELEGRAM_API_URL=" + tg.URL(), "WEBHOOK_URL=sotay.example.vn/%zz/" + token,
			"WEBHOOK_SECRET=s3cret", "LISTEN_ADDR=127.0.0.1:0"}, "WEBHOOK_URL không phải địa chỉ hợp lệ", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			env := append(append([]string{"TELEGRAM_BOT_TOKEN=" + tc.token}, base...), tc.env...)
			var r result
			if tc.want == "" {
				r = serveUntilPolling(t, tg, env)
				if r.code != 0 {
					t.Fatalf("exit %d\n%s%s", r.code, r.stdout, r.stderr)
				}
			} else {
				r = run(t, env, "serve")
				if r.code == 0 || !strings.Contains(r.stderr, tc.want) {
					t.Fatalf("want a non-zero exit saying %q, got %d\n%s%s", tc.want, r.code, r.stdout, r.stderr)
				}
			}
			out := r.stdout + r.stderr
			if tc.not != "" && strings.Contains(out, tc.not) {
				t.Errorf("output has %q:\n%s", tc.not, out)
			}
			for _, f := range append(tokenForms(tc.token), tokenForms(token)...) {
				if strings.Contains(out, f) {
					t.Fatalf("the token (as %q) is in the output:\n%s", f, out)
				}
			}
		})
	}
}

// serveUntilPolling starts `sotay serve`, waits until it polls the fake
// Bot API, and stops it with SIGTERM.
func serveUntilPolling(t *testing.T, tg *telegramtest.Server, env []string) result {
	t.Helper()
	polls := tg.Calls("getUpdates")
	s := serve(t, env)
	deadline := time.Now().Add(60 * time.Second)
	for tg.Calls("getUpdates") <= polls {
		s.running(t, "before polling")
		if time.Now().After(deadline) {
			t.Fatalf("serve never polled\n%s", s.logs())
		}
		time.Sleep(10 * time.Millisecond)
	}
	code := s.terminate(t, 60*time.Second)
	return result{code, s.stdout.String(), s.stderr.String()}
}
