package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// sendUpload sends a file with a caption from user, its bytes served to
// the handlers' downloader under a new file id.
func (e *env) sendUpload(t *testing.T, user int64, name, mime string, data []byte, caption string) {
	t.Helper()
	e.id++
	id := fmt.Sprintf("UP%d", e.id)
	e.files[id] = data
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: user, FirstName: "U"},
		Chat:     &tgbotapi.Chat{ID: user, Type: "private"},
		Document: &tgbotapi.Document{FileID: id, FileName: name, MimeType: mime},
		Caption:  caption,
	}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatalf("handle file: %v", err)
	}
}

// TestPublishSecretRefused: /dang refuses a document with a secrecy stamp —
// on its PDF's first page, in its file's name, in its caption or in the
// summary typed later — says the upload already sits on Telegram and asks
// to delete it, and stores nothing; the words "bí mật", "mật thiết" in a
// sentence and a stamp on page 2 only are no stamp.
func TestPublishSecretRefused(t *testing.T) {
	e, _, _ := docEnv(t)
	ctx := context.Background()
	caption := func(number, title string) string {
		return "/dang " + number + " | " + title + " | Đảng ủy xã | 01/03/2024"
	}
	refused := []struct {
		name, file, caption string
		data                []byte
		degree, where       string
	}{
		{"PDFFirstPage", "nq01.pdf", caption("01-NQ/ĐU", "Nghị quyết về quốc phòng"),
			storagetest.PDF(t, "ĐẢNG BỘ XÃ BÌNH LƯ\nTỐI MẬT\nNGHỊ QUYẾT\nvề nhiệm vụ quốc phòng"), "TỐI MẬT", "trang đầu của tệp PDF"},
		{"PDFDoMat", "nq02.pdf", caption("02-NQ/ĐU", "Nghị quyết về an ninh"),
			storagetest.PDF(t, "Số 02-NQ/ĐU\nĐộ mật: Mật"), "MẬT", "trang đầu của tệp PDF"},
		{"FileName", "NQ03_TUYET_MAT.pdf", caption("03-NQ/ĐU", "Nghị quyết về biên giới"),
			storagetest.PDF(t, "NGHỊ QUYẾT"), "TUYỆT MẬT", "tên tệp"},
		{"CaptionTitle", "nq04.docx", caption("04-NQ/ĐU", "Nghị quyết về biên giới (Độ mật: Mật)"),
			[]byte("PK\x03\x04"), "MẬT", "chú thích"},
		{"CaptionStampAloneEvenIfMalformed", "nq05.pdf", "/dang 05-NQ/ĐU | MẬT", storagetest.PDF(t, "x"), "MẬT", "chú thích"},
	}
	for _, tt := range refused {
		t.Run("Refused"+tt.name, func(t *testing.T) {
			e.rec.reset()
			e.sendUpload(t, 702, tt.file, "application/pdf", tt.data, tt.caption)
			got := e.last()
			for _, want := range []string{"«" + tt.degree + "»", tt.where, "không được đưa lên mạng", "đã nằm trên Telegram", "xóa ngay tin nhắn"} {
				if !strings.Contains(got, want) {
					t.Fatalf("no %q in the answer %q", want, got)
				}
			}
			if _, err := e.s.Dialog(ctx, 702); err == nil {
				t.Fatal("a dialog was opened for a secret document")
			}
			ds, err := e.s.Documents(ctx, "")
			if err != nil || len(ds) != 2 {
				t.Fatalf("documents %d %v", len(ds), err)
			}
		})
	}
	t.Run("SummaryWithStampEndsTheDialog", func(t *testing.T) {
		e.rec.reset()
		e.sendUpload(t, 702, "nq06.pdf", "application/pdf", storagetest.PDF(t, "NGHỊ QUYẾT"), caption("06-NQ/ĐU", "Nghị quyết về dân quân"))
		e.tap(t, 702, "dang", "k:nghi_quyet")
		e.text(t, 702, "Độ mật: Tối mật\nNghị quyết về tổ chức dân quân.")
		e.lastHas(t, "«TỐI MẬT»", "tóm tắt", "xóa ngay tin nhắn")
		if _, err := e.s.Dialog(ctx, 702); err == nil {
			t.Fatal("the dialog is still open")
		}
		if _, err := e.s.DocumentByNumber(ctx, "06-NQ/ĐU", ""); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("stored: %v", err)
		}
	})
	accepted := []struct {
		name, file, title string
		data              []byte
	}{
		{"WordsInSentences", "nq07.pdf", "Nghị quyết về giữ bí mật nhà nước và quan hệ mật thiết với nhân dân",
			storagetest.PDF(t, "NGHỊ QUYẾT\nvề giữ bí mật nhà nước, không chia sẻ mật khẩu")},
		{"StampOnPageTwoOnly", "nq08.pdf", "Nghị quyết về công tác dân vận", storagetest.PDF(t, "NGHỊ QUYẾT\nvề công tác dân vận", "MẬT")},
		{"ScanWithoutTextLayer", "nq09.pdf", "Nghị quyết về xây dựng Đảng", storagetest.PDF(t, "")},
		{"BrokenPDF", "nq10.pdf", "Nghị quyết về văn hóa", []byte("%PDF-1.4\nhỏng")},
	}
	for i, tt := range accepted {
		t.Run("Published"+tt.name, func(t *testing.T) {
			number := fmt.Sprintf("%d-NQ/ĐU", 20+i)
			e.rec.reset()
			e.sendUpload(t, 702, tt.file, "application/pdf", tt.data, caption(number, tt.title))
			e.tap(t, 702, "dang", "k:nghi_quyet")
			e.tap(t, 702, "dang", "skip")
			e.tap(t, 702, "dang", "ok")
			if d, err := e.s.DocumentByNumber(ctx, number, ""); err != nil || d.Status != storage.DocPublished {
				t.Fatalf("not published: %+v %v (answers %q)", d, err, e.rec.texts())
			}
		})
	}
}
