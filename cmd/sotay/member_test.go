package main

import (
	"context"
	"strings"
	"testing"

	"sotay/storage"
)

// TestMemberLeave: sotay member leave makes a member inactive with the
// reason, unlinks them, revokes their invites and roles, and says so; bad
// input is answered in Vietnamese and changes nothing (issue 17, item 5a).
func TestMemberLeave(t *testing.T) {
	ctx := context.Background()
	dsn, env := seeded(t)
	s := open(t, dsn)
	dv1, _ := s.Member(ctx, "DV0001")
	if err := s.LinkTelegram(ctx, dv1.ID, 7101); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, "grant", "--member", "DV0001", "--role", "secretary", "--org", "CBNAHIEN")
	dv2, _ := s.Member(ctx, "DV0002")
	if _, err := s.CreateInvite(ctx, dv2.ID, 0, "cli"); err != nil {
		t.Fatal(err)
	}

	t.Run("Help", func(t *testing.T) {
		for _, args := range [][]string{{"member", "-h"}, {"member", "leave", "-h"}} {
			r := run(t, env, args...)
			if r.code != 0 || !strings.Contains(r.stdout, "Cách dùng:") || !strings.Contains(r.stdout, "thôi sinh hoạt") {
				t.Fatalf("%v: %+v", args, r)
			}
			if m := english.FindString(r.stdout); m != "" {
				t.Fatalf("English %q in:\n%s", m, r.stdout)
			}
		}
	})
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"NoReason", []string{"member", "leave", "DV0001"}, "hãy ghi lý do thôi sinh hoạt bằng --reason"},
		{"BlankReason", []string{"member", "leave", "DV0001", "--reason", "  "}, "hãy ghi lý do thôi sinh hoạt bằng --reason"},
		{"NoCode", []string{"member", "leave", "--reason", "từ trần"}, "cách dùng: sotay member leave MÃ --reason LÝ_DO"},
		{"UnknownCode", []string{"member", "leave", "DV9999", "--reason", "từ trần"}, "không có đảng viên mã DV9999"},
		{"LongReason", []string{"member", "leave", "DV0001", "--reason", strings.Repeat("x", storage.MaxLeaveReason+1)}, "Lý do dài quá 200 ký tự"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, env, c.args...)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("want %q: %+v", c.want, r)
			}
			if m, _ := s.Member(ctx, "DV0001"); !m.Active || !m.Linked() {
				t.Fatalf("DV0001 changed: %+v", m)
			}
		})
	}
	t.Run("Leaves", func(t *testing.T) {
		r := mustRun(t, env, "member", "leave", "DV0001", "--reason", "đã chuyển đi")
		for _, want := range []string{"Đã ghi đồng chí Lò Văn Minh (DV0001, Chi bộ bản Nà Hiên) thôi sinh hoạt: đã chuyển đi.",
			"Đã hủy liên kết tài khoản Telegram", "Đã thu hồi vai trò: Bí thư tại CBNAHIEN.", "được giữ nguyên"} {
			if !strings.Contains(r.stdout, want) {
				t.Fatalf("no %q in %q", want, r.stdout)
			}
		}
		m, _ := s.Member(ctx, "DV0001")
		if m.Active || m.Linked() || m.LeftReason != "đã chuyển đi" {
			t.Fatalf("DV0001 %+v", m)
		}
		log, _ := s.AuditLog(ctx, 1)
		if len(log) != 1 || log[0].Action != "member.leave" || log[0].Actor != "cli" || log[0].Subject != "DV0001" ||
			!strings.Contains(log[0].Details, `"reason": "đã chuyển đi"`) {
			t.Fatalf("audit %+v", log)
		}
	})
	t.Run("InvitesRevoked", func(t *testing.T) {
		r := mustRun(t, env, "member", "leave", "DV0002", "--reason", "từ trần")
		if !strings.Contains(r.stdout, "Đã thu hồi 1 mã mời") || strings.Contains(r.stdout, "hủy liên kết") {
			t.Fatalf("%+v", r)
		}
	})
	t.Run("AlreadyLeft", func(t *testing.T) {
		r := run(t, env, "member", "leave", "DV0001", "--reason", "từ trần")
		if r.code == 0 || !strings.Contains(r.stderr, "đảng viên DV0001 (Lò Văn Minh) đã thôi sinh hoạt từ ngày") || !strings.Contains(r.stderr, "(đã chuyển đi)") {
			t.Fatalf("%+v", r)
		}
		if m, _ := s.Member(ctx, "DV0001"); m.LeftReason != "đã chuyển đi" {
			t.Fatalf("the reason changed: %+v", m)
		}
	})
}

