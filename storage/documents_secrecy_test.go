package storage_test

import (
	"context"
	"crypto/sha256"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestSecretDocumentRefused: a document with a secrecy stamp in its title,
// summary, text, file name or on its PDF's first page is never stored, on
// creation or on edit; a stamp on page 2 only, an unreadable PDF or the
// words inside a sentence are no stamp.
func TestSecretDocumentRefused(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	pdf := func(pages ...string) []byte { return storagetest.PDF(t, pages...) }
	refused := []struct {
		name   string
		edit   func(*storage.DocumentInput)
		degree string
		where  string
	}{
		{"TitleDoMat", func(in *storage.DocumentInput) {
			in.Title = "Nghị quyết về quốc phòng (Độ mật: Tối mật)"
		}, "TỐI MẬT", "trích yếu"},
		{"SummaryStampLine", func(in *storage.DocumentInput) { in.Summary = "TUYỆT MẬT\nTóm tắt nghị quyết." }, "TUYỆT MẬT", "tóm tắt"},
		{"BodyStampLine", func(in *storage.DocumentInput) { in.Body = "ĐẢNG BỘ XÃ BÌNH LƯ\nMAT\n\nĐoạn một." }, "MẬT", "toàn văn"},
		{"FileName", func(in *storage.DocumentInput) {
			in.FileName, in.FileMime, in.FileData = "NQ01_TUYET_MAT.pdf", "application/pdf", []byte("%PDF-1.4 x")
		}, "TUYỆT MẬT", "tên tệp NQ01_TUYET_MAT.pdf"},
		{"FileNameOfTelegramFile", func(in *storage.DocumentInput) { in.FileName, in.FileID = "nq01 mat.pdf", "TGFILE" }, "MẬT", "tên tệp"},
		{"PDFFirstPage", func(in *storage.DocumentInput) {
			in.FileName, in.FileMime, in.FileData = "nq01.pdf", "application/pdf", pdf("ĐẢNG BỘ XÃ BÌNH LƯ\nĐộ mật: Mật\nNGHỊ QUYẾT")
		}, "MẬT", "trang đầu của tệp PDF"},
	}
	for _, tt := range refused {
		t.Run("Refused"+tt.name, func(t *testing.T) {
			in := kl21()
			tt.edit(&in)
			_, err := e.s.CreateDocument(ctx, in)
			msg := storage.ErrorMessage(err)
			if storage.ErrorCode(err) != storage.CodeForbidden || !strings.Contains(msg, "«"+tt.degree+"»") || !strings.Contains(msg, tt.where) ||
				!strings.Contains(msg, "không được đưa lên mạng") {
				t.Fatalf("got %v, want a refusal naming %s at %s", err, tt.degree, tt.where)
			}
			if _, err := e.s.DocumentByNumber(ctx, in.Number, ""); storage.ErrorCode(err) != storage.CodeNotFound {
				t.Fatalf("a stamped document was stored: %v", err)
			}
		})
	}
	accepted := []struct {
		name string
		edit func(*storage.DocumentInput)
	}{
		{"WordsInSentences", func(in *storage.DocumentInput) {
			in.Title = "Nghị quyết về giữ bí mật nhà nước"
			in.Summary = "Tăng cường quan hệ mật thiết với nhân dân; không chia sẻ mật khẩu."
		}},
		{"StampOnPageTwoOnly", func(in *storage.DocumentInput) {
			in.FileName, in.FileMime, in.FileData = "nq02.pdf", "application/pdf", pdf("NGHỊ QUYẾT\nvề công tác dân vận", "MẬT")
		}},
		{"PDFWithoutTextLayer", func(in *storage.DocumentInput) {
			in.FileName, in.FileMime, in.FileData = "scan.pdf", "application/pdf", pdf("")
		}},
		{"BrokenPDF", func(in *storage.DocumentInput) {
			in.FileName, in.FileMime, in.FileData = "hong.pdf", "application/pdf", pdf("MẬT")[:500]
		}},
		{"MatTranFileName", func(in *storage.DocumentInput) { in.FileName, in.FileID = "Mat tran To quoc.pdf", "TGFILE2" }},
	}
	for i, tt := range accepted {
		t.Run("Accepted"+tt.name, func(t *testing.T) {
			in := kl21()
			in.Number = strings.Replace(in.Number, "21", string(rune('a'+i))+"21", 1)
			tt.edit(&in)
			MustCreateDocument(t, e.s, in)
		})
	}
	t.Run("RefusedOnEdit", func(t *testing.T) {
		d := MustCreateDocument(t, e.s, kl21())
		in := d.Input()
		in.Actor, in.FileName, in.FileMime, in.FileData = "test", "kl21.pdf", "application/pdf", pdf("TỐI MẬT\nKết luận")
		if _, err := e.s.UpdateDocument(ctx, d.ID, in); storage.ErrorCode(err) != storage.CodeForbidden {
			t.Fatalf("stamped file accepted on edit: %v", err)
		}
		if _, err := e.s.DocumentFile(ctx, d.ID); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("the stamped file was stored: %v", err)
		}
		sum := sha256.Sum256(in.FileData)
		if _, err := e.s.FileBySHA256(ctx, sum[:]); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("the stamped file is in the file store: %v", err)
		}
	})
	t.Run("StoredDraftNotPublished", func(t *testing.T) {
		// A draft stored before stamps were checked.
		in := kl21()
		in.Number, in.Draft = "40-KL/TW", true
		d := MustCreateDocument(t, e.s, in)
		f, err := e.s.PutFile(ctx, storage.FileInput{Name: "kl40.pdf", Mime: "application/pdf", Data: pdf("MẬT\nKết luận")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.DB().Exec(`UPDATE documents SET file_name = 'kl40.pdf', file_store_id = $2 WHERE id = $1`, d.ID, f.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.s.PublishDocument(ctx, d.ID, "test"); storage.ErrorCode(err) != storage.CodeForbidden {
			t.Fatalf("stamped draft published: %v", err)
		}
		if got, _ := e.s.DocumentByID(ctx, d.ID); got.Status != storage.DocDraft {
			t.Fatalf("status %q", got.Status)
		}
	})
}

// TestDocumentTextCleaned: bidi controls and control characters never
// reach a stored document, whatever the caller passed; a title with no
// letter or digit is refused like an empty one.
func TestDocumentTextCleaned(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	in := kl21()
	in.Title = "Kết luận \u202eWT/LK-12\u202c về\x00 xây dựng Đảng"
	in.Issuer = "Ban Chấp hành\u200f Trung ương"
	in.Summary = "Tóm tắt \u2066ngắn\u2069 👨\u200d👩\u200d👧"
	in.Body = "Đoạn\x1b một.\u061c"
	in.FileName, in.FileID = "kl\u202e21fdp.pdf", "TGFILE"
	d := MustCreateDocument(t, e.s, in)
	want := storage.Document{Title: "Kết luận WT/LK-12 về xây dựng Đảng", Issuer: "Ban Chấp hành Trung ương",
		Summary: "Tóm tắt ngắn 👨\u200d👩\u200d👧", Body: "Đoạn một.", FileName: "kl21fdp.pdf"}
	if d.Title != want.Title || d.Issuer != want.Issuer || d.Summary != want.Summary || d.Body != want.Body || d.FileName != want.FileName {
		t.Fatalf("stored %q %q %q %q %q", d.Title, d.Issuer, d.Summary, d.Body, d.FileName)
	}
	for _, title := range []string{"🎉🎉🎉", "… ? !", "\u202e\u202c"} {
		in := kl21()
		in.Number, in.Title = "50-KL/TW", title
		_, err := e.s.CreateDocument(ctx, in)
		if storage.ErrorCode(err) != storage.CodeInvalid || !strings.Contains(storage.ErrorMessage(err), "ví dụ") {
			t.Fatalf("title %q: %v", title, err)
		}
	}
}
