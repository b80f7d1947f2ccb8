package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// auditOf returns the audit entries of one action on one member, newest first.
func auditOf(t *testing.T, s *storage.Storage, action, code string) []storage.AuditEntry {
	t.Helper()
	log, err := s.AuditLog(context.Background(), 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []storage.AuditEntry
	for _, a := range log {
		if a.Action == action && a.Subject == code {
			out = append(out, a)
		}
	}
	return out
}

// TestLeaveMember: a member who leaves stays on the roster with their
// history, is unlinked, loses open invites and roles, and new campaigns
// skip them (issue 17, item 5a).
func TestLeaveMember(t *testing.T) {
	e := newCampaignEnv(t)
	ctx := context.Background()
	s := e.s
	storagetest.MustGrant(t, s, "A1", storage.RoleSecretary, "CB1")
	a1, _ := s.Member(ctx, "A1")
	relink := mustInvite(t, s, "A1", true)
	first := e.mustPush(t, false, "ROOT")
	if _, _, err := s.MarkStudied(ctx, assignmentOf(t, s, first, "A1"), a1.ID); err != nil {
		t.Fatal(err)
	}

	d, err := s.LeaveMember(ctx, "A1", "  đã chuyển đi ", "cli")
	if err != nil {
		t.Fatal(err)
	}
	if d.Unlinked == nil || *d.Unlinked != 101 || d.RevokedInvites != 1 || strings.Join(d.Roles, ",") != "secretary@CB1" || d.Member.Code != "A1" {
		t.Fatalf("departure %+v", d)
	}
	m, _ := s.Member(ctx, "A1")
	if m.Active || m.Linked() || m.LeftAt == nil || m.LeftReason != "đã chuyển đi" {
		t.Fatalf("member after leaving %+v", m)
	}
	t.Run("HistoryKept", func(t *testing.T) {
		if got := states(t, s, first.ID)["A1"]; got != storage.AssignStudied {
			t.Fatalf("the earlier study is %q", got)
		}
		h, err := s.MemberHistory(ctx, "A1")
		if err != nil || len(h) != 1 || h[0].OrgCode != "CB1" || h[0].To == nil {
			t.Fatalf("membership not closed: %+v %v", h, err)
		}
	})
	t.Run("NewAssignmentsSkipThem", func(t *testing.T) {
		doc := MustInsertDocument(t, s, "22-NQ/TW", storage.DocPublished)
		c, err := s.CreateCampaign(ctx, storage.CampaignInput{DocumentID: doc, OrgIDs: []int64{e.orgs["ROOT"]}, Actor: "test", Message: plainMessage})
		if err != nil {
			t.Fatal(err)
		}
		got := states(t, s, c.ID)
		if _, ok := got["A1"]; ok || len(got) != 4 {
			t.Fatalf("assignments %v", got)
		}
	})
	t.Run("NoRoleNoInviteAndAudited", func(t *testing.T) {
		if roles, err := s.RolesOf(ctx, a1.ID); err != nil || len(roles) != 0 {
			t.Fatalf("roles %+v %v", roles, err)
		}
		mustNotRedeem(t, s, relink, 901)
		log := auditOf(t, s, "member.leave", "A1")
		if len(log) != 1 || log[0].Actor != "cli" || !strings.Contains(log[0].Details, `"reason": "đã chuyển đi"`) ||
			!strings.Contains(log[0].Details, `"telegram_user_id": 101`) || !strings.Contains(log[0].Details, `"roles": ["secretary@CB1"]`) {
			t.Fatalf("audit %+v", log)
		}
	})
	t.Run("TheAccountMayLinkAgain", func(t *testing.T) {
		tok := mustInvite(t, s, "A2", false)
		if red, err := s.RedeemInvite(ctx, tok, 101); err != nil || red.Member.Code != "A2" {
			t.Fatalf("account 101 could not link again: %+v %v", red, err)
		}
	})
	t.Run("BadInputChangesNothing", func(t *testing.T) {
		for _, c := range []struct {
			name, code, reason string
			want               error
		}{
			{"AlreadyLeft", "A1", "từ trần", storage.ErrConflict},
			{"UnknownCode", "ZZ9", "từ trần", storage.ErrNotFound},
			{"EmptyReason", "B1", "  ", storage.ErrInvalid},
			{"LongReason", "B1", strings.Repeat("x", storage.MaxLeaveReason+1), storage.ErrInvalid},
		} {
			_, err := s.LeaveMember(ctx, c.code, c.reason, "cli")
			if !errors.Is(err, c.want) {
				t.Errorf("%s: %v", c.name, err)
			}
			if c.want != storage.ErrNotFound && storage.ErrorMessage(err) == "" {
				t.Errorf("%s: no message for the user in %v", c.name, err)
			}
		}
		if b1, _ := s.Member(ctx, "B1"); !b1.Active || !b1.Linked() {
			t.Fatalf("B1 changed: %+v", b1)
		}
		if log := auditOf(t, s, "member.leave", "A1"); len(log) != 1 {
			t.Fatalf("leaving twice audited: %+v", log)
		}
	})
	t.Run("AnInactiveMemberIsNeverLinked", func(t *testing.T) {
		if _, err := s.DB().Exec(`UPDATE members SET telegram_user_id = 555 WHERE code = 'A1'`); err == nil {
			t.Fatal("the database took a link to a member who left")
		}
	})
}

// TestUnlinkMember: unlinking frees the account for a new link and cuts
// everything the old one had open.
func TestUnlinkMember(t *testing.T) {
	s := storagetest.NewCommune(t)
	ctx := context.Background()
	dv1, _ := s.Member(ctx, "DV1")
	if err := s.LinkTelegram(ctx, dv1.ID, 44); err != nil {
		t.Fatal(err)
	}
	relink := mustInvite(t, s, "DV1", true)
	if err := s.SaveDialog(ctx, 44, "sh", "topic", map[string]any{"d": "nửa chừng"}); err != nil {
		t.Fatal(err)
	}
	u, err := s.UnlinkMember(ctx, dv1.ID, "tg:7")
	if err != nil || u.TelegramUserID != 44 || u.RevokedInvites != 1 || u.Member.Code != "DV1" {
		t.Fatalf("unlink %+v %v", u, err)
	}
	if storagetest.LinkedUser(t, s, "DV1") != 0 {
		t.Fatal("still linked")
	}
	if _, err := s.Dialog(ctx, 44); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("the old account's dialog is left: %v", err)
	}
	mustNotRedeem(t, s, relink, 45)
	log := auditOf(t, s, "member.unlink", "DV1")
	if len(log) != 1 || log[0].Actor != "tg:7" || !strings.Contains(log[0].Details, `"telegram_user_id": 44`) {
		t.Fatalf("audit %+v", log)
	}
	if _, err := s.UnlinkMember(ctx, dv1.ID, "tg:7"); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("second unlink: %v", err)
	}
	if red, err := s.RedeemInvite(ctx, mustInvite(t, s, "DV1", false), 44); err != nil || red.Member.Code != "DV1" {
		t.Fatalf("account 44 could not link again: %v", err)
	}
}

