package handlers_test

import (
	"context"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
)

func TestReviewReturnAndCorrect(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/sinhhoat 15/11/2026; thường kỳ; 2/2; Quán triệt")
	e.text(t, 703, "/sinhhoat CB2; 16/11/2026; thường kỳ; 1/1; Của CB2")
	ms := e.meetings(t)
	cb1, cb2 := ms[0], ms[1]

	t.Run("SecretarySeesOwnReportsAndVersions", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/baocao")
		labels := strings.Join(e.rec.buttonLabels(), "|")
		if !strings.Contains(labels, "Chi bộ bản Nà Hiên") || strings.Contains(labels, "Pà Pao") {
			t.Fatalf("list %q", labels)
		}
		e.press(t, 702, handlers.CallbackData("rv", "v", cb1.ID))
		got := e.last()
		if !strings.Contains(got, "Các phiên bản") || !strings.Contains(got, "1. ") || !strings.Contains(got, "Hoàng Thị Hoa") || !strings.Contains(got, "chờ xem") {
			t.Fatalf("report %q", got)
		}
		if contains(e.rec.buttonLabels(), "✔ Đã xem") {
			t.Fatal("a secretary is offered the review")
		}
	})
	t.Run("ForgedButtonsRefused", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 702, handlers.CallbackData("rv", "v", cb2.ID))
		e.press(t, 702, handlers.CallbackData("rv", "ok", cb1.ID))
		// Another cell's report is answered as one that is not there; the
		// secretary's own may be seen but not reviewed.
		if got := strings.Join(e.rec.texts(), "\n"); !strings.Contains(got, "callback:Không tìm thấy nội dung") ||
			!strings.Contains(got, "callback:Đồng chí không có quyền") || strings.Contains(got, "Pà Pao") {
			t.Fatalf("answers %q", e.rec.texts())
		}
		info, _ := e.s.ReportByID(t.Context(), cb1.ID)
		if info.State != storage.ReportSubmitted {
			t.Fatalf("state %q", info.State)
		}
	})
	t.Run("OfficerReturnsWithComment", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 703, "/baocao")
		if !contains(e.rec.buttonLabels(), "⏳ 📝 15/11 Chi bộ bản Nà Hiên · 2/2") {
			t.Fatalf("officer list %q", e.rec.buttonLabels())
		}
		e.press(t, 703, handlers.CallbackData("rv", "v", cb1.ID))
		e.press(t, 703, handlers.CallbackData("rv", "back", cb1.ID))
		e.text(t, 703, "Ghi rõ người vắng")
		e.lastHas(t, "Đã trả lại", "Hoàng Thị Hoa")
		rows := e.outbox(t)
		if len(rows) != 1 || rows[0].ChatID != 702 || !strings.Contains(rows[0].Text, "Ghi rõ người vắng") {
			t.Fatalf("outbox %+v", rows)
		}
		info, _ := e.s.ReportByID(t.Context(), cb1.ID)
		if info.State != storage.ReportReturned {
			t.Fatalf("state %q", info.State)
		}
	})
	t.Run("SecretaryCorrectsNewVersion", func(t *testing.T) {
		e.press(t, 702, handlers.CallbackData("rs", "m", cb1.ID))
		e.tap(t, 702, "sh", "e")
		e.tap(t, 702, "sh", "f:names")
		e.lastHas(t, "Báo cáo ghi có mặt 2/2")
		e.text(t, 702, "Lò Văn Minh (ốm)")
		e.lastHas(t, "Đã ghi 1 đồng chí vắng", "Có mặt 1/2")
		e.tap(t, 702, "sh", "ok")
		e.lastHas(t, "gửi sẽ lưu phiên bản mới", "Có mặt: 1/2", "Vắng có lý do: Lò Văn Minh (ốm)")
		e.tap(t, 702, "sh", "ok")
		vs, err := e.s.MeetingVersions(t.Context(), cb1.ID)
		if err != nil || len(vs) != 2 || vs[1].Present != 1 || len(vs[1].Attendance) != 2 || vs[0].Attendance != nil || vs[1].State != storage.ReportSubmitted {
			t.Fatalf("versions %+v %v", vs, err)
		}
		// /baocao shows the version's names.
		e.press(t, 703, handlers.CallbackData("rv", "v", cb1.ID))
		e.lastHas(t, "Vắng có lý do: Lò Văn Minh (ốm)", "2. ", "vắng: Lò Văn Minh")
	})
	t.Run("OfficerMarksReviewed", func(t *testing.T) {
		e.press(t, 703, handlers.CallbackData("rv", "ok", cb1.ID))
		info, _ := e.s.ReportByID(t.Context(), cb1.ID)
		if info.State != storage.ReportReviewed {
			t.Fatalf("state %q", info.State)
		}
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "l", 0, "s"))
		labels := strings.Join(e.rec.buttonLabels(), "|")
		if strings.Contains(labels, "Nà Hiên") || !strings.Contains(labels, "Pà Pao") {
			t.Fatalf("waiting list %q", labels)
		}
	})
	t.Run("ReviewedReportOffersNoSecondReview", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "v", cb1.ID))
		labels := e.rec.buttonLabels()
		if contains(labels, "✔ Đã xem") || !contains(labels, "↩ Trả lại để sửa") || !strings.Contains(e.last(), "(✔ đã xem)") {
			t.Fatalf("a reviewed report offers %q:\n%s", labels, e.last())
		}
		// The button of a drawing from before is answered, and changes nothing.
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "ok", cb1.ID))
		e.said(t, "callback:Báo cáo này đã được đánh dấu đã xem.")
	})
}

