package bot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/storage"
)

// pressContaining presses the button whose text contains sub on the newest
// message that has one.
func pressContaining(t *testing.T, u *telegramtest.User, sub string) {
	t.Helper()
	msgs := u.Messages()
	for i := len(msgs) - 1; i >= 0; i-- {
		for _, b := range msgs[i].Buttons() {
			if strings.Contains(b, sub) {
				mustPress(t, u, b)
				return
			}
		}
	}
	t.Fatalf("no button containing %q", sub)
}

func waitCallback(t *testing.T, u *telegramtest.User, n int) telegramtest.CallbackAnswer {
	t.Helper()
	deadline := time.Now().Add(wait)
	for len(u.CallbackAnswers()) < n && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	ans := u.CallbackAnswers()
	if len(ans) < n {
		t.Fatalf("want %d callback answers, got %+v", n, ans)
	}
	return ans[n-1]
}

func documentsSent(u *telegramtest.User) []telegramtest.Message {
	var out []telegramtest.Message
	for _, m := range u.Messages() {
		if m.Method == "sendDocument" {
			out = append(out, m)
		}
	}
	return out
}

func waitDocuments(t *testing.T, u *telegramtest.User, n int) []telegramtest.Message {
	t.Helper()
	if _, err := u.WaitMessage(wait, func(telegramtest.Message) bool { return len(documentsSent(u)) >= n }); err != nil {
		t.Fatalf("want %d documents: %v", n, err)
	}
	return documentsSent(u)
}

