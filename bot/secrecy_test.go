package bot_test

import (
	"context"
	"strings"
	"testing"

	"sotay/bot"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// TestPublishSecretPDFRefused: through the fake Bot API, a PDF whose first
// page is stamped "TỐI MẬT" is fetched from Telegram, refused with the
// request to delete the upload, and not published; the caption's title
// with a bidi override is stored without it when the same admin publishes
// an unstamped file.
func TestPublishSecretPDFRefused(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	admin := h.linkedUser("DV2", 4101, "Hoa")
	h.grant("DV2", storage.RoleAdmin, "ROOT")

	admin.SendDocument("nq01.pdf", "application/pdf", storagetest.PDF(t, "ĐẢNG BỘ XÃ BÌNH LƯ\nTỐI MẬT\nNGHỊ QUYẾT"),
		"/dang 01-NQ/ĐU | Nghị quyết về nhiệm vụ quốc phòng | Đảng ủy xã | 01/03/2024")
	m := waitText(t, admin, "«TỐI MẬT»")
	for _, want := range []string{"trang đầu của tệp PDF", "đã nằm trên Telegram", "xóa ngay tin nhắn"} {
		if !strings.Contains(m.Plain, want) {
			t.Fatalf("no %q in %q", want, m.Plain)
		}
	}
	if _, err := h.s.DocumentByNumber(ctx, "01-NQ/ĐU", ""); storage.ErrorCode(err) != storage.CodeNotFound {
		t.Fatalf("stored: %v", err)
	}

	admin.SendDocument("nq02.pdf", "application/pdf", storagetest.PDF(t, "NGHỊ QUYẾT\nvề giữ bí mật nhà nước", "MẬT"),
		"/dang 02-NQ/ĐU | Nghị quyết về \u202egiữ bí mật\u202c nhà nước | Đảng ủy xã | 01/03/2024")
	waitText(t, admin, "Bước 1/3")
	mustPress(t, admin, "✅ Nghị quyết (theo số hiệu)")
	waitText(t, admin, "Bước 2/3")
	mustPress(t, admin, "⏭ Bỏ qua")
	waitText(t, admin, "Bước 3/3")
	mustPress(t, admin, "✅ Đăng")
	waitText(t, admin, "Đã đăng")
	d, err := h.s.DocumentByNumber(ctx, "02-NQ/ĐU", "")
	if err != nil || d.Title != "Nghị quyết về giữ bí mật nhà nước" {
		t.Fatalf("published %q %v", d.Title, err)
	}
}
