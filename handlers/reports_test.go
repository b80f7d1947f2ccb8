package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"sotay/handlers"
	"sotay/storage"
	"sotay/storage/storagetest"
)

// reportEnv is the seed commune plus a third cell CB3 (DV4), with a clock:
// DV2 (user 702) is secretary of CB1, DV1 (701) a plain member, DV4 (704)
// secretary of CB1 and CB3, DV3 (703) the commune's officer.
type reportEnv struct {
	*env
	clock *storagetest.Clock
	orgs  map[string]int64
}

func newReportEnv(t *testing.T) *reportEnv {
	t.Helper()
	ck := storagetest.NewClock(time.Date(2026, 11, 25, 9, 0, 0, 0, hcm))
	s := storagetest.New(t, storage.WithClock(ck.Now))
	storagetest.SeedCommune(t, s)
	ctx := context.Background()
	if _, err := s.ImportOrgs(ctx, []storage.OrgInput{{Line: 2, Code: "CB3", Name: "Chi bộ bản Tà Chải", Kind: storage.KindChiBo, ParentCode: "ROOT"}}, nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ImportMembers(ctx, []storage.MemberInput{{Line: 2, Code: "DV4", FullName: "Vàng Thị Mai", OrgCode: "CB3"}}, nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	e := &reportEnv{env: &env{s: s, rec: &recorder{}, files: memFiles{}, id: 5000}, clock: ck, orgs: map[string]int64{}}
	e.h = e.restart()
	for code, user := range map[string]int64{"DV1": 701, "DV2": 702, "DV3": 703, "DV4": 704} {
		e.link(t, code, user)
	}
	for _, g := range []struct{ member, role, org string }{
		{"DV2", storage.RoleSecretary, "CB1"}, {"DV4", storage.RoleSecretary, "CB1"}, {"DV4", storage.RoleSecretary, "CB3"}, {"DV3", storage.RoleOfficer, "ROOT"},
	} {
		if err := s.GrantRole(ctx, g.member, g.role, g.org, "test"); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []string{"ROOT", "CB1", "CB2", "CB3"} {
		o, _ := s.Organisation(ctx, c)
		e.orgs[c] = o.ID
	}
	return e
}

// restart builds the handlers again over the same database, as a restart
// of sotay serve does.
func (e *reportEnv) restart() *handlers.Handlers {
	return handlers.New(handlers.Deps{Store: e.s, Sender: e.rec, BotUsername: "sotay_test_bot", Files: e.files, Now: e.clock.Now, Location: hcm})
}

func (e *reportEnv) meetings(t *testing.T) []storage.MeetingReport {
	t.Helper()
	ms, err := e.s.MeetingReports(context.Background(), storage.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

func (e *reportEnv) supervisions(t *testing.T) []storage.SupervisionReport {
	t.Helper()
	ss, err := e.s.SupervisionReports(context.Background(), storage.ReportFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return ss
}

func TestMeetingQuickForm(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/sinhhoat 15/11/2026; thường kỳ; 2/2; Quán triệt Kết luận 21-KL/TW")
	got := e.last()
	if !strings.Contains(got, "Đã lưu báo cáo sinh hoạt chi bộ") || !strings.Contains(got, "Chi bộ bản Nà Hiên") ||
		!strings.Contains(got, "15/11/2026") || !strings.Contains(got, "2/2") || !strings.Contains(got, "Quán triệt") {
		t.Fatalf("confirmation = %q", got)
	}
	ms := e.meetings(t)
	if len(ms) != 1 || ms[0].OrgCode != "CB1" || ms[0].Kind != storage.MeetingRegular || ms[0].Present != 2 || ms[0].Total != 2 || ms[0].ReportedByCode != "DV2" {
		t.Fatalf("stored %+v", ms)
	}
	if _, ok := e.rec.buttons()["✏️ Sửa"]; !ok {
		t.Fatalf("no Sửa on the confirmation: %v", e.rec.buttonLabels())
	}

	t.Run("NoDiacriticsPresentOnlyTotalFromRoster", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat 20/11; chuyen de; 1; Hoc tap tu tuong")
		ms := e.meetings(t)
		if len(ms) != 2 || ms[1].Kind != storage.MeetingTopical || ms[1].Present != 1 || ms[1].Total != 2 {
			t.Fatalf("stored %+v", ms)
		}
	})
	t.Run("PhotoCaptionIsTheForm", func(t *testing.T) {
		e.id++
		u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{MessageID: e.id, From: &tgbotapi.User{ID: 702}, Chat: &tgbotapi.Chat{ID: 702, Type: "private"},
			Photo:   []tgbotapi.PhotoSize{{FileID: "SMALL", Width: 90}, {FileID: "MINUTES", Width: 1280}},
			Caption: "/sinhhoat 21/11/2026; chuyên đề; 2/2; Biên bản kèm ảnh"}}
		if err := e.h.HandleUpdate(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		ms := e.meetings(t)
		if len(ms) != 3 || ms[2].MinutesFile != "MINUTES" {
			t.Fatalf("stored %+v", ms)
		}
		if !strings.Contains(e.last(), "Ảnh biên bản: có") {
			t.Fatalf("confirmation = %q", e.last())
		}
	})
}

func TestMeetingValidationStoresNothing(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	if _, err := e.s.DB().Exec(`UPDATE organisations SET founded_on = '2026-11-10' WHERE code = 'CB1'`); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, form, says string }{
		{"Future", "30/11/2026; thường kỳ; 2/2; A", "chưa đến"},
		{"NoSuchDay", "31/02/2026; thường kỳ; 2/2; A", "không có trong lịch"},
		{"PresentAboveTotal", "15/11/2026; thường kỳ; 3/2; A", "lớn hơn tổng số"},
		{"PresentAboveRoster", "15/11/2026; thường kỳ; 5; A", "lớn hơn số đảng viên"},
		{"UnknownKind", "15/11/2026; thường lệ; 2/2; A", "«thường lệ» không có"},
		{"BeforeFounded", "05/11/2026; thường kỳ; 2/2; A", "trước ngày thành lập"},
		{"UnknownOrg", "XX99; 15/11/2026; thường kỳ; 2/2; A", "Không có tổ chức mã XX99"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.rec.reset()
			e.text(t, 702, "/sinhhoat "+c.form)
			got := e.last()
			if !strings.Contains(got, c.says) || !strings.Contains(got, "Mẫu: /sinhhoat") || !strings.Contains(got, "Chưa lưu gì") {
				t.Fatalf("answer = %q, want %q with the model", got, c.says)
			}
			if ms := e.meetings(t); len(ms) != 0 {
				t.Fatalf("stored %+v", ms)
			}
			if _, err := e.s.Dialog(ctx, 702); err == nil {
				t.Fatal("a bad line opened a dialog")
			}
		})
	}
	t.Run("DissolvedOrganisation", func(t *testing.T) {
		if _, err := e.s.DB().Exec(`UPDATE organisations SET dissolved_at = '2026-11-20 10:00+07' WHERE code = 'CB3'`); err != nil {
			t.Fatal(err)
		}
		e.rec.reset()
		e.text(t, 703, "/sinhhoat CB3; 22/11/2026; thường kỳ; 1/1; A")
		e.lastHas(t, "đã giải thể ngày 20/11/2026")
		e.text(t, 703, "/sinhhoat CB3; 19/11/2026; thường kỳ; 1/1; A")
		if ms := e.meetings(t); len(ms) != 1 || ms[0].OrgCode != "CB3" {
			t.Fatalf("a report before the dissolution was refused: %+v", ms)
		}
	})
}

func TestReportScope(t *testing.T) {
	e := newReportEnv(t)
	t.Run("PlainMemberCannotReport", func(t *testing.T) {
		e.text(t, 701, "/sinhhoat 15/11/2026; thường kỳ; 2/2; A")
		e.text(t, 701, "/kiemtra 20/11/2026; giám sát; 1; 1; N; không vi phạm")
		e.lastHas(t, "không có quyền")
		if len(e.meetings(t))+len(e.supervisions(t)) != 0 {
			t.Fatal("a plain member's report was stored")
		}
	})
	t.Run("SecretaryCannotReportForAnotherCell", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat CB2; 15/11/2026; thường kỳ; 1/1; A")
		e.lastHas(t, "chỉ báo cáo được cho tổ chức mình phụ trách")
		if len(e.meetings(t)) != 0 {
			t.Fatal("stored for another cell")
		}
	})
	t.Run("ForgedOrganisationButtonRefused", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 704, "/sinhhoat") // two roles: asks which
		labels := strings.Join(e.rec.buttonLabels(), "|")
		if !strings.Contains(labels, "Chi bộ bản Nà Hiên") || !strings.Contains(labels, "Chi bộ bản Tà Chải") || strings.Contains(labels, "Pà Pao") {
			t.Fatalf("organisation buttons = %q", labels)
		}
		data := e.rec.find("sh", "o:"+itoa(e.orgs["CB1"]))
		forged := strings.Replace(data, ":o:"+itoa(e.orgs["CB1"]), ":o:"+itoa(e.orgs["CB2"]), 1)
		e.rec.reset()
		e.press(t, 704, forged)
		if !contains(e.rec.texts(), "callback:Mục này không còn trong danh sách") || contains(e.rec.texts(), "Pà Pao") {
			t.Fatalf("forged press answered %q", e.rec.texts())
		}
		d, err := e.s.Dialog(context.Background(), 704)
		if err != nil || d.Step != "org" {
			t.Fatalf("dialog moved: %+v %v", d, err)
		}
	})
	t.Run("ForgedEditButtonRefused", func(t *testing.T) {
		e.text(t, 703, "/sinhhoat CB2; 15/11/2026; thường kỳ; 1/1; A") // the officer may
		ms := e.meetings(t)
		if len(ms) != 1 || ms[0].OrgCode != "CB2" {
			t.Fatalf("officer's report: %+v", ms)
		}
		e.rec.reset()
		e.press(t, 702, handlers.CallbackData("rs", "m", ms[0].ID))
		if !contains(e.rec.texts(), "callback:Không tìm thấy nội dung") || contains(e.rec.texts(), "Pà Pao") {
			t.Fatalf("forged edit answered %q", e.rec.texts())
		}
		if _, err := e.s.Dialog(context.Background(), 702); err == nil {
			t.Fatal("a forged edit opened the dialog")
		}
	})
	t.Run("LowerCaseCodeWithoutDigits", func(t *testing.T) {
		e.text(t, 703, "/kiemtra root; 15/11/2026; giám sát; 1; 1; N; không vi phạm")
		ss := e.supervisions(t)
		if len(ss) != 1 || ss[0].OrgCode != "ROOT" {
			t.Fatalf("stored %+v (%q)", ss, e.last())
		}
	})
	t.Run("SeveralRolesCodePicks", func(t *testing.T) {
		e.text(t, 704, "/sinhhoat cb3; 15/11/2026; thường kỳ; 1; A")
		ms := e.meetings(t)
		if len(ms) != 2 || ms[1].OrgCode != "CB3" || ms[1].Total != 1 {
			t.Fatalf("stored %+v", ms)
		}
	})
}

