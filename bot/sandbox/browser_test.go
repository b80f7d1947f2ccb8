package sandbox_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sotay/bot/browsertest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// browser starts headless Chromium with a phone-sized window.
func browser(t *testing.T) context.Context { return browsertest.Start(t) }

// page drives the sandbox page; every step fails the test with a
// screenshot saved when SANDBOX_SCREENSHOTS names a directory.
type page struct {
	t   *testing.T
	ctx context.Context
}

func (p *page) shot(name string) {
	dir := os.Getenv("SANDBOX_SCREENSHOTS")
	if dir == "" {
		return
	}
	buf, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), buf, 0o644); err != nil {
		p.t.Logf("screenshot %s: %v", name, err)
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

// until waits for a JavaScript condition to hold.
func (p *page) until(what, cond string) {
	p.t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, wait)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](cond, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		p.shot("failed")
		text, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body.innerText`))
		p.t.Fatalf("%s: %v\npage:\n%s", what, err, text)
	}
}

func (p *page) eval(js string) string {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](js))
	if err != nil {
		p.t.Fatalf("%s: %v", js, err)
	}
	return v
}

// choose picks a persona: a tab, an organisation, then the card.
func (p *page) choose(tab, org, code string) {
	p.t.Helper()
	p.do("open the "+tab+" tab", chromedp.Click(chromedp.CSS(`#tabs button[data-tab="`+tab+`"]`)))
	p.until("organisations listed", `document.querySelectorAll('#org-select option').length > 0`)
	p.eval(fmt.Sprintf(`(() => { const s = document.getElementById('org-select'); s.value = %q; s.dispatchEvent(new Event('change')); return s.value })()`, org))
	p.until("personas of "+org, fmt.Sprintf(`!!document.querySelector('#persona-list .persona[data-code=%q]')`, code))
	p.do("choose "+code, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#persona-list .persona[data-code=%q]`, code))))
	p.until("chat of "+code, `!document.getElementById('chat').hidden`)
}

// lastBot is JavaScript for the newest message of the bot.
const lastBot = `[...document.querySelectorAll('#messages .msg.bot')].pop()`

// replyTo waits for a message of the bot, sent after the persona's newest
// message containing sent, that contains want. A condition on the newest
// message alone can be met by an earlier reply still on screen.
func (p *page) replyTo(what, sent, want string) {
	p.t.Helper()
	p.until(what, fmt.Sprintf(`(() => {
		const ms = [...document.querySelectorAll('#messages .msg')];
		const u = ms.filter(m => m.classList.contains('user') && m.innerText.includes(%q)).pop();
		return !!u && ms.some(m => m.classList.contains('bot') && Number(m.dataset.id) > Number(u.dataset.id) && m.innerText.includes(%q));
	})()`, sent, want))
}

func (p *page) messages() int {
	n, _ := strconv.Atoi(p.eval(`String(document.querySelectorAll('#messages .msg').length)`))
	return n
}

// press clicks an inline button of the bot's newest message, with the mouse.
func (p *page) press(text string) {
	p.t.Helper()
	p.until("button "+text, fmt.Sprintf(`(() => { const m = %s; return !!m && [...m.querySelectorAll('.ikb button')].some(b => b.textContent === %q) })()`, lastBot, text))
	xpath := fmt.Sprintf(`//div[@id="messages"]/div[contains(@class,"bot")][last()]//div[@class="ikb"]//button[text()=%q]`, text)
	p.do("press "+text, chromedp.Click(xpath))
}

func TestBrowser(t *testing.T) {
	ctx := browser(t)
	st := startStack(t)
	p := &page{t: t, ctx: ctx}
	p.do("open the sandbox", chromedp.Navigate(st.URL))
	p.until("persona picker", `!document.getElementById('pick').hidden`)

	// A member of Nà Hiên 1 who is not its secretary.
	var member, secretary string
	ms, _ := st.Store.MembersInSubtree(context.Background(), mustOrgID(t, st, "CBNAHIEN1"))
	for _, m := range ms {
		roles, _ := st.Store.RolesOf(context.Background(), m.ID)
		if len(roles) == 0 && member == "" {
			member = m.Code
		}
		if len(roles) > 0 {
			secretary = m.Code
		}
	}

	t.Run("MemberLinksAndUsesTheMenu", func(t *testing.T) {
		p.t = t
		p.choose("member", "CBNAHIEN1", member)
		p.until("not linked yet", `!document.getElementById('unlinked').hidden`)
		p.do("link with an invite", chromedp.Click(chromedp.ID("link-btn")))
		p.until("linked", `document.getElementById('messages').innerText.includes('Đã liên kết') && document.getElementById('unlinked').hidden`)
		// Linking ends with the menu: wait for it before asking again.
		p.replyTo("menu after linking", "/start", "Đồng chí chọn chức năng")

		p.do("type /menu", chromedp.SendKeys(chromedp.ID("input"), "/menu"), chromedp.Click(chromedp.ID("send")))
		p.replyTo("menu", "/menu", "Đồng chí chọn chức năng")
		p.until("input cleared", `document.getElementById('input').value === ''`)
		n := p.messages()
		p.press("❓ Trợ giúp")
		p.until("help replaces the menu", fmt.Sprintf(`(%s).innerText.includes('Hướng dẫn sử dụng')`, lastBot))
		if got := p.messages(); got != n {
			t.Errorf("%d messages after pressing, want %d: the answer must edit the menu in place", got, n)
		}
		if s := p.eval(lastBot + `.querySelector('.stamp').textContent`); !strings.Contains(s, "đã sửa") {
			t.Errorf("edited message stamped %q", s)
		}
		p.shot("member")

		p.do("reload", chromedp.Reload())
		p.until("chat restored after reload", fmt.Sprintf(`!document.getElementById('chat').hidden && document.querySelectorAll('#messages .msg').length === %d`, n))
	})

	t.Run("SecretaryLinksByPhoneAndInvites", func(t *testing.T) {
		p.t = t
		p.do("back to the personas", chromedp.Click(chromedp.ID("back")))
		p.choose("secretary", "CBNAHIEN1", secretary)
		p.do("type /start", chromedp.SendKeys(chromedp.ID("input"), "/start"), chromedp.Click(chromedp.ID("send")))
		p.until("phone keyboard", `!document.getElementById('keyboard').hidden && !!document.querySelector('#keyboard button[data-contact="1"]')`)
		p.do("share the phone", chromedp.Click(chromedp.CSS(`#keyboard button[data-contact="1"]`)))
		p.until("linked", `document.getElementById('messages').innerText.includes('Đã liên kết') && document.getElementById('unlinked').hidden`)
		p.until("keyboard removed", `document.getElementById('keyboard').hidden`)
		p.replyTo("menu after linking", "📱", "Đồng chí chọn chức năng")

		p.press("✉️ Mã mời")
		p.until("members to invite", fmt.Sprintf(`(%s).innerText.includes('Mã mời liên kết tài khoản')`, lastBot))
		name := p.eval(lastBot + `.querySelector('.ikb button').textContent`)
		p.press(name)
		p.until("invite link", fmt.Sprintf(`(%s).innerText.includes('?start=')`, lastBot))

		p.do("open the command menu", chromedp.Click(chromedp.ID("menu-btn")))
		p.until("commands listed", `[...document.querySelectorAll('#commands button')].some(b => b.textContent.startsWith('/moi'))`)
		p.shot("secretary")
	})
}

func mustOrgID(t *testing.T, st *stack, code string) int64 {
	t.Helper()
	o, err := st.Store.Organisation(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
