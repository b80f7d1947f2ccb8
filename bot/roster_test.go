package bot_test

import (
	"context"
	"strings"
	"testing"

	"sotay/bot"
	"sotay/storage"
)

func TestRosterImportInChat(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	h.grant("DV1", storage.RoleAdmin, "ROOT")
	admin := h.linkedUser("DV1", 9001, "Minh")

	csv := "Mã đảng viên;Họ và tên;Mã chi bộ;Số điện thoại\n" +
		"DV10;Sùng A Lử;CB2;0912000010\n" +
		"DV11;Vàng Thị Dợ;KHONGCO;\n"
	t.Run("RejectedRowWritesNothing", func(t *testing.T) {
		admin.SendDocument("ds.csv", "text/csv", []byte(csv), "/nhap")
		m := waitText(t, admin, "Từ chối: 1")
		if !strings.Contains(m.Plain, "Dòng 3 (DV11)") || !strings.Contains(m.Plain, "Chưa ghi gì") {
			t.Fatalf("report: %q", m.Plain)
		}
		if _, err := h.s.Member(ctx, "DV10"); err == nil {
			t.Fatal("DV10 written although a row was rejected")
		}
	})
	t.Run("ValidRowsOnRequest", func(t *testing.T) {
		mustPress(t, admin, "✅ Nhập 1 dòng hợp lệ")
		waitText(t, admin, "Đã nhập các dòng hợp lệ")
		m, err := h.s.Member(ctx, "DV10")
		if err != nil || m.OrgCode != "CB2" {
			t.Fatalf("%+v %v", m, err)
		}
	})
	t.Run("PressingTwiceImportsOnce", func(t *testing.T) {
		if _, err := admin.PressButton("✅ Nhập 1 dòng hợp lệ"); err == nil {
			waitText(t, admin, "hết hiệu lực")
		}
		var n int
		if err := h.s.DB().Get(&n, `SELECT count(*) FROM audit_log WHERE action = 'import.members' AND actor = 'tg:9001'`); err != nil || n != 1 {
			t.Fatalf("imports audited: %d %v", n, err)
		}
	})
	t.Run("MemberMayNotImport", func(t *testing.T) {
		u := h.linkedUser("DV2", 9002, "Hoa")
		u.SendDocument("ds.csv", "text/csv", []byte(csv), "/nhap")
		waitText(t, u, "không có quyền")
	})
}