func TestMeetingDuplicateReplaceKeepsHistory(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	e.text(t, 702, "/sinhhoat 05/11/2026; thường kỳ; 1/2; Lần đầu")
	e.rec.reset()
	e.text(t, 702, "/sinhhoat 15/11/2026; thuong ky; 2/2; Lần hai")
	e.lastHas(t, "đã có báo cáo sinh hoạt thường kỳ tháng 11/2026", "Lần đầu")
	ms := e.meetings(t)
	if len(ms) != 1 || ms[0].Topic != "Lần đầu" {
		t.Fatalf("stored before the answer: %+v", ms)
	}
	e.tap(t, 702, "sh", "rp:"+itoa(ms[0].ID))
	e.lastHas(t, "phiên bản 2", "Lần hai")
	vs, err := e.s.MeetingVersions(ctx, ms[0].ID)
	if err != nil || len(vs) != 2 || vs[0].Topic != "Lần đầu" || vs[1].Topic != "Lần hai" || vs[1].Change != storage.ChangeReplaced || vs[1].ReportedByCode != "DV2" {
		t.Fatalf("versions = %+v, %v", vs, err)
	}
	if ms := e.meetings(t); len(ms) != 1 || ms[0].Present != 2 {
		t.Fatalf("figures = %+v", ms)
	}

	t.Run("SuaOnConfirmationMakesVersion", func(t *testing.T) {
		e.press(t, 702, e.rec.buttons()["✏️ Sửa"])
		e.lastHas(t, "Sửa báo cáo sinh hoạt")
		e.tap(t, 702, "sh", "e")
		e.tap(t, 702, "sh", "f:topic")
		e.text(t, 702, "Lần ba, đã sửa")
		if got := e.last(); !strings.Contains(got, "Lần ba, đã sửa") || !strings.Contains(got, "✅ Gửi") && !contains(e.rec.buttonLabels(), "✅ Gửi") {
			t.Fatalf("summary after edit = %q", got)
		}
		e.tap(t, 702, "sh", "ok")
		vs, _ := e.s.MeetingVersions(ctx, ms[0].ID)
		if len(vs) != 3 || vs[2].Topic != "Lần ba, đã sửa" || vs[2].Change != storage.ChangeCorrected {
			t.Fatalf("versions = %+v", vs)
		}
	})
	t.Run("GuidedDialogWarnsAtTheDate", func(t *testing.T) {
		// The guided /sinhhoat says the month has its regular meeting as
		// soon as the date is given, not after every other step.
		e.text(t, 702, "/sinhhoat")
		e.rec.reset()
		e.text(t, 702, "20/11/2026")
		e.lastHas(t, "⚠️ Tháng 11/2026 Chi bộ bản Nà Hiên đã có báo cáo sinh hoạt thường kỳ (ngày 15/11/2026)", "Buổi họp bắt đầu lúc mấy giờ?")
		// Another month: no warning.
		e.text(t, 702, "/huy")
		e.text(t, 702, "/sinhhoat")
		e.rec.reset()
		e.text(t, 702, "20/10/2026")
		if got := e.last(); strings.Contains(got, "⚠️") || !strings.Contains(got, "Buổi họp bắt đầu lúc mấy giờ?") {
			t.Fatalf("October: %q", got)
		}
		e.text(t, 702, "/huy")
	})
	t.Run("TopicalSameMonthIsNoDuplicate", func(t *testing.T) {
		e.text(t, 702, "/sinhhoat 16/11/2026; chuyên đề; 2/2; Chuyên đề")
		if ms := e.meetings(t); len(ms) != 2 {
			t.Fatalf("stored %+v", ms)
		}
	})
}

