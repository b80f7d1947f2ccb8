package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// A link survives whatever opens it before the member (a link preview, a
// mail scanner): only the tap uses it, once; the session's cookie is
// HttpOnly, SameSite=Lax, under WEB_URL's path.
func TestSignInLinkUsedOnlyByTheTap(t *testing.T) {
	st := start(t)
	link := st.link("DV1")
	scanner := st.browser()
	for range 2 {
		res, body := scanner.do(http.MethodGet, link, nil, "")
		if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "Vào sổ tay") || strings.Contains(string(body), "<script") {
			t.Fatalf("link page: %d %s", res.StatusCode, body)
		}
	}
	c := st.browser()
	res, _ := c.do(http.MethodPost, link, strings.NewReader(""), "application/x-www-form-urlencoded")
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/sotay/" {
		t.Fatalf("tap: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
	ck := res.Cookies()
	if len(ck) != 1 || !ck[0].HttpOnly || ck[0].SameSite != http.SameSiteLaxMode || ck[0].Path != "/sotay/" || ck[0].Secure || ck[0].MaxAge < 179*24*3600 {
		t.Fatalf("session cookie %+v", ck)
	}
	_, page := c.do(http.MethodGet, "", nil, "")
	if !strings.Contains(string(page), "static/chat.js") {
		t.Fatalf("no chat for the signed-in member: %s", page)
	}

	t.Run("SecondUseRefused", func(t *testing.T) {
		other := st.browser()
		if code := other.signIn(link); code != http.StatusNotFound {
			t.Fatalf("second tap: %d", code)
		}
		if code, _ := other.poll(); code != http.StatusUnauthorized {
			t.Fatalf("the second tap signed in: %d", code)
		}
		var n int
		if err := st.s.DB().Get(&n, `SELECT count(*) FROM web_sessions`); err != nil || n != 1 {
			t.Fatalf("%d sessions (%v)", n, err)
		}
	})
	t.Run("WrongTokenRefused", func(t *testing.T) {
		if code := st.browser().signIn(st.url + "vao/AAAAAAAAAAAAAAAAAAAAAAAA"); code != http.StatusNotFound {
			t.Fatalf("wrong token: %d", code)
		}
	})
}

// A sixth device ends the one used longest ago; the member sees their
// devices, with who made the link of each, and ends one.
func TestSessions(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	dv1, dv2 := st.member("DV1"), st.member("DV2")
	var devices []*client
	for i := range 6 {
		c := st.browser()
		link := st.link("DV1")
		if i == 5 {
			// The last link is made by another member.
			l, err := st.s.CreateWebLink(ctx, storage.WebLinkInput{MemberID: dv1.ID, Purpose: storage.WebLinkInvite, Actor: "test", ByMember: &dv2.ID})
			if err != nil {
				t.Fatal(err)
			}
			link = st.url + "vao/" + l.Token
		}
		if code := c.signIn(link); code != http.StatusSeeOther {
			t.Fatalf("device %d: %d", i, code)
		}
		devices = append(devices, c)
	}
	if code, _ := devices[0].poll(); code != http.StatusUnauthorized {
		t.Errorf("the oldest device is still signed in: %d", code)
	}
	res, body := devices[5].do(http.MethodGet, "api/sessions", nil, "")
	if res.StatusCode != http.StatusOK || strings.Count(string(body), `"id"`) != storage.MaxWebSessions ||
		!strings.Contains(string(body), `"madeBy":"Hoàng Thị Hoa"`) || strings.Count(string(body), `"current":true`) != 1 {
		t.Fatalf("sessions: %d %s", res.StatusCode, body)
	}
	id := regexp.MustCompile(`"id":(\d+)`).FindStringSubmatch(string(body))[1]
	if code, out := devices[5].postJSON("api/sessions/end", map[string]any{"id": mustInt(t, id)}); code != http.StatusOK {
		t.Fatalf("end: %d %v", code, out)
	}
	if code, _ := devices[5].poll(); code != http.StatusUnauthorized {
		t.Errorf("the device whose session it ended is signed in: %d", code)
	}
	if code, _ := devices[1].poll(); code != http.StatusOK {
		t.Errorf("another device was signed out: %d", code)
	}
	t.Run("LeavingEndsThem", func(t *testing.T) {
		if _, err := st.s.LeaveMember(ctx, "DV1", "đã chuyển đi", "test"); err != nil {
			t.Fatal(err)
		}
		if code, _ := devices[1].poll(); code != http.StatusUnauthorized {
			t.Errorf("a member who left is signed in: %d", code)
		}
		var live int
		if err := st.s.DB().Get(&live, `SELECT count(*) FROM web_sessions WHERE member_id = $1 AND ended_at IS NULL`, dv1.ID); err != nil || live != 0 {
			t.Errorf("%d live sessions (%v)", live, err)
		}
	})
}

