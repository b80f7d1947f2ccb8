package bot_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/proxytest"
	"sotay/bot/telegramtest"
	"sotay/cmd/sotay/wire"
	"sotay/storage/storagetest"
)

func TestCheckProxy(t *testing.T) {
	tests := []struct {
		name, in, want, why string
	}{
		{"None", " ", "", ""},
		{"SOCKS5", "socks5://127.0.0.1:1080", "socks5://127.0.0.1:1080", ""},
		{"SOCKS5UpperCaseScheme", "SOCKS5://127.0.0.1:1080/", "socks5://127.0.0.1:1080", ""},
		{"HTTPWithUserAndPassword", "http://sotay:p%40ss@proxy.lan:3128", "http://sotay:p%40ss@proxy.lan:3128", ""},
		{"HTTPSWithoutPort", "https://proxy.lan", "https://proxy.lan", ""},
		{"NoScheme", "127.0.0.1:1080", "", "không phải địa chỉ proxy hợp lệ"},
		{"HostAndPortOnly", "localhost:1080", "", "không phải địa chỉ proxy hợp lệ"},
		{"FTP", "ftp://127.0.0.1:21", "", `giao thức "ftp"`},
		{"SOCKS4", "socks4://127.0.0.1:1080", "", "chỉ dùng http, https hoặc socks5"},
		{"NoHost", "socks5://:1080", "", "thiếu tên máy"},
		{"PortZero", "socks5://127.0.0.1:0", "", "cổng không hợp lệ"},
		{"PortTooBig", "socks5://127.0.0.1:99999", "", "cổng không hợp lệ"},
		{"Path", "http://proxy.lan:3128/telegram", "", "không kèm đường dẫn"},
		{"Unreadable", "socks5://sotay:p@ss@127.0.0.1:10%zz", "", "phải mã hóa"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSetting(t, func(s string) (string, error) {
				u, err := bot.CheckProxy(s)
				if u == nil {
					return "", err
				}
				return u.String(), err
			}, tc.in, tc.want, tc.why)
			if err != nil && strings.Contains(err.Error(), "p@ss") {
				t.Fatalf("the error quotes the password: %v", err)
			}
		})
	}
}

// proxyPassword is the proxies' password: it must never be shown.
const proxyPassword = "pr0xy-s3cret"

// proxies are the kinds of TELEGRAM_PROXY a test runs through, each asking
// for a user and password.
var proxies = []struct {
	name string
	new  func(t *testing.T) *proxytest.Proxy
}{
	{"HTTP", func(t *testing.T) *proxytest.Proxy { return proxytest.NewHTTP(t, "sotay", proxyPassword, false) }},
	{"SOCKS5", func(t *testing.T) *proxytest.Proxy { return proxytest.NewSOCKS5(t, "sotay", proxyPassword) }},
}

// recordedAPI is a fake Bot API on loopback that notes where each request
// came from. Being on loopback, it is what http.ProxyFromEnvironment
// would never send through a proxy.
func recordedAPI(t *testing.T) (*telegramtest.Server, *proxytest.Recorder) {
	t.Helper()
	tg := telegramtest.NewHandler()
	rec := proxytest.Record(tg)
	ts := httptest.NewServer(rec)
	tg.SetURL(ts.URL)
	t.Cleanup(func() {
		tg.Close()
		ts.Close()
	})
	return tg, rec
}

// carriedAll fails the test unless the Bot API got every method of want,
// and every request it got came through the proxy, which went nowhere else.
func carriedAll(t *testing.T, p *proxytest.Proxy, rec *proxytest.Recorder, api string, want ...string) {
	t.Helper()
	got := rec.Methods()
	for _, m := range want {
		if got[m] == 0 {
			t.Errorf("no %s call reached the Bot API (got %v)", m, got)
		}
	}
	if around := rec.Around(p); len(around) > 0 {
		t.Errorf("%d of %d Bot API calls went around the proxy: %v", len(around), len(rec.Requests()), around)
	}
	u, _ := url.Parse(api)
	for _, target := range p.Targets() {
		if target != u.Host {
			t.Errorf("the proxy carried a connection to %s, not to the Bot API at %s", target, u.Host)
		}
	}
}

