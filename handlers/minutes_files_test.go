package handlers_test

import (
	"context"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
)

// TestMinutesPhotoFromTheStore: a minutes photo is kept in the file store
// when the report is sent, as the kind Telegram holds it as; «📷 Xem ảnh
// biên bản» sends it from there by that kind's file_id (an image sent as a
// file goes as a document at once), also once Telegram gives no file. A
// report from before the store, with only a file_id, is sent by it and its
// bytes kept after the send.
func TestMinutesPhotoFromTheStore(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	send := func(user int64, m *tgbotapi.Message) {
		t.Helper()
		e.id++
		m.MessageID, m.From, m.Chat = e.id, &tgbotapi.User{ID: user}, &tgbotapi.Chat{ID: user, Type: "private"}
		if err := e.h.HandleUpdate(ctx, tgbotapi.Update{UpdateID: e.id, Message: m}); err != nil {
			t.Fatal(err)
		}
	}
	e.files["MINUTES"] = []byte("\xff\xd8 ảnh biên bản")
	e.files["SCAN"] = []byte("\xff\xd8 ảnh gửi dạng tệp")
	send(702, &tgbotapi.Message{Photo: []tgbotapi.PhotoSize{{FileID: "SMALL", Width: 90}, {FileID: "MINUTES", Width: 1280}},
		Caption: "/sinhhoat 21/11/2026; thường kỳ; 2/2; Biên bản kèm ảnh"})
	send(704, &tgbotapi.Message{Document: &tgbotapi.Document{FileID: "SCAN", FileName: "bien-ban.jpg", MimeType: "image/jpeg"},
		Caption: "/sinhhoat CB3; 22/11/2026; thường kỳ; 1/1; Ảnh gửi dạng tệp"})
	delete(e.files, "MINUTES") // Telegram blocked from here on
	delete(e.files, "SCAN")
	// byMinutes is the report whose minutes came as fileID.
	byMinutes := func(fileID string) storage.MeetingReport {
		t.Helper()
		for _, m := range e.meetings(t) {
			if m.MinutesFile == fileID {
				return m
			}
		}
		t.Fatalf("no report with minutes %s", fileID)
		return storage.MeetingReport{}
	}
	photo, scan := byMinutes("MINUTES"), byMinutes("SCAN")
	if photo.MinutesStore == 0 || scan.MinutesStore == 0 {
		t.Fatalf("minutes not kept: %+v %+v", photo, scan)
	}
	for _, tc := range []struct {
		name string
		m    storage.MeetingReport
		want string
	}{
		{"PhotoAsPhoto", photo, "photo:MINUTES → 703 📷 Ảnh biên bản"},
		{"FileAsDocument", scan, "document:SCAN → 703 📷 Ảnh biên bản"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.rec.reset()
			e.press(t, 703, handlers.CallbackData("rv", "p", tc.m.ID))
			if got := e.sentByFileID(); len(got) != 1 || !strings.HasPrefix(got[0], tc.want) {
				t.Fatalf("sent %q", got)
			}
		})
	}

	t.Run("OldRowFetchedAfterItsSend", func(t *testing.T) {
		send(702, &tgbotapi.Message{Photo: []tgbotapi.PhotoSize{{FileID: "OLD", Width: 1280}},
			Caption: "/sinhhoat 05/11/2026; chuyên đề; 2/2; Ảnh Telegram không cho tải"})
		old := byMinutes("OLD")
		if old.MinutesStore != 0 {
			t.Fatalf("report %+v", old)
		}
		e.files["OLD"] = []byte("\xff\xd8 ảnh cũ") // Telegram answers again
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "p", old.ID))
		if got := e.sentByFileID(); len(got) != 1 || !strings.HasPrefix(got[0], "photo:OLD → 703") {
			t.Fatalf("sent %q", got)
		}
		m, err := e.s.MeetingReport(ctx, old.ID)
		if err != nil || m.MinutesStore == 0 || m.MinutesFile != "OLD" {
			t.Fatalf("not kept after the send: %+v %v", m, err)
		}
		if b, err := e.s.FileBytes(ctx, m.MinutesStore); err != nil || string(b) != "\xff\xd8 ảnh cũ" {
			t.Fatalf("bytes %q %v", b, err)
		}
	})
}
