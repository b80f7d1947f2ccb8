package handlers_test

import (
	"context"
	"strings"
	"testing"

	"sotay/storage"
	"sotay/storage/storagetest"
)

// accountEnv is the small commune with a base committee DBX (Đảng bộ
// Trường THCS) under the root and its cell CBX (Chi bộ giáo viên), and
// members holding roles at every level. Linked, with user id 1600+n:
//
//	DV1 (CB1)  admin at the root          DV5 (CBX)  deputy secretary of CBX
//	DV2 (CB1)  secretary of CB1           DV6 (CBX)  secretary of DBX
//	DV3 (CB2)  admin at the root too      DV7 (CBX)  officer at the root
//	DV4 (CBX)  secretary of CBX           DV8 (CBX)  plain member
//
// and, not linked yet, DV9 (CBX, officer at the root) and DV10 (CBX, plain).
func accountEnv(t *testing.T) *env {
	t.Helper()
	e := newEnv(t)
	storagetest.MustImport(t, e.s, []storage.OrgInput{
		{Line: 2, Code: "DBX", Name: "Đảng bộ Trường THCS", Kind: storage.KindDangBo, ParentCode: "ROOT"},
		{Line: 3, Code: "CBX", Name: "Chi bộ giáo viên", Kind: storage.KindChiBo, ParentCode: "DBX"},
	}, []storage.MemberInput{
		{Line: 2, Code: "DV4", FullName: "Vàng Văn Tú", OrgCode: "CBX"},
		{Line: 3, Code: "DV5", FullName: "Lù Thị Mai", OrgCode: "CBX"},
		{Line: 4, Code: "DV6", FullName: "Sùng A Chứ", OrgCode: "CBX"},
		{Line: 5, Code: "DV7", FullName: "Tòng Văn Hải", OrgCode: "CBX"},
		{Line: 6, Code: "DV8", FullName: "Lò Thị Sen", OrgCode: "CBX"},
		{Line: 7, Code: "DV9", FullName: "Quàng Văn Ón", OrgCode: "CBX"},
		{Line: 8, Code: "DV10", FullName: "Cầm Thị Dung", OrgCode: "CBX"},
	})
	for code, role := range map[string][2]string{
		"DV1": {storage.RoleAdmin, "ROOT"}, "DV2": {storage.RoleSecretary, "CB1"}, "DV3": {storage.RoleAdmin, "ROOT"},
		"DV4": {storage.RoleSecretary, "CBX"}, "DV5": {storage.RoleSecretary, "CBX"}, "DV6": {storage.RoleSecretary, "DBX"},
		"DV7": {storage.RoleOfficer, "ROOT"}, "DV9": {storage.RoleOfficer, "ROOT"},
	} {
		storagetest.MustGrant(t, e.s, code, role[0], role[1])
	}
	for i, code := range []string{"DV1", "DV2", "DV3", "DV4", "DV5", "DV6", "DV7", "DV8"} {
		e.link(t, code, int64(1601+i))
	}
	return e
}

// member is the stored member with this code.
func (e *env) member(t *testing.T, code string) storage.Member {
	t.Helper()
	m, err := e.s.Member(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// relinkList opens /moi as user, presses «🔁 Đổi tài khoản Telegram» and
// returns the members listed, by name, with their buttons' data.
func (e *env) relinkList(t *testing.T, user int64) map[string]string {
	t.Helper()
	e.rec.reset()
	e.text(t, user, "/moi")
	relink := e.rec.buttons()["🔁 Đổi tài khoản Telegram"]
	e.rec.reset()
	e.press(t, user, relink)
	return e.listed()
}

// inviteList opens /moi as user and returns the unlinked members listed.
func (e *env) inviteList(t *testing.T, user int64) map[string]string {
	t.Helper()
	e.rec.reset()
	e.text(t, user, "/moi")
	return e.listed()
}

// listed are the member buttons ("Name · Organisation") of what was sent
// since the last reset, by name.
func (e *env) listed() map[string]string {
	out := map[string]string{}
	for _, kb := range e.rec.keyboards() {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				if name, _, ok := strings.Cut(b.Text, " · "); ok && b.CallbackData != nil {
					out[name] = *b.CallbackData
				}
			}
		}
	}
	return out
}

// invitesOf counts the invites ever made for a member.
func invitesOf(t *testing.T, e *env, code string) int {
	t.Helper()
	var n int
	if err := e.s.DB().Get(&n, `SELECT count(*) FROM invites WHERE member_id = $1`, e.member(t, code).ID); err != nil {
		t.Fatal(err)
	}
	return n
}

