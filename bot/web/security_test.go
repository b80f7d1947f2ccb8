package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// Another page the member has open cannot act as them: a state-changing
// request from another origin, or with neither Origin nor
// Sec-Fetch-Site: same-origin, is refused and changes nothing; a request
// naming another host (DNS rebinding) is refused; the pages run only
// their own scripts.
func TestCrossOriginRefused(t *testing.T) {
	st := start(t)
	c := st.browser()
	c.signIn(st.link("DV1"))
	c.poll()
	count := func() int {
		var n int
		if err := st.s.DB().Get(&n, `SELECT count(*) FROM web_messages WHERE from_member`); err != nil {
			t.Fatal(err)
		}
		return n
	}
	post := func(origin, fetchSite string) int {
		b, _ := json.Marshal(map[string]any{"text": "/menu", "clientId": clientID()})
		req, _ := http.NewRequest(http.MethodPost, st.url+"api/send", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if fetchSite != "" {
			req.Header.Set("Sec-Fetch-Site", fetchSite)
		}
		res, err := c.hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, tc := range []struct{ name, origin, site string }{
		{"OtherOrigin", "http://evil.example", "cross-site"},
		{"SameHostOtherScheme", "https://" + strings.TrimPrefix(st.origin, "http://"), ""},
		{"NoOriginCrossSite", "", "cross-site"},
		{"NeitherHeader", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if code := post(tc.origin, tc.site); code != http.StatusForbidden {
				t.Errorf("%d, want 403", code)
			}
			if n := count(); n != 0 {
				t.Errorf("%d messages in the inbox after a refused request", n)
			}
		})
	}
	t.Run("SameOriginWithoutOriginHeaderServed", func(t *testing.T) {
		if code := post("", "same-origin"); code != http.StatusOK {
			t.Errorf("%d", code)
		}
	})
	t.Run("SignInFromAnotherSiteRefused", func(t *testing.T) {
		evil := st.browser()
		evil.origin = "http://evil.example"
		if code := evil.signIn(st.link("DV2")); code != http.StatusForbidden {
			t.Errorf("tap from another site: %d", code)
		}
	})
	t.Run("OtherHostRefused", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodGet, st.url, nil)
		req.Host = "rebound.example"
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("%d", res.StatusCode)
		}
	})
	t.Run("StrictContentPolicy", func(t *testing.T) {
		res, body := c.do(http.MethodGet, "", nil, "")
		csp := res.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("CSP %q", csp)
		}
		if strings.Contains(string(body), "<script>") || strings.Contains(string(body), " on") && strings.Contains(string(body), "onclick") {
			t.Errorf("inline script in the page: %s", body)
		}
	})
}

// A member's session reads their own chat only: another member's
// messages, files and buttons are out of its reach.
func TestNoWayIntoAnotherMembersInbox(t *testing.T) {
	st := start(t)
	storagetest.MustGrant(t, st.s, "DV1", storage.RoleSecretary, "CB1")
	minh := st.browser()
	minh.signIn(st.link("DV1"))
	minh.poll()
	minh.send("/moi")
	minh.reply("Mã mời liên kết tài khoản")
	minh.press("🖨 In phiếu mời (PDF)")
	var sheet = minh.waitForFile()
	res, pdf := minh.do(http.MethodGet, strings.TrimPrefix(sheet.URL, "/sotay/"), nil, "")
	if res.StatusCode != http.StatusOK || !bytes.HasPrefix(pdf, []byte("%PDF")) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("own file: %d %q", res.StatusCode, res.Header.Get("Content-Disposition"))
	}

	hoa := st.browser()
	hoa.signIn(st.link("DV2"))
	_, u := hoa.poll()
	for _, m := range u.Messages {
		if _, theirs := minh.msgs[m.ID]; theirs || strings.Contains(m.HTML, "Lò Văn Minh") {
			t.Errorf("DV2 sees a message of DV1's chat: %+v", m)
		}
	}
	if res, _ := hoa.do(http.MethodGet, strings.TrimPrefix(sheet.URL, "/sotay/"), nil, ""); res.StatusCode != http.StatusNotFound {
		t.Errorf("DV2 got DV1's file: %d", res.StatusCode)
	}
	m, data := minh.button("🖨 In phiếu mời (PDF)")
	if code, _ := hoa.postJSON("api/press", map[string]any{"messageId": m.ID, "data": data, "clientId": clientID()}); code != http.StatusBadRequest {
		t.Errorf("DV2 pressed DV1's button: %d", code)
	}
	// A button DV2 was never shown, on DV2's own chat, is refused too.
	hoa.send("/menu")
	menu := hoa.reply("Hoàng Thị Hoa")
	if code, _ := hoa.postJSON("api/press", map[string]any{"messageId": menu.ID, "data": "moi:s", "clientId": clientID()}); code != http.StatusBadRequest {
		t.Errorf("a forged button was pressed: %d", code)
	}
}
