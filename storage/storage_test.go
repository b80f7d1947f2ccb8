package storage_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"time"

	"sotay/storage"
	"sotay/storage/storagetest"
)

func orgs() []storage.OrgInput {
	return []storage.OrgInput{
		// Children before parents: the import must order them itself.
		{Line: 2, Code: "CB1", Name: "Chi bộ thôn 1", Kind: storage.KindChiBo, ParentCode: "DBCS"},
		{Line: 3, Code: "DBCS", Name: "Đảng bộ Trường học", Kind: storage.KindDangBo, ParentCode: "ROOT"},
		{Line: 4, Code: "ROOT", Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},
		{Line: 5, Code: "CB2", Name: "Chi bộ bản Nà Hiên", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}
}

func MustImportOrgs(t *testing.T, s *storage.Storage) {
	t.Helper()
	rep, err := s.ImportOrgs(context.Background(), orgs(), nil, storage.ImportOptions{Actor: "test"})
	if err != nil || !rep.Written || rep.Created != 4 {
		t.Fatalf("import orgs: %+v %v", rep, err)
	}
}

func TestImportOrgs(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	MustImportOrgs(t, s)

	t.Run("SecondImportUnchanged", func(t *testing.T) {
		rep, err := s.ImportOrgs(ctx, orgs(), nil, storage.ImportOptions{})
		if err != nil || rep.Unchanged != 4 || rep.Created+rep.Updated != 0 {
			t.Fatalf("got %+v %v", rep, err)
		}
	})
	t.Run("RenameKeepsHistory", func(t *testing.T) {
		in := orgs()
		in[3].Name = "Chi bộ bản Nà Hiên mới"
		rep, err := s.ImportOrgs(ctx, in, nil, storage.ImportOptions{})
		if err != nil || rep.Updated != 1 {
			t.Fatalf("got %+v %v", rep, err)
		}
		h, err := s.OrganisationHistory(ctx, "CB2")
		if err != nil || len(h) != 2 || h[1].Change != "renamed" || h[1].OldValue != "Chi bộ bản Nà Hiên" {
			t.Fatalf("history %+v %v", h, err)
		}
	})
	t.Run("BadRowWritesNothing", func(t *testing.T) {
		in := []storage.OrgInput{
			{Line: 2, Code: "CB9", Name: "Chi bộ 9", Kind: storage.KindChiBo, ParentCode: "ROOT"},
			{Line: 3, Code: "CB10", Name: "Chi bộ 10", Kind: storage.KindChiBo, ParentCode: "NOPE"},
			{Line: 4, Code: "CB11", Name: "Chi bộ 11", Kind: storage.KindChiBo, ParentCode: "CB1"},
		}
		rep, err := s.ImportOrgs(ctx, in, nil, storage.ImportOptions{})
		if err != nil || rep.Written || rep.Rejected != 2 {
			t.Fatalf("got %+v %v", rep, err)
		}
		if _, err := s.Organisation(ctx, "CB9"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("CB9 written although a row was rejected: %v", err)
		}
		rep, err = s.ImportOrgs(ctx, in, nil, storage.ImportOptions{SkipInvalid: true})
		if err != nil || !rep.Written || rep.Created != 1 {
			t.Fatalf("skip invalid: %+v %v", rep, err)
		}
	})
	t.Run("CycleRejected", func(t *testing.T) {
		in := []storage.OrgInput{
			{Line: 2, Code: "X1", Name: "Đảng bộ X1", Kind: storage.KindDangBo, ParentCode: "X2"},
			{Line: 3, Code: "X2", Name: "Đảng bộ X2", Kind: storage.KindDangBo, ParentCode: "X1"},
		}
		rep, err := s.ImportOrgs(ctx, in, nil, storage.ImportOptions{})
		if err != nil || rep.Rejected != 2 || rep.Written {
			t.Fatalf("got %+v %v", rep, err)
		}
	})
	t.Run("SecondRootRejected", func(t *testing.T) {
		in := []storage.OrgInput{
			{Line: 2, Code: "CB12", Name: "Chi bộ 12", Kind: storage.KindChiBo, ParentCode: "ROOT"},
			{Line: 3, Code: "XA2", Name: "Đảng bộ xã khác", Kind: storage.KindDangBo},
			{Line: 4, Code: "CB13", Name: "Chi bộ 13", Kind: storage.KindChiBo, ParentCode: "XA2"},
			// An organisation already stored, taken out from under its parent.
			{Line: 5, Code: "CB2", Name: "Chi bộ bản Nà Hiên", Kind: storage.KindChiBo},
		}
		rep, err := s.ImportOrgs(ctx, in, nil, storage.ImportOptions{})
		if err != nil || rep.Written || rep.Rejected != 3 {
			t.Fatalf("got %+v %v", rep, err)
		}
		for _, r := range rep.Rows {
			if r.Code == "XA2" && (r.Line != 3 || r.Result != storage.ImportRejected || !strings.Contains(r.Reason, "một tổ chức gốc là ROOT")) {
				t.Errorf("second root: %+v", r)
			}
			if r.Code == "CB2" && (r.Result != storage.ImportRejected || !strings.Contains(r.Reason, "Mã cấp trên")) {
				t.Errorf("moved to the top: %+v", r)
			}
			if r.Code == "CB13" && (r.Result != storage.ImportRejected || !strings.Contains(r.Reason, "dòng 3")) {
				t.Errorf("child of the second root: %+v", r)
			}
		}
		if _, err := s.Organisation(ctx, "XA2"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("second root written: %v", err)
		}
		if cb2, _ := s.Organisation(ctx, "CB2"); cb2.ParentCode != "ROOT" {
			t.Fatalf("CB2 moved to %q", cb2.ParentCode)
		}
	})
	t.Run("DatabaseRefusesSecondRoot", func(t *testing.T) {
		_, err := s.DB().Exec(`INSERT INTO organisations (code, name, kind, created_at) VALUES ('XA3', 'Đảng bộ xã khác', 'dang_bo', now())`)
		if err == nil || !strings.Contains(err.Error(), "organisations_one_root_idx") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("Subtree", func(t *testing.T) {
		root, _ := s.Organisation(ctx, "ROOT")
		sub, err := s.Subtree(ctx, root.ID)
		if err != nil || len(sub) != 5 || sub[0].Code != "ROOT" {
			t.Fatalf("subtree %+v %v", sub, err)
		}
		dbcs, _ := s.Organisation(ctx, "DBCS")
		cb1, _ := s.Organisation(ctx, "CB1")
		cb2, _ := s.Organisation(ctx, "CB2")
		if ok, _ := s.InSubtree(ctx, dbcs.ID, cb1.ID); !ok {
			t.Error("CB1 should be below DBCS")
		}
		if ok, _ := s.InSubtree(ctx, dbcs.ID, cb2.ID); ok {
			t.Error("CB2 is not below DBCS")
		}
	})
}

// Organisation rows built without the roster parser meet its rules too.
func TestImportOrgsHoldsRowsToTheRosterRules(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	MustImportOrgs(t, s)
	later := time.Now().AddDate(0, 1, 0)
	rep, err := s.ImportOrgs(ctx, []storage.OrgInput{
		{Line: 2, Code: "CB/7", Name: "Chi bộ bảy", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 3, Code: "CB8", Name: "Chi bộ tám", Kind: "to_dang", ParentCode: "ROOT"},
		{Line: 4, Code: "CB9", Name: "Chi bộ chín", Kind: storage.KindChiBo, ParentCode: "CB9"},
		{Line: 5, Code: "CB10", Name: "Chi bộ mười", Kind: storage.KindChiBo, ParentCode: "ROOT", FoundedOn: &later},
	}, nil, storage.ImportOptions{})
	if err != nil || rep.Written || rep.Rejected != 3 {
		t.Fatalf("got %+v %v", rep, err)
	}
	for i, want := range []string{`Loại tổ chức "to_dang" không hợp lệ`, "trùng với chính mã tổ chức", "ở tương lai"} {
		if r := rep.Rows[i+1]; r.Result != storage.ImportRejected || !strings.Contains(r.Reason, want) {
			t.Errorf("row %d: %+v, want %q", r.Line, r, want)
		}
	}
}

func TestImportOrgsOneRootPerFile(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	in := []storage.OrgInput{
		{Line: 2, Code: "CB1", Name: "Chi bộ 1", Kind: storage.KindChiBo, ParentCode: "XA1"},
		{Line: 3, Code: "XA1", Name: "Đảng bộ xã Bình Lư", Kind: storage.KindDangBo},
		{Line: 4, Code: "XA2", Name: "Đảng bộ xã khác", Kind: storage.KindDangBo},
	}
	rep, err := s.ImportOrgs(ctx, in, nil, storage.ImportOptions{})
	if err != nil || rep.Written || rep.Rejected != 1 || rep.Rows[2].Code != "XA2" || !strings.Contains(rep.Rows[2].Reason, "XA1 (ở dòng 3)") {
		t.Fatalf("got %+v %v", rep, err)
	}
	rep, err = s.ImportOrgs(ctx, in, nil, storage.ImportOptions{SkipInvalid: true})
	if err != nil || !rep.Written || rep.Created != 2 {
		t.Fatalf("skip invalid: %+v %v", rep, err)
	}
	var roots []string
	if err := s.DB().Select(&roots, `SELECT code FROM organisations WHERE parent_id IS NULL`); err != nil || len(roots) != 1 || roots[0] != "XA1" {
		t.Fatalf("roots %q %v", roots, err)
	}
}

func members() []storage.MemberInput {
	return []storage.MemberInput{
		{Line: 2, Code: "DV001", FullName: "Lò Văn Minh", OrgCode: "CB1", Gender: storage.GenderMale, BirthYear: 1980, Ethnicity: "Thái", Status: storage.StatusOfficial, Phone: "0912000001"},
		{Line: 3, Code: "DV002", FullName: "Hoàng Thị Hoa", OrgCode: "CB2", Gender: storage.GenderFemale, Status: storage.StatusProbationary, Phone: "0912000002"},
	}
}

// newWithMembers is a new database with orgs() and members() imported.
func newWithMembers(t *testing.T, opts ...storage.Option) *storage.Storage {
	t.Helper()
	s := storagetest.New(t, opts...)
	MustImportOrgs(t, s)
	storagetest.MustImport(t, s, nil, members())
	return s
}

func TestImportMembers(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	MustImportOrgs(t, s)
	rep, err := s.ImportMembers(ctx, members(), nil, storage.ImportOptions{Actor: "test"})
	if err != nil || rep.Created != 2 || !rep.Written {
		t.Fatalf("import: %+v %v", rep, err)
	}
	t.Run("Idempotent", func(t *testing.T) {
		rep, err := s.ImportMembers(ctx, members(), nil, storage.ImportOptions{})
		if err != nil || rep.Unchanged != 2 {
			t.Fatalf("got %+v %v", rep, err)
		}
	})
	t.Run("BlankOptionalKeepsStored", func(t *testing.T) {
		in := members()[:1]
		in[0].Phone, in[0].BirthYear, in[0].Status = "", 0, ""
		rep, err := s.ImportMembers(ctx, in, nil, storage.ImportOptions{})
		if err != nil || rep.Unchanged != 1 {
			t.Fatalf("got %+v %v", rep, err)
		}
		m, _ := s.Member(ctx, "DV001")
		if m.Phone != "0912000001" || m.BirthYear == nil || *m.BirthYear != 1980 {
			t.Fatalf("stored fields lost: %+v", m)
		}
	})
	t.Run("MoveKeepsHistory", func(t *testing.T) {
		in := members()[:1]
		in[0].OrgCode = "CB2"
		rep, err := s.ImportMembers(ctx, in, nil, storage.ImportOptions{})
		if err != nil || rep.Updated != 1 {
			t.Fatalf("got %+v %v", rep, err)
		}
		h, err := s.MemberHistory(ctx, "DV001")
		if err != nil || len(h) != 2 || h[0].OrgCode != "CB1" || h[0].To == nil || h[1].OrgCode != "CB2" || h[1].To != nil {
			t.Fatalf("history %+v %v", h, err)
		}
	})
	t.Run("UnknownOrgRejectsAll", func(t *testing.T) {
		in := []storage.MemberInput{
			{Line: 2, Code: "DV100", FullName: "Mới Một", OrgCode: "CB1"},
			{Line: 3, Code: "DV101", FullName: "Mới Hai", OrgCode: "KHONGCO"},
			{Line: 4, Code: "DV102", FullName: "Mới Ba", OrgCode: "DBCS"},
		}
		parseRejected := []storage.ImportRow{{Line: 5, Code: "DV103", Result: storage.ImportRejected, Reason: "x"}}
		rep, err := s.ImportMembers(ctx, in, parseRejected, storage.ImportOptions{})
		if err != nil || rep.Written || rep.Rejected != 3 || len(rep.Rows) != 4 || rep.Rows[3].Line != 5 {
			t.Fatalf("got %+v %v", rep, err)
		}
		if _, err := s.Member(ctx, "DV100"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("DV100 written: %v", err)
		}
	})
	t.Run("RowsTheRosterRefusesRejected", func(t *testing.T) {
		// Rows built without the roster parser meet its rules here.
		in := []storage.MemberInput{
			{Line: 2, Code: "DV200", FullName: "Mới Một", OrgCode: "CB1"},
			{Line: 3, Code: "DV 201", FullName: "Mới Hai", OrgCode: "CB1"},
			{Line: 4, Code: "DV202", FullName: "A", OrgCode: "CB1"},
			{Line: 5, Code: "DV203", FullName: "Mới Bốn", OrgCode: "CB1", BirthYear: time.Now().Year() + 1},
		}
		rep, err := s.ImportMembers(ctx, in, nil, storage.ImportOptions{SkipInvalid: true})
		if err != nil || !rep.Written || rep.Created != 1 || rep.Rejected != 3 {
			t.Fatalf("got %+v %v", rep, err)
		}
		for i, want := range []string{`Mã đảng viên "DV 201" không hợp lệ`, `Họ và tên "A" quá ngắn`, "Năm sinh"} {
			if r := rep.Rows[i+1]; r.Result != storage.ImportRejected || !strings.Contains(r.Reason, want) {
				t.Errorf("row %d: %+v, want %q", r.Line, r, want)
			}
		}
		if _, err := s.Member(ctx, "DV202"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("DV202 written: %v", err)
		}
	})
}

func TestInvitesAndLinking(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	s := newWithMembers(t, storage.WithClock(func() time.Time { return now }))
	m1, _ := s.Member(ctx, "DV001")
	m2, _ := s.Member(ctx, "DV002")
	tok, err := s.CreateInvite(ctx, m1.ID, time.Hour, "test")
	if err != nil || len(tok) < 22 {
		t.Fatalf("token %q %v", tok, err)
	}
	t.Run("WrongTokenNotFound", func(t *testing.T) {
		if _, err := s.RedeemInvite(ctx, tok+"x", 500); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("Redeemed", func(t *testing.T) {
		red, err := s.RedeemInvite(ctx, tok, 500)
		m := red.Member
		if err != nil || m.Code != "DV001" || m.TelegramUserID == nil || *m.TelegramUserID != 500 || red.PreviousTelegramID != nil {
			t.Fatalf("got %+v %v", red, err)
		}
	})
	t.Run("ReusedNotFound", func(t *testing.T) {
		if _, err := s.RedeemInvite(ctx, tok, 501); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("ExpiredNotFound", func(t *testing.T) {
		tok2, _ := s.CreateInvite(ctx, m2.ID, time.Minute, "test")
		now = now.Add(2 * time.Minute)
		if _, err := s.RedeemInvite(ctx, tok2, 502); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("RevokedNotFound", func(t *testing.T) {
		tok3, _ := s.CreateInvite(ctx, m2.ID, time.Hour, "test")
		if n, err := s.RevokeInvites(ctx, "DV002", "test"); err != nil || n != 1 {
			t.Fatalf("revoke %d %v", n, err)
		}
		if _, err := s.RedeemInvite(ctx, tok3, 502); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("TelegramAccountOfAnotherMemberConflict", func(t *testing.T) {
		tok4, _ := s.CreateInvite(ctx, m2.ID, time.Hour, "test")
		if _, err := s.RedeemInvite(ctx, tok4, 500); !errors.Is(err, storage.ErrConflict) {
			t.Fatalf("got %v", err)
		}
		// The failed redemption left the token usable.
		if _, err := s.RedeemInvite(ctx, tok4, 502); err != nil {
			t.Fatalf("token lost after a conflict: %v", err)
		}
	})
}

func TestRolesAndState(t *testing.T) {
	ctx := context.Background()
	s := newWithMembers(t)
	t.Run("GrantIdempotentAndAudited", func(t *testing.T) {
		for i := 0; i < 2; i++ {
			if err := s.GrantRole(ctx, "DV001", storage.RoleSecretary, "CB1", "cli"); err != nil {
				t.Fatal(err)
			}
		}
		m, _ := s.Member(ctx, "DV001")
		rs, _ := s.RolesOf(ctx, m.ID)
		if len(rs) != 1 || rs[0].OrgCode != "CB1" {
			t.Fatalf("roles %+v", rs)
		}
		log, _ := s.AuditLog(ctx, 10)
		if len(log) == 0 || log[0].Action != "role.grant" {
			t.Fatalf("audit %+v", log)
		}
	})
	t.Run("BadRoleInvalid", func(t *testing.T) {
		if err := s.GrantRole(ctx, "DV001", "king", "CB1", "cli"); storage.ErrorCode(err) != storage.CodeInvalid {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("RevokeMissingNotFound", func(t *testing.T) {
		if err := s.RevokeRole(ctx, "DV002", storage.RoleAdmin, "ROOT", "cli"); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("UpdateMarkedOnce", func(t *testing.T) {
		first, err := s.MarkUpdate(ctx, 77)
		second, err2 := s.MarkUpdate(ctx, 77)
		if err != nil || err2 != nil || !first || second {
			t.Fatalf("%v %v %v %v", first, second, err, err2)
		}
	})
	t.Run("OffsetNeverBackwards", func(t *testing.T) {
		_ = s.SetOffset(ctx, 10)
		_ = s.SetOffset(ctx, 5)
		if o, _ := s.Offset(ctx); o != 10 {
			t.Fatalf("offset %d", o)
		}
	})
	t.Run("DialogRoundTrip", func(t *testing.T) {
		type draft struct{ Date string }
		if err := s.SaveDialog(ctx, 9, "sinhhoat", "date", draft{"15/11/2026"}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Dialog(ctx, 9)
		var got draft
		if err != nil || d.Step != "date" || d.Decode(&got) != nil || got.Date != "15/11/2026" {
			t.Fatalf("%+v %v", d, err)
		}
		if ok, _ := s.EndDialog(ctx, 9); !ok {
			t.Fatal("no dialog ended")
		}
		if _, err := s.Dialog(ctx, 9); !errors.Is(err, storage.ErrNotFound) {
			t.Fatalf("got %v", err)
		}
	})
}

func TestMigrateRefusesNewerDatabase(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	if _, err := s.DB().ExecContext(ctx, `UPDATE schema_migrations SET version = 9999`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Migrate(ctx); err == nil {
		t.Fatal("a database newer than the binary was accepted")
	}
}

func TestDissolveAndRename(t *testing.T) {
	ctx := context.Background()
	s := newWithMembers(t)
	t.Run("DissolveWithMembersRefused", func(t *testing.T) {
		err := s.DissolveOrganisation(ctx, "DBCS", "cli")
		if storage.ErrorCode(err) != storage.CodeConflict || !strings.Contains(storage.ErrorMessage(err), "1 đảng viên") {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("DissolvedAfterMoveKeepsHistory", func(t *testing.T) {
		if err := s.MoveMember(ctx, "DV001", "CB2", "cli"); err != nil {
			t.Fatal(err)
		}
		if err := s.DissolveOrganisation(ctx, "DBCS", "cli"); err != nil {
			t.Fatal(err)
		}
		all, _ := s.Organisations(ctx)
		for _, o := range all {
			if o.Code == "DBCS" || o.Code == "CB1" {
				t.Fatalf("%s still listed after dissolution", o.Code)
			}
		}
		o, err := s.Organisation(ctx, "CB1")
		if err != nil || o.DissolvedAt == nil {
			t.Fatalf("CB1 lost or not dissolved: %+v %v", o, err)
		}
		h, _ := s.MemberHistory(ctx, "DV001")
		if len(h) != 2 || h[0].OrgCode != "CB1" {
			t.Fatalf("member history %+v", h)
		}
	})
	t.Run("RenameRecorded", func(t *testing.T) {
		if err := s.RenameOrganisation(ctx, "CB2", "Chi bộ bản Nà Hiên 2", "cli"); err != nil {
			t.Fatal(err)
		}
		h, _ := s.OrganisationHistory(ctx, "CB2")
		if last := h[len(h)-1]; last.Change != "renamed" || last.NewValue != "Chi bộ bản Nà Hiên 2" {
			t.Fatalf("history %+v", h)
		}
	})
}

func TestNestedTransactionsRollBackTheirOwnWrites(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	errOuter := errors.New("outer fails")
	err := s.WithTx(ctx, func(tx *storage.Storage) error {
		if err := tx.Audit(ctx, "t", "level0", "", nil); err != nil {
			return err
		}
		_ = tx.WithTx(ctx, func(l1 *storage.Storage) error {
			if err := l1.Audit(ctx, "t", "level1", "", nil); err != nil {
				return err
			}
			// An inner failure that level 1 handles...
			_ = l1.WithTx(ctx, func(l2 *storage.Storage) error {
				_ = l2.Audit(ctx, "t", "level2", "", nil)
				return errors.New("inner fails")
			})
			// ...then level 1 itself fails: its own write must go too.
			return errOuter
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	log, _ := s.AuditLog(ctx, 10)
	var got []string
	for _, e := range log {
		got = append(got, e.Action)
	}
	if len(got) != 1 || got[0] != "level0" {
		t.Fatalf("audit rows after nested rollbacks: %v", got)
	}
}

func TestMembersInVietnameseOrder(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	MustImportOrgs(t, s)
	var in []storage.MemberInput
	for i, n := range []string{"Nguyễn Văn Tuấn", "Đinh Xuân Bình", "Hà Công Dũng", "Hoàng Văn Dũng", "Đặng Thị An", "Dương Văn Bình"} {
		in = append(in, storage.MemberInput{Line: i + 2, Code: fmt.Sprintf("X%d", i), FullName: n, OrgCode: "CB2"})
	}
	storagetest.MustImport(t, s, nil, in)
	o, _ := s.Organisation(ctx, "CB2")
	ms, err := s.MembersInSubtree(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.FullName)
	}
	want := "Đặng Thị An|Dương Văn Bình|Đinh Xuân Bình|Hà Công Dũng|Hoàng Văn Dũng|Nguyễn Văn Tuấn"
	if strings.Join(got, "|") != want {
		t.Fatalf("order %q", got)
	}
}

// TestPreparedStatements: a query with arguments is prepared once per
// connection and reused, and inside a transaction the prepared statement
// runs in that transaction: a rollback undoes it.
func TestPreparedStatements(t *testing.T) {
	ctx := context.Background()
	s := storagetest.New(t)
	s.DB().SetMaxOpenConns(1) // every call on the one connection checked below
	for i := 0; i < 3; i++ {
		if _, err := s.Enqueue(ctx, storage.OutboxNotice, 42, "Thông báo", nil); err != nil {
			t.Fatal(err)
		}
	}
	var prepared int
	if err := s.DB().Get(&prepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO outbox%'`); err != nil {
		t.Fatal(err)
	}
	if prepared != 1 {
		t.Fatalf("the insert is prepared %d times on the connection, want once", prepared)
	}
	s.DB().SetMaxOpenConns(2) // a statement run outside the transaction would not wait for it
	boom := errors.New("boom")
	err := s.WithTx(ctx, func(s *storage.Storage) error {
		if _, err := s.Enqueue(ctx, storage.OutboxNotice, 43, "Thông báo", nil); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	pending, _, _, err := s.OutboxCounts(ctx)
	if err != nil || pending != 3 {
		t.Fatalf("pending %d (%v): the rolled back insert stayed", pending, err)
	}
}

// TestPreparingInATransactionTakesNoSecondConnection: the first run of a
// query inside a transaction does not wait for a second connection (with
// every connection of the pool in a transaction that would deadlock); it
// is prepared afterwards, for the next time.
func TestPreparingInATransactionTakesNoSecondConnection(t *testing.T) {
	s := storagetest.New(t)
	s.DB().SetMaxOpenConns(1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.WithTx(ctx, func(s *storage.Storage) error {
		_, err := s.Enqueue(ctx, storage.OutboxNotice, 44, "Thông báo", nil)
		return err
	})
	if err != nil {
		t.Fatalf("the first insert in a transaction: %v (waiting for a second connection?)", err)
	}
	for {
		var prepared int
		if err := s.DB().GetContext(ctx, &prepared, `SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO outbox%'`); err != nil {
			t.Fatalf("the insert was not prepared after the transaction: %v", err)
		}
		if prepared == 1 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestFailedMigrationRetried: a migration that fails leaves the schema at
// the version before it, marked dirty; every later Migrate says so; once
// the cause is fixed, RetryMigration marks the failed version as not
// applied and runs it again. Here the very first one fails, so the schema
// goes back to no version at all.
func TestFailedMigrationRetried(t *testing.T) {
	ctx := context.Background()
	s, err := storage.Open(ctx, storagetest.EmptyDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.DB().Exec(`CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.RetryMigration(ctx); !errors.Is(err, storage.ErrNothingToRetry) {
		t.Fatalf("retry with nothing failed: %v", err)
	}
	fix := storagetest.FailMigrationsFrom(t, storagetest.DSN(dbName(t, s)), 1)
	var me *storage.MigrationError
	_, _, err = s.Migrate(ctx)
	if !errors.As(err, &me) || me.Version != 1 || me.Before != 0 || !strings.HasPrefix(me.File, "0001_") || !strings.Contains(me.Cause, storagetest.MigrationFailure) {
		t.Fatalf("first failure: %#v", err)
	}
	if _, _, err = s.Migrate(ctx); !errors.As(err, &me) || me.Version != 1 || me.Cause != "" || !strings.Contains(err.Error(), "--retry") {
		t.Fatalf("found dirty: %v", err)
	}
	var tables int
	if err := s.DB().Get(&tables, `SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'schema_migrations'`); err != nil || tables != 0 {
		t.Fatalf("the failed file left %d tables (%v)", tables, err)
	}
	fix()
	from, to, err := s.RetryMigration(ctx)
	if err != nil || from != 0 || to != storage.SchemaVersion() {
		t.Fatalf("retry: %d → %d, %v", from, to, err)
	}
	var v struct {
		Version uint `db:"version"`
		Dirty   bool `db:"dirty"`
	}
	if err := s.DB().Get(&v, `SELECT version, dirty FROM schema_migrations`); err != nil || v.Version != storage.SchemaVersion() || v.Dirty {
		t.Fatalf("schema %+v (%v)", v, err)
	}
}

// dbName is the name of the database s is connected to.
func dbName(t *testing.T, s *storage.Storage) string {
	t.Helper()
	var name string
	if err := s.DB().Get(&name, `SELECT current_database()`); err != nil {
		t.Fatal(err)
	}
	return name
}

// TestMigrationsAreSingleTransactions: every migration file runs as one
// implicit transaction, which is what lets a failed one be retried (it
// left nothing of itself): none ends that transaction or runs a command
// that cannot run inside one.
func TestMigrationsAreSingleTransactions(t *testing.T) {
	files, err := fs.Glob(storage.Migrations(), "migrations/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("%v %v", files, err)
	}
	outside := regexp.MustCompile(`(?im)^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION)\s*;|\bCONCURRENTLY\b|\bVACUUM\b|\bCREATE\s+DATABASE\b`)
	for _, f := range files {
		b, err := fs.ReadFile(storage.Migrations(), f)
		if err != nil {
			t.Fatal(err)
		}
		if m := outside.Find(b); m != nil {
			t.Errorf("%s: %q does not run inside the file's one transaction", f, m)
		}
	}
}