// TestImportStatusLeaves: a roster row with a status of leaving, with or
// without diacritics, makes the member leave through sotay import members.
func TestImportStatusLeaves(t *testing.T) {
	dsn, env := seeded(t)
	s := open(t, dsn)
	r := mustRun(t, env, "import", "members", write(t, "m.csv",
		"Mã đảng viên,Họ và tên,Mã chi bộ,Trạng thái\nDV0002,Hoàng Thị Hoa,CBNAHIEN,Tu tran\nDV0003,Giàng A Páo,CBPAPAO,Đã chuyển đi\n"))
	if !strings.Contains(r.stdout, "Thôi sinh hoạt: từ trần.") || !strings.Contains(r.stdout, "Thôi sinh hoạt: 2 đảng viên") {
		t.Fatalf("%+v", r)
	}
	for code, reason := range map[string]string{"DV0002": "từ trần", "DV0003": "đã chuyển đi"} {
		if m, _ := s.Member(context.Background(), code); m.Active || m.LeftReason != reason {
			t.Fatalf("%s %+v", code, m)
		}
	}
}

// TestInviteUnlink: sotay invite --unlink frees a member's Telegram account,
// tells it through the outbox and audits it; the account may link again.
func TestInviteUnlink(t *testing.T) {
	ctx := context.Background()
	dsn, env := seeded(t)
	s := open(t, dsn)
	dv1, _ := s.Member(ctx, "DV0001")
	if err := s.LinkTelegram(ctx, dv1.ID, 7201); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"UnknownCode", []string{"invite", "--unlink", "DV9999"}, "không có đảng viên mã DV9999"},
		{"NotLinked", []string{"invite", "--unlink", "DV0002"}, "đảng viên DV0002 (Hoàng Thị Hoa) chưa liên kết tài khoản Telegram nào"},
		{"WithMember", []string{"invite", "--unlink", "DV0001", "--member", "DV0001"}, "hãy ghi đúng một trong --member MÃ, --org MÃ, --revoke MÃ, --unlink MÃ hoặc --web-logout MÃ"},
		{"WithOut", []string{"invite", "--unlink", "DV0001", "--out", "x.xlsx"}, "--unlink không kèm --out hay --sheet"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := run(t, env, c.args...)
			if r.code == 0 || !strings.Contains(r.stderr, c.want) {
				t.Fatalf("want %q: %+v", c.want, r)
			}
			if m, _ := s.Member(ctx, "DV0001"); !m.Linked() {
				t.Fatal("DV0001 unlinked by a refused command")
			}
		})
	}
	r := mustRun(t, env, "invite", "--unlink", "DV0001")
	if !strings.Contains(r.stdout, "Đã hủy liên kết tài khoản Telegram của DV0001 (Lò Văn Minh, Chi bộ bản Nà Hiên)") ||
		!strings.Contains(r.stdout, "sotay invite --member DV0001") {
		t.Fatalf("%+v", r)
	}
	if m, _ := s.Member(ctx, "DV0001"); m.Linked() {
		t.Fatal("still linked")
	}
	var notice string
	if err := s.DB().Get(&notice, `SELECT text FROM outbox WHERE chat_id = 7201 AND kind = $1`, storage.OutboxNotice); err != nil ||
		!strings.Contains(notice, "không còn liên kết với sổ tay đảng viên của đồng chí <b>Lò Văn Minh</b>") {
		t.Fatalf("notice %q %v", notice, err)
	}
	log, _ := s.AuditLog(ctx, 1)
	if len(log) != 1 || log[0].Action != "member.unlink" || log[0].Actor != "cli" || !strings.Contains(log[0].Details, `"telegram_user_id": 7201`) {
		t.Fatalf("audit %+v", log)
	}
	dv3, _ := s.Member(ctx, "DV0003")
	tok, err := s.CreateInvite(ctx, dv3.ID, 0, "cli")
	if err != nil {
		t.Fatal(err)
	}
	if red, err := s.RedeemInvite(ctx, tok, 7201); err != nil || red.Member.Code != "DV0003" {
		t.Fatalf("the freed account could not link: %v", err)
	}
}