// accountUntouched fails the test if anything was done to the member's
// account: an invite made (there were invites before) or the link moved or cut.
func accountUntouched(t *testing.T, e *env, code string, linkedTo int64, invites int) {
	t.Helper()
	if n := invitesOf(t, e, code); n != invites {
		t.Fatalf("%s has %d invites, had %d", code, n, invites)
	}
	if got := storagetest.LinkedUser(t, e.s, code); got != linkedTo {
		t.Fatalf("%s is linked to %d, want %d", code, got, linkedTo)
	}
}

// refusedEverywhere presses, as user, every /moi button on the member's
// account with forged data (show, relink, ask to unlink, unlink, invite)
// and checks that each gets the answer want and that nothing changes.
func refusedEverywhere(t *testing.T, e *env, user int64, code string, linkedTo int64, want string) {
	t.Helper()
	id := itoa(e.member(t, code).ID)
	before := invitesOf(t, e, code)
	for _, data := range []string{"moi:c:" + id, "moi:r:" + id, "moi:u:" + id, "moi:x:" + id, "moi:m:" + id} {
		e.replyToPress(t, user, data, want)
		accountUntouched(t, e, code, linkedTo, before)
	}
}

// TestRelinkIsNoEscalation: an action on another member's account needs a
// role strictly above every role that member holds (issue 17, item 1).
// Before, a cell secretary could relink the commune's admin, who is a
// member of the cell, and take the admin's powers.
func TestRelinkIsNoEscalation(t *testing.T) {
	e := accountEnv(t)
	const roleAbove = "ngang hoặc cao hơn vai trò của đồng chí"

	t.Run("CellSecretaryCannotRelinkCommuneAdmin", func(t *testing.T) {
		listed := e.relinkList(t, 1602)
		if _, ok := listed["Lò Văn Minh"]; ok || len(listed) != 0 {
			t.Fatalf("the secretary of CB1 is offered %v", listed)
		}
		e.said(t, "Tài khoản của chính đồng chí và của người giữ vai trò ngang hoặc cao hơn do cấp trên thực hiện")
		refusedEverywhere(t, e, 1602, "DV1", 1601, "Đồng chí Lò Văn Minh giữ vai trò Quản trị tại Đảng bộ xã Bình Lư, "+roleAbove)
		e.said(t, "do cán bộ hoặc quản trị cấp trên làm")
	})
	t.Run("BaseCommitteeSecretaryRelinksCellSecretaryBelow", func(t *testing.T) {
		listed := e.relinkList(t, 1606)
		for _, name := range []string{"Vàng Văn Tú", "Lù Thị Mai", "Lò Thị Sen"} {
			if _, ok := listed[name]; !ok {
				t.Fatalf("%s not offered to the secretary of DBX: %v", name, listed)
			}
		}
		for _, name := range []string{"Sùng A Chứ", "Tòng Văn Hải", "Lò Văn Minh"} {
			if _, ok := listed[name]; ok {
				t.Fatalf("%s offered to the secretary of DBX: %v", name, listed)
			}
		}
		e.rec.reset()
		e.press(t, 1606, listed["Vàng Văn Tú"])
		e.press(t, 1606, e.rec.buttons()["🔁 Đổi tài khoản Telegram"])
		e.said(t, "Đường liên kết đổi tài khoản Telegram cho đồng chí <b>Vàng Văn Tú</b>")
		var n int
		if err := e.s.DB().Get(&n, `SELECT count(*) FROM invites WHERE member_id = $1 AND relink AND created_by = 'tg:1606'`, e.member(t, "DV4").ID); err != nil || n != 1 {
			t.Fatalf("%d relink invites for DV4 (%v)", n, err)
		}
	})
	t.Run("BaseCommitteeSecretaryCannotRelinkOfficerAbove", func(t *testing.T) {
		refusedEverywhere(t, e, 1606, "DV7", 1607, "Đồng chí Tòng Văn Hải giữ vai trò Cán bộ Đảng ủy tại Đảng bộ xã Bình Lư, "+roleAbove)
	})
	t.Run("CellSecretaryAndDeputyCannotRelinkEachOther", func(t *testing.T) {
		for _, c := range []struct {
			user int64
			code string
			name string
			link int64
		}{{1604, "DV5", "Lù Thị Mai", 1605}, {1605, "DV4", "Vàng Văn Tú", 1604}} {
			listed := e.relinkList(t, c.user)
			if _, ok := listed[c.name]; ok {
				t.Fatalf("%s offered to %d: %v", c.name, c.user, listed)
			}
			if _, ok := listed["Lò Thị Sen"]; !ok {
				t.Fatalf("the plain member of CBX not offered to %d: %v", c.user, listed)
			}
			refusedEverywhere(t, e, c.user, c.code, c.link, "Đồng chí "+c.name+" giữ vai trò Bí thư tại Chi bộ giáo viên, "+roleAbove)
		}
	})
	t.Run("NobodyActsOnTheirOwnAccount", func(t *testing.T) {
		for user, code := range map[int64]string{1601: "DV1", 1604: "DV4", 1606: "DV6"} {
			refusedEverywhere(t, e, user, code, user, "Đồng chí không tự đổi hay hủy liên kết tài khoản của chính mình được")
		}
	})
	t.Run("AdminAtRootActsOnAnyoneElse", func(t *testing.T) {
		listed := e.relinkList(t, 1601)
		for _, name := range []string{"Giàng A Páo", "Tòng Văn Hải", "Hoàng Thị Hoa", "Sùng A Chứ", "Vàng Văn Tú"} {
			if _, ok := listed[name]; !ok {
				t.Fatalf("%s not offered to the admin at the root: %v", name, listed)
			}
		}
		if _, ok := listed["Lò Văn Minh"]; ok {
			t.Fatalf("the admin is offered their own account: %v", listed)
		}
		e.rec.reset()
		e.press(t, 1601, listed["Giàng A Páo"]) // another admin at the root
		e.press(t, 1601, e.rec.buttons()["🔁 Đổi tài khoản Telegram"])
		e.said(t, "Đường liên kết đổi tài khoản Telegram cho đồng chí <b>Giàng A Páo</b>")
	})
	t.Run("OfficerAtRootCannotRelinkAdminAtRoot", func(t *testing.T) {
		refusedEverywhere(t, e, 1607, "DV1", 1601, "Đồng chí Lò Văn Minh giữ vai trò Quản trị tại Đảng bộ xã Bình Lư, "+roleAbove)
		if _, ok := e.relinkList(t, 1607)["Sùng A Chứ"]; !ok {
			t.Fatal("the officer at the root is not offered the secretary of DBX")
		}
	})
	t.Run("OutsideEveryRoleUsualAnswer", func(t *testing.T) {
		refusedEverywhere(t, e, 1604, "DV3", 1603, "callback:Đồng chí không có quyền thực hiện thao tác này.")
	})
	t.Run("StaleButtonAnsweredAsForged", func(t *testing.T) {
		// The secretary of DBX was offered DV8; DV8 is made secretary of
		// DBX too before the button is pressed.
		listed := e.relinkList(t, 1606)
		storagetest.MustGrant(t, e.s, "DV8", storage.RoleSecretary, "DBX")
		refusedEverywhere(t, e, 1606, "DV8", 1608, "Đồng chí Lò Thị Sen giữ vai trò Bí thư tại Đảng bộ Trường THCS, "+roleAbove)
		stale := e.rec.texts()
		e.replyToPress(t, 1606, listed["Lò Thị Sen"], stale[len(stale)-1])
		accountUntouched(t, e, "DV8", 1608, 0)
		if err := e.s.RevokeRole(context.Background(), "DV8", storage.RoleSecretary, "DBX", "test"); err != nil {
			t.Fatal(err)
		}
	})
}

