package bot_test

import (
	"context"
	"testing"
	"time"

	"sotay/bot"
	"sotay/storage"
)

// TestRelinkTellsTheOldAccount runs the takeover through the fake Bot API:
// an invite left over from before the link is refused with the generic
// answer, and only a relink invite moves the handbook, which the old
// account is told about through the outbox.
func TestRelinkTellsTheOldAccount(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	h.grant("DV1", storage.RoleSecretary, "CB1")
	first, leftover := h.invite("DV1"), h.invite("DV1")
	old := h.tg.User(6001, "Minh")
	old.SendText("/start " + first)
	waitText(t, old, "Đã liên kết tài khoản với đồng chí Lò Văn Minh")
	waitText(t, old, "Sổ tay đảng viên") // sent after the chat's command menu

	attacker := h.tg.User(6002, "Kẻ lạ")
	attacker.SendText("/start " + leftover)
	waitText(t, attacker, "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn")
	if code := linkedTo(t, h.s, 6002); code != "" {
		t.Fatalf("an old invite took %s over", code)
	}

	dv1, _ := h.s.Member(ctx, "DV1")
	tok, err := h.s.CreateRelinkInvite(ctx, dv1.ID, 0, "cli")
	if err != nil {
		t.Fatal(err)
	}
	fresh := h.tg.User(6003, "Minh (máy mới)")
	fresh.SendText("/start " + tok)
	waitText(t, fresh, "Đã liên kết tài khoản với đồng chí Lò Văn Minh")
	waitText(t, old, "vừa được chuyển sang một tài khoản Telegram khác")
	if code := linkedTo(t, h.s, 6003); code != "DV1" {
		t.Fatalf("new account linked to %q", code)
	}
	if code := linkedTo(t, h.s, 6001); code != "" {
		t.Fatalf("old account still linked to %s", code)
	}
	// The old chat loses the secretary's command menu.
	deadline := time.Now().Add(wait)
	for hasCommand(h.tg.Commands()["chat:6001"], "moi") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if cmds := h.tg.Commands()["chat:6001"]; hasCommand(cmds, "moi") || !hasCommand(cmds, "menu") {
		t.Fatalf("old chat's commands %+v", cmds)
	}
}
