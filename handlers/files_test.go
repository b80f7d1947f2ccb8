package handlers_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/handlers/chat"
	"sotay/storage"
)

// telegramLike records what is sent, as recorder does, and answers a sent
// file as Telegram would: an upload gets a new file_id of its kind, a
// file_id comes back as itself.
type telegramLike struct {
	*recorder
	mu      sync.Mutex
	uploads int
}

func (s *telegramLike) Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	m, err := s.recorder.Send(ctx, c)
	if err != nil {
		return m, err
	}
	id := func(f tgbotapi.RequestFileData, kind string) string {
		if f.NeedsUpload() {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.uploads++
			return fmt.Sprintf("%s-UP%d", kind, s.uploads)
		}
		return f.SendData()
	}
	switch v := c.(type) {
	case tgbotapi.DocumentConfig:
		m.Document = &tgbotapi.Document{FileID: id(v.File, "DOC")}
	case tgbotapi.PhotoConfig:
		m.Photo = []tgbotapi.PhotoSize{{FileID: id(v.File, "PHOTO")}}
	}
	return m, nil
}

// sentFiles are the files of the document and photo requests sent.
func (e *statsEnv) sentFiles() []tgbotapi.RequestFileData {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var out []tgbotapi.RequestFileData
	for _, c := range e.rec.sent {
		switch v := c.(type) {
		case tgbotapi.DocumentConfig:
			out = append(out, v.File)
		case tgbotapi.PhotoConfig:
			out = append(out, v.File)
		}
	}
	return out
}

// TestGeneratedFilesKeptAndSentByFileIDAfter: a /thongke chart is kept in
// the file store before it is sent, uploaded the first time and sent by
// the file_id Telegram gave it when the same chart is asked again; the
// workbook is kept too, so a web client can fetch what the chat showed.
func TestGeneratedFilesKeptAndSentByFileIDAfter(t *testing.T) {
	e := newStatsEnv(t)
	ctx := context.Background()
	e.h = handlers.New(handlers.Deps{Store: e.c.S, Sender: &telegramLike{recorder: e.rec}, BotUsername: "sotay_test_bot",
		Files: e.files, Now: func() time.Time { return *e.c.Now }, Location: e.c.Loc})
	e.text(t, 801, "/thongke")
	e.tap(t, 801, "tk", "t:h")
	e.tap(t, 801, "tk", "ok")
	e.tap(t, 801, "tk", fmt.Sprintf("d:%d", e.c.Docs["21-KL/TW"]))

	e.rec.reset()
	e.tap(t, 801, "tk", "c")
	first := e.sentFiles()
	if len(first) != 1 {
		t.Fatalf("%d files sent", len(first))
	}
	png, ok := first[0].(tgbotapi.FileBytes)
	if !ok {
		t.Fatalf("the first chart is not uploaded: %#v", first[0])
	}
	stored, err := e.s.FileByContent(ctx, png.Bytes)
	if err != nil || stored.Mime != "image/png" || stored.Name != png.Name {
		t.Fatalf("chart not kept: %+v %v", stored, err)
	}
	if stored.TelegramIDs[storage.AsPhoto] != "PHOTO-UP1" {
		t.Fatalf("the upload's file_id not remembered: %+v", stored.TelegramIDs)
	}

	e.rec.reset()
	e.tap(t, 801, "tk", "c")
	again := e.sentFiles()
	if len(again) != 1 || again[0] != tgbotapi.FileID("PHOTO-UP1") {
		t.Fatalf("the same chart not sent by its file_id: %#v", again)
	}

	e.rec.reset()
	e.tap(t, 801, "tk", "xl")
	xl := e.sentFiles()
	if len(xl) != 1 {
		t.Fatalf("%d workbooks sent", len(xl))
	}
	var data []byte
	switch f := xl[0].(type) {
	case tgbotapi.FileBytes:
		data = f.Bytes
	case tgbotapi.FileID:
		t.Fatalf("a new workbook sent by file_id %q", f)
	}
	if f, err := e.s.FileByContent(ctx, data); err != nil || f.Mime != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" {
		t.Fatalf("workbook not kept: %+v %v", f, err)
	}
}