// TestInviteOfRoleHolderIsNoEscalation: an unlinked member who holds a role
// (granted before linking) is invited only from above that role; the list
// and the printed sheet leave them out. Before, a cell secretary could
// invite an officer of the commune and open the link on a second account.
func TestInviteOfRoleHolderIsNoEscalation(t *testing.T) {
	e := accountEnv(t)
	listed := e.inviteList(t, 1604)
	if _, ok := listed["Quàng Văn Ón"]; ok {
		t.Fatalf("the officer DV9 offered to the secretary of CBX: %v", listed)
	}
	if _, ok := listed["Cầm Thị Dung"]; !ok || len(listed) != 1 {
		t.Fatalf("want only DV10 offered, got %v", listed)
	}
	refusedEverywhere(t, e, 1604, "DV9", 0, "Đồng chí Quàng Văn Ón giữ vai trò Cán bộ Đảng ủy tại Đảng bộ xã Bình Lư")

	t.Run("SheetLeavesThemOut", func(t *testing.T) {
		e.press(t, 1604, "moi:s:0")
		var n int
		if err := e.s.DB().Get(&n, `SELECT count(*) FROM invites WHERE created_by = 'tg:1604'`); err != nil || n != 1 {
			t.Fatalf("%d slips printed (%v), want DV10's alone", n, err)
		}
		assertNoInvites(t, e.s, e.member(t, "DV9").ID)
	})
	t.Run("AdminAtRootInvitesThem", func(t *testing.T) {
		if _, ok := e.inviteList(t, 1601)["Quàng Văn Ón"]; !ok {
			t.Fatal("DV9 not offered to the admin at the root")
		}
		e.replyToPress(t, 1601, "moi:m:"+itoa(e.member(t, "DV9").ID), "Đường liên kết cho đồng chí <b>Quàng Văn Ón</b>")
	})
}

