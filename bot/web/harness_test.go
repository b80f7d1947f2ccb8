package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/bot/web"
	"sotay/cmd/sotay/wire"
	"sotay/storage"
	"sotay/storage/storagetest"
)

const wait = 10 * time.Second

// stack is sotay serve with WEB_URL on a fresh database with the small
// commune, against the fake Bot API: the real dispatcher, handlers,
// outbox and web handbook, reached over HTTP.
type stack struct {
	t      testing.TB
	s      *storage.Storage
	tg     *telegramtest.Server
	b      *bot.Bot
	url    string // WEB_URL
	origin string
}

func start(t testing.TB, opts ...storage.Option) *stack {
	t.Helper()
	ctx := context.Background()
	tg := telegramtest.NewServer()
	t.Cleanup(tg.Close)
	s := storagetest.NewCommune(t, opts...)
	addr := telegramtest.FreeAddr(t)
	st := &stack{t: t, s: s, tg: tg, url: "http://" + addr + "/sotay/", origin: "http://" + addr}
	cfg := bot.Config{Token: tg.Token(), APIURL: tg.URL(), ListenAddr: addr, WebURL: st.url, Location: noon()}
	b, err := wire.Bot(ctx, cfg, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatalf("bot.New: %v", err)
	}
	st.b = b
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- b.Run(rctx) }()
	select {
	case <-b.Ready:
	case err := <-done:
		t.Fatalf("bot stopped at start: %v", err)
	case <-time.After(wait):
		t.Fatal("bot not ready")
	}
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(wait):
			t.Error("bot did not stop")
		}
	})
	return st
}

func (st *stack) member(code string) storage.Member {
	st.t.Helper()
	m, err := st.s.Member(context.Background(), code)
	if err != nil {
		st.t.Fatal(err)
	}
	return m
}

// link makes a sign-in link for a member, as the command line does.
func (st *stack) link(code string) string {
	st.t.Helper()
	l, err := st.s.CreateWebLink(context.Background(), storage.WebLinkInput{MemberID: st.member(code).ID, Purpose: storage.WebLinkInvite, Actor: "cli"})
	if err != nil {
		st.t.Fatal(err)
	}
	return web.LinkURL(st.url, l.Token)
}

// client is a browser: its cookies, and the page's origin on what it posts.
type client struct {
	t      testing.TB
	st     *stack
	hc     *http.Client
	since  int64
	epoch  string
	msgs   map[int64]web.Message
	origin string
	// sent is the member's newest message, as send's answer said.
	sent int64
}