// TestInviteSheetKeptForADay: the sheet carries live invite links, whose
// tokens the database keeps only hashed: it stays in the file store one
// day.
func TestInviteSheetKeptForADay(t *testing.T) {
	e := newEnv(t)
	e.link(t, "DV2", 1501)
	if err := e.s.GrantRole(context.Background(), "DV2", storage.RoleSecretary, "CB1", "test"); err != nil {
		t.Fatal(err)
	}
	e.text(t, 1501, "/moi")
	e.rec.reset()
	e.press(t, 1501, "moi:s:0")
	var sheet []byte
	for _, c := range e.rec.sent {
		if d, ok := c.(tgbotapi.DocumentConfig); ok {
			sheet = d.File.(tgbotapi.FileBytes).Bytes
		}
	}
	f, err := e.s.FileByContent(context.Background(), sheet)
	if err != nil || f.ExpiresAt == nil {
		t.Fatalf("sheet kept %+v %v", f, err)
	}
	if d := time.Until(*f.ExpiresAt); d < 23*time.Hour || d > 25*time.Hour {
		t.Fatalf("kept until %v", f.ExpiresAt)
	}
}

// TestRosterReadFromTheStore: a roster file is kept the first time it
// passes; choosing to import its valid rows reads it from the store, with
// Telegram no longer giving it.
func TestRosterReadFromTheStore(t *testing.T) {
	e := adminEnv(t, 801)
	csv := "code,full_name,org_code\nDV9,Vừ A Dính,CB1\nDV10,Không Tổ,NOPE\n"
	e.sendDocument(t, 801, "ds.csv", csv, "/nhap")
	if e.rec.find("nhap", "ok") == "" {
		t.Fatalf("no choice offered: %q", e.rec.texts())
	}
	for id := range e.files {
		delete(e.files, id) // Telegram blocked
	}
	e.tap(t, 801, "nhap", "ok")
	if m, err := e.s.Member(context.Background(), "DV9"); err != nil || m.FullName != "Vừ A Dính" {
		t.Fatalf("valid rows not imported: %+v %v (%q)", m, err, e.rec.texts())
	}
	if f, err := e.s.FileByContent(context.Background(), []byte(csv)); err != nil || f.Name != "ds.csv" || f.TelegramIDs[storage.AsDocument] == "" {
		t.Fatalf("roster not kept: %+v %v", f, err)
	}
}

// TestPublishedPhotoKeptAndSentBackAsPhoto: a photo published with /dang
// is kept in the store with the photo file_id it came with, and sent back
// as a photo by it.
func TestPublishedPhotoKeptAndSentBackAsPhoto(t *testing.T) {
	e, _, _ := docEnv(t)
	ctx := context.Background()
	e.files["LARGE"] = []byte("\xff\xd8\xff\xe0 thông báo lịch sinh hoạt")
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
		MessageID: e.id, From: &tgbotapi.User{ID: 702}, Chat: &tgbotapi.Chat{ID: 702, Type: "private"},
		Photo:   []tgbotapi.PhotoSize{{FileID: "SMALL", Width: 90}, {FileID: "LARGE", Width: 1280}},
		Caption: "/dang 7-TB/ĐU | Thông báo lịch sinh hoạt | Đảng ủy xã | 2024-05-02",
	}}
	if err := e.h.HandleUpdate(ctx, u); err != nil {
		t.Fatal(err)
	}
	e.tap(t, 702, "dang", "k:thong_bao")
	e.tap(t, 702, "dang", "skip")
	e.tap(t, 702, "dang", "ok")
	d, err := e.s.DocumentByNumber(ctx, "7-TB/DU", "")
	if err != nil || !d.IsPhoto() || d.FileStore == 0 || d.FileID != "" {
		t.Fatalf("published %+v %v", d, err)
	}
	f, err := e.s.FileByID(ctx, d.FileStore)
	if err != nil || f.TelegramIDs[storage.AsPhoto] != "LARGE" || f.Name != "anh.jpg" || f.Mime != "image/jpeg" {
		t.Fatalf("stored %+v %v", f, err)
	}
	e.rec.reset()
	e.press(t, 701, fmt.Sprintf("df:%d", d.ID))
	var photo *tgbotapi.PhotoConfig
	for _, c := range e.rec.sent {
		if p, ok := c.(tgbotapi.PhotoConfig); ok {
			photo = &p
		}
	}
	if photo == nil || photo.File != tgbotapi.FileID("LARGE") {
		t.Fatalf("photo not sent back by its file_id: %#v", e.rec.sent)
	}
}

