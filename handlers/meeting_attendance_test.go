package handlers_test

import (
	"context"
	"strings"
	"testing"

	"sotay/handlers"
	"sotay/storage"
)

// named is a stored report's attendance, code → status and reason.
func (e *reportEnv) named(t *testing.T, id int64) map[string]string {
	t.Helper()
	m, err := e.s.MeetingReport(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, a := range m.Attendance {
		out[a.Code] = strings.TrimSpace(a.Status + " " + a.Reason)
	}
	return out
}

// The quick form names the absent (codes or names, reasons in brackets),
// the meeting's times and the combined kind; names that match nobody of
// the cell, or do not account for every absent member, are refused.
func TestMeetingQuickFormNamesTheAbsent(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/sinhhoat 15/11/2026 19:30-21:15; thường kỳ + chuyên đề; 1/2; Quán triệt; vắng: DV1 (ốm)")
	e.lastHas(t, "Đã lưu báo cáo sinh hoạt chi bộ", "15/11/2026 · 19:30–21:15 (105 phút) · thường kỳ + chuyên đề", "Có mặt: 1/2",
		"Vắng có lý do: Lò Văn Minh (ốm)")
	ms := e.meetings(t)
	if len(ms) != 1 || ms[0].Kind != storage.MeetingCombined || ms[0].Starts.String() != "19:30" || ms[0].Ends.String() != "21:15" {
		t.Fatalf("stored %+v", ms)
	}
	if got := e.named(t, ms[0].ID); got["DV1"] != "absent_reason ốm" || got["DV2"] != "present" || len(got) != 2 {
		t.Fatalf("attendance %v", got)
	}

	for _, c := range []struct{ name, form, says string }{
		{"NameOfNobody", "16/11/2026; chuyên đề; 1/2; A; vắng: Lò Văn Mnh",
			"Chi bộ không có đồng chí nào mã hoặc tên «Lò Văn Mnh». Tên gần giống nhất: Lò Văn Minh (DV1)"},
		{"MemberOfAnotherCell", "16/11/2026; chuyên đề; 1/2; A; vắng: Giàng A Páo", "không có đồng chí nào mã hoặc tên «Giàng A Páo»"},
		{"OneNamedOfTwoAbsent", "16/11/2026; chuyên đề; 0/2; A; vắng: DV1", "Có mặt 0/2 là 2 đồng chí vắng, nhưng báo cáo ghi tên 1 đồng chí vắng"},
		{"TwoNamedOfOneAbsent", "16/11/2026; chuyên đề; 1/2; A; vắng: DV1, Hoa", "là 1 đồng chí vắng, nhưng báo cáo ghi tên 2"},
		{"TotalIsNotTheCells", "16/11/2026; chuyên đề; 2/3; A; vắng: DV1",
			"Chi bộ có 2 đảng viên ngày 16/11/2026 theo danh sách, nhưng báo cáo ghi tổng số 3"},
		{"PresentOnlyCountsTheCell", "16/11/2026; chuyên đề; 0; A; vắng: DV1", "Có mặt 0/2 là 2 đồng chí vắng"},
		{"OnlyAStart", "16/11/2026 19:30; chuyên đề; 2/2; A", "Thiếu giờ kết thúc"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.rec.reset()
			e.text(t, 702, "/sinhhoat "+c.form)
			e.lastHas(t, c.says, "Chưa lưu gì")
			if n := len(e.meetings(t)); n != 1 {
				t.Fatalf("%d reports stored", n)
			}
		})
	}
	t.Run("NamesWithoutACount", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat 16/11/2026; chuyên đề; Học tập chuyên đề; vắng: minh")
		// The names give the count; what is left to ask is asked.
		e.lastHas(t, "có mặt 1/2", "bắt đầu lúc mấy giờ?")
		e.tap(t, 702, "sh", "none")
		e.tap(t, 702, "sh", "skip")
		e.lastHas(t, "Vắng không lý do: Lò Văn Minh")
		e.tap(t, 702, "sh", "ok")
		ms := e.meetings(t)
		if len(ms) != 2 || ms[1].Present != 1 || ms[1].Total != 2 || e.named(t, ms[1].ID)["DV1"] != "absent" {
			t.Fatalf("stored %+v", ms)
		}
	})
	t.Run("CountOnlyStaysValid", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat 17/11/2026; chuyên đề; 1/2; B")
		e.lastHas(t, "Đã lưu báo cáo sinh hoạt chi bộ", "Có mặt: 1/2")
		ms := e.meetings(t)
		if len(ms) != 3 || ms[2].Present != 1 || len(e.named(t, ms[2].ID)) != 0 {
			t.Fatalf("stored %+v", ms)
		}
	})
	t.Run("SeveralRolesNeedTheCode", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 704, "/sinhhoat 18/11/2026; chuyên đề; 1/2; A; vắng: DV1")
		e.lastHas(t, "ghi mã tổ chức ở đầu báo cáo")
		e.text(t, 704, "/sinhhoat CB1; 18/11/2026; chuyên đề; 1/2; A; vắng: DV1")
		e.lastHas(t, "Đã lưu báo cáo", "Vắng không lý do: Lò Văn Minh")
	})
	t.Run("MyRecordNamesTheAbsences", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 701, "/cuatoi")
		e.lastHas(t, "Sinh hoạt chi bộ năm 2026 (theo điểm danh): có mặt 0/3 buổi.",
			"Vắng: 15/11/2026 (ốm); 16/11/2026 (không lý do); 18/11/2026 (không lý do).")
		e.rec.reset()
		e.text(t, 702, "/cuatoi")
		e.lastHas(t, "có mặt 3/3 buổi.")
	})
}