// TestImportStatusMakesMembersLeave: a roster row whose status is đã chuyển
// đi, từ trần or thôi sinh hoạt makes the member leave with that reason,
// once; a later row without it brings the member back.
func TestImportStatusMakesMembersLeave(t *testing.T) {
	s := storagetest.NewCommune(t)
	ctx := context.Background()
	dv2, _ := s.Member(ctx, "DV2")
	if err := s.LinkTelegram(ctx, dv2.ID, 43); err != nil {
		t.Fatal(err)
	}
	open := mustInvite(t, s, "DV3", false)
	rows := []storage.MemberInput{
		{Line: 2, Code: "DV2", FullName: "Hoàng Thị Hoa", OrgCode: "CB1", Leave: "từ trần"},
		{Line: 3, Code: "DV3", FullName: "Giàng A Páo", OrgCode: "CB2", Leave: "đã chuyển đi"},
		{Line: 4, Code: "DV4", FullName: "Vừ A Dính", OrgCode: "CB2", Leave: "thôi sinh hoạt"},
		{Line: 5, Code: "DV1", FullName: "Lò Văn Minh", OrgCode: "CB1"},
	}
	t.Run("RejectedRowsLeaveNobody", func(t *testing.T) {
		bad := []storage.ImportRow{{Line: 6, Code: "X", Result: storage.ImportRejected, Reason: "x"}}
		if rep, err := s.ImportMembers(ctx, rows, bad, storage.ImportOptions{Actor: "cli"}); err != nil || rep.Written {
			t.Fatalf("%+v %v", rep, err)
		}
		if m, _ := s.Member(ctx, "DV2"); !m.Active || !m.Linked() {
			t.Fatalf("DV2 left from a refused file: %+v", m)
		}
	})
	rep, err := s.ImportMembers(ctx, rows, nil, storage.ImportOptions{Actor: "tg:9"})
	if err != nil || rep.Updated != 2 || rep.Created != 1 || rep.Unchanged != 1 || rep.Left != 3 {
		t.Fatalf("import %+v %v", rep, err)
	}
	if rep.Rows[0].Reason != "Thôi sinh hoạt: từ trần." || rep.Rows[3].Reason != "" {
		t.Fatalf("rows %+v", rep.Rows)
	}
	for code, reason := range map[string]string{"DV2": "từ trần", "DV3": "đã chuyển đi", "DV4": "thôi sinh hoạt"} {
		m, _ := s.Member(ctx, code)
		if m.Active || m.Linked() || m.LeftReason != reason {
			t.Errorf("%s: %+v", code, m)
		}
		if log := auditOf(t, s, "member.leave", code); len(log) != 1 || log[0].Actor != "tg:9" || !strings.Contains(log[0].Details, `"reason": "`+reason+`"`) {
			t.Errorf("%s audit %+v", code, log)
		}
	}
	mustNotRedeem(t, s, open, 46)
	if red, err := s.RedeemInvite(ctx, mustInvite(t, s, "DV1", false), 43); err != nil || red.Member.Code != "DV1" {
		t.Fatalf("DV2's account could not link again: %v", err)
	}
	t.Run("SameFileAgainUnchanged", func(t *testing.T) {
		rep, err := s.ImportMembers(ctx, rows, nil, storage.ImportOptions{Actor: "tg:9"})
		if err != nil || rep.Unchanged != 4 {
			t.Fatalf("%+v %v", rep, err)
		}
		if log := auditOf(t, s, "member.leave", "DV2"); len(log) != 1 {
			t.Fatalf("left twice: %+v", log)
		}
	})
	t.Run("RowWithoutLeavingBringsBack", func(t *testing.T) {
		back := []storage.MemberInput{{Line: 2, Code: "DV3", FullName: "Giàng A Páo", OrgCode: "CB2", Status: storage.StatusOfficial}}
		if rep, err := s.ImportMembers(ctx, back, nil, storage.ImportOptions{}); err != nil || rep.Updated != 1 {
			t.Fatalf("%+v %v", rep, err)
		}
		m, _ := s.Member(ctx, "DV3")
		h, _ := s.MemberHistory(ctx, "DV3")
		if !m.Active || m.LeftAt != nil || m.LeftReason != "" || len(h) != 2 || h[0].To == nil || h[1].To != nil {
			t.Fatalf("not back: %+v, history %+v", m, h)
		}
	})
}