// /web in Telegram gives the member a link for themselves; a secretary's
// link for a member is told to that member on Telegram, and shows in their
// devices with who made it; nobody makes one for an account above theirs.
func TestWebLinksFromTelegram(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	minh := st.tg.User(1001, "Minh")
	minh.SendText("/start " + st.invite("DV1"))
	waitText(t, minh, "Đã liên kết")
	minh.SendText("/web")
	m := waitText(t, minh, "Đường dẫn đăng nhập của đồng chí")
	link := regexp.MustCompile(`http://\S+/sotay/vao/\S+`).FindString(m.Plain)
	c := st.browser()
	if code := c.signIn(link); code != http.StatusSeeOther {
		t.Fatalf("tap of /web's link: %d", code)
	}
	c.poll()
	c.send("/cuatoi")
	c.reply("Lò Văn Minh")

	t.Run("SecretaryMakesOneForAMember", func(t *testing.T) {
		storagetest.MustGrant(t, st.s, "DV2", storage.RoleSecretary, "CB1")
		hoa := st.tg.User(1002, "Hoa")
		hoa.SendText("/start " + st.invite("DV2"))
		waitText(t, hoa, "Đã liên kết")
		hoa.SendText("/moi")
		waitText(t, hoa, "đều đã liên kết tài khoản")
		mustPress(t, hoa, "🌐 Đăng nhập web")
		waitText(t, hoa, "Đăng nhập sổ tay trên web")
		mustPress(t, hoa, "Lò Văn Minh · Chi bộ bản Nà Hiên")
		made := waitText(t, hoa, "Đường dẫn đăng nhập sổ tay trên web cho đồng chí Lò Văn Minh")
		told := waitText(t, minh, "Hoàng Thị Hoa đã tạo đường dẫn đăng nhập sổ tay trên web cho đồng chí")
		_ = told
		phone := st.browser()
		if code := phone.signIn(regexp.MustCompile(`http://\S+/sotay/vao/\S+`).FindString(made.Plain)); code != http.StatusSeeOther {
			t.Fatalf("tap of the secretary's link: %d", code)
		}
		_, body := phone.do(http.MethodGet, "api/sessions", nil, "")
		if !strings.Contains(string(body), `"madeBy":"Hoàng Thị Hoa"`) {
			t.Errorf("sessions: %s", body)
		}
		var n int
		if err := st.s.DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'web.link' AND actor = 'tg:1002' AND subject = 'DV1'`); err != nil || n != 1 {
			t.Errorf("%d audit entries (%v)", n, err)
		}
	})
	t.Run("SecretarySignsTheMemberOut", func(t *testing.T) {
		hoa := st.tg.User(1002, "Hoa")
		mustPress(t, hoa, "⛔ Đăng xuất web mọi thiết bị")
		waitText(t, hoa, "Đã đăng xuất sổ tay trên web của đồng chí Lò Văn Minh")
		c.t = t
		if code, _ := c.poll(); code != http.StatusUnauthorized {
			t.Errorf("DV1's device is still signed in: %d", code)
		}
	})
	t.Run("NotForAnAccountAbove", func(t *testing.T) {
		hoa := st.tg.User(1002, "Hoa")
		storagetest.MustGrant(t, st.s, "DV3", storage.RoleAdmin, "ROOT")
		dv3 := st.member("DV3")
		menu, _ := hoa.LastMessage()
		before := countLinks(t, st, dv3.ID)
		hoa.Press(menu.ID, "web:m:"+itoa(dv3.ID))
		telegramtest.Eventually(t, wait, "the refusal", func() bool {
			for _, a := range hoa.CallbackAnswers() {
				if strings.Contains(a.Text, "không có quyền") || strings.Contains(a.Text, "cao hơn") {
					return true
				}
			}
			return false
		})
		if n := countLinks(t, st, dv3.ID); n != before {
			t.Errorf("a link was made for the admin")
		}
	})
	_ = ctx
}

func countLinks(t *testing.T, st *stack, memberID int64) int {
	t.Helper()
	var n int
	if err := st.s.DB().Get(&n, `SELECT count(*) FROM web_links WHERE member_id = $1`, memberID); err != nil {
		t.Fatal(err)
	}
	return n
}

// Sign-in attempts are limited per link, whatever the address (behind the
// reverse proxy every request comes from 127.0.0.1): a link hammered by
// something is refused for a while, and stays unused.
func TestSignInRateLimitedPerLink(t *testing.T) {
	st := start(t)
	link := st.link("DV1")
	c := st.browser()
	var codes []int
	for range 6 {
		res, _ := c.do(http.MethodGet, link, nil, "")
		codes = append(codes, res.StatusCode)
	}
	if codes[4] != http.StatusOK || codes[5] != http.StatusTooManyRequests {
		t.Fatalf("statuses %v: five looks, then a refusal", codes)
	}
	// Another link is not held back by the first.
	if code := st.browser().signIn(st.link("DV2")); code != http.StatusSeeOther {
		t.Fatalf("another link: %d", code)
	}
	if n := countLinks(t, st, st.member("DV1").ID); n != 1 {
		t.Fatalf("%d links", n)
	}
	var used int
	if err := st.s.DB().Get(&used, `SELECT count(*) FROM web_links WHERE used_at IS NOT NULL`); err != nil || used != 1 {
		t.Fatalf("%d links used (%v): only DV2's", used, err)
	}
}