// Attendance by name in the dialog: the tick list, and the absent typed
// at it with their reasons.
func TestMeetingDialogTicksAttendance(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/sinhhoat")
	e.tap(t, 702, "sh", "d:20261124")
	e.tap(t, 702, "sh", "t:1170")
	e.tap(t, 702, "sh", "t:1290") // 21:30, 120 minutes
	e.tap(t, 702, "sh", "k:thuong_ky_chuyen_de")
	e.lastHas(t, "19:30–21:30", "thường kỳ + chuyên đề", "Số đảng viên có mặt?")
	e.tap(t, 702, "sh", "names")
	e.lastHas(t, "Điểm danh", "Có mặt 2/2")
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if !strings.Contains(labels, "☑ Hoàng Thị Hoa|☑ Lò Văn Minh") || strings.Contains(labels, "Páo") {
		t.Fatalf("tick list %q", labels)
	}
	e.tap(t, 702, "sh", "t:"+itoa(memberID(t, e.s, "DV1")))
	e.lastHas(t, "Có mặt 1/2")
	if !contains(e.rec.buttonLabels(), "☐ Lò Văn Minh") {
		t.Fatalf("buttons %q", e.rec.buttonLabels())
	}
	// A reason is typed: the list replaces the ticks.
	e.text(t, 702, "Hoa (đi viện); xyz")
	e.lastHas(t, "Chi bộ không có đồng chí nào mã hoặc tên «xyz»", "Có mặt 1/2")
	e.text(t, 702, "DV1 (đi làm xa)")
	e.lastHas(t, "Đã ghi 1 đồng chí vắng", "Có mặt 1/2")
	if !contains(e.rec.buttonLabels(), "☐ Lò Văn Minh (đi làm xa)") {
		t.Fatalf("buttons %q", e.rec.buttonLabels())
	}
	e.tap(t, 702, "sh", "ok")
	e.text(t, 702, "Kiểm điểm giữa năm")
	e.tap(t, 702, "sh", "skip")
	e.lastHas(t, "24/11/2026 · 19:30–21:30 (120 phút) · thường kỳ + chuyên đề", "Vắng có lý do: Lò Văn Minh (đi làm xa)")
	e.tap(t, 702, "sh", "ok")
	ms := e.meetings(t)
	if len(ms) != 1 || ms[0].Present != 1 || ms[0].Kind != storage.MeetingCombined || e.named(t, ms[0].ID)["DV1"] != "absent_reason đi làm xa" {
		t.Fatalf("stored %+v", ms)
	}

	t.Run("CorrectionKeepsEverything", func(t *testing.T) {
		e.press(t, 702, e.rec.buttons()["✏️ Sửa"])
		e.lastHas(t, "Sửa báo cáo sinh hoạt", "19:30–21:30 (120 phút)", "Vắng có lý do: Lò Văn Minh (đi làm xa)")
		e.tap(t, 702, "sh", "e")
		e.tap(t, 702, "sh", "f:start")
		e.text(t, 702, "19:00")
		e.tap(t, 702, "sh", "t:1320") // 22:00, 180 minutes
		e.lastHas(t, "19:00–22:00 (180 phút)", "Vắng có lý do: Lò Văn Minh (đi làm xa)")
		e.tap(t, 702, "sh", "ok")
		vs, err := e.s.MeetingVersions(context.Background(), ms[0].ID)
		if err != nil || len(vs) != 2 || vs[1].Starts.String() != "19:00" || vs[1].Ends.String() != "22:00" || len(vs[1].Attendance) != 2 ||
			vs[0].Starts.String() != "19:30" {
			t.Fatalf("versions %+v %v", vs, err)
		}
	})
	t.Run("EditedAbsentMakeANewList", func(t *testing.T) {
		e.press(t, 702, e.rec.buttons()["✏️ Sửa"])
		e.tap(t, 702, "sh", "e")
		e.tap(t, 702, "sh", "f:absent")
		e.text(t, 702, "Hoa (ốm); Minh")
		e.lastHas(t, "Có mặt: 0/2", "Vắng có lý do: Hoàng Thị Hoa (ốm)", "Vắng không lý do: Lò Văn Minh")
		e.tap(t, 702, "sh", "ok")
		if got := e.named(t, ms[0].ID); got["DV2"] != "absent_reason ốm" || got["DV1"] != "absent" {
			t.Fatalf("attendance %v", got)
		}
	})
}