// sentPhotos are the photos and documents sent by file_id, as
// "photo:<id>" or "document:<id>", with their chat and caption.
func (e *env) sentByFileID() []string {
	e.rec.mu.Lock()
	defer e.rec.mu.Unlock()
	var out []string
	for _, c := range e.rec.sent {
		switch m := c.(type) {
		case tgbotapi.PhotoConfig:
			if id, ok := m.File.(tgbotapi.FileID); ok {
				out = append(out, "photo:"+string(id)+" → "+itoa(m.ChatID)+" "+m.Caption)
			}
		case tgbotapi.DocumentConfig:
			if id, ok := m.File.(tgbotapi.FileID); ok {
				out = append(out, "document:"+string(id)+" → "+itoa(m.ChatID)+" "+m.Caption)
			}
		}
	}
	return out
}

// TestMinutesPhotoInReports: the minutes photo a secretary sent with the
// report is offered in /baocao («📷 Xem ảnh biên bản») to whoever may see
// the report, and sent by its file_id; nobody else gets it.
func TestMinutesPhotoInReports(t *testing.T) {
	e := newReportEnv(t)
	send := func(user int64, m *tgbotapi.Message) {
		t.Helper()
		e.id++
		m.MessageID, m.From, m.Chat = e.id, &tgbotapi.User{ID: user}, &tgbotapi.Chat{ID: user, Type: "private"}
		if err := e.h.HandleUpdate(context.Background(), tgbotapi.Update{UpdateID: e.id, Message: m}); err != nil {
			t.Fatal(err)
		}
	}
	send(702, &tgbotapi.Message{Photo: []tgbotapi.PhotoSize{{FileID: "SMALL", Width: 90}, {FileID: "MINUTES", Width: 1280}},
		Caption: "/sinhhoat 21/11/2026; thường kỳ; 2/2; Biên bản kèm ảnh"})
	send(704, &tgbotapi.Message{Document: &tgbotapi.Document{FileID: "SCAN", FileName: "bien-ban.jpg", MimeType: "image/jpeg"},
		Caption: "/sinhhoat CB3; 22/11/2026; thường kỳ; 1/1; Ảnh gửi dạng tệp"})
	e.text(t, 702, "/sinhhoat 23/11/2026; chuyên đề; 2/2; Không có ảnh")
	ms := e.meetings(t)
	if len(ms) != 3 || ms[0].MinutesFile != "MINUTES" || ms[1].MinutesFile != "SCAN" {
		t.Fatalf("stored %+v", ms)
	}
	photo, scan, none := ms[0], ms[1], ms[2]

	t.Run("OfficerSeesThePhoto", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "v", photo.ID))
		if !contains(e.rec.buttonLabels(), "📷 Xem ảnh biên bản") {
			t.Fatalf("no photo button: %q", e.rec.buttonLabels())
		}
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "p", photo.ID))
		if got := e.sentByFileID(); len(got) != 1 || !strings.HasPrefix(got[0], "photo:MINUTES → 703 📷 Ảnh biên bản") || !strings.Contains(got[0], "21/11/2026") {
			t.Fatalf("sent %q", got)
		}
	})
	t.Run("SecretaryOfTheCellSeesIt", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 704, handlers.CallbackData("rv", "p", photo.ID)) // DV4 is CB1's secretary too
		if got := e.sentByFileID(); len(got) != 1 || !strings.HasPrefix(got[0], "photo:MINUTES → 704") {
			t.Fatalf("sent %q", got)
		}
	})
	t.Run("ImageSentAsFileGoesAsDocument", func(t *testing.T) {
		// Telegram refuses a document's file_id as a photo.
		e.rec.refuse = func(c tgbotapi.Chattable) error {
			if p, ok := c.(tgbotapi.PhotoConfig); ok && p.File == tgbotapi.FileID("SCAN") {
				return &tgbotapi.Error{Code: 400, Message: "Bad Request: can't use file of type Document as Photo"}
			}
			return nil
		}
		defer func() { e.rec.refuse = nil }()
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "p", scan.ID))
		if got := e.sentByFileID(); len(got) != 1 || !strings.HasPrefix(got[0], "document:SCAN → 703 📷 Ảnh biên bản") {
			t.Fatalf("sent %q", got)
		}
	})
	t.Run("NoOneElseGetsIt", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			user int64
			id   int64
		}{{"PlainMember", 701, photo.ID}, {"SecretaryOfAnotherCell", 702, scan.ID}} {
			e.rec.reset()
			e.press(t, tc.user, handlers.CallbackData("rv", "p", tc.id))
			if got := e.sentByFileID(); len(got) != 0 {
				t.Errorf("%s got %q", tc.name, got)
			}
		}
	})
	t.Run("NoPhotoNoButton", func(t *testing.T) {
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "v", none.ID))
		if contains(e.rec.buttonLabels(), "📷 Xem ảnh biên bản") {
			t.Fatalf("offered for a report without one: %q", e.rec.buttonLabels())
		}
		e.rec.reset()
		e.press(t, 703, handlers.CallbackData("rv", "p", none.ID))
		if got := e.sentByFileID(); len(got) != 0 {
			t.Errorf("sent %q", got)
		}
		e.said(t, "callback:Báo cáo này không có ảnh biên bản.")
	})
}