// TestUploadWithoutTelegram: a transport that received a file without
// Telegram (the web) keeps it in the store and hands the handlers its
// storage.StoreRef: /dang publishes it and /nhap imports it with no
// getFile, and the document names the stored file.
func TestUploadWithoutTelegram(t *testing.T) {
	e, _, _ := docEnv(t)
	ctx := context.Background()
	send := func(name, mime string, data []byte, caption string) {
		t.Helper()
		f, err := e.s.PutFile(ctx, storage.FileInput{Name: name, Mime: mime, Data: data})
		if err != nil {
			t.Fatal(err)
		}
		e.id++
		u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{
			MessageID: e.id, From: &tgbotapi.User{ID: 702}, Chat: &tgbotapi.Chat{ID: 702, Type: "private"},
			Document: &tgbotapi.Document{FileID: storage.StoreRef(f.ID), FileName: name, MimeType: mime},
			Caption:  caption,
		}}
		if err := e.h.HandleUpdate(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	pdf := []byte("%PDF-1.4 Kết luận 35, tải lên từ trình duyệt")
	send("kl35.pdf", "application/pdf", pdf, "/dang 35-KL/TW | Kết luận về công tác kiểm tra | Bộ Chính trị | 01/03/2022")
	e.tap(t, 702, "dang", "k:ket_luan")
	e.tap(t, 702, "dang", "skip")
	e.tap(t, 702, "dang", "ok")
	d, err := e.s.DocumentByNumber(ctx, "35-KL/TW", "")
	if err != nil || d.FileStore == 0 || d.FileID != "" {
		t.Fatalf("published %+v %v (%q)", d, err, e.rec.texts())
	}
	if b, err := e.s.DocumentFile(ctx, d.ID); err != nil || string(b) != string(pdf) {
		t.Fatalf("file %q %v", b, err)
	}
	if f, _ := e.s.FileByID(ctx, d.FileStore); len(f.TelegramIDs) != 0 {
		t.Fatalf("a store reference remembered as Telegram's: %+v", f.TelegramIDs)
	}

	// Telegram has no such file (the test's downloader knows none): it
	// comes from the store.
	send("ds.csv", "text/csv", []byte("code,full_name,org_code\nDV9,Vừ A Dính,CB1\n"), "/nhap")
	if m, err := e.s.Member(ctx, "DV9"); err != nil || m.FullName != "Vừ A Dính" {
		t.Fatalf("roster not imported: %v (%q)", err, e.rec.texts())
	}
}

// TestStoredFileGoesBackAsReceived: a stored file sent with no kind said
// (a minutes photo) goes back as what Telegram holds it as: a photo by its
// photo file_id, an image sent as a file by its document file_id, and one
// Telegram has never seen uploaded as a photo.
func TestStoredFileGoesBackAsReceived(t *testing.T) {
	e := linkedEnv(t)
	ctx := context.Background()
	put := func(name, mime, data string, kind storage.TelegramKind, fileID string) int64 {
		t.Helper()
		f, err := e.s.PutFile(ctx, storage.FileInput{Name: name, Mime: mime, Data: []byte(data)})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.s.RememberTelegramFileID(ctx, f.ID, kind, fileID); err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	photo := put("anh.jpg", "image/jpeg", "ảnh biên bản", storage.AsPhoto, "P1")
	asFile := put("bien-ban.png", "image/png", "ảnh gửi dạng tệp", storage.AsDocument, "D1")
	fresh := put("moi.jpg", "image/jpeg", "ảnh chưa lên Telegram", storage.AsPhoto, "")
	var store int64
	handlers.AddForTest(e.h, chat.Handler{Command: "guianh", Access: chat.Member, Handle: func(ctx context.Context, r *chat.Request) error {
		return handlers.SendStored(ctx, e.h, r, store)
	}})
	for _, tt := range []struct {
		name  string
		store int64
		want  tgbotapi.Chattable
	}{
		{"PhotoByItsFileID", photo, tgbotapi.PhotoConfig{}},
		{"FileByItsFileID", asFile, tgbotapi.DocumentConfig{}},
		{"NeverSentUploadedAsPhoto", fresh, tgbotapi.PhotoConfig{}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			store = tt.store
			e.rec.reset()
			e.text(t, 701, "/guianh")
			var got tgbotapi.RequestFileData
			for _, c := range e.rec.sent {
				switch v := c.(type) {
				case tgbotapi.PhotoConfig:
					if _, ok := tt.want.(tgbotapi.PhotoConfig); ok {
						got = v.File
					}
				case tgbotapi.DocumentConfig:
					if _, ok := tt.want.(tgbotapi.DocumentConfig); ok {
						got = v.File
					}
				}
			}
			switch tt.store {
			case photo:
				if got != tgbotapi.FileID("P1") {
					t.Fatalf("sent %#v", e.rec.sent)
				}
			case asFile:
				if got != tgbotapi.FileID("D1") {
					t.Fatalf("sent %#v", e.rec.sent)
				}
			default:
				if fb, ok := got.(tgbotapi.FileBytes); !ok || string(fb.Bytes) != "ảnh chưa lên Telegram" {
					t.Fatalf("sent %#v", e.rec.sent)
				}
			}
		})
	}
}
