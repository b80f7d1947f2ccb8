package storage_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func mustPutFile(t *testing.T, s *storage.Storage, in storage.FileInput) storage.File {
	t.Helper()
	f, err := s.PutFile(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func countFiles(t *testing.T, s *storage.Storage) int {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM files`); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestFileStore(t *testing.T) {
	ctx := context.Background()
	ck := storagetest.NewClock(time.Date(2026, 11, 15, 9, 0, 0, 0, storagetest.Local))
	s := storagetest.New(t, storage.WithClock(ck.Now))
	pdf := []byte("%PDF-1.4 Kết luận 21")

	t.Run("SameBytesStoredOnce", func(t *testing.T) {
		a := mustPutFile(t, s, storage.FileInput{Name: "kl21.pdf", Mime: "application/pdf", Data: pdf})
		b := mustPutFile(t, s, storage.FileInput{Name: "ban-sao.pdf", Mime: "application/octet-stream", Data: append([]byte{}, pdf...)})
		if a.ID != b.ID || b.Name != "kl21.pdf" || b.Mime != "application/pdf" || b.Size != len(pdf) {
			t.Fatalf("stored twice or renamed: %+v %+v", a, b)
		}
		if n := countFiles(t, s); n != 1 {
			t.Fatalf("%d rows for one file", n)
		}
		sum := sha256.Sum256(pdf)
		if !bytes.Equal(a.SHA256, sum[:]) || a.Hash() != hex.EncodeToString(sum[:]) {
			t.Fatalf("sha256 %x", a.SHA256)
		}
		got, err := s.FileBytes(ctx, a.ID)
		if err != nil || !bytes.Equal(got, pdf) {
			t.Fatalf("bytes %q %v", got, err)
		}
		if f, err := s.FileByContent(ctx, pdf); err != nil || f.ID != a.ID {
			t.Fatalf("by content %+v %v", f, err)
		}
	})

	t.Run("TelegramFileIDsPerKind", func(t *testing.T) {
		f := mustPutFile(t, s, storage.FileInput{Name: "bienban.jpg", Mime: "image/jpeg", Data: []byte("\xff\xd8 ảnh biên bản")})
		for kind, id := range map[storage.TelegramKind]string{storage.AsPhoto: "PHOTO1", storage.AsDocument: "DOC1"} {
			if err := s.RememberTelegramFileID(ctx, f.ID, kind, id); err != nil {
				t.Fatal(err)
			}
		}
		// Not Telegram's: a transport without Telegram answered with the store's own reference.
		if err := s.RememberTelegramFileID(ctx, f.ID, storage.AsVoice, storage.StoreRef(f.ID)); err != nil {
			t.Fatal(err)
		}
		got, err := s.FileByID(ctx, f.ID)
		if err != nil || len(got.TelegramIDs) != 2 || got.TelegramIDs[storage.AsPhoto] != "PHOTO1" || got.TelegramIDs[storage.AsDocument] != "DOC1" {
			t.Fatalf("file ids %+v %v", got.TelegramIDs, err)
		}
		for _, id := range []string{"PHOTO1", "DOC1"} {
			if byID, err := s.FileByTelegramID(ctx, id); err != nil || byID.ID != f.ID {
				t.Fatalf("by %s: %+v %v", id, byID, err)
			}
		}
		if _, err := s.FileByTelegramID(ctx, "UNKNOWN"); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("unknown file_id: %v", err)
		}
		// A new upload's file_id replaces the kind's old one.
		if err := s.RememberTelegramFileID(ctx, f.ID, storage.AsPhoto, "PHOTO2"); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.FileByID(ctx, f.ID); got.TelegramIDs[storage.AsPhoto] != "PHOTO2" {
			t.Fatalf("photo id %q", got.TelegramIDs[storage.AsPhoto])
		}
	})

	t.Run("EmptyAndTooLargeRefused", func(t *testing.T) {
		before := countFiles(t, s)
		if _, err := s.PutFile(ctx, storage.FileInput{Name: "rong.pdf"}); storage.ErrorField(err) != storage.FieldFile {
			t.Fatalf("empty file: %v", err)
		}
		_, err := s.PutFile(ctx, storage.FileInput{Name: "lon.pdf", Data: make([]byte, storage.MaxFileSize+1)})
		if storage.ErrorField(err) != storage.FieldFile || !bytes.Contains([]byte(storage.ErrorMessage(err)), []byte("50 MB")) {
			t.Fatalf("a file over 50 MB: %v", err)
		}
		if n := countFiles(t, s); n != before {
			t.Fatalf("%d files, want %d", n, before)
		}
	})

	t.Run("KeptForAWhileThenGone", func(t *testing.T) {
		sheet := mustPutFile(t, s, storage.FileInput{Name: "phieu-moi.pdf", Mime: "application/pdf", Data: []byte("%PDF-1.4 phiếu mời"), KeepFor: 24 * time.Hour})
		if sheet.ExpiresAt == nil || !sheet.ExpiresAt.Equal(ck.Now().Add(24*time.Hour)) {
			t.Fatalf("expires %v", sheet.ExpiresAt)
		}
		// The same bytes kept for good are kept for good.
		again := mustPutFile(t, s, storage.FileInput{Name: "x.pdf", Data: []byte("%PDF-1.4 ảnh tạm"), KeepFor: time.Hour})
		mustPutFile(t, s, storage.FileInput{Name: "x.pdf", Data: []byte("%PDF-1.4 ảnh tạm")})
		ck.Add(25 * time.Hour)
		if _, err := s.FileByID(ctx, sheet.ID); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("an expired sheet is still served: %v", err)
		}
		if _, err := s.FileBytes(ctx, sheet.ID); storage.ErrorCode(err) != storage.CodeNotFound {
			t.Fatalf("an expired sheet's bytes are still served: %v", err)
		}
		if f, err := s.FileByID(ctx, again.ID); err != nil || f.ExpiresAt != nil {
			t.Fatalf("kept for good: %+v %v", f, err)
		}
		mustPutFile(t, s, storage.FileInput{Name: "khac.pdf", Data: []byte("%PDF-1.4 khác")})
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM files WHERE id = $1`, sheet.ID); err != nil || n != 0 {
			t.Fatalf("the expired sheet is still in the database (%d, %v)", n, err)
		}
	})

	t.Run("StoreRef", func(t *testing.T) {
		if id, ok := storage.StoreRefID(storage.StoreRef(42)); !ok || id != 42 {
			t.Fatalf("store ref %d %v", id, ok)
		}
		for _, ref := range []string{"BQACAgUAAxkBAAI", "store:", "store:x", "store:-1", ""} {
			if _, ok := storage.StoreRefID(ref); ok {
				t.Fatalf("%q read as a store ref", ref)
			}
		}
	})
}

