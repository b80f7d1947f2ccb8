package web_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"sotay/bot/telegramtest"
)

// BenchmarkWeakNetwork times, in Chromium throttled to 250 kbit/s with
// 300 ms of latency on every request and a cold cache, the two waits a
// member on a weak mobile signal feels: from opening the sign-in link to
// the first message on screen (the link's page, the tap, the chat page,
// its scripts, the first poll), and from a button press to its answer on
// screen. Figures for the note, not a test:
//
//	go test -run '^$' -bench WeakNetwork -benchtime 1x ./bot/web/
func BenchmarkWeakNetwork(b *testing.B) {
	st := start(b)
	minh := st.tg.User(4001, "Minh")
	minh.SendText("/start " + st.invite("DV1"))
	waitText(b, minh, "Đã liên kết")
	var signIn, press time.Duration
	for i := 0; i < b.N; i++ {
		ctx := browserCtx(b)
		p := &page{t: b, ctx: ctx}
		if _, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
			MatchedNetworkConditions: []*network.Conditions{{Latency: 300, DownloadThroughput: 250_000 / 8, UploadThroughput: 250_000 / 8}},
		}); err != nil {
			b.Fatalf("throttle: %v", err)
		}
		last, _ := minh.LastMessage()
		minh.SendText("/web")
		m, err := minh.WaitMessage(wait, func(m telegramtest.Message) bool {
			return m.ID > last.ID && strings.Contains(m.Plain, "Đường dẫn đăng nhập")
		})
		if err != nil {
			b.Fatal(err)
		}
		link := regexp.MustCompile(`http://\S+/sotay/vao/\S+`).FindString(m.Plain)

		start := time.Now()
		p.do("open the link", chromedp.Navigate(link))
		p.until("the button", `!!document.querySelector('form button.go')`)
		p.do("tap", chromedp.Click(chromedp.CSS(`form button.go`)))
		p.until("the first message", `document.querySelectorAll('#messages .msg.bot').length > 0`)
		signIn += time.Since(start)

		if i > 0 { // the menu of the first round was answered in place: ask for it again
			p.do("type /menu", chromedp.SendKeys(chromedp.ID("input"), "/menu"), chromedp.Click(chromedp.ID("send")))
			p.until("the menu", `[...document.querySelectorAll('#messages .msg.bot')].pop().innerText.includes('Đồng chí chọn chức năng')`)
		}
		before := p.eval(`[...document.querySelectorAll('#messages .msg.bot')].pop().innerText`)
		start = time.Now()
		p.press("📄 Văn bản")
		p.until("the answer", fmt.Sprintf(`[...document.querySelectorAll('#messages .msg.bot')].pop().innerText !== %q`, before))
		press += time.Since(start)
	}
	b.ReportMetric(signIn.Seconds()/float64(b.N), "s-link-to-first-message")
	b.ReportMetric(press.Seconds()/float64(b.N), "s-press-to-answer")
}