func TestMeetingDialogAcrossRestart(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	e.text(t, 702, "/sinhhoat")
	e.lastHas(t, "Ngày họp?")
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if !strings.Contains(labels, "Hôm nay (25/11)") || !strings.Contains(labels, "Hôm qua (24/11)") || !strings.Contains(labels, "23/11/2026") {
		t.Fatalf("date buttons = %q", labels)
	}
	e.tap(t, 702, "sh", "d:20261124")
	e.lastHas(t, "bắt đầu lúc mấy giờ?")
	e.tap(t, 702, "sh", "none")
	e.tap(t, 702, "sh", "k:thuong_ky")
	// The bot restarts with the report half written.
	e.h = e.restart()
	e.text(t, 702, "3/2")
	e.lastHas(t, "lớn hơn tổng số", "Số đảng viên có mặt?")
	e.text(t, 702, "2")
	e.text(t, 702, "Quán triệt Nghị quyết")
	e.tap(t, 702, "sh", "skip")
	got := e.last()
	if !strings.Contains(got, "kiểm tra lại") || !strings.Contains(got, "24/11/2026") || !strings.Contains(got, "2/2") || !strings.Contains(got, "Quán triệt Nghị quyết") {
		t.Fatalf("summary = %q", got)
	}
	e.h = e.restart()
	e.tap(t, 702, "sh", "ok")
	ms := e.meetings(t)
	if len(ms) != 1 || ms[0].HeldOn.Format("2006-01-02") != "2026-11-24" || ms[0].Present != 2 || ms[0].Total != 2 {
		t.Fatalf("stored %+v", ms)
	}
	if !strings.Contains(e.last(), "Đã lưu báo cáo sinh hoạt chi bộ") {
		t.Fatalf("confirmation = %q", e.last())
	}
	if _, err := e.s.Dialog(ctx, 702); err == nil {
		t.Fatal("dialog still open")
	}
	t.Run("HuyLeaves", func(t *testing.T) {
		e.text(t, 702, "/kiemtra 20/11/2026")
		e.text(t, 702, "/huy")
		e.lastHas(t, "Đã hủy báo cáo kiểm tra, giám sát, chưa lưu gì")
		if _, err := e.s.Dialog(ctx, 702); err == nil {
			t.Fatal("dialog still open")
		}
	})
}

