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
