package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sotay/bot/telegramtest"
	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// skewClock is the server's clock: real time, moved forward by the test.
type skewClock struct {
	mu sync.Mutex
	d  time.Duration
}

func (c *skewClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return time.Now().Add(c.d) }

func (c *skewClock) add(d time.Duration) { c.mu.Lock(); c.d += d; c.mu.Unlock() }

// offline cuts the page's network, the service worker's included, or
// gives it back.
func (p *page) offline(off bool) {
	p.t.Helper()
	sw := off
	if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
		EmulateOfflineServiceWorker: &sw,
		MatchedNetworkConditions:    []*network.Conditions{{Offline: off, DownloadThroughput: -1, UploadThroughput: -1}},
	}); err != nil {
		p.t.Fatalf("network offline=%v: %v", off, err)
	}
}

// later is how long the phone stays offline, by the clocks.
const later = 2 * time.Hour

// Offline in a real browser: the page is installed (a service worker
// controls it); with no network, a notice's answer, "Tôi đã học" and a text (shown as waiting) are
// kept on the phone and sent when the network returns two hours later (the
// server's clock and the page's set forward), recorded at the time they
// were pressed, once; the page, reloaded with no network, shows
// what it received, the document's text included.
func TestBrowserOffline(t *testing.T) {
	ctx := browserCtx(t)
	clock := &skewClock{}
	st := start(t, storage.WithClock(clock.Now))
	p := &page{t: t, ctx: ctx}
	bg := context.Background()
	hoa := st.tg.User(2002, "Hoa")
	hoa.SendText("/start " + st.invite("DV2"))
	waitText(t, hoa, "Đã liên kết")
	storagetest.MustGrant(t, st.s, "DV2", storage.RoleSecretary, "CB1")

	p.do("open DV1's link", chromedp.Navigate(st.link("DV1")))
	p.until("the one button", `!!document.querySelector('form button.go')`)
	p.do("tap «Vào sổ tay»", chromedp.Click(chromedp.CSS(`form button.go`)))
	p.until("the chat of Lò Văn Minh", `!!document.getElementById('who-name') && document.getElementById('who-name').textContent === 'Lò Văn Minh'`)
	p.until("the service worker controls the page", `!!navigator.serviceWorker && !!navigator.serviceWorker.controller`)
	if got := p.await(`fetch('static/manifest.webmanifest').then(r => r.json()).then(m => m.scope + ' ' + m.display)`); got != "../ standalone" {
		t.Errorf("manifest: %s", got)
	}

	docID := insertDocument(t, st.s)
	root, _ := st.s.Organisation(bg, "ROOT")
	c, err := st.s.CreateCampaign(bg, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{root.ID}, Actor: "test", Message: handlers.PushMessage})
	if err != nil {
		t.Fatal(err)
	}
	p.until("the pushed document", p.chatHas("Kết luận số 21-KL/TW"))
	p.press("📖 Đọc toàn văn")
	p.until("its text", p.chatHas("Toàn văn kết luận."))
	day := time.Now().In(noon()).AddDate(0, 0, 3).Format("02/01/2006")
	hoa.SendText(fmt.Sprintf("/lichhop %s; 19:30; Nhà văn hóa bản; Quán triệt Kết luận 21", day))
	waitText(t, hoa, "Đã gửi thông báo họp")
	p.until("the notice", p.chatHas("Thông báo họp chi bộ"))

	dbNow := func() time.Time {
		var now time.Time
		if err := st.s.DB().Get(&now, `SELECT now()`); err != nil {
			t.Fatal(err)
		}
		return now
	}
	me := st.member("DV1").ID
	wentOffline := dbNow()
	p.offline(true)
	p.press("✅ Có mặt")
	p.press("✅ Tôi đã học")
	p.do("type /cuatoi", chromedp.SendKeys(chromedp.ID("input"), "/cuatoi"), chromedp.Click(chromedp.ID("send")))
	p.until("the three kept on the phone", `(JSON.parse(localStorage.getItem('sotay:web:queue')) || []).length === 3`)
	p.until("the text shown as waiting", `[...document.querySelectorAll('#messages .pending')].some(e => e.innerText.includes('/cuatoi'))`)
	p.until("the page says so", `document.getElementById('toast').textContent.includes('Chưa có mạng')`)
	var n int
	_ = st.s.DB().Get(&n, `SELECT count(*) FROM web_actions WHERE member_id = $1`, me)
	time.Sleep(300 * time.Millisecond) // a little while offline: the ages must cover it
	cameBack := dbNow()
	// Two hours later, by the server's clock and the page's monotonic one,
	// rather than a real wait.
	clock.add(later)
	p.eval(fmt.Sprintf(`(() => { const now = performance.now.bind(performance); performance.now = () => now() + %d; return ''; })()`, later.Milliseconds()))
	p.offline(false)

	var studiedAt, answeredAt time.Time
	telegramtest.Eventually(t, wait, "both recorded", func() bool {
		e1 := st.s.DB().Get(&studiedAt, `SELECT studied_at FROM assignments WHERE campaign_id = $1 AND member_id = $2 AND state = 'studied'`, c.ID, me)
		e2 := st.s.DB().Get(&answeredAt, `SELECT answered_at FROM meeting_answers WHERE member_id = $1 AND answer = 'present'`, me)
		return e1 == nil && e2 == nil
	})
	for what, at := range map[string]time.Time{"studied": studiedAt, "answered": answeredAt} {
		if at.Before(wentOffline) || !at.Before(cameBack) {
			t.Errorf("%s at %v, not while offline (%v – %v)", what, at, wentOffline, cameBack)
		}
	}
	p.until("the reply says the time recorded", p.chatHas("lúc đồng chí thao tác khi chưa có mạng"))
	if !answeredAt.Before(studiedAt) {
		t.Errorf("not sent in order: answered %v, studied %v", answeredAt, studiedAt)
	}
	var actions, studied int
	p.until("the queue is empty", `(JSON.parse(localStorage.getItem('sotay:web:queue')) || []).length === 0 && !document.querySelector('#messages .pending')`)
	p.until("the text sent and answered", p.chatHas("Lò Văn Minh")+` && [...document.querySelectorAll('#messages .msg.user')].some(e => e.innerText.includes('/cuatoi'))`)
	_ = st.s.DB().Get(&actions, `SELECT count(*) FROM web_actions WHERE member_id = $1`, me)
	_ = st.s.DB().Get(&studied, `SELECT count(*) FROM assignments WHERE member_id = $1 AND state = 'studied'`, me)
	if actions != n+3 || studied != 1 {
		t.Errorf("%d actions after the queue (want %d), %d studied", actions, n+3, studied)
	}
	if res, err := http.Get(st.origin + "/metrics"); err != nil {
		t.Error(err)
	} else {
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(string(b), "sotay_web_offline_actions_total 3") {
			t.Errorf("/metrics does not count the 3 actions kept offline")
		}
	}

	t.Run("ReadableOffline", func(t *testing.T) {
		p.t = t
		p.offline(true)
		p.do("reload with no network", chromedp.Navigate(st.url))
		p.until("no network, from the service worker", `!!navigator.serviceWorker.controller && document.getElementById('conn').className.includes('down')`)
		p.until("what was received", p.chatHas("Kết luận số 21-KL/TW")+` && `+p.chatHas("Toàn văn kết luận.")+` && `+p.chatHas("Thông báo họp chi bộ"))
		p.offline(false)
	})
	t.Run("AnotherMemberDoesNotSendTheQueue", func(t *testing.T) {
		p.t = t
		p.do("back to the chat", chromedp.Navigate(st.url))
		p.until("the chat", `!!document.getElementById('messages') && document.getElementById('conn').className.includes('ok')`)
		// Texts cannot leave; the rest of the network works.
		if _, err := chromedp.Call(p.ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{URLPattern: st.url + "api/send", Offline: true, DownloadThroughput: -1, UploadThroughput: -1}},
		}); err != nil {
			t.Fatal(err)
		}
		p.do("type /cuatoi", chromedp.SendKeys(chromedp.ID("input"), "/cuatoi"), chromedp.Click(chromedp.ID("send")))
		p.until("kept on the phone", `(JSON.parse(localStorage.getItem('sotay:web:queue')) || []).length === 1`)
		kept := p.eval(`JSON.parse(localStorage.getItem('sotay:web:queue'))[0].body.clientId`)
		p.do("open DV2's link", chromedp.Navigate(st.link("DV2")))
		p.do("tap", chromedp.Click(chromedp.CSS(`form button.go`)))
		p.until("the chat of Hoàng Thị Hoa", `!!document.getElementById('who-name') && document.getElementById('who-name').textContent === 'Hoàng Thị Hoa'`)
		p.until("DV1's queue dropped", `(JSON.parse(localStorage.getItem('sotay:web:queue')) || []).length === 0`)
		p.offline(false)
		var n int
		_ = st.s.DB().Get(&n, `SELECT count(*) FROM web_actions WHERE client_id = $1`, kept)
		if n != 0 {
			t.Errorf("DV1's text kept on the phone was sent as DV2's")
		}
		if v := p.eval(`document.getElementById('messages').innerText.includes('Toàn văn kết luận.') ? 'leak' : 'ok'`); v != "ok" {
			t.Errorf("DV2's page shows what DV1's page kept")
		}
	})
}
