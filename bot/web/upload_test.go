package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"testing"

	"sotay/bot/telegramtest"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// upload sends a file from the page (📎) with a caption.
func (c *client) upload(name string, data []byte, caption string) (int, []byte) {
	c.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("clientId", clientID())
	_ = mw.WriteField("caption", caption)
	fw, _ := mw.CreateFormFile("file", name)
	_, _ = fw.Write(data)
	_ = mw.Close()
	res, out := c.do(http.MethodPost, "api/upload", &body, mw.FormDataContentType())
	return res.StatusCode, out
}

// An admin publishes a document from the browser with Telegram blocked:
// the file goes into the store once and /dang takes it from there, never
// through getFile; a member without an officer's or admin's role cannot
// upload.
func TestWebUploadPublishesWithoutTelegram(t *testing.T) {
	st := start(t)
	ctx := context.Background()
	storagetest.MustGrant(t, st.s, "DV2", storage.RoleAdmin, "ROOT")
	st.tg.InjectFault("getFile", telegramtest.Fault{Code: http.StatusBadGateway, Times: -1})
	pdf := storagetest.PDF(t, "Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng")

	hoa := st.browser()
	hoa.signIn(st.link("DV2"))
	if _, u := hoa.poll(); u.Me == nil || !u.Me.Upload {
		t.Fatalf("the admin's page has no 📎: %+v", u.Me)
	}
	if code, out := hoa.upload("kl21.pdf", pdf, "/dang 21-KL/TW | Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng | Ban Chấp hành Trung ương | 25/10/2021"); code != http.StatusOK {
		t.Fatalf("upload: %d %s", code, out)
	}
	hoa.reply("Bước 1/3")
	hoa.press("✅ Kết luận (theo số hiệu)")
	hoa.waitFor("Bước 2/3")
	hoa.press("⏭ Bỏ qua")
	hoa.waitFor("Bước 3/3")
	hoa.press("✅ Đăng")
	hoa.waitFor("Đã đăng <b>Kết luận số 21-KL/TW</b>")
	var storeID int64
	if err := st.s.DB().Get(&storeID, `SELECT COALESCE(file_store_id, 0) FROM documents WHERE number = '21-KL/TW'`); err != nil {
		t.Fatal(err)
	}
	f, err := st.s.FileByID(ctx, storeID)
	if err != nil || f.Name != "kl21.pdf" || f.Mime != "application/pdf" || f.Size != len(pdf) {
		t.Fatalf("published file %+v %v", f, err)
	}
	if n := filesWithBytes(t, st.s, pdf); n != 1 {
		t.Errorf("the PDF is stored %d times", n)
	}
	// The member's own message shows the file they sent.
	var own *storage.WebFile
	for _, m := range hoa.msgs {
		if m.From == "user" && m.Document != nil {
			wm, err := st.s.WebMessage(ctx, st.member("DV2").ID, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			own = wm.File()
		}
	}
	if own == nil || own.Ref != storage.StoreRef(storeID) {
		t.Errorf("the member's message names %+v", own)
	}

	minh := st.browser()
	minh.signIn(st.link("DV3"))
	if _, u := minh.poll(); u.Me == nil || u.Me.Upload {
		t.Errorf("a member's page offers 📎: %+v", u.Me)
	}
	if code, _ := minh.upload("x.pdf", []byte("%PDF-1.4 x"), "/dang 1-KL/TW | x | y | 01/01/2021"); code != http.StatusForbidden {
		t.Errorf("a member uploaded: %d", code)
	}
}
