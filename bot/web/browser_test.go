package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sotay/bot/browsertest"
	"sotay/handlers"
	"sotay/storage"
)

// browserCtx starts headless Chromium with a phone-sized window.
func browserCtx(t testing.TB) context.Context { return browsertest.Start(t) }

// page drives the web handbook; a failing step saves a screenshot when
// SANDBOX_SCREENSHOTS names a directory.
type page struct {
	t   testing.TB
	ctx context.Context
}

func (p *page) shot(name string) {
	dir := os.Getenv("SANDBOX_SCREENSHOTS")
	if dir == "" {
		return
	}
	if buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot()); err == nil {
		_ = os.WriteFile(filepath.Join(dir, "web-"+name+".png"), buf, 0o644)
	}
}

func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, wait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		p.shot("failed")
		p.t.Fatalf("%s: %v", what, err)
	}
}

// until waits for a JavaScript condition to hold; a page that is
// navigating (a form's tap, a redirect) is asked again.
func (p *page) until(what, cond string) {
	p.t.Helper()
	deadline := time.Now().Add(wait)
	var err error
	for time.Now().Before(deadline) {
		ctx, cancel := context.WithTimeout(p.ctx, time.Second)
		var ok bool
		ok, err = chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.shot("failed")
	text, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body.innerText`))
	p.t.Fatalf("%s: %v\npage:\n%s", what, err, text)
}

func (p *page) eval(js string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// await evaluates JavaScript whose value is a promise of a string.
func (p *page) await(js string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// press clicks, with the mouse, an inline button of the newest message of
// the bot that has it.
func (p *page) press(text string) {
	p.t.Helper()
	p.until("button "+text, fmt.Sprintf(`[...document.querySelectorAll('#messages .msg.bot .ikb button')].some(b => b.textContent === %q)`, text))
	xpath := fmt.Sprintf(`(//div[@id="messages"]/div[contains(@class,"bot")]//div[@class="ikb"]//button[text()=%q])[last()]`, text)
	p.do("press "+text, chromedp.Click(xpath))
}

func (p *page) chatHas(text string) string {
	return fmt.Sprintf(`document.getElementById('messages') !== null && document.getElementById('messages').innerText.includes(%q)`, text)
}

// End to end in a real browser: sign in from /web's link, read a pushed
// document and press "Tôi đã học"; the link's second use is refused;
// another member's session sees only its own chat; a page of another
// origin cannot post as the member.
func TestBrowserEndToEnd(t *testing.T) {
	ctx := browserCtx(t)
	st := start(t)
	p := &page{t: t, ctx: ctx}
	bg := context.Background()

	minh := st.tg.User(3001, "Minh")
	minh.SendText("/start " + st.invite("DV1"))
	waitText(t, minh, "Đã liên kết")
	minh.SendText("/web")
	link := regexp.MustCompile(`http://\S+/sotay/vao/\S+`).FindString(waitText(t, minh, "Đường dẫn đăng nhập").Plain)

	p.do("open /web's link", chromedp.Navigate(link))
	p.until("the one button", `!!document.querySelector('form button.go')`)
	p.do("tap «Vào sổ tay»", chromedp.Click(chromedp.CSS(`form button.go`)))
	p.until("the chat of Lò Văn Minh", `!!document.getElementById('who-name') && document.getElementById('who-name').textContent === 'Lò Văn Minh'`)

	docID := insertDocument(t, st.s)
	root, _ := st.s.Organisation(bg, "ROOT")
	mp3, err := os.ReadFile("../../storage/audio/testdata/short.mp3")
	if err != nil {
		t.Fatal(err)
	}
	v, err := st.s.AddVoiceSummary(bg, storage.VoiceInput{DocumentID: docID, Lang: "vi", Name: "tom-tat.mp3", Data: mp3, Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.s.CreateCampaign(bg, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{root.ID}, Actor: "test",
		Message: handlers.PushMessage, WithVoice: handlers.PushVoiceMessage})
	if err != nil {
		t.Fatal(err)
	}
	p.until("the pushed document", p.chatHas("Kết luận số 21-KL/TW"))
	// The voice summary plays in the page: a player, not a download.
	p.press(voiceLabel(v))
	p.until("a player", `(() => { const a = document.querySelector('#messages .msg.bot audio[controls]');
		return !!a && a.src.includes('/api/file/') && !document.querySelector('#messages a.doc'); })()`)
	if got := p.await(`fetch(document.querySelector('#messages audio').src).then(r => r.status + ' ' + r.headers.get('Content-Type'))`); got != "200 audio/mpeg" {
		t.Errorf("the player's source: %s", got)
	}
	// Once played, it plays again with no network: the service worker
	// answers a player's Range request with the whole file, and keeps it.
	p.until("the service worker", `!!navigator.serviceWorker.controller`)
	ranged := `fetch(document.querySelector('#messages audio').src, {headers: {Range: 'bytes=0-'}}).then(r => r.blob().then(b => r.status + ' ' + b.size))`
	online := p.await(ranged)
	p.offline(true)
	offline := p.await(ranged)
	p.offline(false)
	if want := fmt.Sprintf("200 %d", len(mp3)); online != want || offline != want {
		t.Errorf("the summary asked by Range: online %q, offline %q, want %q both times", online, offline, want)
	}
	p.press("📖 Đọc toàn văn")
	p.until("its text", p.chatHas("Toàn văn kết luận."))
	p.press("✅ Tôi đã học")
	var state string
	deadline := time.Now().Add(wait)
	for state != storage.AssignStudied && time.Now().Before(deadline) {
		_ = st.s.DB().Get(&state, `SELECT a.state FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = 'DV1'`, c.ID)
		time.Sleep(50 * time.Millisecond)
	}
	if state != storage.AssignStudied {
		t.Fatalf("DV1's assignment is %q after «Tôi đã học» in the browser", state)
	}
	p.shot("studied")

	t.Run("SecondUseRefused", func(t *testing.T) {
		p.t = t
		p.do("open the link again", chromedp.Navigate(link))
		p.until("refused", `document.body.innerText.includes('đã được dùng') && !document.querySelector('form button.go')`)
	})

	t.Run("CrossOriginPostRefused", func(t *testing.T) {
		p.t = t
		// Back in the chat first: the cookie is the member's.
		p.do("back to the chat", chromedp.Navigate(st.url))
		p.until("the chat", `!!document.getElementById('messages')`)
		evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<!doctype html><title>x</title><p>trang khác</p>`)
		}))
		defer evil.Close()
		before := inboxCount(t, st)
		p.do("open another site", chromedp.Navigate(evil.URL))
		status := p.await(fmt.Sprintf(`fetch(%q, {method: 'POST', credentials: 'include', headers: {'Content-Type': 'text/plain'},
			body: JSON.stringify({text: '/menu', clientId: 'from-another-site'})}).then(r => String(r.status), e => 'blocked: ' + e)`, st.url+"api/send"))
		// The answer is opaque to the other site (its fetch fails); the
		// promise settled once the server had answered, refusing it.
		t.Logf("the other site's fetch: %s", status)
		if n := inboxCount(t, st); n != before {
			t.Errorf("a post from another origin reached the inbox (%d → %d messages)", before, n)
		}
	})

	t.Run("AnotherMemberSeesOnlyTheirs", func(t *testing.T) {
		p.t = t
		p.do("open DV2's link", chromedp.Navigate(st.link("DV2")))
		p.do("tap", chromedp.Click(chromedp.CSS(`form button.go`)))
		p.until("the chat of Hoàng Thị Hoa", `!!document.getElementById('who-name') && document.getElementById('who-name').textContent === 'Hoàng Thị Hoa'`)
		p.do("type /cuatoi", chromedp.SendKeys(chromedp.ID("input"), "/cuatoi"), chromedp.Click(chromedp.ID("send")))
		p.until("DV2's own record", p.chatHas("Hoàng Thị Hoa"))
		if v := p.eval(`document.getElementById('messages').innerText.includes('Toàn văn kết luận.') ? 'leak' : 'ok'`); v != "ok" {
			t.Errorf("DV2's page shows DV1's reading")
		}
		var dv1Msg int64
		if err := st.s.DB().Get(&dv1Msg, `SELECT max(id) FROM web_messages WHERE member_id = $1`, st.member("DV1").ID); err != nil {
			t.Fatal(err)
		}
		got := p.await(fmt.Sprintf(`fetch('api/file/%d').then(r => String(r.status))`, dv1Msg))
		if got != "404" {
			t.Errorf("DV2 fetched a file of DV1's chat: %s", got)
		}
	})
}

func inboxCount(t *testing.T, st *stack) int {
	t.Helper()
	var n int
	if err := st.s.DB().Get(&n, `SELECT count(*) FROM web_messages WHERE from_member`); err != nil {
		t.Fatal(err)
	}
	return n
}