// Documents studied at a meeting: picked or written, and after one
// question the members present who have not studied are ticked; a
// count-only report first asks who was present.
func TestMeetingStudiedTicksThePresent(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	doc := insertDoc(t, e.s, "21-KL/TW", "Về tiếp tục đẩy mạnh xây dựng Đảng")
	c, err := e.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc, OrgIDs: []int64{e.orgs["CB1"]}, All: true, Actor: "test", Message: handlers.PushMessage})
	if err != nil {
		t.Fatal(err)
	}
	state := func(code string) string {
		t.Helper()
		var s string
		if err := e.s.DB().Get(&s, `SELECT a.state FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = $2`, c.ID, code); err != nil {
			t.Fatal(err)
		}
		return s
	}

	t.Run("UnknownNumberRefused", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/sinhhoat 20/11/2026; chuyên đề; 2/2; Học tập; học: 99-NQ/TW")
		e.lastHas(t, "Chi bộ không có đợt học tập đang mở nào của văn bản 99-NQ/TW (văn bản chi bộ đang học: 21-KL/TW)", "Chưa lưu gì")
	})
	t.Run("CountOnlyAsksWhoWasPresent", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 702, "/sinhhoat 20/11/2026; chuyên đề; 2/2; Học tập Kết luận; học: 21 kl/tw")
		e.lastHas(t, "Điểm danh", "Báo cáo ghi có mặt 2/2: đồng chí bỏ dấu ☑ ở những người vắng")
		if len(e.meetings(t)) != 0 {
			t.Fatal("stored before the question")
		}
		e.tap(t, 702, "sh", "t:"+itoa(memberID(t, e.s, "DV1")))
		e.tap(t, 702, "sh", "ok")
		e.lastHas(t, "Văn bản đã học: 21-KL/TW", "Vắng không lý do: Lò Văn Minh")
		e.tap(t, 702, "sh", "ok")
		e.lastHas(t, "Ghi nhận 1 đồng chí có mặt đã học 21-KL/TW?")
		e.tap(t, 702, "sh", "y")
		e.lastHas(t, "Đã lưu báo cáo sinh hoạt chi bộ", "21-KL/TW: đã ghi nhận <b>1</b> đồng chí học tại buổi sinh hoạt ngày 20/11/2026")
		if state("DV2") != storage.AssignStudiedOffline || state("DV1") == storage.AssignStudiedOffline {
			t.Fatalf("DV2 %s, DV1 %s", state("DV2"), state("DV1"))
		}
		var on string
		if err := e.s.DB().Get(&on, `SELECT offline_meeting_on::text FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1 AND m.code = 'DV2'`, c.ID); err != nil || on != "2026-11-20" {
			t.Fatalf("meeting day %q %v", on, err)
		}
		m, _ := e.s.MeetingReport(ctx, e.meetings(t)[0].ID)
		if len(m.Studied) != 1 || m.Studied[0].CampaignID != c.ID {
			t.Fatalf("studied %+v", m.Studied)
		}
	})
	t.Run("DialogPicksAndMaySkipTheTicks", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat")
		e.tap(t, 702, "sh", "d:20261124")
		e.tap(t, 702, "sh", "none")
		e.tap(t, 702, "sh", "k:thuong_ky")
		e.tap(t, 702, "sh", "all")
		e.text(t, 702, "Sinh hoạt tháng 11")
		e.lastHas(t, "Buổi sinh hoạt đã học văn bản nào?")
		if !contains(e.rec.buttonLabels(), "☐ 21-KL/TW · còn 1/2 chưa học") {
			t.Fatalf("buttons %q", e.rec.buttonLabels())
		}
		e.tap(t, 702, "sh", "t:"+itoa(c.ID))
		e.tap(t, 702, "sh", "ok")
		e.tap(t, 702, "sh", "skip")
		e.tap(t, 702, "sh", "ok")
		e.lastHas(t, "Ghi nhận 2 đồng chí có mặt đã học 21-KL/TW?")
		e.tap(t, 702, "sh", "n")
		if got := e.last(); !strings.Contains(got, "Đã lưu báo cáo") || strings.Contains(got, "đã ghi nhận") {
			t.Fatalf("confirmation %q", got)
		}
		if state("DV1") == storage.AssignStudiedOffline {
			t.Fatal("ticked though the secretary said no")
		}
	})
}
