package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotay/bot"
)

// postUpdate posts one update from user to the webhook, as Telegram does,
// and returns the HTTP status.
func postUpdate(t *testing.T, url string, id int, user int64) int {
	t.Helper()
	body := fmt.Sprintf(`{"update_id":%d,"message":{"message_id":%d,"date":1,"chat":{"id":%d,"type":"private"},"from":{"id":%d,"first_name":"A"},"text":"xin chào"}}`,
		id, id, user, user)
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestWebhookAsksAgainAfterAnInternalError: an update that fails with an
// internal error is answered 500, so that Telegram sends it again; once
// handled it is answered 200. One that keeps failing is given up after
// three more tries (the last is answered with the apology and recorded),
// as polling does; a good update is answered 200 at once.
func TestWebhookAsksAgainAfterAnInternalError(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fails int
		want  []int
	}{
		{"TwoFailuresThenHandled", 2, []int{500, 500, 200}},
		{"GivenUpAfterThreeMoreTries", -1, []int{500, 500, 500, 200}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &flaky{user: 1, fails: tc.fails, calls: map[int]int{}, done: map[int64]int{}}
			d := bot.NewDispatcher(context.Background(), outcomes(f), 4, quietLog(), nil)
			defer d.Close()
			srv := httptest.NewServer(bot.NewWebhook(d, "s3cret", 5*time.Second, quietLog()))
			defer srv.Close()
			var got []int
			for range tc.want {
				got = append(got, postUpdate(t, srv.URL, 7, 1))
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Fatalf("answers %v, want %v", got, tc.want)
			}
			if code := postUpdate(t, srv.URL, 8, 2); code != 200 {
				t.Fatalf("a good update answered %d", code)
			}
			calls, done := f.snapshot()
			if calls[7] != len(tc.want) || done[2] != 1 {
				t.Fatalf("tries %v, handled %v", calls, done)
			}
		})
	}
}
