package web_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot/telegramtest"
	"sotay/bot/web"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// pressContaining presses the newest button whose label contains sub.
func (c *client) pressContaining(sub string) string {
	c.t.Helper()
	for _, m := range c.msgs {
		for _, row := range m.Inline {
			for _, b := range row {
				if strings.Contains(b.Text, sub) {
					return c.press(b.Text)
				}
			}
		}
	}
	c.t.Fatalf("no button with %q on screen", sub)
	return ""
}

// fileMessage is the newest message of the chat carrying a file.
func (c *client) fileMessage() web.Message {
	c.t.Helper()
	var found web.Message
	for _, m := range c.msgs {
		if (m.Document != nil || m.Photo != nil || m.Audio != nil) && m.ID > found.ID {
			found = m
		}
	}
	if found.ID == 0 {
		c.t.Fatalf("no file in the chat: %+v", c.msgs)
	}
	return found
}

func filesWithBytes(t *testing.T, s *storage.Storage, data []byte) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM files WHERE sha256 = sha256($1)`, data); err != nil {
		t.Fatal(err)
	}
	return n
}

// A document the handlers send to a web chat by the file_id Telegram gave
// it is served from the file store with Telegram's getFile failing; the
// same bytes sent again are the one stored file; another member's session
// cannot fetch it.
func TestWebDocumentServedFromTheStore(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	pdf := storagetest.PDF(t, "Nghị quyết về phát triển kinh tế vùng cao")
	d, err := st.s.CreateDocument(ctx, storage.DocumentInput{Kind: "nghi_quyet", Number: "77-NQ/HU", Issuer: "Huyện ủy",
		IssuedOn: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Title: "Phát triển kinh tế vùng cao",
		FileName: "77-NQ-HU.pdf", FileMime: "application/pdf", FileData: pdf, Actor: "cli"})
	if err != nil {
		t.Fatal(err)
	}
	// Telegram has it: the handlers send it by that file_id.
	if err := st.s.RememberTelegramFileID(ctx, d.FileStore, storage.AsDocument, "BQACAgIAAx-77nqhu"); err != nil {
		t.Fatal(err)
	}
	st.tg.InjectFault("getFile", telegramtest.Fault{Code: http.StatusBadGateway, Times: -1})

	minh := st.browser()
	minh.signIn(st.link("DV1"))
	minh.poll()
	minh.send("/tim 77-NQ/HU")
	minh.reply("Kết quả")
	minh.pressContaining("77-NQ/HU")
	minh.waitFor("Phát triển kinh tế vùng cao")
	minh.press("📎 Tải tệp")
	doc := minh.waitForFile()
	res, got := minh.do(http.MethodGet, strings.TrimPrefix(doc.URL, "/sotay/"), nil, "")
	if res.StatusCode != http.StatusOK || !bytes.Equal(got, pdf) || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("document with getFile failing: %d %q, %d bytes", res.StatusCode, res.Header.Get("Content-Disposition"), len(got))
	}
	if doc.Name != "77-NQ-HU.pdf" || doc.Mime != "application/pdf" || doc.Size != len(pdf) {
		t.Errorf("file shown as %+v", doc)
	}
	m, err := st.s.WebMessage(ctx, st.member("DV1").ID, minh.fileMessage().ID)
	if err != nil || m.File() == nil || m.File().Ref != storage.StoreRef(d.FileStore) {
		t.Fatalf("inbox message names %+v (%v), want the store's file %d", m.File(), err, d.FileStore)
	}

	// The same bytes sent as bytes (a transport without the file_id) are
	// the one stored file.
	inbox := web.NewInbox(st.s)
	sent, err := inbox.Send(ctx, tgbotapi.NewDocument(storage.WebChatID(st.member("DV1").ID), tgbotapi.FileBytes{Name: "ban-sao.pdf", Bytes: pdf}))
	if err != nil {
		t.Fatal(err)
	}
	again, err := st.s.WebMessage(ctx, st.member("DV1").ID, int64(sent.MessageID))
	if err != nil || again.File() == nil || again.File().Ref != storage.StoreRef(d.FileStore) || again.File().Name != "ban-sao.pdf" {
		t.Fatalf("bytes sent again: %+v %v", again.File(), err)
	}
	if n := filesWithBytes(t, st.s, pdf); n != 1 {
		t.Errorf("the PDF is stored %d times", n)
	}

	hoa := st.browser()
	hoa.signIn(st.link("DV2"))
	hoa.poll()
	if res, body := hoa.do(http.MethodGet, strings.TrimPrefix(doc.URL, "/sotay/"), nil, ""); res.StatusCode != http.StatusNotFound || bytes.Contains(body, pdf[:16]) {
		t.Errorf("DV2 got DV1's document file: %d", res.StatusCode)
	}
}

// A file the inbox knows only by a Telegram file_id the store has no bytes
// for is fetched once through getFile and adopted into the store: the
// second read works with Telegram blocked.
func TestWebTelegramFileAdoptedOnce(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	dv1 := st.member("DV1")
	photo := storagetest.PDF(t, "Biên bản họp chi bộ")
	fileID := st.tg.User(9911, "Khách").SendDocument("bien-ban.pdf", "application/pdf", photo, "").Document.FileID
	inbox := web.NewInbox(st.s)
	if _, err := inbox.Send(ctx, tgbotapi.NewDocument(storage.WebChatID(dv1.ID), tgbotapi.FileID(fileID))); err != nil {
		t.Fatal(err)
	}
	minh := st.browser()
	minh.signIn(st.link("DV1"))
	minh.poll()
	doc := minh.waitForFile()
	if res, got := minh.do(http.MethodGet, strings.TrimPrefix(doc.URL, "/sotay/"), nil, ""); res.StatusCode != http.StatusOK || !bytes.Equal(got, photo) {
		t.Fatalf("first read through getFile: %d", res.StatusCode)
	}
	sf, err := st.s.FileByTelegramID(ctx, fileID)
	if err != nil || sf.TelegramIDs[storage.AsDocument] != fileID {
		t.Fatalf("not adopted: %+v %v", sf, err)
	}
	st.tg.InjectFault("getFile", telegramtest.Fault{Code: http.StatusBadGateway, Times: -1})
	if res, got := minh.do(http.MethodGet, strings.TrimPrefix(doc.URL, "/sotay/"), nil, ""); res.StatusCode != http.StatusOK || !bytes.Equal(got, photo) {
		t.Fatalf("second read with Telegram blocked: %d", res.StatusCode)
	}
}