func TestMeetingPartialFormOpensDialogAtMissingField(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/sinhhoat 15/11/2026")
	e.lastHas(t, "bắt đầu lúc mấy giờ?", "15/11/2026")
	e.text(t, 702, "19:30-21:00")
	e.lastHas(t, "Loại sinh hoạt?", "15/11/2026 · 19:30–21:00")
	e.tap(t, 702, "sh", "k:chuyen_de")
	e.lastHas(t, "Số đảng viên có mặt?")
	e.text(t, 702, "1")
	e.lastHas(t, "Ai vắng, lý do gì?", "có mặt 1/2")
	e.text(t, 702, "Lò Văn Minh (ốm)")
	e.lastHas(t, "Nội dung sinh hoạt?")
	e.rec.reset()
	e.text(t, 702, "/sinhhoat 15/11/2026; thường kỳ; 2/2")
	e.lastHas(t, "bắt đầu lúc mấy giờ?")
	e.tap(t, 702, "sh", "none")
	e.lastHas(t, "Nội dung sinh hoạt?")
	e.text(t, 702, "Kiểm điểm")
	e.rec.reset()
	e.text(t, 702, "ảnh đâu")
	e.lastHas(t, "gửi ảnh chụp biên bản")
	e.id++
	u := tgbotapi.Update{UpdateID: e.id, Message: &tgbotapi.Message{MessageID: e.id, From: &tgbotapi.User{ID: 702}, Chat: &tgbotapi.Chat{ID: 702, Type: "private"},
		Photo: []tgbotapi.PhotoSize{{FileID: "P1"}}}}
	if err := e.h.HandleUpdate(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	e.tap(t, 702, "sh", "ok")
	ms := e.meetings(t)
	if len(ms) != 1 || ms[0].MinutesFile != "P1" || ms[0].Topic != "Kiểm điểm" {
		t.Fatalf("stored %+v", ms)
	}
}

func TestExpiredDialogIsSaidPolitely(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 702, "/sinhhoat 15/11/2026")
	e.clock.Set(e.clock.Now().Add(storage.DialogTTL + time.Hour))
	e.rec.reset()
	e.text(t, 702, "thường kỳ")
	e.lastHas(t, "báo cáo sinh hoạt chi bộ", "hết hạn")
	e.rec.reset()
	e.text(t, 702, "thường kỳ")
	if got := e.last(); strings.Contains(got, "hết hạn") {
		t.Fatalf("said twice: %q", got)
	}
	if len(e.meetings(t)) != 0 {
		t.Fatal("stored")
	}
}