func TestDocumentLibrary(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	admin := h.linkedUser("DV2", 4001, "Hoa")
	h.grant("DV2", storage.RoleAdmin, "ROOT")
	member := h.linkedUser("DV1", 4002, "Minh") // DV1, CB1
	outsider := h.tg.User(4003, "Páo")          // DV3, CB2
	outsider.SendText("/start " + h.invite("DV3"))
	outsiderMenu := waitText(t, outsider, "Sổ tay đảng viên")

	// A document for CB1 only, with a long text and a file kept as bytes.
	var body []string
	for i := 1; i <= 40; i++ {
		body = append(body, fmt.Sprintf("Mục %d. %s", i, strings.Repeat("Chi bộ quán triệt kết luận đến từng đảng viên. ", 6)))
	}
	cb1Doc, err := h.s.CreateDocument(ctx, storage.DocumentInput{
		Kind: "ket_luan", Number: "22-KL/TW", Issuer: "Bộ Chính trị", IssuedOn: time.Date(2021, 11, 1, 0, 0, 0, 0, time.UTC),
		Title: "Kết luận về công tác dân vận", Summary: "Dành cho chi bộ bản Nà Hiên.", Body: strings.Join(body, "\n\n"),
		FileName: "kl22.pdf", FileMime: "application/pdf", FileData: []byte("%PDF-1.4 kl22"), Audience: []string{"CB1"}, Actor: "test",
	})
	if err != nil {
		t.Fatal(err)
	}

	t.Run("AdminPublishesFileWithCaption", func(t *testing.T) {
		admin.SendDocument("kl21.pdf", "application/pdf", []byte("%PDF-1.4 kl21"),
			"/dang 21-KL/TW | Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng | Ban Chấp hành Trung ương | 25/10/2021")
		waitText(t, admin, "Bước 1/3")
		mustPress(t, admin, "✅ Kết luận (theo số hiệu)")
		waitText(t, admin, "Bước 2/3")
		admin.SendText("Ngăn chặn, đẩy lùi suy thoái tư tưởng chính trị.")
		waitText(t, admin, "xem lại trước khi đăng")
		mustPress(t, admin, "✅ Đăng")
		waitText(t, admin, "Đã đăng Kết luận số 21-KL/TW")
	})
	published, err := h.s.DocumentByNumber(ctx, "21-KL/TW", "")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("MemberBrowsesAndReadsPageByPage", func(t *testing.T) {
		member.SendText("/vanban")
		waitText(t, member, "2 văn bản dành cho đồng chí")
		mustPress(t, member, "Kết luận (2)")
		waitText(t, member, "Kết luận: 2 văn bản, mới nhất trước")
		pressContaining(t, member, "22-KL/TW")
		waitText(t, member, "Dành cho chi bộ bản Nà Hiên.")
		mustPress(t, member, "📖 Đọc toàn văn")
		first := waitText(t, member, "trang 1/")
		total := strings.TrimSuffix(strings.SplitN(first.Plain[strings.Index(first.Plain, "trang 1/")+len("trang 1/"):], "\n", 2)[0], " ")
		if total == "1" {
			t.Fatalf("a long text fit one page: %q", first.Plain[:80])
		}
		mustPress(t, member, "Sau ▶")
		second := waitText(t, member, "trang 2/"+total)
		if second.ID != first.ID {
			t.Fatalf("page 2 came as a new message %d, not an edit of %d", second.ID, first.ID)
		}
		if !strings.Contains(second.Plain, "Mục ") {
			t.Fatalf("page 2: %q", second.Plain[:100])
		}
	})

	t.Run("FileUploadedOnceThenByFileID", func(t *testing.T) {
		before := h.tg.Calls("sendDocument")
		mustPress(t, member, "⬅ Về văn bản")
		waitText(t, member, "Dành cho chi bộ bản Nà Hiên.")
		mustPress(t, member, "📎 Tải tệp")
		docs := waitDocuments(t, member, 1)
		firstFile := docs[0].Document
		if firstFile == nil || string(firstFile.Data) != "%PDF-1.4 kl22" || firstFile.FileName != "kl22.pdf" {
			t.Fatalf("first download %+v", firstFile)
		}
		var cached string
		telegramtest.Eventually(t, wait, "the file_id remembered in the file store", func() bool {
			f, _ := h.s.FileByID(ctx, cb1Doc.FileStore)
			cached = f.TelegramIDs[storage.AsDocument]
			return cached != ""
		})
		if cached != firstFile.FileID {
			t.Fatalf("cached file_id %q, uploaded as %q", cached, firstFile.FileID)
		}
		mustPress(t, member, "📎 Tải tệp")
		docs = waitDocuments(t, member, 2)
		// An upload would have made a new file; the cached file_id sends the same one.
		if docs[1].Document.FileID != firstFile.FileID {
			t.Fatalf("second download is file %q, not the cached %q", docs[1].Document.FileID, firstFile.FileID)
		}
		if n := h.tg.Calls("sendDocument") - before; n != 2 {
			t.Fatalf("%d sendDocument calls, want 2", n)
		}
	})

	t.Run("ChatPublishedFileSentByItsFileID", func(t *testing.T) {
		member.SendText("/tim ket luan 21")
		waitText(t, member, "Kết quả cho «ket luan 21»")
		pressContaining(t, member, "21-KL/TW")
		waitText(t, member, "Ngăn chặn, đẩy lùi suy thoái")
		mustPress(t, member, "📎 Tải tệp")
		docs := waitDocuments(t, member, 3)
		stored, err := h.s.FileByID(ctx, published.FileStore)
		if err != nil {
			t.Fatal(err)
		}
		received := stored.TelegramIDs[storage.AsDocument]
		if f := docs[2].Document; f == nil || received == "" || f.FileID != received || string(f.Data) != "%PDF-1.4 kl21" {
			t.Fatalf("download %+v, want file %q", f, received)
		}
	})

	t.Run("OutsiderDoesNotSeeIt", func(t *testing.T) {
		outsider.SendText("/vanban")
		waitText(t, outsider, "1 văn bản dành cho đồng chí")
		outsider.SendText("/tim 22-KL/TW")
		waitText(t, outsider, "Không tìm thấy văn bản nào với «22-KL/TW»")
	})

	t.Run("ForgedButtonRefused", func(t *testing.T) {
		n := len(outsider.CallbackAnswers())
		// Answered as a withdrawn document is: nothing says it exists.
		outsider.Press(outsiderMenu.ID, fmt.Sprintf("doc:%d", cb1Doc.ID))
		ans := waitCallback(t, outsider, n+1)
		if !strings.Contains(ans.Text, "đã được thu hồi, chưa được đăng hoặc không dành cho đồng chí") || !ans.ShowAlert {
			t.Fatalf("forged doc: %+v", ans)
		}
		outsider.Press(outsiderMenu.ID, fmt.Sprintf("df:%d", cb1Doc.ID))
		ans = waitCallback(t, outsider, n+2)
		if !strings.Contains(ans.Text, "không dành cho đồng chí") || len(documentsSent(outsider)) != 0 {
			t.Fatalf("forged file: %+v, %d files sent", ans, len(documentsSent(outsider)))
		}
	})
}

