package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/storage"
)

// A secretary reports a meeting in one line and announces the next one;
// the notice reaches the cell through the outbox, a member answers, and the
// secretary sees the answer: the whole bot over the fake Bot API.
func TestReportsAndMeetingNoticeEndToEnd(t *testing.T) {
	h := start(t, bot.Config{Outbox: bot.OutboxConfig{Poll: 50 * time.Millisecond}})
	ctx := context.Background()
	if err := h.s.GrantRole(ctx, "DV2", storage.RoleSecretary, "CB1", "test"); err != nil {
		t.Fatal(err)
	}
	minh := h.tg.User(8101, "Minh")
	minh.SendText("/start " + h.invite("DV1"))
	waitText(t, minh, "Đã liên kết")
	hoa := h.tg.User(8102, "Hoa")
	hoa.SendText("/start " + h.invite("DV2"))
	waitText(t, hoa, "Đã liên kết")

	hoa.SendText("/sinhhoat hôm qua; thuong ky; 2/2; Quán triệt Kết luận 21-KL/TW")
	waitText(t, hoa, "Đã lưu báo cáo sinh hoạt chi bộ")
	hoa.SendText("/sinhhoat hôm qua; thường kỳ; 3/2; A")
	waitText(t, hoa, "Số có mặt (3) lớn hơn tổng số (2)")

	hoa.SendText("/lichhop ngày mai; 19:30; Nhà văn hóa bản; Kiểm điểm cuối năm")
	waitText(t, hoa, "Đã gửi thông báo họp cho 2 đảng viên")
	m := waitText(t, minh, "Thông báo họp chi bộ")
	if got := strings.Join(m.Buttons(), "|"); got != "✅ Có mặt|🚫 Vắng (có lý do)" {
		t.Fatalf("buttons %q", got)
	}
	mustPress(t, minh, "✅ Có mặt")
	waitText(t, minh, "Đồng chí đã báo: có mặt")
	mustPress(t, hoa, "🚫 Vắng (có lý do)")
	waitText(t, hoa, "vắng vì lý do gì")
	hoa.SendText("đi viện")
	waitText(t, hoa, "lý do: đi viện")
	mustPress(t, hoa, "📋 Xem trả lời")
	waitText(t, hoa, "Có mặt 1: Lò Văn Minh")
}

// A secretary reports a meeting with its times, the combined kind, the
// absent by name and a document studied: one question, and the members
// present are recorded as having studied it; the absent member reads the
// absence in /cuatoi. The whole bot over the fake Bot API.
func TestMeetingByNameEndToEnd(t *testing.T) {
	h := start(t, bot.Config{Outbox: bot.OutboxConfig{Poll: 50 * time.Millisecond}})
	ctx := context.Background()
	h.grant("DV2", storage.RoleSecretary, "CB1")
	cb1, err := h.s.Organisation(ctx, "CB1")
	if err != nil {
		t.Fatal(err)
	}
	d, err := h.s.CreateDocument(ctx, storage.DocumentInput{Kind: "ket_luan", Number: "21-KL/TW", Issuer: "Bộ Chính trị",
		IssuedOn: time.Date(2021, 10, 25, 0, 0, 0, 0, time.UTC), Title: "Về tiếp tục đẩy mạnh xây dựng Đảng", Actor: "test"})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := h.s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: d.ID, OrgIDs: []int64{cb1.ID}, Actor: "test",
		Message: func(d storage.Document, _ storage.Campaign, _ int64) (string, any) { return d.Number, nil }})
	if err != nil {
		t.Fatal(err)
	}
	minh := h.linkedUser("DV1", 8201, "Minh")
	hoa := h.linkedUser("DV2", 8202, "Hoa")

	hoa.SendText("/sinhhoat hôm nay 07:30-09:45; thường kỳ + chuyên đề; 1/2; Quán triệt Kết luận 21-KL/TW; vắng: Lò Văn Mnh (ốm); học: 21-KL/TW")
	waitText(t, hoa, "Tên gần giống nhất: Lò Văn Minh (DV1)")
	hoa.SendText("/sinhhoat hôm nay 07:30-09:45; thường kỳ + chuyên đề; 1/2; Quán triệt Kết luận 21-KL/TW; vắng: Lò Văn Minh (ốm); học: 21-KL/TW")
	m := waitText(t, hoa, "Ghi nhận 1 đồng chí có mặt đã học 21-KL/TW?")
	for _, want := range []string{"07:30–09:45 (135 phút) · thường kỳ + chuyên đề", "Vắng có lý do: Lò Văn Minh (ốm)", "Văn bản đã học: 21-KL/TW"} {
		if !strings.Contains(m.Plain, want) {
			t.Fatalf("question %q lacks %q", m.Plain, want)
		}
	}
	mustPress(t, hoa, "✅ Ghi nhận và gửi")
	waitText(t, hoa, "21-KL/TW: đã ghi nhận 1 đồng chí học tại buổi sinh hoạt")

	states := map[string]string{}
	var rows []struct {
		Code  string `db:"code"`
		State string `db:"state"`
	}
	if err := h.s.DB().Select(&rows, `SELECT m.code, a.state FROM assignments a JOIN members m ON m.id = a.member_id WHERE a.campaign_id = $1`, camp.ID); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		states[r.Code] = r.State
	}
	if states["DV2"] != storage.AssignStudiedOffline || states["DV1"] == storage.AssignStudiedOffline {
		t.Fatalf("states %v", states)
	}
	minh.SendText("/cuatoi")
	waitText(t, minh, "có mặt 0/1 buổi")
	waitText(t, minh, "(ốm)")
}
