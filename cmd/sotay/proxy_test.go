package main

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"sotay/bot/proxytest"
	"sotay/bot/telegramtest"
)

const proxyPassword = "pr0xy-s3cret"

// proxiedAPI is a fake Bot API on loopback that notes where each request
// came from.
func proxiedAPI(t *testing.T) (*telegramtest.Server, *proxytest.Recorder) {
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

// onlyThroughProxy fails the test unless the Bot API got the methods of
// want, every call through the proxy, and the proxy carried nothing but
// Bot API calls (PostgreSQL, on 127.0.0.1:5432 too, went direct).
func onlyThroughProxy(t *testing.T, p *proxytest.Proxy, rec *proxytest.Recorder, api string, want ...string) {
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
	targets := p.Targets()
	if len(targets) == 0 {
		t.Error("the proxy carried nothing")
	}
	for _, target := range targets {
		if target != u.Host {
			t.Errorf("the proxy carried a connection to %s, not to the Bot API at %s", target, u.Host)
		}
	}
}

// TestServeThroughTheProxy runs `sotay serve` with TELEGRAM_PROXY (or
// --telegram-proxy) of each kind against a Bot API on loopback, which
// HTTPS_PROXY would skip: every Bot API call goes through the proxy, the
// database does not, and the password is printed nowhere.
func TestServeThroughTheProxy(t *testing.T) {
	tests := []struct {
		name  string
		proxy func(t *testing.T) *proxytest.Proxy
		flag  bool
	}{
		{"SOCKS5", func(t *testing.T) *proxytest.Proxy { return proxytest.NewSOCKS5(t, "sotay", proxyPassword) }, false},
		{"HTTPByFlag", func(t *testing.T) *proxytest.Proxy { return proxytest.NewHTTP(t, "sotay", proxyPassword, false) }, true},
		{"HTTPS", func(t *testing.T) *proxytest.Proxy { return proxytest.NewHTTP(t, "sotay", proxyPassword, true) }, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.proxy(t)
			tg, rec := proxiedAPI(t)
			_, env := database(t)
			env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL(), "LOG_LEVEL=debug")
			if p.CertFile != "" {
				env = append(env, "SSL_CERT_FILE="+p.CertFile) // trust the test proxy's certificate
			}
			var flags []string
			if tc.flag {
				flags = []string{"--telegram-proxy", p.URL}
			} else {
				env = append(env, "TELEGRAM_PROXY="+p.URL)
			}
			sv := serve(t, env, flags...)
			deadline := time.Now().Add(60 * time.Second)
			for tg.Calls("getUpdates") == 0 {
				sv.running(t, "before polling")
				if time.Now().After(deadline) {
					t.Fatalf("serve never polled\n%s", sv.logs())
				}
				time.Sleep(10 * time.Millisecond)
			}
			u := tg.User(6001, "Minh")
			u.SendText("/start")
			if _, err := u.WaitMessages(30*time.Second, 1); err != nil {
				t.Fatalf("no answer through the proxy: %v\n%s", err, sv.logs())
			}
			sv.stop(t)
			onlyThroughProxy(t, p, rec, tg.URL(), "getMe", "deleteWebhook", "getUpdates", "sendMessage")
			shown := strings.Replace(p.URL, proxyPassword, "xxxxx", 1)
			if logs := sv.logs(); strings.Contains(logs, proxyPassword) || !strings.Contains(logs, shown) {
				t.Fatalf("the log does not name the proxy as %s, or shows its password:\n%s", shown, logs)
			}
		})
	}
}

// TestInviteAsksTheBotNameThroughTheProxy: the commands that ask Telegram
// something besides serve use the proxy too.
func TestInviteAsksTheBotNameThroughTheProxy(t *testing.T) {
	p := proxytest.NewSOCKS5(t, "sotay", proxyPassword)
	tg, rec := proxiedAPI(t)
	_, env := seeded(t)
	env = append(env, "TELEGRAM_BOT_TOKEN="+tg.Token(), "TELEGRAM_API_URL="+tg.URL(), "TELEGRAM_PROXY="+p.URL)
	r := mustRun(t, env, "invite", "--member", "DV0001")
	if !strings.Contains(r.stdout, "https://t.me/"+telegramtest.BotUsername+"?start=") {
		t.Fatalf("%+v", r)
	}
	onlyThroughProxy(t, p, rec, tg.URL(), "getMe")
}

// TestWrongProxyRefusedAtStart: a TELEGRAM_PROXY that is not a proxy
// address stops the command before it touches the database (here one that
// does not answer) or Telegram, with what to write instead, and without
// the password.
func TestWrongProxyRefusedAtStart(t *testing.T) {
	tg, rec := proxiedAPI(t)
	env := []string{"DATABASE_URL=postgres://postgres@127.0.0.1:1/nowhere?sslmode=disable",
		"TELEGRAM_BOT_TOKEN=" + tg.Token(), "TELEGRAM_API_URL=" + tg.URL()}
	tests := []struct {
		name, proxy, want string
		args              []string
	}{
		{"NotAURL", "127.0.0.1:1080", "TELEGRAM_PROXY không phải địa chỉ proxy hợp lệ", []string{"serve"}},
		{"UnknownScheme", "ftp://sotay:" + proxyPassword + "@127.0.0.1:21", `TELEGRAM_PROXY dùng giao thức "ftp"`, []string{"serve"}},
		{"BadPort", "socks5://sotay:" + proxyPassword + "@127.0.0.1:99999", "TELEGRAM_PROXY có cổng không hợp lệ", []string{"serve"}},
		{"Demo", "socks5://127.0.0.1:1080/x", "TELEGRAM_PROXY chỉ ghi giao thức, máy và cổng của proxy, không kèm đường dẫn", []string{"demo"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := run(t, append(env, "TELEGRAM_PROXY="+tc.proxy), tc.args...)
			if r.code == 0 || !strings.Contains(r.stderr, "Lỗi: "+tc.want) || strings.Contains(r.stderr, "PostgreSQL") {
				t.Fatalf("want a refusal saying %q before the database, got %+v", tc.want, r)
			}
			if strings.Contains(r.stdout+r.stderr, proxyPassword) {
				t.Fatalf("the password is shown: %+v", r)
			}
		})
	}
	if n := len(rec.Requests()); n != 0 {
		t.Fatalf("%d calls reached the Bot API", n)
	}
	t.Run("HelpHidesThePassword", func(t *testing.T) {
		r := mustRun(t, append(env, "TELEGRAM_PROXY=socks5://sotay:"+proxyPassword+"@127.0.0.1:1080"), "serve", "-h")
		if !strings.Contains(r.stdout, "--telegram-proxy") || !strings.Contains(r.stdout, "socks5://sotay:xxxxx@127.0.0.1:1080") ||
			strings.Contains(r.stdout, proxyPassword) {
			t.Fatalf("%s", r.stdout)
		}
	})
}