// The /thongke document step through the whole bot: a secretary is offered
// the documents pushed to their cell that they may open, and a press forged
// from that list to name another document (outside their audience,
// withdrawn since it was pushed, a draft, none at all) is answered as a
// stale button: neither the list, nor the answer, nor a title shows it.
func TestForgedStatsDocumentRefused(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	org := func(code string) int64 {
		o, err := h.s.Organisation(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return o.ID
	}
	doc := func(number string, draft bool, audience ...string) int64 {
		d, err := h.s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: number, Issuer: "Tỉnh ủy",
			IssuedOn: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), Title: "Văn bản " + number, Draft: draft, Audience: audience, Actor: "test"})
		if err != nil {
			t.Fatal(err)
		}
		return d.ID
	}
	push := func(id int64, code string) {
		if _, err := h.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: id, OrgIDs: []int64{org(code)}, Actor: "test",
			Message: func(d storage.Document, _ storage.Campaign, _ int64) (string, any) { return d.Number, nil }}); err != nil {
			t.Fatal(err)
		}
	}
	// Pushed before anyone is linked: no pushed message names them.
	shown := doc("34-KL/TW", false)
	push(shown, "CB1")
	other := doc("31-KL/TW", false, "CB2")
	push(other, "CB2")
	withdrawn := doc("32-KL/TW", false)
	push(withdrawn, "CB1")
	if _, err := h.s.WithdrawDocumentByID(ctx, withdrawn, "test"); err != nil {
		t.Fatal(err)
	}
	draft := doc("33-KL/TW", true)
	hidden := []string{"31-KL/TW", "32-KL/TW", "33-KL/TW"}

	h.grant("DV2", storage.RoleSecretary, "CB1")
	hoa := h.linkedUser("DV2", 4201, "Hoa")
	hoa.SendText("/thongke")
	waitText(t, hoa, "Đồng chí muốn xem số liệu nào?")
	mustPress(t, hoa, "📚 Học tập")
	waitText(t, hoa, "Học tập — Chi bộ bản Nà Hiên")
	waitCallback(t, hoa, 1) // the press on "📚 Học tập" answered
	// legit is the callback data of the one document offered.
	legit := func() (int, string) {
		t.Helper()
		msgs := hoa.Messages()
		for i := len(msgs) - 1; i >= 0; i-- {
			for _, row := range msgs[i].InlineKeyboard {
				for _, b := range row {
					if strings.HasPrefix(b.Text, "34-KL/TW") && b.CallbackData != nil {
						return msgs[i].ID, *b.CallbackData
					}
				}
			}
		}
		t.Fatal("the document step does not offer 34-KL/TW")
		return 0, ""
	}
	showsNone := func(t *testing.T) {
		t.Helper()
		for _, m := range hoa.Messages() {
			all := m.Plain + "\n" + strings.Join(m.Buttons(), "\n")
			for _, x := range append(hidden, "Học tập Kết luận") {
				if strings.Contains(all, x) {
					t.Fatalf("%q shown in %q", x, all)
				}
			}
		}
	}
	showsNone(t)
	for _, id := range []int64{other, withdrawn, draft, 999999} {
		n := len(hoa.CallbackAnswers())
		msg, data := legit()
		hoa.Press(msg, strings.Replace(data, fmt.Sprintf(":d:%d", shown), fmt.Sprintf(":d:%d", id), 1))
		ans := waitCallback(t, hoa, n+1)
		if !strings.Contains(ans.Text, "không còn trong danh sách") {
			t.Fatalf("forged %d answered %+v", id, ans)
		}
		showsNone(t)
	}
	// The document offered is still answered.
	msg, data := legit()
	hoa.Press(msg, data)
	waitText(t, hoa, "Học tập Kết luận số 34-KL/TW — Chi bộ bản Nà Hiên")
}