// TestUnlinkFromMoi: «⛔ Hủy liên kết tài khoản» frees the member's account
// under the same rule as relinking: it is told, audited, and may link again.
func TestUnlinkFromMoi(t *testing.T) {
	e := accountEnv(t)
	ctx := context.Background()
	dv8 := e.member(t, "DV8")
	open := e.invite(t, "DV10")
	e.press(t, 1606, "moi:c:"+itoa(dv8.ID))
	ask := e.rec.buttons()["⛔ Hủy liên kết tài khoản"]
	if ask != "moi:u:"+itoa(dv8.ID) {
		t.Fatalf("no unlink button: %v", e.rec.buttons())
	}
	e.replyToPress(t, 1606, ask, "Hủy liên kết tài khoản Telegram của đồng chí <b>Lò Thị Sen</b> (Chi bộ giáo viên)?")
	if storagetest.LinkedUser(t, e.s, "DV8") != 1608 {
		t.Fatal("unlinked before it was confirmed")
	}
	e.replyToPress(t, 1606, e.rec.buttons()["✅ Đồng ý hủy liên kết"], "Đã hủy liên kết tài khoản Telegram của đồng chí <b>Lò Thị Sen</b>")
	if got := storagetest.LinkedUser(t, e.s, "DV8"); got != 0 {
		t.Fatalf("DV8 still linked to %d", got)
	}
	var notice string
	if err := e.s.DB().Get(&notice, `SELECT text FROM outbox WHERE chat_id = 1608 AND kind = $1`, storage.OutboxNotice); err != nil ||
		!strings.Contains(notice, "không còn liên kết với sổ tay đảng viên của đồng chí <b>Lò Thị Sen</b>") {
		t.Fatalf("the account is not told: %q %v", notice, err)
	}
	log, err := e.s.AuditLog(ctx, 5)
	if err != nil || log[0].Action != "member.unlink" || log[0].Actor != "tg:1606" || log[0].Subject != "DV8" ||
		!strings.Contains(log[0].Details, `"telegram_user_id": 1608`) {
		t.Fatalf("unlink not audited: %+v %v", log, err)
	}
	t.Run("AccountSeesHowToLinkAndLinksAgain", func(t *testing.T) {
		e.replyTo(t, 1608, "/menu", "chưa liên kết")
		e.replyTo(t, 1608, "/start "+open, "Đã liên kết tài khoản với đồng chí <b>Cầm Thị Dung</b>")
	})
	t.Run("SecondPressChangesNothing", func(t *testing.T) {
		e.replyToPress(t, 1606, "moi:x:"+itoa(dv8.ID), "callback:Đảng viên này chưa liên kết tài khoản.")
	})
	t.Run("RefusedForRoleAtSameNode", func(t *testing.T) {
		e.replyToPress(t, 1604, "moi:x:"+itoa(e.member(t, "DV5").ID), "Đồng chí Lù Thị Mai giữ vai trò Bí thư tại Chi bộ giáo viên")
		if storagetest.LinkedUser(t, e.s, "DV5") != 1605 {
			t.Fatal("DV5 unlinked by the other secretary of the cell")
		}
	})
}

// TestInviteMadeBeforeARoleIsVoid: a role granted after an invite was made
// revokes it, so that a link made under the rule for a plain member cannot
// hand over the role given since (no escalation by timing either).
func TestInviteMadeBeforeARoleIsVoid(t *testing.T) {
	e := accountEnv(t)
	e.replyToPress(t, 1604, "moi:m:"+itoa(e.member(t, "DV10").ID), "Đường liên kết cho đồng chí <b>Cầm Thị Dung</b>")
	invite := tokenIn(t, e.rec.texts())
	e.replyToPress(t, 1606, "moi:r:"+itoa(e.member(t, "DV8").ID), "Đường liên kết đổi tài khoản Telegram cho đồng chí <b>Lò Thị Sen</b>")
	relink := tokenIn(t, e.rec.texts())
	storagetest.MustGrant(t, e.s, "DV10", storage.RoleOfficer, "ROOT")
	storagetest.MustGrant(t, e.s, "DV8", storage.RoleSecretary, "DBX")

	e.replyTo(t, 1699, "/start "+invite, "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn")
	e.replyTo(t, 1698, "/start "+relink, "Mã liên kết không đúng, đã được dùng hoặc đã hết hạn")
	if storagetest.LinkedUser(t, e.s, "DV10") != 0 || storagetest.LinkedUser(t, e.s, "DV8") != 1608 {
		t.Fatal("an invite made before the role was granted linked")
	}
}

// tokenIn is the /start token of the link in the texts sent.
func tokenIn(t *testing.T, texts []string) string {
	t.Helper()
	for _, s := range texts {
		if i := strings.Index(s, "https://t.me/sotay_test_bot?start="); i >= 0 {
			link := strings.Fields(s[i:])[0]
			return link[strings.Index(link, "=")+1:]
		}
	}
	t.Fatalf("no link in %q", texts)
	return ""
}
