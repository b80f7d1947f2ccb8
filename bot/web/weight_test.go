package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"sotay/handlers"
	"sotay/storage"
)

// Budgets of a weak network (issue 19): the first load, from opening the
// sign-in link to the chat on screen with its scripts and styles, and one
// new message.
const (
	firstLoadBudget  = 35 * 1024
	newMessageBudget = 2 * 1024
)

// onWire is one response as a phone gets it: gzip body and headers.
type onWire struct {
	what          string
	body, headers int
}

// fetch makes a request as a browser would, taking gzip, and says what
// came over the wire.
func (c *client) fetch(what, method, path string, body io.Reader, ctype string) (onWire, []byte) {
	c.t.Helper()
	u := path
	if !strings.HasPrefix(path, "http") {
		u = c.st.url + path
	}
	req, _ := http.NewRequest(method, u, body)
	req.Header.Set("Accept-Encoding", "gzip")
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if method == http.MethodPost {
		req.Header.Set("Origin", c.origin)
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var h bytes.Buffer
	_ = res.Header.Write(&h)
	return onWire{what: what, body: len(b), headers: h.Len() + len(res.Status) + 12}, b
}

// The first load fits in 35 KB on the wire, the sign-in page, the tap and
// the chat page with every script and style counted; a pushed document
// comes in under 2 KB. The figures are logged for the note (go
// test -v -run TestPageWeight ./bot/web/).
func TestPageWeight(t *testing.T) {
	st := start(t)
	c := st.browser()
	link := st.link("DV1")
	var got []onWire
	add := func(w onWire, _ []byte) { got = append(got, w) }

	w, page := c.fetch("sign-in page", http.MethodGet, link, nil, "")
	add(w, nil)
	for _, src := range regexp.MustCompile(`(?:href|src)="(/sotay/static/[^"]+)"`).FindAllStringSubmatch(string(gunzip(t, page)), -1) {
		add(c.fetch(src[1], http.MethodGet, st.origin+src[1], nil, ""))
	}
	add(c.fetch("the tap (POST, 303)", http.MethodPost, link, strings.NewReader(""), "application/x-www-form-urlencoded"))
	w, chat := c.fetch("chat page", http.MethodGet, "", nil, "")
	add(w, nil)
	seen := map[string]bool{}
	for _, x := range got {
		seen[x.what] = true
	}
	for _, src := range regexp.MustCompile(`(?:href|src)="(/sotay/static/[^"]+)"`).FindAllStringSubmatch(string(gunzip(t, chat)), -1) {
		if !seen[src[1]] { // the browser has it from the sign-in page
			add(c.fetch(src[1], http.MethodGet, st.origin+src[1], nil, ""))
		}
	}
	add(c.fetch("first poll (menu, name)", http.MethodGet, "api/updates?since=0&epoch=", nil, ""))

	total := 0
	for _, x := range got {
		t.Logf("%-40s %6d B body + %4d B headers", x.what, x.body, x.headers)
		total += x.body + x.headers
	}
	t.Logf("first load: %d B on the wire (budget %d B)", total, firstLoadBudget)
	if total > firstLoadBudget {
		t.Errorf("first load is %d B, over the %d B budget", total, firstLoadBudget)
	}

	t.Run("NewMessage", func(t *testing.T) {
		c.t = t
		_, first := c.poll()
		ctx := context.Background()
		docID := insertDocument(t, st.s)
		root, _ := st.s.Organisation(ctx, "ROOT")
		if _, err := st.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: docID, OrgIDs: []int64{root.ID}, Actor: "test", Message: handlers.PushMessage}); err != nil {
			t.Fatal(err)
		}
		w, body := c.fetch("the pushed document", http.MethodGet, "api/updates?since="+itoa(first.Rev)+"&epoch="+first.Epoch, nil, "")
		if !bytes.Contains(gunzip(t, body), []byte("21-KL/TW")) {
			t.Fatalf("the poll did not bring the push: %s", gunzip(t, body))
		}
		t.Logf("a pushed document: %d B body + %d B headers (budget %d B)", w.body, w.headers, newMessageBudget)
		if w.body+w.headers > newMessageBudget {
			t.Errorf("a new message is %d B, over the %d B budget", w.body+w.headers, newMessageBudget)
		}
	})
}