func TestSupervisionQuickForm(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 703, "/kiemtra 20/11/2026; UBKT; kiểm tra; 2 tổ chức; 3 đảng viên; Việc chấp hành Điều lệ; có 1 vi phạm; Nhắc nhở")
	got := e.last()
	if !strings.Contains(got, "Đã lưu báo cáo kiểm tra") || !strings.Contains(got, "Ủy ban Kiểm tra") || !strings.Contains(got, "có 1 vi phạm") {
		t.Fatalf("confirmation = %q", got)
	}
	ss := e.supervisions(t)
	if len(ss) != 1 || ss[0].OrgCode != "ROOT" || ss[0].Body != storage.BodyCommission || ss[0].OrgsExamined != 2 || ss[0].MembersExamined != 3 || ss[0].Violations != 1 || ss[0].Measures != "Nhắc nhở" {
		t.Fatalf("stored %+v", ss)
	}
	for _, c := range []struct{ name, user, form, says string }{
		{"UBKTForACell", "702", "20/11/2026; UBKT; kiểm tra; 0; 1; N; không vi phạm", "không có Ủy ban Kiểm tra"},
		{"MoreMembersThanTheCell", "702", "20/11/2026; giám sát; 1; 9 đảng viên; N; không vi phạm", "nhiều hơn số đảng viên"},
		{"ViolationsWithoutCount", "702", "20/11/2026; giám sát; 1; 1; N; có vi phạm", "chưa ghi số vi phạm"},
		{"NegativeCount", "702", "20/11/2026; giam sat; -1 to chuc; 1; N; khong vi pham", "không được âm"},
		{"UnknownKind", "702", "20/11/2026; thanh tra; 1; 1; N; không vi phạm", "«thanh tra» không có"},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.rec.reset()
			e.text(t, map[string]int64{"702": 702}[c.user], "/kiemtra "+c.form)
			if got := e.last(); !strings.Contains(got, c.says) || !strings.Contains(got, "Mẫu: /kiemtra") {
				t.Fatalf("answer = %q", got)
			}
			if len(e.supervisions(t)) != 1 {
				t.Fatal("stored a bad line")
			}
		})
	}
	t.Run("CellDefaultsToCommittee", func(t *testing.T) {
		e.text(t, 702, "/kiemtra 21/11/2026; giam sat; 0; 2 dang vien; Viec hoc tap; khong vi pham")
		ss := e.supervisions(t)
		if len(ss) != 2 || ss[1].OrgCode != "CB1" || ss[1].Body != storage.BodyCommittee || ss[1].Kind != storage.SupervisionMonitoring {
			t.Fatalf("stored %+v", ss)
		}
	})
}

