package main

import (
	"context"
	"strings"
	"testing"
)

// TestGrantRevokesOpenInvites: a new role voids the member's open invites,
// which were made for the member without it, and sotay grant says so.
func TestGrantRevokesOpenInvites(t *testing.T) {
	dsn, env := seeded(t)
	s := open(t, dsn)
	mustRun(t, env, "invite", "--member", "DV0001", "--bot-username", "sotay_test_bot")
	r := mustRun(t, env, "grant", "--member", "DV0001", "--role", "admin", "--org", "BINHLU")
	if !strings.Contains(r.stdout, "Đã thu hồi 1 mã mời làm trước khi giao vai trò; nếu cần, tạo mã mới: sotay invite --member DV0001") {
		t.Fatalf("%+v", r)
	}
	if n, err := s.OpenInvites(context.Background(), "DV0001"); err != nil || n != 0 {
		t.Fatalf("%d open invites (%v)", n, err)
	}
	t.Run("SameRoleAgainRevokesNothing", func(t *testing.T) {
		mustRun(t, env, "invite", "--member", "DV0001", "--bot-username", "sotay_test_bot")
		r := mustRun(t, env, "grant", "--member", "DV0001", "--role", "admin", "--org", "BINHLU")
		if strings.Contains(r.stdout, "thu hồi") {
			t.Fatalf("%+v", r)
		}
		if n, _ := s.OpenInvites(context.Background(), "DV0001"); n != 1 {
			t.Fatalf("%d open invites", n)
		}
	})
}
