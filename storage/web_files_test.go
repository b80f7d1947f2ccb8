package storage_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestWebFilesMoveToTheStore: migration 0019 moves the web inbox's files
// into the file store, the bytes the store has already kept once, points
// the messages at the stored files and drops web_files; its down file
// gives them back.
func TestWebFilesMoveToTheStore(t *testing.T) {
	ctx := context.Background()
	s := storagetest.NewCommune(t)
	dv1 := mustMemberID(t, s, "DV1")
	shared := []byte("the same bytes, kept by both before 0019")
	own := []byte("a chart only the web inbox kept")
	kept, err := s.PutFile(ctx, storage.FileInput{Name: "bieu-do.png", Mime: "image/png", Data: shared})
	if err != nil {
		t.Fatal(err)
	}
	exec := func(file string) {
		t.Helper()
		sql, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(string(sql)); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
	}
	exec("migrations/0019_web_files_in_store.down.sql")
	var wShared, wOwn int64
	if err := s.DB().Get(&wShared, `INSERT INTO web_files (sha256, data) VALUES (sha256($1), $1) RETURNING id`, shared); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().Get(&wOwn, `INSERT INTO web_files (sha256, data) VALUES (sha256($1), $1) RETURNING id`, own); err != nil {
		t.Fatal(err)
	}
	a, err := s.AddWebMessage(ctx, dv1, storage.WebMessageInput{Text: "a", File: &storage.WebFile{Name: "a.png", Mime: "image/png", Size: len(shared), Ref: fmt.Sprintf("w:%d", wShared)}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.AddWebMessage(ctx, dv1, storage.WebMessageInput{Text: "b", File: &storage.WebFile{Name: "so-lieu.xlsx", Mime: "text/csv", Size: len(own), Ref: fmt.Sprintf("w:%d", wOwn)}})
	if err != nil {
		t.Fatal(err)
	}
	tg, err := s.AddWebMessage(ctx, dv1, storage.WebMessageInput{Text: "c", File: storage.TelegramWebFile("BQAC-only-telegram", "tep", storage.AsDocument)})
	if err != nil {
		t.Fatal(err)
	}
	exec("migrations/0019_web_files_in_store.up.sql")

	var table *string
	if err := s.DB().Get(&table, `SELECT to_regclass('web_files')::text`); err != nil || table != nil {
		t.Fatalf("web_files still there: %v %v", table, err)
	}
	ma, _ := s.WebMessage(ctx, dv1, a.ID)
	if ma.File() == nil || ma.File().Ref != storage.StoreRef(kept.ID) {
		t.Errorf("message a names %+v, want the stored file %d", ma.File(), kept.ID)
	}
	mb, _ := s.WebMessage(ctx, dv1, b.ID)
	sf, err := s.WebFileStored(ctx, *mb.File())
	if err != nil || sf.Name != "so-lieu.xlsx" || sf.Mime != "text/csv" {
		t.Fatalf("message b's file %+v %v", sf, err)
	}
	if data, err := s.FileBytes(ctx, sf.ID); err != nil || !bytes.Equal(data, own) {
		t.Errorf("message b's bytes %q %v", data, err)
	}
	for _, data := range [][]byte{shared, own} {
		var n int
		if err := s.DB().Get(&n, `SELECT count(*) FROM files WHERE sha256 = sha256($1)`, data); err != nil || n != 1 {
			t.Errorf("%q stored %d times (%v)", data, n, err)
		}
	}
	if mt, _ := s.WebMessage(ctx, dv1, tg.ID); mt.File() == nil || mt.File().Ref != "tg:BQAC-only-telegram" {
		t.Errorf("a Telegram file changed: %+v", mt.File())
	}
}

// TestWebFileStored: a web inbox file is found in the store by its store
// reference, or by its Telegram file_id once the store knows it.
func TestWebFileStored(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	f, err := s.PutFile(ctx, storage.FileInput{Name: "a.pdf", Mime: "application/pdf", Data: []byte("%PDF-1.4 web")})
	if err != nil {
		t.Fatal(err)
	}
	tgf := storage.TelegramWebFile("BQAC-web-1", "tep", storage.AsDocument)
	if _, err := s.WebFileStored(ctx, *tgf); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("unknown file_id: %v", err)
	}
	if err := s.RememberTelegramFileID(ctx, f.ID, storage.AsDocument, "BQAC-web-1"); err != nil {
		t.Fatal(err)
	}
	for _, wf := range []*storage.WebFile{tgf, storage.WebFileOf(f, "", storage.AsDocument)} {
		if got, err := s.WebFileStored(ctx, *wf); err != nil || got.ID != f.ID {
			t.Errorf("%+v: %+v %v", wf, got, err)
		}
	}
	if _, err := s.WebFileStored(ctx, storage.WebFile{Ref: "w:1"}); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("an old ref: %v", err)
	}
}
