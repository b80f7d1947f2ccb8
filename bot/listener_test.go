package bot_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
)

func TestMetricsLoopbackOrToken(t *testing.T) {
	get := func(t *testing.T, addr string, header map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/metrics", nil)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	t.Run("WithoutTokenLoopbackOnly", func(t *testing.T) {
		h := start(t, bot.Config{})
		if code := get(t, h.b.Addr, nil); code != 200 {
			t.Fatalf("loopback client: HTTP %d", code)
		}
		if code := get(t, h.b.Addr, map[string]string{"X-Forwarded-For": "203.0.113.7"}); code != 403 {
			t.Fatalf("a request forwarded by a local proxy: HTTP %d", code)
		}
		// No test machine has a non-loopback client at hand: the guard itself.
		ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "metrics") })
		for addr, want := range map[string]int{"203.0.113.7:40000": 403, "[2001:db8::1]:40000": 403, "127.0.0.1:40000": 200, "[::1]:40000": 200} {
			r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			r.RemoteAddr = addr
			w := httptest.NewRecorder()
			bot.ProtectMetrics(ok, "").ServeHTTP(w, r)
			if w.Code != want {
				t.Errorf("client %s: HTTP %d, want %d", addr, w.Code, want)
			}
		}
	})
	t.Run("WithTokenBearerRequired", func(t *testing.T) {
		h := start(t, bot.Config{MetricsToken: "m3trics-token"})
		for name, tc := range map[string]struct {
			header map[string]string
			want   int
		}{
			"NoHeader":   {nil, 401},
			"WrongToken": {map[string]string{"Authorization": "Bearer nope"}, 401},
			"Basic":      {map[string]string{"Authorization": "Basic bTNtZXRyaWNzLXRva2Vu"}, 401},
			"RightToken": {map[string]string{"Authorization": "Bearer m3trics-token"}, 200},
		} {
			if code := get(t, h.b.Addr, tc.header); code != tc.want {
				t.Errorf("%s: HTTP %d, want %d", name, code, tc.want)
			}
		}
		r := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		r.RemoteAddr = "203.0.113.7:40000"
		r.Header.Set("Authorization", "Bearer m3trics-token")
		w := httptest.NewRecorder()
		bot.ProtectMetrics(http.NotFoundHandler(), "m3trics-token").ServeHTTP(w, r)
		if w.Code != 404 { // passed the guard
			t.Fatalf("remote client with the token: HTTP %d", w.Code)
		}
	})
}

// TestListenerTimeouts: a client that never finishes its request, or an
// idle keep-alive connection, is cut off; a webhook update that takes
// longer than the write timeout allows is answered 503 in time, so
// Telegram sends it again instead of seeing a dead connection.
func TestListenerTimeouts(t *testing.T) {
	addr := telegramtest.FreeAddr(t)
	h := start(t, bot.Config{
		ListenAddr: addr, WebhookURL: "http://" + addr + "/telegram/webhook", WebhookSecret: "s3cret-token",
		ReadTimeout: 300 * time.Millisecond, WriteTimeout: 3 * time.Second, IdleTimeout: 300 * time.Millisecond,
	})
	// closed reads conn until the server answers or hangs up; false if it
	// is still waiting after 10 s.
	closed := func(t *testing.T, conn net.Conn) bool {
		t.Helper()
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, err := io.ReadAll(conn)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return false
		}
		return true
	}
	t.Run("UnfinishedBodyCutOff", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "POST /telegram/webhook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"+
			"X-Telegram-Bot-Api-Secret-Token: s3cret-token\r\nContent-Length: 1000\r\n\r\n{\"update_id\":")
		if !closed(t, conn) {
			t.Fatal("the server still waits for a body that never comes")
		}
	})
	t.Run("IdleConnectionClosed", func(t *testing.T) {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if !closed(t, conn) {
			t.Fatal("an idle keep-alive connection stays open")
		}
	})
	t.Run("SlowUpdateAnswered503InTime", func(t *testing.T) {
		h.tg.InjectFault("sendMessage", telegramtest.Fault{Delay: 5 * time.Second, ChatID: 6101})
		req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/telegram/webhook",
			strings.NewReader(`{"update_id":77,"message":{"message_id":1,"chat":{"id":6101,"type":"private"},"from":{"id":6101},"date":1,"text":"/start"}}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Telegram-Bot-Api-Secret-Token", "s3cret-token")
		client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("no answer: %v", err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("HTTP %d, want 503", resp.StatusCode)
		}
	})
}