func TestSupervisionDialog(t *testing.T) {
	e := newReportEnv(t)
	e.text(t, 703, "/kiemtra")
	// The officer's scope is the commune: the dialog asks which organisation.
	labels := strings.Join(e.rec.buttonLabels(), "|")
	if !strings.HasPrefix(labels, "Đảng bộ xã Bình Lư|") || !strings.Contains(labels, "Chi bộ bản Pà Pao") {
		t.Fatalf("organisation buttons %q", labels)
	}
	e.tap(t, 703, "kt", "o:"+itoa(e.orgs["ROOT"]))
	e.tap(t, 703, "kt", "d:20261125")
	e.lastHas(t, "Ai thực hiện?")
	e.tap(t, 703, "kt", "bd:ubkt")
	e.tap(t, 703, "kt", "k:giam_sat")
	e.text(t, 703, "2 tổ chức")
	e.text(t, 703, "99")
	e.lastHas(t, "nhiều hơn số đảng viên")
	e.tap(t, 703, "kt", "n:3")
	e.text(t, 703, "Việc thực hiện quy chế")
	e.text(t, 703, "có 2 vi phạm")
	e.tap(t, 703, "kt", "skip")
	e.lastHas(t, "có 2 vi phạm", "Ủy ban Kiểm tra")
	e.tap(t, 703, "kt", "ok")
	ss := e.supervisions(t)
	if len(ss) != 1 || ss[0].Body != storage.BodyCommission || ss[0].Violations != 2 || ss[0].MembersExamined != 3 {
		t.Fatalf("stored %+v", ss)
	}
}

// A code the roster import accepts is taken wherever a form names an
// organisation: one that starts with a digit, one with "/"; and a code
// shaped so that no organisation has it is answered as such.
func TestFormCodesAreTheImportsCodes(t *testing.T) {
	e := newReportEnv(t)
	ctx := context.Background()
	rows := []storage.OrgInput{
		{Line: 2, Code: "01", Name: "Chi bộ thôn Một", Kind: storage.KindChiBo, ParentCode: "ROOT"},
		{Line: 3, Code: "CB/04", Name: "Chi bộ thôn Bốn", Kind: storage.KindChiBo, ParentCode: "ROOT"},
	}
	if _, err := e.s.ImportOrgs(ctx, rows, nil, storage.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Run("LeadingDigit", func(t *testing.T) {
		e.text(t, 703, "/sinhhoat 01; 15/11/2026; thường kỳ; 1/1; Quán triệt")
		ms := e.meetings(t)
		if len(ms) != 1 || ms[0].OrgCode != "01" || ms[0].Present != 1 {
			t.Fatalf("stored %+v (%q)", ms, e.last())
		}
	})
	t.Run("Slash", func(t *testing.T) {
		e.text(t, 703, "/kiemtra CB/04; 15/11/2026; giám sát; 1; 0; N; không vi phạm")
		ss := e.supervisions(t)
		if len(ss) != 1 || ss[0].OrgCode != "CB/04" {
			t.Fatalf("stored %+v (%q)", ss, e.last())
		}
	})
	t.Run("UnknownCodeWithSlash", func(t *testing.T) {
		e.rec.reset()
		e.text(t, 703, "/sinhhoat CB/99; 15/11/2026; thường kỳ; 1/1; Quán triệt")
		e.lastHas(t, "Không có tổ chức mã CB/99", "Chưa lưu gì")
		if ms := e.meetings(t); len(ms) != 1 {
			t.Fatalf("stored %+v", ms)
		}
	})
}