func (st *stack) browser() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: st.t, st: st, origin: st.origin, msgs: map[int64]web.Message{},
		hc: &http.Client{Jar: jar, Timeout: 40 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (c *client) do(method, path string, body io.Reader, ctype string) (*http.Response, []byte) {
	c.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = c.st.url + path
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		c.t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method == http.MethodPost && c.origin != "" {
		req.Header.Set("Origin", c.origin)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, b
}

// signIn opens a link and taps its button; it returns the tap's status.
func (c *client) signIn(link string) int {
	c.t.Helper()
	res, body := c.do(http.MethodGet, link, nil, "")
	if res.StatusCode == http.StatusOK && !strings.Contains(string(body), "Vào sổ tay") {
		c.t.Fatalf("link page without its button: %s", body)
	}
	res, _ = c.do(http.MethodPost, link, strings.NewReader(""), "application/x-www-form-urlencoded")
	return res.StatusCode
}

func (c *client) postJSON(path string, v any) (int, map[string]any) {
	c.t.Helper()
	b, _ := json.Marshal(v)
	res, body := c.do(http.MethodPost, path, bytes.NewReader(b), "application/json")
	var out map[string]any
	_ = json.Unmarshal(body, &out)
	return res.StatusCode, out
}

var seq int

func clientID() string { seq++; return fmt.Sprintf("test-action-%06d", seq) }

func (c *client) send(text string) {
	c.t.Helper()
	code, out := c.postJSON("api/send", map[string]any{"text": text, "clientId": clientID()})
	if code != http.StatusOK {
		c.t.Fatalf("send %q: %d %v", text, code, out)
	}
	if id, ok := out["id"].(float64); ok {
		c.sent = int64(id)
	}
}

// press presses the button labelled label on the newest message that has
// it, and returns the toast.
func (c *client) press(label string) string {
	c.t.Helper()
	m, data := c.button(label)
	code, out := c.postJSON("api/press", map[string]any{"messageId": m.ID, "data": data, "clientId": clientID()})
	if code != http.StatusOK {
		c.t.Fatalf("press %q: %d %v", label, code, out)
	}
	toast, _ := out["toast"].(string)
	return toast
}

func (c *client) button(label string) (web.Message, string) {
	c.t.Helper()
	var found web.Message
	data := ""
	for _, m := range c.msgs {
		for _, row := range m.Inline {
			for _, b := range row {
				if b.Text == label && m.ID > found.ID {
					found, data = m, b.Data
				}
			}
		}
	}
	if data == "" {
		c.t.Fatalf("no button %q on screen", label)
	}
	return found, data
}

// poll asks for what changed, as the page does, and keeps it.
func (c *client) poll() (int, web.Updates) {
	c.t.Helper()
	res, body := c.do(http.MethodGet, fmt.Sprintf("api/updates?since=%d&epoch=%s", c.since, url.QueryEscape(c.epoch)), nil, "")
	var u web.Updates
	if res.StatusCode != http.StatusOK {
		return res.StatusCode, u
	}
	if err := json.Unmarshal(body, &u); err != nil {
		c.t.Fatalf("updates: %v: %s", err, body)
	}
	if u.Reset {
		c.msgs = map[int64]web.Message{}
	}
	c.since, c.epoch = u.Rev, u.Epoch
	for _, m := range u.Messages {
		c.msgs[m.ID] = m
	}
	return res.StatusCode, u
}

// waitFor polls until a message of the bot contains sub, and returns it.
func (c *client) waitFor(sub string) web.Message {
	c.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		for _, m := range c.msgs {
			if m.From == "bot" && !m.Deleted && strings.Contains(m.HTML, sub) {
				return m
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no message with %q; chat: %+v", sub, c.msgs)
		}
		if code, _ := c.poll(); code != http.StatusOK {
			c.t.Fatalf("poll: %d", code)
		}
	}
}

func (st *stack) invite(code string) string {
	st.t.Helper()
	tok, err := st.s.CreateInvite(context.Background(), st.member(code).ID, 0, "test")
	if err != nil {
		st.t.Fatal(err)
	}
	return tok
}

func waitText(t testing.TB, u *telegramtest.User, sub string) telegramtest.Message {
	t.Helper()
	m, err := u.WaitMessage(wait, func(m telegramtest.Message) bool { return strings.Contains(m.Plain, sub) })
	if err != nil {
		t.Fatalf("waiting for %q: %v", sub, err)
	}
	return m
}

func mustPress(t *testing.T, u *telegramtest.User, label string) {
	t.Helper()
	if _, err := u.PressButton(label); err != nil {
		t.Fatal(err)
	}
}

func mustInt(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// waitForFile polls until a message of the bot carries a file, and returns
// the file.
func (c *client) waitForFile() web.File {
	c.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		for _, m := range c.msgs {
			if m.Document != nil {
				return *m.Document
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no file in the chat: %+v", c.msgs)
		}
		c.poll()
	}
}

// gunzip is b inflated, or b when it is not gzip.
func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return b
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reply polls until a message of the bot after the member's newest one
// contains sub, and returns it: what answered what they last sent.
func (c *client) reply(sub string) web.Message {
	c.t.Helper()
	deadline := time.Now().Add(wait)
	for {
		mine := c.sent
		for _, m := range c.msgs {
			if m.From == "user" && m.ID > mine {
				mine = m.ID
			}
		}
		for _, m := range c.msgs {
			if m.From == "bot" && !m.Deleted && m.ID > mine && strings.Contains(m.HTML, sub) {
				return m
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no reply with %q; chat: %+v", sub, c.msgs)
		}
		c.poll()
	}
}