// TestEveryBotAPICallGoesThroughTheProxy runs the bot with TELEGRAM_PROXY
// against a fake Bot API on loopback: the start (getMe, deleteWebhook,
// the command menus), the long poll, replies, an outbox message, an
// upload, getFile and the file's download all reach the API through the
// proxy and only through it.
func TestEveryBotAPICallGoesThroughTheProxy(t *testing.T) {
	for _, kind := range proxies {
		t.Run(kind.name, func(t *testing.T) {
			p := kind.new(t)
			tg, rec := recordedAPI(t)
			h := startOn(t, bot.Config{Proxy: p.URL}, tg)
			ctx := context.Background()

			u := h.linkedUser("DV1", 5001, "Minh")
			telegramtest.Eventually(t, wait, "the command menus", func() bool { return tg.Calls("setMyCommands") > 0 })
			if _, err := h.s.Enqueue(ctx, "notice", u.ID(), "Thông báo qua proxy", nil); err != nil {
				t.Fatal(err)
			}
			waitText(t, u, "Thông báo qua proxy")
			c := h.b.Client()
			if _, err := c.Send(ctx, tgbotapi.NewDocument(u.ID(), tgbotapi.FileBytes{Name: "kl21.pdf", Bytes: []byte("%PDF-1.4 up")})); err != nil {
				t.Fatalf("upload: %v", err)
			}
			sent := u.SendDocument("bien-ban.pdf", "application/pdf", []byte("%PDF-1.4 down"), "")
			data, err := c.Download(ctx, sent.Document.FileID)
			if err != nil || string(data) != "%PDF-1.4 down" {
				t.Fatalf("download: %q, %v", data, err)
			}
			carriedAll(t, p, rec, tg.URL(), "getMe", "deleteWebhook", "getUpdates", "setMyCommands", "sendMessage", "sendDocument", "getFile", "file")
			if c.Proxy() == "" || strings.Contains(c.Proxy(), proxyPassword) {
				t.Errorf("the client names its proxy as %q", c.Proxy())
			}
		})
	}
}

// TestSetWebhookGoesThroughTheProxy: in webhook mode Telegram calls in,
// and the one call out, setWebhook, goes through the proxy.
func TestSetWebhookGoesThroughTheProxy(t *testing.T) {
	p := proxytest.NewSOCKS5(t, "sotay", proxyPassword)
	tg, rec := recordedAPI(t)
	s := storagetest.New(t)
	addr := telegramtest.FreeAddr(t)
	b, err := wire.Bot(context.Background(), bot.Config{Token: tg.Token(), APIURL: tg.URL(), Proxy: p.URL, ListenAddr: addr,
		WebhookURL: "http://" + addr + "/telegram/webhook", WebhookSecret: "s3cret"}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	defer func() { cancel(); <-done }()
	telegramtest.Eventually(t, wait, "the webhook set", func() bool { return tg.WebhookInfo().URL != "" })
	carriedAll(t, p, rec, tg.URL(), "getMe", "setWebhook")
}

// TestReadyzNamesTheProxy: while the proxy cannot be reached, or reached
// but gets no answer from the Bot API, /readyz is 503 and names it,
// without its password; once it works again, /readyz is 200.
func TestReadyzNamesTheProxy(t *testing.T) {
	p := proxytest.NewSOCKS5(t, "sotay", proxyPassword)
	tg, _ := recordedAPI(t)
	h := startOn(t, bot.Config{Proxy: p.URL}, tg)
	readyz := "http://" + h.b.Addr + "/readyz"
	shown := strings.Replace(p.URL, proxyPassword, "xxxxx", 1)
	if code, body := httpGet(t, readyz); code != http.StatusOK {
		t.Fatalf("/readyz through a working proxy: %d %s", code, body)
	}
	notReady := func(t *testing.T, why string) {
		t.Helper()
		var code int
		var body string
		telegramtest.Eventually(t, longWait, "/readyz saying "+why, func() bool {
			code, body = httpGet(t, readyz)
			return code == http.StatusServiceUnavailable && strings.Contains(body, why)
		})
		if !strings.Contains(body, shown) || strings.Contains(body, proxyPassword) {
			t.Fatalf("/readyz does not name the proxy as %s: %s", shown, body)
		}
	}

	t.Run("ProxyGetsNoAnswer", func(t *testing.T) {
		p.Cut()
		notReady(t, "the Bot API cannot be reached through the Telegram proxy")
		p.Mend()
		telegramtest.Eventually(t, longWait, "/readyz ready again", func() bool {
			code, _ := httpGet(t, readyz)
			return code == http.StatusOK
		})
	})
	t.Run("ProxyGone", func(t *testing.T) {
		p.Close()
		notReady(t, "the Telegram proxy "+shown+" (TELEGRAM_PROXY) cannot be reached")
	})
}

// TestWrongProxyAtStart: a bot whose proxy does not answer does not start,
// and says which proxy, without its password.
func TestWrongProxyAtStart(t *testing.T) {
	tg, rec := recordedAPI(t)
	wrong := "socks5://sotay:" + proxyPassword + "@" + telegramtest.FreeAddr(t)
	_, err := bot.NewClient(context.Background(), tg.URL(), tg.Token(), quietLog(), nil, bot.WithProxy(wrong))
	if err == nil {
		t.Fatal("the client started through a proxy that does not listen")
	}
	if msg := err.Error(); !strings.Contains(msg, "qua proxy "+strings.Replace(wrong, proxyPassword, "xxxxx", 1)) || strings.Contains(msg, proxyPassword) {
		t.Fatalf("error: %v", err)
	}
	if n := len(rec.Requests()); n != 0 {
		t.Fatalf("%d calls reached the Bot API around the proxy", n)
	}
}
