package handlers_test

import (
	"strings"
	"testing"

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
}
