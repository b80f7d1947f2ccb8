package handlers_test

import (
	"context"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/vn"
)

// hasBidi reports whether s has a bidirectional control.
func hasBidi(s string) bool { return strings.IndexFunc(s, vn.IsBidiControl) >= 0 }

func TestSanitizeDropsBidiControls(t *testing.T) {
	const family = "👨\u200d👩\u200d👧"
	u := tgbotapi.Update{UpdateID: 1, Message: &tgbotapi.Message{
		Text:     "Quán triệt \u202eWT/LK-12\u202c \u2066x\u2069\u200e\u200f\u061c" + family + " ❤\ufe0f",
		Caption:  "\u202bcaption\u202c",
		Document: &tgbotapi.Document{FileName: "kl21\u202efdp.exe"},
	}}
	m := handlers.Sanitize(u).Message
	if m.Text != "Quán triệt WT/LK-12 x"+family+" ❤\ufe0f" || m.Caption != "caption" || m.Document.FileName != "kl21fdp.exe" {
		t.Fatalf("sanitized %q %q %q", m.Text, m.Caption, m.Document.FileName)
	}
}

// TestBidiControlsNeverStored: what a member types with bidi controls is
// stored and confirmed without them, in reports, notices and documents.
func TestBidiControlsNeverStored(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	e.text(t, 702, "/sinhhoat 15/11/2026; thường kỳ; 2/2; Quán triệt \u202eWT/LK-12\u202c")
	if got := e.last(); hasBidi(got) || !strings.Contains(got, "Quán triệt WT/LK-12") {
		t.Fatalf("confirmation %q", got)
	}
	e.text(t, 702, "/kiemtra 20/11/2026; giám sát; 1; 2; \u2067Việc học tập\u2069; không vi phạm; \u200fNhắc nhở")
	e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa \u202dbản; Quán triệt\u061c nghị quyết")
	ms, ss := e.meetings(t), e.supervisions(t)
	if len(ms) != 1 || ms[0].Topic != "Quán triệt WT/LK-12" || len(ss) != 1 || ss[0].Content != "Việc học tập" || ss[0].Measures != "Nhắc nhở" {
		t.Fatalf("stored %+v %+v", ms, ss)
	}
	var place, topic string
	if err := e.s.DB().QueryRow(`SELECT place, topic FROM meetings`).Scan(&place, &topic); err != nil {
		t.Fatal(err)
	}
	if place != "Nhà văn hóa bản" || topic != "Quán triệt nghị quyết" {
		t.Fatalf("notice %q %q", place, topic)
	}
	storagetestGrantAdmin(t, e)
	e.sendUpload(t, 703, "kl\u202e99fdp.pdf", "application/pdf", []byte("%PDF-1.4"), "/dang 99-KL/TW | Kết luận \u202eWT/LK-99\u202c | Tỉnh ủy | 01/03/2024")
	e.tap(t, 703, "dang", "k:ket_luan")
	e.text(t, 703, "Tóm tắt \u2066ngắn\u2069.")
	e.tap(t, 703, "dang", "ok")
	d, err := e.s.DocumentByNumber(ctx, "99-KL/TW", "")
	if err != nil || d.Title != "Kết luận WT/LK-99" || d.Summary != "Tóm tắt ngắn." || d.FileName != "kl99fdp.pdf" {
		t.Fatalf("document %+v %v", d, err)
	}
}

func storagetestGrantAdmin(t *testing.T, e *reportEnv) {
	t.Helper()
	if err := e.s.GrantRole(context.Background(), "DV3", storage.RoleAdmin, "ROOT", "test"); err != nil {
		t.Fatal(err)
	}
}

// TestTextWithoutLetterOrDigitRefused: a topic, content, measures, reason,
// comment or title made of emoji or marks only is refused with the reason
// and an example, as an empty one is, and nothing is stored.
func TestTextWithoutLetterOrDigitRefused(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	t.Run("MeetingQuickForm", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/sinhhoat 15/11/2026; thường kỳ; 2/2; 🎉🎉")
		e.lastHas(t, "«🎉🎉» không có chữ hoặc số nào", "ví dụ «Quán triệt Kết luận 21-KL/TW»", "Chưa lưu gì")
		if len(e.meetings(t)) != 0 {
			t.Fatal("stored")
		}
	})
	t.Run("MeetingDialogTopic", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat 15/11/2026; thường kỳ; 2/2")
		e.tap(t, 702, "sh", "none") // no times
		e.lastHas(t, "Nội dung sinh hoạt?")
		e.rec.reset()
		e.text(t, 702, "👍 👍")
		e.lastHas(t, "Nội dung sinh hoạt «👍 👍» không có chữ hoặc số nào", "ví dụ «Quán triệt Kết luận 21-KL/TW»")
		e.text(t, 702, "Kiểm điểm 👍")
		e.tap(t, 702, "sh", "skip")
		e.tap(t, 702, "sh", "ok")
		if ms := e.meetings(t); len(ms) != 1 || ms[0].Topic != "Kiểm điểm 👍" {
			t.Fatalf("stored %+v", ms)
		}
	})
	t.Run("SupervisionContent", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/kiemtra 20/11/2026; giám sát; 1; 2; ✅✅; không vi phạm")
		e.lastHas(t, "không có chữ hoặc số nào", "ví dụ «Việc thực hiện quy chế làm việc»")
		if len(e.supervisions(t)) != 0 {
			t.Fatal("stored")
		}
	})
	t.Run("AbsenceReason", func(t *testing.T) {
		e.text(t, 702, "/lichhop 28/11/2026; 19:30; Nhà văn hóa bản; Quán triệt")
		var id int64
		if err := e.s.DB().Get(&id, `SELECT id FROM meetings`); err != nil {
			t.Fatal(err)
		}
		e.press(t, 701, handlers.CallbackData("hop", "n", id))
		e.rec.reset()
		e.text(t, 701, "😷")
		e.lastHas(t, "Lý do vắng «😷» không có chữ hoặc số nào", "ví dụ «ốm»")
		e.text(t, 701, "ốm 😷")
		e.lastHas(t, "lý do: ốm 😷")
	})
	t.Run("ReturnComment", func(t *testing.T) {
		id := e.meetings(t)[0].ID
		e.press(t, 703, handlers.CallbackData("rv", "back", id))
		e.rec.reset()
		e.text(t, 703, "👎")
		e.lastHas(t, "Ý kiến «👎» không có chữ hoặc số nào")
		if info, _ := e.s.ReportByID(ctx, id); info.State != storage.ReportSubmitted {
			t.Fatalf("state %q", info.State)
		}
		e.text(t, 703, "/huy")
	})
	t.Run("PublishTitle", func(t *testing.T) {
		storagetestGrantAdmin(t, e)
		e.rec.reset()
		e.sendUpload(t, 703, "kl98.pdf", "application/pdf", []byte("%PDF-1.4"), "/dang 98-KL/TW | 🎉 | Tỉnh ủy | 01/03/2024")
		e.lastHas(t, "Trích yếu «🎉» không có chữ hoặc số nào", "/dang 21-KL/TW |")
		if _, err := e.s.Dialog(ctx, 703); err == nil {
			t.Fatal("a dialog was opened")
		}
	})
}