// TestMigrationUnlinksInactiveMembers: migration 13 frees the accounts of
// members made inactive before it, whose accounts could never link again.
func TestMigrationUnlinksInactiveMembers(t *testing.T) {
	s := storagetest.NewCommune(t)
	ctx := context.Background()
	dv1, _ := s.Member(ctx, "DV1")
	if _, err := s.CreateInvite(ctx, dv1.ID, 0, "test"); err != nil {
		t.Fatal(err)
	}
	// Back to the schema before 13: every later migration's down, newest first.
	for v := storage.SchemaVersion(); v >= 13; v-- {
		downs, err := fs.Glob(storage.Migrations(), fmt.Sprintf("migrations/%04d_*.down.sql", v))
		if ups, _ := fs.Glob(storage.Migrations(), fmt.Sprintf("migrations/%04d_*.up.sql", v)); len(ups) == 0 && len(downs) == 0 {
			continue // a number no migration took (numbers are handed out per branch)
		}
		if err != nil || len(downs) != 1 {
			t.Fatalf("down file of %d: %v %v", v, downs, err)
		}
		down, err := fs.ReadFile(storage.Migrations(), downs[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.DB().Exec(string(down)); err != nil {
			t.Fatalf("%s: %v", downs[0], err)
		}
	}
	if _, err := s.DB().Exec(`UPDATE schema_migrations SET version = 12;
		UPDATE members SET active = false, telegram_user_id = 77 WHERE code = 'DV1'`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if storagetest.LinkedUser(t, s, "DV1") != 0 {
		t.Fatal("the inactive member is still linked")
	}
	assertNoOpenInvites(t, s, dv1.ID)
	if log := auditOf(t, s, "member.unlink", "DV1"); len(log) != 1 || log[0].Actor != "migration" || !strings.Contains(log[0].Details, `"telegram_user_id": 77`) {
		t.Fatalf("audit %+v", log)
	}
	if red, err := s.RedeemInvite(ctx, mustInvite(t, s, "DV2", false), 77); err != nil || red.Member.Code != "DV2" {
		t.Fatalf("account 77 could not link again: %v", err)
	}
}

func assertNoOpenInvites(t *testing.T, s *storage.Storage, memberID int64) {
	t.Helper()
	var n int
	if err := s.DB().Get(&n, `SELECT count(*) FROM invites WHERE member_id = $1 AND used_at IS NULL AND revoked_at IS NULL`, memberID); err != nil || n != 0 {
		t.Fatalf("%d open invites (%v)", n, err)
	}
}
