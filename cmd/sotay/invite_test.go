package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
)

// TestInviteRelink: moving a linked member to another Telegram account is
// the explicit --relink, never an ordinary invite.
func TestInviteRelink(t *testing.T) {
	ctx := context.Background()
	dsn, env := seeded(t)
	s := open(t, dsn)
	dv1, err := s.Member(ctx, "DV0001")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.LinkTelegram(ctx, dv1.ID, 7001); err != nil {
		t.Fatal(err)
	}
	t.Run("OrdinaryInviteOfLinkedMemberRefused", func(t *testing.T) {
		r := run(t, env, "invite", "--member", "DV0001", "--bot-username", "sotay_test_bot")
		if r.code == 0 || !strings.Contains(r.stderr, "đã liên kết tài khoản Telegram") || !strings.Contains(r.stderr, "--relink") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("RelinkOfUnlinkedMemberRefused", func(t *testing.T) {
		r := run(t, env, "invite", "--member", "DV0002", "--relink", "--bot-username", "sotay_test_bot")
		if r.code == 0 || !strings.Contains(r.stderr, "chưa liên kết") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("RelinkOnlyWithMember", func(t *testing.T) {
		r := run(t, env, "invite", "--org", "BINHLU", "--relink", "--bot-username", "sotay_test_bot")
		if r.code == 0 || !strings.Contains(r.stderr, "--relink chỉ dùng với --member") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("RelinkMovesAndIsAudited", func(t *testing.T) {
		r := run(t, env, "invite", "--member", "DV0001", "--relink", "--bot-username", "sotay_test_bot")
		m := regexp.MustCompile(`^DV0001\thttps://t\.me/sotay_test_bot\?start=([A-Za-z0-9_-]{24})\n$`).FindStringSubmatch(r.stdout)
		if r.code != 0 || m == nil {
			t.Fatalf("%+v", r)
		}
		red, err := s.RedeemInvite(ctx, m[1], 7002)
		if err != nil || red.PreviousTelegramID == nil || *red.PreviousTelegramID != 7001 {
			t.Fatalf("got %+v %v", red, err)
		}
		log, err := s.AuditLog(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		var created, moved bool
		for _, a := range log {
			created = created || (a.Action == "invite.relink" && a.Actor == "cli" && a.Subject == "DV0001")
			moved = moved || (a.Action == "member.relink" && a.Actor == "cli" && strings.Contains(a.Details, `"new_telegram_id": 7002`))
		}
		if !created || !moved {
			t.Fatalf("audit %+v", log)
		}
	})
}

// TestInviteWrongOutMakesNoInvite: --out is checked before any invite is
// made, so a mistyped file name leaves no unused links behind.
func TestInviteWrongOutMakesNoInvite(t *testing.T) {
	dsn, env := seeded(t)
	s := open(t, dsn)
	r := run(t, env, "invite", "--org", "BINHLU", "--out", "ma-moi.csv", "--bot-username", "sotay_test_bot")
	if r.code == 0 || !strings.Contains(r.stderr, "--out phải là tệp .xlsx") {
		t.Fatalf("%+v", r)
	}
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM invites`); err != nil || n != 0 {
		t.Fatalf("%d invites made (%v)", n, err)
	}
}
