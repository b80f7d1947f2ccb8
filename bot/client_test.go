package bot_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sotay/bot"
	"sotay/bot/telegramtest"
)

func TestCheckToken(t *testing.T) {
	const good = "123456:AAH4xYzW-8mK3pQ_vR5tL9nB2cD7fG1jE0s"
	tests := []struct {
		name, in, want, why string
	}{
		{"Good", good, good, ""},
		{"TrailingCRLFTrimmed", good + "\r\n", good, ""},
		{"Blank", " \n", "", "chưa đặt TELEGRAM_BOT_TOKEN"},
		{"NoColon", "abc", "", "thiếu dấu hai chấm"},
		{"IDNotDigits", "12a:AAH4xYzW-8mK3pQ_vR5tL9nB2cD7fG1jE0s", "", "chỉ gồm chữ số"},
		{"SpaceInside", "123456:AAH4xYzW 8mK3pQ_vR5tL9nB2cD7fG1jE0s", "", "khoảng trắng"},
		{"BadCharacter", "123456:AAH4xYzW%8mK3pQ_vR5tL9nB2cD7fG1jE0s", "", "ký tự không được phép"},
		{"TooShort", "123456:AAH4xYzW", "", "chỉ có 8 ký tự"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSetting(t, bot.CheckToken, tc.in, tc.want, tc.why)
			if secret := strings.TrimSpace(tc.in); err != nil && len(secret) > 4 && strings.Contains(err.Error(), secret) {
				t.Fatalf("the error quotes the token: %v", err)
			}
		})
	}
}

// checkSetting checks one case of a setting's check: an accepted value
// (why "") and what it becomes, or the reason a refused one is given.
// It returns the refusal.
func checkSetting(t *testing.T, check func(string) (string, error), in, want, why string) error {
	t.Helper()
	got, err := check(in)
	if why == "" {
		if err != nil || got != want {
			t.Fatalf("%q, %v", got, err)
		}
		return nil
	}
	if err == nil || !strings.Contains(err.Error(), why) {
		t.Fatalf("error %v, want %q", err, why)
	}
	return err
}

func TestCheckAPIURL(t *testing.T) {
	tests := []struct {
		name, in, want, why string
	}{
		{"Default", "", bot.DefaultAPIURL, ""},
		{"TrailingSlash", "http://127.0.0.1:8081/", "http://127.0.0.1:8081", ""},
		{"PathWithEscape", "http://127.0.0.1:8081/t%67", "http://127.0.0.1:8081/t%67", ""},
		{"BrokenEscape", "http://127.0.0.1:8081/%s%d", "", "không phải địa chỉ hợp lệ"},
		{"NoScheme", "api.telegram.org", "", "không phải địa chỉ hợp lệ"},
		{"Query", "https://api.telegram.org/?x=1", "", "không được có phần ?"},
		{"Fragment", "https://api.telegram.org/#x", "", "không được có phần ?"},
		{"TokenInside", "https://api.telegram.org/bot123:AAH4xYzW", "", "không kèm /bot<mã>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkSetting(t, bot.CheckAPIURL, tc.in, tc.want, tc.why)
		})
	}
}

// TestPercentInBaseURLStaysLiteral: the base URL goes into tgbotapi's
// endpoint format; an escaped character in it ("%20g" would be a format
// verb) must reach the server as written.
func TestPercentInBaseURLStaysLiteral(t *testing.T) {
	tg := telegramtest.NewHandler()
	defer tg.Close()
	ts := httptest.NewServer(http.StripPrefix("/t g", tg))
	defer ts.Close()
	tg.SetURL(ts.URL + "/t%20g")
	c, err := bot.NewClient(context.Background(), ts.URL+"/t%20g", tg.Token(), quietLog(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Username() != telegramtest.BotUsername {
		t.Fatalf("getMe answered %q", c.Username())
	}
}
