package web_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"sotay/storage"
)

// A member on the web talks to the same handlers as on Telegram: a command
// typed in the page is a message of their web chat through the
// dispatcher, its reply is in their web inbox, a press edits the message
// in place and its toast comes back, and nothing went to Telegram.
func TestWebChatGoesThroughTheDispatcher(t *testing.T) {
	st := start(t)
	c := st.browser()
	if code := c.signIn(st.link("DV1")); code != http.StatusSeeOther {
		t.Fatalf("tap: %d", code)
	}
	if code, u := c.poll(); code != http.StatusOK || !u.Reset || u.Me == nil || u.Me.Name != "Lò Văn Minh" || len(u.Commands) == 0 {
		t.Fatalf("first poll: %d %+v", code, u)
	}

	c.send("/menu")
	menu := c.reply("Lò Văn Minh")
	var mine int
	for _, m := range c.msgs {
		if m.From == "user" && strings.Contains(m.HTML, "/menu") {
			mine++
		}
	}
	if mine != 1 {
		t.Errorf("the member's /menu shows %d times in the chat", mine)
	}
	n := len(c.msgs)
	toast := c.press("❓ Trợ giúp")
	help := c.waitFor("Hướng dẫn sử dụng")
	if help.ID != menu.ID || !help.Edited || len(c.msgs) != n {
		t.Errorf("help is message %d (edited %v, %d messages), want the menu %d edited in place among %d", help.ID, help.Edited, len(c.msgs), menu.ID, n)
	}
	_ = toast

	// The member is the one the session belongs to, and the Telegram link
	// is untouched: DV1 is not linked, and Telegram got nothing.
	if m := st.member("DV1"); m.TelegramUserID != nil {
		t.Errorf("the web linked DV1 to Telegram user %d", *m.TelegramUserID)
	}
	if n := st.tg.Calls("sendMessage") + st.tg.Calls("editMessageText"); n != 0 {
		t.Errorf("%d messages went to Telegram", n)
	}
	var actor string
	if err := st.s.DB().Get(&actor, `SELECT actor FROM audit_log WHERE action = 'web.signin'`); err != nil || actor != storage.WebActor(st.member("DV1").ID) {
		t.Errorf("sign-in audited as %q (%v)", actor, err)
	}
}

// An action sent twice (the network failed after the server took it) is
// applied once: the same client id is the same update.
func TestWebActionSentTwiceAppliedOnce(t *testing.T) {
	st := start(t)
	c := st.browser()
	c.signIn(st.link("DV1"))
	c.poll()
	body := map[string]any{"text": "/menu", "clientId": "twice-the-same-id"}
	for range 2 {
		if code, out := c.postJSON("api/send", body); code != http.StatusOK {
			t.Fatalf("send: %d %v", code, out)
		}
	}
	c.reply("Lò Văn Minh")
	var n int
	if err := st.s.DB().Get(&n, `SELECT count(*) FROM web_messages WHERE member_id = $1`, st.member("DV1").ID); err != nil || n != 3 {
		t.Errorf("%d messages in the chat (%v), want the greeting, the member's one and the menu", n, err)
	}
	_ = context.Background()
}

// /metrics counts the web: devices signed in, messages in inboxes, what
// the page sent, and what was refused.
func TestMetricsCountTheWeb(t *testing.T) {
	st := start(t)
	c := st.browser()
	c.signIn(st.link("DV1"))
	c.poll()
	c.send("/menu")
	c.reply("Lò Văn Minh")
	evil := st.browser()
	evil.origin = "http://evil.example"
	evil.postJSON("api/send", map[string]any{"text": "/menu", "clientId": clientID()})
	res, err := http.Get(st.origin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, want := range []string{"sotay_web_sessions 1", "sotay_web_members 1", "sotay_web_inbox_messages_total 3",
		`sotay_web_actions_total{kind="text",result="ok"} 1`, `sotay_web_signins_total{result="ok"} 1`, `sotay_web_refused_total{reason="origin"} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
}