// TestAdoptTelegramFile: rows from before the store that keep only a
// Telegram file_id (a document published in chat, a minutes photo) name
// the stored file once its bytes are fetched, and the file's owners say
// whose access rules open it.
func TestAdoptTelegramFile(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewCommune(t)
	in := kl21()
	in.FileName, in.FileMime, in.FileID = "kl21.pdf", "application/pdf", "TG-KL21"
	d := MustCreateDocument(t, s, in)
	if d.FileStore != 0 || d.FileID != "TG-KL21" || !d.HasFile() {
		t.Fatalf("a file_id-only document: %+v", d)
	}
	if _, err := s.DocumentFile(ctx, d.ID); storage.ErrorCode(err) != storage.CodeNotFound {
		t.Fatalf("bytes of a file_id-only document: %v", err)
	}
	cb1, err := s.Organisation(ctx, "CB1")
	if err != nil {
		t.Fatal(err)
	}
	rep, err := s.SaveMeetingReport(ctx, storage.MeetingInput{OrgID: cb1.ID, Kind: storage.MeetingRegular, HeldOn: date(2026, 11, 1),
		Present: 2, Total: 2, Topic: "Học tập Kết luận 21", MinutesFile: "TG-PHOTO", By: mustMemberID(t, s, "DV2")})
	if err != nil || !rep.HasMinutes() || rep.MinutesStore != 0 {
		t.Fatalf("report %+v %v", rep, err)
	}

	pdf := mustPutFile(t, s, storage.FileInput{Name: "kl21.pdf", Mime: "application/pdf", Data: []byte("%PDF-1.4 kl21")})
	photo := mustPutFile(t, s, storage.FileInput{Name: "anh.jpg", Mime: "image/jpeg", Data: []byte("\xff\xd8 biên bản")})
	if err := s.AdoptTelegramFile(ctx, "TG-KL21", storage.AsDocument, pdf.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.AdoptTelegramFile(ctx, "TG-PHOTO", storage.AsPhoto, photo.ID); err != nil {
		t.Fatal(err)
	}
	got, err := s.DocumentByID(ctx, d.ID)
	if err != nil || got.FileStore != pdf.ID || got.FileID != "" || got.IsPhoto() {
		t.Fatalf("document after adoption %+v %v", got, err)
	}
	if b, err := s.DocumentFile(ctx, d.ID); err != nil || string(b) != "%PDF-1.4 kl21" {
		t.Fatalf("document's bytes %q %v", b, err)
	}
	if f, err := s.FileByID(ctx, pdf.ID); err != nil || f.TelegramIDs[storage.AsDocument] != "TG-KL21" {
		t.Fatalf("the document's file_id is not the store's: %+v %v", f, err)
	}
	m, err := s.MeetingReport(ctx, rep.ID)
	if err != nil || m.MinutesStore != photo.ID || m.MinutesFile != "TG-PHOTO" {
		t.Fatalf("report after adoption %+v %v", m, err)
	}
	if o, err := s.FileOwners(ctx, pdf.ID); err != nil || len(o.Documents) != 1 || o.Documents[0] != d.ID || len(o.Reports) != 0 {
		t.Fatalf("owners of the PDF %+v %v", o, err)
	}
	if o, err := s.FileOwners(ctx, photo.ID); err != nil || len(o.Reports) != 1 || o.Reports[0] != rep.ID || len(o.Documents) != 0 {
		t.Fatalf("owners of the photo %+v %v", o, err)
	}
}

// TestMigrationMovesDocumentBytesToStore: migration 0016 moves the bytes
// documents kept (from `sotay doc add --file`) to the file store, once for
// the same bytes, with the file_id Telegram gave them; a document that
// kept only a file_id keeps it. Its down file puts them back.
func TestMigrationMovesDocumentBytesToStore(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	// back is the schema before 16: every later migration's down, newest first.
	back := func() {
		t.Helper()
		for v := storage.SchemaVersion(); v >= 16; v-- {
			downs, err := fs.Glob(storage.Migrations(), fmt.Sprintf("migrations/%04d_*.down.sql", v))
			if err == nil && len(downs) == 0 {
				continue // a number given to a branch not merged yet
			}
			if err != nil || len(downs) != 1 {
				t.Fatalf("down file of %d: %v %v", v, downs, err)
			}
			down, err := fs.ReadFile(storage.Migrations(), downs[0])
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.DB().Exec(string(down)); err != nil {
				t.Fatalf("%s: %v", downs[0], err)
			}
		}
		if _, err := s.DB().Exec(`UPDATE schema_migrations SET version = 15`); err != nil {
			t.Fatal(err)
		}
	}
	back()
	if _, err := s.DB().Exec(`INSERT INTO documents (kind, number, issuer, issued_on, title, number_key, file_name, file_mime, file_data, file_id) VALUES
		('ket_luan', '21-KL/TW', 'TW', '2021-10-25', 'Kết luận 21', '21kltw', 'kl21.pdf', 'application/pdf', '%PDF-1.4 kl21', 'TG-UPLOADED'),
		('ket_luan', '22-KL/TW', 'TW', '2021-11-01', 'Kết luận 22', '22kltw', 'kl22.pdf', 'application/pdf', '%PDF-1.4 kl21', ''),
		('thong_bao', '7-TB/DU', 'ĐU', '2024-05-02', 'Thông báo', '7tbdu', '', 'image/jpeg', NULL, 'TG-PHOTO')`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	docs := map[string]storage.Document{}
	for _, n := range []string{"21-KL/TW", "22-KL/TW", "7-TB/DU"} {
		d, err := s.DocumentByNumber(ctx, n, "")
		if err != nil {
			t.Fatal(err)
		}
		docs[n] = d
	}
	kl21, kl22, photo := docs["21-KL/TW"], docs["22-KL/TW"], docs["7-TB/DU"]
	if kl21.FileStore == 0 || kl21.FileStore != kl22.FileStore || kl21.FileID != "" {
		t.Fatalf("the same bytes are not one stored file: %+v %+v", kl21, kl22)
	}
	if n := countFiles(t, s); n != 1 {
		t.Fatalf("%d files", n)
	}
	f, err := s.FileByID(ctx, kl21.FileStore)
	if err != nil || f.Name != "kl21.pdf" || f.Mime != "application/pdf" || f.TelegramIDs[storage.AsDocument] != "TG-UPLOADED" {
		t.Fatalf("stored file %+v %v", f, err)
	}
	if b, err := s.DocumentFile(ctx, kl22.ID); err != nil || string(b) != "%PDF-1.4 kl21" {
		t.Fatalf("bytes %q %v", b, err)
	}
	if photo.FileStore != 0 || photo.FileID != "TG-PHOTO" || !photo.IsPhoto() {
		t.Fatalf("a photo kept by file_id: %+v", photo)
	}

	back()
	var data []byte
	var fileID string
	if err := s.DB().QueryRow(`SELECT file_data, file_id FROM documents WHERE number = '21-KL/TW'`).Scan(&data, &fileID); err != nil ||
		string(data) != "%PDF-1.4 kl21" || fileID != "TG-UPLOADED" {
		t.Fatalf("down: %q %q %v", data, fileID, err)
	}
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
}
