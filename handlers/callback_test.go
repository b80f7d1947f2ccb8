package handlers_test

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
	"sotay/storage/storagetest"
)

func TestCallbackBuilderRefusesWhatTelegramWould(t *testing.T) {
	mustPanic := func(name string, f func()) {
		t.Run(name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Fatal("built")
				}
			}()
			f()
		})
	}
	if got := handlers.CallbackData("dt", 12, 3); got != "dt:12:3" {
		t.Fatalf("got %q", got)
	}
	if got := handlers.CallbackData("vb"); got != "vb" {
		t.Fatalf("got %q", got)
	}
	if got := handlers.CallbackData("x", strings.Repeat("a", 62)); len(got) != 64 {
		t.Fatalf("64 bytes refused: %q", got)
	}
	mustPanic("Over64Bytes", func() { handlers.CallbackData("x", strings.Repeat("a", 63)) })
	mustPanic("Over64BytesInUTF8", func() { handlers.CallbackData("x", strings.Repeat("đ", 32)) })
	mustPanic("SeparatorInAnArgument", func() { handlers.CallbackData("vb", "a:b") })
}

// TestEveryButtonFitsTelegramLimit walks every keyboard the bot builds,
// with every id as long as PostgreSQL's bigint allows, and checks that
// each button's data is at most 64 bytes and of the one grammar.
func TestEveryButtonFitsTelegramLimit(t *testing.T) {
	s := storagetest.New(t)
	ctx := context.Background()
	// Every id from here on has 19 digits.
	if _, err := s.DB().ExecContext(ctx, `DO $$ DECLARE q text; BEGIN
		FOR q IN SELECT sequence_schema || '.' || sequence_name FROM information_schema.sequences LOOP
			PERFORM setval(q, 9223372036854000000);
		END LOOP; END $$`); err != nil {
		t.Fatal(err)
	}
	storagetest.SeedCommune(t, s)
	e := &env{s: s, rec: &recorder{}, files: memFiles{}, id: 1000}
	e.h = newHandlers(e)
	e.link(t, "DV1", 701)
	e.link(t, "DV2", 702)
	storagetest.MustGrant(t, s, "DV1", storage.RoleAdmin, "ROOT")
	storagetest.MustGrant(t, s, "DV2", storage.RoleSecretary, "CB1")
	for i := 0; i < 12; i++ { // enough for a second page everywhere
		body := strings.Repeat("Đoạn văn bản dài để có nhiều trang. ", 400)
		if _, err := s.CreateDocument(ctx, storage.DocumentInput{Kind: "huong_dan", Number: fmt.Sprintf("%d-HD/TU", i+1),
			Issuer: "Tỉnh ủy", IssuedOn: mustDay(t, "2024-03-01"), Title: "Hướng dẫn số " + fmt.Sprint(i+1), Body: body,
			FileName: "hd.pdf", FileMime: "application/pdf", FileID: "TGFILE"}); err != nil {
			t.Fatal(err)
		}
	}
	// Walk: the menu, the library, a document, its text and file, search,
	// publishing, pushing, invites, relinking, importing.
	e.text(t, 701, "/menu")
	e.text(t, 701, "/vanban")
	e.press(t, 701, e.rec.buttons()["Hướng dẫn (12)"])
	e.press(t, 701, e.rec.buttons()["Sau ▶"])
	var doc string
	for label, data := range e.rec.buttons() {
		if strings.Contains(label, "HD/TU") {
			doc = data
		}
	}
	e.press(t, 701, doc)
	e.press(t, 701, e.rec.buttons()["📖 Đọc toàn văn"])
	e.press(t, 701, e.rec.buttons()["Sau ▶"])
	e.press(t, 701, e.rec.buttons()["🗑 Thu hồi"])
	e.text(t, 701, "/tim huong dan")
	e.text(t, 701, "/tim")
	e.text(t, 701, "không có gì")
	e.sendFile(t, 701, "/dang 99-KL/TW | Kết luận thử | Tỉnh ủy | 01/03/2024")
	e.tap(t, 701, "dang", "k:ket_luan")
	e.tap(t, 701, "dang", "skip")
	e.tap(t, 701, "dang", "ok")
	e.text(t, 701, "/gui")
	e.press(t, 701, e.rec.find("gui", "pg:docs:8"))
	e.press(t, 701, e.rec.buttons()["◀ Trước"])
	e.press(t, 701, e.rec.buttons()["Hướng dẫn 12-HD/TU · Hướng dẫn số 12"])
	e.tap(t, 701, "gui", "c")
	e.press(t, 701, e.rec.buttons()["☐ Chi bộ bản Nà Hiên"])
	e.tap(t, 701, "gui", "n")
	e.tap(t, 701, "gui", "h:30")
	e.tap(t, 701, "gui", "ok")
	e.text(t, 702, "/moi")
	e.text(t, 701, "/moi") // the admin may act on the secretary's account
	e.press(t, 701, e.rec.buttons()["🔁 Đổi tài khoản Telegram"])
	e.press(t, 701, e.rec.buttons()["Hoàng Thị Hoa · Chi bộ bản Nà Hiên"])
	e.press(t, 701, e.rec.buttons()["⛔ Hủy liên kết tài khoản"])
	e.sendDocument(t, 701, "ds.csv", "code,full_name,org_code\nDV9,Vừ A Dính,CB1\nDV10,Không Tổ,NOPE\n", "/nhap")
	// Reports by message (meetings.go, supervision.go, notices.go, review.go).
	e.text(t, 701, "/sinhhoat")
	e.press(t, 701, e.rec.buttons()["Đảng bộ xã Bình Lư"])
	e.text(t, 702, "/sinhhoat hôm qua; thường kỳ; 1/2; Quán triệt")
	e.press(t, 702, e.rec.buttons()["✏️ Sửa"])
	e.tap(t, 702, "sh", "e")
	e.text(t, 702, "/sinhhoat hôm qua; thường kỳ; 2/2; Lần hai")
	e.text(t, 702, "/kiemtra hôm qua; giám sát; 0; 1; Nội dung; không vi phạm")
	e.text(t, 702, "/lichhop ngày mai; 19:30; Nhà văn hóa; Họp")
	e.press(t, 702, e.rec.buttons()["📋 Xem trả lời"])
	e.press(t, 702, e.rec.buttons()["🚫 Vắng (có lý do)"])
	e.text(t, 702, "/baocao")
	e.text(t, 701, "/baocao")
	for label, data := range e.rec.buttons() {
		if strings.HasPrefix(label, "⏳ 📝") {
			e.press(t, 701, data)
			break
		}
	}
	e.press(t, 701, e.rec.buttons()["↩ Trả lại để sửa"])
	// What the outbox sends: a pushed message and the pusher's progress.
	d, err := s.DocumentByNumber(ctx, "1-HD/TU", "")
	if err != nil {
		t.Fatal(err)
	}
	_, kb := handlers.PushMessage(d, storage.Campaign{}, math.MaxInt64)
	_, progress := handlers.PushProgress(storage.CampaignStats{Campaign: storage.Campaign{ID: math.MaxInt64}}, true, 0)
	e.rec.Send(ctx, tgbotMessage(kb))
	e.rec.Send(ctx, tgbotMessage(*progress))

	if len(e.rec.data) < 60 {
		t.Fatalf("only %d buttons walked: %q", len(e.rec.data), e.rec.data)
	}
	long := 0
	for _, data := range e.rec.data {
		if len(data) > chat.MaxCallbackData {
			t.Errorf("%d bytes: %q", len(data), data)
		}
		if strings.Contains(data, "9223372036854") {
			long++
		}
		if data == "" || strings.Contains(data, "::") || strings.HasSuffix(data, ":") {
			t.Errorf("not prefix:a:b…: %q", data)
		}
	}
	if long < 20 {
		t.Fatalf("only %d buttons carry a 19-digit id: the walk did not reach the long ids", long)
	}
}

func mustDay(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse("2006-01-02", s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func tgbotMessage(kb any) tgbotapi.MessageConfig {
	m := tgbotapi.NewMessage(1, "x")
	m.ReplyMarkup = kb
	return m
}
