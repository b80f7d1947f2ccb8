package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"sotay/bot"
	"sotay/bot/telegramtest"
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

// TestRelinkEscalationRefused runs issue 17's escalation through the fake
// Bot API: the secretary of a cell of which the commune's admin is a
// member is not offered the admin's account in /moi, and forged presses
// naming it (show, relink, unlink) get the plain refusal and change
// nothing. Before, the secretary could make a relink link for the admin,
// open it on a second account and hold the admin's powers.
func TestRelinkEscalationRefused(t *testing.T) {
	h := start(t, bot.Config{})
	ctx := context.Background()
	h.grant("DV1", storage.RoleAdmin, "ROOT")
	h.grant("DV2", storage.RoleSecretary, "CB1")
	h.linkedUser("DV1", 6101, "Minh")
	sec := h.linkedUser("DV2", 6102, "Hoa")
	dv1, _ := h.s.Member(ctx, "DV1")

	sec.SendText("/moi")
	waitText(t, sec, "Mọi đảng viên trong phạm vi của đồng chí đều đã liên kết")
	if _, err := sec.PressButton("🔁 Đổi tài khoản Telegram"); err != nil {
		t.Fatal(err)
	}
	list := waitText(t, sec, "không có đảng viên nào đã liên kết tài khoản Telegram mà đồng chí có thể đổi")
	if slices.ContainsFunc(list.Buttons(), func(b string) bool { return strings.Contains(b, "Lò Văn Minh") }) {
		t.Fatalf("the admin's account is offered: %q", list.Buttons())
	}
	telegramtest.Eventually(t, wait, "the answer to the list button", func() bool { return len(sec.CallbackAnswers()) == 1 })
	pressed := 1
	for _, data := range []string{"moi:c", "moi:r", "moi:u", "moi:x"} {
		sec.Press(list.ID, fmt.Sprintf("%s:%d", data, dv1.ID))
		pressed++
		telegramtest.Eventually(t, wait, "an answer to "+data, func() bool { return len(sec.CallbackAnswers()) >= pressed })
		ans := sec.CallbackAnswers()[pressed-1]
		if !ans.ShowAlert || !strings.Contains(ans.Text, "Đồng chí Lò Văn Minh giữ vai trò Quản trị tại Đảng bộ xã Bình Lư, ngang hoặc cao hơn vai trò của đồng chí") ||
			!strings.Contains(ans.Text, "do cán bộ hoặc quản trị cấp trên làm") {
			t.Fatalf("%s answered %+v", data, ans)
		}
	}
	var n int
	if err := h.s.DB().Get(&n, `SELECT count(*) FROM invites WHERE member_id = $1 AND created_by = 'tg:6102'`, dv1.ID); err != nil || n != 0 {
		t.Fatalf("forged presses made %d invites (%v)", n, err)
	}
	if code := linkedTo(t, h.s, 6101); code != "DV1" {
		t.Fatalf("the admin's account is linked to %q", code)
	}
}
