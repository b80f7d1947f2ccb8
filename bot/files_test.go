package bot_test

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/bot"
	"sotay/bot/telegramtest"
	"sotay/storage"
)

// getFileDown makes every later getFile fail, as when Telegram is blocked.
func getFileDown(tg *telegramtest.Server) {
	tg.InjectFault("getFile", telegramtest.Fault{Code: 502, Description: "Bad Gateway", Times: -1})
}

func mustDocument(t *testing.T, s *storage.Storage, number string) storage.Document {
	t.Helper()
	d, err := s.DocumentByNumber(context.Background(), number, "")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestFilesKeptInTheStore: a document published from chat and a minutes
// photo are kept in the file store the first time they pass, the same
// bytes once; with getFile failing afterwards (Telegram blocked) the
// document is still read from the store and still sent, by the file_id it
// came with.
func TestFilesKeptInTheStore(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	h.grant("DV2", storage.RoleAdmin, "ROOT")
	admin := h.linkedUser("DV2", 4501, "Hoa")
	member := h.linkedUser("DV1", 4502, "Minh")
	pdf := []byte("%PDF-1.4 Kết luận 21-KL/TW, bản đăng từ Telegram")

	// publish publishes pdf under number, as an admin does in chat, and
	// returns the admin's message that carried the file.
	publish := func(name, number, issuer string) *tgbotapi.Message {
		t.Helper()
		up := admin.SendDocument(name, "application/pdf", pdf,
			"/dang "+number+" | Kết luận về đẩy mạnh xây dựng, chỉnh đốn Đảng | "+issuer+" | 25/10/2021")
		waitText(t, admin, "Đăng văn bản số "+number+"\n")
		mustPress(t, admin, "✅ Kết luận (theo số hiệu)")
		waitText(t, admin, "Bước 2/3")
		mustPress(t, admin, "⏭ Bỏ qua")
		waitText(t, admin, "Bước 3/3")
		mustPress(t, admin, "✅ Đăng")
		waitText(t, admin, "Đã đăng Kết luận số "+number)
		return up
	}
	first := publish("kl21.pdf", "21-KL/TW", "Ban Chấp hành Trung ương")
	kl21 := mustDocument(t, h.s, "21-KL/TW")

	t.Run("PublishedFromChatIsInTheStore", func(t *testing.T) {
		if kl21.FileStore == 0 || kl21.FileID != "" {
			t.Fatalf("document %+v", kl21)
		}
		f, err := h.s.FileByID(ctx, kl21.FileStore)
		if err != nil || f.Name != "kl21.pdf" || f.Mime != "application/pdf" || f.Size != len(pdf) ||
			f.TelegramIDs[storage.AsDocument] != first.Document.FileID {
			t.Fatalf("stored %+v %v, sent as %q", f, err, first.Document.FileID)
		}
		if o, err := h.s.FileOwners(ctx, f.ID); err != nil || len(o.Documents) != 1 || o.Documents[0] != kl21.ID {
			t.Fatalf("owners %+v %v", o, err)
		}
	})

	t.Run("SameBytesStoredOnce", func(t *testing.T) {
		publish("ban-sao.pdf", "21-KL/TU", "Tỉnh ủy")
		copyDoc := mustDocument(t, h.s, "21-KL/TU")
		if copyDoc.FileStore != kl21.FileStore {
			t.Fatalf("the same bytes stored twice: files %d and %d", kl21.FileStore, copyDoc.FileStore)
		}
		var n int
		if err := h.s.DB().Get(&n, `SELECT count(*) FROM files WHERE sha256 = sha256($1::bytea)`, pdf); err != nil || n != 1 {
			t.Fatalf("%d rows for the PDF (%v)", n, err)
		}
	})

	t.Run("MinutesPhotoKept", func(t *testing.T) {
		h.grant("DV1", storage.RoleSecretary, "CB1")
		photo := []byte("\xff\xd8\xff\xe0 ảnh chụp biên bản sinh hoạt")
		sent := member.SendPhoto(photo, "/sinhhoat hôm qua; thuong ky; 2/2; Quán triệt Kết luận 21-KL/TW")
		waitText(t, member, "Đã lưu báo cáo sinh hoạt chi bộ")
		var reportID int64
		if err := h.s.DB().Get(&reportID, `SELECT max(report_id) FROM meeting_versions`); err != nil {
			t.Fatal(err)
		}
		m, err := h.s.MeetingReport(ctx, reportID)
		if err != nil || m.MinutesStore == 0 || m.MinutesFile != sent.Photo[len(sent.Photo)-1].FileID {
			t.Fatalf("report %+v %v", m, err)
		}
		b, err := h.s.FileBytes(ctx, m.MinutesStore)
		if err != nil || string(b) != string(photo) {
			t.Fatalf("minutes %q %v", b, err)
		}
		if o, err := h.s.FileOwners(ctx, m.MinutesStore); err != nil || len(o.Reports) != 1 || o.Reports[0] != reportID {
			t.Fatalf("owners %+v %v", o, err)
		}
	})

	t.Run("ReadableWithTelegramUnreachable", func(t *testing.T) {
		getFileDown(h.tg)
		defer h.tg.ClearFaults()
		b, err := h.s.DocumentFile(ctx, kl21.ID)
		if err != nil || string(b) != string(pdf) {
			t.Fatalf("from the store: %q %v", b, err)
		}
		calls := h.tg.Calls("getFile")
		member.SendText("/tim 21-KL/TW")
		waitText(t, member, "Kết quả cho")
		pressContaining(t, member, "21-KL/TW ·")
		waitText(t, member, "Kết luận về đẩy mạnh xây dựng")
		mustPress(t, member, "📎 Tải tệp")
		docs := waitDocuments(t, member, 1)
		stored, _ := h.s.FileByID(ctx, kl21.FileStore)
		if f := docs[0].Document; f == nil || f.FileID != stored.TelegramIDs[storage.AsDocument] || string(f.Data) != string(pdf) {
			t.Fatalf("sent %+v, want file_id %q", f, stored.TelegramIDs[storage.AsDocument])
		}
		if n := h.tg.Calls("getFile"); n != calls {
			t.Fatalf("%d getFile calls to send a stored file", n-calls)
		}
	})
}

// TestOldFileIDRowsStillWork: a document that, from before the store, kept
// only the file_id of a file sent in chat is still sent by it; its bytes
// are fetched through getFile after the send (the first time Telegram
// answers) and kept, and from then on it is served from the store, also
// with getFile failing.
func TestOldFileIDRowsStillWork(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	admin := h.linkedUser("DV2", 4601, "Hoa")
	member := h.linkedUser("DV1", 4602, "Minh")
	pdf := []byte("%PDF-1.4 Kết luận 23, đăng trước khi có kho tệp")
	// A file sent in chat before the store: only its file_id was kept.
	legacy := admin.SendDocument("kl23.pdf", "application/pdf", pdf, "")
	waitText(t, admin, "chưa hiểu")
	doc, err := h.s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: "23-KL/TW", Issuer: "Bộ Chính trị",
		IssuedOn: time.Date(2021, 12, 1, 0, 0, 0, 0, time.UTC), Title: "Kết luận về công tác cán bộ",
		FileName: "kl23.pdf", FileMime: "application/pdf", FileID: legacy.Document.FileID, Actor: "test"})
	if err != nil || doc.FileStore != 0 {
		t.Fatalf("legacy document %+v %v", doc, err)
	}
	download := func(n int) telegramtest.Message {
		t.Helper()
		member.SendText("/tim 23-KL/TW")
		waitText(t, member, "Kết quả cho")
		pressContaining(t, member, "23-KL/TW ·")
		waitText(t, member, "Kết luận về công tác cán bộ")
		mustPress(t, member, "📎 Tải tệp")
		return waitDocuments(t, member, n)[n-1]
	}

	t.Run("SentByFileIDWhileGetFileFails", func(t *testing.T) {
		h.tg.InjectFault("getFile", telegramtest.Fault{Code: 502, Description: "Bad Gateway"})
		calls := h.tg.Calls("getFile")
		m := download(1)
		if m.Document == nil || m.Document.FileID != legacy.Document.FileID {
			t.Fatalf("sent %+v", m.Document)
		}
		telegramtest.Eventually(t, wait, "the fetch tried after the send", func() bool { return h.tg.Calls("getFile") > calls })
		if d := mustDocument(t, h.s, "23-KL/TW"); d.FileStore != 0 || d.FileID != legacy.Document.FileID {
			t.Fatalf("adopted without its bytes: %+v", d)
		}
	})
	t.Run("FetchedAndKeptOnceTelegramAnswers", func(t *testing.T) {
		m := download(2)
		if m.Document == nil || m.Document.FileID != legacy.Document.FileID {
			t.Fatalf("sent %+v", m.Document)
		}
		var d storage.Document
		telegramtest.Eventually(t, wait, "the bytes kept in the store", func() bool {
			d = mustDocument(t, h.s, "23-KL/TW")
			return d.FileStore != 0
		})
		if d.FileID != "" {
			t.Fatalf("the document still names the file_id: %+v", d)
		}
		if b, err := h.s.DocumentFile(ctx, d.ID); err != nil || string(b) != string(pdf) {
			t.Fatalf("bytes %q %v", b, err)
		}
	})
	t.Run("ServedFromTheStoreWithTelegramBlocked", func(t *testing.T) {
		getFileDown(h.tg)
		defer h.tg.ClearFaults()
		m := download(3)
		if m.Document == nil || m.Document.FileID != legacy.Document.FileID || string(m.Document.Data) != string(pdf) {
			t.Fatalf("sent %+v", m.Document)
		}
	})
}
